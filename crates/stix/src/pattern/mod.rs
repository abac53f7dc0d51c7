//! STIX 2.1 patterning: parse, validate and match indicator patterns.
//!
//! [`Pattern::parse`] reads the complete STIX 2.1 grammar into a typed tree
//! ([`ObservationExpr`], [`ComparisonExpr`], [`Comparison`]) that prints back
//! in canonical form with `Display`; [`Pattern::validate`] checks what the
//! grammar cannot (object types and properties against the STIX 2.1
//! Cyber-observable definitions, operator and type agreement, regular
//! expressions, timestamps, qualifier values, hash formats); and
//! [`Pattern::matches`] evaluates a pattern against observed data
//! ([`Observations`]) and reports which observations satisfied which
//! observation expression. [`builders`] makes common indicator patterns that
//! are always valid.
//!
//! # Example
//!
//! ```
//! use ttpmap_stix::pattern::{Observations, Pattern};
//!
//! let pattern = Pattern::parse(
//!     "[process:command_line MATCHES '(?i)powershell(\\\\.exe)? .*-enc'] AND \
//!      [network-traffic:dst_ref.value = '198.51.100.7']",
//! )?;
//! assert!(pattern.validate().is_empty());
//!
//! let observed = Observations::from_json(r#"[
//!   {"type": "observed-data", "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
//!    "first_observed": "2024-05-01T10:00:00Z", "last_observed": "2024-05-01T10:00:00Z",
//!    "number_observed": 1,
//!    "objects": {"0": {"type": "process", "command_line": "PowerShell.exe -nop -enc SQBFAFgA"}}},
//!   {"type": "observed-data", "id": "observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf",
//!    "first_observed": "2024-05-01T10:00:05Z", "last_observed": "2024-05-01T10:00:05Z",
//!    "number_observed": 1,
//!    "objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.7"},
//!                "1": {"type": "network-traffic", "dst_ref": "0", "protocols": ["tcp"]}}}
//! ]"#)?;
//! let result = pattern.matches(&observed);
//! assert!(result.is_match());
//! let ids: Vec<_> = result.observed_data_ids().collect();
//! assert_eq!(ids, ["observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
//!                  "observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Untrusted input
//!
//! Parsing is linear in the length of the pattern, nothing panics on input,
//! and `(`/`[` nesting is capped at [`MAX_DEPTH`] levels (deeper input is a
//! [`ErrorKind::TooDeep`] error, not a stack overflow). `MATCHES` uses the
//! `regex` crate, whose matching time is linear; its compiled size is capped
//! at 1 MiB per expression. Matching enumerates bindings of observations to
//! observation expressions, which is exponential in the worst case
//! (`REPEATS` over many observations); it stops after a fixed budget and
//! then says so ([`MatchResult::is_complete`]).
#![allow(clippy::module_name_repetitions)]

mod ast;
pub mod builders;
mod compare;
mod comparison;
mod error;
mod hashes;
mod lexer;
mod literals;
mod matcher;
mod observations;
mod parser;
mod path_types;
mod regex_check;
mod schema;
mod search;
mod validate;

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

pub use self::ast::{
    Comparison, ComparisonExpr, Literal, Number, ObjectPath, ObservationExpr, PathStep, Predicate,
    Qualifier, QualifierKind, Span, TimestampLiteral,
};
pub use self::error::{ErrorKind, PatternError, Severity};
pub use self::matcher::{MatchResult, MatchedObservation, MATCH_BUDGET};
pub use self::observations::Observations;
pub use self::parser::MAX_DEPTH;
pub use self::validate::ValidateOptions;

/// A parsed STIX pattern.
///
/// Equality compares the syntax tree, not the text: `[a:b=1]` and
/// `[ a:b = 1 ]` are equal, and so is any pattern and its canonical form.
///
/// # Example
///
/// ```
/// use ttpmap_stix::pattern::Pattern;
///
/// let p: Pattern = "([file:name='a'] OR [file:name == 'b']) FOLLOWEDBY ([file:size>10] FOLLOWEDBY [x-a:b=1])".parse()?;
/// assert_eq!(
///     p.to_string(),
///     "[file:name = 'a'] OR [file:name = 'b'] FOLLOWEDBY ([file:size > 10] FOLLOWEDBY [x-a:b = 1])"
/// );
/// assert_eq!(Pattern::parse(&p.to_string())?, p);
/// # Ok::<(), ttpmap_stix::pattern::PatternError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    expr: ObservationExpr,
}

