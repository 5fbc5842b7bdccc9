//! Equity-curve statistics.
//!
//! # Formulas
//! With values `V_0 … V_n` on dates `d_0 … d_n` and `P` periods per year (stated, e.g. 252):
//! - total return `V_n / V_0 − 1`;
//! - annualised return `(V_n / V_0)^{P / n} − 1`;
//! - simple returns `r_t = V_t / V_{t−1} − 1`, annualised volatility
//!   `sd(r; ddof = 1) · √P` (pandas' default `std`);
//! - drawdown `D_t = V_t / max_{s ≤ t} V_s − 1` (≤ 0); maximum drawdown `−min_t D_t` (≥ 0),
//!   with the peak date, the trough date and the first later date back at the peak;
//! - calendar-month return: last value of the month over the last value of the previous
//!   month (the first month over `V_0`), as pandas `resample("ME").last()` then
//!   `pct_change` with `V_0` prepended;
//! - cost of carry per year: `−Σ_{t ∉ episodes} (H_t − H_{t−1}) / years` with the hedge P&L
//!   `H = hedged − unhedged` and `years = n / P` (positive means the hedge costs money in
//!   calm times); also the cash outlay `−Σ (premium + fee + gas + funding) / years`;
//! - protection in an episode `[s, e]`: from the last observation strictly before `s` (or
//!   the first one) to the last observation on or before `e`, the unhedged loss
//!   `L = −ΔU`, the hedge P&L `ΔH − ΔU` and the share offset `(ΔH − ΔU) / L` when `L > 0`.
//!
//! # References
//! - Goldens: `scripts/metrics_golden.py` (pandas/numpy), `tests/golden/metrics.json`.

use chrono::{Datelike, NaiveDate as Date};
use crosshedge_labels::episodes::Episode;
use serde::Serialize;

use crate::error::BacktestError;
use crate::ledger::{CashFlow, FlowKind};

/// Trading days per year, the default annualisation.
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;

/// The maximum drawdown and its dates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MaxDrawdown {
    /// `−min D_t` as a decimal (0.25 = a 25 % fall from the peak).
    pub max_drawdown: f64,
    /// Date of the running peak before the trough.
    pub peak_date: Date,
    /// Date of the trough.
    pub trough_date: Date,
    /// First date after the trough with a value back at or above the peak, if any.
    pub recovery_date: Option<Date>,
}

/// One calendar month's return.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MonthReturn {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Simple return (decimal).
    pub simple_return: f64,
}

/// Statistics of one equity curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EquityMetrics {
    /// Periods per year used to annualise.
    pub periods_per_year: f64,
    /// `V_n / V_0 − 1`.
    pub total_return: f64,
    /// `(V_n / V_0)^{P/n} − 1`.
    pub annualised_return: f64,
    /// `sd(r) √P`; `None` with fewer than two returns.
    pub annualised_vol: Option<f64>,
    /// Maximum drawdown and its dates.
    pub max_drawdown: MaxDrawdown,
    /// The worst calendar month.
    pub worst_month: MonthReturn,
}

fn validate(dates: &[Date], values: &[f64]) -> Result<(), BacktestError> {
    validate_finite(dates, values)?;
    if let Some(&v) = values.iter().find(|v| **v <= 0.0) {
        return Err(BacktestError::InvalidInput {
            name: "equity value",
            value: v,
            expected: "finite and > 0",
        });
    }
    Ok(())
}

fn validate_finite(dates: &[Date], values: &[f64]) -> Result<(), BacktestError> {
    if values.len() < 2 {
        return Err(BacktestError::BadLength {
            name: "equity curve",
            len: values.len(),
            expected: ">= 2",
        });
    }
    if dates.len() != values.len() {
        return Err(BacktestError::BadLength {
            name: "dates",
            len: dates.len(),
            expected: "the values' length",
        });
    }
    for w in dates.windows(2) {
        if w[1] <= w[0] {
            return Err(BacktestError::Unsorted { previous: w[0], date: w[1] });
        }
    }
    if let Some(&v) = values.iter().find(|v| !v.is_finite()) {
        return Err(BacktestError::InvalidInput {
            name: "equity value",
            value: v,
            expected: "finite",
        });
    }
    Ok(())
}

