//! `ttpmap map …` (`src/cmd/map.rs`).

use serde_json::Value;

use crate::util::{testdata, TestCommand};

const SEED: &str = "powershell.exe -NoProfile -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA";

/// The technique ids of a `--format json` document.
fn technique_ids(document: &Value) -> Vec<&str> {
    document["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["technique_id"].as_str())
        .collect()
}

fn release() -> Option<String> {
    ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
        .map(|p| format!("--attack={}", p.display()))
}

#[test]
fn the_seed_command_line_maps_to_powershell_and_obfuscation() {
    let out = TestCommand::new("map").args(["map", "cmdline", SEED]).run();
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("TECHNIQUE  NAME"), "{}", out.stdout);
    assert!(
        lines.iter().any(|l| l.starts_with("T1059.001  PowerShell")),
        "{}",
        out.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("T1027 ")),
        "{}",
        out.stdout
    );

    let out = TestCommand::new("map")
        .args(["map", "cmdline", SEED, "--format", "json"])
        .run();
    out.assert_code(0);
    let document: Value = out.json();
    let powershell = document["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["technique_id"] == "T1059.001")
        .unwrap();
    assert_eq!(powershell["tactics"][0], "execution");
    assert_eq!(powershell["evidence"][0]["kind"], "rule");
    assert!(powershell["evidence"][0]["fields"][0][1]
        .as_str()
        .unwrap()
        .contains("-enc"));
    assert!(document["rules"]["loaded"].as_u64().unwrap() >= 500);
}

#[test]
fn stix_and_layer_outputs_validate() {
    let Some(attack) = release() else { return };
    let mut cmd = TestCommand::new("map");
    let out = cmd
        .args([
            "map",
            "cmdline",
            SEED,
            "--format",
            "stix",
            "-o",
            "bundle.json",
            &attack,
        ])
        .run();
    out.assert_code(0);
    let bundle = cmd.dir().join("bundle.json");
    let out = TestCommand::new("map")
        .args(["stix", "validate", "--strict"])
        .arg(&bundle)
        .run();
    out.assert_code(0);
    let text = std::fs::read_to_string(&bundle).unwrap();
    // PowerShell's real attack-pattern id in Enterprise 18.1.
    let kb = ttpmap::attack::KnowledgeBase::from_path(
        ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json").unwrap(),
    )
    .unwrap();
    let stix_id = kb.technique("T1059.001").unwrap().stix_id().to_string();
    assert!(
        text.contains(&format!("\"target_ref\": \"{stix_id}\"")),
        "{text}"
    );

    let mut cmd = TestCommand::new("map");
    let out = cmd
        .args([
            "map",
            "cmdline",
            SEED,
            "--format",
            "layer",
            "--name",
            "seed",
            "-o",
            "layer.json",
            &attack,
        ])
        .run();
    out.assert_code(0);
    let out = TestCommand::new("map")
        .args(["layer", "validate", &attack])
        .arg(cmd.dir().join("layer.json"))
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.contains("layer \"seed\": 0 errors, 0 warnings"),
        "{}",
        out.stdout
    );
}

#[test]
fn events_with_bad_records_are_counted_not_fatal() {
    let out = TestCommand::new("map")
        .args(["map", "events", "--no-progress"])
        .arg(testdata("events/bad-line.jsonl"))
        .run();
    out.assert_code(0);
    assert!(out.stderr.contains(" skipped ("), "{}", out.stderr);
    assert!(out.stderr.contains("ttpmap: skipped "), "{}", out.stderr);
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);

    let out = TestCommand::new("map")
        .args(["map", "events", "absent.jsonl"])
        .run();
    out.assert_code(2);
    assert!(out.stderr.contains("absent.jsonl"), "{}", out.stderr);
}

#[test]
fn text_reports_map_ids_and_indicators() {
    let out = TestCommand::new("map")
        .args(["map", "text", "--format", "json"])
        .arg(testdata("events/report.md"))
        .run();
    out.assert_code(0);
    let document: Value = out.json();
    let ids = technique_ids(&document);
    assert!(ids.contains(&"T1003.001"), "{ids:?}");
    assert!(document["text"]["sentences"].as_u64().unwrap() > 0);
    assert!(out.stderr.contains("1 files"), "{}", out.stderr);
}

#[test]
fn bad_options_are_errors() {
    let out = TestCommand::new("map")
        .args(["map", "cmdline", "x", "--format", "csv"])
        .run();
    out.assert_code(2);
    assert!(out.stderr.contains("not CSV"), "{}", out.stderr);
    let out = TestCommand::new("map")
        .args(["map", "cmdline", "x", "--min-confidence", "2"])
        .run();
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "ttpmap: --min-confidence 2: expected a number from 0 to 1\n"
    );
    let out = TestCommand::new("map")
        .args(["attack", "stats", "--format", "stix"])
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.contains("are for the `map` commands"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_file_of_command_lines_maps_each() {
    let out = TestCommand::new("map")
        .args(["map", "cmdline", "--format", "json", "--file"])
        .arg(testdata("events/command-lines.txt"))
        .run();
    out.assert_code(0);
    let document: Value = out.json();
    assert!(
        !document["techniques"].as_array().unwrap().is_empty(),
        "{document}"
    );
    let out = TestCommand::new("map").args(["map", "cmdline"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("COMMAND_LINE"), "{}", out.stderr);
}

#[test]
fn events_are_read_from_standard_input() {
    use std::io::Write;
    use std::process::Stdio;

    let event = serde_json::json!({
        "EventID": 1,
        "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Image": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "CommandLine": SEED,
    });
    let input = format!("{event}\n{{broken\n");
    let mut cmd = TestCommand::new("map");
    let mut child = cmd
        .command()
        .args(["map", "events", "--no-progress", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let ids = technique_ids(&document);
    assert!(ids.contains(&"T1059.001"), "{ids:?}");
    assert_eq!(document["events"]["events"], 1, "{document}");
    assert!(stderr.contains("<stdin>: line 2: "), "{stderr}");

    // Standard input once only.
    let out = TestCommand::new("map")
        .args(["map", "events", "-", "-"])
        .run();
    out.assert_code(2);
    assert!(out.stderr.contains("standard input"), "{}", out.stderr);
}
