//! Futures settlement files: one row per (trade date, contract expiry) with a settlement price,
//! such as `vix_futures_contracts_daily.csv` (`date, expiry, open, …, settle, …`) or the demo's
//! `vix_futures_contracts.csv` (`date, expiry, settle, dte_days`).
//!
//! [`parse_futures_csv`] streams any `Read`, finds the `date`, `expiry` and `settle` columns by
//! header name (any order, other columns ignored) and checks every row, reporting the file, the
//! 1-based line and the column of the first bad cell as [`DataError::Input`] (whole-file problems
//! as [`DataError::File`]). Checks: ISO dates (`YYYY-MM-DD`), a finite strictly positive settlement, and no second row for the same (date, expiry)
//! with a different settlement (identical repeats are dropped). A row whose settlement cell is
//! empty or `NA`-like (no settlement that day) is skipped. A row whose expiry lies before its
//! trade date is kept as given (the real file has a few such rows in March 2026); curve
//! builders ignore contracts expiring on or before the curve date. Rows are returned sorted by
//! (date, expiry).

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;

use crate::import::{is_missing, read_error, Guarded};
use crate::DataError;

/// One settlement of one futures contract.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FutureRow {
    /// Trade date.
    pub date: NaiveDate,
    /// Final settlement (expiry) date of the contract.
    pub expiry: NaiveDate,
    /// Daily settlement price (> 0).
    pub settle: f64,
    /// The 1-based source line of the row (the header is line 1).
    pub line: u64,
}

/// Columns every futures file must have.
pub const FUTURES_COLUMNS: [&str; 3] = ["date", "expiry", "settle"];

