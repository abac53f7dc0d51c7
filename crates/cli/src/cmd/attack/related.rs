//! `ttpmap attack groups|software|mitigations`: who uses a technique or a
//! software, what a group uses, what mitigates a technique.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{KnowledgeBase, Object};

use super::{id, intersect, say_if_empty, scope, ListAnswer, Listing};
use crate::args::{Format, GroupsArgs, MitigationsArgs, SoftwareArgs};
use crate::cmd::render::wrap;

/// The objects the options named, as resolved.
#[derive(Debug, Default, Serialize)]
struct Query<'kb> {
    #[serde(skip_serializing_if = "Option::is_none")]
    technique: Option<Object<'kb>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    software: Option<Object<'kb>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<Object<'kb>>,
    include_revoked: bool,
}

/// Groups using a technique or a software, directly or through campaigns
/// attributed to them.
pub(super) fn groups(
    args: &GroupsArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let scope = scope(args.include_revoked);
    let mut query = Query {
        include_revoked: args.include_revoked,
        ..Query::default()
    };
    let mut listings = Vec::new();
    if let Some(name) = &args.technique {
        let technique = kb.technique(name)?;
        query.technique = Some(*technique);
        let related = kb.groups_using_technique(technique, scope);
        listings.push(Listing::of_related(&related, "technique"));
    }
    if let Some(name) = &args.software {
        let software = kb.software_named(name)?;
        query.software = Some(*software);
        let related = kb.groups_using_software(software, scope);
        listings.push(Listing::of_related(&related, "software"));
    }
    let found = intersect(listings).unwrap_or_default();
    let answer = ListAnswer {
        what: "groups",
        query: &query,
        items: &found.into_listed(),
        show_paths: true,
    };
    answer.write(out, format)?;
    Ok(ExitCode::SUCCESS)
}

/// Software using a technique and/or used by a group; all software without
/// either.
pub(super) fn software(
    args: &SoftwareArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let scope = scope(args.include_revoked);
    let mut query = Query {
        include_revoked: args.include_revoked,
        ..Query::default()
    };
    let mut listings = Vec::new();
    if let Some(name) = &args.technique {
        let technique = kb.technique(name)?;
        query.technique = Some(*technique);
        let related = kb.software_using_technique(technique, scope);
        listings.push(Listing::of_related(&related, "technique"));
    }
    if let Some(name) = &args.group {
        let group = kb.group(name)?;
        query.group = Some(*group);
        let related = kb.software_used_by_group(group, scope);
        listings.push(Listing::of_related(&related, "group"));
    }
    let found = intersect(listings)
        .unwrap_or_else(|| Listing::of_objects(kb.software(scope).into_iter().map(Into::into)));
    let answer = ListAnswer {
        what: "software",
        query: &query,
        items: &found.into_listed(),
        show_paths: args.group.is_some(),
    };
    answer.write(out, format)?;
    Ok(ExitCode::SUCCESS)
}

/// Mitigations of a technique with how each mitigates it. People get each
/// mitigation with its text below it.
pub(super) fn mitigations(
    args: &MitigationsArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let technique = kb.technique(&args.technique)?;
    let query = Query {
        technique: Some(*technique),
        include_revoked: args.include_revoked,
        ..Query::default()
    };
    let related = kb.mitigations_of_technique(technique, scope(args.include_revoked));
    let items = Listing::of_related(&related, "technique").into_listed();
    if format != Format::Human {
        let answer = ListAnswer {
            what: "mitigations",
            query: &query,
            items: &items,
            show_paths: false,
        };
        answer.write(out, format)?;
        return Ok(ExitCode::SUCCESS);
    }
    say_if_empty(items.is_empty(), format, "mitigations");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}  {}", id(item.object), item.object.name())?;
        for line in wrap(&item.descriptions(), 76, 4) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
