//! Compiling a rule's `detection` into matchers: search identifiers, field
//! items with their modifiers, keyword lists, and the condition.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;

use base64::Engine as _;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::condition::{self, Cond, CondError};
use super::pattern::{fold, Part, Pattern, StrSet, TextPart};
use super::yaml::{Kind, Node};
use super::SkipReason;

/// The compiled detection of a rule.
#[derive(Debug, Clone)]
pub(crate) struct Detection {
    /// Search identifier names, in document order.
    pub names: Vec<String>,
    /// The searches, parallel to `names`.
    pub searches: Vec<Search>,
    pub condition: Cond,
    pub condition_text: String,
}

/// A search identifier: an OR of conjunctions.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub alts: Vec<Conj>,
}

/// Items that must all match.
#[derive(Debug, Clone)]
pub(crate) struct Conj {
    pub items: Vec<Item>,
}

/// One `field|modifiers: values` entry (or a keyword list).
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub target: Target,
    /// The field as the rule writes it (empty for keywords).
    pub name: String,
    pub tests: Vec<Test>,
    /// `|all`: every test must match (else any).
    pub all: bool,
    /// `|neq`: the item matches when its tests do not.
    pub negate: bool,
    /// Case-folded literals one of which the field's folded text contains
    /// whenever the item matches (`None`: no such set).
    pub needles: Option<Vec<String>>,
}

/// What an item looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A field, by id in the [`FieldTable`].
    Field(u32),
    /// Any field's value (keyword search).
    Keyword,
}

/// Comparison operators of `lt`, `lte`, `gt`, `gte`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Lte,
    Gt,
    Gte,
}

/// How a `fieldref` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefMode {
    Equal,
    Contains,
    Prefix,
    Suffix,
}

/// An IP network of a `cidr` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Net {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Net {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// One test of a field value.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    /// Text patterns (OR), on folded text unless `cased`; `id` numbers
    /// the test within its rule set (for the literal index).
    Str { set: StrSet, cased: bool, id: u32 },
    /// `null`: the field is absent or null.
    Null,
    /// `|exists: true/false`.
    Exists(bool),
    /// A number: equal text (ASCII case-insensitive) or equal number.
    Num { text: String, value: f64 },
    /// `lt`/`lte`/`gt`/`gte`.
    Cmp { op: CmpOp, value: f64 },
    /// `re` (search semantics, case-sensitive unless `i`).
    Regex(LazyRegex),
    /// `cidr` (OR of networks).
    Cidr(Vec<Net>),
    /// `fieldref`: compare with another field's value.
    FieldRef {
        other: u32,
        mode: RefMode,
        cased: bool,
    },
}

/// The lazy DFA's cache limit of a regular expression. The `regex`
/// crate's 2 MiB is too little for bounded repetitions of Unicode classes
/// (SigmaHQ's `-k\s\w{1,64}`): their search then falls back to a
/// backtracker, twenty times slower. The cache grows only as states are
/// made, so most expressions use a small part of it.
const DFA_SIZE_LIMIT: usize = 16 << 20;

/// A regular expression checked when loaded and compiled when first
/// used (most rules never see an event that needs theirs).
#[derive(Debug)]
pub(crate) struct LazyRegex {
    pattern: String,
    flags: (bool, bool, bool),
    compiled: OnceLock<Option<Regex>>,
    /// Folded literals one of which every match contains (empty: none
    /// known); the literal index checks them before the expression runs.
    pub needles: Vec<String>,
    /// The test's id within its rule set (for the literal index).
    pub id: u32,
}

impl Clone for LazyRegex {
    fn clone(&self) -> LazyRegex {
        LazyRegex {
            pattern: self.pattern.clone(),
            flags: self.flags,
            compiled: self
                .compiled
                .get()
                .cloned()
                .map_or_else(OnceLock::new, OnceLock::from),
            needles: self.needles.clone(),
            id: self.id,
        }
    }
}

impl LazyRegex {
    /// Check `pattern` (case-insensitive `i`, multi-line `m`, dot matches
    /// newline `s`) without compiling it.
    pub fn new(pattern: &str, i: bool, m: bool, s: bool) -> Result<LazyRegex, String> {
        // Parsing happens before compiling; a zero size limit stops right
        // after it, so a size error means the syntax is fine.
        match LazyRegex::builder(pattern, (i, m, s)).size_limit(0).build() {
            Ok(_) | Err(regex::Error::CompiledTooBig(_)) => Ok(LazyRegex {
                pattern: pattern.to_string(),
                flags: (i, m, s),
                compiled: OnceLock::new(),
                needles: Vec::new(),
                id: 0,
            }),
            Err(e) => Err(e.to_string()),
        }
    }

    fn builder(pattern: &str, (i, m, s): (bool, bool, bool)) -> RegexBuilder {
        let mut builder = RegexBuilder::new(pattern);
        builder
            .case_insensitive(i)
            .multi_line(m)
            .dot_matches_new_line(s)
            .dfa_size_limit(DFA_SIZE_LIMIT);
        builder
    }

    /// Whether it matches somewhere in `text` (never, if it turns out too
    /// big to compile).
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| LazyRegex::builder(&self.pattern, self.flags).build().ok())
            .as_ref()
            .is_some_and(|re| re.is_match(text))
    }
}

