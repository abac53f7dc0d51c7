//! Finding every occurrence of many literals in a text, overlapping ones
//! included.
//!
//! Each literal of four bytes or more is *anchored* at one of its 4-byte
//! windows — the one fewest literals of the set share, so that common
//! fragments (`\windows\`, `.exe`) are not anchors. Scanning looks at every
//! 4-byte window of the text: a bit table says in one load whether it can
//! be an anchor; only then is the anchor looked up and its literals
//! compared in place. Two- and three-byte literals are anchored at their
//! first two bytes the same way. The cost is a few instructions per byte
//! whatever the number of literals, and every occurrence is found.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

/// Sets of at most this many literals use an automaton.
const SMALL: usize = 64;

/// The 4-byte anchor filter has about this many bits per anchor (few
/// false positives), a power of two between 2^12 and 2^18 bits (512 B to
/// 32 KiB): small sets, one per field of every plan, stay small.
const FILTER_BITS_PER_LITERAL: usize = 512;
const FILTER_BITS_MIN: u32 = 12;
const FILTER_BITS_MAX: u32 = 18;

/// A literal anchored at a window: the id it reports, where the window
/// is in it, and where its text is in the scanner's `text`.
#[derive(Debug, Clone, Copy)]
struct Anchored {
    id: u32,
    offset: u32,
    start: u32,
    len: u32,
}

/// The largest stride: sets of long literals look at every `stride`-th
/// window of a text only.
const MAX_STRIDE: usize = 8;

/// An open-addressing table from anchor keys to runs of `entries`.
#[derive(Debug, Clone, Default)]
struct Table {
    /// (key, start, end) per slot; `end == 0`: empty.
    slots: Vec<(u32, u32, u32)>,
    entries: Vec<Anchored>,
    mask: usize,
    /// `32 - log2(slots)`: slots are chosen by the hash's high bits (its
    /// low bits depend on the key's low bits only).
    shift: u32,
}

fn mix(key: u32) -> u32 {
    key.wrapping_mul(0x9E37_79B1)
}

impl Table {
    fn new(groups: HashMap<u32, Vec<Anchored>>) -> Table {
        let size = (groups.len() * 2).next_power_of_two().max(2);
        let mut table = Table {
            slots: vec![(0, 0, 0); size],
            entries: Vec::new(),
            mask: size - 1,
            shift: 32 - size.trailing_zeros(),
        };
        let mut keys: Vec<(u32, Vec<Anchored>)> = groups.into_iter().collect();
        keys.sort_by_key(|(k, _)| *k);
        for (key, list) in keys {
            let start = table.entries.len() as u32;
            table.entries.extend(list);
            let end = table.entries.len() as u32;
            let mut at = table.slot(key);
            loop {
                match table.slots.get_mut(at) {
                    Some(slot) if slot.2 == 0 => {
                        *slot = (key, start, end);
                        break;
                    }
                    Some(_) => at = (at + 1) & table.mask,
                    None => break,
                }
            }
        }
        table
    }

    fn slot(&self, key: u32) -> usize {
        (mix(key).checked_shr(self.shift).unwrap_or(0) as usize) & self.mask
    }

    fn get(&self, key: u32) -> &[Anchored] {
        let mut at = self.slot(key);
        loop {
            match self.slots.get(at) {
                Some(&(k, start, end)) if end != 0 => {
                    if k == key {
                        return self
                            .entries
                            .get(start as usize..end as usize)
                            .unwrap_or(&[]);
                    }
                    at = (at + 1) & self.mask;
                }
                _ => return &[],
            }
        }
    }
}

/// The literals of one field (or of a group's keywords): anchored, or for
/// a few literals an Aho-Corasick automaton (whose prefilter skips most of
/// the text at once).
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    /// The id each literal reports.
    ids: Box<[u32]>,
    /// The automata of a small set (then the tables are empty).
    small: Option<Small>,
    /// The texts of the anchored literals, one after the other.
    text: Vec<u8>,
    filter: Vec<u64>,
    /// `32 - log2(filter bits)`.
    filter_shift: u32,
    /// Only windows starting at multiples of this are looked at (every
    /// literal is anchored once per residue).
    stride: usize,
    long: Table,
    /// Bit per 2-byte prefix of a short literal.
    short_filter: Vec<u64>,
    short: Table,
}

