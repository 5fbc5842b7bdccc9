//! The Rockafellar–Uryasev ES programme for 9 candidates × 100,000 scenarios (one budget, and
//! the 11-point frontier). Peer: `benches/frontier_peer.py` (scipy `linprog`, HiGHS) on the
//! same scenarios, dumped with `FRONTIER_DUMP=DIR`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use crosshedge_hedging::frontier::{frontier, optimal_mix, FrontierSettings, MixSettings};

#[path = "../tests/support/mod.rs"]
mod support;

/// The budget of the single-budget run, USD per year (4 % of the 1,000,000 USD holding).
const BUDGET: f64 = 40_000.0;

fn es_programme(c: &mut Criterion) {
    let s: usize =
        std::env::var("FRONTIER_SCENARIOS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let (sc, limits) = support::tournament_like(1, s);
    // FRONTIER_DUMP=DIR writes the scenarios (little-endian f64, scenario-major: target then the
    // 9 candidates), the limits and this crate's answer for the peer.
    if let Ok(dir) = std::env::var("FRONTIER_DUMP") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        let mut bytes = Vec::with_capacity(s * 10 * 8);
        for k in 0..s {
            bytes.extend_from_slice(&sc.target()[k].to_le_bytes());
            for i in 0..sc.candidate_count() {
                bytes.extend_from_slice(&sc.hedge(k, i).to_le_bytes());
            }
        }
        std::fs::write(dir.join("scenarios.f64"), bytes).unwrap();
        let mix = optimal_mix(&sc, &limits, BUDGET, &MixSettings::default()).unwrap();
        let json = serde_json::json!({
            "scenarios": s, "names": sc.names(), "limits": limits, "budget": BUDGET,
            "alpha": MixSettings::default().alpha, "mix": mix,
        });
        std::fs::write(dir.join("problem.json"), serde_json::to_string_pretty(&json).unwrap())
            .unwrap();
        return;
    }
    let mut g = c.benchmark_group("es_programme");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function(format!("9x{s}_one_budget"), |b| {
        b.iter(|| {
            optimal_mix(black_box(&sc), black_box(&limits), BUDGET, &MixSettings::default())
                .unwrap()
        })
    });
    let settings =
        FrontierSettings { max_budget: 2.0 * BUDGET, points: 11, ..FrontierSettings::default() };
    g.bench_function(format!("9x{s}_frontier_11"), |b| {
        b.iter(|| frontier(black_box(&sc), black_box(&limits), black_box(&settings)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, es_programme);
criterion_main!(benches);
