//! Layers made from the knowledge base.
//!
//! - [`actors_layer`]: the techniques of one group, software or campaign,
//!   with ATT&CK's procedure examples as comments; or of several, as a
//!   frequency heatmap (score = how many of them use the technique).
//! - [`platform_layer`]: the techniques of a platform.
//! - [`data_component_layer`]: the techniques a data component helps detect.
//!
//! Generated layers are format 4.5 for the loaded release, deterministic
//! (entries sorted by technique id), and pass [`Layer::validate_against`].

use std::collections::BTreeMap;

use ttpmap_attack::{
    Campaign, DataComponent, Domain, Group, Kind, KnowledgeBase, Object, Paths, Related, Scope,
    Software, Technique, Via,
};

use crate::error::{Error, Result};
use crate::model::{Layer, LegendItem, LinkItem, MetadataItem, TechniqueEntry};

/// One actor's use of a technique: the actor, its procedure texts, and the
/// software or campaigns it was found through.
type Use = (String, Vec<String>, Vec<String>);

/// The colour of a technique an actor uses, in single-actor layers.
pub const USED_COLOR: &str = "#e60d0d";

/// An empty layer of `domain` for the release `kb` holds: its ATT&CK major
/// version (when `kb` has the domain), technique ids shown. Every layer
/// ttpmap generates starts here.
///
/// ```
/// use ttpmap_attack::{Domain, KnowledgeBase};
///
/// let layer = ttpmap_navigator::release_layer(&KnowledgeBase::sample(), "demo", Domain::Enterprise);
/// assert_eq!(layer.domain, "enterprise-attack");
/// assert!(layer.layout.show_id);
/// ```
pub fn release_layer(kb: &KnowledgeBase, name: impl Into<String>, domain: Domain) -> Layer {
    let major = kb
        .release_version(domain)
        .and_then(|v| v.split('.').next())
        .map(str::to_owned);
    let mut layer = Layer::new(name, domain.as_str(), major.as_deref());
    layer.layout.show_id = true;
    layer
}

/// The techniques an actor (group, software or campaign) uses, with how it
/// was found: directly, through software, through a campaign.
fn techniques_of<'kb>(
    kb: &'kb KnowledgeBase,
    actor: Object<'kb>,
    paths: Paths,
) -> Result<Vec<Related<'kb>>> {
    if let Some(group) = Group::try_from_object(actor) {
        return Ok(kb.techniques_used_by_group(group, paths, Scope::Active));
    }
    if let Some(software) = Software::try_from_object(actor) {
        return Ok(kb.techniques_used_by_software(software, Scope::Active));
    }
    if let Some(campaign) = Campaign::try_from_object(actor) {
        return Ok(kb.techniques_used_by_campaign(campaign, Scope::Active));
    }
    Err(Error::Unsupported(format!(
        "{} is a {}, not a group, software or campaign",
        actor_name(actor),
        actor.kind()
    )))
}

/// ATT&CK's procedure text without its `(Citation: …)` markers.
pub fn strip_citations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("(Citation:") {
        out.push_str(&rest[..start]);
        match rest[start..].find(')') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    // Markers leave doubled spaces and spaces before punctuation.
    let mut clean = String::with_capacity(out.len());
    for c in out.trim().chars() {
        if (c == ' ' && clean.ends_with(' '))
            || (matches!(c, '.' | ',' | ';') && clean.ends_with(' '))
        {
            if c != ' ' {
                clean.pop();
                clean.push(c);
            }
            continue;
        }
        clean.push(c);
    }
    clean
}

/// The technique `object` is, with its ATT&CK id, when it is one of
/// `domain`.
fn in_domain(object: Object<'_>, domain: Domain) -> Option<(Technique<'_>, &str)> {
    let technique = Technique::try_from_object(object).filter(|t| t.domains().contains(domain))?;
    Some((technique, technique.attack_id()?))
}

/// `APT28 (G0007)`.
fn actor_name(object: Object<'_>) -> String {
    match object.attack_id() {
        Some(id) => format!("{} ({id})", object.name()),
        None => object.name().to_owned(),
    }
}

