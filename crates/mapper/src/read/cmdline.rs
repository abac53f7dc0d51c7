//! Files of command lines, one per line.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use super::error::{Position, RecordError, RecordErrorKind, Unit};
use super::input::{strip_bom, Line, Lines};
use super::observation::CommandLine;
use super::MAX_RECORD_BYTES;
use crate::event::Origin;

/// Command lines of a text input, one per line; blank lines and lines
/// starting with `#` are skipped, the others trimmed. A line that is not
/// UTF-8 or is longer than the limit is a [`RecordError`] naming its line.
pub struct CommandLineReader<R> {
    lines: Lines<R>,
    file: Option<Arc<PathBuf>>,
    platform: Option<String>,
}

impl<R: BufRead> CommandLineReader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> Self {
        CommandLineReader {
            lines: Lines::new(input, MAX_RECORD_BYTES),
            file: None,
            platform: None,
        }
    }

    /// Name `file` in the command lines' origins and in errors.
    pub fn with_file(mut self, file: Arc<PathBuf>) -> Self {
        self.file = Some(file);
        self
    }

    /// The platform of every command line (Sigma's `product`: `windows`, `linux`, `macos`).
    pub fn with_platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// The longest line read, in bytes ([`MAX_RECORD_BYTES`] unless set).
    pub fn max_record_bytes(mut self, max: usize) -> Self {
        self.lines.set_max(max);
        self
    }

    fn error(&self, line: u64, kind: RecordErrorKind, message: String) -> RecordError {
        RecordError::new(
            Position {
                file: self.file.clone(),
                unit: Unit::Line,
                index: line,
                line: None,
            },
            kind,
            message,
        )
    }
}

impl<R: BufRead> Iterator for CommandLineReader<R> {
    type Item = Result<CommandLine, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (number, text) = match self.lines.next_line()? {
                Err(e) => {
                    let at = self.lines.number() + 1;
                    return Some(Err(self.error(
                        at,
                        RecordErrorKind::Io,
                        format!("reading failed, the rest of the file is not read: {e}"),
                    )));
                }
                Ok((number, Line::TooLong(len))) => {
                    return Some(Err(self.error(
                        number,
                        RecordErrorKind::TooLarge,
                        format!("line of {len} bytes is longer than the limit"),
                    )));
                }
                Ok((number, Line::Bytes(bytes))) => {
                    let bytes = if number == 1 { strip_bom(bytes) } else { bytes };
                    match std::str::from_utf8(bytes) {
                        Ok(text) => (number, text.trim().to_owned()),
                        Err(e) => {
                            let at = e.valid_up_to() + 1;
                            return Some(Err(self.error(
                                number,
                                RecordErrorKind::InvalidUtf8,
                                format!("invalid UTF-8 at byte {at}"),
                            )));
                        }
                    }
                }
            };
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            return Some(Ok(CommandLine {
                command_line: text,
                platform: self.platform.clone(),
                origin: Some(Origin {
                    file: self.file.clone(),
                    record: number,
                }),
                ..CommandLine::default()
            }));
        }
    }
}
