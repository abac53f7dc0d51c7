//! [`Observations`]: the observed data a pattern is matched against.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::{Error, ParseError, ParseErrorKind, Result};
use crate::{Bundle, Timestamp};

/// Observed data to match patterns against: STIX 2.1 `observed-data`
/// objects with their time window (`first_observed`, `last_observed`), their
/// count (`number_observed`) and their Cyber-observable objects, embedded in
/// `objects` (deprecated in 2.1) or referenced by `object_refs` and found in
/// the same bundle or input.
///
/// An observed-data with `number_observed: n` counts as `n` observations
/// over the same window, as the specification says.
///
/// # Example
///
/// ```
/// use ttpmap_stix::pattern::{Observations, Pattern};
///
/// let observed = Observations::from_json(r#"{
///   "type": "bundle", "id": "bundle--c2a23389-17c9-4247-8aa2-d2ffde3de334",
///   "objects": [
///     {"type": "observed-data", "spec_version": "2.1",
///      "id": "observed-data--647947aa-4cc3-43a3-a42f-2c670986d777",
///      "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
///      "first_observed": "2024-01-01T00:00:00Z", "last_observed": "2024-01-01T00:05:00Z",
///      "number_observed": 3,
///      "object_refs": ["domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5"]},
///     {"type": "domain-name", "spec_version": "2.1",
///      "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5", "value": "example.com"}
///   ]
/// }"#)?;
/// assert_eq!(observed.len(), 1);
/// assert_eq!(observed.count(), 3);
/// let p = Pattern::parse("[domain-name:value = 'example.com'] REPEATS 3 TIMES")?;
/// assert!(p.matches(&observed).is_match());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Observations {
    pub(crate) records: Vec<Record>,
    /// Objects outside observed-data, by id (bundle members).
    pool: HashMap<String, Value>,
}

/// One observed-data object.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) id: Option<String>,
    /// `first_observed` and `last_observed` in nanoseconds since the epoch.
    pub(crate) first: i128,
    pub(crate) last: i128,
    pub(crate) count: u64,
    embedded: Map<String, Value>,
    refs: Vec<String>,
}

#[cold]
fn invalid(kind: ParseErrorKind, json_path: String, id: Option<&str>, message: String) -> Error {
    Error::Parse(Box::new(ParseError {
        path: None,
        line: None,
        column: None,
        object_index: None,
        object_id: id.map(str::to_owned),
        json_path: Some(json_path),
        kind,
        message,
    }))
}

fn nanos(t: &Timestamp) -> i128 {
    let dt = t.as_datetime();
    i128::from(dt.timestamp()) * 1_000_000_000 + i128::from(dt.timestamp_subsec_nanos())
}

impl Observations {
    /// No observations.
    pub fn new() -> Observations {
        Observations::default()
    }

