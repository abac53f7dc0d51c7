//! `ttpmap attack stats`: what is loaded.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{DataOrigin, Domain, Kind, KnowledgeBase};

use crate::args::Format;
use crate::cmd::render::{self, Csv, Table};

/// The `--format json` document.
#[derive(Debug, Serialize)]
struct Stats<'kb> {
    /// Where the data came from: `given` (`--attack`), `environment`
    /// (`TTPMAP_ATTACK_DIR`), `cache` or `sample`.
    origin: &'static str,
    /// The files or folder read (empty for the sample).
    paths: Vec<PathBuf>,
    /// The domains of the loaded releases with their versions.
    domains: Vec<DomainVersion<'kb>>,
    /// Objects per kind, relationships excluded, in kind order.
    objects: Vec<KindCount>,
    /// Relationship objects.
    relationships: Count,
    /// Problems found while indexing that did not stop the load.
    warnings: usize,
}

#[derive(Debug, Serialize)]
struct DomainVersion<'kb> {
    domain: Domain,
    version: Option<&'kb str>,
}

#[derive(Debug, Serialize)]
struct KindCount {
    kind: Kind,
    /// Neither revoked nor deprecated.
    active: usize,
    all: usize,
}

#[derive(Debug, Default, Serialize)]
struct Count {
    active: usize,
    all: usize,
}

/// Count and print.
pub(super) fn run(
    kb: &KnowledgeBase,
    origin: &DataOrigin,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let (origin, paths) = match origin {
        DataOrigin::Given(paths) => ("given", paths.clone()),
        DataOrigin::Environment(path) => ("environment", vec![path.clone()]),
        DataOrigin::Cache(path) => ("cache", vec![path.clone()]),
        _ => ("sample", Vec::new()),
    };
    let mut stats = Stats {
        origin,
        paths,
        domains: release_domains(kb)
            .into_iter()
            .map(|domain| DomainVersion {
                domain,
                version: kb.release_version(domain),
            })
            .collect(),
        objects: Vec::new(),
        relationships: Count::default(),
        warnings: kb.warnings().len(),
    };
    for (kind, active, all) in kb.counts() {
        if kind == Kind::Relationship {
            stats.relationships = Count { active, all };
        } else {
            stats.objects.push(KindCount { kind, active, all });
        }
    }
    match format {
        Format::Human => write_human(&stats, out)?,
        Format::Json | Format::Jsonl => render::write_json(out, format, &stats)?,
        Format::Csv => {
            let mut csv = Csv::new(out, &["kind", "active", "all"])?;
            for k in &stats.objects {
                csv.record([k.kind.as_str(), &k.active.to_string(), &k.all.to_string()])?;
            }
            let r = &stats.relationships;
            csv.record(["relationship", &r.active.to_string(), &r.all.to_string()])?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The domains of the releases loaded: those of their collection objects;
/// without any (a `mitre/cti` folder may have none), those whose matrix is
/// loaded; else every domain an object names.
fn release_domains(kb: &KnowledgeBase) -> Vec<Domain> {
    let mut domains: Vec<Domain> = (kb.collections().into_iter())
        .flat_map(|c| c.domains().iter())
        .collect();
    if domains.is_empty() {
        domains = super::matrix_domains(kb);
    }
    if domains.is_empty() {
        domains = kb.domains().iter().collect();
    }
    domains.sort_unstable();
    domains.dedup();
    domains
}

fn write_human(stats: &Stats<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    if stats.origin == "sample" {
        writeln!(out, "data: the embedded sample (not a full release)")?;
    } else {
        let paths: Vec<String> = stats
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        writeln!(out, "data: {}", paths.join(", "))?;
    }
    let domains: Vec<String> = (stats.domains.iter())
        .map(|d| match d.version {
            Some(v) => format!("{} {v}", d.domain),
            None => format!("{} (no version)", d.domain),
        })
        .collect();
    writeln!(out, "domains: {}", domains.join(", "))?;
    writeln!(out, "objects:")?;
    let mut table = Table::new(&["KIND", "ACTIVE", "ALL"])
        .indent(2)
        .align_right(1)
        .align_right(2);
    for k in &stats.objects {
        table.row([k.kind.to_string(), k.active.to_string(), k.all.to_string()]);
    }
    table.write(out)?;
    let r = &stats.relationships;
    writeln!(out, "relationships: {} ({} active)", r.all, r.active)?;
    writeln!(out, "warnings: {}", stats.warnings)?;
    Ok(())
}
