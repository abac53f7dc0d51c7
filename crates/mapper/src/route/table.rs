//! Routing tables: the YAML format read into checked definitions.
//!
//! A table is one YAML document with the keys `format`, `services`,
//! `fieldmaps` and `routes` (all optional). `data/routing/README.md`
//! describes the format; this module reads it and reports every mistake with
//! the table's name and the entry it is in.

use std::sync::Arc;

use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlLoader};

use super::RouteError;

/// The one format version this reader knows.
const FORMAT: i64 = 1;

/// One routing table, read and checked on its own.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) name: Arc<str>,
    pub(crate) services: Vec<ServiceDef>,
    pub(crate) fieldmaps: Vec<FieldMapDef>,
    pub(crate) routes: Vec<RouteDef>,
}

/// A Sigma service and the channels it is.
#[derive(Debug, Clone)]
pub(crate) struct ServiceDef {
    pub(crate) product: String,
    pub(crate) service: String,
    pub(crate) channels: Vec<String>,
    /// Provider name → the channel its events belong to.
    pub(crate) providers: Vec<(String, String)>,
    pub(crate) disabled: bool,
}

/// A named field mapping.
#[derive(Debug, Clone)]
pub(crate) struct FieldMapDef {
    pub(crate) name: String,
    pub(crate) map: Arc<FieldMap>,
}

/// Sigma field names and where their values come from, in table order.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldMap {
    pub(crate) entries: Vec<Mapping>,
}

/// One Sigma field and its sources.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    /// The Sigma field name, as written.
    pub(crate) to: String,
    /// Its lower-cased form, for lookups.
    pub(crate) to_lower: String,
    /// Sources tried in order; the first that yields a value wins.
    pub(crate) sources: Vec<Source>,
    /// Value translations: lower-cased vendor value → Sigma value.
    pub(crate) values: Vec<(String, String)>,
}

/// Where a mapped value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A field (lower-cased name).
    Field(String),
    /// Text with `{field}` placeholders; every field must be present.
    Template(Vec<Piece>),
}

/// A part of a template.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    /// Literal text.
    Text(String),
    /// A field's value as text (lower-cased name).
    Field(String),
}

/// A route as written.
#[derive(Debug, Clone)]
pub(crate) struct RouteDef {
    pub(crate) id: String,
    pub(crate) when: Vec<Condition>,
    pub(crate) logsources: Vec<LogSourceDef>,
    pub(crate) fields: Vec<FieldsRef>,
    pub(crate) disabled: bool,
    pub(crate) entry: String,
}

/// A route's field mapping: by name, or written in the route.
#[derive(Debug, Clone)]
pub(crate) enum FieldsRef {
    Named(String),
    Inline(Arc<FieldMap>),
}

/// A condition on one field.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    /// The field name, lower-cased.
    pub(crate) field: String,
    pub(crate) test: Test,
}

/// What a condition asks of its field.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    /// The value (or an element of an array value) equals one of these,
    /// ignoring ASCII case. The texts are lower-cased.
    OneOf(Vec<String>),
    /// The field is present (not null), or absent.
    Exists(bool),
}

/// A log source as written: each part fixed, taken from a field, or absent.
#[derive(Debug, Clone, Default)]
pub(crate) struct LogSourceDef {
    pub(crate) product: Part,
    pub(crate) category: Part,
    pub(crate) service: Part,
}

/// One part of a log source.
#[derive(Debug, Clone, Default)]
pub(crate) enum Part {
    #[default]
    Absent,
    /// A fixed value, lower-cased.
    Fixed(String),
    /// The value of a field (lower-cased name), lower-cased.
    Field(String),
}

impl Part {
    pub(crate) fn is_dynamic(&self) -> bool {
        matches!(self, Part::Field(_))
    }
}

impl LogSourceDef {
    pub(crate) fn is_dynamic(&self) -> bool {
        self.product.is_dynamic() || self.category.is_dynamic() || self.service.is_dynamic()
    }
}

/// Where in a table a mistake is: the table and the entry.
struct At<'a> {
    table: &'a str,
    entry: String,
}

impl At<'_> {
    fn err(&self, message: impl Into<String>) -> RouteError {
        RouteError::Invalid {
            table: self.table.to_owned(),
            entry: self.entry.clone(),
            message: message.into(),
        }
    }

    fn child(&self, entry: String) -> At<'_> {
        At {
            table: self.table,
            entry,
        }
    }
}

