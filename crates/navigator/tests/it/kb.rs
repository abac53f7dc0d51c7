//! Layers against ATT&CK: validation, ATT&CK upgrades, the view's
//! computations, generators and layer algebra, on the sample and on the
//! real Enterprise releases.

use ttpmap_attack::{Domain, KnowledgeBase, Paths, Scope};
use ttpmap_navigator::{
    actors_layer, aggregate, combine, data_component_layer, merge, platform_layer, set_operation,
    upgrade_attack, AggregateFunction, Color, CombineOptions, Layer, LayerFile, LayerView, Level,
    SetOperation, Sorting, TechniqueEntry,
};
use ttpmap_test_support::testdata;

use crate::data::{enterprise_17, enterprise_18};

fn fixture(name: &str) -> Layer {
    let file = LayerFile::from_path(testdata(&format!("layers/{name}"))).unwrap();
    file.layers.into_iter().next().unwrap()
}

fn codes(findings: &[ttpmap_navigator::Finding]) -> Vec<(&str, &str)> {
    findings.iter().map(|f| (f.code, f.path.as_str())).collect()
}

#[test]
fn bad_references_are_found_with_fixes() {
    let Some(kb) = enterprise_18() else { return };
    let layer = fixture("invalid/bad-references.json");
    let findings = layer.validate_against(kb);
    assert_eq!(
        codes(&findings),
        [
            ("gradient", "$.gradient.colors"),
            ("gradient", "$.gradient"),
            ("bad-color", "$.legendItems[0].color"),
            ("link", "$.links[0].url"),
            ("malformed-id", "$.techniques[3].techniqueID"),
            ("bad-color", "$.techniques[7].color"),
            ("duplicate-entry", "$.techniques[9]"),
            ("unknown-platform", "$.filters.platforms[1]"),
            ("unknown-platform", "$.filters.platforms[2]"),
            ("revoked-technique", "$.techniques[0].techniqueID"),
            ("deprecated-technique", "$.techniques[1].techniqueID"),
            ("unknown-technique", "$.techniques[2].techniqueID"),
            ("wrong-tactic", "$.techniques[4].tactic"),
            ("unknown-tactic", "$.techniques[5].tactic"),
        ]
    );
    let by_code = |code: &str, n: usize| findings.iter().filter(|f| f.code == code).nth(n).unwrap();
    let revoked = by_code("revoked-technique", 0);
    assert_eq!(revoked.level, Level::Warning);
    assert_eq!(revoked.message, "T1086 (PowerShell) is revoked");
    assert_eq!(
        revoked.suggestion.as_deref(),
        Some("use T1059.001 (PowerShell) instead, or run `ttpmap layer upgrade`")
    );
    assert_eq!(
        by_code("deprecated-technique", 0).message,
        "T1064 (Scripting) is deprecated: the Navigator no longer shows it"
    );
    assert_eq!(
        by_code("malformed-id", 0).suggestion.as_deref(),
        Some("write \"T1059.001\"")
    );
    assert_eq!(
        by_code("wrong-tactic", 0).suggestion.as_deref(),
        Some("T1059.001 is under execution")
    );
    assert_eq!(
        by_code("wrong-tactic", 0).entry.as_deref(),
        Some("T1059.001^persistence")
    );
    assert_eq!(
        by_code("unknown-tactic", 0).suggestion.as_deref(),
        Some("did you mean \"execution\"?")
    );
    assert_eq!(
        by_code("unknown-platform", 0).suggestion.as_deref(),
        Some("did you mean \"Windows\"?")
    );
    assert!(by_code("unknown-platform", 1)
        .suggestion
        .as_deref()
        .unwrap()
        .starts_with("enterprise-attack platforms: Containers, ESXi, IaaS"));
    assert_eq!(
        by_code("gradient", 1).message,
        "minValue 10 must be below maxValue 10"
    );
    assert_eq!(
        by_code("bad-color", 1).message,
        "`#12345` is not a colour: expected #rgb, #rrggbb, #rrggbbaa, rgb(), hsl() or a colour name; the Navigator ignores it"
    );
    // With a usable gradient, a score beyond it is reported.
    let mut layer = layer;
    layer.gradient = ttpmap_navigator::GradientSpec::default();
    let findings = layer.validate();
    let out = findings
        .iter()
        .find(|f| f.code == "score-out-of-range")
        .unwrap();
    assert_eq!(out.path, "$.techniques[6].score");
    assert_eq!(
        out.message,
        "score 150 is above maxValue of the gradient (0 to 100): drawn in the highest colour"
    );
    assert_eq!(
        out.suggestion.as_deref(),
        Some("widen the gradient to 0 to 150")
    );

    // Several scores out of range: one range for all, in every finding.
    layer.techniques[0].score = Some(-20.0);
    layer.techniques[1].score = Some(400.0);
    let out: Vec<_> = layer
        .validate()
        .into_iter()
        .filter(|f| f.code == "score-out-of-range")
        .collect();
    assert_eq!(out.len(), 3);
    for finding in &out {
        assert_eq!(
            finding.suggestion.as_deref(),
            Some("widen the gradient to -20 to 400 (covers all 3 such scores)")
        );
    }
}

