//! `ttpmap attack …`: questions to the ATT&CK knowledge base.
//!
//! Every subcommand loads the knowledge base the documented way (`--attack`,
//! `TTPMAP_ATTACK_DIR`, the cache, else the embedded sample, with a notice
//! on stderr), looks its arguments up (an unknown id is an error that
//! suggests the closest matches) and renders what the library answers.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{Domain, KnowledgeBase, Object, Related, Scope, Tactic, Via};
use ttpmap::stix::Identifier;

use crate::args::{AttackCommand, Format};
use crate::cmd::render::{self, Csv, Table};

mod detections;
pub(crate) mod matrix;
mod related;
mod search;
mod show;
mod similar;
mod stats;
pub(crate) mod techniques;

/// Load the knowledge base, then run an `attack` subcommand.
pub(crate) fn run(
    command: &AttackCommand,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let (kb, origin) = load(attack)?;
    let kb = &kb;
    match command {
        AttackCommand::Stats => stats::run(kb, &origin, out, format),
        AttackCommand::Show(args) => show::run(args, kb, out, format),
        AttackCommand::Search(args) => search::run(args, kb, out, format),
        AttackCommand::Techniques(args) => techniques::run(args, kb, out, format),
        AttackCommand::Groups(args) => related::groups(args, kb, out, format),
        AttackCommand::Software(args) => related::software(args, kb, out, format),
        AttackCommand::Mitigations(args) => related::mitigations(args, kb, out, format),
        AttackCommand::Detections(args) => detections::run(args, kb, out, format),
        AttackCommand::Matrix(args) => matrix::run(args, kb, out, format),
        AttackCommand::Similar(args) => similar::run(args, kb, out, format),
    }
}

/// The knowledge base the documented way (`--attack`, `TTPMAP_ATTACK_DIR`,
/// the cache, else the embedded sample), saying on stderr where it came
/// from when it was not given.
pub(crate) fn load(
    attack: &[PathBuf],
) -> anyhow::Result<(KnowledgeBase, ttpmap::attack::DataOrigin)> {
    let (kb, origin) = KnowledgeBase::discover(attack)?;
    if let Some(notice) = origin.notice() {
        let _ = writeln!(std::io::stderr(), "ttpmap: {notice}");
    }
    Ok((kb, origin))
}

/// What `--include-revoked` asks for.
fn scope(include_revoked: bool) -> Scope {
    if include_revoked {
        Scope::All
    } else {
        Scope::Active
    }
}

/// Tell people on stderr that a list is empty (`no techniques match`); the
/// run still succeeds. Machine formats say it with an empty list.
fn say_if_empty(is_empty: bool, format: Format, what: &str) {
    if is_empty && format == Format::Human {
        let _ = writeln!(std::io::stderr(), "ttpmap: no {what} match");
    }
}

/// Objects in answer order: by ATT&CK id, those without one last, then name.
fn sort_objects(objects: &mut [Object<'_>]) {
    objects.sort_by(|a, b| order(*a, *b));
}

fn order(a: Object<'_>, b: Object<'_>) -> std::cmp::Ordering {
    fn key(o: Object<'_>) -> (bool, Option<&str>, &str) {
        (o.attack_id().is_none(), o.attack_id(), o.name())
    }
    key(a).cmp(&key(b))
}

/// The ATT&CK id, or empty.
fn id(object: Object<'_>) -> &str {
    object.attack_id().unwrap_or("")
}

/// Tactic names joined for a table cell.
fn tactic_names(tactics: &[Tactic<'_>]) -> String {
    let names: Vec<&str> = tactics.iter().map(|t| t.name()).collect();
    names.join(", ")
}

/// One object of a list answer with every link that put it there.
#[derive(Debug, Serialize)]
struct Listed<'kb> {
    #[serde(flatten)]
    object: Object<'kb>,
    /// A technique's tactics (technique lists only).
    #[serde(skip_serializing_if = "Option::is_none")]
    tactics: Option<Vec<Tactic<'kb>>>,
    /// The distinct paths of the links: `direct`, `software`, `campaign`.
    paths: Vec<&'static str>,
    /// How the object is linked to the objects named by the filters.
    links: Vec<Link<'kb>>,
}

/// How a listed object is linked to an object a filter named: the
/// relationship (a `uses` description is the procedure example) and the
/// path it was reached through.
#[derive(Debug, Clone, Serialize)]
struct Link<'kb> {
    /// The filter: `group`, `software`, `campaign`, `technique`, `mitigation`, `data-component`.
    filter: &'static str,
    /// `direct`, `software` or `campaign`.
    path: &'static str,
    /// The software or campaign of a `software` or `campaign` path.
    through: Option<Object<'kb>>,
    /// The relationship, when the link is one.
    relationship: Option<RelationshipRef<'kb>>,
}

