//! Views of ATT&CK objects: [`Object`] for any, and typed views on top.

use std::fmt;
use std::ops::Deref;

use serde::Serialize;
use serde_json::Value;
use ttpmap_stix::{ExternalReference, Identifier, StixObject, Timestamp};

use crate::domain::Domains;
use crate::kb::KnowledgeBase;

/// What an ATT&CK object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// A technique or sub-technique (`attack-pattern`).
    Technique,
    /// A tactic (`x-mitre-tactic`).
    Tactic,
    /// A matrix (`x-mitre-matrix`).
    Matrix,
    /// A group (`intrusion-set`).
    Group,
    /// Software of kind malware.
    Malware,
    /// Software of kind tool.
    Tool,
    /// A mitigation (`course-of-action`).
    Mitigation,
    /// A campaign.
    Campaign,
    /// A data source (`x-mitre-data-source`).
    DataSource,
    /// A data component (`x-mitre-data-component`).
    DataComponent,
    /// A detection strategy (`x-mitre-detection-strategy`).
    DetectionStrategy,
    /// An analytic (`x-mitre-analytic`).
    Analytic,
    /// An ICS asset (`x-mitre-asset`).
    Asset,
    /// A release's collection object (`x-mitre-collection`).
    Collection,
    /// A relationship.
    Relationship,
    /// Anything else (identity, marking definition, …).
    Other,
}

impl Kind {
    /// The kind of a STIX object.
    pub fn of(object: &StixObject) -> Kind {
        Kind::of_type(object.object_type())
    }

    /// The kind of a STIX type name.
    pub fn of_type(object_type: &str) -> Kind {
        match object_type {
            "attack-pattern" => Kind::Technique,
            "x-mitre-tactic" => Kind::Tactic,
            "x-mitre-matrix" => Kind::Matrix,
            "intrusion-set" => Kind::Group,
            "malware" => Kind::Malware,
            "tool" => Kind::Tool,
            "course-of-action" => Kind::Mitigation,
            "campaign" => Kind::Campaign,
            "x-mitre-data-source" => Kind::DataSource,
            "x-mitre-data-component" => Kind::DataComponent,
            "x-mitre-detection-strategy" => Kind::DetectionStrategy,
            "x-mitre-analytic" => Kind::Analytic,
            "x-mitre-asset" => Kind::Asset,
            "x-mitre-collection" => Kind::Collection,
            "relationship" => Kind::Relationship,
            _ => Kind::Other,
        }
    }

    /// The kind an ATT&CK id's prefix names (`T` technique, `TA` tactic,
    /// `G` group, `S` software (malware), `M` mitigation, `C` campaign,
    /// `DS`, `DC`, `DET`, `AN`, `A` asset).
    pub fn from_attack_id(id: &str) -> Option<Kind> {
        let prefix: String = id.chars().take_while(char::is_ascii_alphabetic).collect();
        Some(match prefix.to_ascii_uppercase().as_str() {
            "T" => Kind::Technique,
            "TA" => Kind::Tactic,
            "G" => Kind::Group,
            "S" => Kind::Malware,
            "M" => Kind::Mitigation,
            "C" => Kind::Campaign,
            "DS" => Kind::DataSource,
            "DC" => Kind::DataComponent,
            "DET" => Kind::DetectionStrategy,
            "AN" => Kind::Analytic,
            "A" => Kind::Asset,
            _ => return None,
        })
    }

    /// Whether this kind is software (malware or tool).
    pub fn is_software(self) -> bool {
        matches!(self, Kind::Malware | Kind::Tool)
    }

    /// A lowercase name for messages and JSON (`technique`, `group`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Technique => "technique",
            Kind::Tactic => "tactic",
            Kind::Matrix => "matrix",
            Kind::Group => "group",
            Kind::Malware => "malware",
            Kind::Tool => "tool",
            Kind::Mitigation => "mitigation",
            Kind::Campaign => "campaign",
            Kind::DataSource => "data-source",
            Kind::DataComponent => "data-component",
            Kind::DetectionStrategy => "detection-strategy",
            Kind::Analytic => "analytic",
            Kind::Asset => "asset",
            Kind::Collection => "collection",
            Kind::Relationship => "relationship",
            Kind::Other => "other",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any object of the knowledge base: a cheap copyable handle.
#[derive(Clone, Copy)]
pub struct Object<'kb> {
    kb: &'kb KnowledgeBase,
    index: u32,
}

