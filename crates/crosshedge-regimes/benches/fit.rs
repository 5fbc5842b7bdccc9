//! Fit benchmarks on the golden inputs (the same arrays the Python peer reads):
//! GARCH(1,1) on 9,000 SPX returns and the 2-state Markov-switching model on 9,234 VIX log
//! changes, each from the same starting values as `fit_peer.py`.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use crosshedge_regimes::{
    fit_garch, fit_markov, GarchOptions, Innovation, MarkovOptions, MarkovStart, RegimeParams,
};

fn golden(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn array(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default()
}

fn bench_garch(c: &mut Criterion) {
    let g = golden("garch_spx.json");
    let y = array(&g["y"]);
    if y.is_empty() {
        eprintln!("skipping: tests/golden/garch_spx.json not found");
        return;
    }
    // The same starting values as the peer: arch's default mean start and a fixed variance start.
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64;
    let sv = vec![mean, 0.05 * var, 0.1, 0.85];
    let mut group = c.benchmark_group("garch11_spx_9000");
    group.sample_size(20);
    group.bench_function("normal_single_start", |b| {
        let o = GarchOptions { starting_values: Some(sv.clone()), ..GarchOptions::default() };
        b.iter(|| fit_garch(black_box(&y), &o))
    });
    group.bench_function("t_single_start", |b| {
        let mut s = sv.clone();
        s.push(8.0);
        let o = GarchOptions {
            innovation: Innovation::StudentT,
            starting_values: Some(s),
            ..GarchOptions::default()
        };
        b.iter(|| fit_garch(black_box(&y), &o))
    });
    group.bench_function("normal_default_multistart", |b| {
        let o = GarchOptions::default();
        b.iter(|| fit_garch(black_box(&y), &o))
    });
    group.finish();
}

fn bench_markov(c: &mut Criterion) {
    let g = golden("markov_vix.json");
    let y = array(&g["y"]);
    if y.is_empty() {
        eprintln!("skipping: tests/golden/markov_vix.json not found");
        return;
    }
    // The same start as the peer: zero means, variances half and twice the sample variance,
    // p_ii = 0.9; and the same 5 EM iterations before the quasi-Newton polish.
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64;
    let start = MarkovStart {
        states: vec![
            RegimeParams { mean: vec![0.0], variance: vec![0.5 * var], correlation: None },
            RegimeParams { mean: vec![0.0], variance: vec![2.0 * var], correlation: None },
        ],
        transition: vec![vec![0.9, 0.1], vec![0.1, 0.9]],
    };
    let mut group = c.benchmark_group("markov2_vix_9234");
    group.sample_size(10);
    group.bench_function("single_start_em5", |b| {
        let o =
            MarkovOptions { start: Some(start.clone()), em_iter: 5, ..MarkovOptions::default() };
        b.iter(|| fit_markov(black_box(&y), &o))
    });
    group.bench_function("default_6_starts", |b| {
        let o = MarkovOptions::default();
        b.iter(|| fit_markov(black_box(&y), &o))
    });
    group.bench_function("k3_default_6_starts", |b| {
        let o = MarkovOptions { k_regimes: 3, ..MarkovOptions::default() };
        b.iter(|| fit_markov(black_box(&y), &o))
    });
    group.finish();
}

criterion_group!(benches, bench_garch, bench_markov);
criterion_main!(benches);
