//! Identifier UUID versions (spec §2.9): UUIDv4 for SDOs, SROs and meta
//! objects, deterministic UUIDv5 for SCOs with ID contributing properties.

use super::common::{Class, Common};
use super::sink::Sink;
use crate::{Identifier, StixObject};

/// The UUID version of SDOs, SROs and meta objects (SCOs are checked with
/// their ID contributing properties).
pub(crate) fn version(c: &Common<'_>, s: &mut Sink<'_>) {
    if matches!(
        c.class,
        Class::Domain | Class::VersionedMeta | Class::Marking
    ) {
        let version = uuid_version(c.id);
        if version != b'4' {
            s.should(
                "uuid-version",
                format_args!(".id"),
                format_args!("id {} uses a version {} UUID; SDOs, SROs and meta objects should use version 4", c.id, char::from(version)),
            );
        }
    }
}

/// The version digit of an identifier's UUID (`b'4'` for UUIDv4).
pub(crate) fn uuid_version(id: &Identifier) -> u8 {
    id.uuid_str().as_bytes().get(14).copied().unwrap_or(b'0')
}

/// SCO identifiers: UUIDv5 over the ID contributing properties (SHOULD),
/// UUIDv4 when there are none (MUST), and always UUIDv4 for processes.
pub(crate) fn observable(object: &StixObject, s: &mut Sink<'_>) {
    let id = object.id();
    let contributing = crate::sco_id::id_contributing_properties(object.object_type());
    if contributing.is_empty() {
        if matches!(object, StixObject::Process(_)) && uuid_version(id) != b'4' {
            s.must(
                "uuid-version",
                format_args!(".id"),
                format_args!("process id {id} must use a version 4 UUID"),
            );
        }
        return;
    }
    match crate::sco_id::expected_id(object) {
        Some(expected) if expected != *id => s.should(
            "sco-id",
            format_args!(".id"),
            format_args!("id {id} should be {expected}, the UUIDv5 of its ID contributing properties"),
        ),
        None if uuid_version(id) != b'4' && !has_any(object, contributing) => s.must(
            "uuid-version",
            format_args!(".id"),
            format_args!(
                "id {id} must use a version 4 UUID: none of its ID contributing properties ({}) is present",
                contributing.join(", ")
            ),
        ),
        _ => {}
    }
}

/// Whether any of `properties` is present on `object` (even with a value
/// the identifier cannot be computed from, such as empty `hashes`).
fn has_any(object: &StixObject, properties: &[&str]) -> bool {
    let value = object.to_value();
    properties.iter().any(|p| value.get(p).is_some())
}
