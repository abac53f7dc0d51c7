//! Sigma string values: wildcards, escaping, case folding and fast
//! matching of value lists.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use memchr::memmem::Finder;

/// One piece of a Sigma string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Plain bytes (UTF-8 text, or encoded bytes between an encoding
    /// modifier and `base64`).
    Lit(Vec<u8>),
    /// `*`: any run of characters, maybe empty.
    Star,
    /// `?`: exactly one character.
    One,
    /// `%name%` of an `|expand` value, until expanded.
    Placeholder(String),
}

/// A Sigma string value as parts (adjacent literals merged, stars
/// collapsed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Pattern {
    pub parts: Vec<Part>,
}

impl Pattern {
    /// A Sigma string: `*` and `?` are wildcards; `\` escapes `*`, `?` and
    /// itself, and stays a plain backslash before anything else.
    pub fn parse(text: &str) -> Pattern {
        Pattern::parse_with(text, false)
    }

    /// A Sigma string of an `|expand` value: also `%name%` placeholders,
    /// and `\%` for a plain percent sign.
    pub fn parse_placeholders(text: &str) -> Pattern {
        Pattern::parse_with(text, true)
    }

    fn parse_with(text: &str, placeholders: bool) -> Pattern {
        let mut pattern = Pattern::default();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some(&next @ ('*' | '?' | '\\')) => {
                        lit.push(next);
                        chars.next();
                    }
                    Some('%') if placeholders => {
                        lit.push('%');
                        chars.next();
                    }
                    _ => lit.push('\\'),
                },
                '%' if placeholders => {
                    let rest: String = chars.clone().collect();
                    let name = rest.split('%').next().unwrap_or_default();
                    if rest.contains('%')
                        && !name.is_empty()
                        && !name.contains(|c: char| c.is_whitespace() || c == '\\')
                    {
                        pattern.push_lit(std::mem::take(&mut lit).into_bytes());
                        pattern.push(Part::Placeholder(name.to_string()));
                        for _ in 0..=name.chars().count() {
                            chars.next();
                        }
                    } else {
                        lit.push('%');
                    }
                }
                '*' | '?' => {
                    pattern.push_lit(std::mem::take(&mut lit).into_bytes());
                    pattern.push(if c == '*' { Part::Star } else { Part::One });
                }
                _ => lit.push(c),
            }
        }
        pattern.push_lit(lit.into_bytes());
        pattern
    }

    /// A pattern matching exactly `text` (no wildcard).
    pub fn literal(text: &str) -> Pattern {
        let mut pattern = Pattern::default();
        pattern.push_lit(text.as_bytes().to_vec());
        pattern
    }

    /// Append a part, merging literals and collapsing stars.
    pub fn push(&mut self, part: Part) {
        match (self.parts.last_mut(), part) {
            (_, Part::Lit(bytes)) => self.push_lit(bytes),
            (Some(Part::Star), Part::Star) => {}
            (_, part) => self.parts.push(part),
        }
    }

    fn push_lit(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        if let Some(Part::Lit(last)) = self.parts.last_mut() {
            last.extend_from_slice(&bytes);
        } else {
            self.parts.push(Part::Lit(bytes));
        }
    }

    /// Whether it has a wildcard.
    pub fn has_wildcards(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Lit(_)))
    }

    /// Its bytes when it has no wildcard.
    pub fn plain_bytes(&self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Lit(bytes) => out.extend_from_slice(bytes),
                _ => return None,
            }
        }
        Some(out)
    }

    /// `*` before, unless there already.
    pub fn star_before(&mut self) {
        if self.parts.first() != Some(&Part::Star) {
            self.parts.insert(0, Part::Star);
        }
    }

    /// `*` after, unless there already.
    pub fn star_after(&mut self) {
        if self.parts.last() != Some(&Part::Star) {
            self.parts.push(Part::Star);
        }
    }

    /// The longest literal part, case-folded (the prefilter's needle).
    pub fn longest_literal(&self) -> Option<String> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Lit(bytes) => std::str::from_utf8(bytes).ok(),
                _ => None,
            })
            .max_by_key(|s| s.len())
            .map(|s| fold(s).into_owned())
    }

    /// The pattern as text matching parts, case-folded unless `cased`.
    /// `None` when a literal is not UTF-8 text.
    pub fn to_text(&self, cased: bool) -> Option<Vec<TextPart>> {
        self.parts
            .iter()
            .map(|p| {
                Some(match p {
                    Part::Lit(bytes) => {
                        let s = std::str::from_utf8(bytes).ok()?;
                        TextPart::Lit(if cased {
                            s.to_string()
                        } else {
                            fold(s).into_owned()
                        })
                    }
                    Part::Star => TextPart::Star,
                    Part::One => TextPart::One,
                    Part::Placeholder(_) => return None,
                })
            })
            .collect()
    }

    /// Sigma's escaped spelling of the pattern (for messages).
    pub fn display(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Lit(bytes) => {
                    for c in String::from_utf8_lossy(bytes).chars() {
                        if matches!(c, '*' | '?') {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                }
                Part::Star => out.push('*'),
                Part::One => out.push('?'),
                Part::Placeholder(name) => {
                    out.push('%');
                    out.push_str(name);
                    out.push('%');
                }
            }
        }
        out
    }
}

