//! STIX 2.1 objects and bundles, read and written without losing anything.
//!
//! Start with [`Bundle`] (or [`read::Document`] for a file that may hold a
//! single object); each object is a [`StixObject`], one variant per type of
//! the specification plus [`CustomObject`] for every other type. Objects are
//! addressed by [`Identifier`] and timed by [`Timestamp`], both validated
//! newtypes. [`validate`] checks the specification's rules and
//! [`version`] makes new versions and revocations. Indicator patterns are
//! parsed, validated and matched against observed data in [`pattern`].
//!
//! # Example
//!
//! ```
//! use ttpmap_stix::{Bundle, StixObject};
//!
//! let json = r#"{
//!   "type": "bundle",
//!   "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
//!   "objects": [{
//!     "type": "attack-pattern",
//!     "spec_version": "2.1",
//!     "id": "attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736",
//!     "created": "2020-03-09T13:48:55.078Z",
//!     "modified": "2025-04-15T19:58:04.137Z",
//!     "name": "PowerShell",
//!     "x_mitre_is_subtechnique": true
//!   }]
//! }"#;
//! let bundle: Bundle = json.parse()?;
//! let StixObject::AttackPattern(technique) = &bundle.objects()[0] else { unreachable!() };
//! assert_eq!(technique.name, "PowerShell");
//! assert_eq!(technique.modified.to_string(), "2025-04-15T19:58:04.137Z");
//! // Custom properties survive, in order.
//! assert_eq!(technique.extra["x_mitre_is_subtechnique"], true);
//! let again: Bundle = bundle.to_json().parse()?;
//! assert_eq!(again, bundle);
//! # Ok::<(), ttpmap_stix::Error>(())
//! ```
//!
//! # Untrusted input
//!
//! Every reader returns a [`Result`]; nothing panics on input. JSON nesting
//! is capped at 128 levels (serde_json's limit), duplicate properties are
//! errors rather than silently overwritten, and errors carry the file, line,
//! column, object id and JSON path of the problem. Documents are read whole
//! into memory; a 200 MB string value is read, not refused.
//!
//! # Other crates
//!
//! `ttpmap-attack` builds the ATT&CK knowledge graph on this crate; `ttpmap`
//! re-exports both.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[macro_use]
mod macros;

mod bundle;
mod common;
mod custom;
mod error;
mod extensions;
mod id;
mod meta;
mod object;
pub mod pattern;
pub mod read;
pub mod sco;
pub mod sco_id;
pub mod sdo;
pub mod sro;
mod timestamp;
pub mod tlp;
pub mod validate;
pub mod version;

pub use crate::bundle::Bundle;
pub use crate::common::{
    ExternalReference, ExternalReferenceBuilder, GranularMarking, GranularMarkingBuilder, Hashes,
    KillChainPhase, KillChainPhaseBuilder,
};
pub use crate::custom::CustomObject;
pub use crate::error::{Category, Error, ParseError, ParseErrorKind, Result};
pub use crate::extensions::*;
pub use crate::id::{Identifier, SCO_NAMESPACE};
pub use crate::meta::{
    ExtensionDefinition, ExtensionDefinitionBuilder, LanguageContent, LanguageContentBuilder,
    MarkingDefinition, MarkingDefinitionBuilder,
};
pub use crate::object::{ObjectKind, StixObject, Versioned};
pub use crate::sco::*;
pub use crate::sdo::*;
pub use crate::sro::*;
pub use crate::timestamp::Timestamp;
pub use crate::validate::vocab;

/// The STIX version this crate writes.
pub const SPEC_VERSION: &str = "2.1";

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
