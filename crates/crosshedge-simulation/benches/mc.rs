//! 1,000,000 paths × 21 trading days of the demo model with the 3-layer default book (VIX call
//! spreads, VIX futures, SPX put spreads) revalued daily. Peer: `benches/mc_peer.py`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosshedge_hedging::{size_book, Book};
use crosshedge_simulation::{simulate, JointModel, Portfolio, Scenario, StartState, StressConfig};

#[path = "../tests/support/mod.rs"]
mod support;

fn mc(c: &mut Criterion) {
    let model = JointModel::demo();
    let book = Book::default_layered();
    let plan = size_book(&book, &support::sizing_inputs()).unwrap();
    let mut pf =
        Portfolio::new(&book, &plan, &model, StartState { vix: 20.0, spx: 5000.0, regime: 1 })
            .unwrap();
    assert_eq!(pf.hedges.len(), 3);
    // MC_LAYERS=k keeps the first k hedge layers (0 measures the model and exposures alone).
    if let Some(k) = std::env::var("MC_LAYERS").ok().and_then(|v| v.parse::<usize>().ok()) {
        pf.hedges.truncate(k);
    }
    let layers = pf.hedges.len();
    // MC_DUMP=FILE writes the model, the portfolio and this crate's report for the numpy peer.
    if let Ok(path) = std::env::var("MC_DUMP") {
        let paths: u64 =
            std::env::var("MC_PATHS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
        let cfg = StressConfig { paths, horizon_days: 21, seed: 1, ..StressConfig::default() };
        let report = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
        // The peer needs k_c = E[min(V, c²)] of the capped Student-t mixing.
        let mut model_json = serde_json::to_value(&model).unwrap();
        model_json["mixing_scale"] = serde_json::json!(model.summary().unwrap().mixing_scale);
        let json = serde_json::json!({ "model": model_json, "portfolio": pf, "horizon_days": 21, "report": report });
        std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
        return;
    }
    let paths: u64 =
        std::env::var("MC_PATHS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let cfg = StressConfig { paths, horizon_days: 21, seed: 1, ..StressConfig::default() };
    let mut g = c.benchmark_group("stress");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    g.throughput(Throughput::Elements(paths));
    g.bench_function(format!("{paths}x21_{layers}_layers"), |b| {
        b.iter(|| {
            simulate(black_box(&model), black_box(&pf), Scenario::Model, black_box(&cfg), &|_| {})
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, mc);
criterion_main!(benches);
