//! Mappings: techniques with their tactics, confidence and evidence.
//!
//! A [`MappingSet`] gathers evidence per technique from any source (a Sigma
//! rule matching an event, an ATT&CK id or name written in a report, the
//! text model ranking a sentence) and aggregates it: one [`Mapping`] per
//! technique, its confidence the chance that at least one piece of evidence
//! is right (noisy-or), evidence de-duplicated and sampled so memory does
//! not grow with the number of events. A set turns into an ATT&CK Navigator
//! layer ([`MappingSet::to_layer`]) and a STIX 2.1 bundle
//! ([`MappingSet::to_stix`]) whose relationships point at the techniques'
//! real attack-pattern ids.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ttpmap_attack::{KnowledgeBase, Technique};

use crate::event::Origin;

/// How many pieces of evidence a mapping keeps (the rest are counted).
pub const EVIDENCE_SAMPLES: usize = 20;

/// What a piece of evidence is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// A Sigma rule matched an event.
    Rule {
        /// The rule's id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The rule's title.
        title: String,
        /// The rule's level (`high`, …).
        level: String,
    },
    /// The technique's ATT&CK id is written in the text.
    ExplicitId,
    /// The technique's name is written in the text.
    Name,
    /// The text model ranked the technique for a sentence.
    Similarity,
}

/// One reason to map an observation to a technique.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// What it is.
    #[serde(flatten)]
    pub kind: EvidenceKind,
    /// The observation it comes from: a command line, an event summary, a
    /// sentence.
    pub observation: String,
    /// Where the observation was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The fields that matched, as (field, value); for text, the matched
    /// words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
    /// How sure this piece of evidence is, 0 to 1.
    pub confidence: f64,
}

/// A technique the observations show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapping {
    /// The ATT&CK id, upper-case (`T1059.001`).
    pub technique_id: String,
    /// The technique's name, when the knowledge base knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The STIX id of the technique, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stix_id: Option<String>,
    /// Its tactics (shortnames): those the evidence names, else the
    /// technique's own.
    pub tactics: Vec<String>,
    /// How sure the mapping is: 1 − Π(1 − cᵢ) over its distinct evidence.
    pub confidence: f64,
    /// How many times evidence was added (every event counts).
    pub count: u64,
    /// A sample of the evidence, strongest first, at most
    /// [`EVIDENCE_SAMPLES`].
    pub evidence: Vec<Evidence>,
    /// Whether the loaded ATT&CK release knows the technique (ids of newer
    /// releases are kept, and reported).
    pub known: bool,
}

/// The techniques mapped from a set of observations.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MappingSet {
    mappings: BTreeMap<String, Mapping>,
    /// Per technique: the best confidence per distinct evidence source
    /// (rule id, text kind), for the noisy-or.
    #[serde(skip)]
    sources: BTreeMap<String, BTreeMap<EvidenceKind, f64>>,
    /// Tactic shortnames the evidence named per technique.
    #[serde(skip)]
    tactic_hints: BTreeMap<String, BTreeSet<String>>,
}

impl MappingSet {
    /// An empty set.
    pub fn new() -> MappingSet {
        MappingSet::default()
    }

    /// Add evidence that `technique_id` was observed; `tactics` are tactic
    /// shortnames the evidence names (a rule's tactic tags), possibly none.
    pub fn add(&mut self, technique_id: &str, tactics: &[String], evidence: Evidence) {
        let id = technique_id.trim().to_ascii_uppercase().replace('/', ".");
        let mapping = self.mappings.entry(id.clone()).or_insert_with(|| Mapping {
            technique_id: id.clone(),
            name: None,
            stix_id: None,
            tactics: Vec::new(),
            confidence: 0.0,
            count: 0,
            evidence: Vec::new(),
            known: false,
        });
        mapping.count += 1;
        let hints = self.tactic_hints.entry(id.clone()).or_default();
        hints.extend(tactics.iter().map(|t| t.replace('_', "-")));
        let sources = self.sources.entry(id).or_default();
        let best = sources.entry(evidence.kind.clone()).or_insert(0.0);
        *best = best.max(evidence.confidence.clamp(0.0, 1.0));
        mapping.confidence = 1.0 - sources.values().map(|c| 1.0 - c).product::<f64>();
        let duplicate = mapping
            .evidence
            .iter()
            .any(|e| e.kind == evidence.kind && e.observation == evidence.observation);
        if duplicate {
            return;
        }
        // Kept strongest first, so the weakest sample is the last one.
        if mapping.evidence.len() >= EVIDENCE_SAMPLES {
            if mapping
                .evidence
                .last()
                .is_some_and(|weakest| weakest.confidence >= evidence.confidence)
            {
                return;
            }
            mapping.evidence.pop();
        }
        let at = mapping
            .evidence
            .partition_point(|e| e.confidence >= evidence.confidence);
        mapping.evidence.insert(at, evidence);
    }

