//! `ttpmap stix pattern validate|fmt|match`.

use serde::Deserialize;
use serde_json::Value;

use crate::util::{testdata, TestCommand};

/// One entry of `validate --format json`, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Checked {
    pattern: String,
    valid: bool,
    findings: Vec<Finding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    kind: String,
    severity: String,
    offset: usize,
    message: String,
}

/// The `fmt --format json` document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Formatted {
    pattern: String,
    valid: bool,
    canonical: Option<String>,
    findings: Vec<Finding>,
}

/// The `match --format json` document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchOutput {
    pattern: String,
    findings: Vec<Finding>,
    matched: bool,
    complete: bool,
    observations: Vec<Observation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Observation {
    expression: usize,
    expression_text: String,
    span: Span,
    observed_data_index: usize,
    observed_data_id: Option<String>,
    objects: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Span {
    start: usize,
    end: usize,
}

fn fixture(name: &str) -> std::path::PathBuf {
    testdata(&format!("cli/patterns/{name}"))
}

/// The patterns of a file as `--file` reads them.
fn pattern_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .collect()
}

#[test]
fn every_valid_pattern_of_the_corpus_is_valid() {
    let file = testdata("patterns/valid.txt");
    let out = TestCommand::new("pattern-valid")
        .args(["stix", "pattern", "validate", "--format", "json", "--file"])
        .arg(&file)
        .run();
    out.assert_code(0);
    let results: Vec<Checked> = out.json();
    let text = std::fs::read_to_string(&file).unwrap();
    let expected = pattern_lines(&text);
    assert!(expected.len() >= 150);
    assert_eq!(
        results
            .iter()
            .map(|r| r.pattern.as_str())
            .collect::<Vec<_>>(),
        expected
    );
    for r in &results {
        assert!(r.valid && r.findings.is_empty(), "{r:#?}");
    }
}

#[test]
fn every_invalid_pattern_of_the_corpus_is_located() {
    #[derive(Deserialize)]
    struct Case {
        pattern: String,
        kind: String,
        offset: usize,
    }
    let text = std::fs::read_to_string(testdata("patterns/invalid.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    let out = TestCommand::new("pattern-invalid")
        .args(["stix", "pattern", "validate", "--format", "json", "--"])
        .args(cases.iter().map(|c| &c.pattern))
        .run();
    out.assert_code(1);
    let results: Vec<Checked> = out.json();
    assert_eq!(results.len(), cases.len());
    for (case, result) in cases.iter().zip(&results) {
        assert_eq!(result.pattern, case.pattern);
        assert!(!result.valid, "{result:#?}");
        let first = result.findings.iter().find(|f| f.severity == "error");
        let first = first.map(|f| (f.kind.as_str(), f.offset));
        assert_eq!(
            first,
            Some((case.kind.as_str(), case.offset)),
            "{result:#?}"
        );
        assert!(result.findings.iter().all(|f| !f.message.is_empty()));
    }
}

#[test]
fn human_validate_output_points_at_the_error() {
    let out = TestCommand::new("pattern-validate-human")
        .args(["stix", "pattern", "validate"])
        .args(["[file:name = 'a.exe']", "[file:size = ]"])
        .run();
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "[file:size = ]\n             ^\n\
         error[unexpected-token] at offset 13: expected a constant after `=`, found `]`\n\
         \n2 patterns, 1 invalid\n"
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn validation_errors_beyond_syntax_are_reported() {
    let out = TestCommand::new("pattern-validate-schema")
        .args(["stix", "pattern", "validate", "[file:colour = 'red']"])
        .run();
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[..2], ["[file:colour = 'red']", " ^^^^^^^^^^^"]);
    assert!(
        lines[2].starts_with("error[unknown-property] at offset 1: "),
        "{}",
        out.stdout
    );
}

#[test]
fn file_skips_comments_and_blank_lines() {
    let out = TestCommand::new("pattern-file")
        .args(["stix", "pattern", "validate", "--file"])
        .arg(fixture("patterns.txt"))
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, "3 patterns, 0 invalid\n");

    let out = TestCommand::new("pattern-file-jsonl")
        .args(["stix", "pattern", "validate", "--format", "jsonl", "--file"])
        .arg(fixture("patterns-invalid.txt"))
        .run();
    out.assert_code(1);
    let lines: Vec<Checked> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let valid: Vec<bool> = lines.iter().map(|c| c.valid).collect();
    assert_eq!(valid, [true, false, false]);
    assert_eq!(lines[1].findings[0].kind, "unknown-property");
    assert_eq!(lines[2].findings[0].kind, "unexpected-token");
}

#[test]
fn validate_needs_patterns_or_a_readable_file() {
    let out = TestCommand::new("pattern-file-missing")
        .args(["stix", "pattern", "validate", "--file", "missing.txt"])
        .run();
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with("ttpmap: missing.txt: cannot read"),
        "{}",
        out.stderr
    );
    let out = TestCommand::new("pattern-none")
        .args(["stix", "pattern", "validate"])
        .run();
    out.assert_code(2);
    let out = TestCommand::new("pattern-both")
        .args(["stix", "pattern", "validate", "[a:b = 1]", "--file", "f"])
        .run();
    out.assert_code(2);
}