/// A part of a pattern over text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextPart {
    Lit(String),
    Star,
    One,
}

/// Case folding: ASCII and Unicode simple lowercase mapping, one character
/// to one character (so a folded substring is a substring of the folded
/// text). Borrows when nothing changes.
pub(crate) fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else if s.chars().all(|c| fold_char(c) == c) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(fold_char).collect())
    }
}

/// Whether folding leaves `s` as it is.
pub(crate) fn is_folded(s: &str) -> bool {
    if s.is_ascii() {
        !s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.chars().all(|c| fold_char(c) == c)
    }
}

/// Append the folded `s` to `out`.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        if let Some(tail) = out.get_mut(start..) {
            tail.make_ascii_lowercase();
        }
    } else {
        out.extend(s.chars().map(fold_char));
    }
}

/// The simple lowercase mapping of one character.
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // U+0130 (capital I with dot) is the one character whose full
    // lowercase mapping has two characters; its simple mapping is `i`.
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// A wildcard pattern over text, split at its stars.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    /// Whether it starts with `*`.
    open_start: bool,
    /// Whether it ends with `*`.
    open_end: bool,
    /// The runs between stars: literals and single-character wildcards.
    segments: Vec<Vec<TextPart>>,
}

impl Glob {
    pub fn new(parts: &[TextPart]) -> Glob {
        let mut segments = vec![Vec::new()];
        for part in parts {
            match part {
                TextPart::Star => segments.push(Vec::new()),
                other => {
                    if let Some(last) = segments.last_mut() {
                        last.push(other.clone());
                    }
                }
            }
        }
        let open_start = matches!(parts.first(), Some(TextPart::Star));
        let open_end = matches!(parts.last(), Some(TextPart::Star));
        segments.retain(|s| !s.is_empty());
        Glob {
            open_start,
            open_end,
            segments,
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        let n = self.segments.len();
        if n == 0 {
            // Only stars (or an empty pattern).
            return self.open_start || self.open_end || text.is_empty();
        }
        let mut at = 0;
        let mut first = 0;
        let mut last = n;
        if !self.open_start {
            let Some(seg) = self.segments.first() else {
                return false;
            };
            let Some(end) = match_forward(seg, text, 0) else {
                return false;
            };
            if n == 1 && !self.open_end {
                return end == text.len();
            }
            at = end;
            first = 1;
        }
        let mut end_limit = text.len();
        if !self.open_end {
            let Some(seg) = self.segments.last() else {
                return false;
            };
            let Some(start) = match_backward(seg, text, text.len()) else {
                return false;
            };
            if start < at {
                return false;
            }
            end_limit = start;
            last = n - 1;
        }
        for seg in self.segments.get(first..last).unwrap_or(&[]) {
            match find_segment(seg, text, at, end_limit) {
                Some(end) => at = end,
                None => return false,
            }
        }
        at <= end_limit
    }
}

/// Match `seg` at byte `at`; the end on success.
fn match_forward(seg: &[TextPart], text: &str, mut at: usize) -> Option<usize> {
    for part in seg {
        let rest = text.get(at..)?;
        match part {
            TextPart::Lit(lit) => {
                if !rest.starts_with(lit.as_str()) {
                    return None;
                }
                at += lit.len();
            }
            TextPart::One => at += rest.chars().next()?.len_utf8(),
            TextPart::Star => return None,
        }
    }
    Some(at)
}

/// Match `seg` ending at byte `end`; the start on success.
fn match_backward(seg: &[TextPart], text: &str, mut end: usize) -> Option<usize> {
    for part in seg.iter().rev() {
        let head = text.get(..end)?;
        match part {
            TextPart::Lit(lit) => {
                if !head.ends_with(lit.as_str()) {
                    return None;
                }
                end -= lit.len();
            }
            TextPart::One => end -= head.chars().next_back()?.len_utf8(),
            TextPart::Star => return None,
        }
    }
    Some(end)
}

/// The leftmost match of `seg` starting at or after `from` and ending by
/// `limit`; its end.
fn find_segment(seg: &[TextPart], text: &str, from: usize, limit: usize) -> Option<usize> {
    let window = text.get(..limit)?;
    let mut start = from;
    loop {
        if start > window.len() {
            return None;
        }
        // Jump to the next place the first literal can start.
        if let Some(TextPart::Lit(lit)) = seg.first() {
            let found = window.get(start..)?.find(lit.as_str())?;
            start += found;
        }
        if let Some(end) = match_forward(seg, window, start) {
            return Some(end);
        }
        // Next character boundary.
        let step = window.get(start..)?.chars().next()?.len_utf8();
        start += step;
    }
}

/// Literal match kinds, as bits: where a literal occurred in a text.
pub(crate) const AT_ANY: u8 = 1;
/// The literal starts the text.
pub(crate) const AT_START: u8 = 2;
/// The literal ends the text.
pub(crate) const AT_END: u8 = 4;
/// The literal is the whole text.
pub(crate) const WHOLE: u8 = 8;

/// Literals at least this long are found by the event-wide literal index;
/// shorter ones (`-e`, `\\`) would occur at most places of most texts and
/// are searched for when a rule needs them.
pub(crate) const INDEXED_MIN: usize = 4;

/// An OR of text patterns, compiled for speed: exact values, prefixes,
/// suffixes, substrings (one automaton when there are many, built on first
/// use) and general wildcard patterns.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrSet {
    any: bool,
    empty: bool,
    /// The literals shorter than [`INDEXED_MIN`], with where they must
    /// occur.
    short: Vec<(Box<str>, u8)>,
    exact: Vec<Box<str>>,
    prefix: Vec<Box<str>>,
    suffix: Vec<Box<str>>,
    contains: Vec<Box<str>>,
    finders: Vec<Finder<'static>>,
    automaton: OnceLock<Option<AhoCorasick>>,
    globs: Vec<Glob>,
}

