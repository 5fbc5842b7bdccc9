//! Golden tests against `tests/golden/defi_golden.json`, produced by `tests/golden/gen_defi.py`
//! with exact arithmetic (Python integers for TickMath, `decimal` at 60 digits for the
//! whitepaper formulas, IL, LVR and liquidation prices).
//!
//! Tolerance: 1e-12 relative for closed forms (the JSON's `tolerance_rel`); exact equality for
//! the integer TickMath results.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers panic on malformed fixtures.

use crosshedge_defi::{
    impermanent_loss_v2, lvr_concentrated, lvr_concentrated_rate, lvr_rate_constant_product,
    price_at_tick, sqrt_ratio_at_tick, tick_at_sqrt_ratio, ConcentratedPosition,
    ConstantProductPool, ContractKind, MarginParams, PerpPosition, Side, TokenAmounts, U256,
};
use serde_json::Value;

const GOLDEN: &str = include_str!("golden/defi_golden.json");

fn golden() -> Value {
    serde_json::from_str(GOLDEN).expect("golden json parses")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let scale = actual.abs().max(expected.abs());
    assert!(
        (actual - expected).abs() <= tol * scale,
        "{what}: actual {actual:e} expected {expected:e} (rel tol {tol:e})"
    );
}

#[test]
fn golden_tick_math_exact() {
    let g = golden();
    let cases = g["tick_cases"].as_array().unwrap();
    assert!(cases.len() > 50);
    for c in cases {
        let tick = c["tick"].as_i64().unwrap() as i32;
        let s = U256::from_dec_str(c["sqrt_price_x96"].as_str().unwrap()).unwrap();
        assert_eq!(sqrt_ratio_at_tick(tick).unwrap(), s, "tick {tick}");
        if tick < crosshedge_defi::tick::MAX_TICK {
            assert_eq!(tick_at_sqrt_ratio(s).unwrap(), tick, "tick {tick}");
        } else {
            // MAX_SQRT_RATIO itself is excluded: the price can never reach the top tick.
            assert!(tick_at_sqrt_ratio(s).is_err());
        }
        assert_rel(price_at_tick(tick), num(c, "price"), 1e-12, "price_at_tick");
        assert_rel(
            crosshedge_defi::tick::sqrt_price_at_tick(tick),
            num(c, "sqrt_price"),
            1e-12,
            "sqrt_price_at_tick",
        );
    }
    for c in g["sqrt_price_cases"].as_array().unwrap() {
        let s = U256::from_dec_str(c["sqrt_price_x96"].as_str().unwrap()).unwrap();
        assert_eq!(tick_at_sqrt_ratio(s).unwrap() as i64, c["tick"].as_i64().unwrap());
        assert_rel(
            crosshedge_defi::price_from_sqrt_price_x96(s),
            num(c, "price"),
            1e-12,
            "price_from_sqrt_price_x96",
        );
    }
}

#[test]
fn golden_v3_amounts_value_liquidity() {
    let g = golden();
    let tol = num(&g, "tolerance_rel");
    for c in g["v3_amount_cases"].as_array().unwrap() {
        let (p, pa, pb) = (num(c, "price"), num(c, "price_lower"), num(c, "price_upper"));
        let pos = ConcentratedPosition::new(num(c, "liquidity"), pa, pb).unwrap();
        let v = pos.valuation(p).unwrap();
        for (a, e, w) in [(v.amounts.x, num(c, "x"), "x"), (v.amounts.y, num(c, "y"), "y")] {
            if e == 0.0 {
                assert_eq!(a, 0.0, "{w} at {c}");
            } else {
                assert_rel(a, e, tol, w);
            }
        }
        assert_rel(v.value, num(c, "value"), tol, "value");
        let amounts = TokenAmounts { x: num(c, "x"), y: num(c, "y") };
        let back = ConcentratedPosition::from_amounts(amounts, p, pa, pb).unwrap();
        assert_rel(back.liquidity, num(c, "liquidity_from_amounts"), tol, "liquidity");
        // Round trip amounts -> L -> amounts.
        assert_rel(back.liquidity, num(c, "liquidity"), 1e-11, "round trip liquidity");
    }
}

#[test]
fn golden_impermanent_loss() {
    let g = golden();
    let tol = num(&g, "tolerance_rel");
    for c in g["il_v2_cases"].as_array().unwrap() {
        let il = impermanent_loss_v2(num(c, "price_start"), num(c, "price_end")).unwrap();
        let e = num(c, "il");
        if e == 0.0 {
            assert_eq!(il, 0.0);
        } else {
            assert_rel(il, e, tol, "il v2");
        }
    }
    for c in g["il_v3_cases"].as_array().unwrap() {
        let pos = ConcentratedPosition::new(
            num(c, "liquidity"),
            num(c, "price_lower"),
            num(c, "price_upper"),
        )
        .unwrap();
        let il = pos.impermanent_loss(num(c, "price_start"), num(c, "price_end")).unwrap();
        // IL is a difference of two O(1) ratios: compare absolutely at 1e-12.
        assert!((il - num(c, "il")).abs() < 1e-12, "il v3 {il} vs {}", num(c, "il"));
    }
}

