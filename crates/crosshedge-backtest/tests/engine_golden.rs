#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The engine against an independent Python implementation of the same 3-layer book on the
//! same synthetic market (`examples/export_market.rs` → `scripts/engine_golden.py`).

use chrono::NaiveDate;
use crosshedge_backtest::engine::{
    flow_totals, RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer, SpxVol,
    VixCallSpreadLayer,
};
use crosshedge_backtest::ledger::FlowKind;
use crosshedge_backtest::synthetic::synthetic_market;
use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs, CostModel, Layer};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;
use serde_json::Value;

#[test]
fn engine_matches_independent_python_ledger() {
    let g: Value = serde_json::from_str(include_str!("golden/engine.json")).unwrap();
    let tol = g["tolerance_rel"].as_f64().unwrap();
    let days = synthetic_market(11, NaiveDate::from_ymd_opt(2019, 1, 2).unwrap(), 500);
    let mut config = BacktestConfig::new(
        vec![10_000.0],
        CostModel {
            commission_per_contract: 1.5,
            slippage_bps: 5.0,
            gas_per_action_usd: 8.0,
            commission_bps: 0.0,
        },
    );
    config.move_rolls_before_events = false;
    let w = RegimeWeights {
        default: 1.0,
        by_regime: [("stress".to_string(), 1.5), ("calm".to_string(), 0.75)].into(),
    };
    let roll = RollRule { min_days_at_open: 25, roll_days_before: 7 };
    let mut layers: Vec<Box<dyn Layer>> = vec![
        Box::new(VixCallSpreadLayer::new("vix cs", 0.2, w.clone(), (1.2, 1.8), 0.9, roll)),
        Box::new(SpxPutSpreadLayer::new(
            "spx ps",
            0.3,
            w.clone(),
            (0.85, 0.95),
            SpxVol::FromVix { scale: 1.1 },
        )),
        Box::new(ShortPerpLayer::new("perp", 0, 0.25, w)),
    ];
    let calendar = EventCalendar::default();
    let episodes = Catalogue::builtin();
    let inputs =
        BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes };
    let r = run_backtest(&inputs, &mut layers).unwrap();
    let scale = g["gross_flows"].as_f64().unwrap();
    let want: Vec<f64> =
        g["hedge_pnl"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(want.len(), r.dates.len());
    for (i, w) in want.iter().enumerate() {
        let got = r.hedged_equity[i] - r.unhedged_equity[i];
        assert!((got - w).abs() <= tol * scale, "day {i}: {got} vs {w}");
    }
    assert_eq!(r.cash_flows.len() as u64, g["flow_count"].as_u64().unwrap());
    let totals = flow_totals(&r.cash_flows);
    for (kind, name) in [
        (FlowKind::Premium, "premium"),
        (FlowKind::Payoff, "payoff"),
        (FlowKind::Fee, "fee"),
        (FlowKind::Gas, "gas"),
        (FlowKind::Funding, "funding"),
        (FlowKind::Margin, "margin"),
    ] {
        let w = g["flow_totals"][name].as_f64().unwrap();
        assert!((totals[&kind] - w).abs() <= tol * scale, "{name}: {} vs {w}", totals[&kind]);
    }
}
