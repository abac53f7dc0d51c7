//! Report text to techniques: sentences, mentions, the similarity model and
//! its evaluation.
//!
//! The heavy evaluation is ignored by default; run it with
//! `cargo test -p ttpmap-mapper --release --test it text::evaluation -- --ignored --nocapture`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Instant;

use regex::Regex;
use ttpmap_attack::{KnowledgeBase, Scope};
use ttpmap_mapper::text::{
    clean_attack_text, evaluate, held_out_groups, reliability, sentences, Case, Credit, Evaluation,
    Evidence, Features, MentionKind, Metrics, Model, Options, Profile, Ranked, Setup, TextMapper,
    Unit,
};

/// Enterprise 18.1, loaded once per test binary (None when the shared data
/// is absent).
fn enterprise() -> Option<&'static KnowledgeBase> {
    static KB: OnceLock<Option<KnowledgeBase>> = OnceLock::new();
    KB.get_or_init(|| {
        let path = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")?;
        KnowledgeBase::from_path(path).ok()
    })
    .as_ref()
}

/// The mapper trained on Enterprise 18.1, once per test binary.
fn enterprise_mapper() -> Option<&'static TextMapper> {
    static MAPPER: OnceLock<Option<TextMapper>> = OnceLock::new();
    MAPPER
        .get_or_init(|| enterprise().map(TextMapper::new))
        .as_ref()
}

fn sample_mapper() -> &'static TextMapper {
    static MAPPER: OnceLock<TextMapper> = OnceLock::new();
    MAPPER.get_or_init(|| TextMapper::new(&KnowledgeBase::sample()))
}

