//! The Sigma engine: loading and compiling every SigmaHQ rule, and
//! evaluating synthetic Sysmon process-creation events (EventID 1) with
//! all Windows rules loaded, on one core and in parallel.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ttpmap_mapper::sigma::RuleSet;

#[path = "sysmon_events.rs"]
mod sysmon_events;
use sysmon_events::sysmon_events;

fn load(dirs: &[&Path]) -> RuleSet {
    let mut rules = RuleSet::new();
    for dir in dirs {
        let _ = rules.add_path(dir);
    }
    rules.prepare();
    rules
}

fn sigma(c: &mut Criterion) {
    let Some(shared) = ttpmap_test_support::shared_dir() else {
        return;
    };
    let sigma = shared.join("sigma");
    let windows = sigma.join("rules").join("windows");
    if !windows.is_dir() {
        return;
    }
    let all = [
        sigma.join("rules"),
        sigma.join("rules-emerging-threats"),
        sigma.join("rules-threat-hunting"),
    ];
    let all: Vec<&Path> = all.iter().map(PathBuf::as_path).collect();

    let mut group = c.benchmark_group("sigma_load");
    group.sample_size(10);
    group.bench_function("load_compile_all_sigmahq_rules", |b| {
        b.iter(|| load(black_box(&all)).len());
    });
    group.finish();

    let events = sysmon_events(10_000);
    let windows_rules = load(&[windows.as_path()]);
    let every_rule = load(&all);
    let matched: usize = events.iter().map(|e| windows_rules.evaluate(e).len()).sum();
    eprintln!(
        "{} Windows rules, {} rules in all; {} matches on {} events",
        windows_rules.len(),
        every_rule.len(),
        matched,
        events.len()
    );

    let mut group = c.benchmark_group("sigma_evaluate");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(20);
    group.bench_function("sysmon_process_creation_windows_rules_one_core", |b| {
        b.iter(|| {
            events
                .iter()
                .map(|e| windows_rules.evaluate(black_box(e)).len())
                .sum::<usize>()
        });
    });
    group.bench_function("sysmon_process_creation_all_rules_one_core", |b| {
        b.iter(|| {
            events
                .iter()
                .map(|e| every_rule.evaluate(black_box(e)).len())
                .sum::<usize>()
        });
    });
    group.bench_function("sysmon_process_creation_all_rules_rayon", |b| {
        b.iter(|| {
            every_rule
                .evaluate_all(black_box(&events))
                .iter()
                .map(Vec::len)
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, sigma);
criterion_main!(benches);
