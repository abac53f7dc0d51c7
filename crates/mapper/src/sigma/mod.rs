//! Sigma rules: read, compile and evaluate on events.
//!
//! A [`RuleSet`] reads Sigma detection rules (YAML, one or several
//! documents per file, `action: global` collections included), compiles
//! each into matchers and evaluates them on [`Event`]s. A rule applies to
//! an event when one of the event's log sources is covered by the rule's
//! `logsource` (an event without log sources is not routed: every rule
//! applies). Each match names the rule — with its ATT&CK techniques and
//! tactics read from its tags, and a [`confidence`](Rule::confidence) — and
//! the fields that matched.
//!
//! ```
//! use ttpmap_mapper::sigma::RuleSet;
//! use ttpmap_mapper::{Event, LogSource};
//!
//! let mut rules = RuleSet::new();
//! rules.add_yaml(
//!     r#"
//! title: Whoami Execution
//! id: 502b42de-4306-40b4-9596-6f590c81f073
//! status: stable
//! level: high
//! tags: [attack.discovery, attack.t1033]
//! logsource: {category: process_creation, product: windows}
//! detection:
//!     selection:
//!         Image|endswith: '\whoami.exe'
//!     filter:
//!         User|startswith: 'NT AUTHORITY\'
//!     condition: selection and not filter
//! "#,
//!     None,
//! )?;
//!
//! let mut event = Event::new();
//! event.insert("Image", r"C:\Windows\System32\WHOAMI.EXE");
//! event.insert("User", r"CORP\alice");
//! event.logsources = vec![LogSource::new(Some("windows"), Some("process_creation"), Some("sysmon"))];
//!
//! let matches = rules.evaluate(&event);
//! assert_eq!(matches.len(), 1);
//! let hit = &matches[0];
//! assert_eq!(hit.rule.techniques(), ["T1033"]);
//! assert_eq!(hit.rule.tactics(), ["discovery"]);
//! assert_eq!(hit.rule.confidence(), 0.85);
//! assert_eq!(hit.fields, [("Image".to_string(), r"C:\Windows\System32\WHOAMI.EXE".to_string())]);
//!
//! event.insert("User", r"NT AUTHORITY\SYSTEM");
//! assert!(rules.evaluate(&event).is_empty());
//! # Ok::<(), ttpmap_mapper::sigma::Error>(())
//! ```
//!
//! # Semantics
//!
//! * Matching is case-insensitive (ASCII and Unicode simple lowercase
//!   mapping) unless `|cased`; `|re` is case-sensitive unless `|i`, and
//!   searches (is not anchored).
//! * `*` and `?` are wildcards; `\` escapes `*`, `?` and `\`.
//! * Numbers in rules match numbers equal in value and text equal to what
//!   the rule wrote; `lt`/`lte`/`gt`/`gte` compare numbers (and text that
//!   reads as one).
//! * `null` matches an absent or null field; `|exists` tests presence.
//! * An array-valued field matches when one of its elements does.
//! * Keywords (a list of plain values) match a value of any field,
//!   anywhere in it (unless `contains`/`startswith`/`endswith` say
//!   otherwise).
//! * `base64`/`base64offset` values are matched case-insensitively like any
//!   other value (add `|cased` for an exact match).
//! * `|expand` placeholders resolve through
//!   [`RuleSet::set_placeholder`]; unresolved ones skip the rule.
//! * Not evaluated, and reported as [`Skipped`] with a [`SkipReason`]:
//!   correlation and filter meta rules, aggregations (`| count() …`),
//!   `near`, the time modifiers (`minute` … `year`), unknown modifiers,
//!   regular expressions the `regex` crate does not support (look-around,
//!   back-references), invalid values.
//!
//! # Speed
//!
//! Rules are grouped by log source; an event's log sources select groups,
//! and each set of groups has a *plan*: per field, the literals (values,
//! prefixes, suffixes, substrings of four bytes or more, literals every
//! match of a regular expression contains) of those groups' rules only.
//! One pass over each field of an event finds them all and records where
//! each occurred; numbers rules test (`EventID: 4688`) are one lookup.
//! Each rule requires up to four clauses its condition cannot hold
//! without (one literal or number of each must occur), and is evaluated
//! only when all occurred (or when it has none, e.g. a condition that is
//! only `not …`); its literal tests then read the records instead of
//! searching. A thread remembers the literals found in the latest short
//! texts of each field (users, companies, integrity levels repeat), folds
//! a text at most once per event into reused buffers, and compiles
//! regular expressions when first needed. `docs/mapping.md` has the
//! numbers.

