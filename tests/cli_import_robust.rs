//! Importer robustness at the command line (issue 15, items 5, 13 and 15's `--scale`): each
//! bad case exits 2 with one line naming file, row and column and leaves the store as it
//! was; `--scale` multiplies the values and is recorded with the import; an identical
//! re-import says it was a no-op.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

mod common;

/// `common::run` against the store `s.db` of `dir`.
fn cmd(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut a = args.to_vec();
    a.extend(["--store", "s.db"]);
    common::run(dir, &a)
}

/// A store holding one good import, in a temporary directory.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.csv"), "date,close\n2024-01-02,10\n2024-01-03,11\n")
        .unwrap();
    let (rc, _, e) = cmd(dir.path(), &["import", "good.csv", "--series", "ok=close"]);
    assert_eq!(rc, 0, "{e}");
    dir
}

/// What the store holds, as the read commands print it.
fn snapshot(dir: &Path) -> String {
    let (rc, a, e) = cmd(dir, &["series", "--json"]);
    assert_eq!(rc, 0, "{e}");
    let (_, b, _) = cmd(dir, &["series", "imports", "--json"]);
    a + &b
}

/// Imports `text` and checks exit 2, one line holding every needle, an untouched store.
fn rejects(dir: &Path, text: &str, extra: &[&str], needles: &[&str]) {
    std::fs::write(dir.join("bad.csv"), text).unwrap();
    let before = snapshot(dir);
    let mut args = vec!["import", "bad.csv", "--series", "x=close"];
    args.extend_from_slice(extra);
    let (rc, out, err) = cmd(dir, &args);
    assert_eq!(rc, 2, "{text:?}: {err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    for n in needles {
        assert!(err.contains(n), "{text:?}: '{n}' not in {err}");
    }
    assert_eq!(snapshot(dir), before, "the store changed");
}

#[test]
fn ambiguous_dd_mm_dates_are_refused_unless_the_format_is_stated() {
    let d = fixture();
    let monthly = "date,close\n01/02/2024,10\n01/03/2024,11\n01/04/2024,12\n";
    rejects(
        d.path(),
        monthly,
        &[],
        &["bad.csv: line 2, column 1 (date): ambiguous dates", "--date-format %d/%m/%Y"],
    );
    let (rc, _, e) =
        cmd(d.path(), &["import", "bad.csv", "--series", "m=close", "--date-format", "%d/%m/%Y"]);
    assert_eq!(rc, 0, "{e}");
    let (rc, out, e) = cmd(d.path(), &["series", "show", "m", "--json"]);
    assert_eq!(rc, 0, "{e}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let dates: Vec<&str> =
        v["observations"].as_array().unwrap().iter().map(|o| o[0].as_str().unwrap()).collect();
    assert_eq!(dates, ["2024-02-01", "2024-03-01", "2024-04-01"]);
}

#[test]
fn mixed_dd_mm_and_mm_dd_orders_are_refused() {
    let d = fixture();
    rejects(
        d.path(),
        "date,close\n01/25/2024,10\n26/01/2024,11\n",
        &["--calendar", "crypto"],
        &["bad.csv: line 3, column 1 (date): mixed day orders"],
    );
}

#[test]
fn nan_cells_extra_fields_duplicate_headers_and_weekends_are_refused() {
    let d = fixture();
    rejects(
        d.path(),
        "date,close\n2024-01-02,10\n2024-01-03,NaN\n",
        &[],
        &["bad.csv: line 3, column 2 (close)", "not a finite number"],
    );
    rejects(
        d.path(),
        "date,close\n2024-01-02,10\n2024-01-03,11,9\n",
        &[],
        &["bad.csv: line 3, column 3", "extra fields"],
    );
    rejects(
        d.path(),
        "date,close,close\n2024-01-02,10,11\n",
        &[],
        &["bad.csv: line 1, column 3 (close)", "columns 2 and 3"],
    );
    rejects(
        d.path(),
        "date,close\n2024-01-05,10\n2024-01-07,11\n",
        &["--calendar", "us"],
        &["bad.csv: line 3, column 1 (date)", "Sunday", "--calendar crypto"],
    );
}

#[test]
fn scale_multiplies_values_and_is_recorded_and_bad_scales_are_refused() {
    let d = fixture();
    for bad in ["0", "nan", "inf"] {
        rejects(
            d.path(),
            "date,close\n2024-01-02,5.25\n",
            &["--unit", "rate", "--scale", bad],
            &["--scale must be a finite, non-zero factor"],
        );
    }
    std::fs::write(d.path().join("fred.csv"), "date,dff\n2024-01-02,5.33\n2024-01-03,5.25\n")
        .unwrap();
    let (rc, _, e) = cmd(
        d.path(),
        &["import", "fred.csv", "--series", "dff=dff", "--unit", "rate", "--scale", "0.01"],
    );
    assert_eq!(rc, 0, "{e}");
    let (_, out, _) = cmd(d.path(), &["series", "show", "dff", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let values: Vec<f64> =
        v["observations"].as_array().unwrap().iter().map(|o| o[1].as_f64().unwrap()).collect();
    // The values times the factor: 0.0533 and 0.0525 (float64, tests/golden/gen_import_dates.py).
    assert_eq!(values, [5.33 * 0.01, 5.25 * 0.01]);
    assert!((values[0] - 0.0533).abs() < 1e-15 && (values[1] - 0.0525).abs() < 1e-15);
    let (_, out, _) = cmd(d.path(), &["series", "imports", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let last = v.as_array().unwrap().last().unwrap();
    assert_eq!(last["scale"], "dff=0.01", "{last}");
    // An unscaled import records no scale.
    assert!(v[0].get("scale").is_none(), "{}", v[0]);
}

#[test]
fn an_identical_re_import_says_it_was_a_no_op() {
    let d = fixture();
    let (rc, out, e) = cmd(d.path(), &["import", "good.csv", "--series", "ok=close"]);
    assert_eq!(rc, 0, "{e}");
    assert!(out.contains("good.csv: no-op: every value is already stored"), "{out}");
    std::fs::write(d.path().join("more.csv"), "date,close\n2024-01-04,12\n").unwrap();
    let (rc, out, e) = cmd(d.path(), &["import", "more.csv", "--series", "ok=close"]);
    assert_eq!(rc, 0, "{e}");
    assert!(!out.contains("no-op"), "{out}");
}
