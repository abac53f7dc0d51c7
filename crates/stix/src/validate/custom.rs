//! Custom content (spec §11): custom objects, the names of custom types,
//! properties and extensions, and their `x-`/`x_` prefixes.

use std::fmt;

use serde_json::{Map, Value};

use super::common::{self, Class, Common};
use super::sink::{Key, Sink};
use crate::{CustomObject, Extension, Extensions};

pub(crate) fn object(o: &CustomObject, s: &mut Sink<'_>) {
    custom_type_name(s, &o.object_type, &o.extra);
    let c = Common {
        class: Class::Custom,
        object_type: &o.object_type,
        id: &o.id,
        spec_version: o.spec_version.as_deref(),
        created: o.created.as_ref(),
        modified: o.modified.as_ref(),
        created_by_ref: o.created_by_ref.as_ref(),
        confidence: o.confidence,
        lang: o.lang.as_deref(),
        external_references: o.external_references.as_deref(),
        object_marking_refs: o.object_marking_refs.as_deref(),
        granular_markings: o.granular_markings.as_deref(),
        extensions: None,
        extra: &o.extra,
    };
    common::check(&c, s);
}

/// The naming rule of custom types (MUST) and their `x-` prefix (SHOULD,
/// unless an extension definition defines the type).
pub(crate) fn custom_type_name(
    s: &mut Sink<'_>,
    name: &str,
    extra: &serde_json::Map<String, serde_json::Value>,
) {
    let valid = (3..=250).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.contains("--");
    if !valid {
        s.must(
            "custom-type-name",
            format_args!(".type"),
            format_args!("custom type name {name:?} must be 3 to 250 characters of a-z, 0-9 and single hyphens"),
        );
        return;
    }
    let by_extension = || {
        extra
            .get("extensions")
            .and_then(serde_json::Value::as_object)
            .is_some_and(|e| e.keys().any(|k| k.starts_with("extension-definition--")))
    };
    if !name.starts_with("x-") && !by_extension() {
        s.should(
            "custom-prefix",
            format_args!(".type"),
            format_args!("custom type name {name:?} should start with x-"),
        );
    }
}

/// Keys of `extensions`: predefined names, extension-definition ids, or
/// custom `x-…-ext` names.
pub(crate) fn extension_names(extensions: &Extensions, s: &mut Sink<'_>) {
    for (key, _) in extensions.iter() {
        let predefined = Extension::PREDEFINED.contains(&key);
        if !predefined && !key.starts_with("extension-definition--") && !key.starts_with("x-") {
            s.should(
                "custom-prefix",
                format_args!(".extensions{}", Key(key)),
                format_args!("custom extension {key:?} should start with x- (or use an extension definition)"),
            );
        }
    }
}

/// Whether the object carries a toplevel-property-extension, whose
/// properties sit at the top level without a prefix.
fn has_toplevel_extension(c: &Common<'_>) -> bool {
    let in_typed = c.extensions.is_some_and(|e| {
        e.iter().any(|(_, ext)| match ext {
            Extension::Other(map) => is_toplevel(map),
            _ => false,
        })
    });
    let in_extra = c
        .extra
        .get("extensions")
        .and_then(Value::as_object)
        .is_some_and(|e| {
            e.values()
                .any(|ext| ext.as_object().is_some_and(is_toplevel))
        });
    in_typed || in_extra
}

fn is_toplevel(extension: &Map<String, Value>) -> bool {
    extension.get("extension_type").and_then(Value::as_str) == Some("toplevel-property-extension")
}

/// Check the custom properties of an object: their names (MUST) and their
/// `x_` prefix (SHOULD; a custom type's own properties and the properties of
/// a toplevel-property-extension need none).
pub(crate) fn custom_properties(c: &Common<'_>, s: &mut Sink<'_>) {
    let prefix = if c.class == Class::Custom {
        Prefix::No
    } else {
        Prefix::Unknown(c)
    };
    names(s, format_args!(""), c.extra, prefix);
}

/// Bytes allowed in property names: `a-z`, `0-9`, `_`.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_';
        b += 1;
    }
    table
};

/// Whether custom properties need the `x_` prefix.
enum Prefix<'c, 'a> {
    Yes,
    No,
    /// Not worked out yet: it depends on the object's extensions.
    Unknown(&'c Common<'a>),
}

/// Check the names of custom properties in `extra` (under `path`): the
/// naming rule (MUST) and, when `prefix`, the `x_` prefix (SHOULD).
pub(crate) fn custom_names(
    s: &mut Sink<'_>,
    path: fmt::Arguments<'_>,
    extra: &Map<String, Value>,
    prefix: bool,
) {
    names(
        s,
        path,
        extra,
        if prefix { Prefix::Yes } else { Prefix::No },
    );
}

fn names(
    s: &mut Sink<'_>,
    path: fmt::Arguments<'_>,
    extra: &Map<String, Value>,
    mut prefix: Prefix<'_, '_>,
) {
    for name in extra.keys() {
        let valid =
            (3..=250).contains(&name.len()) && name.bytes().all(|b| NAME_BYTES[usize::from(b)]);
        if !valid {
            s.must(
                "custom-property-name",
                format_args!("{path}{}", Key(name)),
                format_args!(
                    "custom property name {name:?} must be 3 to 250 characters of a-z, 0-9 and _"
                ),
            );
            continue;
        }
        if name.starts_with("x_") {
            continue;
        }
        if let Prefix::Unknown(c) = prefix {
            prefix = if has_toplevel_extension(c) {
                Prefix::No
            } else {
                Prefix::Yes
            };
        }
        if let Prefix::Yes = prefix {
            s.should(
                "custom-prefix",
                format_args!("{path}{}", Key(name)),
                format_args!("custom property name {name:?} should start with x_"),
            );
        }
    }
}
