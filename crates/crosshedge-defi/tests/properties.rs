//! Property tests (STYLE.md §7 conformance for AMMs): the invariant does not fall after a swap
//! with fees, a round-trip swap never profits, and exactness/round-trip properties of the
//! conversions.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers panic on malformed fixtures.

use crosshedge_defi::{
    sqrt_ratio_at_tick, tick_at_sqrt_ratio, ConcentratedPool, ConcentratedPosition,
    ConstantProductPool, ContractKind, MarginParams, PerpPosition, Side, U256,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn prop_v2_invariant_does_not_fall(
        rx in 1e-2f64..1e9,
        price in 1e-6f64..1e6,
        fee in 1e-4f64..0.05,
        frac in 1e-6f64..10.0,
        x_in in any::<bool>(),
    ) {
        let mut pool = ConstantProductPool::new(rx, rx * price, fee).unwrap();
        let k0 = pool.invariant();
        if x_in {
            pool.swap_x_for_y(frac * rx).unwrap();
        } else {
            pool.swap_y_for_x(frac * rx * price).unwrap();
        }
        prop_assert!(pool.invariant() >= k0, "k fell: {} -> {}", k0, pool.invariant());
        prop_assert!(pool.reserve_x > 0.0 && pool.reserve_y > 0.0);
    }

    #[test]
    fn prop_v2_round_trip_never_profits(
        rx in 1e-2f64..1e9,
        price in 1e-6f64..1e6,
        fee in 0.0f64..0.05,
        frac in 1e-6f64..10.0,
    ) {
        let mut pool = ConstantProductPool::new(rx, rx * price, fee).unwrap();
        let dx = frac * rx;
        let dy = pool.swap_x_for_y(dx).unwrap().amount_out;
        let back = pool.swap_y_for_x(dy).unwrap().amount_out;
        prop_assert!(back <= dx * (1.0 + 4.0 * f64::EPSILON), "profit: in {} back {}", dx, back);
        if fee > 0.0 {
            prop_assert!(back < dx);
        }
    }

    #[test]
    fn prop_v3_invariant_with_fees_does_not_fall(
        l in 1.0f64..1e9,
        pa in 1e-3f64..1e4,
        width in 1.01f64..10.0,
        pos in 0.05f64..0.95,
        fee in 1e-4f64..0.01,
        frac in 1e-6f64..0.9,
        x_in in any::<bool>(),
    ) {
        let pb = pa * width;
        let p = pa + pos * (pb - pa);
        let mut pool = ConcentratedPool::new(l, p, pa, pb, fee).unwrap();
        let k0 = pool.invariant_with_fees();
        // Size the trade as a fraction of what the range can absorb in that direction.
        let r = pool.reserves();
        let res = if x_in {
            pool.swap_x_for_y(frac * (l / pa.sqrt() - l / p.sqrt()))
        } else {
            pool.swap_y_for_x(frac * l * (pb.sqrt() - p.sqrt()))
        };
        prop_assert!(res.is_ok(), "{:?} reserves {:?}", res, r);
        let k1 = pool.invariant_with_fees();
        prop_assert!(k1 >= k0 * (1.0 - 4.0 * f64::EPSILON), "k fell: {} -> {}", k0, k1);
        prop_assert!(pool.sqrt_price >= pool.sqrt_price_lower && pool.sqrt_price <= pool.sqrt_price_upper);
    }

    #[test]
    fn prop_v3_round_trip_never_profits(
        l in 1.0f64..1e9,
        pa in 1e-3f64..1e4,
        width in 1.01f64..10.0,
        pos in 0.05f64..0.95,
        fee in 0.0f64..0.01,
        frac in 1e-6f64..0.9,
    ) {
        let pb = pa * width;
        let p = pa + pos * (pb - pa);
        let mut pool = ConcentratedPool::new(l, p, pa, pb, fee).unwrap();
        let dy = frac * l * (pb.sqrt() - p.sqrt());
        let dx = pool.swap_y_for_x(dy).unwrap().amount_out;
        let back = pool.swap_x_for_y(dx).unwrap().amount_out;
        prop_assert!(back <= dy * (1.0 + 1e-12), "profit: in {} back {}", dy, back);
        if fee >= 1e-4 {
            prop_assert!(back < dy);
        }
    }

    #[test]
    fn prop_v3_amounts_liquidity_round_trip(
        l in 1e-3f64..1e12,
        pa in 1e-4f64..1e5,
        width in 1.001f64..100.0,
        pos in -0.5f64..1.5,
    ) {
        let pb = pa * width;
        let p = (pa + pos * (pb - pa)).max(pa * 0.5);
        let position = ConcentratedPosition::new(l, pa, pb).unwrap();
        let amounts = position.valuation(p).unwrap().amounts;
        let back = ConcentratedPosition::from_amounts(amounts, p, pa, pb).unwrap();
        prop_assert!((back.liquidity / l - 1.0).abs() < 1e-9, "{} vs {}", back.liquidity, l);
    }

    #[test]
    fn prop_tick_sqrt_ratio_inverse(tick in -887_272i32..887_272) {
        let s = sqrt_ratio_at_tick(tick).unwrap();
        prop_assert_eq!(tick_at_sqrt_ratio(s).unwrap(), tick);
        let next = sqrt_ratio_at_tick(tick + 1).unwrap();
        prop_assert!(next > s);
        prop_assert_eq!(tick_at_sqrt_ratio(next.wrapping_sub(U256::ONE)).unwrap(), tick);
    }

    #[test]
    fn prop_u256_to_f64_matches_std_parse(digits in "[1-9][0-9]{0,76}") {
        if let Ok(v) = U256::from_dec_str(&digits) {
            prop_assert_eq!(v.to_f64(), digits.parse::<f64>().unwrap());
            prop_assert_eq!(v.to_string(), digits);
        }
    }

    #[test]
    fn prop_fee_growth_inside_is_additive_over_adjacent_ranges(
        g in any::<u128>(),
        o in proptest::array::uniform3(any::<u128>()),
        ticks in (-1000i32..1000, 1i32..500, 1i32..500),
        current in -2000i32..2000,
    ) {
        use crosshedge_defi::{fee_growth_inside, FeeGrowth, TickFeeGrowthOutside};
        let fg = |v: u128| FeeGrowth { global0_x128: U256::from_u128(v), global1_x128: U256::from_u128(v / 3) };
        let (a, b, c) = (ticks.0, ticks.0 + ticks.1, ticks.0 + ticks.1 + ticks.2);
        let ta = TickFeeGrowthOutside { tick: a, outside: fg(o[0]) };
        let tb = TickFeeGrowthOutside { tick: b, outside: fg(o[1]) };
        let tc = TickFeeGrowthOutside { tick: c, outside: fg(o[2]) };
        let global = fg(g);
        let ab = fee_growth_inside(&global, &ta, &tb, current).unwrap();
        let bc = fee_growth_inside(&global, &tb, &tc, current).unwrap();
        let ac = fee_growth_inside(&global, &ta, &tc, current).unwrap();
        // Modulo 2^256: inside[a, c] = inside[a, b] + inside[b, c].
        prop_assert_eq!(ac.global0_x128.wrapping_sub(ab.global0_x128), bc.global0_x128);
        prop_assert_eq!(ac.global1_x128.wrapping_sub(ab.global1_x128), bc.global1_x128);
    }

    #[test]
    fn prop_u256_from_f64_truncates(x in 0.0f64..1e70) {
        let v = U256::from_f64_trunc(x).unwrap();
        prop_assert_eq!(v.to_f64(), x.trunc());
    }

    #[test]
    fn prop_liquidation_price_equates_equity_and_maintenance(
        lev_frac in 0.0f64..1.0,
        ep in 1.0f64..1e5,
        q in 1e-3f64..1e3,
        mmr in 0.001f64..0.05,
        fee in 0.0f64..0.001,
        long in any::<bool>(),
        inverse in any::<bool>(),
    ) {
        // Venues cap leverage so that the initial margin exceeds the maintenance requirement:
        // draw the leverage in [1.5, min(125, cap)) with 1/cap = 1.05 (mmr + fee), so no case
        // is rejected (a rejection rate near proptest's global limit made the test flaky).
        let cap = (1.0 / (1.05 * (mmr + fee))).min(125.0);
        let lev = 1.5 + lev_frac * (cap - 1.5) * (1.0 - 1e-9);
        prop_assert!(1.0 / lev > 1.05 * (mmr + fee));
        let side = if long { Side::Long } else { Side::Short };
        let kind = if inverse { ContractKind::Inverse } else { ContractKind::Linear };
        let pos = PerpPosition::with_leverage(kind, side, q, ep, lev).unwrap();
        let params = MarginParams::new(mmr, 0.0, fee).unwrap();
        let lp = pos.liquidation_price(&params).unwrap();
        let equity = pos.margin + pos.unrealized_pnl(lp);
        let mm = pos.maintenance_margin(&params, lp);
        prop_assert!((equity - mm).abs() <= 1e-9 * pos.position_value(ep), "{} vs {}", equity, mm);
        // With initial margin above maintenance, liquidation lies on the losing side of entry.
        let losing_side = if long { lp < ep } else { lp > ep };
        prop_assert!(losing_side, "lp {} entry {}", lp, ep);
    }
}
