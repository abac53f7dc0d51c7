//! `ttpmap attack show ID`.

use serde::Deserialize;

use super::{csv_records, ids, sample, sample_ok, Obj};
use crate::util::assert_snapshot;

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Details {
    #[serde(flatten)]
    object: Obj,
    replaced_by: Option<Obj>,
    url: Option<String>,
    version: Option<String>,
    platforms: Vec<String>,
    aliases: Vec<String>,
    tactics: Vec<Obj>,
    parent: Option<Obj>,
    subtechniques: Vec<Obj>,
    techniques: Option<Counts>,
    description: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Counts {
    total: usize,
    direct: usize,
    software: usize,
    campaign: usize,
}

fn show_json(id: &str) -> Details {
    sample_ok(&["show", id, "--format", "json"]).json()
}

#[test]
fn group_human() {
    let out = sample_ok(&["show", "G0007"]);
    assert!(
        out.stdout.starts_with("G0007 APT28 (group)\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Fancy Bear"), "{}", out.stdout);
    assert_snapshot("attack/show/g0007-human-success.txt", &out.stdout);
}

#[test]
fn group_by_alias_json() {
    let apt28 = show_json("fancy bear");
    assert_eq!(
        (
            apt28.object.id(),
            apt28.object.name.as_str(),
            apt28.object.kind.as_str()
        ),
        ("G0007", "APT28", "group")
    );
    assert_eq!(
        apt28.object.stix_id,
        "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c"
    );
    assert!(apt28.aliases.iter().any(|a| a == "Fancy Bear"), "{apt28:?}");
    assert_eq!(
        apt28.techniques,
        Some(Counts {
            total: 11,
            direct: 5,
            software: 6,
            campaign: 2
        })
    );
    assert_eq!(
        apt28.url.as_deref(),
        Some("https://attack.mitre.org/groups/G0007")
    );
    assert_eq!(apt28.version.as_deref(), Some("5.2"));
    assert!(apt28.description.is_some_and(|d| !d.is_empty()));
    assert!(apt28.tactics.is_empty() && apt28.parent.is_none() && apt28.replaced_by.is_none());
}

#[test]
fn technique_json() {
    let powershell = show_json("t1059/001");
    assert_eq!(powershell.object.name, "PowerShell");
    assert_eq!(ids(&powershell.tactics), ["TA0002"]);
    assert_eq!(powershell.parent.as_ref().map(Obj::id), Some("T1059"));
    assert!(powershell.platforms.contains(&"Windows".to_owned()));
    assert!(powershell.techniques.is_none());
    let interpreter = show_json("Command and Scripting Interpreter");
    assert_eq!(
        ids(&interpreter.subtechniques),
        ["T1059.001", "T1059.003", "T1059.004"]
    );
}

#[test]
fn revoked_technique_names_its_replacement() {
    let old = show_json("T1086");
    assert!(old.object.revoked);
    assert_eq!(old.replaced_by.as_ref().map(Obj::id), Some("T1059.001"));
    let out = sample_ok(&["show", "T1086"]);
    assert!(
        out.stdout
            .contains("  revoked    yes, replaced by T1059.001 PowerShell\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn software_counts_its_techniques() {
    let chopstick = show_json("S0023");
    assert_eq!(chopstick.object.kind, "malware");
    let counts = chopstick.techniques.unwrap();
    assert!(
        counts.total > 0 && counts.total == counts.direct,
        "{counts:?}"
    );
}

#[test]
fn csv_has_one_field_per_row() {
    let out = sample_ok(&["show", "G0007", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(records[0], ["field", "value"]);
    assert!(records.contains(&vec!["attack id".to_owned(), "G0007".to_owned()]));
    assert!(records.contains(&vec!["name".to_owned(), "APT28".to_owned()]));
    assert_eq!(records.last().map(|r| r[0].as_str()), Some("description"));
}

#[test]
fn unknown_id_exits_2_with_suggestions() {
    let out = sample(&["show", "Wizzard Spider"]);
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.ends_with(
            "ttpmap: no object matches \"Wizzard Spider\"; did you mean G0102 Wizard Spider?\n"
        ),
        "{}",
        out.stderr
    );
}
