//! Independent re-derivation of calibration targets from the real data in shared/data, with
//! this workspace's own code (crosshedge-core's calendar and `us-close` alignment) instead of
//! the pandas of `calibration/calibrate.py`. Skips with a printed reason when the data are
//! absent.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_demo::vix_band;

fn data_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).to_path_buf()
}

fn params() -> serde_json::Value {
    serde_json::from_str(include_str!("../calibration/params.json")).unwrap()
}

/// Reads `column` of a shared/data CSV between `from` and `to` (inclusive), skipping blanks.
fn read(file: &str, column: &str, from: &str, to: &str) -> Option<(Vec<NaiveDate>, Vec<f64>)> {
    let text = std::fs::read_to_string(data_dir().join(file)).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    let col = header.iter().position(|h| *h == column)?;
    let (from, to) = (from.parse::<NaiveDate>().ok()?, to.parse::<NaiveDate>().ok()?);
    let (mut d, mut v) = (Vec::new(), Vec::new());
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let date: NaiveDate = f[0].parse().ok()?;
        if date < from || date > to || f[col].is_empty() {
            continue;
        }
        d.push(date);
        v.push(f[col].parse().ok()?);
    }
    Some((d, v))
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let c: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    c / (va * vb).sqrt()
}

#[test]
fn regime_targets_from_real_vix() {
    let Some((_, vix)) = read("vix_daily.csv", "close", "1990-01-01", "2025-12-31") else {
        eprintln!("skipping: shared/data/vix_daily.csv not found");
        return;
    };
    let p = params();
    let bands: Vec<usize> = vix.iter().map(|v| vix_band(*v)).collect();
    let mut counts = [[0.0f64; 3]; 3];
    for w in bands.windows(2) {
        counts[w[0]][w[1]] += 1.0;
    }
    for (i, row) in counts.iter().enumerate() {
        let total: f64 = row.iter().sum();
        for (j, c) in row.iter().enumerate() {
            let want = p["regimes"]["transition"][i][j].as_f64().unwrap();
            // Same counts, same division: agreement to 1e-12.
            assert!((c / total - want).abs() < 1e-12, "P[{i}][{j}] {} vs {want}", c / total);
        }
    }
    for k in 0..3 {
        let share = bands.iter().filter(|b| **b == k).count() as f64 / bands.len() as f64;
        let want = p["regimes"]["shares"][k].as_f64().unwrap();
        assert!((share - want).abs() < 1e-12, "share {k}: {share} vs {want}");
    }
}

#[test]
fn aligned_btc_vix_correlation_targets_from_real_data() {
    let (Some(vix), Some(spx), Some(btc)) = (
        read("vix_daily.csv", "close", "2014-01-01", "2025-04-23"),
        read("spx_daily.csv", "close", "2014-01-01", "2025-04-23"),
        read("btc_ohlcv_coinmarketcap_daily.csv", "close", "2014-01-01", "2025-04-23"),
    ) else {
        eprintln!(
            "skipping: shared/data (vix_daily, spx_daily, btc_ohlcv_coinmarketcap_daily) not found"
        );
        return;
    };
    let vix = Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel, vix.0, vix.1).unwrap();
    let spx = Series::new("spx", Calendar::Us, SeriesUnit::Price, spx.0, spx.1).unwrap();
    let btc = Series::new("btc", Calendar::Crypto, SeriesUnit::Price, btc.0, btc.1).unwrap();
    let r =
        align(&[&btc, &vix, &spx], AlignPolicy::UsClose).unwrap().returns(ReturnKind::Log).unwrap();
    let (rb, rv) = (r.column("btc").unwrap(), r.column("vix").unwrap());
    let p = params();
    for k in 0..3 {
        let idx: Vec<usize> =
            (0..r.len()).filter(|&i| vix.get(r.start_dates[i]).map(vix_band) == Some(k)).collect();
        let a: Vec<f64> = idx.iter().map(|&i| rb[i]).collect();
        let b: Vec<f64> = idx.iter().map(|&i| rv[i]).collect();
        let t = &p["btc"]["aligned_targets"][k];
        let (want, n) = (t["corr_btc_vix"].as_f64().unwrap(), t["n"].as_u64().unwrap() as usize);
        eprintln!(
            "band {k}: rust {} ({} days) vs pandas {want} ({n} days)",
            corr(&a, &b),
            idx.len()
        );
        // The same rows and the same formula: agreement to 1e-9.
        assert_eq!(idx.len(), n, "band {k} rows");
        assert!((corr(&a, &b) - want).abs() < 1e-9, "band {k}");
    }
}
