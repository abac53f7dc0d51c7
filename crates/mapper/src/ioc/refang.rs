//! Refanging: `hxxp[://]evil[.]com` back to `http://evil.com`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// Every defanged token that [`refang`] rewrites, and what it stands for.
/// All are literals, matched in any case, the longest at a position winning.
const TOKENS: &[(&str, &str)] = &[
    ("hxxp://", "http://"),
    ("hxxp[://]", "http://"),
    ("hxxp[:]//", "http://"),
    ("hxxp[:/]/", "http://"),
    ("hxxps://", "https://"),
    ("hxxps[://]", "https://"),
    ("hxxps[:]//", "https://"),
    ("hxxps[:/]/", "https://"),
    ("fxp://", "ftp://"),
    ("fxp[://]", "ftp://"),
    ("fxp[:]//", "ftp://"),
    ("fxp[:/]/", "ftp://"),
    ("[://]", "://"),
    ("[:/]/", "://"),
    ("[:]", ":"),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    (" dot ", "."),
    ("[@]", "@"),
    ("(@)", "@"),
    ("{@}", "@"),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
];

static REFANG: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(TOKENS.iter().map(|(token, _)| token))
        .expect("refang tokens are literals and build")
});

/// The spellings of a defanged (or plain) dot that extraction accepts.
const DOT_TOKENS: &[&str] = &[".", "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}"];

/// The spellings of a defanged (or plain) `@` that extraction accepts.
const AT_TOKENS: &[&str] = &["@", "[@]", "(@)", "{@}", "[at]", "(at)", "{at}"];

/// Undo defanging in `text`: `hxxp`→`http`, `hxxps`→`https`, `fxp`→`ftp`
/// (each when followed by `://`, `[://]` or `[:]//`); `[.]`, `(.)`, `{.}`,
/// `[dot]`, `(dot)`, `{dot}` and ` dot ` → `.`; `[:]` → `:`; `[://]` → `://`;
/// `[@]`, `(@)`, `{@}`, `[at]`, `(at)`, `{at}` → `@`. Tokens are matched in
/// any case; everything else is left as written.
///
/// ```
/// use ttpmap_mapper::ioc::refang;
///
/// assert_eq!(refang("hxxps[://]evil[.]example(dot)com"), "https://evil.example.com");
/// assert_eq!(refang("user[@]example[.]org, 1.2.3[.]4"), "user@example.org, 1.2.3.4");
/// ```
pub fn refang(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in REFANG.find_iter(text) {
        out.push_str(&text[last..m.start()]);
        out.push_str(TOKENS[m.pattern().as_usize()].1);
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// The length of the first matching token of `tokens` at the start of `s`.
fn token_prefix(s: &str, tokens: &[&str]) -> Option<usize> {
    let bytes = s.as_bytes();
    tokens
        .iter()
        .filter(|t| bytes.len() >= t.len() && bytes[..t.len()].eq_ignore_ascii_case(t.as_bytes()))
        .map(|t| t.len())
        .max()
}

/// The length of the longest matching token of `tokens` at the end of `s`.
fn token_suffix(s: &str, tokens: &[&str]) -> Option<usize> {
    let bytes = s.as_bytes();
    tokens
        .iter()
        .filter(|t| {
            bytes.len() >= t.len()
                && bytes[bytes.len() - t.len()..].eq_ignore_ascii_case(t.as_bytes())
        })
        .map(|t| t.len())
        .max()
}

/// The length of a (possibly defanged) dot at the start of `s`.
pub(super) fn dot_prefix(s: &str) -> Option<usize> {
    token_prefix(s, DOT_TOKENS)
}

/// The length of a (possibly defanged) dot at the end of `s`.
pub(super) fn dot_suffix(s: &str) -> Option<usize> {
    token_suffix(s, DOT_TOKENS)
}

/// Whether `s` ends with a (possibly defanged) `@`.
pub(super) fn ends_with_at(s: &str) -> bool {
    token_suffix(s, AT_TOKENS).is_some()
}

/// The defanged spellings of `@` (not `@` itself), for a quick look whether
/// a text may hold a defanged e-mail address.
static DEFANGED_AT: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&AT_TOKENS[1..])
        .expect("`@` tokens are literals and build")
});

/// Whether `text` holds a defanged `@` (`[@]`, `(at)`, …).
pub(super) fn has_at_token(text: &str) -> bool {
    DEFANGED_AT.is_match(text)
}