/// The drawdown series `D_t = V_t / max_{s≤t} V_s − 1`.
pub fn drawdown_series(values: &[f64]) -> Vec<f64> {
    let mut peak = f64::NEG_INFINITY;
    values
        .iter()
        .map(|&v| {
            peak = peak.max(v);
            v / peak - 1.0
        })
        .collect()
}

/// Calendar-month returns (see the module formulas).
///
/// # Errors
/// As [`equity_metrics`].
pub fn monthly_returns(dates: &[Date], values: &[f64]) -> Result<Vec<MonthReturn>, BacktestError> {
    validate(dates, values)?;
    let mut out = Vec::new();
    let mut prev_end = values[0];
    for i in 0..values.len() {
        let last_of_month = i + 1 == values.len()
            || (dates[i + 1].year(), dates[i + 1].month()) != (dates[i].year(), dates[i].month());
        if last_of_month {
            out.push(MonthReturn {
                year: dates[i].year(),
                month: dates[i].month(),
                simple_return: values[i] / prev_end - 1.0,
            });
            prev_end = values[i];
        }
    }
    Ok(out)
}

/// All statistics of one curve.
///
/// # Errors
/// Fewer than two values, mismatched lengths, dates not increasing, a value not finite and
/// positive, or `periods_per_year` not positive.
pub fn equity_metrics(
    dates: &[Date],
    values: &[f64],
    periods_per_year: f64,
) -> Result<EquityMetrics, BacktestError> {
    validate(dates, values)?;
    if !(periods_per_year.is_finite() && periods_per_year > 0.0) {
        return Err(BacktestError::InvalidInput {
            name: "periods_per_year",
            value: periods_per_year,
            expected: "finite and > 0",
        });
    }
    let n = values.len() - 1;
    let growth = values[n] / values[0];
    let returns: Vec<f64> = values.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    let annualised_vol = (returns.len() >= 2).then(|| {
        let m = returns.iter().sum::<f64>() / returns.len() as f64;
        let ss: f64 = returns.iter().map(|r| (r - m) * (r - m)).sum();
        (ss / (returns.len() - 1) as f64).sqrt() * periods_per_year.sqrt()
    });
    let months = monthly_returns(dates, values)?;
    let worst_month = months.iter().copied().fold(months[0], |a, b| {
        if b.simple_return < a.simple_return {
            b
        } else {
            a
        }
    });
    Ok(EquityMetrics {
        periods_per_year,
        total_return: growth - 1.0,
        annualised_return: growth.powf(periods_per_year / n as f64) - 1.0,
        annualised_vol,
        max_drawdown: max_drawdown(dates, values),
        worst_month,
    })
}

fn max_drawdown(dates: &[Date], values: &[f64]) -> MaxDrawdown {
    let (mut peak_i, mut best) = (0usize, (0.0f64, 0usize, 0usize));
    for (i, &v) in values.iter().enumerate() {
        if v > values[peak_i] {
            peak_i = i;
        }
        let dd = v / values[peak_i] - 1.0;
        if dd < best.0 {
            best = (dd, peak_i, i);
        }
    }
    let (dd, p, t) = best;
    let recovery_date = (t + 1..values.len()).find(|&i| values[i] >= values[p]).map(|i| dates[i]);
    MaxDrawdown { max_drawdown: -dd, peak_date: dates[p], trough_date: dates[t], recovery_date }
}

/// Protection a hedge gave in one named episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpisodeProtection {
    /// Episode name.
    pub name: String,
    /// First observation date used (last one before the episode start, or the first).
    pub from: Date,
    /// Last observation date used (last one on or before the episode end).
    pub to: Date,
    /// `ΔU`.
    pub unhedged_pnl: f64,
    /// `ΔH`.
    pub hedged_pnl: f64,
    /// `ΔH − ΔU`.
    pub hedge_pnl: f64,
    /// `(ΔH − ΔU) / (−ΔU)` when the unhedged book lost money, else `None`.
    pub share_offset: Option<f64>,
}

