//! Vendor raw formats → one normalised table per response.
//!
//! Every parser takes the raw bytes as the vendor sends them (a downloaded file or an HTTP
//! body) and returns a [`Table`]: one row per UTC date, named numeric columns, `None` where
//! the vendor marks a value missing (`.` in FRED, `null` in Yahoo). Futures files return
//! [`cboe::VxRow`] rows instead. Nothing here checks what the importer checks (positivity,
//! duplicates, sort order): [`crate::normalise`] feeds every table through the importer of
//! `crosshedge-data`, so a fetched series and an imported file pass the same checks.
//!
//! Errors are [`FetchError::Schema`]: one line naming the source, the field and a short
//! excerpt of what came back (HTML instead of CSV, a renamed column, a missing field, a
//! truncated body).

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FetchError;

pub mod binance;
pub mod cboe;
pub mod defillama;
pub mod deribit;
pub mod fred;
pub mod yahoo;

/// A vendor's raw file format, as `crosshedge import --format` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VendorFormat {
    /// Cboe daily index history (`DATE,OPEN,HIGH,LOW,CLOSE` or `DATE,<INDEX>`, `MM/DD/YYYY`).
    Cboe,
    /// Yahoo Finance history CSV (`Date,Open,High,Low,Close,Adj Close,Volume`, `null` missing).
    Yahoo,
    /// FRED `fredgraph.csv` (`observation_date,<ID>` or `DATE,<ID>`, `.` missing).
    Fred,
    /// Binance klines JSON (12-field arrays, open time in epoch ms, decimals as strings).
    BinanceKlines,
    /// Deribit `get_volatility_index_data` JSON (`[ts, open, high, low, close]`).
    DeribitDvol,
}

impl VendorFormat {
    /// Every format, in the order documented.
    pub const ALL: [Self; 5] =
        [Self::Cboe, Self::Yahoo, Self::Fred, Self::BinanceKlines, Self::DeribitDvol];

    /// The format's name (`binance-klines`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cboe => "cboe",
            Self::Yahoo => "yahoo",
            Self::Fred => "fred",
            Self::BinanceKlines => "binance-klines",
            Self::DeribitDvol => "deribit-dvol",
        }
    }

    /// Parses `raw` in this format; `source` names it in errors.
    ///
    /// # Errors
    /// [`FetchError::Schema`] when `raw` is not in the format.
    pub fn parse(self, raw: &[u8], source: &str) -> Result<Table, FetchError> {
        match self {
            Self::Cboe => cboe::parse_index(raw, source),
            Self::Yahoo => yahoo::parse(raw, source),
            Self::Fred => fred::parse(raw, source),
            Self::BinanceKlines => binance::parse_klines(raw, source),
            Self::DeribitDvol => deribit::parse_dvol(raw, source).map(|p| p.table),
        }
    }
}

impl std::fmt::Display for VendorFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for VendorFormat {
    type Err = FetchError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            FetchError::Request(format!(
                "unknown format '{s}' (expected {})",
                Self::ALL.map(Self::as_str).join(", ")
            ))
        })
    }
}

/// One normalised row: a UTC date, one value per column, and the vendor record it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// The UTC date of the observation.
    pub date: NaiveDate,
    /// One value per column of the table; `None` = missing.
    pub values: Vec<Option<f64>>,
    /// The 1-based record (CSV line or JSON array index) of the vendor's response.
    pub record: u64,
}

/// A vendor response normalised: named columns of numbers by date.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    /// Column names, normalised (lowercase, spaces as `_`: `adj_close`).
    pub columns: Vec<String>,
    /// The rows, in the vendor's order.
    pub rows: Vec<TableRow>,
}

impl Table {
    /// An empty table with `columns`.
    pub fn new(columns: &[&str]) -> Self {
        Self { columns: columns.iter().map(|c| (*c).to_string()).collect(), rows: Vec::new() }
    }

    /// The table as the importer's CSV: `date,<columns>` then one line per row, ISO dates,
    /// missing values empty.
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(32 * (self.rows.len() + 1));
        out.push_str("date");
        for c in &self.columns {
            out.push(',');
            out.push_str(c);
        }
        out.push('\n');
        for r in &self.rows {
            let _ = write!(out, "{}", r.date.format("%Y-%m-%d"));
            for v in &r.values {
                out.push(',');
                if let Some(v) = v {
                    // `{}` of an f64 round-trips exactly.
                    let _ = write!(out, "{v}");
                }
            }
            out.push('\n');
        }
        out
    }

    /// Appends the rows of `other` (same columns).
    pub fn extend(&mut self, other: Table) {
        self.rows.extend(other.rows);
    }
}

