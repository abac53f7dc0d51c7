//! `ttpmap stix …` (`src/cmd/stix/`).

mod fmt;
mod pattern;
mod stats;
mod validate;
