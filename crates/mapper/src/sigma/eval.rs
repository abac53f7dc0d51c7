//! Evaluating compiled rules on one event.
//!
//! An event's fields are resolved to the rules' field ids once; the text
//! and case-folded text of a field are computed at most once per event,
//! when first needed, into buffers reused from event to event (one set per
//! thread). Literal tests read the literal index's records (see
//! [`super::index`]) instead of searching the text again.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::Value;

use crate::event::{Event, LogSource};

use super::condition::Cond;
use super::detection::{parse_ip, CmpOp, Conj, Detection, FieldTable, Item, RefMode, Target, Test};
use super::index::{Index, Plan};
use super::pattern::{fold, fold_into, is_folded, AT_ANY, AT_END, AT_START, WHOLE};
use super::scan::Scanner;

/// Buffers reused from event to event.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Field id → slot + 1 (0: absent).
    slot_of: Vec<u32>,
    /// Field ids set in `slot_of` (to reset).
    used_fields: Vec<u32>,
    /// Literal id → where it occurred ([`AT_ANY`] …).
    flags: Vec<u8>,
    /// Literal ids set in `flags` (to reset).
    touched: Vec<u32>,
    /// Bitset of candidate rules.
    candidates: Vec<u64>,
    /// The clauses of rules' requirements seen so far.
    clauses: Clauses,
    /// Bitset of the selected groups, and their list.
    group_mask: Vec<u64>,
    groups: Vec<u32>,
    /// Texts of non-string values, and folded texts.
    raw: String,
    folded: String,
    /// The field names of the last event and their ids (events of one
    /// source name their fields alike, so most lookups are a compare).
    names: Vec<(Box<str>, u32)>,
    /// The [`FieldTable`] stamp `names` were looked up in.
    names_stamp: u64,
    /// The last plan used: its index's stamp, its groups, the plan.
    plan: Option<(u64, Vec<u32>, Arc<Plan>)>,
    /// The log sources `groups` were selected for, and the stamp of the
    /// index they were selected in.
    selected_for: (u64, Vec<LogSource>),
    /// The values of the event one after the other (keyword scan), and
    /// where each ends.
    values: String,
    value_ends: Vec<u32>,
    /// Recent field texts and their literals.
    memo: Memo,
    /// Folded and lower-cased texts for the scanners.
    fold_buffer: String,
    lower: Vec<u8>,
}

impl Scratch {
    fn begin(&mut self, index: &Index, fields: usize, rules: usize) {
        for f in self.used_fields.drain(..) {
            if let Some(s) = self.slot_of.get_mut(f as usize) {
                *s = 0;
            }
        }
        for l in self.touched.drain(..) {
            if let Some(x) = self.flags.get_mut(l as usize) {
                *x = 0;
            }
        }
        if self.slot_of.len() < fields {
            self.slot_of.resize(fields, 0);
        }
        if self.flags.len() < index.literals() {
            self.flags.resize(index.literals(), 0);
        }
        self.candidates.clear();
        self.candidates.resize(rules.div_ceil(64), 0);
        for r in self.clauses.touched.drain(..) {
            if let Some(m) = self.clauses.seen.get_mut(r as usize) {
                *m = 0;
            }
        }
        if self.clauses.seen.len() < rules {
            self.clauses.seen.resize(rules, 0);
        }
        self.group_mask.clear();
        self.group_mask.resize(index.groups.len().div_ceil(64), 0);
        self.raw.clear();
        self.folded.clear();
    }
}

/// Per rule, the bits of the clauses of its requirement a literal
/// satisfied in this event.
#[derive(Default)]
pub(crate) struct Clauses {
    seen: Vec<u8>,
    /// Rules set in `seen` (to reset).
    touched: Vec<u32>,
}

