//! The typed syntax tree of a STIX pattern, and its canonical printer.
//!
//! Chains of one operator are n-ary (`a AND b AND c` is one
//! [`ObservationExpr::And`] of three), parentheses are not kept: the printer
//! writes the fewest parentheses that give the same tree back. Spans never
//! take part in equality, so a pattern and its printed form compare equal.

use std::fmt::{self, Write as _};

use super::lexer::is_reserved;
use super::literals::encode_base64;
use crate::Timestamp;

/// A range of characters in the pattern text: 0-based character offsets,
/// `end` exclusive.
///
/// Spans are where a node was written, not what it means: they are ignored
/// by `==`, so `parse(print(p)) == parse(p)` holds although the printed text
/// differs.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Span {
    /// Offset of the first character.
    pub start: usize,
    /// Offset after the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no character.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq for Span {
    /// Always true: spans are not part of a pattern's meaning.
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

/// An observation-level expression: what a pattern is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpr {
    /// `[ comparison ]`: one observation whose objects satisfy the comparison.
    Observation {
        /// The comparison inside the brackets.
        comparison: ComparisonExpr,
        /// From `[` to `]`.
        span: Span,
    },
    /// `a AND b AND …`: each operand matched by different observations.
    And(Vec<ObservationExpr>),
    /// `a OR b OR …`: any operand matched.
    Or(Vec<ObservationExpr>),
    /// `a FOLLOWEDBY b FOLLOWEDBY …`: operands matched in time order.
    FollowedBy(Vec<ObservationExpr>),
    /// An expression with postfix qualifiers, applied left to right.
    Qualified {
        /// The qualified expression.
        expr: Box<ObservationExpr>,
        /// The qualifiers as written after it (at least one).
        qualifiers: Vec<Qualifier>,
        /// Whether a single bracketed expression was written in
        /// parentheses, `([…]) WITHIN …`: its qualifiers then apply to a
        /// group, and may repeat a type (the OASIS validator's rule). Other
        /// expressions are always grouped; this is `false` for them.
        grouped: bool,
    },
}

/// A qualifier of an observation expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Qualifier {
    /// Which qualifier, with its values.
    pub kind: QualifierKind,
    /// From the keyword to the last value.
    pub span: Span,
}

/// The three qualifiers.
#[derive(Debug, Clone, PartialEq)]
pub enum QualifierKind {
    /// `WITHIN n SECONDS`: all matched observations within `n` seconds.
    Within(Number),
    /// `REPEATS n TIMES`: the expression matched `n` times by different
    /// observations.
    Repeats(i64),
    /// `START t'…' STOP t'…'`: observations at or after `start`, before
    /// `stop`.
    StartStop {
        /// The first instant included.
        start: TimestampLiteral,
        /// The first instant excluded.
        stop: TimestampLiteral,
    },
}

impl QualifierKind {
    /// The qualifier's name as the validator reports duplicates (`WITHIN`,
    /// `REPEATS`, `STARTSTOP`).
    pub fn name(&self) -> &'static str {
        match self {
            QualifierKind::Within(_) => "WITHIN",
            QualifierKind::Repeats(_) => "REPEATS",
            QualifierKind::StartStop { .. } => "STARTSTOP",
        }
    }
}

/// An integer or a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Number {
    /// The value as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// A comparison expression inside `[` `]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpr {
    /// One property test.
    Comparison(Comparison),
    /// `a AND b AND …`: all true of the same object.
    And(Vec<ComparisonExpr>),
    /// `a OR b OR …`: any true.
    Or(Vec<ComparisonExpr>),
}

/// One property test: `path [NOT] op value`, or `[NOT] EXISTS path`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The object path tested.
    pub path: ObjectPath,
    /// Whether `NOT` negates the test.
    pub negated: bool,
    /// The operator and its constant.
    pub predicate: Predicate,
    /// The whole comparison.
    pub span: Span,
    /// The constant (or set) after the operator; the path for `EXISTS`.
    pub value_span: Span,
}

