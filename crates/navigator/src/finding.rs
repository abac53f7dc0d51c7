//! Findings: what reading, upgrading or validating a layer has to say about it.

use std::fmt;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The layer is wrong: the Navigator ignores or rejects this part.
    Error,
    /// Probably not what the author meant.
    Warning,
    /// Worth knowing; nothing is wrong.
    Info,
}

impl Level {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing found in a layer, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious it is.
    pub level: Level,
    /// A stable code (`unknown-technique`, `wrong-type`, …); every code is
    /// listed in `docs/layers.md`.
    pub code: &'static str,
    /// Where: a JSON path such as `$.techniques[3].score` (`$[1]…` for the
    /// second layer of an array).
    pub path: String,
    /// The technique entry it concerns, as `T1059.001^execution`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is a clear fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Finding {
    /// A finding at `path`.
    pub fn new(
        level: Level,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            level,
            code,
            path: path.into(),
            entry: None,
            message: message.into(),
            suggestion: None,
        }
    }

    /// The same finding about technique entry `entry`.
    pub fn entry(mut self, entry: impl Into<String>) -> Finding {
        self.entry = Some(entry.into());
        self
    }

    /// The same finding with a fix suggestion.
    pub fn suggest(mut self, suggestion: impl Into<String>) -> Finding {
        self.suggestion = Some(suggestion.into());
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}] {}", self.level, self.code, self.path)?;
        if let Some(entry) = &self.entry {
            write!(f, " ({entry})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "; {suggestion}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `text` by Jaro–Winkler similarity, when
/// close enough to suggest.
pub(crate) fn closest<'a>(
    text: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = text.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
