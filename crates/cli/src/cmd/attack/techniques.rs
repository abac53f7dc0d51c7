//! `ttpmap attack techniques [filters]`: the techniques every filter admits.

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{Domain, KnowledgeBase, Object, Paths, Scope, Tactic, Technique};

use super::{check_platform, intersect, scope, ListAnswer, Listed, Listing};
use crate::args::{Format, TechniquesArgs, Via};

/// The filters as resolved: the objects the names given stand for.
#[derive(Debug, Default, Serialize)]
struct Query<'kb> {
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<Object<'kb>>,
    /// The paths of `--group`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    via: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    software: Option<Object<'kb>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    campaign: Option<Object<'kb>>,
    /// The tactics `--tactic` names: one per loaded domain that has it
    /// (`execution` is a tactic of Enterprise and of Mobile).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tactics: Vec<Object<'kb>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'kb str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mitigation: Option<Object<'kb>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_component: Option<Object<'kb>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<Domain>,
    include_revoked: bool,
}

/// Resolve the filters, intersect, print.
pub(super) fn run(
    args: &TechniquesArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let scope = scope(args.include_revoked);
    let mut query = Query {
        include_revoked: args.include_revoked,
        ..Query::default()
    };
    // Filters through relationships: each gives the techniques it admits
    // and the links that admit them.
    let mut listings: Vec<Listing<'_>> = Vec::new();
    if let Some(name) = &args.group {
        let group = kb.group(name)?;
        let paths = paths(&args.via);
        query.group = Some(*group);
        query.via = [
            (paths.direct, "direct"),
            (paths.software, "software"),
            (paths.campaign, "campaign"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        let related = kb.techniques_used_by_group(group, paths, scope);
        listings.push(Listing::of_related(&related, "group"));
    }
    if let Some(name) = &args.software {
        let software = kb.software_named(name)?;
        query.software = Some(*software);
        let related = kb.techniques_used_by_software(software, scope);
        listings.push(Listing::of_related(&related, "software"));
    }
    if let Some(name) = &args.campaign {
        let campaign = kb.campaign(name)?;
        query.campaign = Some(*campaign);
        let related = kb.techniques_used_by_campaign(campaign, scope);
        listings.push(Listing::of_related(&related, "campaign"));
    }
    if let Some(name) = &args.mitigation {
        let mitigation = kb.mitigation(name)?;
        query.mitigation = Some(*mitigation);
        let related = kb.techniques_mitigated_by(mitigation, scope);
        listings.push(Listing::of_related(&related, "mitigation"));
    }
    if let Some(name) = &args.data_component {
        let component = kb.data_component(name)?;
        query.data_component = Some(*component);
        let related = kb.techniques_detected_by_component(component, scope);
        listings.push(Listing::of_related(&related, "data-component"));
    }
    // Filters on the technique itself.
    if let Some(domain) = &args.domain {
        query.domain = Some(domain.parse::<Domain>()?);
    }
    let in_tactic: Option<HashSet<Technique<'_>>> = match &args.tactic {
        Some(name) => {
            let tactics = tactics_named(kb, name, query.domain)?;
            query.tactics = tactics.iter().map(|t| t.object()).collect();
            let techniques = tactics
                .into_iter()
                .flat_map(|t| kb.techniques_of_tactic(t, scope));
            Some(techniques.collect())
        }
        None => None,
    };
    if let Some(platform) = &args.platform {
        query.platform = Some(check_platform(kb, platform)?);
    }
    let admits = |t: Technique<'_>| {
        in_tactic.as_ref().is_none_or(|set| set.contains(&t))
            && query
                .platform
                .is_none_or(|p| t.platforms().iter().any(|q| q.eq_ignore_ascii_case(p)))
            && query.domain.is_none_or(|d| t.domains().contains(d))
    };

    let mut found = intersect(listings)
        .unwrap_or_else(|| Listing::of_objects(kb.techniques(scope).into_iter().map(Into::into)));
    found.retain(|o| Technique::try_from_object(o).is_some_and(&admits));
    let mut items: Vec<Listed<'_>> = found.into_listed();
    for item in &mut items {
        item.tactics = Technique::try_from_object(item.object).map(|t| kb.tactics_of(t));
    }
    let answer = ListAnswer {
        what: "techniques",
        query: &query,
        items: &items,
        show_paths: args.group.is_some(),
    };
    answer.write(out, format)?;
    Ok(ExitCode::SUCCESS)
}

/// The tactics a name or short name stands for in each loaded domain (in
/// `domain` only when given); else the one tactic an id names, through the
/// library's lookup (which suggests close names when nothing matches).
fn tactics_named<'kb>(
    kb: &'kb KnowledgeBase,
    name: &str,
    domain: Option<Domain>,
) -> anyhow::Result<Vec<Tactic<'kb>>> {
    let name = name.trim();
    let named: Vec<Tactic<'kb>> = (kb.tactics(Scope::Active).into_iter())
        .filter(|t| t.shortname().eq_ignore_ascii_case(name) || t.name().eq_ignore_ascii_case(name))
        .filter(|t| domain.is_none_or(|d| t.domains().contains(d)))
        .collect();
    if named.is_empty() {
        Ok(vec![kb.tactic(name)?])
    } else {
        Ok(named)
    }
}

/// The paths `--via` names; all three when it is not given.
pub(crate) fn paths(via: &[Via]) -> Paths {
    if via.is_empty() {
        return Paths::ALL;
    }
    Paths {
        direct: via.contains(&Via::Direct),
        software: via.contains(&Via::Software),
        campaign: via.contains(&Via::Campaign),
    }
}
