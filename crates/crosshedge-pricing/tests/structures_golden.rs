//! Vertical spreads and the carry-adjusted break-even against `tests/golden/structures.json`
//! (produced by `tests/golden/gen_structures.py`: mpmath Black–Scholes legs and break-evens by
//! root finding on each linear piece). Tolerance: the JSON's `tolerance_rel` (1e-11 relative;
//! absolute 1e-9 for values near 0).
//!
//! The convention checked (issue 11, item 5): the carry-adjusted break-even finances the
//! premium (and units of the underlying held alongside), never the other inventory, whose
//! financing is reported apart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers panic on malformed fixtures.

use crosshedge_core::Date;
use crosshedge_pricing::structures::{CarryInputs, Extremum, Structure};
use crosshedge_pricing::{black_scholes_price, BlackScholesInputs, OptionKind};
use serde_json::Value;

const GOLDEN: &str = include_str!("golden/structures.json");

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    let scale = actual.abs().max(expected.abs()).max(1.0);
    assert!(
        (actual - expected).abs() <= tol * scale,
        "{what}: actual {actual} expected {expected} (tol {tol:e} relative, floor 1)"
    );
}

#[test]
fn carry_adjusted_break_even_matches_mpmath_reference() {
    let g: Value = serde_json::from_str(GOLDEN).unwrap();
    let tol = num(&g, "tolerance_rel");
    let expiry = Date::from_ymd_opt(2026, 6, 19).unwrap();
    let cases = g["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let kind = if c["kind"] == "call" { OptionKind::Call } else { OptionKind::Put };
        let t = num(c, "expiry_days") / 365.0;
        let spot = num(c, "spot");
        let price = |k: f64| {
            black_scholes_price(&BlackScholesInputs {
                kind,
                spot,
                strike: k,
                vol: num(c, "vol"),
                t_years: t,
                rate: num(c, "rate"),
                div_yield: num(c, "div_yield"),
            })
        };
        let s = Structure::vertical_spread(
            kind,
            num(c, "long"),
            num(c, "short"),
            expiry,
            num(c, "quantity"),
        )
        .unwrap()
        .with_premiums(|l| price(l.strike))
        .unwrap();
        let a = s.analyze().unwrap();
        assert_close(a.net_premium, num(c, "net_premium"), tol, name);
        let be: Vec<f64> =
            c["break_evens"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert_eq!(a.break_evens.len(), be.len(), "{name}");
        for (x, y) in a.break_evens.iter().zip(&be) {
            assert_close(*x, *y, tol, name);
        }
        let carry = s
            .carry_adjusted(&CarryInputs {
                rate: num(c, "carry_rate"),
                holding_years: t,
                inventory_quantity: num(c, "inventory_qty"),
                inventory_entry_price: spot,
                other_financed_value: num(c, "inventory_value"),
            })
            .unwrap();
        assert_close(carry.financing_cost, num(c, "carry_financing_cost"), tol, name);
        assert_close(carry.premium_financing_cost, num(c, "premium_financing_cost"), tol, name);
        assert_close(carry.inventory_financing_cost, num(c, "inventory_financing_cost"), tol, name);
        let cbe: Vec<f64> = c["carry_break_evens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert!(!cbe.is_empty(), "{name}: the reference has a carry-adjusted break-even");
        assert_eq!(carry.break_evens.len(), cbe.len(), "{name}: {:?}", carry.break_evens);
        for (x, y) in carry.break_evens.iter().zip(&cbe) {
            assert_close(*x, *y, tol, name);
        }
        match (carry.max_gain, c["carry_max_gain"].as_f64()) {
            (Extremum::Finite { value, .. }, Some(v)) => {
                assert!(value > 0.0, "{name}: a debit spread's carry max gain is positive");
                assert_close(value, v, tol, name);
            }
            (Extremum::Unbounded, None) => {}
            (got, want) => panic!("{name}: max gain {got:?}, reference {want:?}"),
        }
        match carry.max_loss {
            Extremum::Finite { value, .. } => {
                assert_close(value, num(c, "carry_max_loss"), tol, name);
            }
            Extremum::Unbounded => panic!("{name}: unbounded carry max loss"),
        }
    }
}
