//! A layer drawn on a knowledge base: the Navigator's own computations.
//!
//! [`LayerView`] resolves each entry of a layer to the techniques and
//! tactics of its domain the way the Navigator does (an entry without a
//! tactic applies to every tactic of its technique; a later entry for the
//! same technique and tactic replaces an earlier one), and computes what
//! the Navigator shows: scores, aggregate scores of techniques with
//! sub-techniques, cell colours, which techniques are visible, expanded and
//! in what order. The SVG, XLSX and CSV renderers draw from it.

use std::collections::{HashMap, HashSet};

use ttpmap_attack::{Domain, KnowledgeBase, Scope, Tactic, Technique};

use crate::color::{Color, Gradient};
use crate::error::{Error, Result};
use crate::model::{AggregateFunction, ExpandedSubtechniques, Layer, Sorting, TechniqueEntry};

/// The text colour of a disabled technique.
pub const DISABLED_TEXT: Color = Color {
    r: 0xaa,
    g: 0xaa,
    b: 0xaa,
    a: 1.0,
};

/// A layer resolved against the techniques of its domain.
#[derive(Debug)]
pub struct LayerView<'a, 'kb> {
    layer: &'a Layer,
    kb: &'kb KnowledgeBase,
    domain: Domain,
    gradient: Gradient,
    /// (upper-case technique id, tactic shortname) → entry index.
    entries: HashMap<(String, String), usize>,
    /// Indexes of entries that name nothing in the domain.
    orphans: Vec<usize>,
    /// Whether any entry asks for its sub-techniques to be shown.
    any_show_subtechniques: bool,
    /// Upper-case ids of techniques with an annotated entry (any tactic).
    annotated: HashSet<String>,
}

/// One tactic column of the view.
#[derive(Debug, Clone)]
pub struct ViewColumn<'a, 'kb> {
    /// The tactic.
    pub tactic: Tactic<'kb>,
    /// Its visible techniques, in the layer's sorting.
    pub cells: Vec<ViewCell<'a, 'kb>>,
}

/// One technique under one tactic, as the Navigator draws it.
#[derive(Debug, Clone)]
pub struct ViewCell<'a, 'kb> {
    /// The technique or sub-technique.
    pub technique: Technique<'kb>,
    /// The tactic of the column.
    pub tactic: Tactic<'kb>,
    /// The layer's entry for it, if any.
    pub entry: Option<&'a TechniqueEntry>,
    /// Its score.
    pub score: Option<f64>,
    /// Its aggregate score (a technique with sub-techniques, when the layout
    /// shows aggregate scores).
    pub aggregate: Option<f64>,
    /// The background colour: manual colour, else aggregate or score colour.
    pub background: Option<Color>,
    /// The text colour that reads best on the background.
    pub text: Color,
    /// Whether the technique is enabled.
    pub enabled: bool,
    /// Whether its sub-techniques are shown (techniques with
    /// sub-techniques only).
    pub expanded: bool,
    /// Its visible sub-techniques under this tactic, in the layer's sorting
    /// (empty for sub-techniques).
    pub subtechniques: Vec<ViewCell<'a, 'kb>>,
    /// How many sub-techniques it has under this tactic, visible or not.
    pub subtechnique_count: usize,
}

impl ViewCell<'_, '_> {
    /// The score shown: the aggregate when there is one, else the score.
    pub fn shown_score(&self) -> Option<f64> {
        self.aggregate.or(self.score)
    }

    /// Whether the entry says anything (score, colour, comment, …).
    pub fn is_annotated(&self) -> bool {
        self.entry.is_some_and(TechniqueEntry::is_annotated)
    }
}

/// The domain a layer's `domain` names.
pub fn layer_domain(layer: &Layer) -> Result<Domain> {
    layer.domain.parse::<Domain>().map_err(|_| {
        Error::Unsupported(format!(
            "layer domain {:?} is not enterprise-attack, mobile-attack or ics-attack",
            layer.domain
        ))
    })
}

