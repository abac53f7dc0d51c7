//! Reports as text: plain text as it is, Markdown without its code-fence
//! markers, HTML converted to text.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::error::{Position, ReadError, RecordError, RecordErrorKind, Unit};
use super::input::open_input;
use super::observation::Observation;
use crate::event::Origin;

/// The largest report read, in bytes.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// What a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextFormat {
    /// Plain text.
    Plain,
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
}

impl TextFormat {
    /// The format of a file by its extension (`.html`, `.htm`, `.xhtml`;
    /// `.md`, `.markdown`; anything else plain), HTML also by content
    /// starting with `<!doctype html` or `<html`.
    pub fn of(path: &Path, content: &str) -> TextFormat {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("html" | "htm" | "xhtml") => TextFormat::Html,
            Some("md" | "markdown" | "mdown" | "mkd") => TextFormat::Markdown,
            _ => {
                let head: String = content
                    .trim_start()
                    .chars()
                    .take(14)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if head.starts_with("<!doctype html") || head.starts_with("<html") {
                    TextFormat::Html
                } else {
                    TextFormat::Plain
                }
            }
        }
    }

    /// `content` as text in this format.
    pub fn to_text(self, content: &str) -> String {
        match self {
            TextFormat::Plain => content.to_owned(),
            TextFormat::Markdown => markdown_to_text(content),
            TextFormat::Html => html_to_text(content),
        }
    }
}

/// Read a report as one [`Observation::Text`]: UTF-8 (bad bytes replaced)
/// or UTF-16 with its byte-order mark. Fails with [`ReadError`] when the
/// file cannot be opened; a file that fails part way or is larger than
/// [`MAX_TEXT_BYTES`] is a [`RecordError`].
pub fn read_text(path: impl AsRef<Path>) -> Result<Result<Observation, RecordError>, ReadError> {
    let path = path.as_ref();
    let mut input = open_input(path)?;
    let file = Arc::new(path.to_path_buf());
    let error = |kind, message: String| {
        RecordError::new(
            Position {
                file: Some(Arc::clone(&file)),
                unit: Unit::File,
                index: 1,
                line: None,
            },
            kind,
            message,
        )
    };
    let mut bytes = Vec::new();
    if let Err(e) = (&mut input)
        .take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
    {
        return Ok(Err(error(
            RecordErrorKind::Io,
            format!("reading failed: {e}"),
        )));
    }
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Ok(Err(error(
            RecordErrorKind::TooLarge,
            format!("larger than the limit of {MAX_TEXT_BYTES} bytes"),
        )));
    }
    let content = String::from_utf8_lossy(&bytes);
    let text = TextFormat::of(path, &content).to_text(&content);
    Ok(Ok(Observation::Text {
        text,
        source: Origin {
            file: Some(Arc::clone(&file)),
            record: 1,
        },
    }))
}

/// Markdown as text: the code-fence marker lines (```` ``` ````, `~~~`,
/// with or without a language) are dropped, everything else is kept.
pub fn markdown_to_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let marker = line.trim_start();
        if marker.starts_with("```") || marker.starts_with("~~~") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Elements whose content is not text.
const SKIPPED: [&str; 6] = ["script", "style", "noscript", "template", "svg", "object"];

/// Elements that start a paragraph.
const PARAGRAPH: [&str; 27] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "table",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "hr",
    "form",
    "address",
    "title",
];

/// Elements that start a line.
const LINE: [&str; 8] = ["br", "li", "tr", "dt", "dd", "caption", "option", "summary"];

