//! Navigator layers: reading and writing a 50,000-entry layer, and on
//! Enterprise 18.1 generating, validating, viewing and drawing APT28's.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use ttpmap_attack::{Domain, KnowledgeBase, Paths};
use ttpmap_navigator::render::svg::{render_svg, SvgOptions};
use ttpmap_navigator::{actors_layer, LayerFile, LayerView};

fn big_layer() -> String {
    let entries: Vec<String> = (0..50_000)
        .map(|i| {
            format!(
                "{{\"techniqueID\": \"T{:04}\", \"tactic\": \"execution\", \"score\": {}, \"comment\": \"entry {i}\"}}",
                1000 + i % 9000,
                i % 100
            )
        })
        .collect();
    format!(
        "{{\"name\": \"big\", \"versions\": {{\"layer\": \"4.5\", \"navigator\": \"5.1.0\"}}, \"domain\": \"enterprise-attack\", \"techniques\": [{}]}}",
        entries.join(",")
    )
}

fn layers(c: &mut Criterion) {
    let text = big_layer();
    c.bench_function("read_layer_50k_entries", |b| {
        b.iter(|| LayerFile::from_str(std::hint::black_box(&text)).map(|f| f.layers.len()));
    });
    if let Ok(file) = LayerFile::from_str(&text) {
        c.bench_function("write_layer_50k_entries", |b| {
            b.iter(|| file.to_json().len());
        });
    }

    let Some(path) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json")
    else {
        return;
    };
    let Ok(kb) = KnowledgeBase::from_path(&path) else {
        return;
    };
    let Ok(apt28) = kb.group("G0007") else {
        return;
    };
    c.bench_function("generate_apt28_layer", |b| {
        b.iter(|| {
            actors_layer(&kb, &[apt28.object()], Domain::Enterprise, Paths::ALL)
                .map(|l| l.techniques.len())
        });
    });
    let Ok(layer) = actors_layer(&kb, &[apt28.object()], Domain::Enterprise, Paths::ALL) else {
        return;
    };
    c.bench_function("validate_apt28_layer_against_enterprise", |b| {
        b.iter(|| layer.validate_against(&kb).len());
    });
    c.bench_function("view_columns_apt28_enterprise", |b| {
        b.iter(|| LayerView::new(&layer, &kb).map(|v| v.columns().len()));
    });
    if let Ok(view) = LayerView::new(&layer, &kb) {
        c.bench_function("render_svg_apt28_enterprise", |b| {
            b.iter(|| render_svg(&view, &SvgOptions::default()).len());
        });
    }
}

criterion_group!(benches, layers);
criterion_main!(benches);
