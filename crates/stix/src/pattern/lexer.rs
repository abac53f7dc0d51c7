//! The lexer: pattern text to tokens, skipping whitespace and comments.
//!
//! Token rules follow the STIX 2.1 grammar (`STIXPattern.g4`): keywords are
//! uppercase only, `true`/`false` lowercase only, property names may not
//! contain `-` (object types may), and string literals know only the `\'`
//! and `\\` escapes. Offsets are character (not byte) offsets.

use super::error::{ErrorKind, PatternError};
use super::literals::{check_timestamp, decode_base64, decode_hex};

/// A keyword of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    FollowedBy,
    Like,
    Matches,
    IsSuperset,
    IsSubset,
    Exists,
    Last,
    In,
    Start,
    Stop,
    Seconds,
    Within,
    Repeats,
    Times,
}

impl Keyword {
    /// All keywords with their spelling.
    pub(crate) const ALL: [(&'static str, Keyword); 17] = [
        ("AND", Keyword::And),
        ("OR", Keyword::Or),
        ("NOT", Keyword::Not),
        ("FOLLOWEDBY", Keyword::FollowedBy),
        ("LIKE", Keyword::Like),
        ("MATCHES", Keyword::Matches),
        ("ISSUPERSET", Keyword::IsSuperset),
        ("ISSUBSET", Keyword::IsSubset),
        ("EXISTS", Keyword::Exists),
        ("LAST", Keyword::Last),
        ("IN", Keyword::In),
        ("START", Keyword::Start),
        ("STOP", Keyword::Stop),
        ("SECONDS", Keyword::Seconds),
        ("WITHIN", Keyword::Within),
        ("REPEATS", Keyword::Repeats),
        ("TIMES", Keyword::Times),
    ];

    /// The keyword spelled exactly `text`.
    pub(crate) fn from_text(text: &str) -> Option<Keyword> {
        Keyword::ALL
            .iter()
            .find(|(spelling, _)| *spelling == text)
            .map(|&(_, k)| k)
    }

    /// The spelling.
    pub(crate) fn as_str(self) -> &'static str {
        Keyword::ALL
            .iter()
            .find(|&&(_, k)| k == self)
            .map_or("", |&(s, _)| s)
    }
}

/// Whether `text` would be read as a keyword or boolean rather than a name.
pub(crate) fn is_reserved(text: &str) -> bool {
    text == "true" || text == "false" || Keyword::from_text(text).is_some()
}

/// A token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    LBrack,
    RBrack,
    LParen,
    RParen,
    Colon,
    Dot,
    Comma,
    Star,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// A name; `hyphen` when it contains `-` (allowed in object types only).
    Ident {
        text: String,
        hyphen: bool,
    },
    Keyword(Keyword),
    Bool(bool),
    /// An integer; `neg` when written with `-` (even `-0`).
    Int {
        value: i64,
        neg: bool,
    },
    /// A float; `neg` when written with `-`.
    Float {
        value: f64,
        neg: bool,
    },
    Str(String),
    Hex(Vec<u8>),
    Binary(Vec<u8>),
    /// The text inside `t'…'`, already checked against the grammar.
    Timestamp(String),
    Eof,
}

/// A token and its character span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Produces tokens one at a time, so that the first error is the leftmost.
pub(crate) struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

/// The grammar's whitespace (`WS`): ASCII space and controls plus Unicode
/// white space.
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

fn err(kind: ErrorKind, start: usize, end: usize, message: impl Into<String>) -> PatternError {
    PatternError::new(kind, start, end.saturating_sub(start), message.into())
}

impl Lexer {
    pub(crate) fn new(text: &str) -> Lexer {
        Lexer {
            chars: text.chars().collect(),
            pos: 0,
        }
    }

