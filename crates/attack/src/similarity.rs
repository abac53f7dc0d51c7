//! Actor similarity: which groups, campaigns and software best match a set
//! of observed techniques.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::kb::KnowledgeBase;
use crate::object::{Kind, Object, Technique};
use crate::query::{Paths, Scope};

/// One ranked actor.
#[derive(Debug, Clone, Serialize)]
pub struct Similar<'kb> {
    /// The group, campaign or software.
    pub actor: Object<'kb>,
    /// Weighted share of the observed techniques the actor is known to use
    /// (0–1); rare techniques weigh more than common ones.
    pub score: f64,
    /// Observed techniques the actor is known to use.
    pub shared: Vec<Technique<'kb>>,
    /// Observed techniques the actor is not known to use.
    pub missing: Vec<Technique<'kb>>,
    /// How many techniques the actor is known to use in all.
    pub known: usize,
}

impl KnowledgeBase {
    /// Rank groups, campaigns and software by how well their known
    /// techniques match `observed`. Each technique weighs its inverse
    /// document frequency, `ln(1 + actors / actors using it)`, so a
    /// technique few actors use counts more than one everybody uses; the
    /// score is the weight of the shared techniques over the weight of all
    /// observed ones. A sub-technique observed also matches an actor known
    /// to use its parent, at half weight. Groups' techniques include those
    /// of their software and campaigns.
    ///
    /// # Performance
    ///
    /// Builds every actor's technique set: a few milliseconds on Enterprise.
    ///
    /// # Example
    ///
    /// ```
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// let observed: Vec<_> = ["T1059.001", "T1566.001", "T1003.001"]
    ///     .iter()
    ///     .map(|id| kb.technique(id))
    ///     .collect::<Result<_, _>>()?;
    /// let ranked = kb.similar_actors(&observed, 5);
    /// assert!(!ranked.is_empty());
    /// assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    /// assert_eq!(ranked[0].shared.len() + ranked[0].missing.len(), 3);
    /// # Ok::<(), ttpmap_attack::Error>(())
    /// ```
    pub fn similar_actors<'kb>(
        &'kb self,
        observed: &[Technique<'kb>],
        limit: usize,
    ) -> Vec<Similar<'kb>> {
        let mut actors: Vec<(Object<'kb>, HashSet<u32>)> = Vec::new();
        for group in self.groups(Scope::Active) {
            let set = self
                .techniques_used_by_group(group, Paths::ALL, Scope::Active)
                .iter()
                .map(|r| r.object.index())
                .collect();
            actors.push((*group, set));
        }
        for object in self
            .objects()
            .filter(|o| o.is_active() && (o.kind() == Kind::Campaign || o.kind().is_software()))
        {
            let set = self
                .uses(object, Scope::Active, |k| k == Kind::Technique)
                .iter()
                .map(|r| r.object.index())
                .collect();
            actors.push((object, set));
        }
        actors.retain(|(_, set): &(Object<'kb>, HashSet<u32>)| !set.is_empty());
        let mut frequency: HashMap<u32, usize> = HashMap::new();
        for (_, set) in &actors {
            for &t in set {
                *frequency.entry(t).or_default() += 1;
            }
        }
        let n = actors.len().max(1) as f64;
        let weight =
            |t: u32| (1.0 + n / frequency.get(&t).copied().unwrap_or(0).max(1) as f64).ln();
        let mut unique: Vec<Technique<'kb>> = Vec::new();
        for t in observed {
            if !unique.contains(t) {
                unique.push(*t);
            }
        }
        let total: f64 = unique.iter().map(|t| weight(t.index())).sum();
        let mut ranked: Vec<Similar<'kb>> = actors
            .into_iter()
            .filter_map(|(actor, set)| {
                let mut shared = Vec::new();
                let mut missing = Vec::new();
                let mut score = 0.0;
                for &t in &unique {
                    if set.contains(&t.index()) {
                        score += weight(t.index());
                        shared.push(t);
                    } else if let Some(parent) =
                        self.parent_of(t).filter(|p| set.contains(&p.index()))
                    {
                        score += weight(parent.index()) / 2.0;
                        shared.push(t);
                    } else {
                        missing.push(t);
                    }
                }
                (!shared.is_empty()).then(|| Similar {
                    actor,
                    score: score / total.max(f64::MIN_POSITIVE),
                    shared,
                    missing,
                    known: set.len(),
                })
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.known.cmp(&b.known))
                .then(a.actor.name().cmp(b.actor.name()))
        });
        ranked.truncate(limit);
        ranked
    }
}
