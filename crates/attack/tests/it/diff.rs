//! Release diffs: Enterprise and Mobile 17.1 → 18.1 against counts computed
//! independently in Python over the two bundles, the rules on small
//! hand-made releases, and the embedded sample.

use serde_json::{json, Value};
use ttpmap_attack::{Change, DiffEntry, Domain, Kind, KnowledgeBase, Object, ReleaseDiff};

use crate::data::{release, ENTERPRISE_17, ENTERPRISE_18, MOBILE_17, MOBILE_18};

/// Both releases of a domain, or `None` when either is absent.
fn releases(old: &str, new: &str) -> Option<(&'static KnowledgeBase, &'static KnowledgeBase)> {
    Some((release(old)?, release(new)?))
}

/// The entry of the object with this ATT&CK id, looked up through its STIX
/// id in either release (so `get` is exercised too).
fn entry<'d, 'a>(
    diff: &'d ReleaseDiff<'a>,
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    attack_id: &str,
) -> Option<&'d DiffEntry<'a>> {
    let object = new
        .by_attack_id(attack_id)
        .or_else(|| old.by_attack_id(attack_id))
        .unwrap_or_else(|| panic!("{attack_id} is in neither release"));
    diff.get(object.stix_id().as_str())
}

fn counts(diff: &ReleaseDiff<'_>) -> Vec<(&'static str, usize)> {
    diff.counts()
        .into_iter()
        .map(|(c, n)| (c.as_str(), n))
        .collect()
}

/// Every entry is in order and found again by its STIX id; `of` and
/// `counts` agree.
fn check_consistent(diff: &ReleaseDiff<'_>) {
    fn key<'a>(e: &DiffEntry<'a>) -> (bool, Option<&'a str>, Option<&'a str>) {
        (e.attack_id().is_none(), e.attack_id(), e.stix_id())
    }
    for pair in diff.entries().windows(2) {
        assert!(key(&pair[0]) < key(&pair[1]), "{pair:?}");
    }
    for e in diff.entries() {
        assert!(std::ptr::eq(diff.get(e.stix_id().unwrap()).unwrap(), e));
        assert_eq!(e.old_version, e.old.and_then(Object::version));
        assert_eq!(e.new_version, e.new.and_then(Object::version));
        assert_eq!(e.old.is_none(), e.change == Change::Added);
        assert_eq!(e.new.is_none(), e.change == Change::Removed);
        if e.change != Change::Revoked {
            assert!(e.replacement.is_none());
        }
    }
    for (change, n) in diff.counts() {
        assert_eq!(diff.of(change).count(), n, "{change}");
    }
    assert_eq!(
        diff.counts().iter().map(|(_, n)| n).sum::<usize>(),
        diff.len()
    );
    assert!(diff
        .get("attack-pattern--00000000-0000-4000-8000-000000000000")
        .is_none());
}

/// Enterprise techniques and sub-techniques 17.1 → 18.1.
///
/// The Python script (json module only, same rules, keyed by STIX id over
/// every `attack-pattern` of the two bundles) prints:
/// additions 12, changes 62, minor_changes 533, revocations 0,
/// deprecations 0, removals 0, unchanged 84, retired in both 144; total 835.
#[test]
fn enterprise_techniques_17_1_to_18_1() {
    let Some((old, new)) = releases(ENTERPRISE_17, ENTERPRISE_18) else {
        return;
    };
    let diff = old.diff(new, Kind::Technique, None);
    assert_eq!(
        counts(&diff),
        [
            ("additions", 12),
            ("changes", 62),
            ("minor_changes", 533),
            ("revocations", 0),
            ("deprecations", 0),
            ("removals", 0),
            ("unchanged", 84),
        ]
    );
    assert_eq!(diff.retired(), 144);
    assert_eq!(diff.len() + diff.retired(), 835);
    assert_eq!(diff.kind(), Kind::Technique);
    assert_eq!(diff.domain(), None);
    check_consistent(&diff);

    // Each release is one domain: filtering on it changes nothing.
    let enterprise = old.diff(new, Kind::Technique, Some(Domain::Enterprise));
    assert_eq!(enterprise.counts(), diff.counts());
    assert!(old
        .diff(new, Kind::Technique, Some(Domain::Mobile))
        .is_empty());

    let at = |id| entry(&diff, old, new, id).unwrap();
    // Added: a technique and a sub-technique, at version 1.0.
    let t1677 = at("T1677");
    assert_eq!(t1677.change, Change::Added);
    assert_eq!(t1677.new.unwrap().name(), "Poisoned Pipeline Execution");
    assert_eq!((t1677.old_version, t1677.new_version), (None, Some("1.0")));
    assert_eq!(at("T1059.013").change, Change::Added);
    // Changed: 1.7 → 1.8.
    let t1005 = at("T1005");
    assert_eq!(t1005.change, Change::Changed);
    assert_eq!(
        (t1005.old_version, t1005.new_version),
        (Some("1.7"), Some("1.8"))
    );
    // Minor change: still 1.2, modified again.
    let t1001 = at("T1001");
    assert_eq!(t1001.change, Change::MinorChange);
    assert_eq!(
        (t1001.old_version, t1001.new_version),
        (Some("1.2"), Some("1.2"))
    );
    assert_ne!(t1001.old.unwrap().modified(), t1001.new.unwrap().modified());
    assert_eq!(at("T1021.007").change, Change::Unchanged);
    // T1002 Data Compressed was revoked long before 17.1: in no class.
    assert!(entry(&diff, old, new, "T1002").is_none());
    assert!(new
        .by_stix_str("attack-pattern--b9f5dbe2-4c55-4fc5-af2e-d42c1d182ec4")
        .unwrap()
        .is_revoked());
}

