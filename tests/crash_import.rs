//! Crash test of `import --manifest`: the binary is killed (SIGKILL) at several points of a
//! 20-file manifest import; afterwards the store passes `PRAGMA integrity_check` and holds
//! either the old state or the new one, never part of the manifest.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crosshedge_data::store::Store;

const FILES: usize = 20;
const ROWS: usize = 4000;

fn bin() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_crosshedge"))
}

/// Writes a 20-file manifest (one series per file) into `dir`.
fn write_manifest(dir: &Path) {
    let mut m = String::new();
    let start = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    for k in 0..FILES {
        let mut csv = String::from("date,close\n");
        for i in 0..ROWS {
            let d = start + chrono::Duration::days(i as i64);
            writeln!(csv, "{},{}", d.format("%Y-%m-%d"), 100.0 + (i % 97) as f64 + k as f64)
                .unwrap();
        }
        std::fs::write(dir.join(format!("f{k}.csv")), csv).unwrap();
        writeln!(m, "[[file]]\npath = \"f{k}.csv\"\ncalendar = \"crypto\"\nseries = {{ s{k} = \"close\" }}\n")
            .unwrap();
    }
    std::fs::write(dir.join("m.toml"), m).unwrap();
}

/// (imports, series, current observations) of the store.
fn state(store: &Path) -> (usize, usize, u64) {
    let st = Store::open_existing(store).unwrap();
    assert_eq!(st.integrity_check().unwrap(), "ok");
    let list = st.list().unwrap();
    (st.imports().unwrap().len(), list.len(), list.iter().map(|s| s.rows).sum())
}

#[test]
fn manifest_import_killed_at_any_point_leaves_old_or_new_state() {
    let tmp = tempfile::tempdir().unwrap();
    write_manifest(tmp.path());
    std::fs::write(tmp.path().join("base.csv"), "date,close\n2024-01-02,10\n").unwrap();
    let run = |store: &str, args: &[&str]| {
        Command::new(bin())
            .current_dir(tmp.path())
            .args(args)
            .args(["--store", store])
            .spawn()
            .unwrap()
    };
    // The uninterrupted import: how long it takes and what the new state is.
    let t0 = Instant::now();
    assert!(run("full.db", &["import", "--manifest", "m.toml"]).wait().unwrap().success());
    let full_ms = t0.elapsed().as_millis() as u64;
    let new_state = state(&tmp.path().join("full.db"));
    assert_eq!(new_state, (FILES, FILES, (FILES * ROWS) as u64));
    let old_state = (1, 1, 1);
    let mut seen_old = false;
    let mut seen_new = false;
    for step in 0..12u64 {
        let k = full_ms * step / 10 + 1;
        let name = format!("k{step}.db");
        let base =
            run(&name, &["import", "base.csv", "--series", "b=close", "--calendar", "crypto"]);
        assert!(base.wait_with_output().unwrap().status.success());
        let mut child = run(&name, &["import", "--manifest", "m.toml"]);
        std::thread::sleep(Duration::from_millis(k));
        let _ = child.kill();
        let _ = child.wait();
        let (imports, series, rows) = state(&tmp.path().join(&name));
        if (imports, series, rows) == old_state {
            seen_old = true;
        } else {
            assert_eq!(
                (imports, series, rows),
                (1 + FILES, 1 + FILES, 1 + (FILES * ROWS) as u64),
                "killed after {k} ms: part of the manifest is in the store"
            );
            seen_new = true;
        }
    }
    assert!(seen_old || seen_new);
}
