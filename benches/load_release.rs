//! Load and index the Enterprise 18.1 release into a knowledge base.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use ttpmap_attack::KnowledgeBase;

fn load_release(c: &mut Criterion) {
    let Some(path) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
    else {
        return;
    };
    let mut group = c.benchmark_group("enterprise-18.1");
    group.sample_size(10);
    group.bench_function("load_and_index", |b| {
        b.iter_with_large_drop(|| KnowledgeBase::from_path(&path));
    });
    group.finish();
}

criterion_group!(benches, load_release);
criterion_main!(benches);
