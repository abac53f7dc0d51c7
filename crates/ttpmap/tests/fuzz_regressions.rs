//! Replays every input kept in `fuzz/regressions/<target>/` through the same
//! checks the fuzz target runs, so machines without nightly and libFuzzer
//! still guard against old crashes (see `fuzz/README.md`).
//!
//! Inputs named `err-*` must be refused by every entry point; all others
//! (`ok-*`, and crash files copied from `fuzz/artifacts/`) must only not
//! panic and, when they parse, round-trip.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/checks/stix_bundle.rs"]
mod stix_bundle;

#[path = "../../../fuzz/checks/stix_pattern.rs"]
mod stix_pattern;

#[path = "../../../fuzz/checks/layer.rs"]
mod layer;

use stix_bundle::Verdict;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no regression inputs", dir.display());
    files
}

#[test]
fn stix_bundle_regressions() {
    let mut failures = Vec::new();
    for path in inputs("stix_bundle") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let Ok(outcome) = std::panic::catch_unwind(|| stix_bundle::run(&data)) else {
            failures.push(format!("{name}: panicked (message above)"));
            continue;
        };
        let refused = |v: &Verdict| matches!(v, Verdict::Refused(e) if !e.is_empty());
        let expected = if name.starts_with("err-") {
            refused(&outcome.bundle)
                && (refused(&outcome.document) || outcome.document == Verdict::NotTried)
        } else if name.starts_with("ok-") {
            outcome.bundle == Verdict::Accepted && outcome.document == Verdict::Accepted
        } else {
            true
        };
        if !expected {
            failures.push(format!("{name}: {outcome:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing inputs:\n{}",
        failures.join("\n")
    );
}

/// Deep nesting is refused at serde_json's depth limit, with a position.
#[test]
fn deep_nesting_is_an_error_that_says_where() {
    let data = format!(
        r#"{{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{{"type":"x-acme-widget","x_deep":{}{}}}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000),
    );
    let outcome = stix_bundle::run(data.as_bytes());
    for verdict in [outcome.bundle, outcome.document] {
        let Verdict::Refused(message) = verdict else {
            panic!("accepted 10,000-deep nesting: {verdict:?}");
        };
        assert!(message.starts_with("1:"), "{message}");
        assert!(message.contains("recursion limit"), "{message}");
    }
}

#[test]
fn stix_pattern_regressions() {
    let mut failures = Vec::new();
    for path in inputs("stix_pattern") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let Ok(parsed) = std::panic::catch_unwind(|| stix_pattern::run(&data)) else {
            failures.push(format!("{name}: panicked (message above)"));
            continue;
        };
        let expected = if name.starts_with("err-") {
            parsed == Some(false)
        } else if name.starts_with("ok-") {
            parsed == Some(true)
        } else {
            true
        };
        if !expected {
            failures.push(format!("{name}: parsed = {parsed:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing inputs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn layer_regressions() {
    let mut failures = Vec::new();
    for path in inputs("layer") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let Ok(verdict) = std::panic::catch_unwind(|| layer::run(&data)) else {
            failures.push(format!("{name}: panicked (message above)"));
            continue;
        };
        let expected = if name.starts_with("err-") {
            matches!(&verdict, layer::Verdict::Refused(e) if !e.is_empty())
        } else if name.starts_with("ok-") {
            matches!(verdict, layer::Verdict::Read { .. })
        } else {
            true
        };
        if !expected {
            failures.push(format!("{name}: {verdict:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing inputs:\n{}",
        failures.join("\n")
    );
}