impl<'a, 'kb> LayerView<'a, 'kb> {
    /// Resolve `layer` against `kb`, which must hold the layer's domain.
    pub fn new(layer: &'a Layer, kb: &'kb KnowledgeBase) -> Result<LayerView<'a, 'kb>> {
        let domain = layer_domain(layer)?;
        if !kb.domains().contains(domain) {
            return Err(Error::Unsupported(format!(
                "the layer is for {domain}, which the loaded ATT&CK data does not hold"
            )));
        }
        let gradient = layer_gradient(layer);
        let mut entries = HashMap::new();
        let mut orphans = Vec::new();
        let mut annotated = HashSet::new();
        for (index, entry) in layer.techniques.iter().enumerate() {
            let id = entry.technique_id.to_ascii_uppercase();
            let technique = kb
                .by_attack_id(&id)
                .and_then(Technique::try_from_object)
                .filter(|t| t.domains().contains(domain));
            let Some(technique) = technique else {
                orphans.push(index);
                continue;
            };
            if entry.is_annotated() {
                annotated.insert(id.clone());
            }
            if let Some(tactic) = &entry.tactic {
                if !technique.tactic_shortnames().contains(&tactic.as_str()) {
                    orphans.push(index);
                }
                entries.insert((id, tactic.clone()), index);
            } else if technique.is_active() {
                for tactic in technique.tactic_shortnames() {
                    entries.insert((id.clone(), tactic.to_owned()), index);
                }
            } else {
                orphans.push(index);
            }
        }
        Ok(LayerView {
            layer,
            kb,
            domain,
            gradient,
            entries,
            orphans,
            any_show_subtechniques: layer.techniques.iter().any(|e| e.show_subtechniques),
            annotated,
        })
    }

