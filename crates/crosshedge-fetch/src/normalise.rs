//! Normalised vendor rows → the importer of `crosshedge-data`.
//!
//! A [`Table`] is written as the importer's CSV (`date,<columns>`) and parsed by
//! [`crosshedge_data::import::parse_csv`] with the caller's [`ImportSpec`], so a fetched series
//! passes exactly the checks of an imported file (positive levels, duplicates, sort order,
//! calendars) and is written by the same [`crosshedge_data::store::Store::import_all`]: with
//! revisions, one transaction, nothing half-written. The SHA-256 recorded is that of the raw
//! vendor payload, not of the normalised text. VX futures rows go through
//! [`crosshedge_data::futures::parse_futures_csv_with`] in the same way.

use chrono::NaiveDate;
use crosshedge_data::futures::{parse_futures_csv_with, FuturesOptions, ParsedFutures};
use crosshedge_data::import::{parse_csv, ImportSpec, ParsedImport};

use crate::vendor::cboe::VxRow;
use crate::vendor::{column_key, Table};
use crate::FetchError;

impl Table {
    /// Keeps the rows dated in `[from, to]` (either end open).
    pub fn retain_dates(&mut self, from: Option<NaiveDate>, to: Option<NaiveDate>) {
        self.rows.retain(|r| from.is_none_or(|f| r.date >= f) && to.is_none_or(|t| r.date <= t));
    }
}

/// The parsed import of `table` under `spec` (whose columns name the table's normalised
/// columns, matched as [`column_key`] spells them), recorded as `file` with the raw payload's
/// `sha256`.
///
/// # Errors
/// [`FetchError::Schema`] when a column of `spec` is not in the table (a renamed column);
/// [`FetchError::Data`] for what the importer refuses (a non-positive price, a conflicting
/// duplicate, a column with no values).
pub fn table_import(
    table: &Table,
    file: &str,
    sha256: &str,
    spec: &ImportSpec,
) -> Result<ParsedImport, FetchError> {
    let mut spec = spec.clone();
    for (_, col) in &mut spec.series {
        let key = column_key(col);
        let found = table.columns.iter().find(|c| column_key(c) == key).ok_or_else(|| {
            FetchError::schema(
                file,
                col.as_str(),
                format!("column missing (columns: {})", table.columns.join(", ")),
                table.columns.join(",").as_bytes(),
            )
        })?;
        col.clone_from(found);
    }
    spec.date_column = Some("date".into());
    spec.date_format = Some("%Y-%m-%d".into());
    let csv = table.to_csv();
    let mut parsed = parse_csv(csv.as_bytes(), file, &spec)?;
    parsed.sha256 = sha256.to_string();
    Ok(parsed)
}

/// The parsed futures settlements of VX `rows` under `opts`, through the importer's futures
/// parser (expiry rules, duplicates, positivity).
///
/// # Errors
/// [`FetchError::Data`] for what the futures parser refuses.
pub fn vx_futures(
    rows: &[VxRow],
    file: &str,
    opts: &FuturesOptions,
) -> Result<ParsedFutures, FetchError> {
    let mut csv = String::from("date,expiry,settle\n");
    for r in rows {
        csv.push_str(&format!(
            "{},{},{}\n",
            r.date.format("%Y-%m-%d"),
            r.expiry.format("%Y-%m-%d"),
            r.settle
        ));
    }
    Ok(parse_futures_csv_with(csv.as_bytes(), file, opts)?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crosshedge_core::calendar::Calendar;
    use crosshedge_core::units::SeriesUnit;

    #[test]
    fn a_table_passes_the_importers_checks() {
        let raw = b"DATE,OPEN,HIGH,LOW,CLOSE\n01/03/1990,18.19,18.19,18.19,18.19\n01/02/1990,17.24,17.24,17.24,17.24\n";
        let t = crate::vendor::cboe::parse_index(raw, "cboe:VIX").unwrap();
        let spec = ImportSpec::new(
            vec![("vix".into(), "CLOSE".into())],
            Calendar::Us,
            SeriesUnit::IndexLevel,
        );
        let p = table_import(&t, "cboe:VIX", "abc", &spec).unwrap();
        assert_eq!(p.series[0].series.values(), &[17.24, 18.19]);
        assert_eq!(p.sha256, "abc");
        assert!(p.warnings[0].contains("not in ascending order"));
        let bad = ImportSpec::new(
            vec![("vix".into(), "settle".into())],
            Calendar::Us,
            SeriesUnit::IndexLevel,
        );
        let e = table_import(&t, "cboe:VIX", "abc", &bad).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "cboe:VIX: field `settle`: column missing (columns: open, high, low, close)"
            ),
            "{e}"
        );
        let zero =
            crate::vendor::cboe::parse_index(b"DATE,CLOSE\n01/02/1990,0\n", "cboe:VIX").unwrap();
        let e = table_import(&zero, "cboe:VIX", "abc", &spec).unwrap_err();
        assert!(e.is_input() && e.to_string().contains("non-positive"), "{e}");
    }
}
