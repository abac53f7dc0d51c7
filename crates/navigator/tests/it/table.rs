//! The XLSX and CSV exports of a layer (render::xlsx, render::csv).

use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use ttpmap_attack::{Domain, KnowledgeBase, Paths};
use ttpmap_navigator::render::csv::{render_csv, CsvOptions, HEADER};
use ttpmap_navigator::render::xlsx::{render_xlsx, XlsxOptions};
use ttpmap_navigator::{actors_layer, Layer, LayerFile, LayerView, TechniqueEntry};
use ttpmap_test_support::testdata;

/// A small RFC 4180 reader: records of fields, quoted fields unquoted.
/// Panics on what RFC 4180 forbids (a bare CR or LF ending a record, text
/// after a closing quote, an unclosed quote), so the writer is held to it.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => field.push(c),
                        None => panic!("unclosed quote"),
                    }
                }
                assert!(
                    matches!(chars.peek(), Some(',' | '\r') | None),
                    "text after a closing quote: {:?}",
                    chars.peek()
                );
                at_field_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            '\n' => panic!("LF without CR ends a record"),
            '"' => panic!("quote inside an unquoted field"),
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    assert!(
        record.is_empty() && field.is_empty(),
        "the last record has no CRLF"
    );
    records
}

fn apt28_layer(kb: &KnowledgeBase) -> Layer {
    let apt28 = kb.group("APT28").unwrap();
    actors_layer(kb, &[apt28.object()], Domain::Enterprise, Paths::DIRECT).unwrap()
}

fn full_layer() -> Layer {
    let file = LayerFile::from_path(testdata("layers/v4.5-full.json")).unwrap();
    file.layers.into_iter().next().unwrap()
}

/// The number of rows the flat table has for `view`.
fn view_rows(view: &LayerView<'_, '_>, include_subtechniques: bool, annotated_only: bool) -> usize {
    let keep = |c: &ttpmap_navigator::ViewCell<'_, '_>| !annotated_only || c.is_annotated();
    view.columns()
        .iter()
        .flat_map(|column| &column.cells)
        .map(|cell| {
            let subs = if include_subtechniques || cell.expanded {
                cell.subtechniques.iter().filter(|s| keep(s)).count()
            } else {
                0
            };
            usize::from(keep(cell)) + subs
        })
        .sum()
}

/// The CSV's data rows (header checked and dropped).
fn csv_rows(view: &LayerView<'_, '_>, options: CsvOptions) -> Vec<Vec<String>> {
    let text = render_csv(view, &options);
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    let mut records = parse_csv(&text);
    assert_eq!(records.remove(0), HEADER);
    for record in &records {
        assert_eq!(record.len(), HEADER.len(), "{record:?}");
    }
    records
}

fn row<'r>(rows: &'r [Vec<String>], id: &str, tactic: &str) -> &'r [String] {
    rows.iter()
        .find(|r| r[1] == id && r[0] == tactic)
        .unwrap_or_else(|| panic!("no row for {id} under {tactic}"))
}

struct Workbook {
    names: Vec<String>,
    sheets: Vec<Range<Data>>,
}

fn read_xlsx(bytes: &[u8]) -> Workbook {
    assert!(bytes.starts_with(b"PK"), "an XLSX is a ZIP file");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = workbook.sheet_names();
    let sheets = names
        .iter()
        .map(|name| workbook.worksheet_range(name).unwrap())
        .collect();
    Workbook { names, sheets }
}

