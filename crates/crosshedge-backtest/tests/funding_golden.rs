#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Perp funding under the calendar-day convention against the pandas golden
//! (`tests/golden/funding_golden.py`): each market day books the sum of the daily funding over
//! the calendar days since the previous market day (weekends and the 4 July holiday included).

use chrono::NaiveDate;
use crosshedge_backtest::funding::calendar_day_funding;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn golden() -> serde_json::Value {
    serde_json::from_str(include_str!("golden/funding.json")).unwrap()
}

#[test]
fn calendar_day_funding_matches_pandas() {
    let g = golden();
    let market: Vec<NaiveDate> =
        g["market_dates"].as_array().unwrap().iter().map(|x| d(x.as_str().unwrap())).collect();
    let daily: Vec<(NaiveDate, f64)> = g["funding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (d(p[0].as_str().unwrap()), p[1].as_f64().unwrap()))
        .collect();
    let stale = g["max_stale_days"].as_i64().unwrap();
    let f = calendar_day_funding(&market, &daily, stale).unwrap();
    let want: Vec<f64> =
        g["per_market_day"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(f.per_market_day.len(), want.len());
    // Sums of at most four 8-digit prints: 1e-15 absolute.
    for (i, (a, b)) in f.per_market_day.iter().zip(&want).enumerate() {
        assert!((a - b).abs() <= 1e-15, "{}: {a} vs {b}", market[i]);
    }
    assert_eq!(f.calendar_days as u64, g["calendar_days"].as_u64().unwrap());
    assert_eq!(f.printed_days as u64, g["printed_days"].as_u64().unwrap());
    assert_eq!(f.stale_days as u64, g["stale_days"].as_u64().unwrap());
    assert_eq!(f.missing_days as u64, g["missing_days"].as_u64().unwrap());
    // Every calendar day from the first market day to the last is booked exactly once, so
    // the total is not the market-day-only total of the old convention.
    let old: f64 =
        g["market_day_only"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).sum();
    let new: f64 = f.per_market_day.iter().sum();
    assert!((new - old).abs() > 1e-5, "{new} vs {old}");
}

#[test]
fn weekend_funding_is_booked_on_monday() {
    // Fri 2024-06-28 and Mon 2024-07-01: Monday books Sat + Sun + Mon.
    let daily: Vec<(NaiveDate, f64)> = (0..5)
        .map(|k| (d("2024-06-27") + chrono::Duration::days(k), 0.001 * (k + 1) as f64))
        .collect();
    let f = calendar_day_funding(&[d("2024-06-28"), d("2024-07-01")], &daily, 7).unwrap();
    assert!((f.per_market_day[0] - 0.002).abs() < 1e-15);
    assert!((f.per_market_day[1] - (0.003 + 0.004 + 0.005)).abs() < 1e-15);
    assert_eq!((f.calendar_days, f.printed_days, f.stale_days, f.missing_days), (4, 4, 0, 0));
    // Unsorted inputs are errors.
    assert!(calendar_day_funding(&[d("2024-07-01"), d("2024-06-28")], &daily, 7).is_err());
    assert!(calendar_day_funding(&[d("2024-07-01")], &daily, -1).is_err());
}
