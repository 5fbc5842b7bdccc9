//! Deribit: `public/get_volatility_index_data` (DVOL). The response is JSON-RPC:
//! `{"jsonrpc": "2.0", "result": {"data": [[ts, open, high, low, close], …], "continuation":
//! ts | null}}`, timestamps in epoch ms; `continuation` is the `end_timestamp` of the next,
//! older page (the pages walk backwards). An error is `{"error": {"code", "message"}}`; code
//! 10028 (`too_many_requests`) means the session's request credits are exhausted.
//!
//! `public/get_book_summary_by_currency?currency=BTC&kind=option` (a snapshot: `{"result":
//! [{"instrument_name": "BTC-26JAN24-45000-C", "mark_iv": 52.3, "underlying_price": 44950.1,
//! "creation_timestamp": <ms>, …}, …]}`, `mark_iv` in vol points, `underlying_price` the
//! forward of the option's expiry) becomes one row ([`snapshot_table`]): the 30-day ATM implied
//! vol and skew of that moment.
//!
//! Source: Deribit API v2 reference, `public/get_volatility_index_data` and
//! `public/get_book_summary_by_currency`; instrument names `CUR-DMMMYY-STRIKE-C|P`, expiry at
//! 08:00 UTC.

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

/// One option of a book summary.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionMark {
    /// Expiry, epoch ms (08:00 UTC of the instrument's date).
    pub expiry_ms: i64,
    /// Strike.
    pub strike: f64,
    /// `true` for a call.
    pub call: bool,
    /// Mark implied vol, vol points (52.3 = 52.3 %).
    pub mark_iv: f64,
    /// The forward of the expiry (`underlying_price`).
    pub underlying_price: f64,
    /// `creation_timestamp`, epoch ms.
    pub time_ms: i64,
}

/// `(expiry at 08:00 UTC in ms, strike, call)` of an option name `BTC-26JAN24-45000-C`.
pub fn parse_instrument(name: &str) -> Option<(i64, f64, bool)> {
    let mut parts = name.split('-');
    let (_cur, date, strike, kind) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let d = chrono::NaiveDate::parse_from_str(&date.to_ascii_uppercase(), "%d%b%y").ok()?;
    let expiry = d.and_hms_opt(8, 0, 0)?.and_utc().timestamp_millis();
    let strike: f64 = strike.replace('d', ".").parse().ok().filter(|k: &f64| *k > 0.0)?;
    let call = match kind {
        "C" => true,
        "P" => false,
        _ => return None,
    };
    Some((expiry, strike, call))
}

/// Parses a `get_book_summary_by_currency` (options) response.
///
/// # Errors
/// [`FetchError::Schema`] for a body without `result` as an array of options with
/// `instrument_name`, `mark_iv`, `underlying_price`, `creation_timestamp`; a JSON-RPC error
/// as [`parse_dvol`].
pub fn parse_book_summary(raw: &[u8], source: &str) -> Result<Vec<OptionMark>, FetchError> {
    let v = json_body(raw, source)?;
    if v.get("error").is_some() {
        // The same error handling as the DVOL endpoint.
        return parse_dvol(raw, source).map(|_| Vec::new());
    }
    let arr = v.get("result").and_then(|r| r.as_array()).ok_or_else(|| {
        FetchError::schema(source, "result", "missing or not an array of options", raw)
    })?;
    let mut out = Vec::with_capacity(arr.len());
    for (i, o) in arr.iter().enumerate() {
        let field = |name: &str| {
            FetchError::schema(
                source,
                format!("result[{i}].{name}"),
                "missing or not valid",
                &json_text(o),
            )
        };
        let name = o
            .get("instrument_name")
            .and_then(|n| n.as_str())
            .ok_or_else(|| field("instrument_name"))?;
        let (expiry_ms, strike, call) =
            parse_instrument(name).ok_or_else(|| field("instrument_name"))?;
        let mark_iv = o.get("mark_iv").and_then(json_number).ok_or_else(|| field("mark_iv"))?;
        let underlying_price = o
            .get("underlying_price")
            .and_then(json_number)
            .filter(|f| *f > 0.0)
            .ok_or_else(|| field("underlying_price"))?;
        let time_ms = o
            .get("creation_timestamp")
            .and_then(json_int)
            .ok_or_else(|| field("creation_timestamp"))?;
        out.push(OptionMark { expiry_ms, strike, call, mark_iv, underlying_price, time_ms });
    }
    Ok(out)
}

/// The smile of one expiry: the least-squares line `mark_iv = atm + slope · ln(F/K)` over its
/// options with a positive mark IV and `|ln(F/K)|` ≤ [`SMILE_MONEYNESS`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Smile {
    /// Expiry, epoch ms.
    pub expiry_ms: i64,
    /// Time to expiry from the snapshot, years (ACT/365).
    pub years: f64,
    /// The ATM implied vol (the line at `K = F`), decimal.
    pub atm: f64,
    /// The put-skew slope, decimal vol per unit of `ln(F/K)` (as `crypto_vol::skewed_vol`).
    pub skew: f64,
    /// Options in the fit.
    pub n: usize,
}

/// The log-moneyness band of a smile fit.
pub const SMILE_MONEYNESS: f64 = 0.2;

