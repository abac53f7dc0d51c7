//! Moving a layer from one ATT&CK release to another.
//!
//! The Navigator's "upgrade layer" compares the two releases technique by
//! technique (by STIX id) and copies the annotations of unchanged techniques
//! automatically, leaving the rest to the analyst. [`upgrade_attack`] does
//! the same and goes further where the data says what to do: annotations of
//! revoked techniques move to their replacement, and everything it does not
//! carry over is listed in the [`UpgradeReport`] with the whole annotation,
//! so nothing is lost.

use std::collections::HashSet;

use serde::Serialize;
use ttpmap_attack::{Change, Domain, Kind, KnowledgeBase, Object, Technique};

use crate::error::{Error, Result};
use crate::model::{Layer, TechniqueEntry};
use crate::validate::is_technique_id;
use crate::view::layer_domain;

/// A layer moved to another ATT&CK release, with what was done.
#[derive(Debug, Clone)]
pub struct AttackUpgrade {
    /// The layer on the newer release.
    pub layer: Layer,
    /// What happened to each entry.
    pub report: UpgradeReport,
}

/// What an ATT&CK upgrade did to each technique entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpgradeReport {
    /// The ATT&CK version the layer was for, as it said.
    pub from: Option<String>,
    /// The release it is now for (`18.1`).
    pub to: String,
    /// Entries carried over as they were: the technique did not change, or
    /// changed only in ways that do not touch its meaning.
    pub carried: Vec<String>,
    /// Entries carried over whose technique changed: check the annotation
    /// still fits.
    pub review: Vec<UpgradeItem>,
    /// Entries of revoked techniques, moved to the replacement.
    pub replaced: Vec<UpgradeItem>,
    /// Entries not carried over, each with its whole annotation.
    pub dropped: Vec<UpgradeItem>,
}

/// One entry the upgrade did something notable with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpgradeItem {
    /// The entry as it was (`T1086^execution`).
    pub entry: String,
    /// Why: "revoked by T1059.001 (PowerShell)", "deprecated in 18.1", ….
    pub reason: String,
    /// The entry it became in the new layer, when carried or moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// The whole annotation as it was in the old layer.
    pub annotation: serde_json::Value,
}

impl UpgradeReport {
    /// Whether every entry was carried over unchanged.
    pub fn is_clean(&self) -> bool {
        self.review.is_empty() && self.replaced.is_empty() && self.dropped.is_empty()
    }
}

enum Fate<'kb> {
    Carry(Technique<'kb>),
    Review(Technique<'kb>, String),
    Replace(Technique<'kb>, String),
    Drop(String),
}

/// Move `layer` to the ATT&CK release in `new`.
///
/// With the release the layer was made on (`old`), each technique is
/// classified by comparing the two releases (see
/// [`KnowledgeBase::diff`]); without it, the newer release alone decides:
/// techniques it holds as current are carried, revoked ones move to their
/// replacement, deprecated and unknown ones are dropped (and listed).
///
/// ```
/// use ttpmap_attack::KnowledgeBase;
/// use ttpmap_navigator::{upgrade_attack, Layer, TechniqueEntry};
///
/// let kb = KnowledgeBase::sample();
/// let mut layer = Layer::new("old", "enterprise-attack", Some("17"));
/// layer.techniques.push(TechniqueEntry::new("T1059.001").with_score(3.0));
/// layer.techniques.push(TechniqueEntry::new("T9999").with_comment("gone"));
/// let upgrade = upgrade_attack(&layer, None, &kb)?;
/// assert_eq!(upgrade.report.carried, ["T1059.001"]);
/// assert_eq!(upgrade.report.dropped[0].entry, "T9999");
/// assert_eq!(upgrade.layer.techniques.len(), 1);
/// # Ok::<(), ttpmap_navigator::Error>(())
/// ```
pub fn upgrade_attack(
    layer: &Layer,
    old: Option<&KnowledgeBase>,
    new: &KnowledgeBase,
) -> Result<AttackUpgrade> {
    let domain = layer_domain(layer)?;
    if !new.domains().contains(domain) {
        return Err(Error::Unsupported(format!(
            "the newer ATT&CK data has no {domain} to upgrade the layer to"
        )));
    }
    let release = new.release_version(domain).unwrap_or("unknown").to_owned();
    let diff = old.map(|old| old.diff(new, Kind::Technique, Some(domain)));
    let mut upgraded = layer.clone();
    upgraded.techniques = Vec::with_capacity(layer.techniques.len());
    if let Some(major) = release
        .split('.')
        .next()
        .filter(|m| m.parse::<u32>().is_ok())
    {
        upgraded.versions.attack = Some(major.to_owned());
    }
    let mut report = UpgradeReport {
        from: layer.versions.attack.clone(),
        to: release.clone(),
        carried: Vec::new(),
        review: Vec::new(),
        replaced: Vec::new(),
        dropped: Vec::new(),
    };
    let mut moved: Vec<(TechniqueEntry, UpgradeItem)> = Vec::new();
    for entry in &layer.techniques {
        let annotation = crate::write::entry_value(entry);
        let item = |reason: String, now: Option<String>| UpgradeItem {
            entry: entry.key(),
            reason,
            now,
            annotation: annotation.clone(),
        };
        if !is_technique_id(&entry.technique_id) {
            upgraded.techniques.push(entry.clone());
            report.review.push(item(
                "not a technique id: carried as it was".to_owned(),
                Some(entry.key()),
            ));
            continue;
        }
        let fate = match (old, &diff) {
            (Some(old), Some(diff)) => fate_by_diff(entry, old, new, domain, diff, &release),
            _ => fate_by_release(entry, new, domain, &release),
        };
        let (technique, note, replacing) = match fate {
            Fate::Drop(reason) => {
                report.dropped.push(item(reason, None));
                continue;
            }
            Fate::Carry(t) => (t, None, None),
            Fate::Review(t, why) => (t, Some(why), None),
            Fate::Replace(t, why) => (t, None, Some(why)),
        };
        let mut carried = entry.clone();
        technique
            .attack_id()
            .unwrap_or_default()
            .clone_into(&mut carried.technique_id);
        let mut tactic_note = None;
        if let Some(tactic) = &entry.tactic {
            let own = technique.tactic_shortnames();
            if !own.contains(&tactic.as_str()) {
                if let [only] = own.as_slice() {
                    carried.tactic = Some((*only).to_owned());
                    tactic_note = Some(format!(
                        "tactic {tactic} no longer applies: moved to {only}"
                    ));
                } else {
                    report.dropped.push(item(
                        format!(
                            "{} is no longer under {tactic} (it is under {}): move the annotation by hand",
                            carried.technique_id,
                            own.join(", ")
                        ),
                        None,
                    ));
                    continue;
                }
            }
        }
        if let Some(why) = replacing {
            let why = match tactic_note {
                Some(t) => format!("{why}; {t}"),
                None => why,
            };
            let item = item(why, Some(carried.key()));
            moved.push((carried, item));
            continue;
        }
        let now = carried.key();
        match (note, tactic_note) {
            (None, None) => report.carried.push(entry.key()),
            (Some(a), Some(b)) => report.review.push(item(format!("{a}; {b}"), Some(now))),
            (Some(a), None) | (None, Some(a)) => report.review.push(item(a, Some(now))),
        }
        upgraded.techniques.push(carried);
    }
    // Annotations moved from revoked techniques come after the direct ones,
    // which win when both name the same technique and tactic.
    let mut taken: HashSet<String> = upgraded
        .techniques
        .iter()
        .map(TechniqueEntry::key)
        .collect();
    for (entry, mut item) in moved {
        if taken.insert(entry.key()) {
            report.replaced.push(item);
            upgraded.techniques.push(entry);
        } else {
            item.reason = format!(
                "{}; but {} is already annotated: move the annotation by hand",
                item.reason,
                entry.key()
            );
            item.now = None;
            report.dropped.push(item);
        }
    }
    Ok(AttackUpgrade {
        layer: upgraded,
        report,
    })
}

fn described(object: Object<'_>) -> String {
    format!("{} ({})", object.attack_id().unwrap_or("?"), object.name())
}

fn active_technique<'kb>(
    kb: &'kb KnowledgeBase,
    id: &str,
    domain: Domain,
) -> Option<Technique<'kb>> {
    kb.by_attack_id(id)
        .and_then(Technique::try_from_object)
        .filter(|t| t.domains().contains(domain))
}

