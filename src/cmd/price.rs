//! `crosshedge price`: options (Black–Scholes, Black-76, VIX options on the VIX future),
//! vertical spreads and iron condors, the VIX futures curve on a date, perpetual futures, AMM
//! liquidity positions and a put-call parity scan of a chain.
//!
//! Every subcommand prints a compact table, or every number as JSON with `--json`. JSON holds
//! decimals (0.25 = 25 %); keys name the unit where a raw number leaves a newtype (`_ann` per
//! year, `_days` calendar days, `vega_per_vol_point`, `theta_per_day`). Bad flags exit 2 with one
//! line; analysis failures (e.g. no implied volatility reproduces a price) exit 1.

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::Ctx;
use crate::exit::UsageError;

mod curve;
mod lp;
mod option;
mod parity;
mod perp;
mod structure;

/// `crosshedge price`.
#[derive(Debug, Args)]
pub struct PriceArgs {
    /// What to price.
    #[command(subcommand)]
    pub what: PriceCommand,
}

/// The `price` subcommands.
#[derive(Debug, Subcommand)]
pub enum PriceCommand {
    /// One option: price and greeks (true derivatives plus vega per vol point and theta per
    /// day), or the implied volatility of a price. `--vix` prices a VIX option on the VIX future
    /// of its expiry.
    Option(option::OptionArgs),
    /// A vertical call or put spread: legs, net premium, payoff at expiry, break-evens, max
    /// gain/loss and the carry-adjusted break-even.
    Spread(structure::SpreadArgs),
    /// A short iron condor on four strikes (long put K1, short put K2, short call K3, long call
    /// K4): the same analysis as `spread`.
    Condor(structure::CondorArgs),
    /// The VIX futures curve on a date: contracts, 30-day constant maturity, roll yield, slope,
    /// contango or backwardation.
    VixCurve(curve::CurveArgs),
    /// An isolated-margin perpetual future: liquidation price, margin, P&L at mark, funding.
    Perp(perp::PerpArgs),
    /// A Uniswap v2 (constant product) or v3 (concentrated range) LP position: amounts, value,
    /// delta/gamma, impermanent loss, LVR and the break-even fee APR.
    Lp(lp::LpArgs),
    /// Put-call parity over an option chain CSV: conversion/reversal violations net of costs.
    Parity(parity::ParityArgs),
}

/// Runs `crosshedge price`.
pub fn run(ctx: &Ctx, a: PriceArgs) -> anyhow::Result<()> {
    match a.what {
        PriceCommand::Option(a) => option::run(ctx, a),
        PriceCommand::Spread(a) => structure::run_spread(ctx, a),
        PriceCommand::Condor(a) => structure::run_condor(ctx, a),
        PriceCommand::VixCurve(a) => curve::run(ctx, a),
        PriceCommand::Perp(a) => perp::run(ctx, a),
        PriceCommand::Lp(a) => lp::run(ctx, a),
        PriceCommand::Parity(a) => parity::run(ctx, a),
    }
}

/// Time to expiry: calendar days, or an expiry and a valuation date.
#[derive(Debug, Args, Clone)]
pub struct ExpiryArgs {
    /// Calendar days to expiry (Actual/365; fractions allowed).
    #[arg(long, allow_negative_numbers = true, conflicts_with_all = ["expiry", "as_of"])]
    pub expiry_days: Option<f64>,
    /// Expiry date YYYY-MM-DD (with --as-of).
    #[arg(long, requires = "as_of")]
    pub expiry: Option<String>,
    /// Valuation date YYYY-MM-DD (with --expiry).
    #[arg(long, requires = "expiry")]
    pub as_of: Option<String>,
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

impl Expiry {
    /// The expiry date: the given one, or a nominal date `days` after 1970-01-01 when only days
    /// were given (the structures need one common expiry date; it is never printed).
    pub fn date(&self) -> NaiveDate {
        match self.dates {
            Some((_, e)) => e,
            None => NaiveDate::default() + chrono::Duration::days(self.days.ceil() as i64),
        }
    }
}

impl ExpiryArgs {
    /// Resolves the flags to a strictly positive time to expiry.
    pub fn resolve(&self) -> anyhow::Result<Expiry> {
        match (self.expiry_days, &self.expiry, &self.as_of) {
            (Some(d), _, _) => {
                let d = positive("expiry-days", d)?;
                Ok(Expiry { days: d, t_years: d / 365.0, dates: None })
            }
            (None, Some(e), Some(a)) => {
                let e = date_flag("expiry", e)?;
                let a = date_flag("as-of", a)?;
                if e <= a {
                    return Err(usage(format!(
                        "--expiry {e} must be after --as-of {a} (an option at expiry has no time value)"
                    )));
                }
                let days = (e - a).num_days() as f64;
                Ok(Expiry { days, t_years: days / 365.0, dates: Some((a, e)) })
            }
            _ => Err(usage(
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

/// A usage error (exit 2).
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

// The flag validators and the pricing-error classification are the app's (one copy, the
// same messages): the structures still priced here use them through `?`.
pub use crosshedge_app::price::{date_flag, finite, parse_kind, positive, pricing_err};

/// A number for tables: `digits` decimals, or scientific notation when tiny or huge.
pub fn num(x: f64, digits: usize) -> String {
    let a = x.abs();
    if x != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{x:.4e}")
    } else {
        format!("{x:.digits$}")
    }
}

/// A number with exactly `digits` decimals (no scientific notation, no "-0.00").
pub fn fixed(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}
