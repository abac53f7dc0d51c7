//! Log-source routing: which Sigma log sources an event belongs to, and field names mapped to Sigma's.
//!
//! Sigma rules name their log source abstractly (`product: windows,
//! category: process_creation`); events come from concrete sources (the
//! Sysmon channel, event id 1). A [`Router`] decides, from tables of data
//! rather than code, which [`LogSource`]s an [`Event`] belongs to, and copies
//! vendor fields to the names Sigma's rules use (`NewProcessName` of a
//! Security 4688 event to `Image`).
//!
//! The tables are YAML, embedded from `crates/mapper/data/routing/`
//! (`windows.yml`, `linux.yml`, `generic.yml`) and extendable with the
//! user's own ([`Router::load_extra`], [`Router::add_table`]); an entry of a
//! later table replaces the entry of the same id. The format is described in
//! that folder's `README.md`. In short:
//!
//! - `services`: Sigma's Windows services and their event log channels. An
//!   event of a listed channel belongs to `{product: windows, service: …}`.
//! - `routes`: conditions on the event's fields (`Channel`, `EventID`,
//!   `Provider_Name`, any other) → log sources, and the field mappings to
//!   apply.
//! - `fieldmaps`: named field mappings, Sigma's name → the vendor's.
//!
//! An event's log sources are kept minimal and sorted: one that another of
//! them includes (`{windows, service: sysmon}` beside
//! `{windows, process_creation, sysmon}`) is dropped, since every rule that
//! covers the smaller covers the larger. Events no route matches keep their
//! log sources as they were (empty: unrouted).
//!
//! # Example
//!
//! ```
//! use ttpmap_mapper::route::Router;
//! use ttpmap_mapper::{Event, LogSource};
//!
//! let router = Router::shared();
//! let mut event = Event::from_json(serde_json::json!({
//!     "Channel": "Security",
//!     "EventID": 4688,
//!     "NewProcessName": "C:\\Windows\\System32\\cmd.exe",
//!     "CommandLine": "cmd.exe /c whoami",
//! }));
//! assert!(router.route(&mut event));
//! assert_eq!(
//!     event.logsources,
//!     [LogSource::new(Some("windows"), Some("process_creation"), Some("security"))]
//! );
//! // The Sigma name is added beside the vendor's.
//! assert_eq!(event.text("Image").as_deref(), Some("C:\\Windows\\System32\\cmd.exe"));
//! assert!(event.get("NewProcessName").is_some());
//!
//! let rule = LogSource::new(Some("windows"), Some("process_creation"), None);
//! assert!(event.logsources.iter().any(|source| rule.covers(source)));
//! ```

mod table;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::Value;

use crate::event::{Event, LogSource};
use table::{
    Condition, FieldMap, FieldsRef, LogSourceDef, Part, Piece, RouteDef, ServiceDef, Source, Table,
    Test,
};

/// The tables compiled into the crate, in the order they are applied.
const EMBEDDED: [(&str, &str); 3] = [
    (
        "embedded:windows.yml",
        include_str!("../../data/routing/windows.yml"),
    ),
    (
        "embedded:linux.yml",
        include_str!("../../data/routing/linux.yml"),
    ),
    (
        "embedded:generic.yml",
        include_str!("../../data/routing/generic.yml"),
    ),
];

/// A routing table that cannot be read or is malformed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// The table's file cannot be read.
    #[error("cannot read routing table {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The table is not valid YAML or not a valid table.
    #[error("routing table {table}: {entry}: {message}")]
    Invalid {
        /// The table: its path, `embedded:<file>`, or `table <n>`.
        table: String,
        /// The entry at fault (`routes[3] (id sysmon-5)`, `services[2] (service sysmon)`,
        /// `fieldmaps.<name>.<field>`, `YAML syntax`).
        entry: String,
        /// What is wrong.
        message: String,
    },
}

/// A Sigma service and the Windows event log channels it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    /// The product (`windows`, `linux`).
    pub product: String,
    /// Sigma's service name (`security`, `sysmon`, `powershell`).
    pub service: String,
    /// The channels, as the event log writes them.
    pub channels: Vec<String>,
}

/// How many events were routed, and the sources of those that were not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RouteStats {
    /// Events seen.
    pub events: u64,
    /// Events some route matched.
    pub routed: u64,
    /// Events no route matched.
    pub unrouted: u64,
    /// Unrouted events by source: `Channel EventID`, `Provider_Name
    /// EventID`, or `(no Channel or Provider_Name)`.
    pub unrouted_sources: BTreeMap<String, u64>,
}

