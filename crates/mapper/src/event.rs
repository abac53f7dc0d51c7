//! Events: what was observed, as named fields.
//!
//! An [`Event`] is a flat map of field names to JSON values. Nested objects
//! are flattened with dots (`process.command_line`); arrays and scalars are
//! kept as values. Field lookup is exact first, then ASCII
//! case-insensitive, as Sigma field names are matched. Every event may
//! carry the [`Origin`] it was read from, so evidence can point back at it.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

/// Where an event was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    /// The file, when read from one (shared by every event of the file).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_path"
    )]
    pub file: Option<Arc<PathBuf>>,
    /// The 1-based record number in the file (line of a JSON-lines file,
    /// element of an array, record of an `.evtx` file).
    pub record: u64,
}

#[allow(clippy::ref_option)]
fn serialize_path<S: serde::Serializer>(
    path: &Option<Arc<PathBuf>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => s.serialize_str(&path.to_string_lossy()),
        None => s.serialize_none(),
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}#{}", file.display(), self.record),
            None => write!(f, "#{}", self.record),
        }
    }
}

/// The log source of an event or a rule, in Sigma's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LogSource {
    /// `product`: `windows`, `linux`, `macos`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// `category`: `process_creation`, `file_event`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `service`: `security`, `sysmon`, `powershell`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

impl LogSource {
    /// A log source of the given parts (lower-cased).
    pub fn new(product: Option<&str>, category: Option<&str>, service: Option<&str>) -> LogSource {
        let lower = |s: Option<&str>| s.map(str::to_ascii_lowercase);
        LogSource {
            product: lower(product),
            category: lower(category),
            service: lower(service),
        }
    }

    /// Whether a rule for `self` applies to an event of `event`: every part
    /// the rule names, the event has with the same value.
    pub fn covers(&self, event: &LogSource) -> bool {
        let part = |rule: &Option<String>, event: &Option<String>| match rule {
            None => true,
            Some(r) => event.as_deref() == Some(r.as_str()),
        };
        part(&self.product, &event.product)
            && part(&self.category, &event.category)
            && part(&self.service, &event.service)
    }
}

impl fmt::Display for LogSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            ("product", &self.product),
            ("category", &self.category),
            ("service", &self.service),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}:{v}")))
        .collect();
        if parts.is_empty() {
            f.write_str("any")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}

/// One observed event: flat named fields, the log sources it belongs to,
/// and where it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    fields: Vec<(String, Value)>,
    /// Lower-cased field name → index into `fields`.
    index: HashMap<String, usize>,
    /// The log sources the event was routed to (empty: not yet routed).
    pub logsources: Vec<LogSource>,
    /// Where it was read from.
    pub origin: Option<Origin>,
}

impl Event {
    /// An event without fields.
    pub fn new() -> Event {
        Event::default()
    }

    /// An event of a JSON value: an object's members become fields, nested
    /// objects flattened with dots; any other value becomes the one field
    /// `value`.
    pub fn from_json(value: Value) -> Event {
        let mut event = Event::new();
        match value {
            Value::Object(map) => event.flatten("", map),
            other => event.insert("value", other),
        }
        event
    }

    fn flatten(&mut self, prefix: &str, map: Map<String, Value>) {
        for (key, value) in map {
            let name = if prefix.is_empty() {
                key
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Object(inner) if !inner.is_empty() => self.flatten(&name, inner),
                other => self.insert(name, other),
            }
        }
    }

    /// Set a field (replacing a field of the same name, in any case).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        let name = name.into();
        let value = value.into();
        let key = name.to_ascii_lowercase();
        if let Some(&at) = self.index.get(&key) {
            if let Some(slot) = self.fields.get_mut(at) {
                *slot = (name, value);
            }
            return;
        }
        self.index.insert(key, self.fields.len());
        self.fields.push((name, value));
    }

    /// The value of field `name`: exact name, else ASCII case-insensitive.
    pub fn get(&self, name: &str) -> Option<&Value> {
        if let Some(&at) = self.index.get(name) {
            return self.fields.get(at).map(|(_, v)| v);
        }
        if !name.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let at = *self.index.get(&name.to_ascii_lowercase())?;
        self.fields.get(at).map(|(_, v)| v)
    }

    /// The value of field `name` as text: strings as they are, numbers and
    /// booleans as written, `None` for null, arrays and absent fields.
    pub fn text(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self.get(name)? {
            Value::String(s) => Some(std::borrow::Cow::Borrowed(s)),
            Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(std::borrow::Cow::Owned(b.to_string())),
            _ => None,
        }
    }

    /// Remove field `name` (any case) and return its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.index.remove(&name.to_ascii_lowercase())?;
        let (_, value) = self.fields.remove(at);
        for index in self.index.values_mut() {
            if *index > at {
                *index -= 1;
            }
        }
        Some(value)
    }

    /// The fields in the order they were set.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.fields.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many fields it has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether it has no field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The event as a JSON object of its fields.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.fields
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_objects_flatten_and_lookup_ignores_case() {
        let event = Event::from_json(serde_json::json!({
            "Image": "C:\\Windows\\System32\\cmd.exe",
            "process": {"pid": 4, "args": ["a", "b"], "parent": {"name": "explorer.exe"}},
            "empty": {}
        }));
        assert_eq!(
            event.text("image").as_deref(),
            Some("C:\\Windows\\System32\\cmd.exe")
        );
        assert_eq!(event.text("process.pid").as_deref(), Some("4"));
        assert_eq!(
            event.text("PROCESS.PARENT.NAME").as_deref(),
            Some("explorer.exe")
        );
        assert_eq!(
            event.get("process.args"),
            Some(&serde_json::json!(["a", "b"]))
        );
        assert_eq!(event.get("empty"), Some(&serde_json::json!({})));
        assert_eq!(event.len(), 5);
    }

    #[test]
    fn insert_replaces_and_remove_keeps_the_index() {
        let mut event = Event::new();
        event.insert("A", 1);
        event.insert("B", 2);
        event.insert("C", 3);
        event.insert("a", 10);
        assert_eq!(event.get("A"), Some(&Value::from(10)));
        assert_eq!(event.remove("b"), Some(Value::from(2)));
        assert_eq!(event.get("c"), Some(&Value::from(3)));
        let names: Vec<&str> = event.fields().map(|(k, _)| k).collect();
        assert_eq!(names, ["a", "C"]);
    }

    #[test]
    fn log_sources_cover_events() {
        let rule = LogSource::new(Some("windows"), Some("process_creation"), None);
        let sysmon = LogSource::new(Some("Windows"), Some("process_creation"), Some("sysmon"));
        assert!(rule.covers(&sysmon));
        assert!(!LogSource::new(Some("linux"), None, None).covers(&sysmon));
        assert_eq!(
            rule.to_string(),
            "product:windows category:process_creation"
        );
    }
}