/// Enterprise data sources 17.1 → 18.1: 18.0 deprecated them for detection
/// strategies. Python: deprecations 37, retired in both 1 (DS0031 Cluster,
/// deprecated already), nothing else.
#[test]
fn enterprise_data_sources_are_deprecated() {
    let Some((old, new)) = releases(ENTERPRISE_17, ENTERPRISE_18) else {
        return;
    };
    let diff = old.diff(new, Kind::DataSource, Some(Domain::Enterprise));
    assert_eq!(
        counts(&diff),
        [
            ("additions", 0),
            ("changes", 0),
            ("minor_changes", 0),
            ("revocations", 0),
            ("deprecations", 37),
            ("removals", 0),
            ("unchanged", 0),
        ]
    );
    assert_eq!(diff.retired(), 1);
    check_consistent(&diff);
    let ds0017 = entry(&diff, old, new, "DS0017").unwrap();
    assert_eq!(ds0017.change, Change::Deprecated);
    assert_eq!(ds0017.new.unwrap().name(), "Command");
    assert!(ds0017.old.unwrap().is_active() && ds0017.new.unwrap().is_deprecated());
    assert!(ds0017.replacement.is_none());
    assert!(entry(&diff, old, new, "DS0031").is_none());
}

/// Mobile techniques 17.1 → 18.1. Python: additions 2, changes 3,
/// minor_changes 106, unchanged 13, retired in both 66, the rest 0.
#[test]
fn mobile_techniques_17_1_to_18_1() {
    let Some((old, new)) = releases(MOBILE_17, MOBILE_18) else {
        return;
    };
    let diff = old.diff(new, Kind::Technique, Some(Domain::Mobile));
    assert_eq!(
        counts(&diff),
        [
            ("additions", 2),
            ("changes", 3),
            ("minor_changes", 106),
            ("revocations", 0),
            ("deprecations", 0),
            ("removals", 0),
            ("unchanged", 13),
        ]
    );
    assert_eq!(diff.retired(), 66);
    check_consistent(&diff);
    let added: Vec<_> = diff
        .of(Change::Added)
        .filter_map(DiffEntry::attack_id)
        .collect();
    assert_eq!(added, ["T1636.005", "T1676"]);
    let changed: Vec<_> = diff
        .of(Change::Changed)
        .filter_map(DiffEntry::attack_id)
        .collect();
    assert_eq!(changed, ["T1453", "T1464", "T1660"]);
    assert!(old
        .diff(new, Kind::Technique, Some(Domain::Enterprise))
        .is_empty());
}

#[test]
fn a_release_with_itself_is_unchanged() {
    let Some(kb) = release(ENTERPRISE_18) else {
        return;
    };
    for kind in [Kind::Technique, Kind::Group, Kind::Tool, Kind::DataSource] {
        let diff = kb.diff(kb, kind, None);
        assert!(
            diff.entries().iter().all(|e| e.change == Change::Unchanged
                && e.old == e.new
                && e.old_version == e.new_version),
            "{kind}"
        );
        let all = kb
            .objects()
            .filter(|o| o.kind() == kind || (kind.is_software() && o.kind().is_software()))
            .count();
        let active = kb
            .objects()
            .filter(|o| o.is_active())
            .filter(|o| o.kind() == kind || (kind.is_software() && o.kind().is_software()))
            .count();
        assert_eq!(diff.len(), active, "{kind}");
        assert_eq!(diff.retired(), all - active, "{kind}");
        check_consistent(&diff);
    }
}