/// Protection in each episode that overlaps the curve (others are skipped).
///
/// # Errors
/// Fewer than two values, mismatched lengths, unsorted dates or a non-finite value.
pub fn episode_protection(
    dates: &[Date],
    unhedged: &[f64],
    hedged: &[f64],
    episodes: &[Episode],
) -> Result<Vec<EpisodeProtection>, BacktestError> {
    validate_finite(dates, unhedged)?;
    validate_finite(dates, hedged)?;
    let mut out = Vec::new();
    for ep in episodes {
        let before = dates.partition_point(|d| *d < ep.start);
        let upto = dates.partition_point(|d| *d <= ep.end);
        if upto == 0 || before >= dates.len() || upto <= before {
            continue;
        }
        let a = before.saturating_sub(1);
        let b = upto - 1;
        let du = unhedged[b] - unhedged[a];
        let dh = hedged[b] - hedged[a];
        let hedge_pnl = dh - du;
        out.push(EpisodeProtection {
            name: ep.name.clone(),
            from: dates[a],
            to: dates[b],
            unhedged_pnl: du,
            hedged_pnl: dh,
            hedge_pnl,
            share_offset: (du < 0.0).then(|| hedge_pnl / -du),
        });
    }
    Ok(out)
}

/// The cost of carrying the hedge.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CarryCost {
    /// `n / P`.
    pub years: f64,
    /// `−Σ_{t ∉ episodes} (H_t − H_{t−1}) / years` (USD per year; positive is a cost).
    pub hedge_pnl_outside_episodes_per_year: f64,
    /// `−Σ (premium + fee + gas + funding) / years` (USD per year; positive is an outlay).
    pub outlay_per_year: f64,
    /// The same carry relative to the exposure: `−Σ_{t ∉ episodes} (E_t − E_{t−1}) / U_{t−1} /
    /// years` with `E = H − U` (a fraction of the exposure per year; scale-free, so a book whose
    /// exposure grows a thousandfold is still readable); `None` when some `U_{t−1} ≤ 0`.
    pub hedge_pnl_outside_episodes_share_per_year: Option<f64>,
    /// The outlays relative to the exposure: `−Σ_f amount_f / U_{t(f)−1} / years`, each flow
    /// over the exposure at the start of its day (`U_0` on the first day); `None` when some
    /// such `U ≤ 0` or a flow is dated outside the run.
    pub outlay_share_per_year: Option<f64>,
}

