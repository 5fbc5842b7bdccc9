#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hand-computed sizing cases. Expected literals come from the closed forms evaluated with
//! Python/scipy (`norm.cdf`), e.g.
//! `beta = 0.98**(30*252/365)`; `q = 200000/(1000*20*beta)`;
//! Black-76 `c = e^{-rT}(F Φ(d₁) − K Φ(d₂))` for the call spread legs.

use crosshedge_hedging::{
    asset_notional, lp_risky_share, lp_value, size_book, Band, Book, CurvePoint, Exposure,
    Instrument, Layer, Regime, RegimeMoments, SizingInputs, SizingRule, StrikeRule, Trigger,
};
use crosshedge_pricing::normal::{inverse_norm_cdf, norm_cdf};
use crosshedge_pricing::{black76_greeks, Black76Inputs, OptionKind};

fn inputs() -> SizingInputs {
    SizingInputs {
        hedge_ratio_calm: -0.04,
        hedge_ratio_stress: -0.2,
        decorrelation_factor: 5.0,
        spx_hedge_ratio_calm: 0.3,
        spx_hedge_ratio_stress: 1.2,
        btc_beta_calm: 0.9,
        btc_beta_stress: 1.1,
        vix: 18.0,
        vix_curve: vec![
            CurvePoint { days: 30.0, price: 20.0 },
            CurvePoint { days: 90.0, price: 22.0 },
        ],
        vix_ar_phi: 0.98,
        vix_mean_log: 2.87,
        vix_ar_sd: 0.074,
        vol_of_vol: 0.9,
        spx: 5000.0,
        spx_vol: 0.18,
        spx_div_yield: 0.015,
        rate: 0.04,
        funding_per_year: 0.1,
        band: Band::Normal,
        signals: vec![],
        moments: [point(0.1, -0.01, -0.02), point(0.5, -0.1, -0.1)],
        crypto: Default::default(),
    }
}

/// Moments under which the cover table's move is exactly `(vix_log, spx_log, target_log)`: the
/// hedge factors have no variance, the target's 1-in-20 quantile is `target_log`.
fn point(vix_log: f64, spx_log: f64, target_log: f64) -> RegimeMoments {
    RegimeMoments {
        vix_mean: vix_log,
        vix_sd: 0.0,
        spx_mean: spx_log,
        spx_sd: 0.0,
        target_mean: target_log - inverse_norm_cdf(0.05),
        target_sd: 1.0,
        corr_target_vix: 0.0,
        corr_target_spx: 0.0,
        corr_vix_spx: 0.0,
    }
}

fn one_layer(instrument: Instrument, strike: Option<StrikeRule>, budget: f64) -> Book {
    Book {
        name: "t".into(),
        budget,
        rolls: Default::default(),
        exposures: vec![Exposure::BtcSpot { value: 1_000_000.0 }],
        layers: vec![Layer {
            name: "l".into(),
            instrument,
            tenor_days: 30,
            strike,
            sizing: SizingRule::HedgeRatio {
                regime: Regime::Stress,
                weight: 1.0,
                decorrelation: false,
            },
            trigger: Trigger::Always,
            moneyness: None,
            settlement: None,
            venue: None,
            vol_series: None,
            skew: None,
        }],
        ..Default::default()
    }
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b} (tol {tol})");
}

#[test]
fn lp_share_and_value_hand_cases() {
    // √l = 0.5, √u = 2: (1 − 1/2)/(2 − 1/2 − 1/2) = 1/2.
    close(lp_risky_share([0.25, 4.0]), 0.5, 1e-15);
    // A narrow asymmetric range: l = 0.81, u = 1.21: (1 − 1/1.1)/(2 − 0.9 − 1/1.1).
    close(lp_risky_share([0.81, 1.21]), (1.0 - 1.0 / 1.1) / (2.0 - 0.9 - 1.0 / 1.1), 1e-15);
    close(lp_value(100.0, [0.81, 1.21], 1.0), 100.0, 1e-14);
    // Continuity at the range ends, and all-stable above the range.
    let l = 100.0 / (2.0 - 0.9 - 1.0 / 1.1);
    close(lp_value(100.0, [0.81, 1.21], 1.21), l * (1.1 - 0.9), 1e-14);
    close(lp_value(100.0, [0.81, 1.21], 2.0), l * (1.1 - 0.9), 1e-14);
    close(lp_value(100.0, [0.81, 1.21], 0.81), l * 0.81 * (1.0 / 0.9 - 1.0 / 1.1), 1e-14);
}

#[test]
fn default_book_notional() {
    let n = asset_notional(&Book::default_layered());
    // ETH: 500k spot + 200k perp + 300k LP × 0.5 (the [0.8, 1.25] range is symmetric in √p).
    close(n.btc, 1_000_000.0, 1e-15);
    close(n.eth, 850_000.0, 1e-12);
    close(n.nft, 250_000.0, 1e-15);
    close(n.total(), 2_100_000.0, 1e-12);
}

