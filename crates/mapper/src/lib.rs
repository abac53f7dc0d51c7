//! Observed data to MITRE ATT&CK techniques, with confidence and evidence.
//!
//! Events (command lines, process, file, registry and network events,
//! Windows event logs) are matched by Sigma rules; report text by explicit
//! ids, names and a similarity model over ATT&CK's own procedure examples;
//! indicators are extracted from text. Every mapping carries the evidence
//! it rests on.
//!
//! - [`read`]: events and reports from files, streamed, bad records
//!   skipped with their position;
//! - [`route`]: which Sigma log sources an event belongs to, and Sigma's
//!   field names for it;
//! - [`sigma`]: the Sigma rule engine; [`engine`]: rules and routing over
//!   streams of events, and [`engine::map_text`] for reports;
//! - [`text`], [`ioc`]: techniques and indicators in report text;
//! - [`MappingSet`]: techniques with tactics, confidence and evidence, and
//!   its STIX 2.1 bundle.
//!
//! # Example
//!
//! ```
//! use ttpmap_attack::KnowledgeBase;
//! use ttpmap_mapper::engine::Engine;
//! use ttpmap_mapper::read::CommandLine;
//! use ttpmap_mapper::{EvidenceKind, StixOptions};
//!
//! let kb = KnowledgeBase::sample();
//! let engine = Engine::with_default_rules();
//! let mut command_line = CommandLine::new(r"C:\Windows\System32\vssadmin.exe delete shadows /all /quiet");
//! command_line.platform = Some("windows".into());
//! let mut mappings = engine.map_command_line(&command_line);
//! mappings.resolve(&kb);
//!
//! let inhibit = mappings.get("T1490").expect("Inhibit System Recovery");
//! assert_eq!(inhibit.tactics, ["impact"]);
//! assert!(matches!(inhibit.evidence[0].kind, EvidenceKind::Rule { .. }));
//! assert!(inhibit.confidence > 0.5);
//!
//! // Indicators whose relationships point at the technique's real id.
//! let bundle = mappings.to_stix(&kb, &StixOptions::default());
//! assert!(bundle.validate().is_valid());
//! ```
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
