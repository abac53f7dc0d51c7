//! Validation against the STIX 2.1 specification.
//!
//! [`StixObject::validate`](crate::StixObject::validate) and
//! [`Bundle::validate`](crate::Bundle::validate) check typed objects;
//! [`validate_json`] checks raw JSON text, turning what cannot even be read
//! (malformed JSON, wrong property types, missing required properties, bad
//! identifiers) into violations too. Every violation is reported, not just
//! the first, each with a code, a MUST/SHOULD level, the object id and a
//! JSON path. `docs/validation.md` lists every code with the rule it checks.
//!
//! The open vocabularies the rules use are in [`vocab`].
//!
//! # Example
//!
//! ```
//! use ttpmap_stix::validate::Level;
//! use ttpmap_stix::{AttackPattern, StixObject};
//!
//! let technique = AttackPattern::builder().name("Spearphishing").confidence(101).build()?;
//! let violations = StixObject::from(technique).validate();
//! assert_eq!(violations.len(), 1);
//! assert_eq!(violations[0].code, "confidence-range");
//! assert_eq!(violations[0].level, Level::Must);
//! assert_eq!(violations[0].path, "$.confidence");
//! assert_eq!(violations[0].message, "confidence 101 is outside 0 to 100");
//! # Ok::<(), ttpmap_stix::Error>(())
//! ```
//!
//! # Performance
//!
//! The typed rules allocate nothing per object unless they find a violation
//! (SCOs' deterministic identifiers excepted, which are computed from their
//! JSON); a bundle costs one path buffer and the table of the duplicate
//! check. [`Bundle::validate`](crate::Bundle::validate) on the 24,772
//! objects of ATT&CK Enterprise takes about a tenth of the time reading them
//! takes; the cost is mostly memory traffic, one visit per object.

use std::collections::HashMap;

use serde::Serialize;

use crate::{Bundle, StixObject, Timestamp};

mod common;
mod custom;
mod domain;
mod embedded;
mod empty;
mod identifiers;
mod meta;
mod objects;
mod observables;
mod open_vocab;
mod probe;
mod raw;
mod refs;
mod relations;
mod schema;
mod sco_rules;
mod shapes;
mod sink;
pub mod vocab;

pub use self::raw::{validate_json, validate_path};
use self::sink::{Base, Sink};

/// Every code the validator reports, sorted.
pub const CODES: &[&str] = &[
    "co-constraint",
    "confidence-range",
    "count-range",
    "custom-prefix",
    "custom-property-name",
    "custom-type-name",
    "duplicate-object",
    "duplicate-property",
    "empty-dictionary",
    "empty-list",
    "external-reference",
    "granular-marking",
    "hash-algorithm",
    "hash-value",
    "id-type-mismatch",
    "indicator-properties",
    "invalid-identifier",
    "invalid-json",
    "invalid-property-type",
    "invalid-timestamp",
    "kill-chain-phase",
    "lang",
    "location-coordinates",
    "marking-reference",
    "modified-before-created",
    "number-observed-range",
    "opinion-value",
    "pattern-type",
    "reference-type",
    "relationship-ref-type",
    "required-property",
    "sco-id",
    "sighting-ref-type",
    "spec-version",
    "timestamp-order",
    "timestamp-precision",
    "tlp-marking",
    "uuid-version",
    "vocabulary",
];

/// How binding a broken rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// A MUST rule of the specification: the content is not valid STIX.
    Must,
    /// A SHOULD rule: valid, but not as the specification recommends.
    Should,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Violation {
    /// A stable kebab-case code, e.g. `required-property`.
    pub code: &'static str,
    /// MUST or SHOULD.
    pub level: Level,
    /// The `id` of the object at fault, when known.
    pub object_id: Option<String>,
    /// The JSON path of the value at fault, e.g. `$.objects[3].created`.
    pub path: String,
    /// What is wrong, in one lowercase line.
    pub message: String,
}

/// The violations found in a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every violation, in document order.
    pub violations: Vec<Violation>,
}

impl Report {
    /// Whether no MUST rule is broken.
    pub fn is_valid(&self) -> bool {
        self.violations.iter().all(|v| v.level != Level::Must)
    }

    /// Whether nothing at all was found.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }

    /// Whether a violation with `code` was found.
    pub fn has_code(&self, code: &str) -> bool {
        self.violations.iter().any(|v| v.code == code)
    }
}