mod condition;
mod detection;
mod eval;
mod index;
mod pattern;
mod rule;
mod scan;
mod yaml;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::event::{Event, LogSource};

use detection::{Compiler, FieldTable, Problem};
use eval::Ctx;
use index::Index;
use yaml::{Kind, Node};

pub use rule::{Level, Related, Rule, Status};

/// A rule document that cannot be loaded: malformed YAML, a missing or
/// malformed part, a condition naming an unknown search identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", location(self.path.as_deref(), self.line), self.describe())]
pub struct LoadError {
    /// The file, when read from one.
    pub path: Option<PathBuf>,
    /// The 1-based line in it, when known.
    pub line: Option<usize>,
    /// The rule's title (or id), when it got that far.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl LoadError {
    fn describe(&self) -> String {
        match &self.rule {
            Some(rule) => format!("{} (rule `{rule}`)", self.message),
            None => self.message.clone(),
        }
    }
}

fn location(path: Option<&Path>, line: Option<usize>) -> String {
    match (path, line) {
        (Some(p), Some(l)) => format!("{}:{l}: ", p.display()),
        (Some(p), None) => format!("{}: ", p.display()),
        (None, Some(l)) => format!("line {l}: "),
        (None, None) => String::new(),
    }
}

/// Errors of loading Sigma rules.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A rule document cannot be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Why a valid rule is not evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// A correlation meta rule (`correlation:`): it correlates other
    /// rules' matches over time.
    Correlation,
    /// A filter meta rule (`filter:`): it amends other rules.
    Filter,
    /// A modifier Sigma does not define.
    UnknownModifier(String),
    /// A modifier Sigma defines and this engine does not evaluate (the
    /// time modifiers).
    UnsupportedModifier(String),
    /// Modifiers that do not combine (`re|base64`, `cidr|contains`, …).
    ModifierCombination(String),
    /// An aggregation in the condition (`| count() by … > n`).
    Aggregation(String),
    /// `near` in the condition.
    Near(String),
    /// A `%placeholder%` of an `|expand` value without values.
    UnresolvedPlaceholder(String),
    /// A regular expression the `regex` crate does not accept.
    BadRegex {
        /// The expression.
        pattern: String,
        /// The parser's message.
        message: String,
    },
    /// A value the modifiers cannot use (bad network, non-number, …).
    InvalidValue(String),
}