impl<'kb> Object<'kb> {
    pub(crate) fn new(kb: &'kb KnowledgeBase, index: u32) -> Object<'kb> {
        Object { kb, index }
    }

    pub(crate) fn index(self) -> u32 {
        self.index
    }

    /// The raw STIX object.
    pub fn raw(self) -> &'kb StixObject {
        &self.kb.entry(self.index).object
    }

    /// What the object is.
    pub fn kind(self) -> Kind {
        self.kb.entry(self.index).kind
    }

    /// The ATT&CK id, e.g. `T1059.001`, when the object has one.
    pub fn attack_id(self) -> Option<&'kb str> {
        crate::kb::attack_id_of(self.raw())
    }

    /// The STIX id.
    pub fn stix_id(self) -> &'kb Identifier {
        self.raw().id()
    }

    /// The STIX type.
    pub fn object_type(self) -> &'kb str {
        self.raw().object_type()
    }

    /// The name (empty when the object has none).
    pub fn name(self) -> &'kb str {
        name_of(self.raw()).unwrap_or("")
    }

    /// The description, when there is one.
    pub fn description(self) -> Option<&'kb str> {
        match self.raw() {
            StixObject::AttackPattern(o) => o.description.as_deref(),
            StixObject::IntrusionSet(o) => o.description.as_deref(),
            StixObject::Malware(o) => o.description.as_deref(),
            StixObject::Tool(o) => o.description.as_deref(),
            StixObject::CourseOfAction(o) => o.description.as_deref(),
            StixObject::Campaign(o) => o.description.as_deref(),
            StixObject::Relationship(o) => o.description.as_deref(),
            StixObject::Identity(o) => o.description.as_deref(),
            other => other.extra().get("description").and_then(Value::as_str),
        }
    }

    /// The domains the object belongs to.
    pub fn domains(self) -> Domains {
        self.kb.entry(self.index).domains
    }

    /// Whether the object is revoked.
    pub fn is_revoked(self) -> bool {
        self.kb.entry(self.index).revoked
    }

    /// Whether the object is deprecated (`x_mitre_deprecated`).
    pub fn is_deprecated(self) -> bool {
        self.kb.entry(self.index).deprecated
    }

    /// Whether the object is neither revoked nor deprecated.
    pub fn is_active(self) -> bool {
        !self.is_revoked() && !self.is_deprecated()
    }

    /// The ATT&CK web page of the object.
    pub fn url(self) -> Option<&'kb str> {
        external_references(self.raw())?
            .iter()
            .find(|r| r.source_name.starts_with("mitre-"))
            .and_then(|r| r.url.as_deref())
    }

    /// All external references.
    pub fn external_references(self) -> &'kb [ExternalReference] {
        external_references(self.raw()).unwrap_or_default()
    }

    /// `x_mitre_version`.
    pub fn version(self) -> Option<&'kb str> {
        self.property("x_mitre_version").and_then(Value::as_str)
    }

    /// `x_mitre_platforms`.
    pub fn platforms(self) -> Vec<&'kb str> {
        self.strings("x_mitre_platforms")
    }

    /// Aliases: `aliases` for groups and campaigns, `x_mitre_aliases` for
    /// software (the first alias is usually the name itself).
    pub fn aliases(self) -> Vec<&'kb str> {
        aliases_of(self.raw())
    }

    /// `created`.
    pub fn created(self) -> Option<&'kb Timestamp> {
        self.raw().created()
    }

    /// `modified`.
    pub fn modified(self) -> Option<&'kb Timestamp> {
        self.raw().modified()
    }

    /// A property the model does not type (ATT&CK's `x_mitre_*`, and all
    /// properties of custom objects).
    pub fn property(self, name: &str) -> Option<&'kb Value> {
        self.raw().extra().get(name)
    }

    /// A property holding a list of strings (or one string).
    pub fn strings(self, name: &str) -> Vec<&'kb str> {
        match self.property(name) {
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        }
    }

    /// `ID name` (or just the name), for messages.
    pub fn label(self) -> String {
        match self.attack_id() {
            Some(id) => format!("{id} {}", self.name()),
            None => self.name().to_owned(),
        }
    }
}

