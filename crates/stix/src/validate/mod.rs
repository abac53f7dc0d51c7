//! Validation against the STIX 2.1 specification.
//!
//! [`StixObject::validate`](crate::StixObject::validate) and
//! [`Bundle::validate`](crate::Bundle::validate) check typed objects;
//! [`validate_json`] checks raw JSON text, turning what cannot even be read
//! (malformed JSON, wrong property types, missing required properties, bad
//! identifiers) into violations too. Every violation is reported, not just
//! the first, each with a code, a MUST/SHOULD level, the object id and a
//! JSON path.

use serde::Serialize;

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
