//! `ttpmap stix validate`.

use std::path::Path;

use serde::Deserialize;

use crate::util::{testdata, TestCommand};

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Output {
    files: Vec<FileResult>,
    summary: Summary,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileResult {
    path: String,
    valid: bool,
    objects: usize,
    violations: Vec<Violation>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Violation {
    code: String,
    level: String,
    object_id: Option<String>,
    path: String,
    message: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Summary {
    files: usize,
    objects: usize,
    must: usize,
    should: usize,
    failed: usize,
    unreadable: usize,
    valid: bool,
}

/// One line of `--format jsonl`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line {
    File(FileResult),
    Summary(Summary),
}

fn validate_json(args: &[&str], files: &[&Path]) -> (Option<i32>, Output, String) {
    let mut cmd = TestCommand::new("validate");
    cmd.args(["stix", "validate", "--format", "json"])
        .args(args)
        .args(files);
    let out = cmd.run();
    (out.code, out.json(), out.stderr)
}

#[test]
fn valid_files_exit_0() {
    let files = [
        "cli/sample-bundle.json",
        "cli/single-object.json",
        "stix/valid/bundle-01.json",
        "stix/valid/indicator-01.json",
        "stix/valid/x-acme-widget-01.json",
    ]
    .map(testdata);
    let mut cmd = TestCommand::new("validate-valid");
    let out = cmd.args(["stix", "validate"]).args(&files).run();
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("5 files, "), "{}", out.stdout);
    assert!(
        last.ends_with(" objects, 0 MUST and 0 SHOULD violations"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
}

#[test]
fn valid_files_json() {
    let files = [
        testdata("cli/sample-bundle.json"),
        testdata("cli/single-object.json"),
    ];
    let (code, output, _) = validate_json(&[], &[&files[0], &files[1]]);
    assert_eq!(code, Some(0), "{output:#?}");
    let summary = Summary {
        files: 2,
        objects: 7,
        must: 0,
        should: 0,
        failed: 0,
        unreadable: 0,
        valid: true,
    };
    assert_eq!(output.summary, summary);
    assert_eq!(output.files.len(), 2);
    assert_eq!(output.files[0].path, files[0].display().to_string());
    assert!(output
        .files
        .iter()
        .all(|f| f.valid && f.violations.is_empty() && f.error.is_none()));
    assert_eq!(output.files[0].objects, 6);
}

#[test]
fn invalid_fixtures_exit_1_with_their_code() {
    for name in [
        "required-property__indicator-without-pattern.json",
        "invalid-identifier__relationship-target-is-attack-technique-id.json",
        "modified-before-created__attack-pattern.json",
        "confidence-range__above-100.json",
        "id-type-mismatch__indicator-with-malware-id.json",
        "invalid-json__truncated-file.json",
        "invalid-json__trailing-comma.json",
    ] {
        let fixture = testdata(&format!("stix/invalid/{name}"));
        let (code, output, stderr) = validate_json(&[], &[&fixture]);
        let expected = name.split("__").next().unwrap_or_default();
        assert_eq!(code, Some(1), "{name}: {output:#?} {stderr}");
        let file = &output.files[0];
        assert!(!file.valid && file.error.is_none(), "{name}: {file:#?}");
        assert!(
            file.violations
                .iter()
                .any(|v| v.code == expected && v.level == "MUST"),
            "{name}: {file:#?}"
        );
        assert!(
            file.violations
                .iter()
                .all(|v| !v.message.is_empty() && v.path.starts_with('$')),
            "{name}: {file:#?}"
        );
        assert!(!output.summary.valid && output.summary.must >= 1 && output.summary.failed == 1);
    }
}

#[test]
fn object_id_is_reported() {
    let fixture = testdata("stix/invalid/modified-before-created__attack-pattern.json");
    let (_, output, _) = validate_json(&[], &[&fixture]);
    let violation = output.files[0]
        .violations
        .iter()
        .find(|v| v.code == "modified-before-created");
    let object_id = violation
        .and_then(|v| v.object_id.as_deref())
        .unwrap_or_default();
    assert!(object_id.starts_with("attack-pattern--"), "{output:#?}");
}

#[test]
fn human_output_has_one_line_per_violation_then_the_summary() {
    let fixture = testdata("stix/invalid/required-property__indicator-without-pattern.json");
    let out = TestCommand::new("validate-human")
        .args(["stix", "validate"])
        .arg(&fixture)
        .run();
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.len() >= 2, "{}", out.stdout);
    let prefix = format!("{}: MUST required-property indicator--", fixture.display());
    assert!(
        lines.iter().any(|l| l.starts_with(&prefix)),
        "{}",
        out.stdout
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("1 file, 1 object, ")),
        "{}",
        out.stdout
    );
}

#[test]
fn should_violations_fail_only_with_strict() {
    let fixture = testdata("stix/invalid/hash-algorithm__md5sum.json");
    let (code, output, _) = validate_json(&[], &[&fixture]);
    assert_eq!(code, Some(0), "{output:#?}");
    assert!(output.files[0].valid);
    assert!(output.files[0]
        .violations
        .iter()
        .any(|v| v.code == "hash-algorithm" && v.level == "SHOULD"));
    assert_eq!((output.summary.must, output.summary.failed), (0, 0));
    assert!(output.summary.should >= 1);

    let (code, output, _) = validate_json(&["--strict"], &[&fixture]);
    assert_eq!(code, Some(1), "{output:#?}");
    assert!(!output.files[0].valid && !output.summary.valid);
}

#[test]
fn a_folder_validates_every_json_file_under_it() {
    let folder = testdata("cli/cti");
    let (code, output, _) = validate_json(&[], &[&folder]);
    assert_eq!(output.summary.files, 2, "{output:#?}");
    let prefix = format!("{}/", folder.display());
    let paths: Vec<&str> = output
        .files
        .iter()
        .filter_map(|f| f.path.strip_prefix(&prefix))
        .collect();
    assert_eq!(
        paths,
        [
            "attack-pattern/attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736.json",
            "x-mitre-tactic/x-mitre-tactic--4ca45d45-df4d-4613-8980-bac22d278fa5.json"
        ]
    );
    // STIX 2.0 content: a SHOULD violation each, so only --strict fails.
    assert_eq!(code, Some(0), "{output:#?}");
    assert_eq!((output.summary.must, output.summary.should), (0, 2));
    let (code, _, _) = validate_json(&["--strict"], &[&folder]);
    assert_eq!(code, Some(1));
}

#[test]
fn unreadable_files_exit_2_and_the_others_are_still_reported() {
    let good = testdata("cli/single-object.json");
    let bad = testdata("stix/invalid/required-property__indicator-without-pattern.json");
    let mut cmd = TestCommand::new("validate-missing");
    cmd.args(["stix", "validate", "--format", "json", "missing.json"])
        .arg(&good)
        .arg(&bad);
    let out = cmd.run();
    out.assert_code(2);
    assert!(
        out.stderr.starts_with("ttpmap: missing.json: "),
        "{}",
        out.stderr
    );
    let output: Output = out.json();
    assert_eq!(output.files.len(), 3);
    assert_eq!(output.files[0].path, "missing.json");
    assert!(
        !output.files[0].valid
            && output.files[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("missing.json"))
    );
    assert!(output.files[1].valid);
    assert!(!output.files[2].valid);
    assert_eq!(
        (
            output.summary.files,
            output.summary.unreadable,
            output.summary.failed
        ),
        (2, 1, 1)
    );

    let out = TestCommand::new("validate-missing-human")
        .args(["stix", "validate", "missing.json"])
        .arg(&good)
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.starts_with("ttpmap: missing.json: "),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stdout,
        "1 file, 1 object, 0 MUST and 0 SHOULD violations, 1 unreadable\n"
    );
}

#[test]
fn jsonl_has_one_line_per_file_then_the_summary() {
    let files = [
        "cli/sample-bundle.json",
        "stix/invalid/confidence-range__above-100.json",
    ]
    .map(testdata);
    let out = TestCommand::new("validate-jsonl")
        .args(["stix", "validate", "--format", "jsonl"])
        .args(&files)
        .run();
    out.assert_code(1);
    let lines: Vec<Line> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(matches!(&lines[0], Line::File(f) if f.valid));
    assert!(matches!(&lines[1], Line::File(f) if !f.valid));
    assert!(matches!(&lines[2], Line::Summary(s) if s.files == 2 && s.failed == 1));
}