/// Literal `id` occurred: record the clauses it satisfies, and make the
/// rules all of whose clauses are satisfied candidates.
fn mark(plan: &Plan, id: u32, candidates: &mut [u64], clauses: &mut Clauses) {
    for &(rule, clause, all) in plan.marks(id) {
        if all == 1 {
            set_bit(candidates, rule);
        } else if let Some(seen) = clauses.seen.get_mut(rule as usize) {
            if *seen == 0 {
                clauses.touched.push(rule);
            }
            *seen |= 1 << clause;
            if *seen == all {
                set_bit(candidates, rule);
            }
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Run `f` with this thread's scratch buffers (taken out while in use, so
/// a nested call gets fresh ones).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = SCRATCH
        .try_with(|cell| {
            cell.try_borrow_mut()
                .map(|mut s| std::mem::take(&mut *s))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let result = f(&mut scratch);
    let _ = SCRATCH.try_with(|cell| {
        if let Ok(mut s) = cell.try_borrow_mut() {
            *s = scratch;
        }
    });
    result
}

fn set_bit(bits: &mut [u64], at: u32) {
    if let Some(w) = bits.get_mut(at as usize / 64) {
        *w |= 1 << (at % 64);
    }
}

fn has_bit(bits: &[u64], at: u32) -> bool {
    bits.get(at as usize / 64)
        .is_some_and(|w| w & (1 << (at % 64)) != 0)
}

/// Where a slot's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    /// Not computed yet.
    Unknown,
    /// No text (null, array, object).
    Absent,
    /// The JSON string itself.
    Json,
    /// A range of `Scratch::raw`.
    Raw(u32, u32),
    /// A range of `Scratch::folded`.
    Folded(u32, u32),
    /// Folding changes nothing: the raw text.
    SameAsRaw,
}

/// A field of the event that some rule names.
struct Slot<'e> {
    field: u32,
    name: &'e str,
    value: &'e Value,
    raw: Text,
    folded: Text,
    /// Whether the literal index scanned its (scalar) text.
    scanned: bool,
}

/// One value of any field (for keyword searches).
struct AnyValue<'e> {
    name: &'e str,
    value: &'e Value,
    raw: Cow<'e, str>,
    folded: Cow<'e, str>,
}

/// An event prepared for evaluation.
pub(crate) struct Ctx<'e, 's> {
    event: &'e Event,
    index: &'s Index,
    slots: Vec<Slot<'e>>,
    s: &'s mut Scratch,
    any: Option<Vec<AnyValue<'e>>>,
    /// The scanners of the selected groups.
    plan: Option<Arc<Plan>>,
    /// Whether the keyword literals were scanned.
    keywords_scanned: bool,
}

/// The text of a scalar: strings as they are, numbers as written,
/// booleans as `true`/`false`.
fn scalar_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// The number of a scalar: numbers, and strings that read as one.
fn scalar_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Whether the scalar `value` (text `raw`, folded text `folded`) passes a
/// test that does not need other fields.
#[allow(clippy::float_cmp)] // numbers written alike in rule and event are equal
fn scalar_passes(test: &Test, value: &Value, raw: &str, folded: &str) -> bool {
    match test {
        Test::Str { set, cased, .. } => set.is_match(if *cased { raw } else { folded }),
        Test::Num { text, value: n } => {
            raw.eq_ignore_ascii_case(text) || scalar_number(value).is_some_and(|v| v == *n)
        }
        Test::Cmp { op, value: n } => scalar_number(value).is_some_and(|v| match op {
            CmpOp::Lt => v < *n,
            CmpOp::Lte => v <= *n,
            CmpOp::Gt => v > *n,
            CmpOp::Gte => v >= *n,
        }),
        Test::Regex(re) => re.is_match(raw),
        Test::Cidr(nets) => parse_ip(raw).is_some_and(|ip| nets.iter().any(|n| n.contains(ip))),
        Test::Null | Test::Exists(_) | Test::FieldRef { .. } => false,
    }
}

/// Scan `text` with `scanner` (folding it first unless it is ASCII or
/// `folded`: the scanner ignores ASCII case) and call `found(id, kind)`
/// for every occurrence of a literal, `kind` saying where it is
/// ([`AT_ANY`] …).
fn record(
    scanner: &Scanner,
    (text, folded): (&str, bool),
    (buffer, lower): (&mut String, &mut Vec<u8>),
    mut found: impl FnMut(u32, u8),
) {
    let text = if folded || text.is_ascii() || is_folded(text) {
        text
    } else {
        buffer.clear();
        fold_into(text, buffer);
        buffer.as_str()
    };
    let len = text.len();
    scanner.scan(text, lower, |id, start, end| {
        let mut kind = AT_ANY;
        if start == 0 {
            kind |= AT_START;
        }
        if end == len {
            kind |= AT_END;
            if start == 0 {
                kind |= WHOLE;
            }
        }
        found(id, kind);
    });
}

/// Literal `id` occurred at `kind`: record it in `flags` and mark the
/// rules requiring it.
fn occurred(
    plan: &Plan,
    (id, kind): (u32, u8),
    (flags, touched): (&mut [u8], &mut Vec<u32>),
    (candidates, clauses): (&mut [u64], &mut Clauses),
) {
    if let Some(f) = flags.get_mut(id as usize) {
        if *f == 0 {
            touched.push(id);
        }
        *f |= kind;
    }
    mark(plan, id, candidates, clauses);
}

/// Texts up to this long are remembered with the literals found in them.
const MEMO_MAX_LEN: usize = 64;

/// How many texts a field remembers.
const MEMO_WAYS: usize = 4;

/// The latest short texts of each field and the literals found in them:
/// fields like the user, the company or the integrity level repeat from
/// event to event, and a comparison is cheaper than a scan.
#[derive(Default)]
struct Memo {
    /// The index stamp and plan address the entries were found with.
    plan: (u64, usize),
    /// Per field id: its entries, and the next to replace.
    fields: Vec<(Vec<MemoEntry>, usize)>,
}

/// A text and the (literal, where) occurrences in it.
type MemoEntry = (String, Vec<(u32, u8)>);

/// The text `t` of `value`, in the scratch buffers.
fn text_in<'a>(value: &'a Value, t: Text, raw: &'a str, folded: &'a str) -> Option<&'a str> {
    match t {
        Text::Json => value.as_str(),
        Text::Raw(a, b) => raw.get(a as usize..b as usize),
        Text::Folded(a, b) => folded.get(a as usize..b as usize),
        Text::Unknown | Text::Absent | Text::SameAsRaw => None,
    }
}

