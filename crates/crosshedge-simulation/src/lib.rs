//! The regime-switching Monte Carlo stress test for crosshedge (DESIGN.md §7, issue 6).
//!
//! # Brief overview
//! - [`JointModel`]: a 3-state Markov regime chain; log VIX mean-reverting to a regime level
//!   with regime vol-of-vol; SPX, BTC, ETH and an NFT index with regime means, vols and shock
//!   correlations; Gaussian or multivariate Student-t innovations with a capped mixing variance
//!   ([`Innovations`], [`CappedMixing`]: finite exponential moments, so zero drift makes prices
//!   martingales); an NFT mark
//!   that is stale on days without a sale. Built from the demo market ([`JointModel::demo`]) or
//!   fitted to aligned data with VIX band labels ([`fit`]).
//! - [`Portfolio`]: a `crosshedge_hedging` book and its sized plan in revaluable form.
//! - [`simulate`]: paths × days with the book revalued daily (VIX options by Black-76 on the
//!   model's futures curve, VIX futures, a constant-maturity ETP, SPX put spreads by
//!   Black–Scholes at VIX/100, perps with funding, LPs exactly); streaming histograms and
//!   moments; VaR/ES at 95 %/99 %, cover probabilities, the uncovered share of the loss in the
//!   1-in-20 shock
//!   ([`StressReport`]). One ChaCha8 stream per block of paths, merged in block order: the
//!   report is identical for any thread count.
//! - Scenarios: [`Scenario::Replay`] (stationary block bootstrap inside a named episode of an
//!   [`EpisodeSet`]) and [`UserShock`] (`"VIX +60%, NFT -70% over 10 days"`) through
//!   [`revalue_shock`].
//!
//! No I/O, clock, environment or global RNG.
//!
//! # Example
//! ```
//! use crosshedge_hedging::{Book, Exposure, HedgePlan};
//! use crosshedge_simulation::{simulate, JointModel, Portfolio, Scenario, StartState, StressConfig};
//! let model = JointModel::demo();
//! let book = Book { name: "btc".into(), budget: 0.0, exposures: vec![Exposure::BtcSpot { value: 1e6 }], layers: vec![], rolls: Default::default(), ..Default::default() };
//! let plan = HedgePlan {
//!     book: "btc".into(), asset_notional: Default::default(), target_notional: 1e6, nft_carry_per_year: 0.0,
//!     layers: vec![], premium: 0.0, cost_per_year: 0.0, budget_per_year: 0.0, budget_scale: 1.0,
//!     requirement_cost_per_year: 0.0, greeks: Default::default(), cover: vec![],
//! };
//! let pf = Portfolio::new(&book, &plan, &model, StartState { vix: 20.0, spx: 5000.0, regime: 1 })?;
//! let cfg = StressConfig { paths: 4000, horizon_days: 10, seed: 7, ..StressConfig::default() };
//! let report = simulate(&model, &pf, Scenario::Model, &cfg, &|_done| {})?;
//! assert!(report.unhedged.es99 >= report.unhedged.var99 && report.unhedged.var99 > report.unhedged.var95);
//! assert_eq!(report.hedged.mean, report.unhedged.mean); // no hedges
//! # Ok::<(), crosshedge_simulation::SimulationError>(())
//! ```

mod accum;
pub mod blocks;
pub mod engine;
pub mod error;
mod fastmath;
pub mod mixing;
pub mod model;
mod moments;
pub mod portfolio;
pub mod scenario;

pub use accum::{wilson95, CoarseHistogram, PnlSummary};
pub use blocks::{
    block_count, combine_blocks, simulate_blocks, BlockCombiner, BlockRange, PayloadError,
    BLOCKS_FORMAT_VERSION,
};
pub use engine::{
    revalue_shock, simulate, simulate_paths, simulate_with_threads, CoverProbability, PathMatrix,
    Scenario, ShockReport, StressConfig, StressReport, TailUncoveredShare,
};
pub use error::SimulationError;
pub use mixing::{CappedMixing, MIXING_CAP};
pub use model::{
    demo_futures, fit, FactorDay, FitData, FitOptions, FuturesModel, Innovations, JointModel,
    ModelSummary, RegimeParams, RegimeSummary, VixOu, FACTOR_NAMES, N_FACTORS, N_REGIMES,
    TRADING_DAYS,
};
pub use portfolio::{expiry_steps, HedgePosition, Portfolio, StartState};
pub use scenario::{Episode, EpisodeSet, UserShock};
