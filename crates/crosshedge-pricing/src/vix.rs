//! The VIX futures curve on a date, its constant-maturity 30-day future, roll yield and shape;
//! VIX options priced on the future of their own expiry; and a constant-maturity vol-ETP proxy
//! (the S&P 500 VIX Short-Term Futures Index roll from month 1 to month 2).
//!
//! The crate does no file I/O: callers pass parsed [`VixFuturesRow`]s (e.g. from
//! `vix_futures_contracts_daily.csv`: `date, expiry, settle`).
//!
//! # Formula
//! *Interpolation* is linear in settlement price against calendar days to expiry, as the VIX
//! methodology's constant-maturity weights are: for target `τ` between contracts with
//! `τ₁ ≤ τ ≤ τ₂` days, `F(τ) = w F₁ + (1 − w) F₂` with `w = (τ₂ − τ)/(τ₂ − τ₁)`. Outside the
//! listed range the first (last) two contracts are extrapolated linearly and the result says so.
//!
//! *Roll yield* (annualised, decimal): `(F₂ − F₁)/F₁ · 365/(τ₂ − τ₁)` for the first two
//! contracts; positive in contango (a long futures holder loses it as the curve rolls down).
//! The *slope* is `(F₂ − F₁)/(τ₂ − τ₁)` in VIX points per day.
//!
//! *ETP proxy*: business days are NYSE trading days plus any session present in the rows on an
//! NYSE holiday (CFE traded on Good Friday 2015). On each business day `t` the index holds month 1 (the first contract expiring
//! strictly after `t`) and month 2 (the next). With `dt` the business days in the roll period
//! `[E₀, E₁)` between the previous and the next settlement dates and `dr` the business days in
//! `[t+1, E₁)`, the roll weights are `w₁ = dr/dt`, `w₂ = 1 − w₁`. The daily excess return is
//! `Σᵢ wᵢ,ₜ₋₁ Fᵢ,ₜ / Σᵢ wᵢ,ₜ₋₁ Fᵢ,ₜ₋₁ − 1` (TDWO/TDWI − 1 of the methodology, weights as contract
//! units; [`ProxyWeighting::ContractUnits`]) or, as often quoted,
//! `Σᵢ wᵢ,ₜ₋₁ (Fᵢ,ₜ/Fᵢ,ₜ₋₁) − 1` ([`ProxyWeighting::ValueWeights`]). No T-bill interest and no fee
//! are added (VXX earns the former and charges 0.89 % a year).
//!
//! # References
//! Cboe, "VIX White Paper" (constant-maturity interpolation); Cboe Futures Exchange VX contract
//! specifications (final settlement date rule, see [`crosshedge_core::calendar::vix_expiry`]);
//! S&P Dow Jones Indices, "S&P 500 VIX Futures Indices Methodology" (short-term index: roll period,
//! `dt`, `dr`, contract roll weights and the daily return `CDR_t = TDWO_t/TDWI_{t−1} − 1`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration};
use crosshedge_core::calendar::{nyse_is_trading_day, vix_expiry};
use crosshedge_core::units::YearFrac;
use crosshedge_core::Date;
use serde::{Deserialize, Serialize};

use crate::black::{black76_greeks, Black76Inputs, Greeks, OptionKind};
use crate::PricingError;

/// Constant maturity of the VIX-style future, in calendar days.
pub const CONSTANT_MATURITY_DAYS: f64 = 30.0;

/// One settlement row of one VIX futures contract.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct VixFuturesRow {
    /// Trade date.
    pub date: Date,
    /// Final settlement (expiry) date of the contract.
    pub expiry: Date,
    /// Daily settlement price, VIX points.
    pub settle: f64,
}

/// A VIX future's quote: its expiry and price (VIX points).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct VixFutureQuote {
    /// Final settlement date.
    pub expiry: Date,
    /// Futures price, VIX points.
    pub price: f64,
}

