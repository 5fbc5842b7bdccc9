//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong in `crosshedge-hedging`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum HedgingError {
    /// The book's TOML text does not parse or does not match the book's schema.
    #[error("book line {line}, column {column}: {message}")]
    Toml {
        /// 1-based line of the offending text.
        line: usize,
        /// 1-based column (in characters) of the offending text.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value in the book is out of its domain.
    #[error("{location}: {field} {requirement}, got {}", crate::book::show_value(*value))]
    InvalidBook {
        /// Which exposure or layer (e.g. `layer 2 "vix futures"`).
        location: String,
        /// The field name as written in the TOML.
        field: &'static str,
        /// What the value must satisfy.
        requirement: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A `signal` trigger names a signal that does not exist.
    #[error("{location}: trigger.name '{name}' is not a signal (known: {known})")]
    UnknownSignal {
        /// Which layer (e.g. `layer 3 "SPX put spreads"`).
        location: String,
        /// The name as written.
        name: String,
        /// The known signal names, comma-separated.
        known: String,
    },
    /// A sizing input is out of its domain.
    #[error("sizing input {name} {requirement}, got {value}")]
    InvalidInput {
        /// The input's field name.
        name: &'static str,
        /// What the value must satisfy.
        requirement: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The book has no exposure with a positive delta notional to hedge.
    #[error("the book's exposures have no positive delta notional to hedge (net {notional})")]
    NothingToHedge {
        /// The net delta notional.
        notional: f64,
    },
    /// A crypto option layer has no market (spot and implied vol) for its coin.
    #[error("{location}: no {coin} spot and implied vol for its options (store a {coin} price series and an implied-vol series, or give --crypto-vol)")]
    NoCryptoMarket {
        /// The layer.
        location: String,
        /// `btc` or `eth`.
        coin: &'static str,
    },
    /// A pricing call failed.
    #[error("pricing {what}: {source}")]
    Pricing {
        /// What was being priced.
        what: String,
        /// The pricing error.
        source: crosshedge_pricing::PricingError,
    },
}
