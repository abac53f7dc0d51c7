//! Mappings as a STIX 2.1 bundle.
//!
//! For every piece of evidence that can be expressed as a STIX pattern (a
//! command line, a process image, a registry key, a network indicator), the
//! bundle holds:
//!
//! - an `indicator` per rule (or per indicator extracted from text), whose
//!   pattern is the observed values, built with `ttpmap_stix::pattern`'s
//!   builders and valid by construction;
//! - `indicates` relationships from the indicator to each technique's real
//!   `attack-pattern` id, taken from the knowledge base (a technique the
//!   release does not know gets none: its id is never invented);
//! - the observations as `observed-data` with their SCOs, and a `sighting`
//!   of the indicator in them.
//!
//! Identifiers are derived from what they stand for, so the same mappings
//! give the same bundle: the 122 free bits of a version-4 UUID are taken
//! from the SHA-1 name hash UUIDv5 uses (pseudo-random, as RFC 4122 allows
//! for version 4). STIX asks for version 4 for SDOs and SROs (SHOULD) and
//! for SCOs without id-contributing properties such as `process` (MUST);
//! a plain UUIDv5 would break both.

use std::collections::BTreeMap;

use ttpmap_attack::KnowledgeBase;
use ttpmap_stix::pattern::{builders, Pattern};
use ttpmap_stix::{
    Bundle, Identifier, Identity, Indicator, ObservedData, Process, Relationship, Sighting,
    StixObject, Timestamp,
};
use uuid::Uuid;

use crate::mapping::{EvidenceKind, MappingSet};

/// The namespace of ttpmap's derived STIX ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_1a52_43f8_5b0e_9d2a_7a65_7470_6d61);

/// How many observed values an indicator's pattern lists at most.
const PATTERN_VALUES: usize = 20;

/// Options of [`MappingSet::to_stix`].
#[derive(Debug, Clone)]
pub struct StixOptions {
    /// `created`, `modified`, `valid_from` and the observation times.
    pub time: Timestamp,
    /// The name of the identity that made the bundle.
    pub producer: String,
}

impl Default for StixOptions {
    fn default() -> StixOptions {
        StixOptions {
            time: Timestamp::now(),
            producer: "ttpmap".to_owned(),
        }
    }
}

fn derived(object_type: &str, name: &str) -> Option<Identifier> {
    let hashed = Uuid::new_v5(&NAMESPACE, format!("{object_type}|{name}").as_bytes());
    let mut bytes = *hashed.as_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Identifier::from_parts(object_type, Uuid::from_bytes(bytes)).ok()
}

/// The STIX pattern of one matched field, when the field has a STIX
/// equivalent.
pub(crate) fn field_pattern(field: &str, value: &str) -> Option<Pattern> {
    let lower = field.to_ascii_lowercase();
    let quoted = |path: &str| {
        let escaped = value.replace('\\', "\\\\").replace('\'', "\\'");
        Pattern::parse(&format!("[{path} = '{escaped}']")).ok()
    };
    match lower.as_str() {
        "commandline" | "command_line" | "process.command_line" | "processcommandline" => {
            Some(builders::command_line(value))
        }
        "image" | "newprocessname" | "process.executable" => {
            let name = value.rsplit(['\\', '/']).next().unwrap_or(value);
            quoted("process:image_ref.name").or_else(|| {
                let escaped = name.replace('\\', "\\\\").replace('\'', "\\'");
                Pattern::parse(&format!("[file:name = '{escaped}']")).ok()
            })
        }
        "targetobject" | "registry.path" | "ioc.registrykey" | "ioc.registry_key" => {
            builders::registry_key(value).ok()
        }
        "destinationip" | "sourceip" | "destination.ip" | "ioc.ipv4" | "ioc.ipv6" => {
            builders::ip(value).ok()
        }
        "queryname" | "destinationhostname" | "dns.question.name" | "ioc.domain" => {
            builders::domain(value).ok()
        }
        "ioc.url" => builders::url(value).ok(),
        "ioc.email" => builders::email_address(value).ok(),
        "ioc.md5" => builders::file_hash(builders::HashAlgorithm::Md5, value).ok(),
        "ioc.sha1" => builders::file_hash(builders::HashAlgorithm::Sha1, value).ok(),
        "ioc.sha256" => builders::file_hash(builders::HashAlgorithm::Sha256, value).ok(),
        "ioc.sha512" => builders::file_hash(builders::HashAlgorithm::Sha512, value).ok(),
        "targetfilename" | "ioc.filepath" | "ioc.file_path" => {
            let name = value.rsplit(['\\', '/']).next().unwrap_or(value);
            let escaped = name.replace('\\', "\\\\").replace('\'', "\\'");
            Pattern::parse(&format!("[file:name = '{escaped}']")).ok()
        }
        _ => None,
    }
}

/// What one indicator will hold: its name, the patterns of the observed
/// values, the techniques it indicates, and the observations (text, and
/// command line when there is one).
struct Draft {
    name: String,
    description: String,
    patterns: Vec<Pattern>,
    techniques: Vec<Identifier>,
    observations: Vec<(String, Option<String>)>,
}

