//! `ttpmap attack search TEXT`.

use serde::Deserialize;

use super::{csv_records, sample_ok, Obj};

/// The `--format json` document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    query: Query,
    hits: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    text: String,
    limit: usize,
    include_revoked: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hit {
    #[serde(flatten)]
    object: Obj,
    matched: String,
    score: f64,
}

#[test]
fn alias_hit_says_what_matched() {
    let answer: Answer = sample_ok(&["search", "fancy", "--format", "json"]).json();
    assert_eq!(answer.query.text, "fancy");
    assert_eq!(
        (answer.query.limit, answer.query.include_revoked),
        (10, false)
    );
    let first = &answer.hits[0];
    assert_eq!(
        (first.object.id(), first.matched.as_str()),
        ("G0007", "Fancy Bear")
    );
    assert!(first.score > 0.9 && first.score <= 1.0);
}

#[test]
fn ranked_and_limited() {
    let answer: Answer =
        sample_ok(&["search", "powershell", "--limit", "2", "--format", "json"]).json();
    assert_eq!(answer.hits.len(), 2);
    assert_eq!(answer.hits[0].object.id(), "T1059.001");
    assert!(answer.hits[0].score >= answer.hits[1].score);
    // The revoked T1086 PowerShell is left out unless asked for.
    assert!(answer.hits.iter().all(|h| !h.object.revoked));
    let all: Answer = sample_ok(&[
        "search",
        "powershell",
        "--include-revoked",
        "--format",
        "json",
    ])
    .json();
    assert!(all
        .hits
        .iter()
        .any(|h| h.object.id() == "T1086" && h.object.revoked));
}

#[test]
fn human_and_csv() {
    let out = sample_ok(&["search", "mimikatz"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "SCORE  ID     NAME      TYPE  MATCHED");
    assert_eq!(lines[1], "1.00   S0002  Mimikatz  tool  Mimikatz");
    let out = sample_ok(&["search", "mimikatz", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(
        records[0],
        ["score", "attack_id", "name", "type", "matched", "stix_id"]
    );
    assert_eq!(
        records[1][..5],
        ["1", "S0002", "Mimikatz", "tool", "Mimikatz"]
    );
}

#[test]
fn nothing_found_is_a_success() {
    let out = super::sample(&["search", "zzzzqqqq"]);
    out.assert_code(0);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.ends_with("ttpmap: no objects match\n"),
        "{}",
        out.stderr
    );
    let out = sample_ok(&["search", "zzzzqqqq", "--format", "jsonl"]);
    assert!(out.stdout.is_empty());
}