/// The text of every cell of a sheet, row by row, trailing empty cells cut.
fn sheet_text(range: &Range<Data>) -> Vec<Vec<String>> {
    assert_eq!(range.start(), Some((0, 0)));
    range
        .rows()
        .map(|row| {
            let mut cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect()
}

/// A file of the XLSX (ZIP) archive, as text.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn csv_of_a_generated_layer_has_the_header_and_the_entries() {
    let kb = KnowledgeBase::sample();
    let layer = apt28_layer(&kb);
    let view = LayerView::new(&layer, &kb).unwrap();
    let text = render_csv(&view, &CsvOptions::default());
    assert!(text.starts_with(
        "Tactic,Technique ID,Technique Name,Sub-technique Of,Score,Aggregate Score,Color,\
         Comment,Enabled,Metadata,Links\r\n"
    ));
    let rows = csv_rows(&view, CsvOptions::default());
    let powershell = row(&rows, "T1059.001", "Execution");
    let entry = layer
        .techniques
        .iter()
        .find(|e| e.technique_id == "T1059.001")
        .unwrap();
    assert!(!entry.comment.is_empty());
    assert_eq!(powershell[2], "PowerShell");
    assert_eq!(powershell[3], "T1059");
    assert_eq!(powershell[4], "1");
    assert_eq!(powershell[7], entry.comment);
    assert_eq!(powershell[8], "true");
    // Unannotated techniques are rows too, with empty annotations.
    let plain = rows.iter().find(|r| r[4].is_empty()).unwrap();
    assert_eq!(&plain[5..8], ["", "", ""]);
}

#[test]
fn csv_rows_are_the_view_cells() {
    let kb = KnowledgeBase::sample();
    for layer in [apt28_layer(&kb), full_layer()] {
        let view = LayerView::new(&layer, &kb).unwrap();
        for include_subtechniques in [true, false] {
            let options = CsvOptions {
                include_subtechniques,
                annotated_only: false,
            };
            let rows = csv_rows(&view, options);
            assert_eq!(
                rows.len(),
                view_rows(&view, include_subtechniques, false),
                "{}, sub-techniques {include_subtechniques}",
                layer.name
            );
        }
        // Every visible sub-technique row names its parent, in the row before
        // or among the rows since.
        let rows = csv_rows(&view, CsvOptions::default());
        for (index, r) in rows.iter().enumerate() {
            if !r[3].is_empty() {
                assert!(r[1].starts_with(&format!("{}.", r[3])), "{r:?}");
                assert!(rows[..index].iter().rev().any(|p| p[1] == r[3]), "{r:?}");
            }
        }
    }
}

#[test]
fn csv_annotated_only_keeps_the_annotated_rows() {
    let kb = KnowledgeBase::sample();
    let layer = apt28_layer(&kb);
    let view = LayerView::new(&layer, &kb).unwrap();
    let all = csv_rows(&view, CsvOptions::default());
    let options = CsvOptions {
        annotated_only: true,
        ..CsvOptions::default()
    };
    let annotated = csv_rows(&view, options);
    assert_eq!(annotated.len(), view_rows(&view, true, true));
    assert!(!annotated.is_empty() && annotated.len() < all.len());
    assert!(
        annotated.iter().all(|r| r[4] == "1"),
        "APT28's layer scores 1"
    );
    let ids: Vec<&str> = annotated.iter().map(|r| r[1].as_str()).collect();
    assert!(ids.contains(&"T1059.001"));
    // The annotated rows are those of the full table, in the same order.
    let kept: Vec<&Vec<String>> = all.iter().filter(|r| !r[4].is_empty()).collect();
    assert_eq!(kept, annotated.iter().collect::<Vec<_>>());
}

#[test]
fn csv_of_the_full_fixture() {
    let kb = KnowledgeBase::sample();
    let layer = full_layer();
    let view = LayerView::new(&layer, &kb).unwrap();
    let rows = csv_rows(&view, CsvOptions::default());
    let interpreter = row(&rows, "T1059", "Execution");
    assert_eq!(interpreter[2], "Command and Scripting Interpreter");
    assert_eq!(interpreter[3], "");
    assert_eq!(interpreter[4], "20");
    assert_eq!(interpreter[6], "#e60d0d");
    assert_eq!(interpreter[7], "interpreter");
    assert_eq!(interpreter[9], "source: EDR; case: 42");
    assert_eq!(interpreter[10], "playbook <https://example.org/p>");
    // Sum of the technique and its scored sub-techniques, as the view has it.
    let aggregate = view
        .columns()
        .iter()
        .flat_map(|c| c.cells.clone())
        .find(|c| c.technique.attack_id() == Some("T1059"))
        .and_then(|c| c.aggregate)
        .unwrap();
    assert_eq!(interpreter[5], aggregate.to_string());
    assert!(aggregate >= 107.5, "{aggregate}");
    let powershell = row(&rows, "T1059.001", "Execution");
    assert_eq!(powershell[3], "T1059");
    assert_eq!(powershell[4], "87.5");
    assert_eq!(powershell[7], "encoded commands");
    // #66b1ffaa drawn over white.
    let spearphishing = row(&rows, "T1566.001", "Initial Access");
    assert_eq!(spearphishing[6], "#99cbff");
    // hideDisabled: the disabled T1003 is not in the view.
    assert!(rows.iter().all(|r| r[1] != "T1003"));
    let annotated = csv_rows(
        &view,
        CsvOptions {
            annotated_only: true,
            ..CsvOptions::default()
        },
    );
    let ids: Vec<&str> = annotated.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ids, ["T1566.001", "T1059", "T1059.001"]);
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    let kb = KnowledgeBase::sample();
    let mut layer = full_layer();
    let tricky = "said \"run, now\"\r\nthen, later\nand \"\"done\"";
    layer.techniques[1].comment = tricky.to_owned();
    layer.techniques[1].metadata = vec![ttpmap_navigator::MetadataItem::Entry {
        name: "a,b".to_owned(),
        value: "ünïcode ✓".to_owned(),
    }];
    let view = LayerView::new(&layer, &kb).unwrap();
    let text = render_csv(&view, &CsvOptions::default());
    assert!(text.contains(
        "\"said \"\"run, now\"\"\r\nthen, later\nand \"\"\"\"done\"\"\",true,\"a,b: ünïcode ✓\","
    ));
    let rows = csv_rows(&view, CsvOptions::default());
    let powershell = row(&rows, "T1059.001", "Execution");
    assert_eq!(powershell[7], tricky);
    assert_eq!(powershell[9], "a,b: ünïcode ✓");
    // Outside quoted fields every line ends in CRLF.
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        parse_csv(&text).len(),
        rows.len() + 1,
        "a line break inside quotes does not end a record"
    );
}

