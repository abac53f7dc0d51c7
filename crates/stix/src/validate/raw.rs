//! Validation of raw JSON text: a bundle or a single object, malformed or
//! not, with every problem of every object reported.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::schema::{self, found};
use super::shapes::REQUIRED_SINCE_2_1;
use super::sink::{Base, Key, Sink};
use super::{objects, Level, Report, Violation};
use crate::{Error, Identifier, ParseErrorKind, Timestamp};

/// Validate JSON text holding a STIX bundle or a single STIX object.
///
/// Malformed JSON gives one `invalid-json` violation. Otherwise every object
/// (every element of a bundle's `objects`) is read as a typed object: when
/// that succeeds, the rules of
/// [`StixObject::validate`](crate::StixObject::validate) run; when it fails,
/// the object is checked at the JSON level instead (each missing required
/// property, each known property with the wrong JSON type, each bad
/// identifier or timestamp, the spec version and a custom type's name), and
/// the reader's error is added unless those checks already reported it.
/// A readable object passes every JSON-level check, so this reports the same
/// as running both, at the cost of one parse.
/// Bundle-level rules (an empty `objects` list, duplicate objects, STIX 2.0
/// content) are checked as in [`Bundle::validate`](crate::Bundle::validate).
///
/// # Example
///
/// ```
/// use ttpmap_stix::validate::{validate_json, Level};
///
/// let report = validate_json(r#"{
///     "type": "identity",
///     "spec_version": "2.1",
///     "id": "identity--8c6af861-7b20-41ef-9b59-6344fd872a8f",
///     "created": "2016-08-08T15:50:10.983Z",
///     "modified": "2015-08-08T15:50:10.983Z",
///     "name": "Franistan Intelligence"
/// }"#);
/// assert!(!report.is_valid());
/// let v = &report.violations[0];
/// assert_eq!((v.code, v.level, v.path.as_str()), ("modified-before-created", Level::Must, "$.modified"));
/// assert_eq!(v.message, "modified 2015-08-08T15:50:10.983Z is before created 2016-08-08T15:50:10.983Z");
///
/// let report = validate_json("{\"type\": \"identity\",}");
/// assert_eq!(report.violations[0].code, "invalid-json");
/// assert_eq!(report.violations[0].message, "invalid JSON: key must be a string at line 1 column 21");
/// ```
pub fn validate_json(text: &str) -> Report {
    let mut out = Vec::new();
    let top = match serde_json::from_str::<&RawValue>(text) {
        Ok(top) => top,
        Err(e) => {
            out.push(invalid_json(&e));
            return Report { violations: out };
        }
    };
    let Ok(Entries(entries)) = serde_json::from_str::<Entries<'_>>(top.get()) else {
        let value: Value = serde_json::from_str(top.get()).unwrap_or(Value::Null);
        out.push(Violation {
            code: "invalid-property-type",
            level: Level::Must,
            object_id: None,
            path: "$".to_owned(),
            message: format!(
                "a STIX document must be a bundle or an object, found {}",
                found(&value)
            ),
        });
        return Report { violations: out };
    };
    let is_bundle = entries.iter().any(|(k, v)| {
        k == "type" && serde_json::from_str::<Cow<'_, str>>(v.get()).is_ok_and(|t| t == "bundle")
    });
    if is_bundle {
        bundle(&entries, &mut out);
    } else {
        let mut scratch = Vec::new();
        object(top, Base::Root, false, &mut out, &mut scratch);
    }
    Report { violations: out }
}

/// Validate a file holding a STIX bundle or a single STIX object; see
/// [`validate_json`].
///
/// # Errors
///
/// [`Error::Io`](crate::Error::Io) when the file cannot be read. Everything
/// else, invalid UTF-8 included, is a violation in the report.
pub fn validate_path(path: impl AsRef<Path>) -> crate::Result<Report> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io(Some(path), e))?;
    match crate::read::utf8(&bytes, None) {
        Ok(text) => Ok(validate_json(text)),
        Err(e) => Ok(Report {
            violations: vec![Violation {
                code: "invalid-json",
                level: Level::Must,
                object_id: None,
                path: "$".to_owned(),
                message: format!(
                    "invalid JSON: invalid UTF-8 at line {} column {}",
                    e.line().unwrap_or(1),
                    e.column().unwrap_or(1)
                ),
            }],
        }),
    }
}

#[cold]
fn invalid_json(e: &serde_json::Error) -> Violation {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) if e.line() > 0 => &text[..at],
        _ => &text,
    };
    Violation {
        code: "invalid-json",
        level: Level::Must,
        object_id: None,
        path: "$".to_owned(),
        message: format!(
            "invalid JSON: {message} at line {} column {}",
            e.line(),
            e.column()
        ),
    }
}

/// The properties of a JSON object, in order, duplicates kept.
struct Entries<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    entries.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor)
    }
}

