//! The layer format 4.5 as typed Rust values.
//!
//! Every field of the format is a typed field here, holding its effective
//! value: a default the format defines is filled in when the file leaves the
//! field out, so `layer.layout.aggregate_function` is always meaningful.
//! Where absence itself means something (`score`, `tactic`, `versions.attack`,
//! `filters.platforms`, `customDataURL`) the field is an `Option`.
//!
//! Keys the format does not define, and values of the wrong JSON type, are
//! kept in the `extra` map of the object they were found on and written back
//! unchanged: nothing read is lost.

use serde_json::{Map, Value};

/// The layer format version this crate writes.
pub const LAYER_FORMAT: &str = "4.5";
/// The Navigator version written into `versions.navigator` of new layers.
pub const NAVIGATOR_VERSION: &str = "5.1.0";

/// An ATT&CK Navigator layer (format 4.5).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// `name`: shown on the layer's tab.
    pub name: String,
    /// `versions`: ATT&CK, Navigator and layer-format versions.
    pub versions: Versions,
    /// `domain`: `enterprise-attack`, `mobile-attack`, `ics-attack`, or the
    /// id of a custom domain.
    pub domain: String,
    /// `customDataURL`: a custom STIX bundle the layer is drawn on.
    pub custom_data_url: Option<String>,
    /// `description`.
    pub description: String,
    /// `filters`.
    pub filters: Filters,
    /// `sorting`.
    pub sorting: Sorting,
    /// `layout`.
    pub layout: Layout,
    /// `hideDisabled`: leave disabled techniques out of the view.
    pub hide_disabled: bool,
    /// `techniques`: the annotated techniques, in file order.
    pub techniques: Vec<TechniqueEntry>,
    /// `gradient`: how scores become colours.
    pub gradient: GradientSpec,
    /// `legendItems`.
    pub legend_items: Vec<LegendItem>,
    /// `metadata` of the layer.
    pub metadata: Vec<MetadataItem>,
    /// `links` of the layer.
    pub links: Vec<LinkItem>,
    /// `showTacticRowBackground`.
    pub show_tactic_row_background: bool,
    /// `tacticRowBackground`: colour of the tactic header row.
    pub tactic_row_background: String,
    /// `selectTechniquesAcrossTactics`.
    pub select_techniques_across_tactics: bool,
    /// `selectSubtechniquesWithParent`.
    pub select_subtechniques_with_parent: bool,
    /// `selectVisibleTechniques`.
    pub select_visible_techniques: bool,
    /// Keys the format does not define, kept in order.
    pub extra: Map<String, Value>,
}

impl Layer {
    /// An empty layer of `domain` (`enterprise-attack`, …) with the
    /// Navigator's defaults, for the given ATT&CK version (`"18"`), or the
    /// newest when `None`.
    ///
    /// ```
    /// use ttpmap_navigator::Layer;
    ///
    /// let layer = Layer::new("APT28", "enterprise-attack", Some("18"));
    /// assert_eq!(layer.versions.layer, "4.5");
    /// assert_eq!(layer.gradient.colors, ["#ff6666", "#ffe766", "#8ec843"]);
    /// ```
    pub fn new(name: impl Into<String>, domain: impl Into<String>, attack: Option<&str>) -> Layer {
        Layer {
            name: name.into(),
            versions: Versions {
                attack: attack.map(str::to_owned),
                ..Versions::default()
            },
            domain: domain.into(),
            custom_data_url: None,
            description: String::new(),
            filters: Filters::default(),
            sorting: Sorting::default(),
            layout: Layout::default(),
            hide_disabled: false,
            techniques: Vec::new(),
            gradient: GradientSpec::default(),
            legend_items: Vec::new(),
            metadata: Vec::new(),
            links: Vec::new(),
            show_tactic_row_background: false,
            tactic_row_background: DEFAULT_TACTIC_ROW_BACKGROUND.to_owned(),
            select_techniques_across_tactics: true,
            select_subtechniques_with_parent: false,
            select_visible_techniques: false,
            extra: Map::new(),
        }
    }

    /// The ATT&CK major version the layer is for (`"14.1"` → 14, `"v13"` →
    /// 13: the first run of digits, as the Navigator reads it).
    pub fn attack_major(&self) -> Option<u32> {
        let text = self.versions.attack.as_deref()?;
        let digits: String = text
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }

