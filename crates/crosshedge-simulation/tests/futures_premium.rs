#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The VIX futures term premium fitted to settlements agrees with scipy's `curve_fit` on the
//! same rows (`tests/golden/gen_premium.py`), and too few rows is an error.

use crosshedge_simulation::demo_futures;

#[test]
fn premium_fit_matches_scipy_curve_fit() {
    let g: serde_json::Value =
        serde_json::from_str(include_str!("golden/premium.json")).expect("golden json");
    let mut fm = demo_futures();
    fm.phi = g["model"]["phi"].as_f64().unwrap();
    fm.mean_log = g["model"]["mean_log"].as_f64().unwrap();
    fm.sd = g["model"]["sd"].as_f64().unwrap();
    let rows: Vec<(f64, f64, f64)> = g["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_f64().unwrap(), r[1].as_f64().unwrap(), r[2].as_f64().unwrap()))
        .collect();
    let fitted = fm.with_fitted_premium(&rows).unwrap();
    let tol = g["tolerance_rel"].as_f64().unwrap();
    let (a, tau) = (g["fit"]["a"].as_f64().unwrap(), g["fit"]["tau"].as_f64().unwrap());
    assert!((fitted.premium_a - a).abs() <= tol * a.abs(), "a {} vs {a}", fitted.premium_a);
    assert!(
        (fitted.premium_tau_days - tau).abs() <= tol * tau,
        "tau {} vs {tau}",
        fitted.premium_tau_days
    );
    // The rest of the rule is untouched.
    assert_eq!((fitted.phi, fitted.mean_log, fitted.sd), (fm.phi, fm.mean_log, fm.sd));
    assert!(fm.with_fitted_premium(&rows[..19]).is_err());
}
