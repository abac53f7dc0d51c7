//! The command line, as clap definitions.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) use self::attack::{
    AttackCommand, DetectionsArgs, GroupsArgs, MatrixArgs, MitigationsArgs, SearchArgs, ShowArgs,
    SimilarArgs, SoftwareArgs, TechniquesArgs, Via,
};

pub(crate) use self::layer::{
    LayerCombineArgs, LayerCommand, LayerDiffArgs, LayerGenerateArgs, LayerRenderArgs,
    LayerUpgradeArgs, LayerValidateArgs, Paper, SetOp,
};

pub(crate) use self::map::{
    MapCmdlineArgs, MapCommand, MapEventsArgs, MapOptions, MapTextArgs, Platform, RuleOptions,
};

mod attack;
mod layer;
mod map;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  a clean run whose answer is \"no\" (e.g. validation found violations)
  2  error: unreadable input, bad arguments, an unknown ATT&CK id or name";

/// Analyse threat-actor behaviour with MITRE ATT&CK.
#[derive(Debug, Parser)]
#[command(name = "ttpmap", version, after_help = EXIT_CODES, propagate_version = true)]
pub(crate) struct Cli {
    /// Output format: human-readable text (`table` is another name for it), one JSON document,
    /// JSON lines, CSV (the `attack` commands), or a Navigator layer or STIX 2.1 bundle (the
    /// `map` commands).
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// ATT&CK data: a STIX file or a folder holding ATT&CK releases (repeatable; used by the
    /// `attack` and `layer` commands, ignored by `stix`). Without it: $TTPMAP_ATTACK_DIR, the user cache,
    /// else a small embedded sample.
    #[arg(long, global = true, value_name = "PATH")]
    pub attack: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parse `argv` (program name first).
    pub(crate) fn try_parse_args(
        argv: impl IntoIterator<Item = OsString>,
    ) -> Result<Cli, clap::Error> {
        let argv: Vec<OsString> = argv.into_iter().collect();
        let mut cli = Cli::try_parse_from(&argv)?;
        if let Some(all) = attack_occurrences(&argv) {
            cli.attack = all;
        }
        Ok(cli)
    }
}

/// Every `--attack` value in command-line order.
///
/// clap keeps only the values given after the subcommand when a global
/// option is given both before and after it (clap issue #1570), so the
/// values are collected again here. Runs after clap accepted `argv`, so each
/// `--attack` token before `--` is that option and the next token its value.
/// `None` when a `--attack=VALUE` is not UTF-8 (clap's values are kept).
fn attack_occurrences(argv: &[OsString]) -> Option<Vec<PathBuf>> {
    let mut values = Vec::new();
    let mut tokens = argv.iter().skip(1);
    while let Some(token) = tokens.next() {
        if token == "--" {
            break;
        } else if token == "--attack" {
            values.extend(tokens.next().map(PathBuf::from));
        } else if token.as_encoded_bytes().starts_with(b"--attack=") {
            values.push(PathBuf::from(token.to_str()?.strip_prefix("--attack=")?));
        }
    }
    Some(values)
}

/// `--format` as given: every command's formats, and the `map` commands' own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// Text for people: tables and blocks.
    #[value(alias = "table")]
    Human,
    /// One JSON document.
    Json,
    /// JSON lines: one compact JSON value per line.
    Jsonl,
    /// Comma-separated values (RFC 4180) with a header row; not for `stix`.
    Csv,
    /// An ATT&CK Navigator layer (`map` commands).
    Layer,
    /// A STIX 2.1 bundle (`map` commands).
    Stix,
}

impl FormatArg {
    /// The format of the commands that are not `map`; `None` for `layer`
    /// and `stix`.
    pub(crate) fn common(self) -> Option<Format> {
        Some(match self {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Layer | FormatArg::Stix => return None,
        })
    }
}

/// How results are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Text for people: tables and blocks.
    #[value(alias = "table")]
    Human,
    /// One JSON document.
    Json,
    /// JSON lines: one compact JSON value per line.
    Jsonl,
    /// Comma-separated values (RFC 4180) with a header row; not for `stix`.
    Csv,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Read, check and summarise STIX 2.1 documents.
    #[command(subcommand, after_help = EXIT_CODES)]
    Stix(StixCommand),
    /// Ask the ATT&CK knowledge base: objects, what uses, mitigates and detects what, the
    /// matrix, similar actors.
    #[command(subcommand, after_help = EXIT_CODES)]
    Attack(AttackCommand),
    /// ATT&CK Navigator layers: validate, upgrade, combine, generate, render, diff.
    #[command(subcommand, after_help = EXIT_CODES)]
    Layer(LayerCommand),
    /// Map observations to ATT&CK techniques: events (Sigma rules), command lines, report text.
    #[command(subcommand, after_help = EXIT_CODES)]
    Map(MapCommand),
}

