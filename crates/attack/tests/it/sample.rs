//! The embedded sample knowledge base.

use ttpmap_attack::{Domain, KnowledgeBase, Paths, Scope, Via};

#[test]
fn sample_loads_and_is_consistent() {
    let kb = KnowledgeBase::sample();
    assert!(kb.is_sample());
    assert!(kb.warnings().is_empty(), "{:?}", kb.warnings());
    assert_eq!(kb.release_version(Domain::Enterprise), Some("18.1"));
    // APT28 is tagged Enterprise and Mobile, but only Enterprise is loaded.
    assert_eq!(
        kb.domains().iter().collect::<Vec<_>>(),
        [Domain::Enterprise]
    );
    assert_eq!(kb.tactics(Scope::Active).len(), 14);
    assert_eq!(kb.groups(Scope::Active).len(), 7);
}

#[test]
fn group_paths_are_reported() {
    let kb = KnowledgeBase::sample();
    let lazarus = kb.group("Lazarus Group").unwrap();
    let all = kb.techniques_used_by_group(lazarus, Paths::ALL, Scope::Active);
    assert!(all.iter().any(|r| r.via == Via::Direct));
    assert!(all
        .iter()
        .any(|r| matches!(r.via, Via::Campaign(c) if c.attack_id() == Some("C0022"))));
}

#[test]
fn revoked_technique_follows_to_replacement() {
    let kb = KnowledgeBase::sample();
    let old = kb.by_attack_id("T1086").unwrap();
    assert!(old.is_revoked());
    assert_eq!(
        kb.replacement_of(old).unwrap().attack_id(),
        Some("T1059.001")
    );
    assert!(kb
        .techniques(Scope::Active)
        .iter()
        .all(|t| t.attack_id() != Some("T1086")));
    assert!(kb
        .techniques(Scope::All)
        .iter()
        .any(|t| t.attack_id() == Some("T1086")));
}

#[test]
fn unknown_ids_suggest_close_matches() {
    let kb = KnowledgeBase::sample();
    let err = kb.group("Wizzard Spider").unwrap_err();
    assert_eq!(err.suggestions(), ["G0102 Wizard Spider"]);
    assert_eq!(
        err.to_string(),
        "no group matches \"Wizzard Spider\"; did you mean G0102 Wizard Spider?"
    );
}

#[test]
fn detection_chain() {
    let kb = KnowledgeBase::sample();
    let t = kb.technique("T1059.001").unwrap();
    let strategies = kb.detection_strategies_of(t, Scope::Active);
    assert_eq!(strategies.len(), 1);
    let analytics = kb.analytics_of_technique(t, Scope::Active);
    assert!(!analytics.is_empty());
    let components = kb.data_components_of(t, Scope::Active);
    assert!(!components.is_empty());
    let dc = ttpmap_attack::DataComponent::try_from_object(components[0].object).unwrap();
    let back = kb.techniques_detected_by_component(dc, Scope::Active);
    assert!(back.iter().any(|r| r.object == *t));
}

#[test]
fn lookups_never_panic_on_odd_text() {
    let kb = KnowledgeBase::sample();
    for text in ["é1", "éé", "", " ", "T", "t/", "\u{0}", "T1059/001/002"] {
        let _ = kb.technique(text);
        let _ = kb.find(text);
        let _ = kb.group(text);
    }
    assert!(kb.find("é1").is_err());
}
