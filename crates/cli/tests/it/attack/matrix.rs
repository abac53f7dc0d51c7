//! `ttpmap attack matrix`.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{csv_records, sample, sample_ok, Obj};
use crate::util::assert_snapshot;

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Matrix {
    domain: String,
    platform: Option<String>,
    tactics: Vec<Column>,
}

#[derive(Debug, Deserialize)]
struct Column {
    #[serde(flatten)]
    tactic: Obj,
    shortname: String,
    techniques: Vec<Cell>,
}

#[derive(Debug, Deserialize)]
struct Cell {
    #[serde(flatten)]
    technique: Obj,
    subtechniques: Vec<Obj>,
}

#[test]
fn csv_has_every_tactic_in_matrix_order() {
    let out = sample_ok(&["matrix", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(
        records[0],
        [
            "tactic",
            "technique_id",
            "technique",
            "subtechnique_id",
            "subtechnique"
        ]
    );
    let mut order: Vec<&str> = Vec::new();
    for record in &records[1..] {
        assert_eq!(record.len(), 5, "{record:?}");
        if order.last() != Some(&record[0].as_str()) {
            order.push(&record[0]);
        }
    }
    assert_eq!(order.len(), 14, "{order:?}");
    assert_eq!(order.iter().collect::<BTreeSet<_>>().len(), 14);
    assert_eq!(order[0], "Reconnaissance");
    assert_eq!(order[13], "Impact");
    let powershell = records.iter().find(|r| r[3] == "T1059.001").unwrap();
    assert_eq!(
        powershell,
        &[
            "Execution",
            "T1059",
            "Command and Scripting Interpreter",
            "T1059.001",
            "PowerShell"
        ]
    );
}

#[test]
fn json_is_nested() {
    let matrix: Matrix = sample_ok(&["matrix", "--format", "json"]).json();
    assert_eq!(
        (matrix.domain.as_str(), matrix.platform),
        ("enterprise", None)
    );
    assert_eq!(matrix.tactics.len(), 14);
    let execution = matrix
        .tactics
        .iter()
        .find(|t| t.shortname == "execution")
        .unwrap();
    assert_eq!(execution.tactic.id(), "TA0002");
    let interpreter = execution
        .techniques
        .iter()
        .find(|c| c.technique.id() == "T1059")
        .unwrap();
    assert!(interpreter
        .subtechniques
        .iter()
        .any(|s| s.id() == "T1059.001"));
    assert!(matrix
        .tactics
        .iter()
        .flat_map(|t| &t.techniques)
        .all(|c| !c.technique.id().contains('.')));
}

#[test]
fn platform_filter_and_human() {
    let out = sample_ok(&["matrix", "--platform", "linux"]);
    assert_snapshot("attack/matrix/linux-human-success.txt", &out.stdout);
    assert!(!out.stdout.contains("T1059.001"), "{}", out.stdout);
    assert!(
        out.stdout.contains("    T1059.004 Unix Shell\n"),
        "{}",
        out.stdout
    );
    let matrix: Matrix = sample_ok(&["matrix", "--platform", "linux", "--format", "json"]).json();
    assert_eq!(matrix.platform.as_deref(), Some("Linux"));
    let out = sample_ok(&["matrix", "--format", "jsonl"]);
    assert_eq!(out.stdout.lines().count(), 14);
}

#[test]
fn a_domain_not_loaded_exits_2() {
    let out = sample(&["matrix", "--domain", "mobile"]);
    out.assert_code(2);
    assert!(
        out.stderr.ends_with(
            "ttpmap: no matrix of mobile-attack is loaded (loaded: enterprise-attack)\n"
        ),
        "{}",
        out.stderr
    );
    let out = sample(&["matrix", "--domain", "nosuch"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("did you mean enterprise-attack"),
        "{}",
        out.stderr
    );
}
