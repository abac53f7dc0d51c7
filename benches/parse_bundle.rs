//! Parse, and parse and validate, the Enterprise 18.1 release (50 MB).
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use ttpmap_stix::Bundle;

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
        b.iter_with_large_drop(|| Bundle::from_json(&text));
    });
    group.bench_function("parse_and_validate", |b| {
        b.iter_with_large_drop(|| {
            let bundle = Bundle::from_json(&text);
            let report = bundle.as_ref().ok().map(Bundle::validate);
            (bundle, report)
        });
    });
    let Ok(bundle) = Bundle::from_json(&text) else {
        return;
    };
    group.bench_function("validate", |b| b.iter(|| bundle.validate()));
    group.finish();
}

criterion_group!(benches, parse_bundle);
criterion_main!(benches);
