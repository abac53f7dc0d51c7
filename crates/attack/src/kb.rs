//! [`KnowledgeBase`]: ATT&CK objects, their indexes and the relationship graph.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use petgraph::graph::{DiGraph, NodeIndex};
use serde_json::Value;
use ttpmap_stix::read::Document;
use ttpmap_stix::{Bundle, Identifier, StixObject};

use crate::domain::{Domain, Domains};
use crate::graph::{Edge, EdgeKind};
use crate::object::{Kind, Object};
use crate::{Error, Result};

/// One object of the knowledge base with what the indexes need.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) object: StixObject,
    pub(crate) kind: Kind,
    pub(crate) attack_id: Option<Box<str>>,
    pub(crate) domains: Domains,
    pub(crate) revoked: bool,
    pub(crate) deprecated: bool,
}

/// The ATT&CK knowledge base: every object of one or more releases (several
/// domains may be loaded together), indexed by STIX id, ATT&CK id, name and
/// alias, with the relationships in a petgraph graph.
///
/// Load with [`KnowledgeBase::from_path`] (a bundle, a folder in the
/// `mitre/cti` layout, or a folder of bundles), [`KnowledgeBase::from_paths`],
/// [`KnowledgeBase::from_json`], [`KnowledgeBase::from_bundles`], or use the
/// small embedded [`KnowledgeBase::sample`].
///
/// # Example
///
/// ```
/// use ttpmap_attack::{KnowledgeBase, Scope};
///
/// let kb = KnowledgeBase::sample();
/// let apt28 = kb.group("Fancy Bear")?;
/// assert_eq!(apt28.attack_id(), Some("G0007"));
/// let techniques = kb.techniques_used_by_group(apt28, ttpmap_attack::Paths::ALL, Scope::Active);
/// assert!(techniques.iter().any(|r| r.object.attack_id() == Some("T1059.001")));
/// # Ok::<(), ttpmap_attack::Error>(())
/// ```
#[derive(Debug)]
pub struct KnowledgeBase {
    pub(crate) entries: Vec<Entry>,
    pub(crate) graph: DiGraph<(), Edge, u32>,
    by_stix: HashMap<Identifier, u32>,
    by_attack_id: HashMap<Box<str>, Vec<u32>>,
    by_name: HashMap<Box<str>, Vec<u32>>,
    pub(crate) collections: Vec<u32>,
    /// Every tactic, in load order: a technique's tactics are found here
    /// without scanning all objects.
    pub(crate) tactic_indexes: Vec<u32>,
    warnings: Vec<String>,
    sample: bool,
}

const SAMPLE: &str = include_str!("../data/sample-enterprise.json");

impl KnowledgeBase {
    /// The small embedded sample: a few dozen Enterprise techniques, all
    /// tactics, some groups, software, mitigations, campaigns and detection
    /// content, with descriptions written by the ttpmap project. For
    /// examples, doctests and trying things out — not for analysis.
    pub fn sample() -> KnowledgeBase {
        // The sample is part of the crate and checked by its tests.
        let mut kb = KnowledgeBase::from_json(SAMPLE)
            .unwrap_or_else(|e| unreachable!("the embedded sample is invalid: {e}"));
        kb.sample = true;
        kb
    }

    /// Whether this is the embedded sample.
    pub fn is_sample(&self) -> bool {
        self.sample
    }

    /// Load one STIX document (bundle or single object) from JSON text.
    pub fn from_json(text: &str) -> Result<KnowledgeBase> {
        let mut loader = Loader::default();
        loader.add_document(Document::from_json(text)?, None);
        Ok(loader.build())
    }

    /// Load bundles already read.
    pub fn from_bundles(bundles: impl IntoIterator<Item = Bundle>) -> KnowledgeBase {
        let mut loader = Loader::default();
        for bundle in bundles {
            loader.add_document(Document::Bundle(bundle), None);
        }
        loader.build()
    }

    /// Load from a reader holding one STIX document.
    pub fn from_reader(mut reader: impl std::io::Read) -> Result<KnowledgeBase> {
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(|e| Error::Io {
            path: None,
            source: e,
        })?;
        KnowledgeBase::from_json(&text)
    }

    /// Load from a file (a bundle) or a folder: either the `mitre/cti`
    /// layout (`<type>/<id>.json`, STIX 2.0 or 2.1) or a folder of bundles.
    /// Errors name the file and object.
    pub fn from_path(path: impl AsRef<Path>) -> Result<KnowledgeBase> {
        KnowledgeBase::from_paths([path])
    }

    /// Load several files or folders into one knowledge base (e.g. the
    /// Enterprise, Mobile and ICS releases together).
    pub fn from_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<KnowledgeBase> {
        let mut loader = Loader::default();
        for path in paths {
            loader.add_path(path.as_ref())?;
        }
        if loader.entries.is_empty() {
            return Err(Error::NoData {
                path: PathBuf::from("."),
                reason: "no STIX objects found",
            });
        }
        Ok(loader.build())
    }

