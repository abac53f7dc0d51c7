//! Fuzz `Bundle::from_slice` (with a write/re-read round trip) and
//! `read::Document::from_json`. The checks live in `checks/stix_bundle.rs`,
//! which `crates/ttpmap/tests/fuzz_regressions.rs` replays on stable.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The replay test reads the outcome; the fuzzer only needs the panics.
#[allow(dead_code)]
#[path = "../checks/stix_bundle.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    check::run(data);
});
