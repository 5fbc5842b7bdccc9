//! The series importer (`crosshedge import FILE`): `import::parse_csv` on arbitrary bytes, with
//! the spec (date format, unit, calendar, scale, date column, one or two series) chosen by the
//! first byte, so every format the importer accepts is reached.
#![no_main]

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec, DATE_FORMATS};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const UNITS: [SeriesUnit; 5] = [
    SeriesUnit::Price,
    SeriesUnit::IndexLevel,
    SeriesUnit::Rate,
    SeriesUnit::Count,
    SeriesUnit::Ratio,
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let unit = UNITS[usize::from(sel % 5)];
    let calendar = if sel & 0x08 == 0 { Calendar::Us } else { Calendar::Crypto };
    let mut series = vec![("x".to_string(), "close".to_string())];
    if sel & 0x10 != 0 {
        series.push(("y".to_string(), "open".to_string()));
    }
    let mut spec = ImportSpec::new(series, calendar, unit);
    // Bits 5..7: no format (detected) or one of the documented formats.
    let f = usize::from(sel >> 5);
    if f > 0 {
        spec.date_format = DATE_FORMATS.get(f - 1).map(|s| (*s).to_string());
    }
    if sel & 0x04 != 0 && sel & 0x02 != 0 {
        spec.scale.insert("x".into(), 0.01);
    }
    if sel % 7 == 3 {
        spec.date_column = Some("day".into());
    }
    match parse_csv(body, "f.csv", &spec) {
        Ok(p) => {
            for s in &p.series {
                assert!(s.series.values().iter().all(|v| v.is_finite()));
                assert!(s.series.dates().windows(2).all(|w| w[0] < w[1]));
                assert_eq!(s.lines.len(), s.series.len());
            }
            for w in &p.warnings {
                check_one_line(w);
            }
        }
        Err(e) => check_message(&e),
    }
});
