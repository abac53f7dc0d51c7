//! Integration tests of ttpmap-stix, one module per concern.

mod errors;
mod pattern;
mod roundtrip;
mod sco_ids;
mod validate;
