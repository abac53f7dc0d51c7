//! `ttpmap stix fmt`.

use serde_json::Value;

use crate::util::{testdata, TestCommand};

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn pretty_output_keeps_the_meaning() {
    for name in [
        "cli/sample-bundle.json",
        "cli/single-object.json",
        "stix/valid/bundle-01.json",
        "stix/valid/x-acme-widget-01.json",
        "stix/valid/file-02.json",
    ] {
        let fixture = testdata(name);
        let out = TestCommand::new("fmt-pretty")
            .args(["stix", "fmt"])
            .arg(&fixture)
            .run();
        out.assert_code(0);
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
        assert!(
            out.stdout.starts_with("{\n  \"type\": "),
            "{name}: {}",
            out.stdout
        );
        assert!(out.stdout.ends_with("}\n"), "{name}");
        let original = std::fs::read_to_string(&fixture).unwrap();
        assert_eq!(json_of(&out.stdout), json_of(&original), "{name}");
    }
}

#[test]
fn compact_output_is_one_line() {
    let fixture = testdata("cli/sample-bundle.json");
    let out = TestCommand::new("fmt-compact")
        .args(["stix", "fmt", "--compact"])
        .arg(&fixture)
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout.lines().count(), 1);
    assert!(
        out.stdout
            .starts_with(r#"{"type":"bundle","id":"bundle--7ccaa3d7-"#),
        "{}",
        out.stdout
    );
    let original = std::fs::read_to_string(&fixture).unwrap();
    assert_eq!(json_of(&out.stdout), json_of(&original));
    // `--format jsonl` implies compact.
    let jsonl = TestCommand::new("fmt-jsonl")
        .args(["--format", "jsonl", "stix", "fmt"])
        .arg(&fixture)
        .run();
    assert_eq!(jsonl.stdout, out.stdout);
}

#[test]
fn formatting_twice_changes_nothing() {
    let mut cmd = TestCommand::new("fmt-idempotent");
    let once = cmd
        .args(["stix", "fmt", "-o", "once.json"])
        .arg(testdata("cli/sample-bundle.json"))
        .run();
    once.assert_code(0);
    assert!(once.stdout.is_empty());
    let first = std::fs::read_to_string(cmd.dir().join("once.json")).unwrap();
    let twice = TestCommand::new("fmt-idempotent-2")
        .args(["stix", "fmt"])
        .arg(cmd.dir().join("once.json"))
        .run();
    twice.assert_code(0);
    assert_eq!(twice.stdout, first);
}

#[test]
fn output_file_can_be_named_with_long_option() {
    let mut cmd = TestCommand::new("fmt-output");
    let out = cmd
        .args(["stix", "fmt", "--compact", "--output", "out.json"])
        .arg(testdata("cli/single-object.json"))
        .run();
    out.assert_code(0);
    let written = std::fs::read_to_string(cmd.dir().join("out.json")).unwrap();
    assert!(written.starts_with(r#"{"type":"indicator","#), "{written}");
}

#[test]
fn malformed_json_exits_2_with_the_location_and_writes_nothing() {
    let fixture = testdata("stix/invalid/invalid-json__trailing-comma.json");
    let mut cmd = TestCommand::new("fmt-malformed");
    let out = cmd
        .args(["stix", "fmt", "-o", "out.json"])
        .arg(&fixture)
        .run();
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    let expected = format!("ttpmap: {}:", fixture.display());
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(!cmd.dir().join("out.json").exists());
}

#[test]
fn invalid_stix_exits_2_naming_the_object_and_path() {
    let fixture = testdata(
        "stix/invalid/invalid-identifier__relationship-target-is-attack-technique-id.json",
    );
    let out = TestCommand::new("fmt-invalid")
        .args(["stix", "fmt"])
        .arg(&fixture)
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.contains("attack-pattern--T1059"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("target_ref"), "{}", out.stderr);
}

#[test]
fn missing_file_exits_2_naming_it() {
    let out = TestCommand::new("fmt-missing")
        .args(["stix", "fmt", "gone.json"])
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.starts_with("ttpmap: gone.json: "),
        "{}",
        out.stderr
    );
}

#[test]
fn unwritable_output_exits_2() {
    let mut cmd = TestCommand::new("fmt-unwritable");
    let out = cmd
        .args(["stix", "fmt", "-o", "no/such/folder/out.json"])
        .arg(testdata("cli/single-object.json"))
        .run();
    out.assert_code(2);
    assert!(
        out.stderr
            .starts_with("ttpmap: no/such/folder/out.json: cannot create"),
        "{}",
        out.stderr
    );
}
