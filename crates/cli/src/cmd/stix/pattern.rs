//! `ttpmap stix pattern validate|fmt|match`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use ttpmap::stix::pattern::{
    ErrorKind, MatchResult, Observations, Pattern, PatternError, Severity,
};

use crate::args::{Format, PatternCommand, PatternFmtArgs, PatternMatchArgs, PatternValidateArgs};
use crate::cmd::render::{self, Table};

/// Run a `stix pattern` subcommand (`--format csv` was refused by the caller).
pub(crate) fn run(
    command: &PatternCommand,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    match command {
        PatternCommand::Validate(args) => validate(args, out, format),
        PatternCommand::Fmt(args) => fmt(args, out, format),
        PatternCommand::Match(args) => matches(args, out, format),
    }
}

/// One finding of the parser or the validator, as JSON shows it.
#[derive(Serialize)]
struct Finding<'a> {
    /// Stable kebab-case kind, e.g. `unknown-property`.
    kind: ErrorKind,
    /// `"error"` or `"warning"`.
    severity: Severity,
    /// 0-based character offset in the pattern.
    offset: usize,
    /// What is wrong and what was expected.
    message: &'a str,
}

impl<'a> From<&'a PatternError> for Finding<'a> {
    fn from(e: &'a PatternError) -> Finding<'a> {
        Finding {
            kind: e.kind(),
            severity: e.severity(),
            offset: e.offset(),
            message: e.message(),
        }
    }
}

/// The result for one pattern of `validate`.
#[derive(Serialize)]
struct Checked<'a> {
    /// The pattern as given.
    pattern: &'a str,
    /// Whether it parses and validation found no error (warnings allowed).
    valid: bool,
    /// The syntax error, or every validation finding, in pattern order.
    findings: Vec<Finding<'a>>,
}

/// Parse and validate `text` (strict STIX 2.1): the pattern when it parses,
/// and the syntax error or the validation findings.
fn check(text: &str) -> (Option<Pattern>, Vec<PatternError>) {
    match Pattern::parse(text) {
        Ok(pattern) => {
            let findings = pattern.validate();
            (Some(pattern), findings)
        }
        Err(e) => (None, vec![e]),
    }
}

/// Whether no finding is an error.
fn is_valid(findings: &[PatternError]) -> bool {
    findings.iter().all(|f| !f.is_error())
}

/// Each finding as the pattern, a caret line under it and
/// `error[kind] at offset N: message`.
fn write_findings(
    text: &str,
    findings: &[PatternError],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for f in findings {
        let severity = match f.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(out, "{}", f.caret(text))?;
        writeln!(
            out,
            "{severity}[{}] at offset {}: {}",
            f.kind(),
            f.offset(),
            f.message()
        )?;
    }
    Ok(())
}

/// `ttpmap stix pattern validate PATTERN... | --file FILE`: exit 1 when a
/// pattern is invalid.
fn validate(
    args: &PatternValidateArgs,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let patterns = match &args.file {
        Some(path) => read_patterns(path)?,
        None => args.patterns.clone(),
    };
    let all_findings: Vec<Vec<PatternError>> = patterns.iter().map(|t| check(t).1).collect();
    let mut results = Vec::new();
    let mut invalid = 0;
    for (text, findings) in patterns.iter().zip(&all_findings) {
        let valid = is_valid(findings);
        invalid += usize::from(!valid);
        if format == Format::Human && !findings.is_empty() {
            write_findings(text, findings, out)?;
            writeln!(out)?;
        }
        let checked = Checked {
            pattern: text,
            valid,
            findings: findings.iter().map(Finding::from).collect(),
        };
        if format == Format::Jsonl {
            render::write_json(out, format, &checked)?;
        }
        results.push(checked);
    }
    match format {
        Format::Human => writeln!(
            out,
            "{}, {invalid} invalid",
            render::plural(patterns.len(), "pattern")
        )?,
        Format::Json => render::write_json(out, format, &results)?,
        Format::Jsonl => {}
        Format::Csv => return Err(super::csv_unsupported()),
    }
    Ok(if invalid > 0 {
        crate::cmd::NO
    } else {
        ExitCode::SUCCESS
    })
}

