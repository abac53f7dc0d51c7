//! The binding search: combine the observations that satisfy each
//! bracketed expression under `AND`, `OR`, `FOLLOWEDBY` and the qualifiers.

use std::collections::{HashMap, HashSet};

use super::matcher::{Node, MATCH_BUDGET};
use super::observations::Record;

/// A binding: observations bound to leaves, with their time summary.
#[derive(Debug, Clone)]
struct Binding {
    /// Units used per record, sorted by record.
    usage: Vec<(u32, u64)>,
    max_first: i128,
    min_last: i128,
    /// (leaf, record) per bound observation, in pattern order.
    parts: Vec<(u32, u32)>,
}

impl Binding {
    fn spread(&self) -> i128 {
        self.max_first - self.min_last
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Every binding (deduplicated by the observations used).
    All,
    /// The binding whose observations fit the shortest window.
    Best,
    /// Any one binding.
    Any,
}

struct Evaluator<'o> {
    records: &'o [Record],
    /// For each leaf, the matching records and their satisfying roots.
    hits: &'o [Vec<(u32, Vec<String>)>],
    steps: u64,
    exhausted: bool,
}

/// Find one binding for the plan `root`: the `(leaf, record)` pairs bound,
/// and whether the search ran to the end.
pub(crate) fn search(
    root: &Node,
    records: &[Record],
    hits: &[Vec<(u32, Vec<String>)>],
) -> (Option<Vec<(u32, u32)>>, bool) {
    let mut ev = Evaluator {
        records,
        hits,
        steps: 0,
        exhausted: false,
    };
    let found = ev.eval(root, Need::Any).into_iter().next();
    (found.map(|b| b.parts), !ev.exhausted)
}