#[test]
fn xlsx_of_a_generated_layer_reads_back() {
    let kb = KnowledgeBase::sample();
    let layer = apt28_layer(&kb);
    let view = LayerView::new(&layer, &kb).unwrap();
    let bytes = render_xlsx(&view, &XlsxOptions::default()).unwrap();
    let workbook = read_xlsx(&bytes);
    assert_eq!(workbook.names.len(), 3);
    assert!(
        workbook.names[0].starts_with("Enterprise ATT&CK"),
        "{:?}",
        workbook.names
    );
    assert_eq!(workbook.names[1..], ["Techniques", "Layer"]);

    // The matrix: tactic names on row 1, the columns of the view.
    let matrix = sheet_text(&workbook.sheets[0]);
    let tactics: Vec<String> = view
        .columns()
        .iter()
        .filter(|c| !c.cells.is_empty())
        .map(|c| c.tactic.name().to_owned())
        .collect();
    assert_eq!(matrix[0], tactics);
    let execution = matrix[0].iter().position(|t| t == "Execution").unwrap();
    let column: Vec<&str> = matrix[1..]
        .iter()
        .filter_map(|r| r.get(execution))
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let parent = column
        .iter()
        .position(|c| *c == "T1059: Command and Scripting Interpreter")
        .unwrap();
    let powershell = column
        .iter()
        .position(|c| *c == "T1059.001: PowerShell")
        .unwrap();
    assert!(parent < powershell, "the sub-technique is under its parent");
    let cells = view.columns();
    let view_column = cells
        .iter()
        .find(|c| c.tactic.name() == "Execution")
        .unwrap();
    let expected: usize = view_column
        .cells
        .iter()
        .map(|c| 1 + c.subtechniques.len())
        .sum();
    assert_eq!(column.len(), expected);

    // The flat table is the CSV.
    let mut csv = parse_csv(&render_csv(&view, &CsvOptions::default()));
    // The workbook leaves an absent value empty, as the CSV does.
    for record in &mut csv {
        while record.last().is_some_and(String::is_empty) {
            record.pop();
        }
    }
    assert_eq!(sheet_text(&workbook.sheets[1]), csv);
    // Scores are numbers.
    let score = workbook.sheets[1].get_value((1, 4));
    assert!(
        matches!(score, Some(Data::Float(_) | Data::Empty)),
        "{score:?}"
    );

    // The layer sheet.
    let settings = sheet_text(&workbook.sheets[2]);
    assert_eq!(settings[0], ["Name", "APT28 (G0007)"]);
    assert!(settings.contains(&vec!["Domain".to_owned(), "enterprise-attack".to_owned()]));
}

