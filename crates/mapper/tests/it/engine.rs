//! The engine end to end: default rules, their samples, the seed example,
//! SigmaHQ's regression events, streams of events, report text.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use ttpmap_attack::KnowledgeBase;
use ttpmap_mapper::engine::{default_rules, map_text, Engine, DEFAULT_RULES};
use ttpmap_mapper::read::{CommandLine, EventReader};
use ttpmap_mapper::route::Router;
use ttpmap_mapper::sigma::RuleSet;
use ttpmap_mapper::text::TextMapper;
use ttpmap_mapper::{Event, LogSource, StixOptions};
use ttpmap_stix::{StixObject, Timestamp};
use ttpmap_test_support::{shared_dir, shared_file, testdata};

fn default_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::with_default_rules)
}

fn enterprise() -> Option<&'static KnowledgeBase> {
    static KB: OnceLock<Option<KnowledgeBase>> = OnceLock::new();
    KB.get_or_init(|| {
        shared_file("attack-stix/enterprise-attack-18.1.json")
            .map(|p| KnowledgeBase::from_path(p).unwrap())
    })
    .as_ref()
}

#[test]
fn every_default_rule_loads() {
    let (rules, problems) = default_rules();
    assert!(problems.is_empty(), "{problems:?}");
    assert!(rules.skipped().is_empty(), "{:?}", rules.skipped());
    assert_eq!(rules.len(), DEFAULT_RULES.len());
    assert!(rules.len() >= 500, "{}", rules.len());
    let techniques: std::collections::BTreeSet<String> = rules
        .rules()
        .iter()
        .flat_map(ttpmap_mapper::sigma::Rule::techniques)
        .collect();
    assert!(techniques.len() >= 150, "{}", techniques.len());
    if let Some(kb) = enterprise() {
        let unknown: Vec<&String> = techniques
            .iter()
            .filter(|t| kb.by_attack_id(t).is_none())
            .collect();
        assert!(unknown.is_empty(), "{unknown:?}");
    }
}

/// Every sample of `rules/samples.json` through the real engine: positives
/// match their rule, negatives do not.
#[test]
fn default_rules_match_their_samples() {
    let engine = default_engine();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/samples.json"))
            .unwrap();
    let samples: Vec<Value> = serde_json::from_str(&text).unwrap();
    let rule_of = |stem: &str| {
        DEFAULT_RULES
            .iter()
            .find(|(path, _)| Path::new(path).file_stem().is_some_and(|s| s == stem))
            .map(|(path, _)| *path)
            .unwrap()
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for sample in &samples {
        let stem = sample["rule"].as_str().unwrap();
        let path = rule_of(stem);
        let platform = ["windows", "linux", "macos"]
            .into_iter()
            .find(|p| path.contains(&format!("/{p}/")))
            .unwrap();
        let id = engine
            .rules()
            .rules()
            .iter()
            .find(|r| r.path.as_deref().is_some_and(|p| p.ends_with(path)))
            .and_then(|r| r.id.clone())
            .unwrap();
        for (expect, key) in [(true, "match"), (false, "nomatch")] {
            for case in sample
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let mut command_line = CommandLine::new("");
                command_line.platform = Some(platform.to_owned());
                match case {
                    Value::String(s) => command_line.command_line.clone_from(s),
                    Value::Object(map) => {
                        command_line.command_line = map
                            .get("CommandLine")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned();
                        command_line.image =
                            map.get("Image").and_then(Value::as_str).map(str::to_owned);
                        command_line.parent = map
                            .get("ParentImage")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        command_line.user =
                            map.get("User").and_then(Value::as_str).map(str::to_owned);
                    }
                    _ => panic!("{stem}: sample {case}"),
                }
                let mut event = command_line.to_event();
                if let Value::Object(map) = case {
                    for (k, v) in map {
                        event.insert(k.clone(), v.clone());
                    }
                }
                let matched = engine
                    .rules()
                    .evaluate(&event)
                    .iter()
                    .any(|m| m.rule.id.as_deref() == Some(id.as_str()));
                checked += 1;
                if matched != expect {
                    failures.push(format!("{stem}: {key} {case}"));
                }
            }
        }
    }
    assert!(checked >= 900, "{checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The seed document's example: PowerShell's encoded command.
#[test]
fn the_seed_example_maps_to_powershell_and_obfuscation() {
    let engine = default_engine();
    let command_line = CommandLine::new(
        "powershell.exe -NoProfile -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
    );
    let mut mappings = engine.map_command_line(&command_line);
    assert!(
        mappings.get("T1059.001").is_some(),
        "{:?}",
        mappings
            .mappings()
            .map(|m| &m.technique_id)
            .collect::<Vec<_>>()
    );
    assert!(mappings.get("T1027").is_some());
    let kb = enterprise().cloned_or_sample();
    mappings.resolve(kb);
    let powershell = mappings.get("T1059.001").unwrap();
    assert_eq!(powershell.name.as_deref(), Some("PowerShell"));
    assert_eq!(powershell.tactics, ["execution"]);
    assert!(powershell.confidence > 0.5);
    let options = StixOptions {
        time: Timestamp::parse("2026-11-27T00:00:00.000Z").unwrap(),
        producer: "ttpmap".to_owned(),
    };
    let bundle = mappings.to_stix(kb, &options);
    assert!(
        bundle.validate().violations.is_empty(),
        "{:?}",
        bundle.validate()
    );
    let attack_pattern = kb.technique("T1059.001").unwrap().stix_id().clone();
    let indicates: Vec<_> = bundle
        .objects()
        .iter()
        .filter_map(|o| match o {
            StixObject::Relationship(r) if r.target_ref == attack_pattern => Some(r),
            _ => None,
        })
        .collect();
    assert!(!indicates.is_empty());
    assert!(indicates
        .iter()
        .all(|r| r.relationship_type == "indicates" && r.source_ref.object_type() == "indicator"));
    let indicator = bundle
        .objects()
        .iter()
        .find_map(|o| match o {
            StixObject::Indicator(i) if i.id == indicates[0].source_ref => Some(i),
            _ => None,
        })
        .unwrap();
    assert!(
        indicator
            .pattern
            .starts_with("[process:command_line = 'powershell.exe -NoProfile -enc SQBF"),
        "{}",
        indicator.pattern
    );
}

trait OrSample {
    fn cloned_or_sample(self) -> &'static KnowledgeBase;
}

impl OrSample for Option<&'static KnowledgeBase> {
    fn cloned_or_sample(self) -> &'static KnowledgeBase {
        static SAMPLE: OnceLock<KnowledgeBase> = OnceLock::new();
        self.unwrap_or_else(|| SAMPLE.get_or_init(KnowledgeBase::sample))
    }
}

