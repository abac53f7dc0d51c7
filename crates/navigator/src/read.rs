//! Reading layer files of every format version, upgrading them to 4.5.
//!
//! The reader is lenient the way the Navigator is, but never silent: a
//! field of the wrong type is kept (in the object's `extra` map, written
//! back as it was) and reported as a [`Finding`]; a field of an older format
//! is translated to its 4.5 form and the translation recorded as a
//! [`FormatChange`]. Only text that is not JSON, or JSON that is not a
//! layer at all, is an [`Error`].

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::finding::{Finding, Level};
use crate::model::{
    AggregateFunction, ExpandedSubtechniques, Filters, GradientSpec, Layer, Layout, LayoutKind,
    LegendItem, LinkItem, MetadataItem, Sorting, TechniqueEntry, Versions, LAYER_FORMAT,
};

/// A layer file: one layer, or (format 4.5) an array of layers.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerFile {
    /// The layers, upgraded to format 4.5.
    pub layers: Vec<Layer>,
    /// What reading each layer found and changed, one per layer.
    pub reports: Vec<ReadReport>,
    /// Whether the file held an array (written back as one).
    pub array: bool,
    /// Findings about the file as a whole (trailing commas, mixed formats,
    /// array elements that are not layers).
    pub findings: Vec<Finding>,
}

/// What reading one layer found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadReport {
    /// The layer format version the layer was written in (`"3.0"`), or
    /// `None` when it does not say.
    pub format: Option<String>,
    /// Each translation from an older format to 4.5.
    pub changes: Vec<FormatChange>,
    /// Problems found while reading.
    pub findings: Vec<Finding>,
}

/// One translation made while upgrading a layer to format 4.5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormatChange {
    /// Where, as a JSON path of the layer as read.
    pub path: String,
    /// What was changed, e.g. "`viewMode` 1 became `layout` side with IDs
    /// shown and names hidden".
    pub description: String,
}

