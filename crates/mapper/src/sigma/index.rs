//! The index that makes evaluation fast.
//!
//! * Rules are grouped by log source; an event selects the groups covering
//!   its log sources.
//! * Every case-folded literal of every rule's field tests (exact values,
//!   prefixes, suffixes, substrings) gets an id. The groups an event
//!   selects have a [`Plan`]: per field a [`Scanner`] over the literals of
//!   those groups' rules only, and one over their keyword literals. Plans
//!   are built when a set of groups is first seen and kept (events of one
//!   source select the same groups). An event runs each scanner of its
//!   plan once over the field's folded text and records, per literal,
//!   where it occurred (anywhere, at the start, at the end, as the whole
//!   text). A rule's literal tests then read those records instead of
//!   searching.
//! * Each rule *requires* up to four clauses, each a set of (field,
//!   literal) pairs one of which occurs whenever the rule matches. They
//!   come from its condition: every item of an `and` with literals gives a
//!   clause; an `or` gives one, the union of each part's most selective
//!   clause; nothing under `not`. The most selective clauses are kept.
//!   Only the rules all of whose clauses had a literal occur, and those
//!   without requirement, are evaluated.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use crate::event::{Event, LogSource};

use super::condition::Cond;
use super::detection::{Detection, Item, Target, Test, NEEDLE_SCORE_CAP};
use super::pattern::{AT_ANY, INDEXED_MIN};
use super::rule::Rule;
use super::scan::Scanner;

/// Whether a literal is selective enough for a rule's requirement: four
/// bytes, or two with a non-ASCII character (rare in most logs). Rules
/// without one are evaluated on every event of their log source.
fn selective(needle: &str) -> bool {
    needle.len() >= 4 || (needle.len() >= 2 && !needle.is_ascii())
}

/// A clause: (field, folded literal) pairs, one of which occurs whenever
/// the rule matches.
type Clause = Vec<(u32, String)>;

/// A requirement: clauses that all hold whenever the rule matches.
type Requirement = Vec<Clause>;

/// A rule requires at most this many clauses (the most selective ones).
const MAX_CLAUSES: usize = 4;

/// No scanner for this field.
const NONE: u32 = u32::MAX;

/// The pseudo field of group `g`'s keyword searches (every value of the
/// event) is `KEYWORDS - g`.
const KEYWORDS: u32 = u32::MAX - 1;

/// At most this many plans are kept; events selecting other sets of groups
/// use the plan of every group.
const MAX_PLANS: usize = 64;

/// Tells indexes apart (a thread's cached plan belongs to one).
static STAMPS: AtomicU64 = AtomicU64::new(1);

/// The scanners an event selecting some set of groups runs.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Field id → index into `scanners` ([`NONE`]: no literal).
    scanner_of: Vec<u32>,
    scanners: Vec<Scanner>,
    /// The scanner of the groups' keyword literals (run on every value of
    /// the event).
    pub keywords: Option<Scanner>,
    /// Literal id → the (rule, clause, bits of all the rule's clauses)
    /// it satisfies, for the rules of the plan's groups only.
    mark_starts: Vec<u32>,
    mark_rules: Vec<(u32, u8, u8)>,
    /// Field id → index into `number_tables` ([`NONE`]: no number).
    numbers_of: Vec<u32>,
    /// The numbers rules require of a field (by [`number_key`], sorted),
    /// with their literal ids.
    number_tables: Vec<Vec<(u64, Vec<u32>)>>,
}

impl Plan {
    /// The (rule, clause, all clauses) literal `id` satisfies.
    pub fn marks(&self, id: u32) -> &[(u32, u8, u8)] {
        row(&self.mark_starts, &self.mark_rules, id as usize)
    }

    /// The ids of the numbers rules require of `field` that equal `n`.
    pub fn numbers(&self, field: u32, n: f64) -> &[u32] {
        let Some(table) = self.number_table(field) else {
            return &[];
        };
        let key = number_key(n);
        table
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()
            .and_then(|at| table.get(at))
            .map_or(&[], |(_, ids)| ids.as_slice())
    }

