//! Tokenisation for the similarity model: cleaning of ATT&CK markdown,
//! lower-casing, stop words, Porter stemming, bigrams and character n-grams.

use std::borrow::Cow;

/// How words become features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Features {
    /// Lower-cased words, no stemming.
    Words,
    /// Lower-cased words through the Porter stemmer (the default).
    #[default]
    Stemmed,
    /// Character 3- to 5-grams of each lower-cased word, with `<` and `>`
    /// marking its edges.
    CharNgrams,
}

/// Which markdown links of ATT&CK text keep their text when cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    /// Every link becomes its text: `[APT28](…/groups/G0007)` → `APT28`.
    KeepText,
    /// Links to groups, software and campaigns disappear; other links
    /// (techniques, tactics, …) keep their text.
    DropEntities,
}

/// HTML tags ATT&CK descriptions use.
const TAGS: &[&str] = &["b", "br", "code", "em", "i", "p", "strong"];

/// Clean ATT&CK text: `(Citation: …)` markers and HTML tags such as
/// `<code>` go, markdown links `[Name](https://attack.mitre.org/…)` become
/// `Name`, backticks go, and runs of white space shrink to one space.
///
/// # Example
///
/// ```
/// use ttpmap_mapper::text::clean_attack_text;
///
/// let raw = "[APT28](https://attack.mitre.org/groups/G0007) has used `rundll32.exe`.(Citation: Unit42 2018)";
/// assert_eq!(clean_attack_text(raw), "APT28 has used rundll32.exe.");
/// ```
pub fn clean_attack_text(text: &str) -> String {
    clean(text, Links::KeepText)
}

/// See [`clean_attack_text`]; one pass, no regular expressions (training
/// cleans tens of thousands of examples).
pub(crate) fn clean(text: &str, links: Links) -> String {
    let mut out = String::with_capacity(text.len());
    // Pending white space, written before the next visible character
    // unless that is closing punctuation ("word ." left by a citation).
    let mut space = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let skipped = match c {
            '(' if rest.starts_with("(Citation:") => rest.find(')').map_or(rest.len(), |e| e + 1),
            '[' => match link(rest) {
                Some((name, url, len)) => {
                    let entity = ["/groups/", "/software/", "/campaigns/"]
                        .iter()
                        .any(|p| url.contains(p));
                    if !(links == Links::DropEntities && entity) {
                        push_text(&mut out, &mut space, name);
                    }
                    len
                }
                None => 0,
            },
            '<' => tag_len(rest),
            '`' => 1,
            _ => 0,
        };
        if skipped > 0 {
            if c != '`' && c != '[' {
                space = true;
            }
            rest = &rest[skipped..];
            continue;
        }
        push_char(&mut out, &mut space, c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn push_text(out: &mut String, space: &mut bool, text: &str) {
    for c in text.chars() {
        push_char(out, space, c);
    }
}

fn push_char(out: &mut String, space: &mut bool, c: char) {
    if c.is_whitespace() {
        *space = true;
        return;
    }
    if *space && !out.is_empty() && !matches!(c, '.' | ',' | ';' | ':') {
        out.push(' ');
    }
    *space = false;
    out.push(c);
}

/// A markdown link at the start of `text`: `[name](url)` with no brackets
/// in the name and no `)` or white space in the URL. Returns the name, the
/// URL and the link's length.
fn link(text: &str) -> Option<(&str, &str, usize)> {
    let close = text[1..].find([']', '['])? + 1;
    if text.as_bytes()[close] != b']' || text.as_bytes().get(close + 1) != Some(&b'(') {
        return None;
    }
    let url_start = close + 2;
    let url_len = text[url_start..].find(|c: char| c == ')' || c.is_whitespace())?;
    if text.as_bytes()[url_start + url_len] != b')' {
        return None;
    }
    Some((
        &text[1..close],
        &text[url_start..url_start + url_len],
        url_start + url_len + 1,
    ))
}

/// The length of an HTML tag of [`TAGS`] at the start of `text` (`<code>`,
/// `</code>`, `<br/>`, `<br />`), or 0.
fn tag_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 1;
    if bytes.get(i) == Some(&b'/') {
        i += 1;
    }
    let name_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1;
    }
    if !TAGS.contains(&text[name_start..i].to_ascii_lowercase().as_str()) {
        return 0;
    }
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    if bytes.get(i) == Some(&b'/') {
        i += 1;
    }
    if bytes.get(i) == Some(&b'>') {
        i + 1
    } else {
        0
    }
}

