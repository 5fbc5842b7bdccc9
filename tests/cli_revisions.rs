//! `crosshedge series revisions NAME [--date D] [--json]`: every stored revision of a series
//! with the import (file, SHA-256) that wrote it; an unknown series is a one-line input error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use serde_json::Value;

/// `common::run` against the store `s.db` of `dir`.
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut a = args.to_vec();
    a.extend(["--store", "s.db"]);
    common::run(dir, &a)
}

/// Imports `a.csv`, then a changed `b.csv` (2024-01-03: 11 -> 12.5) under `--on-conflict replace`.
fn store_with_a_revision() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "date,close\n2024-01-02,10\n2024-01-03,11\n").unwrap();
    std::fs::write(dir.path().join("b.csv"), "date,close\n2024-01-02,10\n2024-01-03,12.5\n")
        .unwrap();
    let (rc, _, e) =
        run(dir.path(), &["import", "a.csv", "--series", "x=close", "--calendar", "us"]);
    assert_eq!(rc, 0, "{e}");
    let (rc, _, e) = run(
        dir.path(),
        &["import", "b.csv", "--series", "x=close", "--calendar", "us", "--on-conflict", "replace"],
    );
    assert_eq!(rc, 0, "{e}");
    dir
}

#[test]
fn revisions_json_lists_both_values_with_their_files() {
    let dir = store_with_a_revision();
    let (rc, out, e) = run(dir.path(), &["series", "revisions", "x", "--json"]);
    assert_eq!(rc, 0, "{e}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "x");
    let revs = v["revisions"].as_array().unwrap();
    // 2024-01-02 once (identical in b.csv), 2024-01-03 twice.
    assert_eq!(revs.len(), 3, "{out}");
    let on_3: Vec<&Value> = revs.iter().filter(|r| r["date"] == "2024-01-03").collect();
    assert_eq!(on_3.len(), 2, "{out}");
    assert_eq!(on_3[0]["revision"], 0);
    assert_eq!(on_3[0]["value"].as_f64(), Some(11.0));
    assert_eq!(on_3[0]["file"], "a.csv");
    assert_eq!(on_3[0]["current"], false);
    assert_eq!(on_3[1]["revision"], 1);
    assert_eq!(on_3[1]["value"].as_f64(), Some(12.5));
    assert_eq!(on_3[1]["file"], "b.csv");
    assert_eq!(on_3[1]["current"], true);
    assert_ne!(on_3[0]["import_id"], on_3[1]["import_id"]);
    assert_ne!(on_3[0]["sha256"], on_3[1]["sha256"]);
    assert_eq!(on_3[1]["sha256"].as_str().unwrap().len(), 64);
    let (_, human, e) = run(dir.path(), &["series", "revisions", "x"]);
    assert!(human.contains("b.csv") && human.contains("12.5"), "{human}{e}");
}

#[test]
fn date_filter_keeps_only_that_date() {
    let dir = store_with_a_revision();
    let (rc, out, e) =
        run(dir.path(), &["series", "revisions", "x", "--date", "2024-01-02", "--json"]);
    assert_eq!(rc, 0, "{e}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let revs = v["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 1, "{out}");
    assert_eq!(revs[0]["date"], "2024-01-02");
    assert_eq!(revs[0]["file"], "a.csv");
    assert_eq!(revs[0]["current"], true);
}

#[test]
fn unknown_series_is_one_line_exit_2_naming_the_known_ones() {
    let dir = store_with_a_revision();
    let (rc, out, err) = run(dir.path(), &["series", "revisions", "nope", "--json"]);
    assert_eq!(rc, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert_eq!(lines.len(), 1, "not one line: {err}");
    assert!(lines[0].contains("nope") && lines[0].contains("known: x"), "{err}");
}
