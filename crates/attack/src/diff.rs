//! Release diffs: how the objects of one kind changed between an older and
//! a newer ATT&CK release, keyed by STIX id.
//!
//! [`KnowledgeBase::diff`] sorts the objects of one kind into a
//! [`ReleaseDiff`] the way the ATT&CK Navigator upgrades a layer
//! (`compareVersions`) and ATT&CK's changelog sorts its sections: each
//! object once, with its [`Change`] (the rules are there), both sides, both
//! `x_mitre_version`s and, for a revocation, the replacement.
//!
//! # Example
//!
//! ```
//! use ttpmap_attack::{Change, Kind, KnowledgeBase};
//!
//! let kb = KnowledgeBase::sample();
//! let diff = kb.diff(&kb, Kind::Technique, None);
//! assert!(!diff.entries().is_empty());
//! assert!(diff.entries().iter().all(|e| e.change == Change::Unchanged));
//! let powershell = diff.get("attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736").unwrap();
//! assert_eq!(powershell.attack_id(), Some("T1059.001"));
//! assert_eq!(diff.of(Change::Added).count(), 0);
//! ```
//!
//! # Performance
//!
//! One pass over each release with a hash lookup per object, one sort of
//! the entries: O(n log n) for n objects of the kind. [`ReleaseDiff::get`]
//! is one hash lookup.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::domain::Domain;
use crate::kb::KnowledgeBase;
use crate::object::{Kind, Object};

/// How an object changed between an older and a newer release. The order
/// is that of ATT&CK's changelog sections.
///
/// The first row that matches decides:
///
/// | Older release         | Newer release                          | Change |
/// |-----------------------|----------------------------------------|--------|
/// | absent                | present                                | [`Added`](Change::Added) |
/// | present               | absent                                 | [`Removed`](Change::Removed) |
/// | revoked               | revoked                                | none: retired in both |
/// | not revoked           | revoked                                | [`Revoked`](Change::Revoked) |
/// | deprecated            | deprecated                             | none: retired in both |
/// | not deprecated        | deprecated                             | [`Deprecated`](Change::Deprecated) |
/// | revoked or deprecated | active                                 | [`Changed`](Change::Changed) |
/// | active                | active, other `x_mitre_version`        | [`Changed`](Change::Changed) |
/// | active                | active, same version, other `modified` | [`MinorChange`](Change::MinorChange) |
/// | active                | active, same version and `modified`    | [`Unchanged`](Change::Unchanged) |
///
/// An object revoked in both releases, or deprecated in both, is not newly
/// anything: the Navigator skips it (it is in none of its lists, not even
/// `unchanged`) and so does ATT&CK's changelog. A [`ReleaseDiff`] leaves it
/// out too and only counts it ([`ReleaseDiff::retired`]). An object active
/// again is a change whatever its version (the Navigator would compare
/// versions there).
///
/// Versions are compared numerically, part by part (`1.10` is not `1.1`).
/// A sub-technique is a technique ([`Kind::Technique`] covers both), and
/// malware and tools are compared together as software (either
/// [`Kind::Malware`] or [`Kind::Tool`] covers both: ATT&CK's changelog has
/// one software section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Change {
    /// Only in the newer release.
    #[serde(rename = "additions")]
    Added,
    /// In both, with a different `x_mitre_version` (or active again after
    /// being revoked or deprecated).
    #[serde(rename = "changes")]
    Changed,
    /// In both, with the same `x_mitre_version` and a different `modified`.
    #[serde(rename = "minor_changes")]
    MinorChange,
    /// Not revoked in the older release, revoked in the newer.
    #[serde(rename = "revocations")]
    Revoked,
    /// Not deprecated in the older release, deprecated (and not revoked)
    /// in the newer.
    #[serde(rename = "deprecations")]
    Deprecated,
    /// Only in the older release.
    #[serde(rename = "removals")]
    Removed,
    /// Active in both, with the same version and `modified`.
    #[serde(rename = "unchanged")]
    Unchanged,
}

