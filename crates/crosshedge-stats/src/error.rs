//! The error type of this crate.

use thiserror::Error;

/// Everything that can go wrong in a basis-risk statistic.
///
/// A statistic that is undefined on its input (too few rows, a constant series) is an error,
/// never a `NaN`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum StatsError {
    /// The two input series have different lengths.
    #[error("length mismatch: {what} has {left} rows but {right} were expected")]
    LengthMismatch {
        /// What was being compared.
        what: &'static str,
        /// The length found.
        left: usize,
        /// The length expected.
        right: usize,
    },
    /// Too few observations for the statistic.
    #[error("too few observations for {what}: {n} < {min}")]
    TooFewObservations {
        /// The statistic.
        what: &'static str,
        /// Observations available.
        n: usize,
        /// Observations required.
        min: usize,
    },
    /// A series has zero variance where a variance is divided by.
    #[error("zero variance in {what}")]
    ZeroVariance {
        /// Which series or subset.
        what: &'static str,
    },
    /// An input value is NaN or infinite.
    #[error("non-finite input in {what} at row {row}")]
    NonFinite {
        /// Which series.
        what: &'static str,
        /// Row of the first non-finite value.
        row: usize,
    },
    /// A parameter is outside its valid range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A regime named in the configuration does not exist in the labeling.
    #[error("unknown regime {name:?}")]
    UnknownRegime {
        /// The name looked up.
        name: String,
    },
    /// A regime label is out of range of the state names.
    #[error("regime label {label} at row {row} is out of range of {states} states")]
    LabelOutOfRange {
        /// The label.
        label: usize,
        /// Row index.
        row: usize,
        /// Number of state names.
        states: usize,
    },
    /// A linear system is singular (collinear regressors).
    #[error("singular design matrix in {what}")]
    Singular {
        /// Which regression.
        what: &'static str,
    },
    /// An episode window is outside the sample.
    #[error("episode rows {start}..{end} are outside the {n} rows of the sample")]
    EpisodeOutOfRange {
        /// First row.
        start: usize,
        /// One past the last row.
        end: usize,
        /// Sample length.
        n: usize,
    },
    /// A statistic could not be computed (e.g. a bootstrap in which too few replicates were defined).
    #[error("{what} undefined: {reason}")]
    Undefined {
        /// The statistic.
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
}
