//! Cross-check with the real data files: the BTC-vs-VIX arrays stored in the golden JSON (built in
//! Python on the VIX file's dates) against what `crosshedge_core::align` (`us-close`) produces from
//! the CSVs. Skips cleanly when `../shared/data` is absent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_stats::corr::pearson;

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

/// (date, value) of column `col` of a CSV with a `date` first column, within [from, to], skipping
/// blank values.
fn read_column(
    file: &str,
    col: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<(Vec<NaiveDate>, Vec<f64>)> {
    let text = std::fs::read_to_string(data_dir().join(file)).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    let j = header.iter().position(|h| *h == col)?;
    let (mut d, mut v) = (Vec::new(), Vec::new());
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let date = NaiveDate::parse_from_str(f[0], "%Y-%m-%d").ok()?;
        if date < from || date > to {
            continue;
        }
        if let Some(x) = f.get(j).and_then(|s| s.parse::<f64>().ok()) {
            d.push(date);
            v.push(x);
        }
    }
    Some((d, v))
}

#[test]
fn golden_arrays_match_core_us_close_alignment() {
    let from = NaiveDate::from_ymd_opt(2014, 9, 17).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 1, 30).unwrap();
    let (Some(vix), Some(btc)) = (
        read_column("vix_daily.csv", "close", from, to),
        read_column("crypto_daily_coingecko.csv", "btc_close_usd", from, to),
    ) else {
        eprintln!("skipping: {} not found", data_dir().display());
        return;
    };
    let vix = Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel, vix.0, vix.1).unwrap();
    let btc = Series::new("btc", Calendar::Crypto, SeriesUnit::Price, btc.0, btc.1).unwrap();
    let panel = align(&[&btc, &vix], AlignPolicy::UsClose).unwrap();
    let r = panel.returns(ReturnKind::Log).unwrap();
    let (t, h) = (r.column("btc").unwrap(), r.column("vix").unwrap());

    let g: serde_json::Value =
        serde_json::from_str(include_str!("golden/basis_golden.json")).unwrap();
    let gt: Vec<f64> =
        g["real"]["target"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let gh: Vec<f64> =
        g["real"]["hedge"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    // The golden rows are the returns between consecutive VIX dates. Since mid-2022 the VIX file
    // also has values on 28 NYSE holidays (e.g. 2022-07-04, Thanksgiving), which `us-close` drops:
    // each core return must then be the sum of the golden log returns it spans.
    let vix_dates = vix.dates();
    assert_eq!(vix_dates.len(), gt.len() + 1);
    assert_eq!(gt.len() - t.len(), 28, "holiday rows dropped by us-close");
    let mut k = 0;
    for i in 0..t.len() {
        let (mut st, mut sh) = (0.0, 0.0);
        while k + 1 < vix_dates.len() && vix_dates[k + 1] <= r.dates[i] {
            if vix_dates[k + 1] > r.start_dates[i] {
                st += gt[k];
                sh += gh[k];
            }
            k += 1;
        }
        assert!((t[i] - st).abs() < 1e-12, "btc row {i} ({}): {} vs {st}", r.dates[i], t[i]);
        assert!((h[i] - sh).abs() < 1e-12, "vix row {i} ({}): {} vs {sh}", r.dates[i], h[i]);
    }
    // On the 2,887 VIX-date rows themselves the golden correlation is reproduced.
    let rho = pearson(&gt, &gh).unwrap();
    assert!((rho - g["real"]["pearson"].as_f64().unwrap()).abs() < 1e-12);
    // And the core-aligned sample gives a close but different figure (fewer, merged rows).
    let rho_core = pearson(t, h).unwrap();
    assert!((rho_core - rho).abs() < 0.02, "{rho_core} vs {rho}");
}
