//! The SVG picture of a layer: well-formed, drawing what the view shows.

use std::sync::OnceLock;

use crate::data::enterprise_18 as enterprise;
use roxmltree::{Document, Node};
use ttpmap_attack::{Domain, KnowledgeBase, Paths};
use ttpmap_navigator::render::svg::{render_svg, PageSize, SubtechniqueDisplay, SvgOptions, Theme};
use ttpmap_navigator::{
    actors_layer, AggregateFunction, Color, ExpandedSubtechniques, Layer, LayerView, LayoutKind,
    TechniqueEntry, ViewCell, ViewColumn,
};

fn sample() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(KnowledgeBase::sample)
}

fn apt28_layer(kb: &KnowledgeBase, paths: Paths) -> Layer {
    let apt28 = kb.group("G0007").unwrap();
    actors_layer(kb, &[apt28.object()], Domain::Enterprise, paths).unwrap()
}

fn render(layer: &Layer, kb: &KnowledgeBase, options: &SvgOptions) -> String {
    let view = LayerView::new(layer, kb).unwrap();
    render_svg(&view, options)
}

fn parse(svg: &str) -> Document<'_> {
    Document::parse(svg).unwrap_or_else(|e| panic!("the SVG is not well-formed: {e}\n{svg}"))
}

fn with_class<'a, 'i>(doc: &'a Document<'i>, tag: &str, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("class") == Some(class))
        .collect()
}