impl Table {
    /// Read and check one table. `name` is how errors name it (a path, or
    /// `embedded:windows.yml`).
    pub(crate) fn parse(name: &str, text: &str) -> Result<Table, RouteError> {
        let top = At {
            table: name,
            entry: "document".to_owned(),
        };
        let docs = YamlLoader::load_from_str(text).map_err(|e| RouteError::Invalid {
            table: name.to_owned(),
            entry: "YAML syntax".to_owned(),
            message: e.to_string(),
        })?;
        let mut table = Table {
            name: Arc::from(name),
            services: Vec::new(),
            fieldmaps: Vec::new(),
            routes: Vec::new(),
        };
        let doc = match docs.as_slice() {
            [] => return Ok(table),
            [doc] => doc,
            _ => return Err(top.err("a routing table is one YAML document")),
        };
        let hash = match doc {
            Yaml::Hash(hash) => hash,
            Yaml::Null => return Ok(table),
            _ => return Err(top.err("the document must be a mapping")),
        };
        for (key, value) in hash {
            let key = key_str(key, &top)?;
            let at = top.child(key.to_owned());
            match key {
                "format" => match value {
                    Yaml::Integer(FORMAT) => {}
                    _ => {
                        return Err(
                            at.err(format!("unsupported format (this reader knows {FORMAT})"))
                        )
                    }
                },
                "services" => table.services = parse_services(value, &at)?,
                "fieldmaps" => table.fieldmaps = parse_fieldmaps(value, &at)?,
                "routes" => table.routes = parse_routes(value, &at)?,
                other => {
                    return Err(at.err(format!(
                        "unknown key `{other}` (expected format, services, fieldmaps, routes)"
                    )))
                }
            }
        }
        Ok(table)
    }
}

fn key_str<'y>(key: &'y Yaml, at: &At<'_>) -> Result<&'y str, RouteError> {
    match key {
        Yaml::String(s) => Ok(s),
        _ => Err(at.err("keys must be text")),
    }
}

/// A scalar as text (numbers and booleans as written).
fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text(value: &Yaml, at: &At<'_>, what: &str) -> Result<String, RouteError> {
    match scalar(value) {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(at.err(format!("`{what}` must be non-empty text"))),
    }
}

/// A scalar or a list of scalars, as texts.
fn texts(value: &Yaml, at: &At<'_>, what: &str) -> Result<Vec<String>, RouteError> {
    let list = match value {
        Yaml::Array(items) => items
            .iter()
            .map(|item| text(item, at, what))
            .collect::<Result<Vec<_>, _>>()?,
        other => vec![text(other, at, what)?],
    };
    if list.is_empty() {
        return Err(at.err(format!("`{what}` must not be empty")));
    }
    Ok(list)
}

fn flag(value: &Yaml, at: &At<'_>, what: &str) -> Result<bool, RouteError> {
    match value {
        Yaml::Boolean(b) => Ok(*b),
        _ => Err(at.err(format!("`{what}` must be true or false"))),
    }
}

fn mapping<'y>(value: &'y Yaml, at: &At<'_>, what: &str) -> Result<&'y Hash, RouteError> {
    match value {
        Yaml::Hash(hash) => Ok(hash),
        _ => Err(at.err(format!("`{what}` must be a mapping"))),
    }
}

fn list<'y>(value: &'y Yaml, at: &At<'_>, what: &str) -> Result<&'y [Yaml], RouteError> {
    match value {
        Yaml::Array(items) => Ok(items),
        Yaml::Null => Ok(&[]),
        _ => Err(at.err(format!("`{what}` must be a list"))),
    }
}