fn ranked(id: &str, confidence: f64) -> Ranked {
    Ranked {
        id: id.to_owned(),
        name: String::new(),
        score: confidence,
        confidence,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn metrics_on_a_hand_made_case() {
    let cases = [
        // Top right: P@1 hit, RR 1.
        Case {
            gold: vec!["T1059.001".into()],
            ranked: vec![ranked("T1059.001", 0.8), ranked("T1105", 0.4)],
        },
        // Sibling first, right one second: exact RR 1/2, parent RR 1.
        Case {
            gold: vec!["T1003.001".into()],
            ranked: vec![
                ranked("T1003.002", 0.6),
                ranked("T1003.001", 0.35),
                ranked("T1112", 0.1),
            ],
        },
        // Two right techniques, one found at rank 4; nothing above 0.3.
        Case {
            gold: vec!["T1566.001".into(), "T1204.002".into()],
            ranked: vec![
                ranked("T1071.001", 0.2),
                ranked("T1105", 0.2),
                ranked("T1027", 0.1),
                ranked("T1204.002", 0.05),
            ],
        },
        // Nothing ranked.
        Case {
            gold: vec!["T1486".into()],
            ranked: vec![],
        },
        // No gold: skipped.
        Case {
            gold: vec![],
            ranked: vec![ranked("T1486", 0.9)],
        },
    ];
    let exact = Metrics::compute(&cases, Credit::Exact);
    assert_eq!(exact.queries, 4);
    assert!(close(exact.precision_at_1, 1.0 / 4.0));
    assert!(close(exact.recall(1).unwrap(), 1.0 / 4.0));
    // R@3: case 1 → 1, case 2 → 1, case 3 → 0/2, case 4 → 0.
    assert!(close(exact.recall(3).unwrap(), 2.0 / 4.0));
    // R@5: case 3 finds T1204.002 → 1/2.
    assert!(close(exact.recall(5).unwrap(), 2.5 / 4.0));
    assert!(close(exact.recall(10).unwrap(), 2.5 / 4.0));
    assert!(close(exact.mrr, (1.0 + 0.5 + 0.25 + 0.0) / 4.0));
    // ≥ 0.3: predictions T1059.001 (right), T1105, T1003.002, T1003.001 (right).
    let at_03 = exact.thresholds[0];
    assert!(close(at_03.threshold, 0.3));
    assert_eq!((at_03.predictions, at_03.correct), (4, 2));
    assert!(close(at_03.precision, 0.5));
    assert!(close(at_03.recall, 2.0 / 5.0));
    assert!(close(at_03.f1, 2.0 * 0.5 * 0.4 / 0.9));
    // ≥ 0.5: T1059.001 (right), T1003.002 (wrong).
    let at_05 = exact.thresholds[1];
    assert_eq!((at_05.predictions, at_05.correct), (2, 1));
    assert!(close(at_05.recall, 1.0 / 5.0));
    // ≥ 0.7: T1059.001 only.
    let at_07 = exact.thresholds[2];
    assert_eq!((at_07.predictions, at_07.correct), (1, 1));
    assert!(close(at_07.precision, 1.0));

    let parent = Metrics::compute(&cases, Credit::Parent);
    assert!(close(parent.precision_at_1, 2.0 / 4.0));
    assert!(close(parent.mrr, (1.0 + 1.0 + 0.25) / 4.0));
    // ≥ 0.5: T1003.002 now counts (same parent as T1003.001).
    assert_eq!(
        (
            parent.thresholds[1].predictions,
            parent.thresholds[1].correct
        ),
        (2, 2)
    );

    let (bins, ece) = reliability(&cases[..2]);
    assert_eq!(bins.len(), 10);
    assert_eq!(bins.iter().map(|b| b.predictions).sum::<usize>(), 5);
    // Bin [0.8, 0.9): one prediction at 0.8, right.
    assert_eq!(bins[8].predictions, 1);
    assert!(close(bins[8].precision, 1.0));
    // |1-0.8| + |0-0.4| + |0-0.6| + |1-0.35| + |0-0.1|, each 1/5.
    assert!(close(ece, (0.2 + 0.4 + 0.6 + 0.65 + 0.1) / 5.0));
}

#[test]
fn sentences_of_a_report() {
    let report = "Summary\nIn March 2024, the actor (a.k.a. Fancy Bear) sent e-mails, e.g. invoices. \
                  The lure dropped cmd.exe and ran v1.2.3 of its loader from https://example.com/a.zip. \
                  Observed commands:\n- whoami /all\n- net group \"domain admins\" /domain\n\n\
                  Exfiltration followed! Who knows?";
    let found = sentences(report);
    let texts: Vec<&str> = found.iter().map(|s| &report[s.start..s.end]).collect();
    assert_eq!(
        texts,
        [
            "Summary",
            "In March 2024, the actor (a.k.a. Fancy Bear) sent e-mails, e.g. invoices.",
            "The lure dropped cmd.exe and ran v1.2.3 of its loader from https://example.com/a.zip.",
            "Observed commands:",
            "whoami /all",
            "net group \"domain admins\" /domain",
            "Exfiltration followed!",
            "Who knows?"
        ]
    );
    assert!(found.iter().all(|s| s.text == report[s.start..s.end]));
}

#[test]
fn cleaning_attack_markdown() {
    assert_eq!(
        clean_attack_text("[Cobalt Strike](https://attack.mitre.org/software/S0154) can use `cmd.exe`.(Citation: cobaltstrike manual)"),
        "Cobalt Strike can use cmd.exe."
    );
}

#[test]
fn mentions_on_the_sample() {
    let mapper = sample_mapper();
    let text = "Sofacy (G0007) used spearphishing attachment lures, then Windows Command Shell and \
                net.exe; Cobalt Strike beacons followed. TA0002 and Lateral Movement. s9999 is new.";
    let mentions = mapper.mentions(text);
    let found: Vec<(MentionKind, &str, &str, bool)> = mentions
        .iter()
        .map(|m| (m.kind, m.id.as_str(), m.text.as_str(), m.known))
        .collect();
    assert_eq!(
        found,
        [
            (MentionKind::Group, "G0007", "Sofacy", true),
            (MentionKind::Group, "G0007", "G0007", true),
            (
                MentionKind::Technique,
                "T1566.001",
                "spearphishing attachment",
                true
            ),
            (
                MentionKind::Technique,
                "T1059.003",
                "Windows Command Shell",
                true
            ),
            (MentionKind::Software, "S0039", "net.exe", true),
            (MentionKind::Software, "S0154", "Cobalt Strike", true),
            (MentionKind::Tactic, "TA0002", "TA0002", true),
            (MentionKind::Tactic, "TA0008", "Lateral Movement", true),
            (MentionKind::Software, "S9999", "s9999", false),
        ]
    );
    // One-word names need ATT&CK's spelling; "Net" as a word is fine, "net" is not.
    let lower = mapper.mentions("powershell and mimikatz ran");
    assert!(lower.is_empty(), "{lower:?}");
    let exact = mapper.mentions("PowerShell and Mimikatz ran");
    assert_eq!(exact.len(), 2);
    assert!(exact.iter().all(|m| (m.confidence - 0.9).abs() < 1e-12));
}

#[test]
fn map_on_the_sample() {
    let mapper = sample_mapper();
    let text = "The group used T1059.001 and Windows Command Shell.\n\nIt encrypted files for ransom and deleted shadow copies.";
    let mapped = mapper.map(text, 0.0);
    assert_eq!(mapped.len(), 2);
    let first = &mapped[0].techniques;
    let find = |id: &str| first.iter().find(|t| t.id == id);
    assert_eq!(find("T1059.001").map(|t| t.evidence), Some(Evidence::Id));
    // Named (0.9); the model may be as sure on the sample.
    assert!(
        find("T1059.003").is_some_and(|t| t.confidence >= 0.9),
        "{first:?}"
    );
    assert!(first.windows(2).all(|w| w[0].confidence >= w[1].confidence));
    assert!(mapped[1].techniques.iter().any(|t| t.id == "T1486"));
    // Only an explicit id is certain.
    let strict = mapper.map(text, 1.0);
    assert_eq!(strict[0].techniques.len(), 1);
    assert!(mapper.map("", 0.5).is_empty());
}

/// Random text from tricky pieces: nothing panics, offsets are character
/// boundaries, sentences and mentions stay inside the text.
#[test]
fn any_text_is_accepted() {
    const PIECES: &[&str] = &[
        "T1059",
        ".001",
        "/001",
        "t1059.0",
        "TA0002",
        "s0154",
        "G0007",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        ". ",
        "...",
        "!?",
        "e.g.",
        "U.S.",
        "etc.",
        "- ",
        "* ",
        "1. ",
        "a) ",
        "•",
        "Phishing",
        "Spearphishing Attachment",
        "PowerShell",
        "powershell",
        "Fancy Bear",
        "Cobalt Strike",
        "[",
        "](",
        ")",
        "(Citation:",
        "<code>",
        "</br>",
        "`",
        "ß",
        "İ",
        "é",
        "🙂",
        "\u{0301}",
        "\u{202e}",
        "cmd.exe",
        "https://x.y/z?a=b.",
        "\"",
        "”",
        "Lateral Movement",
        "LSASS",
    ];
    let mapper = sample_mapper();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..400 {
        let mut text = String::new();
        for _ in 0..12 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
        }
        for s in sentences(&text) {
            assert!(s.start < s.end && s.end <= text.len(), "{text:?}");
            assert_eq!(text.get(s.start..s.end), Some(s.text.as_str()), "{text:?}");
        }
        for m in mapper.mentions(&text) {
            assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()), "{text:?}");
            assert!((0.0..=1.0).contains(&m.confidence));
        }
        for mapping in mapper.map(&text, 0.0) {
            assert!(mapping
                .mentions
                .iter()
                .all(|m| m.start >= mapping.sentence.start));
            assert!(mapping
                .techniques
                .iter()
                .all(|t| (0.0..=1.0).contains(&t.confidence)));
        }
        let _ = clean_attack_text(&text);
    }
}

