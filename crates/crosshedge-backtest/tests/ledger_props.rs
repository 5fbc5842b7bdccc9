#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests: over random trade sequences the ledger's equity equals an independent
//! P&L model (price P&L − costs + funding + carry + fee income + interest on the cash the
//! model itself computes), and the accounting check passes every day.

use chrono::NaiveDate;
use crosshedge_backtest::ledger::{
    CommissionBasis, CostModel, FlowKind, Instrument, Ledger, PositionId, Quote, Settlement, Venue,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Open { margined: bool, on_chain: bool, notional: bool, qty: f64, mid: f64, hs: f64 },
    Resize { slot: usize, qty: f64, mid: f64, hs: f64 },
    Mark { slot: usize, price: f64 },
    Funding { slot: usize, rate: f64 },
    Close { slot: usize, mid: f64, hs: f64 },
    Settle { slot: usize, price: f64 },
    Interest { rate: f64, days: f64 },
    Carry { slot: usize, rate: f64, days: f64 },
    FeeIncome { slot: usize, apr: f64, days: f64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), any::<bool>(), any::<bool>(), -50.0..50.0f64, 0.01..500.0f64, 0.0..0.5f64)
            .prop_map(|(margined, on_chain, notional, qty, mid, hs)| Op::Open {
                margined,
                on_chain,
                notional,
                qty,
                mid,
                hs
            }),
        (0..8usize, -50.0..50.0f64, 0.0..800.0f64, 0.0..0.5f64)
            .prop_map(|(slot, qty, mid, hs)| { Op::Resize { slot, qty, mid, hs } }),
        (0..8usize, 0.0..800.0f64).prop_map(|(slot, price)| Op::Mark { slot, price }),
        (0..8usize, -0.01..0.01f64).prop_map(|(slot, rate)| Op::Funding { slot, rate }),
        (0..8usize, 0.0..800.0f64, 0.0..0.5f64).prop_map(|(slot, mid, hs)| Op::Close {
            slot,
            mid,
            hs
        }),
        (0..8usize, 0.0..800.0f64).prop_map(|(slot, price)| Op::Settle { slot, price }),
        (-0.05..0.2f64, 0.0..5.0f64).prop_map(|(rate, days)| Op::Interest { rate, days }),
        (0..8usize, 0.0..0.2f64, 0.0..5.0f64).prop_map(|(slot, rate, days)| Op::Carry {
            slot,
            rate,
            days
        }),
        (0..8usize, 0.0..0.5f64, 0.0..5.0f64).prop_map(|(slot, apr, days)| Op::FeeIncome {
            slot,
            apr,
            days
        }),
    ]
}

struct Shadow {
    id: PositionId,
    qty: f64,
    mult: f64,
    entry: f64,
    mark: f64,
    on_chain: bool,
    notional: bool,
    margined: bool,
}

