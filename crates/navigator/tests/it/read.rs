//! Reading every format version, writing 4.5, and reading it back.

use std::path::{Path, PathBuf};

use serde_json::Value;
use ttpmap_navigator::{
    AggregateFunction, ExpandedSubtechniques, Layer, LayerFile, LayoutKind, Level, LinkItem,
    MetadataItem, Sorting,
};
use ttpmap_test_support::{shared_file, testdata};

fn fixtures() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for dir in ["layers", "layers/invalid"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(testdata(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        paths.extend(found);
    }
    assert!(paths.len() >= 15, "{paths:?}");
    paths
}

fn read(path: &Path) -> LayerFile {
    LayerFile::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The annotations of every technique entry in the raw JSON of one layer,
/// as comparable text: id, tactic, score, colour, comment, enabled,
/// metadata, links.
fn raw_annotations(layer: &Value) -> Vec<String> {
    let Some(entries) = layer.get("techniques").and_then(Value::as_array) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|e| e.is_object())
        .map(|e| {
            let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let score = e
                .get("score")
                .and_then(Value::as_f64)
                .map_or("-".to_owned(), |s| s.to_string());
            let enabled = e.get("enabled").and_then(Value::as_bool).unwrap_or(true);
            let list = |k: &str| {
                e.get(k)
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .map(|i| {
                                if i.get("divider").is_some() {
                                    "--".to_owned()
                                } else {
                                    let v: Vec<&str> = i
                                        .as_object()
                                        .unwrap()
                                        .values()
                                        .filter_map(Value::as_str)
                                        .collect();
                                    v.join("=")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(";")
                    })
                    .unwrap_or_default()
            };
            format!(
                "{}|{}|{score}|{}|{}|{enabled}|{}|{}",
                text("techniqueID"),
                text("tactic"),
                text("color"),
                text("comment"),
                list("metadata"),
                list("links")
            )
        })
        .collect()
}

fn model_annotations(layer: &Layer) -> Vec<String> {
    layer
        .techniques
        .iter()
        .map(|e| {
            let metadata: Vec<String> = e
                .metadata
                .iter()
                .map(|m| match m {
                    MetadataItem::Entry { name, value } => format!("{name}={value}"),
                    MetadataItem::Divider => "--".to_owned(),
                })
                .collect();
            let links: Vec<String> = e
                .links
                .iter()
                .map(|l| match l {
                    LinkItem::Link { label, url } => format!("{label}={url}"),
                    LinkItem::Divider => "--".to_owned(),
                })
                .collect();
            let score = e.score.map_or("-".to_owned(), |s| s.to_string());
            let color = if e.color.is_empty() {
                e.extra
                    .get("color")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            } else {
                e.color.clone()
            };
            format!(
                "{}|{}|{score}|{color}|{}|{}|{}|{}",
                e.technique_id,
                e.tactic.clone().unwrap_or_default(),
                e.comment,
                e.enabled,
                metadata.join(";"),
                links.join(";")
            )
        })
        .collect()
}

#[test]
fn every_fixture_round_trips_without_losing_an_annotation() {
    for path in fixtures() {
        let file = read(&path);
        // What was read carries every annotation of the file.
        let text = std::fs::read_to_string(&path).unwrap();
        if let Ok(raw) = serde_json::from_str::<Value>(&text) {
            let raw_layers: Vec<Value> = match raw {
                Value::Array(items) => items,
                one => vec![one],
            };
            for (raw, layer) in raw_layers.iter().zip(&file.layers) {
                let expected: Vec<String> = raw_annotations(raw)
                    .into_iter()
                    .filter(|a| !a.starts_with('|') || a.contains("which technique"))
                    .collect();
                let got: Vec<String> = model_annotations(layer)
                    .into_iter()
                    .filter(|a| !a.starts_with('|') || a.contains("which technique"))
                    .collect();
                if !path.to_string_lossy().contains("invalid") {
                    assert_eq!(got, expected, "{}", path.display());
                }
            }
        }
        // Written as 4.5 and read again: the same layers, no new findings
        // other than those the kept values carry again.
        let written = file.to_json();
        let again = LayerFile::from_str(&written).unwrap();
        assert_eq!(again.layers, file.layers, "{}", path.display());
        assert_eq!(again.array, file.array);
        assert!(
            again.reports.iter().all(|r| r.changes.is_empty()),
            "{}: {:?}",
            path.display(),
            again.reports
        );
        assert_eq!(
            again.to_json(),
            written,
            "{}: writing is deterministic",
            path.display()
        );
        for layer in &again.layers {
            assert_eq!(layer.versions.layer, "4.5");
        }
    }
}

#[test]
fn valid_fixtures_have_no_errors() {
    for path in fixtures()
        .iter()
        .filter(|p| !p.to_string_lossy().contains("invalid"))
    {
        let file = read(path);
        let errors: Vec<_> = file
            .findings()
            .filter(|f| f.level == Level::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn format_1_3_is_upgraded_field_by_field() {
    let file = read(&testdata("layers/v1.3-legacy.json"));
    let layer = &file.layers[0];
    assert_eq!(file.reports[0].format.as_deref(), Some("1.3"));
    assert_eq!(layer.domain, "enterprise-attack");
    assert_eq!(
        layer.filters.platforms.as_deref(),
        Some(&["Windows".to_owned(), "Linux".to_owned(), "macOS".to_owned()][..])
    );
    assert_eq!(layer.sorting, Sorting::NameDescending);
    assert_eq!(layer.tactic_row_background, "#205b8f");
    assert!(!layer.select_techniques_across_tactics);
    let changes: Vec<&str> = file.reports[0]
        .changes
        .iter()
        .map(|c| c.description.as_str())
        .collect();
    assert_eq!(
        changes,
        [
            "`version` \"1.3\" is now `versions.layer` \"4.5\"",
            "domain \"mitre-enterprise\" is now \"enterprise-attack\"",
            "`filters.stages` [\"act\"] dropped: format 4.0 folded PRE-ATT&CK into Enterprise (platform \"PRE\")",
            "platform \"windows\" is now \"Windows\"",
            "platform \"linux\" is now \"Linux\"",
            "platform \"mac\" is now \"macOS\"",
        ]
    );
    assert_eq!(file.reports[0].changes[3].path, "$.filters.platforms");
}

#[test]
fn view_modes_become_layouts() {
    let file = read(&testdata("layers/v2.2-viewmode.json"));
    let layer = &file.layers[0];
    assert_eq!(layer.domain, "mobile-attack");
    assert_eq!(layer.layout.layout, LayoutKind::Side);
    assert!(layer.layout.show_id);
    assert!(!layer.layout.show_name);
    assert!(file.reports[0]
        .changes
        .iter()
        .any(|c| c.path == "$.viewMode" && c.description.contains("compact")));
    assert_eq!(
        layer.filters.platforms.as_deref(),
        Some(&["Android".to_owned(), "iOS".to_owned()][..])
    );

    let file = read(&testdata("layers/v2.1-trailing-commas.json"));
    assert_eq!(file.layers[0].layout.layout, LayoutKind::Mini);
    let commas: Vec<String> = file
        .findings
        .iter()
        .filter(|f| f.code == "trailing-comma")
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        commas,
        [
            "trailing comma at line 7, column 44 is not JSON; read as if absent",
            "trailing comma at line 7, column 46 is not JSON; read as if absent",
            "trailing comma at line 9, column 18 is not JSON; read as if absent",
        ]
    );
    // A comma inside a string is text, not JSON punctuation.
    assert_eq!(file.layers[0].techniques[0].comment, "a, b,");
}

#[test]
fn format_3_keeps_layout_and_drops_stages() {
    let file = read(&testdata("layers/v3.0-full.json"));
    let layer = &file.layers[0];
    assert_eq!(layer.layout.layout, LayoutKind::Flat);
    assert!(layer.layout.show_id && !layer.layout.show_name);
    assert!(layer.select_subtechniques_with_parent);
    // AWS and Azure are both IaaS now: one platform, not two.
    assert_eq!(
        layer.filters.platforms.as_deref(),
        Some(&["Windows".to_owned(), "Linux".to_owned(), "IaaS".to_owned()][..])
    );
    assert!(layer.techniques[0].show_subtechniques);
}

#[test]
fn format_4_5_fields_and_unknown_fields_are_kept() {
    let file = read(&testdata("layers/v4.5-full.json"));
    assert!(file.reports[0].changes.is_empty());
    let layer = &file.layers[0];
    assert_eq!(layer.versions.attack.as_deref(), Some("18"));
    assert_eq!(layer.attack_major(), Some(18));
    assert_eq!(layer.versions.extra["x_build"], 7);
    assert_eq!(
        layer.custom_data_url.as_deref(),
        Some("https://example.org/custom.json")
    );
    assert_eq!(layer.filters.extra["x_filter_note"], "kept");
    assert_eq!(layer.sorting, Sorting::ScoreDescending);
    assert_eq!(layer.layout.aggregate_function, AggregateFunction::Sum);
    assert_eq!(
        layer.layout.expanded_subtechniques,
        ExpandedSubtechniques::Annotated
    );
    assert_eq!(layer.layout.extra["x_zoom"], 2);
    assert!(layer.hide_disabled && layer.select_visible_techniques);
    assert_eq!(layer.techniques[1].score, Some(87.5));
    assert_eq!(layer.techniques[0].extra["x_custom_entry"]["nested"][2], 3);
    assert_eq!(layer.extra["x_owner"]["team"], "cti");
    assert_eq!(layer.legend_items.len(), 2);
    assert_eq!(layer.metadata[1], MetadataItem::Divider);
    // Unknown fields are reported as information, not errors.
    let unknown: Vec<&str> = file
        .findings()
        .filter(|f| f.code == "unknown-field")
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        unknown,
        [
            "$.versions.x_build",
            "$.filters.x_filter_note",
            "$.layout.x_zoom",
            "$.techniques[0].x_custom_entry",
            "$.x_owner"
        ]
    );
    // Key order of the Navigator's export.
    let json = layer.to_json();
    let keys: Vec<&str> = json
        .lines()
        .filter(|l| l.starts_with("\t\""))
        .map(|l| l.trim().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "name",
            "versions",
            "domain",
            "customDataURL",
            "description",
            "filters",
            "sorting",
            "layout",
            "hideDisabled",
            "techniques",
            "gradient",
            "legendItems",
            "metadata",
            "links",
            "showTacticRowBackground",
            "tacticRowBackground",
            "selectTechniquesAcrossTactics",
            "selectSubtechniquesWithParent",
            "selectVisibleTechniques",
            "x_owner"
        ]
    );
    assert!(json.contains("\"score\": 87.5,"));
    assert!(json.contains("\"score\": 20,"));
}

#[test]
fn arrays_of_layers_and_mixed_formats() {
    let file = read(&testdata("layers/v4.5-array.json"));
    assert!(file.array);
    assert_eq!(file.layers.len(), 2);
    assert_eq!(file.layers[1].domain, "mobile-attack");
    assert!(file
        .to_json()
        .starts_with("[\n\t{\n\t\t\"name\": \"every field\""));

    let file = read(&testdata("layers/mixed-array.json"));
    let mixed: Vec<_> = file
        .findings
        .iter()
        .filter(|f| f.code == "mixed-formats")
        .collect();
    assert_eq!(mixed.len(), 1);
    assert_eq!(
        mixed[0].message,
        "the array mixes layer formats 3.0, 4.5; each layer was upgraded to 4.5 on its own"
    );
    assert_eq!(file.layers[1].domain, "enterprise-attack");
    assert_eq!(file.reports[1].format.as_deref(), Some("3.0"));
}

#[test]
fn wrong_types_are_kept_and_reported() {
    let file = read(&testdata("layers/invalid/wrong-types.json"));
    let found: Vec<(Level, &str, &str)> = file
        .findings()
        .map(|f| (f.level, f.code, f.path.as_str()))
        .collect();
    let expect = [
        (Level::Error, "wrong-type", "$.name"),
        (Level::Error, "unknown-value", "$.sorting"),
        (Level::Error, "wrong-type", "$.hideDisabled"),
        (Level::Error, "unknown-value", "$.layout.layout"),
        (Level::Error, "wrong-type", "$.layout.showID"),
        (Level::Error, "unknown-value", "$.layout.aggregateFunction"),
        (Level::Error, "wrong-type", "$.techniques[0].score"),
        (Level::Error, "wrong-type", "$.techniques[1].score"),
        (Level::Error, "wrong-type", "$.techniques[2].enabled"),
        (Level::Error, "wrong-type", "$.techniques[2].color"),
        (Level::Error, "wrong-type", "$.techniques[3]"),
        (Level::Warning, "empty-tactic", "$.techniques[4].tactic"),
        (Level::Error, "wrong-type", "$.gradient.colors"),
        (Level::Error, "wrong-type", "$.gradient.minValue"),
        (Level::Error, "wrong-type", "$.legendItems[1]"),
        (Level::Error, "missing-field", "$.metadata[0]"),
        (Level::Error, "wrong-type", "$.links"),
        (Level::Error, "missing-field", "$"),
    ];
    assert_eq!(found, expect);
    let score = file
        .findings()
        .find(|f| f.path == "$.techniques[1].score")
        .unwrap();
    assert_eq!(
        score.to_string(),
        "error [wrong-type] $.techniques[1].score: score \"75\" is a string: the Navigator shows the technique unscored; kept as is; write it as the number 75"
    );
    let layout = file
        .findings()
        .find(|f| f.path == "$.layout.aggregateFunction")
        .unwrap();
    assert_eq!(
        layout.message,
        "\"median\" is not one of average, min, max, sum; kept as is and ignored"
    );
    // What was wrong is written back exactly as it was read.
    let layer = &file.layers[0];
    assert_eq!(layer.extra["name"], 7);
    assert_eq!(layer.extra["sorting"], "2");
    assert_eq!(layer.techniques[0].extra["score"], "high");
    assert_eq!(layer.techniques[0].score, None);
    let written: Value = serde_json::from_str(&layer.to_json()).unwrap();
    assert_eq!(written["techniques"][1]["score"], "75");
    assert_eq!(written["layout"]["layout"], "sideways");
    assert_eq!(written["links"]["label"], "x");
    // The strict reader refuses it, naming the first error.
    let error = Layer::from_json(
        &std::fs::read_to_string(testdata("layers/invalid/wrong-types.json")).unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "<input>: error [wrong-type] $.name: expected a string, found 7; kept as is and ignored; make it a string"
    );
}

#[test]
fn an_entry_without_technique_id_is_an_error_but_kept() {
    let file = read(&testdata("layers/invalid/missing-technique-id.json"));
    let finding = file.findings().find(|f| f.code == "missing-field").unwrap();
    assert_eq!(finding.path, "$.techniques[0]");
    assert_eq!(file.layers[0].techniques.len(), 2);
    let written: Value = serde_json::from_str(&file.to_json()).unwrap();
    assert_eq!(written["techniques"][0]["comment"], "which technique?");
    assert!(written["techniques"][0].get("techniqueID").is_none());
}

#[test]
fn not_json_and_not_layers_are_errors() {
    let cases = [
        ("", "<input>:1:0: not JSON: EOF while parsing a value at line 1 column 0"),
        ("{\"name\": }", "<input>:1:10: not JSON: expected value at line 1 column 10"),
        ("\"layer\"", "<input>: not a layer: the document is a string, expected an object or an array of objects"),
        ("[]", "<input>: not a layer: the document is an empty array, expected an object or an array of objects"),
        ("[1, true]", "<input>: not a layer: the document is an array without layer objects, expected an object or an array of objects"),
    ];
    for (text, message) in cases {
        assert_eq!(
            LayerFile::from_str(text).unwrap_err().to_string(),
            message,
            "{text:?}"
        );
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let error =
        LayerFile::from_str(&format!("{{\"name\": \"x\", \"techniques\": {deep}}}")).unwrap_err();
    assert!(
        error.to_string().contains("recursion limit exceeded"),
        "{error}"
    );
    let error = LayerFile::from_path(testdata("layers/absent.json")).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("absent.json: No such file or directory (os error 2)"),
        "{error}"
    );
}

#[test]
fn fifty_thousand_entries_read_and_write() {
    let entries: Vec<String> = (0..50_000)
        .map(|i| {
            format!(
                "{{\"techniqueID\": \"T{:04}\", \"score\": {}}}",
                1000 + i % 9000,
                i % 100
            )
        })
        .collect();
    let text = format!(
        "{{\"name\": \"big\", \"versions\": {{\"layer\": \"4.5\", \"navigator\": \"5.1.0\"}}, \"domain\": \"enterprise-attack\", \"techniques\": [{}]}}",
        entries.join(",")
    );
    let file = LayerFile::from_str(&text).unwrap();
    assert_eq!(file.layers[0].techniques.len(), 50_000);
    assert_eq!(file.findings().count(), 0);
    let again = LayerFile::from_str(&file.to_json()).unwrap();
    assert_eq!(again.layers, file.layers);
}

#[test]
fn the_seed_documents_layer_loads() {
    let Some(dir) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let seed = std::fs::read_dir(dir.join("seed"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .unwrap();
    let text = std::fs::read_to_string(seed).unwrap();
    // The example layer is the JSON object after "Example Layer JSON".
    let start = text.find("Example Layer JSON").unwrap();
    let open = start + text[start..].find('{').unwrap();
    let mut depth = 0;
    let mut end = open;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = open + i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    let file = LayerFile::from_str(&text[open..end]).unwrap();
    let layer = &file.layers[0];
    assert_eq!(layer.name, "Threat Actor TTPs");
    assert_eq!(layer.domain, "enterprise-attack");
    assert_eq!(file.reports[0].format.as_deref(), Some("3.0"));
    let ids: Vec<&str> = layer
        .techniques
        .iter()
        .map(|t| t.technique_id.as_str())
        .collect();
    assert_eq!(ids, ["T1059.001", "T1566.001"]);
    assert_eq!(layer.techniques[0].comment, "Observed in latest incident");
    assert!(file.findings().all(|f| f.level != Level::Error));
}

#[test]
fn the_formats_own_examples_load() {
    let Some(dir) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let examples = dir.join("navigator/spec-examples");
    let mut count = 0;
    for sub in ["", "invalid-json"] {
        for entry in std::fs::read_dir(examples.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            count += 1;
            let file = read(&path);
            let errors: Vec<_> = file
                .findings()
                .filter(|f| f.level == Level::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            let again = LayerFile::from_str(&file.to_json()).unwrap();
            assert_eq!(again.layers, file.layers, "{}", path.display());
            let raw = std::fs::read_to_string(&path).unwrap();
            let commas = file.findings.iter().any(|f| f.code == "trailing-comma");
            assert_eq!(commas, sub == "invalid-json", "{}", path.display());
            if !commas {
                let raw: Value = serde_json::from_str(&raw).unwrap();
                let raw_layers: Vec<Value> = match raw {
                    Value::Array(items) => items,
                    one => vec![one],
                };
                for (raw, layer) in raw_layers.iter().zip(&file.layers) {
                    assert_eq!(
                        model_annotations(layer),
                        raw_annotations(raw),
                        "{}",
                        path.display()
                    );
                }
            }
        }
    }
    assert_eq!(count, 15);
    let _ = shared_file("navigator/README.md");
}
