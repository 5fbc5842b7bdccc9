//! Every pricing model passes the conformance harness; property tests on the options kernels.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_pricing::testkit::{
    check_pricing_model, Black76Model, BlackScholesModel, ModelPoint,
};
use crosshedge_pricing::{
    black76_greeks, implied_vol_black76, normalised_black, normalised_implied_vol, normalised_vega,
    Black76Inputs, ImpliedVolInputs, OptionKind,
};
use proptest::prelude::*;

fn grid() -> Vec<ModelPoint> {
    let mut v = Vec::new();
    for &m in &[0.6, 0.9, 1.0, 1.1, 1.6] {
        for &vol in &[0.1, 0.5, 1.2] {
            for &t in &[0.05, 0.5, 2.0] {
                v.push(ModelPoint {
                    underlying: 20.0,
                    strike: 20.0 * m,
                    vol,
                    t_years: t,
                    rate: 0.03,
                });
            }
        }
    }
    v
}

#[test]
fn black76_passes_conformance() {
    let r = check_pricing_model(&Black76Model, &grid()).unwrap();
    assert!(r.checks > 500);
}

#[test]
fn black_scholes_passes_conformance() {
    let r = check_pricing_model(&BlackScholesModel { div_yield: 0.015 }, &grid()).unwrap();
    assert!(r.checks > 500);
}

#[test]
fn harness_catches_a_broken_model() {
    use crosshedge_pricing::testkit::PricingModel;
    use crosshedge_pricing::{Greeks, PricingError};
    /// Black-76 with vega off by 1 %: the finite-difference check must fail.
    struct Broken;
    impl PricingModel for Broken {
        fn name(&self) -> &'static str {
            "broken"
        }
        fn greeks(&self, kind: OptionKind, p: &ModelPoint) -> Result<Greeks, PricingError> {
            let mut g = Black76Model.greeks(kind, p)?;
            g.vega *= 1.01;
            Ok(g)
        }
        fn discounted_forward(&self, p: &ModelPoint) -> f64 {
            Black76Model.discounted_forward(p)
        }
    }
    let e = check_pricing_model(&Broken, &grid()).unwrap_err();
    assert!(e.contains("vega"), "{e}");
}

proptest! {
    #[test]
    fn prop_black76_conformance(
        f in 5.0f64..200.0, m in 0.5f64..2.0, vol in 0.05f64..2.0, t in 0.02f64..3.0, r in -0.01f64..0.08
    ) {
        let p = ModelPoint { underlying: f, strike: f * m, vol, t_years: t, rate: r };
        prop_assert!(check_pricing_model(&Black76Model, &[p]).is_ok(), "{:?}", check_pricing_model(&Black76Model, &[p]));
    }

    #[test]
    fn prop_implied_vol_round_trip(
        f in 5.0f64..200.0, x in -2.0f64..2.0, vol in 0.02f64..3.0, t in 0.01f64..5.0, call in any::<bool>()
    ) {
        let kind = if call { OptionKind::Call } else { OptionKind::Put };
        let k = f * (-x).exp();
        let g = black76_greeks(&Black76Inputs { kind, forward: f, strike: k, vol, t_years: t, rate: 0.02 }).unwrap();
        let s = vol * t.sqrt();
        let xx = (f / k).ln();
        let beta = normalised_black(xx, s, kind);
        // Only well-conditioned problems are expected to give the volatility back to 1e-10.
        let kappa = beta / (s * normalised_vega(xx, s));
        prop_assume!(g.price > 1e-250 && kappa * f64::EPSILON < 1e-13);
        let got = implied_vol_black76(&ImpliedVolInputs { kind, price: g.price, forward: f, strike: k, t_years: t, rate: 0.02 }).unwrap();
        prop_assert!((got - vol).abs() <= 1e-10 * vol, "got {} want {}", got, vol);
    }

    #[test]
    fn prop_normalised_round_trip(x in -3.0f64..3.0, s in 1e-3f64..5.0, call in any::<bool>()) {
        let kind = if call { OptionKind::Call } else { OptionKind::Put };
        let beta = normalised_black(x, s, kind);
        let kappa = beta / (s * normalised_vega(x, s));
        prop_assume!(beta > 1e-250 && kappa * f64::EPSILON < 1e-13);
        let got = normalised_implied_vol(beta, x, kind).unwrap();
        prop_assert!((got - s).abs() <= 1e-10 * s);
    }

    #[test]
    fn prop_price_never_nan_and_within_bounds(
        f in 1e-3f64..1e4, m in 1e-3f64..1e3, vol in 0.0f64..10.0, t in 0.0f64..30.0, call in any::<bool>()
    ) {
        let kind = if call { OptionKind::Call } else { OptionKind::Put };
        let k = f * m;
        let g = black76_greeks(&Black76Inputs { kind, forward: f, strike: k, vol, t_years: t, rate: 0.0 }).unwrap();
        for v in [g.price, g.delta, g.gamma, g.vega, g.theta, g.rho] {
            prop_assert!(v.is_finite());
        }
        let upper = if call { f } else { k };
        prop_assert!(g.price >= kind.payoff(f, k) * (1.0 - 1e-12) && g.price <= upper * (1.0 + 1e-12));
    }
}

