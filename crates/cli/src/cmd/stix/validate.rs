//! `ttpmap stix validate FILE... [--strict]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use ttpmap::stix::validate::{self, Level, Violation};

use crate::args::{Format, ValidateArgs};
use crate::cmd::render;

/// Validate every file, print the violations, and answer with the exit code:
/// 2 when a file could not be read, 1 when a file failed, 0 otherwise.
pub(crate) fn run(
    args: &ValidateArgs,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    let mut summary = Summary::default();
    for arg in &args.files {
        let paths = if arg.is_dir() {
            match super::json_files_under(arg) {
                Ok(paths) => paths,
                Err(e) => {
                    files.push(unreadable(arg, &e, &mut summary));
                    continue;
                }
            }
        } else {
            vec![arg.clone()]
        };
        for path in paths {
            let file = match validate::validate_path(&path) {
                Ok(report) => {
                    let objects = count_objects(&path);
                    let must = report
                        .violations
                        .iter()
                        .filter(|v| v.level == Level::Must)
                        .count();
                    let should = report.violations.len() - must;
                    summary.files += 1;
                    summary.objects += objects;
                    summary.must += must;
                    summary.should += should;
                    let valid = must == 0 && !(args.strict && should > 0);
                    summary.failed += usize::from(!valid);
                    FileResult {
                        path,
                        valid,
                        objects,
                        violations: report.violations,
                        error: None,
                    }
                }
                Err(e) => unreadable(&path, &anyhow::Error::new(e), &mut summary),
            };
            if format == Format::Human {
                write_violations(&file, out)?;
            } else if format == Format::Jsonl {
                render::write_json(out, format, &Line::File(&file))?;
            }
            files.push(file);
        }
    }
    summary.valid = summary.failed == 0 && summary.unreadable == 0;
    match format {
        Format::Human => writeln!(out, "{summary}")?,
        Format::Json => render::write_json(
            out,
            format,
            &Output {
                files,
                summary: &summary,
            },
        )?,
        Format::Jsonl => render::write_json(out, format, &Line::Summary(&summary))?,
        Format::Csv => return Err(super::csv_unsupported()),
    }
    Ok(if summary.unreadable > 0 {
        crate::cmd::error_code()
    } else if summary.failed > 0 {
        crate::cmd::NO
    } else {
        ExitCode::SUCCESS
    })
}

/// The `--format json` document.
#[derive(Serialize)]
struct Output<'a> {
    files: Vec<FileResult>,
    summary: &'a Summary,
}

/// One line of `--format jsonl`: a file, and the summary last.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    File(&'a FileResult),
    Summary(&'a Summary),
}

/// The result for one file.
#[derive(Serialize)]
struct FileResult {
    /// The file, as named on the command line or found in a folder.
    path: PathBuf,
    /// Whether the file passes: no MUST violation (with `--strict`, none at
    /// all) and readable.
    valid: bool,
    /// Objects in the document (0 when it is not JSON).
    objects: usize,
    /// Every violation, in document order.
    violations: Vec<Violation>,
    /// Why the file could not be read, or `null`.
    error: Option<String>,
}

/// Totals over all files.
#[derive(Default, Serialize)]
struct Summary {
    /// Files validated (unreadable ones not included).
    files: usize,
    /// Objects in the validated files.
    objects: usize,
    /// MUST violations.
    must: usize,
    /// SHOULD violations.
    should: usize,
    /// Validated files that failed.
    failed: usize,
    /// Files or folders that could not be read.
    unreadable: usize,
    /// Whether every file was read and passed.
    valid: bool,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let (files, objects) = (self.files, self.objects);
        write!(
            f,
            "{files} file{}, {objects} object{}, ",
            s(files),
            s(objects)
        )?;
        write!(
            f,
            "{} MUST and {} SHOULD violations",
            self.must, self.should
        )?;
        if self.unreadable > 0 {
            write!(f, ", {} unreadable", self.unreadable)?;
        }
        Ok(())
    }
}

/// Report an unreadable file or folder on stderr and record it.
fn unreadable(path: &Path, e: &anyhow::Error, summary: &mut Summary) -> FileResult {
    let message = crate::cmd::chain(e);
    let _ = writeln!(std::io::stderr(), "ttpmap: {message}");
    summary.unreadable += 1;
    FileResult {
        path: path.to_path_buf(),
        valid: false,
        objects: 0,
        violations: Vec::new(),
        error: Some(message),
    }
}

/// `FILE: LEVEL code object_id path: message`, one line per violation.
fn write_violations(file: &FileResult, out: &mut dyn Write) -> std::io::Result<()> {
    for v in &file.violations {
        let level = match v.level {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
        };
        let id = v.object_id.as_deref().unwrap_or("-");
        let path = file.path.display();
        writeln!(
            out,
            "{path}: {level} {} {id} {}: {}",
            v.code, v.path, v.message
        )?;
    }
    Ok(())
}

/// The number of objects in a document: the length of a bundle's
/// `objects`, 1 for a single object, 0 when it cannot be read as JSON.
fn count_objects(path: &Path) -> usize {
    #[derive(Deserialize)]
    struct Shape {
        #[serde(rename = "type")]
        object_type: Option<String>,
        objects: Option<Vec<IgnoredAny>>,
    }
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    match serde_json::from_slice::<Shape>(&bytes) {
        Ok(Shape {
            object_type: Some(t),
            objects,
        }) if t == "bundle" => objects.map_or(0, |o| o.len()),
        Ok(_) => 1,
        Err(_) => 0,
    }
}
