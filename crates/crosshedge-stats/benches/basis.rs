//! Benchmarks: (a) the full `basis` analysis on the aligned BTC-vs-VIX days (whole sample + 3 VIX
//! band regimes, 2,000 stationary-bootstrap resamples of correlation and beta each);
//! (b) rolling 90-day correlation and beta over 100 series × 5,000 days.
//! The Python peer is `benches/basis_peer.py`; figures in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crosshedge_stats::basis::{basis_analysis, BasisConfig};
use crosshedge_stats::rolling::rolling_corr_beta_many;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn real_inputs() -> (Vec<f64>, Vec<f64>, Vec<Option<usize>>, Vec<String>) {
    let g: serde_json::Value =
        serde_json::from_str(include_str!("../tests/golden/basis_golden.json")).unwrap();
    let r = &g["real"];
    let arr = |k: &str| {
        r[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect::<Vec<f64>>()
    };
    let labels = r["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Some(v.as_u64().unwrap() as usize))
        .collect();
    let states =
        r["states"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    (arr("target"), arr("hedge"), labels, states)
}

fn bench_basis(c: &mut Criterion) {
    let (t, h, l, s) = real_inputs();
    let cfg = BasisConfig { bootstrap_resamples: 2000, seed: 7, ..BasisConfig::default() };
    let mut g = c.benchmark_group("basis");
    g.sample_size(10);
    g.throughput(Throughput::Elements(t.len() as u64));
    g.bench_function("full_btc_vix_3_regimes_2000_boot", |b| {
        b.iter(|| basis_analysis(black_box(&t), black_box(&h), Some((&l, &s)), &cfg).unwrap())
    });
    g.finish();
}

fn bench_rolling(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let n = 5000;
    let hedge: Vec<f64> = (0..n).map(|_| rng.random::<f64>() - 0.5).collect();
    let targets: Vec<Vec<f64>> = (0..100)
        .map(|_| hedge.iter().map(|h| -0.3 * h + rng.random::<f64>() - 0.5).collect())
        .collect();
    let refs: Vec<&[f64]> = targets.iter().map(Vec::as_slice).collect();
    let mut g = c.benchmark_group("rolling");
    g.throughput(Throughput::Elements((100 * n) as u64));
    g.bench_function("corr_beta_90d_100x5000", |b| {
        b.iter(|| rolling_corr_beta_many(black_box(&refs), black_box(&hedge), 90).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_basis, bench_rolling);
criterion_main!(benches);