impl PartialEq for Object<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.kb, other.kb) && self.index == other.index
    }
}

impl Eq for Object<'_> {}

impl std::hash::Hash for Object<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}

impl fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.kind(), self.label(), self.stix_id())
    }
}

impl Serialize for Object<'_> {
    /// `attack_id`, `stix_id`, `name`, `type` (the ATT&CK kind), `domains`,
    /// and `revoked`/`deprecated` when true.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("attack_id", &self.attack_id())?;
        map.serialize_entry("stix_id", self.stix_id())?;
        map.serialize_entry("name", self.name())?;
        map.serialize_entry("type", &self.kind())?;
        map.serialize_entry("domains", &self.domains())?;
        if self.is_revoked() {
            map.serialize_entry("revoked", &true)?;
        }
        if self.is_deprecated() {
            map.serialize_entry("deprecated", &true)?;
        }
        map.end()
    }
}

pub(crate) fn external_references(object: &StixObject) -> Option<&[ExternalReference]> {
    match object {
        StixObject::AttackPattern(o) => o.external_references.as_deref(),
        StixObject::IntrusionSet(o) => o.external_references.as_deref(),
        StixObject::Malware(o) => o.external_references.as_deref(),
        StixObject::Tool(o) => o.external_references.as_deref(),
        StixObject::CourseOfAction(o) => o.external_references.as_deref(),
        StixObject::Campaign(o) => o.external_references.as_deref(),
        StixObject::Relationship(o) => o.external_references.as_deref(),
        StixObject::Identity(o) => o.external_references.as_deref(),
        StixObject::Custom(o) => o.external_references.as_deref(),
        _ => None,
    }
}

pub(crate) fn name_of(object: &StixObject) -> Option<&str> {
    match object {
        StixObject::AttackPattern(o) => Some(&o.name),
        StixObject::IntrusionSet(o) => Some(&o.name),
        StixObject::Malware(o) => o.name.as_deref(),
        StixObject::Tool(o) => Some(&o.name),
        StixObject::CourseOfAction(o) => Some(&o.name),
        StixObject::Campaign(o) => Some(&o.name),
        StixObject::Identity(o) => Some(&o.name),
        StixObject::MarkingDefinition(o) => o.name.as_deref(),
        other => other.extra().get("name").and_then(Value::as_str),
    }
}

