//! The similarity model: TF-IDF technique profiles learnt from ATT&CK,
//! an inverted index, and calibrated confidence.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use ttpmap_attack::{Kind, KnowledgeBase, Object, Scope, Technique};

use super::calibrate::{Calibration, IsotonicTable};
use super::sentence::sentences;
use super::token::{clean, Features, Links};
use super::vocab::{terms, Interning, Lookup, Vocabulary};

/// How a technique's documents combine into its profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// The weighted sum of each document's unit-length TF-IDF vector (a
    /// Rocchio centroid): every procedure example counts the same however
    /// long it is (the default).
    #[default]
    Centroid,
    /// One TF-IDF vector over the term counts of all documents together,
    /// with `ln(1 + count)` damping.
    Concatenated,
}

/// What one evaluation or calibration query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A whole procedure example (most are one sentence).
    Example,
    /// Each sentence of a procedure example, labelled with the example's
    /// techniques: what [`TextMapper::map`](super::TextMapper::map) scores
    /// (the default).
    #[default]
    Sentence,
}

/// Settings of [`Model::train_with`]. The default is the configuration
/// with the best cross-validated mean reciprocal rank
/// ([`TrainingStats::cv_mrr`]) in the grid of `docs/text-mapping.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    /// Words, stemmed words or character n-grams.
    pub features: Features,
    /// Add pairs of neighbouring words as features (not with character
    /// n-grams).
    pub bigrams: bool,
    /// How documents combine into a technique's profile.
    pub profile: Profile,
    /// Weight of the technique's name in its profile.
    pub name_weight: f32,
    /// Weight of the technique's description in its profile.
    pub description_weight: f32,
    /// Weight of a sub-technique's documents in its parent's profile (0:
    /// a parent is described only by its own documents).
    pub subtechnique_weight: f32,
    /// Keep the names of linked groups, software and campaigns
    /// (`[Mimikatz](…)`) in the training text, so tools named in a sentence
    /// count as evidence (the default); otherwise they are dropped and the
    /// model learns from the described behaviour alone.
    pub entity_names: bool,
    /// Folds of the cross-fitting that produces held-out scores for
    /// calibration (fewer than 2: no calibration, confidence 0).
    pub calibration_folds: usize,
    /// Separate calibration for the top-ranked technique and the others.
    pub calibrate_by_rank: bool,
    /// What a calibration query is.
    pub calibration_unit: Unit,
    /// How many ranked techniques per query feed the calibration.
    pub calibration_depth: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            features: Features::Stemmed,
            bigrams: true,
            profile: Profile::Centroid,
            name_weight: 1.0,
            description_weight: 5.0,
            subtechnique_weight: 0.0,
            entity_names: true,
            calibration_folds: 5,
            calibrate_by_rank: true,
            calibration_unit: Unit::Sentence,
            calibration_depth: 10,
        }
    }
}

/// One ranked technique.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The technique's ATT&CK id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The raw cosine similarity of the text and the technique's profile,
    /// from 0 to 1.
    pub score: f64,
    /// The calibrated probability that the technique is right: on held-out
    /// procedure examples, about this share of predictions with this score
    /// and rank were correct.
    pub confidence: f64,
}

/// Counts from training.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct TrainingStats {
    /// Techniques with a profile.
    pub techniques: usize,
    /// Procedure examples used.
    pub examples: usize,
    /// Distinct features (the vocabulary).
    pub terms: usize,
    /// Held-out queries scored to fit the calibration.
    pub calibration_queries: usize,
    /// `(score, correct)` pairs the calibration was fitted on.
    pub calibration_pairs: usize,
    /// Cross-validated precision of the top technique over the calibration
    /// queries (each ranked by a model trained without its fold): a
    /// measure of the options that needs no held-out groups.
    pub cv_precision_at_1: f64,
    /// Cross-validated mean reciprocal rank (within the calibration depth)
    /// over the calibration queries.
    pub cv_mrr: f64,
}

