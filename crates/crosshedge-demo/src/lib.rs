//! The crosshedge demo market: a seeded synthetic market calibrated to real history, so that
//! every analysis runs on a fresh machine with no download.
//!
//! # Brief overview
//! - [`generate`] turns a [`DemoConfig`] (seed, start, end) into a [`DemoMarket`]: the series
//!   `vix`, `spx`, `vx1`, `vx2` on NYSE/CFE trading days and `btc`, `eth`, `nft`,
//!   `funding_btc`, `usdc` and the BTC implied-vol index `dvol` (vol points, [`dvol`]) on every
//!   calendar day (each a [`crosshedge_core::series::Series`]),
//!   the settlements of the first four listed VIX futures ([`FutureSettle`]), the scripted
//!   episodes ([`DemoEpisode`]) and the true hidden regime of every US day.
//! - [`summary`] (or [`DemoMarket::summary`]) describes what was generated ([`DemoSummary`]).
//! - [`params`] holds the calibrated constants, the committed output of
//!   `calibration/calibrate.py` run on `shared/data` (method in `calibration/README.md`).
//!
//! # The model
//! A hidden three-state regime chain (calm, normal, stress, matching the VIX bands < 15,
//! 15-25, > 25) runs on US trading days with the transition matrix of the real band sequence
//! 1990-2025. It drives a mean-reverting log VIX with regime levels, regime vol-of-vol,
//! Student-t innovations and upward jumps; the SPX loads negatively on the VIX surprise. BTC
//! and ETH trade every day: on US days they load on the VIX surprise and the SPX shock with
//! loadings per VIX band of the previous close that reproduce the real us-close aligned
//! correlations in calm, normal and stress; weekends and holidays have their own (lower) vol
//! and no VIX. An NFT floor index follows ETH with a
//! beta, idiosyncratic noise and jumps, and prints only on days with a sale (other days repeat
//! the last print: stale values, no missing rows). The BTC perpetual funding rate is an AR(1)
//! with regime intercepts that falls in crashes. A stablecoin sits at 1 with tiny noise. VIX
//! futures are priced from the expected VIX at expiry under the log-AR model plus a calibrated
//! term premium. Two episodes are scripted: a DeFi liquidity shock (VIX spike, 40-60 % crypto
//! drawdown, negative funding, a stablecoin depeg to about 0.88) at 70 % of the span, and a
//! calm period at 30 %. A BTC implied-vol index in vol points (`dvol`, the name Deribit's DVOL
//! is fetched under) mean-reverts in logs toward a premium over BTC's 30-day realised vol and
//! jumps on drawdown days ([`dvol`]). The formulas are on [`generate`].
//!
//! Randomness comes from `ChaCha8Rng` streams seeded from [`DemoConfig::seed`] (one stream
//! per component), so the same seed gives the same market on every platform and no clock or
//! global RNG is read.
//!
//! # Example
//! ```
//! use crosshedge_demo::{generate, DemoConfig};
//! let market = generate(&DemoConfig::default()).unwrap();
//! let vix = market.series("vix").unwrap();
//! let btc = market.series("btc").unwrap();
//! assert!(vix.len() > 2_900 && vix.len() < 3_100); // US trading days 2014-2025
//! assert_eq!(btc.len(), 4_383); // every calendar day 2014-2025
//! let shock = market.episode("demo-defi-liquidity-shock").unwrap();
//! assert!(shock.start < shock.end);
//! println!("{:?}", market.summary().vix_band_shares);
//! ```
//!
//! # References
//! - Hamilton, J. D. (1989), "A new approach to the economic analysis of nonstationary time
//!   series and the business cycle", *Econometrica* 57(2) (regime chains).
//! - McFadden, D. (1989), "A method of simulated moments for estimation of discrete response
//!   models without numerical integration", *Econometrica* 57(5) (the VIX calibration).
//! - Roll, R. (1984), "A simple implicit measure of the effective bid-ask spread", *Journal of
//!   Finance* 39(4) (print noise from negative autocovariance, used for the NFT index).

pub mod dvol;
mod error;
mod generate;
mod market;
pub mod params;
mod summary;

pub use dvol::{regime_btc_vol, DVOL_BOUNDS, DVOL_SERIES, DVOL_STREAM};
pub use error::DemoError;
pub use generate::{
    future_price, generate, CALM_EPISODE, CALM_WINDOW_US_DAYS, DEPEG_OFFSET_DAYS, MIN_SPAN_DAYS,
    SHOCK_DRAWDOWN_DAYS, SHOCK_EPISODE, SHOCK_WINDOW_DAYS, USDC_BOUNDS, VIX_BOUNDS,
};
pub use market::{
    vix_band, DemoConfig, DemoEpisode, DemoMarket, FutureSettle, ParamsSummary, VxDaysToExpiry,
    REGIME_NAMES,
};
pub use summary::{summary, DemoSummary, SeriesSummary};
