//! JSON events: one object per line ([`JsonLinesReader`]), an array of
//! objects or objects one after another ([`JsonReader`]), each read one
//! record at a time.

use std::io::{self, BufRead};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::error::{Position, RecordError, RecordErrorKind, Unit};
use super::input::{fill, strip_bom, Line, Lines};
use super::windows::event_from_document;
use super::MAX_RECORD_BYTES;
use crate::event::{Event, Origin};

/// serde_json's message without its `at line L column C` suffix, and the
/// line and column.
fn describe(error: &serde_json::Error) -> (String, usize, usize) {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) => text.get(..at).unwrap_or(&text).to_owned(),
        None => text,
    };
    (message, error.line(), error.column())
}

/// Whether a line is the `Record N` banner `evtx_dump -o json` writes
/// before each record (`Record 7 (recovered)` for a carved one).
pub(crate) fn is_banner(line: &[u8]) -> bool {
    let Some(rest) = line.trim_ascii().strip_prefix(b"Record ") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let tail = rest.get(digits..).unwrap_or_default();
    digits > 0 && (tail.is_empty() || tail == b" (recovered)")
}

/// An event of a parsed document, or why it is not one.
fn to_event(value: Value, origin: Origin) -> Result<Event, (RecordErrorKind, String)> {
    let kind = match &value {
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Object(_) => "",
    };
    match event_from_document(value) {
        Some(mut event) => {
            event.origin = Some(origin);
            Ok(event)
        }
        None => Err((
            RecordErrorKind::NotAnObject,
            format!("{kind}, not an event (a JSON object)"),
        )),
    }
}

/// Events of a JSON-lines input: one JSON object per line, blank lines
/// skipped. A line that is not valid UTF-8, not valid JSON, not an object
/// or longer than the limit is a [`RecordError`] naming its line; the
/// lines after it are read. Memory holds one line at a time.
pub struct JsonLinesReader<R> {
    lines: Lines<R>,
    file: Option<Arc<PathBuf>>,
}

impl<R: BufRead> JsonLinesReader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> Self {
        JsonLinesReader {
            lines: Lines::new(input, MAX_RECORD_BYTES),
            file: None,
        }
    }

    /// Name `file` in the events' origins and in errors.
    pub fn with_file(mut self, file: Arc<PathBuf>) -> Self {
        self.file = Some(file);
        self
    }

    /// The longest line read, in bytes ([`MAX_RECORD_BYTES`] unless set).
    pub fn max_record_bytes(mut self, max: usize) -> Self {
        self.lines.set_max(max);
        self
    }

    fn position_of(&self, line: u64) -> Position {
        Position {
            file: self.file.clone(),
            unit: Unit::Line,
            index: line,
            line: None,
        }
    }
}

impl<R: BufRead> Iterator for JsonLinesReader<R> {
    type Item = Result<Event, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (number, bytes) = match self.lines.next_line()? {
                Err(e) => {
                    let at = self.lines.number() + 1;
                    return Some(Err(RecordError::new(
                        self.position_of(at),
                        RecordErrorKind::Io,
                        format!("reading failed, the rest of the file is not read: {e}"),
                    )));
                }
                Ok((number, Line::TooLong(len))) => {
                    return Some(Err(RecordError::new(
                        self.position_of(number),
                        RecordErrorKind::TooLarge,
                        format!("line of {len} bytes is longer than the limit"),
                    )));
                }
                Ok((number, Line::Bytes(bytes))) => {
                    let bytes = if number == 1 { strip_bom(bytes) } else { bytes };
                    (number, bytes.trim_ascii())
                }
            };
            if bytes.is_empty() || is_banner(bytes) {
                continue;
            }
            let parsed = match std::str::from_utf8(bytes) {
                Err(e) => Err((
                    RecordErrorKind::InvalidUtf8,
                    format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1),
                )),
                Ok(text) => match serde_json::from_str::<Value>(text) {
                    Err(e) => {
                        let (message, _, column) = describe(&e);
                        Err((
                            RecordErrorKind::Syntax,
                            format!("{message} at column {column}"),
                        ))
                    }
                    Ok(value) => to_event(
                        value,
                        Origin {
                            file: self.file.clone(),
                            record: number,
                        },
                    ),
                },
            };
            return Some(parsed.map_err(|(kind, message)| {
                RecordError::new(self.position_of(number), kind, message)
            }));
        }
    }
}

