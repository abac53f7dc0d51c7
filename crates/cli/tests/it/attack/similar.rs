//! `ttpmap attack similar T1,T2,…`.

use serde::Deserialize;

use super::{csv_records, ids, sample, sample_ok, Obj};

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    techniques: Vec<Obj>,
    actors: Vec<Actor>,
}

#[derive(Debug, Deserialize)]
struct Actor {
    rank: usize,
    #[serde(flatten)]
    object: Obj,
    score: f64,
    shared: Vec<Obj>,
    missing: Vec<Obj>,
    known: usize,
}

#[test]
fn ranked_with_shared_and_missing() {
    let answer: Answer = sample_ok(&["similar", "T1059.001,T1566.001", "--format", "json"]).json();
    assert_eq!(ids(&answer.techniques), ["T1059.001", "T1566.001"]);
    let top: Vec<&str> = answer.actors[..2].iter().map(|a| a.object.id()).collect();
    assert_eq!(top, ["G0046", "G0007"]);
    let apt28 = &answer.actors[1];
    assert_eq!((apt28.rank, apt28.score), (2, 1.0));
    assert_eq!(ids(&apt28.shared), ["T1059.001", "T1566.001"]);
    assert!(apt28.missing.is_empty());
    assert_eq!(apt28.known, 11);
    assert!(answer.actors.windows(2).all(|w| w[0].score >= w[1].score));
    let partial = &answer.actors[2];
    assert_eq!(ids(&partial.missing), ["T1566.001"]);
}

#[test]
fn several_arguments_and_limit() {
    let comma = sample_ok(&["similar", "T1059.001,T1566.001", "--limit", "3"]);
    let args = sample_ok(&["similar", "T1059.001", "T1566.001", "--limit", "3"]);
    assert_eq!(comma.stdout, args.stdout);
    let lines: Vec<&str> = comma.stdout.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        "RANK  SCORE  ID     NAME                             TYPE      SHARED                MISSING"
    );
    assert_eq!(
        lines[2],
        "   2  1.00   G0007  APT28                            group     T1059.001, T1566.001"
    );
    let out = sample_ok(&[
        "similar",
        "T1059.001,T1566.001",
        "--limit",
        "2",
        "--format",
        "csv",
    ]);
    let records = csv_records(&out.stdout);
    assert_eq!(
        records[0][..5],
        ["rank", "score", "attack_id", "name", "type"]
    );
    assert_eq!(
        records[2][..7],
        [
            "2",
            "1",
            "G0007",
            "APT28",
            "group",
            "T1059.001, T1566.001",
            ""
        ]
    );
}

#[test]
fn unknown_technique_exits_2_with_suggestions() {
    let out = sample(&["similar", "T1059.001,Powershel"]);
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("no technique matches \"Powershel\"; did you mean T1059.001 PowerShell"),
        "{}",
        out.stderr
    );
}
