//! Time-varying transition probabilities against statsmodels `MarkovRegression(...,
//! exog_tvtp=[1, z])` (tests/golden/gen_markov_tvtp.py → markov_tvtp_vix.json): VIX log
//! changes, transitions logistic in the VIX level / 100. Tolerances: log-likelihood 1e-6
//! relative, means and variances 1e-4 relative, logit intercepts and slopes 1e-3 relative,
//! smoothed probabilities 1e-5 absolute.

// Test helpers outside #[test] functions unwrap freely too.
#![allow(clippy::unwrap_used)]

use crosshedge_regimes::{fit_markov, MarkovOptions};
use serde_json::Value;

fn arr(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn markov2_tvtp_matches_statsmodels() {
    let g: Value = serde_json::from_str(include_str!("golden/markov_tvtp_vix.json")).unwrap();
    let y = arr(&g["y"]);
    let x = arr(&g["tvtp"]);
    let opts = MarkovOptions { n_starts: 3, tvtp: Some(x), ..MarkovOptions::default() };
    let fit = fit_markov(&y, &opts).unwrap();
    let tv = fit.tvtp.as_ref().unwrap();
    let llf = g["llf"].as_f64().unwrap();
    eprintln!("ll {} vs {llf}; tvtp {tv:?}; regimes {:?}", fit.loglik, fit.regimes);
    assert!(rel(fit.loglik, llf) < 1e-6, "loglik {} vs statsmodels {llf}", fit.loglik);
    assert!(fit.loglik > g["llf_constant"].as_f64().unwrap());
    let (c, s2) = (arr(&g["const"]), arr(&g["sigma2"]));
    let (a, b) = (arr(&g["intercept"]), arr(&g["slope"]));
    for j in 0..2 {
        assert!(rel(fit.regimes[j].mean[0], c[j]) < 1e-4, "const[{j}]");
        assert!(rel(fit.regimes[j].variance[0], s2[j]) < 1e-4, "sigma2[{j}]");
        assert!(
            rel(tv.intercept[j][0], a[j]) < 1e-3,
            "intercept[{j}] {} vs {}",
            tv.intercept[j][0],
            a[j]
        );
        assert!(rel(tv.slope[j][0], b[j]) < 1e-3, "slope[{j}] {} vs {}", tv.slope[j][0], b[j]);
    }
    let sm0 = arr(&g["smoothed0"]);
    let worst =
        sm0.iter().zip(&fit.smoothed).map(|(v, row)| (v - row[0]).abs()).fold(0.0, f64::max);
    eprintln!("max |smoothed diff| {worst:e}");
    assert!(worst < 1e-5);
}
