//! Daily backtests of layered hedge programmes.
//!
//! # Brief overview
//! - [`xirr`]: the XIRR of dated cash flows ([`xirr::xirr`]), solved robustly, with a clear
//!   error when no rate exists.
//! - [`ledger`]: cash and positions accounting ([`Ledger`]) with typed, dated flows
//!   ([`CashFlow`], [`FlowKind`]) and a checked identity `equity = cash + Σ marked positions`.
//! - [`metrics`]: equity-curve statistics ([`EquityMetrics`]), drawdowns, worst month, cost
//!   of carry and protection per shock episode.
//! - [`engine`]: the daily loop ([`run_backtest`]) over plain per-day inputs ([`MarketDay`])
//!   driving [`Layer`]s — built in: VIX call spreads, VIX futures, SPX put spreads and a
//!   short perpetual — into a [`BacktestReport`].
//! - [`book`]: the hedge book of `crosshedge-hedging` (its sized layers, triggers and
//!   exposures) mapped onto the engine's layers and an [`exposure::ExposureBook`].
//! - [`exposure`]: the book's own exposures (spot, NFT inventory with carry, perps with
//!   funding, Uniswap v3 LPs with impermanent loss and fees) in a ledger with a cash account,
//!   held buy-and-hold or rebalanced to constant weights ([`exposure::ExposureBook`]).
//! - [`funding`]: perp funding per market day as the sum over the calendar days since the
//!   previous one ([`funding::calendar_day_funding`]).
//! - [`synthetic`]: a seeded synthetic market for tests and benchmarks.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use crosshedge_backtest::engine::{RegimeWeights, RollRule, VixCallSpreadLayer};
//! use crosshedge_backtest::{run_backtest, BacktestConfig, BacktestInputs, CostModel, Layer};
//! use crosshedge_labels::{episodes::Catalogue, events::EventCalendar};
//!
//! let start = NaiveDate::from_ymd_opt(2019, 1, 2).unwrap();
//! let days = crosshedge_backtest::synthetic::synthetic_market(7, start, 500);
//! let config = BacktestConfig::new(vec![1000.0], CostModel::ZERO);
//! let calendar = EventCalendar::builtin_fomc();
//! let episodes = Catalogue::builtin();
//! let roll = RollRule { min_days_at_open: 25, roll_days_before: 7 };
//! let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(VixCallSpreadLayer::new(
//!     "vix calls", 0.1, RegimeWeights::constant(1.0), (1.2, 1.8), 0.9, roll,
//! ))];
//! let inputs = BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes };
//! let report = run_backtest(&inputs, &mut layers).unwrap();
//! assert!(report.all_checks_ok);
//! assert_eq!(report.hedged_equity.len(), 500);
//! ```

pub mod book;
pub mod crypto;
pub mod engine;
pub mod error;
pub mod exposure;
pub mod funding;
pub mod ledger;
pub mod metrics;
pub mod synthetic;
pub mod xirr;

pub use engine::{
    run_backtest, run_backtest_with, BacktestConfig, BacktestInputs, BacktestReport, Context,
    Layer, MarketDay,
};
pub use error::BacktestError;
pub use ledger::{CashFlow, CostModel, FlowKind, Ledger};
pub use metrics::EquityMetrics;
