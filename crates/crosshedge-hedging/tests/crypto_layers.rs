#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Crypto option and short spot layers: book parsing and errors, sizing against the Black-76
//! closed form (itself checked against QuantLib in crosshedge-pricing's golden tests).

use crosshedge_hedging::{
    size_book, skewed_vol, Band, Book, CoinMarket, CryptoInputs, CryptoSettlement, CurvePoint,
    Exposure, HedgingError, Instrument, Layer, Regime, RegimeMoments, SizingInputs, SizingRule,
    StrikeRule,
};
use crosshedge_pricing::normal::inverse_norm_cdf;
use crosshedge_pricing::{black76_greeks, Black76Inputs, OptionKind};

fn point(target_log: f64) -> RegimeMoments {
    RegimeMoments {
        vix_mean: 0.0,
        vix_sd: 0.0,
        spx_mean: 0.0,
        spx_sd: 0.0,
        target_mean: target_log - inverse_norm_cdf(0.05),
        target_sd: 1.0,
        corr_target_vix: 0.0,
        corr_target_spx: 0.0,
        corr_vix_spx: 0.0,
    }
}

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
        vix_curve: vec![CurvePoint { days: 30.0, price: 20.0 }],
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
        moments: [point(-0.05), point(-0.3)],
        crypto: CryptoInputs {
            btc: Some(CoinMarket { spot: 60_000.0, vol: 0.6, skew: 0.0 }),
            eth: None,
        },
    }
}

fn book(layer: Layer) -> Book {
    Book {
        name: "t".into(),
        budget: 10.0,
        exposures: vec![Exposure::BtcSpot { value: 1_000_000.0 }],
        layers: vec![layer],
        ..Default::default()
    }
}

fn stress(weight: f64) -> SizingRule {
    SizingRule::HedgeRatio { regime: Regime::Stress, weight, decorrelation: false }
}

fn b76(kind: OptionKind, f: f64, k: f64, vol: f64, t: f64, rate: f64) -> f64 {
    black76_greeks(&Black76Inputs { kind, forward: f, strike: k, vol, t_years: t, rate })
        .unwrap()
        .price
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b} (tol {tol})");
}

#[test]
fn a_btc_put_is_sized_on_the_btc_beta_and_priced_by_black76() {
    let mut l = Layer::new("puts", Instrument::BtcPut, 30, None, stress(1.0));
    l.moneyness = Some(0.85);
    let plan = size_book(&book(l), &inputs()).unwrap();
    let p = &plan.layers[0];
    let t = 30.0 / 365.0;
    let k = 0.85 * 60_000.0;
    // Inverse (the default): coin rates zero, so the USD value is the undiscounted Black value.
    let price = b76(OptionKind::Put, 60_000.0, k, 0.6, t, 0.0);
    close(p.unit_price, price, 1e-14);
    assert_eq!(p.strikes, Some([k, k]));
    let delta = black76_greeks(&Black76Inputs {
        kind: OptionKind::Put,
        forward: 60_000.0,
        strike: k,
        vol: 0.6,
        t_years: t,
        rate: 0.0,
    })
    .unwrap()
    .delta;
    // 1.1 (stress BTC beta) × 1e6 USD per unit log fall, from puts worth −Δ·S each.
    close(p.quantity, 1.1e6 / (-delta * 60_000.0), 1e-12);
    close(p.premium, p.quantity * price, 1e-12);
    close(p.cost_per_year, p.quantity * price * 365.0 / 30.0, 1e-12);
    // The stress cover: the put revalued after the 30 % fall.
    let s1 = 60_000.0 * (-0.3f64).exp();
    let pnl = p.quantity * (b76(OptionKind::Put, s1, k, 0.6, t, 0.0) - price);
    close(plan.cover[1].hedge_pnl, pnl, 1e-9);
}

