//! DCC(1,1) validation without a Python reference: recovery of known (a, b) from a seeded
//! simulated path, and the likelihood decomposition (Gaussian total = volatility part +
//! correlation part), the total being computed here independently from the bivariate
//! normal density with covariance D_t R_t D_t.

// Test helpers outside #[test] functions unwrap freely too.
#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use crosshedge_regimes::{fit_dcc, simulate_dcc, DccOptions, DccProcess, Innovation, RegimeError};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn process() -> DccProcess {
    DccProcess {
        target: [0.05, 0.05, 0.08, 0.9],
        hedge: [-0.02, 0.1, 0.12, 0.85],
        rho_bar: -0.4,
        a: 0.06,
        b: 0.9,
    }
}

#[test]
fn dcc_recovers_known_parameters_within_three_standard_errors() {
    let p = process();
    let mut rng = ChaCha8Rng::seed_from_u64(20_240_501);
    let (t, h) = simulate_dcc(&mut rng, &p, 4000).unwrap();
    let fit = fit_dcc(&t, &h, &DccOptions::default()).unwrap();
    let se_a = fit.params[0].std_error.unwrap();
    let se_b = fit.params[1].std_error.unwrap();
    eprintln!("a {} ± {se_a}, b {} ± {se_b}, qbar {}", fit.a, fit.b, fit.qbar_correlation);
    assert!((fit.a - p.a).abs() < 3.0 * se_a, "a = {} ± {se_a}, true {}", fit.a, p.a);
    assert!((fit.b - p.b).abs() < 3.0 * se_b, "b = {} ± {se_b}, true {}", fit.b, p.b);
    assert!(se_a < 0.02 && se_b < 0.05, "standard errors implausibly large");
    // The sample correlation of the shocks is only close to rho_bar (E[R_t] differs from Q-bar).
    assert!((fit.qbar_correlation - p.rho_bar).abs() < 0.1);
    // Margins recovered too (loosely: 4,000 points).
    assert!((fit.target.alpha - 0.08).abs() < 0.03 && (fit.hedge.beta - 0.85).abs() < 0.06);
    assert_eq!(fit.correlation.len(), 4000);
    assert!(fit.correlation.iter().all(|r| r.abs() < 1.0));
    assert!(fit.next_correlation.abs() < 1.0 && fit.next_hedge_ratio.is_finite());
}

#[test]
fn dcc_likelihood_decomposes_into_volatility_and_correlation_parts() {
    let p = process();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (t, h) = simulate_dcc(&mut rng, &p, 1500).unwrap();
    let fit = fit_dcc(&t, &h, &DccOptions::default()).unwrap();
    // Direct bivariate Gaussian log-likelihood with covariance D_t R_t D_t.
    let mut total = 0.0;
    for i in 0..t.len() {
        let (s1, s2, r) = (fit.target.cond_vol[i], fit.hedge.cond_vol[i], fit.correlation[i]);
        let x = (t[i] - fit.target.mu) / s1;
        let y = (h[i] - fit.hedge.mu) / s2;
        let om = 1.0 - r * r;
        total += -(2.0 * std::f64::consts::PI).ln()
            - s1.ln()
            - s2.ln()
            - 0.5 * om.ln()
            - 0.5 * (x * x - 2.0 * r * x * y + y * y) / om;
        // Dynamic hedge ratio definition.
        assert!((fit.hedge_ratio[i] - r * s1 / s2).abs() < 1e-12);
    }
    assert!(
        (total - fit.loglik).abs() < 1e-8 * total.abs(),
        "direct {total} vs vol {} + corr {}",
        fit.loglik_volatility,
        fit.loglik_correlation
    );
    assert!((fit.loglik - fit.loglik_volatility - fit.loglik_correlation).abs() < 1e-9);
}

#[test]
fn dcc_student_t_margins_and_errors() {
    let p = process();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (t, h) = simulate_dcc(&mut rng, &p, 1000).unwrap();
    let fit =
        fit_dcc(&t, &h, &DccOptions { innovation: Innovation::StudentT, ..DccOptions::default() })
            .unwrap();
    assert!(fit.target.nu.is_some() && fit.a + fit.b < 1.0);
    assert!(matches!(
        fit_dcc(&t[..50], &h[..50], &DccOptions::default()),
        Err(RegimeError::TooShort { .. })
    ));
    assert!(matches!(
        fit_dcc(&t, &h[..999], &DccOptions::default()),
        Err(RegimeError::LengthMismatch { .. })
    ));
    let flat = vec![0.01; 1000];
    assert!(matches!(
        fit_dcc(&t, &flat, &DccOptions::default()),
        Err(RegimeError::ConstantSeries { .. })
    ));
    let bad = DccProcess { a: 0.5, b: 0.6, ..p };
    assert!(simulate_dcc(&mut rng, &bad, 10).is_err());
}
