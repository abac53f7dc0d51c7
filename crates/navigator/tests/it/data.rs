//! The real ATT&CK releases, each loaded once per test binary.

use std::sync::OnceLock;

use ttpmap_attack::KnowledgeBase;
use ttpmap_test_support::shared_file;

fn load(
    cell: &'static OnceLock<Option<KnowledgeBase>>,
    file: &str,
) -> Option<&'static KnowledgeBase> {
    cell.get_or_init(|| {
        shared_file(&format!("attack-stix/{file}"))
            .map(|path| KnowledgeBase::from_path(path).expect("the release loads"))
    })
    .as_ref()
}

/// Enterprise ATT&CK 18.1, when the shared data is present.
pub fn enterprise_18() -> Option<&'static KnowledgeBase> {
    static KB: OnceLock<Option<KnowledgeBase>> = OnceLock::new();
    load(&KB, "enterprise-attack-18.1.json")
}

/// Enterprise ATT&CK 17.1, when the shared data is present.
pub fn enterprise_17() -> Option<&'static KnowledgeBase> {
    static KB: OnceLock<Option<KnowledgeBase>> = OnceLock::new();
    load(&KB, "enterprise-attack-17.1.json")
}