/// HTML as text: tags removed, the content of scripts, styles and comments
/// dropped, entities decoded (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`,
/// `&apos;`, `&nbsp;` as a space, common typographic ones, numeric ones),
/// whitespace collapsed except in `<pre>`, block elements starting lines
/// and paragraphs (a blank line between paragraphs). A link's absolute
/// target (`https://…`, `hxxp…`, `mailto:…`) follows its text in
/// parentheses unless the text shows it already.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut pre = 0usize;
    // The open link: where its text starts in `out`, and its target.
    let mut link: Option<(usize, String)> = None;
    while !rest.is_empty() {
        let Some(at) = rest.find('<') else {
            push_text(&mut out, rest, pre > 0);
            break;
        };
        push_text(&mut out, rest.get(..at).unwrap_or_default(), pre > 0);
        rest = rest.get(at..).unwrap_or_default();
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment
                .find("-->")
                .map_or("", |end| comment.get(end + 3..).unwrap_or_default());
            continue;
        }
        if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
            let end = cdata.find("]]>").unwrap_or(cdata.len());
            push_raw(&mut out, cdata.get(..end).unwrap_or_default(), pre > 0);
            rest = cdata.get(end + 3..).unwrap_or_default();
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest
                .find('>')
                .map_or("", |end| rest.get(end + 1..).unwrap_or_default());
            continue;
        }
        let after = rest.get(1..).unwrap_or_default();
        let (closing, after) = match after.strip_prefix('/') {
            Some(after) => (true, after),
            None => (false, after),
        };
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
            .count();
        if name_len == 0
            || !after
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphabetic)
        {
            // `a < b`: not a tag.
            push_text(&mut out, "<", pre > 0);
            rest = rest.get(1..).unwrap_or_default();
            continue;
        }
        let name = after
            .get(..name_len)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let tag_end = tag_end(after);
        let attributes = after.get(name_len..tag_end).unwrap_or_default();
        rest = after.get(tag_end..).unwrap_or_default();
        let name = name.as_str();
        if name == "a" {
            // A link's absolute target follows its text, unless the text
            // shows it already (indicators often hide in `href`s).
            if closing {
                if let Some((start, target)) = link.take() {
                    let text = out.get(start..).unwrap_or_default();
                    if !text.contains(target.as_str()) {
                        out.push_str(" (");
                        out.push_str(&target);
                        out.push(')');
                    }
                }
            } else {
                link = href(attributes).map(|target| (out.len(), target));
            }
        }
        if !closing && SKIPPED.contains(&name) {
            rest = skip_element(rest, name);
            continue;
        }
        if name == "pre" {
            if closing {
                pre = pre.saturating_sub(1);
            } else {
                pre += 1;
            }
        }
        if PARAGRAPH.contains(&name) {
            out.push_str("\n\n");
        } else if name == "br" || (LINE.contains(&name) && !out.ends_with('\n')) {
            out.push('\n');
        } else if matches!(name, "td" | "th") && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
    }
    tidy(&out)
}

/// The absolute target (`scheme://…`, `mailto:…`, defanged `hxxp…`) of
/// a tag's `href` attribute, entities decoded.
fn href(attributes: &str) -> Option<String> {
    let lower = attributes.to_ascii_lowercase();
    let mut from = 0;
    let value = loop {
        let at = from + lower.get(from..)?.find("href")?;
        from = at + 4;
        let before = lower.get(..at).and_then(|b| b.chars().next_back());
        if before.is_some_and(|c| !c.is_ascii_whitespace()) {
            continue;
        }
        let after = attributes.get(at + 4..)?.trim_start();
        let Some(after) = after.strip_prefix('=') else {
            continue;
        };
        let after = after.trim_start();
        break match after.chars().next()? {
            quote @ ('"' | '\'') => {
                let inner = after.get(1..)?;
                inner.get(..inner.find(quote)?)?
            }
            _ => after.get(
                ..after
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(after.len()),
            )?,
        };
    };
    let target = decode_entities(value.trim());
    let scheme = target.to_ascii_lowercase();
    let absolute =
        scheme.contains("://") || scheme.starts_with("mailto:") || scheme.starts_with("hxxp");
    absolute.then(|| target.into_owned())
}

/// Where a tag ends (after its `>`), quotes in attributes respected.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (at, c) in tag.char_indices() {
        match (quote, c) {
            (None, '>') => return at + 1,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if q == c => quote = None,
            _ => {}
        }
    }
    tag.len()
}