impl SkipReason {
    /// A short name of the kind of reason (for grouping).
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Correlation => "correlation rule",
            SkipReason::Filter => "filter rule",
            SkipReason::UnknownModifier(_) => "unknown modifier",
            SkipReason::UnsupportedModifier(_) => "unsupported modifier",
            SkipReason::ModifierCombination(_) => "modifier combination",
            SkipReason::Aggregation(_) => "aggregation",
            SkipReason::Near(_) => "near",
            SkipReason::UnresolvedPlaceholder(_) => "unresolved placeholder",
            SkipReason::BadRegex { .. } => "unsupported regular expression",
            SkipReason::InvalidValue(_) => "invalid value",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Correlation => f.write_str("correlation rule (not evaluated per event)"),
            SkipReason::Filter => f.write_str("filter meta rule (not evaluated)"),
            SkipReason::UnknownModifier(m) => write!(f, "unknown modifier `{m}`"),
            SkipReason::UnsupportedModifier(m) => write!(f, "unsupported modifier `{m}`"),
            SkipReason::ModifierCombination(m) => {
                write!(f, "unsupported modifier combination `{m}`")
            }
            SkipReason::Aggregation(a) => write!(f, "unsupported aggregation `{a}`"),
            SkipReason::Near(c) => write!(f, "unsupported `near` in condition `{c}`"),
            SkipReason::UnresolvedPlaceholder(p) => write!(f, "unresolved placeholder {p}"),
            SkipReason::BadRegex { pattern, message } => {
                let first = message.lines().last().unwrap_or_default().trim();
                write!(f, "unsupported regular expression `{pattern}`: {first}")
            }
            SkipReason::InvalidValue(v) => write!(f, "invalid value: {v}"),
        }
    }
}

/// A rule that was read and not compiled, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its `id`.
    pub id: Option<String>,
    /// Its `title`.
    pub title: String,
    /// The file.
    pub path: Option<PathBuf>,
    /// The line of the unsupported part (or of the document).
    pub line: usize,
    /// Why.
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", location(self.path.as_deref(), Some(self.line)))?;
        match &self.id {
            Some(id) => write!(f, "{} ({id}): {}", self.title, self.reason),
            None => write!(f, "{}: {}", self.title, self.reason),
        }
    }
}

/// What [`RuleSet::add_path`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadSummary {
    /// Rule files read.
    pub files: usize,
    /// Rules added.
    pub rules: usize,
    /// Rules skipped (see [`RuleSet::skipped`]).
    pub skipped: usize,
    /// Files that could not be loaded (none of their rules was added).
    pub errors: Vec<LoadError>,
}

/// A rule that matched an event.
#[derive(Debug, Clone)]
pub struct RuleMatch<'r> {
    /// The rule.
    pub rule: &'r Rule,
    /// The fields that matched, with the event's values: the field name as
    /// the rule writes it (for keyword matches, the event's field name).
    pub fields: Vec<(String, String)>,
}

/// The engine: another name of [`RuleSet`].
pub type Engine = RuleSet;

/// Loaded and compiled Sigma rules, and those skipped; the engine.
///
/// `RuleSet` is `Send + Sync`: evaluate events from many threads at once
/// (see [`RuleSet::evaluate_all`]).
#[derive(Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    skipped: Vec<Skipped>,
    fields: FieldTable,
    placeholders: HashMap<String, Vec<String>>,
    /// How many [`detection::Test::Str`] the rules have.
    tests: u32,
    index: OnceLock<Index>,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .field("skipped", &self.skipped.len())
            .field("fields", &self.fields.len())
            .finish_non_exhaustive()
    }
}

/// One compiled document.
enum Compiled {
    Rule(Box<Rule>),
    Skipped(Skipped),
}

impl RuleSet {
    /// An empty rule set.
    pub fn new() -> RuleSet {
        RuleSet::default()
    }

    /// Give placeholder `%name%` its values (each a Sigma string, wildcards
    /// allowed) for `|expand` in rules added from now on.
    pub fn set_placeholder(&mut self, name: &str, values: Vec<String>) {
        self.placeholders.insert(name.to_string(), values);
    }

    /// Add the rules of one YAML text (one or more documents). All or
    /// nothing: on an error no rule of the text is added. Returns how many
    /// rules were added (skipped ones are in [`RuleSet::skipped`]).
    pub fn add_yaml(&mut self, text: &str, path: Option<&Path>) -> Result<usize, Error> {
        let docs = parse_yaml(text, path)?;
        let compiled = self.compile_docs(&docs, path)?;
        Ok(self.push(compiled).0)
    }

