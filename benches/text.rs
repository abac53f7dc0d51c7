//! Report text to techniques on Enterprise 18.1: training the similarity
//! model (calibration included), ranking 1,000 procedure sentences, finding
//! mentions and mapping a report.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ttpmap_attack::{KnowledgeBase, Paths, Scope};
use ttpmap_mapper::text::{clean_attack_text, sentences, Model, TextMapper};

/// 1,000 sentences of the groups' procedure examples.
fn procedure_sentences(kb: &KnowledgeBase) -> Vec<String> {
    let mut out = Vec::new();
    for group in kb.groups(Scope::Active) {
        for r in kb.techniques_used_by_group(group, Paths::DIRECT, Scope::Active) {
            if let Some(d) = r.description() {
                let cleaned = clean_attack_text(d);
                out.extend(sentences(&cleaned).into_iter().map(|s| s.text));
            }
        }
    }
    out.truncate(1000);
    out
}

fn text(c: &mut Criterion) {
    let Some(path) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
    else {
        return;
    };
    let Ok(kb) = KnowledgeBase::from_path(&path) else {
        return;
    };
    let mut group = c.benchmark_group("text");
    group.sample_size(10);
    group.bench_function("train_model_enterprise", |b| {
        b.iter(|| Model::train(&kb).stats().terms);
    });
    group.finish();

    let mapper = TextMapper::new(&kb);
    let queries = procedure_sentences(&kb);
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("rank_1000_sentences", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| mapper.model().rank(q, 10).len())
                .sum::<usize>()
        });
    });
    group.bench_function("mentions_1000_sentences", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| mapper.mentions(q).len())
                .sum::<usize>()
        });
    });
    let report = queries.join(" ");
    group.bench_function("map_report_1000_sentences", |b| {
        b.iter(|| mapper.map(std::hint::black_box(&report), 0.5).len());
    });
    group.finish();
}

criterion_group!(benches, text);
criterion_main!(benches);
