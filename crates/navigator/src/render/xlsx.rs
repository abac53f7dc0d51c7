//! A layer as an XLSX workbook: one sheet per matrix, cells coloured as in the Navigator.
//!
//! [`render_xlsx`] writes three sheets:
//!
//! 1. **the matrix**, named after it as the Navigator's "export to Excel"
//!    names it (`Enterprise ATT&CK (v18)`): one column per tactic, the
//!    tactic names in bold on row 1 (on the layer's tactic-row background
//!    when it shows one), below each tactic its techniques in the view's
//!    order, each sub-technique indented under its technique; every cell
//!    filled with the colour the Navigator paints it and written in the
//!    colour that reads best on it, with a note giving its score and
//!    comment;
//! 2. **Techniques**: the flat table of the [CSV export](crate::render::csv)
//!    (same header, same rows), scores as numbers, a frozen header row and
//!    an autofilter;
//! 3. **Layer**: the layer's own settings (name, description, domain,
//!    versions, filters, sorting, layout, gradient, legend, metadata,
//!    links, properties the format does not define, as JSON) and its orphan
//!    entries, those that name no technique of the domain (or a tactic the
//!    technique is not under), so nothing the layer holds is hidden.
//!
//! Excel keeps at most 32,767 characters in a cell: longer text (a very long
//! comment) is cut there and ends with `…`; the CSV keeps it whole.
//!
//! # Example
//!
//! ```
//! use ttpmap_attack::{Domain, KnowledgeBase, Paths};
//! use ttpmap_navigator::render::xlsx::{render_xlsx, XlsxOptions};
//! use ttpmap_navigator::{actors_layer, LayerView};
//!
//! let kb = KnowledgeBase::sample();
//! let apt28 = kb.group("APT28")?;
//! let layer = actors_layer(&kb, &[apt28.object()], Domain::Enterprise, Paths::DIRECT)?;
//! let view = LayerView::new(&layer, &kb)?;
//! let workbook = render_xlsx(&view, &XlsxOptions::default())?;
//! assert!(workbook.starts_with(b"PK"));
//! # Ok::<(), ttpmap_navigator::Error>(())
//! ```

use std::borrow::Cow;

use rust_xlsxwriter::{
    Color as XlsxColor, Format, FormatAlign, FormatBorder, FormatPattern, Note, Workbook,
    Worksheet, XlsxError,
};
use ttpmap_attack::Domain;

use crate::color::Color;
use crate::error::{Error, Result};
use crate::model::{Layer, LinkItem, MetadataItem, Sorting, TechniqueEntry};
use crate::render::csv::{
    links_text, metadata_text, shown_subtechniques, table_rows, TableRow, HEADER,
};
use crate::view::{LayerView, ViewCell, ViewColumn};

/// The name of the flat table sheet.
pub const TECHNIQUES_SHEET: &str = "Techniques";
/// The name of the layer settings sheet.
pub const LAYER_SHEET: &str = "Layer";

/// Excel's limit on the characters of a cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on the characters of a note (the cell limit less room for
/// an author prefix).
const MAX_NOTE_CHARS: usize = MAX_CELL_CHARS - 54;
/// Width of a tactic column, in characters (the Navigator's minimum).
const TACTIC_WIDTH: f64 = 30.0;

/// What the workbook shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XlsxOptions {
    /// Every visible sub-technique, not only those of expanded techniques.
    /// Default `true`.
    pub include_subtechniques: bool,
    /// Only techniques whose entry says something (score, colour, comment,
    /// metadata, links, disabled, …); on the matrix sheet a technique also
    /// stays when one of its shown sub-techniques does. Default `false`.
    pub annotated_only: bool,
    /// Matrix cells read `T1059: Command and Scripting Interpreter` rather
    /// than the name alone. Default `true`.
    pub show_ids: bool,
}

impl Default for XlsxOptions {
    fn default() -> XlsxOptions {
        XlsxOptions {
            include_subtechniques: true,
            annotated_only: false,
            show_ids: true,
        }
    }
}

