//! Open-vocabulary checks (spec §10): values outside the specification's
//! suggestions are allowed, and reported as SHOULD-level `vocabulary`.

use super::sink::Sink;
use super::vocab;

/// An open vocabulary: its values and its name in the specification.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ov(pub(crate) &'static [&'static str], pub(crate) &'static str);

pub(crate) const ACCOUNT_TYPE: Ov = Ov(vocab::ACCOUNT_TYPES, "account-type-ov");
pub(crate) const ATTACK_MOTIVATION: Ov = Ov(vocab::ATTACK_MOTIVATIONS, "attack-motivation-ov");
pub(crate) const ATTACK_RESOURCE_LEVEL: Ov =
    Ov(vocab::ATTACK_RESOURCE_LEVELS, "attack-resource-level-ov");
pub(crate) const GROUPING_CONTEXT: Ov = Ov(vocab::GROUPING_CONTEXTS, "grouping-context-ov");
pub(crate) const IDENTITY_CLASS: Ov = Ov(vocab::IDENTITY_CLASSES, "identity-class-ov");
pub(crate) const IMPLEMENTATION_LANGUAGE: Ov = Ov(
    vocab::IMPLEMENTATION_LANGUAGES,
    "implementation-language-ov",
);
pub(crate) const INDICATOR_TYPE: Ov = Ov(vocab::INDICATOR_TYPES, "indicator-type-ov");
pub(crate) const INDUSTRY_SECTOR: Ov = Ov(vocab::INDUSTRY_SECTORS, "industry-sector-ov");
pub(crate) const INFRASTRUCTURE_TYPE: Ov =
    Ov(vocab::INFRASTRUCTURE_TYPES, "infrastructure-type-ov");
pub(crate) const MALWARE_CAPABILITIES: Ov =
    Ov(vocab::MALWARE_CAPABILITIES, "malware-capabilities-ov");
pub(crate) const MALWARE_RESULT: Ov = Ov(vocab::MALWARE_RESULTS, "malware-result-ov");
pub(crate) const MALWARE_TYPE: Ov = Ov(vocab::MALWARE_TYPES, "malware-type-ov");
pub(crate) const PATTERN_TYPE: Ov = Ov(vocab::PATTERN_TYPES, "pattern-type-ov");
pub(crate) const PROCESSOR_ARCHITECTURE: Ov =
    Ov(vocab::PROCESSOR_ARCHITECTURES, "processor-architecture-ov");
pub(crate) const REGION: Ov = Ov(vocab::REGIONS, "region-ov");
pub(crate) const REPORT_TYPE: Ov = Ov(vocab::REPORT_TYPES, "report-type-ov");
pub(crate) const THREAT_ACTOR_ROLE: Ov = Ov(vocab::THREAT_ACTOR_ROLES, "threat-actor-role-ov");
pub(crate) const THREAT_ACTOR_SOPHISTICATION: Ov = Ov(
    vocab::THREAT_ACTOR_SOPHISTICATION,
    "threat-actor-sophistication-ov",
);
pub(crate) const THREAT_ACTOR_TYPE: Ov = Ov(vocab::THREAT_ACTOR_TYPES, "threat-actor-type-ov");
pub(crate) const TOOL_TYPE: Ov = Ov(vocab::TOOL_TYPES, "tool-type-ov");
pub(crate) const WINDOWS_PEBINARY_TYPE: Ov =
    Ov(vocab::WINDOWS_PEBINARY_TYPES, "windows-pebinary-type-ov");

/// Check the value of property `name` (at `.name`).
pub(crate) fn one(s: &mut Sink<'_>, name: &str, value: Option<&str>, ov: Ov) {
    if let Some(value) = value.filter(|v| !ov.0.contains(v)) {
        s.should(
            "vocabulary",
            format_args!(".{name}"),
            format_args!("{name} {value:?} is not in {}", ov.1),
        );
    }
}

/// Check every value of list property `name`.
pub(crate) fn list(s: &mut Sink<'_>, name: &str, values: Option<&[String]>, ov: Ov) {
    for (i, value) in values.unwrap_or_default().iter().enumerate() {
        if !ov.0.contains(&value.as_str()) {
            s.should(
                "vocabulary",
                format_args!(".{name}[{i}]"),
                format_args!("{name} value {value:?} is not in {}", ov.1),
            );
        }
    }
}
