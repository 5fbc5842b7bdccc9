//! Import of the 25,754-row SPX file (parse + store) and alignment of 10 series over 30 years.
#![allow(missing_docs)]

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec};
use crosshedge_data::store::{OnConflict, Store};

fn spx_csv() -> Vec<u8> {
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/spx_daily.csv");
    if let Ok(b) = std::fs::read(real) {
        return b;
    }
    // Without the shared data: a synthetic file of the same shape (25,754 rows).
    let mut s = String::from("date,open,high,low,close,volume\n");
    let mut d = NaiveDate::from_ymd_opt(1928, 1, 3).unwrap_or_default();
    for i in 0..25_754 {
        let v = 17.0 + (i as f64) * 0.2;
        s.push_str(&format!("{d},{v},{v},{v},{v},0\n"));
        d = Calendar::Us.next_trading_day(d);
    }
    s.into_bytes()
}

fn bench_import(c: &mut Criterion) {
    let bytes = spx_csv();
    let spec =
        ImportSpec::new(vec![("spx".into(), "close".into())], Calendar::Us, SeriesUnit::Price);
    c.bench_function("parse_spx_25754_rows", |b| {
        b.iter(|| parse_csv(black_box(bytes.as_slice()), "spx_daily.csv", &spec))
    });
    c.bench_function("import_spx_25754_rows_into_fresh_store", |b| {
        b.iter_with_setup(
            || tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            |dir| {
                let mut st =
                    Store::open(&dir.path().join("b.db")).unwrap_or_else(|e| panic!("{e}"));
                let p = parse_csv(bytes.as_slice(), "spx_daily.csv", &spec)
                    .unwrap_or_else(|e| panic!("{e}"));
                st.import(&p, "spx_daily.csv", "bench", OnConflict::Keep)
                    .unwrap_or_else(|e| panic!("{e}"))
            },
        )
    });
}

fn bench_align(c: &mut Criterion) {
    let start = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap_or_default();
    let end = start + Duration::days(30 * 365);
    let mut series = Vec::new();
    for k in 0..10 {
        let cal = if k % 2 == 0 { Calendar::Us } else { Calendar::Crypto };
        let dates = cal.trading_days(start, end);
        let values = (0..dates.len()).map(|i| 100.0 + ((i * (k + 3)) % 97) as f64).collect();
        series.push(
            Series::new(format!("s{k}"), cal, SeriesUnit::Price, dates, values)
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    let refs: Vec<&Series> = series.iter().collect();
    for policy in [AlignPolicy::UsClose, AlignPolicy::Weekly, AlignPolicy::CryptoDays] {
        c.bench_function(&format!("align_10_series_30y_{policy}_with_log_returns"), |b| {
            b.iter(|| align(black_box(&refs), policy).and_then(|p| p.returns(ReturnKind::Log)))
        });
    }
}

criterion_group!(benches, bench_import, bench_align);
criterion_main!(benches);
