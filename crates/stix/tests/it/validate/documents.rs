//! Bundles and raw JSON: every object reported, bundle-level rules, STIX 2.0
//! content, JSON-level rules, malformed input and the list of codes.

use serde_json::json;
use ttpmap_stix::{AttackPattern, Campaign};

use super::*;

#[test]
fn bundle_reports_every_object() {
    let mut bundle = Bundle::new();
    bundle.push(
        AttackPattern::builder()
            .name("a")
            .confidence(101)
            .build()
            .unwrap(),
    );
    bundle.push(
        Campaign::builder()
            .name("c")
            .created(ts("2016-05-12T08:17:27.000Z"))
            .modified(ts("2016-01-01T00:00:00.000Z"))
            .build()
            .unwrap(),
    );
    let report = bundle.validate();
    assert_exact(
        "two bad objects",
        &report.violations,
        &[
            ("confidence-range", Must, "$.objects[0].confidence"),
            ("modified-before-created", Must, "$.objects[1].modified"),
        ],
    );
    assert_eq!(
        report.violations[1].object_id.as_deref(),
        Some(bundle.objects()[1].id().as_str())
    );
}

#[test]
fn bundle_level_rules() {
    let technique = AttackPattern::builder().name("a").build().unwrap();
    let mut newer = technique.clone();
    newer.modified = newer.modified.next_after();
    let mut bundle = Bundle::new();
    bundle.push(technique.clone());
    bundle.push(newer);
    bundle.push(technique);
    let report = bundle.validate();
    assert_exact(
        "duplicate",
        &report.violations,
        &[("duplicate-object", Should, "$.objects[2]")],
    );
    assert!(
        report.violations[0]
            .message
            .ends_with("already appears as objects[0]"),
        "{}",
        report.violations[0].message
    );

    let mut empty = Bundle::new();
    empty.objects = Some(Vec::new());
    assert_exact(
        "empty objects",
        &empty.validate().violations,
        &[("empty-list", Must, "$.objects")],
    );
}

#[test]
fn stix_2_0_bundle() {
    let text = json!({
        "type": "bundle",
        "id": "bundle--7bd2df7e-1010-430d-a5ba-8662043f507c",
        "spec_version": "2.0",
        "objects": [{
            "type": "malware",
            "id": MALWARE,
            "created": "2017-05-31T21:32:29.203Z",
            "modified": "2017-05-31T21:32:29.203Z",
            "name": "Poison Ivy",
            "labels": ["remote-access-trojan"]
        }, {
            "type": "indicator",
            "id": INDICATOR,
            "created": "2017-05-31T21:32:29.203Z",
            "modified": "2017-05-31T21:32:29.203Z",
            "pattern": "[file:name = 'x']",
            "valid_from": "2017-05-31T21:32:29Z",
            "labels": ["malicious-activity"]
        }]
    })
    .to_string();
    let expected: Expected<'_> = &[("spec-version", Should, "$.spec_version")];
    assert_exact("2.0 as json", &validate_json(&text).violations, expected);
    // The typed model needs an indicator's pattern_type; without the indicator:
    let mut bundle: Bundle = text
        .replace("\"indicator\"", "\"x-indicator\"")
        .replace("indicator--", "x-indicator--")
        .parse()
        .unwrap();
    bundle.objects.as_mut().unwrap().truncate(1);
    assert_exact("2.0 typed", &bundle.validate().violations, expected);
    // The same objects as 2.1 content.
    bundle.extra.clear();
    assert_exact(
        "as 2.1",
        &bundle.validate().violations,
        &[
            ("spec-version", Must, "$.objects[0].spec_version"),
            ("required-property", Must, "$.objects[0].is_family"),
        ],
    );
}

