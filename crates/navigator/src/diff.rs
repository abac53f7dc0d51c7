//! What differs between two layers.
//!
//! Entries are matched by technique and tactic (`T1059.001^execution`, or
//! `T1059.001` for an entry without a tactic); each field of a matched pair
//! is compared, and so is every layer setting. The result is ordered the
//! way the layers are: settings in the format's key order, entries in the
//! order of the first layer, then the entries only the second has.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::Layer;

/// The differences between two layers.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LayerDiff {
    /// Layer settings (name, layout, gradient, …) that differ.
    pub settings: Vec<FieldChange>,
    /// Entries only the second layer has.
    pub added: Vec<String>,
    /// Entries only the first layer has.
    pub removed: Vec<String>,
    /// Entries both have, with the fields that differ.
    pub changed: Vec<EntryChange>,
}

/// A field whose value differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field's name in the format (`gradient`, `score`, …).
    pub field: String,
    /// Its value in the first layer (`null` when absent).
    pub old: Value,
    /// Its value in the second layer (`null` when absent).
    pub new: Value,
}

/// An entry both layers have, and how it differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryChange {
    /// The entry (`T1059.001^execution`).
    pub entry: String,
    /// The fields that differ.
    pub fields: Vec<FieldChange>,
}

impl LayerDiff {
    /// Whether the layers say the same.
    pub fn is_empty(&self) -> bool {
        self.settings.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
    }
}

impl Layer {
    /// What differs from `self` to `other`.
    ///
    /// ```
    /// use ttpmap_navigator::{Layer, TechniqueEntry};
    ///
    /// let mut before = Layer::new("week 1", "enterprise-attack", Some("18"));
    /// before.techniques.push(TechniqueEntry::new("T1059.001").with_score(1.0));
    /// let mut after = before.clone();
    /// after.name = "week 2".into();
    /// after.techniques[0].score = Some(3.0);
    /// after.techniques.push(TechniqueEntry::new("T1105").with_score(1.0));
    /// let diff = before.diff(&after);
    /// assert_eq!(diff.settings[0].field, "name");
    /// assert_eq!(diff.added, ["T1105"]);
    /// assert_eq!(diff.changed[0].fields[0].field, "score");
    /// assert_eq!(diff.changed[0].fields[0].new, 3);
    /// ```
    pub fn diff(&self, other: &Layer) -> LayerDiff {
        let mut diff = LayerDiff::default();
        let (Value::Object(mut a), Value::Object(mut b)) = (self.to_value(), other.to_value())
        else {
            return diff;
        };
        a.remove("techniques");
        b.remove("techniques");
        compare_fields(&a, &b, &mut diff.settings);

        let keyed = |layer: &Layer| -> Vec<(String, Value)> {
            layer
                .techniques
                .iter()
                .map(|e| (e.key(), crate::write::entry_value(e)))
                .collect()
        };
        let (old, new) = (keyed(self), keyed(other));
        // The Navigator keeps the last entry for a key; so does the diff.
        let new_by_key: HashMap<&str, &Value> = new.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let old_by_key: HashMap<&str, &Value> = old.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let mut done = std::collections::HashSet::new();
        for (key, value) in &old {
            if !done.insert(key.as_str()) {
                continue;
            }
            let value = old_by_key.get(key.as_str()).copied().unwrap_or(value);
            match new_by_key.get(key.as_str()) {
                None => diff.removed.push(key.clone()),
                Some(other) => {
                    let (Value::Object(x), Value::Object(y)) = (value, other) else {
                        continue;
                    };
                    let mut fields = Vec::new();
                    compare_fields(x, y, &mut fields);
                    if !fields.is_empty() {
                        diff.changed.push(EntryChange {
                            entry: key.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        for (key, _) in &new {
            if !old_by_key.contains_key(key.as_str()) && done.insert(key.as_str()) {
                diff.added.push(key.clone());
            }
        }
        diff
    }
}

fn compare_fields(
    a: &serde_json::Map<String, Value>,
    b: &serde_json::Map<String, Value>,
    out: &mut Vec<FieldChange>,
) {
    for (key, old) in a {
        let new = b.get(key).unwrap_or(&Value::Null);
        if !same(old, new) {
            out.push(FieldChange {
                field: key.clone(),
                old: old.clone(),
                new: new.clone(),
            });
        }
    }
    for (key, new) in b {
        if !a.contains_key(key) {
            out.push(FieldChange {
                field: key.clone(),
                old: Value::Null,
                new: new.clone(),
            });
        }
    }
}

/// Equality that treats `1` and `1.0` as the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
