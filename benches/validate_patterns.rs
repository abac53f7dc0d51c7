//! Parse and validate 100,000 typical indicator patterns.
//!
//! The patterns are generated deterministically: file hashes (MD5, SHA-1,
//! SHA-256), IPv4 and IPv6 addresses and blocks, domains, URLs, email
//! addresses, registry keys, command lines with `MATCHES`, and a share of
//! combined patterns with `AND`/`OR`/`FOLLOWEDBY` and qualifiers.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use ttpmap_stix::pattern::validate_pattern;

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[(self.next() % 16) as usize]))
            .collect()
    }

    fn word(&mut self) -> String {
        const WORDS: [&str; 12] = [
            "update", "cdn", "login", "secure", "mail", "files", "api", "static", "portal", "sync",
            "cloud", "auth",
        ];
        WORDS[(self.next() % 12) as usize].to_owned()
    }
}

fn single(rng: &mut Lcg) -> String {
    match rng.next() % 12 {
        0 => format!("[file:hashes.MD5 = '{}']", rng.hex(32)),
        1 => format!("[file:hashes.'SHA-1' = '{}']", rng.hex(40)),
        2 => format!("[file:hashes.'SHA-256' = '{}']", rng.hex(64)),
        3 => format!(
            "[ipv4-addr:value = '{}.{}.{}.{}']",
            rng.next() % 256,
            rng.next() % 256,
            rng.next() % 256,
            rng.next() % 256
        ),
        4 => format!("[ipv4-addr:value ISSUBSET '{}.{}.0.0/16']", rng.next() % 256, rng.next() % 256),
        5 => format!("[ipv6-addr:value ISSUBSET '2001:db8:{}::/48']", rng.hex(4)),
        6 => format!("[domain-name:value = '{}-{}.example.com']", rng.word(), rng.hex(6)),
        7 => format!("[url:value = 'https://{}.example.net/{}/{}.php?id={}']", rng.word(), rng.word(), rng.hex(8), rng.next() % 10_000),
        8 => format!(
            "[process:command_line MATCHES '(?i){}(\\\\.exe)? .*-{} [A-Za-z0-9+/=]{{{},}}']",
            ["powershell", "cmd", "rundll32", "mshta", "certutil"][(rng.next() % 5) as usize],
            ["enc", "nop", "urlcache", "decode"][(rng.next() % 4) as usize],
            8 + rng.next() % 32
        ),
        9 => format!(
            "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\{}']",
            rng.word()
        ),
        10 => format!("[email-addr:value = '{}@{}.example.org']", rng.word(), rng.hex(5)),
        _ => format!(
            "[network-traffic:dst_ref.value = '198.51.100.{}' AND network-traffic:dst_port = {}]",
            rng.next() % 256,
            rng.next() % 65_536
        ),
    }
}

fn patterns(count: usize) -> Vec<String> {
    let mut rng = Lcg(0x5715_2021);
    (0..count)
        .map(|_| match rng.next() % 10 {
            0 => format!("{} AND {}", single(&mut rng), single(&mut rng)),
            1 => format!(
                "({} FOLLOWEDBY {}) WITHIN {} SECONDS",
                single(&mut rng),
                single(&mut rng),
                60 + rng.next() % 3600
            ),
            2 => format!(
                "{} OR {} REPEATS {} TIMES",
                single(&mut rng),
                single(&mut rng),
                2 + rng.next() % 5
            ),
            _ => single(&mut rng),
        })
        .collect()
}

fn validate_patterns(c: &mut Criterion) {
    let patterns = patterns(100_000);
    assert!(patterns
        .iter()
        .all(|p| validate_pattern(p).iter().all(|f| !f.is_error())));
    let mut group = c.benchmark_group("patterns");
    group.sample_size(10);
    group.bench_function("validate_100k", |b| {
        b.iter(|| {
            patterns
                .iter()
                .map(|p| validate_pattern(p).len())
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, validate_patterns);
criterion_main!(benches);
