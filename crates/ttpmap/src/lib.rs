//! ttpmap: analyse threat-actor behaviour with MITRE ATT&CK.
//!
//! This facade re-exports the ttpmap crates as modules: [`stix`] (STIX 2.1
//! objects, bundles, validation). The [`prelude`] holds the core types.
//!
//! # Example
//!
//! ```
//! use ttpmap::prelude::*;
//!
//! let id: Identifier = "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c".parse()?;
//! assert_eq!(id.object_type(), "intrusion-set");
//! # Ok::<(), ttpmap::stix::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use ttpmap_stix as stix;

/// The core types of every ttpmap crate.
pub mod prelude {
    pub use ttpmap_stix::{Bundle, Identifier, StixObject, Timestamp};
}