impl RouteStats {
    /// Count one event, `routed` or not.
    pub fn record(&mut self, event: &Event, routed: bool) {
        self.events += 1;
        if routed {
            self.routed += 1;
            return;
        }
        self.unrouted += 1;
        let source = event
            .text("channel")
            .or_else(|| event.text("provider_name"))
            .map_or_else(
                || "(no Channel or Provider_Name)".to_owned(),
                |source| match event.text("eventid") {
                    Some(id) => format!("{source} {id}"),
                    None => source.into_owned(),
                },
            );
        *self.unrouted_sources.entry(source).or_insert(0) += 1;
    }
}

impl fmt::Display for RouteStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} events: {} routed, {} unrouted",
            self.events, self.routed, self.unrouted
        )
    }
}

/// Routes events to Sigma log sources and maps their fields to Sigma's names.
///
/// Cheap to share (`Send + Sync`); [`Router::shared`] is the embedded tables'
/// router, built once.
#[derive(Debug, Clone)]
pub struct Router {
    tables: Vec<Arc<Table>>,
    compiled: Compiled,
}

impl Default for Router {
    /// The router of the embedded tables (a clone of [`Router::shared`]).
    fn default() -> Router {
        Router::shared().clone()
    }
}

impl Router {
    /// The router of the embedded tables, built on first use.
    ///
    /// # Panics
    ///
    /// Never in practice: the embedded tables are part of the crate and a
    /// test checks that they compile.
    pub fn shared() -> &'static Router {
        static SHARED: OnceLock<Router> = OnceLock::new();
        SHARED.get_or_init(|| {
            Router::from_named(&EMBEDDED).expect("the embedded routing tables are valid")
        })
    }

    /// A router without tables: it routes nothing.
    pub fn empty() -> Router {
        Router {
            tables: Vec::new(),
            compiled: Compiled::default(),
        }
    }

    /// A router of these tables only (not the embedded ones), applied in
    /// order; errors name them `table 1`, `table 2`, ….
    pub fn from_tables<S: AsRef<str>>(tables: &[S]) -> Result<Router, RouteError> {
        let named: Vec<(String, &str)> = tables
            .iter()
            .enumerate()
            .map(|(i, text)| (format!("table {}", i + 1), text.as_ref()))
            .collect();
        let named: Vec<(&str, &str)> = named.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        Router::from_named(&named)
    }

    /// A router of `(name, text)` tables, applied in order.
    fn from_named(tables: &[(&str, &str)]) -> Result<Router, RouteError> {
        let tables = tables
            .iter()
            .map(|(name, text)| Table::parse(name, text).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let compiled = Compiled::build(&tables)?;
        Ok(Router { tables, compiled })
    }

    /// Add a table after those already loaded: its services, field maps and
    /// routes replace those of the same key (service and product, name, id)
    /// and add the others. `name` is how errors name it. On error the
    /// router is unchanged.
    ///
    /// ```
    /// use ttpmap_mapper::route::Router;
    /// use ttpmap_mapper::{Event, LogSource};
    ///
    /// let mut router = Router::default();
    /// router.add_table("acme.yml", r"
    /// services:
    ///   - service: acme-edr
    ///     channels: [ACME-EDR/Operational]
    /// routes:
    ///   - id: acme-exec
    ///     when: {Channel: ACME-EDR/Operational, EventID: 1}
    ///     logsources: [{product: windows, category: process_creation, service: acme-edr}]
    ///     fields: {Image: proc_path}
    /// ")?;
    /// let mut event = Event::from_json(serde_json::json!({
    ///     "Channel": "ACME-EDR/Operational", "EventID": 1, "proc_path": "C:\\x.exe",
    /// }));
    /// assert!(router.route(&mut event));
    /// assert_eq!(event.text("Image").as_deref(), Some("C:\\x.exe"));
    ///
    /// // A malformed table names itself and the entry at fault.
    /// let error = router.add_table("bad.yml", "routes:\n  - id: x\n    when: {EventID: one}\n");
    /// assert!(error.unwrap_err().to_string().starts_with("routing table bad.yml: routes[0] (id x)"));
    /// # Ok::<(), ttpmap_mapper::route::RouteError>(())
    /// ```
    pub fn add_table(&mut self, name: &str, text: &str) -> Result<(), RouteError> {
        let table = Arc::new(Table::parse(name, text)?);
        let mut tables = self.tables.clone();
        tables.push(table);
        self.compiled = Compiled::build(&tables)?;
        self.tables = tables;
        Ok(())
    }

    /// Add the table in file `path` (see [`Router::add_table`]).
    pub fn load_extra(&mut self, path: impl AsRef<Path>) -> Result<(), RouteError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| RouteError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_table(&path.display().to_string(), &text)
    }

    /// The services known, in table order.
    pub fn services(&self) -> &[Service] {
        &self.compiled.services
    }

    /// The channels of Sigma service `service` of product `product`.
    pub fn channels(&self, product: &str, service: &str) -> Option<&[String]> {
        self.compiled
            .services
            .iter()
            .find(|s| {
                s.product.eq_ignore_ascii_case(product) && s.service.eq_ignore_ascii_case(service)
            })
            .map(|s| s.channels.as_slice())
    }

    /// The ids of the routes, in the order they are tried.
    pub fn route_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.compiled
            .routes
            .iter()
            .filter(|r| !r.implicit)
            .map(|r| r.id.as_str())
    }

    /// Route `event`: add the log sources of every route it matches to
    /// `event.logsources` (kept minimal and sorted) and apply their field
    /// mappings (a Sigma field is added when the event lacks it; the vendor
    /// field stays). Returns whether any route matched; when none did, the
    /// event is left as it was.
    ///
    /// Routes keyed by `Channel` or `Provider_Name` are looked up by hash;
    /// the others (self-described and ECS events) are tried only for events
    /// that no keyed route matched.
    pub fn route(&self, event: &mut Event) -> bool {
        self.compiled.route(event)
    }

    /// Route every event of `events` and count them.
    ///
    /// ```
    /// use ttpmap_mapper::route::Router;
    /// use ttpmap_mapper::Event;
    ///
    /// let mut events = vec![
    ///     Event::from_json(serde_json::json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 3})),
    ///     Event::from_json(serde_json::json!({"Channel": "Vendor/Log", "EventID": 9})),
    /// ];
    /// let stats = Router::shared().route_all(&mut events);
    /// assert_eq!((stats.routed, stats.unrouted), (1, 1));
    /// assert_eq!(stats.unrouted_sources.get("Vendor/Log 9"), Some(&1));
    /// assert_eq!(events[0].logsources[0].to_string(), "product:windows category:network_connection service:sysmon");
    /// ```
    pub fn route_all(&self, events: &mut [Event]) -> RouteStats {
        let mut stats = RouteStats::default();
        for event in events {
            let routed = self.route(event);
            stats.record(event, routed);
        }
        stats
    }
}

