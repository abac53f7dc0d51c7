//! Evaluation of the similarity model on the procedure examples of
//! held-out groups: ranking metrics, thresholded precision and recall, and
//! calibration reliability.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use ttpmap_attack::{Kind, KnowledgeBase, Paths, Scope};

use super::model::{Model, Options, Ranked, TrainingStats, Unit};
use super::sentence::sentences;
use super::token::{clean, Links};

/// The `k` of the reported recall@k.
pub const RECALL_AT: [usize; 4] = [1, 3, 5, 10];

/// The confidence thresholds of the reported precision, recall and F1.
pub const THRESHOLDS: [f64; 3] = [0.3, 0.5, 0.7];

/// How many ranked techniques each query keeps.
pub const DEPTH: usize = 10;

/// The held-out groups: active groups sorted by ATT&CK id, every fifth
/// one (the 5th, 10th, 15th, …), so a fifth of the groups and roughly a
/// fifth of the groups' procedure examples.
///
/// # Example
///
/// ```
/// let kb = ttpmap_attack::KnowledgeBase::sample();
/// // The sample has seven groups: the fifth by id, G0034 (Sandworm Team), is held out.
/// assert_eq!(ttpmap_mapper::text::held_out_groups(&kb), ["G0034"]);
/// ```
pub fn held_out_groups(kb: &KnowledgeBase) -> Vec<String> {
    held_out_groups_in(kb, 4)
}

/// The held-out groups of one of five rotations: active groups sorted by
/// ATT&CK id, those at positions `rotation`, `rotation + 5`, … (0-based;
/// rotation 4 is [`held_out_groups`]). The five rotations together hold
/// out every group once.
pub fn held_out_groups_in(kb: &KnowledgeBase, rotation: usize) -> Vec<String> {
    let mut ids: Vec<String> = kb
        .groups(Scope::Active)
        .iter()
        .filter_map(|g| g.attack_id().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter().skip(rotation % 5).step_by(5).collect()
}

/// When a predicted technique counts as right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credit {
    /// Only the exact id (`T1059.001` for `T1059.001`).
    Exact,
    /// The same parent technique (`T1059.003` or `T1059` for `T1059.001`).
    Parent,
}

impl Credit {
    fn matches(self, predicted: &str, gold: &str) -> bool {
        match self {
            Credit::Exact => predicted == gold,
            Credit::Parent => parent(predicted) == parent(gold),
        }
    }
}

fn parent(id: &str) -> &str {
    id.split_once('.').map_or(id, |(p, _)| p)
}

/// One evaluated query: the right techniques and the model's ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The techniques the query's procedure example is attached to.
    pub gold: Vec<String>,
    /// The ranking, best first.
    pub ranked: Vec<Ranked>,
}

/// Precision, recall and F1 of the predictions at or above a confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThresholdMetrics {
    /// The confidence threshold.
    pub threshold: f64,
    /// Predictions at or above it, over all queries.
    pub predictions: usize,
    /// Those that were right.
    pub correct: usize,
    /// `correct / predictions` (0 without predictions).
    pub precision: f64,
    /// Right techniques found by a prediction, over all right techniques.
    pub recall: f64,
    /// The harmonic mean of precision and recall.
    pub f1: f64,
}

/// Ranking and threshold metrics over a set of [`Case`]s.
///
/// Queries without a right technique are skipped. A query with several
/// right techniques (identical example texts attached to several
/// techniques) counts each for recall.
///
/// * `precision_at_1`: share of queries whose first technique is right.
/// * `recall_at`: `(k, r)`, the mean over queries of the share of right
///   techniques among the first `k` (under [`Credit::Parent`], a right
///   technique is found when a ranked one shares its parent).
/// * `mrr`: mean of 1 / the rank of the first right technique (0 when none
///   is ranked).
/// * `thresholds`: micro-averaged over all queries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// The credit rule.
    pub credit: Credit,
    /// Queries scored.
    pub queries: usize,
    /// Precision of the top technique.
    pub precision_at_1: f64,
    /// Recall at each `k` of [`RECALL_AT`].
    pub recall_at: Vec<(usize, f64)>,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// At each of [`THRESHOLDS`].
    pub thresholds: Vec<ThresholdMetrics>,
}

