//! Integration tests of ttpmap-stix, one module per concern.

mod errors;
mod roundtrip;
mod sco_ids;
mod validate;
