//! [`PatternError`]: what is wrong with a pattern, and where.

use std::fmt;

use serde::Serialize;

/// How serious a [`PatternError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The pattern is invalid: it does not parse, or breaks a rule of the
    /// specification.
    Error,
    /// The pattern is valid but probably not what was meant (a comparison
    /// that can never be true, a name the STIX 2.1 definitions do not have
    /// under a lenient [`ValidateOptions`](super::ValidateOptions)).
    Warning,
}

/// The kind of a [`PatternError`].
///
/// Syntax kinds come from [`Pattern::parse`](super::Pattern::parse); the
/// others from [`Pattern::validate`](super::Pattern::validate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A token the grammar does not allow here.
    UnexpectedToken,
    /// The pattern ends where more was expected.
    UnexpectedEnd,
    /// A character that starts no token of the grammar.
    InvalidCharacter,
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A backslash in a string literal not followed by `'` or `\`.
    InvalidEscape,
    /// A `/*` comment without its `*/`.
    UnterminatedComment,
    /// A number literal the grammar or this parser cannot read (leading
    /// zeros, out of the 64-bit range).
    InvalidNumber,
    /// A `t'…'` literal that is not `YYYY-MM-DDTHH:MM:SS[.s+]Z`.
    InvalidTimestamp,
    /// An `h'…'` literal that is not an even number of hex digits.
    InvalidHex,
    /// A `b'…'` literal that is not padded base64.
    InvalidBase64,
    /// A keyword written in lowercase (`within`); keywords are uppercase.
    LowercaseKeyword,
    /// A comparison written without the surrounding `[` `]`.
    MissingBrackets,
    /// Parentheses and brackets nested deeper than the parser allows.
    TooDeep,
    /// An object type the STIX 2.1 definitions do not have, not `x-` prefixed.
    UnknownObjectType,
    /// A property the object type does not have, not `x_` prefixed.
    UnknownProperty,
    /// A path step that does not fit the property (an index on a string, a
    /// property of a list).
    InvalidPath,
    /// An operator that cannot apply to the property's type (`LIKE` on an
    /// integer).
    OperatorTypeMismatch,
    /// A constant of another type than the property: never equal.
    LiteralTypeMismatch,
    /// A set (`IN (…)`) mixing constants of different types.
    MixedSetTypes,
    /// Comparisons joined by `AND` on object types that can never be the
    /// same object.
    MixedObjectTypes,
    /// A `MATCHES` regular expression that does not compile.
    InvalidRegex,
    /// A `MATCHES` regular expression using a PCRE feature the `regex` crate
    /// does not have (lookaround, backreferences, …).
    UnsupportedRegex,
    /// A timestamp that passes the grammar but names no real time
    /// (`2024-02-30`).
    InvalidTimestampValue,
    /// A qualifier value out of range (`WITHIN 0 SECONDS`, `REPEATS 0 TIMES`,
    /// `START` not before `STOP`).
    InvalidQualifier,
    /// Two qualifiers of the same type on one observation expression.
    DuplicateQualifier,
    /// A value compared with `hashes.<algorithm>` that is not such a hash.
    InvalidHash,
    /// An `ISSUBSET`/`ISSUPERSET` constant that is not an IP address or
    /// CIDR block.
    InvalidCidr,
    /// A value given to a [`builders`](super::builders) function that no
    /// valid pattern can hold (an empty domain name, a URL with spaces).
    InvalidValue,
}

impl ErrorKind {
    /// The kebab-case name of the kind, as in the fixtures and JSON output
    /// (`unexpected-token`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::UnexpectedToken => "unexpected-token",
            ErrorKind::UnexpectedEnd => "unexpected-end",
            ErrorKind::InvalidCharacter => "invalid-character",
            ErrorKind::UnterminatedString => "unterminated-string",
            ErrorKind::InvalidEscape => "invalid-escape",
            ErrorKind::UnterminatedComment => "unterminated-comment",
            ErrorKind::InvalidNumber => "invalid-number",
            ErrorKind::InvalidTimestamp => "invalid-timestamp",
            ErrorKind::InvalidHex => "invalid-hex",
            ErrorKind::InvalidBase64 => "invalid-base64",
            ErrorKind::LowercaseKeyword => "lowercase-keyword",
            ErrorKind::MissingBrackets => "missing-brackets",
            ErrorKind::TooDeep => "too-deep",
            ErrorKind::UnknownObjectType => "unknown-object-type",
            ErrorKind::UnknownProperty => "unknown-property",
            ErrorKind::InvalidPath => "invalid-path",
            ErrorKind::OperatorTypeMismatch => "operator-type-mismatch",
            ErrorKind::LiteralTypeMismatch => "literal-type-mismatch",
            ErrorKind::MixedSetTypes => "mixed-set-types",
            ErrorKind::MixedObjectTypes => "mixed-object-types",
            ErrorKind::InvalidRegex => "invalid-regex",
            ErrorKind::UnsupportedRegex => "unsupported-regex",
            ErrorKind::InvalidTimestampValue => "invalid-timestamp-value",
            ErrorKind::InvalidQualifier => "invalid-qualifier",
            ErrorKind::DuplicateQualifier => "duplicate-qualifier",
            ErrorKind::InvalidHash => "invalid-hash",
            ErrorKind::InvalidCidr => "invalid-cidr",
            ErrorKind::InvalidValue => "invalid-value",
        }
    }

    /// Whether the kind is a syntax error (reported by
    /// [`Pattern::parse`](super::Pattern::parse)).
    pub fn is_syntax(self) -> bool {
        matches!(
            self,
            ErrorKind::UnexpectedToken
                | ErrorKind::UnexpectedEnd
                | ErrorKind::InvalidCharacter
                | ErrorKind::UnterminatedString
                | ErrorKind::InvalidEscape
                | ErrorKind::UnterminatedComment
                | ErrorKind::InvalidNumber
                | ErrorKind::InvalidTimestamp
                | ErrorKind::InvalidHex
                | ErrorKind::InvalidBase64
                | ErrorKind::LowercaseKeyword
                | ErrorKind::MissingBrackets
                | ErrorKind::TooDeep
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A problem in a STIX pattern: a syntax error from
/// [`Pattern::parse`](super::Pattern::parse) or a finding of
/// [`Pattern::validate`](super::Pattern::validate).
///
/// Positions are **0-based character offsets** (not bytes) into the pattern
/// text; [`PatternError::len`] is the length of the offending text in
/// characters (at least 1, except at the end of the pattern).
///
/// Display is one line: `offset 13: expected a constant after `=`, found `]``.
///
/// # Example
///
/// ```
/// use ttpmap_stix::pattern::{ErrorKind, Pattern};
///
/// let err = Pattern::parse("[file:size = ]").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnexpectedToken);
/// assert_eq!(err.offset(), 13);
/// assert_eq!(err.to_string(), "offset 13: expected a constant after `=`, found `]`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct PatternError {
    kind: ErrorKind,
    severity: Severity,
    offset: usize,
    len: usize,
    message: String,
}

impl PatternError {
    /// An error of `kind` at `offset` (characters), `len` characters long.
    #[cold]
    pub(crate) fn new(kind: ErrorKind, offset: usize, len: usize, message: String) -> Self {
        PatternError {
            kind,
            severity: Severity::Error,
            offset,
            len,
            message,
        }
    }

    /// The same finding with another severity.
    #[must_use]
    pub(crate) fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// How serious it is; syntax errors are always [`Severity::Error`].
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Whether this is an error rather than a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 0-based character offset of the problem in the pattern.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Length in characters of the offending text.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the offending text is empty (the problem is at the end).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What is wrong and what was expected, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The pattern line with a caret line under the offending text, for
    /// terminals: two lines, no trailing newline.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::pattern::Pattern;
    ///
    /// let text = "[file:size = ]";
    /// let err = Pattern::parse(text).unwrap_err();
    /// assert_eq!(err.caret(text), "[file:size = ]\n             ^");
    /// ```
    pub fn caret(&self, pattern: &str) -> String {
        let line: String = pattern
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let marks = "^".repeat(self.len.max(1));
        format!("{line}\n{}{marks}", " ".repeat(self.offset))
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        write!(f, "offset {}: {}", self.offset, self.message)
    }
}
