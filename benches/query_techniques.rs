//! Queries on the Enterprise 18.1 knowledge base: techniques of every group
//! through every path, and lookups by ATT&CK id.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use ttpmap_attack::{KnowledgeBase, Paths, Scope};

fn query_techniques(c: &mut Criterion) {
    let Some(path) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
    else {
        return;
    };
    let Ok(kb) = KnowledgeBase::from_path(&path) else {
        return;
    };
    let groups = kb.groups(Scope::All);
    c.bench_function("techniques_of_all_groups_all_paths", |b| {
        b.iter(|| {
            groups
                .iter()
                .map(|g| {
                    kb.techniques_used_by_group(*g, Paths::ALL, Scope::Active)
                        .len()
                })
                .sum::<usize>()
        });
    });
    c.bench_function("lookup_by_attack_id", |b| {
        b.iter(|| {
            kb.by_attack_id(std::hint::black_box("t1059.001"))
                .map(|o| o.name().len())
        });
    });
    c.bench_function("lookup_group_by_alias", |b| {
        b.iter(|| {
            kb.group(std::hint::black_box("Fancy Bear"))
                .map(|g| g.name().len())
        });
    });
}

criterion_group!(benches, query_techniques);
criterion_main!(benches);
