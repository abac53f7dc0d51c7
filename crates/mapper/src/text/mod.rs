//! Report text to techniques: explicit ids, names and aliases, and a similarity model over ATT&CK's procedure examples.
//!
//! [`TextMapper`] is the entry point: [`TextMapper::mentions`] finds what a
//! text names explicitly (technique, tactic, software, group and campaign
//! ids and names), and [`TextMapper::map`] splits the text into
//! [`sentences`] and gives each its mentions and a ranked list of
//! techniques with a confidence. The ranking comes from [`Model`], TF-IDF
//! profiles of every technique learnt from ATT&CK itself (names,
//! descriptions and the procedure examples of `uses` relationships), whose
//! raw scores are mapped to probabilities by isotonic regression fitted on
//! held-out examples: a confidence of 0.8 means that about 80% of the
//! held-out predictions with that score were right.
//!
//! Confidence by source: an explicit technique id 1.0, a technique name or
//! alias 0.9 (less when several techniques share it), the model its
//! calibrated probability. Software, group and campaign mentions are
//! reported as mentions; expanding them to the techniques they use is the
//! caller's choice (`KnowledgeBase::techniques_used_by_software`, …).
//!
//! How the model was chosen and how well it does on the procedure examples
//! of groups it never saw: `docs/text-mapping.md`, with [`evaluate`] to
//! reproduce it.
//!
//! # Example
//!
//! ```
//! use ttpmap_mapper::text::{Evidence, MentionKind, TextMapper};
//!
//! let kb = ttpmap_attack::KnowledgeBase::sample();
//! let mapper = TextMapper::new(&kb);
//! let report = "APT28 sent Spearphishing Attachment emails (T1566.001). \
//!               The implant dumped credentials from LSASS memory with Mimikatz.";
//! let mapped = mapper.map(report, 0.5);
//! assert_eq!(mapped.len(), 2);
//!
//! let first = &mapped[0];
//! assert!(first.mentions.iter().any(|m| m.kind == MentionKind::Group && m.id == "G0007"));
//! let phishing = first.techniques.iter().find(|t| t.id == "T1566.001").unwrap();
//! assert_eq!((phishing.confidence, phishing.evidence), (1.0, Evidence::Id));
//!
//! let second = &mapped[1];
//! assert!(second.mentions.iter().any(|m| m.kind == MentionKind::Software && m.name.as_deref() == Some("Mimikatz")));
//! assert!(second.techniques.iter().any(|t| t.id == "T1003.001"));
//! ```
//!
//! # Untrusted input
//!
//! Any text is accepted: no step panics, regular expressions and the name
//! automaton run in linear time, and offsets always fall on character
//! boundaries of the input.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use ttpmap_attack::KnowledgeBase;

mod calibrate;
mod eval;
mod mention;
mod model;
mod sentence;
mod token;
mod vocab;

pub use self::calibrate::{Calibration, IsotonicTable};
pub use self::eval::{
    evaluate, held_out_groups, held_out_groups_in, reliability, Background, Case, Credit,
    Evaluation, Metrics, ReliabilityBin, Setup, ThresholdMetrics, DEPTH, RECALL_AT, THRESHOLDS,
};
pub use self::mention::{Mention, MentionKind};
pub use self::model::{Model, Options, Profile, Ranked, TrainingStats, Unit};
pub use self::sentence::{sentences, Sentence};
pub use self::token::{clean_attack_text, Features};

use self::mention::MentionIndex;

/// How many techniques the model ranks per sentence in [`TextMapper::map`].
const MAP_DEPTH: usize = 10;

/// Why a technique was mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// Its ATT&CK id is written in the sentence.
    Id,
    /// Its name is written in the sentence.
    Name,
    /// The similarity model ranked it.
    Similarity,
}

/// A technique mapped from a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechniqueMatch {
    /// The ATT&CK id.
    pub id: String,
    /// The name, when the knowledge base knows the id.
    pub name: Option<String>,
    /// The highest confidence of the evidence found.
    pub confidence: f64,
    /// The evidence with that confidence (an id before a name before the
    /// model on a tie).
    pub evidence: Evidence,
    /// The model's raw score, when it ranked the technique.
    pub similarity: Option<f64>,
    /// Whether the knowledge base knows the id (an unknown id written in
    /// the text is reported, not dropped).
    pub known: bool,
}

/// One sentence with what was found in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceMapping {
    /// The sentence, with offsets into the mapped text.
    pub sentence: Sentence,
    /// Every mention starting in the sentence, whatever its confidence.
    pub mentions: Vec<Mention>,
    /// Techniques at or above the minimum confidence, most confident
    /// first (then by id).
    pub techniques: Vec<TechniqueMatch>,
}

/// Maps report text to ATT&CK techniques: explicit mentions and the
/// similarity [`Model`].
///
/// Owns everything it needs (no borrow of the knowledge base); `Send +
/// Sync`.
#[derive(Debug, Clone)]
pub struct TextMapper {
    index: MentionIndex,
    model: Model,
}

impl TextMapper {
    /// Build the name automaton and train the model on `kb`.
    ///
    /// # Performance
    ///
    /// Dominated by [`Model::train`]: about 0.45 s in release on Enterprise
    /// 18.1 (two cores). Build once and share; [`TextMapper::with_model`]
    /// reuses a model.
    pub fn new(kb: &KnowledgeBase) -> TextMapper {
        TextMapper::with_model(kb, Model::train(kb))
    }

