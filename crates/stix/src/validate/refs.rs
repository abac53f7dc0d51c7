//! Reference properties (`*_ref`, `*_refs`) and the object types they may
//! point to (spec §3.3 and each type's property table).
//!
//! The type of the target is read from the identifier's prefix, so the
//! referenced object need not be in the document.

use std::fmt;

use super::sink::Sink;
use crate::{Identifier, ObjectKind, StixObject};

/// The code for references to marking definitions.
pub(crate) const MARKING_REFERENCE: &str = "marking-reference";
/// The code for other typed references.
pub(crate) const REFERENCE_TYPE: &str = "reference-type";
/// The code for relationship endpoints.
pub(crate) const RELATIONSHIP_REF_TYPE: &str = "relationship-ref-type";
/// The code for sighting references.
pub(crate) const SIGHTING_REF_TYPE: &str = "sighting-ref-type";

/// What a reference property may point to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// One of these types.
    Types(&'static [&'static str]),
    /// An SDO (a specification SDO type, or a custom type).
    Sdo,
    /// An SCO (a specification SCO type, or a custom type).
    Sco,
    /// An SCO or an SRO (or a custom type).
    ScoOrSro,
    /// An SDO or SCO: anything but SROs, bundles and meta objects.
    Endpoint,
}

impl Target {
    /// Whether an object of `object_type` may be referenced.
    pub(crate) fn allows(self, object_type: &str) -> bool {
        let kind = || StixObject::kind_of(object_type);
        match self {
            Target::Types(types) => types.contains(&object_type),
            Target::Sdo => {
                matches!(kind(), ObjectKind::Sdo | ObjectKind::Custom) && object_type != "bundle"
            }
            Target::Sco => {
                matches!(kind(), ObjectKind::Sco | ObjectKind::Custom) && object_type != "bundle"
            }
            Target::ScoOrSro => {
                matches!(
                    kind(),
                    ObjectKind::Sco | ObjectKind::Sro | ObjectKind::Custom
                ) && object_type != "bundle"
            }
            // Everything but SROs, meta objects and bundles.
            Target::Endpoint => !matches!(
                object_type,
                "relationship"
                    | "sighting"
                    | "marking-definition"
                    | "language-content"
                    | "extension-definition"
                    | "bundle"
            ),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Types(types) => {
                for (i, t) in types.iter().enumerate() {
                    match i {
                        0 => {}
                        _ if i + 1 == types.len() => f.write_str(" or ")?,
                        _ => f.write_str(", ")?,
                    }
                    f.write_str(t)?;
                }
                Ok(())
            }
            Target::Sdo => f.write_str("an SDO"),
            Target::Sco => f.write_str("an SCO"),
            Target::ScoOrSro => f.write_str("an SCO or SRO"),
            Target::Endpoint => f.write_str("an SDO or SCO"),
        }
    }
}

/// Identity, the creator of objects.
pub(crate) const IDENTITY: Target = Target::Types(&["identity"]);
/// Marking definitions.
pub(crate) const MARKING: Target = Target::Types(&["marking-definition"]);
/// Software, for operating systems and installed software.
pub(crate) const SOFTWARE: Target = Target::Types(&["software"]);
/// Files.
pub(crate) const FILE: Target = Target::Types(&["file"]);
/// Artifacts.
pub(crate) const ARTIFACT: Target = Target::Types(&["artifact"]);
/// Files or artifacts (malware samples, MIME part bodies).
pub(crate) const FILE_OR_ARTIFACT: Target = Target::Types(&["file", "artifact"]);
/// Files or directories (directory and archive contents).
pub(crate) const FILE_OR_DIRECTORY: Target = Target::Types(&["file", "directory"]);
/// Directories.
pub(crate) const DIRECTORY: Target = Target::Types(&["directory"]);
/// Email addresses.
pub(crate) const EMAIL_ADDR: Target = Target::Types(&["email-addr"]);
/// User accounts.
pub(crate) const USER_ACCOUNT: Target = Target::Types(&["user-account"]);
/// Processes.
pub(crate) const PROCESS: Target = Target::Types(&["process"]);
/// Network traffic.
pub(crate) const NETWORK_TRAFFIC: Target = Target::Types(&["network-traffic"]);
/// MAC addresses.
pub(crate) const MAC_ADDR: Target = Target::Types(&["mac-addr"]);
/// Autonomous systems.
pub(crate) const AUTONOMOUS_SYSTEM: Target = Target::Types(&["autonomous-system"]);
/// What a domain name resolves to.
pub(crate) const DOMAIN_RESOLUTION: Target =
    Target::Types(&["ipv4-addr", "ipv6-addr", "domain-name"]);
/// Network-traffic endpoints.
pub(crate) const TRAFFIC_ENDPOINT: Target =
    Target::Types(&["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]);
/// The sample of a malware analysis.
pub(crate) const ANALYSIS_SAMPLE: Target = Target::Types(&["file", "network-traffic", "artifact"]);
/// Observed data, for sightings.
pub(crate) const OBSERVED_DATA: Target = Target::Types(&["observed-data"]);
/// Where something was sighted.
pub(crate) const WHERE_SIGHTED: Target = Target::Types(&["identity", "location"]);

/// Check one reference at `path` (relative to the object).
pub(crate) fn one(
    s: &mut Sink<'_>,
    code: &'static str,
    path: fmt::Arguments<'_>,
    id: &Identifier,
    target: Target,
) {
    if !target.allows(id.object_type()) {
        s.must(
            code,
            path,
            format_args!(
                "{} {id} must point to {target}, not {}",
                PathName(path),
                id.object_type()
            ),
        );
    }
}

/// Check an optional single reference property.
pub(crate) fn opt(
    s: &mut Sink<'_>,
    code: &'static str,
    name: &str,
    id: Option<&Identifier>,
    target: Target,
) {
    if let Some(id) = id {
        one(s, code, format_args!(".{name}"), id, target);
    }
}

/// Check every reference of a list property.
pub(crate) fn list(
    s: &mut Sink<'_>,
    code: &'static str,
    name: &str,
    ids: Option<&[Identifier]>,
    target: Target,
) {
    for (i, id) in ids.unwrap_or_default().iter().enumerate() {
        one(s, code, format_args!(".{name}[{i}]"), id, target);
    }
}

/// The property name for a message: the path without its leading `.`.
struct PathName<'a>(fmt::Arguments<'a>);

impl fmt::Display for PathName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        f.write_str(text.strip_prefix('.').unwrap_or(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_describe_and_allow() {
        assert_eq!(
            TRAFFIC_ENDPOINT.to_string(),
            "ipv4-addr, ipv6-addr, mac-addr or domain-name"
        );
        assert_eq!(FILE_OR_ARTIFACT.to_string(), "file or artifact");
        assert!(Target::Endpoint.allows("x-mitre-tactic"));
        assert!(!Target::Endpoint.allows("relationship"));
        assert!(!Target::Endpoint.allows("marking-definition"));
        assert!(!Target::Endpoint.allows("bundle"));
        assert!(Target::Sdo.allows("malware"));
        assert!(!Target::Sdo.allows("ipv4-addr"));
        assert!(Target::ScoOrSro.allows("relationship"));
        assert!(!Target::ScoOrSro.allows("indicator"));
    }
}
