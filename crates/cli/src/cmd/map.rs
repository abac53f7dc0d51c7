//! `ttpmap map …`: observations to ATT&CK techniques.
//!
//! Events and command lines go through Sigma rules (ttpmap's default rules,
//! plus `--rules`), report text through the text mapper. The result is a
//! table of techniques with confidence and evidence, JSON, a Navigator
//! layer, or a STIX 2.1 bundle; a summary of what was read, matched and
//! skipped goes to stderr.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use ttpmap::attack::KnowledgeBase;
use ttpmap::mapper::engine::{default_rules, map_text, Engine, EventStats};
use ttpmap::mapper::read::{self, CommandLine, EventReader, InputKind, Observation};
use ttpmap::mapper::route::Router;
use ttpmap::mapper::sigma::RuleSet;
use ttpmap::mapper::text::TextMapper;
use ttpmap::mapper::{MappingSet, Origin, StixOptions};

use crate::args::{
    Format, FormatArg, MapCmdlineArgs, MapCommand, MapEventsArgs, MapOptions, MapTextArgs,
    Platform, RuleOptions,
};
use crate::cmd::attack::load;
use crate::cmd::render::{self, Table};

/// Run a `map` subcommand.
pub(crate) fn run(
    command: &MapCommand,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: FormatArg,
) -> anyhow::Result<ExitCode> {
    if format == FormatArg::Csv {
        anyhow::bail!("the map commands write --format table, json, jsonl, layer or stix; not CSV");
    }
    match command {
        MapCommand::Events(args) => events(args, attack, out, format),
        MapCommand::Cmdline(args) => cmdline(args, attack, out, format),
        MapCommand::Text(args) => text(args, attack, out, format),
    }
}

/// The rule summary of the run.
#[derive(Debug, Default, Serialize)]
struct RulesSummary {
    loaded: usize,
    skipped: usize,
    /// Skipped rules by reason, most frequent first.
    skipped_by_reason: Vec<(String, usize)>,
    /// Files that could not be loaded.
    errors: Vec<String>,
}

fn engine(options: &RuleOptions) -> anyhow::Result<(Engine, RulesSummary)> {
    let mut summary = RulesSummary::default();
    let mut rules = if options.no_default_rules {
        RuleSet::new()
    } else {
        let (rules, problems) = default_rules();
        summary.errors.extend(problems);
        rules
    };
    for path in &options.rules {
        let loaded = rules
            .add_path(path)
            .with_context(|| format!("cannot load rules from {}", path.display()))?;
        summary
            .errors
            .extend(loaded.errors.iter().map(ToString::to_string));
    }
    let mut router = Router::shared().clone();
    for path in &options.routing {
        router
            .load_extra(path)
            .with_context(|| format!("cannot load routing table {}", path.display()))?;
    }
    summary.loaded = rules.len();
    summary.skipped = rules.skipped().len();
    let mut reasons: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for skipped in rules.skipped() {
        *reasons.entry(skipped.reason.kind().to_owned()).or_default() += 1;
    }
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    summary.skipped_by_reason = reasons;
    Ok((Engine::new(rules, router), summary))
}

/// What the JSON document says besides the techniques: the event
/// statistics, the rules loaded, the text summary (each when there is one).
type Summaries<'a> = (
    Option<&'a EventStats>,
    Option<&'a RulesSummary>,
    Option<&'a TextSummary>,
);

/// The `--format json` document of every `map` command.
#[derive(Debug, Serialize)]
struct Document<'a> {
    techniques: Vec<&'a ttpmap::mapper::Mapping>,
    /// Technique ids the loaded ATT&CK release does not know (kept).
    unknown_techniques: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<&'a EventStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<&'a RulesSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a TextSummary>,
}

#[derive(Debug, Default, Serialize)]
struct TextSummary {
    files: usize,
    sentences: usize,
    iocs: Vec<ttpmap::mapper::ioc::Ioc>,
    mentions: Vec<ttpmap::mapper::text::Mention>,
}

/// Write the mappings as `format` says, to `--output` or stdout.
fn write(
    out: &mut dyn Write,
    options: &MapOptions,
    format: FormatArg,
    kb: &KnowledgeBase,
    mappings: &MappingSet,
    (events, rules, text): Summaries<'_>,
    default_name: &str,
) -> anyhow::Result<()> {
    let document = &Document {
        techniques: mappings.mappings().collect(),
        unknown_techniques: mappings.unknown(),
        events,
        rules,
        text,
    };
    let mut buffer: Vec<u8> = Vec::new();
    match format {
        FormatArg::Layer => {
            let name = options.name.as_deref().unwrap_or(default_name);
            buffer.extend_from_slice(
                ttpmap::mapping_layer(mappings, kb, name)
                    .to_json()
                    .as_bytes(),
            );
        }
        FormatArg::Stix => {
            let bundle = mappings.to_stix(kb, &StixOptions::default());
            buffer.extend_from_slice(bundle.to_json_pretty().as_bytes());
            buffer.push(b'\n');
        }
        FormatArg::Json => render::write_json(&mut buffer, Format::Json, document)?,
        FormatArg::Jsonl => render::write_json_lines(&mut buffer, &document.techniques)?,
        FormatArg::Human | FormatArg::Csv => write_table(&mut buffer, mappings)?,
    }
    match &options.output {
        Some(path) if path != Path::new("-") => {
            fs::write(path, &buffer).with_context(|| format!("cannot write {}", path.display()))
        }
        _ => Ok(out.write_all(&buffer)?),
    }
}