fn parse_services(value: &Yaml, at: &At<'_>) -> Result<Vec<ServiceDef>, RouteError> {
    let mut out: Vec<ServiceDef> = Vec::new();
    for (i, item) in list(value, at, "services")?.iter().enumerate() {
        let name = match item {
            Yaml::Hash(h) => h
                .get(&Yaml::String("service".to_owned()))
                .and_then(scalar)
                .map(|s| format!(" (service {s})"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let at = at.child(format!("services[{i}]{name}"));
        let hash = mapping(item, &at, "services[]")?;
        let mut product = "windows".to_owned();
        let mut service = None;
        let mut channels = Vec::new();
        let mut providers = Vec::new();
        let mut provider_yaml = None;
        let mut disabled = false;
        for (key, value) in hash {
            match key_str(key, &at)? {
                "product" => product = text(value, &at, "product")?.to_ascii_lowercase(),
                "service" => service = Some(text(value, &at, "service")?.to_ascii_lowercase()),
                "channels" => channels = texts(value, &at, "channels")?,
                "providers" => provider_yaml = Some(value),
                "disabled" => disabled = flag(value, &at, "disabled")?,
                other => {
                    return Err(at.err(format!(
                        "unknown key `{other}` (expected service, product, channels, providers, disabled)"
                    )))
                }
            }
        }
        let Some(service) = service else {
            return Err(at.err("missing `service`"));
        };
        if channels.is_empty() && !disabled {
            return Err(at.err("missing `channels`"));
        }
        if let Some(value) = provider_yaml {
            match value {
                Yaml::Hash(map) => {
                    for (provider, channel) in map {
                        let provider = text(provider, &at, "providers")?;
                        let channel = text(channel, &at, "providers")?;
                        if !channels.iter().any(|c| c.eq_ignore_ascii_case(&channel)) {
                            return Err(at.err(format!(
                                "provider `{provider}` names channel `{channel}`, which is not one of this service's channels"
                            )));
                        }
                        providers.push((provider, channel));
                    }
                }
                other => {
                    let Some(first) = channels.first() else {
                        return Err(at.err("`providers` needs `channels`"));
                    };
                    for provider in texts(other, &at, "providers")? {
                        providers.push((provider, first.clone()));
                    }
                }
            }
        }
        if out
            .iter()
            .any(|s| s.product == product && s.service == service)
        {
            return Err(at.err(format!(
                "service `{service}` of product `{product}` is defined twice in this table"
            )));
        }
        out.push(ServiceDef {
            product,
            service,
            channels,
            providers,
            disabled,
        });
    }
    Ok(out)
}

fn parse_fieldmaps(value: &Yaml, at: &At<'_>) -> Result<Vec<FieldMapDef>, RouteError> {
    let mut out = Vec::new();
    let hash = match value {
        Yaml::Null => return Ok(out),
        other => mapping(other, at, "fieldmaps")?,
    };
    for (key, value) in hash {
        let name = key_str(key, at)?.to_owned();
        let at = at.child(format!("fieldmaps.{name}"));
        let map = parse_fieldmap(value, &at)?;
        out.push(FieldMapDef {
            name,
            map: Arc::new(map),
        });
    }
    Ok(out)
}

fn parse_fieldmap(value: &Yaml, at: &At<'_>) -> Result<FieldMap, RouteError> {
    let hash = mapping(value, at, "fieldmap")?;
    let mut entries = Vec::new();
    for (key, value) in hash {
        let to = key_str(key, at)?.to_owned();
        let at = at.child(format!("{}.{to}", at.entry));
        if to.trim().is_empty() {
            return Err(at.err("a Sigma field name must not be empty"));
        }
        let (sources, values) = match value {
            Yaml::Hash(spec) => {
                let mut sources = None;
                let mut values = Vec::new();
                for (key, value) in spec {
                    match key_str(key, &at)? {
                        "from" => sources = Some(texts(value, &at, "from")?),
                        "values" => {
                            for (vendor, sigma) in mapping(value, &at, "values")? {
                                let vendor = scalar(vendor)
                                    .ok_or_else(|| at.err("`values` keys must be text"))?;
                                let sigma = scalar(sigma)
                                    .ok_or_else(|| at.err("`values` values must be text"))?;
                                values.push((vendor.to_ascii_lowercase(), sigma));
                            }
                        }
                        other => {
                            return Err(
                                at.err(format!("unknown key `{other}` (expected from, values)"))
                            )
                        }
                    }
                }
                let Some(sources) = sources else {
                    return Err(at.err("missing `from`"));
                };
                (sources, values)
            }
            other => (texts(other, &at, "source")?, Vec::new()),
        };
        let sources = sources
            .iter()
            .map(|s| source(s, &at))
            .collect::<Result<Vec<_>, _>>()?;
        entries.push(Mapping {
            to_lower: to.to_ascii_lowercase(),
            to,
            sources,
            values,
        });
    }
    Ok(FieldMap { entries })
}

/// A source: a field name, or a template when it holds `{`.
fn source(text: &str, at: &At<'_>) -> Result<Source, RouteError> {
    if !text.contains('{') && !text.contains('}') {
        return Ok(Source::Field(text.trim().to_ascii_lowercase()));
    }
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                pieces.push(Piece::Text(rest.to_owned()));
                break;
            }
            Some(open) if rest[open..].starts_with('{') => {
                if open > 0 {
                    pieces.push(Piece::Text(rest[..open].to_owned()));
                }
                let after = &rest[open + 1..];
                let Some(close) = after.find('}') else {
                    return Err(at.err(format!("template `{text}`: `{{` without `}}`")));
                };
                let field = after[..close].trim();
                if field.is_empty() || field.contains('{') {
                    return Err(at.err(format!("template `{text}`: empty or nested placeholder")));
                }
                pieces.push(Piece::Field(field.to_ascii_lowercase()));
                rest = &after[close + 1..];
            }
            Some(_) => return Err(at.err(format!("template `{text}`: `}}` without `{{`"))),
        }
    }
    Ok(Source::Template(pieces))
}

