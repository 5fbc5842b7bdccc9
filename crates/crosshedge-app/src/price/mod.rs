//! `price`: options, structures, the VIX futures curve, perpetuals, LP positions, parity.
//!
//! Each subcommand is a job in its own module. The jobs need no store (except where a VIX
//! futures settlement file is read from the workspace's data directory). Every value of a
//! request is checked here, and an error names the flag (`--strike`) as the CLI spells it.

use chrono::NaiveDate;
use crosshedge_defi::DefiError;
use crosshedge_pricing::{OptionKind, PricingError};

use serde::{Deserialize, Serialize};

use crate::AppError;

pub mod curve;
pub mod lp;
pub mod option;
pub mod parity;
pub mod perp;
pub mod structure;

/// Time to expiry: calendar days, or an expiry and a valuation date.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExpiryRequest {
    /// Calendar days to expiry (Actual/365; fractions allowed); not with the dates.
    pub expiry_days: Option<f64>,
    /// Expiry date (with `as_of`).
    pub expiry: Option<NaiveDate>,
    /// Valuation date (with `expiry`).
    pub as_of: Option<NaiveDate>,
}

/// The longest time to expiry a price request accepts, in calendar days (100 years): beyond
/// it forwards and discount factors leave the range of `f64`.
pub const MAX_EXPIRY_DAYS: f64 = 36_500.0;

/// Every number of `values` (name, value) must be finite: a price or greek that overflowed
/// is an input error naming the inputs rather than a NaN in the output.
///
/// # Errors
/// An input error naming the first non-finite quantity.
pub fn finite_results(what: &str, values: &[(&str, f64)]) -> Result<(), AppError> {
    match values.iter().find(|(_, v)| !v.is_finite()) {
        None => Ok(()),
        Some((name, v)) => Err(AppError::input(format!(
            "{what}: the inputs give a non-finite {name} ({v}); check the magnitudes of \
             --expiry-days, --vol, --rate and the prices"
        ))),
    }
}

/// A resolved time to expiry.
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    /// Calendar days to expiry.
    pub days: f64,
    /// Actual/365 year fraction.
    pub t_years: f64,
    /// `(as_of, expiry)` when given as dates.
    pub dates: Option<(NaiveDate, NaiveDate)>,
}

impl ExpiryRequest {
    /// Resolves the request to a strictly positive time to expiry.
    ///
    /// # Errors
    /// An input error naming the flags when the time is missing, not positive, above
    /// [`MAX_EXPIRY_DAYS`] or the dates are in the wrong order.
    pub fn resolve(&self) -> Result<Expiry, AppError> {
        match (self.expiry_days, self.expiry, self.as_of) {
            (Some(d), _, _) => {
                let d = positive("expiry-days", d)?;
                if d > MAX_EXPIRY_DAYS {
                    return Err(AppError::input(format!(
                        "--expiry-days must be at most {MAX_EXPIRY_DAYS} (100 years), got {d}"
                    )));
                }
                Ok(Expiry { days: d, t_years: d / 365.0, dates: None })
            }
            (None, Some(e), Some(a)) => {
                if e <= a {
                    return Err(AppError::input(format!(
                        "--expiry {e} must be after --as-of {a} (an option at expiry has no time value)"
                    )));
                }
                let days = (e - a).num_days() as f64;
                Ok(Expiry { days, t_years: days / 365.0, dates: Some((a, e)) })
            }
            _ => Err(AppError::input(
                "give the time to expiry: --expiry-days D, or --expiry DATE --as-of DATE",
            )),
        }
    }
}

/// The underlying of an option or structure: a spot price (Black–Scholes with a dividend
/// yield) or a forward/futures price (Black-76).
#[derive(Debug, Clone, Copy)]
pub enum Underlying {
    /// Spot price and continuous dividend yield.
    Spot {
        /// Spot price.
        spot: f64,
        /// Dividend yield (decimal per year).
        div_yield: f64,
    },
    /// Forward or futures price of the options' expiry.
    Forward(f64),
}

/// `--flag` must be finite and > 0.
pub fn positive(flag: &str, v: f64) -> Result<f64, AppError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(AppError::input(format!("--{flag} must be a finite number > 0, got {v}")))
    }
}

/// `--flag` must be finite and >= 0.
pub fn non_negative(flag: &str, v: f64) -> Result<f64, AppError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(AppError::input(format!("--{flag} must be a finite number >= 0, got {v}")))
    }
}

/// `--flag` must be finite.
pub fn finite(flag: &str, v: f64) -> Result<f64, AppError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(AppError::input(format!("--{flag} must be a finite number, got {v}")))
    }
}

/// A `YYYY-MM-DD` flag (for front ends that take dates as text).
pub fn date_flag(flag: &str, s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::input(format!("--{flag} '{s}' is not a date YYYY-MM-DD")))
}

/// `call` (or `c`) or `put` (or `p`).
pub fn parse_kind(s: &str) -> Result<OptionKind, AppError> {
    match s {
        "call" | "c" => Ok(OptionKind::Call),
        "put" | "p" => Ok(OptionKind::Put),
        _ => Err(AppError::input(format!("--kind '{s}': expected call or put"))),
    }
}

/// A pricing error: inputs out of their domain are input errors, the rest (no implied
/// volatility, too little data) are failures of the analysis.
pub fn pricing_err(e: PricingError) -> AppError {
    match e {
        PricingError::NotPositive { .. }
        | PricingError::Negative { .. }
        | PricingError::NotFinite { .. }
        | PricingError::StrikeOrder { .. }
        | PricingError::ExpiryMismatch { .. }
        | PricingError::Expired { .. }
        | PricingError::MixedExpiries { .. }
        | PricingError::NoLegs
        | PricingError::Csv { .. } => AppError::input(e.to_string()),
        other => AppError::from_chain(crate::ErrorKind::Analysis, &other),
    }
}

/// A DeFi model error, classified like [`pricing_err`].
pub fn defi_err(e: DefiError) -> AppError {
    match e {
        DefiError::NotPositive { .. }
        | DefiError::Negative { .. }
        | DefiError::NotFinite { .. }
        | DefiError::OutOfRange { .. }
        | DefiError::InvalidRange { .. }
        | DefiError::TickOutOfRange { .. }
        | DefiError::LeverageAboveCap { .. } => AppError::input(e.to_string()),
        other => AppError::from_chain(crate::ErrorKind::Analysis, &other),
    }
}

/// A number for messages: `digits` decimals, or scientific notation when tiny or huge (the
/// same rendering as the CLI's tables).
pub(crate) fn num(x: f64, digits: usize) -> String {
    let a = x.abs();
    if x != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{x:.4e}")
    } else {
        format!("{x:.digits$}")
    }
}