#[test]
fn the_sample_with_itself_is_unchanged() {
    let kb = KnowledgeBase::sample();
    let diff = kb.diff(&kb, Kind::Technique, None);
    let techniques = kb.objects_of_kind(Kind::Technique).count();
    assert_eq!(diff.len() + diff.retired(), techniques);
    assert_eq!(diff.retired(), 2);
    assert_eq!(diff.counts()[6], (Change::Unchanged, diff.len()));
    check_consistent(&diff);
    let powershell = kb.technique("T1059.001").unwrap();
    let e = diff.get(powershell.stix_id().as_str()).unwrap();
    assert_eq!(e.new, Some(*powershell));
    // Malware and tools are both software.
    let software = kb.diff(&kb, Kind::Malware, None);
    assert_eq!(software.len(), 10);
    assert!(software
        .entries()
        .iter()
        .any(|e| e.new.unwrap().kind() == Kind::Tool));
    // JSON: the class in the changelog's words, the objects as elsewhere.
    let json = serde_json::to_value(&diff).unwrap();
    assert_eq!(json["kind"], "technique");
    assert_eq!(json["entries"][0]["change"], "unchanged");
    assert_eq!(json["entries"][0]["old"], json["entries"][0]["new"]);
    assert!(json["entries"][0]["new"]["attack_id"].is_string());
}

#[test]
fn change_words_are_the_changelog_s() {
    let words: Vec<String> = Change::ALL.iter().map(ToString::to_string).collect();
    assert_eq!(
        words,
        [
            "additions",
            "changes",
            "minor_changes",
            "revocations",
            "deprecations",
            "removals",
            "unchanged"
        ]
    );
    for change in Change::ALL {
        assert_eq!(serde_json::to_value(change).unwrap(), change.as_str());
    }
}

// Hand-made releases for the rules the real 17.1 → 18.1 data does not show.

fn stix_id(object_type: &str, n: u32) -> String {
    format!("{object_type}--00000000-0000-4000-8000-{n:012}")
}

/// A technique with ATT&CK id `T9<n>`; `state` is `active`, `revoked` or
/// `deprecated`.
fn technique(n: u32, version: &str, modified: &str, state: &str) -> Value {
    json!({
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": stix_id("attack-pattern", n),
        "created": "2020-01-01T00:00:00.000Z",
        "modified": modified,
        "name": format!("Technique {n}"),
        "revoked": state == "revoked",
        "x_mitre_deprecated": state == "deprecated",
        "x_mitre_version": version,
        "x_mitre_domains": ["enterprise-attack"],
        "external_references": [{"source_name": "mitre-attack", "external_id": format!("T9{n:03}")}],
    })
}

fn software(n: u32, object_type: &str) -> Value {
    let mut s = json!({
        "type": object_type,
        "spec_version": "2.1",
        "id": stix_id(object_type, n),
        "created": "2020-01-01T00:00:00.000Z",
        "modified": "2020-01-01T00:00:00.000Z",
        "name": format!("Software {n}"),
        "x_mitre_version": "1.0",
        "x_mitre_domains": ["enterprise-attack"],
        "external_references": [{"source_name": "mitre-attack", "external_id": format!("S9{n:03}")}],
    });
    if object_type == "malware" {
        s["is_family"] = json!(true);
    }
    s
}

fn revoked_by(n: u32, from: u32, to: u32) -> Value {
    json!({
        "type": "relationship",
        "spec_version": "2.1",
        "id": stix_id("relationship", n),
        "created": "2020-01-01T00:00:00.000Z",
        "modified": "2020-01-01T00:00:00.000Z",
        "relationship_type": "revoked-by",
        "source_ref": stix_id("attack-pattern", from),
        "target_ref": stix_id("attack-pattern", to),
    })
}

fn bundle(objects: &[Value]) -> KnowledgeBase {
    let bundle = json!({"type": "bundle", "id": stix_id("bundle", 1), "objects": objects});
    KnowledgeBase::from_json(&bundle.to_string()).unwrap()
}

