//! What goes wrong when reading: a file that cannot be read at all
//! ([`ReadError`], a hard error) and one record that cannot be read
//! ([`RecordError`], reported and skipped), counted in a [`ReadSummary`].

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::event::Origin;

/// How many record errors a [`ReadSummary`] keeps (the rest are counted).
pub const KEPT_ERRORS: usize = 100;

/// A file that cannot be read at all: the run goes on with the next one.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be opened or read (missing, a folder, no permission).
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The file is not a Windows event log its extension or header says it is.
    #[error("cannot read {} as a Windows event log (.evtx): {message}", path.display())]
    Evtx {
        /// The file.
        path: PathBuf,
        /// What the `evtx` parser said.
        message: String,
    },
    /// The file holds neither JSON events nor a Windows event log.
    #[error(
        "{}: unknown event format (expected JSON lines, a JSON array, JSON objects or .evtx)",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
}

impl ReadError {
    pub(crate) fn io(path: &Path, source: io::Error) -> ReadError {
        ReadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::Evtx { path, .. }
            | ReadError::UnknownFormat { path } => path,
        }
    }
}

/// What a record position counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A line of a JSON-lines or command-line file.
    Line,
    /// An element of a JSON array.
    Element,
    /// A document of a file of JSON documents one after another.
    Document,
    /// A record of a Windows event log (`.evtx`), in reading order.
    Record,
    /// A whole file (a report read as one text).
    File,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Line => "line",
            Unit::Element => "element",
            Unit::Document => "document",
            Unit::Record => "record",
            Unit::File => "file",
        }
    }
}

/// Where a record is in its input.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Position {
    /// The file, when read from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<PathBuf>>,
    /// What `index` counts.
    pub unit: Unit,
    /// The 1-based line, element, document or record number.
    pub index: u64,
    /// The 1-based line the record starts on (or the error is on), when
    /// known and not `index` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl Position {
    /// The origin of the record at this position.
    pub fn origin(&self) -> Origin {
        Origin {
            file: self.file.clone(),
            record: self.index,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if self.unit == Unit::File {
            f.write_str("file")?;
        } else {
            write!(f, "{} {}", self.unit.name(), self.index)?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

/// What is wrong with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordErrorKind {
    /// Not valid JSON (including nesting deeper than 128 levels).
    Syntax,
    /// Valid JSON that is not an object, so not an event.
    NotAnObject,
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// Larger than the reader's limit ([`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES) by default).
    TooLarge,
    /// The structure breaks here (an unterminated string, a bracket that
    /// does not match, the end of the file inside an array): nothing after
    /// it can be read.
    Unrecoverable,
    /// A record or chunk of a Windows event log that cannot be parsed.
    Evtx,
    /// Reading failed part way through the file: nothing after it is read.
    Io,
}

/// One record that cannot be read: reported with its position and skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordError {
    /// Where it is.
    pub position: Position,
    /// What is wrong.
    pub kind: RecordErrorKind,
    /// The details.
    pub message: String,
}

impl RecordError {
    pub(crate) fn new(
        position: Position,
        kind: RecordErrorKind,
        message: impl Into<String>,
    ) -> Self {
        RecordError {
            position,
            kind,
            message: message.into(),
        }
    }

    /// Whether reading stopped at this error (the rest of the input is lost).
    pub fn is_final(&self) -> bool {
        matches!(
            self.kind,
            RecordErrorKind::Unrecoverable | RecordErrorKind::Io
        )
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

impl std::error::Error for RecordError {}

/// How a read went: records seen, read and skipped, and the first
/// [`KEPT_ERRORS`] errors (memory does not grow with the number of bad
/// records).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadSummary {
    /// Records met: `events + skipped`.
    pub records: u64,
    /// Records read (events, command lines, texts).
    pub events: u64,
    /// Records skipped because they could not be read.
    pub skipped: u64,
    /// The first [`KEPT_ERRORS`] record errors, in reading order.
    pub errors: Vec<RecordError>,
}

impl ReadSummary {
    /// Count one item of a reader.
    pub fn count<T>(&mut self, item: &Result<T, RecordError>) {
        self.records += 1;
        match item {
            Ok(_) => self.events += 1,
            Err(error) => {
                self.skipped += 1;
                if self.errors.len() < KEPT_ERRORS {
                    self.errors.push(error.clone());
                }
            }
        }
    }

    /// Add the counts of another summary (errors kept up to [`KEPT_ERRORS`]).
    pub fn merge(&mut self, other: &ReadSummary) {
        self.records += other.records;
        self.events += other.events;
        self.skipped += other.skipped;
        let room = KEPT_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.iter().take(room).cloned());
    }
}

impl fmt::Display for ReadSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} records: {} read, {} skipped",
            self.records, self.events, self.skipped
        )
    }
}

/// The message of an error and of its sources, joined with `: `.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = inner.source();
    }
    message
}
