#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests of the book's exposures over random price paths: the book ledger's
//! accounting identity holds every day, and without costs a constant-mix rebalance restores
//! every exposure's starting weight of NAV exactly (the perp's as notional / NAV).

use chrono::NaiveDate;
use crosshedge_backtest::exposure::{
    ExposureBook, ExposureKind, ExposureRun, ExposureSpec, Rebalance,
};
use crosshedge_backtest::ledger::{CostModel, Settlement};
use crosshedge_backtest::MarketDay;
use proptest::prelude::*;

fn day(date: NaiveDate, targets: Vec<f64>, funding: f64) -> MarketDay {
    MarketDay {
        date,
        vix: 20.0,
        vix_futures: vec![],
        spx: 5000.0,
        targets,
        funding_rate: funding,
        regime: "calm".into(),
        vol_of_vol: None,
        crypto_vol: Vec::new(),
    }
}

fn specs(free: bool) -> Vec<ExposureSpec> {
    let mut v = vec![
        ExposureSpec::new("btc", 0, ExposureKind::Spot, 500.0),
        ExposureSpec::new("nft", 1, ExposureKind::NftInventory { carry_per_year: 0.08 }, 200.0),
        ExposureSpec::new("lp", 0, ExposureKind::AmmLp { range: [0.8, 1.25], fee_apr: 0.2 }, 300.0),
        ExposureSpec::new("perp", 1, ExposureKind::Perp, -150.0),
    ];
    if free {
        v.iter_mut().for_each(|s| s.half_spread_bps = 0.0);
    }
    v
}

proptest! {
    #[test]
    fn prop_book_identity_and_constant_mix_weights(
        moves in prop::collection::vec((-0.2..0.2f64, -0.3..0.3f64, -0.001..0.001f64, 1..5i64), 2..40),
        period in 1..6usize,
        cash_rate in -0.02..0.1f64,
        costly in any::<bool>(),
        hold in any::<bool>(),
    ) {
        let costs = if costly {
            CostModel { commission_per_contract: 0.0, slippage_bps: 10.0, gas_per_action_usd: 3.0, commission_bps: 0.0 }
        } else {
            CostModel::ZERO
        };
        let rebalance = if hold { Rebalance::BuyAndHold } else { Rebalance::ConstantMix { period_days: period } };
        let book = ExposureBook { exposures: specs(!costly), rebalance, cash_rate, costs };
        let mut date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let mut prices = [100.0f64, 50.0f64];
        let mut run = ExposureRun::start(&book, &day(date, prices.to_vec(), 0.0)).unwrap();
        prop_assert!(run.check(date).ok);
        for (i, (a, b, f, gap)) in moves.iter().enumerate() {
            date += chrono::Duration::days(*gap);
            prices = [prices[0] * a.exp(), prices[1] * b.exp()];
            let d = day(date, prices.to_vec(), *f);
            run.on_day(&d).unwrap();
            let c = run.check(date);
            prop_assert!(c.ok, "{c:?}");
            prop_assert_eq!(c.equity, c.cash + c.positions_value);
            let l = run.ledger();
            prop_assert!((l.equity() - c.equity).abs() <= 1e-12 * c.equity.abs().max(1.0));
            if !hold && !costly && (i + 1) % period == 0 && c.equity > 0.0 {
                let nav = c.equity;
                for (name, w) in [("btc", 0.5), ("nft", 0.2), ("lp", 0.3), ("perp", -0.15)] {
                    let p = l.positions.iter().find(|p| p.instrument.name == name).unwrap();
                    let v = match p.instrument.settlement {
                        Settlement::Premium => p.value(),
                        Settlement::Margined => p.quantity * p.mark,
                    };
                    prop_assert!((v / nav - w).abs() <= 1e-9, "{}: {} vs {w}", name, v / nav);
                    prop_assert_eq!(l.positions.len(), 4);
                }
            }
        }
    }
}
