//! `ttpmap attack show ID`: one object and what it is.

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{
    Campaign, Group, Kind, KnowledgeBase, Object, Paths, Scope, Software, Tactic, Technique,
};

use super::id;
use crate::args::{Format, ShowArgs};
use crate::cmd::render::{self, wrap, Csv, Table};

/// Width of wrapped descriptions.
const WIDTH: usize = 78;

/// The `--format json` document: the object and its details.
#[derive(Debug, Serialize)]
struct Details<'kb> {
    #[serde(flatten)]
    object: Object<'kb>,
    /// What replaced it, when revoked (the end of the `revoked-by` chain).
    replaced_by: Option<Object<'kb>>,
    url: Option<&'kb str>,
    /// `x_mitre_version`.
    version: Option<&'kb str>,
    platforms: Vec<&'kb str>,
    aliases: Vec<&'kb str>,
    /// A technique's tactics, in matrix order.
    tactics: Vec<Tactic<'kb>>,
    /// A sub-technique's parent.
    parent: Option<Technique<'kb>>,
    /// A technique's active sub-techniques, by id.
    subtechniques: Vec<Technique<'kb>>,
    /// How many techniques a group, software or campaign uses.
    techniques: Option<TechniqueCounts>,
    description: Option<&'kb str>,
}

/// Distinct active techniques per path (a technique reached through
/// several paths counts once in `total`).
#[derive(Debug, Serialize)]
struct TechniqueCounts {
    total: usize,
    direct: usize,
    software: usize,
    campaign: usize,
}

/// Look the object up and print it.
pub(super) fn run(
    args: &ShowArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let object = match kb.find(&args.id) {
        Ok(object) => object,
        // A technique may also be written `T1059/001`.
        Err(e) => kb.technique(&args.id).map_err(|_| e)?.object(),
    };
    let details = details(kb, object);
    match format {
        Format::Human => write_human(&details, out)?,
        Format::Json | Format::Jsonl => render::write_json(out, format, &details)?,
        Format::Csv => {
            let mut csv = Csv::new(out, &["field", "value"])?;
            for (field, value) in fields(&details) {
                csv.record([field, &value])?;
            }
            csv.record(["description", details.description.unwrap_or("")])?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn details<'kb>(kb: &'kb KnowledgeBase, object: Object<'kb>) -> Details<'kb> {
    let technique = Technique::try_from_object(object);
    let mut subtechniques: Vec<Technique<'kb>> = technique
        .map(|t| kb.subtechniques_of(t, Scope::Active))
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Technique::try_from_object(r.object))
        .collect();
    subtechniques.sort_by(|a, b| super::order(**a, **b));
    Details {
        object,
        replaced_by: kb.replacement_of(object),
        url: object.url(),
        version: object.version(),
        platforms: object.platforms(),
        aliases: object.aliases(),
        tactics: technique.map(|t| kb.tactics_of(t)).unwrap_or_default(),
        parent: technique.and_then(|t| kb.parent_of(t)),
        subtechniques,
        techniques: technique_counts(kb, object),
        description: object.description(),
    }
}

fn technique_counts(kb: &KnowledgeBase, object: Object<'_>) -> Option<TechniqueCounts> {
    let count = |paths: Paths| -> usize {
        Group::try_from_object(object).map_or(0, |g| {
            let related = kb.techniques_used_by_group(g, paths, Scope::Active);
            ttpmap::attack::distinct(&related).len()
        })
    };
    if Group::try_from_object(object).is_some() {
        return Some(TechniqueCounts {
            total: count(Paths::ALL),
            direct: count(Paths::DIRECT),
            software: count(Paths::SOFTWARE),
            campaign: count(Paths {
                direct: false,
                software: false,
                campaign: true,
            }),
        });
    }
    let related = if let Some(s) = Software::try_from_object(object) {
        kb.techniques_used_by_software(s, Scope::Active)
    } else if let Some(c) = Campaign::try_from_object(object) {
        kb.techniques_used_by_campaign(c, Scope::Active)
    } else {
        return None;
    };
    let direct = related
        .iter()
        .map(|r| r.object)
        .collect::<HashSet<_>>()
        .len();
    Some(TechniqueCounts {
        total: direct,
        direct,
        software: 0,
        campaign: 0,
    })
}

/// The details as (field, value) pairs for people and CSV, the description
/// left out; a field may repeat (one sub-technique each).
fn fields(d: &Details<'_>) -> Vec<(&'static str, String)> {
    let o = d.object;
    let mut fields = vec![
        ("type", o.kind().to_string()),
        ("attack id", id(o).to_owned()),
        ("stix id", o.stix_id().to_string()),
        ("name", o.name().to_owned()),
    ];
    let domains: Vec<String> = o.domains().iter().map(|d| d.to_string()).collect();
    fields.push(("domains", domains.join(", ")));
    if o.is_revoked() {
        let by = d.replaced_by.map_or_else(
            || "yes".to_owned(),
            |r| format!("yes, replaced by {}", r.label()),
        );
        fields.push(("revoked", by));
    }
    if o.is_deprecated() {
        fields.push(("deprecated", "yes".to_owned()));
    }
    if let Some(t) = Tactic::try_from_object(o) {
        fields.push(("short name", t.shortname().to_owned()));
    }
    let aliases: Vec<&str> = (d.aliases.iter().copied())
        .filter(|a| !a.eq_ignore_ascii_case(o.name()))
        .collect();
    if !aliases.is_empty() {
        fields.push(("aliases", aliases.join(", ")));
    }
    if !d.platforms.is_empty() {
        fields.push(("platforms", d.platforms.join(", ")));
    }
    if !d.tactics.is_empty() {
        let tactics: Vec<String> = d.tactics.iter().map(|t| t.label()).collect();
        fields.push(("tactics", tactics.join(", ")));
    }
    if let Some(parent) = d.parent {
        fields.push(("parent", parent.label()));
    }
    for sub in &d.subtechniques {
        fields.push(("sub-techniques", sub.label()));
    }
    if let Some(c) = &d.techniques {
        let text = if o.kind() == Kind::Group {
            format!(
                "{} ({} direct, {} through software, {} through campaigns)",
                c.total, c.direct, c.software, c.campaign
            )
        } else {
            c.total.to_string()
        };
        fields.push(("techniques", text));
    }
    if let Some(url) = d.url {
        fields.push(("url", url.to_owned()));
    }
    if let Some(version) = d.version {
        fields.push(("version", version.to_owned()));
    }
    fields
}

/// `ID name (kind)`, the other fields in two columns (a repeated field shows its
/// name once), then the description wrapped.
fn write_human(d: &Details<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "{} ({})", d.object.label(), d.object.kind())?;
    let mut table = Table::headless().indent(2);
    let mut previous = "";
    // The first line says these already.
    let said = ["type", "attack id", "name"];
    for (field, value) in fields(d).into_iter().filter(|(f, _)| !said.contains(f)) {
        let shown = if field == previous { "" } else { field };
        previous = field;
        table.row([shown.to_owned(), value]);
    }
    table.write(out)?;
    if let Some(description) = d.description.filter(|t| !t.trim().is_empty()) {
        writeln!(out)?;
        for line in wrap(description, WIDTH, 2) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
