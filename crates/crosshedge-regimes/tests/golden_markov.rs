//! Univariate Markov switching against statsmodels `MarkovRegression(trend='c',
//! switching_variance=True)` (tests/golden/gen_markov.py → markov_vix.json, VIX log changes).
//! Tolerances: parameters 1e-4 relative, log-likelihood 1e-6 relative, smoothed
//! probabilities 1e-5 absolute, standard errors 5e-2 relative (both numerical Hessians).
//! Transition probabilities that sit on the boundary (< 1e-6 in statsmodels' optimum) are
//! compared with an absolute 1e-6 instead, and their states' standard errors are skipped
//! (a Hessian-based standard error means little there).

// Test helpers outside #[test] functions unwrap freely too.
#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use crosshedge_regimes::{fit_markov, MarkovOptions};
use serde_json::Value;

fn golden() -> Value {
    serde_json::from_str(include_str!("golden/markov_vix.json")).unwrap()
}

fn arr(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

fn check(k: usize) {
    let g = golden();
    let y = arr(&g["y"]);
    let r = &g[format!("k{k}").as_str()];
    let opts = MarkovOptions {
        k_regimes: k,
        n_starts: if k == 3 { 3 } else { 6 },
        ..MarkovOptions::default()
    };
    let fit = fit_markov(&y, &opts).unwrap();
    let llf = r["llf"].as_f64().unwrap();
    eprintln!("k={k}: ll {} vs {llf}; grad {}", fit.loglik, fit.gradient_max);
    for p in &fit.params {
        eprintln!("  {} = {} ({:?})", p.name, p.value, p.std_error);
    }
    assert!(rel(fit.loglik, llf) < 1e-6, "loglik {} vs statsmodels {llf}", fit.loglik);
    let tr = r["transition"].as_array().unwrap();
    let boundary = tr.iter().any(|row| arr(row).iter().any(|p| *p < 1e-6));
    let c = arr(&r["const"]);
    let s2 = arr(&r["sigma2"]);
    let se_c = arr(&r["se_const"]);
    let se_s2 = arr(&r["se_sigma2"]);
    for j in 0..k {
        eprintln!("  sm const {} sigma2 {}", c[j], s2[j]);
        assert!(
            rel(fit.regimes[j].mean[0], c[j]) < 1e-4,
            "const[{j}] {} vs {}",
            fit.regimes[j].mean[0],
            c[j]
        );
        assert!(rel(fit.regimes[j].variance[0], s2[j]) < 1e-4, "sigma2[{j}]");
        let pc = &fit.params[2 * j];
        let ps = &fit.params[2 * j + 1];
        eprintln!(
            "  se const {:?} vs {}, se sigma2 {:?} vs {}",
            pc.std_error, se_c[j], ps.std_error, se_s2[j]
        );
        if !boundary {
            assert!(rel(pc.std_error.unwrap(), se_c[j]) < 5e-2);
            assert!(rel(ps.std_error.unwrap(), se_s2[j]) < 5e-2);
        }
    }
    for i in 0..k {
        let row = arr(&tr[i]);
        for j in 0..k {
            eprintln!("  p[{i}->{j}] {} vs {}", fit.transition[i][j], row[j]);
            let se_sm = r["se_transition"][i][j].as_f64();
            if let (Some(se_sm), false) = (se_sm, boundary) {
                let se = fit.params[2 * k + i * k + j].std_error.unwrap();
                eprintln!("  se p[{i}->{j}] {se} vs {se_sm}");
                assert!(rel(se, se_sm) < 5e-2, "se of p[{i}->{j}]");
            }
            if row[j] < 1e-6 {
                assert!(
                    (fit.transition[i][j] - row[j]).abs() < 1e-6,
                    "p[{i}->{j}] at the boundary"
                );
            } else {
                assert!(rel(fit.transition[i][j], row[j]) < 1e-4, "p[{i}->{j}]");
            }
        }
    }
    let sm = r["smoothed"].as_array().unwrap();
    let mut worst: f64 = 0.0;
    for j in 0..k - 1 {
        let col = arr(&sm[j]);
        assert_eq!(col.len(), fit.smoothed.len());
        for (t, v) in col.iter().enumerate() {
            worst = worst.max((fit.smoothed[t][j] - v).abs());
        }
    }
    eprintln!("  max |smoothed diff| {worst:e}");
    assert!(worst < 1e-5);
    let fl = arr(&r["filtered_last"]);
    for j in 0..k {
        assert!((fit.filtered[y.len() - 1][j] - fl[j]).abs() < 1e-5);
    }
}

#[test]
fn markov2_matches_statsmodels() {
    check(2);
}

#[test]
fn markov3_matches_statsmodels() {
    check(3);
}
