//! Pictures and tables of a layer: SVG, XLSX and CSV.
//!
//! Each renderer draws a [`LayerView`](crate::LayerView), so what it shows
//! is what the Navigator shows: the same techniques, order, scores,
//! aggregate scores and colours.

pub mod csv;
pub mod svg;
pub mod xlsx;