#[test]
fn good_layers_validate_clean_against_enterprise_18() {
    let Some(kb) = enterprise_18() else { return };
    for name in [
        "v4.5-full.json",
        "v4.2-aggregate.json",
        "v4.3-links.json",
        "v3.0-seed.json",
    ] {
        let layer = fixture(name);
        let problems: Vec<_> = layer
            .validate_against(kb)
            .into_iter()
            .filter(|f| f.level != Level::Info)
            .collect();
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }
}

#[test]
fn old_layers_move_to_the_current_release() {
    let Some(kb) = enterprise_18() else { return };
    let layer = fixture("v1.3-legacy.json");
    let upgrade = upgrade_attack(&layer, None, kb).unwrap();
    let report = &upgrade.report;
    assert_eq!(report.to, "18.1");
    assert_eq!(report.carried, ["T1003"]);
    let replaced: Vec<(&str, Option<&str>)> = report
        .replaced
        .iter()
        .map(|r| (r.entry.as_str(), r.now.as_deref()))
        .collect();
    assert_eq!(
        replaced,
        [("T1086", Some("T1059.001")), ("T1193", Some("T1566.001"))]
    );
    assert_eq!(
        report.replaced[0].reason,
        "T1086 is revoked by T1059.001 (PowerShell)"
    );
    assert_eq!(upgrade.layer.versions.attack.as_deref(), Some("18"));
    let powershell = upgrade
        .layer
        .techniques
        .iter()
        .find(|t| t.technique_id == "T1059.001")
        .unwrap();
    assert_eq!(powershell.score, Some(3.0));
    assert_eq!(powershell.comment, "PowerShell before sub-techniques");
    // The upgraded layer has no revoked technique left.
    assert!(upgrade
        .layer
        .validate_against(kb)
        .iter()
        .all(|f| f.code != "revoked-technique"));

    // A tactic the technique is no longer under: listed, with the annotation.
    let layer = fixture("v3.0-full.json");
    let upgrade = upgrade_attack(&layer, None, kb).unwrap();
    let dropped: Vec<&str> = upgrade
        .report
        .dropped
        .iter()
        .map(|d| d.entry.as_str())
        .collect();
    assert_eq!(dropped, ["T1078^discovery"]);
    assert!(upgrade.report.dropped[0].reason.starts_with("T1078 is no longer under discovery (it is under defense-evasion, persistence, privilege-escalation, initial-access)"), "{}", upgrade.report.dropped[0].reason);
    assert_eq!(upgrade.report.dropped[0].annotation["enabled"], false);
    assert_eq!(upgrade.layer.techniques.len(), layer.techniques.len() - 1);
}