fn parse_routes(value: &Yaml, at: &At<'_>) -> Result<Vec<RouteDef>, RouteError> {
    let mut out: Vec<RouteDef> = Vec::new();
    for (i, item) in list(value, at, "routes")?.iter().enumerate() {
        let id = match item {
            Yaml::Hash(h) => h.get(&Yaml::String("id".to_owned())).and_then(scalar),
            _ => None,
        };
        let label = id.as_deref().map_or_else(
            || format!("routes[{i}]"),
            |id| format!("routes[{i}] (id {id})"),
        );
        let at = at.child(label);
        let hash = mapping(item, &at, "routes[]")?;
        let Some(id) = id.filter(|id| !id.trim().is_empty()) else {
            return Err(at.err("missing `id`"));
        };
        let mut when = None;
        let mut logsources = Vec::new();
        let mut fields = Vec::new();
        let mut disabled = false;
        for (key, value) in hash {
            match key_str(key, &at)? {
                "id" => {}
                "when" => when = Some(parse_when(value, &at)?),
                "logsources" => {
                    for item in list(value, &at, "logsources")? {
                        logsources.push(parse_logsource(item, &at)?);
                    }
                }
                "logsource" => logsources.push(parse_logsource(value, &at)?),
                "fields" => fields = parse_fields_ref(value, &at)?,
                "disabled" => disabled = flag(value, &at, "disabled")?,
                other => {
                    return Err(at.err(format!(
                        "unknown key `{other}` (expected id, when, logsources, fields, disabled)"
                    )))
                }
            }
        }
        if !disabled {
            if when.is_none() {
                return Err(at.err("missing `when` (write `when: {}` to match every event)"));
            }
            if logsources.is_empty() {
                return Err(at.err("missing `logsources`"));
            }
        }
        if out.iter().any(|r| r.id == id) {
            return Err(at.err(format!("route id `{id}` is used twice in this table")));
        }
        out.push(RouteDef {
            id,
            when: when.unwrap_or_default(),
            logsources,
            fields,
            disabled,
            entry: at.entry.clone(),
        });
    }
    Ok(out)
}

fn parse_when(value: &Yaml, at: &At<'_>) -> Result<Vec<Condition>, RouteError> {
    let hash = match value {
        Yaml::Null => return Ok(Vec::new()),
        other => mapping(other, at, "when")?,
    };
    let mut out = Vec::new();
    for (key, value) in hash {
        let field = key_str(key, at)?;
        let at = at.child(format!("{}: when.{field}", at.entry));
        let test = match value {
            Yaml::Hash(spec) => {
                let mut test = None;
                for (key, value) in spec {
                    match key_str(key, &at)? {
                        "exists" => test = Some(Test::Exists(flag(value, &at, "exists")?)),
                        other => {
                            return Err(at.err(format!("unknown test `{other}` (expected exists)")))
                        }
                    }
                }
                test.ok_or_else(|| at.err("empty test"))?
            }
            Yaml::Null => Test::Exists(false),
            other => Test::OneOf(
                texts(other, &at, field)?
                    .into_iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect(),
            ),
        };
        let field = field.to_ascii_lowercase();
        if field == "eventid" {
            if let Test::OneOf(values) = &test {
                if let Some(bad) = values.iter().find(|v| v.trim().parse::<u32>().is_err()) {
                    return Err(at.err(format!("EventID `{bad}` is not a whole number")));
                }
            }
        }
        out.push(Condition { field, test });
    }
    Ok(out)
}

fn parse_logsource(value: &Yaml, at: &At<'_>) -> Result<LogSourceDef, RouteError> {
    let hash = mapping(value, at, "logsources[]")?;
    let mut def = LogSourceDef::default();
    for (key, value) in hash {
        let key = key_str(key, at)?;
        let raw = text(value, at, key)?;
        let part = match raw.strip_prefix('$') {
            Some(field) if !field.trim().is_empty() => {
                Part::Field(field.trim().to_ascii_lowercase())
            }
            Some(_) => return Err(at.err(format!("`{key}: $` names no field"))),
            None => Part::Fixed(raw.trim().to_ascii_lowercase()),
        };
        match key {
            "product" => def.product = part,
            "category" => def.category = part,
            "service" => def.service = part,
            other => {
                return Err(at.err(format!(
                    "unknown log source part `{other}` (expected product, category, service)"
                )))
            }
        }
    }
    if matches!(
        (&def.product, &def.category, &def.service),
        (Part::Absent, Part::Absent, Part::Absent)
    ) {
        return Err(at.err("a log source needs a product, category or service"));
    }
    Ok(def)
}

fn parse_fields_ref(value: &Yaml, at: &At<'_>) -> Result<Vec<FieldsRef>, RouteError> {
    match value {
        Yaml::Hash(_) => Ok(vec![FieldsRef::Inline(Arc::new(parse_fieldmap(
            value,
            &at.child(format!("{}: fields", at.entry)),
        )?))]),
        other => Ok(texts(other, at, "fields")?
            .into_iter()
            .map(FieldsRef::Named)
            .collect()),
    }
}
