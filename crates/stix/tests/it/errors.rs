//! Bad input gives located errors, never a panic.

use ttpmap_stix::{AttackPattern, Bundle, Error, ParseErrorKind, Relationship, StixObject};

fn parse_error(text: &str) -> ttpmap_stix::ParseError {
    match Bundle::from_json(text) {
        Err(Error::Parse(e)) => *e,
        other => panic!("expected a parse error, got {other:?}"),
    }
}

const HEAD: &str =
    r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":["#;

#[test]
fn relationship_to_an_attack_id_is_refused() {
    let text = format!(
        "{HEAD}\n{}]}}",
        r#"{"type":"relationship","spec_version":"2.1","id":"relationship--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","relationship_type":"uses","source_ref":"intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c","target_ref":"attack-pattern--T1059.001"}"#
    );
    let e = parse_error(&text);
    assert_eq!(e.kind, ParseErrorKind::InvalidIdentifier);
    assert_eq!(e.object_index, Some(0));
    assert_eq!(
        e.object_id.as_deref(),
        Some("relationship--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22")
    );
    assert_eq!(e.json_path.as_deref(), Some("$.objects[0].target_ref"));
    assert_eq!(
        Error::Parse(Box::new(e)).to_string(),
        "2:311: invalid identifier \"attack-pattern--T1059.001\": the part after `--` is not a UUID \
         (relationship--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22 at $.objects[0].target_ref)"
    );
    // And the builder takes only Identifiers, which cannot hold it.
    assert!("attack-pattern--T1059.001"
        .parse::<ttpmap_stix::Identifier>()
        .is_err());
}

#[test]
fn wrong_type_and_missing_property_are_located() {
    let text = format!(
        "{HEAD}{}, {}]}}",
        r#"{"type":"tool","spec_version":"2.1","id":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"VNC"}"#,
        r#"{"type":"tool","spec_version":"2.1","id":"tool--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":5}"#
    );
    let e = parse_error(&text);
    assert_eq!(e.kind, ParseErrorKind::WrongType);
    assert_eq!(e.object_index, Some(1));
    assert_eq!(e.json_path.as_deref(), Some("$.objects[1].name"));
    assert_eq!(
        e.object_id.as_deref(),
        Some("tool--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
    );

    let missing = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern_type":"stix","valid_from":"2016-04-06T20:03:48.000Z"}"#;
    match StixObject::from_json(missing) {
        Err(Error::Parse(e)) => {
            assert_eq!(e.kind, ParseErrorKind::MissingProperty);
            assert_eq!(e.message, "missing required property `pattern`");
            assert_eq!(
                e.object_id.as_deref(),
                Some("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn id_must_match_type() {
    let text = r#"{"type":"tool","spec_version":"2.1","id":"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"VNC"}"#;
    match StixObject::from_json(text) {
        Err(Error::Parse(e)) => assert_eq!(e.kind, ParseErrorKind::IdTypeMismatch),
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_properties_are_errors_not_overwrites() {
    let text = r#"{"type":"tool","spec_version":"2.1","id":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"VNC","name":"RDP"}"#;
    match StixObject::from_json(text) {
        Err(Error::Parse(e)) => {
            assert_eq!(e.kind, ParseErrorKind::DuplicateProperty);
            assert_eq!(e.message, "duplicate property `name`");
        }
        other => panic!("{other:?}"),
    }
    let custom =
        r#"{"type":"x-foo","id":"x-foo--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","x_a":1,"x_a":2}"#;
    assert!(StixObject::from_json(custom).is_err());
}

#[test]
fn malformed_json_is_located() {
    let e = parse_error("{\"type\": \"bundle\",\n  \"id\": }");
    assert_eq!(e.kind, ParseErrorKind::Syntax);
    assert_eq!((e.line, e.column), (Some(2), Some(9)));
}

#[test]
fn every_truncated_prefix_fails_without_panic() {
    let text = std::fs::read_to_string(ttpmap_test_support::testdata("stix/valid/bundle-01.json"))
        .unwrap();
    let trimmed = text.trim_end();
    for end in (0..trimmed.len()).filter(|&i| trimmed.is_char_boundary(i)) {
        assert!(
            Bundle::from_json(&trimmed[..end]).is_err(),
            "prefix of {end} bytes parsed"
        );
    }
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!(
        "{HEAD}{{\"type\":\"x-foo\",\"id\":\"x-foo--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"x_deep\":{}{}}}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = parse_error(&deep);
    assert_eq!(e.kind, ParseErrorKind::TooDeep);
    assert_eq!(e.line, Some(1));
    let object_deep = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert!(Bundle::from_json(&object_deep).is_err());
}

#[test]
fn huge_string_is_read() {
    let big = "a".repeat(200 * 1024 * 1024);
    let text = format!(
        r#"{{"type":"tool","spec_version":"2.1","id":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"VNC","description":"{big}"}}"#
    );
    drop(big);
    let StixObject::Tool(tool) = StixObject::from_json(&text).unwrap() else {
        panic!()
    };
    assert_eq!(tool.description.map(|d| d.len()), Some(200 * 1024 * 1024));
}

#[test]
fn huge_string_in_wrong_place_is_an_error() {
    let big = "7".repeat(1024 * 1024);
    let text = format!(
        r#"{{"type":"tool","spec_version":"2.1","id":"tool--{big}","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"VNC"}}"#
    );
    match StixObject::from_json(&text) {
        Err(Error::Parse(e)) => assert_eq!(e.kind, ParseErrorKind::InvalidIdentifier),
        other => panic!("{other:?}"),
    }
}

#[test]
fn file_errors_name_the_file() {
    let e = Bundle::from_path("/nonexistent/enterprise.json").unwrap_err();
    assert_eq!(
        e.path().unwrap().to_str(),
        Some("/nonexistent/enterprise.json")
    );
    assert!(
        e.to_string().starts_with("/nonexistent/enterprise.json: "),
        "{e}"
    );
}

#[test]
fn builders_refuse_missing_required_properties() {
    let e = AttackPattern::builder()
        .description("no name")
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot build attack-pattern: required property `name` is missing"
    );
    let e = Relationship::builder()
        .relationship_type("uses")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::MissingProperty {
                property: "source_ref",
                ..
            }
        ),
        "{e}"
    );
}