/// From how many substrings one Aho-Corasick automaton replaces
/// `memmem` finders.
const AUTOMATON_FROM: usize = 5;

impl StrSet {
    /// The set of `patterns` (already case-folded when matching is not
    /// case-sensitive).
    pub fn new(patterns: &[Vec<TextPart>]) -> StrSet {
        let mut set = StrSet::default();
        for parts in patterns {
            match parts.as_slice() {
                [] => set.empty = true,
                [TextPart::Lit(s)] => set.exact.push(s.as_str().into()),
                [TextPart::Star] => set.any = true,
                [TextPart::Lit(s), TextPart::Star] => set.prefix.push(s.as_str().into()),
                [TextPart::Star, TextPart::Lit(s)] => set.suffix.push(s.as_str().into()),
                [TextPart::Star, TextPart::Lit(s), TextPart::Star] => {
                    set.contains.push(s.as_str().into());
                }
                other => set.globs.push(Glob::new(other)),
            }
        }
        for list in [
            &mut set.exact,
            &mut set.prefix,
            &mut set.suffix,
            &mut set.contains,
        ] {
            list.sort();
            list.dedup();
        }
        set.short = set
            .literals_of_any_length()
            .filter(|(l, _)| l.len() < INDEXED_MIN)
            .map(|(l, kind)| (l.into(), kind))
            .collect();
        if set.contains.len() < AUTOMATON_FROM {
            set.finders = set
                .contains
                .iter()
                .map(|s| Finder::new(s.as_bytes()).into_owned())
                .collect();
        }
        set
    }

