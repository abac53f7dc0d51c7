//! An SVG picture of a layer's matrix, like the Navigator's "export to SVG".
//!
//! [`render_svg`] draws a [`LayerView`] on one page: a header of rounded
//! boxes (the layer's name and description, its domain, platforms,
//! aggregate function and legend) above the matrix, one equal-width column
//! per tactic that has visible techniques. Each technique is a rectangle
//! coloured as the Navigator colours it, with its ID and/or name in the
//! colour that reads best on it; shown sub-techniques are drawn indented
//! under their technique. Which techniques are drawn, their order, colours
//! and expansion all come from the view.
//!
//! The text of every technique is set in one font size, the largest with
//! which each text fits its cell in at most three lines (12 px at most,
//! 4 px at least; text that does not fit even then is cut with "…"), as
//! the Navigator's auto-fit does. Text widths are estimated from an average
//! glyph width, so no font is needed. Each technique carries a `<title>`
//! (ID, name, score, comment) that browsers show on hover.
//!
//! The output is deterministic: the same view and options give the same
//! bytes. Numbers are written with at most two decimals.
//!
//! # Example
//!
//! ```
//! use ttpmap_attack::{Domain, KnowledgeBase, Paths};
//! use ttpmap_navigator::render::svg::{render_svg, SvgOptions};
//! use ttpmap_navigator::{actors_layer, LayerView};
//!
//! let kb = KnowledgeBase::sample();
//! let layer = actors_layer(&kb, &[kb.group("APT28")?.object()], Domain::Enterprise, Paths::DIRECT)?;
//! let view = LayerView::new(&layer, &kb)?;
//! let svg = render_svg(&view, &SvgOptions::default());
//! assert!(svg.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
//! assert!(svg.contains(r#"width="1056" height="816" viewBox="0 0 1056 816""#));
//! assert!(svg.contains("APT28 (G0007)"));
//! assert!(svg.contains(r#"<rect class="technique" data-id="T1059""#));
//! # Ok::<(), ttpmap_navigator::Error>(())
//! ```

use std::fmt::{self, Write as _};

use ttpmap_attack::Domain;

use crate::color::Color;
use crate::model::{AggregateFunction, LayoutKind};
use crate::view::{LayerView, ViewCell, ViewColumn};

/// CSS pixels per inch, as the Navigator converts page sizes.
pub const PX_PER_INCH: f64 = 96.0;

/// The margin around the page, in pixels.
const MARGIN: f64 = 5.0;
/// Space between the header and the matrix.
const HEADER_GAP: f64 = 5.0;
/// The largest and smallest font sizes of auto-fitted text.
const MAX_FONT: f64 = 12.0;
const MIN_FONT: f64 = 4.0;
/// Line height as a multiple of the font size.
const LINE_HEIGHT: f64 = 1.15;
/// The most lines a technique's text is wrapped into.
const MAX_LINES: usize = 3;
/// Horizontal padding of text inside a cell.
const CELL_PADDING: f64 = 2.0;
/// The title of a header box.
const TITLE_SIZE: f64 = 12.0;
/// The longest tooltip comment, in characters.
const MAX_TOOLTIP: usize = 1000;

/// A paper size of the Navigator's SVG export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PageSize {
    /// US letter, 11 × 8.5 in.
    #[default]
    Letter,
    /// US legal, 14 × 8.5 in.
    Legal,
    /// Small (tabloid), 17 × 11 in.
    Small,
    /// Medium, 24 × 18 in.
    Medium,
    /// Large, 36 × 24 in.
    Large,
}

impl PageSize {
    /// The long and the short side, in inches.
    pub fn inches(self) -> (f64, f64) {
        match self {
            PageSize::Letter => (11.0, 8.5),
            PageSize::Legal => (14.0, 8.5),
            PageSize::Small => (17.0, 11.0),
            PageSize::Medium => (24.0, 18.0),
            PageSize::Large => (36.0, 24.0),
        }
    }
}

/// Which sub-techniques are drawn under their technique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SubtechniqueDisplay {
    /// Every visible sub-technique of every technique.
    All,
    /// Those of the techniques the view expands (the layer's
    /// `showSubtechniques` and `expandedSubtechniques`).
    #[default]
    Expanded,
    /// None.
    None,
}

/// The colour theme of the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    /// Black on white, cell borders `#6B7279`.
    #[default]
    Light,
    /// White on `#2e2e3f`, cell borders `#4c4c68`; techniques without a
    /// colour are drawn on the dark background in white.
    Dark,
}

impl Theme {
    /// The page background.
    pub fn background(self) -> Color {
        match self {
            Theme::Light => Color::WHITE,
            Theme::Dark => rgb(0x2e, 0x2e, 0x3f),
        }
    }

    /// The colour of cell borders, sub-technique bars and markers.
    pub fn border(self) -> Color {
        match self {
            Theme::Light => rgb(0x6b, 0x72, 0x79),
            Theme::Dark => rgb(0x4c, 0x4c, 0x68),
        }
    }

    /// The colour of text on the page background.
    pub fn text(self) -> Color {
        match self {
            Theme::Light => Color::BLACK,
            Theme::Dark => Color::WHITE,
        }
    }