proptest! {
    /// Every instruction-set level this CPU has (issue 14: baseline, AVX2+FMA, AVX-512) agrees
    /// with the scalar functions to 1e-13 relative, on batches long enough to fill whole chunks
    /// and blocks and to leave a partial chunk.
    #[test]
    fn prop_batch_matches_scalar(
        f in 1e-2f64..1e4, x in -4.0f64..4.0, vol in 0.0f64..4.0, t in 0.0f64..10.0, r in -0.05f64..0.2,
        call in any::<bool>(), n in prop_oneof![1usize..40, 1000usize..1100]
    ) {
        use crosshedge_pricing::{black76_greeks_batch_at, Black76Batch, GreeksSoA, SimdLevel};
        // A batch of n options with strikes spread around the money, calls and puts mixed.
        let strikes: Vec<f64> = (0..n).map(|j| f * (x * (j as f64 + 1.0) / n as f64).exp()).collect();
        let kinds: Vec<OptionKind> = (0..n)
            .map(|j| if call ^ (j % 3 == 0) { OptionKind::Call } else { OptionKind::Put })
            .collect();
        let (fs, vs, ts, rs) = (vec![f; n], vec![vol; n], vec![t; n], vec![r; n]);
        let batch = Black76Batch { kind: &kinds, forward: &fs, strike: &strikes, vol: &vs, t_years: &ts, rate: &rs };
        for level in SimdLevel::available() {
            let mut out = GreeksSoA::default();
            black76_greeks_batch_at(level, &batch, &mut out).unwrap();
            for (j, &strike) in strikes.iter().enumerate() {
                let kind = kinds[j];
                let g = black76_greeks(&Black76Inputs { kind, forward: f, strike, vol, t_years: t, rate: r }).unwrap();
                // Both paths keep ≤ 32 ulp on the price; allow 1e-13 relative between them.
                // Theta is a difference of two terms: its scale is the sum of their magnitudes.
                let theta_scale = (0.5 * g.vega * vol / t.max(1e-300)).abs() + (r * g.price).abs();
                for (name, a, b, scale) in [("price", out.price[j], g.price, 0.0), ("delta", out.delta[j], g.delta, 0.0),
                               ("gamma", out.gamma[j], g.gamma, 0.0), ("vega", out.vega[j], g.vega, 0.0),
                               ("theta", out.theta[j], g.theta, theta_scale), ("rho", out.rho[j], g.rho, 0.0)] {
                    let tol = 1e-13 * a.abs().max(b.abs()).max(scale) + 1e-300;
                    prop_assert!((a - b).abs() <= tol, "{} j={} {}: {} vs {}", level, j, name, a, b);
                }
            }
        }
    }
}

