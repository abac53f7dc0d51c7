//! The mapping engine: observations in, a [`MappingSet`] out.
//!
//! [`Engine`] routes each event to its Sigma log sources, evaluates the
//! rules on it and turns every match into evidence for the techniques the
//! rule's `attack.t…` tags name. Events stream through in chunks evaluated
//! in parallel (rayon), so memory stays flat however many events there are.
//! [`map_text`] maps report text: ATT&CK ids and names written in it, the
//! similarity model's ranking of each sentence, and the indicators of
//! compromise of each sentence linked to that sentence's techniques.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::event::{Event, LogSource, Origin};
use crate::ioc::{self, Ioc};
use crate::mapping::{Evidence, EvidenceKind, MappingSet};
use crate::read::{CommandLine, RecordError};
use crate::route::Router;
use crate::sigma::{LoadSummary, RuleMatch, RuleSet};
use crate::text::{self, TextMapper};

/// ttpmap's own rules, embedded: (path under the crate, YAML text).
pub const DEFAULT_RULES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/default_rules.rs"));

/// How many events are read before a chunk is evaluated in parallel.
pub const CHUNK: usize = 2048;

/// How long an observation's text is in evidence, at most (characters).
const OBSERVATION_CHARS: usize = 300;

/// What a run over events did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventStats {
    /// Events evaluated.
    pub events: u64,
    /// Events at least one rule matched.
    pub matched: u64,
    /// Events no log-source route matched (evaluated by rules without a
    /// log source only... and by every rule, see [`Engine::map_event`]).
    pub unrouted: u64,
    /// Records that could not be read, skipped.
    pub skipped: u64,
    /// Rule matches, in all.
    pub rule_matches: u64,
    /// Matches of rules whose tags name no technique.
    pub matches_without_technique: u64,
    /// The first record errors, with their positions.
    pub errors: Vec<String>,
    /// Matches per rule (title), the most frequent first when reported.
    pub per_rule: BTreeMap<String, u64>,
}

impl EventStats {
    /// Add the counts of another run (its errors too, up to the kept
    /// number).
    pub fn merge(&mut self, other: EventStats) {
        self.events += other.events;
        self.matched += other.matched;
        self.unrouted += other.unrouted;
        self.skipped += other.skipped;
        self.rule_matches += other.rule_matches;
        self.matches_without_technique += other.matches_without_technique;
        for error in other.errors {
            if self.errors.len() < KEPT_ERRORS {
                self.errors.push(error);
            }
        }
        for (rule, n) in other.per_rule {
            *self.per_rule.entry(rule).or_default() += n;
        }
    }
}

/// Rules and routing: evaluates events into mappings. `Send + Sync`.
#[derive(Debug)]
pub struct Engine {
    rules: RuleSet,
    router: Router,
}

/// How many record errors a run keeps (the rest are counted).
const KEPT_ERRORS: usize = 20;

impl Engine {
    /// An engine of `rules`, routing with `router`.
    pub fn new(rules: RuleSet, router: Router) -> Engine {
        rules.prepare();
        Engine { rules, router }
    }

