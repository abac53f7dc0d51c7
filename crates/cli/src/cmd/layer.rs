//! `ttpmap layer …`: ATT&CK Navigator layers.
//!
//! Layers are read leniently in every format version (what was upgraded
//! and what is wrong is reported, never silently dropped) and written as
//! format 4.5. Commands that need ATT&CK data load it the documented way.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use ttpmap::attack::{KnowledgeBase, Object};
use ttpmap::navigator::render::{csv, svg, xlsx};
use ttpmap::navigator::{
    actors_layer, combine, data_component_layer, merge, platform_layer, set_operation,
    upgrade_attack, CombineOptions, FormatChange, Layer, LayerFile, LayerView, Level, SetOperation,
    UpgradeReport,
};

use crate::args::{
    Format, LayerCombineArgs, LayerCommand, LayerDiffArgs, LayerGenerateArgs, LayerRenderArgs,
    LayerUpgradeArgs, LayerValidateArgs, Paper, SetOp,
};
use crate::cmd::attack::{load, matrix::pick_domain, techniques::paths};
use crate::cmd::{error_code, render, NO};

/// Run a `layer` subcommand.
pub(crate) fn run(
    command: &LayerCommand,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    match command {
        LayerCommand::Validate(args) => validate(args, attack, out, format),
        LayerCommand::Upgrade(args) => upgrade(args, attack, out, format),
        LayerCommand::Combine(args) => combine_layers(args, attack, out),
        LayerCommand::Generate(args) => generate(args, attack, out),
        LayerCommand::Render(args) => render_layer(args, attack, out),
        LayerCommand::Diff(args) => diff(args, out, format),
    }
}

fn read(path: &Path) -> anyhow::Result<LayerFile> {
    Ok(LayerFile::from_path(path)?)
}

/// Write `bytes` to `output`, or to `out` when it is `None` or `-`.
fn emit(out: &mut dyn Write, output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) if path != Path::new("-") => {
            fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        _ => Ok(out.write_all(bytes)?),
    }
}

/// What `layer validate --format json` writes for one file.
#[derive(Debug, Serialize)]
struct FileReport {
    file: PathBuf,
    /// Why the file could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// Findings about the file as a whole.
    findings: Vec<ttpmap::navigator::Finding>,
    layers: Vec<LayerReport>,
}

#[derive(Debug, Serialize)]
struct LayerReport {
    name: String,
    /// The format version the layer was written in.
    format: Option<String>,
    /// What reading it as format 4.5 changed.
    changes: Vec<FormatChange>,
    findings: Vec<ttpmap::navigator::Finding>,
}

fn validate(
    args: &LayerValidateArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let kb = if args.offline {
        None
    } else {
        Some(load(attack)?.0)
    };
    let mut reports = Vec::new();
    for path in &args.files {
        let file = match read(path) {
            Ok(file) => file,
            Err(e) => {
                reports.push(FileReport {
                    file: path.clone(),
                    error: Some(crate::cmd::chain(&e)),
                    findings: Vec::new(),
                    layers: Vec::new(),
                });
                continue;
            }
        };
        let layers = file
            .layers
            .iter()
            .zip(&file.reports)
            .map(|(layer, read)| {
                let mut findings = read.findings.clone();
                findings.extend(match &kb {
                    Some(kb) => layer.validate_against(kb),
                    None => layer.validate(),
                });
                LayerReport {
                    name: layer.name.clone(),
                    format: read.format.clone(),
                    changes: read.changes.clone(),
                    findings,
                }
            })
            .collect();
        reports.push(FileReport {
            file: path.clone(),
            error: None,
            findings: file.findings.clone(),
            layers,
        });
    }
    let unreadable = reports.iter().any(|r| r.error.is_some());
    let failing = |level: Level| level == Level::Error || (args.strict && level == Level::Warning);
    let failed = reports.iter().any(|r| {
        r.findings.iter().any(|f| failing(f.level))
            || r.layers
                .iter()
                .flat_map(|l| &l.findings)
                .any(|f| failing(f.level))
    });
    match format {
        Format::Json => render::write_json(out, format, &reports)?,
        Format::Jsonl => render::write_json_lines(out, &reports)?,
        Format::Human | Format::Csv => write_validation(out, &reports)?,
    }
    Ok(if unreadable {
        error_code()
    } else if failed {
        NO
    } else {
        ExitCode::SUCCESS
    })
}

