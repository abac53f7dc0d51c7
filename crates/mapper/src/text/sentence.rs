//! Sentence splitting with byte offsets.

use serde::Serialize;

/// A sentence of the input: `text == &input[start..end]`.
///
/// Leading bullet markers (`-`, `*`, `•`, `1.`, `a)`) and surrounding
/// white space are not part of the sentence; line breaks inside it are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Byte offset of the first character in the input.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The sentence as written.
    pub text: String,
}

/// Abbreviations after which a period never ends a sentence (lower case,
/// without their final period).
const NEVER_END: &[&str] = &[
    "a.k.a", "aka", "al", "approx", "apr", "aug", "cf", "dec", "dr", "e.g", "eg", "esp", "feb",
    "fig", "figs", "i.e", "ie", "incl", "jan", "jul", "jun", "mar", "mr", "mrs", "ms", "no", "nos",
    "nov", "oct", "p", "pp", "prof", "ref", "resp", "sep", "sept", "st", "viz", "vol", "vs",
];

/// Abbreviations that end a sentence only when an upper-case letter
/// follows (`etc. The actor…`, but `Acme Inc. said` stays one sentence
/// only when the next word is lower case).
const MAY_END: &[&str] = &["co", "corp", "etc", "inc", "jr", "ltd", "sr"];

/// Split text into sentences, keeping byte offsets into `text`.
///
/// Rules, in order:
///
/// 1. **Blocks.** A blank line, a line starting with a bullet (`-`, `*`,
///    `•`, `‣`, `–`, `1.`, `1)`, `a)`), and the line after a heading-like
///    first line of a block (at most eight words, no final punctuation
///    except `:`, not ending in a function word such as `the`, and
///    followed by a line starting with an upper-case letter or digit)
///    start a new block.
///    Other line breaks are wrapping and join the lines.
/// 2. **Sentence ends** inside a block: `.`, `!`, `?` or `…` (runs such
///    as `?!` or `...` count once), optionally followed by closing quotes
///    or brackets, then white space and a character that is not a
///    lower-case letter. No white space, no end: `cmd.exe`, `v1.2.3`,
///    `https://example.com/a.b?x=1` and `T1059.001` stay whole.
/// 3. **Abbreviations.** A period after `e.g.`, `i.e.`, `vs.`, `cf.`,
///    `approx.`, `Fig.`, `No.`, `Dr.`, month abbreviations, a single
///    letter (`J. Smith`) or a dotted acronym (`U.S.`) does not end a
///    sentence; after `etc.`, `Inc.`, `Ltd.`, `Corp.` it does only when
///    an upper-case letter follows.
///
/// # Performance
///
/// One pass over the text.
///
/// # Example
///
/// ```
/// use ttpmap_mapper::text::sentences;
///
/// let text = "The actor ran cmd.exe, e.g. to list files. Then it used v2.1 of the tool!\n\n- Persistence via a Run key\n- Exfiltration over HTTPS";
/// let found: Vec<&str> = sentences(text).iter().map(|s| &text[s.start..s.end]).collect();
/// assert_eq!(
///     found,
///     [
///         "The actor ran cmd.exe, e.g. to list files.",
///         "Then it used v2.1 of the tool!",
///         "Persistence via a Run key",
///         "Exfiltration over HTTPS",
///     ]
/// );
/// ```
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (start, end) in blocks(text) {
        split_block(text, start, end, &mut out);
    }
    out
}

/// Byte ranges of blocks (rule 1), bullet markers already skipped.
fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    // The previous line, when it was the first line of its block.
    let mut previous_line: Option<&str> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.trim_end().is_empty() {
            out.extend(current.take());
            previous_line = None;
            continue;
        }
        let indent = line.len() - trimmed.len();
        let marker = bullet_len(trimmed);
        let content_start = line_start + indent + marker;
        let content_end = line_start + line.trim_end().len();
        let new_block = marker > 0
            || previous_line.is_some_and(|p| is_heading(p) && starts_upper_or_digit(trimmed));
        if new_block {
            out.extend(current.take());
        }
        current = Some(if let Some((start, _)) = current {
            previous_line = None;
            (start, content_end)
        } else {
            previous_line = Some(line);
            (content_start, content_end)
        });
    }
    out.extend(current);
    out.retain(|(s, e)| s < e);
    out
}

/// The length of a bullet marker and the spaces after it, or 0.
fn bullet_len(line: &str) -> usize {
    let mut chars = line.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    let after_marker = if matches!(first, '-' | '*' | '•' | '‣' | '–' | '—' | '+' | '·') {
        first.len_utf8()
    } else {
        // "1." "12)" "a)" "iv." — a short enumerator.
        let label_end = line
            .char_indices()
            .find(|(_, c)| !c.is_ascii_alphanumeric())
            .map_or(line.len(), |(i, _)| i);
        let label = &line[..label_end];
        let numeric =
            !label.is_empty() && label.len() <= 3 && label.bytes().all(|b| b.is_ascii_digit());
        let letter = label.len() == 1 && label.bytes().all(|b| b.is_ascii_lowercase());
        let punct = line[label_end..].chars().next();
        match punct {
            Some('.' | ')') if numeric => label_end + 1,
            Some(')') if letter => label_end + 1,
            _ => return 0,
        }
    };
    let rest = &line[after_marker..];
    let spaces = rest.len() - rest.trim_start().len();
    // A marker must be followed by a space ("-5 degrees" is no bullet).
    if spaces == 0 {
        return 0;
    }
    after_marker + spaces
}

