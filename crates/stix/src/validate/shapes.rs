//! The JSON shapes and required properties of every object type, by
//! property name, for the JSON-level checks.

/// The JSON shape of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Str,
    Bool,
    Int,
    Num,
    Timestamp,
    Id,
    IdList,
    StrList,
    ObjList,
    Obj,
}
/// The shape of a property of the object model, by name (the specification
/// gives each name one type across all objects).
pub(crate) fn shape_of(name: &str) -> Shape {
    match name {
        "id" => Shape::Id,
        n if n.ends_with("_refs") => Shape::IdList,
        n if n.ends_with("_ref") => Shape::Id,
        "created"
        | "modified"
        | "first_seen"
        | "last_seen"
        | "valid_from"
        | "valid_until"
        | "first_observed"
        | "last_observed"
        | "published"
        | "start_time"
        | "stop_time"
        | "object_modified"
        | "submitted"
        | "analysis_started"
        | "analysis_ended"
        | "date"
        | "ctime"
        | "mtime"
        | "atime"
        | "start"
        | "end"
        | "created_time"
        | "modified_time"
        | "account_created"
        | "account_expires"
        | "credential_last_changed"
        | "account_first_login"
        | "account_last_login"
        | "validity_not_before"
        | "validity_not_after" => Shape::Timestamp,
        "confidence"
        | "number_observed"
        | "count"
        | "number"
        | "size"
        | "src_port"
        | "dst_port"
        | "src_byte_count"
        | "dst_byte_count"
        | "src_packets"
        | "dst_packets"
        | "pid"
        | "number_of_subkeys"
        | "subject_public_key_exponent" => Shape::Int,
        "latitude" | "longitude" | "precision" => Shape::Num,
        "revoked" | "defanged" | "is_family" | "summary" | "is_multipart" | "is_active"
        | "is_hidden" | "is_service_account" | "is_privileged" | "can_escalate_privs"
        | "is_disabled" | "is_self_signed" => Shape::Bool,
        "extensions"
        | "hashes"
        | "objects"
        | "contents"
        | "definition"
        | "additional_header_fields"
        | "ipfix"
        | "environment_variables"
        | "x509_v3_extensions" => Shape::Obj,
        "external_references"
        | "kill_chain_phases"
        | "granular_markings"
        | "body_multipart"
        | "values" => Shape::ObjList,
        "labels"
        | "aliases"
        | "goals"
        | "roles"
        | "sectors"
        | "secondary_motivations"
        | "personal_motivations"
        | "indicator_types"
        | "malware_types"
        | "tool_types"
        | "report_types"
        | "threat_actor_types"
        | "infrastructure_types"
        | "extension_types"
        | "extension_properties"
        | "architecture_execution_envs"
        | "implementation_languages"
        | "capabilities"
        | "modules"
        | "authors"
        | "protocols"
        | "received_lines"
        | "languages" => Shape::StrList,
        _ => Shape::Str,
    }
}
/// The required properties of `object_type` besides `type` and
/// `spec_version` (which has its own rule). In STIX 2.0 content the
/// properties STIX 2.1 added as required are left out.
pub(crate) fn required_of(object_type: &str, v20: bool) -> &'static [&'static str] {
    const SDO_NAMED: &[&str] = &["id", "created", "modified", "name"];
    match object_type {
        "attack-pattern" | "campaign" | "course-of-action" | "identity" | "incident"
        | "infrastructure" | "intrusion-set" | "threat-actor" | "tool" | "vulnerability" => {
            SDO_NAMED
        }
        "grouping" => &["id", "created", "modified", "context", "object_refs"],
        "indicator" if v20 => &["id", "created", "modified", "pattern", "valid_from"],
        "indicator" => &[
            "id",
            "created",
            "modified",
            "pattern",
            "pattern_type",
            "valid_from",
        ],
        "location" => &["id", "created", "modified"],
        "malware" if v20 => &["id", "created", "modified"],
        "malware" => &["id", "created", "modified", "is_family"],
        "malware-analysis" => &["id", "created", "modified", "product"],
        "note" => &["id", "created", "modified", "content", "object_refs"],
        "observed-data" => &[
            "id",
            "created",
            "modified",
            "first_observed",
            "last_observed",
            "number_observed",
        ],
        "opinion" => &["id", "created", "modified", "opinion", "object_refs"],
        "report" => &[
            "id",
            "created",
            "modified",
            "name",
            "published",
            "object_refs",
        ],
        "relationship" => &[
            "id",
            "created",
            "modified",
            "relationship_type",
            "source_ref",
            "target_ref",
        ],
        "sighting" => &["id", "created", "modified", "sighting_of_ref"],
        "marking-definition" => &["id", "created"],
        "language-content" => &["id", "created", "modified", "object_ref", "contents"],
        "extension-definition" => &[
            "id",
            "created",
            "modified",
            "created_by_ref",
            "name",
            "schema",
            "version",
            "extension_types",
        ],
        "autonomous-system" => &["id", "number"],
        "directory" => &["id", "path"],
        "domain-name" | "email-addr" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "url" => {
            &["id", "value"]
        }
        "email-message" => &["id", "is_multipart"],
        "mutex" | "software" => &["id", "name"],
        "network-traffic" => &["id", "protocols"],
        _ => &["id"],
    }
}
/// Properties STIX 2.1 requires that STIX 2.0 did not have.
pub(crate) const REQUIRED_SINCE_2_1: &[&str] = &["pattern_type", "is_family"];

/// What a value of `shape` is, for messages.
pub(crate) fn expected(shape: Shape) -> &'static str {
    match shape {
        Shape::Str => "a string",
        Shape::Bool => "a boolean",
        Shape::Int => "an integer",
        Shape::Num => "a number",
        Shape::Timestamp => "a timestamp string",
        Shape::Id => "an identifier string",
        Shape::IdList => "a list of identifiers",
        Shape::StrList => "a list of strings",
        Shape::ObjList => "a list of objects",
        Shape::Obj => "a dictionary",
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_by_name() {
        assert_eq!(shape_of("created_by_ref"), Shape::Id);
        assert_eq!(shape_of("object_refs"), Shape::IdList);
        assert_eq!(shape_of("valid_until"), Shape::Timestamp);
        assert_eq!(shape_of("number_observed"), Shape::Int);
        assert_eq!(shape_of("labels"), Shape::StrList);
        assert_eq!(shape_of("name"), Shape::Str);
    }

    #[test]
    fn every_required_property_is_typed() {
        for object_type in [
            "attack-pattern",
            "grouping",
            "indicator",
            "malware",
            "malware-analysis",
            "note",
            "observed-data",
            "opinion",
            "report",
            "relationship",
            "sighting",
            "marking-definition",
            "language-content",
            "extension-definition",
            "autonomous-system",
            "directory",
            "url",
            "email-message",
            "mutex",
            "software",
            "network-traffic",
            "process",
        ] {
            for name in required_of(object_type, false) {
                assert!(
                    crate::StixObject::properties_of_type(object_type).contains(name),
                    "{object_type}.{name}"
                );
            }
        }
    }
}
