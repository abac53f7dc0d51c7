//! The validator. Here: the fixtures, the OASIS validator's examples and
//! real ATT&CK releases. One case per rule, built in code: `rules` (common
//! and embedded properties), `domain` (SDOs, SROs), `observables` (SCOs,
//! markings, custom objects). Bundles and raw JSON: `documents`.

mod documents;
mod domain;
mod observables;
mod rules;

use std::path::{Path, PathBuf};

use ttpmap_stix::validate::{validate_json, validate_path, Level, Report, Violation, CODES};
use ttpmap_stix::{Bundle, Hashes, Identifier, StixObject, Timestamp};

use Level::{Must, Should};

type Expected<'a> = &'a [(&'a str, Level, &'a str)];

/// The (code, level, path) of each violation.
fn summary(violations: &[Violation]) -> Vec<(&'static str, Level, String)> {
    violations
        .iter()
        .map(|v| (v.code, v.level, v.path.clone()))
        .collect()
}

fn owned(expected: Expected<'_>) -> Vec<(&str, Level, String)> {
    expected
        .iter()
        .map(|&(c, l, p)| (c, l, p.to_owned()))
        .collect()
}

fn describe(violations: &[Violation]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for v in violations {
        let _ = write!(out, "\n  {:?} {} {} {}", v.level, v.code, v.path, v.message);
    }
    out
}

fn assert_exact(name: &str, violations: &[Violation], expected: Expected<'_>) {
    let got = summary(violations);
    let want = owned(expected);
    assert!(
        got.iter()
            .map(|(c, l, p)| (*c, *l, p.as_str()))
            .eq(want.iter().map(|(c, l, p)| (*c, *l, p.as_str()))),
        "{name}: expected {want:?}, got:{}",
        describe(violations)
    );
}