    /// The literal patterns of at least [`INDEXED_MIN`] bytes with the
    /// positions they must match at (for the event-wide literal index);
    /// the rest are [`StrSet::direct`].
    pub fn literals(&self) -> impl Iterator<Item = (&str, u8)> + '_ {
        self.literals_of_any_length()
            .filter(|(l, _)| l.len() >= INDEXED_MIN)
    }

    fn literals_of_any_length(&self) -> impl Iterator<Item = (&str, u8)> + '_ {
        fn tag(list: &[Box<str>], kind: u8) -> impl Iterator<Item = (&str, u8)> + '_ {
            list.iter().map(move |s| (&**s, kind))
        }
        tag(&self.exact, WHOLE)
            .chain(tag(&self.prefix, AT_START))
            .chain(tag(&self.suffix, AT_END))
            .chain(tag(&self.contains, AT_ANY))
    }

    /// Whether some patterns are not [`StrSet::literals`] (match anything,
    /// the empty text, short literals, wildcard patterns).
    pub fn has_direct(&self) -> bool {
        self.any || self.empty || !self.short.is_empty() || !self.globs.is_empty()
    }

    /// Whether `text` matches one of the patterns that are not
    /// [`StrSet::literals`].
    pub fn direct(&self, text: &str) -> bool {
        self.not_literal(text)
            || self.short.iter().any(|(l, kind)| match *kind {
                WHOLE => text == &**l,
                AT_START => text.starts_with(&**l),
                AT_END => text.ends_with(&**l),
                _ => text.contains(&**l),
            })
    }

    /// Whether `text` matches one of the patterns that are no literal.
    fn not_literal(&self, text: &str) -> bool {
        self.any || (self.empty && text.is_empty()) || self.globs.iter().any(|g| g.is_match(text))
    }

    /// Whether `text` matches one of the patterns.
    pub fn is_match(&self, text: &str) -> bool {
        if self.not_literal(text)
            || self.exact.iter().any(|e| **e == *text)
            || self.suffix.iter().any(|s| text.ends_with(&**s))
            || self.prefix.iter().any(|p| text.starts_with(&**p))
        {
            return true;
        }
        if self.contains.is_empty() {
            return false;
        }
        if !self.finders.is_empty() {
            return self
                .finders
                .iter()
                .any(|f| f.find(text.as_bytes()).is_some());
        }
        let automaton = self
            .automaton
            .get_or_init(|| AhoCorasick::new(self.contains.iter().map(|s| s.as_bytes())).ok());
        match automaton {
            Some(ac) => ac.is_match(text),
            None => self.contains.iter().any(|c| text.contains(&**c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> StrSet {
        let parts: Vec<Vec<TextPart>> = patterns
            .iter()
            .map(|p| Pattern::parse(p).to_text(false).unwrap())
            .collect();
        StrSet::new(&parts)
    }

    #[test]
    fn escapes_follow_the_specification() {
        let lit = |s: &str| Part::Lit(s.as_bytes().to_vec());
        assert_eq!(Pattern::parse(r"a\*b").parts, [lit("a*b")]);
        assert_eq!(Pattern::parse(r"a\?b").parts, [lit("a?b")]);
        assert_eq!(Pattern::parse(r"C:\Windows").parts, [lit(r"C:\Windows")]);
        assert_eq!(Pattern::parse(r"C:\\Windows").parts, [lit(r"C:\Windows")]);
        assert_eq!(Pattern::parse(r"a\\*").parts, [lit(r"a\"), Part::Star]);
        assert_eq!(Pattern::parse(r"a\\\*").parts, [lit(r"a\*")]);
        assert_eq!(Pattern::parse(r"\\\\").parts, [lit(r"\\")]);
        assert_eq!(Pattern::parse(r"x\").parts, [lit(r"x\")]);
        assert_eq!(
            Pattern::parse("**a?").parts,
            [Part::Star, lit("a"), Part::One]
        );
        assert_eq!(Pattern::parse("%x%").parts, [lit("%x%")]);
        assert_eq!(
            Pattern::parse_placeholders(r"a\%b%c%\\%d% e%").parts,
            [
                lit("a%b"),
                Part::Placeholder("c".into()),
                lit("\\"),
                Part::Placeholder("d".into()),
                lit(" e%")
            ]
        );
    }

    #[test]
    fn globs_match() {
        let g = |p: &str, t: &str| set(&[p]).is_match(&fold(t));
        assert!(g("a*c", "abc"));
        assert!(g("a*c", "ac"));
        assert!(!g("a*c", "acb"));
        assert!(g("a?c", "aéc"));
        assert!(!g("a?c", "ac"));
        assert!(g("*a?c*", "xxaxcxx"));
        assert!(g("*a*b*a*", "zzabza"));
        assert!(!g("*a*b*a*", "zzba"));
        assert!(g("ab*ab", "abab"));
        assert!(!g("ab*ab", "aba"));
        assert!(g("?", "é"));
        assert!(!g("?", "ab"));
        assert!(g("*", ""));
        assert!(g("", ""));
        assert!(!g("", "a"));
        assert!(g("A*Z", "abcz"));
        assert!(g("*.exe", "C:\\X.EXE"));
    }

    #[test]
    fn folding_is_simple_lowercase() {
        assert_eq!(fold("CMD.EXE"), "cmd.exe");
        assert_eq!(fold("ÄÖÜ"), "äöü");
        assert_eq!(fold("İ"), "i");
        assert!(matches!(fold("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn many_substrings_use_an_automaton() {
        let s = set(&["*a1*", "*b2*", "*c3*", "*d4*", "*e5*", "*f6*"]);
        assert!(s.finders.is_empty());
        assert!(s.is_match("xxe5xx"));
        assert!(s.automaton.get().is_some());
        assert!(!s.is_match("xxe6xx"));
    }
}
