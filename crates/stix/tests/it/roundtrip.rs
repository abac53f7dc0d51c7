//! Everything read is written back with the same meaning.

use std::path::Path;

use serde_json::Value;
use ttpmap_stix::read::Document;
use ttpmap_stix::{Bundle, StixObject};
use ttpmap_test_support::{shared_file, testdata};

/// Parse `text`, write it back, and compare as JSON values.
fn assert_round_trip(name: &str, text: &str) {
    let original: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let doc = Document::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written = match &doc {
        Document::Bundle(b) => serde_json::to_value(b),
        Document::Object(o) => serde_json::to_value(o),
        _ => unreachable!(),
    }
    .unwrap();
    if written != original {
        let (Some(a), Some(b)) = (original.get("objects"), written.get("objects")) else {
            panic!("{name}: round trip differs:\n{original}\n{written}");
        };
        for (x, y) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()) {
            assert_eq!(x, y, "{name}: object differs after round trip");
        }
        panic!("{name}: bundle differs after round trip");
    }
}

fn release(name: &str) -> Option<String> {
    let path = shared_file(&format!("attack-stix/{name}"))?;
    Some(std::fs::read_to_string(path).unwrap())
}

#[test]
fn every_attack_release_round_trips() {
    for name in [
        "enterprise-attack-18.1.json",
        "enterprise-attack-17.1.json",
        "mobile-attack-18.1.json",
        "mobile-attack-17.1.json",
        "ics-attack-18.1.json",
        "ics-attack-17.1.json",
    ] {
        let Some(text) = release(name) else { return };
        assert_round_trip(name, &text);
    }
}

#[test]
fn enterprise_18_1_has_the_expected_shape() {
    let Some(text) = release("enterprise-attack-18.1.json") else {
        return;
    };
    let bundle: Bundle = text.parse().unwrap();
    let objects = bundle.objects();
    assert_eq!(objects.len(), 24_772);
    let count = |t: &str| objects.iter().filter(|o| o.object_type() == t).count();
    assert_eq!(count("attack-pattern"), 835);
    assert_eq!(count("relationship"), 20_048);
    assert_eq!(count("intrusion-set"), 187);
    assert_eq!(count("x-mitre-analytic"), 1_739);
    // Custom types become CustomObject with everything kept.
    let tactic = objects
        .iter()
        .find(|o| o.object_type() == "x-mitre-tactic")
        .unwrap();
    assert!(matches!(tactic, StixObject::Custom(_)));
    assert!(tactic.extra().contains_key("x_mitre_shortname"));
    // Typed access to ATT&CK techniques.
    let powershell = objects
        .iter()
        .find_map(|o| match o {
            StixObject::AttackPattern(t) if t.name == "PowerShell" => Some(t),
            _ => None,
        })
        .unwrap();
    let mitre = &powershell.external_references.as_ref().unwrap()[0];
    assert_eq!(mitre.external_id.as_deref(), Some("T1059.001"));
    assert_eq!(
        powershell.kill_chain_phases.as_ref().unwrap()[0].phase_name,
        "execution"
    );
    assert_eq!(powershell.extra["x_mitre_is_subtechnique"], true);
}

#[test]
fn stix_2_0_per_object_folder_reads() {
    let Some(dir) = shared_file("attack-stix/cti-ics-attack-18.1") else {
        return;
    };
    let objects = ttpmap_stix::read::objects_from_path(&dir).unwrap();
    assert!(objects.len() > 1_000, "{}", objects.len());
    // 2.0 objects have no spec_version and parse all the same.
    assert!(objects.iter().any(|(_, o)| o.spec_version().is_none()));
    // Every file round-trips.
    let mut files: Vec<&Path> = objects.iter().map(|(p, _)| p.as_path()).collect();
    files.dedup();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        assert_round_trip(&file.display().to_string(), &text);
    }
}

#[test]
fn valid_fixtures_round_trip() {
    let dir = testdata("stix/valid");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") || path.ends_with("sco-ids.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_round_trip(&path.display().to_string(), &text);
        n += 1;
    }
    assert!(n >= 100, "only {n} valid fixtures");
}

#[test]
fn oasis_example_bundles_round_trip() {
    let Some(dir) = shared_file("stix-vectors/oasis-open+cti-stix2-json-schemas/examples") else {
        return;
    };
    let mut files = Vec::new();
    collect(&dir, &mut files);
    assert!(files.len() >= 8);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_round_trip(&path.display().to_string(), &text);
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_entry_point_agrees() {
    let text = std::fs::read_to_string(testdata("stix/valid/bundle-01.json")).unwrap();
    let a = Bundle::from_json(&text).unwrap();
    let b = Bundle::from_slice(text.as_bytes()).unwrap();
    let c = Bundle::from_reader(text.as_bytes()).unwrap();
    let d = Bundle::from_path(testdata("stix/valid/bundle-01.json")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(a, d);
    let again: Bundle = a.to_json_pretty().parse().unwrap();
    assert_eq!(again, a);
}

#[test]
fn timestamps_keep_their_digits() {
    let text = r#"{"type":"attack-pattern","spec_version":"2.1",
        "id":"attack-pattern--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22",
        "created":"2017-05-31T21:30:18.000Z","modified":"2017-05-31T21:30:18.931Z",
        "name":"x"}"#;
    let object = StixObject::from_json(text).unwrap();
    let json = object.to_json();
    assert!(
        json.contains(r#""created":"2017-05-31T21:30:18.000Z""#),
        "{json}"
    );
    assert!(
        json.contains(r#""modified":"2017-05-31T21:30:18.931Z""#),
        "{json}"
    );
}

#[test]
fn custom_properties_keep_their_order() {
    let text = r#"{"type":"tool","spec_version":"2.1","id":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"VNC",
        "x_zeta":1,"x_alpha":{"b":2,"a":1},"x_mid":[3,2,1]}"#;
    let object = StixObject::from_json(text).unwrap();
    let keys: Vec<&str> = object.extra().keys().map(String::as_str).collect();
    assert_eq!(keys, ["x_zeta", "x_alpha", "x_mid"]);
    let json = object.to_json();
    assert!(
        json.ends_with(r#""x_zeta":1,"x_alpha":{"b":2,"a":1},"x_mid":[3,2,1]}"#),
        "{json}"
    );
}

#[test]
fn numbers_keep_their_exact_value() {
    let text = r#"{"type":"x-foo","id":"x-foo--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "x_big":123456789012345678901234567890,"x_float":0.1000000000000000055511151231257827,
        "x_exp":1e400,"x_plain":1.50}"#;
    let json = StixObject::from_json(text).unwrap().to_json();
    assert!(
        json.contains(r#""x_big":123456789012345678901234567890"#),
        "{json}"
    );
    assert!(
        json.contains(r#""x_float":0.1000000000000000055511151231257827"#),
        "{json}"
    );
    // The value is kept; serde_json writes the exponent with its sign.
    assert!(json.contains(r#""x_exp":1e+400"#), "{json}");
    assert!(json.contains(r#""x_plain":1.50"#), "{json}");
}