/// Two automata of the same literals: one that says fast whether any
/// occurs (leftmost semantics let it use a SIMD prefilter), one that finds
/// every occurrence, overlapping ones included.
#[derive(Debug, Clone)]
struct Small {
    any: AhoCorasick,
    every: AhoCorasick,
}

impl Small {
    fn new<S: AsRef<str>>(literals: &[S]) -> Option<Small> {
        let build = |kind| {
            AhoCorasick::builder()
                .match_kind(kind)
                .build(literals.iter().map(AsRef::as_ref))
                .ok()
        };
        Some(Small {
            any: build(MatchKind::LeftmostFirst)?,
            every: build(MatchKind::Standard)?,
        })
    }
}

/// The 4-byte window of `bytes` at `at` (literals are folded already).
fn window(bytes: &[u8], at: usize) -> Option<u32> {
    let w: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(w))
}

/// The four bytes of `w` with ASCII upper-case letters lower-cased.
fn ascii_lower(w: u32) -> u32 {
    let low7 = w & 0x7f7f_7f7f;
    let above_z = low7.wrapping_add(0x2525_2525); // high bit: byte > 'Z'
    let from_a = low7.wrapping_add(0x3f3f_3f3f); // high bit: byte >= 'A'
    let upper = !w & 0x8080_8080 & (from_a ^ above_z);
    w | (upper >> 2)
}

fn filter_bit(key: u32, shift: u32) -> usize {
    (mix(key) >> shift) as usize
}

impl Scanner {
    /// A scanner of `literals` (folded; several may be equal); literal
    /// `i` reports id `ids[i]`. Empty literals never match.
    pub fn new<S: AsRef<str>>(ids: &[u32], literals: &[S]) -> Scanner {
        let ids: Box<[u32]> = ids.into();
        if literals.len() <= SMALL && literals.iter().all(|l| !l.as_ref().is_empty()) {
            let small = Small::new(literals);
            if small.is_some() {
                return Scanner {
                    ids,
                    small,
                    text: Vec::new(),
                    filter: Vec::new(),
                    filter_shift: 32,
                    stride: 1,
                    long: Table::default(),
                    short_filter: Vec::new(),
                    short: Table::default(),
                };
            }
        }
        // How many literals contain each 4-byte window.
        let mut common: HashMap<u32, u32> = HashMap::new();
        for lit in literals {
            let bytes = lit.as_ref().as_bytes();
            let mut seen = Vec::new();
            for at in 0..bytes.len().saturating_sub(3) {
                if let Some(w) = window(bytes, at) {
                    if !seen.contains(&w) {
                        seen.push(w);
                        *common.entry(w).or_default() += 1;
                    }
                }
            }
        }
        // Literals of at least `stride + 3` bytes contain a window at a
        // multiple of `stride` wherever they occur: one anchor per residue
        // finds each occurrence once.
        let lengths = || literals.iter().map(|l| l.as_ref().len());
        let stride = if lengths().any(|n| n < 4) {
            1
        } else {
            lengths()
                .min()
                .unwrap_or(4)
                .saturating_sub(3)
                .clamp(1, MAX_STRIDE)
        };
        let mut long: HashMap<u32, Vec<Anchored>> = HashMap::new();
        let mut short: HashMap<u32, Vec<Anchored>> = HashMap::new();
        let filter_bits = (literals.len() * stride * FILTER_BITS_PER_LITERAL)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(FILTER_BITS_MIN, FILTER_BITS_MAX);
        let filter_shift = 32 - filter_bits;
        let mut filter = vec![0u64; (1usize << filter_bits) / 64];
        let mut short_filter = vec![0u64; 65536 / 64];
        let mut text = Vec::new();
        for (i, lit) in literals.iter().enumerate() {
            let bytes = lit.as_ref().as_bytes();
            let start = text.len() as u32;
            text.extend_from_slice(bytes);
            let anchored = |offset: usize| Anchored {
                id: ids.get(i).copied().unwrap_or(u32::MAX),
                offset: offset as u32,
                start,
                len: bytes.len() as u32,
            };
            if bytes.len() >= 4 {
                for residue in 0..stride {
                    // The window fewest literals share.
                    let best = (residue..=bytes.len() - 4)
                        .step_by(stride)
                        .filter_map(|at| Some((at, window(bytes, at)?)))
                        .min_by_key(|(at, w)| {
                            let shared = long.get(w).map_or(0, Vec::len);
                            (
                                common.get(w).copied().unwrap_or(0) as usize + shared,
                                std::cmp::Reverse(*at),
                            )
                        });
                    let Some((at, w)) = best else {
                        continue;
                    };
                    long.entry(w).or_default().push(anchored(at));
                    let bit = filter_bit(w, filter_shift);
                    if let Some(word) = filter.get_mut(bit / 64) {
                        *word |= 1 << (bit % 64);
                    }
                }
            } else if let [a, b, ..] = bytes {
                let key = u32::from(*a) | (u32::from(*b) << 8);
                short.entry(key).or_default().push(anchored(0));
                if let Some(word) = short_filter.get_mut(key as usize / 64) {
                    *word |= 1 << (key % 64);
                }
            } else if let Some(&b) = bytes.first() {
                // One byte: anchored at itself and every following byte.
                for next in 0..=255u8 {
                    let key = u32::from(b) | (u32::from(next) << 8);
                    short.entry(key).or_default().push(anchored(0));
                    if let Some(word) = short_filter.get_mut(key as usize / 64) {
                        *word |= 1 << (key % 64);
                    }
                }
            }
        }
        Scanner {
            ids,
            small: None,
            text,
            filter,
            filter_shift,
            stride,
            long: Table::new(long),
            short_filter: if short.is_empty() {
                Vec::new()
            } else {
                short_filter
            },
            short: Table::new(short),
        }
    }

