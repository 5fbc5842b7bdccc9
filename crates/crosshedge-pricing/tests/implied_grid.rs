//! Implied-volatility round trips on a wide grid: log-moneyness −3..3, total volatility
//! 1e-4..5, both kinds, deep in and out of the money.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_pricing::{
    implied_vol_black76, normalised_black, normalised_implied_vol, normalised_vega,
    ImpliedVolInputs, OptionKind, PricingError,
};

#[test]
fn implied_vol_round_trip_wide_grid() {
    let mut strict = 0;
    let mut conditioned = 0;
    let mut worst: f64 = 0.0;
    for i in 0..=60 {
        let x = -3.0 + 0.1 * f64::from(i);
        for j in 0..=40 {
            // Total volatility from 1e-4 to 5, log-spaced.
            let s = 1e-4 * (5.0f64 / 1e-4).powf(f64::from(j) / 40.0);
            for kind in [OptionKind::Call, OptionKind::Put] {
                let beta = normalised_black(x, s, kind);
                let intrinsic = (kind.sign() * 2.0 * (0.5 * x).sinh()).max(0.0);
                // The time value must be representable in the price for a volatility to be defined.
                if beta <= intrinsic || beta < f64::MIN_POSITIVE * 1e4 {
                    continue;
                }
                let got = normalised_implied_vol(beta, x, kind).unwrap();
                let err = (got - s).abs() / s;
                // Condition number: a rounding of the price by ε moves the volatility by
                // ε β / (s b'(s)) relatively. Where that is below 1e-12 we demand 1e-10 relative.
                let kappa = beta / (s * normalised_vega(x, s));
                if kappa * f64::EPSILON < 1e-12 {
                    strict += 1;
                    worst = worst.max(err);
                    assert!(err < 1e-10, "x={x} s={s} {kind:?}: got {got}, rel err {err:e}");
                } else {
                    // Ill-conditioned (deep in the money, tiny time value): the repriced value
                    // must reproduce the price to a few ulp (backward error).
                    conditioned += 1;
                    let back = normalised_black(x, got, kind);
                    assert!(
                        (back - beta).abs() <= 8.0 * f64::EPSILON * beta,
                        "x={x} s={s} {kind:?}: back={back} beta={beta}"
                    );
                }
            }
        }
    }
    eprintln!(
        "strict cases {strict} (worst rel err {worst:e}), ill-conditioned cases {conditioned}"
    );
    assert!(strict > 1800, "only {strict} well-conditioned cases");
}

#[test]
fn implied_vol_physical_units_round_trip() {
    use crosshedge_pricing::{black76_price, Black76Inputs};
    for (f, k, vol, t) in
        [(20.0, 30.0, 1.1, 0.08), (4500.0, 3000.0, 0.3, 1.0), (15.0, 14.0, 0.7, 0.02)]
    {
        for kind in [OptionKind::Call, OptionKind::Put] {
            let price = black76_price(&Black76Inputs {
                kind,
                forward: f,
                strike: k,
                vol,
                t_years: t,
                rate: 0.05,
            })
            .unwrap();
            let got = implied_vol_black76(&ImpliedVolInputs {
                kind,
                price,
                forward: f,
                strike: k,
                t_years: t,
                rate: 0.05,
            })
            .unwrap();
            assert!((got - vol).abs() < 1e-10 * vol, "{f} {k} {vol} {t} {kind:?}: {got}");
        }
    }
}

#[test]
fn implied_vol_errors_carry_bounds() {
    let df = (-0.05f64).exp();
    // Below intrinsic: a call with F=110, K=100 worth less than D·10.
    let e = implied_vol_black76(&ImpliedVolInputs {
        kind: OptionKind::Call,
        price: 9.0,
        forward: 110.0,
        strike: 100.0,
        t_years: 1.0,
        rate: 0.05,
    })
    .unwrap_err();
    match e {
        PricingError::PriceOutOfBounds { price, lower, upper } => {
            assert_eq!(price, 9.0);
            assert!((lower - 10.0 * df).abs() < 1e-12);
            assert!((upper - 110.0 * df).abs() < 1e-12);
        }
        other => panic!("unexpected {other:?}"),
    }
    // At or above the upper bound: a put worth the discounted strike.
    let e = implied_vol_black76(&ImpliedVolInputs {
        kind: OptionKind::Put,
        price: 100.0 * df,
        forward: 110.0,
        strike: 100.0,
        t_years: 1.0,
        rate: 0.05,
    })
    .unwrap_err();
    assert!(matches!(e, PricingError::PriceOutOfBounds { .. }), "{e}");
    assert!(e.to_string().contains("no volatility reproduces"));
    // Exactly intrinsic: zero volatility.
    let v = normalised_implied_vol(0.0, -1.0, OptionKind::Call).unwrap();
    assert_eq!(v, 0.0);
    // Invalid inputs.
    assert!(normalised_implied_vol(f64::NAN, 0.0, OptionKind::Call).is_err());
}

