//! Cboe: the daily index history files (`VIX_History.csv`: `DATE,OPEN,HIGH,LOW,CLOSE`;
//! `VVIX_History.csv`: `DATE,VVIX`; dates `MM/DD/YYYY`) and the VX futures per-contract
//! history files (`VX_<expiry>.csv`: `Trade Date,Futures,Open,High,Low,Close,Settle,Change,
//! Total Volume,EFP,Open Interest`, an optional disclaimer line before the header, trailing
//! commas, a settlement of `0` on days the contract did not trade).
//!
//! Source: Cboe's "Historical Data" pages for the indices and for CFE futures (file layout
//! as published; the last row of an expired contract is its final settlement).

use chrono::{Datelike, NaiveDate};
use crosshedge_core::calendar;

use super::{column_key, csv_date, csv_number, csv_records, Table, TableRow};
use crate::FetchError;

/// Date formats of Cboe files: `MM/DD/YYYY` (the index files, older VX files) and ISO.
const DATES: &[&str] = &["%m/%d/%Y", "%Y-%m-%d"];

/// CSV records with their 1-based lines.
type Records = Vec<(u64, Vec<String>)>;

/// The records from the header on: the header is the first record whose first field is
/// `header_first` (any case); records before it (a disclaimer) are skipped.
fn from_header(
    raw: &[u8],
    source: &str,
    header_first: &str,
) -> Result<(Vec<String>, Records), FetchError> {
    let mut records = csv_records(raw, source)?;
    let at = records
        .iter()
        .take(5)
        .position(|(_, f)| f.first().is_some_and(|c| c.eq_ignore_ascii_case(header_first)))
        .ok_or_else(|| {
            FetchError::schema(source, header_first, "no header line with this column", raw)
        })?;
    let rest = records.split_off(at + 1);
    let header = records.pop().map(|(_, h)| h).unwrap_or_default();
    Ok((header, rest))
}

/// Parses a Cboe daily index history file: the `DATE` column and every other column
/// (normalised: `open`, `high`, `low`, `close`, or `vvix`, `skew`, …).
///
/// # Errors
/// [`FetchError::Schema`] for HTML, no `DATE` header, a bad date or number.
pub fn parse_index(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    let (header, rows) = from_header(raw, source, "DATE")?;
    let names: Vec<String> =
        header.iter().skip(1).filter(|h| !h.is_empty()).map(|h| column_key(h)).collect();
    if names.is_empty() {
        return Err(FetchError::schema(
            source,
            "DATE",
            "a header with no value column",
            header.join(",").as_bytes(),
        ));
    }
    let mut t = Table { columns: names.clone(), rows: Vec::with_capacity(rows.len()) };
    for (line, f) in rows {
        let date = csv_date(&f[0], source, "DATE", line, DATES)?;
        let mut values = Vec::with_capacity(names.len());
        for (k, name) in header.iter().skip(1).take(names.len()).enumerate() {
            let cell = f.get(k + 1).map_or("", String::as_str);
            values.push(csv_number(cell, source, name, line, &[".", "null", "N/A"])?);
        }
        t.rows.push(TableRow { date, values, record: line });
    }
    Ok(t)
}

/// One settlement of a VX futures per-contract file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VxRow {
    /// Trade date.
    pub date: NaiveDate,
    /// The contract's expiry (final settlement date).
    pub expiry: NaiveDate,
    /// The daily settlement (> 0; rows settled at `0`, no trade, are dropped).
    pub settle: f64,
    /// The 1-based line of the vendor file.
    pub line: u64,
}

/// Month abbreviations of the `Futures` column (`F (Jan 2024)`, `F (Jan 24)`).
const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// The expiry of the monthly contract named in a `Futures` cell such as `F (Jan 2024)` or
/// `F (Jan 24)`: the VIX settlement date of that month.
pub fn expiry_of_contract(cell: &str) -> Option<NaiveDate> {
    let inner = cell.split_once('(')?.1.trim_end_matches(')').trim();
    let (mon, year) = inner.split_once(' ')?;
    let m = MONTHS.iter().position(|x| mon.to_ascii_lowercase().starts_with(x))? as u32 + 1;
    let y: i32 = year.trim().parse().ok()?;
    let y = if y < 100 { 2000 + y } else { y };
    Some(calendar::vix_settlement_date(y, m))
}