/// The rest after the end tag of `name` (ASCII case-insensitive).
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let bytes = rest.as_bytes();
    for at in memchr::memchr_iter(b'<', bytes) {
        let Some(close) = bytes.get(at + 1..at + 2 + name.len()) else {
            break;
        };
        if close.first() == Some(&b'/')
            && close
                .get(1..)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            let tail = rest.get(at..).unwrap_or_default();
            return tail
                .find('>')
                .map_or("", |end| tail.get(end + 1..).unwrap_or_default());
        }
    }
    ""
}

/// Text of the document: entities decoded, whitespace collapsed unless in `<pre>`.
fn push_text(out: &mut String, text: &str, pre: bool) {
    push_raw(out, &decode_entities(text), pre);
}

fn push_raw(out: &mut String, text: &str, pre: bool) {
    if pre {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Lines trimmed, at most one blank line in a row, none at the ends.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Decode HTML entities: named common ones and numeric ones; unknown ones
/// are kept as written.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        rest = rest.get(at..).unwrap_or_default();
        let end = rest
            .get(1..)
            .unwrap_or_default()
            .char_indices()
            .take(32)
            .find(|(_, c)| *c == ';' || *c == '&' || c.is_whitespace())
            .filter(|(_, c)| *c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|end| entity(rest.get(1..end).unwrap_or_default()));
        if let (Some(c), Some(end)) = (decoded, end) {
            out.push(c);
            rest = rest.get(end + 1..).unwrap_or_default();
        } else {
            out.push('&');
            rest = rest.get(1..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character of an entity's name (between `&` and `;`).
fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        return Some(match char::from_u32(code) {
            Some('\0') | None => char::REPLACEMENT_CHARACTER,
            Some(c) => c,
        });
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "sbquo" => '\u{201A}',
        "ldquo" => '\u{201C}',
        "rdquo" => '\u{201D}',
        "bdquo" => '\u{201E}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{B7}',
        "laquo" => '\u{AB}',
        "raquo" => '\u{BB}',
        "copy" => '\u{A9}',
        "reg" => '\u{AE}',
        "trade" => '\u{2122}',
        "deg" => '\u{B0}',
        "times" => '\u{D7}',
        "divide" => '\u{F7}',
        "euro" => '\u{20AC}',
        "pound" => '\u{A3}',
        "sect" => '\u{A7}',
        "para" => '\u{B6}',
        "shy" | "zwsp" => '\u{AD}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        let html = "<!DOCTYPE html><html><head><title>Report</title>\
            <style>p { color: red }</style><script>var a = '<p>x</p>';</script></head>\
            <body><h1>APT&nbsp;29</h1><p>Ran <code>cmd.exe /c whoami</code> &amp; \
            <b>net   user</b>.<br>Then&#39;s &#x41;&#66; &lt;tag&gt; &quot;q&quot; &bogus; a &amp b</p>\
            <!-- hidden --><ul><li>one</li><li>two</li></ul><pre>  keep\n    this</pre>\
            <p>1 < 2</p></body></html>";
        assert_eq!(
            html_to_text(html),
            "Report\n\nAPT 29\n\nRan cmd.exe /c whoami & net user.\nThen's AB <tag> \"q\" \
             &bogus; a &amp b\n\none\ntwo\n\nkeep\nthis\n\n1 < 2"
        );
    }

    #[test]
    fn markdown_loses_its_fence_markers_only() {
        let md = "# Title\n\nText `x`.\n\n```powershell\nGet-Process\n```\n~~~\nid\n~~~\n";
        assert_eq!(
            markdown_to_text(md),
            "# Title\n\nText `x`.\n\nGet-Process\nid\n"
        );
    }

    #[test]
    fn formats_by_extension_or_content() {
        let p = Path::new;
        assert_eq!(TextFormat::of(p("a.HTM"), ""), TextFormat::Html);
        assert_eq!(
            TextFormat::of(p("a.txt"), "  <!DOCTYPE HTML>"),
            TextFormat::Html
        );
        assert_eq!(TextFormat::of(p("a.md"), "<html>"), TextFormat::Markdown);
        assert_eq!(TextFormat::of(p("a"), "text"), TextFormat::Plain);
    }
}