pub(crate) fn aliases_of(object: &StixObject) -> Vec<&str> {
    let list: Option<&Vec<String>> = match object {
        StixObject::IntrusionSet(o) => o.aliases.as_ref(),
        StixObject::Campaign(o) => o.aliases.as_ref(),
        _ => None,
    };
    if let Some(list) = list {
        return list.iter().map(String::as_str).collect();
    }
    match object.extra().get("x_mitre_aliases") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

macro_rules! view {
    ($(#[$m:meta])* $name:ident: $($kind:ident)|+) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name<'kb>(Object<'kb>);

        impl<'kb> $name<'kb> {
            /// The view of `object`, when it is of this kind.
            pub fn try_from_object(object: Object<'kb>) -> Option<$name<'kb>> {
                matches!(object.kind(), $(Kind::$kind)|+).then_some($name(object))
            }

            /// The underlying object handle.
            pub fn object(self) -> Object<'kb> {
                self.0
            }
        }

        impl<'kb> Deref for $name<'kb> {
            type Target = Object<'kb>;
            fn deref(&self) -> &Object<'kb> {
                &self.0
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl Serialize for $name<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }

        impl<'kb> From<$name<'kb>> for Object<'kb> {
            fn from(v: $name<'kb>) -> Object<'kb> {
                v.0
            }
        }
    };
}

view!(
    /// A technique or sub-technique.
    Technique: Technique
);
view!(
    /// A tactic.
    Tactic: Tactic
);
view!(
    /// A matrix.
    Matrix: Matrix
);
view!(
    /// A group (intrusion set).
    Group: Group
);
view!(
    /// Software: malware or tool.
    Software: Malware | Tool
);
view!(
    /// A mitigation (course of action).
    Mitigation: Mitigation
);
view!(
    /// A campaign.
    Campaign: Campaign
);
view!(
    /// A data source.
    DataSource: DataSource
);
view!(
    /// A data component.
    DataComponent: DataComponent
);
view!(
    /// A detection strategy.
    DetectionStrategy: DetectionStrategy
);
view!(
    /// An analytic.
    Analytic: Analytic
);
view!(
    /// An ICS asset.
    Asset: Asset
);
view!(
    /// A release's collection object.
    Collection: Collection
);

impl<'kb> Technique<'kb> {
    /// Whether this is a sub-technique.
    pub fn is_subtechnique(self) -> bool {
        self.property("x_mitre_is_subtechnique") == Some(&Value::Bool(true))
    }

    /// The tactics' short names from the kill-chain phases, e.g. `execution`.
    pub fn tactic_shortnames(self) -> Vec<&'kb str> {
        match self.raw() {
            StixObject::AttackPattern(t) => t
                .kill_chain_phases
                .iter()
                .flatten()
                .map(|p| p.phase_name.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The kill-chain phases.
    pub fn kill_chain_phases(self) -> &'kb [ttpmap_stix::KillChainPhase] {
        match self.raw() {
            StixObject::AttackPattern(t) => t.kill_chain_phases.as_deref().unwrap_or_default(),
            _ => &[],
        }
    }

    /// The detection text (`x_mitre_detection`), when not empty.
    pub fn detection(self) -> Option<&'kb str> {
        self.property("x_mitre_detection")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

impl<'kb> Tactic<'kb> {
    /// The short name used in kill-chain phases, e.g. `initial-access`.
    pub fn shortname(self) -> &'kb str {
        self.property("x_mitre_shortname")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

impl Software<'_> {
    /// Whether this is malware (otherwise a tool).
    pub fn is_malware(self) -> bool {
        self.kind() == Kind::Malware
    }
}

impl<'kb> Campaign<'kb> {
    /// `first_seen`.
    pub fn first_seen(self) -> Option<&'kb Timestamp> {
        match self.raw() {
            StixObject::Campaign(c) => c.first_seen.as_ref(),
            _ => None,
        }
    }

    /// `last_seen`.
    pub fn last_seen(self) -> Option<&'kb Timestamp> {
        match self.raw() {
            StixObject::Campaign(c) => c.last_seen.as_ref(),
            _ => None,
        }
    }
}

impl<'kb> DataComponent<'kb> {
    /// The log sources (`x_mitre_log_sources`: name and channel pairs).
    pub fn log_sources(self) -> Vec<(&'kb str, &'kb str)> {
        log_source_pairs(self.property("x_mitre_log_sources"))
    }
}

impl<'kb> Analytic<'kb> {
    /// The log source references: data component STIX id, name, channel.
    pub fn log_source_references(self) -> Vec<(&'kb str, &'kb str, &'kb str)> {
        match self.property("x_mitre_log_source_references") {
            Some(Value::Array(list)) => list
                .iter()
                .map(|r| {
                    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
                    (s("x_mitre_data_component_ref"), s("name"), s("channel"))
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The mutable elements (field and description) an analytic can be tuned by.
    pub fn mutable_elements(self) -> Vec<(&'kb str, &'kb str)> {
        match self.property("x_mitre_mutable_elements") {
            Some(Value::Array(list)) => list
                .iter()
                .map(|r| {
                    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
                    (s("field"), s("description"))
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl<'kb> Collection<'kb> {
    /// The release version (`x_mitre_version`), e.g. `18.1`.
    pub fn release_version(self) -> Option<&'kb str> {
        self.version()
    }
}

fn log_source_pairs(value: Option<&Value>) -> Vec<(&str, &str)> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .map(|r| {
                let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
                (s("name"), s("channel"))
            })
            .collect(),
        _ => Vec::new(),
    }
}
