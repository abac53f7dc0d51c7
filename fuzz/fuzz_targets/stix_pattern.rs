//! Fuzz `Pattern::parse` with the print→parse round trip. The checks live
//! in `checks/stix_pattern.rs`, replayed on stable by the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../checks/stix_pattern.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    check::run(data);
});