impl Change {
    /// Every class, in changelog order.
    pub const ALL: [Change; 7] = [
        Change::Added,
        Change::Changed,
        Change::MinorChange,
        Change::Revoked,
        Change::Deprecated,
        Change::Removed,
        Change::Unchanged,
    ];

    /// The word the Navigator's and ATT&CK's changelogs use for the class:
    /// `additions`, `changes`, `minor_changes`, `revocations`,
    /// `deprecations`, `removals`, `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "additions",
            Change::Changed => "changes",
            Change::MinorChange => "minor_changes",
            Change::Revoked => "revocations",
            Change::Deprecated => "deprecations",
            Change::Removed => "removals",
            Change::Unchanged => "unchanged",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One object of a [`ReleaseDiff`]: its class and both sides.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiffEntry<'a> {
    /// How the object changed.
    pub change: Change,
    /// The object in the older release (`None` when added).
    pub old: Option<Object<'a>>,
    /// The object in the newer release (`None` when removed).
    pub new: Option<Object<'a>>,
    /// For [`Change::Revoked`]: what replaces the object in the newer
    /// release, following `revoked-by` to the end of the chain (`None` when
    /// the release names no replacement).
    pub replacement: Option<Object<'a>>,
    /// `x_mitre_version` in the older release.
    pub old_version: Option<&'a str>,
    /// `x_mitre_version` in the newer release.
    pub new_version: Option<&'a str>,
}

impl<'a> DiffEntry<'a> {
    /// The object as the newer release has it, or as the older had it when
    /// removed (`None` only for an entry built with neither side).
    pub fn object(&self) -> Option<Object<'a>> {
        self.new.or(self.old)
    }

    /// The ATT&CK id, from the newer side when there is one.
    pub fn attack_id(&self) -> Option<&'a str> {
        self.new
            .and_then(Object::attack_id)
            .or_else(|| self.old.and_then(Object::attack_id))
    }

    /// The STIX id (the same on both sides).
    pub fn stix_id(&self) -> Option<&'a str> {
        self.object().map(|o| o.stix_id().as_str())
    }
}

/// How the objects of one kind changed between two releases: every object
/// of either release once (but those retired in both, which are only
/// counted), sorted by ATT&CK id then STIX id, with an index by STIX id. Made by [`KnowledgeBase::diff`]; [`Change`] gives the
/// rules.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDiff<'a> {
    kind: Kind,
    domain: Option<Domain>,
    retired: usize,
    entries: Vec<DiffEntry<'a>>,
    #[serde(skip)]
    index: HashMap<&'a str, usize>,
}

impl<'a> ReleaseDiff<'a> {
    /// The kind of object compared.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The domain compared (`None`: every domain loaded).
    pub fn domain(&self) -> Option<Domain> {
        self.domain
    }

    /// Every entry, sorted by ATT&CK id (objects without one last) then STIX
    /// id.
    pub fn entries(&self) -> &[DiffEntry<'a>] {
        &self.entries
    }

