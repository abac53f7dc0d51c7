//! The rules of each SDO type (spec §4): co-constraints, timestamp order,
//! reference targets and open vocabularies.

use super::common::order;
use super::embedded::kill_chain_phases;
use super::open_vocab::{self as ov, one, Ov};
use super::refs::{self, Target, REFERENCE_TYPE};
use super::sink::Sink;
use super::vocab;
use crate::sdo::{
    AttackPattern, Campaign, Grouping, Identity, Incident, Indicator, Infrastructure, IntrusionSet,
    Location, Malware, MalwareAnalysis, Note, ObservedData, Opinion, Report, ThreatActor, Tool,
};
use crate::{Identifier, Timestamp};

/// `last_seen` must not be before `first_seen`.
fn seen(s: &mut Sink<'_>, first: Option<&Timestamp>, last: Option<&Timestamp>) {
    order(s, ("first_seen", first), ("last_seen", last), false);
}

pub(crate) fn attack_pattern(o: &AttackPattern, s: &mut Sink<'_>) {
    kill_chain_phases(s, o.kill_chain_phases.as_deref());
}

pub(crate) fn campaign(o: &Campaign, s: &mut Sink<'_>) {
    seen(s, o.first_seen.as_ref(), o.last_seen.as_ref());
}

pub(crate) fn grouping(o: &Grouping, s: &mut Sink<'_>) {
    one(s, "context", Some(o.context.as_str()), ov::GROUPING_CONTEXT);
    object_refs(s, "grouping", &o.object_refs);
}

pub(crate) fn identity(o: &Identity, s: &mut Sink<'_>) {
    one(
        s,
        "identity_class",
        o.identity_class.as_deref(),
        ov::IDENTITY_CLASS,
    );
    ov::list(s, "sectors", o.sectors.as_deref(), ov::INDUSTRY_SECTOR);
}

pub(crate) fn incident(o: &Incident, s: &mut Sink<'_>) {
    kill_chain_phases(s, o.kill_chain_phases.as_deref());
}

pub(crate) fn infrastructure(o: &Infrastructure, s: &mut Sink<'_>) {
    kill_chain_phases(s, o.kill_chain_phases.as_deref());
    seen(s, o.first_seen.as_ref(), o.last_seen.as_ref());
    let types = o.infrastructure_types.as_deref();
    ov::list(s, "infrastructure_types", types, ov::INFRASTRUCTURE_TYPE);
}

pub(crate) fn intrusion_set(o: &IntrusionSet, s: &mut Sink<'_>) {
    seen(s, o.first_seen.as_ref(), o.last_seen.as_ref());
    one(
        s,
        "resource_level",
        o.resource_level.as_deref(),
        ov::ATTACK_RESOURCE_LEVEL,
    );
    one(
        s,
        "primary_motivation",
        o.primary_motivation.as_deref(),
        ov::ATTACK_MOTIVATION,
    );
    let secondary = o.secondary_motivations.as_deref();
    ov::list(s, "secondary_motivations", secondary, ov::ATTACK_MOTIVATION);
}

pub(crate) fn threat_actor(o: &ThreatActor, s: &mut Sink<'_>) {
    seen(s, o.first_seen.as_ref(), o.last_seen.as_ref());
    let types = o.threat_actor_types.as_deref();
    ov::list(s, "threat_actor_types", types, ov::THREAT_ACTOR_TYPE);
    ov::list(s, "roles", o.roles.as_deref(), ov::THREAT_ACTOR_ROLE);
    one(
        s,
        "sophistication",
        o.sophistication.as_deref(),
        ov::THREAT_ACTOR_SOPHISTICATION,
    );
    one(
        s,
        "resource_level",
        o.resource_level.as_deref(),
        ov::ATTACK_RESOURCE_LEVEL,
    );
    one(
        s,
        "primary_motivation",
        o.primary_motivation.as_deref(),
        ov::ATTACK_MOTIVATION,
    );
    let lists: [(&str, Option<&[String]>, Ov); 2] = [
        (
            "secondary_motivations",
            o.secondary_motivations.as_deref(),
            ov::ATTACK_MOTIVATION,
        ),
        (
            "personal_motivations",
            o.personal_motivations.as_deref(),
            ov::ATTACK_MOTIVATION,
        ),
    ];
    for (name, values, vocabulary) in lists {
        ov::list(s, name, values, vocabulary);
    }
}