fn write_validation(out: &mut dyn Write, reports: &[FileReport]) -> anyhow::Result<()> {
    for report in reports {
        let file = report.file.display();
        if let Some(error) = &report.error {
            writeln!(out, "{file}: cannot read: {error}")?;
            continue;
        }
        for finding in &report.findings {
            writeln!(out, "{file}: {finding}")?;
        }
        for layer in &report.layers {
            let counts = |level: Level| layer.findings.iter().filter(|f| f.level == level).count();
            let upgraded = match &layer.format {
                Some(v) if v != "4.5" => format!(", format {v} read as 4.5"),
                None => ", format unstated".to_owned(),
                Some(_) => String::new(),
            };
            writeln!(
                out,
                "{file}: layer {:?}{upgraded}: {} errors, {} warnings, {} notes",
                layer.name,
                counts(Level::Error),
                counts(Level::Warning),
                counts(Level::Info)
            )?;
            for change in &layer.changes {
                writeln!(out, "  upgraded {}: {}", change.path, change.description)?;
            }
            for finding in &layer.findings {
                writeln!(out, "  {finding}")?;
            }
        }
    }
    Ok(())
}

/// What `layer upgrade --report` writes.
#[derive(Debug, Serialize)]
struct UpgradeDocument {
    layers: Vec<UpgradeOfLayer>,
}

#[derive(Debug, Serialize)]
struct UpgradeOfLayer {
    name: String,
    format: Option<String>,
    format_changes: Vec<FormatChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attack: Option<UpgradeReport>,
}

fn upgrade(
    args: &LayerUpgradeArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let mut file = read(&args.file)?;
    let kbs = if args.format_only {
        None
    } else {
        let new = load(attack)?.0;
        let old = match &args.from {
            Some(path) => Some(
                KnowledgeBase::from_path(path)
                    .with_context(|| format!("cannot load the older release {}", path.display()))?,
            ),
            None => None,
        };
        Some((old, new))
    };
    let mut document = UpgradeDocument { layers: Vec::new() };
    for (layer, read) in file.layers.iter_mut().zip(&file.reports) {
        let mut entry = UpgradeOfLayer {
            name: layer.name.clone(),
            format: read.format.clone(),
            format_changes: read.changes.clone(),
            attack: None,
        };
        if let Some((old, new)) = &kbs {
            let upgraded = upgrade_attack(layer, old.as_ref(), new)?;
            *layer = upgraded.layer;
            entry.attack = Some(upgraded.report);
        }
        document.layers.push(entry);
    }
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&document)?;
        fs::write(path, json + "\n").with_context(|| format!("cannot write {}", path.display()))?;
    }
    if format == Format::Human {
        write_upgrade_report(&document)?;
    }
    emit(out, args.output.as_deref(), file.to_json().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn write_upgrade_report(document: &UpgradeDocument) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    for layer in &document.layers {
        if let Some(from) = &layer.format {
            if from != "4.5" {
                writeln!(err, "layer {:?}: format {from} → 4.5", layer.name)?;
            }
        }
        for change in &layer.format_changes {
            writeln!(err, "  {}: {}", change.path, change.description)?;
        }
        let Some(report) = &layer.attack else {
            continue;
        };
        writeln!(
            err,
            "layer {:?}: ATT&CK {} → {}: {} carried, {} to review, {} replaced, {} not carried",
            layer.name,
            report.from.as_deref().unwrap_or("unstated"),
            report.to,
            report.carried.len(),
            report.review.len(),
            report.replaced.len(),
            report.dropped.len()
        )?;
        for (label, items) in [
            ("review", &report.review),
            ("replaced", &report.replaced),
            ("not carried", &report.dropped),
        ] {
            for item in items {
                writeln!(err, "  {label} {}: {}", item.entry, item.reason)?;
            }
        }
    }
    Ok(())
}