#[test]
fn vix_future_layer_hand_case() {
    let inp = inputs();
    let plan = size_book(&one_layer(Instrument::VixFuture, None, 1.0), &inp).unwrap();
    let l = &plan.layers[0];
    close(inp.future_beta(30.0), 0.658_069_246_108_815_5, 1e-14);
    close(l.quantity, 15.195_969_207_086_216, 1e-12);
    close(l.required_exposure, 200_000.0, 1e-15);
    // Roll-down 1000 (20 − E[VIX_30]) · 365/30 per contract, E = 18.589657863389483.
    close(plan.cost_per_year, 260_750.107_432_573_4, 1e-10);
    assert_eq!(plan.budget_scale, 1.0);
    close(plan.greeks.delta_log_vix, 200_000.0, 1e-12);
    // Stress cover: q · 1000 · 20 · (e^{0.5 β} − 1) over 1e6 (1 − e^{−0.1}).
    let pnl = l.quantity * 20_000.0 * ((0.5 * inp.future_beta(30.0)).exp() - 1.0);
    close(plan.cover[1].hedge_pnl, pnl, 1e-12);
    close(plan.cover[1].target_loss, 1e6 * (1.0 - (-0.1f64).exp()), 1e-12);
    close(plan.cover[1].cover.unwrap(), pnl / (1e6 * (1.0 - (-0.1f64).exp())), 1e-12);
}

#[test]
fn vix_call_spread_hand_case() {
    let plan = size_book(
        &one_layer(
            Instrument::VixCallSpread,
            Some(StrikeRule::Moneyness { long: 1.1, short: 1.6 }),
            10.0,
        ),
        &inputs(),
    )
    .unwrap();
    let l = &plan.layers[0];
    assert_eq!(l.strikes, Some([22.0, 32.0]));
    close(l.unit_price, 120.848_519_844_134_47, 1e-10);
    close(l.unit_sensitivity, 471.925_159_190_452_06, 1e-10);
    close(l.quantity, 423.796_011_094_393, 1e-10);
    close(plan.premium, 423.796_011_094_393 * 120.848_519_844_134_47, 1e-10);
    close(plan.cost_per_year, plan.premium * 365.0 / 30.0, 1e-12);
}

#[test]
fn cover_given_the_target_loss_carries_the_basis_risk() {
    // One VIX future layer; in stress X (change of log VIX) and Y (target) are jointly normal
    // with correlation -0.5. Given Y at its 5 % quantile, X ~ N(mu_c, s_c^2) with
    // mu_c = rho sd_x z and s_c = sd_x sqrt(1 - rho^2), so the layer's expected P&L is
    // q 1000 F (exp(beta mu_c + beta^2 s_c^2 / 2) - 1) and it covers a share c of the loss L
    // when X >= ln(1 + c L / (q 1000 F)) / beta: P = 1 - Phi((x_c - mu_c) / s_c).
    let mut inp = inputs();
    let (sd_x, sd_y, rho) = (0.4, 0.12, -0.5);
    inp.moments[1] = RegimeMoments {
        vix_mean: 0.0,
        vix_sd: sd_x,
        spx_mean: 0.0,
        spx_sd: 0.05,
        target_mean: 0.0,
        target_sd: sd_y,
        corr_target_vix: rho,
        corr_target_spx: 0.4,
        corr_vix_spx: -0.6,
    };
    let plan = size_book(&one_layer(Instrument::VixFuture, None, 1.0), &inp).unwrap();
    let q = plan.layers[0].quantity;
    let beta = inp.future_beta(30.0);
    let z = inverse_norm_cdf(0.05);
    let (mu_c, s_c) = (rho * sd_x * z, sd_x * (1.0 - rho * rho).sqrt());
    let c = &plan.cover[1];
    close(c.target_loss, 1e6 * (1.0 - (z * sd_y).exp()), 1e-12);
    close(c.shock.vix_log, mu_c, 1e-12);
    let expected = q * 20_000.0 * ((beta * mu_c + 0.5 * beta * beta * s_c * s_c).exp() - 1.0);
    // Gauss-Hermite: the closed form to 1e-10 relative.
    assert!((c.hedge_pnl / expected - 1.0).abs() < 1e-10, "{} vs {expected}", c.hedge_pnl);
    for p in &c.cover_probability {
        let x_c = (1.0 + p.level * c.target_loss / (q * 20_000.0)).ln() / beta;
        let want = 1.0 - norm_cdf((x_c - mu_c) / s_c);
        // Grid resolution 1/128 in probability.
        assert!(
            (p.probability - want).abs() < 1.0 / 128.0,
            "{}: {} vs {want}",
            p.level,
            p.probability
        );
    }
    // Perfect correlation promises more: the VIX at its own 1-in-20 rise.
    let perfect = q * 20_000.0 * ((beta * -z * sd_x).exp() - 1.0);
    close(c.hedge_pnl_perfect_correlation, perfect, 1e-12);
    assert!(c.hedge_pnl < c.hedge_pnl_perfect_correlation);
    // Inconsistent correlations are refused.
    let mut bad = inp.clone();
    bad.moments[1].corr_vix_spx = 0.99;
    bad.moments[1].corr_target_vix = -0.99;
    assert!(size_book(&one_layer(Instrument::VixFuture, None, 1.0), &bad).is_err());
}

