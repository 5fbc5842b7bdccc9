//! Helpers shared by the root package's integration tests (each test file includes this
//! module; not every file uses every helper).
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;

/// Runs the `crosshedge` binary with `args` in `dir`: exit code, stdout, stderr.
pub(crate) fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::cargo_bin("crosshedge").unwrap().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `args` in `dir`, asserts success and returns stdout.
pub(crate) fn run_ok(dir: &Path, args: &[&str]) -> String {
    let (rc, out, err) = run(dir, args);
    assert_eq!(rc, 0, "{args:?}: {err}");
    out
}

/// Runs `args` in `dir`, asserts success and parses stdout as JSON.
pub(crate) fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = run_ok(dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Runs the demo (seed 3, small bootstrap and stress) into `dir/out` and returns the store's
/// path relative to `dir`.
pub(crate) fn demo_store(dir: &Path) -> &'static str {
    let (rc, _, err) = run(
        dir,
        &["demo", "--out", "out", "--seed", "3", "--bootstrap", "50", "--stress-paths", "2000"],
    );
    assert_eq!(rc, 0, "{err}");
    "out/crosshedge.db"
}