/// A VIX option contract.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct VixOption {
    /// Call or put.
    pub kind: OptionKind,
    /// Strike, VIX points.
    pub strike: f64,
    /// Expiry (the same day as the VIX future of that month).
    pub expiry: Date,
}

/// Inputs of a VIX option. The underlying is the VIX *future* of the option's expiry (never
/// spot VIX): [`VixOptionInputs::to_black76`] refuses a future of another expiry.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct VixOptionInputs {
    /// The option.
    pub option: VixOption,
    /// The VIX future of the same expiry.
    pub future: VixFutureQuote,
    /// Valuation date.
    pub as_of: Date,
    /// Black-76 volatility of the future (annualised decimal).
    pub vol: f64,
    /// Continuously compounded discount rate (decimal).
    pub rate: f64,
}

impl VixOptionInputs {
    /// The Black-76 inputs, with time to expiry Actual/365 from `as_of`.
    ///
    /// # Errors
    /// [`PricingError::ExpiryMismatch`] when the future's expiry differs from the option's;
    /// [`PricingError::Expired`] when `as_of` is after the expiry; domain errors otherwise.
    pub fn to_black76(&self) -> Result<Black76Inputs, PricingError> {
        if self.future.expiry != self.option.expiry {
            return Err(PricingError::ExpiryMismatch {
                option_expiry: self.option.expiry,
                future_expiry: self.future.expiry,
            });
        }
        if self.as_of > self.option.expiry {
            return Err(PricingError::Expired { as_of: self.as_of, expiry: self.option.expiry });
        }
        let b = Black76Inputs {
            kind: self.option.kind,
            forward: self.future.price,
            strike: self.option.strike,
            vol: self.vol,
            t_years: YearFrac::act365(self.as_of, self.option.expiry).0,
            rate: self.rate,
        };
        b.validate()?;
        Ok(b)
    }
}

/// Price and greeks of a VIX option on the future of its expiry (Black-76; delta is per VIX
/// point of the *future*).
///
/// # Errors
/// As [`VixOptionInputs::to_black76`].
pub fn price_vix_option(inputs: &VixOptionInputs) -> Result<Greeks, PricingError> {
    black76_greeks(&inputs.to_black76()?)
}

/// One point of the curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Contract expiry.
    pub expiry: Date,
    /// Calendar days from the curve date to expiry.
    pub days_to_expiry: i64,
    /// Settlement price, VIX points.
    pub settle: f64,
}

/// Contango (upward sloping front), backwardation (downward) or flat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CurveShape {
    /// Month 2 above month 1.
    Contango,
    /// Month 2 below month 1.
    Backwardation,
    /// Equal.
    Flat,
}

/// An interpolated futures price.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct InterpolatedFuture {
    /// Target calendar days to expiry.
    pub days: f64,
    /// Interpolated futures price, VIX points.
    pub price: f64,
    /// True when `days` lay outside the listed contracts' range.
    pub extrapolated: bool,
}

/// Summary of the curve on a date (what `crosshedge price vix-curve --date D` prints).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VixCurveSummary {
    /// Curve date.
    pub date: Date,
    /// The contracts, by expiry.
    pub points: Vec<CurvePoint>,
    /// The constant-maturity 30-day future.
    pub constant_maturity_30d: InterpolatedFuture,
    /// `(F₂ − F₁)/F₁ · 365/(τ₂ − τ₁)`, annualised decimal.
    pub roll_yield_ann: f64,
    /// `(F₂ − F₁)/(τ₂ − τ₁)`, VIX points per calendar day.
    pub slope_per_day: f64,
    /// Contango or backwardation of the first two contracts.
    pub shape: CurveShape,
}

/// The VIX futures curve on one date: contracts expiring strictly after the date, by expiry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VixCurve {
    /// Curve date.
    pub date: Date,
    /// At least two points, strictly increasing in days to expiry.
    pub points: Vec<CurvePoint>,
}

