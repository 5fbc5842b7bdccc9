//! The crate's error type.

use thiserror::Error;

/// Errors from the DeFi instrument models.
///
/// Failure is never a number: every function that cannot produce a finite, meaningful result
/// returns one of these variants instead of `NaN` or infinity.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DefiError {
    /// An input that must be finite and strictly positive was not.
    #[error("{what} must be finite and > 0, got {value}")]
    NotPositive {
        /// Which input.
        what: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An input that must be finite and non-negative was not.
    #[error("{what} must be finite and >= 0, got {value}")]
    Negative {
        /// Which input.
        what: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An input that must be finite was not.
    #[error("{what} must be finite, got {value}")]
    NotFinite {
        /// Which input.
        what: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A value outside its admissible range.
    #[error("{what} = {value} is outside [{min}, {max}]")]
    OutOfRange {
        /// Which input.
        what: &'static str,
        /// The offending value.
        value: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A concentrated-liquidity range whose lower bound is not below its upper bound.
    #[error("invalid price range: lower {lower} must be < upper {upper}")]
    InvalidRange {
        /// Lower bound (price or sqrt price, as named by the caller).
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// A tick outside the Uniswap v3 limits `[-887272, 887272]`.
    #[error("tick {tick} is outside [-887272, 887272]")]
    TickOutOfRange {
        /// The offending tick.
        tick: i32,
    },
    /// A `sqrtPriceX96` outside `[MIN_SQRT_RATIO, MAX_SQRT_RATIO)`.
    #[error("sqrt_price_x96 {value} is outside the uniswap v3 range")]
    SqrtPriceOutOfRange {
        /// The offending value as decimal text.
        value: String,
    },
    /// Decimal text that is not an unsigned integer fitting in 256 bits.
    #[error("cannot parse {text:?} as an unsigned 256-bit integer")]
    ParseU256 {
        /// The offending text (truncated to 80 characters).
        text: String,
    },
    /// A swap that would leave the single concentrated-liquidity range, or drain a reserve.
    #[error("swap of {amount_in} leaves the liquidity range (would reach sqrt price {sqrt_price_target})")]
    SwapExceedsRange {
        /// The input amount.
        amount_in: f64,
        /// The sqrt price the swap would reach.
        sqrt_price_target: f64,
    },
    /// A position that needs at least one observation got none.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// A liquidation price does not exist (e.g. a long with margin above its notional).
    #[error("no liquidation price: {reason}")]
    NoLiquidationPrice {
        /// Why not.
        reason: &'static str,
    },
    /// The initial margin does not exceed the maintenance requirement at entry (leverage at or
    /// above the cap `1/mm`): the position would be liquidated on opening, so venues refuse it.
    #[error(
        "leverage {leverage} is at or above the cap 1/mm = {cap} (mm = maintenance requirement at entry / entry value): the initial margin would not cover maintenance and the position would be liquidated on opening"
    )]
    LeverageAboveCap {
        /// The position's leverage (entry value / margin).
        leverage: f64,
        /// The largest admissible leverage, entry value / maintenance requirement at entry
        /// (excluded).
        cap: f64,
    },
    /// A position or book combination that is not allowed.
    #[error("invalid position: {reason}")]
    InvalidPosition {
        /// Why not.
        reason: &'static str,
    },
    /// An error from the option pricer.
    #[error("option pricing failed: {message}")]
    Pricing {
        /// The pricer's message.
        message: String,
    },
}

/// Checks that `value` is finite and > 0.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64, DefiError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(DefiError::NotPositive { what, value })
    }
}

/// Checks that `value` is finite and >= 0.
pub(crate) fn non_negative(what: &'static str, value: f64) -> Result<f64, DefiError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(DefiError::Negative { what, value })
    }
}

/// Checks that `value` is finite.
pub(crate) fn finite(what: &'static str, value: f64) -> Result<f64, DefiError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DefiError::NotFinite { what, value })
    }
}

/// Checks a fee fraction in `[0, 1)`.
pub(crate) fn fee_fraction(value: f64) -> Result<f64, DefiError> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(value)
    } else {
        Err(DefiError::OutOfRange { what: "fee", value, min: 0.0, max: 1.0 })
    }
}