impl MappingSet {
    /// The mappings as a STIX 2.1 bundle (see the module documentation);
    /// call [`MappingSet::resolve`] first so techniques have their STIX ids.
    pub fn to_stix(&self, kb: &KnowledgeBase, options: &StixOptions) -> Bundle {
        // STIX wants at least millisecond precision.
        let time = if options.time.has_millisecond_precision() {
            options.time.clone()
        } else {
            Timestamp::from_datetime(options.time.as_datetime(), 3)
        };
        let mut objects: BTreeMap<String, StixObject> = BTreeMap::new();
        let producer = derived("identity", &options.producer).and_then(|id| {
            Identity::builder()
                .id(id)
                .created(time.clone())
                .modified(time.clone())
                .name(options.producer.clone())
                .identity_class("system")
                .build()
                .ok()
        });
        let producer_id = producer.as_ref().map(|p| p.id.clone());
        if let Some(p) = producer {
            objects.insert(p.id.as_str().to_owned(), StixObject::from(p));
        }
        let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
        for mapping in self.mappings() {
            let Some(technique) = mapping
                .stix_id
                .as_deref()
                .and_then(|id| kb.by_stix_str(id))
                .map(|o| o.stix_id().clone())
            else {
                continue;
            };
            for evidence in &mapping.evidence {
                let (key, name, description) = match &evidence.kind {
                    EvidenceKind::Rule { id, title, level } => (
                        format!("rule|{}", id.as_deref().unwrap_or(title)),
                        title.clone(),
                        format!("Sigma rule {} ({level})", id.as_deref().unwrap_or(title)),
                    ),
                    _ => (
                        format!("text|{}", mapping.technique_id),
                        format!("Indicators reported with {}", mapping.technique_id),
                        "Indicators extracted from report text".to_owned(),
                    ),
                };
                let patterns: Vec<Pattern> = evidence
                    .fields
                    .iter()
                    .filter_map(|(field, value)| field_pattern(field, value))
                    .collect();
                if patterns.is_empty() {
                    continue;
                }
                let draft = drafts.entry(key).or_insert_with(|| Draft {
                    name,
                    description,
                    patterns: Vec::new(),
                    techniques: Vec::new(),
                    observations: Vec::new(),
                });
                for pattern in patterns {
                    if draft.patterns.len() < PATTERN_VALUES && !draft.patterns.contains(&pattern) {
                        draft.patterns.push(pattern);
                    }
                }
                if !draft.techniques.contains(&technique) {
                    draft.techniques.push(technique.clone());
                }
                let command_line = evidence
                    .fields
                    .iter()
                    .find(|(f, _)| f.eq_ignore_ascii_case("CommandLine"))
                    .map(|(_, v)| v.clone());
                let observation = (evidence.observation.clone(), command_line);
                if !draft.observations.contains(&observation) {
                    draft.observations.push(observation);
                }
            }
        }
        for (key, draft) in drafts {
            let Some(pattern) = builders::any_of(draft.patterns) else {
                continue;
            };
            let Some(indicator_id) = derived("indicator", &key) else {
                continue;
            };
            let mut builder = Indicator::builder();
            builder
                .id(indicator_id.clone())
                .created(time.clone())
                .modified(time.clone())
                .name(draft.name)
                .description(draft.description)
                .indicator_types(vec!["malicious-activity".to_owned()])
                .pattern(pattern.to_string())
                .pattern_type("stix")
                .pattern_version("2.1")
                .valid_from(time.clone());
            if let Some(p) = &producer_id {
                builder.created_by_ref(p.clone());
            }
            let Ok(indicator) = builder.build() else {
                continue;
            };
            objects.insert(
                indicator_id.as_str().to_owned(),
                StixObject::from(indicator),
            );
            for technique in &draft.techniques {
                let name = format!("{}|indicates|{}", indicator_id.as_str(), technique.as_str());
                let Some(id) = derived("relationship", &name) else {
                    continue;
                };
                let mut builder = Relationship::builder();
                builder
                    .id(id.clone())
                    .created(time.clone())
                    .modified(time.clone())
                    .relationship_type("indicates")
                    .source_ref(indicator_id.clone())
                    .target_ref(technique.clone());
                if let Ok(relationship) = builder.build() {
                    objects.insert(id.as_str().to_owned(), StixObject::from(relationship));
                }
            }
            let mut observed = Vec::new();
            for (observation, command_line) in draft.observations.iter().take(PATTERN_VALUES) {
                // A process is observed when its command line is known; a
                // process SCO of nothing but an id is not valid STIX.
                let Some(command_line) = command_line else {
                    continue;
                };
                let Some(process_id) = derived("process", observation) else {
                    continue;
                };
                let Ok(process) = Process::builder()
                    .id(process_id.clone())
                    .command_line(command_line.clone())
                    .build()
                else {
                    continue;
                };
                let Some(observed_id) = derived("observed-data", observation) else {
                    continue;
                };
                let Ok(data) = ObservedData::builder()
                    .id(observed_id.clone())
                    .created(time.clone())
                    .modified(time.clone())
                    .first_observed(time.clone())
                    .last_observed(time.clone())
                    .number_observed(1_i64)
                    .object_refs(vec![process_id.clone()])
                    .build()
                else {
                    continue;
                };
                objects.insert(process_id.as_str().to_owned(), StixObject::from(process));
                objects.insert(observed_id.as_str().to_owned(), StixObject::from(data));
                observed.push(observed_id);
            }
            if !observed.is_empty() {
                if let Some(id) = derived("sighting", indicator_id.as_str()) {
                    let count = i64::try_from(observed.len()).unwrap_or(i64::MAX);
                    if let Ok(sighting) = Sighting::builder()
                        .id(id.clone())
                        .created(time.clone())
                        .modified(time.clone())
                        .sighting_of_ref(indicator_id.clone())
                        .observed_data_refs(observed)
                        .count(count)
                        .build()
                    {
                        objects.insert(id.as_str().to_owned(), StixObject::from(sighting));
                    }
                }
            }
        }
        let mut bundle = Bundle::with_objects(objects.into_values().collect());
        if let Some(id) = derived("bundle", &format!("{}|{}", options.producer, time)) {
            bundle.id = id;
        }
        bundle
    }
}
