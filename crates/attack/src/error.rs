//! The error type of `ttpmap-attack`.

use std::path::{Path, PathBuf};

/// A specialised `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while loading or querying ATT&CK.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A STIX document could not be read; the source says where.
    #[error("cannot load ATT&CK data")]
    Stix(#[from] ttpmap_stix::Error),
    /// A file or folder could not be read.
    #[error("{}: {source}", path.as_ref().map_or_else(|| "<input>".to_owned(), |p| p.display().to_string()))]
    #[non_exhaustive]
    Io {
        /// The path, when there is one.
        path: Option<PathBuf>,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A path given to a loader does not exist or holds no STIX data.
    #[error("{}: {reason}", path.display())]
    #[non_exhaustive]
    NoData {
        /// The path.
        path: PathBuf,
        /// Why nothing could be loaded from it.
        reason: &'static str,
    },
    /// An ATT&CK object is malformed in a way the knowledge base cannot use.
    #[error("{}{object_id}: {reason}", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    #[non_exhaustive]
    InvalidObject {
        /// The file, when known.
        path: Option<PathBuf>,
        /// The object's STIX id.
        object_id: String,
        /// What is wrong.
        reason: String,
    },
    /// An id, name or alias matched nothing.
    #[error("no {kind} matches {query:?}{}", did_you_mean(suggestions))]
    #[non_exhaustive]
    UnknownId {
        /// What was looked for (`technique`, `group`, `object`, …).
        kind: &'static str,
        /// The text looked up.
        query: String,
        /// The closest matches, best first, as `ID name`.
        suggestions: Vec<String>,
    },
    /// A name or alias matched several objects.
    #[error("{query:?} is ambiguous: it matches {}", candidates.join(", "))]
    #[non_exhaustive]
    Ambiguous {
        /// The text looked up.
        query: String,
        /// The matches, as `ID name`.
        candidates: Vec<String>,
    },
}

impl Error {
    /// The file the error happened in, when known.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Stix(e) => e.path(),
            Error::NoData { path, .. } => Some(path),
            Error::Io { path, .. } | Error::InvalidObject { path, .. } => path.as_deref(),
            _ => None,
        }
    }

    /// The "did you mean" suggestions of an unknown id.
    pub fn suggestions(&self) -> &[String] {
        match self {
            Error::UnknownId { suggestions, .. } => suggestions,
            _ => &[],
        }
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}