fn write_table(out: &mut dyn Write, mappings: &MappingSet) -> anyhow::Result<()> {
    let mut table = Table::new(&[
        "TECHNIQUE",
        "NAME",
        "TACTICS",
        "CONFIDENCE",
        "SEEN",
        "EVIDENCE",
    ])
    .align_right(3)
    .align_right(4);
    let mut rows: Vec<&ttpmap::mapper::Mapping> = mappings.mappings().collect();
    rows.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| a.technique_id.cmp(&b.technique_id))
    });
    for mapping in rows {
        let evidence = mapping.evidence.first().map(|e| match &e.kind {
            ttpmap::mapper::EvidenceKind::Rule { title, .. } => format!("rule: {title}"),
            ttpmap::mapper::EvidenceKind::ExplicitId => format!("id in: {}", e.observation),
            ttpmap::mapper::EvidenceKind::Name => format!("name in: {}", e.observation),
            ttpmap::mapper::EvidenceKind::Similarity => format!("like: {}", e.observation),
        });
        let name = match (&mapping.name, mapping.known) {
            (Some(name), _) => name.clone(),
            (None, false) => "(not in the loaded ATT&CK release)".to_owned(),
            (None, true) => String::new(),
        };
        table.row([
            mapping.technique_id.clone(),
            name,
            mapping.tactics.join(", "),
            format!("{:.2}", mapping.confidence),
            mapping.count.to_string(),
            evidence.map(|e| shorten(&e, 80)).unwrap_or_default(),
        ]);
    }
    if mappings.is_empty() {
        writeln!(out, "no techniques mapped")?;
    }
    table.write(out)?;
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

fn check_confidence(min: f64) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&min) {
        anyhow::bail!("--min-confidence {min}: expected a number from 0 to 1");
    }
    Ok(())
}

/// A progress bar on stderr when it is a terminal and not turned off.
fn progress_bar(options: &MapOptions, total_bytes: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if options.no_progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total_bytes);
    let style =
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {msg}")
            .ok()?;
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

fn events(
    args: &MapEventsArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: FormatArg,
) -> anyhow::Result<ExitCode> {
    check_confidence(args.options.min_confidence)?;
    if let Some(threads) = args.threads {
        // Only the first configuration of the global pool counts; a second
        // call in the same process is harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global();
    }
    let (engine, rules) = engine(&args.rules)?;
    let (kb, _) = load(attack)?;
    let started = Instant::now();
    let files = event_files(&args.files)?;
    let bar = progress_bar(&args.options, files.len() as u64);
    let mut mappings = MappingSet::new();
    let mut stats = EventStats::default();
    for path in &files {
        let reader = if is_stdin(path) {
            EventReader::from_stream(std::io::stdin(), STDIN)?
        } else {
            EventReader::open(path)?
        };
        let shown = if is_stdin(path) {
            STDIN.to_string()
        } else {
            path.display().to_string()
        };
        if let Some(bar) = &bar {
            bar.set_message(shown.clone());
        }
        let (set, part) = engine.map_events(reader, |records| {
            if let Some(bar) = &bar {
                bar.set_message(format!("{shown}: {records} records"));
            }
        });
        if let Some(bar) = &bar {
            bar.inc(1);
        }
        mappings.merge(set);
        stats.merge(part);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    mappings.resolve(&kb);
    let mappings = mappings.with_min_confidence(args.options.min_confidence);
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "ttpmap: {} events read in {:.1} s, {} matched, {} skipped ({} unrouted); {} rules loaded, {} skipped; {} techniques",
        stats.events,
        started.elapsed().as_secs_f64(),
        stats.matched,
        stats.skipped,
        stats.unrouted,
        rules.loaded,
        rules.skipped,
        mappings.len()
    )?;
    for error in &stats.errors {
        writeln!(err, "ttpmap: skipped {error}")?;
    }
    for (reason, count) in rules.skipped_by_reason.iter().take(5) {
        writeln!(err, "ttpmap: {count} rules skipped: {reason}")?;
    }
    let unknown = mappings.unknown();
    if !unknown.is_empty() {
        writeln!(
            err,
            "ttpmap: not in the loaded ATT&CK release (kept): {}",
            unknown.join(", ")
        )?;
    }
    write(
        out,
        &args.options,
        format,
        &kb,
        &mappings,
        (Some(&stats), Some(&rules), None),
        "events mapped by ttpmap",
    )?;
    Ok(ExitCode::SUCCESS)
}

