//! Where violations go: the object being checked, its place in the document,
//! and helpers that build paths and messages only when something is found.

use std::fmt::{self, Write as _};

use super::{Level, Violation};

/// Where the object being checked sits in the document.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Base {
    /// The document is the object: paths start at `$`.
    Root,
    /// The object is `objects[i]` of a bundle.
    Index(usize),
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base::Root => f.write_str("$"),
            Base::Index(i) => write!(f, "$.objects[{i}]"),
        }
    }
}

/// Collects the violations of one object.
///
/// Paths are given relative to the object, starting with `.` or `[` (or
/// empty for the object itself), as [`fmt::Arguments`], so nothing is
/// formatted unless a violation is found.
pub(crate) struct Sink<'a> {
    out: &'a mut Vec<Violation>,
    /// A reusable buffer (the empty-container walk keeps its path here).
    pub(crate) scratch: &'a mut Vec<u8>,
    base: Base,
    id: Option<&'a str>,
    /// Where this object's violations start in `out`.
    start: usize,
    /// Whether the document is STIX 2.0 content (2.1-only rules are skipped).
    pub(crate) v20: bool,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(
        out: &'a mut Vec<Violation>,
        scratch: &'a mut Vec<u8>,
        base: Base,
        id: Option<&'a str>,
        v20: bool,
    ) -> Sink<'a> {
        let start = out.len();
        Sink {
            out,
            scratch,
            base,
            id,
            start,
            v20,
        }
    }

    /// Whether a violation of this object with one of `codes` was already
    /// reported at `path` (relative to the object).
    #[cold]
    pub(crate) fn reported_at(&self, codes: &[&str], path: fmt::Arguments<'_>) -> bool {
        let full = format!("{}{path}", self.base);
        self.out[self.start..]
            .iter()
            .any(|v| v.path == full && codes.contains(&v.code))
    }

    /// Record a violation at `path` (relative to the object).
    #[cold]
    #[inline(never)]
    pub(crate) fn push(
        &mut self,
        code: &'static str,
        level: Level,
        path: fmt::Arguments<'_>,
        message: fmt::Arguments<'_>,
    ) {
        let mut full = String::new();
        let _ = write!(full, "{}{path}", self.base);
        self.out.push(Violation {
            code,
            level,
            object_id: self.id.map(str::to_owned),
            path: full,
            message: message.to_string(),
        });
    }

    /// Record a MUST violation.
    pub(crate) fn must(
        &mut self,
        code: &'static str,
        path: fmt::Arguments<'_>,
        message: fmt::Arguments<'_>,
    ) {
        self.push(code, Level::Must, path, message);
    }

    /// Record a SHOULD violation.
    pub(crate) fn should(
        &mut self,
        code: &'static str,
        path: fmt::Arguments<'_>,
        message: fmt::Arguments<'_>,
    ) {
        self.push(code, Level::Should, path, message);
    }
}

/// A property name as a path step: `.name`, or `['odd name']` when it is not
/// a plain identifier.
pub(crate) struct Key<'a>(pub &'a str);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_key(f, self.0)
    }
}

/// Write `key` as a path step.
pub(crate) fn write_key(out: &mut impl fmt::Write, key: &str) -> fmt::Result {
    let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        out.write_char('.')?;
        out.write_str(key)
    } else {
        out.write_str("['")?;
        for c in key.chars() {
            if c == '\'' || c == '\\' {
                out.write_char('\\')?;
            }
            out.write_char(c)?;
        }
        out.write_str("']")
    }
}

/// Whether `text` is non-empty and made only of lowercase ASCII letters,
/// digits and `extra` characters.
pub(crate) fn is_lower_ascii(text: &str, extra: u8) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_render_as_path_steps() {
        assert_eq!(Key("created").to_string(), ".created");
        assert_eq!(Key("SHA-256").to_string(), "['SHA-256']");
        assert_eq!(Key("it's").to_string(), "['it\\'s']");
    }
}
