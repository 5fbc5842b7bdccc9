//! Property tests: structure break-evens are roots of the P&L and the extremes bound a dense
//! grid; parity edges vanish on model prices without costs and turn negative with costs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_core::Date;
use crosshedge_pricing::parity::{ChainRow, ParityMarket, Underlying};
use crosshedge_pricing::structures::{Extremum, Leg, Structure};
use crosshedge_pricing::{black_scholes_price, BlackScholesInputs, OptionKind};
use proptest::prelude::*;

fn expiry() -> Date {
    Date::from_ymd_opt(2025, 6, 20).unwrap()
}

fn leg_strategy() -> impl Strategy<Value = Leg> {
    (any::<bool>(), 50.0f64..150.0, -3i32..=3, 0.0f64..10.0).prop_map(
        |(call, strike, q, premium)| Leg {
            kind: if call { OptionKind::Call } else { OptionKind::Put },
            strike: (strike * 4.0).round() / 4.0,
            quantity: f64::from(q),
            expiry: expiry(),
            premium,
        },
    )
}

proptest! {
    #[test]
    fn prop_break_evens_are_roots_and_extremes_bound_the_grid(legs in prop::collection::vec(leg_strategy(), 1..6)) {
        let s = Structure::new(legs).unwrap();
        let a = s.analyze().unwrap();
        for &be in &a.break_evens {
            prop_assert!(be >= 0.0);
            prop_assert!(s.pnl_at_expiry(be).abs() < 1e-9, "pnl({}) = {}", be, s.pnl_at_expiry(be));
        }
        let grid: Vec<f64> = (0..=4000).map(|i| f64::from(i) * 0.1).collect();
        let mut pnl = vec![0.0; grid.len()];
        s.pnl_grid(&grid, &mut pnl).unwrap();
        // Sign changes on the grid are bracketed by break-evens.
        for w in grid.windows(2).zip(pnl.windows(2)) {
            let ((g0, g1), (p0, p1)) = ((w.0[0], w.0[1]), (w.1[0], w.1[1]));
            if p0 * p1 < 0.0 {
                prop_assert!(a.break_evens.iter().any(|&b| b >= g0 - 1e-9 && b <= g1 + 1e-9), "no break-even in [{}, {}]", g0, g1);
            }
        }
        let best = pnl.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let worst = pnl.iter().copied().fold(f64::INFINITY, f64::min);
        if let Extremum::Finite { value, .. } = a.max_gain {
            prop_assert!(best <= value + 1e-9);
        }
        if let Extremum::Finite { value, .. } = a.max_loss {
            prop_assert!(-worst <= value + 1e-9);
        }
    }

    #[test]
    fn prop_parity_edges_vanish_on_model_prices(
        spot in 50.0f64..200.0, m in 0.7f64..1.3, vol in 0.05f64..0.8, days in 5i64..700, r in 0.0f64..0.08, q in 0.0f64..0.04
    ) {
        let as_of = Date::from_ymd_opt(2024, 1, 2).unwrap();
        let exp = as_of + chrono::Duration::days(days);
        let t = days as f64 / 365.0;
        let strike = spot * m;
        let price = |kind| black_scholes_price(&BlackScholesInputs { kind, spot, strike, vol, t_years: t, rate: r, div_yield: q }).unwrap();
        let (c, p) = (price(OptionKind::Call), price(OptionKind::Put));
        let row = ChainRow { strike, expiry: exp, call_bid: c, call_ask: c, put_bid: p, put_ask: p };
        let market = ParityMarket {
            underlying: Underlying::Spot { div_yield: q },
            underlying_bid: spot,
            underlying_ask: spot,
            as_of,
            borrow_rate: r,
            lend_rate: r,
            commission_per_leg: 0.0,
        };
        let chk = market.check(&row).unwrap();
        prop_assert!(chk.conversion_edge.abs() < 1e-10 * spot && chk.reversal_edge.abs() < 1e-10 * spot, "{:?}", chk);
        // Costs, spreads and a borrow/lend gap make both trades lose.
        let costly = ParityMarket { underlying_bid: spot * 0.999, underlying_ask: spot * 1.001, borrow_rate: r + 0.01, commission_per_leg: 0.01, ..market };
        let chk = costly.check(&row).unwrap();
        prop_assert!(chk.conversion_edge < 0.0 && chk.reversal_edge < 0.0 && chk.violation().is_none());
    }
}