impl VixCurve {
    /// Builds the curve on `date` from rows of any dates (rows of other dates are ignored, as are
    /// contracts expiring on or before `date`).
    ///
    /// # Errors
    /// [`PricingError::InsufficientData`] when fewer than two contracts are quoted on `date`;
    /// [`PricingError::NotPositive`] for a non-positive settlement price.
    pub fn on_date(rows: &[VixFuturesRow], date: Date) -> Result<Self, PricingError> {
        let mut points: Vec<CurvePoint> = Vec::new();
        for r in rows.iter().filter(|r| r.date == date && r.expiry > date) {
            PricingError::positive("settle", r.settle)?;
            points.push(CurvePoint {
                expiry: r.expiry,
                days_to_expiry: (r.expiry - date).num_days(),
                settle: r.settle,
            });
        }
        points.sort_by_key(|p| p.expiry);
        points.dedup_by_key(|p| p.expiry);
        if points.len() < 2 {
            return Err(PricingError::InsufficientData {
                what: format!("{} vix futures quoted on {date}, need at least 2", points.len()),
            });
        }
        Ok(Self { date, points })
    }

    /// The future of a given expiry, if quoted.
    pub fn future(&self, expiry: Date) -> Option<VixFutureQuote> {
        self.points
            .iter()
            .find(|p| p.expiry == expiry)
            .map(|p| VixFutureQuote { expiry, price: p.settle })
    }

    /// Futures price at `days` calendar days to expiry, linear in price against days.
    pub fn interpolate(&self, days: f64) -> InterpolatedFuture {
        let p = &self.points;
        let n = p.len();
        let first = p[0].days_to_expiry as f64;
        let last = p[n - 1].days_to_expiry as f64;
        let i =
            p.iter().position(|q| q.days_to_expiry as f64 >= days).unwrap_or(n - 1).clamp(1, n - 1);
        let (a, b) = (&p[i - 1], &p[i]);
        let (ta, tb) = (a.days_to_expiry as f64, b.days_to_expiry as f64);
        let w = (tb - days) / (tb - ta);
        InterpolatedFuture {
            days,
            price: w * a.settle + (1.0 - w) * b.settle,
            extrapolated: days < first || days > last,
        }
    }

    /// The summary: 30-day constant-maturity future, roll yield, slope and shape.
    pub fn summary(&self) -> VixCurveSummary {
        let (a, b) = (&self.points[0], &self.points[1]);
        let dd = (b.days_to_expiry - a.days_to_expiry) as f64;
        let slope = (b.settle - a.settle) / dd;
        let shape = if b.settle > a.settle {
            CurveShape::Contango
        } else if b.settle < a.settle {
            CurveShape::Backwardation
        } else {
            CurveShape::Flat
        };
        VixCurveSummary {
            date: self.date,
            points: self.points.clone(),
            constant_maturity_30d: self.interpolate(CONSTANT_MATURITY_DAYS),
            roll_yield_ann: (b.settle - a.settle) / a.settle * 365.0 / dd,
            slope_per_day: slope,
            shape,
        }
    }
}

/// Business (NYSE trading) days in `[from, to)`.
pub fn business_days(from: Date, to: Date) -> i64 {
    business_days_with(from, to, &BTreeSet::new())
}

/// Business days in `[from, to)`: NYSE trading days plus `extra_sessions` (days the futures
/// exchange traded although the NYSE was closed, e.g. CFE's Good Friday 2015 session).
fn business_days_with(from: Date, to: Date, extra_sessions: &BTreeSet<Date>) -> i64 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        if nyse_is_trading_day(d) || extra_sessions.contains(&d) {
            n += 1;
        }
        d += Duration::days(1);
    }
    n
}

/// The monthly settlement date before `expiry` (the previous calendar month's VIX expiry).
fn previous_settlement(expiry: Date) -> Date {
    let (y, m) = if expiry.month() == 1 {
        (expiry.year() - 1, 12)
    } else {
        (expiry.year(), expiry.month() - 1)
    };
    vix_expiry(y, m)
}

