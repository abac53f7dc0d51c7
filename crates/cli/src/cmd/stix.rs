//! `ttpmap stix validate|fmt|stats|pattern`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::args::{Format, StixCommand};

mod fmt;
mod pattern;
mod stats;
mod validate;

/// Run a `stix` subcommand.
pub(crate) fn run(
    command: &StixCommand,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    if format == Format::Csv {
        return Err(csv_unsupported());
    }
    match command {
        StixCommand::Validate(args) => validate::run(args, out, format),
        StixCommand::Fmt(args) => fmt::run(args, out, format),
        StixCommand::Stats(args) => stats::run(args, out, format),
        StixCommand::Pattern(command) => pattern::run(command, out, format),
    }
}

/// The error for `--format csv`, which the `stix` commands do not write:
/// their answers are documents and reports, not tables.
fn csv_unsupported() -> anyhow::Error {
    anyhow::anyhow!("the stix commands cannot write CSV; use --format human, json or jsonl")
}

/// Every `.json` file under `dir`, in sorted path order.
fn json_files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("{}: cannot list", dir.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .with_context(|| format!("{}: cannot stat", path.display()))?;
            // Symbolic links to folders are not followed (no cycles).
            if kind.is_dir() {
                walk(&path, files)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    Ok(files)
}
