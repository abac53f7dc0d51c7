//! The error type of `ttpmap-stix`.

use std::fmt;
use std::path::{Path, PathBuf};

/// A specialised `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading, building or versioning STIX.
///
/// Errors carry structured context; use the accessors ([`Error::path`],
/// [`Error::line`], [`Error::column`], [`Error::object_id`],
/// [`Error::json_path`]) rather than matching every variant, and
/// [`Error::category`] to sort them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or reader could not be read.
    #[error("{}: {source}", display_path(path.as_deref()))]
    #[non_exhaustive]
    Io {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A document is not JSON, or does not have the shape of STIX.
    #[error("{0}")]
    Parse(Box<ParseError>),
    /// A string is not a STIX identifier (`<type>--<uuid>`).
    #[error("invalid identifier {text:?}: {reason}")]
    #[non_exhaustive]
    InvalidIdentifier {
        /// The offending text.
        text: String,
        /// Why it is not an identifier.
        reason: &'static str,
    },
    /// A string is not a STIX timestamp (RFC 3339, UTC, `Z`).
    #[error("invalid timestamp {text:?}: {reason}")]
    #[non_exhaustive]
    InvalidTimestamp {
        /// The offending text.
        text: String,
        /// Why it is not a timestamp.
        reason: &'static str,
    },
    /// A builder was asked to build an object without a required property.
    #[error("cannot build {object_type}: required property `{property}` is missing")]
    #[non_exhaustive]
    MissingProperty {
        /// The STIX type being built.
        object_type: &'static str,
        /// The property that was not set.
        property: &'static str,
    },
    /// A built or versioned object breaks a rule of the specification.
    #[error("invalid {object_type} {property}: {reason}")]
    #[non_exhaustive]
    InvalidProperty {
        /// The STIX type.
        object_type: String,
        /// The property at fault.
        property: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A new version or a revocation was refused.
    #[error("cannot version {id}: {reason}")]
    #[non_exhaustive]
    Versioning {
        /// The object's identifier.
        id: String,
        /// Why it cannot be versioned.
        reason: &'static str,
    },
}

/// Where and why a document could not be read as STIX.
#[derive(Debug)]
#[non_exhaustive]
pub struct ParseError {
    /// The file, when the document came from one.
    pub path: Option<PathBuf>,
    /// 1-based line in the document, when known.
    pub line: Option<usize>,
    /// 1-based column in the document, when known.
    pub column: Option<usize>,
    /// Index of the object in the bundle's `objects`, when inside one.
    pub object_index: Option<usize>,
    /// The `id` of the object at fault, when it could be read.
    pub object_id: Option<String>,
    /// The JSON path of the value at fault, e.g. `$.objects[211].target_ref`.
    pub json_path: Option<String>,
    /// What kind of problem it is.
    pub kind: ParseErrorKind,
    /// The description of the problem, without position.
    pub message: String,
}

/// What kind of problem made a document unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not JSON.
    Syntax,
    /// The document ends early.
    Eof,
    /// The document nests deeper than the parser allows.
    TooDeep,
    /// A property has the wrong JSON type.
    WrongType,
    /// A required property is missing.
    MissingProperty,
    /// A property appears twice in one object.
    DuplicateProperty,
    /// A value is not a valid STIX identifier.
    InvalidIdentifier,
    /// A value is not a valid STIX timestamp.
    InvalidTimestamp,
    /// An identifier's type does not match the object's type.
    IdTypeMismatch,
    /// Any other value that has the right JSON type but a wrong value.
    InvalidValue,
}

impl ParseErrorKind {
    /// The validation code this kind corresponds to (see `validate`).
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::Syntax | ParseErrorKind::Eof | ParseErrorKind::TooDeep => {
                "invalid-json"
            }
            ParseErrorKind::WrongType | ParseErrorKind::InvalidValue => "invalid-property-type",
            ParseErrorKind::MissingProperty => "required-property",
            ParseErrorKind::DuplicateProperty => "duplicate-property",
            ParseErrorKind::InvalidIdentifier => "invalid-identifier",
            ParseErrorKind::InvalidTimestamp => "invalid-timestamp",
            ParseErrorKind::IdTypeMismatch => "id-type-mismatch",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}:", path.display())?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "{line}:{column}:")?;
        }
        if self.path.is_some() || self.line.is_some() {
            f.write_str(" ")?;
        }
        f.write_str(&self.message)?;
        let mut context = Vec::new();
        if let Some(id) = &self.object_id {
            context.push(id.clone());
        }
        if let Some(json_path) = &self.json_path {
            context.push(json_path.clone());
        } else if let Some(index) = self.object_index {
            context.push(format!("$.objects[{index}]"));
        }
        if !context.is_empty() {
            write!(f, " ({})", context.join(" at "))?;
        }
        Ok(())
    }
}

/// A coarse classification of errors, for callers that only need to know
/// what to do next (the CLI maps these to exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Category {
    /// Reading failed at the operating-system level.
    Io,
    /// The input is not well-formed JSON.
    Syntax,
    /// The input is JSON but not valid STIX.
    Invalid,
}

impl Error {
    /// The coarse category of this error.
    pub fn category(&self) -> Category {
        match self {
            Error::Io { .. } => Category::Io,
            Error::Parse(parse)
                if matches!(
                    parse.kind,
                    ParseErrorKind::Syntax | ParseErrorKind::Eof | ParseErrorKind::TooDeep
                ) =>
            {
                Category::Syntax
            }
            _ => Category::Invalid,
        }
    }

    /// The file the error happened in, when known.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. } => path.as_deref(),
            Error::Parse(parse) => parse.path.as_deref(),
            _ => None,
        }
    }

    /// 1-based line of the problem, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Parse(parse) => parse.line,
            _ => None,
        }
    }

    /// 1-based column of the problem, when known.
    pub fn column(&self) -> Option<usize> {
        match self {
            Error::Parse(parse) => parse.column,
            _ => None,
        }
    }

    /// The `id` of the object at fault, when known.
    pub fn object_id(&self) -> Option<&str> {
        match self {
            Error::Parse(parse) => parse.object_id.as_deref(),
            Error::Versioning { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The JSON path of the value at fault, when known.
    pub fn json_path(&self) -> Option<&str> {
        match self {
            Error::Parse(parse) => parse.json_path.as_deref(),
            _ => None,
        }
    }

    /// The parse details, when this is a parse error.
    pub fn as_parse_error(&self) -> Option<&ParseError> {
        match self {
            Error::Parse(parse) => Some(parse),
            _ => None,
        }
    }

    /// Attach a file path to an error that has none.
    #[must_use]
    pub fn with_path(mut self, file: &Path) -> Error {
        match &mut self {
            Error::Io { path, .. } if path.is_none() => *path = Some(file.to_path_buf()),
            Error::Parse(parse) if parse.path.is_none() => parse.path = Some(file.to_path_buf()),
            _ => {}
        }
        self
    }

    #[cold]
    pub(crate) fn io(path: Option<&Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.map(Path::to_path_buf),
            source,
        }
    }
}

fn display_path(path: Option<&Path>) -> String {
    path.map_or_else(|| "<input>".to_owned(), |p| p.display().to_string())
}