/// An operator with its constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `=` (also written `==`).
    Eq(Literal),
    /// `!=` (also written `<>`).
    Ne(Literal),
    /// `<`.
    Lt(Literal),
    /// `<=`.
    Le(Literal),
    /// `>`.
    Gt(Literal),
    /// `>=`.
    Ge(Literal),
    /// `IN (…)`.
    In(Vec<Literal>),
    /// `LIKE '…'` with SQL `%` and `_` wildcards.
    Like(String),
    /// `MATCHES '…'`, a regular expression.
    Matches(String),
    /// `ISSUBSET '…'`: the value lies in the CIDR block.
    IsSubset(String),
    /// `ISSUPERSET '…'`: the value contains the address or block.
    IsSuperset(String),
    /// `EXISTS`: the path is present.
    Exists,
}

impl Predicate {
    /// The operator as written in canonical form (`=`, `IN`, `EXISTS`, …).
    pub fn operator(&self) -> &'static str {
        match self {
            Predicate::Eq(_) => "=",
            Predicate::Ne(_) => "!=",
            Predicate::Lt(_) => "<",
            Predicate::Le(_) => "<=",
            Predicate::Gt(_) => ">",
            Predicate::Ge(_) => ">=",
            Predicate::In(_) => "IN",
            Predicate::Like(_) => "LIKE",
            Predicate::Matches(_) => "MATCHES",
            Predicate::IsSubset(_) => "ISSUBSET",
            Predicate::IsSuperset(_) => "ISSUPERSET",
            Predicate::Exists => "EXISTS",
        }
    }
}

/// An object path: `type:property` followed by steps.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectPath {
    /// The object type, e.g. `file`.
    pub object_type: String,
    /// The first property, e.g. `hashes`.
    pub property: String,
    /// The steps after it (`.'SHA-256'`, `[0]`, `[*]`).
    pub steps: Vec<PathStep>,
    /// From the type to the last step.
    pub span: Span,
}

/// A step of an object path after the first property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.name` or `.'quoted name'`.
    Property(String),
    /// `[n]`; negative indexes count from the end.
    Index(i64),
    /// `[*]`: any element.
    AnyIndex,
}

/// A constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (escapes resolved).
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// `h'…'`.
    Hex(Vec<u8>),
    /// `b'…'`.
    Binary(Vec<u8>),
    /// `t'…'`.
    Timestamp(TimestampLiteral),
}

impl Literal {
    /// A name for the constant's type, for messages (`integer`, `string`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Literal::Int(_) => "integer",
            Literal::Float(_) => "float",
            Literal::Str(_) => "string",
            Literal::Bool(_) => "boolean",
            Literal::Hex(_) => "hex",
            Literal::Binary(_) => "binary",
            Literal::Timestamp(_) => "timestamp",
        }
    }
}

/// A `t'…'` constant: the text as written (it passed the grammar) and the
/// instant, when it names a real one (`2024-02-30` passes the grammar but
/// names no day).
#[derive(Debug, Clone)]
pub struct TimestampLiteral {
    text: String,
    value: Option<Timestamp>,
}

impl TimestampLiteral {
    /// A timestamp constant from text already checked against the grammar.
    pub(crate) fn from_checked(text: String) -> TimestampLiteral {
        let value = Timestamp::parse(&text).ok();
        TimestampLiteral { text, value }
    }

    /// A timestamp constant for an instant.
    pub fn new(value: Timestamp) -> TimestampLiteral {
        TimestampLiteral {
            text: value.to_string(),
            value: Some(value),
        }
    }

    /// The text between the quotes.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, unless the text names no real time.
    pub fn value(&self) -> Option<&Timestamp> {
        self.value.as_ref()
    }
}

impl PartialEq for TimestampLiteral {
    fn eq(&self, other: &TimestampLiteral) -> bool {
        self.text == other.text
    }
}

// ---------------------------------------------------------------------------
// Canonical printing.

/// Write `s` as a STIX string literal: quotes, `\'` and `\\` escaped.
pub(crate) fn write_string(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('\'')
}

/// Whether a property name can be written without quotes.
fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_reserved(name)
}

fn write_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    if is_plain_name(name) {
        f.write_str(name)
    } else {
        write_string(f, name)
    }
}

fn write_float(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    let text = x.to_string();
    f.write_str(&text)?;
    if !text.contains('.') {
        f.write_str(".0")?;
    }
    Ok(())
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write_float(f, *x),
        }
    }
}

