//! The error type of the labels crate.

use chrono::NaiveDate;

/// Errors from building labelings, signals, shock windows and event calendars.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum LabelsError {
    /// A configuration value is out of its allowed range.
    #[error("invalid {what}: {value} ({expected})")]
    InvalidConfig {
        /// The parameter.
        what: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// Not enough observations for the requested computation.
    #[error("{what}: need at least {needed} observations, got {got}")]
    TooShort {
        /// What was being computed.
        what: &'static str,
        /// Minimum number of observations.
        needed: usize,
        /// Number supplied.
        got: usize,
    },
    /// Two parallel inputs have different lengths.
    #[error("{what}: lengths differ ({left} vs {right})")]
    LengthMismatch {
        /// What was being computed.
        what: &'static str,
        /// Length of the first input.
        left: usize,
        /// Length of the second input.
        right: usize,
    },
    /// Dates are not strictly increasing.
    #[error("{what}: dates not strictly increasing at {date}")]
    Unsorted {
        /// What was being computed.
        what: &'static str,
        /// First offending date.
        date: NaiveDate,
    },
    /// A value is not finite or out of its domain.
    #[error("{what}: invalid value {value} at position {index}")]
    InvalidValue {
        /// What was being computed.
        what: &'static str,
        /// Position in the input.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// An episode window is malformed.
    #[error("episode {name}: {reason}")]
    BadEpisode {
        /// Episode name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// An episode name is not in the catalogue.
    #[error("unknown episode {name}; known: {known}")]
    UnknownEpisode {
        /// Requested name.
        name: String,
        /// Comma-separated known names.
        known: String,
    },
    /// A TOML catalogue could not be parsed.
    #[error("episode catalogue: {message}")]
    Catalogue {
        /// Parser message (includes line and column when the parser gives them).
        message: String,
    },
    /// A TOML claims file could not be parsed or holds an invalid claim.
    #[error("claims: {message}")]
    Claims {
        /// What is wrong, starting with `line L, column C: `.
        message: String,
    },
    /// A CSV input could not be parsed.
    #[error("{source_name}: line {line}, column {column}: {message}")]
    Csv {
        /// Name of the input (file name or a description).
        source_name: String,
        /// 1-based line number (0 when unknown).
        line: u64,
        /// 1-based column number (0 when the whole record is at fault).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A required CSV column is missing from the header.
    #[error("{source_name}: missing column {column}")]
    MissingColumn {
        /// Name of the input.
        source_name: String,
        /// The column.
        column: String,
    },
    /// No input series were given to the shock detector.
    #[error("shock detector: no input series given")]
    NoInputs,
}