#[test]
fn upgrading_17_to_18_compares_the_releases() {
    let (Some(old), Some(new)) = (enterprise_17(), enterprise_18()) else {
        return;
    };
    let mut layer = Layer::new("17", "enterprise-attack", Some("17"));
    for (id, score) in [
        ("T1005", 1.0),
        ("T1001", 2.0),
        ("T1021.007", 3.0),
        ("T1086", 4.0),
    ] {
        layer
            .techniques
            .push(TechniqueEntry::new(id).with_score(score));
    }
    let upgrade = upgrade_attack(&layer, Some(old), new).unwrap();
    let report = &upgrade.report;
    assert_eq!(report.from.as_deref(), Some("17"));
    assert_eq!(report.carried, ["T1001", "T1021.007"]);
    assert_eq!(report.review.len(), 1);
    assert_eq!(report.review[0].entry, "T1005");
    assert_eq!(
        report.review[0].reason,
        "T1005 (Data from Local System) changed (version 1.7 → 1.8)"
    );
    assert_eq!(report.replaced[0].now.as_deref(), Some("T1059.001"));
    assert_eq!(upgrade.layer.techniques.len(), 4);
}

#[test]
fn entries_without_tactic_apply_to_every_tactic_and_aggregate() {
    let Some(kb) = enterprise_18() else { return };
    // The format's own 4.5 example, in our words: T1110 scored 0 with
    // T1110.001 at 100; countUnscored with the average.
    let mut layer = Layer::new("agg", "enterprise-attack", Some("18"));
    layer.layout.show_aggregate_scores = true;
    layer.layout.count_unscored = true;
    layer
        .techniques
        .push(TechniqueEntry::new("T1110").with_score(0.0));
    layer
        .techniques
        .push(TechniqueEntry::new("T1110.001").with_score(100.0));
    layer
        .techniques
        .push(TechniqueEntry::new("T1053").with_score(30.0));
    let view = LayerView::new(&layer, kb).unwrap();
    let brute = kb.technique("T1110").unwrap();
    // T1110 has 4 sub-techniques: (0 + 100) / (4 + 1).
    assert_eq!(view.aggregate_score(brute, "credential-access"), Some(20.0));
    let scheduled = kb.technique("T1053").unwrap();
    for tactic in ["execution", "persistence", "privilege-escalation"] {
        assert_eq!(view.score(scheduled, tactic), Some(30.0), "{tactic}");
    }
    let columns = view.columns();
    assert_eq!(columns.len(), 14);
    let cell = columns
        .iter()
        .find(|c| c.tactic.shortname() == "credential-access")
        .unwrap()
        .cells
        .iter()
        .find(|c| c.technique.attack_id() == Some("T1110"))
        .unwrap();
    assert_eq!(cell.aggregate, Some(20.0));
    assert_eq!(cell.subtechnique_count, 4);
    // The aggregate colours the cell: 20 on the default gradient is step
    // 20 of the first segment (#ff6666 → #ffe766 in 49 steps): green
    // 0x66 + 20 × (0xe7 − 0x66) / 49 = 102 + 52.65 → 155 = 0x9b.
    assert_eq!(cell.background, view.gradient().color_of(20.0));
    assert_eq!(
        cell.background.map(Color::to_hex).as_deref(),
        Some("#ff9b66")
    );
    assert_eq!(cell.text, Color::BLACK);
}

#[test]
fn sorting_and_hiding_follow_the_layer() {
    let kb = KnowledgeBase::sample();
    let mut layer = Layer::new("sorted", "enterprise-attack", None);
    layer.sorting = Sorting::ScoreDescending;
    layer.hide_disabled = true;
    let execution: Vec<String> = kb
        .matrix(Domain::Enterprise, None)
        .columns
        .iter()
        .find(|c| c.tactic.shortname() == "execution")
        .unwrap()
        .techniques
        .iter()
        .filter_map(|c| c.technique.attack_id().map(str::to_owned))
        .collect();
    assert!(execution.len() >= 3, "{execution:?}");
    layer
        .techniques
        .push(TechniqueEntry::new(execution[0].clone()).with_score(1.0));
    layer
        .techniques
        .push(TechniqueEntry::new(execution[1].clone()).with_score(9.0));
    let mut disabled = TechniqueEntry::new(execution[2].clone());
    disabled.enabled = false;
    layer.techniques.push(disabled);
    let view = LayerView::new(&layer, &kb).unwrap();
    let column = view
        .columns()
        .into_iter()
        .find(|c| c.tactic.shortname() == "execution")
        .unwrap();
    let order: Vec<&str> = column
        .cells
        .iter()
        .filter_map(|c| c.technique.attack_id())
        .collect();
    assert_eq!(&order[..2], [execution[1].as_str(), execution[0].as_str()]);
    assert!(!order.contains(&execution[2].as_str()));
    assert_eq!(order.len(), execution.len() - 1);
}