/// `ttpmap stix …`.
#[derive(Debug, Subcommand)]
pub(crate) enum StixCommand {
    /// Check files against the STIX 2.1 specification (exit 1 on violations).
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Parse a document and write it back, indented or compact.
    #[command(after_help = EXIT_CODES)]
    Fmt(FmtArgs),
    /// Count the objects of bundles, single objects or `mitre/cti` folders.
    #[command(after_help = EXIT_CODES)]
    Stats(StatsArgs),
    /// Check, format and match STIX patterns (indicator `pattern`s).
    #[command(subcommand, after_help = EXIT_CODES)]
    Pattern(PatternCommand),
}

/// `ttpmap stix validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Files to check: bundles or single objects; a folder checks every .json under it.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Count SHOULD violations as failures too.
    #[arg(long)]
    pub strict: bool,
}

/// `ttpmap stix fmt`.
#[derive(Debug, Args)]
pub(crate) struct FmtArgs {
    /// The document to rewrite: a bundle or a single object.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Write compact JSON on one line instead of indented JSON.
    #[arg(long)]
    pub compact: bool,

    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// `ttpmap stix stats`.
#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    /// Bundles, single objects, or folders in the `mitre/cti` layout.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `ttpmap stix pattern …`.
#[derive(Debug, Subcommand)]
pub(crate) enum PatternCommand {
    /// Check patterns against the STIX 2.1 patterning grammar and the SCO definitions (exit 1
    /// when one is invalid).
    #[command(after_help = EXIT_CODES)]
    Validate(PatternValidateArgs),
    /// Print a pattern in canonical form (exit 1 when it is invalid).
    #[command(after_help = EXIT_CODES)]
    Fmt(PatternFmtArgs),
    /// Match a pattern against observed data (exit 1 when it does not match).
    #[command(after_help = EXIT_CODES)]
    Match(PatternMatchArgs),
}

/// `ttpmap stix pattern validate`.
#[derive(Debug, Args)]
pub(crate) struct PatternValidateArgs {
    /// Patterns to check, e.g. "[file:name = 'a.exe']".
    #[arg(
        value_name = "PATTERN",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub patterns: Vec<String>,

    /// Read the patterns from this file, one a line; blank lines and lines starting with `#`
    /// are skipped.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `ttpmap stix pattern fmt`.
#[derive(Debug, Args)]
pub(crate) struct PatternFmtArgs {
    /// The pattern to print in canonical form.
    #[arg(value_name = "PATTERN")]
    pub pattern: String,
}

/// `ttpmap stix pattern match`.
#[derive(Debug, Args)]
pub(crate) struct PatternMatchArgs {
    /// The pattern to evaluate.
    #[arg(value_name = "PATTERN")]
    pub pattern: String,

    /// The observed data: a bundle, one observed-data object, or a JSON array of either.
    #[arg(long, value_name = "FILE")]
    pub observed: PathBuf,
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::path::PathBuf;

    use clap::{CommandFactory, Parser};

    use super::{Cli, FormatArg};

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_are_accepted_anywhere() {
        let argv = [
            "ttpmap",
            "--attack",
            "a",
            "stix",
            "--attack=b",
            "stats",
            "f",
            "--attack",
            "c",
        ];
        let cli = Cli::try_parse_args(argv.map(OsString::from)).map_err(|e| e.to_string());
        let cli = cli.as_ref().map(|c| (c.attack.clone(), c.format));
        let expected = ["a", "b", "c"].map(PathBuf::from).to_vec();
        assert_eq!(cli, Ok((expected, FormatArg::Human)));
        let argv = ["ttpmap", "stix", "stats", "--", "--attack"];
        let cli = Cli::try_parse_args(argv.map(OsString::from));
        assert_eq!(cli.map(|c| c.attack).ok(), Some(Vec::new()));
        let cli = Cli::try_parse_from(["ttpmap", "stix", "stats", "--format", "jsonl", "f"]);
        assert_eq!(cli.map(|c| c.format).ok(), Some(FormatArg::Jsonl));
    }

    #[test]
    fn table_is_human_and_csv_is_a_format() {
        for (name, format) in [("table", FormatArg::Human), ("csv", FormatArg::Csv)] {
            let cli = Cli::try_parse_from(["ttpmap", "attack", "stats", "--format", name]);
            assert_eq!(cli.map(|c| c.format).ok(), Some(format), "{name}");
        }
    }

    #[test]
    fn via_and_similar_take_comma_separated_lists() {
        use super::{AttackCommand, Command, Via};

        let argv = [
            "ttpmap",
            "attack",
            "techniques",
            "--group",
            "G",
            "--via",
            "direct,campaign",
        ];
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string());
        let via = cli.map(|c| match c.command {
            Command::Attack(AttackCommand::Techniques(args)) => args.via,
            _ => Vec::new(),
        });
        assert_eq!(via, Ok(vec![Via::Direct, Via::Campaign]));
        let argv = ["ttpmap", "attack", "similar", "T1,T2", "T3"];
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string());
        let techniques = cli.map(|c| match c.command {
            Command::Attack(AttackCommand::Similar(args)) => args.techniques,
            _ => Vec::new(),
        });
        assert_eq!(techniques, Ok(vec!["T1".into(), "T2".into(), "T3".into()]));
    }
}