/// Month-1 weight `w₁ = dr/dt` at the close of `day` for the roll period ending at `front_expiry`.
pub fn roll_weight_front(day: Date, front_expiry: Date) -> f64 {
    roll_weight_front_with(day, front_expiry, &BTreeSet::new())
}

fn roll_weight_front_with(day: Date, front_expiry: Date, extra_sessions: &BTreeSet<Date>) -> f64 {
    let start = previous_settlement(front_expiry);
    let dt = business_days_with(start, front_expiry, extra_sessions).max(1) as f64;
    let dr = business_days_with(day + Duration::days(1), front_expiry, extra_sessions) as f64;
    (dr / dt).clamp(0.0, 1.0)
}

/// How the proxy's daily return combines the two contracts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyWeighting {
    /// `Σ wᵢ Fᵢ,ₜ / Σ wᵢ Fᵢ,ₜ₋₁ − 1`: the S&P methodology (weights are contract units).
    ContractUnits,
    /// `Σ wᵢ Fᵢ,ₜ/Fᵢ,ₜ₋₁ − 1`: weights on each contract's return.
    ValueWeights,
}

/// The proxy's daily returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EtpProxy {
    /// Dates of the returns (each the later day of its pair).
    pub dates: Vec<Date>,
    /// Daily excess returns (decimal).
    pub returns: Vec<f64>,
    /// Index level, starting at 1.0 on the day before the first return.
    pub level: Vec<f64>,
    /// Days skipped because a needed settlement price was missing.
    pub skipped: Vec<Date>,
}

/// The constant-maturity short-term VIX futures proxy over the dates present in `rows`
/// (business days with settlements), rolling daily from month 1 to month 2.
///
/// # Errors
/// [`PricingError::InsufficientData`] when fewer than two dates are present.
pub fn etp_proxy(
    rows: &[VixFuturesRow],
    weighting: ProxyWeighting,
) -> Result<EtpProxy, PricingError> {
    let mut by_date: BTreeMap<Date, BTreeMap<Date, f64>> = BTreeMap::new();
    for r in rows {
        if r.settle.is_finite() && r.settle > 0.0 {
            by_date.entry(r.date).or_default().insert(r.expiry, r.settle);
        }
    }
    if by_date.len() < 2 {
        return Err(PricingError::InsufficientData {
            what: "the etp proxy needs at least two dates".into(),
        });
    }
    let dates: Vec<Date> = by_date.keys().copied().collect();
    // Sessions in the data on NYSE holidays count as business days too.
    let extra: BTreeSet<Date> =
        dates.iter().copied().filter(|d| !nyse_is_trading_day(*d)).collect();
    let mut out = EtpProxy { level: vec![1.0], ..EtpProxy::default() };
    for pair in dates.windows(2) {
        let (u, t) = (pair[0], pair[1]);
        let (qu, qt) = (&by_date[&u], &by_date[&t]);
        // Month 1 and month 2 at the close of u: the first two expiries strictly after u.
        let mut later = qu.range(u + Duration::days(1)..).map(|(e, _)| *e);
        let (Some(e1), Some(e2)) = (later.next(), later.next()) else {
            out.skipped.push(t);
            continue;
        };
        let w1 = roll_weight_front_with(u, e1, &extra);
        let w2 = 1.0 - w1;
        let f1u = qu.get(&e1).copied();
        let f2u = qu.get(&e2).copied();
        let f1t = qt.get(&e1).copied();
        let f2t = qt.get(&e2).copied();
        let ret = match (f1u, f2u, f1t, f2t) {
            (Some(f1u), Some(f2u), f1t, Some(f2t)) if w1 == 0.0 || f1t.is_some() => {
                let f1t = f1t.unwrap_or(f1u);
                match weighting {
                    ProxyWeighting::ContractUnits => {
                        (w1 * f1t + w2 * f2t) / (w1 * f1u + w2 * f2u) - 1.0
                    }
                    ProxyWeighting::ValueWeights => w1 * (f1t / f1u) + w2 * (f2t / f2u) - 1.0,
                }
            }
            _ => {
                out.skipped.push(t);
                continue;
            }
        };
        let last = out.level.last().copied().unwrap_or(1.0);
        out.dates.push(t);
        out.returns.push(ret);
        out.level.push(last * (1.0 + ret));
    }
    Ok(out)
}