    /// The entries of one class, in [`entries`](Self::entries) order.
    pub fn of(&self, change: Change) -> impl Iterator<Item = &DiffEntry<'a>> {
        self.entries.iter().filter(move |e| e.change == change)
    }

    /// The entry of the object with this STIX id (`None` when the object is
    /// in neither release, is of another kind or domain, or was revoked or
    /// deprecated in both releases).
    ///
    /// # Performance
    ///
    /// One hash lookup.
    pub fn get(&self, stix_id: &str) -> Option<&DiffEntry<'a>> {
        self.index.get(stix_id).and_then(|&i| self.entries.get(i))
    }

    /// How many entries of each class, every class in [`Change::ALL`] order
    /// (zeros included).
    pub fn counts(&self) -> Vec<(Change, usize)> {
        let mut counts = [0usize; Change::ALL.len()];
        for entry in &self.entries {
            counts[entry.change as usize] += 1;
        }
        Change::ALL.into_iter().zip(counts).collect()
    }

    /// How many objects were revoked in both releases or deprecated in both:
    /// they are in no class (the Navigator and ATT&CK's changelog skip them
    /// too) and not among the entries.
    pub fn retired(&self) -> usize {
        self.retired
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl KnowledgeBase {
    /// Compare `self` (the older release) with `newer` for the objects of
    /// `kind` in `domain` (`None`: every domain loaded). Each side is
    /// filtered on its own, so an object that leaves the domain is removed
    /// from it and one that joins is added.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_attack::{Change, Domain, Kind, KnowledgeBase};
    ///
    /// let kb = KnowledgeBase::sample();
    /// let diff = kb.diff(&kb, Kind::Group, Some(Domain::Enterprise));
    /// assert_eq!(diff.counts()[6], (Change::Unchanged, diff.len()));
    /// assert!(kb.diff(&kb, Kind::Technique, Some(Domain::Ics)).is_empty());
    /// ```
    pub fn diff<'a>(
        &'a self,
        newer: &'a KnowledgeBase,
        kind: Kind,
        domain: Option<Domain>,
    ) -> ReleaseDiff<'a> {
        let selected = move |o: &Object<'_>| {
            same_kind(o.kind(), kind) && domain.is_none_or(|d| o.domains().contains(d))
        };
        let mut entries = Vec::new();
        let mut retired = 0;
        for old in self.objects().filter(selected) {
            let new = newer.by_stix_str(old.stix_id().as_str()).filter(selected);
            match classify(old, new) {
                Some(change) => entries.push(DiffEntry {
                    change,
                    old: Some(old),
                    new,
                    replacement: new
                        .filter(|_| change == Change::Revoked)
                        .and_then(|n| newer.replacement_of(n)),
                    old_version: old.version(),
                    new_version: new.and_then(Object::version),
                }),
                None => retired += 1,
            }
        }
        for new in newer.objects().filter(selected) {
            let in_old = self
                .by_stix_str(new.stix_id().as_str())
                .is_some_and(|o| selected(&o));
            if !in_old {
                entries.push(DiffEntry {
                    change: Change::Added,
                    old: None,
                    new: Some(new),
                    replacement: None,
                    old_version: None,
                    new_version: new.version(),
                });
            }
        }
        entries.sort_by_cached_key(|e| {
            let id = e.attack_id();
            (id.is_none(), id, e.stix_id())
        });
        let index = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((e.stix_id()?, i)))
            .collect();
        ReleaseDiff {
            kind,
            domain,
            retired,
            entries,
            index,
        }
    }
}

/// Whether an object of kind `object` is compared when diffing `wanted`:
/// the same kind, or both software.
fn same_kind(object: Kind, wanted: Kind) -> bool {
    object == wanted || (object.is_software() && wanted.is_software())
}

/// The class of an object of the older release given its newer self;
/// `None` when it was revoked in both or deprecated in both.
fn classify(old: Object<'_>, new: Option<Object<'_>>) -> Option<Change> {
    let Some(new) = new else {
        return Some(Change::Removed);
    };
    let change = if new.is_revoked() {
        if old.is_revoked() {
            return None;
        }
        Change::Revoked
    } else if new.is_deprecated() {
        if old.is_deprecated() {
            return None;
        }
        Change::Deprecated
    } else if !old.is_active() || !same_version(old.version(), new.version()) {
        Change::Changed
    } else if old.modified() != new.modified() {
        Change::MinorChange
    } else {
        Change::Unchanged
    };
    Some(change)
}

/// Whether two `x_mitre_version`s are the same: equal text, or equal
/// numbers part by part (`1.0` and `01.0`; not `1.1` and `1.10`).
fn same_version(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if a != b => {
            let parts = |v: &str| {
                v.split('.')
                    .map(|p| p.trim().parse::<u64>().ok())
                    .collect::<Option<Vec<u64>>>()
            };
            matches!((parts(a), parts(b)), (Some(x), Some(y)) if x == y)
        }
        (a, b) => a == b,
    }
}