impl LayerFile {
    /// Read a layer file from `text`.
    ///
    /// ```
    /// use ttpmap_navigator::LayerFile;
    ///
    /// let file = LayerFile::from_str(r#"{"name": "x", "version": "3.0", "domain": "mitre-enterprise",
    ///     "techniques": [{"techniqueID": "T1059.001", "score": 1}]}"#)?;
    /// let layer = &file.layers[0];
    /// assert_eq!(layer.domain, "enterprise-attack");
    /// assert_eq!(layer.versions.layer, "4.5");
    /// assert_eq!(file.reports[0].format.as_deref(), Some("3.0"));
    /// assert_eq!(file.reports[0].changes.len(), 2);
    /// # Ok::<(), ttpmap_navigator::Error>(())
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str) -> Result<LayerFile> {
        LayerFile::parse(text, None)
    }

    /// Read the layer file at `path`.
    pub fn from_path(path: impl AsRef<Path>) -> Result<LayerFile> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| Error::Json {
            path: Some(path.to_owned()),
            line: 1,
            column: 1,
            message: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        LayerFile::parse(&text, Some(path.to_owned()))
    }

    fn parse(text: &str, path: Option<PathBuf>) -> Result<LayerFile> {
        let mut file_findings = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                // The format's own examples up to 2.2 have trailing commas:
                // read them, and say so.
                let (cleaned, removed) = strip_trailing_commas(text);
                match (removed.is_empty(), serde_json::from_str(&cleaned)) {
                    (false, Ok(value)) => {
                        for (line, column) in removed {
                            file_findings.push(
                                Finding::new(
                                    Level::Warning,
                                    "trailing-comma",
                                    "$",
                                    format!("trailing comma at line {line}, column {column} is not JSON; read as if absent"),
                                )
                                .suggest("remove the comma: the Navigator refuses the file"),
                            );
                        }
                        value
                    }
                    _ => {
                        return Err(Error::Json {
                            path,
                            line: error.line(),
                            column: error.column(),
                            message: error.to_string(),
                        })
                    }
                }
            }
        };
        let mut file = match value {
            Value::Object(object) => {
                let (layer, report) = read_layer(object, "$");
                LayerFile {
                    layers: vec![layer],
                    reports: vec![report],
                    array: false,
                    findings: file_findings,
                }
            }
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(Error::NotALayer {
                        path,
                        found: "an empty array",
                    });
                }
                let mut layers = Vec::with_capacity(items.len());
                let mut reports = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    let at = format!("$[{index}]");
                    match item {
                        Value::Object(object) => {
                            let (layer, report) = read_layer(object, &at);
                            layers.push(layer);
                            reports.push(report);
                        }
                        other => file_findings.push(Finding::new(
                            Level::Error,
                            "not-a-layer",
                            at,
                            format!(
                                "array element is {}, not a layer object; skipped",
                                type_name(&other)
                            ),
                        )),
                    }
                }
                if layers.is_empty() {
                    return Err(Error::NotALayer {
                        path,
                        found: "an array without layer objects",
                    });
                }
                LayerFile {
                    layers,
                    reports,
                    array: true,
                    findings: file_findings,
                }
            }
            other => {
                return Err(Error::NotALayer {
                    path,
                    found: type_name(&other),
                })
            }
        };
        if file.array {
            file.check_array_formats();
        }
        Ok(file)
    }

    fn check_array_formats(&mut self) {
        let formats: std::collections::BTreeSet<&str> = self
            .reports
            .iter()
            .map(|r| r.format.as_deref().unwrap_or("unstated"))
            .collect();
        if formats.len() > 1 {
            let list: Vec<&str> = formats.into_iter().collect();
            self.findings.push(
                Finding::new(
                    Level::Warning,
                    "mixed-formats",
                    "$",
                    format!("the array mixes layer formats {}; each layer was upgraded to 4.5 on its own", list.join(", ")),
                )
                .suggest("write the file back to have every layer in format 4.5"),
            );
        }
        for (index, report) in self.reports.iter().enumerate() {
            if let Some(format) = &report.format {
                if format_before(format, 4, 5) {
                    self.findings.push(Finding::new(
                        Level::Info,
                        "array-before-4.5",
                        format!("$[{index}]"),
                        format!("a file of several layers is format 4.5; this one says {format}"),
                    ));
                }
            }
        }
    }

    /// Every finding: the file's, then each layer's.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> + '_ {
        self.findings
            .iter()
            .chain(self.reports.iter().flat_map(|r| r.findings.iter()))
    }

    /// The file as format-4.5 JSON: one layer, or an array when it was read
    /// from one.
    pub fn to_json(&self) -> String {
        if self.array {
            crate::write::layers_to_json(&self.layers)
        } else {
            self.layers
                .iter()
                .map(Layer::to_json)
                .next()
                .unwrap_or_default()
        }
    }
}

impl Layer {
    /// Read a single layer, of any format version, refusing one with
    /// errors. Use [`LayerFile`] to read leniently and see every finding.
    pub fn from_json(text: &str) -> Result<Layer> {
        let file = LayerFile::from_str(text)?;
        if let Some(finding) = file.findings().find(|f| f.level == Level::Error) {
            return Err(Error::Invalid {
                path: None,
                finding: Box::new(finding.clone()),
            });
        }
        if file.layers.len() != 1 {
            return Err(Error::Unsupported(format!(
                "expected one layer, the file holds {}",
                file.layers.len()
            )));
        }
        file.layers.into_iter().next().ok_or(Error::NotALayer {
            path: None,
            found: "empty",
        })
    }
}

/// Whether format `version` ("3.0") is before `major.minor`.
fn format_before(version: &str, major: u32, minor: u32) -> bool {
    parse_format(version).is_some_and(|v| v < (major, minor))
}

