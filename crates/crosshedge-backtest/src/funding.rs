//! Perpetual funding on market days under the calendar-day convention.
//!
//! Perpetuals pay funding every calendar day (every 8 hours on most venues), weekends and US
//! holidays included, while the backtest steps on US trading days. A perp held from the close
//! of market day `t−1` to the close of market day `t` pays the funding of every calendar day
//! in between, so the rate booked on `t` is
//!
//! ```text
//! F_t = Σ_{c ∈ (t−1, t]} f_c
//! ```
//!
//! with `f_c` the stored daily funding sum of calendar day `c` (decimal of notional, positive:
//! longs pay shorts). A Monday after a Friday close books Saturday, Sunday and Monday; the day
//! after a holiday books the holiday too. The first market day books its own date only (no
//! position is held before it). A calendar day without a print takes the last print on or
//! before it when that is at most `max_stale_days` old, else zero (counted as missing).
//!
//! `crosshedge stress` uses the expectation of the same sum: its trading-day step pays the
//! mean daily rate × 365/252 (the mean number of calendar days per US trading day), so the two
//! commands book the same funding per year.

use chrono::NaiveDate as Date;
use serde::Serialize;

use crate::error::BacktestError;

/// The funding of each market day and how the calendar days were filled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarFunding {
    /// `F_t` per market day (decimal of notional).
    pub per_market_day: Vec<f64>,
    /// Calendar days summed (every day from the first market day to the last).
    pub calendar_days: usize,
    /// Calendar days with a print of their own.
    pub printed_days: usize,
    /// Calendar days filled with an earlier print no more than `max_stale_days` old.
    pub stale_days: usize,
    /// Calendar days with no print within `max_stale_days` (booked as zero).
    pub missing_days: usize,
}

/// The funding booked on each of `market_dates` (see the module docs).
///
/// # Errors
/// [`BacktestError::Unsorted`] unless both date lists are strictly increasing;
/// [`BacktestError::InvalidInput`] for a non-finite rate or a negative `max_stale_days`.
pub fn calendar_day_funding(
    market_dates: &[Date],
    daily: &[(Date, f64)],
    max_stale_days: i64,
) -> Result<CalendarFunding, BacktestError> {
    for w in market_dates.windows(2) {
        if w[1] <= w[0] {
            return Err(BacktestError::Unsorted { previous: w[0], date: w[1] });
        }
    }
    for w in daily.windows(2) {
        if w[1].0 <= w[0].0 {
            return Err(BacktestError::Unsorted { previous: w[0].0, date: w[1].0 });
        }
    }
    if let Some(&(_, v)) = daily.iter().find(|(_, v)| !v.is_finite()) {
        return Err(BacktestError::InvalidInput {
            name: "funding rate",
            value: v,
            expected: "finite",
        });
    }
    if max_stale_days < 0 {
        return Err(BacktestError::InvalidInput {
            name: "max_stale_days",
            value: max_stale_days as f64,
            expected: ">= 0",
        });
    }
    let mut out = CalendarFunding {
        per_market_day: Vec::with_capacity(market_dates.len()),
        calendar_days: 0,
        printed_days: 0,
        stale_days: 0,
        missing_days: 0,
    };
    // `next`: index of the first print after the calendar day being filled.
    let mut next = 0usize;
    let mut prev: Option<Date> = None;
    for &t in market_dates {
        let mut c = prev.and_then(|p| p.succ_opt()).unwrap_or(t);
        let mut sum = 0.0;
        while c <= t {
            while next < daily.len() && daily[next].0 <= c {
                next += 1;
            }
            out.calendar_days += 1;
            match next.checked_sub(1).map(|i| daily[i]) {
                Some((d, v)) if d == c => {
                    out.printed_days += 1;
                    sum += v;
                }
                Some((d, v)) if (c - d).num_days() <= max_stale_days => {
                    out.stale_days += 1;
                    sum += v;
                }
                _ => out.missing_days += 1,
            }
            let Some(n) = c.succ_opt() else { break };
            c = n;
        }
        out.per_market_day.push(sum);
        prev = Some(t);
    }
    Ok(out)
}
