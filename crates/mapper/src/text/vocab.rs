//! The vocabulary of the similarity model: term ids for unigrams and
//! bigrams, and the one tokenisation rule that training and queries share.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::token::{word_features, words, Features};

/// Sorted `(term, count)` pairs.
pub(super) fn counts(mut ids: Vec<u32>) -> Vec<(u32, f32)> {
    ids.sort_unstable();
    let mut out: Vec<(u32, f32)> = Vec::new();
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1.0,
            _ => out.push((id, 1.0)),
        }
    }
    out
}

/// FxHash (rustc's hasher): fast and deterministic. The vocabulary's keys
/// come from the knowledge base; query text only looks keys up, so input
/// crafted to collide cannot make anything grow.
#[derive(Debug, Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fx = BuildHasherDefault<FxHasher>;

/// Term ids: unigrams by their text, bigrams by their two unigram ids.
#[derive(Debug, Clone, Default)]
pub(super) struct Vocabulary {
    unigrams: HashMap<String, u32, Fx>,
    bigrams: HashMap<(u32, u32), u32, Fx>,
}

impl Vocabulary {
    pub(super) fn len(&self) -> usize {
        self.unigrams.len() + self.bigrams.len()
    }

    fn intern(&mut self, unigram: &str) -> u32 {
        if let Some(&id) = self.unigrams.get(unigram) {
            return id;
        }
        let id = self.len() as u32;
        self.unigrams.insert(unigram.to_owned(), id);
        id
    }

    fn intern_pair(&mut self, a: u32, b: u32) -> u32 {
        let next = self.len() as u32;
        *self.bigrams.entry((a, b)).or_insert(next)
    }
}

/// Turns words into term ids for [`terms`].
pub(super) trait Resolve {
    /// Push the unigram ids of `word` (a word of [`words`]); false when the
    /// word is skipped (stop word, number, single character).
    fn word(&mut self, word: &str, out: &mut Vec<u32>) -> bool;
    /// The id of a bigram, when there is one.
    fn bigram(&mut self, a: u32, b: u32) -> Option<u32>;
}

/// The term counts of `text`: each word's unigrams and, with `bigrams`,
/// the pair of each word's unigram with the previous kept word's. Skipped
/// words do not break a pair; a word unknown to the vocabulary does.
pub(super) fn terms(
    resolve: &mut impl Resolve,
    text: &str,
    bigrams: bool,
    scratch: &mut Vec<u32>,
) -> Vec<(u32, f32)> {
    let mut ids = Vec::new();
    let mut previous: Option<u32> = None;
    for word in words(text) {
        scratch.clear();
        if !resolve.word(word, scratch) {
            continue;
        }
        ids.extend_from_slice(scratch);
        if bigrams {
            if let [unigram] = scratch.as_slice() {
                if let Some(pair) = previous.and_then(|p| resolve.bigram(p, *unigram)) {
                    ids.push(pair);
                }
                previous = Some(*unigram);
            } else {
                previous = None;
            }
        }
    }
    counts(ids)
}

/// Training: interns every feature, caching each distinct word's ids (the
/// stemmer runs once per distinct word). With `intern` off it only looks
/// up, for the calibration queries.
pub(super) struct Interning<'v> {
    vocabulary: &'v mut Vocabulary,
    kind: Features,
    pub(super) intern: bool,
    /// Word as written → its ids in `flat` (`None`: skipped).
    cache: HashMap<String, Option<(u32, u32)>, Fx>,
    flat: Vec<u32>,
    lower: String,
}

impl<'v> Interning<'v> {
    pub(super) fn new(vocabulary: &'v mut Vocabulary, kind: Features) -> Interning<'v> {
        Interning {
            vocabulary,
            kind,
            intern: true,
            cache: HashMap::default(),
            flat: Vec::new(),
            lower: String::new(),
        }
    }
}

impl Resolve for Interning<'_> {
    fn word(&mut self, word: &str, out: &mut Vec<u32>) -> bool {
        let entry = if let Some(entry) = self.cache.get(word) {
            *entry
        } else {
            let start = self.flat.len();
            let (vocabulary, flat, intern) = (&mut *self.vocabulary, &mut self.flat, self.intern);
            let kept = word_features(word, self.kind, &mut self.lower, &mut |f| {
                let id = if intern {
                    Some(vocabulary.intern(f))
                } else {
                    vocabulary.unigrams.get(f).copied()
                };
                flat.extend(id);
            });
            let entry = kept.then(|| (start as u32, (flat.len() - start) as u32));
            self.cache.insert(word.to_owned(), entry);
            entry
        };
        match entry {
            Some((start, len)) => {
                out.extend_from_slice(&self.flat[start as usize..(start + len) as usize]);
                true
            }
            None => false,
        }
    }

    fn bigram(&mut self, a: u32, b: u32) -> Option<u32> {
        if self.intern {
            Some(self.vocabulary.intern_pair(a, b))
        } else {
            self.vocabulary.bigrams.get(&(a, b)).copied()
        }
    }
}

/// Queries: look words up in a trained vocabulary.
pub(super) struct Lookup<'v> {
    pub(super) vocabulary: &'v Vocabulary,
    pub(super) kind: Features,
    pub(super) lower: String,
}

impl Resolve for Lookup<'_> {
    fn word(&mut self, word: &str, out: &mut Vec<u32>) -> bool {
        let unigrams = &self.vocabulary.unigrams;
        word_features(word, self.kind, &mut self.lower, &mut |f| {
            out.extend(unigrams.get(f).copied());
        })
    }

    fn bigram(&mut self, a: u32, b: u32) -> Option<u32> {
        self.vocabulary.bigrams.get(&(a, b)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_and_query_tokenisation_agree() {
        let texts = [
            "The actor ran PowerShell scripts, then the scripts ran again: powershell.",
            "Unknown zyxwv words break bigram pairs, stop words do not.",
            "Größe 2024 a b",
        ];
        for kind in [Features::Stemmed, Features::Words, Features::CharNgrams] {
            let mut vocabulary = Vocabulary::default();
            let mut interning = Interning::new(&mut vocabulary, kind);
            let mut scratch = Vec::new();
            let trained: Vec<_> = texts[..1]
                .iter()
                .map(|t| terms(&mut interning, t, true, &mut scratch))
                .collect();
            interning.intern = false;
            let cached: Vec<_> = texts
                .iter()
                .map(|t| terms(&mut interning, t, true, &mut scratch))
                .collect();
            assert_eq!(trained[0], cached[0]);
            let mut lookup = Lookup {
                vocabulary: &vocabulary,
                kind,
                lower: String::new(),
            };
            for (text, expected) in texts.iter().zip(&cached) {
                assert_eq!(
                    &terms(&mut lookup, text, true, &mut scratch),
                    expected,
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn counts_sort_and_merge() {
        assert_eq!(counts(vec![3, 1, 3, 3]), [(1, 1.0), (3, 3.0)]);
    }
}
