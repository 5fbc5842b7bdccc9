//! The 3-state TVTP model reaches at least statsmodels' optimum
//! (tests/golden/gen_markov3_tvtp.py → markov3_tvtp_synthetic.json: a deterministic synthetic
//! series, statsmodels `MarkovRegression(k_regimes=3, trend='c', switching_variance=True,
//! exog_tvtp=[1, x_(t-1)/100])` from its default start and two random searches). Tolerance:
//! Rust log-likelihood ≥ statsmodels' best − 1e-6.

// Test helpers outside #[test] functions unwrap freely too.
#![allow(clippy::unwrap_used)]

use crosshedge_regimes::{fit_markov, MarkovOptions};
use serde_json::Value;

fn arr(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn markov3_tvtp_reaches_statsmodels_optimum() {
    let g: Value =
        serde_json::from_str(include_str!("golden/markov3_tvtp_synthetic.json")).unwrap();
    let (y, x) = (arr(&g["y"]), arr(&g["tvtp"]));
    let opts = MarkovOptions { k_regimes: 3, tvtp: Some(x), ..MarkovOptions::default() };
    let fit = fit_markov(&y, &opts).unwrap();
    let llf = g["llf"].as_f64().unwrap();
    eprintln!("rust {} vs statsmodels {llf} ({})", fit.loglik, g["llf_by_start"]);
    assert!(fit.loglik >= llf - 1e-6, "loglik {} below statsmodels {llf}", fit.loglik);
    // An interior optimum: every standard error is computed.
    assert!(fit.std_error_note.is_none(), "{:?}", fit.std_error_note);
    assert!(fit.params.iter().all(|p| p.std_error.is_some_and(|s| s > 0.0)));
}