impl fmt::Display for TimestampLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t'{}'", self.text)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => write_float(f, *x),
            Literal::Str(s) => write_string(f, s),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Hex(bytes) => {
                f.write_str("h'")?;
                for b in bytes {
                    write!(f, "{b:02x}")?;
                }
                f.write_str("'")
            }
            // The grammar has no empty b'': print an empty value as h''.
            Literal::Binary(bytes) if bytes.is_empty() => f.write_str("h''"),
            Literal::Binary(bytes) => write!(f, "b'{}'", encode_base64(bytes)),
            Literal::Timestamp(t) => t.fmt(f),
        }
    }
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.object_type)?;
        write_name(f, &self.property)?;
        for step in &self.steps {
            match step {
                PathStep::Property(name) => {
                    f.write_char('.')?;
                    write_name(f, name)?;
                }
                PathStep::Index(i) => write!(f, "[{i}]")?,
                PathStep::AnyIndex => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = if self.negated { "NOT " } else { "" };
        if self.predicate == Predicate::Exists {
            return write!(f, "{not}EXISTS {}", self.path);
        }
        write!(f, "{} {not}{} ", self.path, self.predicate.operator())?;
        match &self.predicate {
            Predicate::Eq(l)
            | Predicate::Ne(l)
            | Predicate::Lt(l)
            | Predicate::Le(l)
            | Predicate::Gt(l)
            | Predicate::Ge(l) => l.fmt(f),
            Predicate::In(set) => {
                f.write_char('(')?;
                for (i, l) in set.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    l.fmt(f)?;
                }
                f.write_char(')')
            }
            Predicate::Like(s)
            | Predicate::Matches(s)
            | Predicate::IsSubset(s)
            | Predicate::IsSuperset(s) => write_string(f, s),
            Predicate::Exists => Ok(()),
        }
    }
}

impl ComparisonExpr {
    /// 0 for OR, 1 for AND, 2 for a single comparison.
    fn precedence(&self) -> u8 {
        match self {
            ComparisonExpr::Or(_) => 0,
            ComparisonExpr::And(_) => 1,
            ComparisonExpr::Comparison(_) => 2,
        }
    }
}

fn write_operands<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    keyword: &str,
    needs_parens: impl Fn(usize, &T) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            write!(f, " {keyword} ")?;
        }
        if needs_parens(i, item) {
            write!(f, "({item})")?;
        } else {
            item.fmt(f)?;
        }
    }
    Ok(())
}

impl fmt::Display for ComparisonExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let own = self.precedence();
        // An operand of the same operator is a nested chain: keep it apart.
        let parens = |_: usize, c: &ComparisonExpr| c.precedence() <= own;
        match self {
            ComparisonExpr::Comparison(c) => c.fmt(f),
            ComparisonExpr::And(items) => write_operands(f, items, "AND", parens),
            ComparisonExpr::Or(items) => write_operands(f, items, "OR", parens),
        }
    }
}

impl ObservationExpr {
    /// 0 for FOLLOWEDBY, 1 for OR, 2 for AND, 3 for a bracketed or
    /// qualified expression.
    fn precedence(&self) -> u8 {
        match self {
            ObservationExpr::FollowedBy(_) => 0,
            ObservationExpr::Or(_) => 1,
            ObservationExpr::And(_) => 2,
            ObservationExpr::Observation { .. } | ObservationExpr::Qualified { .. } => 3,
        }
    }
}

impl fmt::Display for ObservationExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let own = self.precedence();
        // An operand of the same operator is a nested chain: keep it apart.
        let parens = |_: usize, e: &ObservationExpr| e.precedence() <= own;
        match self {
            ObservationExpr::Observation { comparison, .. } => write!(f, "[{comparison}]"),
            ObservationExpr::And(items) => write_operands(f, items, "AND", parens),
            ObservationExpr::Or(items) => write_operands(f, items, "OR", parens),
            ObservationExpr::FollowedBy(items) => write_operands(f, items, "FOLLOWEDBY", parens),
            ObservationExpr::Qualified {
                expr,
                qualifiers,
                grouped,
            } => {
                if !grouped && matches!(**expr, ObservationExpr::Observation { .. }) {
                    expr.fmt(f)?;
                } else {
                    write!(f, "({expr})")?;
                }
                for q in qualifiers {
                    write!(f, " {q}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            QualifierKind::Within(n) => write!(f, "WITHIN {n} SECONDS"),
            QualifierKind::Repeats(n) => write!(f, "REPEATS {n} TIMES"),
            QualifierKind::StartStop { start, stop } => write!(f, "START {start} STOP {stop}"),
        }
    }
}