    /// The source text between two character offsets, shortened for messages.
    pub(crate) fn snippet(&self, start: usize, end: usize) -> String {
        let end = end.min(self.chars.len());
        let start = start.min(end);
        let slice = self.chars.get(start..end).unwrap_or_default();
        if slice.len() > 32 {
            let mut s: String = slice.iter().take(29).collect();
            s.push('…');
            s
        } else {
            slice.iter().collect()
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// Skip whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), PatternError> {
        loop {
            match (self.at(self.pos), self.at(self.pos + 1)) {
                (Some(c), _) if is_space(c) => self.pos += 1,
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.at(self.pos) {
                        if c == '\r' || c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                (Some('/'), Some('*')) => {
                    let start = self.pos;
                    self.pos += 2;
                    loop {
                        match (self.at(self.pos), self.at(self.pos + 1)) {
                            (Some('*'), Some('/')) => {
                                self.pos += 2;
                                break;
                            }
                            (Some(_), _) => self.pos += 1,
                            (None, _) => {
                                return Err(err(
                                    ErrorKind::UnterminatedComment,
                                    start,
                                    start + 2,
                                    "comment `/*` is never closed with `*/`",
                                ))
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// The token after the current position, without consuming it.
    pub(crate) fn peek(&mut self) -> Result<Token, PatternError> {
        let pos = self.pos;
        let token = self.next_token();
        self.pos = pos;
        token
    }

    /// The next token.
    pub(crate) fn next_token(&mut self) -> Result<Token, PatternError> {
        self.skip_trivia()?;
        let start = self.pos;
        let Some(c) = self.at(start) else {
            return Ok(Token {
                tok: Tok::Eof,
                start,
                end: start,
            });
        };
        let next = self.at(start + 1);
        let (tok, len) = match c {
            '[' => (Tok::LBrack, 1),
            ']' => (Tok::RBrack, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ':' => (Tok::Colon, 1),
            ',' => (Tok::Comma, 1),
            '*' => (Tok::Star, 1),
            '=' if next == Some('=') => (Tok::Eq, 2),
            '=' => (Tok::Eq, 1),
            '!' if next == Some('=') => (Tok::Ne, 2),
            '<' if next == Some('>') => (Tok::Ne, 2),
            '<' if next == Some('=') => (Tok::Le, 2),
            '<' => (Tok::Lt, 1),
            '>' if next == Some('=') => (Tok::Ge, 2),
            '>' => (Tok::Gt, 1),
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => (Tok::Dot, 1),
            '\'' => return self.string(start),
            't' | 'h' | 'b' if next == Some('\'') => return self.prefixed(start, c),
            c if c.is_ascii_alphabetic() || c == '_' => return Ok(self.ident(start)),
            c if c.is_ascii_digit() || matches!(c, '+' | '-' | '.') => return self.number(start),
            c => {
                return Err(err(
                    ErrorKind::InvalidCharacter,
                    start,
                    start + 1,
                    format!("unexpected character `{}`", c.escape_debug()),
                ))
            }
        };
        self.pos += len;
        Ok(Token {
            tok,
            start,
            end: self.pos,
        })
    }

    fn ident(&mut self, start: usize) -> Token {
        let mut hyphen = false;
        let mut end = start + 1;
        while let Some(c) = self.at(end) {
            if c == '-' {
                hyphen = true;
            } else if !(c.is_ascii_alphanumeric() || c == '_') {
                break;
            }
            end += 1;
        }
        self.pos = end;
        let text: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        let tok = match text.as_str() {
            "true" => Tok::Bool(true),
            "false" => Tok::Bool(false),
            t => match Keyword::from_text(t) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Ident { text, hyphen },
            },
        };
        Token { tok, start, end }
    }

    fn number(&mut self, start: usize) -> Result<Token, PatternError> {
        let mut i = start;
        let neg = self.at(i) == Some('-');
        if matches!(self.at(i), Some('+' | '-')) {
            i += 1;
        }
        let int_start = i;
        while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        let int_end = i;
        let is_float =
            self.at(i) == Some('.') && self.at(i + 1).is_some_and(|c| c.is_ascii_digit());
        if is_float {
            i += 1;
            while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
        } else if int_start == int_end {
            let c = self.at(start).unwrap_or(' ');
            return Err(err(
                ErrorKind::InvalidCharacter,
                start,
                start + 1,
                format!("unexpected character `{c}`"),
            ));
        }
        self.pos = i;
        let text: String = self
            .chars
            .get(start..i)
            .unwrap_or_default()
            .iter()
            .collect();
        let tok = if is_float {
            let value: f64 = text
                .parse()
                .map_err(|_| err(ErrorKind::InvalidNumber, start, i, "not a number"))?;
            if !value.is_finite() {
                return Err(err(
                    ErrorKind::InvalidNumber,
                    start,
                    i,
                    "number out of range",
                ));
            }
            Tok::Float { value, neg }
        } else {
            if int_end - int_start > 1 && self.at(int_start) == Some('0') {
                return Err(err(
                    ErrorKind::InvalidNumber,
                    start,
                    i,
                    format!("integer `{text}` has a leading zero"),
                ));
            }
            let value: i64 = text.parse().map_err(|_| {
                err(
                    ErrorKind::InvalidNumber,
                    start,
                    i,
                    format!("integer `{text}` is out of the 64-bit range"),
                )
            })?;
            Tok::Int { value, neg }
        };
        Ok(Token { tok, start, end: i })
    }

    /// The raw text between quotes starting at `open` (the quote), and the
    /// offset after the closing quote. No escapes.
    fn raw_quoted(&self, open: usize, what: &str) -> Result<(String, usize), PatternError> {
        let mut i = open + 1;
        let mut text = String::new();
        loop {
            match self.at(i) {
                Some('\'') => return Ok((text, i + 1)),
                Some(c) => text.push(c),
                None => {
                    return Err(err(
                        ErrorKind::UnterminatedString,
                        open.saturating_sub(1),
                        i,
                        format!("{what} is never closed with `'`"),
                    ))
                }
            }
            i += 1;
        }
    }

    fn string(&mut self, start: usize) -> Result<Token, PatternError> {
        let mut i = start + 1;
        let mut text = String::new();
        loop {
            match self.at(i) {
                Some('\'') => break,
                Some('\\') => match self.at(i + 1) {
                    Some(c @ ('\'' | '\\')) => {
                        text.push(c);
                        i += 2;
                        continue;
                    }
                    other => {
                        let found = other.map_or_else(
                            || "the end of the pattern".to_owned(),
                            |c| format!("`\\{}`", c.escape_debug()),
                        );
                        return Err(err(
                            ErrorKind::InvalidEscape,
                            i,
                            i + 2,
                            format!("expected `\\'` or `\\\\` in a string, found {found}"),
                        ));
                    }
                },
                Some(c) => text.push(c),
                None => {
                    return Err(err(
                        ErrorKind::UnterminatedString,
                        start,
                        i,
                        "string is never closed with `'`",
                    ))
                }
            }
            i += 1;
        }
        self.pos = i + 1;
        Ok(Token {
            tok: Tok::Str(text),
            start,
            end: self.pos,
        })
    }

    /// `t'…'`, `h'…'` and `b'…'`.
    fn prefixed(&mut self, start: usize, prefix: char) -> Result<Token, PatternError> {
        let what = match prefix {
            't' => "timestamp",
            'h' => "hex constant",
            _ => "binary constant",
        };
        let (raw, end) = self.raw_quoted(start + 1, what)?;
        let tok = match prefix {
            't' => {
                check_timestamp(&raw).map_err(|why| {
                    err(
                        ErrorKind::InvalidTimestamp,
                        start,
                        end,
                        format!("invalid timestamp t'{raw}': {why}"),
                    )
                })?;
                Tok::Timestamp(raw)
            }
            'h' => Tok::Hex(decode_hex(&raw).ok_or_else(|| {
                err(
                    ErrorKind::InvalidHex,
                    start,
                    end,
                    "expected an even number of hex digits in h'…'",
                )
            })?),
            _ => Tok::Binary(decode_base64(&raw).ok_or_else(|| {
                err(
                    ErrorKind::InvalidBase64,
                    start,
                    end,
                    "expected padded base64 (groups of four of A-Z a-z 0-9 + /, `=` padding) in b'…'",
                )
            })?),
        };
        self.pos = end;
        Ok(Token { tok, start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token().unwrap();
            if token.tok == Tok::Eof {
                return out;
            }
            out.push(token.tok);
        }
    }

    #[test]
    fn numbers_and_dots() {
        assert_eq!(
            kinds(".5 5. -0 +7"),
            vec![
                Tok::Float {
                    value: 0.5,
                    neg: false
                },
                Tok::Int {
                    value: 5,
                    neg: false
                },
                Tok::Dot,
                Tok::Int {
                    value: 0,
                    neg: true
                },
                Tok::Int {
                    value: 7,
                    neg: false
                },
            ]
        );
    }

    #[test]
    fn comments_and_unicode_space_are_skipped() {
        assert_eq!(
            kinds("/* a */[\u{3000}// b\n]"),
            vec![Tok::LBrack, Tok::RBrack]
        );
    }
}