#[test]
fn json_level_rules() {
    let cases: &[(&str, serde_json::Value, Expected<'_>)] = &[
        (
            "two missing properties",
            json!({"type": "identity", "spec_version": "2.1", "id": IDENTITY, "modified": "2016-01-01T00:00:00.000Z"}),
            &[
                ("required-property", Must, "$.created"),
                ("required-property", Must, "$.name"),
            ],
        ),
        (
            "wrong types everywhere",
            json!({
                "type": "malware", "spec_version": "2.1", "id": MALWARE,
                "created": "2016-01-01T00:00:00.000Z", "modified": 5,
                "is_family": "yes", "name": "m", "labels": ["a", 3], "confidence": 1.5,
                "created_by_ref": "identity--nope"
            }),
            &[
                ("invalid-property-type", Must, "$.modified"),
                ("invalid-property-type", Must, "$.is_family"),
                ("invalid-property-type", Must, "$.labels[1]"),
                ("invalid-property-type", Must, "$.confidence"),
                ("invalid-identifier", Must, "$.created_by_ref"),
            ],
        ),
        (
            "bad timestamps and id type",
            json!({
                "type": "campaign", "spec_version": "2.1", "id": MALWARE,
                "created": "2016-01-01T00:00:00.000", "modified": "2016-02-30T00:00:00.000Z", "name": "c"
            }),
            &[
                ("id-type-mismatch", Must, "$.id"),
                ("invalid-timestamp", Must, "$.created"),
                ("invalid-timestamp", Must, "$.modified"),
            ],
        ),
        (
            "embedded objects",
            json!({
                "type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                "created": "2016-01-01T00:00:00.000Z", "modified": "2016-01-01T00:00:00.000Z", "name": "a",
                "external_references": [{"url": "https://example.com"}],
                "kill_chain_phases": [{"kill_chain_name": "k", "phase_name": 3}]
            }),
            &[
                (
                    "required-property",
                    Must,
                    "$.external_references[0].source_name",
                ),
                (
                    "invalid-property-type",
                    Must,
                    "$.kill_chain_phases[0].phase_name",
                ),
            ],
        ),
        (
            "not an object",
            json!([1, 2]),
            &[("invalid-property-type", Must, "$")],
        ),
        (
            "bundle members",
            json!({"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": [
                "text",
                {"type": "x-acme-thing", "id": "x-acme-thing--44af6c39-c09b-49c5-9de2-394224b04982", "a": []},
                {"type": "tool", "spec_version": "2.1", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                 "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z"}
            ]}),
            &[
                ("invalid-property-type", Must, "$.objects[0]"),
                ("custom-property-name", Must, "$.objects[1].a"),
                ("empty-list", Must, "$.objects[1].a"),
                ("required-property", Must, "$.objects[2].name"),
            ],
        ),
    ];
    for (name, value, expected) in cases {
        assert_exact(
            name,
            &validate_json(&value.to_string()).violations,
            expected,
        );
    }
}

#[test]
fn duplicate_property_and_malformed_json() {
    let text = r#"{"type": "tool", "spec_version": "2.1", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z", "name": "a", "name": "b"}"#;
    let report = validate_json(text);
    assert_exact(
        "duplicate",
        &report.violations,
        &[("duplicate-property", Must, "$.name")],
    );
    assert_eq!(report.violations[0].message, "duplicate property `name`");

    let report = validate_json("{\n  \"type\": \"tool\",\n}");
    assert_exact(
        "trailing comma",
        &report.violations,
        &[("invalid-json", Must, "$")],
    );
    assert_eq!(
        report.violations[0].message,
        "invalid JSON: key must be a string at line 3 column 1"
    );
    let report = validate_json(r#"{"type": "tool""#);
    assert_eq!(
        report.violations[0].message,
        "invalid JSON: EOF while parsing an object at line 1 column 15"
    );
}

#[test]
fn validate_path_errors() {
    let missing = validate_path("/nonexistent/ttpmap/stix.json").unwrap_err();
    assert_eq!(missing.category(), ttpmap_stix::Category::Io);
    let file = std::env::temp_dir().join(format!("ttpmap-validate-{}.json", std::process::id()));
    std::fs::write(&file, b"{\"type\": \"tool\xff\"}").unwrap();
    let report = validate_path(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    assert_exact(
        "invalid utf-8",
        &report.violations,
        &[("invalid-json", Must, "$")],
    );
    assert_eq!(
        report.violations[0].message,
        "invalid JSON: invalid UTF-8 at line 1 column 15"
    );
}

#[test]
fn codes_are_documented() {
    let docs =
        std::fs::read_to_string(ttpmap_test_support::workspace_root().join("docs/validation.md"))
            .unwrap();
    for code in CODES {
        assert!(
            docs.contains(&format!("| `{code}` |")),
            "docs/validation.md lacks a row for {code}"
        );
    }
    let mut sorted = CODES.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, CODES);
}
