//! `ttpmap layer …` (`src/cmd/layer.rs`).

use serde_json::Value;

use crate::util::{testdata, TestCommand};

fn release() -> Option<String> {
    ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
        .map(|p| format!("--attack={}", p.display()))
}

fn layer(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not a layer: {e}\n{stdout}"))
}

fn scores(layer: &Value) -> Vec<(String, Value)> {
    layer["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let key = match t.get("tactic") {
                Some(tactic) => format!(
                    "{}^{}",
                    t["techniqueID"].as_str().unwrap(),
                    tactic.as_str().unwrap()
                ),
                None => t["techniqueID"].as_str().unwrap().to_owned(),
            };
            (key, t.get("score").cloned().unwrap_or(Value::Null))
        })
        .collect()
}

#[test]
fn validate_offline_reports_findings_and_exit_codes() {
    let out = TestCommand::new("layer")
        .args(["layer", "validate", "--offline"])
        .arg(testdata("layers/v4.5-full.json"))
        .run();
    out.assert_code(0);
    assert!(
        out.stdout
            .contains("layer \"every field\": 0 errors, 0 warnings"),
        "{}",
        out.stdout
    );

    let out = TestCommand::new("layer")
        .args(["layer", "validate", "--offline"])
        .arg(testdata("layers/invalid/wrong-types.json"))
        .run();
    out.assert_code(1);
    assert!(out.stdout.contains("  error [wrong-type] $.name: expected a string, found 7; kept as is and ignored; make it a string\n"), "{}", out.stdout);

    let out = TestCommand::new("layer")
        .args(["layer", "validate", "--offline", "--format", "json"])
        .arg(testdata("layers/v2.2-viewmode.json"))
        .arg("absent.json")
        .run();
    out.assert_code(2);
    let reports: Value = out.json();
    assert_eq!(reports[0]["layers"][0]["format"], "2.2");
    assert_eq!(reports[0]["layers"][0]["changes"][0]["path"], "$.version");
    assert!(
        reports[1]["error"]
            .as_str()
            .unwrap()
            .contains("absent.json"),
        "{reports}"
    );

    // Warnings fail only with --strict.
    let out = TestCommand::new("layer")
        .args(["layer", "validate", "--offline", "--strict"])
        .arg(testdata("layers/v2.1-trailing-commas.json"))
        .run();
    out.assert_code(1);
    assert!(
        out.stdout.contains("warning [trailing-comma]"),
        "{}",
        out.stdout
    );
}

#[test]
fn validate_against_the_release_names_fixes() {
    let Some(attack) = release() else { return };
    let out = TestCommand::new("layer")
        .args(["layer", "validate", &attack])
        .arg(testdata("layers/invalid/bad-references.json"))
        .run();
    out.assert_code(1);
    assert!(
        out.stdout
            .contains("layer \"references\": 8 errors, 6 warnings, 0 notes"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("warning [revoked-technique] $.techniques[0].techniqueID (T1086): T1086 (PowerShell) is revoked; use T1059.001 (PowerShell) instead"), "{}", out.stdout);
}

#[test]
fn upgrade_moves_revoked_techniques_and_reports() {
    let Some(attack) = release() else { return };
    let mut cmd = TestCommand::new("layer");
    let report = cmd.dir().join("report.json");
    let out = cmd
        .args(["layer", "upgrade", &attack])
        .arg(testdata("layers/v1.3-legacy.json"))
        .arg("--report")
        .arg(&report)
        .run();
    out.assert_code(0);
    let upgraded = layer(&out.stdout);
    assert_eq!(upgraded["versions"]["layer"], "4.5");
    assert_eq!(upgraded["versions"]["attack"], "18");
    let ids: Vec<(String, Value)> = scores(&upgraded);
    assert_eq!(
        ids,
        [
            ("T1003".to_owned(), Value::Null),
            ("T1059.001".to_owned(), Value::from(3)),
            ("T1566.001".to_owned(), Value::Null)
        ]
    );
    assert!(
        out.stderr
            .contains("ATT&CK unstated → 18.1: 1 carried, 0 to review, 2 replaced, 0 not carried"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("  replaced T1086: T1086 is revoked by T1059.001 (PowerShell)\n"),
        "{}",
        out.stderr
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(report["layers"][0]["format"], "1.3");
    assert_eq!(
        report["layers"][0]["attack"]["replaced"][1]["now"],
        "T1566.001"
    );

    // Format only: the techniques stay as they were.
    let out = TestCommand::new("layer")
        .args(["layer", "upgrade", "--format-only"])
        .arg(testdata("layers/v1.3-legacy.json"))
        .run();
    out.assert_code(0);
    let ids: Vec<String> = scores(&layer(&out.stdout))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(ids, ["T1086", "T1193", "T1003"]);
}

const A: &str = r#"{"name": "actor", "versions": {"attack": "18", "layer": "4.5", "navigator": "5.1.0"}, "domain": "enterprise-attack",
  "techniques": [{"techniqueID": "T1059.001", "tactic": "execution", "score": 1, "comment": "seen"},
                 {"techniqueID": "T1105", "tactic": "command-and-control", "score": 1}]}"#;
const B: &str = r#"{"name": "detected", "versions": {"attack": "18", "layer": "4.5", "navigator": "5.1.0"}, "domain": "enterprise-attack",
  "techniques": [{"techniqueID": "T1059.001", "tactic": "execution", "score": 1}]}"#;

#[test]
fn combine_with_expressions_and_set_operations() {
    let mut cmd = TestCommand::new("layer");
    let a = cmd.create("a.json", A);
    let b = cmd.create("b.json", B);
    let out = cmd
        .args([
            "layer",
            "combine",
            "--offline",
            "--expr",
            "a > 0 and b == 0",
            "--comments-from",
            "a",
            "--name",
            "gaps",
        ])
        .arg(&a)
        .arg(&b)
        .run();
    out.assert_code(0);
    let gaps = layer(&out.stdout);
    assert_eq!(gaps["name"], "gaps");
    assert_eq!(
        scores(&gaps),
        [
            ("T1059.001^execution".to_owned(), Value::from(0)),
            ("T1105^command-and-control".to_owned(), Value::from(1))
        ]
    );
    assert_eq!(gaps["techniques"][0]["comment"], "seen");
    // Exactly 0 to 1: the Navigator's transparent-blue gradient.
    assert_eq!(gaps["gradient"]["colors"][1], "#66b1ffff");

    let mut cmd = TestCommand::new("layer");
    let (a, b) = (cmd.create("a.json", A), cmd.create("b.json", B));
    let out = cmd
        .args(["layer", "combine", "--offline", "--op", "difference"])
        .arg(&a)
        .arg(&b)
        .run();
    out.assert_code(0);
    assert_eq!(
        scores(&layer(&out.stdout)),
        [("T1105^command-and-control".to_owned(), Value::from(1))]
    );

    let mut cmd = TestCommand::new("layer");
    let a = cmd.create("a.json", A);
    let out = cmd
        .args(["layer", "combine", "--offline", "--expr", "a +* 2"])
        .arg(&a)
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.starts_with("ttpmap: in expression \"a +* 2\": "),
        "{}",
        out.stderr
    );
    let mut cmd = TestCommand::new("layer");
    let a = cmd.create("a.json", A);
    let out = cmd
        .args([
            "layer",
            "combine",
            "--offline",
            "--expr",
            "a",
            "--links-from",
            "c",
        ])
        .arg(&a)
        .run();
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "ttpmap: --links-from c: only 1 layers were given\n"
    );
}

