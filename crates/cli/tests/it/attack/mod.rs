//! `ttpmap attack …` (`src/cmd/attack/`): against the embedded sample (no
//! `--attack`), and against the real releases in the shared data when present.

use std::path::PathBuf;

use serde::Deserialize;

use crate::util::{Output, TestCommand};

mod detections;
mod matrix;
mod related;
mod search;
mod show;
mod similar;
mod stats;
mod techniques;

/// What the command says on stderr when it falls back to the sample.
const SAMPLE_NOTICE: &str = "ttpmap: notice: no ATT&CK data given (--attack, TTPMAP_ATTACK_DIR \
                             or the cache); using the small embedded sample, not the full release\n";

/// Run `ttpmap attack ARGS…` on the embedded sample and check the notice.
#[track_caller]
fn sample(args: &[&str]) -> Output {
    let out = TestCommand::new("attack").arg("attack").args(args).run();
    assert!(out.stderr.starts_with(SAMPLE_NOTICE), "{out:#?}");
    out
}

/// Run on the sample, expect success and nothing on stderr but the notice.
#[track_caller]
fn sample_ok(args: &[&str]) -> Output {
    let out = sample(args);
    out.assert_code(0);
    assert_eq!(out.stderr, SAMPLE_NOTICE, "{out:#?}");
    out
}

/// A release of the shared data, when present.
fn release(name: &str) -> Option<PathBuf> {
    ttpmap_test_support::shared_file(&format!("attack-stix/{name}"))
}

/// An ATT&CK object as every JSON answer has it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Obj {
    attack_id: Option<String>,
    stix_id: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    domains: Vec<String>,
    #[serde(default)]
    revoked: bool,
    #[serde(default)]
    deprecated: bool,
}

impl Obj {
    fn id(&self) -> &str {
        self.attack_id.as_deref().unwrap_or("")
    }
}

/// The ATT&CK ids of a list.
fn ids(objects: &[Obj]) -> Vec<&str> {
    objects.iter().map(Obj::id).collect()
}

/// CSV records (no field here holds a quoted line break), CRLF checked.
#[track_caller]
fn csv_records(text: &str) -> Vec<Vec<String>> {
    assert!(text.is_empty() || text.ends_with("\r\n"), "{text}");
    text.split_terminator("\r\n").map(csv_fields).collect()
}

fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}
