//! Parity with mitreattack-python 6.3.1 on Enterprise 18.1
//! (`../shared/oracles/enterprise-18.1.json`).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;
use ttpmap_attack::{Kind, KnowledgeBase, Paths, Scope, Technique};
use ttpmap_test_support::shared_file;

use crate::data::{release, ENTERPRISE_18};

/// The Enterprise 18.1 knowledge base and the oracle, each loaded once per
/// test binary.
fn data() -> Option<(&'static KnowledgeBase, &'static Value)> {
    static ORACLE: OnceLock<Option<Value>> = OnceLock::new();
    let oracle = ORACLE
        .get_or_init(|| {
            let oracle = shared_file("oracles/enterprise-18.1.json")?;
            Some(serde_json::from_str(&std::fs::read_to_string(oracle).unwrap()).unwrap())
        })
        .as_ref()?;
    Some((release(ENTERPRISE_18)?, oracle))
}

fn ids<'a>(objects: impl IntoIterator<Item = ttpmap_attack::Object<'a>>) -> BTreeSet<String> {
    objects
        .into_iter()
        .filter_map(|o| o.attack_id().map(str::to_owned))
        .collect()
}

fn expected(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The ATT&CK object of `kind` with this id that the oracle means: the
/// first in load order (mitreattack-python scans in bundle order).
fn by_id<'kb>(kb: &'kb KnowledgeBase, id: &str, kind: Kind) -> ttpmap_attack::Object<'kb> {
    kb.by_attack_id_all(id)
        .into_iter()
        .filter(|o| o.kind() == kind)
        .min_by_key(|o| kb.objects().position(|x| x == *o))
        .unwrap_or_else(|| panic!("{id} not found"))
}

#[test]
fn group_techniques_direct_and_through_campaigns() {
    let Some((kb, oracle)) = data() else { return };
    let table = oracle["group_techniques"].as_object().unwrap();
    assert_eq!(table.len(), 187);
    for (group_id, want) in table {
        let group =
            ttpmap_attack::Group::try_from_object(by_id(kb, group_id, Kind::Group)).unwrap();
        let got = ids(ttpmap_attack::distinct(&kb.techniques_used_by_group(
            group,
            Paths::DIRECT_AND_CAMPAIGN,
            Scope::Active,
        )));
        assert_eq!(got, expected(want), "{group_id}");
    }
}

#[test]
fn group_techniques_through_software() {
    let Some((kb, oracle)) = data() else { return };
    for (group_id, want) in oracle["group_techniques_via_software"].as_object().unwrap() {
        let group =
            ttpmap_attack::Group::try_from_object(by_id(kb, group_id, Kind::Group)).unwrap();
        // mitreattack-python keeps revoked and deprecated objects here: Scope::All.
        let got = ids(ttpmap_attack::distinct(&kb.techniques_used_by_group(
            group,
            Paths::SOFTWARE,
            Scope::All,
        )));
        assert_eq!(got, expected(want), "{group_id}");
    }
}

#[test]
fn technique_mitigations() {
    let Some((kb, oracle)) = data() else { return };
    let table = oracle["technique_mitigations"].as_object().unwrap();
    assert_eq!(table.len(), 835);
    for (technique_id, want) in table {
        let technique =
            Technique::try_from_object(by_id(kb, technique_id, Kind::Technique)).unwrap();
        let got = ids(ttpmap_attack::distinct(
            &kb.mitigations_of_technique(technique, Scope::Active),
        ));
        assert_eq!(got, expected(want), "{technique_id}");
    }
}

#[test]
fn technique_tactics() {
    let Some((kb, oracle)) = data() else { return };
    for (technique_id, want) in oracle["technique_tactics"].as_object().unwrap() {
        let technique =
            Technique::try_from_object(by_id(kb, technique_id, Kind::Technique)).unwrap();
        let got: BTreeSet<String> = kb
            .tactics_of(technique)
            .iter()
            .map(|t| t.shortname().to_owned())
            .collect();
        assert_eq!(got, expected(want), "{technique_id}");
    }
}

