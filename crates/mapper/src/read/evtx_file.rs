//! Windows event logs (`.evtx`) read directly, one 64 KiB chunk at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use evtx::{EvtxParser, IntoIterChunks, ParserSettings};
use serde_json::Value;

use super::error::{chain, Position, ReadError, RecordError, RecordErrorKind, Unit};
use super::windows::event_from_document;
use crate::event::{Event, Origin};

/// A record of the chunk being read: its document, or why it failed.
type Pending = Result<Value, String>;

/// Events of a Windows event log (`.evtx`), normalised like evtx JSON (see
/// [`event_from_document`]) and numbered in reading order (oldest chunk
/// first, as Windows reads a log that has wrapped around).
///
/// A record that cannot be parsed, or a chunk that cannot (its records are
/// then lost), is a [`RecordError`] and reading goes on. Memory holds the
/// records of one chunk (64 KiB of binary XML) at a time.
pub struct EvtxReader {
    chunks: IntoIterChunks<File>,
    settings: Arc<ParserSettings>,
    pending: VecDeque<Pending>,
    file: Arc<PathBuf>,
    /// Records (and unreadable chunks) met so far.
    index: u64,
    /// Bytes past the last whole chunk (a file cut short), reported at the end.
    tail: u64,
}

/// The sizes of an event log's file header and chunks.
const HEADER_SIZE: u64 = 4096;
const CHUNK_SIZE: u64 = 65536;

impl EvtxReader {
    /// Open a Windows event log. Fails when the file cannot be read or its
    /// header is not an event log's.
    pub fn open(path: impl AsRef<Path>) -> Result<EvtxReader, ReadError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
        let tail = file
            .metadata()
            .map_or(0, |m| m.len().saturating_sub(HEADER_SIZE) % CHUNK_SIZE);
        let settings = ParserSettings::new().indent(false);
        let parser = EvtxParser::from_read_seek(file)
            .map_err(|e| ReadError::Evtx {
                path: path.to_path_buf(),
                message: chain(&e),
            })?
            .with_configuration(settings.clone());
        Ok(EvtxReader {
            chunks: parser.into_chunks(),
            settings: Arc::new(settings),
            pending: VecDeque::new(),
            file: Arc::new(path.to_path_buf()),
            index: 0,
            tail,
        })
    }

    fn error(&self, message: String) -> RecordError {
        RecordError::new(
            Position {
                file: Some(Arc::clone(&self.file)),
                unit: Unit::Record,
                index: self.index,
                line: None,
            },
            RecordErrorKind::Evtx,
            message,
        )
    }
}

impl Iterator for EvtxReader {
    type Item = Result<Event, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(record) = self.pending.pop_front() {
                self.index += 1;
                return Some(match record {
                    Err(message) => Err(self.error(message)),
                    Ok(document) => match event_from_document(document) {
                        Some(mut event) => {
                            event.origin = Some(Origin {
                                file: Some(Arc::clone(&self.file)),
                                record: self.index,
                            });
                            Ok(event)
                        }
                        None => Err(self.error("the record is not a JSON object".to_owned())),
                    },
                });
            }
            let Some(chunk) = self.chunks.next() else {
                if self.tail == 0 {
                    return None;
                }
                let tail = std::mem::take(&mut self.tail);
                self.index += 1;
                return Some(Err(self.error(format!(
                    "the file ends inside a chunk: its last {tail} bytes are not read"
                ))));
            };
            match chunk {
                Err(e) => {
                    self.index += 1;
                    return Some(Err(self.error(format!(
                        "a chunk cannot be read, its records are skipped: {}",
                        chain(&e)
                    ))));
                }
                Ok(mut data) => {
                    let number = data.number;
                    match data.parse(Arc::clone(&self.settings)) {
                        Err(e) => {
                            self.index += 1;
                            let chunk = number.map_or_else(String::new, |n| format!(" {n}"));
                            return Some(Err(self.error(format!(
                                "chunk{chunk} cannot be parsed, its records are skipped: {}",
                                chain(&e)
                            ))));
                        }
                        Ok(mut chunk) => {
                            for record in chunk.iter() {
                                let document = record
                                    .and_then(evtx::EvtxRecord::into_json_value)
                                    .map(|record| record.data)
                                    .map_err(|e| chain(&e));
                                self.pending.push_back(document);
                            }
                        }
                    }
                }
            }
        }
    }
}