    /// Call `hit(id, start, end)` for every occurrence of every literal in
    /// `text` (in no particular order). `text` is folded or ASCII: ASCII
    /// case is ignored (`lower` is a buffer for the lower-cased text).
    pub fn scan(&self, text: &str, lower: &mut Vec<u8>, mut hit: impl FnMut(u32, usize, usize)) {
        if let Some(small) = &self.small {
            // The automaton is case-sensitive (so that it can use its
            // fastest prefilters); lower-casing ASCII is cheap.
            let text = if text.bytes().any(|b| b.is_ascii_uppercase()) {
                lower.clear();
                lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
                lower.as_slice()
            } else {
                text.as_bytes()
            };
            Scanner::scan_small(small, &self.ids, text, &mut hit);
            return;
        }
        self.scan_large(text, &mut hit);
    }

    /// [`Scanner::scan`] of a text without ASCII upper-case letters.
    pub fn scan_lowered(&self, text: &str, mut hit: impl FnMut(u32, usize, usize)) {
        match &self.small {
            Some(small) => Scanner::scan_small(small, &self.ids, text.as_bytes(), &mut hit),
            None => self.scan_large(text, &mut hit),
        }
    }

    /// A small set's occurrences in `text` (lower-cased).
    fn scan_small(
        small: &Small,
        ids: &[u32],
        text: &[u8],
        hit: &mut impl FnMut(u32, usize, usize),
    ) {
        // Most texts hold none of a few literals: a search that can skip
        // ahead says so faster than the overlapping one.
        if !small.any.is_match(text) {
            return;
        }
        if let Ok(found) = small.every.try_find_overlapping_iter(text) {
            for m in found {
                if let Some(&id) = ids.get(m.pattern().as_usize()) {
                    hit(id, m.start(), m.end());
                }
            }
        }
    }

