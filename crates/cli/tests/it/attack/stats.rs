//! `ttpmap attack stats`, and how `--attack` is found and used.

use serde::Deserialize;

use std::ffi::OsStr;

use super::{csv_records, release, sample_ok};
use crate::util::{assert_snapshot, TestCommand};

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stats {
    origin: String,
    paths: Vec<String>,
    domains: Vec<DomainVersion>,
    objects: Vec<KindCount>,
    relationships: Count,
    warnings: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct DomainVersion {
    domain: String,
    version: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct KindCount {
    kind: String,
    active: usize,
    all: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Count {
    active: usize,
    all: usize,
}

impl Stats {
    fn kind(&self, kind: &str) -> (usize, usize) {
        let k = self.objects.iter().find(|k| k.kind == kind);
        k.map_or((0, 0), |k| (k.active, k.all))
    }
}

fn domain(domain: &str, version: &str) -> DomainVersion {
    DomainVersion {
        domain: domain.into(),
        version: Some(version.into()),
    }
}

#[test]
fn sample_human() {
    let out = sample_ok(&["stats"]);
    assert_snapshot("attack/stats/sample-human-success.txt", &out.stdout);
}

#[test]
fn sample_json() {
    let stats: Stats = sample_ok(&["stats", "--format", "json"]).json();
    assert_eq!((stats.origin.as_str(), stats.paths.len()), ("sample", 0));
    assert_eq!(stats.domains, [domain("enterprise", "18.1")]);
    assert_eq!(stats.kind("technique"), (47, 49));
    assert_eq!(stats.kind("tactic"), (14, 14));
    assert_eq!(stats.kind("group"), (7, 7));
    assert_eq!(stats.kind("relationship"), (0, 0));
    assert_eq!(
        stats.relationships,
        Count {
            active: 145,
            all: 145
        }
    );
    assert_eq!(stats.warnings, 0);
}

#[test]
fn sample_csv() {
    let out = sample_ok(&["stats", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(records[0], ["kind", "active", "all"]);
    assert_eq!(records[1], ["technique", "47", "49"]);
    assert_eq!(
        records.last().map(Vec::as_slice),
        Some(&["relationship", "145", "145"].map(String::from)[..])
    );
}

#[test]
fn enterprise_release() {
    let Some(enterprise) = release("enterprise-attack-18.1.json") else {
        return;
    };
    let out = TestCommand::new("attack-stats-enterprise")
        .args(["attack", "stats", "--attack"])
        .arg(&enterprise)
        .run();
    out.assert_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[1], "domains: enterprise-attack 18.1",
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"  technique              691   835"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"relationships: 20048 (20048 active)"),
        "{}",
        out.stdout
    );

    let out = TestCommand::new("attack-stats-enterprise-json")
        .args(["attack", "stats", "--format", "json", "--attack"])
        .arg(&enterprise)
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    assert_eq!(stats.origin, "given");
    assert_eq!(stats.domains, [domain("enterprise", "18.1")]);
    // The counts mitreattack-python gives (../shared/oracles): 216
    // techniques and 475 sub-techniques active, 356 and 479 in all.
    assert_eq!(stats.kind("technique"), (216 + 475, 356 + 479));
    assert_eq!(stats.kind("group"), (172, 187));
    assert_eq!(stats.kind("campaign"), (52, 52));
    assert_eq!(stats.relationships.all, 20_048);
}

#[test]
fn attack_is_accepted_before_and_after_the_subcommand() {
    let Some(enterprise) = release("enterprise-attack-18.1.json") else {
        return;
    };
    let run = |before: &[&str], after: &[&str]| {
        let mut cmd = TestCommand::new("attack-anywhere");
        cmd.arg("--format=json");
        for arg in before {
            cmd.arg(if *arg == "FILE" {
                enterprise.as_os_str()
            } else {
                OsStr::new(arg)
            });
        }
        cmd.args(["attack", "stats"]);
        for arg in after {
            cmd.arg(if *arg == "FILE" {
                enterprise.as_os_str()
            } else {
                OsStr::new(arg)
            });
        }
        let out = cmd.run();
        out.assert_code(0);
        out.json::<Stats>()
    };
    for stats in [
        run(&["--attack", "FILE"], &[]),
        run(&[], &["--attack", "FILE"]),
    ] {
        assert_eq!(stats.origin, "given");
        assert_eq!(stats.paths.len(), 1);
        assert_eq!(stats.kind("technique"), (691, 835));
    }
}

#[test]
fn two_releases_load_both_domains() {
    let (Some(enterprise), Some(mobile)) = (
        release("enterprise-attack-18.1.json"),
        release("mobile-attack-18.1.json"),
    ) else {
        return;
    };
    let out = TestCommand::new("attack-two-releases")
        .arg("--attack")
        .arg(&enterprise)
        .args(["attack", "stats", "--format", "json", "--attack"])
        .arg(&mobile)
        .run();
    out.assert_code(0);
    let stats: Stats = out.json();
    assert_eq!(stats.paths.len(), 2);
    assert_eq!(
        stats.domains,
        [domain("enterprise", "18.1"), domain("mobile", "18.1")]
    );
    assert_eq!(stats.kind("tactic").1, 14 + 14);
    assert!(stats.kind("technique").1 > 835, "{stats:?}");
    assert_eq!(stats.kind("matrix").0, 2);
}

#[test]
fn unreadable_data_exits_2_naming_it() {
    let out = TestCommand::new("attack-missing")
        .args(["attack", "stats", "--attack", "no-such-release.json"])
        .run();
    out.assert_code(2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with("ttpmap: ") && out.stderr.contains("no-such-release.json"),
        "{}",
        out.stderr
    );
    // A bad path never falls back to the sample.
    assert!(!out.stderr.contains("sample"), "{}", out.stderr);
}

#[test]
fn the_environment_names_data_too() {
    let mut cmd = TestCommand::new("attack-env");
    let dir = cmd.dir().join("attack");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        crate::util::testdata("cli/sample-bundle.json"),
        dir.join("bundle.json"),
    )
    .unwrap();
    let out = cmd
        .command()
        .env("TTPMAP_ATTACK_DIR", &dir)
        .args(["attack", "stats", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("ttpmap: using ATT&CK data from TTPMAP_ATTACK_DIR="),
        "{stderr}"
    );
    let stats: Stats = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats.origin, "environment");
    assert_eq!(stats.kind("technique").1, 2);
}
