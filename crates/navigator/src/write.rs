//! Writing layers as format-4.5 JSON, in the Navigator's own key order.
//!
//! The output is deterministic: the same layer gives the same bytes. Keys
//! come in the order the Navigator's export writes them, each object's
//! unknown keys after its known ones, tab-indented like the Navigator's
//! download. Scores that are whole numbers are written without a fraction.

use serde_json::{Map, Number, Value};

use crate::model::{GradientSpec, Layer, LegendItem, LinkItem, MetadataItem, TechniqueEntry};

impl Layer {
    /// The layer as a JSON value, keys in the Navigator's order.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), self.name.clone().into());
        let mut versions = Map::new();
        if let Some(attack) = &self.versions.attack {
            versions.insert("attack".into(), attack.clone().into());
        }
        versions.insert("navigator".into(), self.versions.navigator.clone().into());
        versions.insert("layer".into(), self.versions.layer.clone().into());
        extend(&mut versions, &self.versions.extra);
        out.insert("versions".into(), Value::Object(versions));
        out.insert("domain".into(), self.domain.clone().into());
        if let Some(url) = &self.custom_data_url {
            out.insert("customDataURL".into(), url.clone().into());
        }
        out.insert("description".into(), self.description.clone().into());
        let mut filters = Map::new();
        if let Some(platforms) = &self.filters.platforms {
            filters.insert("platforms".into(), strings(platforms));
        }
        extend(&mut filters, &self.filters.extra);
        out.insert("filters".into(), Value::Object(filters));
        out.insert("sorting".into(), self.sorting.code().into());
        let l = &self.layout;
        let mut layout = Map::new();
        layout.insert("layout".into(), l.layout.as_str().into());
        layout.insert(
            "aggregateFunction".into(),
            l.aggregate_function.as_str().into(),
        );
        layout.insert("showID".into(), l.show_id.into());
        layout.insert("showName".into(), l.show_name.into());
        layout.insert("showAggregateScores".into(), l.show_aggregate_scores.into());
        layout.insert("countUnscored".into(), l.count_unscored.into());
        layout.insert(
            "expandedSubtechniques".into(),
            l.expanded_subtechniques.as_str().into(),
        );
        extend(&mut layout, &l.extra);
        out.insert("layout".into(), Value::Object(layout));
        out.insert("hideDisabled".into(), self.hide_disabled.into());
        out.insert(
            "techniques".into(),
            Value::Array(self.techniques.iter().map(entry_value).collect()),
        );
        out.insert("gradient".into(), gradient(&self.gradient));
        out.insert(
            "legendItems".into(),
            Value::Array(self.legend_items.iter().map(legend_item).collect()),
        );
        out.insert("metadata".into(), metadata(&self.metadata));
        out.insert("links".into(), links(&self.links));
        out.insert(
            "showTacticRowBackground".into(),
            self.show_tactic_row_background.into(),
        );
        out.insert(
            "tacticRowBackground".into(),
            self.tactic_row_background.clone().into(),
        );
        out.insert(
            "selectTechniquesAcrossTactics".into(),
            self.select_techniques_across_tactics.into(),
        );
        out.insert(
            "selectSubtechniquesWithParent".into(),
            self.select_subtechniques_with_parent.into(),
        );
        out.insert(
            "selectVisibleTechniques".into(),
            self.select_visible_techniques.into(),
        );
        extend(&mut out, &self.extra);
        Value::Object(out)
    }

    /// The layer as tab-indented format-4.5 JSON.
    ///
    /// ```
    /// use ttpmap_navigator::{Layer, TechniqueEntry};
    ///
    /// let mut layer = Layer::new("demo", "enterprise-attack", Some("18"));
    /// layer.techniques.push(TechniqueEntry::new("T1059.001").with_score(1.0));
    /// let json = layer.to_json();
    /// assert!(json.starts_with("{\n\t\"name\": \"demo\",\n\t\"versions\": {"));
    /// assert!(json.contains("\"score\": 1,"));
    /// assert_eq!(Layer::from_json(&json)?, layer);
    /// # Ok::<(), ttpmap_navigator::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        pretty(&self.to_value())
    }
}

/// Several layers as one tab-indented JSON array (format 4.5's "download
/// all layers").
pub fn layers_to_json(layers: &[Layer]) -> String {
    pretty(&Value::Array(layers.iter().map(Layer::to_value).collect()))
}

fn pretty(value: &Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serialising a `Value` into memory cannot fail.
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}

fn extend(map: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        map.insert(key.clone(), value.clone());
    }
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

/// A score as JSON: a whole number without fraction, others as written.
pub(crate) fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

pub(crate) fn entry_value(entry: &TechniqueEntry) -> Value {
    let mut out = Map::new();
    if !entry.technique_id.is_empty() {
        out.insert("techniqueID".into(), entry.technique_id.clone().into());
    }
    if let Some(tactic) = &entry.tactic {
        out.insert("tactic".into(), tactic.clone().into());
    }
    if let Some(score) = entry.score {
        out.insert("score".into(), number(score));
    }
    out.insert("color".into(), entry.color.clone().into());
    out.insert("comment".into(), entry.comment.clone().into());
    out.insert("enabled".into(), entry.enabled.into());
    out.insert("metadata".into(), metadata(&entry.metadata));
    out.insert("links".into(), links(&entry.links));
    out.insert("showSubtechniques".into(), entry.show_subtechniques.into());
    extend(&mut out, &entry.extra);
    Value::Object(out)
}

fn gradient(gradient: &GradientSpec) -> Value {
    let mut out = Map::new();
    out.insert("colors".into(), strings(&gradient.colors));
    out.insert("minValue".into(), number(gradient.min_value));
    out.insert("maxValue".into(), number(gradient.max_value));
    extend(&mut out, &gradient.extra);
    Value::Object(out)
}

fn legend_item(item: &LegendItem) -> Value {
    let mut out = Map::new();
    out.insert("label".into(), item.label.clone().into());
    out.insert("color".into(), item.color.clone().into());
    extend(&mut out, &item.extra);
    Value::Object(out)
}

fn divider() -> Value {
    let mut out = Map::new();
    out.insert("divider".into(), true.into());
    Value::Object(out)
}

fn pair(first: (&str, &str), second: (&str, &str)) -> Value {
    let mut out = Map::new();
    out.insert(first.0.into(), first.1.into());
    out.insert(second.0.into(), second.1.into());
    Value::Object(out)
}

fn metadata(items: &[MetadataItem]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| match item {
                MetadataItem::Entry { name, value } => pair(("name", name), ("value", value)),
                MetadataItem::Divider => divider(),
            })
            .collect(),
    )
}

fn links(items: &[LinkItem]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| match item {
                LinkItem::Link { label, url } => pair(("label", label), ("url", url)),
                LinkItem::Divider => divider(),
            })
            .collect(),
    )
}