fn replaced_by<'kb>(kb: &'kb KnowledgeBase, object: Object<'kb>, id: &str) -> Fate<'kb> {
    match kb
        .replacement_of(object)
        .and_then(Technique::try_from_object)
    {
        Some(replacement) if replacement.is_active() => Fate::Replace(
            replacement,
            format!("{id} is revoked by {}", described(replacement.object())),
        ),
        _ => Fate::Drop(format!("{id} is revoked and has no current replacement")),
    }
}

fn fate_by_release<'kb>(
    entry: &TechniqueEntry,
    new: &'kb KnowledgeBase,
    domain: Domain,
    release: &str,
) -> Fate<'kb> {
    let id = entry.technique_id.to_ascii_uppercase();
    let Some(technique) = active_technique(new, &id, domain) else {
        return Fate::Drop(format!("{id} is not a technique of {domain} {release}"));
    };
    if technique.is_revoked() {
        return replaced_by(new, technique.object(), &id);
    }
    if technique.is_deprecated() {
        return Fate::Drop(format!(
            "{} is deprecated in {release}",
            described(technique.object())
        ));
    }
    Fate::Carry(technique)
}

fn fate_by_diff<'kb>(
    entry: &TechniqueEntry,
    old: &KnowledgeBase,
    new: &'kb KnowledgeBase,
    domain: Domain,
    diff: &ttpmap_attack::ReleaseDiff<'_>,
    release: &str,
) -> Fate<'kb> {
    let id = entry.technique_id.to_ascii_uppercase();
    let Some(old_technique) = active_technique(old, &id, domain) else {
        // Not in the release the layer was made on: let the new one decide.
        return match fate_by_release(entry, new, domain, release) {
            Fate::Carry(t) => Fate::Review(t, format!("{id} is not in the older release")),
            other => other,
        };
    };
    let stix_id = old_technique.stix_id().as_str();
    let new_technique = new
        .by_stix_str(stix_id)
        .and_then(Technique::try_from_object);
    let Some(found) = diff.get(stix_id) else {
        // Revoked or deprecated in both releases.
        return fate_by_release(entry, new, domain, release);
    };
    match (found.change, new_technique) {
        (Change::Unchanged | Change::MinorChange, Some(t)) => Fate::Carry(t),
        (Change::Changed, Some(t)) => Fate::Review(
            t,
            format!(
                "{} changed (version {} → {})",
                described(t.object()),
                found.old_version.unwrap_or("?"),
                found.new_version.unwrap_or("?")
            ),
        ),
        (Change::Revoked, Some(t)) => replaced_by(new, t.object(), &id),
        (Change::Deprecated, _) => Fate::Drop(format!("{id} is deprecated in {release}")),
        (Change::Removed, _) | (_, None) => {
            Fate::Drop(format!("{id} is not in {domain} {release}"))
        }
        (_, Some(t)) => Fate::Review(t, format!("{id}: {}", found.change)),
    }
}
