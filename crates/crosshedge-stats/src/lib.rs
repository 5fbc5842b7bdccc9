//! Basis-risk statistics for crosshedge: how much of a hedge is really there.
//!
//! # Brief overview
//! - [`corr`]: [`corr::pearson`], [`corr::spearman`], [`corr::kendall_tau_b`] (Knight's
//!   O(n log n) algorithm) and the Fisher-z interval [`corr::fisher_z_ci`].
//! - [`bootstrap`]: the stationary block bootstrap ([`bootstrap::stationary_indices`]) with the
//!   automatic block length [`bootstrap::optimal_block_length`] (Politis–White with the
//!   Patton–Politis–White correction, identical to arch's) and percentile intervals
//!   ([`bootstrap::bootstrap_corr_beta`]); seeded, parallel and thread-count independent.
//! - [`rolling`]: rolling-window and EWMA correlation and beta in one O(n) pass, and batch APIs.
//! - [`ols`]: OLS with Newey–West HAC standard errors ([`ols::ols_hac`]), `h*`, R².
//! - [`leadlag`]: the cross-correlation function [`leadlag::ccf`] and the Dimson beta
//!   [`leadlag::dimson_beta`].
//! - [`effectiveness`]: Ederington hedge effectiveness in and out of sample.
//! - [`regime`]: rows per regime from a label vector.
//! - [`breakdown`]: Fisher-z difference test with effective sample size, Forbes–Rigobon,
//!   Longin–Solnik exceedance correlations, lower-tail dependence.
//! - [`decorrelation`]: the decorrelation factor and residual-risk multiple with bootstrap
//!   intervals.
//! - [`episode`]: episode slippage of a calm-sized hedge.
//! - [`basis`]: [`basis::basis_analysis`], the whole analysis in one call, returning a
//!   serialisable [`basis::BasisReport`].
//!
//! Nothing here reads the clock, the environment or a global RNG; every bootstrap takes a seed.
//! Undefined statistics are errors or `None`, never `NaN`.
//!
//! # Example
//! ```
//! use crosshedge_stats::basis::{basis_analysis, BasisConfig};
//! // A target that moves against its hedge, plus noise.
//! let hedge: Vec<f64> = (0..300).map(|i| ((i * 7919 % 101) as f64 / 101.0 - 0.5) * 0.1).collect();
//! let target: Vec<f64> = hedge.iter().enumerate()
//!     .map(|(i, h)| -0.5 * h + ((i * 104_729 % 97) as f64 / 97.0 - 0.5) * 0.02).collect();
//! let labels: Vec<Option<usize>> = (0..300).map(|i| Some(if i % 3 == 0 { 1 } else { 0 })).collect();
//! let states = vec!["calm".to_string(), "stress".to_string()];
//! let cfg = BasisConfig { bootstrap_resamples: 200, ..BasisConfig::default() };
//! let r = basis_analysis(&target, &hedge, Some((&labels, &states)), &cfg).unwrap();
//! assert!(r.overall.pearson < -0.8);
//! assert!((r.overall.hedge_ratio - r.overall.beta).abs() < 1e-15);
//! assert!(r.decorrelation_factor.is_some());
//! ```

pub mod basis;
pub mod bootstrap;
pub mod breakdown;
pub mod corr;
pub mod decorrelation;
pub mod effectiveness;
pub mod episode;
mod error;
pub mod leadlag;
pub mod ols;
pub mod realised;
pub mod regime;
pub mod rolling;
mod util;

pub use basis::{basis_analysis, BasisConfig, BasisReport, BasisStats, RegimeStats};
pub use error::StatsError;
pub use util::percentile_sorted;