impl Metrics {
    /// Compute the metrics of `cases` under `credit`.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_mapper::text::{Case, Credit, Metrics, Ranked};
    ///
    /// let ranked = |id: &str, confidence| Ranked { id: id.into(), name: String::new(), score: confidence, confidence };
    /// let cases = [Case { gold: vec!["T1059.001".into()], ranked: vec![ranked("T1059.003", 0.6), ranked("T1059.001", 0.4)] }];
    /// let exact = Metrics::compute(&cases, Credit::Exact);
    /// assert_eq!((exact.precision_at_1, exact.mrr), (0.0, 0.5));
    /// let parent = Metrics::compute(&cases, Credit::Parent);
    /// assert_eq!((parent.precision_at_1, parent.mrr), (1.0, 1.0));
    /// ```
    pub fn compute(cases: &[Case], credit: Credit) -> Metrics {
        let cases: Vec<&Case> = cases.iter().filter(|c| !c.gold.is_empty()).collect();
        let n = cases.len();
        let mean = |sum: f64| if n == 0 { 0.0 } else { sum / n as f64 };
        let right =
            |predicted: &str, case: &Case| case.gold.iter().any(|g| credit.matches(predicted, g));
        let p1 = cases
            .iter()
            .filter(|c| c.ranked.first().is_some_and(|r| right(&r.id, c)))
            .count();
        let recall_at = RECALL_AT
            .iter()
            .map(|&k| {
                let sum: f64 = cases
                    .iter()
                    .map(|c| {
                        let top = &c.ranked[..k.min(c.ranked.len())];
                        let found = c
                            .gold
                            .iter()
                            .filter(|g| top.iter().any(|r| credit.matches(&r.id, g)))
                            .count();
                        found as f64 / c.gold.len() as f64
                    })
                    .sum();
                (k, mean(sum))
            })
            .collect();
        let mrr: f64 = cases
            .iter()
            .map(|c| {
                c.ranked
                    .iter()
                    .position(|r| right(&r.id, c))
                    .map_or(0.0, |p| 1.0 / (p + 1) as f64)
            })
            .sum();
        let gold_total: usize = cases.iter().map(|c| c.gold.len()).sum();
        let thresholds = THRESHOLDS
            .iter()
            .map(|&threshold| {
                let (mut predictions, mut correct, mut found) = (0, 0, 0);
                for c in &cases {
                    let kept: Vec<&Ranked> = c
                        .ranked
                        .iter()
                        .filter(|r| r.confidence >= threshold)
                        .collect();
                    predictions += kept.len();
                    correct += kept.iter().filter(|r| right(&r.id, c)).count();
                    found += c
                        .gold
                        .iter()
                        .filter(|g| kept.iter().any(|r| credit.matches(&r.id, g)))
                        .count();
                }
                let precision = ratio(correct, predictions);
                let recall = ratio(found, gold_total);
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                ThresholdMetrics {
                    threshold,
                    predictions,
                    correct,
                    precision,
                    recall,
                    f1,
                }
            })
            .collect();
        Metrics {
            credit,
            queries: n,
            precision_at_1: mean(p1 as f64),
            recall_at,
            mrr: mean(mrr),
            thresholds,
        }
    }

    /// Recall at `k`, when `k` is one of [`RECALL_AT`].
    pub fn recall(&self, k: usize) -> Option<f64> {
        self.recall_at
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, r)| *r)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Predictions whose confidence falls in `[lower, upper)` (the last bin
/// includes 1), with how often they were right (exact id).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower bound of the confidence.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Predictions in the bin.
    pub predictions: usize,
    /// Their mean confidence.
    pub mean_confidence: f64,
    /// The share that was right.
    pub precision: f64,
}