/// The layer drawn by `view` as an XLSX workbook (the file's bytes): the
/// matrix sheet, the "Techniques" table and the "Layer" settings.
pub fn render_xlsx(view: &LayerView<'_, '_>, options: &XlsxOptions) -> Result<Vec<u8>> {
    workbook(view, *options)
        .map_err(|e| Error::Unsupported(format!("cannot write the workbook: {e}")))
}

fn workbook(view: &LayerView<'_, '_>, options: XlsxOptions) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    matrix_sheet(workbook.add_worksheet(), view, options)?;
    techniques_sheet(workbook.add_worksheet(), view, options)?;
    layer_sheet(workbook.add_worksheet(), view)?;
    workbook.save_to_buffer()
}

/// The Navigator's name of the matrix of `domain`.
fn matrix_name(domain: Domain) -> &'static str {
    match domain {
        Domain::Enterprise => "Enterprise ATT&CK",
        Domain::Mobile => "Mobile ATT&CK",
        Domain::Ics => "ICS ATT&CK",
    }
}

/// The matrix sheet's name: the matrix, and the ATT&CK version when the
/// layer names one, as the Navigator writes it.
fn matrix_sheet_name(view: &LayerView<'_, '_>) -> String {
    let name = matrix_name(view.domain());
    match view.layer().attack_major() {
        Some(major) => sheet_name(&format!("{name} (v{major})")),
        None => sheet_name(name),
    }
}

/// `name` made a valid sheet name: at most 31 characters, none of
/// `[]:*?/\`, no apostrophe at either end, not empty.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let trimmed = cleaned.trim_matches('\'');
    if trimmed.is_empty() {
        "Matrix".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `text` cut to what a cell holds.
fn cell_text(text: &str, limit: usize) -> Cow<'_, str> {
    if text.char_indices().nth(limit).is_none() {
        Cow::Borrowed(text)
    } else {
        let cut: String = text.chars().take(limit - 1).collect();
        Cow::Owned(cut + "…")
    }
}

fn xlsx_color(color: Color) -> XlsxColor {
    XlsxColor::RGB((u32::from(color.r) << 16) | (u32::from(color.g) << 8) | u32::from(color.b))
}

/// A format filled with `background` and written in the colour that reads
/// best on it.
fn filled(format: Format, background: Color) -> Format {
    format
        .set_pattern(FormatPattern::Solid)
        .set_background_color(xlsx_color(background))
        .set_font_color(xlsx_color(
            background.most_readable(&[Color::WHITE, Color::BLACK]),
        ))
}

/// A technique cell's format: its fill and text colour, indented when a
/// sub-technique.
fn cell_format(cell: &ViewCell<'_, '_>) -> Format {
    let mut format = Format::new()
        .set_align(FormatAlign::Top)
        .set_font_color(xlsx_color(cell.text));
    if let Some(background) = cell.background {
        format = format
            .set_pattern(FormatPattern::Solid)
            .set_background_color(xlsx_color(background));
    }
    if cell.technique.is_subtechnique() {
        format = format.set_indent(1);
    }
    format
}