fn bundle(entries: &[(Cow<'_, str>, &RawValue)], out: &mut Vec<Violation>) {
    let mut top = Map::new();
    let mut objects = None;
    for (key, raw) in entries {
        let duplicate = if key == "objects" {
            objects.replace(*raw).is_some()
        } else {
            let value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
            top.insert(key.clone().into_owned(), value).is_some()
        };
        if duplicate {
            push(
                out,
                "duplicate-property",
                Level::Must,
                None,
                format!("${}", Key(key)),
                format!("duplicate property `{key}`"),
            );
        }
    }
    let bundle_id = top.get("id").and_then(Value::as_str).map(str::to_owned);
    bundle_properties(&top, bundle_id.as_deref(), out);
    let Some(objects) = objects else { return };
    let Ok(elements) = serde_json::from_str::<Vec<&RawValue>>(objects.get()) else {
        let value: Value = serde_json::from_str(objects.get()).unwrap_or(Value::Null);
        let message = format!("objects must be a list of objects, found {}", found(&value));
        push(
            out,
            "invalid-property-type",
            Level::Must,
            bundle_id,
            "$.objects".to_owned(),
            message,
        );
        return;
    };
    if elements.is_empty() {
        let message = "objects is an empty list; omit the property instead".to_owned();
        push(
            out,
            "empty-list",
            Level::Must,
            bundle_id,
            "$.objects".to_owned(),
            message,
        );
        return;
    }
    let v20 = top.get("spec_version").and_then(Value::as_str) == Some("2.0")
        && elements.iter().all(|e| !has_spec_version(e));
    if v20 {
        out.push(super::v20_note(bundle_id));
    }
    let mut scratch = Vec::new();
    let mut seen: HashMap<(String, Option<Timestamp>), usize> = HashMap::new();
    for (i, element) in elements.iter().enumerate() {
        if let Some(key) = object(element, Base::Index(i), v20, out, &mut scratch) {
            if let Some(&first) = seen.get(&key) {
                out.push(super::duplicate(i, first, &key.0, key.1.as_ref()));
            } else {
                seen.insert(key, i);
            }
        }
    }
}

fn bundle_properties(top: &Map<String, Value>, id: Option<&str>, out: &mut Vec<Violation>) {
    match top.get("id") {
        None => push(
            out,
            "required-property",
            Level::Must,
            None,
            "$.id".to_owned(),
            "required property id is missing".to_owned(),
        ),
        Some(Value::String(text)) => match Identifier::parse(text) {
            Err(Error::InvalidIdentifier { reason, .. }) => {
                let message = format!("id {text:?} is not a STIX identifier: {reason}");
                push(
                    out,
                    "invalid-identifier",
                    Level::Must,
                    id.map(str::to_owned),
                    "$.id".to_owned(),
                    message,
                );
            }
            Ok(parsed) if parsed.object_type() != "bundle" => {
                let message = format!("id {text} does not start with the object's type bundle");
                push(
                    out,
                    "id-type-mismatch",
                    Level::Must,
                    id.map(str::to_owned),
                    "$.id".to_owned(),
                    message,
                );
            }
            _ => {}
        },
        Some(other) => {
            let message = format!("id must be an identifier string, found {}", found(other));
            push(
                out,
                "invalid-property-type",
                Level::Must,
                None,
                "$.id".to_owned(),
                message,
            );
        }
    }
}

fn has_spec_version(element: &RawValue) -> bool {
    #[derive(Deserialize)]
    struct SpecOnly {
        spec_version: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<SpecOnly>(element.get()).is_ok_and(|o| o.spec_version.is_some())
}

fn push(
    out: &mut Vec<Violation>,
    code: &'static str,
    level: Level,
    object_id: Option<String>,
    path: String,
    message: String,
) {
    out.push(Violation {
        code,
        level,
        object_id,
        path,
        message,
    });
}

/// Check one object; returns its `(id, modified)` when it could be read.
///
/// An object that reads as a typed object has every required property and
/// every property of the right JSON type, so the JSON-level checks run only
/// when reading fails: they then report everything the reader's single
/// error would hide.
fn object(
    raw: &RawValue,
    base: Base,
    v20: bool,
    out: &mut Vec<Violation>,
    scratch: &mut Vec<u8>,
) -> Option<(String, Option<Timestamp>)> {
    let error = match crate::read::object_from_str(raw.get(), None) {
        Ok(object) => {
            let id = object.id().as_str();
            objects::check(&object, &mut Sink::new(out, scratch, base, Some(id), v20));
            return Some((id.to_owned(), object.modified().cloned()));
        }
        Err(Error::Parse(e)) => e,
        Err(other) => {
            push(
                out,
                "invalid-property-type",
                Level::Must,
                None,
                base.to_string(),
                other.to_string(),
            );
            return None;
        }
    };
    let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let Value::Object(map) = &value else {
        let message = format!(
            "{} must be a STIX object, found {}",
            Place(base),
            found(&value)
        );
        push(
            out,
            "invalid-property-type",
            Level::Must,
            None,
            base.to_string(),
            message,
        );
        return None;
    };
    let id = map.get("id").and_then(Value::as_str);
    let start = out.len();
    schema::check(map, &mut Sink::new(out, scratch, base, id, v20));
    let path = match error.json_path.as_deref().and_then(|p| p.strip_prefix('$')) {
        Some(rest) => format!("{base}{rest}"),
        None => base.to_string(),
    };
    let code = error.kind.code();
    let skip_20 = v20
        && error.kind == ParseErrorKind::MissingProperty
        && REQUIRED_SINCE_2_1
            .iter()
            .any(|p| error.message.contains(&format!("`{p}`")));
    let seen = out[start..]
        .iter()
        .any(|r| r.code == code || r.path == path);
    if !seen && !skip_20 {
        push(
            out,
            code,
            Level::Must,
            id.map(str::to_owned),
            path,
            error.message.clone(),
        );
    }
    None
}

/// The object's place for messages: "the document" or "objects[3]".
struct Place(Base);

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Base::Root => f.write_str("the document"),
            Base::Index(i) => write!(f, "objects[{i}]"),
        }
    }
}