#[test]
fn csv_is_refused() {
    for args in [
        &["validate", "[file:name = 'a']"][..],
        &["fmt", "[file:name = 'a']"],
        &["match", "[file:name = 'a']", "--observed", "o.json"],
    ] {
        let out = TestCommand::new("pattern-csv")
            .args(["--format", "csv", "stix", "pattern"])
            .args(args)
            .run();
        out.assert_code(2);
        assert!(out.stderr.contains("cannot write CSV"), "{}", out.stderr);
    }
}

#[test]
fn fmt_prints_the_canonical_form() {
    let out = TestCommand::new("pattern-fmt")
        .args(["stix", "pattern", "fmt"])
        .arg("[file:name == 'a']   AND ([file:size>1]) WITHIN 5 SECONDS")
        .run();
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "[file:name = 'a'] AND ([file:size > 1]) WITHIN 5 SECONDS\n"
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let again = TestCommand::new("pattern-fmt-again")
        .args(["stix", "pattern", "fmt", out.stdout.trim_end()])
        .run();
    assert_eq!(again.stdout, out.stdout);

    let out = TestCommand::new("pattern-fmt-json")
        .args([
            "stix",
            "pattern",
            "fmt",
            "--format",
            "json",
            "[file:name <> 'a']",
        ])
        .run();
    out.assert_code(0);
    let formatted: Formatted = out.json();
    assert_eq!(formatted.pattern, "[file:name <> 'a']");
    assert!(formatted.valid && formatted.findings.is_empty());
    assert_eq!(formatted.canonical.as_deref(), Some("[file:name != 'a']"));
}

#[test]
fn fmt_of_an_invalid_pattern_exits_1_with_the_located_error() {
    let out = TestCommand::new("pattern-fmt-invalid")
        .args([
            "stix",
            "pattern",
            "fmt",
            "[file:name = 'a'] and [file:size = 1]",
        ])
        .run();
    out.assert_code(1);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "[file:name = 'a'] and [file:size = 1]\n                  ^^^\n\
         error[lowercase-keyword] at offset 18: keywords are uppercase: expected `AND`, found `and`\n"
    );
    let out = TestCommand::new("pattern-fmt-invalid-json")
        .args([
            "stix",
            "pattern",
            "fmt",
            "--format",
            "jsonl",
            "[file:colour = 'red']",
        ])
        .run();
    out.assert_code(1);
    assert_eq!(out.stdout.lines().count(), 1);
    let formatted: Formatted = out.json();
    assert!(!formatted.valid && formatted.canonical.is_none());
    assert_eq!(formatted.findings[0].kind, "unknown-property");
}

const PS_AND_C2: &str = "[process:command_line MATCHES '(?i)powershell(\\\\.exe)? .*-enc'] \
                         AND [network-traffic:dst_ref.value = '198.51.100.7']";