/// The text of a `<text>`: its lines joined by spaces.
fn text_of(node: Node<'_, '_>) -> String {
    node.children()
        .filter(|n| n.has_tag_name("tspan"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

fn texts(doc: &Document<'_>, class: &str) -> Vec<String> {
    with_class(doc, "text", class)
        .into_iter()
        .map(text_of)
        .collect()
}

/// The technique rectangle of `id` under `tactic`.
fn rect_of<'a, 'i>(doc: &'a Document<'i>, id: &str, tactic: &str) -> Option<Node<'a, 'i>> {
    with_class(doc, "rect", "technique")
        .into_iter()
        .find(|n| n.attribute("data-id") == Some(id) && n.attribute("data-tactic") == Some(tactic))
}

/// The cells the SVG should draw, by the view: every visible technique and
/// the sub-techniques shown under it.
fn drawn_cells<'v, 'a, 'kb>(
    columns: &'v [ViewColumn<'a, 'kb>],
    display: SubtechniqueDisplay,
) -> Vec<&'v ViewCell<'a, 'kb>> {
    let mut cells = Vec::new();
    for column in columns {
        for cell in &column.cells {
            cells.push(cell);
            let show = match display {
                SubtechniqueDisplay::All => true,
                SubtechniqueDisplay::Expanded => cell.expanded,
                SubtechniqueDisplay::None => false,
            };
            if show {
                cells.extend(cell.subtechniques.iter());
            }
        }
    }
    cells
}

#[test]
fn apt28_sample_layer_draws_every_visible_cell() {
    let kb = sample();
    let mut layer = apt28_layer(kb, Paths::DIRECT);
    layer.layout.expanded_subtechniques = ExpandedSubtechniques::Annotated;
    let view = LayerView::new(&layer, kb).unwrap();
    let columns = view.columns();
    for display in [
        SubtechniqueDisplay::Expanded,
        SubtechniqueDisplay::All,
        SubtechniqueDisplay::None,
    ] {
        let options = SvgOptions {
            subtechniques: display,
            ..SvgOptions::default()
        };
        let svg = render_svg(&view, &options);
        assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert_eq!(root.attribute("width"), Some("1056"));
        assert_eq!(root.attribute("height"), Some("816"));
        assert_eq!(root.attribute("viewBox"), Some("0 0 1056 816"));
        let expected = drawn_cells(&columns, display);
        let rects = with_class(&doc, "rect", "technique");
        assert_eq!(rects.len(), expected.len(), "{display:?}");
        assert_eq!(
            svg.matches("<rect class=\"technique\"").count(),
            expected.len()
        );
        for cell in expected {
            let id = cell.technique.attack_id().unwrap();
            let rect = rect_of(&doc, id, cell.tactic.shortname())
                .unwrap_or_else(|| panic!("no cell for {id}"));
            let fill = cell.background.map_or("#ffffff".to_owned(), Color::to_hex);
            assert_eq!(rect.attribute("fill"), Some(fill.as_str()), "{id}");
            let title = rect.children().find(|n| n.has_tag_name("title")).unwrap();
            assert!(title.text().unwrap().starts_with(&format!("{id} ")));
        }
        // Each tactic with visible techniques is a column with its name.
        let tactics: Vec<String> = columns
            .iter()
            .filter(|c| !c.cells.is_empty())
            .map(|c| c.tactic.name().to_owned())
            .collect();
        assert_eq!(texts(&doc, "tactic-name"), tactics);
    }
}

#[test]
fn powershell_has_the_colour_of_the_view() {
    let kb = sample();
    let mut layer = apt28_layer(kb, Paths::DIRECT);
    layer.layout.expanded_subtechniques = ExpandedSubtechniques::Annotated;
    let view = LayerView::new(&layer, kb).unwrap();
    let columns = view.columns();
    let execution = columns
        .iter()
        .find(|c| c.tactic.shortname() == "execution")
        .unwrap();
    let interpreter = execution
        .cells
        .iter()
        .find(|c| c.technique.attack_id() == Some("T1059"))
        .unwrap();
    assert!(interpreter.expanded);
    let powershell = interpreter
        .subtechniques
        .iter()
        .find(|c| c.technique.attack_id() == Some("T1059.001"))
        .unwrap();
    let background = powershell.background.unwrap().to_hex();

    let svg = render_svg(&view, &SvgOptions::default());
    let doc = parse(&svg);
    let rect = rect_of(&doc, "T1059.001", "execution").unwrap();
    assert_eq!(rect.attribute("fill"), Some(background.as_str()));
    let title = rect.children().find(|n| n.has_tag_name("title")).unwrap();
    assert!(title
        .text()
        .unwrap()
        .starts_with("T1059.001 PowerShell — score 1 — "));
    // Indented under its technique, with the side bar and the expanded mark.
    let parent = rect_of(&doc, "T1059", "execution").unwrap();
    let x = |n: Node<'_, '_>| n.attribute("x").unwrap().parse::<f64>().unwrap();
    assert!(x(rect) > x(parent));
    assert!(!with_class(&doc, "rect", "subtechnique-bar").is_empty());
    assert!(!with_class(&doc, "path", "expanded").is_empty());
    // The sub-technique's text is its name.
    assert!(texts(&doc, "technique-name").contains(&"T1059.001: PowerShell".to_owned()));
}

#[test]
fn header_names_the_layer_domain_platforms_and_legend() {
    let kb = sample();
    let mut layer = apt28_layer(kb, Paths::DIRECT);
    let svg = render(&layer, kb, &SvgOptions::default());
    let doc = parse(&svg);
    assert_eq!(
        texts(&doc, "header-title"),
        ["about", "domain", "platforms", "legend"]
    );
    let header = texts(&doc, "header-text").join(" ");
    assert!(
        header.starts_with("APT28 (G0007) Techniques used by APT28"),
        "{header}"
    );
    let major = layer.attack_major().unwrap();
    assert!(
        header.contains(&format!("Enterprise ATT&CK v{major}")),
        "{header}"
    );
    assert!(header.ends_with(" all"), "{header}");
    assert_eq!(texts(&doc, "legend-label"), ["used by APT28 (G0007)"]);
    assert_eq!(texts(&doc, "gradient-label"), ["0", "1"]);
    // 2 × 2 colours in the gradient bar, white to red.
    let bar = with_class(&doc, "rect", "gradient");
    assert_eq!(bar.len(), 4);
    assert_eq!(bar[0].attribute("fill"), Some("#ffffff"));
    assert_eq!(bar[3].attribute("fill"), Some("#e60d0d"));

    // Platforms, aggregates: the Navigator merges domain and platforms.
    layer.filters.platforms = Some(vec!["Windows".to_owned(), "Linux".to_owned()]);
    layer.layout.show_aggregate_scores = true;
    layer.layout.aggregate_function = AggregateFunction::Average;
    layer.layout.count_unscored = true;
    let svg = render(&layer, kb, &SvgOptions::default());
    let doc = parse(&svg);
    assert_eq!(
        texts(&doc, "header-title"),
        ["about", "domain & platforms", "aggregate", "legend"]
    );
    let header = texts(&doc, "header-text").join(" ");
    assert!(header.contains("platforms: Windows, Linux"), "{header}");
    assert!(header.contains("aggregate: average"), "{header}");
    assert!(
        header.contains("includes unscored techniques as 0"),
        "{header}"
    );

    // Without a header the matrix starts at the top margin.
    let options = SvgOptions {
        show_header: false,
        ..SvgOptions::default()
    };
    let doc_text = render(&layer, kb, &options);
    let doc = parse(&doc_text);
    assert!(with_class(&doc, "rect", "header-box").is_empty());
    let first = with_class(&doc, "rect", "tactic")[0];
    assert_eq!(first.attribute("y"), Some("5"));
}

#[test]
fn annotated_only_leaves_out_unannotated_techniques_and_empty_tactics() {
    let kb = sample();
    let layer = apt28_layer(kb, Paths::DIRECT);
    let view = LayerView::new(&layer, kb).unwrap();
    let columns = view.columns();
    let all = render_svg(&view, &SvgOptions::default());
    let options = SvgOptions {
        annotated_only: true,
        ..SvgOptions::default()
    };
    let svg = render_svg(&view, &options);
    let doc = parse(&svg);
    let rects = with_class(&doc, "rect", "technique");
    let expected: Vec<&ViewCell<'_, '_>> = columns
        .iter()
        .flat_map(|c| c.cells.iter())
        .filter(|c| c.is_annotated() || c.subtechniques.iter().any(ViewCell::is_annotated))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(rects.len(), expected.len());
    assert!(
        rects.len()
            < parse(&all)
                .descendants()
                .filter(|n| n.attribute("class") == Some("technique"))
                .count()
    );
    for cell in expected {
        assert!(rect_of(
            &doc,
            cell.technique.attack_id().unwrap(),
            cell.tactic.shortname()
        )
        .is_some());
    }
    let tactics: Vec<String> = columns
        .iter()
        .filter(|c| {
            c.cells
                .iter()
                .any(|c| c.is_annotated() || c.subtechniques.iter().any(ViewCell::is_annotated))
        })
        .map(|c| c.tactic.name().to_owned())
        .collect();
    assert_eq!(texts(&doc, "tactic-name"), tactics);
    assert!(tactics.len() < columns.len());
}

#[test]
fn id_and_name_options_choose_the_text() {
    let kb = sample();
    let layer = apt28_layer(kb, Paths::DIRECT);
    assert!(layer.layout.show_id && layer.layout.show_name);
    let text_of_t1059 = |ids: Option<bool>, names: Option<bool>| {
        let options = SvgOptions {
            show_ids: ids,
            show_names: names,
            ..SvgOptions::default()
        };
        let svg = render(&layer, kb, &options);
        let doc = parse(&svg);
        let names = texts(&doc, "technique-name");
        names
            .into_iter()
            .find(|t| t.contains("T1059") || t.contains("Command and Scripting"))
    };
    assert_eq!(
        text_of_t1059(None, None).as_deref(),
        Some("T1059: Command and Scripting Interpreter")
    );
    assert_eq!(
        text_of_t1059(Some(false), None).as_deref(),
        Some("Command and Scripting Interpreter")
    );
    assert_eq!(text_of_t1059(None, Some(false)).as_deref(), Some("T1059"));
    assert_eq!(text_of_t1059(Some(false), Some(false)), None);
}

#[test]
fn markup_characters_are_escaped() {
    let kb = sample();
    let mut layer = Layer::new("R&D <red team>", "enterprise-attack", Some("18"));
    layer.description = "\"quoted\" & 'single' <b>not bold</b>".to_owned();
    layer.techniques.push(
        TechniqueEntry::new("T1059")
            .with_score(50.0)
            .with_comment("x < y && z > \"w\""),
    );
    layer.legend_items.push(ttpmap_navigator::LegendItem {
        label: "<legend & more>".to_owned(),
        color: "#ff0000".to_owned(),
        extra: serde_json::Map::new(),
    });
    let options = SvgOptions {
        font_family: "\"Noto Sans\", sans-serif".to_owned(),
        ..SvgOptions::default()
    };
    let svg = render(&layer, kb, &options);
    assert!(!svg.contains("<red team>"));
    assert!(!svg.contains("<b>"));
    assert!(svg.contains("R&amp;D &lt;red team&gt;"));
    let doc = parse(&svg);
    assert_eq!(
        doc.root_element().attribute("font-family"),
        Some("\"Noto Sans\", sans-serif")
    );
    let header = texts(&doc, "header-text").join(" ");
    assert!(
        header.starts_with("R&D <red team> \"quoted\" & 'single' <b>not bold</b>"),
        "{header}"
    );
    assert_eq!(texts(&doc, "legend-label"), ["<legend & more>"]);
    let rect = rect_of(&doc, "T1059", "execution").unwrap();
    let title = rect.children().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(
        title.text(),
        Some("T1059 Command and Scripting Interpreter — score 50 — x < y && z > \"w\"")
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let kb = sample();
    let layer = apt28_layer(kb, Paths::ALL);
    let options = SvgOptions {
        subtechniques: SubtechniqueDisplay::All,
        ..SvgOptions::default()
    };
    let first = render(&layer, kb, &options);
    let second = render(&layer.clone(), kb, &options);
    assert_eq!(first, second);
    // Numbers have at most two decimals.
    for number in first.split('"').filter(|s| s.parse::<f64>().is_ok()) {
        let decimals = number.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 2, "{number}");
    }
}

#[test]
fn a_layer_without_techniques_draws_the_whole_matrix() {
    let kb = sample();
    let layer = Layer::new("nothing", "enterprise-attack", None);
    let view = LayerView::new(&layer, kb).unwrap();
    let svg = render_svg(&view, &SvgOptions::default());
    let doc = parse(&svg);
    let expected = drawn_cells(&view.columns(), SubtechniqueDisplay::Expanded).len();
    assert!(expected > 0);
    assert_eq!(with_class(&doc, "rect", "technique").len(), expected);
    assert!(with_class(&doc, "rect", "technique")
        .iter()
        .all(|r| r.attribute("fill") == Some("#ffffff")));
    // No ATT&CK version in the layer: the loaded release's.
    let major = kb
        .release_version(ttpmap_attack::Domain::Enterprise)
        .and_then(|v| v.split('.').next())
        .unwrap();
    assert!(texts(&doc, "header-text").contains(&format!("Enterprise ATT&CK v{major}")));

    // Nothing annotated: no matrix at all, still a picture.
    let options = SvgOptions {
        annotated_only: true,
        ..SvgOptions::default()
    };
    let svg = render_svg(&view, &options);
    let doc = parse(&svg);
    assert!(with_class(&doc, "rect", "technique").is_empty());
    assert!(with_class(&doc, "rect", "tactic").is_empty());
    assert_eq!(with_class(&doc, "rect", "background").len(), 1);
}

#[test]
fn technique_text_is_one_size_that_fits_its_cell() {
    let kb = sample();
    let layer = apt28_layer(kb, Paths::ALL);
    for page in [PageSize::Letter, PageSize::Large] {
        for landscape in [true, false] {
            let options = SvgOptions {
                subtechniques: SubtechniqueDisplay::All,
                ..SvgOptions::page(page, landscape)
            };
            let svg = render(&layer, kb, &options);
            let doc = parse(&svg);
            let sizes: Vec<f64> = with_class(&doc, "text", "technique-name")
                .iter()
                .map(|t| t.attribute("font-size").unwrap().parse().unwrap())
                .collect();
            assert!(!sizes.is_empty());
            let size = sizes[0];
            assert!(sizes.iter().all(|s| (s - size).abs() < 1e-9), "{sizes:?}");
            assert!((4.0..=12.0).contains(&size), "{size}");
            // Each line is estimated to fit the width of its cell.
            let rects = with_class(&doc, "rect", "technique");
            let texts = with_class(&doc, "text", "technique-name");
            assert_eq!(rects.len(), texts.len());
            for (rect, text) in rects.iter().zip(&texts) {
                let width: f64 = rect.attribute("width").unwrap().parse().unwrap();
                for line in text.children().filter_map(|n| n.text()) {
                    let estimate = line.chars().count() as f64 * 0.55 * size;
                    assert!(estimate <= width, "{line:?} at {size} px in {width} px");
                }
                assert!(text.children().filter(|n| n.has_tag_name("tspan")).count() <= 3);
            }
        }
    }
}

#[test]
fn page_size_theme_and_mini_layout() {
    let kb = sample();
    let mut layer = apt28_layer(kb, Paths::DIRECT);
    let options = SvgOptions {
        theme: Theme::Dark,
        ..SvgOptions::page(PageSize::Large, true)
    };
    let svg = render(&layer, kb, &options);
    let doc = parse(&svg);
    assert_eq!(doc.root_element().attribute("width"), Some("3456"));
    assert_eq!(doc.root_element().attribute("height"), Some("2304"));
    let background = with_class(&doc, "rect", "background")[0];
    assert_eq!(background.attribute("fill"), Some("#2e2e3f"));
    assert!(with_class(&doc, "rect", "technique")
        .iter()
        .all(|r| r.attribute("stroke") == Some("#4c4c68")));

    layer.layout.layout = LayoutKind::Mini;
    let view = LayerView::new(&layer, kb).unwrap();
    let svg = render_svg(&view, &SvgOptions::default());
    let doc = parse(&svg);
    let squares = with_class(&doc, "rect", "technique");
    assert_eq!(
        squares.len(),
        drawn_cells(&view.columns(), SubtechniqueDisplay::Expanded).len()
    );
    assert!(squares
        .iter()
        .all(|r| r.attribute("width") == r.attribute("height")));
    assert!(texts(&doc, "technique-name").is_empty());
}

#[test]
fn apt28_on_enterprise_18_1() {
    let Some(kb) = enterprise() else {
        return;
    };
    let layer = apt28_layer(kb, Paths::ALL);
    let view = LayerView::new(&layer, kb).unwrap();
    let svg = render_svg(&view, &SvgOptions::default());
    let doc = parse(&svg);
    let tactics = texts(&doc, "tactic-name");
    assert_eq!(tactics.len(), 14, "{tactics:?}");
    assert_eq!(tactics[0], "Reconnaissance");
    assert_eq!(tactics[13], "Impact");
    let columns = view.columns();
    let mut used = 0;
    for cell in drawn_cells(&columns, SubtechniqueDisplay::Expanded) {
        let Some(score) = cell.score else {
            continue;
        };
        assert!(score > 0.0);
        used += 1;
        let id = cell.technique.attack_id().unwrap();
        let rect = rect_of(&doc, id, cell.tactic.shortname())
            .unwrap_or_else(|| panic!("{id} is not drawn"));
        let fill = rect.attribute("fill").unwrap();
        assert_eq!(
            Some(fill.to_owned()),
            cell.background.map(Color::to_hex),
            "{id}"
        );
        assert_ne!(fill, "#ffffff", "{id}");
    }
    assert!(used > 50, "{used}");
}
