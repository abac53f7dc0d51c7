//! Validation beyond the grammar.

use super::ast::{
    Comparison, ComparisonExpr, Literal, ObjectPath, ObservationExpr, PathStep, Predicate,
    QualifierKind, Span, TimestampLiteral,
};
use super::compare::parse_network;
use super::error::{ErrorKind, PatternError, Severity};
use super::hashes::check_hash;
use super::path_types::Cursor;
use super::regex_check::{check as check_regex, RegexProblem};
use super::schema::{self, Ty};
use crate::Timestamp;

/// How strict [`Pattern::validate_with`](super::Pattern::validate_with) is.
///
/// The default is strict STIX 2.1. [`ValidateOptions::oasis`] reports as
/// warnings what the OASIS pattern validator (`stix2-patterns`) accepts:
/// object types and properties unknown to STIX 2.1, timestamps that pass
/// the grammar but name no calendar day, and `AND` across object types.
///
/// # Example
///
/// ```
/// use ttpmap_stix::pattern::{Pattern, Severity, ValidateOptions};
///
/// let p = Pattern::parse("[win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo']")?;
/// assert!(!p.is_valid()); // the STIX 2.1 type is windows-registry-key
/// let lenient = p.validate_with(&ValidateOptions::oasis());
/// assert!(lenient.iter().all(|f| f.severity() == Severity::Warning));
/// # Ok::<(), ttpmap_stix::pattern::PatternError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// Checks against the STIX 2.1 SCO definitions: unknown object types
    /// and properties (not `x-`/`x_` prefixed), path steps that do not fit
    /// the property, operators that cannot apply to the property's type.
    pub schema: Severity,
    /// Timestamps that pass the grammar but name no real time.
    pub calendar: Severity,
    /// `AND` of comparisons on object types that can never be the same
    /// object.
    pub mixed_object_types: Severity,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            schema: Severity::Error,
            calendar: Severity::Error,
            mixed_object_types: Severity::Error,
        }
    }
}

impl ValidateOptions {
    /// Strict STIX 2.1 (the default).
    pub fn strict() -> Self {
        ValidateOptions::default()
    }

    /// What the OASIS pattern validator rejects is an error, the rest a
    /// warning.
    pub fn oasis() -> Self {
        ValidateOptions {
            schema: Severity::Warning,
            calendar: Severity::Warning,
            mixed_object_types: Severity::Warning,
        }
    }
}

struct Validator {
    options: ValidateOptions,
    findings: Vec<PatternError>,
}

/// Validate a syntax tree: findings sorted by offset.
pub(crate) fn validate(expr: &ObservationExpr, options: ValidateOptions) -> Vec<PatternError> {
    let mut v = Validator {
        options,
        findings: Vec::new(),
    };
    v.observation(expr);
    v.findings.sort_by_key(PatternError::offset);
    v.findings
}

impl Validator {
    fn push(&mut self, kind: ErrorKind, span: Span, severity: Severity, message: String) {
        self.findings
            .push(PatternError::new(kind, span.start, span.len(), message).with_severity(severity));
    }

    fn error(&mut self, kind: ErrorKind, span: Span, message: String) {
        self.push(kind, span, Severity::Error, message);
    }

