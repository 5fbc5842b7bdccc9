//! Runs the benchmark's 20-year synthetic backtest and prints a summary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use crosshedge_backtest::engine::{
    flow_totals, RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer, SpxVol,
    VixCallSpreadLayer,
};
use crosshedge_backtest::synthetic::synthetic_market;
use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs, CostModel, Layer};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;

fn main() {
    let start = NaiveDate::from_ymd_opt(2005, 1, 3).unwrap();
    let days = synthetic_market(42, start, 20 * 252);
    let config = BacktestConfig::new(
        vec![10_000.0],
        CostModel {
            commission_per_contract: 1.5,
            slippage_bps: 5.0,
            gas_per_action_usd: 8.0,
            commission_bps: 0.0,
        },
    );
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
    let calendar = EventCalendar::builtin_fomc();
    let episodes = Catalogue::builtin();
    let inputs =
        BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes };
    let r = run_backtest(&inputs, &mut layers).unwrap();
    println!("days {}, flows {}, checks ok {}", r.dates.len(), r.cash_flows.len(), r.all_checks_ok);
    println!("unhedged {:?}", r.unhedged_metrics);
    println!("hedged   {:?}", r.hedged_metrics);
    println!("carry    {:?}", r.cost_of_carry);
    println!("xirr     {:?}", r.xirr);
    println!("totals   {:?}", flow_totals(&r.cash_flows));
    for e in &r.episodes {
        println!("episode  {e:?}");
    }
}