/// Needles safe for a case-insensitive expression: Unicode case folding
/// also matches `ſ` for `s` and Greek variants that lower-casing leaves
/// apart, so each needle keeps its longest piece without `s` or non-ASCII
/// characters (`None` when one keeps nothing).
fn caseless_safe(set: &[String]) -> Option<Vec<String>> {
    set.iter()
        .map(|n| {
            n.split(|c: char| c == 's' || !c.is_ascii())
                .max_by_key(|piece| piece.len())
                .filter(|piece| !piece.is_empty())
                .map(str::to_string)
        })
        .collect()
}

/// Whether `pattern` turns on case-insensitive matching inline (`(?i)`,
/// `(?si:…)`); groups without flags (`(?:…)`, `(?P<name>…)`) do not. An
/// escaped `\(?` counts too, which errs on the safe side.
fn turns_on_caseless(pattern: &str) -> bool {
    pattern.match_indices("(?").any(|(at, _)| {
        let flags = pattern.get(at + 2..).unwrap_or("");
        let end = flags
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
            .unwrap_or(flags.len());
        let closes = matches!(flags.get(end..end + 1), Some(")" | ":"));
        let on = flags
            .get(..end)
            .unwrap_or("")
            .split('-')
            .next()
            .unwrap_or("");
        closes && on.contains('i')
    })
}

/// Folded literals one of which occurs in every text `pattern` matches
/// (`None` when no such set is found). A conservative reading of the
/// syntax: concatenated plain characters, escaped punctuation, groups
/// without a quantifier that allows zero, alternations whose every branch
/// has a literal.
pub(crate) fn regex_needles(pattern: &str) -> Option<Vec<String>> {
    if pattern.contains("(?x") || pattern.contains("(?-") {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let needles = regex_alternation(&chars, &mut at, 0)?;
    (at == chars.len()).then_some(needles)
}

/// Needles of an alternation ending at `)` or the end.
fn regex_alternation(chars: &[char], at: &mut usize, depth: usize) -> Option<Vec<String>> {
    if depth > 32 {
        return None;
    }
    let mut branches = vec![regex_branch(chars, at, depth)];
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        branches.push(regex_branch(chars, at, depth));
    }
    let mut out = Vec::new();
    for branch in branches {
        out.extend(branch?);
    }
    Some(out)
}

/// The best needles of one branch (a concatenation); `None` when it has
/// no literal.
fn regex_branch(chars: &[char], at: &mut usize, depth: usize) -> Option<Vec<String>> {
    let mut best: Option<Vec<String>> = None;
    let mut run = String::new();
    let consider = |best: &mut Option<Vec<String>>, candidate: Vec<String>| {
        if candidate.is_empty() || candidate.iter().any(String::is_empty) {
            return;
        }
        let better = best
            .as_ref()
            .is_none_or(|b| needle_score(&candidate) > needle_score(b));
        if better {
            *best = Some(candidate);
        }
    };
    let mut broken = false;
    while let Some(&c) = chars.get(*at) {
        if c == '|' || c == ')' {
            break;
        }
        // One atom: a literal character or something else.
        let mut literal: Option<char> = None;
        let mut group: Option<Vec<String>> = None;
        match c {
            '\\' => {
                let next = *chars.get(*at + 1)?;
                *at += 2;
                match next {
                    't' => literal = Some('\t'),
                    'n' => literal = Some('\n'),
                    'r' => literal = Some('\r'),
                    c if c.is_ascii_punctuation() || c == ' ' => literal = Some(c),
                    'p' | 'P' | 'x' | 'u' => {
                        // \p{..}, \x{..}: skip a braced argument.
                        if chars.get(*at) == Some(&'{') {
                            while chars.get(*at).is_some_and(|&c| c != '}') {
                                *at += 1;
                            }
                            *at += 1;
                        } else if next == 'p' || next == 'P' {
                            *at += 1;
                        }
                        broken = true;
                    }
                    _ => broken = true,
                }
            }
            '[' => {
                *at += 1;
                if chars.get(*at) == Some(&'^') {
                    *at += 1;
                }
                if chars.get(*at) == Some(&']') {
                    *at += 1;
                }
                loop {
                    match chars.get(*at)? {
                        '\\' => *at += 2,
                        ']' => {
                            *at += 1;
                            break;
                        }
                        '[' if chars.get(*at + 1) == Some(&':') => {
                            while chars.get(*at).is_some_and(|&c| c != ']') {
                                *at += 1;
                            }
                            *at += 1;
                        }
                        _ => *at += 1,
                    }
                }
                broken = true;
            }
            '(' => {
                *at += 1;
                if chars.get(*at) == Some(&'?') {
                    // Flags, non-capturing and named groups; look-around is
                    // not supported by the engine anyway.
                    *at += 1;
                    match chars.get(*at)? {
                        ':' => *at += 1,
                        'P' | '<' => {
                            while chars.get(*at).is_some_and(|&c| c != '>') {
                                *at += 1;
                            }
                            *at += 1;
                        }
                        _ => {
                            while chars.get(*at).is_some_and(|&c| c != ':' && c != ')') {
                                *at += 1;
                            }
                            if chars.get(*at) == Some(&')') {
                                // A bare flag group: `(?i)`.
                                *at += 1;
                                continue;
                            }
                            *at += 1;
                        }
                    }
                }
                let inner = regex_alternation(chars, at, depth + 1);
                if chars.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                group = inner;
                broken = true;
            }
            '.' | '^' | '$' => {
                *at += 1;
                broken = true;
            }
            '*' | '+' | '?' | '{' => return None,
            other => {
                *at += 1;
                literal = Some(other);
            }
        }
        // Its quantifier.
        let (optional, repeated) = match chars.get(*at) {
            Some('*') => (true, true),
            Some('?') => (true, false),
            Some('+') => (false, true),
            Some('{') => {
                let close = chars.get(*at..)?.iter().position(|&c| c == '}')?;
                let inside: String = chars.get(*at + 1..*at + close)?.iter().collect();
                let min = inside.split(',').next()?.trim().parse::<usize>().ok()?;
                *at += close;
                (min == 0, true)
            }
            _ => (false, false),
        };
        if optional || repeated {
            *at += 1;
            if chars.get(*at) == Some(&'?') {
                *at += 1;
            }
        }
        if optional {
            consider(&mut best, vec![fold(&run).into_owned()]);
            run.clear();
            continue;
        }
        if let Some(g) = group {
            consider(&mut best, g);
        }
        if let Some(l) = literal {
            if broken {
                consider(&mut best, vec![fold(&run).into_owned()]);
                run.clear();
                broken = false;
            }
            run.push(l);
            if repeated {
                consider(&mut best, vec![fold(&run).into_owned()]);
                run.clear();
            }
        } else {
            consider(&mut best, vec![fold(&run).into_owned()]);
            run.clear();
            broken = false;
        }
    }
    consider(&mut best, vec![fold(&run).into_owned()]);
    best
}