/// Where a [`JsonReader`] is in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Before the first value.
    Start,
    /// In an array: expecting an element (`after` false) or `,` / `]`.
    Array {
        after: bool,
    },
    /// Documents one after another.
    Documents,
    /// After the array's `]`.
    Trailing,
    Done,
}

/// How scanning one value ended.
enum Scan {
    /// The value is complete (in the buffer, unless it was too large).
    Complete { too_large: bool },
    /// The input ended inside it.
    Eof,
    /// A closing bracket that does not match, on this line.
    Mismatch(u64),
}

/// How deep bracket kinds are remembered to check that they match (deeper
/// brackets are only counted).
const TRACKED_DEPTH: usize = 4096;

/// Events of a JSON input holding an array of objects, or one or more
/// objects one after another (a single object is a file of one event).
///
/// Elements are read one at a time: the reader finds where each ends by
/// its brackets and quotes, then parses it alone, so a malformed element
/// whose brackets and quotes balance (`{"a": tru}`, `{"a" 1}`, `42`) is a
/// [`RecordError`] naming its element number and line, and the elements
/// after it are read. A break in the structure itself — an unterminated
/// string, a bracket that does not match, the end of the input inside an
/// element or the array — cannot be recovered from: it is reported once
/// ([`RecordErrorKind::Unrecoverable`]) and reading stops there, keeping
/// the events read before it. An element larger than the limit is skipped
/// without being held in memory. A trailing comma before `]` is accepted,
/// and so are commas between top-level documents. Between documents, the
/// `Record N` banners of `evtx_dump -o json` are skipped, and any other
/// line starting with a letter is one record error.
pub struct JsonReader<R> {
    input: R,
    file: Option<Arc<PathBuf>>,
    max: usize,
    mode: Mode,
    /// The line at the read cursor (1-based).
    line: u64,
    /// Elements (or documents) met so far.
    index: u64,
    /// Whether the input is documents one after another (not an array).
    documents: bool,
    buf: Vec<u8>,
    stack: Vec<u8>,
}

