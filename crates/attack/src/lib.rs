//! The MITRE ATT&CK knowledge graph: load releases, look objects up, and
//! ask what uses, mitigates and detects what — in microseconds.
//!
//! [`KnowledgeBase`] holds one or more ATT&CK releases (Enterprise, Mobile,
//! ICS; STIX 2.1 bundles or STIX 2.0 `mitre/cti` folders) with every object
//! indexed by STIX id, ATT&CK id, name and alias and every relationship in
//! a petgraph graph. [`Object`] is a cheap handle to any object, and the
//! typed views ([`Technique`], [`Group`], [`Software`], …) add what each kind
//! has. Queries return [`Related`] results that carry the linking
//! relationship (its description is the procedure example) and the path
//! ([`Via`]) through which the object was found.
//!
//! # Example
//!
//! ```
//! use ttpmap_attack::{KnowledgeBase, Paths, Scope};
//!
//! let kb = KnowledgeBase::sample();
//! let apt28 = kb.group("APT28")?;
//! assert_eq!(kb.group("Fancy Bear")?, apt28);
//! let used = kb.techniques_used_by_group(apt28, Paths::DIRECT, Scope::Active);
//! let powershell = used.iter().find(|r| r.object.attack_id() == Some("T1059.001")).unwrap();
//! assert!(powershell.description().is_some());
//! let technique = kb.technique("T1059.001")?;
//! assert_eq!(kb.parent_of(technique).unwrap().attack_id(), Some("T1059"));
//! assert_eq!(kb.tactics_of(technique)[0].shortname(), "execution");
//! # Ok::<(), ttpmap_attack::Error>(())
//! ```
//!
//! # Untrusted input
//!
//! Loading goes through `ttpmap-stix`, whose readers cap nesting and locate
//! every error. References to objects that are not loaded are kept out of
//! the graph and listed in [`KnowledgeBase::warnings`].
//!
//! # Other crates
//!
//! `ttpmap-stix` is the STIX model underneath; `ttpmap` re-exports both.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod diff;
mod domain;
mod error;
mod graph;
mod kb;
mod lookup;
mod matrix;
mod object;
mod query;
mod similarity;
mod source;

pub use crate::diff::{Change, DiffEntry, ReleaseDiff};
pub use crate::domain::{Domain, Domains};
pub use crate::error::{Error, Result};
pub use crate::graph::EdgeKind;
pub use crate::kb::KnowledgeBase;
pub use crate::lookup::SearchHit;
pub use crate::matrix::{MatrixCell, MatrixColumn, MatrixLayout};
pub use crate::object::{
    Analytic, Asset, Campaign, Collection, DataComponent, DataSource, DetectionStrategy, Group,
    Kind, Matrix, Mitigation, Object, Software, Tactic, Technique,
};
pub use crate::query::{distinct, Paths, Related, Scope, Via};
pub use crate::similarity::Similar;
pub use crate::source::{cache_dir, DataOrigin};
pub use petgraph::Direction;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
