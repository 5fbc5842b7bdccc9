//! The error type of the core crate.

use chrono::NaiveDate;

/// Errors from building series, computing returns and aligning panels.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum CoreError {
    /// Dates and values of a series have different lengths.
    #[error("series {name}: {dates} dates but {values} values")]
    LengthMismatch {
        /// Series name.
        name: String,
        /// Number of dates.
        dates: usize,
        /// Number of values.
        values: usize,
    },
    /// Dates are not strictly increasing.
    #[error("series {name}: dates not strictly increasing at {date}")]
    Unsorted {
        /// Series name.
        name: String,
        /// First offending date.
        date: NaiveDate,
    },
    /// A value is not finite.
    #[error("series {name}: non-finite value on {date}")]
    NonFinite {
        /// Series name.
        name: String,
        /// Date of the value.
        date: NaiveDate,
    },
    /// A price or index level is zero or negative.
    #[error("series {name}: non-positive {unit} {value} on {date}")]
    NonPositive {
        /// Series name.
        name: String,
        /// Date of the value.
        date: NaiveDate,
        /// The offending value.
        value: f64,
        /// The unit that requires positivity.
        unit: String,
    },
    /// A return kind that needs positive levels was asked of a series that may be non-positive.
    #[error("{kind} returns need a price or index level, but {name} is a {unit}")]
    ReturnKindUnit {
        /// Series name.
        name: String,
        /// Requested kind.
        kind: String,
        /// The series' unit.
        unit: String,
    },
    /// The aligned panel is empty (no common dates).
    #[error("no common dates after aligning {names} with policy {policy}")]
    EmptyPanel {
        /// Comma-separated series names.
        names: String,
        /// Alignment policy.
        policy: String,
    },
    /// A name that is not known (policy, kind, unit, column).
    #[error("unknown {what} '{value}' (expected one of: {expected})")]
    Unknown {
        /// What was being parsed.
        what: &'static str,
        /// The value given.
        value: String,
        /// The accepted values.
        expected: &'static str,
    },
    /// A value outside its domain (negative volatility, ...).
    #[error("invalid {what}: {value}")]
    InvalidValue {
        /// What the value is.
        what: &'static str,
        /// The value given.
        value: f64,
    },
}