    /// A large set's occurrences in `text` (any ASCII case).
    fn scan_large(&self, text: &str, hit: &mut impl FnMut(u32, usize, usize)) {
        let bytes = text.as_bytes();
        if self.stride > 1 {
            for at in (0..bytes.len().saturating_sub(3)).step_by(self.stride) {
                let Some(w) = window(bytes, at).map(ascii_lower) else {
                    break;
                };
                let bit = filter_bit(w, self.filter_shift);
                if self
                    .filter
                    .get(bit >> 6)
                    .is_some_and(|word| word & (1 << (bit & 63)) != 0)
                {
                    self.verify(self.long.get(w), at, bytes, hit);
                }
            }
            return;
        }
        let has_long = !self.long.entries.is_empty();
        let has_short = !self.short.entries.is_empty();
        // The last four bytes, folded, as a little-endian word.
        let mut roll: u32 = 0;
        if !has_short {
            // Most large sets: no two- or three-byte literal.
            for (at, &b) in bytes.iter().enumerate() {
                roll = (roll >> 8) | (u32::from(b.to_ascii_lowercase()) << 24);
                let bit = filter_bit(roll, self.filter_shift);
                if at >= 3
                    && self
                        .filter
                        .get(bit >> 6)
                        .is_some_and(|word| word & (1 << (bit & 63)) != 0)
                {
                    self.verify(self.long.get(roll), at - 3, bytes, hit);
                }
            }
            return;
        }
        for (at, &b) in bytes.iter().enumerate() {
            roll = (roll >> 8) | (u32::from(b.to_ascii_lowercase()) << 24);
            if has_short && at >= 1 {
                let key = roll >> 16;
                if self
                    .short_filter
                    .get(key as usize >> 6)
                    .is_some_and(|word| word & (1 << (key & 63)) != 0)
                {
                    self.verify(self.short.get(key), at - 1, bytes, hit);
                }
            }
            if has_long && at >= 3 {
                let bit = filter_bit(roll, self.filter_shift);
                if self
                    .filter
                    .get(bit >> 6)
                    .is_some_and(|word| word & (1 << (bit & 63)) != 0)
                {
                    self.verify(self.long.get(roll), at - 3, bytes, hit);
                }
            }
        }
        // A one-byte literal may end the text.
        if has_short {
            if let Some(&last) = bytes.last() {
                let key = u32::from(last.to_ascii_lowercase());
                if self
                    .short_filter
                    .get(key as usize >> 6)
                    .is_some_and(|word| word & (1 << (key & 63)) != 0)
                {
                    self.verify(self.short.get(key), bytes.len() - 1, bytes, hit);
                }
            }
        }
    }

