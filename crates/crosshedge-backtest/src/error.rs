//! The crate's error type.

use chrono::NaiveDate as Date;
use thiserror::Error;

/// Everything that can go wrong in `crosshedge-backtest`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// XIRR needs at least two dated flows.
    #[error("xirr needs at least two cash flows, got {count}")]
    TooFewFlows {
        /// How many flows were given.
        count: usize,
    },
    /// Every non-zero flow has the same sign, so the net present value never vanishes.
    #[error("no rate exists: all flows have the same sign ({sign})")]
    NoSignChange {
        /// `"positive"`, `"negative"` or `"all zero"`.
        sign: &'static str,
    },
    /// The flows change sign but the net present value keeps one sign on the whole range.
    #[error(
        "no rate exists: the net present value of the flows is {sign} at every annual rate r searched, from just above r = {lo_rate} (a total loss) to r = {hi_rate:.1e} (undiscounted net {net:.2}){hint}"
    )]
    NoRoot {
        /// Lowest rate searched (just above −1).
        lo_rate: f64,
        /// Highest rate searched.
        hi_rate: f64,
        /// `"negative"` or `"positive"`: the sign the NPV keeps.
        sign: &'static str,
        /// The undiscounted sum of the flows.
        net: f64,
        /// What the sign means for the investor.
        hint: &'static str,
    },
    /// A numeric input is out of its domain.
    #[error("{name} is invalid: {value} ({expected})")]
    InvalidInput {
        /// The input's name.
        name: &'static str,
        /// The offending value.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A series is shorter than needed or of mismatched length.
    #[error("{name} has length {len}, expected {expected}")]
    BadLength {
        /// The series' name.
        name: &'static str,
        /// Its length.
        len: usize,
        /// What was expected.
        expected: &'static str,
    },
    /// Dates are not strictly increasing.
    #[error("dates must be strictly increasing: {date} follows {previous}")]
    Unsorted {
        /// The earlier date.
        previous: Date,
        /// The date out of order.
        date: Date,
    },
    /// A ledger operation named a position that is not open.
    #[error("no open position with id {id}")]
    UnknownPosition {
        /// The position id.
        id: u64,
    },
    /// Option pricing failed.
    #[error("pricing failed on {date}: {message}")]
    Pricing {
        /// The day.
        date: Date,
        /// The pricing library's message.
        message: String,
    },
    /// The caller stopped the run (its block hook returned `ControlFlow::Break`).
    #[error("cancelled")]
    Cancelled,
}