pub(crate) fn tool(o: &Tool, s: &mut Sink<'_>) {
    kill_chain_phases(s, o.kill_chain_phases.as_deref());
    ov::list(s, "tool_types", o.tool_types.as_deref(), ov::TOOL_TYPE);
}

pub(crate) fn report(o: &Report, s: &mut Sink<'_>) {
    ov::list(
        s,
        "report_types",
        o.report_types.as_deref(),
        ov::REPORT_TYPE,
    );
    object_refs(s, "report", &o.object_refs);
}

pub(crate) fn note(o: &Note, s: &mut Sink<'_>) {
    object_refs(s, "note", &o.object_refs);
}

pub(crate) fn opinion(o: &Opinion, s: &mut Sink<'_>) {
    if !vocab::OPINIONS.contains(&o.opinion.as_str()) {
        s.must(
            "opinion-value",
            format_args!(".opinion"),
            format_args!(
                "opinion {:?} is not one of {}",
                o.opinion,
                vocab::OPINIONS.join(", ")
            ),
        );
    }
    object_refs(s, "opinion", &o.object_refs);
}

/// `object_refs` of groupings, notes, opinions and reports must not be empty.
fn object_refs(s: &mut Sink<'_>, object_type: &str, ids: &[Identifier]) {
    if ids.is_empty() {
        s.must(
            "co-constraint",
            format_args!(".object_refs"),
            format_args!("object_refs of a {object_type} must name at least one object"),
        );
    }
}

pub(crate) fn indicator(o: &Indicator, s: &mut Sink<'_>) {
    let until = o.valid_until.as_ref();
    order(
        s,
        ("valid_from", Some(&o.valid_from)),
        ("valid_until", until),
        true,
    );
    kill_chain_phases(s, o.kill_chain_phases.as_deref());
    ov::list(
        s,
        "indicator_types",
        o.indicator_types.as_deref(),
        ov::INDICATOR_TYPE,
    );
    one(
        s,
        "pattern_type",
        Some(o.pattern_type.as_str()),
        ov::PATTERN_TYPE,
    );
    if o.pattern_type == "stix" {
        for finding in crate::pattern::validate_pattern(&o.pattern) {
            if finding.is_error() {
                s.must(
                    "pattern-type",
                    format_args!(".pattern"),
                    format_args!(
                        "pattern {:?} is not a valid STIX pattern: {finding}",
                        o.pattern
                    ),
                );
            } else {
                s.should(
                    "pattern-type",
                    format_args!(".pattern"),
                    format_args!("pattern {:?}: {finding}", o.pattern),
                );
            }
        }
    }
    for (name, missing) in [
        ("name", o.name.is_none()),
        ("description", o.description.is_none()),
    ] {
        if missing {
            s.should(
                "indicator-properties",
                format_args!(".{name}"),
                format_args!(
                    "indicator has no {name}; indicators should have a name and a description"
                ),
            );
        }
    }
}

pub(crate) fn location(o: &Location, s: &mut Sink<'_>) {
    const CODE: &str = "location-coordinates";
    let latitude = o.latitude.as_ref().and_then(serde_json::Number::as_f64);
    let longitude = o.longitude.as_ref().and_then(serde_json::Number::as_f64);
    for (name, value, limit) in [
        ("latitude", latitude, 90.0),
        ("longitude", longitude, 180.0),
    ] {
        if let Some(v) = value.filter(|v| !(-limit..=limit).contains(v)) {
            let (path, message) = (
                format!(".{name}"),
                format!("{name} {v} is outside -{limit} to {limit}"),
            );
            s.must(CODE, format_args!("{path}"), format_args!("{message}"));
        }
    }
    let problem = match (&o.latitude, &o.longitude) {
        (Some(_), None) => Some((
            ".longitude",
            "latitude is given without longitude; they must come together",
        )),
        (None, Some(_)) => Some((
            ".latitude",
            "longitude is given without latitude; they must come together",
        )),
        (None, None) if o.precision.is_some() => Some((
            ".precision",
            "precision is given without latitude and longitude",
        )),
        _ => None,
    };
    if let Some((path, message)) = problem {
        s.must(CODE, format_args!("{path}"), format_args!("{message}"));
    }
    let has_coordinates = o.latitude.is_some() && o.longitude.is_some();
    if o.region.is_none() && o.country.is_none() && !has_coordinates {
        s.must(
            CODE,
            format_args!(""),
            format_args!(
                "location has no region, country or latitude and longitude; it needs one of them"
            ),
        );
    }
    one(s, "region", o.region.as_deref(), ov::REGION);
}

