//! The error type of `ttpmap-navigator`.

use std::path::PathBuf;

use crate::finding::Finding;

/// A specialised `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn at(path: Option<&PathBuf>) -> String {
    path.map_or_else(|| "<input>".to_owned(), |p| p.display().to_string())
}

/// Everything that can stop a layer operation. Problems inside a readable
/// layer are not errors but [`Finding`]s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON.
    #[error("{}:{line}:{column}: not JSON: {message}", at(path.as_ref()))]
    #[non_exhaustive]
    Json {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The JSON is neither a layer object nor an array of layers.
    #[error("{}: not a layer: the document is {found}, expected an object or an array of objects", at(path.as_ref()))]
    #[non_exhaustive]
    NotALayer {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// What the document is (`a string`, `an empty array`, …).
        found: &'static str,
    },
    /// A layer has errors and the caller asked for a clean one.
    #[error("{}: {finding}", at(path.as_ref()))]
    #[non_exhaustive]
    Invalid {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// The first error found.
        finding: Box<Finding>,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    #[non_exhaustive]
    Io {
        /// The path.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A layer-algebra expression does not parse, or does not give a score.
    #[error("in expression {expression:?}: {message}")]
    #[non_exhaustive]
    Expression {
        /// The expression.
        expression: String,
        /// Where and why it fails.
        message: String,
    },
    /// An operation was asked of layers or options that do not fit together.
    #[error("{0}")]
    Unsupported(String),
    /// An ATT&CK lookup failed (unknown group, …).
    #[error(transparent)]
    Attack(#[from] ttpmap_attack::Error),
}