impl Evaluator<'_> {
    fn tick(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MATCH_BUDGET {
            self.exhausted = true;
        }
        !self.exhausted
    }

    fn record(&self, r: u32) -> Option<&Record> {
        self.records.get(r as usize)
    }

    fn eval(&mut self, node: &Node, need: Need) -> Vec<Binding> {
        let out = match node {
            Node::Never => Vec::new(),
            Node::Leaf(leaf, ranges) => self.leaf(*leaf, ranges),
            Node::Or(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(self.eval(item, need));
                }
                dedup(out)
            }
            Node::And(items) => self.join(items, need, false),
            Node::FollowedBy(items) => self.join(items, need, true),
            Node::Within(inner, limit) => {
                let inner_need = if need == Need::All {
                    Need::All
                } else {
                    Need::Best
                };
                let mut out = self.eval(inner, inner_need);
                out.retain(|b| b.spread() <= *limit);
                out
            }
            Node::Repeats(inner, n) => self.repeats(inner, *n, need),
        };
        match need {
            Need::All => out,
            Need::Best => out
                .into_iter()
                .min_by_key(Binding::spread)
                .into_iter()
                .collect(),
            Need::Any => out.into_iter().take(1).collect(),
        }
    }

    fn leaf(&self, leaf: usize, ranges: &[(i128, i128)]) -> Vec<Binding> {
        let Some(hits) = self.hits.get(leaf) else {
            return Vec::new();
        };
        hits.iter()
            .filter_map(|(r, _)| {
                let rec = self.record(*r)?;
                let inside = ranges
                    .iter()
                    .all(|&(start, stop)| start < stop && rec.last >= start && rec.first < stop);
                inside.then(|| Binding {
                    usage: vec![(*r, 1)],
                    max_first: rec.first,
                    min_last: rec.last,
                    parts: vec![(u32::try_from(leaf).unwrap_or(u32::MAX), *r)],
                })
            })
            .collect()
    }

    /// Combine two bindings that use different observations.
    fn combine(&self, a: &Binding, b: &Binding) -> Option<Binding> {
        let usage = self.merge_usage(a, b)?;
        let mut parts = Vec::with_capacity(a.parts.len() + b.parts.len());
        parts.extend_from_slice(&a.parts);
        parts.extend_from_slice(&b.parts);
        Some(Binding {
            usage,
            max_first: a.max_first.max(b.max_first),
            min_last: a.min_last.min(b.min_last),
            parts,
        })
    }

    /// The observations two bindings use together, unless that exceeds a
    /// record's `number_observed`.
    fn merge_usage(&self, a: &Binding, b: &Binding) -> Option<Vec<(u32, u64)>> {
        let mut usage = Vec::with_capacity(a.usage.len() + b.usage.len());
        let (mut left, mut right) = (a.usage.iter().peekable(), b.usage.iter().peekable());
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some(&&l), Some(&&r)) if l.0 == r.0 => {
                    left.next();
                    right.next();
                    (l.0, l.1 + r.1)
                }
                (Some(&&l), Some(&&r)) if l.0 < r.0 => {
                    left.next();
                    l
                }
                (_, Some(&&r)) => {
                    right.next();
                    r
                }
                (Some(&&l), None) => {
                    left.next();
                    l
                }
                (None, None) => break,
            };
            if next.1 > self.record(next.0)?.count {
                return None;
            }
            usage.push(next);
        }
        Some(usage)
    }

    /// `AND` (or `FOLLOWEDBY`, with time order) of several operands.
    fn join(&mut self, items: &[Node], need: Need, ordered: bool) -> Vec<Binding> {
        // Cheap existence checks first: one operand without any binding
        // settles the join before any enumeration.
        for item in items {
            if self.eval(item, Need::Any).is_empty() {
                return Vec::new();
            }
        }
        let mut lists = Vec::with_capacity(items.len());
        for item in items {
            let list = self.eval(item, Need::All);
            if list.is_empty() {
                return Vec::new();
            }
            lists.push(list);
        }
        let mut lists = lists.into_iter();
        let mut acc = lists.next().unwrap_or_default();
        let last = items.len().saturating_sub(1);
        for (k, list) in lists.enumerate() {
            let final_step = k + 1 == last;
            let mut next = Vec::new();
            'outer: for a in &acc {
                for b in &list {
                    if !self.tick() {
                        break 'outer;
                    }
                    if ordered && a.max_first > b.min_last {
                        continue;
                    }
                    if let Some(c) = self.combine(a, b) {
                        next.push(c);
                        if final_step && need == Need::Any {
                            break 'outer;
                        }
                    }
                }
            }
            acc = dedup(next);
            if acc.is_empty() {
                break;
            }
        }
        acc
    }

    fn repeats(&mut self, inner: &Node, n: u64, need: Need) -> Vec<Binding> {
        if n == 1 {
            return self.eval(inner, need);
        }
        let base = self.eval(inner, Need::All);
        if base.is_empty() {
            return base;
        }
        if need != Need::All && is_simple(inner) {
            return self.tightest(&base, n).into_iter().collect();
        }
        // Combinations with repetition, deduplicated by observations used;
        // each partial keeps the lowest next index it may extend with.
        let mut level: Vec<(Binding, usize)> = base.iter().cloned().zip(0..).collect();
        for _ in 1..n {
            let mut seen: HashMap<Vec<(u32, u64)>, usize> = HashMap::new();
            let mut next: Vec<(Binding, usize)> = Vec::new();
            'outer: for (partial, from) in &level {
                for (k, b) in base.iter().enumerate().skip(*from) {
                    if !self.tick() {
                        break 'outer;
                    }
                    let Some(usage) = self.merge_usage(partial, b) else {
                        continue;
                    };
                    if let Some(&pos) = seen.get(&usage) {
                        if let Some(slot) = next.get_mut(pos) {
                            slot.1 = slot.1.min(k);
                        }
                    } else if let Some(c) = self.combine(partial, b) {
                        seen.insert(usage, next.len());
                        next.push((c, k));
                    }
                }
            }
            level = next;
            if level.is_empty() {
                break;
            }
        }
        level.into_iter().map(|(b, _)| b).collect()
    }

    /// `REPEATS n` over single-observation bindings, in the shortest
    /// window: for each candidate earliest `last_observed` (the anchor), the
    /// best choice is the anchor plus the units with the earliest
    /// `first_observed` among those ending no earlier. Anchors are visited
    /// from the latest `last_observed` down while a Fenwick tree over
    /// `first_observed` ranks counts the eligible units: `O(m log m)`.
    fn tightest(&mut self, base: &[Binding], n: u64) -> Option<Binding> {
        let mut units: Vec<(&Binding, u64)> = Vec::new();
        let mut seen = HashSet::new();
        for b in base {
            if let Some(&(r, _)) = b.usage.first() {
                if seen.insert(r) {
                    let cap = self.record(r).map_or(0, |rec| rec.count);
                    units.push((b, cap));
                }
            }
        }
        let total: u64 = units.iter().map(|(_, c)| c).sum();
        if total < n {
            return None;
        }
        let mut firsts: Vec<i128> = units.iter().map(|(b, _)| b.max_first).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let rank = |t: i128| firsts.partition_point(|&f| f < t);
        let mut tree = Fenwick::new(firsts.len());
        units.sort_by_key(|(b, _)| std::cmp::Reverse(b.min_last));
        let mut best: Option<(i128, usize)> = None;
        let mut k = 0;
        while k < units.len() {
            // Insert every unit ending at this `last_observed`, then try
            // each of them as the anchor.
            let last = units.get(k).map_or(0, |(b, _)| b.min_last);
            let group_end = units
                .iter()
                .skip(k)
                .position(|(b, _)| b.min_last != last)
                .map_or(units.len(), |p| k + p);
            for (b, cap) in units.get(k..group_end).unwrap_or_default() {
                tree.add(rank(b.max_first), *cap);
            }
            for (i, (anchor, _)) in units.iter().enumerate().take(group_end).skip(k) {
                if !self.tick() {
                    break;
                }
                if let Some(nth) = tree.nth(n) {
                    let max_first = firsts
                        .get(nth)
                        .copied()
                        .unwrap_or(i128::MAX)
                        .max(anchor.max_first);
                    let spread = max_first - last;
                    if best.is_none_or(|(b, _)| spread < b) {
                        best = Some((spread, i));
                    }
                }
            }
            k = group_end;
        }
        let (_, anchor_index) = best?;
        let (anchor, anchor_cap) = *units.get(anchor_index)?;
        // Rebuild the chosen units: the anchor, then the earliest starts.
        let mut eligible: Vec<(&Binding, u64)> = units
            .iter()
            .filter(|(b, _)| b.min_last >= anchor.min_last && !std::ptr::eq(*b, anchor))
            .copied()
            .collect();
        eligible.push((anchor, anchor_cap.saturating_sub(1)));
        eligible.sort_by_key(|(b, _)| b.max_first);
        let mut taken: Vec<(&Binding, u64)> = vec![(anchor, 1)];
        let mut left = n - 1;
        for (b, cap) in eligible {
            if left == 0 {
                break;
            }
            let take = cap.min(left);
            if take > 0 {
                taken.push((b, take));
                left -= take;
            }
        }
        let mut usage: HashMap<u32, u64> = HashMap::new();
        let mut parts = Vec::new();
        let mut max_first = anchor.max_first;
        for (b, count) in &taken {
            max_first = max_first.max(b.max_first);
            if let Some(&(r, _)) = b.usage.first() {
                *usage.entry(r).or_default() += count;
            }
            // The report lists at most 64 copies of one observed-data.
            for _ in 0..(*count).min(64) {
                parts.extend_from_slice(&b.parts);
            }
        }
        let mut usage: Vec<(u32, u64)> = usage.into_iter().collect();
        usage.sort_unstable();
        Some(Binding {
            usage,
            max_first,
            min_last: anchor.min_last,
            parts,
        })
    }
}

