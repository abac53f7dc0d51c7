//! Criterion benchmarks of ttpmap; see the `[[bench]]` targets.
