//! Binance: spot klines (`GET /api/v3/klines`) and USDⓈ-M funding-rate history
//! (`GET /fapi/v1/fundingRate`).
//!
//! A kline is a 12-field array `[open time (epoch ms), open, high, low, close, volume,
//! close time, quote asset volume, number of trades, taker buy base volume, taker buy quote
//! volume, ignore]`, decimals as strings. A daily kline opened at 00:00 UTC on day D closes
//! at the end of D: its close is dated D (as Yahoo dates crypto closes).
//!
//! A funding event is `{"symbol", "fundingTime" (epoch ms), "fundingRate" (decimal string),
//! "markPrice"}`, ascending by time; the daily series is the sum of the day's rates (UTC),
//! a decimal fraction of notional (0.0003 = 3 bp), whatever the interval (8 h, 4 h, 1 h).
//!
//! Source: Binance Spot API "Kline/Candlestick data" and USDⓈ-M Futures "Get Funding Rate
//! History" documentation (`limit` ≤ 1000, `startTime`/`endTime` in ms).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{json_body, json_int, json_number, json_text, utc_date_ms, Table, TableRow};
use crate::FetchError;

/// The columns of a klines table.
pub const KLINE_COLUMNS: [&str; 7] =
    ["open", "high", "low", "close", "volume", "quote_volume", "trades"];

/// The kline fields read, by array index: `(index, column)`.
const KLINE_FIELDS: [(usize, &str); 7] = [
    (1, "open"),
    (2, "high"),
    (3, "low"),
    (4, "close"),
    (5, "volume"),
    (7, "quote_volume"),
    (8, "trades"),
];

/// Parses one klines response: the table and the open time (ms) of each kline.
///
/// # Errors
/// [`FetchError::Schema`] for a body that is not a JSON array of 12-field arrays with a
/// numeric open time and decimal fields.
pub fn parse_klines_page(raw: &[u8], source: &str) -> Result<(Table, Vec<i64>), FetchError> {
    let v = json_body(raw, source)?;
    let arr = v
        .as_array()
        .ok_or_else(|| FetchError::schema(source, "body", "expected an array of klines", raw))?;
    let mut t = Table::new(&KLINE_COLUMNS);
    let mut opens = Vec::with_capacity(arr.len());
    for (i, k) in arr.iter().enumerate() {
        let rec = i as u64 + 1;
        let f = k.as_array().filter(|f| f.len() >= 12).ok_or_else(|| {
            FetchError::schema(
                source,
                format!("kline {rec}"),
                "expected a 12-field array",
                &json_text(k),
            )
        })?;
        let open_ms = json_int(&f[0]).ok_or_else(|| {
            FetchError::schema(
                source,
                format!("kline {rec} open time"),
                "expected epoch milliseconds",
                &json_text(&f[0]),
            )
        })?;
        let date = utc_date_ms(open_ms).ok_or_else(|| {
            FetchError::schema(
                source,
                format!("kline {rec} open time"),
                "out of range",
                &json_text(&f[0]),
            )
        })?;
        let mut values = Vec::with_capacity(KLINE_FIELDS.len());
        for (idx, name) in KLINE_FIELDS {
            let x = json_number(&f[idx]).ok_or_else(|| {
                FetchError::schema(
                    source,
                    format!("kline {rec} {name}"),
                    "expected a decimal",
                    &json_text(&f[idx]),
                )
            })?;
            values.push(Some(x));
        }
        opens.push(open_ms);
        t.rows.push(TableRow { date, values, record: rec });
    }
    Ok((t, opens))
}

/// Parses a klines response (a downloaded file or one page) into its table.
///
/// # Errors
/// As [`parse_klines_page`].
pub fn parse_klines(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    parse_klines_page(raw, source).map(|(t, _)| t)
}

/// One funding event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FundingEvent {
    /// `fundingTime`, epoch ms.
    pub time_ms: i64,
    /// `fundingRate`, a decimal fraction of notional.
    pub rate: f64,
}

/// Parses one funding-rate-history response.
///
/// # Errors
/// [`FetchError::Schema`] for a body that is not an array of objects with `fundingTime`
/// (epoch ms) and `fundingRate` (decimal).
pub fn parse_funding_page(raw: &[u8], source: &str) -> Result<Vec<FundingEvent>, FetchError> {
    let v = json_body(raw, source)?;
    let arr = v.as_array().ok_or_else(|| {
        FetchError::schema(source, "body", "expected an array of funding events", raw)
    })?;
    arr.iter()
        .enumerate()
        .map(|(i, e)| {
            let rec = i + 1;
            let time_ms = e.get("fundingTime").and_then(json_int).ok_or_else(|| {
                FetchError::schema(
                    source,
                    "fundingTime",
                    format!("event {rec}: missing or not epoch ms"),
                    &json_text(e),
                )
            })?;
            let rate = e.get("fundingRate").and_then(json_number).ok_or_else(|| {
                FetchError::schema(
                    source,
                    "fundingRate",
                    format!("event {rec}: missing or not a decimal"),
                    &json_text(e),
                )
            })?;
            Ok(FundingEvent { time_ms, rate })
        })
        .collect()
}

