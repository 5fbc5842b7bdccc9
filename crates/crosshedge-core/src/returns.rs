//! Returns: log, simple and point changes. All decimals; never percent.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// How a change between two levels is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReturnKind {
    /// `ln(p_t / p_{t-1})`: for prices and index levels (VIX log changes).
    Log,
    /// `p_t / p_{t-1} - 1`.
    Simple,
    /// `p_t - p_{t-1}`: point changes, for the VIX and rates.
    Points,
}

impl ReturnKind {
    /// The change from `prev` to `cur`.
    #[inline]
    pub fn change(self, prev: f64, cur: f64) -> f64 {
        match self {
            Self::Log => (cur / prev).ln(),
            Self::Simple => cur / prev - 1.0,
            Self::Points => cur - prev,
        }
    }

    /// True when the kind needs strictly positive levels.
    pub fn needs_positive(self) -> bool {
        !matches!(self, Self::Points)
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Log => "log",
            Self::Simple => "simple",
            Self::Points => "points",
        }
    }
}

impl fmt::Display for ReturnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReturnKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "log" => Ok(Self::Log),
            "simple" => Ok(Self::Simple),
            "points" | "point" | "diff" => Ok(Self::Points),
            _ => Err(CoreError::Unknown {
                what: "return kind",
                value: s.to_string(),
                expected: "log, simple, points",
            }),
        }
    }
}

/// Changes between consecutive levels: `out[i] = kind.change(levels[i], levels[i+1])`.
pub fn changes(levels: &[f64], kind: ReturnKind) -> Vec<f64> {
    levels.windows(2).map(|w| kind.change(w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let l = [100.0, 110.0, 99.0];
        let lg = changes(&l, ReturnKind::Log);
        assert!((lg[0] - (1.1f64).ln()).abs() < 1e-15);
        let s = changes(&l, ReturnKind::Simple);
        assert!((s[1] - (99.0 / 110.0 - 1.0)).abs() < 1e-15);
        assert_eq!(changes(&l, ReturnKind::Points), vec![10.0, -11.0]);
        assert!("pct".parse::<ReturnKind>().is_err());
    }
}
