//! Deribit: `public/get_volatility_index_data` (DVOL). The response is JSON-RPC:
//! `{"jsonrpc": "2.0", "result": {"data": [[ts, open, high, low, close], …], "continuation":
//! ts | null}}`, timestamps in epoch ms; `continuation` is the `end_timestamp` of the next,
//! older page (the pages walk backwards). An error is `{"error": {"code", "message"}}`; code
//! 10028 (`too_many_requests`) means the session's request credits are exhausted.
//!
//! Source: Deribit API v2 reference, `public/get_volatility_index_data`.

use super::{json_body, json_int, json_number, json_text, utc_date_ms, Table, TableRow};
use crate::FetchError;

/// The columns of a DVOL table.
pub const DVOL_COLUMNS: [&str; 4] = ["open", "high", "low", "close"];

/// One page of DVOL candles.
#[derive(Clone, Debug, PartialEq)]
pub struct DvolPage {
    /// The candles, dated by the UTC day of their timestamp.
    pub table: Table,
    /// The timestamp of each candle (ms).
    pub times_ms: Vec<i64>,
    /// The `end_timestamp` of the next (older) page, if any.
    pub continuation: Option<i64>,
}

/// The JSON-RPC error code of exhausted request credits.
pub const CREDITS_EXHAUSTED: i64 = 10028;

/// Parses one `get_volatility_index_data` response.
///
/// # Errors
/// [`FetchError::Schema`] for a body without `result.data` as 5-value arrays;
/// [`FetchError::Http`] (status 429) for a JSON-RPC error (credits exhausted ends the
/// session).
pub fn parse_dvol(raw: &[u8], source: &str) -> Result<DvolPage, FetchError> {
    let v = json_body(raw, source)?;
    if let Some(err) = v.get("error") {
        let code = err.get("code").and_then(json_int).unwrap_or(0);
        let msg = err.get("message").and_then(|m| m.as_str()).unwrap_or("");
        let message = if code == CREDITS_EXHAUSTED {
            format!("request credits exhausted ({code} {msg}); try again later")
        } else {
            format!("JSON-RPC error {code} {msg}")
        };
        return Err(FetchError::Http {
            source_name: source.to_string(),
            url: String::new(),
            status: 429,
            message,
        });
    }
    let result =
        v.get("result").ok_or_else(|| FetchError::schema(source, "result", "missing", raw))?;
    let data = result.get("data").and_then(|d| d.as_array()).ok_or_else(|| {
        FetchError::schema(source, "result.data", "missing or not an array", &json_text(result))
    })?;
    let continuation = result.get("continuation").and_then(json_int);
    let mut table = Table::new(&DVOL_COLUMNS);
    let mut times_ms = Vec::with_capacity(data.len());
    for (i, c) in data.iter().enumerate() {
        let rec = i as u64 + 1;
        let f = c.as_array().filter(|f| f.len() >= 5).ok_or_else(|| {
            FetchError::schema(
                source,
                format!("result.data[{i}]"),
                "expected [ts, open, high, low, close]",
                &json_text(c),
            )
        })?;
        let ts = json_int(&f[0]).ok_or_else(|| {
            FetchError::schema(
                source,
                format!("result.data[{i}][0]"),
                "expected epoch ms",
                &json_text(&f[0]),
            )
        })?;
        let date = utc_date_ms(ts).ok_or_else(|| {
            FetchError::schema(
                source,
                format!("result.data[{i}][0]"),
                "out of range",
                &json_text(&f[0]),
            )
        })?;
        let mut values = Vec::with_capacity(4);
        for (k, name) in DVOL_COLUMNS.iter().enumerate() {
            let x = json_number(&f[k + 1]).ok_or_else(|| {
                FetchError::schema(
                    source,
                    format!("result.data[{i}] {name}"),
                    "expected a number",
                    &json_text(&f[k + 1]),
                )
            })?;
            values.push(Some(x));
        }
        times_ms.push(ts);
        table.rows.push(TableRow { date, values, record: rec });
    }
    Ok(DvolPage { table, times_ms, continuation })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn candles_continuation_and_errors() {
        let raw = br#"{"jsonrpc":"2.0","result":{"data":[[1704067200000,43.51,44.0,42.9,43.77],[1704153600000,43.77,47.2,43.1,46.02]],"continuation":1703980800000},"usIn":1,"usOut":2}"#;
        let p = parse_dvol(raw, "deribit-dvol:BTC").unwrap();
        assert_eq!(p.table.rows.len(), 2);
        assert_eq!(p.table.rows[1].values[3], Some(46.02));
        assert_eq!(p.continuation, Some(1_703_980_800_000));
        let last = br#"{"jsonrpc":"2.0","result":{"data":[],"continuation":null}}"#;
        assert_eq!(parse_dvol(last, "d").unwrap().continuation, None);
        let credits = br#"{"jsonrpc":"2.0","error":{"code":10028,"message":"too_many_requests"}}"#;
        let e = parse_dvol(credits, "deribit-dvol:BTC").unwrap_err();
        assert!(e.to_string().contains("credits exhausted") && !e.is_input(), "{e}");
        let drift = br#"{"jsonrpc":"2.0","result":{"candles":[]}}"#;
        let e = parse_dvol(drift, "deribit-dvol:BTC").unwrap_err().to_string();
        assert!(
            e.starts_with("deribit-dvol:BTC: field `result.data`: missing or not an array"),
            "{e}"
        );
    }
}