pub(crate) fn malware(o: &Malware, s: &mut Sink<'_>) {
    match o.is_family {
        None if !s.v20 => s.must(
            "required-property",
            format_args!(".is_family"),
            format_args!("required property is_family is missing"),
        ),
        Some(true) if o.name.is_none() => s.must(
            "co-constraint",
            format_args!(".name"),
            format_args!("malware with is_family true must have a name"),
        ),
        _ => {}
    }
    kill_chain_phases(s, o.kill_chain_phases.as_deref());
    seen(s, o.first_seen.as_ref(), o.last_seen.as_ref());
    let systems = o.operating_system_refs.as_deref();
    refs::list(
        s,
        REFERENCE_TYPE,
        "operating_system_refs",
        systems,
        refs::SOFTWARE,
    );
    let samples = o.sample_refs.as_deref();
    refs::list(
        s,
        REFERENCE_TYPE,
        "sample_refs",
        samples,
        refs::FILE_OR_ARTIFACT,
    );
    let lists: [(&str, Option<&[String]>, Ov); 4] = [
        (
            "malware_types",
            o.malware_types.as_deref(),
            ov::MALWARE_TYPE,
        ),
        (
            "architecture_execution_envs",
            o.architecture_execution_envs.as_deref(),
            ov::PROCESSOR_ARCHITECTURE,
        ),
        (
            "implementation_languages",
            o.implementation_languages.as_deref(),
            ov::IMPLEMENTATION_LANGUAGE,
        ),
        (
            "capabilities",
            o.capabilities.as_deref(),
            ov::MALWARE_CAPABILITIES,
        ),
    ];
    for (name, values, vocabulary) in lists {
        ov::list(s, name, values, vocabulary);
    }
}

pub(crate) fn malware_analysis(o: &MalwareAnalysis, s: &mut Sink<'_>) {
    if o.result.is_none() && o.analysis_sco_refs.is_none() {
        s.must(
            "co-constraint",
            format_args!(""),
            format_args!(
                "malware-analysis has neither result nor analysis_sco_refs; it needs one of them"
            ),
        );
    }
    one(s, "result", o.result.as_deref(), ov::MALWARE_RESULT);
    let software = [
        ("host_vm_ref", o.host_vm_ref.as_ref()),
        ("operating_system_ref", o.operating_system_ref.as_ref()),
    ];
    for (name, id) in software {
        refs::opt(s, REFERENCE_TYPE, name, id, refs::SOFTWARE);
    }
    let installed = o.installed_software_refs.as_deref();
    refs::list(
        s,
        REFERENCE_TYPE,
        "installed_software_refs",
        installed,
        refs::SOFTWARE,
    );
    let scos = o.analysis_sco_refs.as_deref();
    refs::list(s, REFERENCE_TYPE, "analysis_sco_refs", scos, Target::Sco);
    refs::opt(
        s,
        REFERENCE_TYPE,
        "sample_ref",
        o.sample_ref.as_ref(),
        refs::ANALYSIS_SAMPLE,
    );
}

pub(crate) fn observed_data(o: &ObservedData, s: &mut Sink<'_>) {
    if !(1..=999_999_999).contains(&o.number_observed) {
        s.must(
            "number-observed-range",
            format_args!(".number_observed"),
            format_args!(
                "number_observed {} is outside 1 to 999999999",
                o.number_observed
            ),
        );
    }
    let (first, last) = (Some(&o.first_observed), Some(&o.last_observed));
    order(s, ("first_observed", first), ("last_observed", last), false);
    match (&o.objects, &o.object_refs) {
        (Some(_), Some(_)) => s.must(
            "co-constraint",
            format_args!(".objects"),
            format_args!(
                "observed-data has both objects and object_refs; it must have exactly one"
            ),
        ),
        (None, None) => s.must(
            "co-constraint",
            format_args!(""),
            format_args!(
                "observed-data has neither objects nor object_refs; it must have exactly one"
            ),
        ),
        _ => {}
    }
    refs::list(
        s,
        REFERENCE_TYPE,
        "object_refs",
        o.object_refs.as_deref(),
        Target::ScoOrSro,
    );
}
