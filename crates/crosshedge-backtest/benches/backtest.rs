//! A 20-year daily backtest (5 040 weekdays) of a 3-layer book on synthetic data: VIX call
//! spreads rolled monthly, SPX put spreads and a short perp, with costs. Goal: < 0.2 s.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosshedge_backtest::engine::programme_xirr;
use crosshedge_backtest::synthetic::{reference_book, reference_costs, synthetic_market};
use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;

const DAYS: usize = 20 * 252;

fn bench(c: &mut Criterion) {
    let start = NaiveDate::from_ymd_opt(2005, 1, 3).unwrap();
    let days = synthetic_market(42, start, DAYS);
    let config = BacktestConfig::new(vec![10_000.0], reference_costs());
    let calendar = EventCalendar::builtin_fomc();
    let episodes = Catalogue::builtin();
    let inputs =
        BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes };
    let mut g = c.benchmark_group("backtest");
    g.sample_size(20);
    g.throughput(Throughput::Elements(DAYS as u64));
    g.bench_function("20y_daily_3_layers", |b| {
        b.iter(|| {
            let mut layers = reference_book();
            let r = run_backtest(black_box(&inputs), &mut layers).unwrap();
            assert!(r.all_checks_ok);
            black_box(r)
        })
    });
    // The XIRR scan of the run's flows alone (one flow per date with activity).
    let mut layers = reference_book();
    let r = run_backtest(&inputs, &mut layers).unwrap();
    let last = *r.dates.last().unwrap();
    g.bench_function("xirr_of_the_programme_flows", |b| {
        b.iter(|| {
            black_box(programme_xirr(
                black_box(&r.cash_flows),
                r.terminal_positions_value,
                last,
                &[],
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
