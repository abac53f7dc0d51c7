//! Writers shared by every command: JSON documents and lines, aligned text
//! tables, CSV and wrapped prose.

use std::io::{self, Write};

use serde::Serialize;

use crate::args::Format;

/// Write `value` as one JSON document (indented) or, for `jsonl`, one line.
pub(crate) fn write_json(
    out: &mut dyn Write,
    format: Format,
    value: &impl Serialize,
) -> anyhow::Result<()> {
    if format == Format::Jsonl {
        serde_json::to_writer(&mut *out, value)?;
    } else {
        serde_json::to_writer_pretty(&mut *out, value)?;
    }
    writeln!(out)?;
    Ok(())
}

/// Write each item as one compact JSON line.
pub(crate) fn write_json_lines<T: Serialize>(
    out: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
) -> anyhow::Result<()> {
    for item in items {
        serde_json::to_writer(&mut *out, &item)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Text in aligned columns for people: an optional header row, columns
/// separated by two spaces, the last column not padded (no trailing blanks).
#[derive(Debug, Default)]
pub(crate) struct Table {
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
    right: Vec<usize>,
    indent: usize,
}

impl Table {
    /// A table whose first row names the columns.
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: Some(header.iter().map(|h| (*h).to_owned()).collect()),
            ..Table::default()
        }
    }

    /// A table without a header row.
    pub(crate) fn headless() -> Table {
        Table::default()
    }

    /// Align this column (0-based) to the right, as numbers are.
    pub(crate) fn align_right(mut self, column: usize) -> Table {
        self.right.push(column);
        self
    }

    /// Start every line with this many spaces.
    pub(crate) fn indent(mut self, spaces: usize) -> Table {
        self.indent = spaces;
        self
    }

    /// Add a row.
    pub(crate) fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Write the table; nothing when it has no rows.
    pub(crate) fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let lines = self.header.iter().chain(&self.rows);
        let columns = lines.clone().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for line in lines.clone() {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut text = String::new();
        for line in lines {
            text.clear();
            text.push_str(&" ".repeat(self.indent));
            for (i, cell) in line.iter().enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                let pad = widths[i] - cell.chars().count();
                let last = i + 1 == line.len();
                if self.right.contains(&i) {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    if !last {
                        text.push_str(&" ".repeat(pad));
                    }
                }
            }
            writeln!(out, "{}", text.trim_end())?;
        }
        Ok(())
    }
}

/// CSV as RFC 4180 has it: a header row, CRLF line ends, fields quoted when
/// they hold a comma, a double quote, CR or LF (quotes doubled inside).
pub(crate) struct Csv<'a> {
    out: &'a mut dyn Write,
}

impl<'a> Csv<'a> {
    /// Start a CSV document with its header row.
    pub(crate) fn new(out: &'a mut dyn Write, header: &[&str]) -> io::Result<Csv<'a>> {
        let mut csv = Csv { out };
        csv.record(header)?;
        Ok(csv)
    }

    /// Write one record.
    pub(crate) fn record<S: AsRef<str>>(
        &mut self,
        fields: impl IntoIterator<Item = S>,
    ) -> io::Result<()> {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            let field = field.as_ref();
            if field.contains([',', '"', '\r', '\n']) {
                write!(self.out, "\"{}\"", field.replace('"', "\"\""))?;
            } else {
                self.out.write_all(field.as_bytes())?;
            }
        }
        self.out.write_all(b"\r\n")
    }
}

/// `text` wrapped to lines of at most `width` characters (a longer word
/// gets a line of its own), each starting with `indent` spaces. Line breaks
/// in the text are kept.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let margin = " ".repeat(indent);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = margin.clone();
        let mut length = 0;
        for word in paragraph.split_whitespace() {
            let n = word.chars().count();
            if length > 0 && length + 1 + n > width {
                lines.push(std::mem::replace(&mut line, margin.clone()));
                length = 0;
            }
            if length > 0 {
                line.push(' ');
                length += 1;
            }
            line.push_str(word);
            length += n;
        }
        lines.push(if length == 0 { String::new() } else { line });
    }
    lines
}

/// `1 technique`, `2 techniques`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::{wrap, Csv, Table};

    #[test]
    fn tables_align_and_leave_no_trailing_blanks() {
        let mut table = Table::new(&["ID", "NAME", "N"]).align_right(2).indent(1);
        table.row(["T1059", "Command and Scripting Interpreter", "12"]);
        table.row(["T1059.001", "PowerShell", "3"]);
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            " ID         NAME                                N\n \
             T1059      Command and Scripting Interpreter  12\n \
             T1059.001  PowerShell                          3\n"
        );
        let mut table = Table::headless();
        table.row(["a", ""]);
        table.row(["bbb", "x"]);
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\nbbb  x\n");
        let mut out = Vec::new();
        Table::new(&["ID"]).write(&mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn csv_quotes_what_rfc_4180_asks() {
        let mut out = Vec::new();
        let mut csv = Csv::new(&mut out, &["a", "b"]).unwrap();
        csv.record(["plain", "with, comma"]).unwrap();
        csv.record(["say \"hi\"", "two\nlines"]).unwrap();
        csv.record(["", "é"]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\r\nplain,\"with, comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n,é\r\n"
        );
    }

    #[test]
    fn wrap_keeps_words_and_paragraphs() {
        let text = "one two three four\n\nfive supercalifragilistic six";
        assert_eq!(
            wrap(text, 9, 2),
            [
                "  one two",
                "  three",
                "  four",
                "",
                "  five",
                "  supercalifragilistic",
                "  six"
            ]
        );
    }
}