/// A test before compiling: text patterns are gathered so that one OR
/// list becomes one [`StrSet`].
enum Pending {
    Texts(Vec<Vec<TextPart>>),
    Test(Test),
}

/// Field names of all rules, interned: lower-cased name → id.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldTable {
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// Hash of the ASCII-folded name → ids (for event lookups without
    /// allocating).
    by_hash: HashMap<u64, Vec<u32>, BuildHasherDefault<PassHasher>>,
    /// Unique among all tables and versions of them (caches of lookups
    /// are keyed by it).
    stamp: u64,
}

/// The source of [`FieldTable`] stamps.
static STAMPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct PassHasher(u64);

impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// FNV-1a of the ASCII-lower-cased bytes.
fn fold_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl FieldTable {
    /// The id of field `name` (interned on first use).
    pub fn intern(&mut self, name: &str) -> u32 {
        let lower = name.to_ascii_lowercase();
        if let Some(&id) = self.ids.get(&lower) {
            return id;
        }
        let id = self.names.len() as u32;
        self.stamp = STAMPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.by_hash.entry(fold_hash(&lower)).or_default().push(id);
        self.ids.insert(lower.clone(), id);
        self.names.push(lower);
        id
    }

    /// The id of the field an event names `name` (any ASCII case).
    pub fn find(&self, name: &str) -> Option<u32> {
        self.by_hash
            .get(&fold_hash(name))?
            .iter()
            .copied()
            .find(|&id| {
                self.names
                    .get(id as usize)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// This table's current stamp (changes with every new field).
    pub fn stamp(&self) -> u64 {
        self.stamp
    }
}

/// Why a detection does not compile.
#[derive(Debug, Clone)]
pub(crate) enum Problem {
    /// Valid Sigma this engine does not evaluate: skip the rule.
    Skip(SkipReason, usize),
    /// Not valid Sigma: a load error.
    Malformed(String, usize),
}

/// What compiling needs: the field table and placeholder values.
pub(crate) struct Compiler<'a> {
    pub fields: &'a mut FieldTable,
    pub placeholders: &'a HashMap<String, Vec<String>>,
    /// The next [`Test::Str`] id.
    pub next_test: &'a mut u32,
}

const MODIFIERS: &[&str] = &[
    "contains",
    "startswith",
    "endswith",
    "all",
    "re",
    "i",
    "m",
    "s",
    "ignorecase",
    "multiline",
    "dotall",
    "windash",
    "cidr",
    "base64",
    "base64offset",
    "utf16le",
    "utf16be",
    "utf16",
    "wide",
    "exists",
    "cased",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "expand",
    "fieldref",
];

const TIME_MODIFIERS: &[&str] = &["minute", "hour", "day", "week", "month", "year"];

/// The most `windash` places one value may have (5 variants each).
const MAX_WINDASH: usize = 6;

impl Compiler<'_> {
    /// Compile the `detection` mapping.
    pub fn detection(&mut self, node: &Node) -> Result<Detection, Problem> {
        let Kind::Map(entries) = &node.kind else {
            return Err(Problem::Malformed(
                "`detection` must be a mapping".into(),
                node.line,
            ));
        };
        let mut names = Vec::new();
        let mut searches = Vec::new();
        let mut condition_node = None;
        for (key, value) in entries {
            match key.text.as_str() {
                "condition" => condition_node = Some(value),
                // Old aggregation time window: meaningless without one.
                "timeframe" => {}
                name => {
                    names.push(name.to_string());
                    searches.push(self.search(value)?);
                }
            }
        }
        let Some(condition_node) = condition_node else {
            return Err(Problem::Malformed(
                "`detection` has no `condition`".into(),
                node.line,
            ));
        };
        let texts: Vec<(String, usize)> = match &condition_node.kind {
            Kind::Str(s) => vec![(s.clone(), condition_node.line)],
            Kind::Seq(items) if !items.is_empty() => items
                .iter()
                .map(|n| {
                    n.as_str().map(|s| (s.to_string(), n.line)).ok_or_else(|| {
                        Problem::Malformed("a condition must be text".into(), n.line)
                    })
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(Problem::Malformed(
                    "`condition` must be text or a list of texts".into(),
                    condition_node.line,
                ))
            }
        };
        let mut conds = Vec::new();
        for (text, line) in &texts {
            match condition::parse(text, &names) {
                Ok(c) => conds.push(c),
                Err(CondError::Unsupported { feature, text }) => {
                    let reason = if feature == "near" {
                        SkipReason::Near(text)
                    } else {
                        SkipReason::Aggregation(text)
                    };
                    return Err(Problem::Skip(reason, *line));
                }
                Err(CondError::Invalid(message)) => return Err(Problem::Malformed(message, *line)),
            }
        }
        let condition = if conds.len() == 1 {
            conds.remove(0)
        } else {
            Cond::Or(conds)
        };
        let condition_text = texts
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" or ");
        Ok(Detection {
            names,
            searches,
            condition,
            condition_text,
        })
    }

    fn search(&mut self, node: &Node) -> Result<Search, Problem> {
        match &node.kind {
            Kind::Map(entries) => Ok(Search {
                alts: vec![self.conj(entries, node.line)?],
            }),
            Kind::Seq(items) => {
                let mut alts = Vec::new();
                let mut keywords = Vec::new();
                for item in items {
                    match &item.kind {
                        Kind::Map(entries) => alts.push(self.conj(entries, item.line)?),
                        Kind::Seq(_) => {
                            return Err(Problem::Malformed(
                                "a search identifier's list may hold maps or values, not lists"
                                    .into(),
                                item.line,
                            ))
                        }
                        _ => keywords.push(item),
                    }
                }
                if !keywords.is_empty() {
                    let item = self.item("", &[], &keywords, node.line)?;
                    alts.push(Conj { items: vec![item] });
                }
                if alts.is_empty() {
                    return Err(Problem::Malformed(
                        "empty search identifier".into(),
                        node.line,
                    ));
                }
                Ok(Search { alts })
            }
            Kind::Null => Err(Problem::Malformed(
                "empty search identifier".into(),
                node.line,
            )),
            _ => {
                let item = self.item("", &[], &[node], node.line)?;
                Ok(Search {
                    alts: vec![Conj { items: vec![item] }],
                })
            }
        }
    }

    fn conj(&mut self, entries: &[(super::yaml::Key, Node)], line: usize) -> Result<Conj, Problem> {
        let mut items = Vec::new();
        for (key, value) in entries {
            let mut pieces = key.text.split('|');
            let field = pieces.next().unwrap_or_default().trim();
            let modifiers: Vec<&str> = pieces.collect();
            let values: Vec<&Node> = match &value.kind {
                Kind::Seq(list) => list.iter().collect(),
                _ => vec![value],
            };
            items.push(self.item(field, &modifiers, &values, key.line)?);
        }
        if items.is_empty() {
            return Err(Problem::Malformed("empty mapping in a search".into(), line));
        }
        Ok(Conj { items })
    }

    /// One field (or keyword list, `field` empty) with its modifiers and
    /// values.
    #[allow(clippy::too_many_lines)]
    fn item(
        &mut self,
        field: &str,
        modifiers: &[&str],
        values: &[&Node],
        line: usize,
    ) -> Result<Item, Problem> {
        let skip = |reason: SkipReason| Problem::Skip(reason, line);
        for m in modifiers {
            if TIME_MODIFIERS.contains(m) {
                return Err(skip(SkipReason::UnsupportedModifier((*m).to_string())));
            }
            if !MODIFIERS.contains(m) {
                return Err(skip(SkipReason::UnknownModifier((*m).to_string())));
            }
        }
        if values.is_empty() {
            return Err(Problem::Malformed(
                format!("`{field}` has an empty list of values"),
                line,
            ));
        }
        let has = |m: &str| modifiers.contains(&m);
        let all = has("all");
        let negate = has("neq");
        let cased = has("cased");
        let combination = || SkipReason::ModifierCombination(modifiers.join("|"));
        let target = if field.is_empty() {
            Target::Keyword
        } else {
            Target::Field(self.fields.intern(field))
        };
        let kinds: Vec<&str> = modifiers
            .iter()
            .copied()
            .filter(|m| {
                matches!(
                    *m,
                    "re" | "cidr" | "exists" | "fieldref" | "lt" | "lte" | "gt" | "gte"
                )
            })
            .collect();
        if kinds.len() > 1 {
            return Err(skip(combination()));
        }
        let kind = kinds.first().copied();
        let regex_flags = ["i", "m", "s", "ignorecase", "multiline", "dotall"];
        if kind != Some("re") && modifiers.iter().any(|m| regex_flags.contains(m)) {
            return Err(skip(combination()));
        }
        // Which other modifiers each kind accepts.
        let allowed: &[&str] = match kind {
            Some("re") => &[
                "re",
                "i",
                "m",
                "s",
                "ignorecase",
                "multiline",
                "dotall",
                "contains",
                "startswith",
                "endswith",
                "all",
                "neq",
                "cased",
            ],
            Some("cidr") => &["cidr", "all", "neq"],
            Some("exists") => &["exists"],
            Some("fieldref") => &[
                "fieldref",
                "contains",
                "startswith",
                "endswith",
                "all",
                "neq",
                "cased",
            ],
            Some(cmp @ ("lt" | "lte" | "gt" | "gte")) => match cmp {
                "lt" => &["lt", "all", "neq"],
                "lte" => &["lte", "all", "neq"],
                "gt" => &["gt", "all", "neq"],
                _ => &["gte", "all", "neq"],
            },
            _ => MODIFIERS,
        };
        if modifiers.iter().any(|m| !allowed.contains(m)) {
            return Err(skip(combination()));
        }
        if target == Target::Keyword && matches!(kind, Some("exists" | "fieldref")) {
            return Err(Problem::Malformed(
                format!("`{}` needs a field", kind.unwrap_or_default()),
                line,
            ));
        }

        let mut groups: Vec<Vec<Pending>> = Vec::new();
        let mut needles: Vec<Option<Vec<String>>> = Vec::new();
        match kind {
            Some("re") => {
                let i = has("i") || has("ignorecase");
                let m = has("m") || has("multiline");
                let s = has("s") || has("dotall");
                for value in values {
                    let Some(text) = value.scalar_text() else {
                        return Err(skip(SkipReason::InvalidValue(format!(
                            "`{field}|re` needs a text value"
                        ))));
                    };
                    let mut regex = LazyRegex::new(&text, i, m, s).map_err(|message| {
                        skip(SkipReason::BadRegex {
                            pattern: text.clone(),
                            message,
                        })
                    })?;
                    let mut required = regex_needles(&text);
                    if i || turns_on_caseless(&text) {
                        required = required.and_then(|set| caseless_safe(&set));
                    }
                    regex.needles = required.clone().unwrap_or_default();
                    regex.id = *self.next_test;
                    *self.next_test += 1;
                    needles.push(required);
                    groups.push(vec![Pending::Test(Test::Regex(regex))]);
                }
            }
            Some("cidr") => {
                for value in values {
                    let text = value.scalar_text().unwrap_or_default();
                    let net = parse_net(&text).ok_or_else(|| {
                        skip(SkipReason::InvalidValue(format!(
                            "bad CIDR network `{text}`"
                        )))
                    })?;
                    groups.push(vec![Pending::Test(Test::Cidr(vec![net]))]);
                    needles.push(None);
                }
            }
            Some("exists") => {
                for value in values {
                    let b = match &value.kind {
                        Kind::Bool(b) => *b,
                        Kind::Str(s) if s.eq_ignore_ascii_case("true") => true,
                        Kind::Str(s) if s.eq_ignore_ascii_case("false") => false,
                        _ => {
                            return Err(Problem::Malformed(
                                format!("`{field}|exists` needs true or false"),
                                line,
                            ))
                        }
                    };
                    groups.push(vec![Pending::Test(Test::Exists(b))]);
                    needles.push(None);
                }
            }
            Some("fieldref") => {
                let mode = if has("contains") {
                    RefMode::Contains
                } else if has("startswith") {
                    RefMode::Prefix
                } else if has("endswith") {
                    RefMode::Suffix
                } else {
                    RefMode::Equal
                };
                for value in values {
                    let Some(name) = value.scalar_text().filter(|n| !n.is_empty()) else {
                        return Err(Problem::Malformed(
                            format!("`{field}|fieldref` needs a field name"),
                            line,
                        ));
                    };
                    if Pattern::parse(&name).has_wildcards() {
                        return Err(skip(SkipReason::InvalidValue(format!(
                            "field reference `{name}` has wildcards"
                        ))));
                    }
                    let other = self.fields.intern(&name);
                    groups.push(vec![Pending::Test(Test::FieldRef { other, mode, cased })]);
                    needles.push(None);
                }
            }
            Some(cmp @ ("lt" | "lte" | "gt" | "gte")) => {
                let op = match cmp {
                    "lt" => CmpOp::Lt,
                    "lte" => CmpOp::Lte,
                    "gt" => CmpOp::Gt,
                    _ => CmpOp::Gte,
                };
                for value in values {
                    let number = match &value.kind {
                        Kind::Int(i, _) => Some(*i as f64),
                        Kind::Float(f, _) => Some(*f),
                        Kind::Str(s) => s.trim().parse::<f64>().ok(),
                        _ => None,
                    };
                    let Some(number) = number.filter(|n| n.is_finite()) else {
                        return Err(skip(SkipReason::InvalidValue(format!(
                            "`{field}|{cmp}` needs a number"
                        ))));
                    };
                    groups.push(vec![Pending::Test(Test::Cmp { op, value: number })]);
                    needles.push(None);
                }
            }
            _ => {
                self.string_values(
                    field,
                    modifiers,
                    values,
                    line,
                    cased,
                    &mut groups,
                    &mut needles,
                )?;
            }
        }

        // OR over everything unless `all`: merge the groups.
        let (tests, item_needles) = if all {
            let best = needles
                .iter()
                .flatten()
                .max_by_key(|set| needle_score(set))
                .cloned();
            (
                groups
                    .into_iter()
                    .map(|g| merge_tests(g, cased, self.next_test))
                    .collect::<Vec<_>>(),
                best,
            )
        } else {
            let union = needles
                .into_iter()
                .collect::<Option<Vec<Vec<String>>>>()
                .map(|sets| sets.into_iter().flatten().collect::<Vec<String>>());
            (
                vec![merge_tests(
                    groups.into_iter().flatten().collect(),
                    cased,
                    self.next_test,
                )],
                union,
            )
        };
        let tests: Vec<Test> = tests.into_iter().flatten().collect();
        let needles = if negate {
            None
        } else {
            item_needles
                .filter(|set| !set.is_empty() && set.iter().all(|n| !n.is_empty()))
                .map(|mut set| {
                    set.sort();
                    set.dedup();
                    set
                })
        };
        Ok(Item {
            target,
            name: field.to_string(),
            tests,
            all,
            negate,
            needles,
        })
    }

    /// Plain values and the string modifiers: each value becomes one group
    /// of tests (its alternatives) and its prefilter needles.
    #[allow(clippy::too_many_arguments)]
    fn string_values(
        &mut self,
        field: &str,
        modifiers: &[&str],
        values: &[&Node],
        line: usize,
        cased: bool,
        groups: &mut Vec<Vec<Pending>>,
        needles: &mut Vec<Option<Vec<String>>>,
    ) -> Result<(), Problem> {
        let skip = |reason: SkipReason| Problem::Skip(reason, line);
        let transforms: Vec<&str> = modifiers
            .iter()
            .copied()
            .filter(|m| !matches!(*m, "all" | "neq" | "cased"))
            .collect();
        let keyword = field.is_empty();
        for value in values {
            let patterns = match &value.kind {
                Kind::Null => {
                    if !transforms.is_empty() || keyword {
                        return Err(skip(SkipReason::InvalidValue(format!(
                            "null value with modifiers `{}`",
                            modifiers.join("|")
                        ))));
                    }
                    groups.push(vec![Pending::Test(Test::Null)]);
                    needles.push(None);
                    continue;
                }
                Kind::Int(_, text) | Kind::Float(_, text)
                    if transforms.is_empty() && !cased && !keyword =>
                {
                    let number = match &value.kind {
                        Kind::Int(i, _) => *i as f64,
                        Kind::Float(f, _) => *f,
                        _ => f64::NAN,
                    };
                    groups.push(vec![Pending::Test(Test::Num {
                        text: text.clone(),
                        value: number,
                    })]);
                    needles.push(None);
                    continue;
                }
                Kind::Str(s) if transforms.contains(&"expand") => {
                    vec![Pattern::parse_placeholders(s)]
                }
                Kind::Str(s) => vec![Pattern::parse(s)],
                Kind::Int(_, text) | Kind::Float(_, text) => vec![Pattern::literal(text)],
                Kind::Bool(b) => vec![Pattern::literal(if *b { "true" } else { "false" })],
                Kind::Seq(_) | Kind::Map(_) => {
                    return Err(Problem::Malformed(
                        format!("`{field}` has a nested list or map as a value"),
                        value.line,
                    ))
                }
            };
            let raw = value.scalar_text().unwrap_or_default();
            let mut patterns = patterns;
            for m in &transforms {
                patterns = self.transform(m, patterns, &raw).map_err(skip)?;
            }
            if keyword
                && !transforms
                    .iter()
                    .any(|m| matches!(*m, "contains" | "startswith" | "endswith"))
            {
                for p in &mut patterns {
                    p.star_before();
                    p.star_after();
                }
            }
            let mut texts = Vec::with_capacity(patterns.len());
            let mut value_needles = Some(Vec::new());
            for pattern in &patterns {
                let text = pattern.to_text(cased).ok_or_else(|| {
                    skip(SkipReason::InvalidValue(format!(
                        "`{field}|{}`: the encoded value is not text (add base64)",
                        modifiers.join("|")
                    )))
                })?;
                texts.push(text);
                match (pattern.longest_literal(), value_needles.as_mut()) {
                    (Some(n), Some(list)) => list.push(n),
                    _ => value_needles = None,
                }
            }
            groups.push(vec![Pending::Texts(texts)]);
            needles.push(value_needles);
        }
        Ok(())
    }

    /// Apply one string modifier to every alternative of a value.
    fn transform(
        &self,
        modifier: &str,
        patterns: Vec<Pattern>,
        raw: &str,
    ) -> Result<Vec<Pattern>, SkipReason> {
        let mut out = Vec::with_capacity(patterns.len());
        for mut p in patterns {
            match modifier {
                "contains" => {
                    p.star_before();
                    p.star_after();
                    out.push(p);
                }
                "startswith" => {
                    p.star_after();
                    out.push(p);
                }
                "endswith" => {
                    p.star_before();
                    out.push(p);
                }
                "windash" => out.extend(windash(&p)?),
                "wide" | "utf16le" => out.push(utf16(&p, false, false)?),
                "utf16be" => out.push(utf16(&p, true, false)?),
                "utf16" => out.push(utf16(&p, false, true)?),
                "base64" => {
                    let bytes = plain_for_base64(&p)?;
                    out.push(Pattern::literal(
                        &base64::engine::general_purpose::STANDARD.encode(bytes),
                    ));
                }
                "base64offset" => {
                    let bytes = plain_for_base64(&p)?;
                    out.extend(base64_offsets(&bytes).iter().map(|s| Pattern::literal(s)));
                }
                "expand" => out.extend(self.expand(&p, raw)?),
                _ => out.push(p),
            }
        }
        Ok(out)
    }

    /// `%name%` placeholders replaced by their values (each a Sigma
    /// string, so an expansion may have wildcards).
    fn expand(&self, pattern: &Pattern, raw: &str) -> Result<Vec<Pattern>, SkipReason> {
        let mut variants = vec![Pattern::default()];
        for part in &pattern.parts {
            let Part::Placeholder(name) = part else {
                for v in &mut variants {
                    v.push(part.clone());
                }
                continue;
            };
            let values = self
                .placeholders
                .get(name)
                .filter(|values| !values.is_empty())
                .ok_or_else(|| {
                    SkipReason::UnresolvedPlaceholder(format!("%{name}% (in `{raw}`)"))
                })?;
            let mut next = Vec::with_capacity(variants.len() * values.len());
            for v in &variants {
                for value in values {
                    let mut joined = v.clone();
                    for p in Pattern::parse(value).parts {
                        joined.push(p);
                    }
                    next.push(joined);
                }
            }
            variants = next;
        }
        Ok(variants)
    }
}

/// The tests of one OR group: all text patterns in one [`StrSet`], first.
fn merge_tests(pending: Vec<Pending>, cased: bool, next_test: &mut u32) -> Vec<Test> {
    let mut texts = Vec::new();
    let mut out = Vec::new();
    for p in pending {
        match p {
            Pending::Texts(t) => texts.extend(t),
            Pending::Test(t) => out.push(t),
        }
    }
    if !texts.is_empty() {
        out.insert(
            0,
            Test::Str {
                set: StrSet::new(&texts),
                cased,
                id: *next_test,
            },
        );
        *next_test += 1;
    }
    out
}

/// How good a needle set is for the prefilter: longer shortest needle,
/// then fewer needles.
pub(crate) fn needle_score(set: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(String::len).min().unwrap_or(0);
    (shortest.min(NEEDLE_SCORE_CAP), std::cmp::Reverse(set.len()))
}

/// Literals at least this long count as equally selective.
pub(crate) const NEEDLE_SCORE_CAP: usize = 12;

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `windash`: every `-` or `/` that starts a word (not after a word
/// character, before one) in five spellings: `-`, `/`, en dash, em dash,
/// horizontal bar.
fn windash(pattern: &Pattern) -> Result<Vec<Pattern>, SkipReason> {
    const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];
    let mut variants = vec![Pattern::default()];
    let mut places = 0;
    for part in &pattern.parts {
        let Part::Lit(bytes) = part else {
            for v in &mut variants {
                v.push(part.clone());
            }
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Err(SkipReason::ModifierCombination(
                "windash after an encoding".into(),
            ));
        };
        let chars: Vec<char> = text.chars().collect();
        let mut plain = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev_word = i > 0 && chars.get(i - 1).is_some_and(|&p| is_word(p));
            let next_word = chars.get(i + 1).is_some_and(|&n| is_word(n));
            if matches!(c, '-' | '/') && !prev_word && next_word {
                places += 1;
                if places > MAX_WINDASH {
                    return Err(SkipReason::InvalidValue(format!(
                        "windash on more than {MAX_WINDASH} dashes"
                    )));
                }
                let mut next = Vec::with_capacity(variants.len() * DASHES.len());
                for v in &variants {
                    for d in DASHES {
                        let mut w = v.clone();
                        w.push(Part::Lit(format!("{plain}{d}").into_bytes()));
                        next.push(w);
                    }
                }
                variants = next;
                plain.clear();
            } else {
                plain.push(c);
            }
        }
        for v in &mut variants {
            v.push(Part::Lit(plain.clone().into_bytes()));
        }
    }
    Ok(variants)
}

