//! Test helpers: reading columns of the shared data CSVs into series (the crate itself does no
//! file I/O).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_core::{calendar::Calendar, series::Series, units::SeriesUnit};

/// The shared data directory.
pub(crate) fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

/// The path of a data file, or `None` (with a printed reason) when it is absent.
pub(crate) fn data_file(name: &str) -> Option<PathBuf> {
    let p = data_dir().join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

/// One column of a dated CSV as a series; blank cells are skipped.
pub(crate) fn column(
    file: &str,
    col: &str,
    calendar: Calendar,
    unit: SeriesUnit,
) -> Option<Series> {
    let path = data_file(file)?;
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let ci =
        headers.iter().position(|h| h == col).unwrap_or_else(|| panic!("{file}: no column {col}"));
    let (mut dates, mut values) = (Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let v = rec.get(ci).unwrap_or("");
        if v.is_empty() {
            continue;
        }
        dates.push(NaiveDate::parse_from_str(&rec[0], "%Y-%m-%d").unwrap());
        values.push(v.parse::<f64>().unwrap());
    }
    Some(Series::new(col, calendar, unit, dates, values).unwrap())
}