/// Tracking of one return series by another.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TrackingStats {
    /// Number of paired returns.
    pub n: usize,
    /// Pearson correlation of the daily returns.
    pub correlation: f64,
    /// `sd(r_proxy − r_target) · √periods_per_year`.
    pub tracking_error_ann: f64,
    /// `mean(r_proxy − r_target) · periods_per_year`.
    pub mean_difference_ann: f64,
}

/// Tracking error and correlation of paired returns (same dates, same order).
///
/// # Errors
/// [`PricingError::LengthMismatch`] for unequal lengths; [`PricingError::InsufficientData`] for
/// fewer than 3 pairs or a constant series.
pub fn tracking_stats(
    proxy: &[f64],
    target: &[f64],
    periods_per_year: f64,
) -> Result<TrackingStats, PricingError> {
    if proxy.len() != target.len() {
        return Err(PricingError::LengthMismatch {
            name: "target",
            len: target.len(),
            expected: proxy.len(),
        });
    }
    let n = proxy.len();
    if n < 3 {
        return Err(PricingError::InsufficientData {
            what: format!("{n} paired returns, need at least 3"),
        });
    }
    let nf = n as f64;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / nf;
    let (mp, mt) = (mean(proxy), mean(target));
    let (mut spp, mut stt, mut spt) = (0.0, 0.0, 0.0);
    let mut diffs = Vec::with_capacity(n);
    for (p, t) in proxy.iter().zip(target) {
        spp += (p - mp) * (p - mp);
        stt += (t - mt) * (t - mt);
        spt += (p - mp) * (t - mt);
        diffs.push(p - t);
    }
    if spp <= 0.0 || stt <= 0.0 {
        return Err(PricingError::InsufficientData {
            what: "a constant return series has no correlation".into(),
        });
    }
    let md = mean(&diffs);
    let var_d = diffs.iter().map(|d| (d - md) * (d - md)).sum::<f64>() / (nf - 1.0);
    Ok(TrackingStats {
        n,
        correlation: spt / (spp * stt).sqrt(),
        tracking_error_ann: (var_d * periods_per_year).sqrt(),
        mean_difference_ann: md * periods_per_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rows() -> Vec<VixFuturesRow> {
        let date = d("2024-01-02");
        vec![
            VixFuturesRow { date, expiry: d("2024-02-14"), settle: 15.0 },
            VixFuturesRow { date, expiry: d("2024-01-17"), settle: 14.0 },
            VixFuturesRow { date, expiry: d("2024-03-20"), settle: 16.5 },
            VixFuturesRow { date: d("2024-01-03"), expiry: d("2024-01-17"), settle: 99.0 },
        ]
    }

    #[test]
    fn curve_interpolation_and_summary() {
        let c = VixCurve::on_date(&rows(), d("2024-01-02")).unwrap();
        assert_eq!(c.points.len(), 3);
        assert_eq!(c.points[0].days_to_expiry, 15);
        assert_eq!(c.points[1].days_to_expiry, 43);
        let s = c.summary();
        // 30 days: w = (43 − 30)/(43 − 15) on 14, the rest on 15.
        let w = 13.0 / 28.0;
        assert!((s.constant_maturity_30d.price - (w * 14.0 + (1.0 - w) * 15.0)).abs() < 1e-12);
        assert!(!s.constant_maturity_30d.extrapolated);
        assert_eq!(s.shape, CurveShape::Contango);
        assert!((s.roll_yield_ann - (1.0 / 14.0) * 365.0 / 28.0).abs() < 1e-12);
        assert!((s.slope_per_day - 1.0 / 28.0).abs() < 1e-15);
        // Exact at a node, extrapolated beyond.
        assert!((c.interpolate(43.0).price - 15.0).abs() < 1e-12);
        let far = c.interpolate(100.0);
        assert!(far.extrapolated);
        assert!((far.price - (16.5 + 1.5 / 35.0 * 22.0)).abs() < 1e-12);
    }

    #[test]
    fn curve_needs_two_contracts() {
        let e = VixCurve::on_date(&rows(), d("2024-01-03")).unwrap_err();
        assert!(matches!(e, PricingError::InsufficientData { .. }));
    }

    #[test]
    fn vix_option_refuses_a_future_of_another_expiry() {
        let c = VixCurve::on_date(&rows(), d("2024-01-02")).unwrap();
        let option = VixOption { kind: OptionKind::Call, strike: 16.0, expiry: d("2024-02-14") };
        let wrong = c.future(d("2024-01-17")).unwrap();
        let inputs =
            VixOptionInputs { option, future: wrong, as_of: d("2024-01-02"), vol: 0.9, rate: 0.05 };
        assert!(matches!(price_vix_option(&inputs), Err(PricingError::ExpiryMismatch { .. })));
        let right = c.future(d("2024-02-14")).unwrap();
        let g = price_vix_option(&VixOptionInputs { future: right, ..inputs }).unwrap();
        let b = black76_greeks(&Black76Inputs {
            kind: OptionKind::Call,
            forward: 15.0,
            strike: 16.0,
            vol: 0.9,
            t_years: 43.0 / 365.0,
            rate: 0.05,
        })
        .unwrap();
        assert_eq!(g, b);
    }

    #[test]
    fn roll_weights_run_from_one_to_zero() {
        // Roll period for the 2024-02-14 contract: [2024-01-17, 2024-02-14).
        let e1 = d("2024-02-14");
        let dt = business_days(d("2024-01-17"), e1) as f64;
        assert_eq!(dt, 20.0);
        assert!((roll_weight_front(d("2024-01-17"), e1) - 19.0 / 20.0).abs() < 1e-15);
        assert_eq!(roll_weight_front(d("2024-02-13"), e1), 0.0);
        assert!((roll_weight_front(d("2024-02-12"), e1) - 1.0 / 20.0).abs() < 1e-15);
    }

    #[test]
    fn proxy_return_formula() {
        // Two days inside a roll period with known weights.
        let (u, t) = (d("2024-02-12"), d("2024-02-13"));
        let (e1, e2) = (d("2024-02-14"), d("2024-03-20"));
        let rows = vec![
            VixFuturesRow { date: u, expiry: e1, settle: 14.0 },
            VixFuturesRow { date: u, expiry: e2, settle: 16.0 },
            VixFuturesRow { date: t, expiry: e1, settle: 15.0 },
            VixFuturesRow { date: t, expiry: e2, settle: 16.5 },
        ];
        let w1 = 1.0 / 20.0;
        let p = etp_proxy(&rows, ProxyWeighting::ContractUnits).unwrap();
        let expect = (w1 * 15.0 + (1.0 - w1) * 16.5) / (w1 * 14.0 + (1.0 - w1) * 16.0) - 1.0;
        assert!((p.returns[0] - expect).abs() < 1e-15);
        let v = etp_proxy(&rows, ProxyWeighting::ValueWeights).unwrap();
        assert!((v.returns[0] - (w1 * 15.0 / 14.0 + (1.0 - w1) * 16.5 / 16.0 - 1.0)).abs() < 1e-15);
        assert!((p.level[1] - (1.0 + expect)).abs() < 1e-15);
    }

    #[test]
    fn tracking_stats_of_identical_series() {
        let r = [0.01, -0.02, 0.03, 0.0];
        let s = tracking_stats(&r, &r, 252.0).unwrap();
        assert!((s.correlation - 1.0).abs() < 1e-12);
        assert_eq!(s.tracking_error_ann, 0.0);
        assert!(tracking_stats(&r, &r[..3], 252.0).is_err());
    }
}