impl<'e, 's> Ctx<'e, 's> {
    pub fn new(
        event: &'e Event,
        fields: &FieldTable,
        index: &'s Index,
        rules: usize,
        s: &'s mut Scratch,
    ) -> Ctx<'e, 's> {
        s.begin(index, fields.len(), rules);
        if s.names_stamp != fields.stamp() {
            s.names.clear();
            s.names_stamp = fields.stamp();
        }
        let mut slots = Vec::with_capacity(event.len().min(64));
        for (i, (name, value)) in event.fields().enumerate() {
            let field = match s.names.get(i) {
                Some((cached, id)) if **cached == *name => *id,
                _ => {
                    let id = fields.find(name).unwrap_or(u32::MAX);
                    let entry = (Box::from(name), id);
                    match s.names.get_mut(i) {
                        Some(slot) => *slot = entry,
                        None => s.names.push(entry),
                    }
                    id
                }
            };
            if field != u32::MAX {
                if let Some(at) = s.slot_of.get_mut(field as usize) {
                    slots.push(Slot {
                        field,
                        name,
                        value,
                        raw: Text::Unknown,
                        folded: Text::Unknown,
                        scanned: false,
                    });
                    *at = slots.len() as u32;
                    s.used_fields.push(field);
                }
            }
        }
        Ctx {
            event,
            index,
            slots,
            s,
            any: None,
            plan: None,
            keywords_scanned: false,
        }
    }

    /// Select the groups of the event's log sources, mark their rules
    /// without requirement as candidates, and find their plan.
    pub fn select(&mut self, event: &Event) {
        let index = self.index;
        let Scratch {
            groups,
            group_mask,
            candidates,
            plan,
            selected_for,
            ..
        } = &mut *self.s;
        // Events of one source follow each other: the thread keeps the
        // last selection.
        if selected_for.0 != index.stamp || selected_for.1 != event.logsources {
            index.select(event, groups);
            selected_for.0 = index.stamp;
            selected_for.1.clone_from(&event.logsources);
        }
        for &gid in groups.iter() {
            set_bit(group_mask, gid);
            if let Some(group) = index.groups.get(gid as usize) {
                for &rule in &group.always {
                    set_bit(candidates, rule);
                }
            }
        }
        // Events of one source select the same groups: the thread keeps
        // the last plan.
        let cached = match plan {
            Some((stamp, for_groups, p)) if *stamp == index.stamp && for_groups == groups => {
                Arc::clone(p)
            }
            _ => {
                let p = index.plan(groups);
                *plan = Some((index.stamp, groups.clone(), Arc::clone(&p)));
                p
            }
        };
        self.plan = Some(cached);
    }