/// A route ready to evaluate.
#[derive(Debug)]
struct Route {
    id: String,
    /// Made from a `services` entry rather than written.
    implicit: bool,
    /// Conditions the index does not already guarantee.
    residual: Vec<Condition>,
    /// A field the residual conditions need present (checked first, and
    /// once per event for the routes that share it).
    gate: Option<String>,
    logsources: Vec<LogSourceDef>,
    fields: Vec<Arc<FieldMap>>,
}

impl Route {
    /// Whether its outcome is the same for every event the index gives it.
    fn is_static(&self) -> bool {
        self.residual.is_empty() && !self.logsources.iter().any(LogSourceDef::is_dynamic)
    }
}

/// What a set of routes does to an event.
#[derive(Debug, Clone, Default)]
struct Outcome {
    logsources: Vec<LogSource>,
    fields: Vec<Arc<FieldMap>>,
}

/// The routes an index key gives, with their outcome when it is fixed.
#[derive(Debug, Clone, Default)]
struct Plan {
    routes: Vec<usize>,
    fixed: Option<Outcome>,
}

/// The plans of one channel or provider.
#[derive(Debug, Clone, Default)]
struct Keyed {
    by_event_id: HashMap<u32, Plan>,
    any: Plan,
}

impl Keyed {
    fn plan(&self, event_id: Option<u32>) -> &Plan {
        event_id
            .and_then(|id| self.by_event_id.get(&id))
            .unwrap_or(&self.any)
    }
}