    /// Add the rules of a file, or of every `.yml`/`.yaml` file under a
    /// folder (recursively, in name order). A file that cannot be read or
    /// loaded is reported in the summary and adds nothing; the others are
    /// added.
    pub fn add_path(&mut self, path: &Path) -> Result<LoadSummary, Error> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let mut summary = LoadSummary::default();
        let files = if meta.is_dir() {
            let mut files = Vec::new();
            collect_files(path, &mut files, &mut summary.errors);
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        // Reading and YAML parsing in parallel; compiling in order.
        let parsed: Vec<(PathBuf, Result<Vec<Node>, LoadError>)> = files
            .into_par_iter()
            .map(|file| {
                let docs = std::fs::read_to_string(&file)
                    .map_err(|e| LoadError {
                        path: Some(file.clone()),
                        line: None,
                        rule: None,
                        message: format!("cannot read: {e}"),
                    })
                    .and_then(|text| {
                        parse_yaml(&text, Some(&file)).map_err(|e| match e {
                            Error::Load(e) => e,
                            Error::Io { source, .. } => LoadError {
                                path: Some(file.clone()),
                                line: None,
                                rule: None,
                                message: source.to_string(),
                            },
                        })
                    });
                (file, docs)
            })
            .collect();
        for (file, docs) in parsed {
            summary.files += 1;
            let result = docs.and_then(|docs| self.compile_docs(&docs, Some(&file)));
            match result {
                Ok(compiled) => {
                    let (rules, skipped) = self.push(compiled);
                    summary.rules += rules;
                    summary.skipped += skipped;
                }
                Err(e) => summary.errors.push(e),
            }
        }
        Ok(summary)
    }

    fn push(&mut self, compiled: Vec<Compiled>) -> (usize, usize) {
        let (mut rules, mut skipped) = (0, 0);
        for c in compiled {
            match c {
                Compiled::Rule(rule) => {
                    self.rules.push(*rule);
                    rules += 1;
                }
                Compiled::Skipped(s) => {
                    self.skipped.push(s);
                    skipped += 1;
                }
            }
        }
        self.index = OnceLock::new();
        (rules, skipped)
    }