/// `"4.2"` → (4, 2).
pub(crate) fn parse_format(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Remove commas that directly precede `}` or `]` (outside strings);
/// returns the text and the 1-based line and column of each comma removed.
fn strip_trailing_commas(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut pending: Option<(String, (usize, usize))> = None;
    let (mut line, mut column) = (1, 0);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if let Some((whitespace, position)) = &mut pending {
            if c.is_whitespace() {
                whitespace.push(c);
                continue;
            }
            let position = *position;
            let whitespace = std::mem::take(whitespace);
            pending = None;
            if c == '}' || c == ']' {
                removed.push(position);
            } else {
                out.push(',');
            }
            out.push_str(&whitespace);
        }
        match c {
            ',' => pending = Some((String::new(), (line, column))),
            '"' => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if let Some((whitespace, _)) = pending {
        out.push(',');
        out.push_str(&whitespace);
    }
    (out, removed)
}

/// Reads one layer object, collecting findings and format changes.
struct Reader {
    findings: Vec<Finding>,
    changes: Vec<FormatChange>,
}

impl Reader {
    fn wrong_type(&mut self, path: &str, expected: &str, value: &Value) {
        self.findings.push(
            Finding::new(
                Level::Error,
                "wrong-type",
                path,
                format!(
                    "expected {expected}, found {}; kept as is and ignored",
                    describe(value)
                ),
            )
            .suggest(format!("make it {expected}")),
        );
    }

    fn string(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
    ) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(path, "a string", &other);
                extra.insert(key.to_owned(), other);
                None
            }
        }
    }

    fn boolean(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
    ) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(b),
            other => {
                self.wrong_type(path, "true or false", &other);
                extra.insert(key.to_owned(), other);
                None
            }
        }
    }

    fn number(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
    ) -> Option<f64> {
        match value.as_f64() {
            Some(n) if value.is_number() && n.is_finite() => Some(n),
            _ => {
                self.wrong_type(path, "a number", &value);
                extra.insert(key.to_owned(), value);
                None
            }
        }
    }

    fn strings(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
    ) -> Option<Vec<String>> {
        match value {
            Value::Array(items) if items.iter().all(Value::is_string) => Some(
                items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ),
            other => {
                self.wrong_type(path, "an array of strings", &other);
                extra.insert(key.to_owned(), other);
                None
            }
        }
    }

    fn enumeration<T: Copy>(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let parsed = value.as_str().and_then(parse);
        if parsed.is_none() {
            let mut finding = Finding::new(
                Level::Error,
                "unknown-value",
                path,
                format!(
                    "{} is not one of {}; kept as is and ignored",
                    describe(&value),
                    allowed.join(", ")
                ),
            );
            if let Some(best) = value
                .as_str()
                .and_then(|s| crate::finding::closest(s, allowed.iter().copied()))
            {
                finding = finding.suggest(format!("did you mean {best:?}?"));
            }
            self.findings.push(finding);
            extra.insert(key.to_owned(), value);
        }
        parsed
    }

    /// `boolean`, stored into `slot` when it is one.
    fn set_bool(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
        slot: &mut bool,
    ) {
        if let Some(b) = self.boolean(path, value, extra, key) {
            *slot = b;
        }
    }

    /// `string`, stored into `slot` when it is one.
    fn set_string(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
        slot: &mut String,
    ) {
        if let Some(s) = self.string(path, value, extra, key) {
            *slot = s;
        }
    }

    /// `number`, stored into `slot` when it is one.
    fn set_number(
        &mut self,
        path: &str,
        value: Value,
        extra: &mut Map<String, Value>,
        key: &str,
        slot: &mut f64,
    ) {
        if let Some(n) = self.number(path, value, extra, key) {
            *slot = n;
        }
    }

    /// The members of `item`, or a `wrong-type` finding (the item is
    /// dropped) when it is not an object.
    fn object(&mut self, item: Value, at: &str, what: &str) -> Option<Map<String, Value>> {
        match item {
            Value::Object(map) => Some(map),
            other => {
                self.findings.push(Finding::new(
                    Level::Error,
                    "wrong-type",
                    at,
                    format!(
                        "{what} must be an object, found {}; dropped",
                        describe(&other)
                    ),
                ));
                None
            }
        }
    }

    fn unknown_key(&mut self, path: &str, key: &str) {
        self.findings.push(Finding::new(
            Level::Info,
            "unknown-field",
            path,
            format!("`{key}` is not a field of layer format 4.5; kept as is"),
        ));
    }

    fn change(&mut self, path: &str, description: String) {
        self.changes.push(FormatChange {
            path: path.to_owned(),
            description,
        });
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() <= 40 => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => type_name(other).to_owned(),
    }
}