#[test]
fn mentions_on_enterprise() {
    let Some(mapper) = enterprise_mapper() else {
        return;
    };
    // Shared by Phishing (T1566.001) and Phishing for Information
    // (T1598.002): the far more used one leads.
    let m = mapper.mentions("They sent a Spearphishing Attachment.");
    assert_eq!(m.len(), 2, "{m:?}");
    let best = m
        .iter()
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .unwrap();
    assert_eq!(best.id, "T1566.001");
    assert!(best.confidence > 0.5 && best.confidence < 0.9);
    // The parent written elsewhere settles it.
    let m = mapper.mentions("Phishing for Information: victims got a Spearphishing Attachment.");
    let ids: Vec<&str> = m.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["T1598", "T1598.002"]);
    assert!((m[1].confidence - 0.9).abs() < 1e-12);
    // The full "Parent: Sub" form is one unambiguous mention.
    let m = mapper.mentions("Phishing: Spearphishing Attachment");
    assert_eq!((m.len(), m[0].id.as_str()), (1, "T1566.001"));
    // Generic names are not mentions; their full forms are.
    assert!(mapper
        .mentions("The DLL queried DNS over SSH on the Server with Malware.")
        .is_empty());
    let m = mapper.mentions("Application Layer Protocol: DNS");
    assert_eq!(m[0].id, "T1071.004");
    // Software, groups and campaigns, with aliases.
    let m = mapper.mentions("Operation Dream Job used Mimikatz; Cozy Bear and S0002 too.");
    let ids: Vec<(MentionKind, &str)> = m.iter().map(|m| (m.kind, m.id.as_str())).collect();
    assert_eq!(
        ids,
        [
            (MentionKind::Campaign, "C0022"),
            (MentionKind::Software, "S0002"),
            (MentionKind::Group, "G0016"),
            (MentionKind::Software, "S0002"),
        ]
    );
    // Revoked ids are known; ids the release lacks are not.
    let m = mapper.mentions("T1086 and T1685");
    assert_eq!((m[0].known, m[1].known), (true, false));
}