/// The patterns of a file: one a line, blank lines and `#` lines skipped.
fn read_patterns(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(text
        .lines()
        .filter(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(str::to_owned)
        .collect())
}

/// The `--format json` document of `fmt`.
#[derive(Serialize)]
struct Formatted<'a> {
    /// The pattern as given.
    pattern: &'a str,
    /// Whether it parses and validation found no error.
    valid: bool,
    /// The canonical form, or `null` when the pattern is invalid.
    canonical: Option<String>,
    /// As in `validate`.
    findings: Vec<Finding<'a>>,
}

/// `ttpmap stix pattern fmt PATTERN`: the canonical form on stdout, or the
/// located errors on stderr and exit 1.
fn fmt(args: &PatternFmtArgs, out: &mut dyn Write, format: Format) -> anyhow::Result<ExitCode> {
    let text = args.pattern.as_str();
    let (pattern, findings) = check(text);
    let valid = is_valid(&findings);
    let canonical = pattern.filter(|_| valid).map(|p| p.to_string());
    if format == Format::Human {
        if let Some(canonical) = &canonical {
            writeln!(out, "{canonical}")?;
        }
        write_findings(text, &findings, &mut std::io::stderr())?;
    } else {
        let formatted = Formatted {
            pattern: text,
            valid,
            canonical,
            findings: findings.iter().map(Finding::from).collect(),
        };
        render::write_json(out, format, &formatted)?;
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        crate::cmd::NO
    })
}

/// The `--format json` document of `match`.
#[derive(Serialize)]
struct Matched<'a> {
    /// The pattern as given (the `span`s are character offsets in it).
    pattern: &'a str,
    /// What validation found: the pattern is matched anyway, and invalid
    /// parts match nothing.
    findings: Vec<Finding<'a>>,
    /// `matched`, `complete` and `observations`.
    #[serde(flatten)]
    result: &'a MatchResult,
}

/// `ttpmap stix pattern match PATTERN --observed FILE`: exit 0 on a match,
/// 1 without, 2 when the pattern does not parse or the file is unreadable.
/// Validation findings go to stderr (human) or `findings` (JSON).
fn matches(
    args: &PatternMatchArgs,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let text = args.pattern.as_str();
    let (pattern, findings) = check(text);
    let Some(pattern) = pattern else {
        write_findings(text, &findings, &mut std::io::stderr())?;
        anyhow::bail!("the pattern does not parse");
    };
    let path = &args.observed;
    let json = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let observations = Observations::from_json(&json).map_err(|e| e.with_path(path))?;
    let result = pattern.matches(&observations);
    if format == Format::Human {
        write_findings(text, &findings, &mut std::io::stderr())?;
        write_match(&result, out)?;
    } else {
        let matched = Matched {
            pattern: text,
            findings: findings.iter().map(Finding::from).collect(),
            result: &result,
        };
        render::write_json(out, format, &matched)?;
    }
    Ok(if result.is_match() {
        ExitCode::SUCCESS
    } else {
        crate::cmd::NO
    })
}

/// `match` or `no match`, then which observed-data satisfied which `[...]`.
fn write_match(result: &MatchResult, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        if result.is_match() {
            "match"
        } else {
            "no match"
        }
    )?;
    let mut table = Table::new(&["EXPRESSION", "OBSERVED-DATA", "OBJECTS"]).indent(2);
    for o in result.observations() {
        let observed = o
            .observed_data_id
            .clone()
            .unwrap_or_else(|| format!("#{}", o.observed_data_index));
        table.row([o.expression_text.clone(), observed, o.objects.join(", ")]);
    }
    table.write(out)?;
    if !result.is_complete() {
        writeln!(
            out,
            "note: the search stopped at its step limit; \"no match\" may be wrong"
        )?;
    }
    Ok(())
}