#[test]
fn aggregate_goldens_worked_by_hand() {
    use AggregateFunction::{Average, Max, Min, Sum};
    // Technique 10, sub-techniques 20, unscored, 60 (three sub-techniques).
    let subs = [Some(20.0), None, Some(60.0)];
    assert_eq!(aggregate(Average, false, Some(10.0), &subs), Some(30.0)); // 90 / 3 scored
    assert_eq!(aggregate(Average, true, Some(10.0), &subs), Some(22.5)); // 90 / (3 + 1)
    assert_eq!(aggregate(Min, false, Some(10.0), &subs), Some(10.0));
    assert_eq!(aggregate(Max, false, Some(10.0), &subs), Some(60.0));
    assert_eq!(aggregate(Sum, false, Some(10.0), &subs), Some(90.0));
    // Unscored technique: 0 in the list, not counted by the average.
    assert_eq!(aggregate(Average, false, None, &subs), Some(40.0)); // 80 / 2
    assert_eq!(aggregate(Min, false, None, &subs), Some(0.0));
    assert_eq!(aggregate(Average, true, None, &subs), Some(20.0)); // 80 / 4
                                                                   // Nothing scored: no aggregate.
    assert_eq!(aggregate(Max, false, None, &[None, None]), None);
    // Rounded to two decimals: 10 / 3.
    assert_eq!(
        aggregate(Average, false, Some(10.0), &[Some(0.0), Some(0.0)]),
        Some(3.33)
    );
    // 2 / 3 = 0.666… → 0.67; a zero score counts as scored.
    assert_eq!(
        aggregate(Average, false, Some(2.0), &[Some(0.0), Some(0.0)]),
        Some(0.67)
    );
}

