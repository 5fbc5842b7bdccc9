//! The LP scenario break-even fee APR against `tests/golden/lp_breakeven.json`, produced by
//! `tests/golden/gen_lp_breakeven.py` (decimal at 60 digits, whitepaper v3 amounts).
//! Tolerance: the JSON's `tolerance_rel` (1e-12 relative).
//!
//! r11 item 7 (issue 11): the break-even used to divide the impermanent loss (a fraction of the
//! hold value at the end price) by the horizon, while the fee APR is on the initial value;
//! both are now on the initial value, and a scenario ending out of range is flagged.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers panic on malformed fixtures.

use crosshedge_defi::{
    lp_break_even, BreakEvenInputs, ConcentratedPosition, LpShape, PriceScenario,
};
use serde_json::Value;

const GOLDEN: &str = include_str!("golden/lp_breakeven.json");

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
fn scenario_break_even_is_on_the_initial_value() {
    let g: Value = serde_json::from_str(GOLDEN).unwrap();
    let tol = num(&g, "tolerance_rel");
    let cases = g["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    let mut out_of_range = 0;
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let p0 = num(c, "price");
        let shape = if c["model"] == "v3" {
            let (lo, hi) = (num(c, "lower"), num(c, "upper"));
            // The position's amounts at P0 (scaled to the value) against the whitepaper.
            let unit = ConcentratedPosition::new(1.0, lo, hi).unwrap();
            let l = num(c, "value") / unit.valuation(p0).unwrap().value;
            assert_rel(l, num(c, "liquidity"), tol, name);
            let a = ConcentratedPosition::new(l, lo, hi).unwrap().valuation(p0).unwrap().amounts;
            assert_rel(a.x, num(c, "x"), tol, name);
            assert_rel(a.y, num(c, "y"), tol, name);
            LpShape::Concentrated { price_lower: lo, price_upper: hi }
        } else {
            LpShape::ConstantProduct
        };
        let r = lp_break_even(&BreakEvenInputs {
            shape,
            price: p0,
            sigma_ann: 0.7,
            hedge_cost_ann: num(c, "hedge_cost"),
            fee_apr: 0.3,
            scenario: Some(PriceScenario {
                price_end: p0 * (1.0 + num(c, "move")),
                horizon_years: num(c, "horizon_days") / 365.0,
            }),
        })
        .unwrap();
        assert_rel(r.scenario_il.unwrap(), num(c, "impermanent_loss"), tol, name);
        assert_rel(
            r.scenario_loss_of_initial_value.unwrap(),
            num(c, "loss_of_initial_value"),
            tol,
            name,
        );
        assert_rel(
            r.breakeven_fee_apr_scenario.unwrap(),
            num(c, "breakeven_fee_apr_scenario"),
            tol,
            name,
        );
        // The fix matters in every case: the mixed-base figure differs by more than 1e-3.
        assert!(
            (r.breakeven_fee_apr_scenario.unwrap() - num(c, "mixed_base_apr_before_fix")).abs()
                > 1e-3,
            "{name}"
        );
        let flag = r.scenario_out_of_range.unwrap();
        assert_eq!(flag, c["out_of_range"].as_bool().unwrap(), "{name}");
        out_of_range += usize::from(flag);
    }
    assert_eq!(out_of_range, 2);
    // The README example: 81.3 %, not 89.5 %.
    let readme = &cases[0];
    assert!((num(readme, "breakeven_fee_apr_scenario") - 0.8125).abs() < 1e-3);
}
