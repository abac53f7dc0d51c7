//! The checks of the `stix_pattern` fuzz target.

use ttpmap_stix::pattern::Pattern;

/// Parse arbitrary UTF-8; on success the canonical form must parse to the
/// same tree and print identically, and validation must not panic. Returns
/// whether the text parsed (`None` when it is not UTF-8).
pub fn run(data: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(data).ok()?;
    match Pattern::parse(text) {
        Ok(p) => {
            let printed = p.to_string();
            let again = Pattern::parse(&printed)
                .unwrap_or_else(|e| panic!("canonical form does not parse: {e}\n{printed}"));
            assert_eq!(again, p, "round trip changed the tree\n{text}\n{printed}");
            assert_eq!(again.to_string(), printed, "printing is not idempotent");
            let _ = p.validate();
            Some(true)
        }
        Err(e) => {
            assert!(
                e.offset() <= text.chars().count(),
                "offset past the end: {e}"
            );
            Some(false)
        }
    }
}