/// The layer index a letter names (`a` → 0).
fn layer_index(letter: Option<char>, count: usize, what: &str) -> anyhow::Result<Option<usize>> {
    let Some(letter) = letter else {
        return Ok(None);
    };
    let lower = letter.to_ascii_lowercase();
    if !lower.is_ascii_lowercase() {
        anyhow::bail!("--{what}-from takes a layer letter (a, b, …), not {letter:?}");
    }
    let index = (lower as usize) - ('a' as usize);
    if index >= count {
        anyhow::bail!("--{what}-from {lower}: only {count} layers were given");
    }
    Ok(Some(index))
}

fn combine_layers(
    args: &LayerCombineArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let mut layers = Vec::new();
    for path in &args.files {
        let file = read(path)?;
        if let Some(error) = file.findings().find(|f| f.level == Level::Error) {
            let _ = writeln!(std::io::stderr(), "ttpmap: {}: {error}", path.display());
        }
        layers.extend(file.layers);
    }
    let count = layers.len();
    let from = |own: Option<char>, what: &str| layer_index(own.or(args.all_from), count, what);
    let options = CombineOptions {
        name: args.name.clone(),
        comments_from: from(args.comments_from, "comments")?,
        links_from: from(args.links_from, "links")?,
        metadata_from: from(args.metadata_from, "metadata")?,
        colors_from: from(args.colors_from, "colors")?,
        enabled_from: from(args.enabled_from, "enabled")?,
        filters_from: from(args.filters_from, "filters")?,
        legend_from: from(args.legend_from, "legend")?,
        gradient_from: from(args.gradient_from, "gradient")?,
    };
    let kb = if args.offline {
        None
    } else {
        Some(load(attack)?.0)
    };
    let refs: Vec<&Layer> = layers.iter().collect();
    let mut layer = match (&args.expr, args.op) {
        (Some(expr), _) => combine(&refs, expr, &options, kb.as_ref())?,
        (None, Some(SetOp::Merge)) => merge(&refs, kb.as_ref())?,
        (None, Some(op)) => {
            let operation = match op {
                SetOp::Union => SetOperation::Union,
                SetOp::Intersection => SetOperation::Intersection,
                _ => SetOperation::Difference,
            };
            set_operation(&refs, operation, kb.as_ref())?
        }
        (None, None) => anyhow::bail!("give --expr or --op"),
    };
    if let Some(name) = &args.name {
        layer.name.clone_from(name);
    }
    emit(out, args.output.as_deref(), layer.to_json().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn generate(
    args: &LayerGenerateArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let (kb, _) = load(attack)?;
    let domain = pick_domain(&kb, args.domain.as_deref())?;
    let mut layer = if let Some(platform) = &args.platform {
        platform_layer(&kb, domain, platform)?
    } else if let Some(component) = &args.data_component {
        data_component_layer(&kb, kb.data_component(component)?, domain)?
    } else {
        let mut actors: Vec<Object<'_>> = Vec::new();
        for group in &args.group {
            actors.push(kb.group(group)?.object());
        }
        for software in &args.software {
            actors.push(kb.software_named(software)?.object());
        }
        for campaign in &args.campaign {
            actors.push(kb.campaign(campaign)?.object());
        }
        actors_layer(&kb, &actors, domain, paths(&args.via))?
    };
    if let Some(name) = &args.name {
        layer.name.clone_from(name);
    }
    if layer.techniques.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "ttpmap: the layer has no techniques in {domain}"
        );
    }
    emit(out, args.output.as_deref(), layer.to_json().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn svg_options(args: &LayerRenderArgs) -> anyhow::Result<svg::SvgOptions> {
    let paper = match args.paper {
        Paper::Letter => svg::PageSize::Letter,
        Paper::Legal => svg::PageSize::Legal,
        Paper::Small => svg::PageSize::Small,
        Paper::Medium => svg::PageSize::Medium,
        Paper::Large => svg::PageSize::Large,
    };
    let mut options = svg::SvgOptions::page(paper, !args.portrait);
    if let Some(size) = &args.size {
        let parsed = size
            .split_once(['x', 'X'])
            .and_then(|(w, h)| Some((w.trim().parse::<f64>().ok()?, h.trim().parse::<f64>().ok()?)))
            .filter(|(w, h)| (200.0..=20_000.0).contains(w) && (200.0..=20_000.0).contains(h));
        let Some((width, height)) = parsed else {
            anyhow::bail!("--size {size:?}: expected WIDTHxHEIGHT in pixels, each 200 to 20000");
        };
        options.width = width;
        options.height = height;
    }
    if args.ids {
        options.show_ids = Some(true);
    }
    if args.no_ids {
        options.show_ids = Some(false);
    }
    if args.no_names {
        options.show_names = Some(false);
    }
    if args.no_header {
        options.show_header = false;
    }
    if args.dark {
        options.theme = svg::Theme::Dark;
    }
    options.annotated_only = args.annotated_only;
    Ok(options)
}

fn render_layer(
    args: &LayerRenderArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let file = read(&args.file)?;
    let count = file.layers.len();
    let Some(layer) = file.layers.get(args.index) else {
        anyhow::bail!(
            "{}: --index {} but the file holds {count} layers",
            args.file.display(),
            args.index
        );
    };
    let (kb, _) = load(attack)?;
    let view = LayerView::new(layer, &kb)?;
    if let Some(path) = &args.svg {
        let picture = svg::render_svg(&view, &svg_options(args)?);
        emit(out, Some(path), picture.as_bytes())?;
    }
    if let Some(path) = &args.xlsx {
        let options = xlsx::XlsxOptions {
            annotated_only: args.annotated_only,
            ..xlsx::XlsxOptions::default()
        };
        emit(out, Some(path), &xlsx::render_xlsx(&view, &options)?)?;
    }
    if let Some(path) = &args.csv {
        let options = csv::CsvOptions {
            annotated_only: args.annotated_only,
            ..csv::CsvOptions::default()
        };
        emit(out, Some(path), csv::render_csv(&view, &options).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
struct DiffDocument {
    a: PathBuf,
    b: PathBuf,
    layers: Vec<ttpmap::navigator::LayerDiff>,
    /// Layers only one file has (arrays of different lengths).
    unmatched: usize,
}

fn diff(args: &LayerDiffArgs, out: &mut dyn Write, format: Format) -> anyhow::Result<ExitCode> {
    let a = read(&args.a)?;
    let b = read(&args.b)?;
    let layers: Vec<_> = a
        .layers
        .iter()
        .zip(&b.layers)
        .map(|(x, y)| x.diff(y))
        .collect();
    let unmatched = a.layers.len().abs_diff(b.layers.len());
    let same = unmatched == 0 && layers.iter().all(ttpmap::navigator::LayerDiff::is_empty);
    let document = DiffDocument {
        a: args.a.clone(),
        b: args.b.clone(),
        layers,
        unmatched,
    };
    match format {
        Format::Json | Format::Jsonl => render::write_json(out, format, &document)?,
        Format::Human | Format::Csv => write_diff(out, &document)?,
    }
    Ok(if same { ExitCode::SUCCESS } else { NO })
}

fn short(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn write_diff(out: &mut dyn Write, document: &DiffDocument) -> anyhow::Result<()> {
    for (i, diff) in document.layers.iter().enumerate() {
        if document.layers.len() > 1 {
            writeln!(out, "layer {i}:")?;
        }
        if diff.is_empty() {
            writeln!(out, "no differences")?;
            continue;
        }
        for change in &diff.settings {
            writeln!(
                out,
                "~ {}: {} → {}",
                change.field,
                short(&change.old),
                short(&change.new)
            )?;
        }
        for key in &diff.removed {
            writeln!(out, "- {key}")?;
        }
        for key in &diff.added {
            writeln!(out, "+ {key}")?;
        }
        for entry in &diff.changed {
            let fields: Vec<String> = entry
                .fields
                .iter()
                .map(|f| format!("{} {} → {}", f.field, short(&f.old), short(&f.new)))
                .collect();
            writeln!(out, "~ {}: {}", entry.entry, fields.join("; "))?;
        }
    }
    if document.unmatched > 0 {
        writeln!(out, "{} layers are in one file only", document.unmatched)?;
    }
    Ok(())
}