/// The note of a technique cell: score, aggregate score and comment.
fn cell_note(cell: &ViewCell<'_, '_>) -> Option<String> {
    let mut lines = Vec::new();
    if let Some(score) = cell.score {
        lines.push(format!("Score: {score}"));
    }
    if let Some(aggregate) = cell.aggregate {
        lines.push(format!("Aggregate score: {aggregate}"));
    }
    if let Some(comment) = cell.entry.map(|e| e.comment.as_str()) {
        if !comment.is_empty() {
            lines.push(comment.to_owned());
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn display_name(cell: &ViewCell<'_, '_>, show_ids: bool) -> String {
    match cell.technique.attack_id() {
        Some(id) if show_ids => format!("{id}: {}", cell.technique.name()),
        _ => cell.technique.name().to_owned(),
    }
}

/// The cells of one tactic column of the matrix sheet, in order.
fn column_cells<'c, 'a, 'kb>(
    column: &'c ViewColumn<'a, 'kb>,
    options: XlsxOptions,
) -> Vec<&'c ViewCell<'a, 'kb>> {
    let keep = |cell: &ViewCell<'_, '_>| !options.annotated_only || cell.is_annotated();
    let mut cells = Vec::new();
    for cell in &column.cells {
        let subs: Vec<&ViewCell<'a, 'kb>> =
            shown_subtechniques(cell, options.include_subtechniques)
                .iter()
                .filter(|s| keep(s))
                .collect();
        if keep(cell) || !subs.is_empty() {
            cells.push(cell);
            cells.extend(subs);
        }
    }
    cells
}

fn matrix_sheet(
    sheet: &mut Worksheet,
    view: &LayerView<'_, '_>,
    options: XlsxOptions,
) -> Result<(), XlsxError> {
    let layer = view.layer();
    sheet.set_name(matrix_sheet_name(view))?;
    let mut header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border_bottom(FormatBorder::Thin);
    if layer.show_tactic_row_background {
        if let Ok(background) = Color::parse(&layer.tactic_row_background) {
            header = filled(header, background.over(Color::WHITE));
        }
    }
    let columns = view.columns();
    let shown = columns
        .iter()
        .map(|c| (c, column_cells(c, options)))
        .filter(|(_, cells)| !cells.is_empty());
    for (index, (column, cells)) in shown.enumerate() {
        let col = u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.set_column_width(col, TACTIC_WIDTH)?;
        sheet.write_string_with_format(0, col, column.tactic.name(), &header)?;
        for (offset, cell) in cells.into_iter().enumerate() {
            let row = u32::try_from(offset + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            let text = display_name(cell, options.show_ids);
            sheet.write_string_with_format(row, col, &text, &cell_format(cell))?;
            if let Some(note) = cell_note(cell) {
                let note = Note::new(cell_text(&note, MAX_NOTE_CHARS)).add_author_prefix(false);
                sheet.insert_note(row, col, &note)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn techniques_sheet(
    sheet: &mut Worksheet,
    view: &LayerView<'_, '_>,
    options: XlsxOptions,
) -> Result<(), XlsxError> {
    sheet.set_name(TECHNIQUES_SHEET)?;
    let bold = Format::new().set_bold();
    for (col, (title, width)) in HEADER
        .iter()
        .zip([22, 13, 40, 16, 8, 16, 10, 60, 9, 40, 40])
        .enumerate()
    {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, &bold)?;
        sheet.set_column_width(col, width)?;
    }
    let rows = table_rows(view, options.annotated_only, options.include_subtechniques);
    for (index, row) in rows.iter().enumerate() {
        let line = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        write_table_row(sheet, line, row)?;
    }
    let last = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, HEADER.len() as u16 - 1)?;
    Ok(())
}

fn write_table_row(sheet: &mut Worksheet, line: u32, row: &TableRow) -> Result<(), XlsxError> {
    let text = |s: &str| cell_text(s, MAX_CELL_CHARS).into_owned();
    sheet.write_string(line, 0, text(&row.tactic))?;
    sheet.write_string(line, 1, text(&row.id))?;
    sheet.write_string(line, 2, text(&row.name))?;
    if let Some(parent) = &row.parent {
        sheet.write_string(line, 3, text(parent))?;
    }
    if let Some(score) = row.score {
        sheet.write_number(line, 4, score)?;
    }
    if let Some(aggregate) = row.aggregate {
        sheet.write_number(line, 5, aggregate)?;
    }
    if let Some(background) = row.background {
        let format = Format::new()
            .set_pattern(FormatPattern::Solid)
            .set_background_color(xlsx_color(background))
            .set_font_color(xlsx_color(row.text));
        sheet.write_string_with_format(line, 6, background.to_hex(), &format)?;
    }
    if !row.comment.is_empty() {
        sheet.write_string(line, 7, text(&row.comment))?;
    }
    sheet.write_boolean(line, 8, row.enabled)?;
    if !row.metadata.is_empty() {
        sheet.write_string(line, 9, text(&row.metadata))?;
    }
    if !row.links.is_empty() {
        sheet.write_string(line, 10, text(&row.links))?;
    }
    Ok(())
}

/// How the layer's sorting reads.
fn sorting_text(sorting: Sorting) -> &'static str {
    match sorting {
        Sorting::NameAscending => "by name, A to Z",
        Sorting::NameDescending => "by name, Z to A",
        Sorting::ScoreAscending => "by score, lowest first",
        Sorting::ScoreDescending => "by score, highest first",
    }
}

/// Writes the rows of the "Layer" sheet one after the other.
struct KeyValues<'s> {
    sheet: &'s mut Worksheet,
    row: u32,
    key: Format,
}

impl KeyValues<'_> {
    fn text(&mut self, key: &str, value: &str) -> Result<(), XlsxError> {
        self.sheet
            .write_string_with_format(self.row, 0, key, &self.key)?;
        if !value.is_empty() {
            self.sheet
                .write_string(self.row, 1, cell_text(value, MAX_CELL_CHARS))?;
        }
        self.row += 1;
        Ok(())
    }

    fn boolean(&mut self, key: &str, value: bool) -> Result<(), XlsxError> {
        self.sheet
            .write_string_with_format(self.row, 0, key, &self.key)?;
        self.sheet.write_boolean(self.row, 1, value)?;
        self.row += 1;
        Ok(())
    }

    fn number(&mut self, key: &str, value: f64) -> Result<(), XlsxError> {
        self.sheet
            .write_string_with_format(self.row, 0, key, &self.key)?;
        self.sheet.write_number(self.row, 1, value)?;
        self.row += 1;
        Ok(())
    }

    /// A key and several values, one a column; a value that is a colour is
    /// written on that colour.
    fn values(&mut self, key: &str, values: &[&str], colored: bool) -> Result<(), XlsxError> {
        self.sheet
            .write_string_with_format(self.row, 0, key, &self.key)?;
        for (index, value) in values.iter().enumerate() {
            let col = u16::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            let value = cell_text(value, MAX_CELL_CHARS);
            match Color::parse(&value).ok().filter(|_| colored) {
                Some(color) => {
                    let format = filled(Format::new(), color.over(Color::WHITE));
                    self.sheet
                        .write_string_with_format(self.row, col, value, &format)?;
                }
                None => {
                    self.sheet.write_string(self.row, col, value)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }
}

fn layer_sheet(sheet: &mut Worksheet, view: &LayerView<'_, '_>) -> Result<(), XlsxError> {
    let layer = view.layer();
    sheet.set_name(LAYER_SHEET)?;
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 40)?;
    for col in 2..=8 {
        sheet.set_column_width(col, 16)?;
    }
    let mut out = KeyValues {
        sheet,
        row: 0,
        key: Format::new().set_bold().set_align(FormatAlign::Top),
    };
    settings(&mut out, layer)?;
    let orphans: Vec<&TechniqueEntry> = view.orphans().collect();
    if !orphans.is_empty() {
        out.row += 1;
        out.values(
            "Orphan entries",
            &[
                "Technique ID",
                "Tactic",
                "Score",
                "Color",
                "Comment",
                "Enabled",
                "Metadata",
                "Links",
            ],
            false,
        )?;
        for entry in orphans {
            orphan_row(&mut out, entry)?;
        }
    }
    Ok(())
}

fn settings(out: &mut KeyValues<'_>, layer: &Layer) -> Result<(), XlsxError> {
    out.text("Name", &layer.name)?;
    out.text("Description", &layer.description)?;
    out.text("Domain", &layer.domain)?;
    out.text(
        "ATT&CK version",
        layer.versions.attack.as_deref().unwrap_or_default(),
    )?;
    out.text("Navigator version", &layer.versions.navigator)?;
    out.text("Layer format", &layer.versions.layer)?;
    if let Some(url) = &layer.custom_data_url {
        out.text("Custom data URL", url)?;
    }
    let platforms = layer
        .filters
        .platforms
        .as_ref()
        .filter(|p| !p.is_empty())
        .map_or_else(|| "all".to_owned(), |p| p.join(", "));
    out.text("Platforms", &platforms)?;
    out.text("Sorting", sorting_text(layer.sorting))?;
    out.text("Layout", layer.layout.layout.as_str())?;
    out.boolean("Show IDs", layer.layout.show_id)?;
    out.boolean("Show names", layer.layout.show_name)?;
    out.boolean("Show aggregate scores", layer.layout.show_aggregate_scores)?;
    out.text(
        "Aggregate function",
        layer.layout.aggregate_function.as_str(),
    )?;
    out.boolean("Count unscored", layer.layout.count_unscored)?;
    out.text(
        "Expanded sub-techniques",
        layer.layout.expanded_subtechniques.as_str(),
    )?;
    out.boolean("Hide disabled", layer.hide_disabled)?;
    out.boolean(
        "Show tactic row background",
        layer.show_tactic_row_background,
    )?;
    out.values(
        "Tactic row background",
        &[layer.tactic_row_background.as_str()],
        true,
    )?;
    let colors: Vec<&str> = layer.gradient.colors.iter().map(String::as_str).collect();
    out.values("Gradient colors", &colors, true)?;
    out.number("Gradient minimum", layer.gradient.min_value)?;
    out.number("Gradient maximum", layer.gradient.max_value)?;
    for item in &layer.legend_items {
        out.values("Legend item", &[&item.label, &item.color], true)?;
    }
    for item in &layer.metadata {
        if let MetadataItem::Entry { name, value } = item {
            out.values("Metadata", &[name, value], false)?;
        }
    }
    for item in &layer.links {
        if let LinkItem::Link { label, url } = item {
            out.values("Link", &[label, url], false)?;
        }
    }
    for (key, value) in &layer.extra {
        out.values("Other property", &[key, &value.to_string()], false)?;
    }
    Ok(())
}

fn orphan_row(out: &mut KeyValues<'_>, entry: &TechniqueEntry) -> Result<(), XlsxError> {
    let row = out.row;
    out.sheet
        .write_string_with_format(row, 0, "Orphan entry", &out.key)?;
    out.sheet
        .write_string(row, 1, cell_text(&entry.technique_id, MAX_CELL_CHARS))?;
    if let Some(tactic) = &entry.tactic {
        out.sheet
            .write_string(row, 2, cell_text(tactic, MAX_CELL_CHARS))?;
    }
    if let Some(score) = entry.score {
        out.sheet.write_number(row, 3, score)?;
    }
    if !entry.color.is_empty() {
        out.sheet
            .write_string(row, 4, cell_text(&entry.color, MAX_CELL_CHARS))?;
    }
    if !entry.comment.is_empty() {
        out.sheet
            .write_string(row, 5, cell_text(&entry.comment, MAX_CELL_CHARS))?;
    }
    out.sheet.write_boolean(row, 6, entry.enabled)?;
    let metadata = metadata_text(&entry.metadata);
    if !metadata.is_empty() {
        out.sheet
            .write_string(row, 7, cell_text(&metadata, MAX_CELL_CHARS))?;
    }
    let links = links_text(&entry.links);
    if !links.is_empty() {
        out.sheet
            .write_string(row, 8, cell_text(&links, MAX_CELL_CHARS))?;
    }
    out.row += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(
            sheet_name("Enterprise ATT&CK (v18)"),
            "Enterprise ATT&CK (v18)"
        );
        assert_eq!(sheet_name("a/b[c]:d*e?f\\"), "a_b_c__d_e_f_");
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name("''"), "Matrix");
        assert_eq!(sheet_name(&"x".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn long_text_is_cut() {
        assert_eq!(cell_text("abc", 3), "abc");
        assert_eq!(cell_text("abcd", 3), "ab…");
        assert_eq!(cell_text("ééé", 5), "ééé");
    }
}