/// A Fenwick (binary indexed) tree of unit counts by rank.
struct Fenwick {
    tree: Vec<u64>,
}

impl Fenwick {
    fn new(len: usize) -> Fenwick {
        Fenwick {
            tree: vec![0; len + 1],
        }
    }

    fn add(&mut self, rank: usize, count: u64) {
        let mut i = rank + 1;
        while let Some(slot) = self.tree.get_mut(i) {
            *slot = slot.saturating_add(count);
            i += i & i.wrapping_neg();
        }
    }

    /// The smallest rank whose cumulative count reaches `n` (`n` ≥ 1).
    fn nth(&self, n: u64) -> Option<usize> {
        let len = self.tree.len() - 1;
        let mut pos = 0;
        let mut remaining = n;
        let mut step = len.checked_next_power_of_two().unwrap_or(0);
        while step > 0 {
            let next = pos + step;
            if let Some(&value) = self.tree.get(next) {
                if value < remaining {
                    pos = next;
                    remaining -= value;
                }
            }
            step /= 2;
        }
        (pos < len).then_some(pos)
    }
}

/// Whether every binding of a node is one observation.
fn is_simple(node: &Node) -> bool {
    match node {
        Node::Leaf(..) | Node::Never => true,
        Node::Or(items) => items.iter().all(is_simple),
        Node::Within(inner, _) => is_simple(inner),
        Node::Repeats(inner, n) => *n == 1 && is_simple(inner),
        Node::And(_) | Node::FollowedBy(_) => false,
    }
}

/// Drop bindings that use the same observations as an earlier one.
fn dedup(list: Vec<Binding>) -> Vec<Binding> {
    let mut seen = HashSet::new();
    list.into_iter()
        .filter(|b| seen.insert(b.usage.clone()))
        .collect()
}
