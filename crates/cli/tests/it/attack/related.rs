//! `ttpmap attack groups|software|mitigations`.

use serde::Deserialize;

use super::techniques::Listed;
use super::{csv_records, sample, sample_ok};
use crate::util::TestCommand;

/// A list answer's JSON document: the resolved query and the list under
/// the command's name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    query: serde_json::Map<String, serde_json::Value>,
    #[serde(alias = "software", alias = "mitigations")]
    groups: Vec<Listed>,
}

fn answer(args: &[&str]) -> Answer {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    sample_ok(&all).json()
}

fn listed_ids(answer: &Answer) -> Vec<&str> {
    answer.groups.iter().map(|g| g.object.id()).collect()
}

#[test]
fn groups_using_a_technique_directly_and_through_campaigns() {
    let out = sample_ok(&["groups", "--technique", "T1059.001"]);
    assert_eq!(
        out.stdout,
        "ID     NAME   TYPE   PATHS\nG0007  APT28  group  direct, campaign C0051\n"
    );
    let groups = answer(&["groups", "--technique", "PowerShell"]);
    assert_eq!(groups.query["technique"]["attack_id"], "T1059.001");
    let apt28 = &groups.groups[0];
    assert_eq!(apt28.paths, ["direct", "campaign"]);
    assert!(apt28.links.iter().all(|l| l.filter == "technique"));
    let campaign = apt28.links.iter().find(|l| l.path == "campaign").unwrap();
    assert_eq!(campaign.through.as_ref().map(super::Obj::id), Some("C0051"));
    assert!(campaign
        .relationship
        .as_ref()
        .is_some_and(|r| r.description.is_some()));
}

#[test]
fn groups_using_a_software() {
    let groups = answer(&["groups", "--software", "TrickBot"]);
    assert_eq!(listed_ids(&groups), ["G0102"]);
    assert_eq!(groups.query["software"]["attack_id"], "S0266");
}

#[test]
fn groups_needs_exactly_one_target() {
    for args in [
        &["attack", "groups"][..],
        &[
            "attack",
            "groups",
            "--technique",
            "T1059",
            "--software",
            "S0002",
        ],
    ] {
        let out = TestCommand::new("groups-usage").args(args).run();
        out.assert_code(2);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn software_of_a_group_and_of_a_technique() {
    let used = answer(&["software", "--group", "APT28"]);
    assert_eq!(listed_ids(&used), ["S0002", "S0023", "S0039"]);
    let kinds: Vec<&str> = used.groups.iter().map(|s| s.object.kind.as_str()).collect();
    assert_eq!(kinds, ["tool", "malware", "tool"]);
    let using = answer(&["software", "--technique", "T1059"]);
    assert_eq!(listed_ids(&using), ["S0023"]);
    let both = answer(&["software", "--technique", "T1003.001", "--group", "G0007"]);
    assert_eq!(listed_ids(&both), ["S0002"]);
    let all = answer(&["software"]);
    assert_eq!(all.groups.len(), 10);
    let out = sample_ok(&["software", "--group", "APT28", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(records.len(), 4);
    assert_eq!(records[2][..3], ["S0023", "CHOPSTICK", "malware"]);
}

#[test]
fn mitigations_with_their_text() {
    let out = sample_ok(&["mitigations", "--technique", "T1059.001"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "M1038  Execution Prevention");
    assert!(
        lines[1].starts_with("    ") && lines[1].len() > 4,
        "{}",
        out.stdout
    );
    let mitigations = answer(&["mitigations", "--technique", "T1059.001"]);
    assert_eq!(listed_ids(&mitigations)[0], "M1038");
    let relationship = mitigations.groups[0].links[0]
        .relationship
        .as_ref()
        .unwrap();
    assert_eq!(relationship.relationship_type, "mitigates");
    assert!(relationship.description.is_some());
    let out = sample_ok(&["mitigations", "--technique", "T1059.001", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(records[1][0], "M1038");
    assert_eq!(Some(&records[1][5]), relationship.description.as_ref());
}

#[test]
fn unknown_technique_exits_2() {
    let out = sample(&["mitigations", "--technique", "T9999"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("no technique matches \"T9999\""),
        "{}",
        out.stderr
    );
}
