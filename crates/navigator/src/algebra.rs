//! Layers made from other layers: the Navigator's "create layer from other
//! layers", set operations, and merging.
//!
//! Entries are matched by technique and tactic. Given a knowledge base, an
//! entry without a tactic first becomes one entry per tactic of its
//! technique, as in the Navigator; without one, entries are matched as
//! written (`T1059` with no tactic matches only `T1059` with no tactic).

use std::collections::HashMap;

use ttpmap_attack::{KnowledgeBase, Scope, Technique};

use crate::color::Gradient;
use crate::error::{Error, Result};
use crate::expr::Expression;
use crate::model::{Layer, TechniqueEntry};
use crate::view::layer_domain;

/// A technique and tactic: the unit layers are combined on.
type Key = (String, Option<String>);

/// Where the parts of a combined layer that are not the score come from.
///
/// Each field names a layer by its position in the input (0 is `a`);
/// `None` leaves that part empty, as the Navigator does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CombineOptions {
    /// The new layer's name; "layer by operation" when `None`.
    pub name: Option<String>,
    /// Take each entry's comment from this layer.
    pub comments_from: Option<usize>,
    /// Take each entry's links from this layer.
    pub links_from: Option<usize>,
    /// Take each entry's metadata from this layer.
    pub metadata_from: Option<usize>,
    /// Take each entry's manual colour from this layer.
    pub colors_from: Option<usize>,
    /// Take each entry's enabled state from this layer.
    pub enabled_from: Option<usize>,
    /// Take the platform filter from this layer.
    pub filters_from: Option<usize>,
    /// Take the legend from this layer.
    pub legend_from: Option<usize>,
    /// Take the gradient from this layer.
    pub gradient_from: Option<usize>,
}

impl CombineOptions {
    /// Every part (comments, links, metadata, colours, enabled state,
    /// filters, legend, gradient) from layer `index`.
    pub fn all_from(index: usize) -> CombineOptions {
        CombineOptions {
            name: None,
            comments_from: Some(index),
            links_from: Some(index),
            metadata_from: Some(index),
            colors_from: Some(index),
            enabled_from: Some(index),
            filters_from: Some(index),
            legend_from: Some(index),
            gradient_from: Some(index),
        }
    }
}

/// The entries of one layer by technique and tactic, in first-seen order;
/// a later entry for the same key replaces an earlier one.
struct Keyed<'a> {
    order: Vec<Key>,
    entries: HashMap<Key, &'a TechniqueEntry>,
}

impl<'a> Keyed<'a> {
    fn new(layer: &'a Layer, kb: Option<&KnowledgeBase>) -> Keyed<'a> {
        let domain = layer_domain(layer).ok();
        let mut keyed = Keyed {
            order: Vec::new(),
            entries: HashMap::new(),
        };
        for entry in &layer.techniques {
            let id = entry.technique_id.to_ascii_uppercase();
            let tactics: Vec<Option<String>> = match (&entry.tactic, kb, domain) {
                (Some(tactic), _, _) => vec![Some(tactic.clone())],
                (None, Some(kb), Some(domain)) => {
                    let technique = kb
                        .by_attack_id(&id)
                        .and_then(Technique::try_from_object)
                        .filter(|t| t.is_active() && t.domains().contains(domain));
                    match technique {
                        Some(t) => t
                            .tactic_shortnames()
                            .into_iter()
                            .map(|s| Some(s.to_owned()))
                            .collect(),
                        None => vec![None],
                    }
                }
                (None, _, _) => vec![None],
            };
            for tactic in tactics {
                let key = (id.clone(), tactic);
                if keyed.entries.insert(key.clone(), entry).is_none() {
                    keyed.order.push(key);
                }
            }
        }
        keyed
    }

    fn get(&self, key: &Key) -> Option<&'a TechniqueEntry> {
        self.entries.get(key).copied()
    }
}

fn check_same_domain(layers: &[&Layer]) -> Result<()> {
    let Some(first) = layers.first() else {
        return Err(Error::Unsupported("no layers to combine".to_owned()));
    };
    for (i, layer) in layers.iter().enumerate().skip(1) {
        if layer.domain != first.domain {
            return Err(Error::Unsupported(format!(
                "layer {} ({:?}) is {}, layer a ({:?}) is {}: combined layers must share a domain",
                letter(i),
                layer.name,
                layer.domain,
                first.name,
                first.domain
            )));
        }
        if let (Some(x), Some(y)) = (first.attack_major(), layer.attack_major()) {
            if x != y {
                return Err(Error::Unsupported(format!(
                    "layer {} is for ATT&CK {y}, layer a for ATT&CK {x}: upgrade one with `ttpmap layer upgrade` first",
                    letter(i)
                )));
            }
        }
    }
    Ok(())
}