    /// Build the name automaton of `kb` and use an already trained model.
    pub fn with_model(kb: &KnowledgeBase, model: Model) -> TextMapper {
        TextMapper {
            index: MentionIndex::new(kb),
            model,
        }
    }

    /// The similarity model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Explicit mentions in `text`, in order of position.
    ///
    /// * Ids (word-bounded, any case): techniques `T1059`, `T1059.001`,
    ///   `T1059/001`; tactics `TA0002`; software `S0154`; groups `G0007`;
    ///   campaigns `C0015`. Unknown ids are kept with `known: false`.
    /// * Names and aliases of active techniques, sub-techniques (also as
    ///   `Parent: Sub`), multi-word tactics, software, groups and
    ///   campaigns, found in one Aho-Corasick pass, leftmost-longest,
    ///   word-bounded. Names of several words match in any case; names of
    ///   one word only as ATT&CK spells them (`PowerShell`, not
    ///   `powershell`), with at least three characters, and never when
    ///   they are stop words or generic (`Malware`, `Software`, `DLL`, …;
    ///   see `docs/text-mapping.md`).
    ///
    /// # Performance
    ///
    /// Linear in the text.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_mapper::text::{MentionKind, TextMapper};
    ///
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// let mapper = TextMapper::new(&kb);
    /// let text = "Fancy Bear ran PowerShell (t1059/001) and T1999; powershell alone is not enough.";
    /// let mentions = mapper.mentions(text);
    /// let found: Vec<(MentionKind, &str, &str, bool)> = mentions
    ///     .iter()
    ///     .map(|m| (m.kind, m.id.as_str(), &text[m.start..m.end], m.known))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         (MentionKind::Group, "G0007", "Fancy Bear", true),
    ///         (MentionKind::Technique, "T1059.001", "PowerShell", true),
    ///         (MentionKind::Technique, "T1059.001", "t1059/001", true),
    ///         (MentionKind::Technique, "T1999", "T1999", false),
    ///     ]
    /// );
    /// ```
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        self.index.find(text)
    }

    /// Split `text` into sentences and map each: its mentions, and the
    /// techniques with confidence at least `min_confidence` from explicit
    /// ids (1.0), names (0.9 or less) and the model (calibrated). Every
    /// sentence is returned, also those with nothing found.
    ///
    /// Confidences of the model were calibrated on ATT&CK procedure
    /// examples, where every sentence describes a technique; on sentences
    /// that describe none they are optimistic (see the background rate in
    /// `docs/text-mapping.md`).
    ///
    /// # Performance
    ///
    /// Linear in the text; sentences are ranked in parallel.
    pub fn map(&self, text: &str, min_confidence: f64) -> Vec<SentenceMapping> {
        let mentions = self.mentions(text);
        let found = sentences(text);
        let mut by_sentence: Vec<Vec<Mention>> = vec![Vec::new(); found.len()];
        for mention in mentions {
            // The last sentence starting at or before the mention.
            let i = found.partition_point(|s| s.start <= mention.start);
            if let Some(slot) = i.checked_sub(1).and_then(|i| by_sentence.get_mut(i)) {
                slot.push(mention);
            }
        }
        found
            .into_par_iter()
            .zip(by_sentence)
            .map(|(sentence, mentions)| {
                let techniques = self.techniques_of(&sentence, &mentions, min_confidence);
                SentenceMapping {
                    sentence,
                    mentions,
                    techniques,
                }
            })
            .collect()
    }

    fn techniques_of(
        &self,
        sentence: &Sentence,
        mentions: &[Mention],
        min_confidence: f64,
    ) -> Vec<TechniqueMatch> {
        let mut by_id: HashMap<String, TechniqueMatch> = HashMap::new();
        let mut offer = |m: TechniqueMatch| match by_id.get_mut(&m.id) {
            Some(existing) => {
                existing.similarity = existing.similarity.or(m.similarity);
                let stronger = match m.confidence.total_cmp(&existing.confidence) {
                    std::cmp::Ordering::Greater => true,
                    std::cmp::Ordering::Equal => m.evidence < existing.evidence,
                    std::cmp::Ordering::Less => false,
                };
                if stronger {
                    existing.confidence = m.confidence;
                    existing.evidence = m.evidence;
                }
            }
            None => {
                by_id.insert(m.id.clone(), m);
            }
        };
        for m in mentions.iter().filter(|m| m.kind == MentionKind::Technique) {
            let by_id_text = mention::is_id(&m.text);
            offer(TechniqueMatch {
                id: m.id.clone(),
                name: m.name.clone(),
                confidence: m.confidence,
                evidence: if by_id_text {
                    Evidence::Id
                } else {
                    Evidence::Name
                },
                similarity: None,
                known: m.known,
            });
        }
        for r in self.model.rank(&sentence.text, MAP_DEPTH) {
            offer(TechniqueMatch {
                id: r.id,
                name: Some(r.name),
                confidence: r.confidence,
                evidence: Evidence::Similarity,
                similarity: Some(r.score),
                known: true,
            });
        }
        let mut out: Vec<TechniqueMatch> = by_id
            .into_values()
            .filter(|m| m.confidence >= min_confidence)
            .collect();
        out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.id.cmp(&b.id)));
        out
    }
}
