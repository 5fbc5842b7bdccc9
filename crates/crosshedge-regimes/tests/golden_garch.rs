//! GARCH(1,1) against `arch` (tests/golden/gen_garch.py → garch_spx.json).
//! Tolerances: parameters 1e-3 relative, log-likelihood 1e-6 relative, robust standard
//! errors 2e-2 relative (arch differentiates numerically, we use analytic scores).

// Test helpers outside #[test] functions unwrap freely too.
#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use crosshedge_regimes::{fit_garch, garch_loglik, GarchOptions, Innovation};
use serde_json::Value;

fn golden() -> Value {
    serde_json::from_str(include_str!("golden/garch_spx.json")).unwrap()
}

fn arr(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

fn check(dist: Innovation, key: &str) {
    let g = golden();
    let y = arr(&g["y"]);
    let r = &g[key];
    let want = arr(&r["params"]);
    let fit = fit_garch(&y, &GarchOptions { innovation: dist, ..GarchOptions::default() }).unwrap();
    let got: Vec<f64> = fit.params.iter().map(|p| p.value).collect();
    eprintln!("{key}: got {got:?} ll {} ; arch {want:?} ll {}", fit.loglik, r["llf"]);
    for (a, b) in got.iter().zip(&want) {
        assert!(rel(*a, *b) < 1e-3, "{key}: param {a} vs arch {b}");
    }
    let llf = r["llf"].as_f64().unwrap();
    assert!(rel(fit.loglik, llf) < 1e-6, "{key}: loglik {} vs arch {llf}", fit.loglik);
    // Our optimum is at least as good as arch's (to rounding).
    let ll_at_arch = garch_loglik(&y, &want, dist).unwrap();
    assert!(
        rel(ll_at_arch, llf) < 1e-9,
        "{key}: our likelihood at arch's params {ll_at_arch} vs {llf}"
    );
    assert!(fit.loglik >= ll_at_arch - 1e-6);
    assert!(rel(fit.backcast, r["backcast"].as_f64().unwrap()) < 1e-12);
    let se = arr(&r["se_robust"]);
    for (p, s) in fit.params.iter().zip(&se) {
        let mine = p.std_error.unwrap();
        eprintln!("  se {}: {mine} vs {s}", p.name);
        assert!(rel(mine, *s) < 2e-2, "{key}: robust se of {} {mine} vs arch {s}", p.name);
    }
    let sec = arr(&r["se_classic"]);
    for (p, (m, s)) in fit.params.iter().zip(fit.std_errors_classic.iter().zip(&sec)) {
        let mine = m.unwrap();
        eprintln!("  classic se {}: {mine} vs {s}", p.name);
        assert!(rel(mine, *s) < 2e-2, "{key}: classic se of {} {mine} vs arch {s}", p.name);
    }
    let n = y.len();
    for (i, k) in [(0, "cond_vol_first"), (4500, "cond_vol_mid"), (n - 1, "cond_vol_last")] {
        assert!(rel(fit.cond_vol[i], r[k].as_f64().unwrap()) < 1e-3, "{k}");
    }
    // Decimal input gives the same model, rescaled.
    let yd: Vec<f64> = y.iter().map(|v| v / 100.0).collect();
    let fd = fit_garch(&yd, &GarchOptions { innovation: dist, ..GarchOptions::default() }).unwrap();
    assert!(rel(fd.omega * 1e4, fit.omega) < 1e-5 && rel(fd.alpha, fit.alpha) < 1e-5);
    assert!(rel(fd.loglik - n as f64 * 100f64.ln(), fit.loglik) < 1e-9);
}

#[test]
fn garch_normal_matches_arch() {
    check(Innovation::Normal, "normal");
}

#[test]
fn garch_t_matches_arch() {
    check(Innovation::StudentT, "t");
}