    /// Read observed data from JSON text: a bundle, one observed-data
    /// object, or a JSON array of either (as the OASIS matcher reads).
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when the text is not JSON, or an observed-data lacks
    /// a valid `first_observed`, has a `last_observed` before it, or a
    /// `number_observed` below 1.
    pub fn from_json(text: &str) -> Result<Observations> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::Parse(Box::new(ParseError {
                path: None,
                line: Some(e.line()),
                column: Some(e.column()),
                object_index: None,
                object_id: None,
                json_path: None,
                kind: if e.is_eof() {
                    ParseErrorKind::Eof
                } else {
                    ParseErrorKind::Syntax
                },
                message: e.to_string(),
            }))
        })?;
        Observations::from_value(&value)
    }

    /// Read observed data from a JSON value (see [`Observations::from_json`]).
    ///
    /// # Errors
    ///
    /// As [`Observations::from_json`].
    pub fn from_value(value: &Value) -> Result<Observations> {
        let mut items: Vec<(String, &Value)> = Vec::new();
        match value {
            Value::Array(list) => {
                for (i, v) in list.iter().enumerate() {
                    collect(v, format!("$[{i}]"), &mut items);
                }
            }
            v => collect(v, "$".to_owned(), &mut items),
        }
        let mut out = Observations::new();
        for (_, v) in &items {
            if v.get("type").and_then(Value::as_str) != Some("observed-data") {
                if let Some(id) = v.get("id").and_then(Value::as_str) {
                    out.pool.insert(id.to_owned(), (*v).clone());
                }
            }
        }
        for (path, v) in items {
            if v.get("type").and_then(Value::as_str) == Some("observed-data") {
                out.records.push(record(v, &path)?);
            }
        }
        Ok(out)
    }

    /// Read the observed data of a bundle.
    ///
    /// # Errors
    ///
    /// As [`Observations::from_json`].
    pub fn from_bundle(bundle: &Bundle) -> Result<Observations> {
        let objects: Vec<Value> = bundle
            .objects()
            .iter()
            .map(crate::StixObject::to_value)
            .collect();
        Observations::from_value(&Value::Array(objects))
    }

    /// How many observed-data objects there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How many observations they stand for (the sum of `number_observed`).
    pub fn count(&self) -> u64 {
        self.records.iter().map(|r| r.count).sum()
    }

    /// The root objects of a record: embedded ones by key, referenced ones
    /// by id.
    pub(crate) fn roots<'a>(&'a self, record: &'a Record) -> Vec<(&'a str, &'a Value)> {
        let mut out: Vec<(&str, &Value)> = record
            .embedded
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        for id in &record.refs {
            if let Some(v) = self.pool.get(id) {
                out.push((id.as_str(), v));
            }
        }
        out
    }

    /// Resolve a reference from inside a record.
    pub(crate) fn deref<'a>(&'a self, record: &'a Record, id: &str) -> Option<&'a Value> {
        record.embedded.get(id).or_else(|| self.pool.get(id))
    }
}

/// Flatten bundles into their objects, with JSON paths.
fn collect<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    if value.get("type").and_then(Value::as_str) == Some("bundle") {
        if let Some(Value::Array(objects)) = value.get("objects") {
            for (i, o) in objects.iter().enumerate() {
                out.push((format!("{path}.objects[{i}]"), o));
            }
        }
    } else {
        out.push((path, value));
    }
}

fn record(v: &Value, path: &str) -> Result<Record> {
    let id = v.get("id").and_then(Value::as_str);
    let time = |name: &str| -> Result<Option<i128>> {
        match v.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Timestamp::parse(s).map(|t| Some(nanos(&t))).map_err(|e| {
                invalid(
                    ParseErrorKind::InvalidTimestamp,
                    format!("{path}.{name}"),
                    id,
                    e.to_string(),
                )
            }),
            Some(_) => Err(invalid(
                ParseErrorKind::WrongType,
                format!("{path}.{name}"),
                id,
                format!("{name} must be a timestamp string"),
            )),
        }
    };
    let first = time("first_observed")?.ok_or_else(|| {
        invalid(
            ParseErrorKind::MissingProperty,
            path.to_owned(),
            id,
            "observed-data needs first_observed".to_owned(),
        )
    })?;
    let last = time("last_observed")?.unwrap_or(first);
    if last < first {
        return Err(invalid(
            ParseErrorKind::InvalidValue,
            format!("{path}.last_observed"),
            id,
            "last_observed is before first_observed".to_owned(),
        ));
    }
    let count = match v.get("number_observed") {
        None => 1,
        Some(n) => n.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
            invalid(
                ParseErrorKind::InvalidValue,
                format!("{path}.number_observed"),
                id,
                "number_observed must be an integer of at least 1".to_owned(),
            )
        })?,
    };
    let embedded = match v.get("objects") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    let refs = match v.get("object_refs") {
        Some(Value::Array(refs)) => refs
            .iter()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Record {
        id: id.map(str::to_owned),
        first,
        last,
        count,
        embedded,
        refs,
    })
}