/// The similarity model: a TF-IDF profile for every active technique, learnt
/// from its name, description and procedure examples, searched through an
/// inverted index, with confidence calibrated on held-out examples.
///
/// The model owns its data (no borrow of the knowledge base) and is
/// `Send + Sync`: train once, share it between threads.
///
/// # Example
///
/// ```
/// use ttpmap_mapper::text::Model;
///
/// let kb = ttpmap_attack::KnowledgeBase::sample();
/// let model = Model::train(&kb);
/// let ranked = model.rank("The actor dumped credentials from LSASS memory", 3);
/// assert_eq!(ranked[0].id, "T1003.001");
/// assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
/// ```
#[derive(Clone)]
pub struct Model {
    options: Options,
    techniques: Vec<TechniqueInfo>,
    vocabulary: Vocabulary,
    index: Index,
    calibration: Calibration,
    stats: TrainingStats,
}

impl std::fmt::Debug for Model {
    /// The options and counts; the vocabulary and index are too big to show.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("options", &self.options)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct TechniqueInfo {
    id: String,
    name: String,
    parent: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocKind {
    Name,
    Description,
    Example,
}

/// A training document as term counts.
struct Doc {
    technique: u32,
    kind: DocKind,
    /// The calibration fold of the example's source (none for names and
    /// descriptions, which every fold keeps).
    fold: Option<usize>,
    terms: Vec<(u32, f32)>,
}

/// A document before tokenisation.
struct RawDoc<'kb> {
    technique: u32,
    kind: DocKind,
    source: Option<&'kb str>,
    /// The text as ATT&CK writes it.
    original: &'kb str,
    /// Cleaned for training.
    train: String,
    /// An example cleaned as a reader would see it (entity names kept).
    query: Option<String>,
}

/// A held-out query of the calibration.
struct CalibrationQuery {
    fold: usize,
    gold: Vec<u32>,
    terms: Vec<(u32, f32)>,
}

impl Model {
    /// Train on every active technique of `kb` with the default
    /// [`Options`].
    ///
    /// # Performance
    ///
    /// Enterprise 18.1 (691 techniques, about 16,000 procedure examples):
    /// about 0.45 s in release on two cores, calibration (five more
    /// indexes, 16,000 held-out queries) included; see `benches/text.rs`.
    pub fn train(kb: &KnowledgeBase) -> Model {
        Model::train_with(kb, &Options::default(), |_| false)
    }

    /// Train without the direct procedure examples (`uses` relationships)
    /// of the groups whose ATT&CK ids (any case) are in `held_out_groups`.
    /// Their software's and campaigns' examples stay.
    ///
    /// # Example
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use ttpmap_mapper::text::Model;
    ///
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// let all = Model::train(&kb);
    /// let without = Model::train_excluding(&kb, &HashSet::from(["G0007"]));
    /// assert!(without.stats().examples < all.stats().examples);
    /// ```
    pub fn train_excluding(kb: &KnowledgeBase, held_out_groups: &HashSet<&str>) -> Model {
        let held: HashSet<String> = held_out_groups
            .iter()
            .map(|g| g.trim().to_ascii_uppercase())
            .collect();
        Model::train_with(kb, &Options::default(), |source| {
            source.kind() == Kind::Group
                && source
                    .attack_id()
                    .is_some_and(|id| held.contains(&id.to_ascii_uppercase()))
        })
    }

