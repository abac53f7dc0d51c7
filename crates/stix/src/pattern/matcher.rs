//! Matching: find a binding of observations to the pattern's observation
//! expressions that satisfies every operator and qualifier.
//!
//! Semantics follow the specification and the OASIS matcher's reading of
//! it: an observed-data with `number_observed: n` is `n` observations over
//! its `[first_observed, last_observed]` window; `AND`, `FOLLOWEDBY` and
//! `REPEATS` bind different observations; `A FOLLOWEDBY B` needs the latest
//! `first_observed` of A's observations at or before the earliest
//! `last_observed` of B's; `WITHIN n SECONDS` needs a window of `n` seconds
//! touching every bound observation's interval; `START s STOP t` keeps
//! observations whose interval meets `[s, t)`. `START`/`STOP` applies to
//! each observation, so it is pushed down to the bracketed expressions.

use std::collections::HashSet;

use serde::Serialize;

use super::ast::{ComparisonExpr, ObservationExpr, QualifierKind, Span};
use super::compare::{holds, resolve, Regexes};
use super::observations::Observations;
use super::search;
use super::visit_comparisons;
use super::Predicate;

/// How many combination steps one match may take before it gives up and
/// reports an incomplete result.
pub const MATCH_BUDGET: u64 = 1_000_000;

/// The outcome of [`Pattern::matches`](super::Pattern::matches).
///
/// Serializes to JSON as `{"matched", "complete", "observations": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchResult {
    matched: bool,
    complete: bool,
    observations: Vec<MatchedObservation>,
}

/// One observation bound to one bracketed observation expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MatchedObservation {
    /// Which observation expression, counting `[…]` from 0 in pattern order.
    pub expression: usize,
    /// The expression in canonical form, e.g. `[file:name = 'a.exe']`.
    pub expression_text: String,
    /// Where the expression is in the pattern.
    pub span: Span,
    /// Position of the observed-data in the [`Observations`].
    pub observed_data_index: usize,
    /// The observed-data's `id`, when it has one.
    pub observed_data_id: Option<String>,
    /// The objects (embedded keys or ids) that satisfied the expression.
    pub objects: Vec<String>,
}

impl MatchResult {
    /// Whether the pattern matched.
    pub fn is_match(&self) -> bool {
        self.matched
    }

    /// Whether the search ran to the end. `false` when [`MATCH_BUDGET`] was
    /// exhausted: a match found is real, but "no match" may be wrong.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The observations of the binding found, one entry per bound
    /// observation (an observed-data counted `n` times appears up to `n`
    /// times), in pattern order.
    pub fn observations(&self) -> &[MatchedObservation] {
        &self.observations
    }

    /// The distinct observed-data ids of the binding, in first-use order.
    pub fn observed_data_ids(&self) -> impl Iterator<Item = &str> {
        let mut seen = HashSet::new();
        self.observations
            .iter()
            .filter_map(|o| o.observed_data_id.as_deref())
            .filter(move |id| seen.insert(*id))
    }
}

/// The evaluation plan: qualifiers resolved, `START`/`STOP` pushed down.
pub(crate) enum Node {
    /// A bracketed expression and the `[start, stop)` windows it must meet.
    Leaf(usize, Vec<(i128, i128)>),
    And(Vec<Node>),
    Or(Vec<Node>),
    FollowedBy(Vec<Node>),
    Within(Box<Node>, i128),
    Repeats(Box<Node>, u64),
    /// An invalid qualifier value: matches nothing.
    Never,
}

struct Leaf<'p> {
    comparison: &'p ComparisonExpr,
    span: Span,
    text: String,
}

