//! FRED: `fredgraph.csv?id=<ID>` downloads. The header is `observation_date,<ID>` (older files
//! `DATE,<ID>`), dates ISO, `.` marks a missing observation (a holiday). Values are as FRED
//! publishes them (rates in percent; the caller scales).
//!
//! Source: FRED's graph download (`fred.stlouisfed.org/graph/fredgraph.csv`), layout as served.

use super::{csv_date, csv_number, csv_records, Table, TableRow};
use crate::FetchError;

/// Parses a FRED graph CSV: one column per series ID after the date, named as given (`DGS3MO`).
///
/// # Errors
/// [`FetchError::Schema`] for HTML, a first column that is neither `observation_date` nor
/// `DATE`, a bad date or number.
pub fn parse(raw: &[u8], source: &str) -> Result<Table, FetchError> {
    let records = csv_records(raw, source)?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(FetchError::schema(source, "observation_date", "no header line", raw));
    };
    let first = header.first().map(String::as_str).unwrap_or("");
    if !(first.eq_ignore_ascii_case("observation_date") || first.eq_ignore_ascii_case("DATE")) {
        return Err(FetchError::schema(
            source,
            "observation_date",
            "the first column is not observation_date or DATE",
            header.join(",").as_bytes(),
        ));
    }
    let ids: Vec<String> = header.iter().skip(1).cloned().collect();
    if ids.is_empty() {
        return Err(FetchError::schema(
            source,
            "observation_date",
            "no series column",
            header.join(",").as_bytes(),
        ));
    }
    let mut t = Table { columns: ids.clone(), rows: Vec::with_capacity(rows.len()) };
    for (line, f) in rows {
        let date = csv_date(&f[0], source, first, *line, &["%Y-%m-%d"])?;
        let mut values = Vec::with_capacity(ids.len());
        for (k, id) in ids.iter().enumerate() {
            let cell = f.get(k + 1).map_or("", String::as_str);
            values.push(csv_number(cell, source, id, *line, &["."])?);
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
    fn new_and_old_headers_and_dots() {
        for head in ["observation_date", "DATE"] {
            let raw = format!("{head},DGS3MO\n2024-01-01,.\n2024-01-02,5.46\n");
            let t = parse(raw.as_bytes(), "fred:DGS3MO").unwrap();
            assert_eq!(t.columns, ["DGS3MO"]);
            assert_eq!((t.rows[0].values[0], t.rows[1].values[0]), (None, Some(5.46)));
        }
        let e =
            parse(b"date_of_obs,DGS3MO\n2024-01-02,5.46\n", "fred:DGS3MO").unwrap_err().to_string();
        assert!(
            e.starts_with("fred:DGS3MO: field `observation_date`: the first column is not"),
            "{e}"
        );
    }
}
