//! Global options, usage errors and exit codes (`src/args.rs`, `src/main.rs`).

use crate::util::{testdata, TestCommand};

#[test]
fn attack_is_accepted_before_and_after_the_subcommand() {
    let fixture = testdata("cli/sample-bundle.json");
    let mut cmd = TestCommand::new("attack-anywhere");
    cmd.args(["--attack", "a.json", "stix", "--attack=b", "stats"]);
    cmd.arg(&fixture).args(["--attack", "c"]);
    let out = cmd.run();
    out.assert_code(0);
    assert!(
        out.stdout.starts_with("6 objects in 1 file\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn format_is_accepted_before_and_after_the_subcommand() {
    let fixture = testdata("cli/sample-bundle.json");
    let before = TestCommand::new("format-before")
        .args(["--format", "json", "stix", "stats"])
        .arg(&fixture)
        .run();
    let after = TestCommand::new("format-after")
        .args(["stix", "stats"])
        .arg(&fixture)
        .args(["--format", "json"])
        .run();
    before.assert_code(0);
    after.assert_code(0);
    assert_eq!(before.stdout, after.stdout);
    assert!(before.stdout.starts_with('{'));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["stix", "bogus"][..],
        &["stix", "stats"],
        &["stix", "validate"],
        &["--format", "yaml", "stix", "stats", "x.json"],
        &["stix", "fmt", "a.json", "b.json"],
        &["stix", "stats", "--no-such-flag", "x.json"],
        &["attack"],
        &["attack", "show"],
        &["attack", "similar"],
        &["attack", "mitigations"],
        &[
            "attack",
            "techniques",
            "--group",
            "G0007",
            "--via",
            "nowhere",
        ],
        &["attack", "search", "x", "--limit", "many"],
        &[],
    ] {
        let out = TestCommand::new("usage").args(args).run();
        assert_eq!(out.code, Some(2), "{args:?}: {out:#?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:#?}");
        assert!(!out.stderr.is_empty(), "{args:?}: {out:#?}");
    }
}

#[test]
fn stix_commands_refuse_csv() {
    for args in [
        &["stix", "stats", "--format", "csv"][..],
        &["--format", "csv", "stix", "validate"],
        &["stix", "fmt", "--format=csv"],
    ] {
        let out = TestCommand::new("stix-csv")
            .args(args)
            .arg(testdata("cli/sample-bundle.json"))
            .run();
        out.assert_code(2);
        assert!(out.stdout.is_empty(), "{args:?}: {out:#?}");
        assert_eq!(
            out.stderr,
            "ttpmap: the stix commands cannot write CSV; use --format human, json or jsonl\n"
        );
    }
}

#[test]
fn help_and_version_exit_0_and_document_the_exit_codes() {
    let out = TestCommand::new("help").args(["--help"]).run();
    out.assert_code(0);
    assert!(out.stdout.contains("Exit codes:"), "{}", out.stdout);
    let out = TestCommand::new("help-validate")
        .args(["stix", "validate", "--help"])
        .run();
    out.assert_code(0);
    assert!(out.stdout.contains("--strict") && out.stdout.contains("Exit codes:"));
    let out = TestCommand::new("help-attack-techniques")
        .args(["attack", "techniques", "--help"])
        .run();
    out.assert_code(0);
    assert!(out.stdout.contains("--via") && out.stdout.contains("Exit codes:"));
    let out = TestCommand::new("version").args(["--version"]).run();
    out.assert_code(0);
    assert!(out.stdout.starts_with("ttpmap "), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::fmt::Write as _;
    use std::io::Read;
    use std::process::Stdio;

    // A bundle whose indented form is far bigger than a pipe's buffer.
    let mut objects = String::new();
    for i in 0..5000 {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(
            objects,
            r#"{sep}{{"type":"identity","spec_version":"2.1","id":"identity--00000000-0000-4000-8000-{i:012}","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"n{i}"}}"#
        );
    }
    let bundle = format!(
        r#"{{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{objects}]}}"#
    );
    let mut cmd = TestCommand::new("closed-pipe");
    let big = cmd.create("big.json", bundle);
    let mut child = cmd
        .command()
        .args(["stix", "fmt"])
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