/// Names (exact and lower-cased) → slot.
#[derive(Debug, Clone, Default)]
struct Names {
    exact: HashMap<String, usize>,
    lower: HashMap<String, usize>,
}

impl Names {
    fn slot(&mut self, name: &str, next: usize) -> usize {
        let lower = name.to_ascii_lowercase();
        let at = *self.lower.entry(lower).or_insert(next);
        self.exact.entry(name.to_owned()).or_insert(at);
        at
    }

    fn find(&self, name: &str) -> Option<usize> {
        if let Some(&at) = self.exact.get(name) {
            return Some(at);
        }
        // Lower-case on the stack: no allocation for the usual short names.
        let mut buffer = [0_u8; 128];
        match buffer.get_mut(..name.len()) {
            Some(slot) => {
                slot.copy_from_slice(name.as_bytes());
                slot.make_ascii_lowercase();
                let lower = std::str::from_utf8(slot).ok()?;
                self.lower.get(lower).copied()
            }
            None => self.lower.get(&name.to_ascii_lowercase()).copied(),
        }
    }
}

/// The merged tables, indexed.
#[derive(Debug, Clone, Default)]
struct Compiled {
    services: Vec<Service>,
    routes: Arc<Vec<Route>>,
    channels: Names,
    channel_plans: Vec<Keyed>,
    providers: Names,
    provider_plans: Vec<Keyed>,
    /// Provider → the channel slot its events belong to (for events without a Channel).
    provider_channel: Names,
    generic: Vec<usize>,
}

/// The index key a route's conditions give.
#[derive(Default)]
struct Key {
    channels: Vec<String>,
    providers: Vec<String>,
    event_ids: Vec<u32>,
}

impl Compiled {
    fn build(tables: &[Arc<Table>]) -> Result<Compiled, RouteError> {
        // Merge: later entries replace earlier ones of the same key, in place.
        let mut services: Vec<(&Table, &ServiceDef)> = Vec::new();
        let mut fieldmaps: HashMap<&str, Arc<FieldMap>> = HashMap::new();
        let mut routes: Vec<(&Table, &RouteDef)> = Vec::new();
        for table in tables {
            for service in &table.services {
                let key = |s: &ServiceDef| (s.product.clone(), s.service.clone());
                match services.iter_mut().find(|(_, s)| key(s) == key(service)) {
                    Some(slot) => *slot = (table, service),
                    None => services.push((table, service)),
                }
            }
            for map in &table.fieldmaps {
                fieldmaps.insert(&map.name, Arc::clone(&map.map));
            }
            for route in &table.routes {
                match routes.iter_mut().find(|(_, r)| r.id == route.id) {
                    Some(slot) => *slot = (table, route),
                    None => routes.push((table, route)),
                }
            }
        }
        services.retain(|(_, s)| !s.disabled);
        routes.retain(|(_, r)| !r.disabled);

        let mut compiled = Compiled::default();
        let mut list = Vec::new();
        let mut keys = Vec::new();
        for (_, service) in &services {
            compiled.services.push(Service {
                product: service.product.clone(),
                service: service.service.clone(),
                channels: service.channels.clone(),
            });
            for (provider, channel) in &service.providers {
                let slot = compiled
                    .channels
                    .slot(channel, compiled.channel_plans.len());
                if slot == compiled.channel_plans.len() {
                    compiled.channel_plans.push(Keyed::default());
                }
                let lower = provider.to_ascii_lowercase();
                compiled.provider_channel.lower.insert(lower, slot);
                compiled
                    .provider_channel
                    .exact
                    .insert(provider.clone(), slot);
            }
            list.push(Route {
                id: format!("service:{}/{}", service.product, service.service),
                implicit: true,
                residual: Vec::new(),
                gate: None,
                logsources: vec![LogSourceDef {
                    product: Part::Fixed(service.product.clone()),
                    category: Part::Absent,
                    service: Part::Fixed(service.service.clone()),
                }],
                fields: Vec::new(),
            });
            keys.push(Key {
                channels: service.channels.clone(),
                ..Key::default()
            });
        }
        for (table, route) in &routes {
            let mut fields = Vec::new();
            for reference in &route.fields {
                match reference {
                    FieldsRef::Inline(map) => fields.push(Arc::clone(map)),
                    FieldsRef::Named(name) => match fieldmaps.get(name.as_str()) {
                        Some(map) => fields.push(Arc::clone(map)),
                        None => {
                            return Err(RouteError::Invalid {
                                table: table.name.to_string(),
                                entry: route.entry.clone(),
                                message: format!("no field map named `{name}`"),
                            })
                        }
                    },
                }
            }
            let (key, residual) = split_key(&route.when);
            let gate = residual
                .iter()
                .find(|c| matches!(c.test, Test::OneOf(_) | Test::Exists(true)))
                .map(|c| c.field.clone());
            list.push(Route {
                id: route.id.clone(),
                implicit: false,
                residual,
                gate,
                logsources: route.logsources.clone(),
                fields,
            });
            keys.push(key);
        }

        // Index: each route under every channel / provider (and event id) it names.
        let mut channel_routes: Vec<(usize, Option<u32>, usize)> = Vec::new();
        let mut provider_routes: Vec<(usize, Option<u32>, usize)> = Vec::new();
        for (at, key) in keys.iter().enumerate() {
            let ids: Vec<Option<u32>> = if key.event_ids.is_empty() {
                vec![None]
            } else {
                key.event_ids.iter().copied().map(Some).collect()
            };
            if !key.channels.is_empty() {
                for channel in &key.channels {
                    let slot = compiled
                        .channels
                        .slot(channel, compiled.channel_plans.len());
                    if slot == compiled.channel_plans.len() {
                        compiled.channel_plans.push(Keyed::default());
                    }
                    channel_routes.extend(ids.iter().map(|&id| (slot, id, at)));
                }
            } else if !key.providers.is_empty() {
                for provider in &key.providers {
                    let slot = compiled
                        .providers
                        .slot(provider, compiled.provider_plans.len());
                    if slot == compiled.provider_plans.len() {
                        compiled.provider_plans.push(Keyed::default());
                    }
                    provider_routes.extend(ids.iter().map(|&id| (slot, id, at)));
                }
            } else {
                compiled.generic.push(at);
            }
        }
        fill(&mut compiled.channel_plans, &channel_routes, &list);
        fill(&mut compiled.provider_plans, &provider_routes, &list);
        compiled.routes = Arc::new(list);
        Ok(compiled)
    }