    fn observation(&mut self, expr: &ObservationExpr) {
        match expr {
            ObservationExpr::Observation { comparison, .. } => {
                self.comparison_expr(comparison);
            }
            ObservationExpr::And(items)
            | ObservationExpr::Or(items)
            | ObservationExpr::FollowedBy(items) => {
                for item in items {
                    self.observation(item);
                }
            }
            ObservationExpr::Qualified {
                expr,
                qualifiers,
                grouped,
            } => {
                self.observation(expr);
                // Only qualifiers directly on a bracketed expression may not
                // repeat a type (as the OASIS validator rules).
                let direct = !grouped && matches!(**expr, ObservationExpr::Observation { .. });
                let mut seen = Vec::new();
                for q in qualifiers {
                    let name = q.kind.name();
                    if direct && seen.contains(&name) {
                        self.error(
                            ErrorKind::DuplicateQualifier,
                            q.span,
                            format!("duplicate qualifier type {name} on one observation expression; parenthesize to apply it again"),
                        );
                    }
                    seen.push(name);
                    match &q.kind {
                        QualifierKind::Within(n) if n.as_f64() <= 0.0 => self.error(
                            ErrorKind::InvalidQualifier,
                            q.span,
                            format!("WITHIN needs a positive number of seconds, found {n}"),
                        ),
                        QualifierKind::Repeats(n) if *n < 1 => self.error(
                            ErrorKind::InvalidQualifier,
                            q.span,
                            format!("REPEATS needs at least 1, found {n}"),
                        ),
                        QualifierKind::StartStop { start, stop } => {
                            self.timestamp(start, q.span);
                            self.timestamp(stop, q.span);
                            if let (Some(a), Some(b)) = (start.value(), stop.value()) {
                                if a >= b {
                                    self.error(
                                        ErrorKind::InvalidQualifier,
                                        q.span,
                                        format!("START {start} must be before STOP {stop}"),
                                    );
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Validate a comparison expression; returns the object types it tests
    /// (sorted, distinct).
    fn comparison_expr<'e>(&mut self, expr: &'e ComparisonExpr) -> Vec<&'e str> {
        match expr {
            ComparisonExpr::Comparison(c) => {
                self.comparison(c);
                vec![c.path.object_type.as_str()]
            }
            ComparisonExpr::Or(items) => {
                let mut types: Vec<&str> = items
                    .iter()
                    .flat_map(|item| self.comparison_expr(item))
                    .collect();
                types.sort_unstable();
                types.dedup();
                types
            }
            ComparisonExpr::And(items) => {
                let mut acc: Option<Vec<&str>> = None;
                for item in items {
                    let types = self.comparison_expr(item);
                    acc = Some(match acc {
                        None => types,
                        Some(prev) => {
                            let common: Vec<&str> =
                                prev.iter().copied().filter(|t| types.contains(t)).collect();
                            if common.is_empty() {
                                let join = |s: &[&str]| {
                                    s.iter()
                                        .map(|t| format!("`{t}`"))
                                        .collect::<Vec<_>>()
                                        .join(" or ")
                                };
                                let message = format!(
                                    "AND joins {} and {}, which can never be the same object; use OR, or separate observation expressions",
                                    join(&prev),
                                    join(&types)
                                );
                                self.push(
                                    ErrorKind::MixedObjectTypes,
                                    first_span(item),
                                    self.options.mixed_object_types,
                                    message,
                                );
                                types
                            } else {
                                common
                            }
                        }
                    });
                }
                acc.unwrap_or_default()
            }
        }
    }

    fn comparison(&mut self, c: &Comparison) {
        let ty = self.path(&c.path);
        let literals: &[Literal] = match &c.predicate {
            Predicate::Eq(l)
            | Predicate::Ne(l)
            | Predicate::Lt(l)
            | Predicate::Le(l)
            | Predicate::Gt(l)
            | Predicate::Ge(l) => std::slice::from_ref(l),
            Predicate::In(set) => set,
            _ => &[],
        };
        for l in literals {
            if let Literal::Timestamp(t) = l {
                self.timestamp(t, c.value_span);
            }
        }
        if let Predicate::In(set) = &c.predicate {
            let mut classes = set.iter().map(literal_class).collect::<Vec<_>>();
            classes.dedup();
            if classes.len() > 1 {
                self.error(
                    ErrorKind::MixedSetTypes,
                    c.value_span,
                    format!(
                        "a set must hold constants of one type, found {}",
                        classes.join(" and ")
                    ),
                );
            }
        }
        match &c.predicate {
            Predicate::Matches(re) => match check_regex(re) {
                Ok(()) => {}
                Err(RegexProblem::Unsupported(feature)) => self.error(
                    ErrorKind::UnsupportedRegex,
                    c.value_span,
                    format!("regular expression uses {feature}, a PCRE feature this implementation does not support"),
                ),
                Err(RegexProblem::Invalid(why)) => self.error(
                    ErrorKind::InvalidRegex,
                    c.value_span,
                    format!("invalid regular expression: {why}"),
                ),
            },
            Predicate::IsSubset(text) | Predicate::IsSuperset(text)
                if parse_network(text).is_none() =>
            {
                self.error(
                    ErrorKind::InvalidCidr,
                    c.value_span,
                    format!("expected an IP address or CIDR block such as 198.51.100.0/24, found '{text}'"),
                );
            }
            _ => {}
        }
        self.hash(c, literals);
        if let Some(ty) = ty {
            self.agreement(c, ty, literals);
        }
    }

    fn timestamp(&mut self, t: &TimestampLiteral, span: Span) {
        if t.value().is_none() {
            let reason = match Timestamp::parse(t.as_str()) {
                Err(crate::Error::InvalidTimestamp { reason, .. }) => reason,
                _ => "no such time",
            };
            self.push(
                ErrorKind::InvalidTimestampValue,
                span,
                self.options.calendar,
                format!("{t} names no real time: {reason}"),
            );
        }
    }

    /// Resolve the path against the SCO definitions: the final property's
    /// type when known.
    fn path(&mut self, path: &ObjectPath) -> Option<Ty> {
        let severity = self.options.schema;
        let object_type = path.object_type.as_str();
        if schema::is_custom_type(object_type) {
            return None;
        }
        if schema::sco_properties(object_type).is_none() {
            self.push(
                ErrorKind::UnknownObjectType,
                path.span,
                severity,
                format!("`{object_type}` is not a STIX 2.1 Cyber-observable Object type (custom types start with `x-`)"),
            );
            return None;
        }
        let mut current = Cursor::Types(std::slice::from_ref(&object_type));
        let steps = std::iter::once(None).chain(path.steps.iter().map(Some));
        for step in steps {
            let next = match step {
                None => current.property(&path.property),
                Some(PathStep::Property(name)) => current.property(name),
                Some(PathStep::Index(_) | PathStep::AnyIndex) => current.index(),
            };
            match next {
                Ok(Some(next)) => current = next,
                Ok(None) => return None,
                Err((kind, message)) => {
                    self.push(kind, path.span, severity, format!("in `{path}`: {message}"));
                    return None;
                }
            }
        }
        match current {
            Cursor::Ty(ty) => Some(ty),
            Cursor::Types(_) => None,
        }
    }

    fn agreement(&mut self, c: &Comparison, ty: Ty, literals: &[Literal]) {
        let severity = self.options.schema;
        let op = c.predicate.operator();
        let scalar = matches!(
            ty,
            Ty::Str
                | Ty::Int
                | Ty::Float
                | Ty::Bool
                | Ty::Timestamp
                | Ty::Hex
                | Ty::Binary
                | Ty::Ref(_)
        );
        if c.predicate == Predicate::Exists {
            return;
        }
        if !scalar {
            let hint = match ty {
                Ty::List(_) | Ty::Refs(_) => "; compare its elements with `[*]` or an index",
                _ => "",
            };
            self.push(
                ErrorKind::OperatorTypeMismatch,
                c.span,
                severity,
                format!(
                    "`{}` is {}: {op} cannot apply to it{hint}",
                    c.path,
                    ty.name()
                ),
            );
            return;
        }
        let bad_op = match &c.predicate {
            Predicate::Lt(_) | Predicate::Le(_) | Predicate::Gt(_) | Predicate::Ge(_) => {
                ty == Ty::Bool
            }
            Predicate::Like(_) | Predicate::Matches(_) => {
                matches!(ty, Ty::Int | Ty::Float | Ty::Bool)
            }
            Predicate::IsSubset(_) | Predicate::IsSuperset(_) => ty != Ty::Str,
            _ => false,
        };
        if bad_op {
            self.push(
                ErrorKind::OperatorTypeMismatch,
                c.span,
                severity,
                format!("`{}` is {}: {op} cannot apply to it", c.path, ty.name()),
            );
            return;
        }
        for l in literals {
            let fits = match ty {
                Ty::Str | Ty::Ref(_) | Ty::Hex | Ty::Binary => {
                    matches!(l, Literal::Str(_) | Literal::Hex(_) | Literal::Binary(_))
                }
                Ty::Int | Ty::Float => matches!(l, Literal::Int(_) | Literal::Float(_)),
                Ty::Bool => matches!(l, Literal::Bool(_)),
                Ty::Timestamp => matches!(l, Literal::Timestamp(_)),
                _ => true,
            };
            if !fits {
                let hint = if ty == Ty::Timestamp && matches!(l, Literal::Str(_)) {
                    "; write timestamps as t'…'"
                } else {
                    ""
                };
                self.push(
                    ErrorKind::LiteralTypeMismatch,
                    c.value_span,
                    Severity::Warning,
                    format!(
                        "`{}` is {}, compared with a {} constant: never equal{hint}",
                        c.path,
                        ty.name(),
                        l.type_name()
                    ),
                );
                return;
            }
        }
    }

    /// Hash values compared with `hashes.<algorithm>`.
    fn hash(&mut self, c: &Comparison, literals: &[Literal]) {
        if !matches!(
            c.predicate,
            Predicate::Eq(_) | Predicate::Ne(_) | Predicate::In(_)
        ) {
            return;
        }
        let Some(PathStep::Property(algorithm)) = c.path.steps.last() else {
            return;
        };
        let parent = match c.path.steps.len() {
            1 => Some(c.path.property.as_str()),
            n => match c.path.steps.get(n - 2) {
                Some(PathStep::Property(p)) => Some(p.as_str()),
                _ => None,
            },
        };
        if !parent.is_some_and(|p| p == "hashes" || p.ends_with("_hashes")) {
            return;
        }
        for l in literals {
            if let Literal::Str(value) = l {
                if let Err(expected) = check_hash(algorithm, value) {
                    self.error(
                        ErrorKind::InvalidHash,
                        c.value_span,
                        format!("'{value}' is not a valid {algorithm} hash: expected {expected}"),
                    );
                    return;
                }
            }
        }
    }
}

/// The span of the first comparison in an expression.
fn first_span(expr: &ComparisonExpr) -> Span {
    match expr {
        ComparisonExpr::Comparison(c) => c.span,
        ComparisonExpr::And(items) | ComparisonExpr::Or(items) => {
            items.first().map_or_else(Span::default, first_span)
        }
    }
}

/// The type class of a constant, for sets.
fn literal_class(l: &Literal) -> &'static str {
    match l {
        Literal::Int(_) | Literal::Float(_) => "numbers",
        Literal::Str(_) => "strings",
        Literal::Bool(_) => "booleans",
        Literal::Hex(_) | Literal::Binary(_) => "binary constants",
        Literal::Timestamp(_) => "timestamps",
    }
}
