//! Observed data to MITRE ATT&CK techniques, with confidence and evidence.
//!
//! Events (command lines, process, file, registry and network events,
//! Windows event logs) are matched by Sigma rules; report text by explicit
//! ids, names and a similarity model over ATT&CK's own procedure examples;
//! indicators are extracted from text. Every mapping carries the evidence
//! it rests on.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod engine;
mod event;
pub mod ioc;
mod mapping;
pub mod read;
pub mod route;
pub mod sigma;
mod stix_out;
pub mod text;

pub use crate::event::{Event, LogSource, Origin};
pub use crate::mapping::{Evidence, EvidenceKind, Mapping, MappingSet, EVIDENCE_SAMPLES};
pub use crate::stix_out::StixOptions;
