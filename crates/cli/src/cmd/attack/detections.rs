//! `ttpmap attack detections --technique T`: how a technique is detected.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{Analytic, DataComponent, KnowledgeBase, Object, Scope, Technique};

use super::{id, say_if_empty, scope};
use crate::args::{DetectionsArgs, Format};
use crate::cmd::render::{self, Csv};

/// The `--format json` document.
#[derive(Debug, Serialize)]
struct Detections<'kb> {
    technique: Object<'kb>,
    /// Detection strategies that detect it (ATT&CK 18 and later).
    detection_strategies: Vec<Strategy<'kb>>,
    /// Data components that help detect it: through the strategies'
    /// analytics, and through `detects` relationships (releases before 18).
    data_components: Vec<Component<'kb>>,
}

#[derive(Debug, Serialize)]
struct Strategy<'kb> {
    #[serde(flatten)]
    object: Object<'kb>,
    analytics: Vec<AnalyticDetails<'kb>>,
}

#[derive(Debug, Serialize)]
struct AnalyticDetails<'kb> {
    #[serde(flatten)]
    object: Object<'kb>,
    platforms: Vec<&'kb str>,
    log_sources: Vec<LogSource<'kb>>,
    mutable_elements: Vec<MutableElement<'kb>>,
}

/// A log source an analytic reads: the data component and where its events are.
#[derive(Debug, Serialize)]
struct LogSource<'kb> {
    /// The data component, when it is loaded.
    data_component: Option<Object<'kb>>,
    name: &'kb str,
    channel: &'kb str,
}

/// A field of an analytic that can be tuned to the environment.
#[derive(Debug, Serialize)]
struct MutableElement<'kb> {
    field: &'kb str,
    description: &'kb str,
}

#[derive(Debug, Serialize)]
struct Component<'kb> {
    #[serde(flatten)]
    object: Object<'kb>,
    /// Its data source, when there is one.
    data_source: Option<Object<'kb>>,
}

/// Gather and print.
pub(super) fn run(
    args: &DetectionsArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let technique = kb.technique(&args.technique)?;
    let detections = gather(kb, technique, scope(args.include_revoked));
    say_if_empty(
        detections.detection_strategies.is_empty() && detections.data_components.is_empty(),
        format,
        "detections",
    );
    match format {
        Format::Human => write_human(&detections, out)?,
        Format::Json | Format::Jsonl => render::write_json(out, format, &detections)?,
        Format::Csv => write_csv(&detections, out)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn gather<'kb>(kb: &'kb KnowledgeBase, technique: Technique<'kb>, scope: Scope) -> Detections<'kb> {
    let detection_strategies = (kb.detection_strategies_of(technique, scope).iter())
        .map(|strategy| Strategy {
            object: strategy.object,
            analytics: (kb.analytics_of(strategy.object, scope).iter())
                .filter_map(|r| Analytic::try_from_object(r.object))
                .map(|analytic| analytic_details(kb, analytic))
                .collect(),
        })
        .collect();
    let data_components = (kb.data_components_of(technique, scope).iter())
        .filter_map(|r| DataComponent::try_from_object(r.object))
        .map(|component| Component {
            object: *component,
            data_source: kb.data_source_of(component).map(Into::into),
        })
        .collect();
    Detections {
        technique: *technique,
        detection_strategies,
        data_components,
    }
}

fn analytic_details<'kb>(kb: &'kb KnowledgeBase, analytic: Analytic<'kb>) -> AnalyticDetails<'kb> {
    AnalyticDetails {
        object: *analytic,
        platforms: analytic.platforms(),
        log_sources: (analytic.log_source_references().into_iter())
            .map(|(component, name, channel)| LogSource {
                data_component: kb.by_stix_str(component),
                name,
                channel,
            })
            .collect(),
        mutable_elements: (analytic.mutable_elements().into_iter())
            .map(|(field, description)| MutableElement { field, description })
            .collect(),
    }
}

/// `ID name` of an optional object, or `-`.
fn label(object: Option<Object<'_>>) -> String {
    object.map_or_else(|| "-".to_owned(), Object::label)
}

fn write_human(d: &Detections<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "{}", d.technique.label())?;
    if !d.detection_strategies.is_empty() {
        writeln!(out, "detection strategies:")?;
    }
    for strategy in &d.detection_strategies {
        writeln!(out, "  {}", strategy.object.label())?;
        for analytic in &strategy.analytics {
            let platforms = analytic.platforms.join(", ");
            writeln!(
                out,
                "    analytic {} ({platforms})",
                analytic.object.label()
            )?;
            for source in &analytic.log_sources {
                writeln!(
                    out,
                    "      log source: {}: {} {}",
                    label(source.data_component),
                    source.name,
                    source.channel
                )?;
            }
            for element in &analytic.mutable_elements {
                writeln!(
                    out,
                    "      tunable: {}: {}",
                    element.field, element.description
                )?;
            }
        }
    }
    if !d.data_components.is_empty() {
        writeln!(out, "data components:")?;
    }
    for component in &d.data_components {
        match component.data_source {
            Some(source) => writeln!(
                out,
                "  {} (data source {})",
                component.object.label(),
                source.label()
            )?,
            None => writeln!(out, "  {}", component.object.label())?,
        }
    }
    Ok(())
}

/// One row per log source of each analytic of each strategy (a strategy
/// or analytic without any still gets a row), then one per data component
/// no analytic names.
fn write_csv(d: &Detections<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let header = [
        "detection_strategy_id",
        "detection_strategy",
        "analytic_id",
        "analytic",
        "platforms",
        "data_component_id",
        "data_component",
        "data_source",
        "log_source",
        "channel",
    ];
    let mut csv = Csv::new(out, &header)?;
    let source_of = |component: Option<Object<'_>>| -> String {
        let source = component.and_then(|c| {
            d.data_components
                .iter()
                .find(|k| k.object == c)
                .and_then(|k| k.data_source)
        });
        source.map(|s| s.name().to_owned()).unwrap_or_default()
    };
    let mut named = Vec::new();
    for strategy in &d.detection_strategies {
        let s = strategy.object;
        if strategy.analytics.is_empty() {
            csv.record([id(s), s.name(), "", "", "", "", "", "", "", ""])?;
        }
        for analytic in &strategy.analytics {
            let a = analytic.object;
            let platforms = analytic.platforms.join(", ");
            if analytic.log_sources.is_empty() {
                let empty = ["", "", "", "", ""];
                csv.record(
                    [id(s), s.name(), id(a), a.name(), &platforms]
                        .into_iter()
                        .chain(empty),
                )?;
            }
            for source in &analytic.log_sources {
                let component = source.data_component;
                named.extend(component);
                csv.record([
                    id(s),
                    s.name(),
                    id(a),
                    a.name(),
                    &platforms,
                    component.map_or("", id),
                    component.map_or("", Object::name),
                    &source_of(component),
                    source.name,
                    source.channel,
                ])?;
            }
        }
    }
    for component in d
        .data_components
        .iter()
        .filter(|c| !named.contains(&c.object))
    {
        let c = component.object;
        let source = component.data_source.map_or("", Object::name);
        csv.record(["", "", "", "", "", id(c), c.name(), source, "", ""])?;
    }
    Ok(())
}
