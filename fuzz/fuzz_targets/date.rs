//! The importer's date parser: one date cell in a minimal file, under format detection and
//! under each documented `--date-format`; a date the parser accepts must be a real date that
//! survives the ISO round trip.
#![no_main]

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec, DATE_FORMATS};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // One cell: the date must not break the CSV record itself.
    if text.contains(['\n', '\r', ',', '"']) {
        return;
    }
    let csv = format!("date,close\n{text},1\n");
    for fmt in std::iter::once(None).chain(DATE_FORMATS.iter().map(|f| Some(*f))) {
        let mut spec = ImportSpec::new(
            vec![("x".into(), "close".into())],
            Calendar::Crypto,
            SeriesUnit::Price,
        );
        spec.date_format = fmt.map(str::to_string);
        match parse_csv(csv.as_bytes(), "f.csv", &spec) {
            Ok(p) => {
                let d = p.series[0].series.dates()[0];
                let iso = d.format("%Y-%m-%d").to_string();
                assert_eq!(iso.parse::<chrono::NaiveDate>().ok(), Some(d));
            }
            Err(e) => check_message(&e),
        }
    }
});