    /// The colour of secondary text (the titles of header boxes).
    fn muted(self) -> Color {
        match self {
            Theme::Light => self.border(),
            Theme::Dark => rgb(0xa0, 0xa0, 0xb8),
        }
    }
}

fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color { r, g, b, a: 1.0 }
}

/// What to draw and how: the options of the Navigator's SVG export.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgOptions {
    /// Page width in pixels (default 1056: letter landscape, 11 in at 96 px/in).
    pub width: f64,
    /// Page height in pixels (default 816: 8.5 in).
    pub height: f64,
    /// Height of the header in pixels (default 96: one inch); at most half
    /// the page, and below 20 px the default (hide the header with
    /// `show_header` instead).
    pub header_height: f64,
    /// The font family (default `sans-serif`); a family whose name holds
    /// `mono` is measured as monospace.
    pub font_family: String,
    /// Draw the header at all.
    pub show_header: bool,
    /// The "about" box: the layer's name and description.
    pub show_about: bool,
    /// The "domain" box: e.g. "Enterprise ATT&CK v18".
    pub show_domain: bool,
    /// The "platforms" box: the platform filter, or "all".
    pub show_filters: bool,
    /// The "legend" box.
    pub show_legend: bool,
    /// The score gradient in the legend box.
    pub show_gradient: bool,
    /// Which sub-techniques are drawn.
    pub subtechniques: SubtechniqueDisplay,
    /// Show technique IDs; `None` does as the layer's `layout.showID` says.
    pub show_ids: Option<bool>,
    /// Show technique names; `None` does as the layer's `layout.showName`
    /// says.
    pub show_names: Option<bool>,
    /// Draw only annotated techniques (and those with an annotated
    /// sub-technique), and only the tactics that still have some.
    pub annotated_only: bool,
    /// Light or dark.
    pub theme: Theme,
}

impl Default for SvgOptions {
    fn default() -> SvgOptions {
        SvgOptions::page(PageSize::Letter, true)
    }
}

impl SvgOptions {
    /// The default options on a page of `size`, landscape or portrait.
    ///
    /// ```
    /// use ttpmap_navigator::render::svg::{PageSize, SvgOptions};
    ///
    /// let options = SvgOptions::page(PageSize::Legal, false);
    /// assert_eq!((options.width, options.height), (816.0, 1344.0));
    /// ```
    pub fn page(size: PageSize, landscape: bool) -> SvgOptions {
        let (long, short) = size.inches();
        let (width, height) = if landscape {
            (long, short)
        } else {
            (short, long)
        };
        SvgOptions {
            width: width * PX_PER_INCH,
            height: height * PX_PER_INCH,
            header_height: PX_PER_INCH,
            font_family: "sans-serif".to_owned(),
            show_header: true,
            show_about: true,
            show_domain: true,
            show_filters: true,
            show_legend: true,
            show_gradient: true,
            subtechniques: SubtechniqueDisplay::Expanded,
            show_ids: None,
            show_names: None,
            annotated_only: false,
            theme: Theme::Light,
        }
    }
}

/// Draw the matrix of `view` as an SVG document (with its XML prolog).
///
/// Sizes that are not finite or too small to draw on are replaced by the
/// defaults (a page is at least 100 × 100 px).
pub fn render_svg(view: &LayerView<'_, '_>, options: &SvgOptions) -> String {
    let defaults = SvgOptions::default();
    let width = usable(options.width, defaults.width, 100.0);
    let height = usable(options.height, defaults.height, 100.0);
    let glyph = if options.font_family.to_ascii_lowercase().contains("mono") {
        0.6
    } else {
        0.55
    };
    let mut svg = Svg {
        out: String::with_capacity(64 * 1024),
        theme: options.theme,
        glyph,
    };
    svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.line(format_args!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{f}\">",
        w = N(width),
        h = N(height),
        f = Esc(&options.font_family),
    ));
    svg.line(format_args!("<title>{}</title>", Esc(&view.layer().name)));
    svg.line(format_args!(
        "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
        N(width),
        N(height),
        options.theme.background().to_hex()
    ));
    let mut area = Area {
        x: MARGIN,
        y: MARGIN,
        w: width - 2.0 * MARGIN,
        h: height - 2.0 * MARGIN,
    };
    if options.show_header {
        let boxes = header_boxes(view, options);
        if !boxes.is_empty() {
            let header_height =
                usable(options.header_height, defaults.header_height, 20.0).min(area.h / 2.0);
            svg.header(
                view,
                &boxes,
                Area {
                    h: header_height,
                    ..area
                },
            );
            area.y += header_height + HEADER_GAP;
            area.h -= header_height + HEADER_GAP;
        }
    }
    let columns = view.columns();
    let laid = lay_out(&columns, options);
    if !laid.is_empty() {
        let text = CellText {
            ids: options.show_ids.unwrap_or(view.layer().layout.show_id),
            names: options.show_names.unwrap_or(view.layer().layout.show_name),
        };
        svg.raw("<g class=\"matrix\">\n");
        if view.layer().layout.layout == LayoutKind::Mini {
            svg.mini_matrix(view, &laid, area);
        } else {
            svg.matrix(view, &laid, area, text);
        }
        svg.raw("</g>\n");
    }
    svg.raw("</svg>\n");
    svg.out
}

