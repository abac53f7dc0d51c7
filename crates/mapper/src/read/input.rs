//! Bytes in: files opened with their byte-order mark handled (UTF-16 is
//! transcoded to UTF-8 as it streams), and lines read with a size limit.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::error::ReadError;

/// A buffered input of UTF-8 bytes.
pub(crate) type Input = BufReader<Box<dyn Read + Send>>;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Open `path` for reading: a UTF-8 byte-order mark is skipped, UTF-16
/// (with its mark) is transcoded to UTF-8.
pub(crate) fn open_input(path: &Path) -> Result<Input, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::io(path, e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(ReadError::io(
            path,
            io::Error::other("is a folder, not a file"),
        ));
    }
    decode(Box::new(file), path)
}

/// A stream named `name` (in errors) as UTF-8 input: a UTF-8 byte-order
/// mark is skipped, UTF-16 (with its mark) is transcoded.
pub(crate) fn decode(stream: Box<dyn Read + Send>, name: &Path) -> Result<Input, ReadError> {
    let mut raw = BufReader::new(stream);
    let head = raw.fill_buf().map_err(|e| ReadError::io(name, e))?;
    let inner: Box<dyn Read + Send> = if head.starts_with(UTF8_BOM) {
        raw.consume(UTF8_BOM.len());
        Box::new(raw)
    } else if head.starts_with(b"\xFF\xFE") {
        raw.consume(2);
        Box::new(Utf16Reader::new(raw, false))
    } else if head.starts_with(b"\xFE\xFF") {
        raw.consume(2);
        Box::new(Utf16Reader::new(raw, true))
    } else {
        Box::new(raw)
    };
    Ok(BufReader::with_capacity(64 * 1024, inner))
}

/// The input's buffered bytes (read in when there are none); an
/// interrupted read is tried again.
pub(crate) fn fill<R: BufRead + ?Sized>(input: &mut R) -> io::Result<&[u8]> {
    loop {
        match input.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Filled: this returns the buffer without reading.
    input.fill_buf()
}

/// Skip a UTF-8 byte-order mark at the start of `bytes`.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// UTF-16 in, UTF-8 out; unpaired surrogates and an odd last byte become
/// U+FFFD.
struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    /// Raw bytes not yet decoded (an odd byte, a high surrogate).
    carry: Vec<u8>,
    /// Decoded bytes not yet handed out, from `at`.
    out: Vec<u8>,
    at: usize,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Utf16Reader {
            inner,
            big_endian,
            carry: Vec::new(),
            out: Vec::new(),
            at: 0,
            eof: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.at = 0;
        while self.out.is_empty() && !self.eof {
            let mut raw = std::mem::take(&mut self.carry);
            let before = raw.len();
            raw.resize(before + 16 * 1024, 0);
            let n = loop {
                match self.inner.read(raw.get_mut(before..).unwrap_or_default()) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            raw.truncate(before + n);
            if n == 0 {
                self.eof = true;
            }
            let units: Vec<u16> = raw
                .chunks_exact(2)
                .map(|pair| match pair {
                    [a, b] if self.big_endian => u16::from_be_bytes([*a, *b]),
                    [a, b] => u16::from_le_bytes([*a, *b]),
                    _ => 0xFFFD,
                })
                .collect();
            let mut keep = raw.len() % 2;
            let mut end = units.len();
            // A high surrogate at the end may pair with the next read.
            if !self.eof && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
                end -= 1;
                keep += 2;
            }
            let mut text = String::new();
            for c in char::decode_utf16(units.iter().take(end).copied()) {
                text.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            if self.eof && keep > 0 {
                text.push(char::REPLACEMENT_CHARACTER);
                keep = 0;
            }
            self.carry = raw.split_off(raw.len() - keep);
            self.out = text.into_bytes();
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.out.len() {
            self.refill()?;
        }
        let rest = self.out.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.at += n;
        Ok(n)
    }
}

/// One line of a [`Lines`] reader.
pub(crate) enum Line<'a> {
    /// Its bytes, without the line end.
    Bytes(&'a [u8]),
    /// It was longer than the limit: this many bytes (skipped, not kept).
    TooLong(u64),
}

/// Lines of a `BufRead`, at most `max` bytes of each kept in memory.
pub(crate) struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    number: u64,
    max: usize,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(input: R, max: usize) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            number: 0,
            max,
            done: false,
        }
    }

    pub(crate) fn set_max(&mut self, max: usize) {
        self.max = max;
    }

    /// The number of the last line returned (1-based).
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// The next line and its number; `None` at the end, an error (after
    /// which it ends) when reading fails.
    pub(crate) fn next_line(&mut self) -> Option<io::Result<(u64, Line<'_>)>> {
        if self.done {
            return None;
        }
        self.buf.clear();
        if self.buf.capacity() > 4 * 1024 * 1024 {
            self.buf.shrink_to(64 * 1024);
        }
        let mut len: u64 = 0;
        let mut started = false;
        let mut too_long = false;
        loop {
            let available = match fill(&mut self.input) {
                Ok(available) => available,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if available.is_empty() {
                self.done = true;
                if !started {
                    return None;
                }
                break;
            }
            started = true;
            let (piece, used, ended) = match memchr::memchr(b'\n', available) {
                Some(at) => (available.get(..at).unwrap_or_default(), at + 1, true),
                None => (available, available.len(), false),
            };
            len += piece.len() as u64;
            if !too_long {
                if len > self.max as u64 {
                    too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(piece);
                }
            }
            self.input.consume(used);
            if ended {
                break;
            }
        }
        self.number += 1;
        if too_long {
            return Some(Ok((self.number, Line::TooLong(len))));
        }
        let line = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
        Some(Ok((self.number, Line::Bytes(line))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_in_either_order_becomes_utf8() {
        let text = "a\u{e9}\u{1F600}z\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, big) in [(le, false), (be, true)] {
            // One byte at a time: surrogate pairs and units split across reads.
            let slow = bytes.chunks(1).map(<[u8]>::to_vec).collect::<Vec<_>>();
            let reader = Slow(slow.into_iter());
            let mut out = String::new();
            Utf16Reader::new(reader, big)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
        let mut out = String::new();
        Utf16Reader::new(&[0x41u8, 0, 0x00, 0xD8, 0x42][..], false)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "A\u{FFFD}\u{FFFD}");
    }

    struct Slow(std::vec::IntoIter<Vec<u8>>);

    impl Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.next() {
                Some(piece) => {
                    buf[..piece.len()].copy_from_slice(&piece);
                    Ok(piece.len())
                }
                None => Ok(0),
            }
        }
    }

    #[test]
    fn lines_are_limited_and_numbered() {
        let data = b"one\r\n\nthis line is too long\nlast";
        let mut lines = Lines::new(&data[..], 8);
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line() {
            match line.unwrap() {
                (n, Line::Bytes(b)) => seen.push((n, String::from_utf8_lossy(b).into_owned())),
                (n, Line::TooLong(len)) => seen.push((n, format!("<{len}>"))),
            }
        }
        assert_eq!(
            seen,
            [
                (1, "one".to_owned()),
                (2, String::new()),
                (3, "<21>".to_owned()),
                (4, "last".to_owned())
            ]
        );
    }
}