    fn route(&self, event: &mut Event) -> bool {
        let event_id = event_id(event);
        let provider = match event.get("provider_name") {
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let channel_slot = match event.get("channel") {
            Some(Value::String(channel)) => self.channels.find(channel),
            Some(_) => None,
            None => provider.and_then(|p| self.provider_channel.find(p)),
        };
        let provider_slot = match provider {
            Some(p) if !self.provider_plans.is_empty() => self.providers.find(p),
            _ => None,
        };
        let plans = [
            channel_slot
                .and_then(|at| self.channel_plans.get(at))
                .map(|keyed| keyed.plan(event_id)),
            provider_slot
                .and_then(|at| self.provider_plans.get(at))
                .map(|keyed| keyed.plan(event_id)),
        ];
        let mut plans = plans.into_iter().flatten().filter(|p| !p.routes.is_empty());
        let (first, second) = (plans.next(), plans.next());
        // The common case: one plan whose outcome is fixed.
        if let (
            Some(Plan {
                fixed: Some(outcome),
                ..
            }),
            None,
        ) = (first, second)
        {
            if event.logsources.is_empty() {
                event.logsources.clone_from(&outcome.logsources);
            } else {
                event.logsources.extend(outcome.logsources.iter().cloned());
                normalize(&mut event.logsources);
            }
            apply_fields(event, &outcome.fields);
            return true;
        }
        let mut outcome = Outcome::default();
        for plan in [first, second].into_iter().flatten() {
            match &plan.fixed {
                Some(fixed) => {
                    outcome.logsources.extend(fixed.logsources.iter().cloned());
                    push_fields(&mut outcome.fields, &fixed.fields);
                }
                None => self.evaluate(&plan.routes, event, &mut outcome),
            }
        }
        if outcome.logsources.is_empty() {
            self.evaluate(&self.generic, event, &mut outcome);
        }
        if outcome.logsources.is_empty() {
            return false;
        }
        event.logsources.append(&mut outcome.logsources);
        normalize(&mut event.logsources);
        apply_fields(event, &outcome.fields);
        true
    }

    /// Add the outcome of each of `routes` whose conditions `event` meets.
    fn evaluate(&self, routes: &[usize], event: &Event, outcome: &mut Outcome) {
        // Gate fields found absent: the routes that need them are skipped
        // without looking again.
        let mut absent: Vec<&str> = Vec::new();
        for route in routes.iter().filter_map(|&at| self.routes.get(at)) {
            if let Some(gate) = route.gate.as_deref() {
                if absent.contains(&gate) {
                    continue;
                }
                if event.get(gate).is_none_or(Value::is_null) {
                    absent.push(gate);
                    continue;
                }
            }
            if !route.residual.iter().all(|c| holds(c, event)) {
                continue;
            }
            let before = outcome.logsources.len();
            outcome.logsources.extend(
                route
                    .logsources
                    .iter()
                    .filter_map(|def| resolve(def, Some(event))),
            );
            if outcome.logsources.len() > before {
                push_fields(&mut outcome.fields, &route.fields);
            }
        }
    }
}

/// Put each `(slot, event id, route)` into its plans; an event-id plan also
/// holds the routes of its channel that name no event id.
fn fill(plans: &mut [Keyed], entries: &[(usize, Option<u32>, usize)], routes: &[Route]) {
    for &(slot, id, at) in entries {
        let Some(keyed) = plans.get_mut(slot) else {
            continue;
        };
        match id {
            Some(id) => keyed.by_event_id.entry(id).or_default().routes.push(at),
            None => keyed.any.routes.push(at),
        }
    }
    for keyed in plans.iter_mut() {
        let any = keyed.any.routes.clone();
        for plan in keyed.by_event_id.values_mut() {
            plan.routes.extend(any.iter().copied());
            plan.routes.sort_unstable();
            plan.routes.dedup();
        }
        keyed.any.routes.sort_unstable();
        keyed.any.routes.dedup();
        for plan in keyed
            .by_event_id
            .values_mut()
            .chain(std::iter::once(&mut keyed.any))
        {
            plan.fixed = fixed_outcome(&plan.routes, routes);
        }
    }
}

/// The outcome of `at`, when every one of them is static.
fn fixed_outcome(at: &[usize], routes: &[Route]) -> Option<Outcome> {
    let mut outcome = Outcome::default();
    for route in at.iter().map(|&i| routes.get(i)) {
        let route = route?;
        if !route.is_static() {
            return None;
        }
        outcome
            .logsources
            .extend(route.logsources.iter().filter_map(|def| resolve(def, None)));
        push_fields(&mut outcome.fields, &route.fields);
    }
    normalize(&mut outcome.logsources);
    Some(outcome)
}

/// Split a route's conditions into its index key and the rest.
fn split_key(when: &[Condition]) -> (Key, Vec<Condition>) {
    let mut key = Key::default();
    let mut residual = Vec::new();
    for condition in when {
        match (condition.field.as_str(), &condition.test) {
            ("channel", Test::OneOf(values)) => key.channels.clone_from(values),
            ("provider_name", Test::OneOf(values)) => key.providers.clone_from(values),
            ("eventid", Test::OneOf(values)) => {
                key.event_ids = values
                    .iter()
                    .filter_map(|v| v.trim().parse().ok())
                    .collect();
            }
            _ => residual.push(condition.clone()),
        }
    }
    // Event ids are a key only beside a channel or provider.
    if key.channels.is_empty() && key.providers.is_empty() {
        residual.extend(
            when.iter()
                .filter(|c| c.field == "eventid" && matches!(c.test, Test::OneOf(_)))
                .cloned(),
        );
        key.event_ids.clear();
    }
    // A route keyed by channel that also names a provider checks the provider.
    if !key.channels.is_empty() && !key.providers.is_empty() {
        residual.push(Condition {
            field: "provider_name".to_owned(),
            test: Test::OneOf(std::mem::take(&mut key.providers)),
        });
    }
    (key, residual)
}

/// The event id of `event`: a whole number, or text holding one.
fn event_id(event: &Event) -> Option<u32> {
    match event.get("eventid")? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whether `event` meets `condition`.
fn holds(condition: &Condition, event: &Event) -> bool {
    let value = event.get(&condition.field).filter(|v| !v.is_null());
    match &condition.test {
        Test::Exists(wanted) => value.is_some() == *wanted,
        Test::OneOf(texts) => value.is_some_and(|value| match value {
            Value::Array(items) => items.iter().any(|item| equals_any(item, texts)),
            other => equals_any(other, texts),
        }),
    }
}

fn equals_any(value: &Value, texts: &[String]) -> bool {
    match value {
        Value::String(s) => texts.iter().any(|t| t.eq_ignore_ascii_case(s)),
        Value::Number(n) => {
            let n = n.to_string();
            texts.contains(&n)
        }
        Value::Bool(b) => texts.iter().any(|t| t == if *b { "true" } else { "false" }),
        _ => false,
    }
}

/// A log source definition made concrete; `None` when every part is absent.
/// Without an event, field parts are absent.
fn resolve(def: &LogSourceDef, event: Option<&Event>) -> Option<LogSource> {
    let part = |part: &Part| -> Option<String> {
        match part {
            Part::Absent => None,
            Part::Fixed(value) => Some(value.clone()),
            Part::Field(field) => event.and_then(|e| name_value(e, field)),
        }
    };
    let source = LogSource {
        product: part(&def.product),
        category: part(&def.category),
        service: part(&def.service),
    };
    (source.product.is_some() || source.category.is_some() || source.service.is_some())
        .then_some(source)
}

/// A field's value when it is a plain name (`[A-Za-z0-9_.-]+`), lower-cased.
fn name_value(event: &Event, field: &str) -> Option<String> {
    let text = event.text(field)?;
    let text = text.trim();
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    plain.then(|| text.to_ascii_lowercase())
}

fn push_fields(into: &mut Vec<Arc<FieldMap>>, maps: &[Arc<FieldMap>]) {
    for map in maps {
        if !into.iter().any(|m| Arc::ptr_eq(m, map)) {
            into.push(Arc::clone(map));
        }
    }
}

/// Sort, deduplicate, and drop each log source another one includes.
fn normalize(sources: &mut Vec<LogSource>) {
    sources.sort();
    sources.dedup();
    if sources.len() < 2 {
        return;
    }
    let within = |a: &LogSource, b: &LogSource| {
        let part = |x: &Option<String>, y: &Option<String>| x.is_none() || x == y;
        part(&a.product, &b.product)
            && part(&a.category, &b.category)
            && part(&a.service, &b.service)
    };
    let all = sources.clone();
    sources.retain(|a| !all.iter().any(|b| a != b && within(a, b)));
}

/// Apply field maps: each Sigma field the event lacks gets the value of its
/// first source that has one.
fn apply_fields(event: &mut Event, maps: &[Arc<FieldMap>]) {
    for map in maps {
        for mapping in &map.entries {
            if event.get(&mapping.to_lower).is_some() {
                continue;
            }
            let Some(value) = mapping.sources.iter().find_map(|s| source_value(s, event)) else {
                continue;
            };
            let value = translate(value, &mapping.values);
            event.insert(mapping.to.clone(), value);
        }
    }
}

fn source_value(source: &Source, event: &Event) -> Option<Value> {
    match source {
        Source::Field(field) => event.get(field).filter(|v| !v.is_null()).cloned(),
        Source::Template(pieces) => {
            let mut out = String::new();
            for piece in pieces {
                match piece {
                    Piece::Text(text) => out.push_str(text),
                    Piece::Field(field) => out.push_str(&event.text(field)?),
                }
            }
            Some(Value::String(out))
        }
    }
}

fn translate(value: Value, values: &[(String, String)]) -> Value {
    if values.is_empty() {
        return value;
    }
    let text = match &value {
        Value::String(s) => s.trim().to_ascii_lowercase(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return value,
    };
    values
        .iter()
        .find(|(from, _)| *from == text)
        .map_or(value, |(_, to)| Value::String(to.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_compile() {
        for (name, text) in EMBEDDED {
            if let Err(e) = Table::parse(name, text) {
                panic!("{e}");
            }
        }
        assert!(Router::shared().route_ids().count() > 40);
    }

    #[test]
    fn normalize_drops_included_sources() {
        let mut sources = vec![
            LogSource::new(Some("windows"), None, Some("sysmon")),
            LogSource::new(Some("windows"), Some("process_creation"), Some("sysmon")),
            LogSource::new(Some("windows"), Some("process_creation"), Some("sysmon")),
        ];
        normalize(&mut sources);
        assert_eq!(
            sources,
            [LogSource::new(
                Some("windows"),
                Some("process_creation"),
                Some("sysmon")
            )]
        );
    }

    #[test]
    fn router_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Router>();
    }
}