/// How standard input is named in positions and messages.
const STDIN: &str = "<stdin>";

/// Whether `path` is `-`, standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The files to read: each file given (`-`: standard input, at most once),
/// and under each folder given every event file (`.json`, `.jsonl`,
/// `.ndjson`, `.evtx`), in path order.
fn event_files(given: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        let entries =
            fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot read {}", dir.display()))?
                .path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["json", "jsonl", "ndjson", "evtx"].contains(&e.to_ascii_lowercase().as_str())
            }) {
                out.push(path);
            }
        }
        Ok(())
    }
    if given.iter().filter(|p| is_stdin(p)).count() > 1 {
        anyhow::bail!("`-` (standard input) can be given once");
    }
    let mut files = Vec::new();
    for path in given {
        if is_stdin(path) {
            files.push(path.clone());
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            if found.is_empty() {
                anyhow::bail!(
                    "{}: no event files (.json, .jsonl, .ndjson, .evtx) in the folder",
                    path.display()
                );
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn cmdline(
    args: &MapCmdlineArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: FormatArg,
) -> anyhow::Result<ExitCode> {
    check_confidence(args.options.min_confidence)?;
    let (engine, rules) = engine(&args.rules)?;
    let (kb, _) = load(attack)?;
    let platform = args.platform.map(|p| {
        match p {
            Platform::Windows => "windows",
            Platform::Linux => "linux",
            Platform::Macos => "macos",
        }
        .to_owned()
    });
    let mut command_lines = Vec::new();
    let mut skipped = Vec::new();
    if let Some(path) = &args.file {
        for item in read::open(path, InputKind::CommandLines)? {
            match item {
                Ok(Observation::CommandLine(line)) => command_lines.push(line),
                Ok(_) => {}
                Err(error) => skipped.push(error.to_string()),
            }
        }
    }
    if let Some(text) = &args.command_line {
        command_lines.push(CommandLine {
            command_line: text.clone(),
            origin: Some(Origin {
                file: None,
                record: 1,
            }),
            ..CommandLine::default()
        });
    }
    let mut mappings = MappingSet::new();
    for mut command_line in command_lines {
        command_line.image = args.image.clone().or(command_line.image);
        command_line.parent = args.parent.clone().or(command_line.parent);
        command_line.user = args.user.clone().or(command_line.user);
        command_line.host = args.host.clone().or(command_line.host);
        command_line.platform = platform.clone().or(command_line.platform);
        mappings.merge(engine.map_command_line(&command_line));
    }
    for error in &skipped {
        writeln!(std::io::stderr(), "ttpmap: skipped {error}")?;
    }
    mappings.resolve(&kb);
    let mappings = mappings.with_min_confidence(args.options.min_confidence);
    write(
        out,
        &args.options,
        format,
        &kb,
        &mappings,
        (None, Some(&rules), None),
        "command line mapped by ttpmap",
    )?;
    Ok(ExitCode::SUCCESS)
}

fn text(
    args: &MapTextArgs,
    attack: &[PathBuf],
    out: &mut dyn Write,
    format: FormatArg,
) -> anyhow::Result<ExitCode> {
    check_confidence(args.options.min_confidence)?;
    let (kb, _) = load(attack)?;
    let mapper = TextMapper::new(&kb);
    let mut mappings = MappingSet::new();
    let mut summary = TextSummary::default();
    for path in &args.files {
        let mut reader = read::open(path, InputKind::Text)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let Some(item) = reader.next() else {
            continue;
        };
        let observation = item.map_err(|e| anyhow::anyhow!("{e}"))?;
        let Observation::Text { text, .. } = observation else {
            continue;
        };
        let origin = Origin {
            file: Some(Arc::new(path.clone())),
            record: 1,
        };
        let report = map_text(&mapper, &text, Some(&origin), args.options.min_confidence);
        summary.files += 1;
        summary.sentences += report.sentences;
        summary.iocs.extend(report.iocs);
        summary.mentions.extend(report.mentions);
        mappings.merge(report.mappings);
    }
    mappings.resolve(&kb);
    let mappings = mappings.with_min_confidence(args.options.min_confidence);
    writeln!(
        std::io::stderr(),
        "ttpmap: {} files, {} sentences; {} techniques, {} indicators, {} software/group mentions",
        summary.files,
        summary.sentences,
        mappings.len(),
        summary.iocs.len(),
        summary.mentions.len()
    )?;
    write(
        out,
        &args.options,
        format,
        &kb,
        &mappings,
        (None, None, Some(&summary)),
        "report mapped by ttpmap",
    )?;
    Ok(ExitCode::SUCCESS)
}
