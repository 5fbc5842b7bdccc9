//! Yahoo Finance history CSV: `Date,Open,High,Low,Close,Adj Close,Volume`, ISO dates, `null`
//! for a missing value. Columns are normalised to `open`, `high`, `low`, `close`,
//! `adj_close`, `volume`.
//!
//! Source: the CSV of Yahoo Finance's "Historical Data" download, layout as served.

use super::{column_key, csv_date, csv_number, csv_records, Table, TableRow};
use crate::FetchError;

/// Parses a Yahoo history CSV.
///
/// # Errors
/// [`FetchError::Schema`] for HTML, no `Date` first column, a bad date or number.
pub fn parse(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    let records = csv_records(raw, source)?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(FetchError::schema(source, "Date", "no header line", raw));
    };
    if !header.first().is_some_and(|h| h.eq_ignore_ascii_case("Date")) {
        return Err(FetchError::schema(
            source,
            "Date",
            "the first column is not Date",
            header.join(",").as_bytes(),
        ));
    }
    let names: Vec<String> = header.iter().skip(1).map(|h| column_key(h)).collect();
    let mut t = Table { columns: names.clone(), rows: Vec::with_capacity(rows.len()) };
    for (line, f) in rows {
        let date = csv_date(&f[0], source, "Date", *line, &["%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y"])?;
        let mut values = Vec::with_capacity(names.len());
        for (k, h) in header.iter().skip(1).enumerate() {
            let cell = f.get(k + 1).map_or("", String::as_str);
            values.push(csv_number(cell, source, h, *line, &["null", "NaN", "-"])?);
        }
        t.rows.push(TableRow { date, values, record: *line });
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn adj_close_and_nulls() {
        let raw = b"Date,Open,High,Low,Close,Adj Close,Volume\n2020-03-16,241.179993,256.899994,237.360001,239.850006,225.6,297240000\n2020-03-17,null,null,null,null,null,null\n";
        let t = parse(raw, "spy.csv").unwrap();
        assert_eq!(t.columns, ["open", "high", "low", "close", "adj_close", "volume"]);
        assert_eq!(t.rows[0].values[4], Some(225.6));
        assert!(t.rows[1].values.iter().all(Option::is_none));
        let e = parse(b"Datum,Close\n2020-03-16,1\n", "spy.csv").unwrap_err().to_string();
        assert!(e.starts_with("spy.csv: field `Date`: the first column is not Date"), "{e}");
    }
}