/// `value` when it is finite and at least `min`, else `default`.
fn usable(value: f64, default: f64, min: f64) -> f64 {
    if value.is_finite() && value >= min {
        value
    } else {
        default
    }
}

/// A rectangle of the page.
#[derive(Debug, Clone, Copy)]
struct Area {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// A number with at most two decimals, without trailing zeros.
struct N(f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.0.is_finite() { self.0 } else { 0.0 };
        let mut text = format!("{value:.2}");
        if text.contains('.') {
            let trimmed = text.trim_end_matches('0').trim_end_matches('.').len();
            text.truncate(trimmed);
        }
        if text == "-0" {
            "0".clone_into(&mut text);
        }
        f.write_str(&text)
    }
}

/// Text escaped for XML content and attribute values; characters XML
/// cannot hold (control characters) are left out.
struct Esc<'t>(&'t str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                '\t' | '\n' | '\r' => f.write_char(c)?,
                c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// A box of the header.
enum HeaderBox {
    /// Paragraphs of text (bold or not).
    Text {
        title: &'static str,
        paragraphs: Vec<(String, bool)>,
    },
    /// The gradient and the legend items.
    Legend { gradient: bool },
}

fn domain_name(domain: Domain) -> &'static str {
    match domain {
        Domain::Enterprise => "Enterprise ATT&CK",
        Domain::Mobile => "Mobile ATT&CK",
        Domain::Ics => "ICS ATT&CK",
    }
}

fn header_boxes(view: &LayerView<'_, '_>, options: &SvgOptions) -> Vec<HeaderBox> {
    let layer = view.layer();
    let mut boxes = Vec::new();
    if options.show_about {
        let mut paragraphs = vec![(layer.name.clone(), true)];
        if !layer.description.trim().is_empty() {
            paragraphs.push((layer.description.clone(), false));
        }
        boxes.push(HeaderBox::Text {
            title: "about",
            paragraphs,
        });
    }
    // The layer's ATT&CK version, else the loaded release's major version.
    let release_major = view
        .kb()
        .release_version(view.domain())
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    let domain = match layer.attack_major().or(release_major) {
        Some(major) => format!("{} v{major}", domain_name(view.domain())),
        None => domain_name(view.domain()).to_owned(),
    };
    let platforms = match layer.filters.platforms.as_deref() {
        Some(platforms) if !platforms.is_empty() => platforms.join(", "),
        _ => "all".to_owned(),
    };
    let aggregates = layer.layout.show_aggregate_scores;
    if aggregates && options.show_domain && options.show_filters {
        // The Navigator merges the two to make room for the aggregate box.
        boxes.push(HeaderBox::Text {
            title: "domain & platforms",
            paragraphs: vec![(domain, false), (format!("platforms: {platforms}"), false)],
        });
    } else {
        if options.show_domain {
            boxes.push(HeaderBox::Text {
                title: "domain",
                paragraphs: vec![(domain, false)],
            });
        }
        if options.show_filters {
            boxes.push(HeaderBox::Text {
                title: "platforms",
                paragraphs: vec![(platforms, false)],
            });
        }
    }
    if aggregates {
        let function = layer.layout.aggregate_function;
        let mut paragraphs = vec![(format!("aggregate: {function}"), false)];
        if layer.layout.count_unscored && function == AggregateFunction::Average {
            paragraphs.push(("includes unscored techniques as 0".to_owned(), false));
        }
        boxes.push(HeaderBox::Text {
            title: "aggregate",
            paragraphs,
        });
    }
    if options.show_legend && (options.show_gradient || !layer.legend_items.is_empty()) {
        boxes.push(HeaderBox::Legend {
            gradient: options.show_gradient,
        });
    }
    boxes
}

/// Whether technique cells show IDs and names.
#[derive(Debug, Clone, Copy)]
struct CellText {
    ids: bool,
    names: bool,
}

impl CellText {
    fn of(self, cell: &ViewCell<'_, '_>) -> String {
        let id = cell.technique.attack_id().unwrap_or("");
        let name = cell.technique.name();
        match (self.ids && !id.is_empty(), self.names) {
            (true, true) => format!("{id}: {name}"),
            (true, false) => id.to_owned(),
            (false, true) => name.to_owned(),
            (false, false) => String::new(),
        }
    }
}

/// The mark on a technique that has sub-techniques.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// No sub-techniques.
    None,
    /// Its sub-techniques are drawn under it.
    Expanded,
    /// It has sub-techniques, not drawn.
    Collapsed,
}

/// One drawn row of a column.
struct Row<'v, 'a, 'kb> {
    cell: &'v ViewCell<'a, 'kb>,
    sub: bool,
    marker: Marker,
}

/// A tactic column with the rows it draws.
struct Laid<'v, 'a, 'kb> {
    column: &'v ViewColumn<'a, 'kb>,
    rows: Vec<Row<'v, 'a, 'kb>>,
    /// Row ranges (first, last) of sub-techniques drawn under a technique.
    groups: Vec<(usize, usize)>,
}

