//! Layers of what other crates compute: the glue between `ttpmap-mapper`
//! and `ttpmap-navigator`, which do not depend on each other.

use ttpmap_attack::{Domain, KnowledgeBase};
use ttpmap_mapper::{EvidenceKind, MappingSet};
use ttpmap_navigator::{Layer, LegendItem, MetadataItem, TechniqueEntry};

/// How many pieces of evidence a technique's comment lists.
const COMMENT_EVIDENCE: usize = 5;

/// A Navigator layer of `mappings`: each technique under each of its
/// tactics, scored with its confidence as a percentage (0–100, on a
/// white-to-red gradient), its evidence in the comment and metadata.
/// Techniques the knowledge base does not know are kept as entries (the
/// layer says so in its description) so nothing is lost.
///
/// ```
/// use ttpmap::attack::KnowledgeBase;
/// use ttpmap::mapper::{Evidence, EvidenceKind, MappingSet};
///
/// let kb = KnowledgeBase::sample();
/// let mut set = MappingSet::new();
/// set.add("T1059.001", &[], Evidence {
///     kind: EvidenceKind::ExplicitId,
///     observation: "The actor ran T1059.001.".into(),
///     origin: None,
///     fields: vec![],
///     confidence: 1.0,
/// });
/// set.resolve(&kb);
/// let layer = ttpmap::mapping_layer(&set, &kb, "incident 42");
/// assert_eq!(layer.techniques[0].technique_id, "T1059.001");
/// assert_eq!(layer.techniques[0].tactic.as_deref(), Some("execution"));
/// assert_eq!(layer.techniques[0].score, Some(100.0));
/// ```
pub fn mapping_layer(mappings: &MappingSet, kb: &KnowledgeBase, name: &str) -> Layer {
    let domain = if kb.domains().contains(Domain::Enterprise) || kb.domains().is_empty() {
        Domain::Enterprise
    } else {
        kb.domains().iter().next().unwrap_or(Domain::Enterprise)
    };
    let mut layer = ttpmap_navigator::release_layer(kb, name, domain);
    layer.gradient.colors = vec![
        "#ffffff".to_owned(),
        "#ff6666".to_owned(),
        "#e60d0d".to_owned(),
    ];
    layer.gradient.min_value = 0.0;
    layer.gradient.max_value = 100.0;
    layer.legend_items.push(LegendItem {
        label: "confidence 100%".to_owned(),
        color: "#e60d0d".to_owned(),
        extra: serde_json::Map::new(),
    });
    let unknown = mappings.unknown();
    layer.description = if unknown.is_empty() {
        format!(
            "{} techniques mapped by ttpmap; score = confidence in percent.",
            mappings.len()
        )
    } else {
        format!(
            "{} techniques mapped by ttpmap; score = confidence in percent. Not in the loaded ATT&CK release: {}.",
            mappings.len(),
            unknown.join(", ")
        )
    };
    for mapping in mappings.mappings() {
        let score = (mapping.confidence * 100.0).round();
        let comment: Vec<String> = mapping
            .evidence
            .iter()
            .take(COMMENT_EVIDENCE)
            .map(|e| {
                let why = match &e.kind {
                    EvidenceKind::Rule { id, title, .. } => match id {
                        Some(id) => format!("rule {title} ({id})"),
                        None => format!("rule {title}"),
                    },
                    EvidenceKind::ExplicitId => "ATT&CK id in the text".to_owned(),
                    EvidenceKind::Name => "technique name in the text".to_owned(),
                    EvidenceKind::Similarity => "text similarity".to_owned(),
                };
                format!("{why}: {}", e.observation)
            })
            .collect();
        let mut metadata = vec![MetadataItem::Entry {
            name: "observations".to_owned(),
            value: mapping.count.to_string(),
        }];
        metadata.extend(mapping.evidence.iter().take(COMMENT_EVIDENCE).filter_map(
            |e| match &e.kind {
                EvidenceKind::Rule { id: Some(id), .. } => Some(MetadataItem::Entry {
                    name: "sigma rule".to_owned(),
                    value: id.clone(),
                }),
                _ => None,
            },
        ));
        let tactics: Vec<Option<String>> = if mapping.tactics.is_empty() {
            vec![None]
        } else {
            mapping.tactics.iter().cloned().map(Some).collect()
        };
        for tactic in tactics {
            let mut entry = TechniqueEntry::new(mapping.technique_id.clone()).with_score(score);
            entry.tactic = tactic;
            entry.comment = comment.join("\n");
            entry.metadata.clone_from(&metadata);
            layer.techniques.push(entry);
        }
    }
    layer
}