/// English function words plus words every ATT&CK procedure uses
/// (`used`, `via`, `also`) and URL parts.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "eg",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "http",
    "https",
    "i",
    "ie",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "use",
    "used",
    "uses",
    "using",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "would",
    "www",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether a lower-cased word is a stop word.
pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The words of a text: maximal runs of alphanumeric characters.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Calls `emit` with each unigram feature of one word (see [`words`]):
/// none when the lower-cased word is a stop word, a number or a single
/// character, one for words (stemmed or not), several for character
/// n-grams. Returns false when the word is skipped. `lower` is a scratch
/// buffer.
pub(crate) fn word_features(
    word: &str,
    kind: Features,
    lower: &mut String,
    emit: &mut impl FnMut(&str),
) -> bool {
    lower.clear();
    lower.extend(word.chars().flat_map(char::to_lowercase));
    if lower.len() < 2 || lower.bytes().all(|b| b.is_ascii_digit()) || is_stop_word(lower) {
        return false;
    }
    match kind {
        Features::CharNgrams => char_ngrams(lower, emit),
        Features::Words => emit(lower),
        Features::Stemmed => emit(&stem(lower)),
    }
    true
}

/// Calls `emit` with each feature of `text` (already cleaned): each word's
/// unigrams and, when `bigrams` (not with character n-grams), each pair of
/// neighbouring unigrams joined by a space. Skipped words do not break a
/// pair. The model works on term ids with the same rules (`model.rs`).
#[cfg(test)]
pub(crate) fn features(text: &str, kind: Features, bigrams: bool, emit: &mut impl FnMut(&str)) {
    let mut lower = String::new();
    let mut previous: Option<String> = None;
    for word in words(text) {
        let mut unigrams = Vec::new();
        if !word_features(word, kind, &mut lower, &mut |f| unigrams.push(f.to_owned())) {
            continue;
        }
        for u in &unigrams {
            emit(u);
        }
        if bigrams && kind != Features::CharNgrams {
            if let (Some(p), [u]) = (&previous, unigrams.as_slice()) {
                emit(&format!("{p} {u}"));
            }
            previous = unigrams.first().cloned();
        }
    }
}

fn char_ngrams(word: &str, emit: &mut impl FnMut(&str)) {
    let marked: Vec<char> = std::iter::once('<')
        .chain(word.chars())
        .chain(std::iter::once('>'))
        .collect();
    let mut gram = String::new();
    for n in 3..=5 {
        if marked.len() < n {
            break;
        }
        for window in marked.windows(n) {
            gram.clear();
            gram.extend(window);
            emit(&gram);
        }
    }
}

/// The Porter (1980) stem of a lower-cased word. Words with anything but
/// ASCII letters, and words of one or two letters, are returned unchanged.
///
/// The algorithm is Martin Porter's, step for step (with the two
/// departures of his reference implementation: `bli` → `ble` and
/// `logi` → `log`).
pub(crate) fn stem(word: &str) -> Cow<'_, str> {
    if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Cow::Borrowed(word);
    }
    let mut s = Stemmer {
        b: word.as_bytes().to_vec(),
        k: word.len() - 1,
        j: 0,
    };
    s.step1ab();
    if s.k > 0 {
        s.step1c();
        s.step2();
        s.step3();
        s.step4();
        s.step5();
    }
    s.b.truncate(s.k + 1);
    if s.b.len() == word.len() && s.b == word.as_bytes() {
        return Cow::Borrowed(word);
    }
    Cow::Owned(String::from_utf8_lossy(&s.b).into_owned())
}

/// The reference implementation's state: the word in `b`, its current end
/// `k` (inclusive), and `j`, the end of the stem before a matched suffix
/// (`j + 1` is where the suffix starts; `j` may be "-1", kept as
/// `usize::MAX` through wrapping arithmetic and never used as an index
/// then).
struct Stemmer {
    b: Vec<u8>,
    k: usize,
    j: usize,
}

impl Stemmer {
    fn cons(&self, i: usize) -> bool {
        match self.b[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.cons(i - 1),
            _ => true,
        }
    }

    /// The number of vowel-consonant sequences in `b[0..=j]`.
    fn m(&self) -> usize {
        let end = self.j.wrapping_add(1); // exclusive end; 0 when j is -1
        let mut n = 0;
        let mut i = 0;
        while i < end && self.cons(i) {
            i += 1;
        }
        loop {
            while i < end && !self.cons(i) {
                i += 1;
            }
            if i >= end {
                return n;
            }
            while i < end && self.cons(i) {
                i += 1;
            }
            n += 1;
            if i >= end {
                return n;
            }
        }
    }