    /// The entries for `technique_id` (any tactic), in file order.
    pub fn entries_of<'a>(
        &'a self,
        technique_id: &'a str,
    ) -> impl Iterator<Item = &'a TechniqueEntry> + 'a {
        self.techniques
            .iter()
            .filter(move |e| e.technique_id.eq_ignore_ascii_case(technique_id))
    }
}

/// The Navigator's default tactic-row background.
pub const DEFAULT_TACTIC_ROW_BACKGROUND: &str = "#dddddd";

/// `versions`: which ATT&CK, Navigator and layer format the layer was made with.
#[derive(Debug, Clone, PartialEq)]
pub struct Versions {
    /// `attack`: the ATT&CK version; absent means the newest.
    pub attack: Option<String>,
    /// `navigator`: the Navigator version.
    pub navigator: String,
    /// `layer`: the layer format version; `4.5` once read.
    pub layer: String,
    /// Keys the format does not define.
    pub extra: Map<String, Value>,
}

impl Default for Versions {
    fn default() -> Versions {
        Versions {
            attack: None,
            navigator: NAVIGATOR_VERSION.to_owned(),
            layer: LAYER_FORMAT.to_owned(),
            extra: Map::new(),
        }
    }
}

/// `filters`: which platforms the matrix shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// `platforms`; `None` (or empty) means every platform of the domain.
    pub platforms: Option<Vec<String>>,
    /// Keys the format does not define.
    pub extra: Map<String, Value>,
}

/// `sorting`: the order of techniques in a tactic column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sorting {
    /// 0: by name, A to Z.
    #[default]
    NameAscending,
    /// 1: by name, Z to A.
    NameDescending,
    /// 2: by score, lowest first.
    ScoreAscending,
    /// 3: by score, highest first.
    ScoreDescending,
}

impl Sorting {
    /// The number the format stores.
    pub fn code(self) -> u8 {
        match self {
            Sorting::NameAscending => 0,
            Sorting::NameDescending => 1,
            Sorting::ScoreAscending => 2,
            Sorting::ScoreDescending => 3,
        }
    }

    /// The sorting of a stored number.
    pub fn from_code(code: u64) -> Option<Sorting> {
        Some(match code {
            0 => Sorting::NameAscending,
            1 => Sorting::NameDescending,
            2 => Sorting::ScoreAscending,
            3 => Sorting::ScoreDescending,
            _ => return None,
        })
    }
}

/// `layout`: how the matrix is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// `layout`.
    pub layout: LayoutKind,
    /// `aggregateFunction`.
    pub aggregate_function: AggregateFunction,
    /// `showID`.
    pub show_id: bool,
    /// `showName`.
    pub show_name: bool,
    /// `showAggregateScores`.
    pub show_aggregate_scores: bool,
    /// `countUnscored`: averages count unscored sub-techniques as 0.
    pub count_unscored: bool,
    /// `expandedSubtechniques`.
    pub expanded_subtechniques: ExpandedSubtechniques,
    /// Keys the format does not define.
    pub extra: Map<String, Value>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            layout: LayoutKind::Side,
            aggregate_function: AggregateFunction::Average,
            show_id: false,
            show_name: true,
            show_aggregate_scores: false,
            count_unscored: false,
            expanded_subtechniques: ExpandedSubtechniques::None,
            extra: Map::new(),
        }
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the format's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text the format stores.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value stored as `text`.
            pub fn from_text(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// `layout.layout`.
    LayoutKind {
        /// Sub-techniques drawn beside their technique.
        Side = "side",
        /// Sub-techniques drawn under their technique.
        Flat = "flat",
        /// Small squares without text.
        Mini = "mini",
    }
}

string_enum! {
    /// `layout.aggregateFunction`: how a technique's score combines with its
    /// sub-techniques' scores.
    AggregateFunction {
        /// The mean.
        Average = "average",
        /// The smallest.
        Min = "min",
        /// The largest.
        Max = "max",
        /// The total.
        Sum = "sum",
    }
}

string_enum! {
    /// `layout.expandedSubtechniques`: which techniques show their
    /// sub-techniques.
    ExpandedSubtechniques {
        /// As each entry's `showSubtechniques` says.
        None = "none",
        /// Those with an annotated sub-technique.
        Annotated = "annotated",
        /// All.
        All = "all",
    }
}

