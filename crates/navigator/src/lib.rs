//! ATT&CK Navigator layers: read every format version, validate, upgrade,
//! combine, generate, and render them.
//!
//! [`LayerFile`] reads a layer file of any format version (1.0 to 4.5, one
//! layer or an array), upgrades each layer to format 4.5 and reports every
//! translation ([`FormatChange`]) and every problem ([`Finding`]) without
//! losing anything it read. [`Layer`] is the typed 4.5 model; its
//! [`Layer::to_json`] writes the Navigator's own key order.
//!
//! # Example
//!
//! ```
//! use ttpmap_navigator::{Layer, LayerFile, TechniqueEntry};
//!
//! // The layer of an old tutorial: format 3.0, no domain.
//! let file = LayerFile::from_str(r#"{
//!   "name": "Threat Actor TTPs",
//!   "version": "3.0",
//!   "techniques": [
//!     {"techniqueID": "T1059.001", "score": 1, "comment": "Observed in latest incident"}
//!   ]
//! }"#)?;
//! let layer = &file.layers[0];
//! assert_eq!(layer.versions.layer, "4.5");
//! assert_eq!(layer.domain, "enterprise-attack");
//! assert_eq!(layer.techniques[0].score, Some(1.0));
//! // Written back as format 4.5, and read again to the same layer.
//! assert_eq!(&Layer::from_json(&layer.to_json())?, layer);
//! # Ok::<(), ttpmap_navigator::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod algebra;
pub mod color;
mod diff;
mod error;
pub mod expr;
mod finding;
mod generate;
mod model;
mod read;
pub mod render;
mod upgrade;
mod validate;
mod view;
mod write;

pub use crate::algebra::{combine, merge, set_operation, CombineOptions, SetOperation};
pub use crate::color::{Color, Gradient};
pub use crate::diff::{EntryChange, FieldChange, LayerDiff};
pub use crate::error::{Error, Result};
pub use crate::finding::{Finding, Level};
pub use crate::generate::{
    actors_layer, data_component_layer, platform_layer, release_layer, strip_citations,
};
pub use crate::model::{
    AggregateFunction, ExpandedSubtechniques, Filters, GradientSpec, Layer, Layout, LayoutKind,
    LegendItem, LinkItem, MetadataItem, Sorting, TechniqueEntry, Versions,
    DEFAULT_TACTIC_ROW_BACKGROUND, LAYER_FORMAT, NAVIGATOR_VERSION,
};
pub use crate::read::{FormatChange, LayerFile, ReadReport};
pub use crate::upgrade::{upgrade_attack, AttackUpgrade, UpgradeItem, UpgradeReport};
pub use crate::validate::{domain_platforms, is_technique_id, normalize_technique_id};
pub use crate::view::{aggregate, layer_domain, layer_gradient, LayerView, ViewCell, ViewColumn};
pub use crate::write::layers_to_json;
