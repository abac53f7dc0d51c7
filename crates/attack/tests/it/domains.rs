//! Mobile and ICS releases, alone and with Enterprise; the STIX 2.0 folder.
//! (The releases alone are shared with the other tests; the combination
//! and the folder are loaded here only.)

use ttpmap_attack::{Domain, KnowledgeBase, Scope};
use ttpmap_test_support::shared_file;

use crate::data::{release, ICS_18, MOBILE_18};

#[test]
fn mobile_and_ics_load_alone() {
    let (Some(mobile), Some(ics)) = (release(MOBILE_18), release(ICS_18)) else {
        return;
    };
    let kb = mobile;
    assert_eq!(kb.release_version(Domain::Mobile), Some("18.1"));
    assert!(kb.domains().contains(Domain::Mobile));
    assert!(!kb.matrix(Domain::Mobile, None).columns.is_empty());
    assert!(kb.warnings().is_empty(), "{:?}", kb.warnings().first());

    let kb = ics;
    assert_eq!(kb.release_version(Domain::Ics), Some("18.1"));
    assert_eq!(kb.assets(Scope::Active).len(), 18);
    let matrix = kb.matrix(Domain::Ics, None);
    assert_eq!(matrix.columns.len(), 12);
    let t0803 = kb.technique("T0803").unwrap();
    assert_eq!(t0803.name(), "Block Command Message");
    assert_eq!(
        kb.tactics_of(t0803)[0].shortname(),
        "inhibit-response-function"
    );
}

#[test]
fn three_domains_load_together() {
    let paths: Vec<_> = [
        "enterprise-attack-18.1.json",
        "mobile-attack-18.1.json",
        "ics-attack-18.1.json",
    ]
    .iter()
    .filter_map(|f| shared_file(&format!("attack-stix/{f}")))
    .collect();
    if paths.len() < 3 {
        return;
    }
    let kb = KnowledgeBase::from_paths(&paths).unwrap();
    for d in Domain::ALL {
        assert!(kb.domains().contains(d), "{d}");
        assert_eq!(kb.release_version(d), Some("18.1"), "{d}");
    }
    assert_eq!(kb.matrix(Domain::Enterprise, None).columns.len(), 14);
    assert_eq!(kb.matrix(Domain::Ics, None).columns.len(), 12);
    // Execution exists in every domain; each technique gets its own domain's.
    let powershell = kb.technique("T1059.001").unwrap();
    let tactics = kb.tactics_of(powershell);
    assert_eq!(tactics.len(), 1, "{tactics:?}");
    assert!(tactics[0].domains().contains(Domain::Enterprise));
    // An object in two releases is one object tagged with both domains.
    let shared = kb
        .objects()
        .filter(|o| o.domains().iter().count() > 1)
        .count();
    assert!(shared > 0);
}

#[test]
fn stix_2_0_folder_loads_like_the_bundle() {
    let (Some(folder), Some(from_bundle)) = (
        shared_file("attack-stix/cti-ics-attack-18.1"),
        release(ICS_18),
    ) else {
        return;
    };
    let from_folder = KnowledgeBase::from_path(&folder).unwrap();
    assert!(from_folder.domains().contains(Domain::Ics));
    assert_eq!(
        from_folder.techniques(Scope::All).len(),
        from_bundle.techniques(Scope::All).len()
    );
    assert_eq!(
        from_folder.groups(Scope::Active).len(),
        from_bundle.groups(Scope::Active).len()
    );
    let g = from_folder.groups(Scope::Active)[0];
    let a = from_folder
        .techniques_used_by_group(g, ttpmap_attack::Paths::ALL, Scope::Active)
        .len();
    let g2 = from_bundle.group(g.attack_id().unwrap()).unwrap();
    let b = from_bundle
        .techniques_used_by_group(g2, ttpmap_attack::Paths::ALL, Scope::Active)
        .len();
    assert_eq!(a, b);
}
