//! Property tests: correlation bounds, invariance to positive affine maps, HE at h* = R²,
//! rolling = direct computation, determinism of the bootstrap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_stats::bootstrap::{bootstrap_corr_beta, BootstrapConfig};
use crosshedge_stats::corr::{kendall_tau_b, pearson, spearman};
use crosshedge_stats::effectiveness::{hedge_effectiveness, min_variance_hedge_ratio};
use crosshedge_stats::ols::ols_hac;
use crosshedge_stats::rolling::rolling_corr_beta;
use proptest::prelude::*;

/// Pairs of series of 8..80 rows with a common component, so that correlation varies.
fn pairs() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (8usize..80, -2.0f64..2.0).prop_flat_map(|(n, b)| {
        (prop::collection::vec(-1.0f64..1.0, n), prop::collection::vec(-1.0f64..1.0, n)).prop_map(
            move |(x, e)| {
                let y: Vec<f64> = x.iter().zip(&e).map(|(a, u)| b * a + u).collect();
                (x, y)
            },
        )
    })
}

fn nonconstant(x: &[f64]) -> bool {
    x.iter().any(|v| *v != x[0])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn prop_correlations_in_unit_interval((x, y) in pairs()) {
        prop_assume!(nonconstant(&x) && nonconstant(&y));
        for r in [pearson(&x, &y).unwrap(), spearman(&x, &y).unwrap(), kendall_tau_b(&x, &y).unwrap()] {
            prop_assert!((-1.0..=1.0).contains(&r), "{r}");
        }
    }

    #[test]
    fn prop_invariant_to_positive_affine_maps((x, y) in pairs(), a in 0.01f64..100.0, b in -50.0f64..50.0,
                                              c in 0.01f64..100.0, d in -50.0f64..50.0) {
        prop_assume!(nonconstant(&x) && nonconstant(&y));
        let xa: Vec<f64> = x.iter().map(|v| a * v + b).collect();
        let yc: Vec<f64> = y.iter().map(|v| c * v + d).collect();
        prop_assert!((pearson(&x, &y).unwrap() - pearson(&xa, &yc).unwrap()).abs() < 1e-9);
        // Rank statistics are exactly invariant unless the map merges values by rounding.
        prop_assert!((spearman(&x, &y).unwrap() - spearman(&xa, &yc).unwrap()).abs() < 1e-9);
        prop_assert!((kendall_tau_b(&x, &y).unwrap() - kendall_tau_b(&xa, &yc).unwrap()).abs() < 1e-9);
        // A negative scale flips the sign.
        let xn: Vec<f64> = x.iter().map(|v| -a * v + b).collect();
        prop_assert!((pearson(&x, &y).unwrap() + pearson(&xn, &yc).unwrap()).abs() < 1e-9);
    }

    #[test]
    fn prop_he_at_hstar_equals_r2((h, t) in pairs()) {
        prop_assume!(nonconstant(&h) && nonconstant(&t));
        let hs = min_variance_hedge_ratio(&t, &h).unwrap();
        let he = hedge_effectiveness(&t, &h, hs).unwrap();
        let ols = ols_hac(&t, &h, Some(2), false).unwrap();
        let r = pearson(&t, &h).unwrap();
        prop_assert!((he - ols.r2).abs() < 1e-9, "he {he} r2 {}", ols.r2);
        prop_assert!((he - r * r).abs() < 1e-9);
        // h* maximises HE: any other ratio does no better.
        for dh in [-0.1, 0.05, 0.3] {
            prop_assert!(hedge_effectiveness(&t, &h, hs + dh).unwrap() <= he + 1e-12);
        }
    }

    #[test]
    fn prop_rolling_equals_direct((x, y) in pairs(), w in 3usize..12) {
        let r = rolling_corr_beta(&y, &x, w).unwrap();
        for i in (w - 1)..x.len() {
            let (xs, ys) = (&x[i + 1 - w..=i], &y[i + 1 - w..=i]);
            if let (Some(c), Ok(d)) = (r.correlation[i], pearson(ys, xs)) {
                prop_assert!((c - d).abs() < 1e-9, "row {i}: {c} vs {d}");
            }
        }
    }
}

#[test]
fn bootstrap_is_deterministic_and_thread_independent() {
    let x: Vec<f64> = (0..300).map(|i| ((i * 7919 % 211) as f64 / 211.0) - 0.5).collect();
    let y: Vec<f64> =
        x.iter().enumerate().map(|(i, v)| -0.4 * v + ((i * 31 % 17) as f64 / 17.0 - 0.5)).collect();
    let cfg = BootstrapConfig { resamples: 300, seed: 11, block_length: None, level: 0.95 };
    let a = bootstrap_corr_beta(&y, &x, &cfg).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let b = pool.install(|| bootstrap_corr_beta(&y, &x, &cfg).unwrap());
    assert_eq!(a, b);
    let c = bootstrap_corr_beta(&y, &x, &BootstrapConfig { seed: 12, ..cfg }).unwrap();
    assert_ne!(a.correlation.ci, c.correlation.ci);
}
