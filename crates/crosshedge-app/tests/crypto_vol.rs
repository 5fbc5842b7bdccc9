//! The crypto implied-vol resolver: the demo index as the series path, the realised-vol
//! fallback with its warning on a store without an index, pandas' rolling vol on the real BTC
//! history (tests/golden/gen_crypto_vol.py), and the refusals of bad implied-vol series.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use crosshedge_app::crypto_vol::{
    realised_vol, resolve, skewed_vol, CryptoVolSettings, VolSource, DEFAULT_IV_RV_RATIO,
    DEFAULT_WINDOW_DAYS,
};
use crosshedge_app::{ErrorKind, Workspace};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_file, ImportSpec};
use crosshedge_data::store::{OnConflict, Store};

mod common;

/// A store at `dir/crosshedge.db` holding the columns `cols` (`(name, column)`) of the CSV
/// file `csv` on the crypto calendar with unit `unit`.
fn store_from(dir: &Path, csv: &Path, cols: &[(&str, &str)], unit: SeriesUnit) -> PathBuf {
    let db = dir.join("crosshedge.db");
    let spec = ImportSpec::new(
        cols.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect(),
        Calendar::Crypto,
        unit,
    );
    let parsed = parse_file(csv, &spec).unwrap();
    let mut store = Store::open(&db).unwrap();
    store
        .import(&parsed, &csv.display().to_string(), "2026-01-01T00:00:00Z", OnConflict::Fail)
        .unwrap();
    db
}

/// A store with the demo's BTC (no implied-vol index) plus `extra` (`date,<name>` CSV text
/// of a second file, imported with `unit`).
fn store_with(extra: Option<(&str, &str, SeriesUnit)>) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let crypto = common::demo_dir().join("data").join("crypto_daily.csv");
    let db = store_from(dir.path(), &crypto, &[("btc", "btc")], SeriesUnit::Price);
    if let Some((name, text, unit)) = extra {
        let f = dir.path().join(format!("{name}.csv"));
        std::fs::write(&f, text).unwrap();
        store_from(dir.path(), &f, &[(name, name)], unit);
    }
    (dir, Workspace::at(db))
}

/// The demo's `dvol` values as `date,<name>` CSV text, each value mapped by `f`.
fn dvol_csv(name: &str, f: impl Fn(f64) -> f64) -> String {
    let ws = common::demo_workspace();
    let s = ws.load("dvol", None, None).unwrap();
    let mut out = format!("date,{name}\n");
    for (d, v) in s.dates().iter().zip(s.values()) {
        out.push_str(&format!("{d},{}\n", f(*v)));
    }
    out
}

#[test]
fn the_demo_index_is_the_series_path() {
    let ws = common::demo_workspace();
    let settings = CryptoVolSettings { skew: 0.25, ..CryptoVolSettings::default() };
    let cv = resolve(&ws, "btc", Some("dvol"), &settings).unwrap();
    assert_eq!(cv.source, VolSource::Series { name: "dvol".into() });
    assert!(cv.warnings.is_empty(), "{:?}", cv.warnings);
    // The generator's index (seed 3, the demo store's) divided by 100, through the CSV files
    // and the store.
    let market = crosshedge_demo::generate(&crosshedge_demo::DemoConfig {
        seed: 3,
        ..crosshedge_demo::DemoConfig::default()
    })
    .unwrap();
    let gen = market.series(crosshedge_demo::DVOL_SERIES).unwrap();
    assert_eq!(cv.dates, gen.dates());
    for (a, b) in cv.vol.iter().zip(gen.values()) {
        assert!((a - b / 100.0).abs() <= 1e-15, "{a} vs {b}");
    }
    // Lookups: the date's own value, the skew applied at a strike below the forward.
    let d = cv.dates[1000];
    assert_eq!(cv.atm(d), Some(cv.vol[1000]));
    assert_eq!(cv.atm(cv.dates[0] - chrono::Duration::days(1)), None);
    let k = cv.at_strike(d, 50_000.0, 40_000.0).unwrap();
    assert_eq!(k, skewed_vol(cv.vol[1000], 0.25, 50_000.0, 40_000.0));
    assert!((k - (cv.vol[1000] + 0.25 * (1.25f64).ln())).abs() < 1e-15 && k > cv.vol[1000]);
}

#[test]
fn without_a_series_the_realised_fallback_warns() {
    let (_dir, ws) = store_with(None);
    let cv = resolve(&ws, "btc", None, &CryptoVolSettings::default()).unwrap();
    assert_eq!(
        cv.source,
        VolSource::Realised { window_days: DEFAULT_WINDOW_DAYS, ratio: DEFAULT_IV_RV_RATIO }
    );
    assert_eq!(cv.warnings.len(), 1);
    let w = &cv.warnings[0];
    assert!(
        w.contains("no implied-vol series given")
            && w.contains("30-day realised vol")
            && w.contains(&format!("{DEFAULT_IV_RV_RATIO:.4}"))
            && w.contains("--crypto-vol"),
        "{w}"
    );
    // The ratio scales the realised vol; the first date ends the first full window.
    let btc = ws.load("btc", None, None).unwrap();
    let (dates, rv) = realised_vol(&btc, 30).unwrap();
    assert_eq!(cv.dates, dates);
    assert_eq!(dates[0], btc.dates()[30]);
    for (a, b) in cv.vol.iter().zip(&rv) {
        assert!((a - b * DEFAULT_IV_RV_RATIO).abs() <= 1e-15, "{a} vs {b}");
    }
    // The default ratio is the demo index's mean premium: on this (seed-3) demo store, the
    // series path over the realised vol averages within 0.03 of it.
    let demo = common::demo_workspace();
    let iv = resolve(&demo, "btc", Some("dvol"), &CryptoVolSettings::default()).unwrap();
    let (rd, rr) = realised_vol(&demo.load("btc", None, None).unwrap(), 30).unwrap();
    let ratios: Vec<f64> = rd.iter().zip(&rr).map(|(d, r)| iv.atm(*d).unwrap() / r).collect();
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    assert!(mean > 1.0 && (mean - DEFAULT_IV_RV_RATIO).abs() < 0.03, "{mean}");
    let cv2 = resolve(&ws, "btc", None, &CryptoVolSettings { iv_ratio: 1.0, ..Default::default() })
        .unwrap();
    assert_eq!(cv2.vol, rv);
    assert!(!cv2.warnings[0].contains("demo calibration"));
}