    /// The candidate bitset (give it back with [`Ctx::give_candidates`]).
    pub fn take_candidates(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.s.candidates)
    }

    /// Return the candidate bitset's buffer for reuse.
    pub fn give_candidates(&mut self, candidates: Vec<u64>) {
        self.s.candidates = candidates;
    }

    /// Whether rule `rule` belongs to a selected group.
    pub fn selected(&self, rule: u32) -> bool {
        self.index
            .rule_group
            .get(rule as usize)
            .is_some_and(|&g| has_bit(&self.s.group_mask, g))
    }

    /// Run the literal index over every field of the event: record where
    /// each literal occurs and mark the rules requiring it.
    pub fn scan(&mut self) {
        let index = self.index;
        let plan = match &self.plan {
            Some(plan) => Arc::clone(plan),
            None => index.every(),
        };
        for i in 0..self.slots.len() {
            let Some(slot) = self.slots.get(i) else {
                break;
            };
            if plan.has_numbers(slot.field) {
                // Numbers rules require (`EventID: 4688`).
                let items: &[Value] = match slot.value {
                    Value::Array(items) => items,
                    other => std::slice::from_ref(other),
                };
                for n in items.iter().filter_map(scalar_number) {
                    for &id in plan.numbers(slot.field, n) {
                        let Scratch {
                            flags,
                            touched,
                            candidates,
                            clauses,
                            ..
                        } = &mut *self.s;
                        occurred(&plan, (id, WHOLE), (flags, touched), (candidates, clauses));
                    }
                }
            }
            let Some(scanner) = plan.scanner(slot.field) else {
                continue;
            };
            let value = slot.value;
            let slot_field = slot.field;
            if let Value::Array(items) = value {
                // Elements mark candidates; their tests search directly.
                for item in items {
                    if let Some(text) = scalar_text(item) {
                        let Scratch {
                            candidates,
                            clauses,
                            fold_buffer,
                            lower,
                            ..
                        } = &mut *self.s;
                        record(scanner, (&text, false), (fold_buffer, lower), |id, _| {
                            mark(&plan, id, candidates, clauses);
                        });
                    }
                }
                continue;
            }
            let raw_t = self.ensure_raw(i);
            let field = slot_field as usize;
            // Short texts: the literals found in the field's latest texts,
            // looked up by the text as it is (before any folding).
            let this_plan = (index.stamp, Arc::as_ptr(&plan).addr());
            let remembered = {
                let Scratch { raw, memo, .. } = &mut *self.s;
                let raw_text = text_in(value, raw_t, raw, "").unwrap_or_default();
                if raw_text.len() > MEMO_MAX_LEN {
                    None
                } else {
                    if memo.plan != this_plan {
                        memo.plan = this_plan;
                        memo.fields.clear();
                    }
                    if memo.fields.len() <= field {
                        memo.fields.resize_with(field + 1, Default::default);
                    }
                    let entries = memo
                        .fields
                        .get(field)
                        .map_or(&[][..], |(e, _)| e.as_slice());
                    Some(entries.iter().position(|(seen, _)| seen == raw_text))
                }
            };
            if let Some(Some(at)) = remembered {
                let Scratch {
                    flags,
                    touched,
                    candidates,
                    clauses,
                    memo,
                    ..
                } = &mut *self.s;
                if let Some((_, hits)) = memo.fields.get(field).and_then(|(e, _)| e.get(at)) {
                    for &hit in hits {
                        occurred(&plan, hit, (flags, touched), (candidates, clauses));
                    }
                }
                if let Some(slot) = self.slots.get_mut(i) {
                    slot.scanned = true;
                }
                continue;
            }
            let ascii = text_in(value, raw_t, &self.s.raw, "").is_some_and(str::is_ascii);
            let t = if ascii {
                raw_t
            } else {
                match self.ensure_folded(i) {
                    Text::SameAsRaw => raw_t,
                    other => other,
                }
            };
            let Scratch {
                raw,
                folded,
                flags,
                touched,
                candidates,
                clauses,
                fold_buffer,
                lower,
                memo,
                ..
            } = &mut *self.s;
            let Some(text) = text_in(value, t, raw, folded) else {
                continue;
            };
            if remembered.is_none() {
                record(scanner, (text, !ascii), (fold_buffer, lower), |id, kind| {
                    occurred(&plan, (id, kind), (flags, touched), (candidates, clauses));
                });
            } else {
                let mut hits = Vec::new();
                record(scanner, (text, !ascii), (fold_buffer, lower), |id, kind| {
                    hits.push((id, kind));
                    occurred(&plan, (id, kind), (flags, touched), (candidates, clauses));
                });
                let raw_text = text_in(value, raw_t, raw, "").unwrap_or_default();
                if let Some((entries, next)) = memo.fields.get_mut(field) {
                    let entry = (raw_text.to_string(), hits);
                    if entries.len() < MEMO_WAYS {
                        entries.push(entry);
                    } else if let Some(old) = entries.get_mut(*next) {
                        *old = entry;
                    }
                    *next = (*next + 1) % MEMO_WAYS;
                }
            }
            if let Some(slot) = self.slots.get_mut(i) {
                slot.scanned = true;
            }
        }
        if let Some(scanner) = &plan.keywords {
            self.scan_keywords(&plan, scanner);
        }
        self.keywords_scanned = true;
    }

    /// Run the keyword scanner over every value of the event: once over
    /// all of them one after the other (folded where needed), each
    /// occurrence placed in its value.
    fn scan_keywords(&mut self, plan: &Plan, scanner: &Scanner) {
        let Scratch {
            flags,
            touched,
            candidates,
            clauses,
            values,
            value_ends,
            ..
        } = &mut *self.s;
        values.clear();
        value_ends.clear();
        for (_, value) in self.event.fields() {
            let items: &[Value] = match value {
                Value::Array(items) => items,
                other => std::slice::from_ref(other),
            };
            for item in items {
                if let Some(text) = scalar_text(item) {
                    if !values.is_empty() {
                        // No occurrence spans two values (see below); a
                        // separator only keeps them from touching.
                        values.push('\0');
                    }
                    if text.is_ascii() || is_folded(&text) {
                        values.push_str(&text);
                    } else {
                        fold_into(&text, values);
                    }
                    value_ends.push(values.len() as u32);
                }
            }
        }
        values.make_ascii_lowercase();
        scanner.scan_lowered(values, |id, start, end| {
            // The value the occurrence starts in; one ending past it spans
            // two values and is no occurrence.
            let at = value_ends.partition_point(|&e| (e as usize) <= start);
            let Some(&value_end) = value_ends.get(at) else {
                return;
            };
            let value_end = value_end as usize;
            let value_start = match at.checked_sub(1).and_then(|p| value_ends.get(p)) {
                Some(&e) => e as usize + 1,
                None => 0,
            };
            if end > value_end || start < value_start {
                return;
            }
            let mut kind = AT_ANY;
            if start == value_start {
                kind |= AT_START;
            }
            if end == value_end {
                kind |= AT_END;
                if start == value_start {
                    kind |= WHOLE;
                }
            }
            occurred(plan, (id, kind), (flags, touched), (candidates, clauses));
        });
    }

    /// Whether one of `literals` occurred as needed.
    fn literal_hit(&self, literals: &[(u32, u8)]) -> bool {
        let flags = &self.s.flags;
        literals
            .iter()
            .any(|&(l, need)| flags.get(l as usize).is_some_and(|f| f & need != 0))
    }

    /// Whether a keyword test passes on some value of the event.
    fn keyword_passes(&mut self, test: &Test) -> bool {
        if let Test::Str {
            set,
            cased: false,
            id,
        } = test
        {
            if self.keywords_scanned {
                if let Some(literals) = self.index.test_literals(*id) {
                    if self.literal_hit(literals) {
                        return true;
                    }
                    return set.has_direct()
                        && self.any_values().iter().any(|v| set.direct(&v.folded));
                }
            }
        }
        self.keyword_hit(test).is_some()
    }

    fn slot(&self, field: u32) -> Option<usize> {
        match self.s.slot_of.get(field as usize) {
            Some(&at) if at > 0 => Some(at as usize - 1),
            _ => None,
        }
    }

    fn ensure_raw(&mut self, i: usize) -> Text {
        let Some(slot) = self.slots.get(i) else {
            return Text::Absent;
        };
        if slot.raw != Text::Unknown {
            return slot.raw;
        }
        let buf = &mut self.s.raw;
        let start = buf.len() as u32;
        let t = match slot.value {
            Value::String(_) => Text::Json,
            Value::Number(n) => {
                let _ = write!(buf, "{n}");
                Text::Raw(start, buf.len() as u32)
            }
            Value::Bool(b) => {
                buf.push_str(if *b { "true" } else { "false" });
                Text::Raw(start, buf.len() as u32)
            }
            _ => Text::Absent,
        };
        if let Some(slot) = self.slots.get_mut(i) {
            slot.raw = t;
        }
        t
    }

    fn ensure_folded(&mut self, i: usize) -> Text {
        let raw_t = self.ensure_raw(i);
        let Some(slot) = self.slots.get(i) else {
            return Text::Absent;
        };
        if slot.folded != Text::Unknown {
            return slot.folded;
        }
        let Scratch { raw, folded, .. } = &mut *self.s;
        let t = match text_in(slot.value, raw_t, raw, "") {
            None => Text::Absent,
            Some(text) if is_folded(text) => Text::SameAsRaw,
            Some(text) => {
                let start = folded.len() as u32;
                fold_into(text, folded);
                Text::Folded(start, folded.len() as u32)
            }
        };
        if let Some(slot) = self.slots.get_mut(i) {
            slot.folded = t;
        }
        t
    }

    /// The slot's text (or folded text), computed once.
    fn text(&mut self, i: usize, cased: bool) -> Option<&str> {
        let raw_t = self.ensure_raw(i);
        let t = if cased {
            raw_t
        } else {
            match self.ensure_folded(i) {
                Text::SameAsRaw => raw_t,
                other => other,
            }
        };
        let value = self.slots.get(i)?.value;
        text_in(value, t, &self.s.raw, &self.s.folded)
    }

    fn field_passes(&mut self, field: u32, test: &Test) -> bool {
        let Some(slot) = self.slot(field) else {
            return matches!(test, Test::Null | Test::Exists(false));
        };
        let Some((value, scanned)) = self.slots.get(slot).map(|s| (s.value, s.scanned)) else {
            return false;
        };
        match test {
            Test::Null => value.is_null(),
            Test::Exists(b) => *b,
            Test::FieldRef { other, mode, cased } => self.field_ref(slot, *other, *mode, *cased),
            Test::Regex(regex) if scanned && !regex.needles.is_empty() => {
                // No literal every match contains occurred: no match.
                let impossible = self
                    .index
                    .test_literals(regex.id)
                    .is_some_and(|literals| !literals.is_empty() && !self.literal_hit(literals));
                !impossible && self.text(slot, true).is_some_and(|t| regex.is_match(t))
            }
            Test::Str {
                set,
                cased: false,
                id,
            } if scanned => match self.index.test_literals(*id) {
                Some(literals) => {
                    if self.literal_hit(literals) {
                        return true;
                    }
                    set.has_direct() && self.text(slot, false).is_some_and(|t| set.direct(t))
                }
                None => self.text(slot, false).is_some_and(|t| set.is_match(t)),
            },
            _ => match value {
                Value::Array(items) => items.iter().any(|item| {
                    scalar_text(item).is_some_and(|raw| {
                        let folded = fold(&raw);
                        scalar_passes(test, item, &raw, &folded)
                    })
                }),
                Value::Null | Value::Object(_) => false,
                _ => {
                    let cased = !matches!(test, Test::Str { cased: false, .. });
                    match self.text(slot, cased) {
                        Some(t) if cased => scalar_passes(test, value, t, ""),
                        Some(t) => scalar_passes(test, value, "", t),
                        None => false,
                    }
                }
            },
        }
    }

    fn field_ref(&mut self, slot: usize, other: u32, mode: RefMode, cased: bool) -> bool {
        let Some(other_slot) = self.slot(other) else {
            return false;
        };
        let Some(theirs) = self.text(other_slot, cased).map(str::to_string) else {
            return false;
        };
        let Some(mine) = self.text(slot, cased) else {
            return false;
        };
        match mode {
            RefMode::Equal => mine == theirs,
            RefMode::Contains => mine.contains(theirs.as_str()),
            RefMode::Prefix => mine.starts_with(theirs.as_str()),
            RefMode::Suffix => mine.ends_with(theirs.as_str()),
        }
    }

    /// Every scalar value of the event (array elements included).
    fn any_values(&mut self) -> &[AnyValue<'e>] {
        let event = self.event;
        self.any
            .get_or_insert_with(|| {
                let mut out = Vec::new();
                for (name, value) in event.fields() {
                    let items: &[Value] = match value {
                        Value::Array(items) => items,
                        other => std::slice::from_ref(other),
                    };
                    for item in items {
                        if let Some(raw) = scalar_text(item) {
                            let folded = match &raw {
                                Cow::Borrowed(b) => fold(b),
                                Cow::Owned(o) => Cow::Owned(fold(o).into_owned()),
                            };
                            out.push(AnyValue {
                                name,
                                value: item,
                                raw,
                                folded,
                            });
                        }
                    }
                }
                out
            })
            .as_slice()
    }

    /// The first value of any field passing `test` (keyword search).
    fn keyword_hit(&mut self, test: &Test) -> Option<usize> {
        self.any_values()
            .iter()
            .position(|v| scalar_passes(test, v.value, &v.raw, &v.folded))
    }

    fn item(&mut self, item: &Item) -> bool {
        let hit = match item.target {
            Target::Field(field) => {
                if item.all {
                    item.tests.iter().all(|t| self.field_passes(field, t))
                } else {
                    item.tests.iter().any(|t| self.field_passes(field, t))
                }
            }
            Target::Keyword => {
                if item.all {
                    item.tests.iter().all(|t| self.keyword_passes(t))
                } else {
                    item.tests.iter().any(|t| self.keyword_passes(t))
                }
            }
        };
        hit != item.negate
    }

    fn conj(&mut self, conj: &Conj) -> bool {
        conj.items.iter().all(|i| self.item(i))
    }

    fn search(&mut self, detection: &Detection, index: usize) -> bool {
        detection
            .searches
            .get(index)
            .is_some_and(|s| s.alts.iter().any(|c| self.conj(c)))
    }

    /// Whether the condition holds.
    pub fn cond(&mut self, detection: &Detection, cond: &Cond) -> bool {
        match cond {
            Cond::Or(items) => items.iter().any(|c| self.cond(detection, c)),
            Cond::And(items) => items.iter().all(|c| self.cond(detection, c)),
            Cond::Not(inner) => !self.cond(detection, inner),
            Cond::Search(i) => self.search(detection, *i),
            Cond::AtLeast(n, ids) => {
                let mut count = 0;
                for &i in ids {
                    if self.search(detection, i) {
                        count += 1;
                        if count >= *n {
                            return true;
                        }
                    }
                }
                false
            }
            Cond::All(ids) => ids.iter().all(|&i| self.search(detection, i)),
        }
    }

    /// Whether the rule's detection matches.
    pub fn matches(&mut self, detection: &Detection) -> bool {
        self.cond(detection, &detection.condition)
    }

    /// The fields behind a match: for every search that holds outside a
    /// `not`, the fields of its first matching alternative, with their
    /// values.
    pub fn evidence(&mut self, detection: &Detection) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.collect(detection, &detection.condition, &mut out);
        out
    }

    fn collect(&mut self, detection: &Detection, cond: &Cond, out: &mut Vec<(String, String)>) {
        match cond {
            Cond::Or(items) | Cond::And(items) => {
                for c in items {
                    if self.cond(detection, c) {
                        self.collect(detection, c, out);
                    }
                }
            }
            Cond::Not(_) => {}
            Cond::Search(i) => self.collect_search(detection, *i, out),
            Cond::AtLeast(_, ids) | Cond::All(ids) => {
                for &i in ids {
                    self.collect_search(detection, i, out);
                }
            }
        }
    }

    fn collect_search(
        &mut self,
        detection: &Detection,
        index: usize,
        out: &mut Vec<(String, String)>,
    ) {
        let Some(search) = detection.searches.get(index) else {
            return;
        };
        let Some(conj) = search.alts.iter().find(|c| self.conj(c)) else {
            return;
        };
        for item in &conj.items {
            let found = match item.target {
                Target::Field(field) => self.field_evidence(field, &item.name),
                Target::Keyword => item
                    .tests
                    .iter()
                    .find_map(|t| self.keyword_hit(t))
                    .and_then(|at| self.any.as_ref()?.get(at))
                    .map(|v| (v.name.to_string(), v.raw.to_string())),
            };
            if let Some(pair) = found {
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }

    fn field_evidence(&mut self, field: u32, rule_name: &str) -> Option<(String, String)> {
        let slot = self.slot(field)?;
        let s = self.slots.get(slot)?;
        let (name, value) = (s.name, s.value);
        let text = match value {
            Value::Null => return None,
            Value::Array(_) | Value::Object(_) => value.to_string(),
            _ => self.text(slot, true)?.to_string(),
        };
        let shown = if rule_name.is_empty() {
            name
        } else {
            rule_name
        };
        Some((shown.to_string(), text))
    }
}