#[test]
fn golden_lvr() {
    let g = golden();
    let tol = num(&g, "tolerance_rel");
    for c in g["lvr_cases"].as_array().unwrap() {
        let pos = ConcentratedPosition::new(
            num(c, "liquidity"),
            num(c, "price_lower"),
            num(c, "price_upper"),
        )
        .unwrap();
        let sigma = num(c, "sigma");
        assert_rel(
            lvr_concentrated(sigma, &pos, num(c, "price")).unwrap(),
            num(c, "lvr"),
            tol,
            "lvr",
        );
        let r = lvr_concentrated_rate(sigma, &pos, num(c, "price")).unwrap();
        assert_rel(r.lvr_rate, num(c, "lvr_rate"), tol, "lvr rate");
        assert_rel(lvr_rate_constant_product(sigma).unwrap(), num(c, "cp_rate"), tol, "cp rate");
    }
}

#[test]
fn golden_v2_swaps() {
    let g = golden();
    let tol = num(&g, "tolerance_rel");
    for c in g["v2_swap_cases"].as_array().unwrap() {
        let mut pool =
            ConstantProductPool::new(num(c, "reserve_x"), num(c, "reserve_y"), num(c, "fee"))
                .unwrap();
        let r = pool.swap_x_for_y(num(c, "amount_in")).unwrap();
        assert_rel(r.amount_out, num(c, "amount_out"), tol, "v2 amount out");
    }
}

#[test]
fn golden_liquidation_prices() {
    let g = golden();
    let tol = num(&g, "tolerance_rel");
    for c in g["liquidation_cases"].as_array().unwrap() {
        let kind = match c["kind"].as_str().unwrap() {
            "linear" => ContractKind::Linear,
            _ => ContractKind::Inverse,
        };
        let side = match c["side"].as_str().unwrap() {
            "long" => Side::Long,
            _ => Side::Short,
        };
        let pos = PerpPosition::with_leverage(
            kind,
            side,
            num(c, "quantity"),
            num(c, "entry_price"),
            num(c, "leverage"),
        )
        .unwrap();
        assert_rel(pos.margin, num(c, "margin"), tol, "margin");
        let params = MarginParams::new(
            num(c, "mmr"),
            num(c, "maintenance_amount"),
            num(c, "close_fee_rate"),
        )
        .unwrap();
        let lp = pos.liquidation_price(&params).unwrap();
        assert_rel(lp, num(c, "liquidation_price"), tol, "liquidation price");
    }
}

#[test]
fn golden_options_amm_book() {
    use crosshedge_defi::{OptionKind, OptionsAmmBook, ShortOptionLeg, UnderlyingQuote};
    let g = golden();
    let b = &g["options_amm"];
    let legs = b["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| ShortOptionLeg {
            kind: if l["kind"] == "call" { OptionKind::Call } else { OptionKind::Put },
            strike: num(l, "strike"),
            t_years: num(l, "t_years"),
            vol: num(l, "vol"),
            quantity_short: num(l, "quantity_short"),
        })
        .collect();
    let book = OptionsAmmBook::new(
        legs,
        num(b, "collateral"),
        num(b, "premiums_received"),
        num(b, "fees_received"),
    )
    .unwrap()
    .with_hedge(num(b, "hedge_units"), num(b, "hedge_entry_price"))
    .unwrap();
    for c in b["cases"].as_array().unwrap() {
        let quote = if c["quote"] == "spot" {
            UnderlyingQuote::Spot {
                spot: num(c, "level"),
                rate: num(c, "rate"),
                div_yield: num(c, "div_yield"),
            }
        } else {
            UnderlyingQuote::Forward { forward: num(c, "level"), rate: num(c, "rate") }
        };
        let v = book.valuation(&quote, 0.0).unwrap();
        // Value and every greek at 1e-12 relative (reference: mpmath at 50 digits, greeks by
        // high-precision numerical differentiation of the price).
        assert_rel(v.nav, num(c, "nav"), 1e-12, "nav");
        assert_rel(v.option_liability, num(c, "option_liability"), 1e-12, "liability");
        assert_rel(v.greeks.delta, num(c, "delta"), 1e-12, "delta");
        assert_rel(v.greeks.vega, num(c, "vega"), 1e-12, "vega");
        assert_rel(v.greeks.theta, num(c, "theta"), 1e-12, "theta");
        assert_rel(v.greeks.rho, num(c, "rho"), 1e-12, "rho");
        assert_rel(v.greeks.gamma, num(c, "gamma"), 1e-12, "gamma");
    }
}