/// Reliability of the confidence over every ranked prediction, in ten
/// bins of width 0.1, and the expected calibration error (the
/// prediction-weighted mean of |precision − mean confidence| over bins).
pub fn reliability(cases: &[Case]) -> (Vec<ReliabilityBin>, f64) {
    const BINS: usize = 10;
    let mut sums = [(0usize, 0f64, 0usize); BINS];
    for c in cases {
        for r in &c.ranked {
            let bin = ((r.confidence * BINS as f64) as usize).min(BINS - 1);
            sums[bin].0 += 1;
            sums[bin].1 += r.confidence;
            sums[bin].2 += usize::from(c.gold.contains(&r.id));
        }
    }
    let total: usize = sums.iter().map(|s| s.0).sum();
    let mut ece = 0.0;
    let bins = sums
        .iter()
        .enumerate()
        .map(|(i, &(n, confidence, right))| {
            let mean_confidence = if n == 0 { 0.0 } else { confidence / n as f64 };
            let precision = ratio(right, n);
            if total > 0 {
                ece += n as f64 / total as f64 * (precision - mean_confidence).abs();
            }
            ReliabilityBin {
                lower: i as f64 / BINS as f64,
                upper: (i + 1) as f64 / BINS as f64,
                predictions: n,
                mean_confidence,
                precision,
            }
        })
        .collect();
    (bins, ece)
}

/// How to run [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setup {
    /// Which fifth of the groups is held out (see [`held_out_groups_in`]);
    /// 4 by default, the split of [`held_out_groups`].
    pub rotation: usize,
    /// The model's options.
    pub options: Options,
    /// Queries are whole procedure examples or their sentences.
    pub unit: Unit,
    /// Also leave out the examples of campaigns attributed to the held-out
    /// groups (which often repeat the group's own examples).
    pub strict: bool,
}

impl Default for Setup {
    fn default() -> Setup {
        Setup {
            rotation: 4,
            options: Options::default(),
            unit: Unit::default(),
            strict: false,
        }
    }
}

/// How often background text (sentences of the held-out groups'
/// descriptions: attribution and victims, rarely procedures) gets a
/// top-ranked technique at or above each threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Background {
    /// Sentences scored.
    pub sentences: usize,
    /// `(threshold, share of sentences)` for each of [`THRESHOLDS`].
    pub rates: Vec<(f64, f64)>,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The setup evaluated.
    pub setup: Setup,
    /// ATT&CK ids of the held-out groups.
    pub held_out_groups: Vec<String>,
    /// Held-out procedure examples (relationships).
    pub examples: usize,
    /// Queries after merging identical texts (and splitting sentences).
    pub queries: usize,
    /// Metrics with exact-id credit.
    pub exact: Metrics,
    /// Metrics with same-parent credit.
    pub parent: Metrics,
    /// Calibration reliability (exact credit).
    pub reliability: Vec<ReliabilityBin>,
    /// Expected calibration error.
    pub expected_calibration_error: f64,
    /// False alarms on background text.
    pub background: Background,
    /// Counts from training.
    pub stats: TrainingStats,
    /// Wall time of training, in seconds.
    pub training_seconds: f64,
    /// Queries ranked per second on one thread.
    pub queries_per_second: f64,
    /// Every query's right techniques and ranking, e.g. to pool the five
    /// rotations.
    pub cases: Vec<Case>,
}