    fn number_table(&self, field: u32) -> Option<&Vec<(u64, Vec<u32>)>> {
        match self.numbers_of.get(field as usize) {
            Some(&at) if at != NONE => self.number_tables.get(at as usize),
            _ => None,
        }
    }

    /// Whether rules require numbers of `field`.
    pub fn has_numbers(&self, field: u32) -> bool {
        self.number_table(field).is_some()
    }

    /// The scanner of a field.
    pub fn scanner(&self, field: u32) -> Option<&Scanner> {
        match self.scanner_of.get(field as usize) {
            Some(&at) if at != NONE => self.scanners.get(at as usize),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Index {
    pub groups: Vec<Group>,
    by_category: HashMap<String, Vec<u32>>,
    uncategorized: Vec<u32>,
    /// The group of each rule.
    pub rule_group: Vec<u32>,
    /// How many fields there are.
    fields: usize,
    /// Literal id → its field (or keyword pseudo field) and folded text.
    literal_field: Vec<u32>,
    literal_text: Vec<Box<str>>,
    /// Literal id → the groups whose rules use it.
    user_starts: Vec<u32>,
    user_groups: Vec<u32>,
    /// Plans by the (sorted) groups they are for.
    plans: RwLock<HashMap<Box<[u32]>, Arc<Plan>>>,
    /// The plan of every group.
    every: OnceLock<Arc<Plan>>,
    /// This index among all.
    pub stamp: u64,
    /// Literal id → the (rule, clause) pairs it satisfies
    /// (`mark_rules[mark_starts[l]..mark_starts[l + 1]]`).
    mark_starts: Vec<u32>,
    mark_rules: Vec<(u32, u8)>,
    /// Rule → the bits of all its clauses (0: no requirement; 1: one
    /// clause, a mark makes the rule a candidate).
    pub clauses_of: Vec<u8>,
    /// Test id → its literals with the position bits they need.
    test_starts: Vec<u32>,
    test_lits: Vec<(u32, u8)>,
}

#[derive(Debug)]
pub(crate) struct Group {
    pub logsource: LogSource,
    /// Rules evaluated on every event of the group (no requirement).
    pub always: Vec<u32>,
}

/// How selective a clause is: its shortest literal (up to a cap), then
/// fewer pairs.
fn score(clause: &Clause) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = clause.iter().map(|(_, n)| n.len()).min().unwrap_or(0);
    (
        shortest.min(NEEDLE_SCORE_CAP),
        std::cmp::Reverse(clause.len()),
    )
}

/// The requirement of an `or` of parts: each clause the union of one
/// clause of every part (whichever part holds, one of them does), the most
/// selective [`MAX_CLAUSES`] of those combinations (`None` when a part has
/// no requirement).
fn any_of(parts: impl Iterator<Item = Option<Requirement>>) -> Option<Requirement> {
    let mut out: Requirement = vec![Clause::new()];
    for part in parts {
        let part = most_selective(part?);
        let mut combined = Vec::with_capacity(out.len() * part.len());
        for clause in &out {
            for other in &part {
                let mut union = clause.clone();
                union.extend(other.iter().cloned());
                combined.push(union);
            }
        }
        out = most_selective(combined);
    }
    Some(out)
}

/// The [`MAX_CLAUSES`] most selective clauses, each without repeats.
fn most_selective(mut req: Requirement) -> Requirement {
    for clause in &mut req {
        clause.sort();
        clause.dedup();
    }
    req.sort_by(|a, b| score(b).cmp(&score(a)).then_with(|| a.cmp(b)));
    req.dedup();
    req.truncate(MAX_CLAUSES);
    req
}

/// The requirement of an `and` of parts: every clause of every part that
/// has one (`None` when none has).
fn all_of(parts: impl Iterator<Item = Option<Requirement>>) -> Option<Requirement> {
    let out: Requirement = parts.flatten().flatten().collect();
    (!out.is_empty()).then_some(out)
}

/// The text a number is registered under (it reads back as the number).
fn number_text(n: f64) -> String {
    format!("{n}")
}

/// The key of a number in a plan's number tables (`-0` is `0`).
fn number_key(n: f64) -> u64 {
    if n == 0.0 {
        0
    } else {
        n.to_bits()
    }
}

/// The clause of an item whose tests are all numbers (`EventID: 4688`):
/// the value equals one of them (or, with `|all`, the first). Numbers the
/// rule writes other than as a plain decimal (`0x10`) match their text
/// too, so they give no clause.
fn number_clause(item: &Item, field: u32, fields: usize) -> Option<Requirement> {
    if item.negate || item.tests.is_empty() {
        return None;
    }
    let number_field = u32::try_from(fields).ok()?.checked_add(field)?;
    let numbers: Vec<(u32, String)> = item
        .tests
        .iter()
        .map(|test| match test {
            Test::Num { text, value } if text.trim().parse::<f64>().ok() == Some(*value) => {
                Some((number_field, number_text(*value)))
            }
            _ => None,
        })
        .collect::<Option<_>>()?;
    let numbers = if item.all {
        numbers.into_iter().take(1).collect()
    } else {
        numbers
    };
    Some(vec![numbers])
}

/// `keywords`: the pseudo field of the rule's keyword searches; `fields`:
/// how many fields there are (number pseudo fields follow them).
fn search_requirement(
    detection: &Detection,
    index: usize,
    keywords: u32,
    fields: usize,
) -> Option<Requirement> {
    let search = detection.searches.get(index)?;
    let alternative = |conj: &super::detection::Conj| {
        all_of(conj.items.iter().map(|item| {
            let field = match item.target {
                Target::Field(field) => field,
                Target::Keyword => keywords,
            };
            let Some(needles) = item.needles.as_ref() else {
                return match item.target {
                    Target::Field(field) => number_clause(item, field, fields),
                    Target::Keyword => None,
                };
            };
            needles
                .iter()
                .all(|n| selective(n))
                .then(|| vec![needles.iter().map(|n| (field, n.clone())).collect()])
        }))
    };
    match search.alts.as_slice() {
        [one] => alternative(one),
        alts => any_of(alts.iter().map(alternative)),
    }
}

fn requirement(
    detection: &Detection,
    cond: &Cond,
    keywords: u32,
    fields: usize,
) -> Option<Requirement> {
    let search = |&i: &usize| search_requirement(detection, i, keywords, fields);
    let part = |c: &Cond| requirement(detection, c, keywords, fields);
    match cond {
        Cond::Search(i) => search(i),
        Cond::And(items) => all_of(items.iter().map(part)),
        Cond::All(ids) => all_of(ids.iter().map(search)),
        Cond::Or(items) => any_of(items.iter().map(part)),
        Cond::AtLeast(_, ids) => any_of(ids.iter().map(search)),
        Cond::Not(_) => None,
    }
}

/// A rule's requirement, its most selective clauses first, at most
/// [`MAX_CLAUSES`] of them.
fn rule_requirement(detection: &Detection, keywords: u32, fields: usize) -> Option<Requirement> {
    requirement(detection, &detection.condition, keywords, fields).map(most_selective)
}

/// Literal ids per field while building.
#[derive(Default)]
struct Registry {
    /// Field id → (literal → local id), and the literals in id order.
    fields: BTreeMap<u32, (HashMap<String, u32>, Vec<String>)>,
}

impl Registry {
    fn register(&mut self, field: u32, literal: &str) -> (u32, u32) {
        let (ids, list) = self.fields.entry(field).or_default();
        if let Some(&id) = ids.get(literal) {
            return (field, id);
        }
        let id = list.len() as u32;
        ids.insert(literal.to_string(), id);
        list.push(literal.to_string());
        (field, id)
    }
}

/// Compressed rows: `starts` has one more entry than there are rows.
fn csr<T: Clone>(rows: &[Vec<T>]) -> (Vec<u32>, Vec<T>) {
    let mut starts = Vec::with_capacity(rows.len() + 1);
    let mut data = Vec::new();
    for row in rows {
        starts.push(data.len() as u32);
        data.extend_from_slice(row);
    }
    starts.push(data.len() as u32);
    (starts, data)
}

fn row<'a, T>(starts: &[u32], data: &'a [T], at: usize) -> &'a [T] {
    let start = starts.get(at).copied().unwrap_or(0) as usize;
    let end = starts.get(at + 1).copied().unwrap_or(0) as usize;
    data.get(start..end).unwrap_or(&[])
}