/// `a`, `b`, … for layer positions.
fn letter(index: usize) -> char {
    u8::try_from(index)
        .ok()
        .filter(|i| *i < 26)
        .map_or('?', |i| char::from(b'a' + i))
}

fn check_source(name: &str, index: Option<usize>, count: usize) -> Result<()> {
    match index {
        Some(i) if i >= count => Err(Error::Unsupported(format!(
            "{name} from layer {} but only {count} layers were given",
            letter(i)
        ))),
        _ => Ok(()),
    }
}

/// A layer whose scores are `expression` over the scores of `layers`
/// (`a` is the first layer, `b` the second, …), as the Navigator's "create
/// layer from other layers" computes it:
///
/// - for each technique and tactic present in any layer, a missing or
///   unscored value counts as 0; when every layer the expression names
///   misses it, it has no score;
/// - comparisons and `and`/`or`/`not` give 1 or 0; a result that is not a
///   number (division by zero) is an error naming the technique;
/// - an expression without variables scores every technique of the domain
///   (given `kb`) or every technique of the layers;
/// - the gradient spans the results (`transparent blue` when they are
///   exactly 0 to 1) unless [`CombineOptions::gradient_from`] names a layer.
///
/// ```
/// use ttpmap_navigator::{combine, CombineOptions, Layer, TechniqueEntry};
///
/// let mut a = Layer::new("actor", "enterprise-attack", Some("18"));
/// a.techniques.push(TechniqueEntry::new("T1059.001").with_tactic("execution").with_score(1.0));
/// a.techniques.push(TechniqueEntry::new("T1105").with_tactic("command-and-control").with_score(1.0));
/// let mut b = Layer::new("detections", "enterprise-attack", Some("18"));
/// b.techniques.push(TechniqueEntry::new("T1059.001").with_tactic("execution").with_score(1.0));
/// // Used by the actor and not detected:
/// let gaps = combine(&[&a, &b], "a > 0 and b == 0", &CombineOptions::default(), None)?;
/// let scores: Vec<_> = gaps.techniques.iter().map(|t| (t.technique_id.as_str(), t.score)).collect();
/// assert_eq!(scores, [("T1059.001", Some(0.0)), ("T1105", Some(1.0))]);
/// # Ok::<(), ttpmap_navigator::Error>(())
/// ```
pub fn combine(
    layers: &[&Layer],
    expression: &str,
    options: &CombineOptions,
    kb: Option<&KnowledgeBase>,
) -> Result<Layer> {
    check_same_domain(layers)?;
    let parsed = Expression::parse(expression).map_err(|e| Error::Expression {
        expression: expression.to_owned(),
        message: e.to_string(),
    })?;
    let variables = parsed.variables();
    for v in &variables {
        let index = (*v as usize).saturating_sub('a' as usize);
        if index >= layers.len() {
            return Err(Error::Expression {
                expression: expression.to_owned(),
                message: format!(
                    "`{v}` names layer {} but only {} layers were given",
                    index + 1,
                    layers.len()
                ),
            });
        }
    }
    for (name, source) in [
        ("comments", options.comments_from),
        ("links", options.links_from),
        ("metadata", options.metadata_from),
        ("colours", options.colors_from),
        ("enabled state", options.enabled_from),
        ("filters", options.filters_from),
        ("legend", options.legend_from),
        ("gradient", options.gradient_from),
    ] {
        check_source(name, source, layers.len())?;
    }
    let keyed: Vec<Keyed<'_>> = layers.iter().map(|l| Keyed::new(l, kb)).collect();
    let mut order: Vec<Key> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for k in &keyed {
        for key in &k.order {
            if seen.insert(key.clone()) {
                order.push(key.clone());
            }
        }
    }
    if parsed.is_constant() {
        if let (Some(kb), Ok(domain)) = (kb, layer_domain(layers[0])) {
            for technique in kb.techniques_of_domain(domain, Scope::Active) {
                let Some(id) = technique.attack_id() else {
                    continue;
                };
                for tactic in technique.tactic_shortnames() {
                    let key = (id.to_owned(), Some(tactic.to_owned()));
                    if seen.insert(key.clone()) {
                        order.push(key);
                    }
                }
            }
            order.sort();
        }
    }

    let first = layers[0];
    let mut out = Layer::new(
        options
            .name
            .clone()
            .unwrap_or_else(|| "layer by operation".to_owned()),
        first.domain.clone(),
        first.versions.attack.as_deref(),
    );
    let names: Vec<String> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{} = {:?}", letter(i), l.name))
        .collect();
    out.description = format!("Score: {parsed} where {}.", names.join(", "));
    let mut results: Vec<f64> = Vec::new();
    for key in order {
        let score = if parsed.is_constant() {
            Some(evaluate(&parsed, expression, &key, |_| 0.0)?)
        } else {
            let all_miss = variables.iter().all(|v| {
                let index = (*v as usize).saturating_sub('a' as usize);
                keyed
                    .get(index)
                    .and_then(|k| k.get(&key))
                    .and_then(|e| e.score)
                    .is_none()
            });
            if all_miss {
                None
            } else {
                let value_of = |v: char| {
                    let index = (v as usize).saturating_sub('a' as usize);
                    keyed
                        .get(index)
                        .and_then(|k| k.get(&key))
                        .and_then(|e| e.score)
                        .unwrap_or(0.0)
                };
                Some(evaluate(&parsed, expression, &key, value_of)?)
            }
        };
        let from =
            |source: Option<usize>| source.and_then(|i| keyed.get(i)).and_then(|k| k.get(&key));
        let mut entry = TechniqueEntry::new(key.0.clone());
        entry.tactic.clone_from(&key.1);
        entry.score = score;
        if let Some(e) = from(options.comments_from) {
            entry.comment.clone_from(&e.comment);
        }
        if let Some(e) = from(options.links_from) {
            entry.links.clone_from(&e.links);
        }
        if let Some(e) = from(options.metadata_from) {
            entry.metadata.clone_from(&e.metadata);
        }
        if let Some(e) = from(options.colors_from) {
            entry.color.clone_from(&e.color);
        }
        if let Some(e) = from(options.enabled_from) {
            entry.enabled = e.enabled;
        }
        if !entry.is_annotated() {
            continue;
        }
        if let Some(score) = score {
            results.push(score);
        }
        out.techniques.push(entry);
    }
    let min = results.iter().copied().fold(f64::INFINITY, f64::min);
    let max = results.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if min.is_finite() && max.is_finite() && min < max {
        out.gradient.min_value = min;
        out.gradient.max_value = max;
        // The Navigator picks this preset for results of exactly 0 and 1.
        #[allow(clippy::float_cmp)]
        let boolean = min == 0.0 && max == 1.0;
        if boolean {
            let blue = Gradient::transparent_blue(0.0, 1.0);
            out.gradient.colors = blue.colors().iter().map(|c| c.to_hex8()).collect();
        }
    }
    if let Some(i) = options.gradient_from {
        out.gradient = layers[i].gradient.clone();
    }
    if let Some(i) = options.filters_from {
        out.filters = layers[i].filters.clone();
    }
    if let Some(i) = options.legend_from {
        out.legend_items.clone_from(&layers[i].legend_items);
    }
    Ok(out)
}

