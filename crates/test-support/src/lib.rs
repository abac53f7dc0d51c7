//! Finds the shared test data for ttpmap's tests.
//!
//! The data lives outside the repository (`../shared` beside the workspace,
//! or wherever `TTPMAP_SHARED_DIR` points). When it is absent, tests that
//! need it print a notice and pass without checking, except when
//! `TTPMAP_REQUIRE_DATA=1` (set by `.ci/run`), where absence is a failure.
//!
//! # Example
//!
//! ```
//! if let Some(release) = ttpmap_test_support::shared_file("attack-stix/enterprise-attack-18.1.json") {
//!     assert!(release.ends_with("enterprise-attack-18.1.json"));
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The shared data folder, when it exists.
///
/// # Panics
///
/// When the folder is absent and `TTPMAP_REQUIRE_DATA=1`.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TTPMAP_SHARED_DIR")
        .map_or_else(|| workspace_root().join("../shared"), PathBuf::from);
    if dir.is_dir() {
        return Some(dir);
    }
    missing(&dir);
    None
}

/// A file or folder under the shared data folder, when it exists.
///
/// # Panics
///
/// When it is absent and `TTPMAP_REQUIRE_DATA=1`.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_dir()?.join(relative);
    if path.exists() {
        return Some(path);
    }
    missing(&path);
    None
}

/// A file or folder under the repository's own `testdata/`.
pub fn testdata(relative: &str) -> PathBuf {
    workspace_root().join("testdata").join(relative)
}

/// Whether absence of the shared data is a failure.
pub fn data_required() -> bool {
    std::env::var("TTPMAP_REQUIRE_DATA").is_ok_and(|v| v == "1")
}

fn missing(path: &Path) {
    assert!(
        !data_required(),
        "shared test data {} is missing and TTPMAP_REQUIRE_DATA=1",
        path.display()
    );
    eprintln!(
        "notice: shared test data {} is absent; test skipped",
        path.display()
    );
}