fn lay_out<'v, 'a, 'kb>(
    columns: &'v [ViewColumn<'a, 'kb>],
    options: &SvgOptions,
) -> Vec<Laid<'v, 'a, 'kb>> {
    let mut laid = Vec::new();
    for column in columns {
        let mut rows = Vec::new();
        let mut groups = Vec::new();
        for cell in &column.cells {
            if options.annotated_only
                && !cell.is_annotated()
                && !cell.subtechniques.iter().any(ViewCell::is_annotated)
            {
                continue;
            }
            let show = match options.subtechniques {
                SubtechniqueDisplay::All => true,
                SubtechniqueDisplay::Expanded => cell.expanded,
                SubtechniqueDisplay::None => false,
            };
            let subs: Vec<&ViewCell<'a, 'kb>> = if show {
                cell.subtechniques
                    .iter()
                    .filter(|s| !options.annotated_only || s.is_annotated())
                    .collect()
            } else {
                Vec::new()
            };
            let marker = if !subs.is_empty() {
                Marker::Expanded
            } else if cell.subtechnique_count > 0 {
                Marker::Collapsed
            } else {
                Marker::None
            };
            rows.push(Row {
                cell,
                sub: false,
                marker,
            });
            let first = rows.len();
            rows.extend(subs.into_iter().map(|cell| Row {
                cell,
                sub: true,
                marker: Marker::None,
            }));
            if rows.len() > first {
                groups.push((first, rows.len() - 1));
            }
        }
        if !rows.is_empty() {
            laid.push(Laid {
                column,
                rows,
                groups,
            });
        }
    }
    laid
}

