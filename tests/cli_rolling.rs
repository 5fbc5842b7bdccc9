//! `crosshedge rolling`: the rolling correlation, its Fisher-z band and the rolling beta,
//! against pandas and scipy (`tests/golden/gen_rolling.py` → `tests/golden/rolling.json`) on
//! the real BTC and VIX closes of ../shared/data (skipped, saying why, when the data is
//! absent), and its input errors on the demo store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::{demo_store, json, run};

/// Absolute tolerance of correlations, band ends and betas against pandas/scipy: both sides
/// compute the same sums in a different order over 63 rows (observed differences ~1e-15).
const TOL: f64 = 1e-12;

fn data_dir() -> Option<&'static Path> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if p.join("vix_daily.csv").exists() && p.join("crypto_ohlcv_yahoo_daily.csv").exists() {
        Some(p)
    } else {
        eprintln!(
            "skipping: ../shared/data not found (the rolling golden needs its BTC and VIX files)"
        );
        None
    }
}

#[test]
fn rolling_matches_pandas_and_scipy_on_real_btc_and_vix() {
    let Some(data) = data_dir() else { return };
    let golden: Value =
        serde_json::from_str(include_str!("golden/rolling.json")).expect("golden JSON");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let vix = data.join("vix_daily.csv");
    let btc = data.join("crypto_ohlcv_yahoo_daily.csv");
    for args in [
        vec![
            "import",
            vix.to_str().unwrap(),
            "--series",
            "vix=close",
            "--calendar",
            "us",
            "--unit",
            "index-level",
        ],
        vec!["import", btc.to_str().unwrap(), "--series", "btc=btc_close", "--calendar", "crypto"],
    ] {
        let (rc, _, err) = run(d, &args);
        assert_eq!(rc, 0, "{args:?}: {err}");
    }
    let window = golden["window"].as_u64().unwrap().to_string();
    let out = json(
        d,
        &[
            "rolling",
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--from",
            golden["from"].as_str().unwrap(),
            "--to",
            golden["to"].as_str().unwrap(),
            "--window",
            &window,
            "--json",
        ],
    );
    assert_eq!(out["rows"], golden["rows"], "aligned return rows");
    assert_eq!(out["from"], golden["first_return_date"]);
    let points = out["points"].as_array().unwrap();
    assert_eq!(points.len() as u64, golden["windows"].as_u64().unwrap(), "one point per window");
    let mut checked = 0;
    for g in golden["points"].as_array().unwrap() {
        let p = points
            .iter()
            .find(|p| p["date"] == g["date"])
            .unwrap_or_else(|| panic!("no window ending {}", g["date"]));
        for (key, gkey) in [
            ("correlation", "correlation"),
            ("correlation", "correlation_scipy"),
            ("low", "low"),
            ("high", "high"),
            ("beta", "beta"),
        ] {
            let (a, b) = (p[key].as_f64().unwrap(), g[gkey].as_f64().unwrap());
            assert!((a - b).abs() <= TOL, "{} {key}: {a} vs {gkey} {b}", g["date"]);
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} golden windows");
}

#[test]
fn rolling_refuses_bad_windows_and_levels_naming_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let store = demo_store(tmp.path());
    for (flag, value, needle) in [
        ("--window", "3", "--window 3: must be at least 4"),
        ("--window", "100000", "--window 100000: longer than the"),
        ("--level", "1", "--level 1: must be in (0, 1)"),
        ("--level", "0", "--level 0: must be in (0, 1)"),
    ] {
        let (rc, out, err) = run(
            tmp.path(),
            &["rolling", "--store", store, "--target", "btc", "--hedge", "vix", flag, value],
        );
        assert_eq!(rc, 2, "{flag} {value}: {err}");
        assert!(out.is_empty(), "{flag} {value}: nothing on stdout");
        assert!(err.contains(needle), "{flag} {value}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    }
}

#[test]
fn rolling_human_table_shows_every_nth_window_and_the_last() {
    let tmp = tempfile::tempdir().unwrap();
    let store = demo_store(tmp.path());
    let args = ["rolling", "--store", store, "--target", "btc", "--hedge", "vix"];
    let full = json(tmp.path(), &[&args[..], &["--json"]].concat());
    let points = full["points"].as_array().unwrap();
    let (rc, text, err) = run(tmp.path(), &[&args[..], &["--every", "500"]].concat());
    assert_eq!(rc, 0, "{err}");
    let last = points.last().unwrap()["date"].as_str().unwrap();
    assert!(text.contains(last), "the last window is always shown");
    assert!(text.contains(points[500]["date"].as_str().unwrap()));
    assert!(!text.contains(points[1]["date"].as_str().unwrap()));
    assert!(text.contains(&format!("{} windows", points.len())));
}