proptest! {
    #[test]
    fn prop_equity_equals_independent_pnl(
        days in prop::collection::vec(prop::collection::vec(op(), 0..6), 1..30),
        initial in -1e4..1e6f64,
        commission in 0.0..3.0f64,
        slippage_bps in 0.0..50.0f64,
        gas in 0.0..20.0f64,
        commission_bps in 0.0..10.0f64,
    ) {
        let costs = CostModel { commission_per_contract: commission, slippage_bps, gas_per_action_usd: gas, commission_bps };
        // The commission of one contract at `mid`, by venue and basis.
        let comm = |on_chain: bool, notional: bool, mult: f64, mid: f64| match (on_chain, notional) {
            (true, _) => 0.0,
            (false, false) => commission,
            (false, true) => mult * mid * commission_bps / 1e4,
        };
        let mut ledger = Ledger::new(initial, costs).unwrap();
        let mut open: Vec<Shadow> = Vec::new();
        let mut realised = 0.0;
        let mut cost_total = 0.0;
        let mut funding_total = 0.0;
        let mut accrual_total = 0.0;
        let mut scale = initial.abs().max(1.0);
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for (k, ops) in days.iter().enumerate() {
            let date = start + chrono::Duration::days(k as i64);
            for o in ops {
                match *o {
                    Op::Open { margined, on_chain, notional, qty, mid, hs } => {
                        if qty == 0.0 { continue; }
                        let mult = if margined { 1000.0 } else { 100.0 };
                        let inst = Instrument {
                            name: "x".into(),
                            settlement: if margined { Settlement::Margined } else { Settlement::Premium },
                            venue: if on_chain { Venue::OnChain } else { Venue::Exchange },
                            multiplier: mult,
                            commission: if notional { CommissionBasis::Notional } else { CommissionBasis::PerContract },
                        };
                        let id = ledger.open(date, inst, qty, Quote { mid, half_spread: hs }).unwrap();
                        cost_total += qty.abs() * (mult * (hs + mid * slippage_bps / 1e4) + comm(on_chain, notional, mult, mid))
                            + if on_chain { gas } else { 0.0 };
                        scale += (qty * mult * mid).abs();
                        open.push(Shadow { id, qty, mult, entry: mid, mark: mid, on_chain, notional, margined });
                    }
                    Op::Resize { slot, qty, mid, hs } => {
                        if qty == 0.0 { continue; }
                        if let Some(s) = open.get_mut(slot) {
                            ledger.resize(date, s.id, qty, Quote { mid, half_spread: hs }).unwrap();
                            // As if closed at mid and reopened at mid, paying the costs of |Δ|.
                            realised += s.qty * s.mult * (mid - s.entry);
                            let delta = qty - s.qty;
                            if delta != 0.0 {
                                cost_total += delta.abs() * (s.mult * (hs + mid * slippage_bps / 1e4) + comm(s.on_chain, s.notional, s.mult, mid))
                                    + if s.on_chain { gas } else { 0.0 };
                            }
                            scale += (s.qty * s.mult * mid).abs() + (qty * s.mult * mid).abs();
                            s.qty = qty;
                            s.entry = mid;
                            s.mark = mid;
                        }
                    }
                    Op::Mark { slot, price } => {
                        if let Some(s) = open.get_mut(slot) {
                            ledger.mark(date, s.id, price).unwrap();
                            s.mark = price;
                            scale += (s.qty * s.mult * price).abs();
                        }
                    }
                    Op::Funding { slot, rate } => {
                        if let Some(s) = open.get(slot) {
                            ledger.funding(date, s.id, rate).unwrap();
                            funding_total += -s.qty * s.mult * s.mark * rate;
                        }
                    }
                    Op::Close { slot, mid, hs } => {
                        if slot >= open.len() { continue; }
                        let s = open.remove(slot);
                        ledger.close(date, s.id, Quote { mid, half_spread: hs }).unwrap();
                        realised += s.qty * s.mult * (mid - s.entry);
                        cost_total += s.qty.abs() * (s.mult * (hs + mid * slippage_bps / 1e4) + comm(s.on_chain, s.notional, s.mult, mid))
                            + if s.on_chain { gas } else { 0.0 };
                        scale += (s.qty * s.mult * mid).abs();
                    }
                    Op::Interest { rate, days } => {
                        // The model's own cash: its equity less the premium-settled values.
                        let unrealised: f64 = open.iter().map(|s| s.qty * s.mult * (s.mark - s.entry)).sum();
                        let equity = initial + realised + unrealised - cost_total + funding_total + accrual_total;
                        let held: f64 = open.iter().filter(|s| !s.margined).map(|s| s.qty * s.mult * s.mark).sum();
                        let cash = equity - held;
                        ledger.interest(date, rate, days).unwrap();
                        accrual_total += cash * (rate * days / 365.0).exp_m1();
                        scale += cash.abs();
                    }
                    Op::Carry { slot, rate, days } => {
                        if let Some(s) = open.get(slot) {
                            ledger.carry(date, s.id, rate, days).unwrap();
                            accrual_total -= s.qty * s.mult * s.mark * rate * days / 365.0;
                        }
                    }
                    Op::FeeIncome { slot, apr, days } => {
                        if let Some(s) = open.get(slot) {
                            ledger.fee_income(date, s.id, apr, days).unwrap();
                            accrual_total += s.qty * s.mult * s.mark * apr * days / 365.0;
                        }
                    }
                    Op::Settle { slot, price } => {
                        if slot < open.len() {
                            let s = open.remove(slot);
                            ledger.settle(date, s.id, price).unwrap();
                            realised += s.qty * s.mult * (price - s.entry);
                            scale += (s.qty * s.mult * price).abs();
                        }
                    }
                }
            }
            let check = ledger.check(date);
            prop_assert!(check.ok, "{check:?}");
            let unrealised: f64 = open.iter().map(|s| s.qty * s.mult * (s.mark - s.entry)).sum();
            let expected = initial + realised + unrealised - cost_total + funding_total + accrual_total;
            prop_assert!((check.equity - expected).abs() <= 1e-9 * scale,
                "day {k}: equity {} vs {expected}", check.equity);
            prop_assert!((check.equity - (check.cash + check.positions_value)).abs() <= 1e-12 * scale);
            let flows: f64 = ledger.flows.iter().map(|f| f.amount).sum();
            prop_assert!((ledger.cash - initial - flows).abs() <= 1e-9 * scale);
            let fees: f64 = ledger.flows.iter().filter(|f| matches!(f.kind, FlowKind::Fee | FlowKind::Gas)).map(|f| f.amount).sum();
            prop_assert!((fees + cost_total).abs() <= 1e-9 * scale);
        }
    }
}