    #[inline]
    fn verify(
        &self,
        anchors: &[Anchored],
        at: usize,
        bytes: &[u8],
        hit: &mut impl FnMut(u32, usize, usize),
    ) {
        for a in anchors {
            let Some(start) = at.checked_sub(a.offset as usize) else {
                continue;
            };
            let end = start + a.len as usize;
            let Some(found) = bytes.get(start..end) else {
                continue;
            };
            let literal = self
                .text
                .get(a.start as usize..(a.start + a.len) as usize)
                .unwrap_or_default();
            if found.eq_ignore_ascii_case(literal) {
                hit(a.id, start, end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(base: u32, n: usize) -> Vec<u32> {
        (base..base + n as u32).collect()
    }

    fn all_hits(lits: &[&str], text: &str) -> Vec<(u32, usize, usize)> {
        let scanner = Scanner::new(&ids(10, lits.len()), lits);
        let mut out = Vec::new();
        scanner.scan(text, &mut Vec::new(), |id, s, e| out.push((id, s, e)));
        out.sort_unstable();
        out
    }

    #[test]
    fn finds_every_occurrence_overlapping_included() {
        let hits = all_hits(
            &["\\cmd.exe", "cmd.exe", ".exe", "ab", "abc", "x", "exe /c"],
            "c:\\cmd.exe /c abab x",
        );
        assert_eq!(
            hits,
            [
                (10, 2, 10),
                (11, 3, 10),
                (12, 6, 10),
                (13, 14, 16),
                (13, 16, 18),
                (15, 8, 9),
                (15, 19, 20),
                (16, 7, 13),
            ]
        );
        assert_eq!(
            all_hits(&["aaaa"], "aaaaaa"),
            [(10, 0, 4), (10, 1, 5), (10, 2, 6)]
        );
        assert_eq!(all_hits(&["x"], "x"), [(10, 0, 1)]);
        assert!(all_hits(&["abcd"], "abc").is_empty());
    }

    #[test]
    fn ascii_case_is_ignored_by_large_sets() {
        let mut lits: Vec<String> = (0..100).map(|i| format!("zz{i:03}")).collect();
        lits.push("cmd.exe".into());
        let scanner = Scanner::new(&ids(0, lits.len()), &lits);
        let mut out = Vec::new();
        scanner.scan("C:\\CMD.EXE zz007", &mut Vec::new(), |id, s, e| {
            out.push((id, s, e));
        });
        out.sort_unstable();
        assert_eq!(out, [(7, 11, 16), (100, 3, 10)]);
    }

    #[test]
    fn ascii_lower_cases_words() {
        let w = |s: &[u8; 4]| u32::from_le_bytes(*s);
        assert_eq!(ascii_lower(w(b"AZaz")), w(b"azaz"));
        assert_eq!(ascii_lower(w(b"@[`{")), w(b"@[`{"));
        assert_eq!(ascii_lower(w(b"\xc3\x84M1")), w(b"\xc3\x84m1"));
        for b in 0..=255u8 {
            assert_eq!(
                ascii_lower(w(&[b, b, b, b])),
                w(&[b.to_ascii_lowercase(); 4])
            );
        }
    }

    #[test]
    fn long_literals_are_found_with_a_stride() {
        let lits: Vec<String> = (0..100)
            .map(|i| format!("imphash={i:032x}"))
            .chain(["sha256=0123456789abcdef".to_string()])
            .collect();
        let scanner = Scanner::new(&ids(0, lits.len()), &lits);
        assert_eq!(scanner.stride, MAX_STRIDE);
        for shift in 0..12 {
            let text = format!(
                "{}SHA1=FF,IMPHASH={:032X},SHA256=0123456789ABCDEF",
                "x".repeat(shift),
                7
            );
            let mut out = Vec::new();
            scanner.scan(&text, &mut Vec::new(), |id, s, e| out.push((id, s, e)));
            out.sort_unstable();
            assert_eq!(
                out,
                [(7, shift + 8, shift + 48), (100, shift + 49, shift + 72)],
                "shift {shift}"
            );
        }
    }

    #[test]
    fn agrees_with_a_naive_search() {
        let lits = [
            "\\windows\\system32\\",
            "\\windows\\",
            "system32",
            "32\\cmd",
            "powershell",
            "-enc",
            " -e ",
            "shell",
            "ll -",
            "e",
            "ow",
            "xyz",
            "wer",
        ];
        let text = "c:\\windows\\system32\\cmd.exe /c powershell -enc aaa -e bbb xyz";
        let mut expected = Vec::new();
        for (i, lit) in lits.iter().enumerate() {
            let mut from = 0;
            while let Some(pos) = text.get(from..).and_then(|t| t.find(lit)) {
                let start = from + pos;
                expected.push((10 + i as u32, start, start + lit.len()));
                from = start + 1;
            }
        }
        expected.sort_unstable();
        assert_eq!(all_hits(&lits, text), expected);
        // The same as a large (anchored) set.
        let mut many: Vec<String> = lits.iter().map(|s| (*s).to_string()).collect();
        many.extend((0..70).map(|i| format!("#{i}#")));
        let scanner = Scanner::new(&ids(10, many.len()), &many);
        let mut out = Vec::new();
        scanner.scan(text, &mut Vec::new(), |id, s, e| out.push((id, s, e)));
        out.sort_unstable();
        assert_eq!(out, expected);
    }
}