/// UTF-16 encoding of every literal (`utf16` adds the byte order mark
/// FF FE before little-endian text).
fn utf16(pattern: &Pattern, big_endian: bool, bom: bool) -> Result<Pattern, SkipReason> {
    let mut out = Pattern::default();
    if bom {
        out.push(Part::Lit(vec![0xFF, 0xFE]));
    }
    for part in &pattern.parts {
        match part {
            Part::Lit(bytes) => {
                let Ok(text) = std::str::from_utf8(bytes) else {
                    return Err(SkipReason::ModifierCombination(
                        "two encodings of one value".into(),
                    ));
                };
                let mut encoded = Vec::with_capacity(bytes.len() * 2);
                for unit in text.encode_utf16() {
                    let pair = if big_endian {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    };
                    encoded.extend_from_slice(&pair);
                }
                out.push(Part::Lit(encoded));
            }
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

fn plain_for_base64(pattern: &Pattern) -> Result<Vec<u8>, SkipReason> {
    pattern.plain_bytes().ok_or_else(|| {
        SkipReason::InvalidValue(format!(
            "base64 of a value with wildcards (`{}`)",
            pattern.display()
        ))
    })
}

/// `base64offset`: the value base64-encoded at the three offsets it can
/// have in a longer encoded text, with the characters that depend on its
/// neighbours cut off.
pub(crate) fn base64_offsets(data: &[u8]) -> [String; 3] {
    const START: [usize; 3] = [0, 2, 3];
    // Characters cut from the end, by (length + offset) % 3.
    const END: [usize; 3] = [0, 3, 2];
    let encode = |shift: usize| {
        let mut input = vec![b' '; shift];
        input.extend_from_slice(data);
        let encoded = base64::engine::general_purpose::STANDARD.encode(input);
        let start = START.get(shift).copied().unwrap_or(0);
        let cut = END.get((data.len() + shift) % 3).copied().unwrap_or(0);
        let end = encoded.len().saturating_sub(cut);
        encoded.get(start..end).unwrap_or_default().to_string()
    };
    [encode(0), encode(1), encode(2)]
}

/// A `cidr` value: `address/prefix` or a bare address.
fn parse_net(text: &str) -> Option<Net> {
    let text = text.trim();
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(max);
    (prefix <= max).then_some(Net { addr, prefix })
}

/// An address in event text: trimmed, IPv6 brackets and zone dropped.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let text = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    let text = text.split_once('%').map_or(text, |(a, _)| a);
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_offsets_match_python() {
        // python: [base64.b64encode(i*b' ' + b'whoami')[(0,2,3)[i]:(None,-3,-2)[(6+i)%3]] for i in range(3)]
        assert_eq!(
            base64_offsets(b"whoami"),
            ["d2hvYW1p", "dob2Fta", "3aG9hbW"]
        );
        assert_eq!(base64_offsets(b"a"), ["Y", "", "h"]);
    }

    #[test]
    fn windash_places() {
        let variants = windash(&Pattern::parse(" -a x-y /b -")).unwrap();
        assert_eq!(variants.len(), 25);
        let texts: Vec<String> = variants.iter().map(Pattern::display).collect();
        assert!(texts.contains(&" /a x-y -b -".to_string()));
        assert!(texts.contains(&" \u{2014}a x-y \u{2015}b -".to_string()));
    }

    #[test]
    fn caseless_needles_avoid_s() {
        assert_eq!(
            caseless_safe(&["powershell".into(), "\\cmd.exe".into()]),
            Some(vec!["power".into(), "\\cmd.exe".into()])
        );
        assert_eq!(caseless_safe(&["ss".into()]), None);
    }

    #[test]
    fn inline_caseless_flags_are_told_from_plain_groups() {
        assert!(turns_on_caseless("(?i)abc"));
        assert!(turns_on_caseless("x(?si:abc)"));
        assert!(turns_on_caseless("(?:a)(?i)b"));
        assert!(!turns_on_caseless("cmd.{0,5}(?:/c|/r)"));
        assert!(!turns_on_caseless("(?P<name>x)(?<y>z)"));
        assert!(!turns_on_caseless("(?-i)abc"));
        assert!(!turns_on_caseless("(?s)abc"));
    }

    #[test]
    fn regex_needles_are_required_literals() {
        let n = |p: &str| regex_needles(p);
        let one = |s: &str| Some(vec![s.to_string()]);
        assert_eq!(n(r"abc"), one("abc"));
        assert_eq!(n(r"(?i)\\Windows\\Temp\\.*\.exe"), one("\\windows\\temp\\"));
        assert_eq!(n(r"ab?cdef"), one("cdef"));
        assert_eq!(n(r"abcd+ef"), one("abcd"));
        assert_eq!(
            n(r"x(foo|barbaz)y"),
            Some(vec!["foo".into(), "barbaz".into()])
        );
        assert_eq!(n(r"(foo|ba)?zzzz"), one("zzzz"));
        assert_eq!(n(r"foo|.*"), None);
        assert_eq!(n(r"[a-z]+\s-enc\s"), one("-enc"));
        assert_eq!(n(r"a{2,3}bcde"), one("bcde"));
        assert_eq!(n(r"\$env:comspec\[\d+\]"), one("$env:comspec["));
        assert_eq!(n(r"(?P<x>hello)world"), one("hello"));
    }

    #[test]
    fn nets() {
        let net = parse_net("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        let v6 = parse_net("fe80::/10").unwrap();
        assert!(v6.contains("fe80::1".parse().unwrap()));
        assert!(!v6.contains("fec0::1".parse().unwrap()));
        assert!(parse_net("0.0.0.0/0")
            .unwrap()
            .contains("1.2.3.4".parse().unwrap()));
        assert!(parse_net("10.0.0.0/33").is_none());
    }
}