fn starts_upper_or_digit(line: &str) -> bool {
    line.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

const CONTINUATION_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "via",
    "with",
];

/// A short line without final punctuation: a heading or a label.
fn is_heading(line: &str) -> bool {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(last) = words.last() else {
        return false;
    };
    if words.len() > 8 || CONTINUATION_WORDS.contains(&last.to_lowercase().as_str()) {
        return false;
    }
    match line.chars().last() {
        Some(':') => true,
        Some(c) => c.is_alphanumeric() || matches!(c, ')' | '"' | '\''),
        None => false,
    }
}

fn split_block(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let block = &text[start..end];
    let mut sentence_start = 0;
    let mut i = 0;
    while i < block.len() {
        let Some(c) = block[i..].chars().next() else {
            break;
        };
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += c.len_utf8();
            continue;
        }
        // The run of terminal punctuation, then closing quotes/brackets.
        let mut j = i;
        for t in block[i..].chars() {
            if matches!(t, '.' | '!' | '?' | '…') {
                j += t.len_utf8();
            } else {
                break;
            }
        }
        for t in block[j..].chars() {
            if matches!(t, '"' | '\'' | '”' | '’' | ')' | ']' | '}' | '»') {
                j += t.len_utf8();
            } else {
                break;
            }
        }
        let at_end = j >= block.len();
        let followed_by_space = block[j..].chars().next().is_some_and(char::is_whitespace);
        if !at_end && !followed_by_space {
            i = j;
            continue;
        }
        let next = block[j..].trim_start().chars().next();
        let ends = at_end
            || match next {
                Some(n) if n.is_lowercase() => false,
                Some(n) => {
                    c != '.' || block[i..j].matches('.').count() > 1 || {
                        let word = word_before(block, i);
                        !is_abbreviation(word, n)
                    }
                }
                None => true,
            };
        if ends {
            push(text, start + sentence_start, start + j, out);
            sentence_start = j;
        }
        i = j;
    }
    push(text, start + sentence_start, end, out);
}

/// The word right before the period at `i`, from the previous white space
/// or opening bracket.
fn word_before(block: &str, i: usize) -> &str {
    let before = &block[..i];
    let from = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\'' | '“' | '‘'))
        .map_or(0, |(p, c)| p + c.len_utf8());
    &before[from..]
}

fn is_abbreviation(word: &str, next: char) -> bool {
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    if NEVER_END.binary_search(&lower.as_str()).is_ok() {
        return true;
    }
    if MAY_END.binary_search(&lower.as_str()).is_ok() {
        return !next.is_uppercase();
    }
    // "J. Smith"
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_alphabetic() && c.is_uppercase();
    }
    // "U.S." "a.m." "e.g" spelled with capitals: letters of one or two
    // characters separated by periods.
    word.contains('.')
        && word
            .split('.')
            .all(|p| !p.is_empty() && p.chars().count() <= 2 && p.chars().all(char::is_alphabetic))
}

fn push(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let slice = &text[start..end];
    let leading = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return;
    }
    let s = start + leading;
    let e = s + trimmed.len();
    out.push(Sentence {
        start: s,
        end: e,
        text: trimmed.to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let found = sentences(text);
        for s in &found {
            assert_eq!(&text[s.start..s.end], s.text);
        }
        found.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn lists_are_sorted() {
        assert!(NEVER_END.windows(2).all(|w| w[0] < w[1]));
        assert!(MAY_END.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn abbreviations_and_names() {
        assert_eq!(
            split("Tools (e.g. Mimikatz, i.e. a dumper) ran. The U.S. Treasury was hit. Files etc. were taken."),
            [
                "Tools (e.g. Mimikatz, i.e. a dumper) ran.",
                "The U.S. Treasury was hit.",
                "Files etc. were taken."
            ]
        );
        assert_eq!(
            split("It dropped cmd.exe and svchost.exe. See https://example.com/a.b?c=d. Then T1059.001 ran."),
            [
                "It dropped cmd.exe and svchost.exe.",
                "See https://example.com/a.b?c=d.",
                "Then T1059.001 ran."
            ]
        );
        assert_eq!(
            split("Version 2.0 shipped. Lists, etc. Other things happened!? \"Quoted.\" Next"),
            [
                "Version 2.0 shipped.",
                "Lists, etc.",
                "Other things happened!?",
                "\"Quoted.\"",
                "Next"
            ]
        );
        assert_eq!(split("Wait... then it ran."), ["Wait... then it ran."]);
        assert_eq!(
            split("Signed by J. Smith. Done."),
            ["Signed by J. Smith.", "Done."]
        );
    }

    #[test]
    fn lines_bullets_and_headings() {
        let text = "Execution\nThe actor ran a script that was\nwrapped over lines.\n\n* first item\n* second item\n1. numbered\n2) other\n  - indented: ok";
        assert_eq!(
            split(text),
            [
                "Execution",
                "The actor ran a script that was\nwrapped over lines.",
                "first item",
                "second item",
                "numbered",
                "other",
                "indented: ok"
            ]
        );
        assert_eq!(
            split("The commands were:\nWhoami ran"),
            ["The commands were:", "Whoami ran"]
        );
        assert_eq!(
            split("used by the\nAPT28 group."),
            ["used by the\nAPT28 group."]
        );
        assert_eq!(split("-5 degrees"), ["-5 degrees"]);
        assert!(split(" \n\n ").is_empty());
        assert_eq!(split("Ünïcode. Ça marche"), ["Ünïcode.", "Ça marche"]);
    }
}