    fn vowel_in_stem(&self) -> bool {
        let end = self.j.wrapping_add(1);
        (0..end).any(|i| !self.cons(i))
    }

    fn double_c(&self, j: usize) -> bool {
        j >= 1 && self.b[j] == self.b[j - 1] && self.cons(j)
    }

    fn cvc(&self, i: usize) -> bool {
        if i < 2 || !self.cons(i) || self.cons(i - 1) || !self.cons(i - 2) {
            return false;
        }
        !matches!(self.b[i], b'w' | b'x' | b'y')
    }

    fn ends(&mut self, suffix: &str) -> bool {
        let s = suffix.as_bytes();
        if s.len() > self.k + 1 || &self.b[self.k + 1 - s.len()..=self.k] != s {
            return false;
        }
        self.j = (self.k + 1 - s.len()).wrapping_sub(1);
        true
    }

    fn set_to(&mut self, replacement: &str) {
        let start = self.j.wrapping_add(1);
        self.b.truncate(start);
        self.b.extend_from_slice(replacement.as_bytes());
        // The word never becomes empty: replacements happen after a
        // non-empty stem or are themselves non-empty.
        self.k = (start + replacement.len()).saturating_sub(1);
    }

    fn r(&mut self, replacement: &str) {
        if self.m() > 0 {
            self.set_to(replacement);
        }
    }

    fn step1ab(&mut self) {
        if self.b[self.k] == b's' {
            if self.ends("sses") {
                self.k -= 2;
            } else if self.ends("ies") {
                self.set_to("i");
            } else if self.b[self.k - 1] != b's' {
                self.k -= 1;
            }
        }
        if self.ends("eed") {
            if self.m() > 0 {
                self.k -= 1;
            }
        } else if (self.ends("ed") || self.ends("ing")) && self.vowel_in_stem() {
            self.k = self.j;
            self.b.truncate(self.k + 1);
            if self.ends("at") {
                self.set_to("ate");
            } else if self.ends("bl") {
                self.set_to("ble");
            } else if self.ends("iz") {
                self.set_to("ize");
            } else if self.double_c(self.k) {
                if !matches!(self.b[self.k], b'l' | b's' | b'z') {
                    self.k -= 1;
                }
            } else {
                self.j = self.k;
                if self.m() == 1 && self.cvc(self.k) {
                    self.b.truncate(self.k + 1);
                    self.b.push(b'e');
                    self.k += 1;
                }
            }
        }
        self.b.truncate(self.k + 1);
    }

    fn step1c(&mut self) {
        if self.ends("y") && self.vowel_in_stem() {
            self.b[self.k] = b'i';
        }
    }

    fn step2(&mut self) {
        const RULES: &[(&str, &str)] = &[
            ("ational", "ate"),
            ("tional", "tion"),
            ("enci", "ence"),
            ("anci", "ance"),
            ("izer", "ize"),
            ("bli", "ble"),
            ("alli", "al"),
            ("entli", "ent"),
            ("eli", "e"),
            ("ousli", "ous"),
            ("ization", "ize"),
            ("ation", "ate"),
            ("ator", "ate"),
            ("alism", "al"),
            ("iveness", "ive"),
            ("fulness", "ful"),
            ("ousness", "ous"),
            ("aliti", "al"),
            ("iviti", "ive"),
            ("biliti", "ble"),
            ("logi", "log"),
        ];
        self.rules(RULES);
    }

    fn step3(&mut self) {
        const RULES: &[(&str, &str)] = &[
            ("icate", "ic"),
            ("ative", ""),
            ("alize", "al"),
            ("iciti", "ic"),
            ("ical", "ic"),
            ("ful", ""),
            ("ness", ""),
        ];
        self.rules(RULES);
    }

    /// The first rule whose suffix ends the word applies (when the stem's
    /// measure is positive); no later rule is tried.
    fn rules(&mut self, rules: &[(&str, &str)]) {
        for (suffix, replacement) in rules {
            if self.ends(suffix) {
                self.r(replacement);
                return;
            }
        }
    }

    fn step4(&mut self) {
        const SUFFIXES: &[&str] = &[
            "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
            "ou", "ism", "ate", "iti", "ous", "ive", "ize",
        ];
        for suffix in SUFFIXES {
            if self.ends(suffix) {
                if *suffix == "ion" {
                    let j = self.j;
                    if j == usize::MAX || !matches!(self.b[j], b's' | b't') {
                        return;
                    }
                }
                if self.m() > 1 {
                    self.k = self.j;
                    self.b.truncate(self.k + 1);
                }
                return;
            }
        }
    }

