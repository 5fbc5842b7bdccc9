//! Runs the benchmark's 20-year synthetic backtest and prints a summary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use crosshedge_backtest::engine::flow_totals;
use crosshedge_backtest::synthetic::{reference_book, reference_costs, synthetic_market};
use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;

fn main() {
    let start = NaiveDate::from_ymd_opt(2005, 1, 3).unwrap();
    let days = synthetic_market(42, start, 20 * 252);
    let config = BacktestConfig::new(vec![10_000.0], reference_costs());
    let mut layers = reference_book();
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