    /// Problems found while indexing that did not stop the load (e.g. a
    /// relationship whose target is not in the data), one line each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// How many objects are loaded (relationships included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The object with this STIX id.
    ///
    /// # Example
    ///
    /// ```
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// let id: ttpmap_stix::Identifier =
    ///     "attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736".parse()?;
    /// assert_eq!(kb.by_stix_id(&id).unwrap().name(), "PowerShell");
    /// # Ok::<(), ttpmap_stix::Error>(())
    /// ```
    pub fn by_stix_id(&self, id: &Identifier) -> Option<Object<'_>> {
        self.by_stix_str(id.as_str())
    }

    /// The object with this STIX id given as text.
    pub fn by_stix_str(&self, id: &str) -> Option<Object<'_>> {
        self.by_stix.get(id).map(|&i| self.object(i))
    }

    /// Every object with this ATT&CK id (any case), active ones first.
    ///
    /// # Performance
    ///
    /// One hash lookup, no allocation for ids up to 24 bytes.
    pub fn by_attack_id_all(&self, attack_id: &str) -> Vec<Object<'_>> {
        self.attack_id_indexes(attack_id)
            .iter()
            .map(|&i| self.object(i))
            .collect()
    }

    /// The object with this ATT&CK id (any case); when several share it (a
    /// deprecated mitigation may carry a technique id), the active one of
    /// the type the id's prefix names.
    ///
    /// # Example
    ///
    /// ```
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// assert_eq!(kb.by_attack_id("t1059.001").unwrap().name(), "PowerShell");
    /// assert!(kb.by_attack_id("T9999").is_none());
    /// ```
    pub fn by_attack_id(&self, attack_id: &str) -> Option<Object<'_>> {
        self.attack_id_indexes(attack_id)
            .first()
            .map(|&i| self.object(i))
    }

    fn attack_id_indexes(&self, attack_id: &str) -> &[u32] {
        let mut buf = [0u8; 24];
        let bytes = attack_id.trim().as_bytes();
        let found = if bytes.len() <= buf.len() {
            let upper = &mut buf[..bytes.len()];
            upper.copy_from_slice(bytes);
            upper.make_ascii_uppercase();
            std::str::from_utf8(upper)
                .ok()
                .and_then(|k| self.by_attack_id.get(k))
        } else {
            None
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// Objects whose name or alias is `name` (any case), active ones first.
    pub fn by_name(&self, name: &str) -> Vec<Object<'_>> {
        self.by_name
            .get(name.trim().to_lowercase().as_str())
            .map(|v| v.iter().map(|&i| self.object(i)).collect())
            .unwrap_or_default()
    }

    /// Every object, in load order.
    pub fn objects(&self) -> impl Iterator<Item = Object<'_>> + '_ {
        (0..self.entries.len() as u32).map(|i| self.object(i))
    }

    /// Every object of `kind`, in load order.
    pub fn objects_of_kind(&self, kind: Kind) -> impl Iterator<Item = Object<'_>> + '_ {
        self.objects().filter(move |o| o.kind() == kind)
    }

    /// The collection objects of the loaded releases (one per release
    /// bundle that has one): name, domain, version.
    pub fn collections(&self) -> Vec<crate::Collection<'_>> {
        self.collections
            .iter()
            .filter_map(|&i| crate::Collection::try_from_object(self.object(i)))
            .collect()
    }

    /// The release version of a loaded domain (`x_mitre_version` of its
    /// collection), e.g. `18.1`.
    pub fn release_version(&self, domain: Domain) -> Option<&str> {
        self.collections()
            .into_iter()
            .find(|c| c.domains().contains(domain))
            .and_then(super::object::Collection::release_version)
    }

    /// The domains whose releases are loaded: those of the collection
    /// objects; without collections, those of the matrices; without either,
    /// every domain some object names in `x_mitre_domains`. (Objects carry
    /// more domains than are loaded: a group used in Enterprise and Mobile
    /// says both even when only Enterprise is loaded.)
    pub fn domains(&self) -> crate::Domains {
        let of = |kind: Kind| {
            self.entries
                .iter()
                .filter(|e| e.kind == kind)
                .fold(crate::Domains::default(), |d, e| d.union(e.domains))
        };
        let collections = of(Kind::Collection);
        if !collections.is_empty() {
            return collections;
        }
        let matrices = of(Kind::Matrix);
        if !matrices.is_empty() {
            return matrices;
        }
        self.entries
            .iter()
            .fold(crate::Domains::default(), |d, e| d.union(e.domains))
    }

    /// How many objects of each kind, as (kind, active, all), in kind order.
    pub fn counts(&self) -> Vec<(Kind, usize, usize)> {
        let mut counts: std::collections::BTreeMap<Kind, (usize, usize)> =
            std::collections::BTreeMap::new();
        for e in &self.entries {
            let c = counts.entry(e.kind).or_default();
            c.1 += 1;
            if !e.revoked && !e.deprecated {
                c.0 += 1;
            }
        }
        counts.into_iter().map(|(k, (a, n))| (k, a, n)).collect()
    }

    pub(crate) fn object(&self, index: u32) -> Object<'_> {
        Object::new(self, index)
    }

    pub(crate) fn entry(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }
}