fn evaluate(
    parsed: &Expression,
    text: &str,
    key: &Key,
    value_of: impl Fn(char) -> f64,
) -> Result<f64> {
    parsed
        .evaluate(value_of)
        .map(crate::expr::Value::as_score)
        .map_err(|e| Error::Expression {
            expression: text.to_owned(),
            message: format!(
                "{e} for {}{}",
                key.0,
                key.1
                    .as_ref()
                    .map(|t| format!(" under {t}"))
                    .unwrap_or_default()
            ),
        })
}

/// A set operation over layers' techniques.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperation {
    /// Techniques in any layer.
    Union,
    /// Techniques in every layer.
    Intersection,
    /// Techniques in the first layer and in none of the others.
    Difference,
}

impl SetOperation {
    fn symbol(self) -> &'static str {
        match self {
            SetOperation::Union => "∪",
            SetOperation::Intersection => "∩",
            SetOperation::Difference => "−",
        }
    }
}

/// The techniques (by technique and tactic) that `operation` selects from
/// `layers`, each with the annotation of the first layer that has it; the
/// layer settings are the first layer's.
///
/// ```
/// use ttpmap_navigator::{set_operation, Layer, SetOperation, TechniqueEntry};
///
/// let mut a = Layer::new("a", "enterprise-attack", None);
/// a.techniques.push(TechniqueEntry::new("T1059").with_score(2.0));
/// a.techniques.push(TechniqueEntry::new("T1105").with_score(1.0));
/// let mut b = Layer::new("b", "enterprise-attack", None);
/// b.techniques.push(TechniqueEntry::new("T1105").with_score(5.0));
/// let both = set_operation(&[&a, &b], SetOperation::Intersection, None)?;
/// assert_eq!(both.techniques.len(), 1);
/// assert_eq!(both.techniques[0].score, Some(1.0));
/// let only_a = set_operation(&[&a, &b], SetOperation::Difference, None)?;
/// assert_eq!(only_a.techniques[0].technique_id, "T1059");
/// # Ok::<(), ttpmap_navigator::Error>(())
/// ```
pub fn set_operation(
    layers: &[&Layer],
    operation: SetOperation,
    kb: Option<&KnowledgeBase>,
) -> Result<Layer> {
    check_same_domain(layers)?;
    let keyed: Vec<Keyed<'_>> = layers.iter().map(|l| Keyed::new(l, kb)).collect();
    let mut out = layers[0].clone();
    out.techniques.clear();
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    out.name = names.join(&format!(" {} ", operation.symbol()));
    let mut seen = std::collections::HashSet::new();
    for k in &keyed {
        for key in &k.order {
            if !seen.insert(key.clone()) {
                continue;
            }
            let present: Vec<bool> = keyed.iter().map(|other| other.get(key).is_some()).collect();
            let keep = match operation {
                SetOperation::Union => true,
                SetOperation::Intersection => present.iter().all(|p| *p),
                SetOperation::Difference => present[0] && present.iter().skip(1).all(|p| !*p),
            };
            if !keep {
                continue;
            }
            if let Some(entry) = keyed.iter().find_map(|other| other.get(key)) {
                let mut entry = entry.clone();
                entry.technique_id.clone_from(&key.0);
                entry.tactic.clone_from(&key.1);
                out.techniques.push(entry);
            }
        }
    }
    Ok(out)
}

