//! Fuzz `LayerFile::from_str` with the write→read round trip. The checks
//! live in `checks/layer.rs`, replayed on stable by the regression test.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../checks/layer.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    check::run(data);
});