/// Collects objects from several sources, merging duplicates by STIX id.
#[derive(Default)]
struct Loader {
    entries: Vec<Entry>,
    by_stix: HashMap<Identifier, u32>,
}

impl Loader {
    fn add_path(&mut self, path: &Path) -> Result<()> {
        let meta = std::fs::metadata(path).map_err(|e| Error::Io {
            path: Some(path.to_path_buf()),
            source: e,
        })?;
        if !meta.is_dir() {
            let doc = Document::from_path(path)?;
            self.add_document(doc, None);
            return Ok(());
        }
        // A folder: bundles side by side, or the mitre/cti per-object layout.
        let objects = ttpmap_stix::read::objects_from_path(path)?;
        if objects.is_empty() {
            return Err(Error::NoData {
                path: path.to_path_buf(),
                reason: "no .json files in the folder",
            });
        }
        let mut per_file: Vec<StixObject> = Vec::new();
        let mut per_object_layout = false;
        let mut last: Option<PathBuf> = None;
        let mut groups: Vec<Vec<StixObject>> = Vec::new();
        for (file, object) in objects {
            let parent_is_type = file
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d.to_str() == Some(object.object_type()));
            per_object_layout |= parent_is_type;
            if last.as_ref() != Some(&file) && !per_file.is_empty() {
                groups.push(std::mem::take(&mut per_file));
            }
            last = Some(file);
            per_file.push(object);
        }
        groups.push(per_file);
        if per_object_layout {
            // One knowledge domain spread over many files: index it as one.
            let all: Vec<StixObject> = groups.into_iter().flatten().collect();
            self.add_objects(all, None);
        } else {
            for group in groups {
                self.add_objects(group, None);
            }
        }
        Ok(())
    }

    fn add_document(&mut self, doc: Document, domain: Option<Domain>) {
        self.add_objects(doc.into_objects(), domain);
    }

    /// Add the objects of one release (one domain).
    fn add_objects(&mut self, objects: Vec<StixObject>, domain: Option<Domain>) {
        let domain = domain.or_else(|| release_domain(&objects));
        for object in objects {
            let mut domains = object_domains(&object);
            if let Some(d) = domain {
                domains.insert(d);
            }
            let kind = Kind::of(&object);
            let attack_id = attack_id_of(&object).map(|s| s.to_ascii_uppercase().into_boxed_str());
            let revoked = object.is_revoked();
            let deprecated = object.extra().get("x_mitre_deprecated") == Some(&Value::Bool(true));
            let entry = Entry {
                object,
                kind,
                attack_id,
                domains,
                revoked,
                deprecated,
            };
            if let Some(&i) = self.by_stix.get(entry.object.id()) {
                let existing = &mut self.entries[i as usize];
                let domains = existing.domains.union(entry.domains);
                if entry.object.modified() > existing.object.modified() {
                    *existing = entry;
                }
                existing.domains = domains;
            } else {
                self.by_stix
                    .insert(entry.object.id().clone(), self.entries.len() as u32);
                self.entries.push(entry);
            }
        }
    }

    fn build(self) -> KnowledgeBase {
        let Loader { entries, by_stix } = self;
        let mut graph = DiGraph::<(), Edge, u32>::with_capacity(entries.len(), entries.len());
        for _ in 0..entries.len() {
            graph.add_node(());
        }
        let mut warnings = Vec::new();
        let mut by_attack_id: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut by_name: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut collections = Vec::new();
        let mut tactic_indexes = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let i = i as u32;
            if let Some(id) = &entry.attack_id {
                by_attack_id.entry(id.clone()).or_default().push(i);
            }
            if entry.kind == Kind::Collection {
                collections.push(i);
            }
            if entry.kind == Kind::Tactic {
                tactic_indexes.push(i);
            }
            if entry.kind != Kind::Relationship {
                for name in names_of(&entry.object) {
                    let list = by_name
                        .entry(name.to_lowercase().into_boxed_str())
                        .or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
            add_edges(&entries, &by_stix, &mut graph, i, &mut warnings);
        }
        let rank = |i: &u32| {
            let e = &entries[*i as usize];
            (e.revoked || e.deprecated, !prefix_matches(e))
        };
        for list in by_attack_id.values_mut() {
            list.sort_by_key(rank);
        }
        for list in by_name.values_mut() {
            list.sort_by_key(|i| (rank(i).0, entries[*i as usize].kind));
        }
        KnowledgeBase {
            entries,
            graph,
            by_stix,
            by_attack_id,
            by_name,
            collections,
            tactic_indexes,
            warnings,
            sample: false,
        }
    }
}