    /// The layer.
    pub fn layer(&self) -> &'a Layer {
        self.layer
    }

    /// The knowledge base the layer is drawn on.
    pub fn kb(&self) -> &'kb KnowledgeBase {
        self.kb
    }

    /// The domain.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// The gradient scores are coloured with (the Navigator's default when
    /// the layer's is unusable).
    pub fn gradient(&self) -> &Gradient {
        &self.gradient
    }

    /// Entries that name no technique of the domain, or a tactic the
    /// technique is not under: kept, never drawn.
    pub fn orphans(&self) -> impl Iterator<Item = &'a TechniqueEntry> + '_ {
        self.orphans
            .iter()
            .filter_map(|&i| self.layer.techniques.get(i))
    }

    /// The entry in force for `technique` under `tactic`.
    pub fn entry(&self, technique: Technique<'_>, tactic: &str) -> Option<&'a TechniqueEntry> {
        let id = technique.attack_id()?.to_ascii_uppercase();
        self.entry_by_id(&id, tactic)
    }

    fn entry_by_id(&self, id: &str, tactic: &str) -> Option<&'a TechniqueEntry> {
        let index = *self.entries.get(&(id.to_owned(), tactic.to_owned()))?;
        self.layer.techniques.get(index)
    }

    /// The score of `technique` under `tactic`.
    pub fn score(&self, technique: Technique<'_>, tactic: &str) -> Option<f64> {
        self.entry(technique, tactic).and_then(|e| e.score)
    }

    /// The active sub-techniques of `technique` under `tactic`.
    fn subtechniques(&self, technique: Technique<'kb>, tactic: &str) -> Vec<Technique<'kb>> {
        self.kb
            .subtechniques_of(technique, Scope::Active)
            .into_iter()
            .filter_map(|r| Technique::try_from_object(r.object))
            .filter(|s| {
                s.domains().contains(self.domain) && s.tactic_shortnames().contains(&tactic)
            })
            .collect()
    }

    /// The aggregate score of `technique` under `tactic` as the Navigator
    /// computes it: `None` for a technique without sub-techniques, or when
    /// neither it nor any sub-technique is scored.
    pub fn aggregate_score(&self, technique: Technique<'kb>, tactic: &str) -> Option<f64> {
        if technique.is_subtechnique() {
            return None;
        }
        let subtechniques = self.subtechniques(technique, tactic);
        if subtechniques.is_empty() {
            return None;
        }
        let scores: Vec<Option<f64>> = subtechniques
            .iter()
            .map(|s| self.score(*s, tactic))
            .collect();
        aggregate(
            self.layer.layout.aggregate_function,
            self.layer.layout.count_unscored,
            self.score(technique, tactic),
            &scores,
        )
    }

    /// The colour of `score` on the layer's gradient.
    pub fn score_color(&self, score: f64) -> Option<Color> {
        self.gradient.color_of(score)
    }

    /// Whether the technique passes the layer's platform filter.
    pub fn on_platforms(&self, technique: Technique<'_>) -> bool {
        let Some(filter) = self
            .layer
            .filters
            .platforms
            .as_ref()
            .filter(|p| !p.is_empty())
        else {
            return true;
        };
        let platforms = technique.platforms();
        if platforms.is_empty() {
            return filter.iter().any(|p| p == "None");
        }
        platforms
            .iter()
            .any(|p| filter.iter().any(|f| f.eq_ignore_ascii_case(p)))
    }

    /// The matrix as the Navigator shows it: tactic columns in matrix
    /// order, each with its visible techniques in the layer's sorting.
    pub fn columns(&self) -> Vec<ViewColumn<'a, 'kb>> {
        let matrix = self.kb.matrix(self.domain, None);
        matrix
            .columns
            .into_iter()
            .map(|column| {
                let tactic = column.tactic;
                let shortname = tactic.shortname();
                let mut cells: Vec<ViewCell<'a, 'kb>> = column
                    .techniques
                    .into_iter()
                    .filter(|c| self.on_platforms(c.technique))
                    .filter_map(|c| {
                        let mut cell = self.cell(c.technique, tactic);
                        cell.subtechnique_count = c.subtechniques.len();
                        cell.subtechniques = c
                            .subtechniques
                            .into_iter()
                            .filter(|s| self.on_platforms(*s))
                            .map(|s| self.cell(s, tactic))
                            .filter(|s| s.enabled || !self.layer.hide_disabled)
                            .collect();
                        self.sort(&mut cell.subtechniques, true);
                        if cell.subtechnique_count > 0 {
                            cell.expanded = self.is_expanded(&cell, shortname);
                        }
                        (cell.enabled || !self.layer.hide_disabled).then_some(cell)
                    })
                    .collect();
                self.sort(&mut cells, false);
                ViewColumn { tactic, cells }
            })
            .collect()
    }

    fn cell(&self, technique: Technique<'kb>, tactic: Tactic<'kb>) -> ViewCell<'a, 'kb> {
        let shortname = tactic.shortname();
        let entry = self.entry(technique, shortname);
        let score = entry.and_then(|e| e.score);
        let enabled = entry.is_none_or(|e| e.enabled);
        let aggregate = if self.layer.layout.show_aggregate_scores {
            self.aggregate_score(technique, shortname)
        } else {
            None
        };
        let manual = entry
            .filter(|e| !e.color.is_empty())
            .and_then(|e| Color::parse(&e.color).ok())
            .map(|c| c.over(Color::WHITE));
        let background = if enabled {
            manual
                .or_else(|| aggregate.and_then(|a| self.score_color(a)))
                .or_else(|| score.and_then(|s| self.score_color(s)))
        } else {
            None
        };
        let text = if !enabled {
            DISABLED_TEXT
        } else if let Some(background) = background {
            background.most_readable(&[Color::WHITE, Color::BLACK])
        } else {
            Color::BLACK
        };
        ViewCell {
            technique,
            tactic,
            entry,
            score,
            aggregate,
            background,
            text,
            enabled,
            expanded: false,
            subtechniques: Vec::new(),
            subtechnique_count: 0,
        }
    }

    fn is_expanded(&self, cell: &ViewCell<'_, '_>, tactic: &str) -> bool {
        let own = cell.entry.is_some_and(|e| e.show_subtechniques);
        match self.layer.layout.expanded_subtechniques {
            ExpandedSubtechniques::All => true,
            ExpandedSubtechniques::Annotated => {
                own || self
                    .subtechniques(cell.technique, tactic)
                    .iter()
                    .filter_map(|s| s.attack_id())
                    .any(|id| self.annotated.contains(&id.to_ascii_uppercase()))
            }
            ExpandedSubtechniques::None => self.any_show_subtechniques && own,
        }
    }

    fn sort(&self, cells: &mut [ViewCell<'a, 'kb>], subtechniques: bool) {
        let by_name =
            |a: &ViewCell<'_, '_>, b: &ViewCell<'_, '_>| a.technique.name().cmp(b.technique.name());
        // Unscored sorts as −∞ for techniques and as 0 for sub-techniques.
        let unscored = if subtechniques {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        let key = |c: &ViewCell<'_, '_>| c.shown_score().unwrap_or(unscored);
        match self.layer.sorting {
            Sorting::NameAscending => cells.sort_by(by_name),
            Sorting::NameDescending => cells.sort_by(|a, b| by_name(b, a)),
            Sorting::ScoreAscending => {
                cells.sort_by(|a, b| key(a).total_cmp(&key(b)).then_with(|| by_name(a, b)));
            }
            Sorting::ScoreDescending => {
                cells.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| by_name(a, b)));
            }
        }
    }
}

