//! `ttpmap attack detections --technique T`.

use serde::Deserialize;

use super::{csv_records, ids, release, sample, sample_ok, Obj};
use crate::util::{assert_snapshot, TestCommand};

/// The `--format json` document, as docs/cli.md describes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Detections {
    technique: Obj,
    detection_strategies: Vec<Strategy>,
    data_components: Vec<Component>,
}

#[derive(Debug, Deserialize)]
struct Strategy {
    #[serde(flatten)]
    object: Obj,
    analytics: Vec<Analytic>,
}

#[derive(Debug, Deserialize)]
struct Analytic {
    #[serde(flatten)]
    object: Obj,
    platforms: Vec<String>,
    log_sources: Vec<LogSource>,
    mutable_elements: Vec<MutableElement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogSource {
    data_component: Option<Obj>,
    name: String,
    channel: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MutableElement {
    field: String,
    description: String,
}

#[derive(Debug, Deserialize)]
struct Component {
    #[serde(flatten)]
    object: Obj,
    data_source: Option<Obj>,
}

#[test]
fn strategy_analytics_and_components() {
    let d: Detections =
        sample_ok(&["detections", "--technique", "T1059.001", "--format", "json"]).json();
    assert_eq!(d.technique.id(), "T1059.001");
    assert_eq!(d.detection_strategies.len(), 1);
    let strategy = &d.detection_strategies[0];
    assert_eq!(strategy.object.id(), "DET0455");
    let analytic = &strategy.analytics[0];
    assert_eq!(analytic.object.kind, "analytic");
    assert_eq!(analytic.platforms, ["Windows"]);
    let first = &analytic.log_sources[0];
    assert_eq!(first.data_component.as_ref().map(Obj::id), Some("DC0032"));
    assert_eq!(
        (first.name.as_str(), first.channel.as_str()),
        ("WinEventLog:Sysmon", "EventCode=1")
    );
    assert!(analytic
        .mutable_elements
        .iter()
        .any(|m| m.field == "TimeWindow" && !m.description.is_empty()));
    let components: Vec<Obj> = d.data_components.iter().map(|c| c.object.clone()).collect();
    assert_eq!(ids(&components), ["DC0032", "DC0064", "DC0034", "DC0016"]);
    assert!(d.data_components.iter().all(|c| c.data_source.is_none()));
}

#[test]
fn human_and_csv() {
    let out = sample_ok(&["detections", "--technique", "T1059.001"]);
    assert_snapshot("attack/detections/t1059.001-human-success.txt", &out.stdout);
    let out = sample_ok(&["detections", "--technique", "T1059.001", "--format", "csv"]);
    let records = csv_records(&out.stdout);
    assert_eq!(records[0].len(), 10);
    assert_eq!(records[0][0], "detection_strategy_id");
    assert_eq!(records.len(), 1 + 4, "{records:?}");
    assert!(records.iter().all(|r| r.len() == 10), "{records:?}");
    assert_eq!(records[1][5..7], ["DC0032", "Process Creation"]);
}

#[test]
fn a_technique_without_detections() {
    let out = sample(&["detections", "--technique", "T1583"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "T1583 Acquire Infrastructure\n");
    assert!(
        out.stderr.ends_with("ttpmap: no detections match\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn enterprise_release() {
    let Some(enterprise) = release("enterprise-attack-18.1.json") else {
        return;
    };
    let out = TestCommand::new("detections-enterprise")
        .args([
            "attack",
            "detections",
            "--technique",
            "T1003.001",
            "--format",
            "json",
        ])
        .arg("--attack")
        .arg(&enterprise)
        .run();
    out.assert_code(0);
    let d: Detections = out.json();
    assert!(!d.detection_strategies.is_empty());
    assert!(d
        .detection_strategies
        .iter()
        .all(|s| s.object.id().starts_with("DET")));
    let analytics: Vec<&Analytic> = d
        .detection_strategies
        .iter()
        .flat_map(|s| &s.analytics)
        .collect();
    assert!(analytics.iter().any(|a| !a.log_sources.is_empty()));
    assert!(analytics.iter().all(|a| a.object.id().starts_with("AN")));
    assert!(!d.data_components.is_empty());
}
