//! `ttpmap stix …` (`src/cmd/stix/`).

mod fmt;
mod stats;
mod validate;
