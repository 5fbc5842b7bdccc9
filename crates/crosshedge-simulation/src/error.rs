//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong in `crosshedge-simulation`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SimulationError {
    /// A model parameter is out of its domain.
    #[error("model parameter {name} {requirement}, got {value}")]
    InvalidParameter {
        /// The parameter's name.
        name: String,
        /// What it must satisfy.
        requirement: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A run setting is out of its domain.
    #[error("setting {name} {requirement}, got {value}")]
    InvalidSetting {
        /// The setting's name.
        name: &'static str,
        /// What it must satisfy.
        requirement: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A regime correlation matrix is not positive definite even after shrinkage.
    #[error("the correlation matrix of the {} VIX band (regime {regime}) is not positive definite", band_name(*regime))]
    NotPositiveDefinite {
        /// The regime index.
        regime: usize,
    },
    /// Too little data to fit a regime.
    #[error("fit: the {} VIX band (regime {regime}) has {rows} rows, need at least {needed} (widen the window or move the band thresholds)", band_name(*regime))]
    TooFewRows {
        /// The regime index.
        regime: usize,
        /// Rows available.
        rows: usize,
        /// Rows needed.
        needed: usize,
    },
    /// Too few labelled rows covered by the NFT index.
    #[error("fit: the NFT index covers {rows} labelled rows, need at least {needed}")]
    TooFewNftRows {
        /// Covered rows.
        rows: usize,
        /// Rows needed.
        needed: usize,
    },
    /// Inputs of different lengths.
    #[error("{name} has length {len}, expected {expected}")]
    LengthMismatch {
        /// The input's name.
        name: &'static str,
        /// Its length.
        len: usize,
        /// The expected length.
        expected: usize,
    },
    /// A user shock text does not parse.
    #[error("shock column {column}: {message}")]
    ShockParse {
        /// 1-based character column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A named episode is unknown or empty.
    #[error("episode {name:?}: {message}")]
    Episode {
        /// The episode's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A statistic failed in the fit.
    #[error("fit: {0}")]
    Stats(#[from] crosshedge_stats::StatsError),
    /// Option revaluation failed.
    #[error("revaluation: {0}")]
    Pricing(#[from] crosshedge_pricing::PricingError),
    /// The caller stopped the run (its block hook returned `ControlFlow::Break`).
    #[error("cancelled")]
    Cancelled,
}

/// The VIX band a regime index stands for (the fitted model's regimes are the bands).
fn band_name(regime: usize) -> &'static str {
    ["calm", "normal", "stress"].get(regime).copied().unwrap_or("unknown")
}