/// A column name as the normalised tables spell it: trimmed, lowercase, spaces as `_`.
pub fn column_key(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

/// The error for a body that is HTML, empty or not text, when `what` (e.g. `"CSV"`) was
/// expected; `None` when the body looks like `what`.
pub(crate) fn sniff(raw: &[u8], source: &str, what: &str) -> Option<FetchError> {
    let start =
        String::from_utf8_lossy(&raw[..raw.len().min(512)]).trim_start().to_ascii_lowercase();
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Some(FetchError::schema(
            source,
            "body",
            format!("empty response, expected {what}"),
            raw,
        ));
    }
    if start.starts_with("<!doctype")
        || start.starts_with("<html")
        || start.starts_with("<?xml")
        || start.starts_with("<head")
    {
        return Some(FetchError::schema(source, "body", format!("HTML instead of {what}"), raw));
    }
    None
}

/// A CSV body as trimmed string records with their 1-based line numbers.
pub(crate) fn csv_records(raw: &[u8], source: &str) -> Result<Vec<(u64, Vec<String>)>, FetchError> {
    if let Some(e) = sniff(raw, source, "CSV") {
        return Err(e);
    }
    let text = std::str::from_utf8(raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw))
        .map_err(|_| FetchError::schema(source, "body", "not UTF-8 text", raw))?;
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec
            .map_err(|e| FetchError::schema(source, "body", format!("unreadable CSV: {e}"), raw))?;
        let line = rec.position().map_or(0, csv::Position::line);
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        out.push((line, fields));
    }
    Ok(out)
}

/// Parses a CSV number cell; `missing` cells are `None`.
pub(crate) fn csv_number(
    cell: &str,
    source: &str,
    field: &str,
    line: u64,
    missing: &[&str],
) -> Result<Option<f64>, FetchError> {
    if cell.is_empty() || missing.contains(&cell) {
        return Ok(None);
    }
    let v: f64 = cell.replace(',', "").parse().map_err(|_| {
        FetchError::schema(source, field, format!("line {line}: not a number"), cell.as_bytes())
    })?;
    if !v.is_finite() {
        return Err(FetchError::schema(
            source,
            field,
            format!("line {line}: not finite"),
            cell.as_bytes(),
        ));
    }
    Ok(Some(v))
}

/// Parses a CSV date cell in one of `formats`.
pub(crate) fn csv_date(
    cell: &str,
    source: &str,
    field: &str,
    line: u64,
    formats: &[&str],
) -> Result<NaiveDate, FetchError> {
    formats.iter().find_map(|f| NaiveDate::parse_from_str(cell, f).ok()).ok_or_else(|| {
        FetchError::schema(
            source,
            field,
            format!("line {line}: not a date ({})", formats.join(" or ")),
            cell.as_bytes(),
        )
    })
}

/// The UTC date of an epoch time in milliseconds.
pub(crate) fn utc_date_ms(ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

/// A JSON body parsed, with the errors of a truncated or non-JSON body as schema errors.
pub(crate) fn json_body(raw: &[u8], source: &str) -> Result<serde_json::Value, FetchError> {
    if let Some(e) = sniff(raw, source, "JSON") {
        return Err(e);
    }
    serde_json::from_slice(raw).map_err(|e| {
        let what =
            if e.is_eof() { "truncated JSON body".to_string() } else { format!("not JSON: {e}") };
        let tail = &raw[raw.len().saturating_sub(EXCERPT_TAIL)..];
        FetchError::schema(source, "body", what, if e.is_eof() { tail } else { raw })
    })
}

/// Bytes of the end of a truncated body shown in its error.
const EXCERPT_TAIL: usize = 40;

/// A JSON value as a number: a JSON number or a decimal string (Binance sends strings).
pub(crate) fn json_number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

/// A JSON value as an integer: a JSON integer or an integer string (DefiLlama sends both).
pub(crate) fn json_int(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
        }
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The compact JSON text of `v` (for excerpts).
pub(crate) fn json_text(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_table_becomes_the_importers_csv() {
        let mut t = Table::new(&["close", "adj_close"]);
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        t.rows.push(TableRow { date: d, values: vec![Some(13.2), None], record: 2 });
        assert_eq!(t.to_csv(), "date,close,adj_close\n2024-01-02,13.2,\n");
        assert_eq!(column_key(" Adj Close"), "adj_close");
        assert_eq!("binance-klines".parse::<VendorFormat>().unwrap(), VendorFormat::BinanceKlines);
        assert!("csv"
            .parse::<VendorFormat>()
            .unwrap_err()
            .to_string()
            .contains("expected cboe, yahoo"));
    }

    #[test]
    fn html_empty_and_truncated_bodies_are_named() {
        let e = sniff(b"  <!DOCTYPE html><html>Access denied</html>", "cboe:VIX", "CSV").unwrap();
        assert!(e.to_string().contains("HTML instead of CSV"), "{e}");
        assert!(sniff(b"\n", "s", "CSV").unwrap().to_string().contains("empty response"));
        assert!(sniff(b"DATE,CLOSE\n", "s", "CSV").is_none());
        let e = json_body(br#"[[1704067200000,"42283.58""#, "binance:BTCUSDT").unwrap_err();
        assert!(e.to_string().contains("truncated JSON body"), "{e}");
        assert!(e.is_input());
    }
}