#[test]
fn a_stream_of_events_counts_what_it_skips() {
    let engine = default_engine();
    let mut lines = Vec::new();
    for i in 0..5000 {
        lines.push(format!(
            "{{\"product\": \"windows\", \"category\": \"process_creation\", \"Image\": \"C:\\\\Windows\\\\System32\\\\vssadmin.exe\", \"CommandLine\": \"vssadmin.exe delete shadows /all /quiet #{i}\"}}"
        ));
        if i % 1000 == 0 {
            lines.push("{not json".to_owned());
        }
    }
    let dir = std::env::temp_dir().join(format!("ttpmap-mapper-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("events.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let mut calls = 0;
    let (mappings, stats) = engine.map_events(EventReader::open(&path).unwrap(), |_| calls += 1);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(stats.events, 5000);
    assert_eq!(stats.skipped, 5);
    assert_eq!(stats.matched, 5000);
    assert!(stats.errors[0].contains("line 2"), "{:?}", stats.errors);
    assert!(calls >= 3);
    let inhibit = mappings.get("T1490").unwrap();
    assert_eq!(inhibit.count, 5000);
    assert!(inhibit.evidence.len() <= ttpmap_mapper::EVIDENCE_SAMPLES);
}

#[test]
fn report_text_maps_ids_names_and_links_indicators() {
    let kb = enterprise().cloned_or_sample();
    let mapper = TextMapper::new(kb);
    let text = "The actor used T1566.001 to deliver a document. \
                The macro launched PowerShell, which downloaded a payload from hxxp://update-check[.]example[.]com/a.ps1. \
                The file hash was 44d88612fea8a8f36de82e1278abb02f.";
    let report = map_text(&mapper, text, None, 0.5);
    let ids: Vec<&str> = report
        .mappings
        .mappings()
        .map(|m| m.technique_id.as_str())
        .collect();
    assert!(ids.contains(&"T1566.001"), "{ids:?}");
    assert!(ids.contains(&"T1059.001"), "{ids:?}");
    assert_eq!(report.iocs.len(), 2);
    assert_eq!(
        report.iocs[0].value,
        "http://update-check.example.com/a.ps1"
    );
    let powershell = report.mappings.get("T1059.001").unwrap();
    assert!(powershell.evidence.iter().any(|e| e.fields.contains(&(
        "ioc.url".to_owned(),
        "http://update-check.example.com/a.ps1".to_owned()
    ))));
    assert_eq!(report.sentences, 3);
}

fn regression_cases() -> Vec<(PathBuf, String)> {
    let Some(dir) = shared_dir() else {
        return Vec::new();
    };
    let mut cases = Vec::new();
    let mut stack = vec![dir.join("sigma/regression_data")];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "info.yml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let id = text
                    .lines()
                    .skip_while(|l| !l.starts_with("rule_metadata"))
                    .find_map(|l| l.trim().strip_prefix("- id:").map(|s| s.trim().to_owned()))
                    .unwrap();
                cases.push((path.parent().unwrap().to_path_buf(), id));
            }
        }
    }
    cases.sort();
    cases
}

/// Every regression event of SigmaHQ triggers the rule its info.yml names,
/// with all of SigmaHQ's rules loaded, from the `.json` and the `.evtx`.
#[test]
fn sigmahq_regression_events_trigger_their_rules() {
    let Some(dir) = shared_dir() else { return };
    let mut rules = RuleSet::new();
    for folder in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        let summary = rules.add_path(&dir.join("sigma").join(folder)).unwrap();
        assert!(
            summary.errors.is_empty(),
            "{folder}: {:?}",
            summary.errors.first()
        );
    }
    let engine = Engine::new(rules, Router::shared().clone());
    let cases = regression_cases();
    assert!(cases.len() >= 200, "{}", cases.len());
    let mut checked = 0;
    let mut failures = Vec::new();
    for (folder, id) in &cases {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext != "json" && ext != "evtx" {
                continue;
            }
            let events: Vec<Event> = EventReader::open(&path)
                .unwrap()
                .filter_map(Result::ok)
                .collect();
            let mut hit = false;
            for mut event in events {
                engine.router().route(&mut event);
                if engine
                    .rules()
                    .evaluate(&event)
                    .iter()
                    .any(|m| m.rule.id.as_deref() == Some(id.as_str()))
                {
                    hit = true;
                }
            }
            checked += 1;
            if !hit {
                failures.push(format!("{} ({id})", path.display()));
            }
        }
    }
    assert!(checked >= 400, "{checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} do not trigger their rule:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let _ = LogSource::default();
    let _ = testdata("events");
}
