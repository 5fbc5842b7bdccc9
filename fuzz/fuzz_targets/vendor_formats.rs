//! The vendor raw formats of `crosshedge import --format` and `crosshedge fetch` (cboe, yahoo,
//! fred, binance-klines, deribit-dvol): `VendorFormat::parse` on arbitrary bytes, the format
//! chosen by the first byte; a parsed table is then imported through
//! `normalise::table_import` with its first column, as `import --format` does. Every error
//! must be one line; an import must hold finite values on strictly increasing dates.
#![no_main]

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::ImportSpec;
use crosshedge_fetch::normalise::table_import;
use crosshedge_fetch::vendor::VendorFormat;
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let format = VendorFormat::ALL[usize::from(sel) % VendorFormat::ALL.len()];
    let table = match format.parse(body, "raw") {
        Ok(t) => t,
        Err(e) => return check_one_line(&e),
    };
    assert!(table.rows.iter().all(|r| r.values.len() == table.columns.len()));
    let Some(first) = table.columns.first() else { return };
    let unit = if sel & 0x80 == 0 { SeriesUnit::IndexLevel } else { SeriesUnit::Rate };
    let calendar = if sel & 0x40 == 0 { Calendar::Crypto } else { Calendar::Us };
    let spec = ImportSpec::new(vec![("x".to_string(), first.clone())], calendar, unit);
    match table_import(&table, "raw", "0", &spec) {
        Ok(p) => {
            for s in &p.series {
                assert!(s.series.values().iter().all(|v| v.is_finite()));
                assert!(s.series.dates().windows(2).all(|w| w[0] < w[1]));
            }
            for w in &p.warnings {
                check_one_line(w);
            }
        }
        Err(e) => check_one_line(&e),
    }
});