/// A reader that refuses over-long lines and counts lines, so garbage without line breaks stops
/// after [`MAX_LINE_BYTES`] bytes.
/// Parses a futures settlement CSV. `file` names the source in errors.
///
/// # Errors
/// [`DataError::Input`] (file, line, column and column name) for a bad date, an unparsable,
/// non-finite or non-positive settlement, a short row or a conflicting duplicate; [`DataError::File`] for an empty file, a missing column, an unreadable
/// stream, an over-long line or a file with no settlement rows.
pub fn parse_futures_csv<R: Read>(reader: R, file: &str) -> Result<Vec<FutureRow>, DataError> {
    let file_err = |message: String| DataError::File { file: file.to_string(), message };
    let mut guard = Guarded::new(reader);
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&mut guard);
    let mut record = csv::ByteRecord::new();
    let read_err = |e: csv::Error, line: u64, too_long: bool| read_error(file, &e, line, too_long);
    match rdr.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err(file_err("empty file: no header line".into())),
        Err(e) => {
            let too_long = rdr.get_ref().too_long;
            let line = rdr.get_ref().line;
            return Err(read_err(e, line, too_long));
        }
    }
    let header: Vec<String> = record
        .iter()
        .map(|f| std::str::from_utf8(f).map(|s| s.trim().to_string()))
        .collect::<Result<_, _>>()
        .map_err(|_| file_err("line 1: the header is not UTF-8 text: not a CSV file?".into()))?;
    if header.iter().all(String::is_empty) {
        return Err(file_err("empty file: no header line".into()));
    }
    let mut idx = [0usize; 3];
    for (slot, name) in idx.iter_mut().zip(FUTURES_COLUMNS) {
        *slot = header.iter().position(|h| h == name).ok_or_else(|| {
            file_err(format!(
                "line 1: no column '{name}' (need {}; columns: {})",
                FUTURES_COLUMNS.join(", "),
                header.join(", ")
            ))
        })?;
    }
    let [date_idx, expiry_idx, settle_idx] = idx;
    let mut seen: BTreeMap<(NaiveDate, NaiveDate), FutureRow> = BTreeMap::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let too_long = rdr.get_ref().too_long;
                let line = if too_long {
                    rdr.get_ref().line
                } else {
                    e.position().map_or(0, csv::Position::line)
                };
                return Err(read_err(e, line, too_long));
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let bad = |col: usize, message: String| DataError::Input {
            file: file.to_string(),
            line,
            column: col + 1,
            column_name: Some(header[col].clone()),
            message,
        };
        let cell = |col: usize| -> Result<&str, DataError> {
            let raw = record.get(col).ok_or_else(|| {
                bad(col, format!("row has {} fields, header has {}", record.len(), header.len()))
            })?;
            std::str::from_utf8(raw).map(str::trim).map_err(|_| bad(col, "not UTF-8 text".into()))
        };
        let date_at = |col: usize| -> Result<NaiveDate, DataError> {
            let s = cell(col)?;
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| bad(col, format!("unparsable date '{s}' (expected YYYY-MM-DD)")))
        };
        let date = date_at(date_idx)?;
        let expiry = date_at(expiry_idx)?;
        let s = cell(settle_idx)?;
        if is_missing(s) {
            continue;
        }
        let settle: f64 =
            s.parse().map_err(|_| bad(settle_idx, format!("invalid number '{s}'")))?;
        if !(settle.is_finite() && settle > 0.0) {
            return Err(bad(settle_idx, format!("settlement must be finite and > 0, got {s}")));
        }
        let row = FutureRow { date, expiry, settle, line };
        if let Some(prev) = seen.get(&(date, expiry)) {
            if prev.settle != settle {
                return Err(bad(
                    settle_idx,
                    format!(
                        "duplicate contract {expiry} on {date} with a different settlement \
                         ({settle} here, {} on line {})",
                        prev.settle, prev.line
                    ),
                ));
            }
            continue;
        }
        seen.insert((date, expiry), row);
    }
    if seen.is_empty() {
        return Err(file_err("no settlement rows".into()));
    }
    Ok(seen.into_values().collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn err(csv: &str) -> String {
        parse_futures_csv(csv.as_bytes(), "f.csv").unwrap_err().to_string()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn real_layout_any_column_order_sorted() {
        let csv = "date,expiry,open,high,low,close,settle,volume,open_interest\n\
                   2024-01-03,2024-02-14,14,14,14,14,14.25,1,1\n\
                   2024-01-02,2024-02-14,14,14,14,14,14.1,1,1\n\
                   2024-01-02,2024-01-17,13,13,13,13,13.2,1,1\n";
        let rows = parse_futures_csv(csv.as_bytes(), "f.csv").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].date, rows[0].expiry, rows[0].settle),
            (d("2024-01-02"), d("2024-01-17"), 13.2)
        );
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[1].expiry, d("2024-02-14"));
        assert_eq!((rows[2].date, rows[2].settle, rows[2].line), (d("2024-01-03"), 14.25, 2));
        let demo = "settle,dte_days,expiry,date\n19.5,20,2014-01-22,2014-01-02\n";
        let rows = parse_futures_csv(demo.as_bytes(), "demo.csv").unwrap();
        assert_eq!(
            (rows[0].date, rows[0].expiry, rows[0].settle),
            (d("2014-01-02"), d("2014-01-22"), 19.5)
        );
    }

    #[test]
    fn bad_cells_name_file_line_and_column() {
        let head = "date,expiry,settle\n2024-01-02,2024-01-17,13.2\n";
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-02-14,abc\n")),
            "f.csv: line 3, column 3 (settle): invalid number 'abc'"
        );
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-02-14,0\n")),
            "f.csv: line 3, column 3 (settle): settlement must be finite and > 0, got 0"
        );
        assert!(err(&format!("{head}2024-01-02,2024-02-14,inf\n"))
            .starts_with("f.csv: line 3, column 3 (settle): settlement must be finite"));
        assert_eq!(
            err(&format!("{head}01/02/2024,2024-02-14,13\n")),
            "f.csv: line 3, column 1 (date): unparsable date '01/02/2024' (expected YYYY-MM-DD)"
        );
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-13-20,13\n")),
            "f.csv: line 3, column 2 (expiry): unparsable date '2024-13-20' (expected YYYY-MM-DD)"
        );
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-02-14\n")),
            "f.csv: line 3, column 3 (settle): row has 2 fields, header has 3"
        );
        assert!(err(&format!("{head}2024-01-02,2024-01-17,13.3\n")).starts_with(
            "f.csv: line 3, column 3 (settle): duplicate contract 2024-01-17 on 2024-01-02"
        ));
    }

    #[test]
    fn identical_duplicates_and_missing_settles_are_skipped() {
        let csv = "date,expiry,settle\n2024-01-02,2024-01-17,13.2\n2024-01-02,2024-01-17,13.2\n\
                   2024-01-02,2024-02-14,\n\n2024-01-02,2024-03-20,NA\n";
        let rows = parse_futures_csv(csv.as_bytes(), "f.csv").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].settle, 13.2);
    }

    #[test]
    fn whole_file_problems() {
        assert_eq!(err(""), "f.csv: empty file: no header line");
        assert!(err("date,expiry,close\n2024-01-02,2024-01-17,13\n")
            .starts_with("f.csv: line 1: no column 'settle'"));
        assert_eq!(err("date,expiry,settle\n"), "f.csv: no settlement rows");
        let garbage = vec![b'x'; crate::import::MAX_LINE_BYTES + 10];
        let e = parse_futures_csv(garbage.as_slice(), "g.bin").unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
        assert!(e.is_input());
        let e =
            parse_futures_csv("date,expiry,settle\n2024-01-02,2024-01-17,x\n".as_bytes(), "f.csv")
                .unwrap_err();
        assert!(matches!(e, DataError::Input { line: 2, column: 3, .. }));
    }
}