/// Train without the held-out groups' direct procedure examples, rank each
/// held-out example (or sentence), and measure.
///
/// # Performance
///
/// One training and a ranking of a few thousand queries: a few seconds in
/// release on Enterprise.
pub fn evaluate(kb: &KnowledgeBase, setup: &Setup) -> Evaluation {
    let held = held_out_groups_in(kb, setup.rotation);
    let held_set: HashSet<&str> = held.iter().map(String::as_str).collect();
    let groups: Vec<_> = kb
        .groups(Scope::Active)
        .into_iter()
        .filter(|g| g.attack_id().is_some_and(|id| held_set.contains(id)))
        .collect();
    let mut excluded_campaigns: HashSet<&str> = HashSet::new();
    if setup.strict {
        for g in &groups {
            for c in kb.campaigns_attributed_to_group(*g, Scope::Active) {
                excluded_campaigns.insert(c.object.stix_id().as_str());
            }
        }
    }
    let started = Instant::now();
    let model = Model::train_with(kb, &setup.options, |source| match source.kind() {
        Kind::Group => source.attack_id().is_some_and(|id| held_set.contains(id)),
        Kind::Campaign => excluded_campaigns.contains(source.stix_id().as_str()),
        _ => false,
    });
    let training_seconds = started.elapsed().as_secs_f64();

    // Held-out queries: identical texts merged, their techniques united.
    let mut examples = 0;
    let mut order: Vec<String> = Vec::new();
    let mut gold: HashMap<String, Vec<String>> = HashMap::new();
    for g in &groups {
        for r in kb.techniques_used_by_group(*g, Paths::DIRECT, Scope::Active) {
            let (Some(text), Some(id)) = (r.description(), r.object.attack_id()) else {
                continue;
            };
            examples += 1;
            let text = clean(text, Links::KeepText);
            let units = match setup.unit {
                Unit::Example => vec![text],
                Unit::Sentence => sentences(&text).into_iter().map(|s| s.text).collect(),
            };
            for unit in units {
                let entry = gold.entry(unit.clone()).or_insert_with(|| {
                    order.push(unit);
                    Vec::new()
                });
                if !entry.iter().any(|e| e == id) {
                    entry.push(id.to_owned());
                }
            }
        }
    }
    let started = Instant::now();
    let ranked: Vec<Vec<Ranked>> = order.iter().map(|q| model.rank(q, DEPTH)).collect();
    let seconds = started.elapsed().as_secs_f64();
    let cases: Vec<Case> = order
        .iter()
        .zip(ranked)
        .map(|(q, ranked)| Case {
            gold: gold.get(q).cloned().unwrap_or_default(),
            ranked,
        })
        .collect();
    let (reliability, expected_calibration_error) = reliability(&cases);
    Evaluation {
        setup: setup.clone(),
        held_out_groups: held.clone(),
        examples,
        queries: cases.len(),
        exact: Metrics::compute(&cases, Credit::Exact),
        parent: Metrics::compute(&cases, Credit::Parent),
        reliability,
        expected_calibration_error,
        background: background(&model, &groups),
        stats: model.stats(),
        training_seconds,
        queries_per_second: if seconds > 0.0 {
            cases.len() as f64 / seconds
        } else {
            0.0
        },
        cases,
    }
}

fn background(model: &Model, groups: &[ttpmap_attack::Group<'_>]) -> Background {
    let texts: Vec<String> = groups
        .iter()
        .filter_map(|g| g.description())
        .flat_map(|d| {
            let cleaned = clean(d, Links::KeepText);
            sentences(&cleaned)
                .into_iter()
                .map(|s| s.text)
                .collect::<Vec<_>>()
        })
        .collect();
    let top: Vec<f64> = texts
        .par_iter()
        .map(|t| model.rank(t, 1).first().map_or(0.0, |r| r.confidence))
        .collect();
    Background {
        sentences: top.len(),
        rates: THRESHOLDS
            .iter()
            .map(|&t| (t, ratio(top.iter().filter(|&&c| c >= t).count(), top.len())))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents() {
        assert_eq!(parent("T1059.001"), "T1059");
        assert_eq!(parent("T1059"), "T1059");
        assert!(Credit::Parent.matches("T1059", "T1059.001"));
        assert!(!Credit::Exact.matches("T1059", "T1059.001"));
    }
}
