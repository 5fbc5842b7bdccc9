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
