//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong in `crosshedge-pricing`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PricingError {
    /// An input that must be finite and strictly positive is not.
    #[error("{name} must be finite and strictly positive, got {value}")]
    NotPositive {
        /// The input's name.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An input that must be finite and non-negative is not.
    #[error("{name} must be finite and non-negative, got {value}")]
    Negative {
        /// The input's name.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An input that must be finite is not.
    #[error("{name} must be finite, got {value}")]
    NotFinite {
        /// The input's name.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// No volatility reproduces the price: it lies outside `[lower, upper)`, the prices of
    /// volatilities from 0 (the discounted intrinsic value, attained) to infinity (the upper
    /// bound, never attained).
    #[error(
        "no volatility reproduces price {price}: it must lie in [{lower}, {upper}) (the discounted intrinsic value, reached at volatility 0, up to the upper bound, never reached)"
    )]
    PriceOutOfBounds {
        /// The price given.
        price: f64,
        /// The lower bound (discounted intrinsic value), reached at zero volatility.
        lower: f64,
        /// The upper bound (discounted forward for a call, discounted strike for a put), never reached.
        upper: f64,
    },
    /// A VIX option was paired with a VIX future of a different expiry.
    #[error("vix option expiring {option_expiry} must be priced on the future of the same expiry, got the future expiring {future_expiry}")]
    ExpiryMismatch {
        /// The option's expiry.
        option_expiry: chrono::NaiveDate,
        /// The future's expiry.
        future_expiry: chrono::NaiveDate,
    },
    /// The valuation date lies after the expiry.
    #[error("valuation date {as_of} is after expiry {expiry}")]
    Expired {
        /// The valuation date.
        as_of: chrono::NaiveDate,
        /// The expiry.
        expiry: chrono::NaiveDate,
    },
    /// Slices passed to a batch function differ in length.
    #[error("batch input {name} has length {len}, expected {expected}")]
    LengthMismatch {
        /// The slice's name.
        name: &'static str,
        /// Its length.
        len: usize,
        /// The expected length.
        expected: usize,
    },
    /// One element of a batch failed.
    #[error("batch element {index}: {source}")]
    BatchItem {
        /// The element's index.
        index: usize,
        /// What went wrong.
        source: Box<PricingError>,
    },
    /// A batch function was asked for an instruction-set level this CPU does not have.
    #[error("this CPU does not support the {level} batch kernels")]
    SimdUnavailable {
        /// The level asked for.
        level: crate::simd::SimdLevel,
    },
    /// A structure needs at least one leg.
    #[error("a structure needs at least one leg")]
    NoLegs,
    /// Strikes of a spread or condor are not in the required order.
    #[error("strikes must be strictly increasing: {strikes:?}")]
    StrikeOrder {
        /// The strikes given.
        strikes: Vec<f64>,
    },
    /// Payoff at expiry needs every leg to expire on the same date.
    #[error("payoff at expiry needs a single expiry, the legs have {first} and {other}")]
    MixedExpiries {
        /// The first leg's expiry.
        first: chrono::NaiveDate,
        /// Another leg's expiry.
        other: chrono::NaiveDate,
    },
    /// Not enough data to do what was asked.
    #[error("insufficient data: {what}")]
    InsufficientData {
        /// What was missing.
        what: String,
    },
    /// Too few VIX closes to fit the AR(1) of log VIX ([`crate::vix_ar1::LogVixAr1::fit`]).
    #[error("the VIX series has {len} closes, need at least {need}")]
    TooFewCloses {
        /// The number of closes given.
        len: usize,
        /// The fewest accepted.
        need: usize,
    },
    /// The fitted AR(1) of log VIX is not stationary: its coefficient is not in (0, 1).
    #[error("the AR(1) of log VIX is not stationary (phi = {phi})")]
    NotStationary {
        /// The fitted coefficient (NaN for a constant series).
        phi: f64,
    },
    /// A CSV input could not be parsed.
    #[error("csv line {line}, column {column}: {message}")]
    Csv {
        /// 1-based line number.
        line: u64,
        /// 1-based column number (0 when the whole record is at fault).
        column: usize,
        /// What was wrong.
        message: String,
    },
}

impl PricingError {
    pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, Self> {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(Self::NotPositive { name, value })
        }
    }

    pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<f64, Self> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(Self::Negative { name, value })
        }
    }

    pub(crate) fn finite(name: &'static str, value: f64) -> Result<f64, Self> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Self::NotFinite { name, value })
        }
    }
}
