//! `ttpmap attack techniques [filters]`.

use serde::Deserialize;

use super::{csv_records, ids, sample, sample_ok, Obj};
use crate::util::{assert_snapshot, TestCommand};

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    query: serde_json::Map<String, serde_json::Value>,
    techniques: Vec<Listed>,
}

/// One listed object (every list answer has this shape).
#[derive(Debug, Deserialize)]
pub(super) struct Listed {
    #[serde(flatten)]
    pub object: Obj,
    #[serde(default)]
    pub tactics: Vec<Obj>,
    pub paths: Vec<String>,
    pub links: Vec<Link>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Link {
    pub filter: String,
    pub path: String,
    pub through: Option<Obj>,
    pub relationship: Option<LinkRelationship>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LinkRelationship {
    pub stix_id: String,
    pub relationship_type: String,
    pub description: Option<String>,
}

fn techniques(args: &[&str]) -> Answer {
    let mut all = vec!["techniques", "--format", "json"];
    all.extend(args);
    sample_ok(&all).json()
}

fn listed_ids(answer: &Answer) -> Vec<&str> {
    answer.techniques.iter().map(|t| t.object.id()).collect()
}

#[test]
fn group_direct_json_has_procedure_examples() {
    let answer = techniques(&["--group", "Fancy Bear", "--via", "direct"]);
    assert_eq!(answer.query["group"]["attack_id"], "G0007");
    assert_eq!(answer.query["via"], serde_json::json!(["direct"]));
    assert_eq!(
        listed_ids(&answer),
        ["T1003", "T1003.001", "T1036", "T1059.001", "T1566.001"]
    );
    let powershell = &answer.techniques[3];
    assert_eq!(powershell.object.name, "PowerShell");
    assert_eq!(powershell.object.kind, "technique");
    assert!(powershell.object.stix_id.starts_with("attack-pattern--"));
    assert_eq!(ids(&powershell.tactics), ["TA0002"]);
    assert_eq!(powershell.paths, ["direct"]);
    let link = &powershell.links[0];
    assert_eq!(
        (link.filter.as_str(), link.path.as_str()),
        ("group", "direct")
    );
    assert!(link.through.is_none());
    let relationship = link.relationship.as_ref().unwrap();
    assert_eq!(relationship.relationship_type, "uses");
    assert!(relationship.stix_id.starts_with("relationship--"));
    assert!(relationship
        .description
        .as_deref()
        .is_some_and(|d| !d.is_empty()));
}

#[test]
fn group_all_paths_say_which() {
    let out = sample_ok(&["techniques", "--group", "APT28"]);
    assert_snapshot("attack/techniques/group-human-success.txt", &out.stdout);
    let answer = techniques(&["--group", "G0007"]);
    assert_eq!(answer.techniques.len(), 11);
    let lsass = answer
        .techniques
        .iter()
        .find(|t| t.object.id() == "T1003.001")
        .unwrap();
    assert_eq!(lsass.paths, ["direct", "software"]);
    let through: Vec<&str> = lsass
        .links
        .iter()
        .filter_map(|l| l.through.as_ref())
        .map(Obj::id)
        .collect();
    assert_eq!(through, ["S0002"]);
    let via = techniques(&["--group", "G0007", "--via", "software,campaign"]);
    assert!(via
        .techniques
        .iter()
        .all(|t| !t.paths.contains(&"direct".to_owned())));
    assert_eq!(via.techniques.len(), 8);
}

#[test]
fn tactic_and_platform() {
    let answer = techniques(&["--tactic", "execution", "--platform", "Windows"]);
    assert_eq!(
        listed_ids(&answer),
        [
            "T1053",
            "T1053.005",
            "T1059",
            "T1059.001",
            "T1059.003",
            "T1204",
            "T1204.002",
            "T1569",
            "T1569.002"
        ]
    );
    assert_eq!(answer.query["tactics"][0]["attack_id"], "TA0002");
    assert_eq!(answer.query["platform"], "Windows");
    assert!(answer.techniques.iter().all(|t| t.links.is_empty()));
    // Any case, and the tactic by id or name.
    let same = techniques(&["--tactic", "TA0002", "--platform", "windows"]);
    assert_eq!(listed_ids(&same), listed_ids(&answer));
    let out = sample_ok(&[
        "techniques",
        "--tactic",
        "Execution",
        "--platform",
        "windows",
    ]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "ID         NAME                               TACTICS"
    );
    assert_eq!(
        lines[1],
        "T1053      Scheduled Task/Job                 Execution, Persistence, Privilege Escalation"
    );
    assert_eq!(lines.len(), 10);
}

#[test]
fn filters_intersect() {
    let answer = techniques(&["--group", "G0007", "--tactic", "execution"]);
    assert_eq!(
        listed_ids(&answer),
        ["T1059", "T1059.001", "T1059.003", "T1569.002"]
    );
    let answer = techniques(&["--group", "G0007", "--mitigation", "M1038"]);
    assert_eq!(listed_ids(&answer), ["T1059", "T1059.001", "T1059.003"]);
    let powershell = &answer.techniques[1];
    let filters: Vec<&str> = powershell.links.iter().map(|l| l.filter.as_str()).collect();
    assert!(
        filters.contains(&"group") && filters.contains(&"mitigation"),
        "{filters:?}"
    );
}

#[test]
fn no_filter_lists_every_active_technique() {
    let answer = techniques(&[]);
    assert_eq!(answer.techniques.len(), 47);
    let all = techniques(&["--include-revoked"]);
    assert_eq!(all.techniques.len(), 49);
    assert!(all
        .techniques
        .iter()
        .any(|t| t.object.id() == "T1086" && t.object.revoked));
    let enterprise = techniques(&["--domain", "enterprise"]);
    assert_eq!(enterprise.techniques.len(), 47);
    assert!(techniques(&["--domain", "ics"]).techniques.is_empty());
}

#[test]
fn jsonl_and_csv() {
    let out = sample_ok(&["techniques", "--software", "CHOPSTICK", "--format", "jsonl"]);
    let lines: Vec<Listed> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|t| t.links[0].filter == "software"));
    let out = sample_ok(&["techniques", "--group", "G0007", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(
        records[0],
        [
            "attack_id",
            "name",
            "type",
            "tactics",
            "paths",
            "descriptions",
            "stix_id"
        ]
    );
    assert_eq!(records.len(), 12);
    let lsass = records.iter().find(|r| r[0] == "T1003.001").unwrap();
    assert_eq!(
        lsass[1..5],
        [
            "LSASS Memory",
            "technique",
            "Credential Access",
            "direct, software S0002"
        ]
    );
    // `table` is another name for the human format.
    let table = sample_ok(&["techniques", "--group", "G0007", "--format", "table"]);
    let human = sample_ok(&["techniques", "--group", "G0007"]);
    assert_eq!(table.stdout, human.stdout);
}

#[test]
fn nothing_matching_is_a_success() {
    let out = sample(&[
        "techniques",
        "--group",
        "G0007",
        "--tactic",
        "reconnaissance",
    ]);
    out.assert_code(0);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.ends_with("ttpmap: no techniques match\n"),
        "{}",
        out.stderr
    );
    let answer = techniques(&["--group", "G0007", "--tactic", "reconnaissance"]);
    assert!(answer.techniques.is_empty());
}

#[test]
fn unknown_names_exit_2_with_suggestions() {
    let out = sample(&["techniques", "--group", "Fancy Bare"]);
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .ends_with("ttpmap: no group matches \"Fancy Bare\"; did you mean G0007 APT28?\n"),
        "{}",
        out.stderr
    );
    let out = sample(&["techniques", "--tactic", "exectuion"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("did you mean TA0002 Execution"),
        "{}",
        out.stderr
    );
    let out = sample(&["techniques", "--platform", "Widnows"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("no platform matches \"Widnows\""),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Windows"), "{}", out.stderr);
}

#[test]
fn via_needs_group() {
    let out = TestCommand::new("via-alone")
        .args(["attack", "techniques", "--via", "direct"])
        .run();
    out.assert_code(2);
    assert!(out.stderr.contains("--group"), "{}", out.stderr);
}

#[test]
fn a_tactic_of_several_domains() {
    let (Some(enterprise), Some(mobile)) = (
        super::release("enterprise-attack-18.1.json"),
        super::release("mobile-attack-18.1.json"),
    ) else {
        return;
    };
    let run = |extra: &[&str]| -> Answer {
        let out = TestCommand::new("attack-tactic-domains")
            .args([
                "attack",
                "techniques",
                "--tactic",
                "execution",
                "--format",
                "json",
            ])
            .args(extra)
            .arg("--attack")
            .arg(&enterprise)
            .arg("--attack")
            .arg(&mobile)
            .run();
        out.assert_code(0);
        out.json()
    };
    let both = run(&[]);
    let tactics: Vec<&str> = (both.query["tactics"].as_array().unwrap().iter())
        .filter_map(|t| t["attack_id"].as_str())
        .collect();
    assert_eq!(tactics, ["TA0002", "TA0041"]);
    let mobile_only = run(&["--domain", "mobile"]);
    assert!(!mobile_only.techniques.is_empty());
    assert!(mobile_only
        .techniques
        .iter()
        .all(|t| t.object.domains.contains(&"mobile".to_owned())));
    let enterprise_only = run(&["--domain", "enterprise"]);
    assert_eq!(
        both.techniques.len(),
        mobile_only.techniques.len() + enterprise_only.techniques.len()
    );
}

#[test]
fn enterprise_group_through_all_paths() {
    let Some(enterprise) = super::release("enterprise-attack-18.1.json") else {
        return;
    };
    let out = TestCommand::new("attack-techniques-enterprise")
        .args([
            "attack",
            "techniques",
            "--group",
            "APT28",
            "--via",
            "direct,campaign",
        ])
        .args(["--format", "json", "--attack"])
        .arg(&enterprise)
        .run();
    out.assert_code(0);
    let answer: Answer = out.json();
    assert!(listed_ids(&answer).contains(&"T1669"));
    // mitreattack-python's answer for G0007: direct and through campaigns.
    let Some(oracle) = ttpmap_test_support::shared_file("oracles/enterprise-18.1.json") else {
        return;
    };
    let oracle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(oracle).unwrap()).unwrap();
    let expected: Vec<&str> = oracle["group_techniques"]["G0007"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert_eq!(listed_ids(&answer), expected);
}