fn read_layer(object: Map<String, Value>, at: &str) -> (Layer, ReadReport) {
    let mut r = Reader {
        findings: Vec::new(),
        changes: Vec::new(),
    };
    let mut layer = Layer::new(String::new(), String::new(), None);
    let mut name_seen = false;
    let mut domain_seen = false;
    let mut versions_format: Option<String> = None;
    let mut legacy_version: Option<String> = None;
    let mut view_mode: Option<(Value, String)> = None;
    let mut layout_seen = false;
    let mut extra = Map::new();

    for (key, value) in object {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "name" => {
                if let Some(name) = r.string(&path, value, &mut extra, &key) {
                    layer.name = name;
                    name_seen = true;
                }
            }
            "versions" => match value {
                Value::Object(map) => {
                    let (versions, format) = read_versions(&mut r, map, &path);
                    layer.versions = versions;
                    versions_format = format;
                }
                other => {
                    r.wrong_type(&path, "an object", &other);
                    extra.insert(key, other);
                }
            },
            "version" => {
                if let Some(version) = r.string(&path, value, &mut extra, &key) {
                    r.change(
                        &path,
                        format!("`version` {version:?} is now `versions.layer` \"{LAYER_FORMAT}\""),
                    );
                    legacy_version = Some(version);
                }
            }
            "domain" => {
                if let Some(domain) = r.string(&path, value, &mut extra, &key) {
                    let renamed = match domain.as_str() {
                        "mitre-enterprise" => Some("enterprise-attack"),
                        "mitre-mobile" => Some("mobile-attack"),
                        _ => None,
                    };
                    if let Some(new) = renamed {
                        r.change(&path, format!("domain {domain:?} is now {new:?}"));
                        new.clone_into(&mut layer.domain);
                    } else {
                        layer.domain = domain;
                    }
                    domain_seen = true;
                }
            }
            "customDataURL" => layer.custom_data_url = r.string(&path, value, &mut extra, &key),
            "description" => {
                r.set_string(&path, value, &mut extra, &key, &mut layer.description);
            }
            "filters" => match value {
                Value::Object(map) => layer.filters = read_filters(&mut r, map, &path),
                other => {
                    r.wrong_type(&path, "an object", &other);
                    extra.insert(key, other);
                }
            },
            "sorting" => {
                if let Some(sorting) = value.as_u64().and_then(Sorting::from_code) {
                    layer.sorting = sorting;
                } else {
                    r.findings.push(
                        Finding::new(
                            Level::Error,
                            "unknown-value",
                            &path,
                            format!(
                                "{} is not a sorting (0 to 3); kept as is and ignored",
                                describe(&value)
                            ),
                        )
                        .suggest("0 name A-Z, 1 name Z-A, 2 score ascending, 3 score descending"),
                    );
                    extra.insert(key, value);
                }
            }
            "layout" => match value {
                Value::Object(map) => {
                    layer.layout = read_layout(&mut r, map, &path);
                    layout_seen = true;
                }
                other => {
                    r.wrong_type(&path, "an object", &other);
                    extra.insert(key, other);
                }
            },
            "viewMode" => view_mode = Some((value, path)),
            "hideDisabled" => {
                r.set_bool(&path, value, &mut extra, &key, &mut layer.hide_disabled);
            }
            "techniques" => match value {
                Value::Array(items) => {
                    layer.techniques = items
                        .into_iter()
                        .enumerate()
                        .filter_map(|(i, item)| {
                            read_technique(&mut r, item, &format!("{path}[{i}]"))
                        })
                        .collect();
                }
                other => {
                    r.wrong_type(&path, "an array of technique entries", &other);
                    extra.insert(key, other);
                }
            },
            "gradient" => match value {
                Value::Object(map) => layer.gradient = read_gradient(&mut r, map, &path),
                other => {
                    r.wrong_type(&path, "an object", &other);
                    extra.insert(key, other);
                }
            },
            "legendItems" => match value {
                Value::Array(items) => {
                    layer.legend_items = items
                        .into_iter()
                        .enumerate()
                        .filter_map(|(i, item)| {
                            read_legend_item(&mut r, item, &format!("{path}[{i}]"))
                        })
                        .collect();
                }
                other => {
                    r.wrong_type(&path, "an array", &other);
                    extra.insert(key, other);
                }
            },
            "metadata" => {
                if let Some(items) = read_metadata(&mut r, value, &path, &mut extra) {
                    layer.metadata = items;
                }
            }
            "links" => {
                if let Some(items) = read_links(&mut r, value, &path, &mut extra) {
                    layer.links = items;
                }
            }
            "showTacticRowBackground" => {
                r.set_bool(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut layer.show_tactic_row_background,
                );
            }
            "tacticRowBackground" => {
                r.set_string(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut layer.tactic_row_background,
                );
            }
            "selectTechniquesAcrossTactics" => {
                r.set_bool(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut layer.select_techniques_across_tactics,
                );
            }
            "selectSubtechniquesWithParent" => {
                r.set_bool(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut layer.select_subtechniques_with_parent,
                );
            }
            "selectVisibleTechniques" => {
                r.set_bool(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut layer.select_visible_techniques,
                );
            }
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    layer.extra = extra;

    if !name_seen {
        r.findings.push(
            Finding::new(Level::Error, "missing-field", at, "the layer has no `name`")
                .suggest("add a \"name\""),
        );
    }
    if !domain_seen {
        r.findings.push(
            Finding::new(
                Level::Warning,
                "missing-field",
                at,
                "the layer has no `domain`; read as enterprise-attack",
            )
            .suggest("add \"domain\": \"enterprise-attack\""),
        );
        "enterprise-attack".clone_into(&mut layer.domain);
        r.change(
            &format!("{at}.domain"),
            "absent domain set to \"enterprise-attack\"".to_owned(),
        );
    }

    // The format version: the legacy `version` wins over `versions.layer`,
    // as in the Navigator.
    let format = legacy_version.clone().or(versions_format);
    match format.as_deref() {
        None => r.findings.push(
            Finding::new(
                Level::Warning,
                "format-version",
                at,
                "the layer does not say its format version; read as 4.5",
            )
            .suggest("add \"versions\": {\"layer\": \"4.5\", …}"),
        ),
        Some(version) => match parse_format(version) {
            None => r.findings.push(Finding::new(
                Level::Warning,
                "format-version",
                at,
                format!("layer format {version:?} is not a version number; read as 4.5"),
            )),
            Some(v) if v > (4, 5) => r.findings.push(Finding::new(
                Level::Warning,
                "format-version",
                at,
                format!("layer format {version} is newer than 4.5; fields this crate does not know are kept as they are"),
            )),
            Some(v) if v < (4, 5) && legacy_version.is_none() => r.change(
                &format!("{at}.versions.layer"),
                format!("layer format {version} upgraded to {LAYER_FORMAT}"),
            ),
            Some(_) => {}
        },
    }
    LAYER_FORMAT.clone_into(&mut layer.versions.layer);

    if let Some((value, path)) = view_mode {
        apply_view_mode(&mut r, &mut layer, value, &path, layout_seen);
    }

    let report = ReadReport {
        format,
        changes: r.changes,
        findings: r.findings,
    };
    (layer, report)
}

/// `viewMode` (formats up to 2.2): 0 full, 1 compact, 2 mini.
fn apply_view_mode(r: &mut Reader, layer: &mut Layer, value: Value, path: &str, layout_seen: bool) {
    let mode = value.as_u64().filter(|m| *m <= 2);
    let Some(mode) = mode else {
        r.findings.push(Finding::new(
            Level::Error,
            "unknown-value",
            path,
            format!(
                "viewMode {} is not 0, 1 or 2; kept as is and ignored",
                describe(&value)
            ),
        ));
        layer.extra.insert("viewMode".to_owned(), value);
        return;
    };
    if layout_seen {
        r.change(
            path,
            format!("`viewMode` {mode} dropped: `layout` is present and wins"),
        );
        return;
    }
    let description = match mode {
        0 => {
            layer.layout.layout = LayoutKind::Side;
            "`viewMode` 0 (full) is now `layout` side with names shown"
        }
        1 => {
            layer.layout.layout = LayoutKind::Side;
            layer.layout.show_name = false;
            layer.layout.show_id = true;
            "`viewMode` 1 (compact) is now `layout` side with IDs shown and names hidden"
        }
        _ => {
            layer.layout.layout = LayoutKind::Mini;
            layer.layout.show_name = false;
            layer.layout.show_id = false;
            "`viewMode` 2 (mini) is now `layout` mini"
        }
    };
    r.change(path, description.to_owned());
}

fn read_versions(r: &mut Reader, map: Map<String, Value>, at: &str) -> (Versions, Option<String>) {
    let mut versions = Versions::default();
    let mut format = None;
    let mut extra = Map::new();
    for (key, value) in map {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "attack" => match value {
                Value::String(s) => versions.attack = Some(s),
                // Some tools write the number: keep its meaning.
                Value::Number(n) => {
                    r.change(&path, format!("`attack` {n} written as the string \"{n}\""));
                    versions.attack = Some(n.to_string());
                }
                other => {
                    r.wrong_type(&path, "a string", &other);
                    extra.insert(key, other);
                }
            },
            "navigator" => match value {
                Value::String(s) => versions.navigator = s,
                Value::Number(n) => versions.navigator = n.to_string(),
                other => {
                    r.wrong_type(&path, "a string", &other);
                    extra.insert(key, other);
                }
            },
            "layer" => match value {
                Value::String(s) => format = Some(s),
                Value::Number(n) => format = Some(n.to_string()),
                other => {
                    r.wrong_type(&path, "a string", &other);
                    extra.insert(key, other);
                }
            },
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    versions.extra = extra;
    (versions, format)
}

/// Platform names of older formats and their current names.
const PLATFORM_RENAMES: &[(&str, &str)] = &[
    ("android", "Android"),
    ("ios", "iOS"),
    ("windows", "Windows"),
    ("linux", "Linux"),
    ("mac", "macOS"),
    ("AWS", "IaaS"),
    ("GCP", "IaaS"),
    ("Azure", "IaaS"),
];

fn read_filters(r: &mut Reader, map: Map<String, Value>, at: &str) -> Filters {
    let mut filters = Filters::default();
    let mut extra = Map::new();
    for (key, value) in map {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "platforms" => {
                if let Some(platforms) = r.strings(&path, value, &mut extra, &key) {
                    let mut renamed: Vec<String> = Vec::with_capacity(platforms.len());
                    for platform in platforms {
                        let new = PLATFORM_RENAMES
                            .iter()
                            .find(|(old, _)| *old == platform)
                            .map(|(_, new)| *new);
                        let name = match new {
                            Some(new) => {
                                r.change(&path, format!("platform {platform:?} is now {new:?}"));
                                new.to_owned()
                            }
                            None => platform,
                        };
                        if !renamed.contains(&name) {
                            renamed.push(name);
                        }
                    }
                    filters.platforms = Some(renamed);
                }
            }
            "stages" => {
                r.change(
                    &path,
                    format!(
                        "`filters.stages` {value} dropped: format 4.0 folded PRE-ATT&CK into Enterprise (platform \"PRE\")"
                    ),
                );
            }
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    filters.extra = extra;
    filters
}

fn read_layout(r: &mut Reader, map: Map<String, Value>, at: &str) -> Layout {
    let mut layout = Layout::default();
    let mut extra = Map::new();
    for (key, value) in map {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "layout" => {
                if let Some(kind) = r.enumeration(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    LayoutKind::from_text,
                    &["side", "flat", "mini"],
                ) {
                    layout.layout = kind;
                }
            }
            "aggregateFunction" => {
                if let Some(function) = r.enumeration(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    AggregateFunction::from_text,
                    &["average", "min", "max", "sum"],
                ) {
                    layout.aggregate_function = function;
                }
            }
            "expandedSubtechniques" => {
                if let Some(expanded) = r.enumeration(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    ExpandedSubtechniques::from_text,
                    &["none", "annotated", "all"],
                ) {
                    layout.expanded_subtechniques = expanded;
                }
            }
            "showID" => {
                r.set_bool(&path, value, &mut extra, &key, &mut layout.show_id);
            }
            "showName" => {
                r.set_bool(&path, value, &mut extra, &key, &mut layout.show_name);
            }
            "showAggregateScores" => {
                r.set_bool(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut layout.show_aggregate_scores,
                );
            }
            "countUnscored" => {
                r.set_bool(&path, value, &mut extra, &key, &mut layout.count_unscored);
            }
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    layout.extra = extra;
    layout
}

fn read_technique(r: &mut Reader, item: Value, at: &str) -> Option<TechniqueEntry> {
    let map = r.object(item, at, "a technique entry")?;
    let mut entry = TechniqueEntry::new(String::new());
    let mut extra = Map::new();
    for (key, value) in map {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "techniqueID" => {
                r.set_string(&path, value, &mut extra, &key, &mut entry.technique_id);
            }
            "tactic" => {
                match value {
                    Value::String(s) if s.is_empty() => {
                        r.findings.push(
                        Finding::new(
                            Level::Warning,
                            "empty-tactic",
                            &path,
                            "`tactic` is empty: the Navigator may not restore this annotation",
                        )
                        .suggest("remove `tactic` to annotate every tactic, or name one (\"execution\")"),
                    );
                        extra.insert(key, Value::String(s));
                    }
                    Value::String(s) => entry.tactic = Some(s),
                    other => {
                        r.wrong_type(&path, "a string", &other);
                        extra.insert(key, other);
                    }
                }
            }
            "score" => match value {
                Value::Null => {}
                Value::String(ref s) => {
                    let hint = s.trim().parse::<f64>().ok();
                    let mut finding = Finding::new(
                        Level::Error,
                        "wrong-type",
                        &path,
                        format!("score {s:?} is a string: the Navigator shows the technique unscored; kept as is"),
                    );
                    if let Some(n) = hint {
                        finding = finding.suggest(format!("write it as the number {n}"));
                    }
                    r.findings.push(finding);
                    extra.insert(key, value);
                }
                other => entry.score = r.number(&path, other, &mut extra, &key),
            },
            "color" => {
                r.set_string(&path, value, &mut extra, &key, &mut entry.color);
            }
            "comment" => {
                r.set_string(&path, value, &mut extra, &key, &mut entry.comment);
            }
            "enabled" => {
                r.set_bool(&path, value, &mut extra, &key, &mut entry.enabled);
            }
            "showSubtechniques" => {
                r.set_bool(
                    &path,
                    value,
                    &mut extra,
                    &key,
                    &mut entry.show_subtechniques,
                );
            }
            "metadata" => {
                if let Some(items) = read_metadata(r, value, &path, &mut extra) {
                    entry.metadata = items;
                }
            }
            "links" => {
                if let Some(items) = read_links(r, value, &path, &mut extra) {
                    entry.links = items;
                }
            }
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    entry.extra = extra;
    if entry.technique_id.is_empty() && !entry.extra.contains_key("techniqueID") {
        r.findings.push(
            Finding::new(
                Level::Error,
                "missing-field",
                at,
                "the technique entry has no `techniqueID`; kept but ignored",
            )
            .suggest("add \"techniqueID\": \"T####\" or remove the entry"),
        );
    }
    Some(entry)
}

fn read_gradient(r: &mut Reader, map: Map<String, Value>, at: &str) -> GradientSpec {
    let mut gradient = GradientSpec::default();
    let mut extra = Map::new();
    for (key, value) in map {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "colors" => {
                if let Some(colors) = r.strings(&path, value, &mut extra, &key) {
                    gradient.colors = colors;
                }
            }
            "minValue" => {
                r.set_number(&path, value, &mut extra, &key, &mut gradient.min_value);
            }
            "maxValue" => {
                r.set_number(&path, value, &mut extra, &key, &mut gradient.max_value);
            }
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    gradient.extra = extra;
    gradient
}

fn read_legend_item(r: &mut Reader, item: Value, at: &str) -> Option<LegendItem> {
    let map = r.object(item, at, "a legend item")?;
    let mut legend = LegendItem {
        label: String::new(),
        color: String::new(),
        extra: Map::new(),
    };
    let mut extra = Map::new();
    for (key, value) in map {
        let path = format!("{at}.{key}");
        match key.as_str() {
            "label" => legend.label = r.string(&path, value, &mut extra, &key).unwrap_or_default(),
            "color" => legend.color = r.string(&path, value, &mut extra, &key).unwrap_or_default(),
            _ => {
                r.unknown_key(&path, &key);
                extra.insert(key, value);
            }
        }
    }
    legend.extra = extra;
    Some(legend)
}

/// Reads a `metadata` list; `None` when it is not an array (then kept in
/// `extra`).
fn read_metadata(
    r: &mut Reader,
    value: Value,
    at: &str,
    extra: &mut Map<String, Value>,
) -> Option<Vec<MetadataItem>> {
    read_items(r, value, at, extra, ("name", "value"), |pair| match pair {
        Some((name, value)) => MetadataItem::Entry { name, value },
        None => MetadataItem::Divider,
    })
}

/// Reads a `links` list; `None` when it is not an array.
fn read_links(
    r: &mut Reader,
    value: Value,
    at: &str,
    extra: &mut Map<String, Value>,
) -> Option<Vec<LinkItem>> {
    read_items(r, value, at, extra, ("label", "url"), |pair| match pair {
        Some((label, url)) => LinkItem::Link { label, url },
        None => LinkItem::Divider,
    })
}

/// Metadata and links share a shape: `{first, second}` pairs of strings or
/// `{"divider": true}`.
fn read_items<T>(
    r: &mut Reader,
    value: Value,
    at: &str,
    extra: &mut Map<String, Value>,
    (first, second): (&str, &str),
    make: fn(Option<(String, String)>) -> T,
) -> Option<Vec<T>> {
    let key = at.rsplit('.').next().unwrap_or(at).to_owned();
    let Value::Array(items) = value else {
        r.wrong_type(at, "an array", &value);
        extra.insert(key, value);
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("{at}[{i}]");
        let Value::Object(map) = item else {
            r.findings.push(Finding::new(
                Level::Error,
                "wrong-type",
                &path,
                format!("expected an object, found {}; dropped", describe(&item)),
            ));
            continue;
        };
        if map.contains_key("divider") {
            let others: Vec<&str> = map
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "divider")
                .collect();
            if !others.is_empty() {
                r.findings.push(Finding::new(
                    Level::Warning,
                    "divider-fields",
                    &path,
                    format!(
                        "a divider carries no other fields; {} dropped",
                        others.join(", ")
                    ),
                ));
            }
            out.push(make(None));
            continue;
        }
        let a = map.get(first).and_then(Value::as_str);
        let b = map.get(second).and_then(Value::as_str);
        match (a, b) {
            (Some(a), Some(b)) => {
                let others: Vec<&str> = map
                    .keys()
                    .map(String::as_str)
                    .filter(|k| *k != first && *k != second)
                    .collect();
                if !others.is_empty() {
                    r.findings.push(Finding::new(
                        Level::Warning,
                        "unknown-field",
                        &path,
                        format!(
                            "{} not part of a {first}/{second} item; dropped",
                            others.join(", ")
                        ),
                    ));
                }
                out.push(make(Some((a.to_owned(), b.to_owned()))));
            }
            _ => r.findings.push(
                Finding::new(
                    Level::Error,
                    "missing-field",
                    &path,
                    format!(
                        "an item needs string `{first}` and `{second}` (or `divider`); dropped"
                    ),
                )
                .suggest(format!("give it \"{first}\" and \"{second}\"")),
            ),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_are_found_outside_strings() {
        let (text, removed) = strip_trailing_commas("{\"a\": [1, 2,],\n \"b\": \",]\",\n}");
        assert_eq!(
            text,
            "{\"a\": [1, 2], \"b\": \",]\"\n}".replace(" \"b\"", "\n \"b\"")
        );
        assert_eq!(removed, vec![(1, 12), (2, 11)]);
    }

    #[test]
    fn format_versions_parse() {
        assert_eq!(parse_format("4.5"), Some((4, 5)));
        assert_eq!(parse_format("3"), Some((3, 0)));
        assert_eq!(parse_format("x"), None);
        assert!(format_before("2.2", 4, 5));
        assert!(!format_before("4.5", 4, 5));
    }
}