#[derive(Debug, Clone, Serialize)]
struct RelationshipRef<'kb> {
    stix_id: &'kb Identifier,
    relationship_type: &'kb str,
    description: Option<&'kb str>,
}

impl<'kb> Link<'kb> {
    fn new(related: &Related<'kb>, filter: &'static str) -> Link<'kb> {
        let (path, through) = match related.via {
            Via::Direct => ("direct", None),
            Via::Software(s) => ("software", Some(s)),
            Via::Campaign(c) => ("campaign", Some(c)),
        };
        Link {
            filter,
            path,
            through,
            relationship: related.relationship.map(|r| RelationshipRef {
                stix_id: &r.id,
                relationship_type: &r.relationship_type,
                description: r.description.as_deref(),
            }),
        }
    }

    fn description(&self) -> Option<&'kb str> {
        self.relationship.as_ref().and_then(|r| r.description)
    }

    /// `direct`, `software S0023`, `campaign C0051`.
    fn label(&self) -> String {
        match self.through {
            None => self.path.to_owned(),
            Some(o) => format!("{} {}", self.path, o.attack_id().unwrap_or(o.name())),
        }
    }
}

/// Objects found through relationships, one entry per object however many
/// relationships found it.
#[derive(Debug, Default)]
struct Listing<'kb> {
    objects: Vec<Object<'kb>>,
    links: HashMap<Object<'kb>, Vec<Link<'kb>>>,
}

impl<'kb> Listing<'kb> {
    fn of_related(related: &[Related<'kb>], filter: &'static str) -> Listing<'kb> {
        let mut listing = Listing::default();
        for r in related {
            let links = listing.links.entry(r.object).or_insert_with(|| {
                listing.objects.push(r.object);
                Vec::new()
            });
            links.push(Link::new(r, filter));
        }
        listing
    }

    fn of_objects(objects: impl IntoIterator<Item = Object<'kb>>) -> Listing<'kb> {
        Listing {
            objects: objects.into_iter().collect(),
            links: HashMap::new(),
        }
    }

    fn contains(&self, object: Object<'kb>) -> bool {
        self.links.contains_key(&object)
    }

    fn links_of(&self, object: Object<'kb>) -> &[Link<'kb>] {
        self.links.get(&object).map_or(&[], Vec::as_slice)
    }

    /// Keep the objects `keep` accepts.
    fn retain(&mut self, keep: impl Fn(Object<'kb>) -> bool) {
        self.objects.retain(|o| keep(*o));
    }

    /// The entries, sorted.
    fn into_listed(self) -> Vec<Listed<'kb>> {
        let Listing { mut objects, links } = self;
        sort_objects(&mut objects);
        let mut links = links;
        objects
            .into_iter()
            .map(|object| Listed::new(object, links.remove(&object).unwrap_or_default()))
            .collect()
    }
}

/// The objects every listing holds, in the first one's order, with the
/// links of all; `None` without listings (no filter: everything passes).
fn intersect(listings: Vec<Listing<'_>>) -> Option<Listing<'_>> {
    let mut listings = listings.into_iter();
    let mut first = listings.next()?;
    for other in listings {
        first.retain(|o| other.contains(o));
        for &object in &first.objects {
            let links = other.links_of(object).to_vec();
            first.links.entry(object).or_default().extend(links);
        }
    }
    Some(first)
}

/// The domains whose matrix is loaded, in domain order. An object may name
/// several domains (a group in Enterprise and Mobile); a matrix says which
/// releases are there.
fn matrix_domains(kb: &KnowledgeBase) -> Vec<Domain> {
    (Domain::ALL.into_iter())
        .filter(|d| !kb.matrix_tactics(*d).is_empty())
        .collect()
}

/// The platform as the data spells it (`windows` → `Windows`), or an error
/// naming the platforms of the loaded techniques.
fn check_platform<'kb>(kb: &'kb KnowledgeBase, platform: &str) -> anyhow::Result<&'kb str> {
    let mut known: Vec<&str> = (kb.techniques(Scope::All).into_iter())
        .flat_map(|t| t.platforms())
        .collect();
    known.sort_unstable();
    known.dedup();
    match known
        .iter()
        .find(|p| p.eq_ignore_ascii_case(platform.trim()))
    {
        Some(p) => Ok(p),
        None => anyhow::bail!(
            "no platform matches {platform:?}; the loaded techniques' platforms are {}",
            known.join(", ")
        ),
    }
}