/// The daily funding table of `events`: `funding` = the sum of the day's rates (UTC days),
/// `funding_events` = how many there were. Events repeated across pages (same time) count once.
pub fn funding_daily(events: &[FundingEvent], source: &str) -> Result<Table, FetchError> {
    let mut by_time: BTreeMap<i64, f64> = BTreeMap::new();
    for e in events {
        by_time.insert(e.time_ms, e.rate);
    }
    let mut days: BTreeMap<NaiveDate, (f64, u32)> = BTreeMap::new();
    for (&ms, &r) in &by_time {
        let d = utc_date_ms(ms).ok_or_else(|| {
            FetchError::schema(source, "fundingTime", "out of range", ms.to_string().as_bytes())
        })?;
        let slot = days.entry(d).or_insert((0.0, 0));
        slot.0 += r;
        slot.1 += 1;
    }
    let mut t = Table::new(&["funding", "funding_events"]);
    for (i, (date, (sum, n))) in days.into_iter().enumerate() {
        t.rows.push(TableRow {
            date,
            values: vec![Some(sum), Some(f64::from(n))],
            record: i as u64 + 1,
        });
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn klines_are_dated_by_their_utc_open_day() {
        let raw = br#"[[1704067200000,"42283.58","44184.10","42180.77","44179.55","27174.29","1704153599999","1169995682.41",1032047,"13867.71","597275437.95","0"]]"#;
        let (t, opens) = parse_klines_page(raw, "binance:BTCUSDT").unwrap();
        assert_eq!(t.rows[0].date, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert_eq!(t.rows[0].values[3], Some(44179.55));
        assert_eq!(opens, [1_704_067_200_000]);
        let short = br#"[[1704067200000,"1","2"]]"#;
        let e = parse_klines(short, "binance:BTCUSDT").unwrap_err().to_string();
        assert!(
            e.starts_with("binance:BTCUSDT: field `kline 1`: expected a 12-field array"),
            "{e}"
        );
        let obj = br#"{"code":-1121,"msg":"Invalid symbol."}"#;
        assert!(parse_klines(obj, "b")
            .unwrap_err()
            .to_string()
            .contains("expected an array of klines"));
    }

    #[test]
    fn funding_is_summed_per_utc_day() {
        // 2024-01-01 00:00, 08:00, 16:00 and 2024-01-02 00:00 UTC; the 16:00 event repeated.
        let raw = br#"[{"symbol":"BTCUSDT","fundingTime":1704067200000,"fundingRate":"0.00037409","markPrice":"42314.1"},
{"symbol":"BTCUSDT","fundingTime":1704096000000,"fundingRate":"0.00031718"},
{"symbol":"BTCUSDT","fundingTime":1704124800001,"fundingRate":"-0.00010000"},
{"symbol":"BTCUSDT","fundingTime":1704124800001,"fundingRate":"-0.00010000"},
{"symbol":"BTCUSDT","fundingTime":1704153600000,"fundingRate":"0.00010000"}]"#;
        let ev = parse_funding_page(raw, "binance-funding:BTCUSDT").unwrap();
        let t = funding_daily(&ev, "s").unwrap();
        assert_eq!(t.rows.len(), 2);
        let sum = t.rows[0].values[0].unwrap();
        assert!((sum - (0.00037409 + 0.00031718 - 0.0001)).abs() < 1e-15, "{sum}");
        assert_eq!(t.rows[0].values[1], Some(3.0));
        let renamed = br#"[{"symbol":"BTCUSDT","fundingTime":1704067200000,"rate":"0.0001"}]"#;
        let e = parse_funding_page(renamed, "binance-funding:BTCUSDT").unwrap_err().to_string();
        assert!(
            e.starts_with("binance-funding:BTCUSDT: field `fundingRate`: event 1: missing"),
            "{e}"
        );
    }

    #[test]
    fn a_four_hour_funding_interval_sums_its_six_events() {
        // Binance moved some symbols to 4-hour funding: six events on 2024-01-02.
        let day = 1_704_153_600_000_i64;
        let rates = ["0.0001", "0.00012", "-0.00003", "0.00005", "0.0000725", "0.0001"];
        let ev: Vec<String> = rates
            .iter()
            .enumerate()
            .map(|(k, r)| {
                format!(
                    r#"{{"symbol":"ORDIUSDT","fundingTime":{},"fundingRate":"{r}"}}"#,
                    day + k as i64 * 4 * 3_600_000
                )
            })
            .collect();
        let raw = format!("[{}]", ev.join(","));
        let t = funding_daily(&parse_funding_page(raw.as_bytes(), "s").unwrap(), "s").unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].values[1], Some(6.0));
        let want = 0.0001 + 0.00012 - 0.00003 + 0.00005 + 0.0000725 + 0.0001;
        assert!((t.rows[0].values[0].unwrap() - want).abs() < 1e-15);
    }
}