/// Greedy word wrap at `max_chars` characters a line; words longer than a
/// line are kept whole (callers cut them).
fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in paragraph.split_whitespace() {
            let word_len = word.chars().count();
            if len > 0 && len + 1 + word_len > max_chars {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            line.push_str(word);
            len += word_len;
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// How many whole things of size 1 fit in `room`, forgiving rounding
/// errors (a size computed to fit exactly must fit).
fn fit_count(room: f64) -> usize {
    if room.is_finite() && room > 0.0 {
        (room + 1e-6).floor() as usize
    } else {
        0
    }
}

/// `line` cut to `max_chars` characters, ending with "…" when cut.
fn cut(line: &str, max_chars: usize) -> String {
    if line.chars().count() <= max_chars {
        return line.to_owned();
    }
    let mut out: String = line
        .chars()
        .take(max_chars.saturating_sub(1))
        .collect::<String>()
        .trim_end()
        .to_owned();
    out.push('…');
    out
}

/// The fewest characters a line needs so that `text` wraps into at most
/// `lines` lines.
fn min_line_chars(text: &str, lines: usize) -> usize {
    let longest = text
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    // Fewer lines the wider a line is: the smallest width that fits, by
    // bisection (a line as long as the whole text always fits).
    let (mut low, mut high) = (longest, text.chars().count().max(longest));
    while low < high {
        let mid = low + (high - low) / 2;
        if wrap(text, mid).len() <= lines {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

/// The largest font size (uncapped) at which `text` fits `width` × `height`
/// in at most `MAX_LINES` lines, with glyphs `glyph` em wide.
fn best_size(text: &str, width: f64, height: f64, glyph: f64) -> f64 {
    if text.trim().is_empty() {
        return f64::INFINITY;
    }
    (1..=MAX_LINES)
        .map(|lines| {
            let chars = min_line_chars(text, lines).max(1) as f64;
            let by_width = width / (glyph * chars);
            let by_height = height / (lines as f64 * LINE_HEIGHT);
            by_width.min(by_height)
        })
        .fold(0.0, f64::max)
}

/// The lines `text` is drawn in at `size` in `width` × `height`: wrapped,
/// at most `max_lines` lines, cut with "…" when it does not fit.
fn lines_at(
    text: &str,
    size: f64,
    width: f64,
    height: f64,
    glyph: f64,
    max_lines: usize,
) -> Vec<String> {
    let max_chars = fit_count(width / (glyph * size));
    let room = fit_count(height / (size * LINE_HEIGHT)).min(max_lines);
    if room == 0 {
        return Vec::new();
    }
    let mut lines = wrap(text, max_chars);
    if lines.len() > room {
        let rest = lines[room - 1..].join(" ");
        lines.truncate(room - 1);
        // Mark the cut even when the kept part of the last line fits.
        let mut last = cut(&rest, max_chars);
        if !last.ends_with('…') {
            last = cut(&format!("{rest} …"), max_chars);
        }
        lines.push(last);
    }
    lines.into_iter().map(|l| cut(&l, max_chars)).collect()
}

/// Paragraphs fitted into a box: the size and the lines (with boldness).
fn fit_paragraphs(
    paragraphs: &[(String, bool)],
    width: f64,
    height: f64,
    glyph: f64,
) -> (f64, Vec<(String, bool)>) {
    let wrap_all = |size: f64| -> Vec<(String, bool)> {
        let mut lines = Vec::new();
        for (text, bold) in paragraphs {
            let g = if *bold { glyph * 1.1 } else { glyph };
            let max_chars = fit_count(width / (g * size)).max(1);
            lines.extend(wrap(text, max_chars).into_iter().map(|l| (l, *bold)));
        }
        lines
    };
    let mut size = MAX_FONT;
    while size > MIN_FONT {
        let lines = wrap_all(size);
        let fits_height = lines.len() as f64 * size * LINE_HEIGHT <= height;
        let fits_width = lines.iter().all(|(l, bold)| {
            let g = if *bold { glyph * 1.1 } else { glyph };
            l.chars().count() as f64 * g * size <= width
        });
        if fits_height && fits_width {
            return (size, lines);
        }
        size -= 0.5;
    }
    let size = MIN_FONT;
    let room = fit_count(height / (size * LINE_HEIGHT)).max(1);
    let mut lines = wrap_all(size);
    let cut_off = lines.len() > room;
    lines.truncate(room);
    let last = lines.len().saturating_sub(1);
    let lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, (l, bold))| {
            let g = if bold { glyph * 1.1 } else { glyph };
            let max_chars = fit_count(width / (g * size)).max(1);
            let l = if cut_off && i == last {
                cut(&format!("{l} …"), max_chars)
            } else {
                cut(&l, max_chars)
            };
            (l, bold)
        })
        .collect();
    (size, lines)
}

/// The tooltip of a technique: "ID Name — score N — comment".
fn tooltip(cell: &ViewCell<'_, '_>) -> String {
    let mut parts = vec![match cell.technique.attack_id() {
        Some(id) => format!("{id} {}", cell.technique.name()),
        None => cell.technique.name().to_owned(),
    }];
    if let Some(score) = cell.score {
        parts.push(format!("score {}", N(score)));
    }
    if let Some(aggregate) = cell.aggregate {
        parts.push(format!("aggregate score {}", N(aggregate)));
    }
    if !cell.enabled {
        parts.push("disabled".to_owned());
    }
    if let Some(entry) = cell.entry.filter(|e| !e.comment.trim().is_empty()) {
        parts.push(cut(entry.comment.trim(), MAX_TOOLTIP));
    }
    parts.join(" — ")
}

/// The SVG being written.
struct Svg {
    out: String,
    theme: Theme,
    glyph: f64,
}

impl Svg {
    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn line(&mut self, args: fmt::Arguments<'_>) {
        // Writing to a String cannot fail.
        self.out.write_fmt(args).ok();
        self.out.push('\n');
    }

    /// Lines of text, vertically centred on `cy` (or from `top` when
    /// given), starting at `x`.
    fn text_block(&mut self, block: &TextBlock<'_>) {
        if block.lines.is_empty() {
            return;
        }
        let size = block.size;
        let step = size * LINE_HEIGHT;
        let top = block
            .top
            .unwrap_or(block.cy - block.lines.len() as f64 * step / 2.0);
        let mut attrs = format!(
            "class=\"{}\" font-size=\"{}\" fill=\"{}\"",
            block.class,
            N(size),
            block.color.to_hex()
        );
        if block.bold {
            attrs.push_str(" font-weight=\"bold\"");
        }
        if let Some(anchor) = block.anchor {
            write!(attrs, " text-anchor=\"{anchor}\"").ok();
        }
        let mut text = format!("<text {attrs}>");
        for (i, line) in block.lines.iter().enumerate() {
            let baseline = top + i as f64 * step + step / 2.0 + 0.35 * size;
            write!(
                text,
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                N(block.x),
                N(baseline),
                Esc(line)
            )
            .ok();
        }
        text.push_str("</text>");
        self.line(format_args!("{text}"));
    }

    fn header(&mut self, view: &LayerView<'_, '_>, boxes: &[HeaderBox], area: Area) {
        // d3.scaleBand().padding(0.05) over the header's width.
        let n = boxes.len() as f64;
        let step = area.w / (n + 0.05);
        let pad = 0.05 * step;
        let band = step - pad;
        let text = self.theme.text();
        let border = self.theme.border();
        self.raw("<g class=\"header\">\n");
        for (i, header_box) in boxes.iter().enumerate() {
            let x = area.x + pad + i as f64 * step;
            let title = match header_box {
                HeaderBox::Text { title, .. } => *title,
                HeaderBox::Legend { .. } => "legend",
            };
            self.line(format_args!(
                "<rect class=\"header-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\" ry=\"5\" fill=\"none\" stroke=\"{}\"/>",
                N(x),
                N(area.y),
                N(band),
                N(area.h),
                border.to_hex()
            ));
            self.text_block(&TextBlock {
                class: "header-title",
                lines: &[title.to_owned()],
                x: x + 6.0,
                cy: 0.0,
                top: Some(area.y + 2.0),
                size: TITLE_SIZE,
                color: self.theme.muted(),
                bold: false,
                anchor: None,
            });
            let content = Area {
                x: x + 6.0,
                y: area.y + 4.0 + TITLE_SIZE * LINE_HEIGHT,
                w: band - 12.0,
                h: area.h - 8.0 - TITLE_SIZE * LINE_HEIGHT,
            };
            match header_box {
                HeaderBox::Text { paragraphs, .. } => {
                    let (size, lines) =
                        fit_paragraphs(paragraphs, content.w, content.h, self.glyph);
                    let step = size * LINE_HEIGHT;
                    for (j, (line, bold)) in lines.iter().enumerate() {
                        self.text_block(&TextBlock {
                            class: "header-text",
                            lines: std::slice::from_ref(line),
                            x: content.x,
                            cy: 0.0,
                            top: Some(content.y + j as f64 * step),
                            size,
                            color: text,
                            bold: *bold,
                            anchor: None,
                        });
                    }
                }
                HeaderBox::Legend { gradient } => self.legend(view, *gradient, content),
            }
        }
        self.raw("</g>\n");
    }

    fn legend(&mut self, view: &LayerView<'_, '_>, show_gradient: bool, area: Area) {
        let text = self.theme.text();
        let border = self.theme.border();
        let background = self.theme.background();
        let mut y = area.y;
        if show_gradient {
            let gradient = view.gradient();
            let steps = gradient.steps();
            let count = (2 * gradient.colors().len()).max(2);
            let bar_h = (area.h * 0.25).clamp(4.0, 14.0);
            let cell_w = area.w / count as f64;
            for i in 0..count {
                let index = if steps.is_empty() {
                    0
                } else {
                    ((i * (steps.len() - 1)) as f64 / (count - 1) as f64).round() as usize
                };
                let color = steps
                    .get(index)
                    .or_else(|| gradient.colors().get(i.min(1)))
                    .map_or(background, |c| c.over(background));
                self.line(format_args!(
                    "<rect class=\"gradient\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"0.5\"/>",
                    N(area.x + i as f64 * cell_w),
                    N(y),
                    N(cell_w),
                    N(bar_h),
                    color.to_hex(),
                    border.to_hex()
                ));
            }
            y += bar_h;
            let label_size = (area.h * 0.2).clamp(MIN_FONT, 10.0);
            let stops = gradient.colors().len().max(2);
            for j in 0..stops {
                let fraction = j as f64 / (stops - 1) as f64;
                let value = gradient.min() + fraction * (gradient.max() - gradient.min());
                let anchor = if j == 0 {
                    "start"
                } else if j == stops - 1 {
                    "end"
                } else {
                    "middle"
                };
                self.text_block(&TextBlock {
                    class: "gradient-label",
                    lines: &[N(value).to_string()],
                    x: area.x + fraction * area.w,
                    cy: 0.0,
                    top: Some(y),
                    size: label_size,
                    color: text,
                    bold: false,
                    anchor: Some(anchor),
                });
            }
            y += label_size * LINE_HEIGHT + 3.0;
        }
        let items = &view.layer().legend_items;
        let room = area.y + area.h - y;
        if items.is_empty() || room < MIN_FONT {
            return;
        }
        // Items in columns, as many rows a column as fit at 11 px a row.
        let rows = ((room / 11.0).floor() as usize).clamp(1, items.len());
        let columns = items.len().div_ceil(rows);
        let column_w = area.w / columns as f64;
        let row_h = (room / rows as f64).min(14.0);
        let swatch = (row_h * 0.75).min(10.0);
        let label_w = column_w - swatch - 8.0;
        let size = items
            .iter()
            .map(|item| best_size(&item.label, label_w, row_h, self.glyph))
            .fold(MAX_FONT, f64::min)
            .max(MIN_FONT);
        for (i, item) in items.iter().enumerate() {
            let x = area.x + (i / rows) as f64 * column_w;
            let top = y + (i % rows) as f64 * row_h;
            let color = Color::parse(&item.color)
                .map_or(background, |c| c.over(background))
                .to_hex();
            self.line(format_args!(
                "<rect class=\"legend-item\" x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"0.5\"/>",
                N(x),
                N(top + (row_h - swatch) / 2.0),
                color,
                border.to_hex(),
                s = N(swatch),
            ));
            let lines = lines_at(&item.label, size, label_w, row_h, self.glyph, 1);
            self.text_block(&TextBlock {
                class: "legend-label",
                lines: &lines,
                x: x + swatch + 4.0,
                cy: top + row_h / 2.0,
                top: None,
                size,
                color: text,
                bold: false,
                anchor: None,
            });
        }
    }

    /// The tactic name row of a column; answers the colour of its text.
    fn tactic_row(
        &mut self,
        view: &LayerView<'_, '_>,
        column: &ViewColumn<'_, '_>,
        cell: Area,
    ) -> Color {
        let layer = view.layer();
        let mut color = self.theme.text();
        let mut background = None;
        if layer.show_tactic_row_background {
            let fill = Color::parse(&layer.tactic_row_background)
                .unwrap_or(rgb(0xdd, 0xdd, 0xdd))
                .over(self.theme.background());
            color = fill.most_readable(&[Color::WHITE, Color::BLACK]);
            background = Some(fill);
        }
        let tactic = column.tactic;
        let title = match tactic.attack_id() {
            Some(id) => format!("{id} {}", tactic.name()),
            None => tactic.name().to_owned(),
        };
        self.line(format_args!(
            "<rect class=\"tactic\" data-tactic=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
            Esc(tactic.shortname()),
            N(cell.x),
            N(cell.y),
            N(cell.w),
            N(cell.h),
            background.map_or_else(|| "none".to_owned(), Color::to_hex),
            Esc(&title)
        ));
        color
    }

    fn matrix(
        &mut self,
        view: &LayerView<'_, '_>,
        laid: &[Laid<'_, '_, '_>],
        area: Area,
        text: CellText,
    ) {
        let columns = laid.len() as f64;
        // d3.scaleBand().paddingInner(0.1) across the full width.
        let step = area.w / (columns - 0.1);
        let column_w = step * 0.9;
        let rows = laid.iter().map(|c| c.rows.len() + 1).max().unwrap_or(1) as f64;
        let row_h = area.h / rows;
        let indent = (2.0 * row_h).min(15.0).min(column_w * 0.3);
        // The strip on the right of a technique with sub-techniques: a thin
        // bar when collapsed, a triangle when expanded.
        let marker_w = |marker: Marker| match marker {
            Marker::None => 0.0,
            Marker::Collapsed => (column_w * 0.045).clamp(1.5, 3.5),
            Marker::Expanded => (column_w * 0.09).clamp(3.0, 8.0).min(row_h * 0.8),
        };
        let stroke = if row_h >= 6.0 { 1.0 } else { 0.5 };
        let border = self.theme.border().to_hex();
        let text_h = (row_h - 2.0 * stroke).max(0.0);

        // One font size for every technique, one for every tactic.
        let cell_text_w = |row: &Row<'_, '_, '_>| {
            let mut w = column_w - 2.0 * CELL_PADDING;
            if row.sub {
                w -= indent;
            }
            (w - marker_w(row.marker)).max(1.0)
        };
        let technique_size = laid
            .iter()
            .flat_map(|c| c.rows.iter())
            .map(|row| best_size(&text.of(row.cell), cell_text_w(row), text_h, self.glyph))
            .fold(MAX_FONT, f64::min)
            .max(MIN_FONT);
        let tactic_size = self.tactic_font_size(laid, column_w, text_h);

        for (i, column) in laid.iter().enumerate() {
            let x = area.x + i as f64 * step;
            let tactic = column.column.tactic;
            let header = Area {
                x,
                y: area.y,
                w: column_w,
                h: row_h,
            };
            self.tactic_header(view, column, header, text_h, tactic_size);
            for (r, row) in column.rows.iter().enumerate() {
                let y = area.y + (r + 1) as f64 * row_h;
                let cell_x = if row.sub { x + indent } else { x };
                let cell_w = if row.sub { column_w - indent } else { column_w };
                let (fill, color) = self.cell_colors(row.cell);
                self.line(format_args!(
                    "<rect class=\"technique\" data-id=\"{}\" data-tactic=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"><title>{}</title></rect>",
                    Esc(row.cell.technique.attack_id().unwrap_or("")),
                    Esc(tactic.shortname()),
                    N(cell_x),
                    N(y),
                    N(cell_w),
                    N(row_h),
                    fill.to_hex(),
                    border,
                    N(stroke),
                    Esc(&tooltip(row.cell))
                ));
                let strip = marker_w(row.marker);
                let strip = Area {
                    x: cell_x + cell_w - strip,
                    y,
                    w: strip,
                    h: row_h,
                };
                self.marker(row.marker, strip, &border, color);
                let lines = lines_at(
                    &text.of(row.cell),
                    technique_size,
                    cell_text_w(row),
                    text_h,
                    self.glyph,
                    MAX_LINES,
                );
                self.text_block(&TextBlock {
                    class: "technique-name",
                    lines: &lines,
                    x: cell_x + CELL_PADDING,
                    cy: y + row_h / 2.0,
                    top: None,
                    size: technique_size,
                    color,
                    bold: false,
                    anchor: None,
                });
            }
            for &(first, last) in &column.groups {
                let top = area.y + (first + 1) as f64 * row_h;
                let bottom = area.y + (last + 2) as f64 * row_h;
                self.line(format_args!(
                    "<rect class=\"subtechnique-bar\" x=\"{}\" y=\"{}\" width=\"3\" height=\"{}\" fill=\"{}\"/>",
                    N(x + (indent - 3.0) / 2.0),
                    N(top),
                    N(bottom - top),
                    border
                ));
            }
            self.raw("</g>\n");
        }
    }

    /// The mark of a technique with sub-techniques, in the `strip` on its
    /// right: a bar in the border colour when collapsed, a triangle in the
    /// text colour when expanded.
    fn marker(&mut self, marker: Marker, strip: Area, border: &str, text: Color) {
        let Area { x, y, w, h } = strip;
        match marker {
            Marker::None => {}
            Marker::Collapsed => self.line(format_args!(
                "<rect class=\"collapsed\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{border}\"/>",
                N(x),
                N(y),
                N(w),
                N(h)
            )),
            Marker::Expanded => {
                // A small triangle pointing down to the sub-techniques.
                let side = (w - 1.0).min(h * 0.5).max(1.0);
                let cx = x + w / 2.0 - 0.5;
                let cy = y + h / 2.0;
                self.line(format_args!(
                    "<path class=\"expanded\" d=\"M{},{} L{},{} L{},{} Z\" fill=\"{}\"/>",
                    N(cx - side / 2.0),
                    N(cy - side / 3.0),
                    N(cx + side / 2.0),
                    N(cy - side / 3.0),
                    N(cx),
                    N(cy + side / 2.0),
                    text.to_hex()
                ));
            }
        }
    }

    /// The fill and text colours of a technique: the view's, except that a
    /// technique without a colour takes the page background in the dark
    /// theme.
    fn cell_colors(&self, cell: &ViewCell<'_, '_>) -> (Color, Color) {
        match (cell.background, self.theme) {
            (Some(background), _) => (background, cell.text),
            (None, Theme::Light) => (Color::WHITE, cell.text),
            (None, Theme::Dark) => (
                self.theme.background(),
                if cell.enabled {
                    Color::WHITE
                } else {
                    cell.text
                },
            ),
        }
    }

    /// The mini layout: each technique a small square, without text.
    /// One font size for every tactic name: the smallest of the sizes at
    /// which each name fits a header `column_w` wide and `text_h` high.
    fn tactic_font_size(&self, laid: &[Laid<'_, '_, '_>], column_w: f64, text_h: f64) -> f64 {
        let bold_glyph = self.glyph * 1.1;
        laid.iter()
            .map(|c| {
                best_size(
                    c.column.tactic.name(),
                    column_w - 2.0 * CELL_PADDING,
                    text_h,
                    bold_glyph,
                )
            })
            .fold(MAX_FONT, f64::min)
            .max(MIN_FONT)
    }

    /// Open a tactic's column group and draw its header: the background
    /// and the tactic's name in `size`, within `text_h`.
    fn tactic_header(
        &mut self,
        view: &LayerView<'_, '_>,
        column: &Laid<'_, '_, '_>,
        header: Area,
        text_h: f64,
        size: f64,
    ) {
        let tactic = column.column.tactic;
        self.line(format_args!(
            "<g class=\"tactic-column\" data-tactic=\"{}\">",
            Esc(tactic.shortname())
        ));
        let color = self.tactic_row(view, column.column, header);
        let lines = lines_at(
            tactic.name(),
            size,
            header.w - 2.0 * CELL_PADDING,
            text_h,
            self.glyph * 1.1,
            MAX_LINES,
        );
        self.text_block(&TextBlock {
            class: "tactic-name",
            lines: &lines,
            x: header.x + CELL_PADDING,
            cy: header.y + header.h / 2.0,
            top: None,
            size,
            color,
            bold: true,
            anchor: None,
        });
    }

    fn mini_matrix(&mut self, view: &LayerView<'_, '_>, laid: &[Laid<'_, '_, '_>], area: Area) {
        let columns = laid.len() as f64;
        let step = area.w / (columns - 0.1);
        let column_w = step * 0.9;
        let header_h = (area.h * 0.08).clamp(8.0, 30.0);
        let room = area.h - header_h;
        let fits = |side: f64| {
            let per_row = (column_w / side).floor().max(1.0) as usize;
            laid.iter()
                .all(|c| c.rows.len().div_ceil(per_row) as f64 * side <= room)
        };
        // Several squares a row, as the Navigator's mini cells.
        let mut side = (column_w / 4.0).min(room).min(20.0);
        while side > 1.0 && !fits(side) {
            side -= 0.25;
        }
        let side = side.max(1.0);
        let per_row = (column_w / side).floor().max(1.0) as usize;
        let border = self.theme.border().to_hex();
        let tactic_size = self.tactic_font_size(laid, column_w, header_h - 2.0);
        for (i, column) in laid.iter().enumerate() {
            let x = area.x + i as f64 * step;
            let tactic = column.column.tactic;
            let header = Area {
                x,
                y: area.y,
                w: column_w,
                h: header_h,
            };
            self.tactic_header(view, column, header, header_h - 2.0, tactic_size);
            for (r, row) in column.rows.iter().enumerate() {
                let (fill, _) = self.cell_colors(row.cell);
                let inset = if side > 4.0 { 0.5 } else { 0.0 };
                self.line(format_args!(
                    "<rect class=\"technique\" data-id=\"{}\" data-tactic=\"{}\" x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"0.5\"><title>{}</title></rect>",
                    Esc(row.cell.technique.attack_id().unwrap_or("")),
                    Esc(tactic.shortname()),
                    N(x + (r % per_row) as f64 * side + inset),
                    N(area.y + header_h + (r / per_row) as f64 * side + inset),
                    fill.to_hex(),
                    border,
                    Esc(&tooltip(row.cell)),
                    s = N(side - 2.0 * inset),
                ));
            }
            self.raw("</g>\n");
        }
    }
}

/// Lines of text to draw.
struct TextBlock<'l> {
    class: &'static str,
    lines: &'l [String],
    x: f64,
    /// The vertical centre, unless `top` is given.
    cy: f64,
    top: Option<f64>,
    size: f64,
    color: Color,
    bold: bool,
    anchor: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(N(1056.0).to_string(), "1056");
        assert_eq!(N(1.005_1).to_string(), "1.01");
        assert_eq!(N(2.5).to_string(), "2.5");
        assert_eq!(N(-0.001).to_string(), "0");
        assert_eq!(N(f64::NAN).to_string(), "0");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            Esc("a & <b> \"c\" 'd'\u{1}").to_string(),
            "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;"
        );
    }

    #[test]
    fn wraps_and_cuts() {
        assert_eq!(
            wrap("Command and Scripting Interpreter", 12),
            ["Command and", "Scripting", "Interpreter"]
        );
        assert_eq!(min_line_chars("Command and Scripting Interpreter", 1), 33);
        assert_eq!(min_line_chars("Command and Scripting Interpreter", 3), 11);
        assert_eq!(cut("PowerShell", 6), "Power…");
        let lines = lines_at("one two three four five six", 10.0, 40.0, 12.0, 0.5, 3);
        assert_eq!(lines, ["one two…"]);
    }
}
