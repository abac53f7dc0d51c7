//! A layer as CSV: one row per technique and tactic.
//!
//! [`render_csv`] writes the techniques of a [`LayerView`] as a flat table,
//! column by column of the matrix and in the view's order, each technique
//! followed by its sub-techniques: the same rows as the "Techniques" sheet
//! of the [XLSX export](crate::render::xlsx). The text is RFC 4180: a
//! header row first, fields holding `,`, `"`, CR or LF quoted (quotes
//! doubled), CRLF line endings, UTF-8 without a byte-order mark.
//!
//! Fields are written as they are: a comment that starts with `=` stays so
//! (nothing is prefixed to keep spreadsheet programs from reading it as a
//! formula), since the CSV is the layer's data, not a picture of it.
//!
//! # Example
//!
//! ```
//! use ttpmap_attack::{Domain, KnowledgeBase, Paths};
//! use ttpmap_navigator::render::csv::{render_csv, CsvOptions};
//! use ttpmap_navigator::{actors_layer, LayerView};
//!
//! let kb = KnowledgeBase::sample();
//! let apt28 = kb.group("APT28")?;
//! let layer = actors_layer(&kb, &[apt28.object()], Domain::Enterprise, Paths::DIRECT)?;
//! let view = LayerView::new(&layer, &kb)?;
//! let options = CsvOptions { annotated_only: true, ..CsvOptions::default() };
//! let csv = render_csv(&view, &options);
//! assert!(csv.starts_with("Tactic,Technique ID,Technique Name,Sub-technique Of,Score,"));
//! assert!(csv.contains("\r\nExecution,T1059.001,PowerShell,T1059,1,,#e60d0d,"));
//! # Ok::<(), ttpmap_navigator::Error>(())
//! ```

use crate::color::Color;
use crate::model::{LinkItem, MetadataItem};
use crate::view::{LayerView, ViewCell};

/// The header row of the CSV and of the workbook's "Techniques" sheet.
pub const HEADER: [&str; 11] = [
    "Tactic",
    "Technique ID",
    "Technique Name",
    "Sub-technique Of",
    "Score",
    "Aggregate Score",
    "Color",
    "Comment",
    "Enabled",
    "Metadata",
    "Links",
];

/// Which rows the CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// Only techniques whose entry says something (score, colour, comment,
    /// metadata, links, disabled, …). Default `false`.
    pub annotated_only: bool,
    /// Every visible sub-technique, not only those of expanded techniques.
    /// Default `true`.
    pub include_subtechniques: bool,
}

impl Default for CsvOptions {
    fn default() -> CsvOptions {
        CsvOptions {
            annotated_only: false,
            include_subtechniques: true,
        }
    }
}

/// The techniques of `view` as RFC 4180 CSV: [`HEADER`] first, then one
/// row per technique (or sub-technique) and tactic, in the view's order.
///
/// The score and aggregate score are numbers (empty when there is none);
/// the colour is the cell's background as `#rrggbb` (manual colour, else
/// the score's), empty when the cell is not coloured; metadata read
/// `name: value; …` and links `label <url>; …` (dividers left out).
pub fn render_csv(view: &LayerView<'_, '_>, options: &CsvOptions) -> String {
    let mut out = String::new();
    write_record(&mut out, HEADER.iter().copied());
    for row in table_rows(view, options.annotated_only, options.include_subtechniques) {
        let fields = row.fields();
        write_record(&mut out, fields.iter().map(String::as_str));
    }
    out
}