#[test]
fn match_says_which_observed_data_satisfied_which_expression() {
    let out = TestCommand::new("pattern-match-human")
        .args(["stix", "pattern", "match", PS_AND_C2, "--observed"])
        .arg(fixture("observed-bundle.json"))
        .run();
    out.assert_code(0);
    let lines: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert_eq!(lines[0], ["match"]);
    assert_eq!(lines[1], ["EXPRESSION", "OBSERVED-DATA", "OBJECTS"]);
    assert_eq!(
        lines[2],
        [
            "[process:command_line MATCHES '(?i)powershell(\\\\.exe)? .*-enc']",
            "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
            "process--4b1a3c2d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
        ]
    );
    assert_eq!(
        lines[3],
        [
            "[network-traffic:dst_ref.value = '198.51.100.7']",
            "observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf",
            "network-traffic--5c2b4d3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
        ]
    );
}

#[test]
fn no_match_exits_1() {
    let out = TestCommand::new("pattern-no-match")
        .args(["stix", "pattern", "match", PS_AND_C2, "--observed"])
        .arg(fixture("observed-single.json"))
        .run();
    out.assert_code(1);
    assert_eq!(out.stdout, "no match\n");
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn match_json_reads_single_objects_and_arrays() {
    let out = TestCommand::new("pattern-match-single")
        .args(["stix", "pattern", "match", "--format", "json"])
        .args([
            "[file:name LIKE '%.pdf.exe' AND file:size > 1000]",
            "--observed",
        ])
        .arg(fixture("observed-single.json"))
        .run();
    out.assert_code(0);
    let matched: MatchOutput = out.json();
    assert!(matched.matched && matched.complete && matched.findings.is_empty());
    assert_eq!(
        matched.pattern,
        "[file:name LIKE '%.pdf.exe' AND file:size > 1000]"
    );
    let o = &matched.observations[0];
    assert_eq!((o.expression, o.observed_data_index), (0, 0));
    assert_eq!(o.objects, ["0"]);
    assert_eq!(
        (o.span.start, o.span.end),
        (0, matched.pattern.chars().count())
    );

    let pattern = "[domain-name:value = 'evil.example'] FOLLOWEDBY [file:name = 'dropper.exe'] \
                   WITHIN 60 SECONDS";
    let out = TestCommand::new("pattern-match-array")
        .args(["stix", "pattern", "match", "--format", "json", pattern])
        .arg("--observed")
        .arg(fixture("observed-array.json"))
        .run();
    out.assert_code(0);
    let matched: MatchOutput = out.json();
    let bound: Vec<(&str, Option<&str>)> = matched
        .observations
        .iter()
        .map(|o| (o.expression_text.as_str(), o.observed_data_id.as_deref()))
        .collect();
    assert_eq!(
        bound,
        [
            (
                "[domain-name:value = 'evil.example']",
                Some("observed-data--e67d30ff-02ac-498a-92f9-32f845f448cf")
            ),
            (
                "[file:name = 'dropper.exe']",
                Some("observed-data--f67d30ff-02ac-498a-92f9-32f845f448cf")
            )
        ]
    );
    // The other order is too late: FOLLOWEDBY keeps time order.
    let reversed = "[file:name = 'dropper.exe'] FOLLOWEDBY [domain-name:value = 'evil.example']";
    let out = TestCommand::new("pattern-match-order")
        .args(["stix", "pattern", "match", "--format", "json", reversed])
        .arg("--observed")
        .arg(fixture("observed-array.json"))
        .run();
    out.assert_code(1);
    let matched: MatchOutput = out.json();
    assert!(!matched.matched && matched.observations.is_empty());
}

/// Every case of `testdata/patterns/match/*.json`:
/// `{observations, cases: [{pattern, matches, observed_data?}]}`.
#[test]
fn match_cases_of_the_corpus() {
    let dir = testdata("patterns/match");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut count = 0;
    for file in files {
        let corpus: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let cmd = TestCommand::new("pattern-match-corpus");
        let observed = cmd.create(
            "observed.json",
            serde_json::to_string(&corpus["observations"]).unwrap(),
        );
        for case in corpus["cases"].as_array().unwrap() {
            let pattern = case["pattern"].as_str().unwrap();
            let expected = case["matches"].as_bool().unwrap();
            let out = TestCommand::new("pattern-match-case")
                .args(["stix", "pattern", "match", "--format", "json", pattern])
                .arg("--observed")
                .arg(&observed)
                .run();
            out.assert_code(i32::from(!expected));
            let matched: MatchOutput = out.json();
            assert_eq!(matched.matched, expected, "{}: {pattern}", file.display());
            if let Some(ids) = case.get("observed_data").and_then(Value::as_array) {
                let mut got: Vec<&str> = Vec::new();
                for id in matched
                    .observations
                    .iter()
                    .filter_map(|o| o.observed_data_id.as_deref())
                {
                    if !got.contains(&id) {
                        got.push(id);
                    }
                }
                let want: Vec<&str> = ids.iter().filter_map(Value::as_str).collect();
                assert_eq!(got, want, "{}: {pattern}", file.display());
            }
            count += 1;
        }
    }
    assert!(count >= 80, "only {count} match cases");
}

#[test]
fn match_of_a_pattern_that_does_not_parse_exits_2_with_the_located_error() {
    let out = TestCommand::new("pattern-match-invalid")
        .args(["stix", "pattern", "match", "[file:name = 'a'", "--observed"])
        .arg(fixture("observed-single.json"))
        .run();
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with(
            "[file:name = 'a'\n                ^\nerror[unexpected-end] at offset 16: "
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("ttpmap: the pattern does not parse\n"));
}

#[test]
fn match_of_unreadable_observed_data_exits_2_naming_the_file() {
    let out = TestCommand::new("pattern-match-missing")
        .args(["stix", "pattern", "match", "[file:name = 'a']"])
        .args(["--observed", "gone.json"])
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.starts_with("ttpmap: gone.json: cannot read"),
        "{}",
        out.stderr
    );
    let bad = fixture("observed-without-first-observed.json");
    let out = TestCommand::new("pattern-match-bad")
        .args([
            "stix",
            "pattern",
            "match",
            "[file:name = 'a']",
            "--observed",
        ])
        .arg(&bad)
        .run();
    out.assert_code(2);
    let expected = format!("ttpmap: {}: ", bad.display());
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(out.stderr.contains("first_observed"), "{}", out.stderr);
    let mut cmd = TestCommand::new("pattern-match-not-json");
    let path = cmd.create("observed.json", "{\"type\": ");
    let out = cmd
        .args([
            "stix",
            "pattern",
            "match",
            "[file:name = 'a']",
            "--observed",
        ])
        .arg(&path)
        .run();
    out.assert_code(2);
    assert!(
        out.stderr
            .starts_with(&format!("ttpmap: {}:1:", path.display())),
        "{}",
        out.stderr
    );
}

#[test]
fn match_reports_validation_findings_and_still_matches() {
    let pattern = "[file:colour = 'red']";
    let out = TestCommand::new("pattern-match-findings")
        .args(["stix", "pattern", "match", pattern, "--observed"])
        .arg(fixture("observed-single.json"))
        .run();
    out.assert_code(1);
    assert_eq!(out.stdout, "no match\n");
    let expected = "[file:colour = 'red']\n ^^^^^^^^^^^\nerror[unknown-property] at offset 1: ";
    assert!(out.stderr.starts_with(expected), "{}", out.stderr);
    let out = TestCommand::new("pattern-match-findings-json")
        .args(["stix", "pattern", "match", "--format", "json", pattern])
        .arg("--observed")
        .arg(fixture("observed-single.json"))
        .run();
    out.assert_code(1);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let matched: MatchOutput = out.json();
    assert!(!matched.matched);
    assert_eq!(matched.findings[0].kind, "unknown-property");
    assert_eq!(matched.findings[0].severity, "error");
}
