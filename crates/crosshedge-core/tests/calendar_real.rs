//! The NYSE calendar against the dates present in the real CBOE VIX and S&P 500 histories
//! (skipped when ../shared/data is absent).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use crosshedge_core::calendar::Calendar;

fn dates(file: &str) -> Option<Vec<NaiveDate>> {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/").to_string() + file;
    let Ok(text) = std::fs::read_to_string(&p) else {
        eprintln!("skipping: {p} not found");
        return None;
    };
    Some(
        text.lines()
            .skip(1)
            .map(|l| NaiveDate::parse_from_str(&l[..10], "%Y-%m-%d").unwrap())
            .collect(),
    )
}

fn compare(file: &str, from: &str, to: &str) -> Option<(Vec<NaiveDate>, Vec<NaiveDate>)> {
    let from = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
    let to = NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap();
    let data: Vec<NaiveDate> =
        dates(file)?.into_iter().filter(|d| *d >= from && *d <= to).collect();
    let cal = Calendar::Us.trading_days(from, to);
    let extra: Vec<NaiveDate> =
        data.iter().filter(|d| !Calendar::Us.is_trading_day(**d)).copied().collect();
    let missing: Vec<NaiveDate> =
        cal.iter().filter(|d| data.binary_search(d).is_err()).copied().collect();
    Some((extra, missing))
}

#[test]
fn nyse_calendar_matches_vix_history_1990_2026() {
    // Until May 2022 the VIX was published on NYSE days only; the one exception is a stale
    // print (open = high = low = close) on 2004-06-11, the day of mourning for President Reagan.
    let Some((extra, missing)) = compare("vix_daily.csv", "1990-01-02", "2022-04-29") else {
        return;
    };
    let reagan = NaiveDate::from_ymd_opt(2004, 6, 11).unwrap();
    assert_eq!(extra, vec![reagan], "VIX has values on days the calendar calls closed");
    // Four NYSE sessions are absent from the CBOE file (the S&P 500 file has them, and the
    // calendar matches it exactly): gaps of the data, not of the calendar.
    let gaps: Vec<NaiveDate> = ["1991-03-01", "1997-01-31", "1997-11-26", "1999-12-31"]
        .iter()
        .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
        .collect();
    assert_eq!(missing, gaps, "calendar trading days without a VIX value");
    // Since Cboe's global trading hours (2022) the VIX is also computed on US holidays: every
    // extra date must then be a weekday holiday, and no NYSE day may lack a value.
    let Some((extra, missing)) = compare("vix_daily.csv", "2022-05-02", "2026-07-23") else {
        return;
    };
    assert!(missing.is_empty(), "calendar trading days without a VIX value: {missing:?}");
    for d in extra {
        assert!(
            crosshedge_core::calendar::is_nyse_holiday(d),
            "{d} is neither a trading day nor a holiday"
        );
    }
}

#[test]
fn nyse_calendar_matches_spx_history_1990_2026() {
    let Some((extra, missing)) = compare("spx_daily.csv", "1990-01-02", "2026-03-20") else {
        return;
    };
    assert!(extra.is_empty(), "SPX has values on days the calendar calls closed: {extra:?}");
    assert!(missing.is_empty(), "calendar trading days without an SPX value: {missing:?}");
}