#[test]
fn model_on_enterprise() {
    let Some(mapper) = enterprise_mapper() else {
        return;
    };
    let model = mapper.model();
    let stats = model.stats();
    assert!(stats.techniques > 600, "{stats:?}");
    assert!(stats.examples > 15_000, "{stats:?}");
    assert!(stats.calibration_pairs > 10_000, "{stats:?}");
    let cases = [
        (
            "The malware dumps credentials from LSASS process memory.",
            "T1003.001",
        ),
        (
            "It creates a scheduled task to run the payload every hour.",
            "T1053.005",
        ),
        (
            "The backdoor adds a Run key to the registry to survive reboots.",
            "T1547.001",
        ),
        ("Files are encrypted and a ransom note is dropped.", "T1486"),
        (
            "The loader downloads additional payloads from the C2 server.",
            "T1105",
        ),
    ];
    for (sentence, expected) in cases {
        let ranked = model.rank(sentence, 5);
        assert!(
            ranked.iter().any(|r| r.id == expected),
            "{sentence}: {ranked:?}"
        );
        assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    }
    let top = &model.rank(cases[0].0, 1)[0];
    assert!(top.confidence > 0.3, "{top:?}");
    let mapped = mapper.map(
        "The group ran T1059.001. Then it used Mimikatz to dump LSASS memory.",
        0.3,
    );
    assert_eq!(mapped.len(), 2);
    assert!(mapped[1].techniques.iter().any(|t| t.id == "T1003.001"));
    assert!(mapped[1]
        .mentions
        .iter()
        .any(|m| m.kind == MentionKind::Software && m.id == "S0002"));
}

#[test]
fn held_out_split_on_enterprise() {
    let Some(kb) = enterprise() else {
        return;
    };
    let held = held_out_groups(kb);
    let groups = kb.groups(Scope::Active).len();
    assert_eq!(held.len(), groups / 5);
    assert!(held.windows(2).all(|w| w[0] < w[1]));
    let set: HashSet<&str> = held.iter().map(String::as_str).collect();
    let all = enterprise_mapper().map(|m| m.model().stats().examples);
    let without = Model::train_excluding(kb, &set).stats().examples;
    if let Some(all) = all {
        assert!(without < all && without > all * 3 / 4, "{without} of {all}");
    }
}