/// The layer's gradient, or the Navigator's default when it is unusable
/// (fewer than two readable colours, or `minValue` ≥ `maxValue`).
pub fn layer_gradient(layer: &Layer) -> Gradient {
    let colors: Option<Vec<Color>> = layer
        .gradient
        .colors
        .iter()
        .map(|c| Color::parse(c).ok())
        .collect();
    colors
        .and_then(|colors| {
            Gradient::new(colors, layer.gradient.min_value, layer.gradient.max_value).ok()
        })
        .unwrap_or_else(Gradient::navigator_default)
}

/// The aggregate score of a technique from its own score and its
/// sub-techniques' scores under one tactic, by the Navigator's rules:
///
/// - the list is the technique's score (0 when unscored) and the scores of
///   the scored sub-techniques; when neither the technique nor any
///   sub-technique is scored there is no aggregate;
/// - `min`, `max` and `sum` apply to that list (so an unscored technique
///   counts as 0 for `min`);
/// - `average` divides the sum by the number of scored entries, or, with
///   `count_unscored`, by the number of sub-techniques plus one;
/// - the result is rounded to two decimals.
///
/// ```
/// use ttpmap_navigator::{aggregate, AggregateFunction};
///
/// let subs = [Some(50.0), None, Some(20.0)];
/// assert_eq!(aggregate(AggregateFunction::Average, false, Some(80.0), &subs), Some(50.0));
/// assert_eq!(aggregate(AggregateFunction::Average, true, Some(80.0), &subs), Some(37.5));
/// assert_eq!(aggregate(AggregateFunction::Min, false, None, &subs), Some(0.0));
/// assert_eq!(aggregate(AggregateFunction::Sum, false, None, &[None, None]), None);
/// ```
pub fn aggregate(
    function: AggregateFunction,
    count_unscored: bool,
    technique: Option<f64>,
    subtechniques: &[Option<f64>],
) -> Option<f64> {
    let scored: Vec<f64> = subtechniques.iter().flatten().copied().collect();
    if technique.is_none() && scored.is_empty() {
        return None;
    }
    let mut values = Vec::with_capacity(scored.len() + 1);
    values.push(technique.unwrap_or(0.0));
    values.extend_from_slice(&scored);
    let sum: f64 = values.iter().sum();
    let result = match function {
        AggregateFunction::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        AggregateFunction::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        AggregateFunction::Sum => sum,
        AggregateFunction::Average => {
            let count = if count_unscored {
                subtechniques.len() + 1
            } else {
                scored.len() + usize::from(technique.is_some())
            };
            sum / count as f64
        }
    };
    Some(round2(result))
}

/// JavaScript's `toFixed(2)` as a number: two decimals, halves away from zero.
pub(crate) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