impl Index {
    /// The index of `rules`, whose fields have ids below `fields` and
    /// whose text tests ids below `tests`.
    pub fn build(rules: &[Rule], fields: usize, tests: usize) -> Index {
        // Groups by log source.
        let mut by_source: BTreeMap<&LogSource, Vec<u32>> = BTreeMap::new();
        for (i, rule) in rules.iter().enumerate() {
            by_source.entry(&rule.logsource).or_default().push(i as u32);
        }
        let mut groups = Vec::with_capacity(by_source.len());
        let mut by_category: HashMap<String, Vec<u32>> = HashMap::new();
        let mut uncategorized = Vec::new();
        let mut rule_group = vec![0u32; rules.len()];
        for (logsource, members) in by_source {
            let gid = groups.len() as u32;
            match &logsource.category {
                Some(c) => by_category.entry(c.clone()).or_default().push(gid),
                None => uncategorized.push(gid),
            }
            for &r in &members {
                if let Some(slot) = rule_group.get_mut(r as usize) {
                    *slot = gid;
                }
            }
            groups.push(Group {
                logsource: logsource.clone(),
                always: Vec::new(),
            });
        }

        // Literals of the tests and of the requirements.
        let mut registry = Registry::default();
        let mut test_refs: Vec<Vec<(u32, u32, u8)>> = vec![Vec::new(); tests];
        let mut marks: Vec<(u32, u32, u32, u8)> = Vec::new();
        let mut clauses_of = vec![0u8; rules.len()];
        // (field, local id, group) of every literal a rule uses.
        let mut uses: Vec<(u32, u32, u32)> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            let detection = &rule.detection;
            let gid = rule_group.get(ri).copied().unwrap_or(0);
            let keywords = KEYWORDS - gid;
            for search in &detection.searches {
                for conj in &search.alts {
                    for item in &conj.items {
                        let field = match item.target {
                            Target::Field(field) => field,
                            Target::Keyword => keywords,
                        };
                        for test in &item.tests {
                            if let Test::Regex(regex) = test {
                                if let Some(refs) = test_refs.get_mut(regex.id as usize) {
                                    // Short needles would be found everywhere:
                                    // then the expression just runs.
                                    if regex.needles.iter().all(|n| n.len() >= INDEXED_MIN) {
                                        for needle in &regex.needles {
                                            let (f, local) = registry.register(field, needle);
                                            refs.push((f, local, AT_ANY));
                                            uses.push((f, local, gid));
                                        }
                                    }
                                }
                            }
                            if let Test::Str {
                                set,
                                cased: false,
                                id,
                            } = test
                            {
                                let Some(list) = test_refs.get_mut(*id as usize) else {
                                    continue;
                                };
                                for (literal, kind) in set.literals() {
                                    let (f, local) = registry.register(field, literal);
                                    list.push((f, local, kind));
                                    uses.push((f, local, gid));
                                }
                            }
                        }
                    }
                }
            }
            if let Some(req) = rule_requirement(detection, keywords, fields) {
                if let Some(bits) = clauses_of.get_mut(ri) {
                    *bits = ((1u16 << req.len()) - 1) as u8;
                }
                for (clause, pairs) in req.into_iter().enumerate() {
                    for (field, needle) in pairs {
                        let (f, local) = registry.register(field, &needle);
                        marks.push((f, local, ri as u32, clause as u8));
                        uses.push((f, local, gid));
                    }
                }
            } else if let Some(g) = groups.get_mut(gid as usize) {
                g.always.push(ri as u32);
            }
        }
        uses.sort_unstable();
        uses.dedup();

