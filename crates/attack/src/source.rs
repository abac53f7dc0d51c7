//! Where ATT&CK data comes from when a program is not told: the search
//! order DESIGN.md gives.

use std::path::{Path, PathBuf};

use crate::kb::KnowledgeBase;
use crate::Result;

/// Where a knowledge base was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataOrigin {
    /// Paths given explicitly (`--attack`).
    Given(Vec<PathBuf>),
    /// The folder named by `TTPMAP_ATTACK_DIR`.
    Environment(PathBuf),
    /// The user cache folder (`$XDG_CACHE_HOME/ttpmap/attack` or
    /// `~/.cache/ttpmap/attack`).
    Cache(PathBuf),
    /// The small embedded sample.
    Sample,
}

impl DataOrigin {
    /// A one-line notice for people: empty for explicit paths, a warning
    /// for the sample.
    pub fn notice(&self) -> Option<String> {
        match self {
            DataOrigin::Given(_) => None,
            DataOrigin::Environment(p) => Some(format!("using ATT&CK data from TTPMAP_ATTACK_DIR={}", p.display())),
            DataOrigin::Cache(p) => Some(format!("using ATT&CK data from {}", p.display())),
            DataOrigin::Sample => Some(
                "notice: no ATT&CK data given (--attack, TTPMAP_ATTACK_DIR or the cache); using the small embedded sample, not the full release"
                    .to_owned(),
            ),
        }
    }
}

/// The user cache folder for ATT&CK data.
pub fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join("ttpmap").join("attack"))
}

impl KnowledgeBase {
    /// Load ATT&CK data in the documented order: `paths` when not empty;
    /// else the folder in `TTPMAP_ATTACK_DIR`; else the user cache folder
    /// when it holds `.json` files; else the embedded sample.
    ///
    /// # Errors
    ///
    /// When explicit paths (or `TTPMAP_ATTACK_DIR`) cannot be loaded: a bad
    /// path is an error, never a silent fall-back to the sample.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_attack::{DataOrigin, KnowledgeBase};
    ///
    /// let (kb, source) = KnowledgeBase::discover::<&str>(&[])?;
    /// if source == DataOrigin::Sample {
    ///     assert!(kb.is_sample());
    /// }
    /// # Ok::<(), ttpmap_attack::Error>(())
    /// ```
    pub fn discover<P: AsRef<Path>>(paths: &[P]) -> Result<(KnowledgeBase, DataOrigin)> {
        if !paths.is_empty() {
            let kb = KnowledgeBase::from_paths(paths)?;
            let given = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
            return Ok((kb, DataOrigin::Given(given)));
        }
        if let Some(dir) = std::env::var_os("TTPMAP_ATTACK_DIR").filter(|v| !v.is_empty()) {
            let dir = PathBuf::from(dir);
            let kb = KnowledgeBase::from_path(&dir)?;
            return Ok((kb, DataOrigin::Environment(dir)));
        }
        if let Some(dir) = cache_dir().filter(|d| has_json(d)) {
            let kb = KnowledgeBase::from_path(&dir)?;
            return Ok((kb, DataOrigin::Cache(dir)));
        }
        Ok((KnowledgeBase::sample(), DataOrigin::Sample))
    }
}

fn has_json(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "json"))
    })
}