/// Parses a VX per-contract history file. `expiry` is the contract's expiry when known (the
/// file name `VX_<expiry>.csv`), else it is read from the `Futures` column.
///
/// # Errors
/// [`FetchError::Schema`] for HTML, no `Trade Date` header, a missing `Settle` column, a bad
/// date or number, or a contract name that gives no expiry.
pub fn parse_vx(
    raw: &[u8],
    source: &str,
    expiry: Option<NaiveDate>,
) -> Result<Vec<VxRow>, FetchError> {
    let (header, rows) = from_header(raw, source, "Trade Date")?;
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let settle_idx = col("Settle").ok_or_else(|| {
        FetchError::schema(
            source,
            "Settle",
            "column missing (renamed?)",
            header.join(",").as_bytes(),
        )
    })?;
    let futures_idx = col("Futures");
    let mut out = Vec::with_capacity(rows.len());
    for (line, f) in rows {
        let date = csv_date(&f[0], source, "Trade Date", line, DATES)?;
        let cell = f.get(settle_idx).map_or("", String::as_str);
        let Some(settle) = csv_number(cell, source, "Settle", line, &["."])? else { continue };
        if settle == 0.0 {
            continue;
        }
        let expiry = match expiry {
            Some(e) => e,
            None => {
                let name = futures_idx.and_then(|i| f.get(i)).map_or("", String::as_str);
                expiry_of_contract(name).ok_or_else(|| {
                    FetchError::schema(
                        source,
                        "Futures",
                        format!("line {line}: no contract month"),
                        name.as_bytes(),
                    )
                })?
            }
        };
        out.push(VxRow { date, expiry, settle, line });
    }
    Ok(out)
}

/// The expiry in a VX file name such as `VX_2024-01-17.csv`.
pub fn expiry_of_file_name(name: &str) -> Option<NaiveDate> {
    let stem = name.rsplit(['/', '\\']).next()?.strip_suffix(".csv")?;
    let d = stem.rsplit('_').next()?;
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().filter(|d| d.year() > 2000)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn index_files_with_ohlc_or_one_column() {
        let vix = b"DATE,OPEN,HIGH,LOW,CLOSE\n01/02/1990,17.240000,17.240000,17.240000,17.240000\n01/03/1990,18.190000,18.190000,18.190000,18.190000\n";
        let t = parse_index(vix, "cboe:VIX").unwrap();
        assert_eq!(t.columns, ["open", "high", "low", "close"]);
        assert_eq!(
            (t.rows[1].date, t.rows[1].values[3], t.rows[1].record),
            (d("1990-01-03"), Some(18.19), 3)
        );
        let vvix = b"DATE,VVIX\n01/03/2007,87.63\n";
        let t = parse_index(vvix, "cboe:VVIX").unwrap();
        assert_eq!(
            (t.columns.as_slice(), t.rows[0].values[0]),
            (["vvix".to_string()].as_slice(), Some(87.63))
        );
    }

    #[test]
    fn index_drift_is_named() {
        let e = parse_index(b"Date;Close\n01/02/1990;17.24\n", "cboe:VIX").unwrap_err().to_string();
        assert!(e.starts_with("cboe:VIX: field `DATE`: no header line"), "{e}");
        let e = parse_index(b"DATE,CLOSE\n1990-13-45,17\n", "cboe:VIX").unwrap_err().to_string();
        assert!(
            e.contains("field `DATE`: line 2: not a date") && e.contains("'1990-13-45'"),
            "{e}"
        );
        let e = parse_index(b"DATE,CLOSE\n01/02/1990,abc\n", "cboe:VIX").unwrap_err().to_string();
        assert_eq!(e, "cboe:VIX: field `CLOSE`: line 2: not a number (got 'abc')");
    }

    #[test]
    fn vx_file_with_disclaimer_trailing_commas_and_zero_settles() {
        let raw = b"CFE data is compiled for the convenience of site visitors and is furnished without responsibility for accuracy\n\
Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n\
2023-12-29,F (Jan 2024),13.95,14.2,13.7,14.05,14.0825,0.1,41000,10,150000,\n\
2024-01-02,F (Jan 2024),0,0,0,0,0,0,0,0,0,\n\
2024-01-03,F (Jan 2024),14.5,15.1,14.4,14.95,14.9,0.8,52000,0,151000,\n";
        let rows = parse_vx(raw, "cboe-vx:VX_2024-01-17", None).unwrap();
        assert_eq!(rows.len(), 2, "the 0 settle is a no-trade day");
        assert_eq!(
            (rows[0].date, rows[0].expiry, rows[0].settle, rows[0].line),
            (d("2023-12-29"), d("2024-01-17"), 14.0825, 3)
        );
        let given = parse_vx(raw, "x", Some(d("2024-01-17"))).unwrap();
        assert_eq!(given, rows);
        let renamed = b"Trade Date,Futures,Open,High,Low,Close,Settlement Price\n2024-01-03,F (Jan 2024),1,1,1,1,14.9\n";
        let e = parse_vx(renamed, "cboe-vx:VX_2024-01-17", None).unwrap_err().to_string();
        assert!(
            e.starts_with("cboe-vx:VX_2024-01-17: field `Settle`: column missing (renamed?)"),
            "{e}"
        );
        assert_eq!(expiry_of_contract("G (Feb 24)"), Some(d("2024-02-14")));
        assert_eq!(expiry_of_file_name("dl/VX_2024-01-17.csv"), Some(d("2024-01-17")));
        assert_eq!(expiry_of_file_name("vix.csv"), None);
    }
}
