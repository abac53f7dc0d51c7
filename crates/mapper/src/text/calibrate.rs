//! Isotonic calibration: raw similarity scores to probabilities.

use serde::Serialize;

/// Pseudo-observations at the base rate added to each isotonic block, so a
/// block of three correct predictions does not claim certainty.
const PRIOR_STRENGTH: f64 = 2.0;

/// A monotone map from raw score to probability, fitted by isotonic
/// regression (pool adjacent violators) on held-out predictions.
///
/// Each point is `(score, probability)`; between points the probability is
/// interpolated linearly, below the first and above the last it is
/// constant. Each pooled block's probability is
/// `(correct + 2 × prior) / (predictions + 2)` with
/// `prior = (all correct + 1) / (all predictions + 2)`, then pooled again
/// so the map stays monotone: small blocks at the extremes never claim
/// certainty.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IsotonicTable {
    points: Vec<(f64, f64)>,
    /// How many held-out predictions the table was fitted on.
    observations: usize,
    /// The share of those that were correct.
    base_rate: f64,
}

impl IsotonicTable {
    /// Fit on `(score, correct)` pairs. With no pairs the table maps every
    /// score to 0.
    pub(crate) fn fit(pairs: &mut [(f64, bool)]) -> IsotonicTable {
        if pairs.is_empty() {
            return IsotonicTable::default();
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let positives = pairs.iter().filter(|p| p.1).count();
        let base_rate = positives as f64 / pairs.len() as f64;
        // The prior's centre, by Laplace's rule of succession: never 0 or
        // 1, so no block claims certainty.
        let prior = (positives as f64 + 1.0) / (pairs.len() as f64 + 2.0);
        // Equal scores form one block before pooling.
        let mut blocks: Vec<Block> = Vec::new();
        for &(x, y) in pairs.iter() {
            let value = if y { 1.0 } else { 0.0 };
            match blocks.last_mut() {
                Some(b) if b.hi.total_cmp(&x).is_eq() => b.add(value, 1.0),
                _ => blocks.push(Block {
                    lo: x,
                    hi: x,
                    sum: value,
                    weight: 1.0,
                }),
            }
        }
        let pooled = pool(blocks);
        let smoothed: Vec<Block> = pooled
            .into_iter()
            .map(|b| {
                let p = (b.sum + PRIOR_STRENGTH * prior) / (b.weight + PRIOR_STRENGTH);
                Block {
                    lo: b.lo,
                    hi: b.hi,
                    sum: p * b.weight,
                    weight: b.weight,
                }
            })
            .collect();
        let mut points = Vec::new();
        for b in pool(smoothed) {
            let p = b.sum / b.weight;
            points.push((b.lo, p));
            if b.hi > b.lo {
                points.push((b.hi, p));
            }
        }
        IsotonicTable {
            points,
            observations: pairs.len(),
            base_rate,
        }
    }

    /// The probability for a raw score.
    pub fn probability(&self, score: f64) -> f64 {
        let points = &self.points;
        let Some(&(first_x, first_y)) = points.first() else {
            return 0.0;
        };
        if score <= first_x {
            return first_y;
        }
        let i = points.partition_point(|&(x, _)| x <= score);
        if i >= points.len() {
            return points[points.len() - 1].1;
        }
        let (x0, y0) = points[i - 1];
        let (x1, y1) = points[i];
        if x1 <= x0 {
            return y1;
        }
        y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    }

    /// The `(score, probability)` points.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// How many held-out predictions the table was fitted on.
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// The share of those predictions that were correct.
    pub fn base_rate(&self) -> f64 {
        self.base_rate
    }
}

#[derive(Debug, Clone, Copy)]
struct Block {
    lo: f64,
    hi: f64,
    sum: f64,
    weight: f64,
}

impl Block {
    fn add(&mut self, value: f64, weight: f64) {
        self.sum += value;
        self.weight += weight;
    }

    fn mean(&self) -> f64 {
        self.sum / self.weight
    }
}

/// Pool adjacent violators: merge neighbouring blocks until the means are
/// increasing.
fn pool(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        out.push(block);
        while out.len() >= 2 {
            let n = out.len();
            // Equal neighbours merge too: the table stays small.
            if out[n - 2].mean() < out[n - 1].mean() {
                break;
            }
            let Some(last) = out.pop() else { break };
            let previous = &mut out[n - 2];
            previous.hi = last.hi;
            previous.add(last.sum, last.weight);
        }
    }
    out
}

/// Calibration of the similarity model: one isotonic table for the top
/// ranked technique and one for the techniques ranked below it (at the
/// same raw score, the first of a ranking is more often right).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Calibration {
    pub(crate) first: IsotonicTable,
    pub(crate) rest: IsotonicTable,
    /// When false, `first` serves every rank.
    pub(crate) by_rank: bool,
}

impl Calibration {
    /// The calibrated confidence of a technique ranked `rank` (1-based)
    /// with raw score `score`.
    pub fn confidence(&self, score: f64, rank: usize) -> f64 {
        if rank <= 1 || !self.by_rank {
            self.first.probability(score)
        } else {
            self.rest.probability(score)
        }
    }

    /// The table for the top-ranked technique (for every rank when the
    /// model does not calibrate by rank).
    pub fn first(&self) -> &IsotonicTable {
        &self.first
    }

    /// The table for techniques ranked second and below, when the model
    /// calibrates by rank.
    pub fn rest(&self) -> Option<&IsotonicTable> {
        self.by_rank.then_some(&self.rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_is_monotone_and_interpolates() {
        let mut pairs = vec![
            (0.1, false),
            (0.2, true),
            (0.3, false),
            (0.4, false),
            (0.5, true),
            (0.6, true),
            (0.7, false),
            (0.8, true),
            (0.9, true),
        ];
        let table = IsotonicTable::fit(&mut pairs);
        let ys: Vec<f64> = table.points().iter().map(|p| p.1).collect();
        assert!(ys.windows(2).all(|w| w[0] <= w[1]), "{ys:?}");
        assert!(table.probability(0.0) <= table.probability(0.55));
        assert!(table.probability(0.55) <= table.probability(1.0));
        assert!(table.probability(1.0) < 1.0, "smoothing keeps it below 1");
        assert!((table.base_rate() - 5.0 / 9.0).abs() < 1e-12);
        assert!(IsotonicTable::fit(&mut []).probability(0.5).abs() < f64::EPSILON);
    }

    #[test]
    fn pooling_merges_violators() {
        let blocks = [(1.0, 1.0), (2.0, 0.0), (3.0, 1.0)]
            .iter()
            .map(|&(x, y)| Block {
                lo: x,
                hi: x,
                sum: y,
                weight: 1.0,
            })
            .collect();
        let pooled = pool(blocks);
        assert_eq!(pooled.len(), 2);
        let equal = [(1.0, 0.0), (2.0, 0.0), (3.0, 1.0), (4.0, 1.0)]
            .iter()
            .map(|&(x, y)| Block {
                lo: x,
                hi: x,
                sum: y,
                weight: 1.0,
            })
            .collect();
        assert_eq!(pool(equal).len(), 2);
        assert!((pooled[0].mean() - 0.5).abs() < 1e-12);
        assert!((pooled[0].hi - 2.0).abs() < 1e-12);
    }
}
