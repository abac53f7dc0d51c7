//! The shared ATT&CK releases the tests read, each loaded once per test
//! binary.

use std::sync::OnceLock;

use ttpmap_attack::KnowledgeBase;
use ttpmap_test_support::shared_file;

pub const ENTERPRISE_17: &str = "enterprise-attack-17.1.json";
pub const ENTERPRISE_18: &str = "enterprise-attack-18.1.json";
pub const MOBILE_17: &str = "mobile-attack-17.1.json";
pub const MOBILE_18: &str = "mobile-attack-18.1.json";
pub const ICS_18: &str = "ics-attack-18.1.json";

const FILES: [&str; 5] = [ENTERPRISE_17, ENTERPRISE_18, MOBILE_17, MOBILE_18, ICS_18];

/// The release in `file` (one of the constants above) under
/// `attack-stix/` of the shared data; `None` when the data is absent.
pub fn release(file: &str) -> Option<&'static KnowledgeBase> {
    static RELEASES: [OnceLock<Option<KnowledgeBase>>; FILES.len()] =
        [const { OnceLock::new() }; FILES.len()];
    let at = FILES
        .iter()
        .position(|f| *f == file)
        .unwrap_or_else(|| panic!("{file} is not one of the tests' releases"));
    RELEASES[at]
        .get_or_init(|| {
            let path = shared_file(&format!("attack-stix/{file}"))?;
            Some(KnowledgeBase::from_path(path).unwrap())
        })
        .as_ref()
}