/// Appends one record and its CRLF.
fn write_record<'s>(out: &mut String, fields: impl Iterator<Item = &'s str>) {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// One row of the technique table (CSV, and the workbook's "Techniques"
/// sheet).
#[derive(Debug, Clone)]
pub(crate) struct TableRow {
    /// The tactic's name.
    pub tactic: String,
    /// The ATT&CK id.
    pub id: String,
    /// The technique's name.
    pub name: String,
    /// The parent technique's id, for a sub-technique.
    pub parent: Option<String>,
    /// The score.
    pub score: Option<f64>,
    /// The aggregate score.
    pub aggregate: Option<f64>,
    /// The cell's background.
    pub background: Option<Color>,
    /// The cell's text colour.
    pub text: Color,
    /// The comment.
    pub comment: String,
    /// Whether the technique is enabled.
    pub enabled: bool,
    /// `name: value; …`.
    pub metadata: String,
    /// `label <url>; …`.
    pub links: String,
}

impl TableRow {
    fn new(cell: &ViewCell<'_, '_>, parent: Option<&ViewCell<'_, '_>>) -> TableRow {
        let entry = cell.entry;
        TableRow {
            tactic: cell.tactic.name().to_owned(),
            id: cell.technique.attack_id().unwrap_or_default().to_owned(),
            name: cell.technique.name().to_owned(),
            parent: parent.map(|p| p.technique.attack_id().unwrap_or_default().to_owned()),
            score: cell.score,
            aggregate: cell.aggregate,
            background: cell.background,
            text: cell.text,
            comment: entry.map(|e| e.comment.clone()).unwrap_or_default(),
            enabled: cell.enabled,
            metadata: entry
                .map(|e| metadata_text(&e.metadata))
                .unwrap_or_default(),
            links: entry.map(|e| links_text(&e.links)).unwrap_or_default(),
        }
    }

    /// The row as text, in [`HEADER`] order.
    pub fn fields(&self) -> [String; 11] {
        [
            self.tactic.clone(),
            self.id.clone(),
            self.name.clone(),
            self.parent.clone().unwrap_or_default(),
            number_text(self.score),
            number_text(self.aggregate),
            self.background.map(Color::to_hex).unwrap_or_default(),
            self.comment.clone(),
            self.enabled.to_string(),
            self.metadata.clone(),
            self.links.clone(),
        ]
    }
}

/// A number as the shortest text that reads back to it (`1`, `87.5`), or
/// empty.
fn number_text(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// `name: value; …`, dividers left out.
pub(crate) fn metadata_text(items: &[MetadataItem]) -> String {
    let parts: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            MetadataItem::Entry { name, value } => Some(format!("{name}: {value}")),
            MetadataItem::Divider => None,
        })
        .collect();
    parts.join("; ")
}

/// `label <url>; …`, dividers left out.
pub(crate) fn links_text(items: &[LinkItem]) -> String {
    let parts: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            LinkItem::Link { label, url } => Some(format!("{label} <{url}>")),
            LinkItem::Divider => None,
        })
        .collect();
    parts.join("; ")
}

/// The sub-techniques of `cell` a table shows: all of its visible ones, or
/// only those of an expanded technique.
pub(crate) fn shown_subtechniques<'c, 'a, 'kb>(
    cell: &'c ViewCell<'a, 'kb>,
    include_subtechniques: bool,
) -> &'c [ViewCell<'a, 'kb>] {
    if include_subtechniques || cell.expanded {
        &cell.subtechniques
    } else {
        &[]
    }
}

/// The rows of the technique table: matrix column by column, each
/// technique in view order followed by its shown sub-techniques.
pub(crate) fn table_rows(
    view: &LayerView<'_, '_>,
    annotated_only: bool,
    include_subtechniques: bool,
) -> Vec<TableRow> {
    let keep = |cell: &ViewCell<'_, '_>| !annotated_only || cell.is_annotated();
    let mut rows = Vec::new();
    for column in view.columns() {
        for cell in &column.cells {
            if keep(cell) {
                rows.push(TableRow::new(cell, None));
            }
            for sub in shown_subtechniques(cell, include_subtechniques) {
                if keep(sub) {
                    rows.push(TableRow::new(sub, Some(cell)));
                }
            }
        }
    }
    rows
}