#[test]
fn object_counts() {
    let Some((kb, oracle)) = data() else { return };
    let counts = &oracle["counts"];
    let count = |scope: Scope, f: &dyn Fn(Scope) -> usize| f(scope);
    for (scope, key) in [(Scope::Active, "active"), (Scope::All, "all")] {
        let c = &counts[key];
        let n = |name: &str| c[name].as_u64().unwrap() as usize;
        let techniques = kb.techniques(scope);
        assert_eq!(
            techniques.iter().filter(|t| !t.is_subtechnique()).count(),
            n("techniques"),
            "{key}"
        );
        assert_eq!(
            techniques.iter().filter(|t| t.is_subtechnique()).count(),
            n("subtechniques"),
            "{key}"
        );
        assert_eq!(
            count(scope, &|s| kb.tactics(s).len()),
            n("tactics"),
            "{key}"
        );
        assert_eq!(kb.groups(scope).len(), n("groups"), "{key}");
        assert_eq!(kb.software(scope).len(), n("software"), "{key}");
        assert_eq!(kb.mitigations(scope).len(), n("mitigations"), "{key}");
        assert_eq!(kb.campaigns(scope).len(), n("campaigns"), "{key}");
        assert_eq!(kb.data_sources(scope).len(), n("datasources"), "{key}");
        assert_eq!(
            kb.data_components(scope).len(),
            n("datacomponents"),
            "{key}"
        );
        assert_eq!(
            kb.detection_strategies(scope).len(),
            n("detectionstrategies"),
            "{key}"
        );
        assert_eq!(kb.analytics(scope).len(), n("analytics"), "{key}");
    }
}

#[test]
fn revoked_and_deprecated_lists() {
    let Some((kb, oracle)) = data() else { return };
    let techniques: BTreeSet<String> = ids(kb
        .techniques(Scope::All)
        .into_iter()
        .filter(|t| !t.is_active())
        .map(ttpmap_attack::Technique::object));
    assert_eq!(
        techniques,
        expected(&oracle["techniques_revoked_or_deprecated"])
    );
    let groups: BTreeSet<String> = ids(kb
        .groups(Scope::All)
        .into_iter()
        .filter(|g| !g.is_active())
        .map(ttpmap_attack::Group::object));
    assert_eq!(groups, expected(&oracle["groups_revoked_or_deprecated"]));
}

#[test]
fn lookups_and_release_metadata() {
    let Some((kb, _)) = data() else { return };
    assert_eq!(
        kb.release_version(ttpmap_attack::Domain::Enterprise),
        Some("18.1")
    );
    assert_eq!(kb.group("Fancy Bear").unwrap(), kb.group("apt28").unwrap());
    assert_eq!(kb.group("G0007").unwrap().name(), "APT28");
    assert_eq!(kb.technique("t1059.001").unwrap().name(), "PowerShell");
    // T1086 was revoked by T1059.001.
    let old = kb.by_attack_id("T1086").unwrap();
    assert!(old.is_revoked());
    assert_eq!(
        kb.replacement_of(old).unwrap().attack_id(),
        Some("T1059.001")
    );
    let err = kb.group("APT 28 Fancy").unwrap_err();
    assert!(!err.suggestions().is_empty(), "{err}");
    assert!(
        kb.warnings().is_empty(),
        "{:?}",
        &kb.warnings()[..kb.warnings().len().min(5)]
    );
    let matrix = kb.matrix(ttpmap_attack::Domain::Enterprise, None);
    assert_eq!(matrix.columns.len(), 14);
    assert_eq!(matrix.columns[0].tactic.attack_id(), Some("TA0043"));
    let total: usize = matrix.columns.iter().map(|c| c.techniques.len()).sum();
    assert!(total > 200, "{total}");
}
