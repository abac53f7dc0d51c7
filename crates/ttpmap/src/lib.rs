//! ttpmap: analyse threat-actor behaviour with MITRE ATT&CK.
//!
//! This facade re-exports the ttpmap crates as modules: [`stix`] (STIX 2.1
//! objects, bundles, validation), [`attack`] (the ATT&CK knowledge graph),
//! [`navigator`] (ATT&CK Navigator layers) and [`mapper`] (observations to
//! techniques); [`mapping_layer`] draws a mapper's result as a layer.
//! The [`prelude`] holds the core types.
//!
//! # Example
//!
//! ```
//! use ttpmap::prelude::*;
//!
//! let id: Identifier = "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c".parse()?;
//! let kb = KnowledgeBase::sample();
//! let group: Group = kb.group("Fancy Bear")?;
//! assert_eq!(group.stix_id(), &id);
//! let technique: Technique = kb.technique("T1059.001")?;
//! assert_eq!(technique.name(), "PowerShell");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod layers;

pub use crate::layers::mapping_layer;
pub use ttpmap_attack as attack;
pub use ttpmap_mapper as mapper;
pub use ttpmap_navigator as navigator;
pub use ttpmap_stix as stix;

/// The core types of every ttpmap crate.
pub mod prelude {
    pub use ttpmap_attack::{Group, KnowledgeBase, Technique};
    pub use ttpmap_navigator::{Layer, LayerFile, TechniqueEntry};
    pub use ttpmap_stix::{Bundle, Identifier, StixObject, Timestamp};
}