impl<'kb> Listed<'kb> {
    fn new(object: Object<'kb>, links: Vec<Link<'kb>>) -> Listed<'kb> {
        let mut paths: Vec<&'static str> = Vec::new();
        for path in ["direct", "software", "campaign"] {
            if links.iter().any(|l| l.path == path) {
                paths.push(path);
            }
        }
        Listed {
            object,
            tactics: None,
            paths,
            links,
        }
    }

    /// The links' paths for a table cell: `direct, software S0023`.
    fn path_labels(&self) -> String {
        let mut labels: Vec<String> = Vec::new();
        for link in &self.links {
            let label = link.label();
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels.join(", ")
    }

    /// The distinct link descriptions, for a CSV cell.
    fn descriptions(&self) -> String {
        let mut texts: Vec<&str> = Vec::new();
        for text in self.links.iter().filter_map(Link::description) {
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
        texts.join("\n\n")
    }
}

/// A list answer and how to render it.
struct ListAnswer<'a, 'kb, Q> {
    /// What the list holds, plural (`techniques`): the JSON key and the
    /// word of the "no … match" notice.
    what: &'static str,
    /// The resolved query, the JSON document's `query`.
    query: &'a Q,
    items: &'a [Listed<'kb>],
    /// Whether people see the PATHS column (when paths tell something).
    show_paths: bool,
}

impl<Q: Serialize> ListAnswer<'_, '_, Q> {
    /// Human: a table (ID, NAME, TYPE or TACTICS, PATHS). JSON:
    /// `{"query": …, "<what>": […]}`. JSON lines: one entry per line. CSV:
    /// `attack_id,name,type,tactics,paths,descriptions,stix_id`.
    fn write(&self, out: &mut dyn Write, format: Format) -> anyhow::Result<()> {
        say_if_empty(self.items.is_empty(), format, self.what);
        let tactics = self.items.iter().any(|i| i.tactics.is_some());
        match format {
            Format::Human => {
                let mut header = vec!["ID", "NAME", if tactics { "TACTICS" } else { "TYPE" }];
                if self.show_paths {
                    header.push("PATHS");
                }
                let mut table = Table::new(&header);
                for item in self.items {
                    let third = match &item.tactics {
                        Some(t) => tactic_names(t),
                        None => item.object.kind().to_string(),
                    };
                    let mut row =
                        vec![id(item.object).to_owned(), item.object.name().into(), third];
                    if self.show_paths {
                        row.push(item.path_labels());
                    }
                    table.row(row);
                }
                table.write(out)?;
            }
            Format::Json => {
                let mut document = serde_json::Map::new();
                document.insert("query".into(), serde_json::to_value(self.query)?);
                document.insert(self.what.into(), serde_json::to_value(self.items)?);
                render::write_json(out, format, &document)?;
            }
            Format::Jsonl => render::write_json_lines(out, self.items)?,
            Format::Csv => {
                let header = [
                    "attack_id",
                    "name",
                    "type",
                    "tactics",
                    "paths",
                    "descriptions",
                    "stix_id",
                ];
                let mut csv = Csv::new(out, &header)?;
                for item in self.items {
                    let tactics = item.tactics.as_deref().map(tactic_names);
                    csv.record([
                        id(item.object),
                        item.object.name(),
                        item.object.kind().as_str(),
                        tactics.as_deref().unwrap_or(""),
                        &item.path_labels(),
                        &item.descriptions(),
                        item.object.stix_id().as_str(),
                    ])?;
                }
            }
        }
        Ok(())
    }
}
