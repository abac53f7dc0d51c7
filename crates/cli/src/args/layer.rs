//! `ttpmap layer …`: the clap definitions of the Navigator layer commands.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use super::{Via, EXIT_CODES};

/// `ttpmap layer …`.
#[derive(Debug, Subcommand)]
pub(crate) enum LayerCommand {
    /// Check layer files (any format version) alone and against the ATT&CK data (exit 1 on
    /// errors).
    #[command(after_help = EXIT_CODES)]
    Validate(LayerValidateArgs),
    /// Rewrite a layer as format 4.5 and move it to the loaded ATT&CK release.
    #[command(after_help = EXIT_CODES)]
    Upgrade(LayerUpgradeArgs),
    /// Make a layer from other layers: a score expression over them (`a`, `b`, … in the
    /// order given), or a set operation.
    #[command(after_help = EXIT_CODES)]
    Combine(LayerCombineArgs),
    /// Make a layer from the ATT&CK data: techniques of groups, software, campaigns, a
    /// platform or a data component.
    #[command(after_help = EXIT_CODES)]
    Generate(LayerGenerateArgs),
    /// Draw a layer's matrix as SVG, or tabulate it as XLSX or CSV.
    #[command(after_help = EXIT_CODES)]
    Render(LayerRenderArgs),
    /// What differs between two layers (exit 1 when they differ).
    #[command(after_help = EXIT_CODES)]
    Diff(LayerDiffArgs),
}

/// `ttpmap layer validate`.
#[derive(Debug, Args)]
pub(crate) struct LayerValidateArgs {
    /// Layer files: one layer or an array of layers each.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Check the layer on its own, without ATT&CK data.
    #[arg(long)]
    pub offline: bool,

    /// Count warnings as failures too.
    #[arg(long)]
    pub strict: bool,
}

/// `ttpmap layer upgrade`.
#[derive(Debug, Args)]
pub(crate) struct LayerUpgradeArgs {
    /// The layer file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The ATT&CK release the layer was made on (a STIX file or folder): techniques are then
    /// compared release to release, and changed ones listed for review.
    #[arg(long, value_name = "PATH")]
    pub from: Option<PathBuf>,

    /// Only rewrite the layer format; keep its ATT&CK version and techniques.
    #[arg(long)]
    pub format_only: bool,

    /// Write the upgraded layer here instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Write the report of what changed here, as JSON (it always goes to stderr as text).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// A set operation over layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SetOp {
    /// Techniques in any layer.
    Union,
    /// Techniques in every layer.
    Intersection,
    /// Techniques of the first layer in none of the others.
    Difference,
    /// All techniques; later layers' scores win, comments are joined.
    Merge,
}

/// `ttpmap layer combine`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("how").required(true).args(["expr", "op"])))]
pub(crate) struct LayerCombineArgs {
    /// Layer files; the first is `a`, the second `b`, … (each file's layers in order).
    #[arg(required = true, value_name = "LAYER")]
    pub files: Vec<PathBuf>,

    /// Score expression, e.g. "a+b", "(a+b)/2", "a > 0 and b == 0 ? 1 : 0".
    #[arg(long, value_name = "EXPR")]
    pub expr: Option<String>,

    /// A set operation instead of an expression.
    #[arg(long, value_enum)]
    pub op: Option<SetOp>,

    /// Name of the new layer.
    #[arg(long)]
    pub name: Option<String>,

    /// Take comments from this layer (a letter: `a`, `b`, …).
    #[arg(long, value_name = "LAYER")]
    pub comments_from: Option<char>,

    /// Take links from this layer.
    #[arg(long, value_name = "LAYER")]
    pub links_from: Option<char>,

    /// Take technique metadata from this layer.
    #[arg(long, value_name = "LAYER")]
    pub metadata_from: Option<char>,

    /// Take manual colours from this layer.
    #[arg(long, value_name = "LAYER")]
    pub colors_from: Option<char>,

    /// Take the enabled state from this layer.
    #[arg(long, value_name = "LAYER")]
    pub enabled_from: Option<char>,

    /// Take the platform filter from this layer.
    #[arg(long, value_name = "LAYER")]
    pub filters_from: Option<char>,

