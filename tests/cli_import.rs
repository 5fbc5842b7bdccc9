//! The command line on bad input: a one-line error naming file, line and column, exit code 2,
//! and a store left exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let f = Self { dir: tempfile::tempdir().unwrap() };
        f.write("good.csv", "date,close\n2024-01-02,10\n2024-01-03,11\n");
        let out = f.cmd(&["import", "good.csv", "--series", "ok=close", "--calendar", "us"]);
        assert_eq!(out.0, 0, "{}", out.2);
        f
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }
    fn cmd(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("crosshedge")
            .unwrap()
            .current_dir(self.dir.path())
            .args(args)
            .args(["--store", "s.db"])
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
    fn snapshot(&self) -> String {
        let (rc, a, e) = self.cmd(&["series", "--json"]);
        assert_eq!(rc, 0, "{e}");
        let (_, b, _) = self.cmd(&["series", "imports", "--json"]);
        a + &b
    }
    /// Imports `text` as `name` and checks exit code 2, a one-line error containing every
    /// needle, and an unchanged store.
    fn rejects(&self, name: &str, text: Option<&str>, extra: &[&str], needles: &[&str]) {
        if let Some(t) = text {
            self.write(name, t);
        }
        let before = self.snapshot();
        let mut args = vec!["import", name, "--series", "x=close"];
        args.extend_from_slice(extra);
        let (rc, _, err) = self.cmd(&args);
        assert_eq!(rc, 2, "{name}: {err}");
        let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
        assert_eq!(lines.len(), 1, "{name}: not one line: {err}");
        assert!(lines[0].starts_with("error: "), "{err}");
        for n in needles {
            assert!(lines[0].contains(n), "{name}: '{n}' not in: {err}");
        }
        assert_eq!(self.snapshot(), before, "{name}: the store changed");
    }
}

#[test]
fn bad_inputs_are_rejected_cleanly() {
    let f = Fixture::new();
    f.rejects("missing.csv", None, &[], &["missing.csv", "cannot open"]);
    f.rejects(
        "col.csv",
        Some("date,open\n2024-01-02,1\n"),
        &[],
        &["col.csv", "line 1", "no column 'close'"],
    );
    f.rejects(
        "date.csv",
        Some("date,close\n2024-01-02,1\n2024-02-30,2\n"),
        &[],
        &["date.csv", "line 3, column 1 (date)", "unparsable date"],
    );
    f.rejects(
        "num.csv",
        Some("date,close\n2024-01-02,10\n2024-01-03,abc\n"),
        &[],
        &["num.csv", "line 3, column 2 (close)", "invalid number 'abc'"],
    );
    f.rejects(
        "mixed.csv",
        Some("date,close\n2024-01-02,10\n01/03/2024,11\n"),
        &[],
        &["mixed.csv", "line 3, column 1", "mixed date formats"],
    );
    f.rejects(
        "dup.csv",
        Some("date,close\n2024-01-02,10\n2024-01-03,11\n2024-01-02,12\n"),
        &[],
        &["dup.csv", "line 4, column 2", "duplicate date 2024-01-02"],
    );
    f.rejects(
        "neg.csv",
        Some("date,close\n2024-01-02,10\n2024-01-03,-5\n"),
        &[],
        &["neg.csv", "line 3, column 2", "non-positive price"],
    );
    f.rejects(
        "zero.csv",
        Some("date,close\n2024-01-02,0\n"),
        &["--unit", "index-level"],
        &["zero.csv", "line 2, column 2", "non-positive index-level"],
    );
    f.rejects("empty.csv", Some(""), &[], &["empty.csv", "empty file"]);
    f.rejects("header.csv", Some("date,close\n"), &[], &["header.csv", "no data rows"]);
    f.rejects("ragged.csv", Some("date,close\n2024-01-02\n"), &[], &["ragged.csv", "line 2"]);
    f.rejects(
        "cal.csv",
        Some("date,close\n2024-01-02,1\n"),
        &["--calendar", "moon"],
        &["unknown calendar 'moon'"],
    );
}

