//! One case per rule, built in code: common and embedded properties.

use serde_json::json;
use ttpmap_stix::{tlp::Tlp, AttackPattern, ExternalReference, GranularMarking, KillChainPhase};

use super::*;

#[test]
fn common_property_rules() {
    let marking = |text: &str| id(text);
    let cases: Vec<(&str, Vec<Violation>, Expected<'_>)> = vec![
        (
            "clean",
            check(AttackPattern::builder().name("x").build().unwrap()),
            &[],
        ),
        (
            "confidence above 100",
            check(
                AttackPattern::builder()
                    .name("x")
                    .confidence(101)
                    .build()
                    .unwrap(),
            ),
            &[("confidence-range", Must, "$.confidence")],
        ),
        (
            "negative confidence",
            check(
                AttackPattern::builder()
                    .name("x")
                    .confidence(-1)
                    .build()
                    .unwrap(),
            ),
            &[("confidence-range", Must, "$.confidence")],
        ),
        (
            "modified before created",
            check(
                AttackPattern::builder()
                    .name("x")
                    .created(ts("2016-05-12T08:17:27.000Z"))
                    .modified(ts("2016-01-01T00:00:00.000Z"))
                    .build()
                    .unwrap(),
            ),
            &[("modified-before-created", Must, "$.modified")],
        ),
        (
            "seconds only",
            check(
                AttackPattern::builder()
                    .name("x")
                    .created(ts("2016-05-12T08:17:27Z"))
                    .modified(ts("2016-05-12T08:17:27.1Z"))
                    .build()
                    .unwrap(),
            ),
            &[
                ("timestamp-precision", Must, "$.created"),
                ("timestamp-precision", Must, "$.modified"),
            ],
        ),
        (
            "spec_version 2.0",
            check(
                AttackPattern::builder()
                    .name("x")
                    .spec_version("2.0")
                    .build()
                    .unwrap(),
            ),
            &[("spec-version", Must, "$.spec_version")],
        ),
        (
            "lang",
            check(
                AttackPattern::builder()
                    .name("x")
                    .lang("english")
                    .build()
                    .unwrap(),
            ),
            &[("lang", Should, "$.lang")],
        ),
        (
            "created_by_ref to malware",
            check(
                AttackPattern::builder()
                    .name("x")
                    .created_by_ref(id(MALWARE))
                    .build()
                    .unwrap(),
            ),
            &[("reference-type", Must, "$.created_by_ref")],
        ),
        (
            "object_marking_refs to identity",
            check(
                AttackPattern::builder()
                    .name("x")
                    .object_marking_refs(vec![marking(Tlp::Green.v2_id()), id(IDENTITY)])
                    .build()
                    .unwrap(),
            ),
            &[("marking-reference", Must, "$.object_marking_refs[1]")],
        ),
        (
            "empty labels and extensions",
            check(
                AttackPattern::builder()
                    .name("x")
                    .labels(Vec::<String>::new())
                    .extensions(ttpmap_stix::Extensions::default())
                    .build()
                    .unwrap(),
            ),
            &[
                ("empty-list", Must, "$.labels"),
                ("empty-dictionary", Must, "$.extensions"),
            ],
        ),
        (
            "custom properties",
            check(
                AttackPattern::builder()
                    .name("x")
                    .custom_property("x_acme_score", 3)
                    .custom_property("acme_score", 3)
                    .custom_property("Acme-Score", 3)
                    .custom_property("x_acme_tags", json!([]))
                    .custom_property("x_acme_nested", json!({"inner": []}))
                    .build()
                    .unwrap(),
            ),
            &[
                ("custom-prefix", Should, "$.acme_score"),
                ("custom-property-name", Must, "$['Acme-Score']"),
                ("empty-list", Must, "$.x_acme_tags"),
            ],
        ),
        (
            "uuid version",
            check(
                AttackPattern::builder()
                    .name("x")
                    .id(id("attack-pattern--6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
                    .build()
                    .unwrap(),
            ),
            &[("uuid-version", Should, "$.id")],
        ),
    ];
    for (name, violations, expected) in &cases {
        assert_exact(name, violations, expected);
    }
}

#[test]
fn embedded_type_rules() {
    let source_only = ExternalReference::builder()
        .source_name("acme")
        .build()
        .unwrap();
    let capec = ExternalReference::with_external_id("capec", "163");
    let cve = ExternalReference::with_external_id("cve", "CVE-2016-12");
    let good = ExternalReference::with_external_id("cve", "CVE-2016-1234");
    let hashed = ExternalReference::builder()
        .source_name("acme")
        .url("https://example.com/r.pdf")
        .hashes(hashes(&[("MD5", "00"), ("sha256", "aa")]))
        .build()
        .unwrap();
    let object = AttackPattern::builder()
        .name("x")
        .external_references(vec![good, source_only, capec, cve, hashed])
        .kill_chain_phases(vec![
            KillChainPhase::new("mitre-attack", "initial-access"),
            KillChainPhase::new("Lockheed Martin", "recon"),
            KillChainPhase::new("lockheed-martin", "Initial_Access"),
        ])
        .granular_markings(vec![
            GranularMarking::builder()
                .lang("en")
                .marking_ref(id(Tlp::Red.v2_id()))
                .selectors(vec!["name".to_owned()])
                .build()
                .unwrap(),
            GranularMarking::builder()
                .selectors(vec!["name".to_owned()])
                .build()
                .unwrap(),
            GranularMarking::builder()
                .lang("en")
                .selectors(Vec::<String>::new())
                .build()
                .unwrap(),
            GranularMarking::builder()
                .marking_ref(id(IDENTITY))
                .selectors(vec!["name".to_owned()])
                .build()
                .unwrap(),
        ])
        .build()
        .unwrap();
    assert_exact(
        "embedded",
        &check(object),
        &[
            ("granular-marking", Must, "$.granular_markings[0]"),
            ("granular-marking", Must, "$.granular_markings[1]"),
            ("granular-marking", Must, "$.granular_markings[2].selectors"),
            (
                "marking-reference",
                Must,
                "$.granular_markings[3].marking_ref",
            ),
            ("external-reference", Must, "$.external_references[1]"),
            (
                "external-reference",
                Must,
                "$.external_references[2].external_id",
            ),
            (
                "external-reference",
                Must,
                "$.external_references[3].external_id",
            ),
            ("hash-value", Must, "$.external_references[4].hashes.MD5"),
            (
                "hash-algorithm",
                Should,
                "$.external_references[4].hashes.sha256",
            ),
            (
                "kill-chain-phase",
                Should,
                "$.kill_chain_phases[1].kill_chain_name",
            ),
            (
                "kill-chain-phase",
                Should,
                "$.kill_chain_phases[2].phase_name",
            ),
        ],
    );
}

#[test]
fn messages_name_property_and_value() {
    let violations = check(
        AttackPattern::builder()
            .name("x")
            .created(ts("2016-05-12T08:17:27.000Z"))
            .modified(ts("2016-01-01T00:00:00.000Z"))
            .external_references(vec![ExternalReference::with_external_id("capec", "163")])
            .build()
            .unwrap(),
    );
    let messages: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "modified 2016-01-01T00:00:00.000Z is before created 2016-05-12T08:17:27.000Z",
            "capec external_id \"163\" is not of the form CAPEC-<digits>",
        ]
    );
    for v in &violations {
        assert!(v
            .object_id
            .as_deref()
            .is_some_and(|i| i.starts_with("attack-pattern--")));
    }
}