#[test]
fn xlsx_options_change_the_matrix() {
    let kb = KnowledgeBase::sample();
    let layer = apt28_layer(&kb);
    let view = LayerView::new(&layer, &kb).unwrap();
    let options = XlsxOptions {
        include_subtechniques: true,
        annotated_only: true,
        show_ids: false,
    };
    let workbook = read_xlsx(&render_xlsx(&view, &options).unwrap());
    let matrix = sheet_text(&workbook.sheets[0]);
    let names: Vec<&String> = matrix[1..].iter().flatten().collect();
    assert!(names.iter().any(|n| *n == "PowerShell"));
    assert!(names.iter().all(|n| !n.starts_with('T')), "no ids");
    let annotated = csv_rows(
        &view,
        CsvOptions {
            annotated_only: true,
            include_subtechniques: true,
        },
    );
    assert_eq!(sheet_text(&workbook.sheets[1]).len(), annotated.len() + 1);
    // Every matrix cell is annotated, or the parent of an annotated one.
    let all_cells = names.iter().filter(|n| !n.is_empty()).count();
    assert!(all_cells >= annotated.len(), "{all_cells}");
}

#[test]
fn xlsx_of_the_full_fixture_has_its_colours_and_settings() {
    let kb = KnowledgeBase::sample();
    let mut layer = full_layer();
    layer.techniques.push(
        TechniqueEntry::new("T9999")
            .with_score(3.0)
            .with_comment("no such technique"),
    );
    let view = LayerView::new(&layer, &kb).unwrap();
    let bytes = render_xlsx(&view, &XlsxOptions::default()).unwrap();
    let workbook = read_xlsx(&bytes);
    assert_eq!(workbook.names[0], "Enterprise ATT&CK (v18)");

    // Fills: the manual colours of T1059 and of T1566.001 (#66b1ffaa drawn
    // over white), and the tactic row background.
    let styles = xlsx_part(&bytes, "xl/styles.xml");
    for rgb in ["FFE60D0D", "FF205B8F", "FF99CBFF"] {
        assert!(
            styles.contains(&format!("<fgColor rgb=\"{rgb}\"")),
            "{rgb} in {styles}"
        );
    }
    // Notes carry the score and the comment.
    let comments = xlsx_part(&bytes, "xl/comments1.xml");
    assert!(comments.contains("Score: 87.5"), "{comments}");
    assert!(comments.contains("encoded commands"), "{comments}");

    let settings = sheet_text(&workbook.sheets[2]);
    let value = |key: &str| {
        settings
            .iter()
            .find(|r| r.first().is_some_and(|k| k == key))
            .unwrap_or_else(|| panic!("no {key} in {settings:?}"))[1..]
            .to_vec()
    };
    assert_eq!(value("Name"), ["every field"]);
    assert_eq!(value("ATT&CK version"), ["18"]);
    assert_eq!(value("Layer format"), ["4.5"]);
    assert_eq!(value("Platforms"), ["Windows, Linux, macOS"]);
    assert_eq!(value("Sorting"), ["by score, highest first"]);
    assert_eq!(value("Aggregate function"), ["sum"]);
    assert_eq!(value("Gradient colors"), ["#ffffffff", "#66b1ffff"]);
    assert_eq!(value("Gradient maximum"), ["100"]);
    assert_eq!(value("Legend item"), ["observed", "#e60d0d"]);
    assert_eq!(
        value("Other property"),
        ["x_owner", r#"{"team":"cti","reviewed":true}"#]
    );
    assert_eq!(
        value("Orphan entry"),
        ["T9999", "", "3", "", "no such technique", "true"]
    );
}

#[test]
fn real_apt28_layer_as_xlsx_and_csv() {
    let Some(kb) = crate::data::enterprise_18() else {
        return;
    };
    let g0007 = kb.group("G0007").unwrap();
    let layer = actors_layer(kb, &[g0007.object()], Domain::Enterprise, Paths::DIRECT).unwrap();
    let view = LayerView::new(&layer, kb).unwrap();
    let workbook = read_xlsx(&render_xlsx(&view, &XlsxOptions::default()).unwrap());
    let matrix = sheet_text(&workbook.sheets[0]);
    assert_eq!(matrix[0].len(), 14, "{:?}", matrix[0]);
    assert_eq!(matrix[0][0], "Reconnaissance");
    let rows = csv_rows(&view, CsvOptions::default());
    assert_eq!(rows.len(), view_rows(&view, true, false));
    assert_eq!(sheet_text(&workbook.sheets[1]).len(), rows.len() + 1);
    let powershell = row(&rows, "T1059.001", "Execution");
    assert_eq!(powershell[4], "1");
    assert!(!powershell[7].is_empty());
}
