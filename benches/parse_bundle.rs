//! Parse (and validate) the Enterprise 18.1 release.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};

fn parse_bundle(c: &mut Criterion) {
    let Some(path) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
    else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let mut group = c.benchmark_group("enterprise-18.1");
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| ttpmap_stix::Bundle::from_json(&text).map(|b| b.objects().len()))
    });
    group.finish();
}

criterion_group!(benches, parse_bundle);
criterion_main!(benches);