    /// The compiled rules, in the order they were added.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules read and not compiled, with the reason.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// How many rules are compiled.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether no rule is compiled.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule with this `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.as_deref() == Some(id))
    }

    /// Build the evaluation index now (otherwise the first evaluation
    /// does, after every change).
    pub fn prepare(&self) {
        self.index();
    }

    fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::build(&self.rules, self.fields.len(), self.tests as usize))
    }

    /// The rules that match `event`, in rule order, each with the fields
    /// that matched.
    pub fn evaluate<'r>(&'r self, event: &Event) -> Vec<RuleMatch<'r>> {
        let index = self.index();
        eval::with_scratch(|scratch| {
            let mut ctx = Ctx::new(event, &self.fields, index, self.rules.len(), scratch);
            ctx.select(event);
            ctx.scan();
            let candidates = ctx.take_candidates();
            let mut found = Vec::new();
            for (wi, &word) in candidates.iter().enumerate() {
                let mut w = word;
                while w != 0 {
                    let ri = (wi * 64) as u32 + w.trailing_zeros();
                    w &= w - 1;
                    if !ctx.selected(ri) {
                        continue;
                    }
                    let Some(rule) = self.rules.get(ri as usize) else {
                        continue;
                    };
                    if ctx.matches(&rule.detection) {
                        let fields = ctx.evidence(&rule.detection);
                        found.push(RuleMatch { rule, fields });
                    }
                }
            }
            ctx.give_candidates(candidates);
            found
        })
    }

    /// [`RuleSet::evaluate`] on many events, in parallel (rayon); one
    /// result per event, in order.
    pub fn evaluate_all<'r>(&'r self, events: &[Event]) -> Vec<Vec<RuleMatch<'r>>> {
        self.prepare();
        events.par_iter().map(|e| self.evaluate(e)).collect()
    }

    /// Compile the documents of one text (collections resolved).
    fn compile_docs(
        &mut self,
        docs: &[Node],
        path: Option<&Path>,
    ) -> Result<Vec<Compiled>, LoadError> {
        let mut out = Vec::new();
        let mut global: Option<Node> = None;
        let mut previous: Option<Node> = None;
        for doc in docs {
            let action = doc.get("action").and_then(Node::as_str);
            let merged = match action {
                Some("global") => {
                    global = Some(without_action(doc));
                    continue;
                }
                Some("reset") => {
                    global = None;
                    continue;
                }
                Some("repeat") => {
                    let Some(base) = &previous else {
                        return Err(LoadError {
                            path: path.map(Path::to_path_buf),
                            line: Some(doc.line),
                            rule: None,
                            message: "`action: repeat` without a previous rule".into(),
                        });
                    };
                    merge(base, &without_action(doc))
                }
                Some(other) => {
                    return Err(LoadError {
                        path: path.map(Path::to_path_buf),
                        line: Some(doc.line),
                        rule: None,
                        message: format!("unknown collection action `{other}`"),
                    })
                }
                None => match &global {
                    Some(g) => merge(g, doc),
                    None => doc.clone(),
                },
            };
            out.push(self.compile_rule(&merged, path)?);
            previous = Some(merged);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_lines)]
    fn compile_rule(&mut self, doc: &Node, path: Option<&Path>) -> Result<Compiled, LoadError> {
        let error = |line: usize, rule: Option<String>, message: String| LoadError {
            path: path.map(Path::to_path_buf),
            line: Some(line),
            rule,
            message,
        };
        if !matches!(doc.kind, Kind::Map(_)) {
            return Err(error(
                doc.line,
                None,
                "a rule must be a YAML mapping".into(),
            ));
        }
        let id = doc.get("id").and_then(Node::scalar_text);
        let title = doc.get("title").and_then(Node::scalar_text);
        let name = title.clone().or_else(|| id.clone());
        let meta_skip = if doc.get("correlation").is_some() {
            Some(SkipReason::Correlation)
        } else if doc.get("filter").is_some() && doc.get("detection").is_none() {
            Some(SkipReason::Filter)
        } else {
            None
        };
        if let Some(reason) = meta_skip {
            return Ok(Compiled::Skipped(Skipped {
                id,
                title: title.unwrap_or_default(),
                path: path.map(Path::to_path_buf),
                line: doc.line,
                reason,
            }));
        }
        let Some(title) = title else {
            return Err(error(doc.line, name, "missing `title`".into()));
        };
        let parse_enum = |key: &str| -> Result<Option<(String, usize)>, LoadError> {
            match doc.get(key) {
                None => Ok(None),
                Some(n) if n.is_null() => Ok(None),
                Some(n) => match n.scalar_text() {
                    Some(t) => Ok(Some((t, n.line))),
                    None => Err(error(
                        n.line,
                        Some(title.clone()),
                        format!("`{key}` must be text"),
                    )),
                },
            }
        };
        let level = match parse_enum("level")? {
            None => Level::Medium,
            Some((t, line)) => t
                .parse::<Level>()
                .map_err(|m| error(line, Some(title.clone()), m))?,
        };
        let status = match parse_enum("status")? {
            None => Status::Experimental,
            Some((t, line)) => t
                .parse::<Status>()
                .map_err(|m| error(line, Some(title.clone()), m))?,
        };
        let logsource_node = doc.get("logsource");
        let part = |key: &str| {
            logsource_node
                .and_then(|l| l.get(key))
                .and_then(Node::scalar_text)
        };
        if let Some(l) = logsource_node {
            if !matches!(l.kind, Kind::Map(_) | Kind::Null) {
                return Err(error(
                    l.line,
                    Some(title),
                    "`logsource` must be a mapping".into(),
                ));
            }
        }
        let logsource = LogSource::new(
            part("product").as_deref(),
            part("category").as_deref(),
            part("service").as_deref(),
        );
        let related = match doc.get("related").map(|n| &n.kind) {
            Some(Kind::Seq(items)) => items
                .iter()
                .filter_map(|r| {
                    Some(Related {
                        id: r.get("id")?.scalar_text()?,
                        kind: r
                            .get("type")
                            .and_then(Node::scalar_text)
                            .unwrap_or_default(),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let Some(detection_node) = doc.get("detection") else {
            return Err(error(doc.line, Some(title), "missing `detection`".into()));
        };
        let mut compiler = Compiler {
            fields: &mut self.fields,
            placeholders: &self.placeholders,
            next_test: &mut self.tests,
        };
        let detection = match compiler.detection(detection_node) {
            Ok(d) => d,
            Err(Problem::Skip(reason, line)) => {
                return Ok(Compiled::Skipped(Skipped {
                    id,
                    title,
                    path: path.map(Path::to_path_buf),
                    line,
                    reason,
                }))
            }
            Err(Problem::Malformed(message, line)) => {
                return Err(error(line, Some(title), message))
            }
        };
        let text = |key: &str| doc.get(key).and_then(Node::scalar_text);
        Ok(Compiled::Rule(Box::new(Rule {
            id,
            title,
            level,
            status,
            description: text("description"),
            logsource,
            logsource_definition: part("definition"),
            tags: list(doc.get("tags")),
            references: list(doc.get("references")),
            author: text("author"),
            date: text("date"),
            modified: text("modified"),
            falsepositives: list(doc.get("falsepositives")),
            fields: list(doc.get("fields")),
            related,
            path: path.map(Path::to_path_buf),
            line: doc.line,
            detection,
        })))
    }
}

/// A list of texts (a lone scalar is a list of one).
fn list(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.kind) {
        Some(Kind::Seq(items)) => items.iter().filter_map(Node::scalar_text).collect(),
        Some(_) => node.and_then(Node::scalar_text).into_iter().collect(),
        None => Vec::new(),
    }
}

fn parse_yaml(text: &str, path: Option<&Path>) -> Result<Vec<Node>, Error> {
    yaml::load(text).map_err(|e| {
        Error::Load(LoadError {
            path: path.map(Path::to_path_buf),
            line: Some(e.line),
            rule: None,
            message: format!("malformed YAML: {}", e.message),
        })
    })
}

fn without_action(doc: &Node) -> Node {
    match &doc.kind {
        Kind::Map(entries) => Node {
            kind: Kind::Map(
                entries
                    .iter()
                    .filter(|(k, _)| k.text != "action")
                    .cloned()
                    .collect(),
            ),
            line: doc.line,
        },
        _ => doc.clone(),
    }
}

/// `over` on top of `base`: mappings merge key by key, anything else is
/// replaced.
fn merge(base: &Node, over: &Node) -> Node {
    match (&base.kind, &over.kind) {
        (Kind::Map(base_entries), Kind::Map(over_entries)) => {
            let mut entries = base_entries.clone();
            for (key, value) in over_entries {
                match entries.iter_mut().find(|(k, _)| k.text == key.text) {
                    Some((_, existing)) => *existing = merge(existing, value),
                    None => entries.push((key.clone(), value.clone())),
                }
            }
            Node {
                kind: Kind::Map(entries),
                line: over.line,
            }
        }
        _ => over.clone(),
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<LoadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(LoadError {
                path: Some(dir.to_path_buf()),
                line: None,
                rule: None,
                message: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let is_dir = kind.is_dir() || (kind.is_symlink() && path.is_dir());
        if is_dir {
            collect_files(&path, files, errors);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
        {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn rule_set_is_send_and_sync() {
        assert_send_sync::<RuleSet>();
        assert_send_sync::<Rule>();
    }
}
