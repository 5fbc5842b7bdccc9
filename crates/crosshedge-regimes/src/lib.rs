//! Regime and volatility models for crosshedge: Markov switching (Hamilton filter and Kim
//! smoother, in rescaled probabilities with a log-space fallback), GARCH(1,1) and Engle's
//! DCC(1,1) with the dynamic hedge ratio.
//!
//! # Brief overview
//! - [`fit_markov`] (one series, switching mean and variance — statsmodels'
//!   `MarkovRegression(trend='c', switching_variance=True)`) and [`fit_markov_bivariate`]
//!   ((target, hedge) with regime-dependent means, variances and correlation) return a
//!   [`MarkovFit`]: parameters with standard errors, transition matrix, expected durations,
//!   filtered and smoothed probabilities, the one-step-ahead regime forecast and
//!   [`MarkovFit::to_labeling`] into a [`crosshedge_core::regime::Labeling`]. Optional
//!   time-varying transition probabilities ([`MarkovOptions::tvtp`]). State 0 is always the
//!   lowest-variance (calm) state.
//! - [`fit_garch`] returns a [`GarchFit`] (constant mean, Gaussian or Student-t, `arch`'s
//!   conventions and robust standard errors).
//! - [`fit_dcc`] returns a [`DccFit`]: two-step QMLE, ρ_t and h_t = ρ_t σ_T,t / σ_H,t;
//!   [`simulate_dcc`] draws a seeded DCC path.
//! - [`RegimeError`]: too short, constant or non-finite input, bad options, no convergence.
//!   Results never contain NaN; an unavailable standard error is `None`.
//!
//! Inputs are plain `&[f64]` returns or log changes (decimals), already aligned; the fits
//! rescale internally and report everything in the units of the input.
//!
//! # Example
//! ```
//! use crosshedge_regimes::{fit_dcc, fit_markov, simulate_dcc, DccOptions, DccProcess, MarkovOptions};
//! use rand::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
//! let process = DccProcess {
//!     target: [0.0, 0.05, 0.08, 0.9],
//!     hedge: [0.0, 0.1, 0.1, 0.85],
//!     rho_bar: -0.3,
//!     a: 0.05,
//!     b: 0.9,
//! };
//! let (target, hedge) = simulate_dcc(&mut rng, &process, 1500)?;
//! let dcc = fit_dcc(&target, &hedge, &DccOptions::default())?;
//! assert!(dcc.a + dcc.b < 1.0 && dcc.next_hedge_ratio.is_finite());
//!
//! let ms = fit_markov(&hedge, &MarkovOptions { n_starts: 2, ..MarkovOptions::default() })?;
//! assert_eq!(ms.state_names, ["calm", "stress"]);
//! assert!(ms.regimes[0].variance[0] < ms.regimes[1].variance[0]);
//! # Ok::<(), crosshedge_regimes::RegimeError>(())
//! ```

// Numeric kernels index several parallel arrays by the same state or time index; iterator
// chains would obscure the formulas.
#![allow(clippy::needless_range_loop)]
// `!(x > 0.0)` is used deliberately: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod common;
pub mod dcc;
mod error;
pub mod garch;
pub mod markov;
mod optim;

pub use common::ParamEstimate;
pub use dcc::{fit_dcc, simulate_dcc, DccFit, DccOptions, DccProcess};
pub use error::RegimeError;
pub use garch::{fit_garch, garch_loglik, GarchFit, GarchOptions, Innovation};
pub use markov::{
    fit_markov, fit_markov_bivariate, MarkovFit, MarkovKind, MarkovOptions, MarkovStart,
    RegimeParams, TvtpCoefficients, SPIKE_MAX_DURATION,
};