#[test]
fn realised_vol_matches_pandas_on_the_real_btc_history() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let file = data.join("btc_ohlcv_coinmarketcap_daily.csv");
    if !file.exists() {
        eprintln!("skipping: {} not found (real-data tests need ../shared/data)", file.display());
        return;
    }
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/golden/crypto_vol.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = store_from(dir.path(), &file, &[("btc", "close")], SeriesUnit::Price);
    let ws = Workspace::at(db);
    let settings = CryptoVolSettings { iv_ratio: 1.0, ..CryptoVolSettings::default() };
    let cv = resolve(&ws, "btc", None, &settings).unwrap();
    assert_eq!(cv.dates.len() as u64, golden["dates"].as_u64().unwrap());
    assert_eq!(cv.dates[0].to_string(), golden["first_date"].as_str().unwrap());
    let points = golden["points"].as_array().unwrap();
    assert!(points.len() > 1000);
    for p in points {
        let d: chrono::NaiveDate = p["date"].as_str().unwrap().parse().unwrap();
        let want = p["vol"].as_f64().unwrap();
        let i = cv.dates.binary_search(&d).unwrap();
        // Tolerance 1e-12 (absolute, on vols of 0.1..3.1).
        assert!((cv.vol[i] - want).abs() <= 1e-12, "{d}: {} vs pandas {want}", cv.vol[i]);
    }
    let mean = cv.vol.iter().sum::<f64>() / cv.vol.len() as f64;
    assert!((mean - golden["mean"].as_f64().unwrap()).abs() <= 1e-12, "mean {mean}");
}

#[test]
fn a_decimal_series_is_refused_as_the_wrong_unit() {
    let (_dir, ws) = store_with(Some((
        "dvol_dec",
        &dvol_csv("dvol_dec", |v| v / 100.0),
        SeriesUnit::IndexLevel,
    )));
    let e = resolve(&ws, "btc", Some("dvol_dec"), &CryptoVolSettings::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.kind.exit_code(), 2);
    assert!(
        e.message.contains("'dvol_dec'")
            && e.message.contains("looks like a decimal")
            && e.message.contains("0.6")
            && e.message.contains("vol points (e.g. 60)"),
        "{}",
        e.message
    );
    assert!(!e.message.contains('\n'));
    // The same values in vol points resolve.
    let (_dir2, ws2) =
        store_with(Some(("dvol_pts", &dvol_csv("dvol_pts", |v| v), SeriesUnit::IndexLevel)));
    assert!(resolve(&ws2, "btc", Some("dvol_pts"), &CryptoVolSettings::default()).is_ok());
}

#[test]
fn a_non_positive_value_is_refused_with_its_date() {
    for bad in [0.0, -5.0] {
        let text = format!("date,iv\n2024-01-01,55.5\n2024-01-02,{bad}\n2024-01-03,57\n");
        let (_dir, ws) = store_with(Some(("iv", &text, SeriesUnit::Ratio)));
        let e = resolve(&ws, "btc", Some("iv"), &CryptoVolSettings::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(
            e.message.contains("'iv'")
                && e.message.contains("2024-01-02")
                && e.message.contains("non-positive"),
            "{}",
            e.message
        );
    }
}

#[test]
fn unknown_series_and_bad_settings_are_input_errors() {
    let ws = common::demo_workspace();
    let e = resolve(&ws, "btc", Some("dvol-eth"), &CryptoVolSettings::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.starts_with("unknown series 'dvol-eth' (known: "), "{}", e.message);
    assert!(e.message.contains("dvol"), "{}", e.message);
    let e = resolve(&ws, "doge", None, &CryptoVolSettings::default()).unwrap_err();
    assert!(e.message.starts_with("unknown series 'doge'"), "{}", e.message);
    for (s, field) in [
        (CryptoVolSettings { iv_ratio: 0.0, ..Default::default() }, "iv_ratio"),
        (CryptoVolSettings { skew: f64::NAN, ..Default::default() }, "skew"),
        (CryptoVolSettings { window_days: 1, ..Default::default() }, "window_days"),
    ] {
        let e = resolve(&ws, "btc", None, &s).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(e.message.contains(field), "{}", e.message);
    }
}

#[test]
fn a_short_index_warns_about_the_uncovered_days() {
    let text = "date,iv\n2020-01-01,55.5\n2020-01-02,60\n2020-01-03,57\n";
    let (_dir, ws) = store_with(Some(("iv", text, SeriesUnit::IndexLevel)));
    let cv = resolve(&ws, "btc", Some("iv"), &CryptoVolSettings::default()).unwrap();
    assert_eq!(cv.vol, [0.555, 0.6, 0.57]);
    assert_eq!(cv.warnings.len(), 1);
    assert!(cv.warnings[0].contains("covers 2020-01-01..2020-01-03"), "{}", cv.warnings[0]);
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(cv.atm(d("2025-06-01")), Some(0.57));
    assert_eq!(cv.atm(d("2019-12-31")), None);
}