#[test]
fn budget_scales_every_layer() {
    let free = size_book(&one_layer(Instrument::VixFuture, None, 1.0), &inputs()).unwrap();
    let tight = size_book(&one_layer(Instrument::VixFuture, None, 0.05), &inputs()).unwrap();
    close(tight.budget_scale, 50_000.0 / free.cost_per_year, 1e-12);
    close(tight.cost_per_year, 50_000.0, 1e-12);
    close(tight.layers[0].quantity, free.layers[0].quantity * tight.budget_scale, 1e-12);
}

#[test]
fn decorrelation_and_short_perp() {
    let mut book = one_layer(Instrument::ShortPerp, None, 1.0);
    book.layers[0].sizing =
        SizingRule::HedgeRatio { regime: Regime::Calm, weight: 0.5, decorrelation: true };
    let plan = size_book(&book, &inputs()).unwrap();
    // 0.5 · |0.9| · 5 · 1e6 USD of short perp, receiving 10 % funding a year.
    close(plan.layers[0].quantity, 2_250_000.0, 1e-15);
    close(plan.cost_per_year, -225_000.0, 1e-12);
    close(plan.greeks.crypto_delta_log, -2_250_000.0, 1e-15);
    close(plan.cover[1].hedge_pnl, 2_250_000.0 * (1.0 - (-0.1f64).exp()), 1e-12);
}

#[test]
fn delta_strike_rule_hits_the_deltas() {
    let plan = size_book(
        &one_layer(
            Instrument::VixCallSpread,
            Some(StrikeRule::Delta { long: 0.4, short: 0.15 }),
            10.0,
        ),
        &inputs(),
    )
    .unwrap();
    let k = plan.layers[0].strikes.unwrap();
    for (strike, target) in [(k[0], 0.4), (k[1], 0.15)] {
        let g = black76_greeks(&Black76Inputs {
            kind: OptionKind::Call,
            forward: 20.0,
            strike,
            vol: 0.9,
            t_years: 30.0 / 365.0,
            rate: 0.04,
        })
        .unwrap();
        close(g.delta, target, 1e-10);
    }
}

#[test]
fn greeks_match_finite_differences_of_the_revaluation() {
    for (instrument, strike) in [
        (Instrument::VixCallSpread, Some(StrikeRule::Moneyness { long: 1.0, short: 1.4 })),
        (Instrument::SpxPutSpread, Some(StrikeRule::Moneyness { long: 0.97, short: 0.9 })),
        (Instrument::VixFuture, None),
    ] {
        let eps = 1e-4;
        let mut inp = inputs();
        inp.moments = [point(eps, eps, 0.0), point(-eps, -eps, 0.0)];
        let plan = size_book(&one_layer(instrument, strike, 10.0), &inp).unwrap();
        let up = plan.cover[0].hedge_pnl;
        let dn = plan.cover[1].hedge_pnl;
        let g = plan.greeks;
        let (delta, gamma) = match instrument {
            Instrument::SpxPutSpread => (g.spx_delta_log, g.spx_gamma_log),
            _ => (g.delta_log_vix, g.gamma_log_vix),
        };
        close((up - dn) / (2.0 * eps), delta, 1e-6);
        close((up + dn) / (eps * eps), gamma, 1e-4);
    }
}

#[test]
fn triggers_switch_layers_off() {
    let mut inp = inputs();
    inp.band = Band::Calm;
    let plan = size_book(&Book::default_layered(), &inp).unwrap();
    assert!(plan.layers[0].active && plan.layers[0].quantity > 0.0);
    assert!(!plan.layers[1].active && plan.layers[1].quantity == 0.0);
    assert!(!plan.layers[2].active);
    inp.band = Band::Stress;
    inp.signals = vec!["vix-signal".into()];
    let plan = size_book(&Book::default_layered(), &inp).unwrap();
    assert!(plan.layers.iter().all(|l| l.active && l.quantity > 0.0));
    // The SPX layer asks for 0.25 · 1.2 · N of short SPX dollar delta before the budget.
    close(plan.layers[2].required_exposure, 0.25 * 1.2 * 2_100_000.0, 1e-12);
    assert!(plan.cover[1].cover.unwrap() > 0.0);
}

#[test]
fn bad_inputs_are_errors_not_nan() {
    let mut inp = inputs();
    inp.vix_ar_phi = 1.0;
    assert!(size_book(&Book::default_layered(), &inp).is_err());
    let mut book = Book::default_layered();
    book.exposures.clear();
    assert!(size_book(&book, &inputs()).unwrap_err().to_string().contains("no positive delta"));
}