fn plan<'p>(
    expr: &'p ObservationExpr,
    ranges: &[(i128, i128)],
    leaves: &mut Vec<Leaf<'p>>,
) -> Node {
    match expr {
        ObservationExpr::Observation { comparison, span } => {
            leaves.push(Leaf {
                comparison,
                span: *span,
                text: expr.to_string(),
            });
            Node::Leaf(leaves.len() - 1, ranges.to_vec())
        }
        ObservationExpr::And(items) => {
            Node::And(items.iter().map(|e| plan(e, ranges, leaves)).collect())
        }
        ObservationExpr::Or(items) => {
            Node::Or(items.iter().map(|e| plan(e, ranges, leaves)).collect())
        }
        ObservationExpr::FollowedBy(items) => {
            Node::FollowedBy(items.iter().map(|e| plan(e, ranges, leaves)).collect())
        }
        ObservationExpr::Qualified {
            expr, qualifiers, ..
        } => {
            let mut inner_ranges = ranges.to_vec();
            let mut never = false;
            for q in qualifiers {
                if let QualifierKind::StartStop { start, stop } = &q.kind {
                    match (start.value(), stop.value()) {
                        (Some(a), Some(b)) => inner_ranges.push((nanos(a), nanos(b))),
                        _ => never = true,
                    }
                }
            }
            let mut node = plan(expr, &inner_ranges, leaves);
            for q in qualifiers {
                node = match &q.kind {
                    QualifierKind::Within(n) if n.as_f64() > 0.0 => {
                        // Saturating float-to-integer conversion.
                        Node::Within(Box::new(node), (n.as_f64() * 1e9) as i128)
                    }
                    QualifierKind::Repeats(n) if *n >= 1 => {
                        Node::Repeats(Box::new(node), n.unsigned_abs())
                    }
                    QualifierKind::StartStop { .. } => node,
                    _ => Node::Never,
                };
            }
            if never {
                Node::Never
            } else {
                node
            }
        }
    }
}

fn nanos(t: &crate::Timestamp) -> i128 {
    let dt = t.as_datetime();
    i128::from(dt.timestamp()) * 1_000_000_000 + i128::from(dt.timestamp_subsec_nanos())
}

/// Evaluate `expr` against `observations`.
pub(crate) fn evaluate(expr: &ObservationExpr, observations: &Observations) -> MatchResult {
    let mut leaves = Vec::new();
    let root = plan(expr, &[], &mut leaves);
    let mut regexes = Regexes::default();
    visit_comparisons(expr, &mut |c| {
        if let Predicate::Matches(re) = &c.predicate {
            regexes.add(re);
        }
    });
    let hits: Vec<Vec<(u32, Vec<String>)>> = leaves
        .iter()
        .map(|leaf| leaf_hits(leaf.comparison, observations, &regexes))
        .collect();
    let (found, complete) = search::search(&root, &observations.records, &hits);
    let observations_out = found.map_or_else(Vec::new, |parts| {
        parts
            .iter()
            .map(|&(leaf, record)| {
                let l = leaves.get(leaf as usize);
                let record_info = observations.records.get(record as usize);
                let objects = hits
                    .get(leaf as usize)
                    .and_then(|h| h.iter().find(|(r, _)| *r == record))
                    .map(|(_, roots)| roots.clone())
                    .unwrap_or_default();
                MatchedObservation {
                    expression: leaf as usize,
                    expression_text: l.map(|l| l.text.clone()).unwrap_or_default(),
                    span: l.map(|l| l.span).unwrap_or_default(),
                    observed_data_index: record as usize,
                    observed_data_id: record_info.and_then(|r| r.id.clone()),
                    objects,
                }
            })
            .collect()
    });
    MatchResult {
        matched: !observations_out.is_empty(),
        complete,
        observations: observations_out,
    }
}

/// The records whose objects satisfy a bracketed comparison, with the
/// satisfying root objects.
fn leaf_hits(
    expr: &ComparisonExpr,
    observations: &Observations,
    regexes: &Regexes,
) -> Vec<(u32, Vec<String>)> {
    let mut out = Vec::new();
    for (i, record) in observations.records.iter().enumerate() {
        let deref = |id: &str| observations.deref(record, id);
        let roots: Vec<String> = observations
            .roots(record)
            .into_iter()
            .filter(|(_, object)| satisfies(expr, object, &deref, regexes))
            .map(|(key, _)| key.to_owned())
            .collect();
        if !roots.is_empty() {
            if let Ok(i) = u32::try_from(i) {
                out.push((i, roots));
            }
        }
    }
    out
}

fn satisfies<'a>(
    expr: &ComparisonExpr,
    object: &'a serde_json::Value,
    deref: &dyn Fn(&str) -> Option<&'a serde_json::Value>,
    regexes: &Regexes,
) -> bool {
    match expr {
        ComparisonExpr::Comparison(c) => {
            let object_type = object.get("type").and_then(serde_json::Value::as_str);
            if object_type != Some(c.path.object_type.as_str()) {
                return false;
            }
            holds(c, &resolve(object, &c.path, deref), regexes)
        }
        ComparisonExpr::And(items) => items.iter().all(|e| satisfies(e, object, deref, regexes)),
        ComparisonExpr::Or(items) => items.iter().any(|e| satisfies(e, object, deref, regexes)),
    }
}