#[test]
fn linear_options_discount_at_the_usd_rate_and_spreads_use_their_skewed_legs() {
    let mut l = Layer::new(
        "spread",
        Instrument::BtcPutSpread,
        60,
        Some(StrikeRule::Moneyness { long: 0.9, short: 0.7 }),
        stress(0.5),
    );
    l.settlement = Some(CryptoSettlement::Linear);
    l.skew = Some(0.2);
    let plan = size_book(&book(l), &inputs()).unwrap();
    let t = 60.0 / 365.0;
    let (kh, kl) = (54_000.0, 42_000.0);
    let vh = skewed_vol(0.6, 0.2, 60_000.0, kh);
    let vl = skewed_vol(0.6, 0.2, 60_000.0, kl);
    close(vh, 0.6 + 0.2 * (60_000.0f64 / kh).ln(), 1e-15);
    let price = b76(OptionKind::Put, 60_000.0, kh, vh, t, 0.04)
        - b76(OptionKind::Put, 60_000.0, kl, vl, t, 0.04);
    close(plan.layers[0].unit_price, price, 1e-13);
    assert_eq!(plan.layers[0].strikes, Some([kh, kl]));
    assert_eq!(plan.layers[0].crypto_vol.unwrap().skew, 0.2);
}

#[test]
fn short_spot_is_a_unit_delta_hedge_with_no_carry() {
    let plan =
        size_book(&book(Layer::new("s", Instrument::ShortSpot, 30, None, stress(1.0))), &inputs())
            .unwrap();
    close(plan.layers[0].quantity, 1.1e6, 1e-15);
    assert_eq!(plan.cost_per_year, 0.0);
    close(plan.cover[1].hedge_pnl, 1.1e6 * (1.0 - (-0.3f64).exp()), 1e-12);
}

#[test]
fn a_crypto_option_without_a_market_is_an_error_naming_the_layer() {
    let l = Layer::new("eth puts", Instrument::EthPut, 30, None, stress(1.0));
    let e = size_book(&book(l), &inputs()).unwrap_err();
    assert!(matches!(e, HedgingError::NoCryptoMarket { coin: "eth", .. }), "{e}");
    assert!(e.to_string().starts_with("layer 1 \"eth puts\": no eth spot"), "{e}");
}

#[test]
fn the_book_parses_the_new_instruments_and_locates_bad_fields() {
    let text = r#"
name = "crypto"
budget = 0.04
[[exposure]]
kind = "btc-spot"
value = 1e6
[[layer]]
name = "p"
instrument = "btc-put-spread"
tenor-days = 30
strike = { rule = "moneyness", long = 0.9, short = 0.7 }
sizing = { rule = "hedge-ratio", regime = "stress", weight = 1.0 }
settlement = "linear"
venue = "deribit"
vol-series = "dvol-btc"
skew = 0.1
[[layer]]
name = "perp"
instrument = "short-perp"
tenor-days = 30
sizing = { rule = "hedge-ratio", regime = "stress", weight = 1.0 }
venue = "ftx"
"#;
    let b = Book::parse_toml(text).unwrap();
    assert_eq!(b.layers[0].instrument, Instrument::BtcPutSpread);
    assert_eq!(b.layers[0].settlement, Some(CryptoSettlement::Linear));
    assert_eq!(b.layers[0].vol_series.as_deref(), Some("dvol-btc"));
    assert_eq!(b.layers[1].venue.as_deref(), Some("ftx"));
    // Round trip.
    assert_eq!(Book::parse_toml(&b.to_toml().unwrap()).unwrap(), b);
    // An unknown instrument: the line and column of its value.
    let bad = text.replace("\"btc-put-spread\"", "\"btc-straddle\"");
    let e = Book::parse_toml(&bad).unwrap_err().to_string();
    assert!(e.starts_with("book line 9, column 14:"), "{e}");
    // A crypto field on a VIX layer; a venue on a spread; put-spread strikes in the wrong order.
    let bad = text.replace("instrument = \"short-perp\"", "instrument = \"vix-future\"");
    let e = Book::parse_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("line 22") && e.contains("venue applies only"), "{e}");
    let bad = text.replace("long = 0.9, short = 0.7", "long = 0.7, short = 0.9");
    let e = Book::parse_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("strike.short must be further out of the money"), "{e}");
    let bad = text.replace("skew = 0.1", "skew = 50");
    let e = Book::parse_toml(&bad).unwrap_err().to_string();
    assert!(e.starts_with("book line 16, column 8:") && e.contains("skew"), "{e}");
    let bad = text.replace("venue = \"ftx\"", "venue = \"FTX!\"");
    assert!(Book::parse_toml(&bad).unwrap_err().to_string().contains("lower-case"));
    let bad = text.replace("settlement = \"linear\"", "settlement = \"usd\"");
    let e = Book::parse_toml(&bad).unwrap_err().to_string();
    assert!(e.starts_with("book line 13, column 14:"), "{e}");
}