        // Global literal ids, field after field.
        let mut base_of: HashMap<u32, u32> = HashMap::new();
        let mut literal_field = Vec::new();
        let mut literal_text = Vec::new();
        for (field, (_, list)) in std::mem::take(&mut registry.fields) {
            base_of.insert(field, literal_field.len() as u32);
            literal_field.extend(std::iter::repeat_n(field, list.len()));
            literal_text.extend(list.into_iter().map(String::into_boxed_str));
        }
        let literals = literal_field.len() as u32;
        let global = |field: u32, local: u32| base_of.get(&field).map(|b| b + local);
        let mut user_rows: Vec<Vec<u32>> = vec![Vec::new(); literals as usize];
        for (field, local, gid) in uses {
            if let Some(row) = global(field, local).and_then(|id| user_rows.get_mut(id as usize)) {
                row.push(gid);
            }
        }
        let (user_starts, user_groups) = csr(&user_rows);

        let mut mark_rows: Vec<Vec<(u32, u8)>> = vec![Vec::new(); literals as usize];
        for (field, local, rule, clause) in marks {
            if let Some(row) = global(field, local).and_then(|id| mark_rows.get_mut(id as usize)) {
                if row.last() != Some(&(rule, clause)) {
                    row.push((rule, clause));
                }
            } else {
                // No scanner for the field: evaluate the rule always.
                let gid = rule_group.get(rule as usize).copied().unwrap_or(0);
                if let Some(g) = groups.get_mut(gid as usize) {
                    if g.always.last() != Some(&rule) {
                        g.always.push(rule);
                    }
                }
            }
        }
        let (mark_starts, mark_rules) = csr(&mark_rows);
        let test_rows: Vec<Vec<(u32, u8)>> = test_refs
            .into_iter()
            .map(|refs| {
                refs.into_iter()
                    .filter_map(|(f, local, kind)| Some((global(f, local)?, kind)))
                    .collect()
            })
            .collect();
        let (test_starts, test_lits) = csr(&test_rows);
        Index {
            groups,
            by_category,
            uncategorized,
            rule_group,
            fields,
            literal_field,
            literal_text,
            user_starts,
            user_groups,
            plans: RwLock::new(HashMap::new()),
            every: OnceLock::new(),
            stamp: STAMPS.fetch_add(1, Ordering::Relaxed),
            mark_starts,
            mark_rules,
            clauses_of,
            test_starts,
            test_lits,
        }
    }

    /// The plan of the (sorted) groups `groups`: built when first asked
    /// for, then kept.
    pub fn plan(&self, groups: &[u32]) -> Arc<Plan> {
        if groups.len() == self.groups.len() {
            return self.every();
        }
        if let Some(plan) = self.plans.read().ok().and_then(|p| p.get(groups).cloned()) {
            return plan;
        }
        let Ok(mut plans) = self.plans.write() else {
            return self.every();
        };
        if let Some(plan) = plans.get(groups) {
            return Arc::clone(plan);
        }
        if plans.len() >= MAX_PLANS {
            drop(plans);
            return self.every();
        }
        let mut selected = vec![0u64; self.groups.len().div_ceil(64)];
        for &g in groups {
            if let Some(w) = selected.get_mut(g as usize / 64) {
                *w |= 1 << (g % 64);
            }
        }
        let plan = Arc::new(self.build_plan(&selected));
        plans.insert(groups.into(), Arc::clone(&plan));
        plan
    }

    /// The plan of every group (for events without log source).
    pub fn every(&self) -> Arc<Plan> {
        Arc::clone(self.every.get_or_init(|| {
            Arc::new(self.build_plan(&vec![u64::MAX; self.groups.len().div_ceil(64)]))
        }))
    }

    /// The scanners of the literals the groups in the bitset `selected` use.
    fn build_plan(&self, selected: &[u64]) -> Plan {
        let is_selected = |g: u32| {
            selected
                .get(g as usize / 64)
                .is_some_and(|w| w & (1 << (g % 64)) != 0)
        };
        let mut per_field: BTreeMap<u32, (Vec<u32>, Vec<&str>)> = BTreeMap::new();
        let mut keywords: (Vec<u32>, Vec<&str>) = (Vec::new(), Vec::new());
        let mut numbers: BTreeMap<u32, BTreeMap<u64, Vec<u32>>> = BTreeMap::new();
        for (id, (&field, text)) in self
            .literal_field
            .iter()
            .zip(&self.literal_text)
            .enumerate()
        {
            let users = row(&self.user_starts, &self.user_groups, id);
            if !users.iter().any(|&g| is_selected(g)) {
                continue;
            }
            if let Some(number_of) = (field as usize)
                .checked_sub(self.fields)
                .filter(|&f| f < self.fields)
            {
                if let Ok(n) = text.parse::<f64>() {
                    numbers
                        .entry(number_of as u32)
                        .or_default()
                        .entry(number_key(n))
                        .or_default()
                        .push(id as u32);
                }
                continue;
            }
            let (ids, texts) = if field as usize >= self.fields {
                &mut keywords
            } else {
                per_field.entry(field).or_default()
            };
            ids.push(id as u32);
            texts.push(text);
        }
        let mark_rows: Vec<Vec<(u32, u8, u8)>> = (0..self.literal_field.len())
            .map(|id| {
                self.marks(id as u32)
                    .iter()
                    .filter(|&&(rule, _)| {
                        self.rule_group
                            .get(rule as usize)
                            .is_some_and(|&g| is_selected(g))
                    })
                    .map(|&(rule, clause)| {
                        let all = self.clauses_of.get(rule as usize).copied().unwrap_or(1);
                        (rule, clause, all)
                    })
                    .collect()
            })
            .collect();
        let (mark_starts, mark_rules) = csr(&mark_rows);
        let mut numbers_of = vec![NONE; self.fields];
        let mut number_tables = Vec::with_capacity(numbers.len());
        for (field, table) in numbers {
            if let Some(slot) = numbers_of.get_mut(field as usize) {
                *slot = number_tables.len() as u32;
                number_tables.push(table.into_iter().collect());
            }
        }
        let mut scanner_of = vec![NONE; self.fields];
        let mut scanners = Vec::with_capacity(per_field.len());
        for (field, (ids, texts)) in per_field {
            if let Some(slot) = scanner_of.get_mut(field as usize) {
                *slot = scanners.len() as u32;
                scanners.push(Scanner::new(&ids, &texts));
            }
        }
        Plan {
            scanner_of,
            scanners,
            mark_starts,
            mark_rules,
            numbers_of,
            number_tables,
            keywords: (!keywords.0.is_empty()).then(|| Scanner::new(&keywords.0, &keywords.1)),
        }
    }

    /// How many literals there are (their ids are below this).
    pub fn literals(&self) -> usize {
        self.literal_field.len()
    }

    /// The rules literal `id` makes candidates.
    pub fn marks(&self, id: u32) -> &[(u32, u8)] {
        row(&self.mark_starts, &self.mark_rules, id as usize)
    }

    /// The indexed literals of text test `id`, with the position bits
    /// each needs (`None` for an unknown test).
    pub fn test_literals(&self, id: u32) -> Option<&[(u32, u8)]> {
        ((id as usize) + 1 < self.test_starts.len())
            .then(|| row(&self.test_starts, &self.test_lits, id as usize))
    }

    /// The groups whose rules apply to `event` (every group when the event
    /// is not routed).
    pub fn select(&self, event: &Event, out: &mut Vec<u32>) {
        out.clear();
        if event.logsources.is_empty() {
            out.extend(0..self.groups.len() as u32);
            return;
        }
        for source in &event.logsources {
            let categorized = source
                .category
                .as_ref()
                .and_then(|c| self.by_category.get(c))
                .map_or(&[][..], Vec::as_slice);
            for &gid in categorized.iter().chain(&self.uncategorized) {
                if self
                    .groups
                    .get(gid as usize)
                    .is_some_and(|g| g.logsource.covers(source))
                {
                    out.push(gid);
                }
            }
        }
        if event.logsources.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }
}