/// Whether the ATT&CK id's prefix names the entry's kind (T → technique…).
fn prefix_matches(entry: &Entry) -> bool {
    let Some(id) = &entry.attack_id else {
        return false;
    };
    Kind::from_attack_id(id) == Some(entry.kind)
}

/// The domain of a release: its collection's, or the most common in
/// `x_mitre_domains`.
fn release_domain(objects: &[StixObject]) -> Option<Domain> {
    let mut counts = [0usize; 3];
    for object in objects {
        if object.object_type() == "x-mitre-collection" {
            let name = object
                .extra()
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let lower = name.to_ascii_lowercase();
            if lower.contains("enterprise") {
                return Some(Domain::Enterprise);
            } else if lower.contains("mobile") {
                return Some(Domain::Mobile);
            } else if lower.contains("ics") {
                return Some(Domain::Ics);
            }
        }
        for d in object_domains(object).iter() {
            counts[d as usize] += 1;
        }
    }
    let (best, &n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
    (n > 0).then(|| Domain::ALL[best])
}

fn object_domains(object: &StixObject) -> Domains {
    let mut domains = Domains::default();
    if let Some(Value::Array(list)) = object.extra().get("x_mitre_domains") {
        for d in list.iter().filter_map(Value::as_str) {
            if let Ok(d) = d.parse::<Domain>() {
                domains.insert(d);
            }
        }
    }
    domains
}

/// The ATT&CK id: the `external_id` of the first ATT&CK external reference.
pub(crate) fn attack_id_of(object: &StixObject) -> Option<&str> {
    crate::object::external_references(object)?
        .iter()
        .find(|r| r.source_name.starts_with("mitre-") && r.source_name.ends_with("attack"))
        .and_then(|r| r.external_id.as_deref())
}

/// Name and aliases of an object.
fn names_of(object: &StixObject) -> Vec<&str> {
    let mut names = Vec::new();
    if let Some(name) = crate::object::name_of(object) {
        names.push(name);
    }
    names.extend(crate::object::aliases_of(object));
    names
}

fn add_edges(
    entries: &[Entry],
    by_stix: &HashMap<Identifier, u32>,
    graph: &mut DiGraph<(), Edge, u32>,
    i: u32,
    warnings: &mut Vec<String>,
) {
    let entry = &entries[i as usize];
    let mut link =
        |from: u32, to: &str, kind: EdgeKind, relationship: Option<u32>, w: &mut Vec<String>| {
            match by_stix.get(to) {
                Some(&t) => {
                    graph.add_edge(
                        NodeIndex::new(from as usize),
                        NodeIndex::new(t as usize),
                        Edge { kind, relationship },
                    );
                }
                None if to.is_empty() => {}
                None => w.push(format!(
                    "{}: reference to {to}, which is not loaded",
                    entry.object.id()
                )),
            }
        };
    match &entry.object {
        StixObject::Relationship(r) => {
            let Some(kind) = EdgeKind::from_relationship_type(&r.relationship_type) else {
                return;
            };
            match by_stix.get(&r.source_ref) {
                Some(&s) => link(s, r.target_ref.as_str(), kind, Some(i), warnings),
                None => warnings.push(format!("{}: source {} is not loaded", r.id, r.source_ref)),
            }
        }
        object => {
            let extra = object.extra();
            let strings = |key: &str| -> Vec<&str> {
                match extra.get(key) {
                    Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                    Some(Value::String(s)) => vec![s.as_str()],
                    _ => Vec::new(),
                }
            };
            for target in strings("x_mitre_analytic_refs") {
                link(i, target, EdgeKind::HasAnalytic, None, warnings);
            }
            for target in strings("tactic_refs") {
                link(i, target, EdgeKind::HasTactic, None, warnings);
            }
            for target in strings("x_mitre_data_source_ref") {
                link(i, target, EdgeKind::ComponentOf, None, warnings);
            }
            if let Some(Value::Array(refs)) = extra.get("x_mitre_log_source_references") {
                let mut seen: Vec<&str> = Vec::new();
                for r in refs {
                    if let Some(dc) = r.get("x_mitre_data_component_ref").and_then(Value::as_str) {
                        if !seen.contains(&dc) {
                            seen.push(dc);
                            link(i, dc, EdgeKind::LogSource, None, warnings);
                        }
                    }
                }
            }
        }
    }
}