/// The horizon of [`snapshot_table`]: 30 days, in years.
pub const SNAPSHOT_YEARS: f64 = 30.0 / 365.0;

/// The smiles of `marks` seen at `now_ms`: one per expiry at least a day away with at least
/// three options in the band and two distinct strikes, by expiry.
pub fn smiles(marks: &[OptionMark], now_ms: i64) -> Vec<Smile> {
    let mut expiries: Vec<i64> = marks.iter().map(|m| m.expiry_ms).collect();
    expiries.sort_unstable();
    expiries.dedup();
    let mut out = Vec::new();
    for e in expiries {
        let years = (e - now_ms) as f64 / (365.0 * 86_400_000.0);
        if years < 1.0 / 365.0 {
            continue;
        }
        let of: Vec<&OptionMark> = marks.iter().filter(|m| m.expiry_ms == e).collect();
        let fwd = of.iter().map(|m| m.underlying_price).sum::<f64>() / of.len() as f64;
        let pts: Vec<(f64, f64)> = of
            .iter()
            .filter(|m| m.mark_iv > 0.0)
            .map(|m| ((fwd / m.strike).ln(), m.mark_iv / 100.0))
            .filter(|(x, _)| x.abs() <= SMILE_MONEYNESS)
            .collect();
        if pts.len() < 3 {
            continue;
        }
        let n = pts.len() as f64;
        let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
        let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        if sxx <= 0.0 {
            continue;
        }
        let skew = sxy / sxx;
        out.push(Smile { expiry_ms: e, years, atm: my - skew * mx, skew, n: pts.len() });
    }
    out
}

/// The 30-day ATM vol and skew of `smiles`: total variance `atm² · T` interpolated linearly in
/// `T` between the two expiries around 30 days (the skew linearly in `T`); the nearest smile
/// when every expiry lies on one side. `None` without a smile.
pub fn at_30_days(smiles: &[Smile]) -> Option<(f64, f64)> {
    let t = SNAPSHOT_YEARS;
    let below = smiles.iter().rev().find(|s| s.years <= t);
    let above = smiles.iter().find(|s| s.years > t);
    match (below, above) {
        (Some(a), Some(b)) => {
            let u = (t - a.years) / (b.years - a.years);
            let w =
                a.atm * a.atm * a.years + u * (b.atm * b.atm * b.years - a.atm * a.atm * a.years);
            Some(((w / t).sqrt(), a.skew + u * (b.skew - a.skew)))
        }
        (Some(s), None) | (None, Some(s)) => Some((s.atm, s.skew)),
        (None, None) => None,
    }
}

/// The columns of a snapshot table: the 30-day ATM vol in vol points (as DVOL) and the
/// 30-day skew (decimal).
pub const SNAPSHOT_COLUMNS: [&str; 2] = ["atm_iv_30d", "skew_30d"];

/// One row dated the UTC day of the snapshot (its latest `creation_timestamp`): the 30-day ATM
/// implied vol in vol points and the skew ([`smiles`], [`at_30_days`]).
///
/// # Errors
/// [`parse_book_summary`]'s; [`FetchError::Schema`] when no expiry has a usable smile.
pub fn snapshot_table(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    let marks = parse_book_summary(raw, source)?;
    let now = marks.iter().map(|m| m.time_ms).max().ok_or_else(|| {
        FetchError::schema(source, "result", "no option in the book summary", raw)
    })?;
    let (atm, skew) = at_30_days(&smiles(&marks, now)).ok_or_else(|| {
        FetchError::schema(
            source,
            "mark_iv",
            format!("no expiry with three marked options within |ln(F/K)| <= {SMILE_MONEYNESS}"),
            raw,
        )
    })?;
    let date = utc_date_ms(now).ok_or_else(|| {
        FetchError::schema(source, "creation_timestamp", "out of range", now.to_string().as_bytes())
    })?;
    let mut t = Table::new(&SNAPSHOT_COLUMNS);
    t.rows.push(TableRow { date, values: vec![Some(atm * 100.0), Some(skew)], record: 1 });
    Ok(t)
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

    #[test]
    fn instrument_names_and_book_summary_drift() {
        let (e, k, c) = parse_instrument("BTC-26JAN24-45000-C").unwrap();
        assert_eq!(e, 1_706_256_000_000);
        assert_eq!((k, c), (45000.0, true));
        assert!(!parse_instrument("BTC-5JAN24-40000-P").unwrap().2);
        assert!(parse_instrument("BTC-PERPETUAL").is_none());
        assert!(parse_instrument("BTC-26JAN24-45000-X").is_none());
        let bad = br#"{"result":[{"instrument_name":"BTC-26JAN24-45000-C","underlying_price":1,"creation_timestamp":1}]}"#;
        let e = parse_book_summary(bad, "deribit-options:BTC").unwrap_err().to_string();
        assert!(e.starts_with("deribit-options:BTC: field `result[0].mark_iv`"), "{e}");
        let e = snapshot_table(br#"{"result":[]}"#, "deribit-options:BTC").unwrap_err();
        assert!(e.is_input() && e.to_string().contains("no option"), "{e}");
    }
}