    /// Everything in `other`, added to this set.
    pub fn merge(&mut self, other: MappingSet) {
        for (id, mapping) in other.mappings {
            let tactics: Vec<String> = other
                .tactic_hints
                .get(&id)
                .map(|t| t.iter().cloned().collect())
                .unwrap_or_default();
            let extra = mapping.count.saturating_sub(mapping.evidence.len() as u64);
            for evidence in mapping.evidence {
                self.add(&id, &tactics, evidence);
            }
            if let Some(m) = self.mappings.get_mut(&id) {
                m.count += extra;
            }
            if let (Some(theirs), Some(ours)) = (other.sources.get(&id), self.sources.get_mut(&id))
            {
                for (kind, confidence) in theirs {
                    let best = ours.entry(kind.clone()).or_insert(0.0);
                    *best = best.max(*confidence);
                }
                if let Some(m) = self.mappings.get_mut(&id) {
                    m.confidence = 1.0 - ours.values().map(|c| 1.0 - c).product::<f64>();
                }
            }
        }
    }

    /// Fill in names, STIX ids and tactics from the knowledge base, and
    /// mark techniques it does not know.
    pub fn resolve(&mut self, kb: &KnowledgeBase) {
        for (id, mapping) in &mut self.mappings {
            let technique = kb.by_attack_id(id).and_then(Technique::try_from_object);
            let own: Vec<String> = technique
                .map(|t| {
                    kb.tactics_of(t)
                        .iter()
                        .map(|x| x.shortname().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let hints = self.tactic_hints.get(id);
            mapping.known = technique.is_some();
            mapping.name = technique.map(|t| t.name().to_owned());
            mapping.stix_id = technique.map(|t| t.stix_id().as_str().to_owned());
            // The tactics the evidence names that the technique has; all of
            // its own when the evidence names none of them.
            let named: Vec<String> = own
                .iter()
                .filter(|t| hints.is_some_and(|h| h.contains(*t)))
                .cloned()
                .collect();
            mapping.tactics = if !named.is_empty() {
                named
            } else if !own.is_empty() {
                own
            } else {
                hints
                    .map(|h| h.iter().cloned().collect())
                    .unwrap_or_default()
            };
        }
    }

    /// The mappings, by technique id.
    pub fn mappings(&self) -> impl Iterator<Item = &Mapping> + '_ {
        self.mappings.values()
    }

    /// The mapping of `technique_id`.
    pub fn get(&self, technique_id: &str) -> Option<&Mapping> {
        self.mappings.get(&technique_id.to_ascii_uppercase())
    }

    /// Only the mappings with at least `min` confidence.
    pub fn with_min_confidence(mut self, min: f64) -> MappingSet {
        self.mappings.retain(|_, m| m.confidence >= min);
        let kept: BTreeSet<String> = self.mappings.keys().cloned().collect();
        self.sources.retain(|k, _| kept.contains(k));
        self.tactic_hints.retain(|k, _| kept.contains(k));
        self
    }

    /// How many techniques are mapped.
    pub fn len(&self) -> usize {
        self.mappings.len()
    }

    /// Whether nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.mappings.is_empty()
    }

    /// The technique ids the loaded release does not know (after
    /// [`MappingSet::resolve`]).
    pub fn unknown(&self) -> Vec<&str> {
        self.mappings
            .values()
            .filter(|m| !m.known)
            .map(|m| m.technique_id.as_str())
            .collect()
    }
}
