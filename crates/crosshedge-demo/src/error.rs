//! The crate's error type.

use crosshedge_core::Date;

/// Why a demo market could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The requested span is empty, reversed or too short to hold the scripted episodes.
    #[error("demo span {start}..{end} is too short: need at least {min_days} calendar days")]
    SpanTooShort {
        /// First requested date.
        start: Date,
        /// Last requested date.
        end: Date,
        /// The minimum span in calendar days.
        min_days: i64,
    },
    /// A distribution parameter was rejected by `rand_distr` (a calibration constant is broken).
    #[error("invalid distribution parameter {name} = {value}")]
    Distribution {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A generated series broke a [`crosshedge_core::series::Series`] invariant.
    #[error("generated series {name} is invalid: {source}")]
    Series {
        /// The series name.
        name: String,
        /// The underlying check that failed.
        source: crosshedge_core::CoreError,
    },
}
