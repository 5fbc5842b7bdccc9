//! The benchmark's Markov fit (2 states, 9,234 VIX log changes, the peer's start, 5 EM
//! iterations, then BFGS and the standard errors), printed in full precision: the
//! log-likelihood, every estimate and standard error, BFGS iterations and evaluations, and
//! the mean and fastest wall time of `reps` fits (for `perf record`, not a benchmark: those are in
//! `benches/fit.rs`).
//!
//! Run: `cargo run --release -p crosshedge-regimes --example markov_bench_fit -- [reps]`

use crosshedge_regimes::{fit_markov, MarkovOptions, MarkovStart, RegimeParams};

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/markov_vix.json");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let g: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    let y: Vec<f64> = g["y"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    let reps: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64;
    let start = MarkovStart {
        states: vec![
            RegimeParams { mean: vec![0.0], variance: vec![0.5 * var], correlation: None },
            RegimeParams { mean: vec![0.0], variance: vec![2.0 * var], correlation: None },
        ],
        transition: vec![vec![0.9, 0.1], vec![0.1, 0.9]],
    };
    let o = MarkovOptions { start: Some(start), em_iter: 5, ..MarkovOptions::default() };
    let t0 = std::time::Instant::now();
    let mut fit = None;
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = std::time::Instant::now();
        fit = fit_markov(&y, &o).ok();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let dt = t0.elapsed().as_secs_f64() / reps.max(1) as f64;
    let Some(fit) = fit else {
        eprintln!("fit failed (or tests/golden/markov_vix.json missing)");
        return;
    };
    println!("n {} loglik {:.12} grad_max {:e}", fit.n_obs, fit.loglik, fit.gradient_max);
    println!("iterations {} evaluations {}", fit.iterations, fit.evaluations);
    for p in &fit.params {
        println!("  {:10} {:.12e}  se {:?}", p.name, p.value, p.std_error);
    }
    println!("mean of {reps} fits: {:.3} ms, fastest {:.3} ms", dt * 1e3, best * 1e3);
}
