//! `MATCHES` regular expressions: the STIX specification names PCRE; this
//! crate uses the `regex` crate, so PCRE features it lacks are reported by
//! name rather than silently matching something else.

use std::fmt::Write as _;

use regex::bytes::{Regex as BytesRegex, RegexBuilder as BytesRegexBuilder};
use regex::{Regex, RegexBuilder};

/// The compiled-size cap for one expression (untrusted input).
const SIZE_LIMIT: usize = 1 << 20;

/// A problem with a regular expression.
pub(crate) enum RegexProblem {
    /// A PCRE feature the `regex` crate does not have.
    Unsupported(&'static str),
    /// The expression does not compile; the `regex` crate's explanation.
    Invalid(String),
}

/// Find the first PCRE-only feature in `re`, if any.
pub(crate) fn unsupported_feature(re: &str) -> Option<&'static str> {
    let b = re.as_bytes();
    let mut i = 0;
    let mut in_class = false;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        match c {
            b'\\' => {
                let feature = match next {
                    Some(b'1'..=b'9') if !in_class => Some("backreferences (`\\1`)"),
                    Some(b'k') if !in_class => Some("named backreferences (`\\k<name>`)"),
                    Some(b'g') if !in_class => Some("backreferences or subroutine calls (`\\g`)"),
                    Some(b'G') => Some("the `\\G` anchor"),
                    Some(b'Z') => Some("the `\\Z` anchor (use `\\z` or `$`)"),
                    Some(b'K') => Some("match-start reset (`\\K`)"),
                    Some(b'Q') => Some("literal quoting (`\\Q…\\E`)"),
                    Some(b'R') => Some("the `\\R` newline sequence"),
                    Some(b'X') => Some("extended grapheme clusters (`\\X`)"),
                    Some(b'C') => Some("single code units (`\\C`)"),
                    Some(b'h' | b'H') => Some("horizontal whitespace classes (`\\h`)"),
                    _ => None,
                };
                if feature.is_some() {
                    return feature;
                }
                i += 2;
                continue;
            }
            b'[' if !in_class => {
                in_class = true;
                // `[]…]` and `[^]…]` start with a literal `]`.
                if b.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class && next == Some(b'?') => {
                let rest = b.get(i + 2..).unwrap_or_default();
                let feature = match rest {
                    [b'=', ..] => Some("lookahead (`(?=…)`)"),
                    [b'!', ..] => Some("negative lookahead (`(?!…)`)"),
                    [b'<', b'=', ..] => Some("lookbehind (`(?<=…)`)"),
                    [b'<', b'!', ..] => Some("negative lookbehind (`(?<!…)`)"),
                    [b'>', ..] => Some("atomic groups (`(?>…)`)"),
                    [b'|', ..] => Some("branch reset groups (`(?|…)`)"),
                    [b'#', ..] => Some("inline comments (`(?#…)`)"),
                    [b'(', ..] => Some("conditional groups (`(?(…)…)`)"),
                    [b'R' | b'0'..=b'9' | b'+' | b'&', ..] => {
                        Some("recursion and subroutine calls")
                    }
                    [b'P', b'>' | b'=', ..] => Some("named subroutine calls or backreferences"),
                    _ => None,
                };
                if feature.is_some() {
                    return feature;
                }
            }
            b'(' if !in_class && next == Some(b'*') => {
                return Some("backtracking control verbs (`(*VERB)`)");
            }
            b'*' | b'+' | b'?' | b'}' if !in_class && next == Some(b'+') => {
                return Some("possessive quantifiers (`*+`, `++`, `?+`)");
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn problem(re: &str, result: Result<(), regex::Error>) -> Result<(), RegexProblem> {
    if let Some(feature) = unsupported_feature(re) {
        return Err(RegexProblem::Unsupported(feature));
    }
    result.map_err(|e| {
        let text = e.to_string();
        // The regex crate draws the expression and a marker over several
        // lines; keep the last line, which says what is wrong.
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        RegexProblem::Invalid(last.trim().trim_start_matches("error: ").to_owned())
    })
}

/// Compile `re` for matching strings: PCRE search semantics with DOTALL.
pub(crate) fn compile(re: &str) -> Result<Regex, RegexProblem> {
    let mut out = None;
    let result = RegexBuilder::new(re)
        .dot_matches_new_line(true)
        .size_limit(SIZE_LIMIT)
        .build()
        .map(|r| out = Some(r));
    problem(re, result)?;
    out.ok_or(RegexProblem::Invalid(String::new()))
}

/// Compile `re` for matching binary values (`_bin`, `_hex` properties):
/// no Unicode, `\xHH` and characters up to U+00FF match single bytes.
/// `None` when the expression has a character above U+00FF (it can never
/// match octets, as the specification says).
pub(crate) fn compile_bytes(re: &str) -> Option<BytesRegex> {
    if re.chars().any(|c| u32::from(c) > 0xff) {
        return None;
    }
    let mut text = String::with_capacity(re.len());
    for c in re.chars() {
        if u32::from(c) >= 0x80 {
            let _ = write!(text, "\\x{:02X}", u32::from(c));
        } else {
            text.push(c);
        }
    }
    BytesRegexBuilder::new(&text)
        .unicode(false)
        .dot_matches_new_line(true)
        .size_limit(SIZE_LIMIT)
        .build()
        .ok()
}

/// Check `re` as validation does: supported, and accepted by the `regex`
/// crate's parser (the same one [`compile`] uses; parsing alone is a
/// hundred times cheaper than compiling, and only the compiled-size cap is
/// left to matching).
pub(crate) fn check(re: &str) -> Result<(), RegexProblem> {
    let result = regex_syntax::ParserBuilder::new()
        .dot_matches_new_line(true)
        .build()
        .parse(re)
        .map(|_| ())
        .map_err(|e| regex::Error::Syntax(e.to_string()));
    problem(re, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcre_features_are_named() {
        for (re, needle) in [
            ("a(?=b)", "lookahead"),
            ("(?<!a)b", "lookbehind"),
            ("(a)\\1", "backreferences"),
            ("a++", "possessive"),
            ("(?>a)", "atomic"),
            ("\\Qa.b\\E", "quoting"),
        ] {
            let feature = unsupported_feature(re).unwrap_or("");
            assert!(feature.contains(needle), "{re}: {feature}");
        }
        for re in [
            "[\\1]", "(?i)abc", "(?P<n>a)", "(?<n>a)", "a{2}", "[(?=]", "\\(?=", "a+?",
        ] {
            assert_eq!(unsupported_feature(re), None, "{re}");
        }
    }

    #[test]
    fn bytes_regex_matches_octets() {
        let re = compile_bytes("\\xd4\\xc3").unwrap();
        assert!(re.is_match(&[0xd4, 0xc3]));
        let re = compile_bytes("é").unwrap();
        assert!(re.is_match(&[0xe9]));
        assert!(compile_bytes("ă").is_none());
    }
}
