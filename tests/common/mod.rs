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

/// Replaces `from` by `to` inside every string of `v` and the timestamps (`time`,
/// `imported_at`, the report's `generated_at`) by `$TIME`: what the JSON snapshot tests
/// normalise before comparing.
pub(crate) fn normalise_json(v: &mut serde_json::Value, from: &str, to: &str) {
    use serde_json::Value;
    match v {
        Value::String(s) if s.contains(from) => *s = s.replace(from, to),
        Value::Array(a) => a.iter_mut().for_each(|x| normalise_json(x, from, to)),
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if (k == "time" || k == "imported_at" || k == "generated_at") && x.is_string() {
                    *x = Value::String("$TIME".into());
                } else {
                    normalise_json(x, from, to);
                }
            }
        }
        _ => {}
    }
}

/// Compares `text` with the snapshot file `path` (writes it instead when `UPDATE_SNAPSHOTS`
/// is set); a difference is pushed onto `failures` with the first differing line.
pub(crate) fn compare_snapshot(name: &str, path: &Path, text: &str, failures: &mut Vec<String>) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, text).unwrap();
        return;
    }
    match std::fs::read_to_string(path) {
        Ok(want) if want == text => {}
        Ok(want) => {
            let line = want.lines().zip(text.lines()).position(|(a, b)| a != b);
            failures.push(format!(
                "{name}: differs from {} (first differing line {:?}: {:?} vs {:?})",
                path.display(),
                line.map(|l| l + 1),
                line.and_then(|l| want.lines().nth(l)),
                line.and_then(|l| text.lines().nth(l)),
            ));
        }
        Err(e) => failures.push(format!("{name}: cannot read {}: {e}", path.display())),
    }
}