    /// ttpmap's default rules ([`DEFAULT_RULES`]) and routing tables.
    ///
    /// ```
    /// use ttpmap_mapper::engine::Engine;
    /// use ttpmap_mapper::read::CommandLine;
    ///
    /// let engine = Engine::with_default_rules();
    /// let mappings = engine.map_command_line(&CommandLine::new("powershell.exe -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA="));
    /// assert!(mappings.get("T1059.001").is_some());
    /// assert!(mappings.get("T1027").is_some());
    /// ```
    pub fn with_default_rules() -> Engine {
        let (rules, _) = default_rules();
        Engine::new(rules, Router::shared().clone())
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The router.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Route `event`, evaluate the rules on it and add the evidence of
    /// every match to `mappings`. Returns whether a rule matched.
    pub fn map_event(
        &self,
        mut event: Event,
        mappings: &mut MappingSet,
        stats: &mut EventStats,
    ) -> bool {
        stats.events += 1;
        if !self.router.route(&mut event) {
            stats.unrouted += 1;
        }
        let matches = self.rules.evaluate(&event);
        if matches.is_empty() {
            return false;
        }
        stats.matched += 1;
        let observation = describe(&event);
        for found in &matches {
            stats.rule_matches += 1;
            *stats.per_rule.entry(found.rule.title.clone()).or_default() += 1;
            add_match(found, &observation, event.origin.as_ref(), mappings, stats);
        }
        true
    }

    /// Map a stream of events (as readers give them: a bad record is an
    /// error item, counted and skipped). Chunks of [`CHUNK`] events are
    /// evaluated in parallel; `progress` is called with the number of
    /// records done after each chunk.
    pub fn map_events<I>(
        &self,
        events: I,
        mut progress: impl FnMut(u64),
    ) -> (MappingSet, EventStats)
    where
        I: IntoIterator<Item = Result<Event, RecordError>>,
    {
        let mut mappings = MappingSet::new();
        let mut stats = EventStats::default();
        let mut chunk: Vec<Event> = Vec::with_capacity(CHUNK);
        let mut done = 0_u64;
        let flush = |chunk: &mut Vec<Event>, mappings: &mut MappingSet, stats: &mut EventStats| {
            let (set, part) = chunk
                .par_drain(..)
                .fold(
                    || (MappingSet::new(), EventStats::default()),
                    |(mut set, mut part), event| {
                        self.map_event(event, &mut set, &mut part);
                        (set, part)
                    },
                )
                .reduce(
                    || (MappingSet::new(), EventStats::default()),
                    |(mut a, mut x), (b, y)| {
                        a.merge(b);
                        x.merge(y);
                        (a, x)
                    },
                );
            mappings.merge(set);
            stats.merge(part);
        };
        for item in events {
            done += 1;
            match item {
                Ok(event) => chunk.push(event),
                Err(error) => {
                    stats.skipped += 1;
                    if stats.errors.len() < KEPT_ERRORS {
                        stats.errors.push(error.to_string());
                    }
                }
            }
            if chunk.len() >= CHUNK {
                flush(&mut chunk, &mut mappings, &mut stats);
                progress(done);
            }
        }
        if !chunk.is_empty() {
            flush(&mut chunk, &mut mappings, &mut stats);
        }
        progress(done);
        (mappings, stats)
    }

    /// Map one command line: as a process-creation event of its platform
    /// (every platform's rules when it is not known).
    pub fn map_command_line(&self, command_line: &CommandLine) -> MappingSet {
        let mut mappings = MappingSet::new();
        let mut stats = EventStats::default();
        let mut event = command_line.to_event();
        if command_line.platform.is_none() {
            // Not known: a process of any platform.
            event.logsources = ["windows", "linux", "macos"]
                .into_iter()
                .map(|p| LogSource::new(Some(p), Some("process_creation"), None))
                .collect();
        }
        let matches = self.rules.evaluate(&event);
        let observation = truncate(&command_line.command_line);
        for found in &matches {
            add_match(
                found,
                &observation,
                command_line.origin.as_ref(),
                &mut mappings,
                &mut stats,
            );
        }
        mappings
    }
}

/// The default rules compiled, with what loading them said.
pub fn default_rules() -> (RuleSet, Vec<String>) {
    let mut rules = RuleSet::new();
    let mut problems = Vec::new();
    for (path, text) in DEFAULT_RULES {
        if let Err(e) = rules.add_yaml(text, Some(std::path::Path::new(path))) {
            problems.push(format!("{path}: {e}"));
        }
    }
    (rules, problems)
}

/// Load rules from files and folders into `rules`.
pub fn load_rules(
    rules: &mut RuleSet,
    paths: &[std::path::PathBuf],
) -> Result<Vec<LoadSummary>, crate::sigma::Error> {
    paths.iter().map(|p| rules.add_path(p)).collect()
}

fn add_match(
    found: &RuleMatch<'_>,
    observation: &str,
    origin: Option<&Origin>,
    mappings: &mut MappingSet,
    stats: &mut EventStats,
) {
    let rule = found.rule;
    let techniques = rule.techniques();
    if techniques.is_empty() {
        stats.matches_without_technique += 1;
        return;
    }
    let tactics = rule.tactics();
    let evidence = Evidence {
        kind: EvidenceKind::Rule {
            id: rule.id.clone(),
            title: rule.title.clone(),
            level: rule.level.as_str().to_owned(),
        },
        observation: observation.to_owned(),
        origin: origin.cloned(),
        fields: found.fields.clone(),
        confidence: rule.confidence(),
    };
    for technique in &techniques {
        mappings.add(technique, &tactics, evidence.clone());
    }
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= OBSERVATION_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(OBSERVATION_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// A short text of what an event is: its command line, else its image,
/// else its first fields.
fn describe(event: &Event) -> String {
    for field in [
        "CommandLine",
        "ScriptBlockText",
        "Image",
        "TargetFilename",
        "TargetObject",
        "QueryName",
        "DestinationIp",
    ] {
        if let Some(text) = event.text(field).filter(|t| !t.is_empty()) {
            let prefix = event
                .text("EventID")
                .map(|id| format!("EventID {id}: "))
                .unwrap_or_default();
            return truncate(&format!("{prefix}{text}"));
        }
    }
    let fields: Vec<String> = event
        .fields()
        .take(4)
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect();
    truncate(&fields.join(" "))
}

/// What mapping a text found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TextReport {
    /// The techniques, with evidence.
    pub mappings: MappingSet,
    /// The indicators of compromise, in text order.
    pub iocs: Vec<Ioc>,
    /// Software, groups and campaigns named in the text.
    pub mentions: Vec<text::Mention>,
    /// Sentences read.
    pub sentences: usize,
}

/// Map report `text`: each sentence's techniques (ids and names written in
/// it, and the model's ranking at `min_confidence` or more), with the
/// indicators of compromise of the sentence as the evidence's fields.
pub fn map_text(
    mapper: &TextMapper,
    text: &str,
    origin: Option<&Origin>,
    min_confidence: f64,
) -> TextReport {
    let iocs = ioc::extract(text);
    let sentences = mapper.map(text, min_confidence);
    let mut report = TextReport {
        sentences: sentences.len(),
        ..TextReport::default()
    };
    for sentence in &sentences {
        let (start, end) = (sentence.sentence.start, sentence.sentence.end);
        let fields: Vec<(String, String)> = iocs
            .iter()
            .filter(|i| i.start >= start && i.end <= end)
            .map(|i| (format!("ioc.{}", i.kind.as_str()), i.value.clone()))
            .collect();
        for mention in &sentence.mentions {
            if !matches!(
                mention.kind,
                text::MentionKind::Technique | text::MentionKind::Tactic
            ) {
                report.mentions.push(mention.clone());
            }
        }
        for technique in &sentence.techniques {
            let kind = match technique.evidence {
                text::Evidence::Id => EvidenceKind::ExplicitId,
                text::Evidence::Name => EvidenceKind::Name,
                text::Evidence::Similarity => EvidenceKind::Similarity,
            };
            report.mappings.add(
                &technique.id,
                &[],
                Evidence {
                    kind,
                    observation: truncate(sentence.sentence.text.trim()),
                    origin: origin.cloned(),
                    fields: fields.clone(),
                    confidence: technique.confidence,
                },
            );
        }
    }
    report.iocs = iocs;
    report
}
