//! `price parity`: put-call parity over an option chain — conversion/reversal violations net
//! of costs.

use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_data::DataError;
use crosshedge_pricing::parity::{
    parse_chain_csv, scan_chain, ParityMarket, ParityViolation, Underlying,
};
use crosshedge_pricing::PricingError;
use serde::{Deserialize, Serialize};

use super::{finite, non_negative, positive, pricing_err};
use crate::{AppError, Progress, Workspace};

/// A chain to scan. Give one underlying: `spot`, `spot_bid` and `spot_ask`, or `future`;
/// and one valuation: `as_of` or `expiry_days`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParityRequest {
    /// Chain CSV with columns strike, expiry, call_bid, call_ask, put_bid, put_ask (required).
    pub chain: Option<PathBuf>,
    /// Spot price (both sides).
    pub spot: Option<f64>,
    /// Spot bid (with `spot_ask`, instead of `spot`).
    pub spot_bid: Option<f64>,
    /// Spot ask.
    pub spot_ask: Option<f64>,
    /// Futures price of the chain's expiry (options on a future, e.g. VIX), instead of spot.
    pub future: Option<f64>,
    /// Continuously compounded rate for both borrowing and lending, decimal per year.
    pub rate: f64,
    /// Borrowing rate of a conversion when it differs from `rate`, decimal per year.
    pub borrow_rate: Option<f64>,
    /// Lending rate of a reversal when it differs from `rate`, decimal per year.
    pub lend_rate: Option<f64>,
    /// Continuous dividend yield, decimal per year (spot underlyings).
    pub div_yield: f64,
    /// Valuation date.
    pub as_of: Option<NaiveDate>,
    /// Days to expiry (a chain with a single expiry; the valuation date is that many days
    /// before it).
    pub expiry_days: Option<i64>,
    /// Commission per leg per unit (three legs per trade).
    pub commission: f64,
}

/// The scan (the `--json` of `price parity`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParityResponse {
    /// The chain file as displayed.
    pub file: String,
    /// Valuation date.
    pub as_of: NaiveDate,
    /// Market and cost inputs.
    pub market: ParityMarket,
    /// Chain rows read.
    pub rows: usize,
    /// Violations net of costs.
    pub violations: Vec<ParityViolation>,
}

/// Runs `price parity`.
///
/// # Errors
/// An input error for an unreadable or malformed chain, or a bad value naming its flag.
pub fn run(
    _ws: &Workspace,
    a: &ParityRequest,
    _progress: &dyn Progress,
) -> Result<ParityResponse, AppError> {
    let Some(chain) = a.chain.as_deref() else {
        return Err(AppError::input("give the option chain: --chain FILE"));
    };
    let file = chain.display().to_string();
    let f = std::fs::File::open(chain).map_err(|e| DataError::File {
        file: file.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let rows = parse_chain_csv(std::io::BufReader::new(f)).map_err(|e| match e {
        PricingError::Csv { line, column, message } => {
            if column == 0 {
                AppError::from(DataError::File {
                    file: file.clone(),
                    message: format!("line {line}: {message}"),
                })
            } else {
                AppError::from(DataError::Input {
                    file: file.clone(),
                    line,
                    column,
                    column_name: None,
                    message,
                })
            }
        }
        other => pricing_err(other),
    })?;
    if rows.is_empty() {
        return Err(DataError::File { file, message: "no chain rows".into() }.into());
    }
    let (underlying, bid, ask) = match (a.spot, a.spot_bid, a.spot_ask, a.future) {
        (Some(s), None, None, None) => {
            let s = positive("spot", s)?;
            (Underlying::Spot { div_yield: finite("div-yield", a.div_yield)? }, s, s)
        }
        (None, Some(b), Some(k), None) => {
            let (b, k) = (positive("spot-bid", b)?, positive("spot-ask", k)?);
            if b > k {
                return Err(AppError::input(format!("--spot-bid {b} is above --spot-ask {k}")));
            }
            (Underlying::Spot { div_yield: finite("div-yield", a.div_yield)? }, b, k)
        }
        (None, None, None, Some(f)) => {
            let f = positive("future", f)?;
            (Underlying::Future, f, f)
        }
        _ => {
            return Err(AppError::input("give --spot S, --spot-bid B --spot-ask A, or --future F"))
        }
    };
    let rate = finite("rate", a.rate)?;
    let as_of = match (a.as_of, a.expiry_days) {
        (Some(d), None) => d,
        (None, Some(days)) => {
            if days < 0 {
                return Err(AppError::input(format!("--expiry-days must be >= 0, got {days}")));
            }
            let first = rows[0].expiry;
            if let Some(r) = rows.iter().find(|r| r.expiry != first) {
                return Err(AppError::input(format!(
                    "{file} has several expiries ({first}, {}): give --as-of DATE instead of --expiry-days",
                    r.expiry
                )));
            }
            first - chrono::Duration::days(days)
        }
        _ => {
            return Err(AppError::input(
                "give the valuation date: --as-of DATE (or --expiry-days D)",
            ))
        }
    };
    let market = ParityMarket {
        underlying,
        underlying_bid: bid,
        underlying_ask: ask,
        as_of,
        borrow_rate: finite("borrow-rate", a.borrow_rate.unwrap_or(rate))?,
        lend_rate: finite("lend-rate", a.lend_rate.unwrap_or(rate))?,
        commission_per_leg: non_negative("commission", a.commission)?,
    };
    let violations = scan_chain(&rows, &market).map_err(pricing_err)?;
    Ok(ParityResponse { file, as_of, market, rows: rows.len(), violations })
}
