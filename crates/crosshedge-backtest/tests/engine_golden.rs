#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The engine against an independent Python implementation of the same 3-layer book on the
//! same synthetic market (`examples/export_market.rs` → `scripts/engine_golden.py`).

use chrono::NaiveDate;
use crosshedge_backtest::engine::flow_totals;
use crosshedge_backtest::ledger::FlowKind;
use crosshedge_backtest::synthetic::{reference_book, reference_costs, synthetic_market};
use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;
use serde_json::Value;

#[test]
fn engine_matches_independent_python_ledger() {
    let g: Value = serde_json::from_str(include_str!("golden/engine.json")).unwrap();
    let tol = g["tolerance_rel"].as_f64().unwrap();
    let days = synthetic_market(11, NaiveDate::from_ymd_opt(2019, 1, 2).unwrap(), 500);
    let mut config = BacktestConfig::new(vec![10_000.0], reference_costs());
    config.move_rolls_before_events = false;
    let mut layers = reference_book();
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