#[test]
fn implied_vol_extremes() {
    // Very small and very large total volatility, at and away from the money.
    let mut checked = 0;
    for &(x, s) in &[
        (0.0, 1e-8),
        (0.0, 1e-4),
        (0.0, 10.0),
        (0.0, 20.0),
        (1e-6, 1e-6),
        (-0.5, 8.0),
        (2.0, 12.0),
        (-10.0, 5.0),
    ] {
        for kind in [OptionKind::Call, OptionKind::Put] {
            let beta = normalised_black(x, s, kind);
            let kappa = beta / (s * normalised_vega(x, s));
            if kappa * f64::EPSILON > 1e-12 {
                continue;
            }
            let got = normalised_implied_vol(beta, x, kind).unwrap();
            assert!((got - s).abs() <= 1e-10 * s, "x={x} s={s} {kind:?}: got {got}");
            checked += 1;
        }
    }
    assert!(checked >= 9, "only {checked} well-conditioned extreme cases");
}

/// r11 item 8 (issue 11): a price exactly at the lower bound (the model's discounted intrinsic
/// value) is attained at volatility 0 and returns exactly 0; a price exactly at the upper bound
/// (`D F` / `S e^{−qT}` for a call, `D K` / `K e^{−rT}` for a put) is never attained and is
/// refused with the half-open interval `[L, U)` in the message. Both models, both kinds, in and
/// out of the money, several rates (the old code compared after normalising, where rounding
/// put some exact-intrinsic prices below the bound and some exact-upper prices inside it).
#[test]
fn implied_vol_at_exact_bounds() {
    use crosshedge_pricing::{implied_vol_black_scholes, BlackScholesImpliedVolInputs};
    let mut checked = 0;
    for &(und, k) in &[(110.0, 100.0), (90.0, 100.0), (100.0, 100.0), (5100.0, 4700.0)] {
        for &(t, r, q) in
            &[(1.0f64, 0.05f64, 0.0f64), (0.5, 0.045, 0.013), (30.0 / 365.0, 0.04, 0.0)]
        {
            for kind in [OptionKind::Call, OptionKind::Put] {
                let df = (-r * t).exp();
                // Black-76 on the forward `und`.
                let b76 = |price: f64| {
                    implied_vol_black76(&ImpliedVolInputs {
                        kind,
                        price,
                        forward: und,
                        strike: k,
                        t_years: t,
                        rate: r,
                    })
                };
                let (lo, hi) = match kind {
                    OptionKind::Call => ((df * (und - k)).max(0.0), df * und),
                    OptionKind::Put => ((df * (k - und)).max(0.0), df * k),
                };
                assert_eq!(b76(lo), Ok(0.0), "black76 {kind:?} F={und} K={k} at {lo}");
                let e = b76(hi).unwrap_err();
                assert_eq!(
                    e,
                    PricingError::PriceOutOfBounds { price: hi, lower: lo, upper: hi },
                    "black76 {kind:?} F={und} K={k}"
                );
                assert!(e.to_string().contains(&format!("[{lo}, {hi})")), "{e}");
                // Just inside either bound a volatility exists (finite, ≥ 0).
                let above = b76(lo + lo.max(1.0) * 1e-15).unwrap();
                assert!(above.is_finite() && above >= 0.0);
                let below = b76(hi * (1.0 - 1e-12)).unwrap();
                assert!(below.is_finite() && below > 1.0, "{below}");
                // Black–Scholes on spot `und` with dividend yield q.
                let bs = |price: f64| {
                    implied_vol_black_scholes(&BlackScholesImpliedVolInputs {
                        kind,
                        price,
                        spot: und,
                        strike: k,
                        t_years: t,
                        rate: r,
                        div_yield: q,
                    })
                };
                let spot_pv = und * (-q * t).exp();
                let (lo, hi) = match kind {
                    OptionKind::Call => ((spot_pv - k * df).max(0.0), spot_pv),
                    OptionKind::Put => ((k * df - spot_pv).max(0.0), k * df),
                };
                assert_eq!(bs(lo), Ok(0.0), "bs {kind:?} S={und} K={k} q={q} at {lo}");
                assert_eq!(
                    bs(hi),
                    Err(PricingError::PriceOutOfBounds { price: hi, lower: lo, upper: hi }),
                    "bs {kind:?} S={und} K={k} q={q}"
                );
                assert!(bs(lo - lo.max(1.0) * 1e-12).is_err(), "below intrinsic");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 24);
    // The case: a call on spot 100 (no dividends) priced at the spot itself.
    let e = implied_vol_black_scholes(&BlackScholesImpliedVolInputs {
        kind: OptionKind::Call,
        price: 100.0,
        spot: 100.0,
        strike: 100.0,
        t_years: 1.0,
        rate: 0.05,
        div_yield: 0.0,
    })
    .unwrap_err();
    match e {
        PricingError::PriceOutOfBounds { upper, .. } => assert_eq!(upper, 100.0),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().ends_with(", 100) (the discounted intrinsic value, reached at volatility 0, up to the upper bound, never reached)"), "{e}");
}
