//! `ttpmap attack …`: the clap definitions of the ATT&CK commands.

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use super::EXIT_CODES;

/// `ttpmap attack …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AttackCommand {
    /// Loaded domains and releases, objects per kind, relationships, warnings.
    #[command(after_help = EXIT_CODES)]
    Stats,
    /// One object by ATT&CK id, STIX id, name or alias, with its details.
    #[command(after_help = EXIT_CODES)]
    Show(ShowArgs),
    /// Ranked fuzzy search over ATT&CK ids, names and aliases.
    #[command(after_help = EXIT_CODES)]
    Search(SearchArgs),
    /// Techniques matching every filter given (all techniques without one).
    #[command(after_help = EXIT_CODES)]
    Techniques(TechniquesArgs),
    /// Groups using a technique or a software, directly or through their campaigns.
    #[command(after_help = EXIT_CODES)]
    Groups(GroupsArgs),
    /// Software using a technique and/or used by a group (all software without a filter).
    #[command(after_help = EXIT_CODES)]
    Software(SoftwareArgs),
    /// Mitigations of a technique, with how each mitigates it.
    #[command(after_help = EXIT_CODES)]
    Mitigations(MitigationsArgs),
    /// Detection strategies, their analytics and the data components for a technique.
    #[command(after_help = EXIT_CODES)]
    Detections(DetectionsArgs),
    /// The matrix of a domain: tactics in order, their techniques and sub-techniques.
    #[command(after_help = EXIT_CODES)]
    Matrix(MatrixArgs),
    /// Known actors (groups, campaigns, software) ranked by how well they match techniques.
    #[command(after_help = EXIT_CODES)]
    Similar(SimilarArgs),
}

/// `ttpmap attack show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// An ATT&CK id (`T1059.001`, `G0007`), STIX id, name or alias (`Fancy Bear`).
    #[arg(value_name = "ID")]
    pub id: String,
}

/// `ttpmap attack search`.
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The text to look for.
    #[arg(value_name = "TEXT")]
    pub text: String,

    /// Show at most this many hits.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Include revoked and deprecated objects.
    #[arg(long)]
    pub include_revoked: bool,
}

/// `ttpmap attack techniques`.
#[derive(Debug, Args)]
pub(crate) struct TechniquesArgs {
    /// Used by this group (id, name or alias), through the `--via` paths.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// Used by this software.
    #[arg(long, value_name = "SOFTWARE")]
    pub software: Option<String>,

    /// Used in this campaign.
    #[arg(long, value_name = "CAMPAIGN")]
    pub campaign: Option<String>,

    /// Of this tactic (id, name or short name such as `execution`).
    #[arg(long, value_name = "TACTIC")]
    pub tactic: Option<String>,

    /// On this platform (any case, e.g. `Windows`).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,

    /// Mitigated by this mitigation.
    #[arg(long, value_name = "MITIGATION")]
    pub mitigation: Option<String>,

    /// Detected with this data component.
    #[arg(long, value_name = "DATA_COMPONENT")]
    pub data_component: Option<String>,

    /// In this domain (`enterprise`, `mobile`, `ics`).
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// The paths through which `--group` uses a technique (default: all three).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "PATHS",
        requires = "group"
    )]
    pub via: Vec<Via>,

    /// Include revoked and deprecated objects and relationships.
    #[arg(long)]
    pub include_revoked: bool,
}

/// A path through which a group uses a technique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Via {
    /// The group's own `uses` relationships.
    Direct,
    /// Through the software the group uses.
    Software,
    /// Through the campaigns attributed to the group.
    Campaign,
}

/// `ttpmap attack groups`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("target").required(true).args(["technique", "software"])))]
pub(crate) struct GroupsArgs {
    /// Groups using this technique.
    #[arg(long, value_name = "TECHNIQUE")]
    pub technique: Option<String>,

    /// Groups using this software.
    #[arg(long, value_name = "SOFTWARE")]
    pub software: Option<String>,

    /// Include revoked and deprecated objects and relationships.
    #[arg(long)]
    pub include_revoked: bool,
}

/// `ttpmap attack software`.
#[derive(Debug, Args)]
pub(crate) struct SoftwareArgs {
    /// Software using this technique.
    #[arg(long, value_name = "TECHNIQUE")]
    pub technique: Option<String>,

    /// Software used by this group (directly or in its campaigns).
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// Include revoked and deprecated objects and relationships.
    #[arg(long)]
    pub include_revoked: bool,
}

/// `ttpmap attack mitigations`.
#[derive(Debug, Args)]
pub(crate) struct MitigationsArgs {
    /// The technique (id, STIX id or name).
    #[arg(long, required = true, value_name = "TECHNIQUE")]
    pub technique: String,

    /// Include revoked and deprecated objects and relationships.
    #[arg(long)]
    pub include_revoked: bool,
}

/// `ttpmap attack detections`.
#[derive(Debug, Args)]
pub(crate) struct DetectionsArgs {
    /// The technique (id, STIX id or name).
    #[arg(long, required = true, value_name = "TECHNIQUE")]
    pub technique: String,

    /// Include revoked and deprecated objects and relationships.
    #[arg(long)]
    pub include_revoked: bool,
}

/// `ttpmap attack matrix`.
#[derive(Debug, Args)]
pub(crate) struct MatrixArgs {
    /// The domain (`enterprise`, `mobile`, `ics`); default: Enterprise when loaded, else the
    /// first domain loaded.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// Only techniques on this platform (any case).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
}

/// `ttpmap attack similar`.
#[derive(Debug, Args)]
pub(crate) struct SimilarArgs {
    /// Observed techniques: ids or names, comma-separated or as several arguments.
    #[arg(required = true, value_name = "TECHNIQUES", value_delimiter = ',')]
    pub techniques: Vec<String>,

    /// Show at most this many actors.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
}