impl<R: BufRead> JsonReader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> Self {
        JsonReader {
            input,
            file: None,
            max: MAX_RECORD_BYTES,
            mode: Mode::Start,
            line: 1,
            index: 0,
            documents: false,
            buf: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Name `file` in the events' origins and in errors.
    pub fn with_file(mut self, file: Arc<PathBuf>) -> Self {
        self.file = Some(file);
        self
    }

    /// The largest element read, in bytes ([`MAX_RECORD_BYTES`] unless set).
    pub fn max_record_bytes(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    fn unit(&self) -> Unit {
        if self.documents {
            Unit::Document
        } else {
            Unit::Element
        }
    }

    fn error(
        &self,
        index: u64,
        line: u64,
        kind: RecordErrorKind,
        message: impl Into<String>,
    ) -> RecordError {
        RecordError::new(
            Position {
                file: self.file.clone(),
                unit: self.unit(),
                index,
                line: Some(line),
            },
            kind,
            message,
        )
    }

    /// Stop, reporting a break in the structure at the next element.
    fn fail(&mut self, kind: RecordErrorKind, message: &str) -> RecordError {
        let what = if self.unit() == Unit::Document {
            "documents"
        } else {
            "array"
        };
        let error = self.error(
            self.index + 1,
            self.line,
            kind,
            format!("{message}; the rest of the {what} cannot be read"),
        );
        self.mode = Mode::Done;
        error
    }

    /// Skip whitespace (counting lines) and return the next byte, unread.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            let available = fill(&mut self.input)?;
            if available.is_empty() {
                return Ok(None);
            }
            let mut used = 0;
            let mut found = None;
            for &b in available {
                match b {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    other => {
                        found = Some(other);
                        break;
                    }
                }
                used += 1;
            }
            self.input.consume(used);
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    /// Read the rest of the line (through its end), keeping its first `keep` bytes.
    fn take_line(&mut self, keep: usize) -> io::Result<Vec<u8>> {
        let mut line = Vec::new();
        loop {
            let available = fill(&mut self.input)?;
            if available.is_empty() {
                return Ok(line);
            }
            let (piece, used, ended) = match memchr::memchr(b'\n', available) {
                Some(at) => (available.get(..at).unwrap_or_default(), at + 1, true),
                None => (available, available.len(), false),
            };
            let room = keep.saturating_sub(line.len());
            line.extend_from_slice(piece.get(..room.min(piece.len())).unwrap_or_default());
            self.input.consume(used);
            if ended {
                self.line += 1;
                return Ok(line);
            }
        }
    }

    /// Read one value from the cursor (at a non-space byte) into the buffer.
    fn scan(&mut self) -> io::Result<Scan> {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum State {
            Start,
            Outside,
            InString,
            Escape,
        }
        self.buf.clear();
        if self.buf.capacity() > 4 * 1024 * 1024 {
            self.buf.shrink_to(64 * 1024);
        }
        self.stack.clear();
        let mut depth: usize = 0;
        let mut state = State::Start;
        // The value is a string, a container or a scalar (decided by its first byte).
        let mut scalar = false;
        let mut string = false;
        let mut size: usize = 0;
        let mut too_large = false;
        loop {
            let available = fill(&mut self.input)?;
            if available.is_empty() {
                // A scalar ends with the input; anything else is cut short.
                return Ok(if scalar {
                    Scan::Complete { too_large }
                } else {
                    Scan::Eof
                });
            }
            let mut i = 0;
            let mut finished = false;
            let mut mismatch = false;
            while let Some(&b) = available.get(i) {
                match state {
                    State::Start => {
                        i += 1;
                        match b {
                            b'{' | b'[' => {
                                depth = 1;
                                self.stack.push(b);
                                state = State::Outside;
                            }
                            b'"' => {
                                string = true;
                                state = State::InString;
                            }
                            _ => {
                                scalar = true;
                                state = State::Outside;
                            }
                        }
                    }
                    State::InString => {
                        let rest = available.get(i..).unwrap_or_default();
                        match memchr::memchr2(b'"', b'\\', rest) {
                            None => {
                                self.line += memchr::memchr_iter(b'\n', rest).count() as u64;
                                i = available.len();
                            }
                            Some(at) => {
                                let skipped = rest.get(..at).unwrap_or_default();
                                self.line += memchr::memchr_iter(b'\n', skipped).count() as u64;
                                i += at + 1;
                                if rest.get(at) == Some(&b'"') {
                                    state = State::Outside;
                                    if string {
                                        finished = true;
                                        break;
                                    }
                                } else {
                                    state = State::Escape;
                                }
                            }
                        }
                    }
                    State::Escape => {
                        if b == b'\n' {
                            self.line += 1;
                        }
                        state = State::InString;
                        i += 1;
                    }
                    State::Outside if scalar => {
                        if b.is_ascii_whitespace() || b",]}[{\"".contains(&b) {
                            finished = true;
                            break;
                        }
                        i += 1;
                    }
                    State::Outside => {
                        i += 1;
                        match b {
                            b'"' => state = State::InString,
                            b'\n' => self.line += 1,
                            b'{' | b'[' => {
                                depth += 1;
                                if self.stack.len() < TRACKED_DEPTH {
                                    self.stack.push(b);
                                }
                            }
                            b'}' | b']' => {
                                if depth <= self.stack.len() {
                                    let open = if b == b'}' { b'{' } else { b'[' };
                                    if self.stack.pop() != Some(open) {
                                        mismatch = true;
                                        break;
                                    }
                                }
                                depth -= 1;
                                if depth == 0 {
                                    finished = true;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            size = size.saturating_add(i);
            if !too_large {
                if size > self.max {
                    too_large = true;
                    self.buf = Vec::new();
                } else {
                    self.buf
                        .extend_from_slice(available.get(..i).unwrap_or_default());
                }
            }
            self.input.consume(i);
            if mismatch {
                return Ok(Scan::Mismatch(self.line));
            }
            if finished {
                return Ok(Scan::Complete { too_large });
            }
        }
    }

    /// Read the next element and make it an event.
    fn element(&mut self) -> Result<Event, RecordError> {
        self.index += 1;
        let index = self.index;
        let start = self.line;
        let scan = match self.scan() {
            Ok(scan) => scan,
            Err(e) => {
                self.mode = Mode::Done;
                return Err(self.error(
                    index,
                    self.line,
                    RecordErrorKind::Io,
                    format!("reading failed, the rest of the file is not read: {e}"),
                ));
            }
        };
        if let Mode::Array { after } = &mut self.mode {
            *after = true;
        }
        let what = if self.unit() == Unit::Document {
            "documents"
        } else {
            "array"
        };
        match scan {
            Scan::Eof => {
                self.mode = Mode::Done;
                Err(self.error(
                    index,
                    start,
                    RecordErrorKind::Unrecoverable,
                    format!(
                        "the input ends inside this element (an unterminated string or a \
                         missing bracket); the rest of the {what} cannot be read"
                    ),
                ))
            }
            Scan::Mismatch(line) => {
                self.mode = Mode::Done;
                Err(self.error(
                    index,
                    start,
                    RecordErrorKind::Unrecoverable,
                    format!(
                        "a closing bracket on line {line} does not match its opening one; \
                         the rest of the {what} cannot be read"
                    ),
                ))
            }
            Scan::Complete { too_large: true } => Err(self.error(
                index,
                start,
                RecordErrorKind::TooLarge,
                format!("larger than the limit of {} bytes", self.max),
            )),
            Scan::Complete { too_large: false } => {
                let parsed = match serde_json::from_slice::<Value>(&self.buf) {
                    Err(e) => {
                        let (message, line, _) = describe(&e);
                        let line = start + (line as u64).saturating_sub(1);
                        let kind = if message.contains("invalid unicode") {
                            RecordErrorKind::InvalidUtf8
                        } else {
                            RecordErrorKind::Syntax
                        };
                        Err((kind, format!("{message} (line {line})")))
                    }
                    Ok(value) => to_event(
                        value,
                        Origin {
                            file: self.file.clone(),
                            record: index,
                        },
                    ),
                };
                parsed.map_err(|(kind, message)| self.error(index, start, kind, message))
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonReader<R> {
    type Item = Result<Event, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.mode == Mode::Done {
                return None;
            }
            if self.mode == Mode::Start {
                if let Ok(head) = self.input.fill_buf() {
                    if head.starts_with(b"\xEF\xBB\xBF") {
                        self.input.consume(3);
                    }
                }
            }
            let next = match self.peek() {
                Ok(next) => next,
                Err(e) => {
                    let message = format!("reading failed: {e}");
                    return Some(Err(self.fail(RecordErrorKind::Io, &message)));
                }
            };
            match (self.mode, next) {
                (Mode::Done, _) | (Mode::Start | Mode::Documents | Mode::Trailing, None) => {
                    self.mode = Mode::Done;
                    return None;
                }
                (Mode::Start, Some(b'[')) | (Mode::Array { after: true }, Some(b',')) => {
                    self.input.consume(1);
                    self.mode = Mode::Array { after: false };
                }
                (Mode::Start, Some(_)) => {
                    self.mode = Mode::Documents;
                    self.documents = true;
                }
                (Mode::Array { .. }, None) => {
                    return Some(Err(self.fail(
                        RecordErrorKind::Unrecoverable,
                        "the input ends before the array is closed",
                    )));
                }
                (Mode::Array { .. }, Some(b']')) => {
                    self.input.consume(1);
                    self.mode = Mode::Trailing;
                }
                (Mode::Array { after: true }, Some(other)) => {
                    let message = format!(
                        "expected ',' or ']' after an element, found '{}'",
                        char::from(other).escape_default()
                    );
                    return Some(Err(self.fail(RecordErrorKind::Unrecoverable, &message)));
                }
                (Mode::Array { after: false }, Some(b',')) => {
                    // An empty element: a record that is missing, the rest is fine.
                    self.input.consume(1);
                    self.index += 1;
                    return Some(Err(self.error(
                        self.index,
                        self.line,
                        RecordErrorKind::Syntax,
                        "expected a value, found ','",
                    )));
                }
                (Mode::Array { after: false } | Mode::Documents, Some(b'}' | b']')) => {
                    return Some(Err(self.fail(
                        RecordErrorKind::Unrecoverable,
                        "a closing bracket without its opening one",
                    )));
                }
                (Mode::Documents, Some(b',')) => self.input.consume(1),
                (Mode::Documents, Some(b)) if b.is_ascii_alphabetic() => {
                    // Not JSON: `evtx_dump`'s `Record N` banner (skipped) or a line of text.
                    let line = self.line;
                    let text = match self.take_line(80) {
                        Ok(text) => text,
                        Err(e) => {
                            let message = format!("reading failed: {e}");
                            return Some(Err(self.fail(RecordErrorKind::Io, &message)));
                        }
                    };
                    if !is_banner(&text) {
                        self.index += 1;
                        return Some(Err(self.error(
                            self.index,
                            line,
                            RecordErrorKind::Syntax,
                            format!(
                                "not a JSON object: {}",
                                String::from_utf8_lossy(&text).trim()
                            ),
                        )));
                    }
                }
                (Mode::Array { after: false } | Mode::Documents, Some(_)) => {
                    return Some(self.element());
                }
                (Mode::Trailing, Some(_)) => {
                    return Some(Err(self.fail(
                        RecordErrorKind::Unrecoverable,
                        "data after the end of the array",
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<I: Iterator<Item = Result<Event, RecordError>>>(reader: I) -> Vec<String> {
        reader
            .map(|item| match item {
                Ok(event) => format!(
                    "ok {} {}",
                    event.origin.as_ref().map_or(0, |o| o.record),
                    event.to_json()
                ),
                Err(e) => format!("err {e}"),
            })
            .collect()
    }

    #[test]
    fn json_lines_skip_blank_and_report_bad_lines() {
        let data = b"\xEF\xBB\xBF{\"a\":1}\n\n  \r\n{\"a\":\n[1]\n{\"a\":\"\xFF\"}\n{\"a\":3}";
        assert_eq!(
            run(JsonLinesReader::new(&data[..])),
            [
                "ok 1 {\"a\":1}",
                "err line 4: EOF while parsing a value at column 5",
                "err line 5: an array, not an event (a JSON object)",
                "err line 6: invalid UTF-8 at byte 7",
                "ok 7 {\"a\":3}",
            ]
        );
    }

    #[test]
    fn array_elements_are_read_one_at_a_time() {
        let data =
            b"[{\"a\":1},\n {\"a\": tru},\n 42, , {\"s\":\"]}\\\"\"},\n \"x\", {\"a\":2},]  ";
        assert_eq!(
            run(JsonReader::new(&data[..])),
            [
                "ok 1 {\"a\":1}",
                "err element 2 (line 2): expected ident (line 2)",
                "err element 3 (line 3): a number, not an event (a JSON object)",
                "err element 4 (line 3): expected a value, found ','",
                "ok 5 {\"s\":\"]}\\\"\"}",
                "err element 6 (line 4): a string, not an event (a JSON object)",
                "ok 7 {\"a\":2}",
            ]
        );
    }

    #[test]
    fn structural_breaks_stop_the_array() {
        let data = b"[{\"a\":1}, {\"a\": [1}, {\"a\":3}]";
        assert_eq!(
            run(JsonReader::new(&data[..])),
            [
                "ok 1 {\"a\":1}",
                "err element 2 (line 1): a closing bracket on line 1 does not match its opening \
                 one; the rest of the array cannot be read",
            ]
        );
        let data = b"[{\"a\":1}, {\"a\": \"open}, {\"a\":3}]";
        let out = run(JsonReader::new(&data[..]));
        assert_eq!(out.len(), 2);
        assert!(out[1].contains("element 2 (line 1): the input ends inside"));
        let data = b"[{\"a\":1}";
        let out = run(JsonReader::new(&data[..]));
        assert_eq!(out[1], "err element 2 (line 1): the input ends before the array is closed; the rest of the array cannot be read");
        let data = b"[{\"a\":1} {\"a\":2}]";
        let out = run(JsonReader::new(&data[..]));
        assert!(out[1].contains("expected ',' or ']'"));
    }

    #[test]
    fn documents_one_after_another_and_limits() {
        let data =
            b"{\n\"a\": 1\n}\n{\"a\": 2} {\"big\": \"0123456789012345678901234567890\"}\n{\"a\":3}";
        assert_eq!(
            run(JsonReader::new(&data[..]).max_record_bytes(30)),
            [
                "ok 1 {\"a\":1}",
                "ok 2 {\"a\":2}",
                "err document 3 (line 4): larger than the limit of 30 bytes",
                "ok 4 {\"a\":3}",
            ]
        );
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let out = run(JsonReader::new(format!("[{deep}, {{}}]").as_bytes()));
        assert!(out[0].contains("recursion limit exceeded"), "{out:?}");
        assert_eq!(out[1], "ok 2 {}");
        assert!(run(JsonReader::new(&b"  "[..])).is_empty());
        let dump =
            b"Record 1\n{\"a\":1}\nRecord 2 (recovered)\n{\"a\":2}\nnonsense here\n{\"a\":3}";
        assert_eq!(
            run(JsonReader::new(&dump[..])),
            [
                "ok 1 {\"a\":1}",
                "ok 2 {\"a\":2}",
                "err document 3 (line 5): not a JSON object: nonsense here",
                "ok 4 {\"a\":3}",
            ]
        );
        assert!(run(JsonReader::new(&b"[]"[..])).is_empty());
    }
}