    /// Train with explicit options, leaving out every procedure example
    /// whose source (group, software or campaign) `exclude` accepts.
    pub fn train_with(
        kb: &KnowledgeBase,
        options: &Options,
        exclude: impl Fn(Object<'_>) -> bool,
    ) -> Model {
        let folds = options.calibration_folds;
        let (techniques, raw) = collect(kb, options, &exclude);
        let bigrams = options.bigrams && options.features != Features::CharNgrams;
        let mut vocabulary = Vocabulary::default();
        let mut resolver = Interning::new(&mut vocabulary, options.features);
        let mut scratch = Vec::new();
        let docs: Vec<Doc> = raw
            .iter()
            .map(|d| Doc {
                technique: d.technique,
                kind: d.kind,
                fold: d.source.filter(|_| folds > 1).map(|s| fold_of(s, folds)),
                terms: terms(&mut resolver, &d.train, bigrams, &mut scratch),
            })
            .collect();
        // From here on the vocabulary is complete: queries look words up.
        resolver.intern = false;
        let queries = calibration_queries(&raw, &docs, options.calibration_unit, |text| {
            terms(&mut resolver, text, bigrams, &mut scratch)
        });
        let mut model = Model {
            options: options.clone(),
            techniques,
            vocabulary,
            index: Index::default(),
            calibration: Calibration::default(),
            stats: TrainingStats::default(),
        };
        let (calibration, pairs, cv) = model.calibrate(&docs, &queries);
        model.calibration = calibration;
        model.index = Index::build(
            &docs,
            &model.techniques,
            model.vocabulary.len(),
            options,
            |_| true,
        );
        model.stats = TrainingStats {
            techniques: model.techniques.len(),
            examples: docs.iter().filter(|d| d.kind == DocKind::Example).count(),
            terms: model.vocabulary.len(),
            calibration_queries: queries.len(),
            calibration_pairs: pairs,
            cv_precision_at_1: cv.0,
            cv_mrr: cv.1,
        };
        model
    }

    /// The `k` techniques most similar to `text`, best first, with raw
    /// score and calibrated confidence. Techniques sharing no feature with
    /// the text are never returned; ties are broken by ATT&CK id.
    ///
    /// # Performance
    ///
    /// Tokenisation plus one pass over the posting lists of the text's
    /// features: tens of microseconds for a sentence.
    pub fn rank(&self, text: &str, k: usize) -> Vec<Ranked> {
        let terms = self.query_terms(&clean(text, Links::KeepText));
        let mut scratch = Vec::new();
        self.index
            .top(&terms, k, &mut scratch)
            .into_iter()
            .enumerate()
            .map(|(rank, (t, score))| {
                let info = &self.techniques[t as usize];
                let score = f64::from(score);
                Ranked {
                    id: info.id.clone(),
                    name: info.name.clone(),
                    score,
                    confidence: self.calibration.confidence(score, rank + 1),
                }
            })
            .collect()
    }

    /// The calibration tables.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The options the model was trained with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Counts from training.
    pub fn stats(&self) -> TrainingStats {
        self.stats
    }

    fn query_terms(&self, text: &str) -> Vec<(u32, f32)> {
        let mut resolver = Lookup {
            vocabulary: &self.vocabulary,
            kind: self.options.features,
            lower: String::new(),
        };
        let bigrams = self.options.bigrams && self.options.features != Features::CharNgrams;
        terms(&mut resolver, text, bigrams, &mut Vec::new())
    }

    /// Cross-fitting: for each fold, a model without that fold's examples
    /// ranks the fold's queries; isotonic regression maps the held-out
    /// scores to the share that was right.
    ///
    /// Returns the calibration, the number of pairs, and the
    /// cross-validated precision at 1 and mean reciprocal rank.
    fn calibrate(
        &self,
        docs: &[Doc],
        queries: &[CalibrationQuery],
    ) -> (Calibration, usize, (f64, f64)) {
        let options = &self.options;
        let folds = options.calibration_folds;
        if folds < 2 {
            return (Calibration::default(), 0, (0.0, 0.0));
        }
        // (score, rank, correct)
        let pairs: Vec<(f64, usize, bool)> = (0..folds)
            .into_par_iter()
            .flat_map_iter(|fold| {
                let index = Index::build(
                    docs,
                    &self.techniques,
                    self.vocabulary.len(),
                    options,
                    |d| d.fold != Some(fold),
                );
                let mut scratch = Vec::new();
                let mut out = Vec::new();
                for q in queries.iter().filter(|q| q.fold == fold) {
                    let ranked = index.top(&q.terms, options.calibration_depth, &mut scratch);
                    for (rank, (t, score)) in ranked.into_iter().enumerate() {
                        out.push((f64::from(score), rank, q.gold.contains(&t)));
                    }
                }
                out
            })
            .collect();
        let mut first: Vec<(f64, bool)> = Vec::new();
        let mut rest: Vec<(f64, bool)> = Vec::new();
        let (mut hits_at_1, mut reciprocal) = (0usize, 0f64);
        // Ranks restart at 0 for each query; a query's first right
        // technique is its only one counted.
        let mut found = false;
        for &(score, rank, correct) in &pairs {
            if rank == 0 {
                found = false;
                hits_at_1 += usize::from(correct);
            }
            if correct && !found {
                found = true;
                reciprocal += 1.0 / (rank + 1) as f64;
            }
            if rank == 0 || !options.calibrate_by_rank {
                first.push((score, correct));
            } else {
                rest.push((score, correct));
            }
        }
        let calibration = Calibration {
            first: IsotonicTable::fit(&mut first),
            rest: IsotonicTable::fit(&mut rest),
            by_rank: options.calibrate_by_rank,
        };
        let n = queries.len().max(1) as f64;
        (
            calibration,
            pairs.len(),
            (hits_at_1 as f64 / n, reciprocal / n),
        )
    }
}

/// The held-out queries of the calibration. Identical example texts of
/// one fold are one query whose right answers are every technique they
/// are attached to.
fn calibration_queries(
    raw: &[RawDoc<'_>],
    docs: &[Doc],
    unit: Unit,
    mut terms_of: impl FnMut(&str) -> Vec<(u32, f32)>,
) -> Vec<CalibrationQuery> {
    let mut by_text: HashMap<(usize, &str), usize> = HashMap::new();
    let mut grouped: Vec<(usize, &str, Vec<u32>)> = Vec::new();
    for (r, d) in raw.iter().zip(docs) {
        let (Some(fold), Some(text)) = (d.fold, r.query.as_deref()) else {
            continue;
        };
        let slot = *by_text.entry((fold, text)).or_insert_with(|| {
            grouped.push((fold, text, Vec::new()));
            grouped.len() - 1
        });
        if !grouped[slot].2.contains(&d.technique) {
            grouped[slot].2.push(d.technique);
        }
    }
    let mut out = Vec::new();
    for (fold, text, gold) in grouped {
        match unit {
            Unit::Example => out.push(CalibrationQuery {
                fold,
                gold,
                terms: terms_of(text),
            }),
            Unit::Sentence => {
                for s in sentences(text) {
                    out.push(CalibrationQuery {
                        fold,
                        gold: gold.clone(),
                        terms: terms_of(&s.text),
                    });
                }
            }
        }
    }
    out
}

/// The active techniques sorted by ATT&CK id, and their documents.
fn collect<'kb>(
    kb: &'kb KnowledgeBase,
    options: &Options,
    exclude: &impl Fn(Object<'_>) -> bool,
) -> (Vec<TechniqueInfo>, Vec<RawDoc<'kb>>) {
    let mut techniques: Vec<(&str, Technique<'kb>)> = kb
        .techniques(Scope::Active)
        .into_iter()
        .filter_map(|t| Some((t.attack_id()?, t)))
        .collect();
    techniques.sort_by(|a, b| a.0.cmp(b.0));
    techniques.dedup_by(|a, b| a.0 == b.0);
    let position: HashMap<&str, u32> = techniques
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i as u32))
        .collect();
    let links = if options.entity_names {
        Links::KeepText
    } else {
        Links::DropEntities
    };
    let mut infos = Vec::with_capacity(techniques.len());
    let mut raw = Vec::new();
    for (i, (id, technique)) in techniques.iter().enumerate() {
        let i = i as u32;
        infos.push(TechniqueInfo {
            id: (*id).to_owned(),
            name: technique.name().to_owned(),
            parent: kb
                .parent_of(*technique)
                .and_then(|p| p.attack_id())
                .and_then(|p| position.get(p).copied()),
        });
        raw.push(RawDoc {
            technique: i,
            kind: DocKind::Name,
            source: None,
            original: technique.name(),
            train: String::new(),
            query: None,
        });
        if let Some(description) = technique.description() {
            raw.push(RawDoc {
                technique: i,
                kind: DocKind::Description,
                source: None,
                original: description,
                train: String::new(),
                query: None,
            });
        }
        for example in kb.procedure_examples(*technique, Scope::Active) {
            if exclude(example.object) {
                continue;
            }
            let text = example.relationship.and_then(|r| r.description.as_deref());
            let Some(text) = text.filter(|d| !d.trim().is_empty()) else {
                continue;
            };
            raw.push(RawDoc {
                technique: i,
                kind: DocKind::Example,
                source: Some(example.object.stix_id().as_str()),
                original: text,
                train: String::new(),
                query: None,
            });
        }
    }
    raw.par_iter_mut().for_each(|d| {
        d.train = clean(d.original, links);
        if d.kind == DocKind::Example {
            d.query = Some(clean(d.original, Links::KeepText));
        }
    });
    (infos, raw)
}

/// The calibration fold of a source object: FNV-1a of its STIX id.
fn fold_of(stix_id: &str, folds: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stix_id.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % folds as u64) as usize
}