fn print_evaluation(out: &mut String, label: &str, e: &Evaluation) {
    let pct = |x: f64| format!("{:.1}", 100.0 * x);
    let _ = writeln!(
        out,
        "\n### {label}\n\nheld-out groups: {} ({} examples, {} queries); trained on {} examples, {} terms, calibration {} queries / {} pairs; training {:.2} s, ranking {:.0} queries/s (1 thread)\n",
        e.held_out_groups.len(),
        e.examples,
        e.queries,
        e.stats.examples,
        e.stats.terms,
        e.stats.calibration_queries,
        e.stats.calibration_pairs,
        e.training_seconds,
        e.queries_per_second
    );
    let _ = writeln!(out, "| credit | P@1 | R@1 | R@3 | R@5 | R@10 | MRR |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for m in [&e.exact, &e.parent] {
        let _ = writeln!(
            out,
            "| {:?} | {} | {} | {} | {} | {} | {:.3} |",
            m.credit,
            pct(m.precision_at_1),
            pct(m.recall(1).unwrap_or(0.0)),
            pct(m.recall(3).unwrap_or(0.0)),
            pct(m.recall(5).unwrap_or(0.0)),
            pct(m.recall(10).unwrap_or(0.0)),
            m.mrr
        );
    }
    let _ = writeln!(
        out,
        "\n| credit | threshold | predictions | precision | recall | F1 |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for m in [&e.exact, &e.parent] {
        for t in &m.thresholds {
            let _ = writeln!(
                out,
                "| {:?} | {:.1} | {} | {} | {} | {} |",
                m.credit,
                t.threshold,
                t.predictions,
                pct(t.precision),
                pct(t.recall),
                pct(t.f1)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| confidence | predictions | mean confidence | precision |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for b in &e.reliability {
        let _ = writeln!(
            out,
            "| {:.1}–{:.1} | {} | {:.3} | {:.3} |",
            b.lower, b.upper, b.predictions, b.mean_confidence, b.precision
        );
    }
    let _ = writeln!(
        out,
        "\nECE {:.3}; background: {} sentences, top technique ≥ 0.3/0.5/0.7 in {}",
        e.expected_calibration_error,
        e.background.sentences,
        e.background
            .rates
            .iter()
            .map(|(_, r)| format!("{}%", pct(*r)))
            .collect::<Vec<_>>()
            .join(" / ")
    );
}

/// The numbers of docs/text-mapping.md.
#[test]
#[ignore = "trains and evaluates on Enterprise 18.1: run in release with --ignored"]
fn evaluation() {
    let Some(kb) = enterprise() else {
        return;
    };
    let mut out = String::new();
    for (label, setup) in [
        ("Default model, sentence queries", Setup::default()),
        (
            "Default model, whole-example queries",
            Setup {
                unit: Unit::Example,
                ..Setup::default()
            },
        ),
        (
            "Strict split (also without the held-out groups' campaigns), sentence queries",
            Setup {
                strict: true,
                ..Setup::default()
            },
        ),
    ] {
        let e = evaluate(kb, &setup);
        print_evaluation(&mut out, label, &e);
    }
    println!("{out}");
    println!("\n### All five rotations pooled (every group held out once), sentence queries\n");
    let p = pooled(kb, &Options::default(), Unit::Sentence);
    println!("{} queries", p.exact.queries);
    print_pooled_header();
    print_pooled("default", &p);
    println!("\n| credit | threshold | predictions | precision | recall | F1 |");
    println!("|---|---|---|---|---|---|");
    for m in [&p.exact, &p.parent] {
        for t in &m.thresholds {
            println!(
                "| {:?} | {:.1} | {} | {:.1} | {:.1} | {:.1} |",
                m.credit,
                t.threshold,
                t.predictions,
                100.0 * t.precision,
                100.0 * t.recall,
                100.0 * t.f1
            );
        }
    }
}

/// One model setting evaluated on all five rotations (every group held out
/// once), the cases pooled.
struct Pooled {
    exact: Metrics,
    parent: Metrics,
    ece: f64,
    cv_precision_at_1: f64,
    cv_mrr: f64,
    training_seconds: f64,
}

fn pooled(kb: &KnowledgeBase, options: &Options, unit: Unit) -> Pooled {
    let mut cases = Vec::new();
    let (mut cv_p1, mut cv_mrr, mut seconds) = (0.0, 0.0, 0.0);
    for rotation in 0..5 {
        let e = evaluate(
            kb,
            &Setup {
                rotation,
                options: options.clone(),
                unit,
                strict: false,
            },
        );
        cv_p1 += e.stats.cv_precision_at_1 / 5.0;
        cv_mrr += e.stats.cv_mrr / 5.0;
        seconds += e.training_seconds / 5.0;
        cases.extend(e.cases);
    }
    Pooled {
        exact: Metrics::compute(&cases, Credit::Exact),
        parent: Metrics::compute(&cases, Credit::Parent),
        ece: reliability(&cases).1,
        cv_precision_at_1: cv_p1,
        cv_mrr,
        training_seconds: seconds,
    }
}

fn print_pooled_header() {
    println!(
        "| variant | CV P@1 | CV MRR | P@1 | R@5 | MRR | parent P@1 | P/R at 0.5 | ECE | train s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
}

fn print_pooled(label: &str, p: &Pooled) {
    let t = p.exact.thresholds[1];
    println!(
        "| {label} | {:.1} | {:.3} | {:.1} | {:.1} | {:.3} | {:.1} | {:.1}/{:.1} | {:.3} | {:.2} |",
        100.0 * p.cv_precision_at_1,
        p.cv_mrr,
        100.0 * p.exact.precision_at_1,
        100.0 * p.exact.recall(5).unwrap_or(0.0),
        p.exact.mrr,
        100.0 * p.parent.precision_at_1,
        100.0 * t.precision,
        100.0 * t.recall,
        p.ece,
        p.training_seconds
    );
}

/// The choices of the model, one change at a time from the default, each
/// on all five rotations of the held-out split (sentence queries).
#[test]
#[ignore = "trains and evaluates 60 models on Enterprise 18.1"]
fn ablation() {
    let Some(kb) = enterprise() else {
        return;
    };
    let base = Options::default();
    let variants: Vec<(&str, Options)> = vec![
        ("default", base.clone()),
        (
            "no stemming",
            Options {
                features: Features::Words,
                ..base.clone()
            },
        ),
        (
            "character 3-5-grams, no bigrams",
            Options {
                features: Features::CharNgrams,
                bigrams: false,
                ..base.clone()
            },
        ),
        (
            "no bigrams",
            Options {
                bigrams: false,
                ..base.clone()
            },
        ),
        (
            "concatenated profile",
            Options {
                profile: Profile::Concatenated,
                ..base.clone()
            },
        ),
        (
            "name weight 0",
            Options {
                name_weight: 0.0,
                ..base.clone()
            },
        ),
        (
            "name weight 3",
            Options {
                name_weight: 3.0,
                ..base.clone()
            },
        ),
        (
            "description weight 1",
            Options {
                description_weight: 1.0,
                ..base.clone()
            },
        ),
        (
            "description weight 2",
            Options {
                description_weight: 2.0,
                ..base.clone()
            },
        ),
        (
            "description weight 10",
            Options {
                description_weight: 10.0,
                ..base.clone()
            },
        ),
        (
            "sub-technique examples in parent ×0.5",
            Options {
                subtechnique_weight: 0.5,
                ..base.clone()
            },
        ),
        (
            "entity names dropped from training",
            Options {
                entity_names: false,
                ..base.clone()
            },
        ),
        (
            "one calibration table for all ranks",
            Options {
                calibrate_by_rank: false,
                ..base.clone()
            },
        ),
    ];
    print_pooled_header();
    for (label, options) in variants {
        print_pooled(label, &pooled(kb, &options, Unit::Sentence));
    }
}

/// A grid over the profile weights, chosen by the cross-validated numbers.
#[test]
#[ignore = "trains and evaluates many models on Enterprise 18.1"]
fn weight_grid() {
    let Some(kb) = enterprise() else {
        return;
    };
    print_pooled_header();
    for description_weight in [1.0, 2.0, 3.0, 5.0, 8.0] {
        for name_weight in [0.0, 1.0, 2.0] {
            for entity_names in [false, true] {
                let options = Options {
                    description_weight,
                    name_weight,
                    entity_names,
                    ..Options::default()
                };
                let label = format!(
                    "description {description_weight}, name {name_weight}, entities {entity_names}"
                );
                print_pooled(&label, &pooled(kb, &options, Unit::Sentence));
            }
        }
    }
}

/// How often a bare technique name in a procedure example agrees with the
/// example's techniques: the evidence for the generic-name lists.
#[test]
#[ignore = "scans every procedure example of Enterprise 18.1"]
fn name_agreement() {
    let Some(kb) = enterprise() else {
        return;
    };
    let mut labels: HashMap<String, HashSet<String>> = HashMap::new();
    for t in kb.techniques(Scope::Active) {
        let Some(id) = t.attack_id() else { continue };
        for r in kb.procedure_examples(t, Scope::Active) {
            if let Some(d) = r.description() {
                labels
                    .entry(clean_attack_text(d))
                    .or_default()
                    .insert(id.to_owned());
            }
        }
    }
    let parent = |id: &str| id.split('.').next().unwrap_or(id).to_owned();
    let mut names: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in kb.techniques(Scope::Active) {
        if let Some(id) = t.attack_id() {
            names.entry(t.name()).or_default().push(id);
        }
    }
    let mut rows = Vec::new();
    for (name, ids) in &names {
        let one_word = !name.contains(' ');
        let pattern = format!(
            "{}(?:^|[^\\w]){}(?:[^\\w]|$)",
            if one_word { "" } else { "(?i)" },
            regex::escape(name)
        );
        let Ok(re) = Regex::new(&pattern) else {
            continue;
        };
        let (mut n, mut exact, mut same_parent) = (0usize, 0usize, 0usize);
        for (text, gold) in &labels {
            if re.is_match(text) {
                n += 1;
                exact += usize::from(ids.iter().any(|i| gold.contains(*i)));
                same_parent += usize::from(
                    ids.iter()
                        .any(|i| gold.iter().any(|g| parent(g) == parent(i))),
                );
            }
        }
        if n > 0 {
            rows.push((*name, n, exact, same_parent));
        }
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("| name | examples | exact | same parent |");
    println!("|---|---|---|---|");
    for (name, n, exact, same_parent) in &rows {
        let marker = if *n >= 5 && (*same_parent as f64) < 0.4 * *n as f64 {
            " ←"
        } else {
            ""
        };
        println!(
            "| {name}{marker} | {n} | {:.2} | {:.2} |",
            *exact as f64 / *n as f64,
            *same_parent as f64 / *n as f64
        );
    }

    // The mentions TextMapper reports, against the examples' techniques.
    if let Some(mapper) = enterprise_mapper() {
        let started = Instant::now();
        let (mut total, mut exact, mut same_parent) = (0.0, 0.0, 0.0);
        for (text, gold) in &labels {
            for m in mapper.mentions(text) {
                if m.kind != MentionKind::Technique || looks_like_id(&m.text) {
                    continue;
                }
                total += m.confidence;
                if gold.contains(&m.id) {
                    exact += m.confidence;
                }
                if gold.iter().any(|g| parent(g) == parent(&m.id)) {
                    same_parent += m.confidence;
                }
            }
        }
        println!(
            "\nname mentions (confidence-weighted): {total:.0}; agree exactly {:.3}, same parent {:.3} ({:.1} s)",
            exact / total,
            same_parent / total,
            started.elapsed().as_secs_f64()
        );
    }
}

fn looks_like_id(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit()) && text.len() <= 9
}
