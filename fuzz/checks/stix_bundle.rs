//! The checks of the `stix_bundle` fuzz target, shared with the regression
//! replay test (`crates/ttpmap/tests/fuzz_regressions.rs`) so both run the
//! same entry points the same way.

use ttpmap_stix::read::Document;
use ttpmap_stix::Bundle;

/// What one entry point said about an input.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It parsed (and, for a bundle, the round trip held).
    Accepted,
    /// It was refused with this error message.
    Refused(String),
    /// Not tried: `Document::from_json` takes text, and the input is not UTF-8.
    NotTried,
}

/// What the entry points said about one input.
#[derive(Debug)]
pub struct Outcome {
    /// `Bundle::from_slice` on the bytes.
    pub bundle: Verdict,
    /// `Document::from_json` on the bytes as text.
    pub document: Verdict,
}

/// Feed `data` to the bundle and document readers. Panics (which the fuzzer
/// reports) when a reader panics, or when a bundle that parsed does not read
/// back equal from its own compact and indented output.
pub fn run(data: &[u8]) -> Outcome {
    let bundle = match Bundle::from_slice(data) {
        Ok(bundle) => {
            for (form, json) in [
                ("compact", bundle.to_json()),
                ("indented", bundle.to_json_pretty()),
            ] {
                match Bundle::from_json(&json) {
                    Ok(again) => assert_eq!(again, bundle, "{form} output reads back different"),
                    Err(e) => panic!("{form} output does not read back: {e}\n{json}"),
                }
            }
            Verdict::Accepted
        }
        Err(e) => Verdict::Refused(e.to_string()),
    };
    let document = match std::str::from_utf8(data).map(Document::from_json) {
        Ok(Ok(_)) => Verdict::Accepted,
        Ok(Err(e)) => Verdict::Refused(e.to_string()),
        Err(_) => Verdict::NotTried,
    };
    Outcome { bundle, document }
}
