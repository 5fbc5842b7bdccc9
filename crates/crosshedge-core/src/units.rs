//! Units: thin newtypes for volatilities, rates, year fractions and basis points, and the unit a
//! series is measured in. Values are decimals (0.20 = 20 %); percent exists only at display edges.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// Annualised volatility as a decimal fraction (0.20 = 20 %).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[repr(transparent)]
pub struct Vol(f64);

impl Vol {
    /// A volatility; must be finite and non-negative.
    ///
    /// # Errors
    /// [`CoreError::InvalidValue`] for a negative or non-finite value.
    pub fn new(value: f64) -> Result<Self, CoreError> {
        if value.is_finite() && value >= 0.0 {
            Ok(Self(value))
        } else {
            Err(CoreError::InvalidValue { what: "volatility", value })
        }
    }
    /// The raw decimal value.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A continuously compounded rate as a decimal per year (0.05 = 5 %).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[repr(transparent)]
pub struct Rate(pub f64);

/// A year fraction from a named day count.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[repr(transparent)]
pub struct YearFrac(pub f64);

impl YearFrac {
    /// Actual/365 Fixed between two dates.
    pub fn act365(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Self {
        Self((to - from).num_days() as f64 / 365.0)
    }
}

/// Basis points: 10_000 bps = 100 %.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[repr(transparent)]
pub struct Bps(pub f64);

impl Bps {
    /// As a decimal fraction (1 bp = 0.0001).
    pub fn as_decimal(self) -> f64 {
        self.0 / 10_000.0
    }
}

/// The unit a series is measured in; it decides which return kinds and checks apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeriesUnit {
    /// A traded price (must be > 0): BTC in USD, SPX, a VIX future.
    Price,
    /// An index level (must be > 0): VIX, an NFT floor index, TVL.
    IndexLevel,
    /// A rate or yield as a decimal, may be negative: funding per day, an interest rate.
    Rate,
    /// A count (sales, transactions), >= 0.
    Count,
    /// A dimensionless ratio, may be negative.
    Ratio,
}

impl SeriesUnit {
    /// True when values must be strictly positive and log/simple returns are meaningful.
    pub fn is_positive_level(self) -> bool {
        matches!(self, Self::Price | Self::IndexLevel)
    }
    /// The kebab-case name used on the command line and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Price => "price",
            Self::IndexLevel => "index-level",
            Self::Rate => "rate",
            Self::Count => "count",
            Self::Ratio => "ratio",
        }
    }
}

impl fmt::Display for SeriesUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SeriesUnit {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "price" => Ok(Self::Price),
            "index-level" | "level" | "index" => Ok(Self::IndexLevel),
            "rate" => Ok(Self::Rate),
            "count" => Ok(Self::Count),
            "ratio" => Ok(Self::Ratio),
            _ => Err(CoreError::Unknown {
                what: "unit",
                value: s.to_string(),
                expected: "price, index-level, rate, count, ratio",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vol_rejects_negative() {
        assert!(Vol::new(-0.1).is_err());
        assert!(Vol::new(f64::NAN).is_err());
        assert_eq!(Vol::new(0.2).unwrap().get(), 0.2);
    }

    #[test]
    fn unit_round_trip() {
        for u in [
            SeriesUnit::Price,
            SeriesUnit::IndexLevel,
            SeriesUnit::Rate,
            SeriesUnit::Count,
            SeriesUnit::Ratio,
        ] {
            assert_eq!(u.as_str().parse::<SeriesUnit>().unwrap(), u);
        }
        assert!("percent".parse::<SeriesUnit>().is_err());
    }

    #[test]
    fn bps_decimal() {
        assert_eq!(Bps(25.0).as_decimal(), 0.0025);
    }
}