proptest! {
    /// The Black–Scholes batch at every level this CPU has agrees with the scalar
    /// `black_scholes_greeks` to 1e-13 relative (issue 14).
    #[test]
    fn prop_black_scholes_batch_matches_scalar(
        spot in 1e-2f64..1e4, x in -3.0f64..3.0, vol in 0.0f64..3.0, t in 0.0f64..10.0,
        r in -0.05f64..0.2, q in -0.05f64..0.1, call in any::<bool>(), n in 1usize..40
    ) {
        use crosshedge_pricing::{
            black_scholes_greeks, black_scholes_greeks_batch_at, BlackScholesBatch,
            BlackScholesGreeksSoA, BlackScholesInputs, SimdLevel,
        };
        let strikes: Vec<f64> = (0..n).map(|j| spot * (x * (j as f64 + 1.0) / n as f64).exp()).collect();
        let kinds: Vec<OptionKind> = (0..n)
            .map(|j| if call ^ (j % 2 == 0) { OptionKind::Call } else { OptionKind::Put })
            .collect();
        let (ss, vs, ts, rs, qs) = (vec![spot; n], vec![vol; n], vec![t; n], vec![r; n], vec![q; n]);
        let batch = BlackScholesBatch {
            kind: &kinds, spot: &ss, strike: &strikes, vol: &vs, t_years: &ts, rate: &rs, div_yield: &qs,
        };
        for level in SimdLevel::available() {
            let mut out = BlackScholesGreeksSoA::default();
            black_scholes_greeks_batch_at(level, &batch, &mut out).unwrap();
            for (j, &strike) in strikes.iter().enumerate() {
                let kind = kinds[j];
                let bs = black_scholes_greeks(&BlackScholesInputs {
                    kind, spot, strike, vol, t_years: t, rate: r, div_yield: q,
                }).unwrap();
                let g = bs.greeks;
                let o = &out.greeks;
                // Theta and rho are sums of terms of either sign: scale by the terms' magnitudes.
                let theta_scale = (0.5 * g.vega * vol / t.max(1e-300)).abs()
                    + (r * g.price).abs() + ((r - q) * spot * g.delta).abs();
                let rho_scale = (t * spot * g.delta).abs() + (t * g.price).abs();
                for (name, a, b, scale) in [("price", o.price[j], g.price, 0.0), ("delta", o.delta[j], g.delta, 0.0),
                               ("gamma", o.gamma[j], g.gamma, 0.0), ("vega", o.vega[j], g.vega, 0.0),
                               ("theta", o.theta[j], g.theta, theta_scale), ("rho", o.rho[j], g.rho, rho_scale),
                               ("dividend_rho", out.dividend_rho[j], bs.dividend_rho, 0.0)] {
                    let tol = 1e-13 * a.abs().max(b.abs()).max(scale) + 1e-300;
                    prop_assert!((a - b).abs() <= tol, "{} j={} {}: {} vs {}", level, j, name, a, b);
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn prop_implied_vol_backward_error_everywhere(
        x in prop_oneof![-8.0f64..8.0, -1e-6f64..1e-6], log_s in -14.0f64..3.0, call in any::<bool>()
    ) {
        let kind = if call { OptionKind::Call } else { OptionKind::Put };
        let s = log_s.exp();
        let beta = normalised_black(x, s, kind);
        let intrinsic = (kind.sign() * 2.0 * (0.5 * x).sinh()).max(0.0);
        let upper = (kind.sign() * 0.5 * x).exp();
        if !(beta > intrinsic && beta < upper && beta > 1e-300) {
            // No volatility to find (the price underflowed or equals a bound): an error is due.
            prop_assert!(normalised_implied_vol(beta, x, kind).is_err() || beta <= intrinsic || beta <= 1e-300);
            return Ok(());
        }
        let got = normalised_implied_vol(beta, x, kind).unwrap();
        prop_assert!(got.is_finite() && got >= 0.0);
        // The solved volatility reprices to a few ulp (backward error), scaled by the price's
        // sensitivity to a one-ulp change of s: s·b'(s)/b (large far out of the money).
        let back = normalised_black(x, got, kind);
        let sens = (got * normalised_vega(x, got) / beta).max(1.0);
        prop_assert!((back - beta).abs() <= 1e-13 * beta * sens, "x={} s={} got={} back={} beta={}", x, s, got, back, beta);
    }
}