#[test]
fn conflict_fail_names_place() {
    let f = Fixture::new();
    f.write("c.csv", "date,close\n2024-01-03,99\n");
    let before = f.snapshot();
    let (rc, _, err) = f.cmd(&["import", "c.csv", "--series", "ok=close", "--on-conflict", "fail"]);
    assert_eq!(rc, 2);
    assert!(
        err.contains(
            "c.csv: line 2, column 2 (close): ok on 2024-01-03 is 99 but the store holds 11"
        ),
        "{err}"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn unsorted_dates_are_accepted_with_a_warning() {
    let f = Fixture::new();
    f.write("u.csv", "date,close\n2024-01-05,3\n2024-01-04,2\n");
    let (rc, _, err) = f.cmd(&["import", "u.csv", "--series", "u=close"]);
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.contains("warning: u.csv: dates are not in ascending order (first at line 3); sorted"),
        "{err}"
    );
    let (_, out, _) = f.cmd(&["series", "show", "u", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["observations"][0][0], "2024-01-04");
}

#[test]
fn reimport_is_a_no_op_and_conflicts_are_kept_as_revisions() {
    let f = Fixture::new();
    let (rc, out, _) = f.cmd(&["import", "good.csv", "--series", "ok=close", "--json"]);
    assert_eq!(rc, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["series"][0]["new"], 0);
    assert_eq!(v[0]["series"][0]["unchanged"], 2);
    f.write("c.csv", "date,close\n2024-01-03,12\n");
    let (rc, out, _) = f.cmd(&["import", "c.csv", "--series", "ok=close", "--json"]);
    assert_eq!(rc, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["series"][0]["conflicts"], 1);
    let (_, out, _) = f.cmd(&["series", "show", "ok", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["observations"][1][1], 11.0, "keep: the stored value stays current");
}

#[test]
fn export_writes_atomically_and_reports_policy() {
    let f = Fixture::new();
    f.write("btc.csv", "date,close\n2024-01-02,100\n2024-01-03,110\n");
    let (rc, _, e) = f.cmd(&["import", "btc.csv", "--series", "btc=close", "--calendar", "crypto"]);
    assert_eq!(rc, 0, "{e}");
    let (rc, out, e) = f.cmd(&[
        "export",
        "ok",
        "btc",
        "--align",
        "us-close",
        "--returns",
        "log",
        "--out",
        "p.csv",
        "--json",
    ]);
    assert_eq!(rc, 0, "{e}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["policy"], "us-close");
    assert_eq!(v["periods_per_year"], 252.0);
    let text = std::fs::read_to_string(f.path("p.csv")).unwrap();
    assert!(text.starts_with("date,start_date,ok_log,btc_log\n2024-01-03,2024-01-02,"), "{text}");
    // A failing export leaves no file behind.
    let (rc, _, _) = f.cmd(&["export", "ok", "nope", "--out", "q.csv"]);
    assert_eq!(rc, 2);
    assert!(!Path::new(&f.path("q.csv")).exists());
}

#[test]
fn futures_settlements_import_and_bad_rows() {
    let f = Fixture::new();
    f.write(
        "vx.csv",
        "date,expiry,settle\n2024-01-02,2024-01-17,13.5\n2024-01-02,2024-02-14,14.6\n",
    );
    let (rc, out, err) = f.cmd(&["import", "vx.csv", "--futures", "vx", "--json"]);
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["futures"][0]["new"], 2);
    assert_eq!(v["futures"][0]["sha256"].as_str().unwrap().len(), 64);
    // The same file again is a no-op.
    let (_, out, _) = f.cmd(&["import", "vx.csv", "--futures", "vx", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["futures"][0]["unchanged"], 2);
    // A bad settle: one line naming file and line, exit 2, store unchanged.
    f.write("bad.csv", "date,expiry,settle\n2024-01-03,2024-01-17,abc\n");
    let before = f.snapshot();
    let (rc, _, err) = f.cmd(&["import", "bad.csv", "--futures", "vx"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("bad.csv") && err.contains("line 2"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(f.snapshot(), before);
}

#[test]
fn manifest_derived_series_import_and_bad_entries() {
    let f = Fixture::new();
    f.write("floor.csv", "date,floor_eth\n2024-01-01,50\n2024-01-02,60\n2024-01-03,40\n");
    f.write("eth.csv", "date,close\n2024-01-01,2000\n2024-01-02,2100\n2024-01-03,2200\n");
    let files = "[[file]]\npath = \"floor.csv\"\ncalendar = \"crypto\"\nunit = \"index-level\"\nseries = { floor = \"floor_eth\" }\n\n[[file]]\npath = \"eth.csv\"\ncalendar = \"crypto\"\nseries = { eth = \"close\" }\n";
    f.write(
        "m.toml",
        &format!("{files}\n[[derived]]\nname = \"nft\"\nproduct = [\"floor\", \"eth\"]\nrolling-median-days = 2\n"),
    );
    let (rc, _, err) = f.cmd(&["import", "--manifest", "m.toml"]);
    assert_eq!(rc, 0, "{err}");
    let (rc, out, err) = f.cmd(&["series", "show", "nft", "--json"]);
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let vals: Vec<f64> =
        v["observations"].as_array().unwrap().iter().map(|x| x[1].as_f64().unwrap()).collect();
    // Products 100 000, 126 000, 88 000; 2-day medians 100 000, 113 000, 107 000.
    assert_eq!(vals, vec![100_000.0, 113_000.0, 107_000.0]);
    let (_, imports, _) = f.cmd(&["series", "imports", "--json"]);
    assert!(imports.contains("derived: nft = median2d(floor × eth)"), "{imports}");
    // An unknown input and a bad window: one line, exit 2, store unchanged.
    for (bad, needle) in [
        ("[[derived]]\nname = \"x\"\nproduct = [\"floor\", \"sol\"]\n", "input 'sol'"),
        (
            "[[derived]]\nname = \"x\"\nproduct = [\"floor\"]\nrolling-median-days = 0\n",
            "at least 1",
        ),
        ("[[derived]]\nname = \"x\"\nproduct = [\"floor\"]\nchain = [\"eth\"]\n", "exactly one"),
    ] {
        f.write("bad.toml", &format!("{files}\n{bad}"));
        let before = f.snapshot();
        let (rc, _, err) = f.cmd(&["import", "--manifest", "bad.toml"]);
        assert_eq!(rc, 2, "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle) && err.contains("bad.toml"), "{err}");
        assert_eq!(f.snapshot(), before);
    }
}

#[test]
fn futures_that_contradict_their_expiry_are_refused_unless_allowed() {
    let f = Fixture::new();
    // Line 4: the January 2024 contract (expiry 2024-01-17) still trades on 2024-01-18.
    let after = "date,expiry,settle\n2024-01-16,2024-01-17,13.1\n2024-01-17,2024-01-17,13.2\n\
                 2024-01-18,2024-01-17,13.3\n2024-01-19,2024-01-17,13.4\n2024-01-18,2024-02-14,14\n";
    f.write("vx_after.csv", after);
    // Line 3: 2024-01-19 (the SPX expiry Friday) is not a VIX expiry date.
    f.write(
        "vx_rule.csv",
        "date,expiry,settle\n2024-01-02,2024-02-14,14\n2024-01-02,2024-01-19,13\n",
    );
    for (name, needles) in [
        (
            "vx_after.csv",
            &[
                "vx_after.csv",
                "line 4",
                "contract 2024-01-17 trades on 2024-01-18, after its expiry",
                "--allow-bad-expiry",
            ][..],
        ),
        (
            "vx_rule.csv",
            &["vx_rule.csv", "line 3", "contract 2024-01-19 is not a VIX expiry date"][..],
        ),
    ] {
        let before = f.snapshot();
        let (rc, _, err) = f.cmd(&["import", name, "--futures", "vx"]);
        assert_eq!(rc, 2, "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        for n in needles {
            assert!(err.contains(n), "'{n}' not in: {err}");
        }
        assert_eq!(f.snapshot(), before, "{name}: the store changed");
    }
    // Allowed: one warning with the count; the two rows after expiry are not stored.
    let (rc, out, err) =
        f.cmd(&["import", "vx_after.csv", "--futures", "vx", "--allow-bad-expiry", "--json"]);
    assert_eq!(rc, 0, "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("vx_after.csv: dropped 2 rows dated after their contract's expiry"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["futures"][0]["rows"], 3);
    assert_eq!(v["futures"][0]["new"], 3);
    let (rc, _, err) = f.cmd(&["import", "vx_rule.csv", "--futures", "vx", "--allow-bad-expiry"]);
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.contains("warning: vx_rule.csv: kept 1 contract whose expiry is not a VIX expiry date"),
        "{err}"
    );
    // The flag without a futures file is a usage error.
    let (rc, _, err) = f.cmd(&["import", "good.csv", "--series", "ok=close", "--allow-bad-expiry"]);
    assert_eq!(rc, 2, "{err}");
}

#[test]
fn manifest_import_is_all_or_none() {
    let f = Fixture::new();
    // Files 1 and 2 are good; file 3 declares the existing series `ok` with another calendar:
    // found only while writing, after files 1 and 2 were written.
    f.write("a.csv", "date,close\n2024-01-02,1\n2024-01-03,2\n");
    f.write("b.csv", "date,close\n2024-01-02,3\n2024-01-03,4\n");
    f.write("c.csv", "date,close\n2024-01-06,5\n");
    let entry = |p: &str, cal: &str, s: &str| {
        format!(
            "[[file]]\npath = \"{p}\"\ncalendar = \"{cal}\"\nseries = {{ {s} = \"close\" }}\n\n"
        )
    };
    f.write(
        "m.toml",
        &(entry("a.csv", "us", "a") + &entry("b.csv", "us", "b") + &entry("c.csv", "crypto", "ok")),
    );
    let before = f.snapshot();
    let (rc, _, err) = f.cmd(&["import", "--manifest", "m.toml"]);
    assert_eq!(rc, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("series ok exists with calendar us"), "{err}");
    assert_eq!(f.snapshot(), before, "files 1 and 2 of a failed manifest were kept");
    // A conflict under --on-conflict fail in the 3rd file: likewise nothing is written.
    f.write("c.csv", "date,close\n2024-01-02,99\n");
    f.write(
        "m.toml",
        &(entry("a.csv", "us", "a") + &entry("b.csv", "us", "b") + &entry("c.csv", "us", "ok")),
    );
    let (rc, _, err) = f.cmd(&["import", "--manifest", "m.toml", "--on-conflict", "fail"]);
    assert_eq!(rc, 2, "{err}");
    assert_eq!(f.snapshot(), before);
    // Fixed: all three are written.
    let (rc, _, err) = f.cmd(&["import", "--manifest", "m.toml"]);
    assert_eq!(rc, 0, "{err}");
    let (_, imports, _) = f.cmd(&["series", "imports", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&imports).unwrap().as_array().unwrap().len(),
        4
    );
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_untouched() {
    let f = Fixture::new();
    f.write("notes.csv", "date,close\n2024-01-02,10\n");
    for args in [
        &["series"][..],
        &["series", "imports"][..],
        &["import", "good.csv", "--series", "ok=close"][..],
    ] {
        let out = Command::cargo_bin("crosshedge")
            .unwrap()
            .current_dir(f.dir.path())
            .args(args)
            .args(["--store", "notes.csv"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("notes.csv") && err.contains("not a crosshedge store"), "{err}");
        assert_eq!(
            std::fs::read_to_string(f.path("notes.csv")).unwrap(),
            "date,close\n2024-01-02,10\n"
        );
        assert!(!f.path("notes.csv-wal").exists() && !f.path("notes.csv-shm").exists());
    }
}