fn must_violations(report: &Report) -> Vec<&Violation> {
    report
        .violations
        .iter()
        .filter(|v| v.level == Must)
        .collect()
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn id(text: &str) -> Identifier {
    text.parse().unwrap()
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn hashes(pairs: &[(&str, &str)]) -> Hashes {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

const IDENTITY: &str = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff";
const MALWARE: &str = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";
const INDICATOR: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
const RELATIONSHIP: &str = "relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e";
const FILE: &str = "file--949eb97a-da1e-5292-8959-03c4249dc9f3";
const IPV4: &str = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";
const MD5: &str = "3773a88f65a5e780c8dff9cdc3a056f3";

/// Validate a built object.
fn check(object: impl Into<StixObject>) -> Vec<Violation> {
    object.into().validate()
}

// ---------------------------------------------------------------------------
// Fixtures

#[test]
fn valid_fixtures_break_no_must_rule() {
    let files = json_files(&ttpmap_test_support::testdata("stix/valid"));
    assert!(files.len() >= 50, "only {} valid fixtures", files.len());
    for file in files.iter().filter(|f| !f.ends_with("sco-ids.json")) {
        let report = validate_path(file).unwrap();
        assert!(
            report.is_valid(),
            "{}:{}",
            file.display(),
            describe(&report.violations)
        );
    }
}

/// The codes whose rules are SHOULD-level.
const SHOULD_CODES: &[&str] = &[
    "custom-prefix",
    "duplicate-object",
    "hash-algorithm",
    "indicator-properties",
    "kill-chain-phase",
    "lang",
    "sco-id",
    "vocabulary",
];

#[test]
fn invalid_fixtures_report_their_code() {
    let files = json_files(&ttpmap_test_support::testdata("stix/invalid"));
    assert!(files.len() >= 40, "only {} invalid fixtures", files.len());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        let (code, _) = name
            .split_once("__")
            .unwrap_or_else(|| panic!("{name}: not <code>__<case>.json"));
        assert!(CODES.contains(&code), "{name}: unknown code {code}");
        let level = if SHOULD_CODES.contains(&code) {
            Should
        } else {
            Must
        };
        let report = validate_path(file).unwrap();
        assert!(
            report
                .violations
                .iter()
                .any(|v| v.code == code && v.level == level),
            "{name}: no {level:?} {code}:{}",
            describe(&report.violations)
        );
        for v in &report.violations {
            assert!(
                CODES.contains(&v.code),
                "{name}: undocumented code {}",
                v.code
            );
            let one_line = !v.message.contains('\n') && !v.message.ends_with('.');
            let lowercase = !v.message.starts_with(|c: char| c.is_ascii_uppercase());
            assert!(
                one_line && lowercase,
                "{name}: message style: {}",
                v.message
            );
            assert!(v.path.starts_with('$'), "{name}: path {}", v.path);
        }
    }
}

#[test]
fn oasis_validator_examples() {
    let Some(dir) = ttpmap_test_support::shared_file(
        "stix-vectors/oasis-open+cti-stix-validator/stix2validator/test/v21/test_examples",
    ) else {
        return;
    };
    let cases: &[(&str, Expected<'_>)] = &[
        ("identity.json", &[]),
        ("identity_unicode.json", &[]),
        ("identity_warning.json", &[]),
        ("tlp-amber.json", &[]),
        (
            "tool.json",
            &[
                ("custom-prefix", Should, "$.foo_value"),
                ("custom-prefix", Should, "$.bar_value"),
            ],
        ),
        (
            "identity_custom.json",
            &[("custom-prefix", Should, "$.objects[0].foo")],
        ),
        (
            "invalid_identity.json",
            &[("required-property", Must, "$.modified")],
        ),
        (
            "invalid_timestamp.json",
            &[("modified-before-created", Must, "$.modified")],
        ),
        ("invalid_braces.json", &[("invalid-json", Must, "$")]),
        ("invalid_comma.json", &[("invalid-json", Must, "$")]),
    ];
    assert_eq!(
        json_files(&dir).len(),
        cases.len(),
        "a new example needs a case"
    );
    for (file, expected) in cases {
        let report = validate_path(dir.join(file)).unwrap();
        assert_exact(file, &report.violations, expected);
    }
}

// ---------------------------------------------------------------------------
// Real data

#[test]
fn attack_releases_break_no_must_rule() {
    for name in [
        "enterprise-attack-17.1.json",
        "enterprise-attack-18.1.json",
        "mobile-attack-17.1.json",
        "mobile-attack-18.1.json",
        "ics-attack-17.1.json",
        "ics-attack-18.1.json",
    ] {
        let Some(path) = ttpmap_test_support::shared_file(&format!("attack-stix/{name}")) else {
            continue;
        };
        let bundle = Bundle::from_path(&path).unwrap();
        let report = bundle.validate();
        let musts = must_violations(&report);
        assert!(
            musts.is_empty(),
            "{name}: {} MUST violations, e.g.{}",
            musts.len(),
            describe(&report.violations[..5.min(report.violations.len())])
        );
        // ATT&CK's `subtechnique-of` and `revoked-by` between SDOs are the
        // only SHOULD notes: relationship types the specification does not list.
        for v in &report.violations {
            assert!(
                v.code == "vocabulary" && v.path.ends_with(".relationship_type"),
                "{name}: unexpected {:?} {} {} {}",
                v.level,
                v.code,
                v.path,
                v.message
            );
        }
    }
}

#[test]
fn validate_json_agrees_with_bundle_validate() {
    let Some(path) = ttpmap_test_support::shared_file("attack-stix/ics-attack-18.1.json") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let typed = text.parse::<Bundle>().unwrap().validate();
    assert_eq!(validate_json(&text), typed);
}

#[test]
fn stix_2_0_folder_breaks_no_must_rule() {
    let Some(dir) = ttpmap_test_support::shared_file("attack-stix/cti-ics-attack-18.1") else {
        return;
    };
    let mut files = Vec::new();
    let mut dirs = vec![dir];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 1000);
    for file in files {
        let report = validate_path(&file).unwrap();
        assert!(
            report.is_valid(),
            "{}:{}",
            file.display(),
            describe(&report.violations)
        );
        let note = &report.violations[0];
        assert_eq!(
            (note.code, note.level, note.path.as_str()),
            ("spec-version", Should, "$.spec_version")
        );
    }
}