/// All layers' techniques in one layer: for a technique and tactic in
/// several layers, a later layer's score, colour and enabled state win,
/// comments are joined (each once), and metadata and links are gathered
/// (each once). The layer settings are the first layer's.
///
/// ```
/// use ttpmap_navigator::{merge, Layer, TechniqueEntry};
///
/// let mut a = Layer::new("incident 1", "enterprise-attack", None);
/// a.techniques.push(TechniqueEntry::new("T1059.001").with_score(1.0).with_comment("host A"));
/// let mut b = Layer::new("incident 2", "enterprise-attack", None);
/// b.techniques.push(TechniqueEntry::new("T1059.001").with_score(2.0).with_comment("host B"));
/// let merged = merge(&[&a, &b], None)?;
/// assert_eq!(merged.techniques[0].score, Some(2.0));
/// assert_eq!(merged.techniques[0].comment, "host A\nhost B");
/// # Ok::<(), ttpmap_navigator::Error>(())
/// ```
pub fn merge(layers: &[&Layer], kb: Option<&KnowledgeBase>) -> Result<Layer> {
    check_same_domain(layers)?;
    let keyed: Vec<Keyed<'_>> = layers.iter().map(|l| Keyed::new(l, kb)).collect();
    let mut out = layers[0].clone();
    out.techniques.clear();
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    out.name = names.join(" + ");
    let mut index: HashMap<Key, usize> = HashMap::new();
    for k in &keyed {
        for key in &k.order {
            let Some(entry) = k.get(key) else {
                continue;
            };
            let Some(&at) = index.get(key) else {
                let mut first = entry.clone();
                first.technique_id.clone_from(&key.0);
                first.tactic.clone_from(&key.1);
                index.insert(key.clone(), out.techniques.len());
                out.techniques.push(first);
                continue;
            };
            let Some(merged) = out.techniques.get_mut(at) else {
                continue;
            };
            if entry.score.is_some() {
                merged.score = entry.score;
            }
            if !entry.color.is_empty() {
                merged.color.clone_from(&entry.color);
            }
            merged.enabled = entry.enabled;
            merged.show_subtechniques |= entry.show_subtechniques;
            if !entry.comment.is_empty() && !merged.comment.split('\n').any(|c| c == entry.comment)
            {
                if !merged.comment.is_empty() {
                    merged.comment.push('\n');
                }
                merged.comment.push_str(&entry.comment);
            }
            for item in &entry.metadata {
                if !merged.metadata.contains(item) {
                    merged.metadata.push(item.clone());
                }
            }
            for item in &entry.links {
                if !merged.links.contains(item) {
                    merged.links.push(item.clone());
                }
            }
            for (k, v) in &entry.extra {
                merged.extra.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(out)
}