#[test]
fn rules_on_hand_made_releases() {
    const M1: &str = "2020-01-01T00:00:00.000Z";
    const M2: &str = "2021-01-01T00:00:00.000Z";
    let old = bundle(&[
        technique(1, "1.0", M1, "active"),      // unchanged
        technique(2, "1.0", M1, "active"),      // 1.0 → 1.1: changed
        technique(3, "1.0", M1, "active"),      // modified again: minor change
        technique(4, "1.0", M1, "active"),      // revoked by 5, itself revoked by 6
        technique(5, "1.0", M1, "active"),      // revoked by 6
        technique(7, "1.0", M1, "active"),      // deprecated
        technique(8, "1.0", M1, "active"),      // removed
        technique(9, "1.0", M1, "revoked"),     // revoked in both: retired
        technique(10, "1.0", M1, "deprecated"), // deprecated in both: retired
        technique(11, "1.0", M1, "revoked"),    // active again: changed
        technique(12, "1.0", M1, "revoked"),    // revoked, then deprecated
        technique(13, "1.0", M1, "deprecated"), // deprecated, then revoked
        technique(14, "1.1", M1, "active"),     // 1.1 → 1.10: changed
        technique(15, "1.0", M1, "revoked"),    // revoked, then gone: removed
        software(1, "tool"),                    // replaced by malware
    ]);
    let new = bundle(&[
        technique(1, "1.0", M1, "active"),
        technique(2, "1.1", M2, "active"),
        technique(3, "1.0", M2, "active"),
        technique(4, "1.0", M2, "revoked"),
        technique(5, "1.0", M2, "revoked"),
        technique(6, "1.0", M2, "active"), // added
        technique(7, "1.1", M2, "deprecated"),
        technique(9, "1.0", M2, "revoked"),
        technique(10, "1.0", M2, "deprecated"),
        technique(11, "2.0", M2, "active"),
        technique(12, "1.0", M2, "deprecated"),
        technique(13, "1.0", M2, "revoked"),
        technique(14, "1.10", M2, "active"),
        software(1, "malware"),
        revoked_by(1, 4, 5),
        revoked_by(2, 5, 6),
    ]);
    let diff = old.diff(&new, Kind::Technique, None);
    check_consistent(&diff);
    let classes: Vec<_> = diff
        .entries()
        .iter()
        .map(|e| (e.attack_id().unwrap(), e.change.as_str()))
        .collect();
    assert_eq!(
        classes,
        [
            ("T9001", "unchanged"),
            ("T9002", "changes"),
            ("T9003", "minor_changes"),
            ("T9004", "revocations"),
            ("T9005", "revocations"),
            ("T9006", "additions"),
            ("T9007", "deprecations"),
            ("T9008", "removals"),
            ("T9011", "changes"),
            ("T9012", "deprecations"),
            ("T9013", "revocations"),
            ("T9014", "changes"),
            ("T9015", "removals"),
        ]
    );
    assert_eq!(diff.retired(), 2);
    // Revocations name the end of the revoked-by chain.
    let replacement = |n| {
        diff.get(&stix_id("attack-pattern", n))
            .unwrap()
            .replacement
            .and_then(Object::attack_id)
    };
    assert_eq!(replacement(4), Some("T9006"));
    assert_eq!(replacement(5), Some("T9006"));
    assert_eq!(replacement(13), None);
    let t4 = diff.get(&stix_id("attack-pattern", 4)).unwrap();
    assert!(t4.old.unwrap().is_active() && t4.new.unwrap().is_revoked());
    let removed = diff.get(&stix_id("attack-pattern", 8)).unwrap();
    assert_eq!(
        (removed.old_version, removed.new_version),
        (Some("1.0"), None)
    );
    assert_eq!(removed.object(), removed.old);
    assert!(diff.get(&stix_id("attack-pattern", 9)).is_none());

    // Software compares malware and tools together, as ATT&CK's changelog
    // does. (A STIX id names the type, so a tool that becomes malware is a
    // new object: the tool is removed and the malware added.)
    for kind in [Kind::Tool, Kind::Malware] {
        let diff = old.diff(&new, kind, None);
        let classes: Vec<_> = diff
            .entries()
            .iter()
            .map(|e| (e.object().unwrap().kind(), e.change))
            .collect();
        assert_eq!(
            classes,
            // Same ATT&CK id, then by STIX id: `malware--` before `tool--`.
            [
                (Kind::Malware, Change::Added),
                (Kind::Tool, Change::Removed)
            ],
            "{kind}"
        );
    }
    // Other kinds are not mixed in.
    assert!(old.diff(&new, Kind::Group, None).is_empty());
}
