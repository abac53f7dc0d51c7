//! `ttpmap map …`: the clap definitions of the mapping commands.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::EXIT_CODES;

/// `ttpmap map …`.
#[derive(Debug, Subcommand)]
pub(crate) enum MapCommand {
    /// Map events (JSON lines, JSON, evtx JSON, .evtx) with Sigma rules.
    #[command(after_help = EXIT_CODES)]
    Events(MapEventsArgs),
    /// Map a command line, or a file of them, with Sigma rules.
    #[command(after_help = EXIT_CODES)]
    Cmdline(MapCmdlineArgs),
    /// Map report text (text, Markdown, HTML): ATT&CK ids and names, a model of ATT&CK's
    /// procedure examples, and indicators of compromise.
    #[command(after_help = EXIT_CODES)]
    Text(MapTextArgs),
}

/// The rules of the commands that evaluate Sigma rules.
#[derive(Debug, Args)]
pub(crate) struct RuleOptions {
    /// Sigma rules: a file or a folder (repeatable). Added to the default rules.
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Do not load ttpmap's default rules.
    #[arg(long)]
    pub no_default_rules: bool,

    /// Extra log-source routing tables (repeatable; see crates/mapper/data/routing/README.md).
    #[arg(long, value_name = "FILE")]
    pub routing: Vec<PathBuf>,
}

/// Options every `map` command takes.
#[derive(Debug, Args)]
pub(crate) struct MapOptions {
    /// Leave out techniques mapped with less confidence than this (0 to 1).
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    pub min_confidence: f64,

    /// Name of the layer (`--format layer`).
    #[arg(long)]
    pub name: Option<String>,

    /// Write here instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// No progress bar on stderr.
    #[arg(long)]
    pub no_progress: bool,
}

/// `ttpmap map events`.
#[derive(Debug, Args)]
pub(crate) struct MapEventsArgs {
    /// Event files or folders: JSON lines (.jsonl, .ndjson), JSON (an array or one object;
    /// evtx JSON too), or Windows .evtx; `-` reads JSON events from standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    #[command(flatten)]
    pub rules: RuleOptions,

    #[command(flatten)]
    pub options: MapOptions,
}

/// The platform of a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Platform {
    /// Windows.
    Windows,
    /// Linux.
    Linux,
    /// macOS.
    Macos,
}

/// `ttpmap map cmdline`.
#[derive(Debug, Args)]
pub(crate) struct MapCmdlineArgs {
    /// The command line, e.g. "powershell.exe -enc SQBFAFgA…".
    #[arg(
        value_name = "COMMAND_LINE",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub command_line: Option<String>,

    /// Read command lines from this file instead, one a line (blank lines and lines starting
    /// with `#` are skipped).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// The executable's path (default: the command line's first word).
    #[arg(long)]
    pub image: Option<String>,

    /// The parent process's executable.
    #[arg(long)]
    pub parent: Option<String>,

    /// The user who ran it.
    #[arg(long)]
    pub user: Option<String>,

    /// The host it ran on.
    #[arg(long)]
    pub host: Option<String>,

    /// The platform (default: guessed from the command line).
    #[arg(long, value_enum)]
    pub platform: Option<Platform>,

    #[command(flatten)]
    pub rules: RuleOptions,

    #[command(flatten)]
    pub options: MapOptions,
}

/// `ttpmap map text`.
#[derive(Debug, Args)]
pub(crate) struct MapTextArgs {
    /// Reports: text, Markdown or HTML (by extension).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub options: MapOptions,
}