    fn step5(&mut self) {
        self.j = self.k;
        if self.b[self.k] == b'e' {
            let a = self.m();
            if a > 1 || (a == 1 && !self.cvc(self.k - 1)) {
                self.k -= 1;
            }
        }
        self.j = self.k;
        if self.b[self.k] == b'l' && self.double_c(self.k) && self.m() > 1 {
            self.k -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porter_reference_pairs() {
        let pairs = [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "ti"),
            ("caress", "caress"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("bled", "bled"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("conflated", "conflat"),
            ("troubled", "troubl"),
            ("sized", "size"),
            ("hopping", "hop"),
            ("tanned", "tan"),
            ("falling", "fall"),
            ("hissing", "hiss"),
            ("fizzed", "fizz"),
            ("failing", "fail"),
            ("filing", "file"),
            ("happy", "happi"),
            ("sky", "sky"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("rational", "ration"),
            ("valenci", "valenc"),
            ("digitizer", "digit"),
            ("conformabli", "conform"),
            ("radicalli", "radic"),
            ("differentli", "differ"),
            ("vileli", "vile"),
            ("analogousli", "analog"),
            ("vietnamization", "vietnam"),
            ("predication", "predic"),
            ("operator", "oper"),
            ("feudalism", "feudal"),
            ("decisiveness", "decis"),
            ("hopefulness", "hope"),
            ("callousness", "callous"),
            ("formaliti", "formal"),
            ("sensitiviti", "sensit"),
            ("sensibiliti", "sensibl"),
            ("triplicate", "triplic"),
            ("formative", "form"),
            ("formalize", "formal"),
            ("electriciti", "electr"),
            ("electrical", "electr"),
            ("hopeful", "hope"),
            ("goodness", "good"),
            ("revival", "reviv"),
            ("allowance", "allow"),
            ("inference", "infer"),
            ("airliner", "airlin"),
            ("gyroscopic", "gyroscop"),
            ("adjustable", "adjust"),
            ("defensible", "defens"),
            ("irritant", "irrit"),
            ("replacement", "replac"),
            ("adjustment", "adjust"),
            ("dependent", "depend"),
            ("adoption", "adopt"),
            ("homologou", "homolog"),
            ("communism", "commun"),
            ("activate", "activ"),
            ("angulariti", "angular"),
            ("homologous", "homolog"),
            ("effective", "effect"),
            ("bowdlerize", "bowdler"),
            ("probate", "probat"),
            ("rate", "rate"),
            ("cease", "ceas"),
            ("controll", "control"),
            ("roll", "roll"),
            ("generalizations", "gener"),
            ("oscillators", "oscil"),
            ("credentials", "credenti"),
            ("scheduled", "schedul"),
            ("tasks", "task"),
            ("injection", "inject"),
            ("injected", "inject"),
            ("persistence", "persist"),
            ("is", "is"),
            ("exe", "ex"),
            ("a", "a"),
            ("as", "as"),
            ("abs", "ab"),
            ("eed", "eed"),
            ("ies", "i"),
        ];
        for (word, expected) in pairs {
            assert_eq!(stem(word), expected, "{word}");
        }
        assert_eq!(stem("rundll32"), "rundll32");
        assert_eq!(stem("größe"), "größe");
    }

    #[test]
    fn stop_words_are_sorted() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn features_stem_and_pair() {
        let mut out = Vec::new();
        features(
            "The actor created Scheduled Tasks in 2020",
            Features::Stemmed,
            true,
            &mut |t| out.push(t.to_owned()),
        );
        assert_eq!(
            out,
            [
                "actor",
                "creat",
                "actor creat",
                "schedul",
                "creat schedul",
                "task",
                "schedul task"
            ]
        );
        let mut grams = Vec::new();
        features("Ab", Features::CharNgrams, false, &mut |t| {
            grams.push(t.to_owned());
        });
        assert_eq!(grams, ["<ab", "ab>", "<ab>"]);
    }

    #[test]
    fn cleaning() {
        let raw = "[FIN8](https://attack.mitre.org/groups/G0061) used [PowerShell](https://attack.mitre.org/techniques/T1059/001) <code>whoami</code> .(Citation: X 2016)(Citation: Y)";
        assert_eq!(clean(raw, Links::KeepText), "FIN8 used PowerShell whoami.");
        assert_eq!(clean(raw, Links::DropEntities), "used PowerShell whoami.");
    }
}