/// The cost of carry (see the module formulas). A day belongs to an episode when its date
/// lies in `[start, end]`.
///
/// # Errors
/// Fewer than two values, mismatched lengths, unsorted dates or a non-finite value.
pub fn cost_of_carry(
    dates: &[Date],
    unhedged: &[f64],
    hedged: &[f64],
    flows: &[CashFlow],
    episodes: &[Episode],
    periods_per_year: f64,
) -> Result<CarryCost, BacktestError> {
    validate_finite(dates, unhedged)?;
    validate_finite(dates, hedged)?;
    if hedged.len() != unhedged.len() {
        return Err(BacktestError::BadLength {
            name: "hedged",
            len: hedged.len(),
            expected: "the unhedged length",
        });
    }
    let years = (dates.len() - 1) as f64 / periods_per_year;
    let mut outside = 0.0;
    for t in 1..dates.len() {
        if !episodes.iter().any(|e| e.contains(dates[t])) {
            outside += (hedged[t] - unhedged[t]) - (hedged[t - 1] - unhedged[t - 1]);
        }
    }
    let mut outside_share = Some(0.0);
    for t in 1..dates.len() {
        if !episodes.iter().any(|e| e.contains(dates[t])) {
            let d = (hedged[t] - unhedged[t]) - (hedged[t - 1] - unhedged[t - 1]);
            outside_share = outside_share
                .filter(|_| unhedged[t - 1] > 0.0)
                .map(|acc| acc + d / unhedged[t - 1]);
        }
    }
    let is_outlay = |f: &&CashFlow| {
        matches!(f.kind, FlowKind::Premium | FlowKind::Fee | FlowKind::Gas | FlowKind::Funding)
    };
    let outlay: f64 = flows.iter().filter(is_outlay).map(|f| f.amount).sum();
    let mut outlay_share = Some(0.0);
    for f in flows.iter().filter(is_outlay) {
        let t = dates.partition_point(|d| *d < f.date);
        let base = if t < dates.len() && dates[t] == f.date {
            Some(unhedged[t.saturating_sub(1)])
        } else {
            None
        };
        outlay_share = match (outlay_share, base) {
            (Some(acc), Some(u)) if u > 0.0 => Some(acc + f.amount / u),
            _ => None,
        };
    }
    Ok(CarryCost {
        years,
        hedge_pnl_outside_episodes_per_year: -outside / years,
        outlay_per_year: -outlay / years,
        hedge_pnl_outside_episodes_share_per_year: outside_share.map(|x| -x / years),
        outlay_share_per_year: outlay_share.map(|x| -x / years),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn carry_shares_by_hand() {
        use crate::ledger::PositionId;
        let dates = [d("2024-01-02"), d("2024-01-03"), d("2024-01-04")];
        // Exposure 100 → 200 → 100; hedge value E = 0, −2, −3.
        let u = [100.0, 200.0, 100.0];
        let h = [100.0, 198.0, 97.0];
        let flow = |date: &str, kind, amount| CashFlow {
            date: d(date),
            kind,
            amount,
            position: PositionId(1),
        };
        let flows = [
            flow("2024-01-02", FlowKind::Premium, -1.0),
            flow("2024-01-03", FlowKind::Fee, -2.0),
            flow("2024-01-04", FlowKind::Payoff, 5.0),
        ];
        let c = cost_of_carry(&dates, &u, &h, &flows, &[], 2.0).unwrap();
        assert_eq!(c.years, 1.0);
        // −(−2/100 − 1/200) = 0.025 of the exposure.
        assert!((c.hedge_pnl_outside_episodes_share_per_year.unwrap() - 0.025).abs() < 1e-15);
        assert!((c.hedge_pnl_outside_episodes_per_year - 3.0).abs() < 1e-12);
        // Outlays: 1 over U_0 = 100 (first day), 2 over U_0 = 100 (day 2's start); the payoff
        // is not an outlay.
        assert!((c.outlay_share_per_year.unwrap() - 0.03).abs() < 1e-15);
        assert!((c.outlay_per_year - 3.0).abs() < 1e-12);
        // A non-positive exposure makes the shares undefined, not NaN.
        let c = cost_of_carry(&dates, &[100.0, 0.0, 100.0], &h, &flows, &[], 2.0).unwrap();
        assert!(c.hedge_pnl_outside_episodes_share_per_year.is_none());
    }

    #[test]
    fn metrics_by_hand() {
        let dates =
            [d("2024-01-30"), d("2024-01-31"), d("2024-02-01"), d("2024-02-29"), d("2024-03-01")];
        let v = [100.0, 110.0, 88.0, 99.0, 121.0];
        let m = equity_metrics(&dates, &v, 252.0).unwrap();
        assert!((m.total_return - 0.21).abs() < 1e-15);
        assert!((m.max_drawdown.max_drawdown - 0.2).abs() < 1e-15);
        assert_eq!(m.max_drawdown.peak_date, dates[1]);
        assert_eq!(m.max_drawdown.trough_date, dates[2]);
        assert_eq!(m.max_drawdown.recovery_date, Some(dates[4]));
        assert_eq!((m.worst_month.year, m.worst_month.month), (2024, 2));
        assert!((m.worst_month.simple_return - (99.0 / 110.0 - 1.0)).abs() < 1e-15);
        assert_eq!(drawdown_series(&v)[3], 99.0 / 110.0 - 1.0);
    }

    #[test]
    fn metrics_reject_bad_input() {
        let dates = [d("2024-01-30"), d("2024-01-30")];
        assert!(equity_metrics(&dates, &[1.0, 2.0], 252.0).is_err());
        let dates = [d("2024-01-30"), d("2024-01-31")];
        assert!(equity_metrics(&dates, &[1.0, -2.0], 252.0).is_err());
        assert!(equity_metrics(&dates, &[1.0, 2.0], 0.0).is_err());
        assert!(equity_metrics(&dates[..1], &[1.0], 252.0).is_err());
    }
}