/// `1 + ln(count)` damping of a term count.
fn damped(count: f32) -> f32 {
    if count >= 1.0 {
        1.0 + count.ln()
    } else {
        count
    }
}

/// The inverted index: idf per term and, per term, the techniques whose
/// profile has it with the profile weight.
#[derive(Debug, Clone, Default)]
struct Index {
    idf: Vec<f32>,
    offsets: Vec<u32>,
    postings: Vec<(u32, f32)>,
    techniques: usize,
}

impl Index {
    fn build(
        docs: &[Doc],
        techniques: &[TechniqueInfo],
        terms: usize,
        options: &Options,
        include: impl Fn(&Doc) -> bool,
    ) -> Index {
        let n = techniques.len();
        // Which documents, with which weight, make each profile.
        let mut members: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
        for (i, d) in docs.iter().enumerate() {
            if !include(d) {
                continue;
            }
            let weight = match d.kind {
                DocKind::Name => options.name_weight,
                DocKind::Description => options.description_weight,
                DocKind::Example => 1.0,
            };
            if weight <= 0.0 {
                continue;
            }
            members[d.technique as usize].push((i, weight));
            if options.subtechnique_weight > 0.0 {
                if let Some(parent) = techniques[d.technique as usize].parent {
                    members[parent as usize].push((i, weight * options.subtechnique_weight));
                }
            }
        }
        // Document frequency over profiles.
        let mut df = vec![0u32; terms];
        let mut stamp = vec![u32::MAX; terms];
        for (t, list) in members.iter().enumerate() {
            for &(i, _) in list {
                for &(term, _) in &docs[i].terms {
                    if stamp[term as usize] != t as u32 {
                        stamp[term as usize] = t as u32;
                        df[term as usize] += 1;
                    }
                }
            }
        }
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| {
                if d == 0 {
                    0.0
                } else {
                    ((1.0 + n as f32) / (1.0 + d as f32)).ln() + 1.0
                }
            })
            .collect();
        // Profiles.
        let mut accumulator = vec![0f32; terms];
        let mut touched: Vec<u32> = Vec::new();
        let mut profiles: Vec<Vec<(u32, f32)>> = Vec::with_capacity(n);
        for list in &members {
            for &(i, weight) in list {
                let doc = &docs[i].terms;
                match options.profile {
                    Profile::Centroid => {
                        let norm = doc
                            .iter()
                            .map(|&(t, c)| (damped(c) * idf[t as usize]).powi(2))
                            .sum::<f32>()
                            .sqrt();
                        if norm <= 0.0 {
                            continue;
                        }
                        for &(t, c) in doc {
                            let slot = &mut accumulator[t as usize];
                            if *slot == 0.0 {
                                touched.push(t);
                            }
                            *slot += weight * damped(c) * idf[t as usize] / norm;
                        }
                    }
                    Profile::Concatenated => {
                        for &(t, c) in doc {
                            let slot = &mut accumulator[t as usize];
                            if *slot == 0.0 {
                                touched.push(t);
                            }
                            *slot += weight * c;
                        }
                    }
                }
            }
            if options.profile == Profile::Concatenated {
                for &t in &touched {
                    let slot = &mut accumulator[t as usize];
                    *slot = (1.0 + *slot).ln() * idf[t as usize];
                }
            }
            let norm = touched
                .iter()
                .map(|&t| accumulator[t as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            let mut profile = Vec::with_capacity(touched.len());
            for &t in &touched {
                let w = accumulator[t as usize];
                if norm > 0.0 && w > 0.0 {
                    profile.push((t, w / norm));
                }
                accumulator[t as usize] = 0.0;
            }
            touched.clear();
            profiles.push(profile);
        }
        // Posting lists by counting sort.
        let mut offsets = vec![0u32; terms + 1];
        for profile in &profiles {
            for &(t, _) in profile {
                offsets[t as usize + 1] += 1;
            }
        }
        for i in 0..terms {
            offsets[i + 1] += offsets[i];
        }
        let mut fill: Vec<u32> = offsets[..terms].to_vec();
        let mut postings = vec![(0u32, 0f32); offsets[terms] as usize];
        for (technique, profile) in profiles.iter().enumerate() {
            for &(t, w) in profile {
                let slot = &mut fill[t as usize];
                postings[*slot as usize] = (technique as u32, w);
                *slot += 1;
            }
        }
        Index {
            idf,
            offsets,
            postings,
            techniques: n,
        }
    }

    /// The `k` best techniques for a query's term counts, by cosine.
    fn top(&self, query: &[(u32, f32)], k: usize, scores: &mut Vec<f32>) -> Vec<(u32, f32)> {
        let weights: Vec<(u32, f32)> = query
            .iter()
            .filter_map(|&(t, c)| {
                let idf = *self.idf.get(t as usize)?;
                (idf > 0.0).then(|| (t, damped(c) * idf))
            })
            .collect();
        let norm = weights.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
        if norm <= 0.0 || k == 0 {
            return Vec::new();
        }
        scores.clear();
        scores.resize(self.techniques, 0.0);
        for &(t, w) in &weights {
            let from = self.offsets[t as usize] as usize;
            let to = self.offsets[t as usize + 1] as usize;
            let w = w / norm;
            for &(technique, pw) in &self.postings[from..to] {
                scores[technique as usize] += w * pw;
            }
        }
        // The best k, by score then technique index, kept sorted.
        let mut best: Vec<(u32, f32)> = Vec::with_capacity(k + 1);
        for (technique, &score) in scores.iter().enumerate() {
            if score <= 0.0 || (best.len() == k && best.last().is_some_and(|l| score <= l.1)) {
                continue;
            }
            let at = best.partition_point(|b| b.1 >= score);
            best.insert(at, (technique as u32, score));
            best.truncate(k);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Model>();
    }

    #[test]
    fn folds() {
        assert_eq!(fold_of("x", 1), 0);
        assert!(fold_of("intrusion-set--abc", 5) < 5);
    }

    #[test]
    fn ranks_on_the_sample() {
        let kb = KnowledgeBase::sample();
        let model = Model::train(&kb);
        assert!(model.stats().techniques > 40);
        assert!(model.rank("", 5).is_empty());
        assert!(model.rank("zzzz qqqq", 5).is_empty());
        let ranked = model.rank("encrypted files for ransom and deleted shadow copies", 5);
        assert!(ranked.iter().any(|r| r.id == "T1486"), "{ranked:?}");
        assert!(ranked.iter().all(|r| (0.0..=1.0).contains(&r.confidence)));
    }
}