    /// Take the legend from this layer.
    #[arg(long, value_name = "LAYER")]
    pub legend_from: Option<char>,

    /// Take the gradient from this layer.
    #[arg(long, value_name = "LAYER")]
    pub gradient_from: Option<char>,

    /// Take every part (comments, links, metadata, colours, enabled, filters, legend,
    /// gradient) from this layer, unless another option names one.
    #[arg(long, value_name = "LAYER")]
    pub all_from: Option<char>,

    /// Match entries as written, without expanding them to their techniques' tactics.
    #[arg(long)]
    pub offline: bool,

    /// Write the new layer here instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// `ttpmap layer generate`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).multiple(true)
    .args(["group", "software", "campaign", "platform", "data_component"])))]
pub(crate) struct LayerGenerateArgs {
    /// A group by ATT&CK id, name or alias (repeatable: several make a frequency heatmap).
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,

    /// A software by ATT&CK id, name or alias (repeatable).
    #[arg(long, value_name = "SOFTWARE")]
    pub software: Vec<String>,

    /// A campaign by ATT&CK id or name (repeatable).
    #[arg(long, value_name = "CAMPAIGN")]
    pub campaign: Vec<String>,

    /// Every technique of a platform (`Windows`, `Linux`, …).
    #[arg(long, conflicts_with_all = ["group", "software", "campaign", "data_component"])]
    pub platform: Option<String>,

    /// The techniques a data component helps detect.
    #[arg(long, value_name = "COMPONENT", conflicts_with_all = ["group", "software", "campaign"])]
    pub data_component: Option<String>,

    /// How a group's techniques are found (repeatable; default all).
    #[arg(long, value_enum)]
    pub via: Vec<Via>,

    /// The domain (`enterprise`, `mobile`, `ics`); default: Enterprise when loaded.
    #[arg(long)]
    pub domain: Option<String>,

    /// Name of the layer (default: from what it shows).
    #[arg(long)]
    pub name: Option<String>,

    /// Write the layer here instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// Paper sizes of the SVG export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Paper {
    /// 11 × 8.5 in.
    Letter,
    /// 14 × 8.5 in.
    Legal,
    /// 17 × 11 in.
    Small,
    /// 24 × 18 in.
    Medium,
    /// 36 × 24 in.
    Large,
}

/// `ttpmap layer render`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("to").required(true).multiple(true).args(["svg", "xlsx", "csv"])))]
pub(crate) struct LayerRenderArgs {
    /// The layer file (the first layer of an array unless --index).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Which layer of an array (0-based).
    #[arg(long, default_value_t = 0)]
    pub index: usize,

    /// Write an SVG picture of the matrix here (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,

    /// Write an XLSX workbook here.
    #[arg(long, value_name = "OUT")]
    pub xlsx: Option<PathBuf>,

    /// Write CSV here (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    pub csv: Option<PathBuf>,

    /// Only techniques with a score, colour, comment or other annotation.
    #[arg(long)]
    pub annotated_only: bool,

    /// SVG paper size.
    #[arg(long, value_enum, default_value_t = Paper::Letter)]
    pub paper: Paper,

    /// SVG in portrait orientation.
    #[arg(long)]
    pub portrait: bool,

    /// SVG width and height in pixels, instead of a paper size (e.g. 1920x1080).
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,

    /// Show technique IDs in the SVG (default: as the layer's layout says).
    #[arg(long, overrides_with = "no_ids")]
    pub ids: bool,

    /// Hide technique IDs in the SVG.
    #[arg(long)]
    pub no_ids: bool,

    /// Hide technique names in the SVG.
    #[arg(long)]
    pub no_names: bool,

    /// Draw the SVG without its header (name, domain, legend).
    #[arg(long)]
    pub no_header: bool,

    /// Dark SVG theme.
    #[arg(long)]
    pub dark: bool,
}

/// `ttpmap layer diff`.
#[derive(Debug, Args)]
pub(crate) struct LayerDiffArgs {
    /// The first layer file.
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// The second layer file.
    #[arg(value_name = "B")]
    pub b: PathBuf,
}