impl StixObject {
    /// Check the object against the STIX 2.1 rules; paths are relative to
    /// the object (`$.created`, `$.external_references[2].source_name`).
    ///
    /// The object is taken as STIX 2.1 content: a missing `spec_version` on
    /// an SDO, SRO or meta object is a violation.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::StixObject;
    ///
    /// let object = StixObject::from_json(r#"{
    ///     "type": "malware", "spec_version": "2.1",
    ///     "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
    ///     "created": "2016-04-06T20:07:09.000Z", "modified": "2016-04-06T20:07:09.000Z",
    ///     "is_family": true, "labels": []
    /// }"#)?;
    /// let codes: Vec<_> = object.validate().iter().map(|v| (v.code, v.path.clone())).collect();
    /// assert_eq!(codes, [("co-constraint", "$.name".to_owned()), ("empty-list", "$.labels".to_owned())]);
    /// # Ok::<(), ttpmap_stix::Error>(())
    /// ```
    pub fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut scratch = Vec::new();
        let id = Some(self.id().as_str());
        objects::check(
            self,
            &mut Sink::new(&mut out, &mut scratch, Base::Root, id, false),
        );
        out
    }
}

impl Bundle {
    /// Check every object of the bundle, and the bundle itself (an empty
    /// `objects` list, the same object twice); paths start at the bundle
    /// (`$.objects[3].created`).
    ///
    /// A bundle whose own `spec_version` is `"2.0"` and whose objects have
    /// none is STIX 2.0 content: it gets one SHOULD-level `spec-version`
    /// note and is checked without the rules STIX 2.1 added.
    ///
    /// # Performance
    ///
    /// Linear in the size of the bundle; nothing is allocated per object
    /// unless a violation is found.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::{AttackPattern, Bundle, KillChainPhase};
    ///
    /// let mut bundle = Bundle::new();
    /// bundle.push(AttackPattern::builder().name("Phishing").build()?);
    /// bundle.push(
    ///     AttackPattern::builder()
    ///         .name("Exploit")
    ///         .kill_chain_phases(vec![KillChainPhase::new("Mitre ATT&CK", "initial-access")])
    ///         .build()?,
    /// );
    /// let report = bundle.validate();
    /// assert!(report.is_valid()); // only a SHOULD rule is broken
    /// assert_eq!(report.violations[0].code, "kill-chain-phase");
    /// assert_eq!(report.violations[0].path, "$.objects[1].kill_chain_phases[0].kill_chain_name");
    /// # Ok::<(), ttpmap_stix::Error>(())
    /// ```
    pub fn validate(&self) -> Report {
        let mut out = Vec::new();
        let bundle_id = Some(self.id.as_str().to_owned());
        let objects = self.objects();
        if self.objects.as_ref().is_some_and(Vec::is_empty) {
            out.push(Violation {
                code: "empty-list",
                level: Level::Must,
                object_id: bundle_id.clone(),
                path: "$.objects".to_owned(),
                message: "objects is an empty list; omit the property instead".to_owned(),
            });
        }
        let v20 = !objects.is_empty()
            && self
                .extra
                .get("spec_version")
                .and_then(serde_json::Value::as_str)
                == Some("2.0")
            && objects.iter().all(|o| o.spec_version().is_none());
        if v20 {
            out.push(v20_note(bundle_id));
        }
        let mut scratch = Vec::new();
        let mut seen: HashMap<(&str, Option<&Timestamp>), usize, FastHash> =
            HashMap::with_capacity_and_hasher(objects.len(), FastHash::default());
        for (i, object) in objects.iter().enumerate() {
            let id = object.id().as_str();
            match seen.entry((id, object.modified())) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    out.push(duplicate(i, *first.get(), id, object.modified()));
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
            objects::check(
                object,
                &mut Sink::new(&mut out, &mut scratch, Base::Index(i), Some(id), v20),
            );
        }
        Report { violations: out }
    }
}

/// A fast hash for the duplicate check (identifiers are not adversarial
/// here: a collision only costs time).
type FastHash = std::hash::BuildHasherDefault<FxHasher>;

/// The multiply-rotate hash of rustc's `FxHasher`.
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The note given to STIX 2.0 content.
#[cold]
fn v20_note(bundle_id: Option<String>) -> Violation {
    Violation {
        code: "spec-version",
        level: Level::Should,
        object_id: bundle_id,
        path: "$.spec_version".to_owned(),
        message: "bundle spec_version 2.0 and no object spec_version: this is STIX 2.0 content, \
                  checked without the STIX 2.1 requirements"
            .to_owned(),
    }
}

/// The violation for object `index`, a copy of object `first`.
#[cold]
fn duplicate(index: usize, first: usize, id: &str, modified: Option<&Timestamp>) -> Violation {
    let version = modified.map_or_else(String::new, |m| format!(" with modified {m}"));
    Violation {
        code: "duplicate-object",
        level: Level::Should,
        object_id: Some(id.to_owned()),
        path: format!("$.objects[{index}]"),
        message: format!("object {id}{version} already appears as objects[{first}]"),
    }
}
