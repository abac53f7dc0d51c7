//! `TestCommand`: run the built `ttpmap` in a fresh temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;

/// A file of the repository's `testdata/`, as an absolute path (found from
/// this crate, so the path is right whichever checkout built the helpers).
pub fn testdata(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(relative)
}

/// The `ttpmap` binary, run in a temporary folder that is removed afterwards.
pub struct TestCommand {
    dir: PathBuf,
    cmd: Command,
}

impl TestCommand {
    /// A command in a new empty folder named after the test, with no ATT&CK
    /// data in its environment (no `TTPMAP_ATTACK_DIR`, an empty cache).
    pub fn new(name: &str) -> TestCommand {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join("ttpmap-cli-tests")
            .join(format!("{name}-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttpmap"));
        cmd.current_dir(&dir);
        // Without `--attack`, the ATT&CK commands use the embedded sample,
        // whatever the environment or the user's cache holds.
        cmd.env_remove("TTPMAP_ATTACK_DIR");
        cmd.env("XDG_CACHE_HOME", dir.join("cache"));
        TestCommand { dir, cmd }
    }

    /// The temporary folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Write a file into the temporary folder and return its path.
    pub fn create(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Add arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut TestCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// The underlying command, to spawn it with pipes.
    pub fn command(&mut self) -> &mut Command {
        &mut self.cmd
    }

    /// Add one argument.
    pub fn arg(&mut self, arg: impl AsRef<std::ffi::OsStr>) -> &mut TestCommand {
        self.cmd.arg(arg);
        self
    }

    /// Run and collect the outcome.
    pub fn run(&mut self) -> Output {
        let output = self.cmd.output().unwrap();
        Output {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

impl Drop for TestCommand {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct Output {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Assert the exit code, showing the output when it differs.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Output {
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit code; output: {self:#?}"
        );
        self
    }

    /// stdout decoded as one JSON document.
    #[track_caller]
    pub fn json<T: DeserializeOwned>(&self) -> T {
        match serde_json::from_str(&self.stdout) {
            Ok(value) => value,
            Err(e) => panic!("stdout is not the expected JSON: {e}\n{}", self.stdout),
        }
    }
}

/// Compare `actual` with the snapshot file
/// `crates/cli/tests/snapshots/<name>`; `UPDATE_SNAPSHOTS=1` rewrites it.
#[track_caller]
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "output differs from snapshot {}",
        path.display()
    );
}