#[test]
fn generate_from_the_sample() {
    let out = TestCommand::new("layer")
        .args(["layer", "generate", "--group", "Fancy Bear"])
        .run();
    out.assert_code(0);
    let apt28 = layer(&out.stdout);
    assert_eq!(apt28["name"], "APT28 (G0007)");
    assert!(scores(&apt28)
        .iter()
        .any(|(k, s)| k == "T1059.001" && *s == 1));
    assert!(out.stderr.contains("embedded sample"), "{}", out.stderr);

    let out = TestCommand::new("layer")
        .args([
            "layer", "generate", "--group", "APT28", "--group", "APT29", "--via", "direct",
        ])
        .run();
    out.assert_code(0);
    let both = layer(&out.stdout);
    assert_eq!(both["gradient"]["maxValue"], 2);
    assert_eq!(both["sorting"], 3);

    let out = TestCommand::new("layer")
        .args(["layer", "generate", "--group", "APT2800"])
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.contains("no group matches \"APT2800\""),
        "{}",
        out.stderr
    );

    let out = TestCommand::new("layer")
        .args([
            "layer",
            "generate",
            "--platform",
            "windows",
            "-o",
            "win.json",
        ])
        .run();
    out.assert_code(0);
    assert!(out.stdout.is_empty());
}

#[test]
fn diff_says_what_changed() {
    let mut cmd = TestCommand::new("layer");
    let a = cmd.create("a.json", A);
    let b = cmd.create("b.json", B);
    let out = cmd.args(["layer", "diff"]).arg(&a).arg(&b).run();
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "~ name: \"actor\" → \"detected\"\n- T1105^command-and-control\n~ T1059.001^execution: comment \"seen\" → \"\"\n"
    );
    let mut cmd = TestCommand::new("layer");
    let a = cmd.create("a.json", A);
    let out = cmd.args(["layer", "diff"]).arg(&a).arg(&a).run();
    out.assert_code(0);
    assert_eq!(out.stdout, "no differences\n");
}

#[test]
fn render_svg_xlsx_and_csv() {
    let mut cmd = TestCommand::new("layer");
    let generated = TestCommand::new("layer")
        .args(["layer", "generate", "--group", "APT28"])
        .run();
    generated.assert_code(0);
    let path = cmd.create("apt28.json", &generated.stdout);
    let out = cmd
        .args([
            "layer",
            "render",
            "--svg",
            "apt28.svg",
            "--xlsx",
            "apt28.xlsx",
            "--csv",
            "-",
        ])
        .arg(&path)
        .run();
    out.assert_code(0);
    let svg = std::fs::read_to_string(cmd.dir().join("apt28.svg")).unwrap();
    assert!(svg.starts_with("<?xml"), "{}", &svg[..100.min(svg.len())]);
    // T1059.001 is a collapsed sub-technique; its parent is drawn.
    assert!(svg.contains("Command and"));
    let xlsx = std::fs::read(cmd.dir().join("apt28.xlsx")).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    let header = out.stdout.lines().next().unwrap();
    assert!(header.starts_with("Tactic,Technique ID,"), "{header}");
    assert!(out.stdout.contains("T1059.001"));

    let out = TestCommand::new("layer")
        .args(["layer", "render", "--csv", "-", "--index", "3"])
        .arg(testdata("layers/v4.5-array.json"))
        .run();
    out.assert_code(2);
    assert!(
        out.stderr
            .ends_with("v4.5-array.json: --index 3 but the file holds 2 layers\n"),
        "{}",
        out.stderr
    );
}
