//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong when fitting a regime, GARCH or DCC model.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RegimeError {
    /// The sample is shorter than the model needs.
    #[error("{model}: sample too short: {n} observations, at least {min} needed")]
    TooShort {
        /// The model being fitted.
        model: &'static str,
        /// Observations given.
        n: usize,
        /// Minimum required.
        min: usize,
    },
    /// A series has (numerically) zero variance.
    #[error("{model}: series `{series}` is constant (variance {variance:e})")]
    ConstantSeries {
        /// The model being fitted.
        model: &'static str,
        /// Which input series.
        series: &'static str,
        /// Its sample variance.
        variance: f64,
    },
    /// An input value is NaN or infinite.
    #[error("{model}: series `{series}` has a non-finite value at index {index}")]
    NonFinite {
        /// The model being fitted.
        model: &'static str,
        /// Which input series.
        series: &'static str,
        /// Position of the first bad value.
        index: usize,
    },
    /// Two inputs that must have the same length do not.
    #[error("{model}: length mismatch: {what} has {got} values, expected {expected}")]
    LengthMismatch {
        /// The model being fitted.
        model: &'static str,
        /// Which input.
        what: &'static str,
        /// Its length.
        got: usize,
        /// The required length.
        expected: usize,
    },
    /// An option or starting value is outside its domain.
    #[error("{model}: invalid {what}: {reason}")]
    InvalidInput {
        /// The model being fitted.
        model: &'static str,
        /// The offending option.
        what: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// The optimiser did not reach a stationary point from any start.
    #[error(
        "{model}: no convergence after {iterations} iterations (max |gradient| {gradient:e}, log-likelihood {loglik})"
    )]
    NoConvergence {
        /// The model being fitted.
        model: &'static str,
        /// Iterations used by the best attempt.
        iterations: usize,
        /// Largest absolute gradient component (per observation) at the best point.
        gradient: f64,
        /// Log-likelihood at the best point (may be `-inf` if no start was feasible).
        loglik: f64,
    },
}
