//! JSON-level rules that need no typed object: required properties, the JSON
//! type of every property the model knows, identifiers and timestamps. They
//! run on an object that cannot be read as a typed object, so that all of
//! its problems are reported, not just the first one the reader stops at.

use serde_json::{Map, Value};

use super::custom::custom_type_name;
use super::shapes::{expected, required_of, shape_of, Shape};
use super::sink::{Key, Sink};
use crate::{Error, Identifier, ObjectKind, StixObject, Timestamp};

/// Check one object given as JSON.
pub(crate) fn check(map: &Map<String, Value>, s: &mut Sink<'_>) {
    let object_type = match map.get("type") {
        None => {
            s.must(
                "required-property",
                format_args!(".type"),
                format_args!("required property type is missing"),
            );
            None
        }
        Some(Value::String(t)) => Some(t.as_str()),
        Some(other) => {
            wrong_shape(s, "type", Shape::Str, other);
            None
        }
    };
    let Some(object_type) = object_type else {
        return;
    };
    let kind = StixObject::kind_of(object_type);
    if kind == ObjectKind::Custom {
        custom_type_name(s, object_type, map);
    }
    for &name in required_of(object_type, s.v20) {
        if !map.contains_key(name) {
            s.must(
                "required-property",
                format_args!(".{name}"),
                format_args!("required property {name} is missing"),
            );
        }
    }
    spec_version(map, kind, s);
    let known = crate::StixObject::properties_of_type(object_type);
    for (name, value) in map {
        if !known.contains(&name.as_str()) {
            continue;
        }
        let shape = shape_of(name);
        if !value_fits(s, format_args!(".{name}"), name, shape, value) {
            continue;
        }
        if name == "id" {
            if let Some(id) = value.as_str().and_then(|t| Identifier::parse(t).ok()) {
                if id.object_type() != object_type {
                    s.must(
                        "id-type-mismatch",
                        format_args!(".id"),
                        format_args!("id {id} does not start with the object's type {object_type}"),
                    );
                }
            }
        }
        if shape == Shape::ObjList {
            embedded(s, name, value);
        }
    }
}

fn spec_version(map: &Map<String, Value>, kind: ObjectKind, s: &mut Sink<'_>) {
    match map.get("spec_version") {
        Some(Value::String(v)) if v == crate::SPEC_VERSION => {}
        Some(Value::String(v)) => s.must(
            "spec-version",
            format_args!(".spec_version"),
            format_args!("spec_version {v:?} is not \"2.1\""),
        ),
        Some(other) => wrong_shape(s, "spec_version", Shape::Str, other),
        None if s.v20 => {}
        None => {
            let required = match kind {
                ObjectKind::Sdo | ObjectKind::Sro | ObjectKind::Meta => true,
                ObjectKind::Custom => map.contains_key("created"),
                _ => false,
            };
            if required {
                let object_type = map.get("type").and_then(Value::as_str).unwrap_or_default();
                s.must(
                    "spec-version",
                    format_args!(".spec_version"),
                    format_args!(
                        "spec_version is missing; STIX 2.1 {object_type} objects must say \"2.1\""
                    ),
                );
            }
        }
    }
}

/// The embedded objects of a list property: external references,
/// kill-chain phases, granular markings.
fn embedded(s: &mut Sink<'_>, name: &str, list: &Value) {
    let (required, typed): (&[&str], &[(&str, Shape)]) = match name {
        "external_references" => (
            &["source_name"],
            &[
                ("source_name", Shape::Str),
                ("description", Shape::Str),
                ("url", Shape::Str),
                ("external_id", Shape::Str),
                ("hashes", Shape::Obj),
            ],
        ),
        "kill_chain_phases" => (
            &["kill_chain_name", "phase_name"],
            &[("kill_chain_name", Shape::Str), ("phase_name", Shape::Str)],
        ),
        "granular_markings" => (
            &["selectors"],
            &[
                ("selectors", Shape::StrList),
                ("lang", Shape::Str),
                ("marking_ref", Shape::Id),
            ],
        ),
        _ => return,
    };
    for (i, item) in list.as_array().into_iter().flatten().enumerate() {
        let Some(item) = item.as_object() else {
            continue;
        };
        for &property in required {
            if !item.contains_key(property) {
                s.must(
                    "required-property",
                    format_args!(".{name}[{i}].{property}"),
                    format_args!("required property {property} of {name}[{i}] is missing"),
                );
            }
        }
        for &(property, shape) in typed {
            if let Some(value) = item.get(property) {
                value_fits(
                    s,
                    format_args!(".{name}[{i}].{property}"),
                    property,
                    shape,
                    value,
                );
            }
        }
    }
}

/// Whether `value` has `shape`; reports the problem when it does not.
fn value_fits(
    s: &mut Sink<'_>,
    path: std::fmt::Arguments<'_>,
    name: &str,
    shape: Shape,
    value: &Value,
) -> bool {
    let fits = match (shape, value) {
        (Shape::Str, Value::String(_))
        | (Shape::Bool, Value::Bool(_))
        | (Shape::Num, Value::Number(_))
        | (Shape::Obj, Value::Object(_)) => true,
        (Shape::Int, Value::Number(n)) => n.as_i64().is_some(),
        (Shape::Timestamp, Value::String(text)) => {
            if let Err(Error::InvalidTimestamp { reason, .. }) = Timestamp::parse(text) {
                s.must(
                    "invalid-timestamp",
                    path,
                    format_args!("{name} {text:?} is not a STIX timestamp: {reason}"),
                );
                return false;
            }
            true
        }
        (Shape::Id, Value::String(text)) => {
            if let Err(Error::InvalidIdentifier { reason, .. }) = Identifier::parse(text) {
                s.must(
                    "invalid-identifier",
                    path,
                    format_args!("{name} {text:?} is not a STIX identifier: {reason}"),
                );
                return false;
            }
            true
        }
        (Shape::IdList | Shape::StrList | Shape::ObjList, Value::Array(items)) => {
            let item_shape = match shape {
                Shape::IdList => Shape::Id,
                Shape::StrList => Shape::Str,
                _ => Shape::Obj,
            };
            let mut all = true;
            for (i, item) in items.iter().enumerate() {
                all &= value_fits(s, format_args!("{path}[{i}]"), name, item_shape, item);
            }
            return all;
        }
        _ => false,
    };
    if !fits {
        s.must(
            "invalid-property-type",
            path,
            format_args!("{name} must be {}, found {}", expected(shape), found(value)),
        );
    }
    fits
}

fn wrong_shape(s: &mut Sink<'_>, name: &str, shape: Shape, value: &Value) {
    s.must(
        "invalid-property-type",
        format_args!("{}", Key(name)),
        format_args!("{name} must be {}, found {}", expected(shape), found(value)),
    );
}

/// A short description of a JSON value for messages.
pub(crate) fn found(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(text) if text.chars().count() <= 40 => format!("the string {text:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a dictionary".to_owned(),
    }
}