fn via_text(via: Via<'_>) -> Option<String> {
    match via {
        Via::Direct => None,
        Via::Software(s) => Some(format!("through software {}", actor_name(s))),
        Via::Campaign(c) => Some(format!("through campaign {}", actor_name(c))),
    }
}

/// A layer of the techniques used by `actors` (groups, software, campaigns)
/// in `domain`; `paths` chooses how a group's techniques are found.
///
/// One actor: each technique it uses scores 1 in red, its comment is the
/// procedure examples (citations removed), its metadata say through which
/// software or campaign. Several: each technique scores the number of
/// actors using it, on a white-to-red gradient from 0 to that number, and
/// its metadata name them.
///
/// ```
/// use ttpmap_attack::{Domain, KnowledgeBase, Paths};
/// use ttpmap_navigator::actors_layer;
///
/// let kb = KnowledgeBase::sample();
/// let apt28 = kb.group("APT28")?;
/// let layer = actors_layer(&kb, &[apt28.object()], Domain::Enterprise, Paths::DIRECT)?;
/// assert_eq!(layer.name, "APT28 (G0007)");
/// let powershell = layer.techniques.iter().find(|t| t.technique_id == "T1059.001").unwrap();
/// assert_eq!(powershell.score, Some(1.0));
/// assert!(!powershell.comment.is_empty());
/// # Ok::<(), ttpmap_navigator::Error>(())
/// ```
pub fn actors_layer(
    kb: &KnowledgeBase,
    actors: &[Object<'_>],
    domain: Domain,
    paths: Paths,
) -> Result<Layer> {
    if actors.is_empty() {
        return Err(Error::Unsupported(
            "a layer of actors needs at least one group, software or campaign".to_owned(),
        ));
    }
    // technique id → (technique, [(actor label, procedures, via)])
    let mut used: BTreeMap<String, (Technique<'_>, Vec<Use>)> = BTreeMap::new();
    for actor in actors {
        let mut per_technique: BTreeMap<String, (Technique<'_>, Vec<String>, Vec<String>)> =
            BTreeMap::new();
        for related in techniques_of(kb, *actor, paths)? {
            let Some((technique, id)) = in_domain(related.object, domain) else {
                continue;
            };
            let slot = per_technique
                .entry(id.to_owned())
                .or_insert_with(|| (technique, Vec::new(), Vec::new()));
            if let Some(text) = related
                .description()
                .map(strip_citations)
                .filter(|t| !t.is_empty())
            {
                if !slot.1.contains(&text) {
                    slot.1.push(text);
                }
            }
            if let Some(via) = via_text(related.via) {
                if !slot.2.contains(&via) {
                    slot.2.push(via);
                }
            }
        }
        for (id, (technique, procedures, via)) in per_technique {
            used.entry(id)
                .or_insert_with(|| (technique, Vec::new()))
                .1
                .push((actor_name(*actor), procedures, via));
        }
    }
    let labels: Vec<String> = actors.iter().map(|a| actor_name(*a)).collect();
    let single = actors.len() == 1;
    let name = if single {
        labels[0].clone()
    } else {
        format!("{} actors: {}", actors.len(), labels.join(", "))
    };
    let mut layer = release_layer(kb, name, domain);
    layer.description = if single {
        format!(
            "Techniques used by {} in {domain} (ATT&CK {}), with ATT&CK's procedure examples as comments.",
            labels[0],
            kb.release_version(domain).unwrap_or("?")
        )
    } else {
        format!(
            "How many of {} use each technique in {domain} (ATT&CK {}).",
            labels.join(", "),
            kb.release_version(domain).unwrap_or("?")
        )
    };
    for actor in actors {
        if let Some(url) = actor.url() {
            layer.links.push(LinkItem::Link {
                label: actor_name(*actor),
                url: url.to_owned(),
            });
        }
    }
    if single {
        layer.gradient.colors = vec!["#ffffff".to_owned(), USED_COLOR.to_owned()];
        layer.gradient.min_value = 0.0;
        layer.gradient.max_value = 1.0;
        layer.legend_items.push(LegendItem {
            label: format!("used by {}", labels[0]),
            color: USED_COLOR.to_owned(),
            extra: serde_json::Map::new(),
        });
    } else {
        layer.gradient.colors = vec![
            "#ffffff".to_owned(),
            "#ff6666".to_owned(),
            USED_COLOR.to_owned(),
        ];
        layer.gradient.min_value = 0.0;
        layer.gradient.max_value = actors.len() as f64;
        layer.sorting = crate::model::Sorting::ScoreDescending;
    }
    for (id, (_, users)) in used {
        let mut entry = TechniqueEntry::new(id).with_score(users.len() as f64);
        if single {
            USED_COLOR.clone_into(&mut entry.color);
        }
        let mut comments = Vec::new();
        for (actor, procedures, via) in &users {
            for text in procedures {
                comments.push(if single {
                    text.clone()
                } else {
                    format!("{actor}: {text}")
                });
            }
            entry.metadata.push(MetadataItem::Entry {
                name: if single {
                    "found".to_owned()
                } else {
                    actor.clone()
                },
                value: if via.is_empty() {
                    "directly".to_owned()
                } else {
                    via.join("; ")
                },
            });
        }
        entry.comment = comments.join("\n\n");
        layer.techniques.push(entry);
    }
    Ok(layer)
}

/// A layer of every current technique of `domain` on `platform` (score 1),
/// with the platform filter set.
pub fn platform_layer(kb: &KnowledgeBase, domain: Domain, platform: &str) -> Result<Layer> {
    let known = crate::validate::domain_platforms(kb, domain);
    let Some(platform) = known.iter().find(|p| p.eq_ignore_ascii_case(platform)) else {
        return Err(Error::Unsupported(format!(
            "{platform:?} is not a platform of {domain}; its platforms are {}",
            known.join(", ")
        )));
    };
    let mut layer = release_layer(kb, format!("{platform} techniques"), domain);
    layer.description = format!("Every {domain} technique on {platform}.");
    layer.filters.platforms = Some(vec![platform.clone()]);
    layer.gradient.colors = vec!["#ffffff".to_owned(), "#66b1ff".to_owned()];
    layer.gradient.max_value = 1.0;
    let mut techniques: Vec<Technique<'_>> = kb
        .techniques_of_platform(platform, Scope::Active)
        .into_iter()
        .filter(|t| t.domains().contains(domain))
        .collect();
    techniques.sort_by_key(|t| t.attack_id());
    for technique in techniques {
        if let Some(id) = technique.attack_id() {
            layer
                .techniques
                .push(TechniqueEntry::new(id).with_score(1.0));
        }
    }
    Ok(layer)
}

/// A layer of the techniques `component` helps detect (score 1), with the
/// detection strategies that use it in the comments.
pub fn data_component_layer(
    kb: &KnowledgeBase,
    component: DataComponent<'_>,
    domain: Domain,
) -> Result<Layer> {
    let mut layer = release_layer(kb, format!("{} detects", component.label()), domain);
    layer.description = format!(
        "The {domain} techniques data component {} helps detect.",
        component.label()
    );
    layer.gradient.colors = vec!["#ffffff".to_owned(), "#8ec843".to_owned()];
    layer.gradient.max_value = 1.0;
    let mut by_id: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for related in kb.techniques_detected_by_component(component, Scope::Active) {
        let Some((technique, id)) = in_domain(related.object, domain) else {
            continue;
        };
        let notes = by_id.entry(id.to_owned()).or_default();
        for strategy in kb.detection_strategies_of(technique, Scope::Active) {
            let label = strategy.object.label();
            if strategy.object.kind() == Kind::DetectionStrategy && !notes.contains(&label) {
                notes.push(label);
            }
        }
    }
    for (id, strategies) in by_id {
        let mut entry = TechniqueEntry::new(id).with_score(1.0);
        if !strategies.is_empty() {
            entry.comment = format!("Detection strategies: {}", strategies.join("; "));
        }
        layer.techniques.push(entry);
    }
    Ok(layer)
}
