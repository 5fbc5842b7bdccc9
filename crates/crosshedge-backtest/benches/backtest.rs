//! A 20-year daily backtest (5 040 weekdays) of a 3-layer book on synthetic data: VIX call
//! spreads rolled monthly, SPX put spreads and a short perp, with costs. Goal: < 0.2 s.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosshedge_backtest::engine::{
    programme_xirr, RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer, SpxVol,
    VixCallSpreadLayer,
};
use crosshedge_backtest::synthetic::synthetic_market;
use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs, CostModel, Layer};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;

const DAYS: usize = 20 * 252;

fn book() -> Vec<Box<dyn Layer>> {
    let w = RegimeWeights {
        default: 1.0,
        by_regime: [("stress".to_string(), 1.5), ("calm".to_string(), 0.75)].into(),
    };
    let roll = RollRule { min_days_at_open: 25, roll_days_before: 7 };
    vec![
        Box::new(VixCallSpreadLayer::new("vix cs", 0.2, w.clone(), (1.2, 1.8), 0.9, roll)),
        Box::new(SpxPutSpreadLayer::new(
            "spx ps",
            0.3,
            w.clone(),
            (0.85, 0.95),
            SpxVol::FromVix { scale: 1.1 },
        )),
        Box::new(ShortPerpLayer::new("perp", 0, 0.25, w)),
    ]
}

fn bench(c: &mut Criterion) {
    let start = NaiveDate::from_ymd_opt(2005, 1, 3).unwrap();
    let days = synthetic_market(42, start, DAYS);
    let config = BacktestConfig::new(
        vec![10_000.0],
        CostModel {
            commission_per_contract: 1.5,
            slippage_bps: 5.0,
            gas_per_action_usd: 8.0,
            commission_bps: 0.0,
        },
    );
    let calendar = EventCalendar::builtin_fomc();
    let episodes = Catalogue::builtin();
    let inputs =
        BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes };
    let mut g = c.benchmark_group("backtest");
    g.sample_size(20);
    g.throughput(Throughput::Elements(DAYS as u64));
    g.bench_function("20y_daily_3_layers", |b| {
        b.iter(|| {
            let mut layers = book();
            let r = run_backtest(black_box(&inputs), &mut layers).unwrap();
            assert!(r.all_checks_ok);
            black_box(r)
        })
    });
    // The XIRR scan of the run's flows alone (one flow per date with activity).
    let mut layers = book();
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
