//! `ttpmap stix stats`.

use serde::Deserialize;

use crate::util::{assert_snapshot, testdata, TestCommand};

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stats {
    files: usize,
    objects: usize,
    duplicates: usize,
    types: Vec<TypeCount>,
    spec_versions: Vec<VersionCount>,
    custom_types: Vec<String>,
    kinds: Kinds,
    revoked: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct TypeCount {
    #[serde(rename = "type")]
    object_type: String,
    kind: String,
    custom: bool,
    count: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct VersionCount {
    spec_version: Option<String>,
    count: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Kinds {
    sdo: usize,
    sro: usize,
    sco: usize,
    meta: usize,
    custom: usize,
}

fn type_count(object_type: &str, kind: &str, count: usize) -> TypeCount {
    let custom = kind == "custom";
    TypeCount {
        object_type: object_type.into(),
        kind: kind.into(),
        custom,
        count,
    }
}

#[test]
fn sample_bundle_human() {
    let out = TestCommand::new("stats-human")
        .args(["stix", "stats"])
        .arg(testdata("cli/sample-bundle.json"))
        .run();
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_snapshot("stix/stats/sample-bundle-human-success.txt", &out.stdout);
}

#[test]
fn sample_bundle_json() {
    let out = TestCommand::new("stats-json")
        .args(["stix", "stats", "--format", "json"])
        .arg(testdata("cli/sample-bundle.json"))
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    assert_eq!(
        (stats.files, stats.objects, stats.duplicates, stats.revoked),
        (1, 6, 0, 1)
    );
    assert_eq!(
        stats.types,
        [
            type_count("attack-pattern", "sdo", 2),
            type_count("identity", "sdo", 1),
            type_count("intrusion-set", "sdo", 1),
            type_count("relationship", "sro", 1),
            type_count("x-mitre-tactic", "custom", 1),
        ]
    );
    assert_eq!(
        stats.spec_versions,
        [VersionCount {
            spec_version: Some("2.1".into()),
            count: 6
        }]
    );
    assert_eq!(stats.custom_types, ["x-mitre-tactic"]);
    assert_eq!(
        stats.kinds,
        Kinds {
            sdo: 4,
            sro: 1,
            sco: 0,
            meta: 0,
            custom: 1
        }
    );
}

#[test]
fn jsonl_is_the_same_document_on_one_line() {
    let fixture = testdata("cli/sample-bundle.json");
    let json = TestCommand::new("stats-json")
        .args(["--format", "json", "stix", "stats"])
        .arg(&fixture)
        .run();
    let jsonl = TestCommand::new("stats-jsonl")
        .args(["--format", "jsonl", "stix", "stats"])
        .arg(&fixture)
        .run();
    jsonl.assert_code(0);
    assert_eq!(jsonl.stdout.lines().count(), 1);
    let a: serde_json::Value = json.json();
    let b: serde_json::Value = jsonl.json();
    assert_eq!(a, b);
}

#[test]
fn files_folders_and_single_objects_add_up() {
    let out = TestCommand::new("stats-many")
        .args(["stix", "stats", "--format", "json"])
        .arg(testdata("cli/sample-bundle.json"))
        .arg(testdata("cli/single-object.json"))
        .arg(testdata("cli/cti"))
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    // The cti folder repeats two objects of the sample bundle (same id and
    // modified): each version is counted once.
    assert_eq!((stats.files, stats.objects, stats.duplicates), (4, 7, 2));
    assert_eq!(stats.types[0], type_count("attack-pattern", "sdo", 2));
    assert!(stats.types.contains(&type_count("indicator", "sdo", 1)));
    // The cti objects are STIX 2.0 (no spec_version) but were already counted.
    assert_eq!(
        stats.spec_versions,
        [VersionCount {
            spec_version: Some("2.1".into()),
            count: 7
        }]
    );
}

#[test]
fn cti_folder_alone() {
    let out = TestCommand::new("stats-cti")
        .args(["stix", "stats", "--format", "json"])
        .arg(testdata("cli/cti"))
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    assert_eq!((stats.files, stats.objects), (2, 2));
    assert_eq!(
        stats.spec_versions,
        [VersionCount {
            spec_version: None,
            count: 2
        }]
    );
    assert_eq!(stats.custom_types, ["x-mitre-tactic"]);
}

#[test]
fn spec_fixtures() {
    let mut cmd = TestCommand::new("stats-spec");
    cmd.args(["stix", "stats", "--format", "json"]);
    for name in [
        "bundle-01.json",
        "x-acme-widget-01.json",
        "file-01.json",
        "marking-definition-01.json",
    ] {
        cmd.arg(testdata(&format!("stix/valid/{name}")));
    }
    let out = cmd.run();
    out.assert_code(0);
    let stats: Stats = out.json();
    assert_eq!(stats.files, 4);
    assert!(
        stats.custom_types.contains(&"x-acme-widget".to_owned()),
        "{stats:?}"
    );
    assert!(stats.kinds.sco >= 1 && stats.kinds.meta >= 1, "{stats:?}");
}

#[test]
fn malformed_json_exits_2_with_the_location() {
    let fixture = testdata("cli/truncated.json");
    let out = TestCommand::new("stats-truncated")
        .args(["stix", "stats"])
        .arg(&fixture)
        .run();
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    let expected = format!("ttpmap: {}:10:", fixture.display());
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);

    let fixture = testdata("stix/invalid/invalid-json__trailing-comma.json");
    let out = TestCommand::new("stats-trailing-comma")
        .args(["stix", "stats"])
        .arg(&fixture)
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.contains("invalid-json__trailing-comma.json:"),
        "{}",
        out.stderr
    );
}

#[test]
fn not_utf8_exits_2_with_the_location() {
    let mut cmd = TestCommand::new("stats-latin1");
    let file = cmd.create(
        "latin1.json",
        b"{\"type\": \"bundle\", \"id\": \"caf\xe9\"}",
    );
    let out = cmd.args(["stix", "stats", "latin1.json"]).run();
    out.assert_code(2);
    assert!(
        out.stderr.starts_with("ttpmap: latin1.json:1:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("UTF-8"), "{}", out.stderr);
    assert!(file.exists());
}

#[test]
fn missing_file_exits_2_naming_it() {
    let out = TestCommand::new("stats-missing")
        .args(["stix", "stats", "no-such-file.json"])
        .run();
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with("ttpmap: no-such-file.json: "),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn enterprise_release() {
    let Some(release) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
    else {
        return;
    };
    let out = TestCommand::new("stats-enterprise")
        .args(["--format", "json", "stix", "stats"])
        .arg(&release)
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    assert_eq!(stats.objects, 24_772);
    assert_eq!(stats.types[0].object_type, "relationship");
    assert!(stats.custom_types.contains(&"x-mitre-tactic".to_owned()));
    assert!(stats.revoked > 0);
    assert_eq!(
        stats.spec_versions,
        [VersionCount {
            spec_version: Some("2.1".into()),
            count: 24_772
        }]
    );
}

#[test]
fn cti_layout_release_counts_each_object_once() {
    let Some(folder) = ttpmap_test_support::shared_file("attack-stix/cti-ics-attack-18.1") else {
        return;
    };
    let out = TestCommand::new("stats-cti-ics")
        .args(["--format", "json", "stix", "stats"])
        .arg(&folder)
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    // Per-object files plus the collection bundle `ics-attack.json` holding
    // the same objects again.
    assert_eq!(stats.objects, stats.duplicates);
    assert_eq!(stats.files, stats.objects + 1);
}