impl Pattern {
    /// Parse a pattern.
    ///
    /// # Errors
    ///
    /// A [`PatternError`] for the leftmost syntax error, with its kind, its
    /// 0-based character offset and what was expected there.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::pattern::{ErrorKind, Pattern};
    ///
    /// let p = Pattern::parse("[ipv4-addr:value ISSUBSET '198.51.100.0/24'] WITHIN 60 SECONDS")?;
    /// assert_eq!(p.to_string(), "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] WITHIN 60 SECONDS");
    ///
    /// let err = Pattern::parse("[foo:bar = 1] within 2 seconds").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::LowercaseKeyword);
    /// assert_eq!(err.offset(), 14);
    /// # Ok::<(), ttpmap_stix::pattern::PatternError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        parser::parse(text).map(|expr| Pattern { expr })
    }

    /// A pattern from a syntax tree built by hand.
    pub fn new(expr: ObservationExpr) -> Pattern {
        Pattern { expr }
    }

    /// The syntax tree.
    pub fn expr(&self) -> &ObservationExpr {
        &self.expr
    }

    /// The syntax tree, by value.
    pub fn into_expr(self) -> ObservationExpr {
        self.expr
    }

    /// Check the pattern beyond its syntax, with the default (strict)
    /// [`ValidateOptions`]: errors and warnings in pattern order.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::pattern::{ErrorKind, Pattern};
    ///
    /// let p = Pattern::parse("[file:size LIKE '10%' AND file:colour = 'red']")?;
    /// let findings = p.validate();
    /// let kinds: Vec<_> = findings.iter().map(|f| (f.kind(), f.offset())).collect();
    /// assert_eq!(kinds, [(ErrorKind::OperatorTypeMismatch, 1), (ErrorKind::UnknownProperty, 26)]);
    /// # Ok::<(), ttpmap_stix::pattern::PatternError>(())
    /// ```
    pub fn validate(&self) -> Vec<PatternError> {
        validate::validate(&self.expr, ValidateOptions::default())
    }

    /// Check the pattern with the given options.
    pub fn validate_with(&self, options: &ValidateOptions) -> Vec<PatternError> {
        validate::validate(&self.expr, *options)
    }

    /// Whether [`Pattern::validate`] finds no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.validate().iter().all(|f| !f.is_error())
    }

    /// Evaluate the pattern against observed data.
    ///
    /// Invalid parts never match: a comparison whose regular expression
    /// does not compile is false, a timestamp constant naming no real time
    /// equals nothing. Validate first to tell such patterns apart.
    ///
    /// # Performance
    ///
    /// Comparisons are evaluated once per object; combining observations is
    /// exponential in the worst case and capped at [`MATCH_BUDGET`] steps.
    pub fn matches(&self, observations: &Observations) -> MatchResult {
        matcher::evaluate(&self.expr, observations)
    }

    /// The object types the pattern tests, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::pattern::Pattern;
    ///
    /// let p = Pattern::parse("[file:name = 'a'] AND [process:pid = 4 OR file:size = 1]")?;
    /// assert_eq!(p.object_types().into_iter().collect::<Vec<_>>(), ["file", "process"]);
    /// # Ok::<(), ttpmap_stix::pattern::PatternError>(())
    /// ```
    pub fn object_types(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        visit_comparisons(&self.expr, &mut |c| {
            out.insert(c.path.object_type.as_str());
        });
        out
    }
}

/// Call `f` on every comparison, in pattern order.
pub(crate) fn visit_comparisons<'a>(expr: &'a ObservationExpr, f: &mut impl FnMut(&'a Comparison)) {
    fn comparisons<'a>(c: &'a ComparisonExpr, f: &mut impl FnMut(&'a Comparison)) {
        match c {
            ComparisonExpr::Comparison(c) => f(c),
            ComparisonExpr::And(items) | ComparisonExpr::Or(items) => {
                for item in items {
                    comparisons(item, f);
                }
            }
        }
    }
    match expr {
        ObservationExpr::Observation { comparison, .. } => comparisons(comparison, f),
        ObservationExpr::And(items)
        | ObservationExpr::Or(items)
        | ObservationExpr::FollowedBy(items) => {
            for item in items {
                visit_comparisons(item, f);
            }
        }
        ObservationExpr::Qualified { expr, .. } => visit_comparisons(expr, f),
    }
}

impl fmt::Display for Pattern {
    /// The canonical form: single spaces around operators, `=` and `!=`
    /// (not `==`, `<>`), names quoted only when needed, the fewest
    /// parentheses that keep the tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}

impl FromStr for Pattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Pattern, PatternError> {
        Pattern::parse(s)
    }
}

/// Parse and validate a pattern text in one step, as indicator validation
/// does for `pattern_type: "stix"`: the syntax error, or the validation
/// findings (empty when the pattern is clean).
///
/// # Example
///
/// ```
/// use ttpmap_stix::pattern::{validate_pattern, ErrorKind};
///
/// assert!(validate_pattern("[domain-name:value = 'example.com']").is_empty());
/// let findings = validate_pattern("[file:hashes.MD5 = 'f00']");
/// assert_eq!(findings[0].kind(), ErrorKind::InvalidHash);
/// assert_eq!(findings[0].offset(), 19);
/// ```
pub fn validate_pattern(text: &str) -> Vec<PatternError> {
    validate_pattern_with(text, &ValidateOptions::default())
}

/// [`validate_pattern`] with the given options.
pub fn validate_pattern_with(text: &str, options: &ValidateOptions) -> Vec<PatternError> {
    match Pattern::parse(text) {
        Ok(p) => p.validate_with(options),
        Err(e) => vec![e],
    }
}
