//! Regime and volatility models for crosshedge.
//!
//! # Brief overview
//! - [`markov`]: Markov-switching models.
//! - [`garch`]: GARCH(1,1) — [`fit_garch`] returns a [`GarchFit`].

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
    RegimeParams, TvtpCoefficients,
};