/// One entry of `techniques`: the annotation of a technique, under one
/// tactic or (without `tactic`) under all of its tactics.
#[derive(Debug, Clone, PartialEq)]
pub struct TechniqueEntry {
    /// `techniqueID`: `T1059` or `T1059.001`.
    pub technique_id: String,
    /// `tactic`: a tactic shortname (`execution`); `None` applies the entry
    /// to every tactic of the technique.
    pub tactic: Option<String>,
    /// `score`; `None` is unscored.
    pub score: Option<f64>,
    /// `color`: a manual colour that overrides the score's; `""` for none.
    pub color: String,
    /// `comment`.
    pub comment: String,
    /// `enabled`.
    pub enabled: bool,
    /// `metadata`.
    pub metadata: Vec<MetadataItem>,
    /// `links`.
    pub links: Vec<LinkItem>,
    /// `showSubtechniques`.
    pub show_subtechniques: bool,
    /// Keys the format does not define.
    pub extra: Map<String, Value>,
}

impl TechniqueEntry {
    /// An enabled, unannotated entry for `technique_id`.
    pub fn new(technique_id: impl Into<String>) -> TechniqueEntry {
        TechniqueEntry {
            technique_id: technique_id.into(),
            tactic: None,
            score: None,
            color: String::new(),
            comment: String::new(),
            enabled: true,
            metadata: Vec::new(),
            links: Vec::new(),
            show_subtechniques: false,
            extra: Map::new(),
        }
    }

    /// The same entry with `tactic`.
    pub fn with_tactic(mut self, tactic: impl Into<String>) -> TechniqueEntry {
        self.tactic = Some(tactic.into());
        self
    }

    /// The same entry with `score`.
    pub fn with_score(mut self, score: f64) -> TechniqueEntry {
        self.score = Some(score);
        self
    }

    /// The same entry with `comment`.
    pub fn with_comment(mut self, comment: impl Into<String>) -> TechniqueEntry {
        self.comment = comment.into();
        self
    }

    /// Whether the entry says anything beyond "this technique exists": a
    /// score, colour, comment, links or metadata, disabled, or showing its
    /// sub-techniques (the Navigator's "modified").
    pub fn is_annotated(&self) -> bool {
        self.score.is_some()
            || !self.color.is_empty()
            || !self.comment.is_empty()
            || !self.metadata.is_empty()
            || !self.links.is_empty()
            || !self.enabled
            || self.show_subtechniques
            || !self.extra.is_empty()
    }

    /// `T1059.001^execution`, or `T1059.001` without a tactic: how findings
    /// and diffs name the entry.
    pub fn key(&self) -> String {
        match &self.tactic {
            Some(tactic) => format!("{}^{tactic}", self.technique_id),
            None => self.technique_id.clone(),
        }
    }
}

/// `gradient`: the colours scores are drawn with.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientSpec {
    /// `colors`: two or more colours, lowest score first.
    pub colors: Vec<String>,
    /// `minValue`.
    pub min_value: f64,
    /// `maxValue`.
    pub max_value: f64,
    /// Keys the format does not define.
    pub extra: Map<String, Value>,
}

impl Default for GradientSpec {
    fn default() -> GradientSpec {
        GradientSpec {
            colors: ["#ff6666", "#ffe766", "#8ec843"]
                .map(str::to_owned)
                .to_vec(),
            min_value: 0.0,
            max_value: 100.0,
            extra: Map::new(),
        }
    }
}

/// One item of `legendItems`.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// `label`.
    pub label: String,
    /// `color`.
    pub color: String,
    /// Keys the format does not define.
    pub extra: Map<String, Value>,
}

/// One item of a `metadata` list: a name and value, or a divider.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataItem {
    /// `{"name": …, "value": …}`.
    Entry {
        /// `name`.
        name: String,
        /// `value`.
        value: String,
    },
    /// `{"divider": true}`.
    Divider,
}

/// One item of a `links` list: a labelled URL, or a divider.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkItem {
    /// `{"label": …, "url": …}`.
    Link {
        /// `label`.
        label: String,
        /// `url`.
        url: String,
    },
    /// `{"divider": true}`.
    Divider,
}