#[test]
fn generated_layers_carry_procedures_and_validate() {
    let Some(kb) = enterprise_18() else { return };
    let apt28 = kb.group("G0007").unwrap();
    let layer = actors_layer(kb, &[apt28.object()], Domain::Enterprise, Paths::ALL).unwrap();
    let expected =
        ttpmap_attack::distinct(&kb.techniques_used_by_group(apt28, Paths::ALL, Scope::Active));
    assert_eq!(layer.techniques.len(), expected.len());
    assert_eq!(layer.name, "APT28 (G0007)");
    assert_eq!(layer.versions.attack.as_deref(), Some("18"));
    assert!(layer
        .techniques
        .windows(2)
        .all(|w| w[0].technique_id < w[1].technique_id));
    let powershell = layer
        .techniques
        .iter()
        .find(|t| t.technique_id == "T1059.001")
        .unwrap();
    assert!(
        !powershell.comment.contains("(Citation:"),
        "{}",
        powershell.comment
    );
    assert!(
        powershell.comment.contains("PowerShell"),
        "{}",
        powershell.comment
    );
    let problems: Vec<_> = layer
        .validate_against(kb)
        .into_iter()
        .filter(|f| f.level != Level::Info)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    // Round trip of a generated layer.
    assert_eq!(Layer::from_json(&layer.to_json()).unwrap(), layer);

    let apt29 = kb.group("G0016").unwrap();
    let both = actors_layer(
        kb,
        &[apt28.object(), apt29.object()],
        Domain::Enterprise,
        Paths::DIRECT,
    )
    .unwrap();
    assert!((both.gradient.max_value - 2.0).abs() < f64::EPSILON);
    let shared = both
        .techniques
        .iter()
        .filter(|t| t.score == Some(2.0))
        .count();
    let direct = |g| {
        ttpmap_attack::distinct(&kb.techniques_used_by_group(g, Paths::DIRECT, Scope::Active))
            .into_iter()
            .filter_map(|o| o.attack_id().map(str::to_owned))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(shared, direct(apt28).intersection(&direct(apt29)).count());
    assert_eq!(
        both.techniques.len(),
        direct(apt28).union(&direct(apt29)).count()
    );

    let linux = platform_layer(kb, Domain::Enterprise, "linux").unwrap();
    assert_eq!(
        linux.filters.platforms.as_deref(),
        Some(&["Linux".to_owned()][..])
    );
    assert_eq!(
        linux.techniques.len(),
        kb.techniques_of_platform("Linux", Scope::Active).len()
    );
    let error = platform_layer(kb, Domain::Enterprise, "Amiga").unwrap_err();
    assert!(
        error.to_string().starts_with(
            "\"Amiga\" is not a platform of enterprise-attack; its platforms are Containers"
        ),
        "{error}"
    );

    let component = kb.data_component("Process Creation").unwrap();
    let detects = data_component_layer(kb, component, Domain::Enterprise).unwrap();
    assert!(detects
        .techniques
        .iter()
        .any(|t| t.technique_id == "T1059.001"));
}

#[test]
fn combining_layers_expands_tactics_with_a_knowledge_base() {
    let Some(kb) = enterprise_18() else { return };
    let mut a = Layer::new("a", "enterprise-attack", Some("18"));
    a.techniques.push(
        TechniqueEntry::new("T1053")
            .with_score(2.0)
            .with_comment("from a"),
    );
    let mut b = Layer::new("b", "enterprise-attack", Some("18"));
    b.techniques.push(
        TechniqueEntry::new("T1053")
            .with_tactic("persistence")
            .with_score(3.0),
    );
    let options = CombineOptions {
        comments_from: Some(0),
        ..CombineOptions::default()
    };
    let sum = combine(&[&a, &b], "a + b", &options, Some(kb)).unwrap();
    let scores: Vec<(String, Option<f64>, &str)> = sum
        .techniques
        .iter()
        .map(|t| (t.key(), t.score, t.comment.as_str()))
        .collect();
    assert_eq!(
        scores,
        [
            ("T1053^execution".to_owned(), Some(2.0), "from a"),
            ("T1053^persistence".to_owned(), Some(5.0), "from a"),
            ("T1053^privilege-escalation".to_owned(), Some(2.0), "from a"),
        ]
    );
    assert_eq!((sum.gradient.min_value, sum.gradient.max_value), (2.0, 5.0));
    // A constant scores every technique of the domain under each tactic.
    let all = combine(&[&a], "1", &CombineOptions::default(), Some(kb)).unwrap();
    let expected: usize = kb
        .techniques_of_domain(Domain::Enterprise, Scope::Active)
        .iter()
        .map(|t| t.tactic_shortnames().len())
        .sum();
    assert_eq!(all.techniques.len(), expected);
    // Without the data, entries match as written.
    let plain = combine(&[&a, &b], "a + b", &CombineOptions::default(), None).unwrap();
    assert_eq!(plain.techniques.len(), 2);
}

#[test]
fn combining_errors_name_the_problem() {
    let mut a = Layer::new("a", "enterprise-attack", Some("18"));
    a.techniques
        .push(TechniqueEntry::new("T1105").with_score(0.0));
    let b = Layer::new("b", "mobile-attack", Some("18"));
    let none = CombineOptions::default();
    let error = |r: ttpmap_navigator::Result<Layer>| r.unwrap_err().to_string();
    assert_eq!(
        error(combine(&[&a, &b], "a+b", &none, None)),
        "layer b (\"b\") is mobile-attack, layer a (\"a\") is enterprise-attack: combined layers must share a domain"
    );
    assert_eq!(
        error(combine(&[&a], "a+c", &none, None)),
        "in expression \"a+c\": `c` names layer 3 but only 1 layers were given"
    );
    assert_eq!(
        error(combine(&[&a], "1/a", &none, None)),
        "in expression \"1/a\": `1 / a` does not evaluate to a finite number for T1105"
    );
    assert!(error(combine(&[&a], "a +", &none, None)).starts_with("in expression \"a +\": "));
    let mut c = Layer::new("c", "enterprise-attack", Some("17"));
    c.techniques.clear();
    assert_eq!(
        error(combine(&[&a, &c], "a", &none, None)),
        "layer b is for ATT&CK 17, layer a for ATT&CK 18: upgrade one with `ttpmap layer upgrade` first"
    );
    let options = CombineOptions {
        gradient_from: Some(4),
        ..CombineOptions::default()
    };
    assert_eq!(
        error(combine(&[&a], "a", &options, None)),
        "gradient from layer e but only 1 layers were given"
    );
}

#[test]
fn set_operations_and_merge() {
    let mut a = Layer::new("a", "enterprise-attack", None);
    a.techniques
        .push(TechniqueEntry::new("T1059").with_score(1.0));
    a.techniques.push(
        TechniqueEntry::new("T1105")
            .with_score(2.0)
            .with_comment("a"),
    );
    let mut b = Layer::new("b", "enterprise-attack", None);
    b.techniques.push(
        TechniqueEntry::new("T1105")
            .with_score(3.0)
            .with_comment("b"),
    );
    b.techniques
        .push(TechniqueEntry::new("T1003").with_score(4.0));
    let ids = |l: &Layer| {
        l.techniques
            .iter()
            .map(|t| t.technique_id.clone())
            .collect::<Vec<_>>()
    };
    let union = set_operation(&[&a, &b], SetOperation::Union, None).unwrap();
    assert_eq!(ids(&union), ["T1059", "T1105", "T1003"]);
    assert_eq!(union.name, "a ∪ b");
    assert_eq!(
        ids(&set_operation(&[&a, &b], SetOperation::Intersection, None).unwrap()),
        ["T1105"]
    );
    assert_eq!(
        ids(&set_operation(&[&a, &b], SetOperation::Difference, None).unwrap()),
        ["T1059"]
    );
    let merged = merge(&[&a, &b], None).unwrap();
    assert_eq!(ids(&merged), ["T1059", "T1105", "T1003"]);
    assert_eq!(merged.techniques[1].score, Some(3.0));
    assert_eq!(merged.techniques[1].comment, "a\nb");
}

#[test]
fn sigmas_own_coverage_layer_reads_and_names_attack_19_content() {
    let (Some(kb), Some(path)) = (
        enterprise_18(),
        ttpmap_test_support::shared_file("sigma/other/sigma_attack_nav_coverage.json"),
    ) else {
        return;
    };
    let file = LayerFile::from_path(path).unwrap();
    assert_eq!(file.reports[0].format.as_deref(), Some("4.4"));
    assert!(file.findings().all(|f| f.level != Level::Error));
    let layer = &file.layers[0];
    assert_eq!(layer.name, "Sigma Analytics Coverage");
    assert_eq!(&Layer::from_json(&layer.to_json()).unwrap(), layer);
    // The rules use ATT&CK 19 (tactics `stealth`, `defense-impairment`,
    // technique T1685): against 18.1 they are named, not dropped.
    let findings = layer.validate_against(kb);
    let count = |code: &str| findings.iter().filter(|f| f.code == code).count();
    assert_eq!(count("unknown-tactic"), 105);
    assert_eq!(count("unknown-technique"), 11);
    assert_eq!(count("wrong-tactic"), 11);
    assert_eq!(count("score-out-of-range"), 65);
    assert_eq!(count("attack-version-mismatch"), 1);
    let t1685 = findings
        .iter()
        .find(|f| {
            f.code == "unknown-technique"
                && f.entry.as_deref().is_some_and(|e| e.starts_with("T1685"))
        })
        .unwrap();
    assert!(t1685
        .message
        .starts_with("T1685 is not a technique of the loaded ATT&CK data"));
    // Its view still draws: unknown entries are orphans, not errors.
    let view = LayerView::new(layer, kb).unwrap();
    assert!(view.orphans().count() >= 116);
    assert_eq!(view.columns().len(), 14);
}
