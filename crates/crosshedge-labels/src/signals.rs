//! VIX signals: MACD (12, 26, 9) and RSI (14, Wilder) with crossover and threshold events,
//! and an evaluation of how early each signal warns of a move into the stress band.
//!
//! # Conventions
//! - **EMA**: `e_0 = x_0`, `e_t = α x_t + (1 − α) e_{t−1}` with `α = 2 / (n + 1)`; the same as
//!   pandas `Series.ewm(span=n, adjust=False).mean()` and TradingView's `ta.ema`. (StockCharts
//!   seeds with an `n`-day simple mean instead; after a few times `n` days the two agree to
//!   machine precision, which is why [`SignalConfig::warmup_days`] skips the start.)
//! - **MACD** = EMA_fast − EMA_slow; **signal** = EMA_signal(MACD) seeded with MACD_0;
//!   **histogram** = MACD − signal.
//! - **RSI (Wilder)**: with changes `d_t = x_t − x_{t−1}`, gains `g_t = max(d_t, 0)` and losses
//!   `l_t = max(−d_t, 0)`, the first averages are simple means of `g_1..g_n` and `l_1..l_n`, then
//!   `A_t = (A_{t−1}(n − 1) + g_t) / n` (Wilder smoothing, α = 1/n); `RSI_t = 100 − 100/(1 + RS_t)`,
//!   `RS_t = A^g_t / A^l_t`. The first RSI is at index `n` (the (n+1)-th close). When the average
//!   loss is zero RSI is 100 (50 when the average gain is zero too: a flat series).
//!
//! - **Trading days**: the signals run on the trading days of the series' calendar. A VIX
//!   series (calendar `us`) keeps NYSE days only: CBOE has published VIX values on some US
//!   holidays since 2022, and those prints are dropped (listed in
//!   [`VixSignals::dropped_non_trading_days`]), the same rule as the `us-close` alignment that
//!   `regimes` and `basis` use, so a signal's day count and its lead times mean the same
//!   trading days everywhere.
//!
//! # References
//! - J. Welles Wilder, *New Concepts in Technical Trading Systems*, 1978 (RSI and its smoothing).
//! - StockCharts ChartSchool, "Relative Strength Index (RSI)" and its worked example `cs-rsi.xls`
//!   (reproduced in the tests).
//! - G. Appel, *Technical Analysis: Power Tools for Active Investors*, 2005 (MACD 12/26/9).

use chrono::NaiveDate;
use crosshedge_core::series::Series;
use serde::{Deserialize, Serialize};

use crate::LabelsError;

fn check_finite(what: &'static str, x: &[f64]) -> Result<(), LabelsError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(LabelsError::InvalidValue { what, index, value: x[index] }),
        None => Ok(()),
    }
}

/// Exponential moving average with span `n` seeded with the first value (pandas
/// `ewm(span=n, adjust=False)`).
///
/// # Formula
/// `e_0 = x_0`, `e_t = α x_t + (1 − α) e_{t−1}`, `α = 2/(n+1)`.
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for `n == 0`; [`LabelsError::TooShort`] for empty input;
/// [`LabelsError::InvalidValue`] for a non-finite value.
pub fn ema(x: &[f64], n: usize) -> Result<Vec<f64>, LabelsError> {
    if n == 0 {
        return Err(LabelsError::InvalidConfig {
            what: "ema span",
            value: "0".into(),
            expected: "at least 1",
        });
    }
    if x.is_empty() {
        return Err(LabelsError::TooShort { what: "ema", needed: 1, got: 0 });
    }
    check_finite("ema", x)?;
    Ok(ema_unchecked(x, n))
}

fn ema_unchecked(x: &[f64], n: usize) -> Vec<f64> {
    let a = 2.0 / (n as f64 + 1.0);
    let mut out = Vec::with_capacity(x.len());
    let mut e = x[0];
    for &v in x {
        e = a * v + (1.0 - a) * e;
        out.push(e);
    }
    out
}

/// MACD periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacdConfig {
    /// Fast EMA span (12).
    pub fast: usize,
    /// Slow EMA span (26).
    pub slow: usize,
    /// Signal-line EMA span (9).
    pub signal: usize,
}

impl Default for MacdConfig {
    fn default() -> Self {
        Self { fast: 12, slow: 26, signal: 9 }
    }
}

/// MACD line, signal line and histogram, one value per input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Macd {
    /// EMA_fast − EMA_slow.
    pub macd: Vec<f64>,
    /// EMA_signal of the MACD line.
    pub signal: Vec<f64>,
    /// MACD − signal.
    pub histogram: Vec<f64>,
}

/// MACD of `x` (conventions in the module docs).
///
/// # Errors
/// [`LabelsError::InvalidConfig`] when a span is zero or `fast >= slow`; errors of [`ema`].
pub fn macd(x: &[f64], cfg: &MacdConfig) -> Result<Macd, LabelsError> {
    if cfg.fast == 0 || cfg.signal == 0 || cfg.fast >= cfg.slow {
        return Err(LabelsError::InvalidConfig {
            what: "macd periods",
            value: format!("{}/{}/{}", cfg.fast, cfg.slow, cfg.signal),
            expected: "0 < fast < slow and signal > 0",
        });
    }
    let f = ema(x, cfg.fast)?;
    let s = ema_unchecked(x, cfg.slow);
    let m: Vec<f64> = f.iter().zip(&s).map(|(a, b)| a - b).collect();
    let sig = ema_unchecked(&m, cfg.signal);
    let histogram = m.iter().zip(&sig).map(|(a, b)| a - b).collect();
    Ok(Macd { macd: m, signal: sig, histogram })
}

/// Wilder's RSI with period `n`; `None` for the first `n` entries (conventions in the module
/// docs).
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for `n == 0`; [`LabelsError::TooShort`] with fewer than
/// `n + 1` values; [`LabelsError::InvalidValue`] for a non-finite value.
pub fn rsi_wilder(x: &[f64], n: usize) -> Result<Vec<Option<f64>>, LabelsError> {
    if n == 0 {
        return Err(LabelsError::InvalidConfig {
            what: "rsi period",
            value: "0".into(),
            expected: "at least 1",
        });
    }
    if x.len() < n + 1 {
        return Err(LabelsError::TooShort { what: "rsi", needed: n + 1, got: x.len() });
    }
    check_finite("rsi", x)?;
    let nf = n as f64;
    let mut out = vec![None; x.len()];
    let (mut ag, mut al) = (0.0, 0.0);
    for t in 1..=n {
        let d = x[t] - x[t - 1];
        ag += d.max(0.0);
        al += (-d).max(0.0);
    }
    ag /= nf;
    al /= nf;
    let rsi = |ag: f64, al: f64| {
        if al == 0.0 {
            if ag == 0.0 {
                50.0
            } else {
                100.0
            }
        } else {
            100.0 - 100.0 / (1.0 + ag / al)
        }
    };
    out[n] = Some(rsi(ag, al));
    for t in n + 1..x.len() {
        let d = x[t] - x[t - 1];
        ag = (ag * (nf - 1.0) + d.max(0.0)) / nf;
        al = (al * (nf - 1.0) + (-d).max(0.0)) / nf;
        out[t] = Some(rsi(ag, al));
    }
    Ok(out)
}

/// The kind of a signal event on the VIX.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalKind {
    /// MACD crosses above its signal line (histogram from ≤ 0 to > 0): rising-VIX momentum.
    MacdCrossUp,
    /// MACD crosses below its signal line (histogram from ≥ 0 to < 0).
    MacdCrossDown,
    /// RSI crosses above the upper threshold (from ≤ upper to > upper).
    RsiAbove,
    /// RSI crosses below the lower threshold (from ≥ lower to < lower).
    RsiBelow,
}

impl SignalKind {
    /// All kinds, in a stable order.
    pub const ALL: [SignalKind; 4] =
        [Self::MacdCrossUp, Self::MacdCrossDown, Self::RsiAbove, Self::RsiBelow];
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MacdCrossUp => "macd-cross-up",
            Self::MacdCrossDown => "macd-cross-down",
            Self::RsiAbove => "rsi-above",
            Self::RsiBelow => "rsi-below",
        }
    }
}

/// Configuration of the VIX signals.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalConfig {
    /// MACD periods (12, 26, 9).
    pub macd: MacdConfig,
    /// RSI period (14).
    pub rsi_period: usize,
    /// RSI upper threshold (70).
    pub rsi_upper: f64,
    /// RSI lower threshold (30).
    pub rsi_lower: f64,
    /// No MACD events in the first `warmup_days` observations (default 35 = slow + signal),
    /// where the first-value seed still dominates.
    pub warmup_days: usize,
}

impl Default for SignalConfig {
    fn default() -> Self {
        Self {
            macd: MacdConfig::default(),
            rsi_period: 14,
            rsi_upper: 70.0,
            rsi_lower: 30.0,
            warmup_days: 35,
        }
    }
}

/// One signal event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalEvent {
    /// Date of the close on which the event is known.
    pub date: NaiveDate,
    /// Index of that close in [`VixSignals::closes`] (trading days only).
    pub index: usize,
    /// Event kind.
    pub kind: SignalKind,
    /// VIX close that day (points).
    pub vix_close: f64,
    /// The indicator value that day (the MACD histogram or the RSI).
    pub value: f64,
}

/// MACD, RSI and their events on a VIX series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VixSignals {
    /// Configuration used.
    pub config: SignalConfig,
    /// VIX dates: the series' trading days (NYSE days for a `us` series).
    pub dates: Vec<NaiveDate>,
    /// VIX closes (points).
    pub closes: Vec<f64>,
    /// MACD of the closes.
    pub macd: Macd,
    /// RSI of the closes (`None` during its warm-up).
    pub rsi: Vec<Option<f64>>,
    /// Events in date order (MACD before RSI on the same day).
    pub events: Vec<SignalEvent>,
    /// Prints on days that are not trading days of the series' calendar (CBOE holiday prints
    /// of the VIX), left out of every signal.
    pub dropped_non_trading_days: Vec<NaiveDate>,
}

/// MACD and RSI of the VIX closes on the trading days of its calendar (non-trading-day
/// prints dropped, see the module docs) and their crossover / threshold events.
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for bad periods or `rsi_lower >= rsi_upper`;
/// [`LabelsError::TooShort`] when the series is shorter than `rsi_period + 1` or
/// `warmup_days + 1`.
pub fn vix_signals(vix: &Series, cfg: &SignalConfig) -> Result<VixSignals, LabelsError> {
    let ok = (0.0..=100.0).contains(&cfg.rsi_lower)
        && (0.0..=100.0).contains(&cfg.rsi_upper)
        && cfg.rsi_lower < cfg.rsi_upper;
    if !ok {
        return Err(LabelsError::InvalidConfig {
            what: "rsi thresholds",
            value: format!("{}/{}", cfg.rsi_lower, cfg.rsi_upper),
            expected: "0 <= lower < upper <= 100",
        });
    }
    let (mut dates, mut x) = (Vec::with_capacity(vix.len()), Vec::with_capacity(vix.len()));
    let mut dropped = Vec::new();
    for (d, v) in vix.dates().iter().zip(vix.values()) {
        if vix.calendar.is_trading_day(*d) {
            dates.push(*d);
            x.push(*v);
        } else {
            dropped.push(*d);
        }
    }
    let x = x.as_slice();
    let need = (cfg.rsi_period + 1).max(cfg.warmup_days + 1).max(2);
    if x.len() < need {
        return Err(LabelsError::TooShort { what: "vix signals", needed: need, got: x.len() });
    }
    let m = macd(x, &cfg.macd)?;
    let r = rsi_wilder(x, cfg.rsi_period)?;
    let mut events = Vec::new();
    for i in 1..x.len() {
        let ev =
            |kind, value| SignalEvent { date: dates[i], index: i, kind, vix_close: x[i], value };
        if i >= cfg.warmup_days.max(1) {
            let (h0, h1) = (m.histogram[i - 1], m.histogram[i]);
            if h0 <= 0.0 && h1 > 0.0 {
                events.push(ev(SignalKind::MacdCrossUp, h1));
            } else if h0 >= 0.0 && h1 < 0.0 {
                events.push(ev(SignalKind::MacdCrossDown, h1));
            }
        }
        if let (Some(r0), Some(r1)) = (r[i - 1], r[i]) {
            if r0 <= cfg.rsi_upper && r1 > cfg.rsi_upper {
                events.push(ev(SignalKind::RsiAbove, r1));
            } else if r0 >= cfg.rsi_lower && r1 < cfg.rsi_lower {
                events.push(ev(SignalKind::RsiBelow, r1));
            }
        }
    }
    Ok(VixSignals {
        config: *cfg,
        closes: x.to_vec(),
        dates,
        macd: m,
        rsi: r,
        events,
        dropped_non_trading_days: dropped,
    })
}

/// What counts as a move into the stress band.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StressEntryConfig {
    /// Stress threshold in VIX points (25): an entry is a close strictly above it.
    pub threshold: f64,
    /// The entry must follow at least this many consecutive closes at or below the threshold
    /// (20), so that a stress spell is entered once, not on every re-crossing.
    pub min_days_outside: usize,
}

impl Default for StressEntryConfig {
    fn default() -> Self {
        Self { threshold: 25.0, min_days_outside: 20 }
    }
}

/// Indices `j` of stress entries: `closes[j] > threshold` and the `min_days_outside` closes
/// before it are all `<= threshold` (so `j >= min_days_outside`).
pub fn stress_entries(closes: &[f64], cfg: &StressEntryConfig) -> Vec<usize> {
    let mut out = Vec::new();
    let mut run = 0usize; // consecutive closes <= threshold before the current index
    for (j, &v) in closes.iter().enumerate() {
        if v > cfg.threshold {
            if run >= cfg.min_days_outside.max(1) {
                out.push(j);
            }
            run = 0;
        } else {
            run += 1;
        }
    }
    out
}

/// Configuration of the signal evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalConfig {
    /// What counts as a stress entry.
    pub entry: StressEntryConfig,
    /// A signal is a hit when a stress entry follows within this many trading days (20).
    pub horizon_days: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self { entry: StressEntryConfig::default(), horizon_days: 20 }
    }
}

/// How well one signal kind anticipates stress entries.
///
/// Only signals issued on a close at or below the stress threshold are eligible (a signal
/// inside a stress spell cannot lead an entry). A signal on index `i` is a **hit** when a
/// stress entry `j` satisfies `i < j <= i + H`; its **lead** is `j − i` trading days (VIX
/// observations) to the first such entry. A signal with no entry in its window is a **false
/// alarm** when the window is complete, and **censored** (not counted) when the sample ends
/// before `i + H`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalEvaluation {
    /// Signal kind.
    pub kind: SignalKind,
    /// Eligible, uncensored signals.
    pub n_signals: usize,
    /// Signals followed by a stress entry within the horizon.
    pub n_hits: usize,
    /// Signals not followed by an entry.
    pub n_false_alarms: usize,
    /// Signals too close to the end of the sample to judge.
    pub n_censored: usize,
    /// `n_hits / n_signals`; `None` without signals.
    pub hit_rate: Option<f64>,
    /// Share of all eligible days (close at or below the threshold, complete window) followed
    /// by an entry within the horizon: the hit rate of a signal that fires every day.
    pub base_rate: Option<f64>,
    /// Mean lead in trading days over hits.
    pub mean_lead_days: Option<f64>,
    /// Median lead in trading days over hits.
    pub median_lead_days: Option<f64>,
    /// Stress entries in the sample.
    pub n_entries: usize,
    /// Entries preceded by at least one eligible signal of this kind within the horizon.
    pub n_entries_anticipated: usize,
}

/// Evaluation of every signal kind against the stress entries of the same VIX closes.
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for `horizon_days == 0`.
pub fn evaluate_signals(
    s: &VixSignals,
    cfg: &EvalConfig,
) -> Result<Vec<SignalEvaluation>, LabelsError> {
    if cfg.horizon_days == 0 {
        return Err(LabelsError::InvalidConfig {
            what: "horizon_days",
            value: "0".into(),
            expected: "at least 1",
        });
    }
    let h = cfg.horizon_days;
    let x = &s.closes;
    let n = x.len();
    let entries = stress_entries(x, &cfg.entry);
    let next_entry = |i: usize| entries.iter().copied().find(|&j| j > i);
    let eligible = |i: usize| x[i] <= cfg.entry.threshold;
    // Base rate over eligible days with a complete window, after the warm-up.
    let start = s.config.warmup_days.min(n);
    let (mut base_n, mut base_hit) = (0usize, 0usize);
    for i in start..n {
        if eligible(i) && i + h < n {
            base_n += 1;
            if next_entry(i).is_some_and(|j| j <= i + h) {
                base_hit += 1;
            }
        }
    }
    let base_rate = (base_n > 0).then(|| base_hit as f64 / base_n as f64);
    let mut out = Vec::with_capacity(SignalKind::ALL.len());
    for kind in SignalKind::ALL {
        let sigs: Vec<usize> = s
            .events
            .iter()
            .filter(|e| e.kind == kind && eligible(e.index))
            .map(|e| e.index)
            .collect();
        let (mut n_sig, mut cens) = (0usize, 0usize);
        let mut leads = Vec::new();
        for &i in &sigs {
            match next_entry(i) {
                Some(j) if j <= i + h => {
                    n_sig += 1;
                    leads.push((j - i) as f64);
                }
                _ if i + h >= n => cens += 1,
                _ => n_sig += 1,
            }
        }
        let anticipated =
            entries.iter().filter(|&&j| sigs.iter().any(|&i| i < j && j <= i + h)).count();
        let hits = leads.len();
        out.push(SignalEvaluation {
            kind,
            n_signals: n_sig,
            n_hits: hits,
            n_false_alarms: n_sig - hits,
            n_censored: cens,
            hit_rate: (n_sig > 0).then(|| hits as f64 / n_sig as f64),
            base_rate,
            mean_lead_days: (hits > 0).then(|| leads.iter().sum::<f64>() / hits as f64),
            median_lead_days: median(&mut leads),
            n_entries: entries.len(),
            n_entries_anticipated: anticipated,
        });
    }
    Ok(out)
}

/// Median of `v` (sorted in place); `None` when empty.
pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[m] } else { 0.5 * (v[m - 1] + v[m]) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosshedge_core::calendar::Calendar;
    use crosshedge_core::units::SeriesUnit;

    /// StockCharts ChartSchool RSI worked example (`cs-rsi.xls`, QQQQ closes): the 33 closes
    /// and the published 14-day RSI column (4 decimals).
    /// <https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/relative-strength-index-rsi>
    const SC_CLOSE: [f64; 33] = [
        44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826,
        45.8931, 46.0328, 45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439,
        46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672,
        43.4205, 42.6628, 43.1314,
    ];
    const SC_RSI: [f64; 19] = [
        70.5328, 66.3186, 66.5498, 69.4063, 66.3552, 57.9749, 62.9296, 63.2571, 56.0593, 62.3771,
        54.7076, 50.4228, 39.9898, 41.4605, 41.8689, 45.4632, 37.3040, 33.0795, 37.7730,
    ];

    #[test]
    fn rsi_stockcharts_worked_example() {
        let r = rsi_wilder(&SC_CLOSE, 14).unwrap();
        assert!(r[..14].iter().all(Option::is_none));
        for (k, &want) in SC_RSI.iter().enumerate() {
            let got = r[14 + k].unwrap();
            // The spreadsheet prints 4 decimals: tolerance 5e-5 plus float noise.
            assert!((got - want).abs() <= 5.1e-5, "rsi[{}] = {got}, published {want}", 14 + k);
        }
    }

    #[test]
    fn rsi_edge_cases() {
        let up: Vec<f64> = (0..20).map(|i| 10.0 + i as f64).collect();
        assert_eq!(rsi_wilder(&up, 14).unwrap()[19], Some(100.0));
        assert_eq!(rsi_wilder(&[5.0; 16], 14).unwrap()[15], Some(50.0));
        assert!(matches!(rsi_wilder(&up[..14], 14), Err(LabelsError::TooShort { .. })));
        assert!(matches!(
            rsi_wilder(&[1.0, f64::NAN, 2.0], 1),
            Err(LabelsError::InvalidValue { index: 1, .. })
        ));
    }

    #[test]
    fn ema_matches_recursion() {
        let x = [1.0, 2.0, 4.0, 8.0];
        let e = ema(&x, 3).unwrap();
        // alpha = 0.5: 1, 1.5, 2.75, 5.375.
        assert_eq!(e, vec![1.0, 1.5, 2.75, 5.375]);
        assert!(macd(&x, &MacdConfig { fast: 26, slow: 12, signal: 9 }).is_err());
    }

    /// `values` on consecutive NYSE days from 2020-01-02.
    fn series(values: Vec<f64>) -> Series {
        let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let dates: Vec<NaiveDate> = Calendar::Us
            .trading_days(start, start + chrono::Duration::days(3 * values.len() as i64 + 10))
            .into_iter()
            .take(values.len())
            .collect();
        Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel, dates, values).unwrap()
    }

    #[test]
    fn holiday_prints_are_dropped_like_us_close_does() {
        // 120 NYSE days of a rising and falling VIX, plus prints on two NYSE holidays
        // (Good Friday 2020-04-10 and Memorial Day 2020-05-25) with extreme values that
        // would otherwise fire signals.
        let base = series((0..120).map(|i| 15.0 + (i as f64 * 0.3).sin() * 3.0).collect());
        let clean = vix_signals(&base, &SignalConfig::default()).unwrap();
        let mut pts: Vec<(NaiveDate, f64)> =
            base.dates().iter().copied().zip(base.values().iter().copied()).collect();
        let holidays = [
            NaiveDate::from_ymd_opt(2020, 4, 10).unwrap(),
            NaiveDate::from_ymd_opt(2020, 5, 25).unwrap(),
        ];
        assert!(holidays.iter().all(|h| *h > pts[40].0 && *h < pts[119].0));
        pts.extend(holidays.iter().map(|h| (*h, 80.0)));
        pts.sort_by_key(|p| p.0);
        let (d, v): (Vec<NaiveDate>, Vec<f64>) = pts.into_iter().unzip();
        let with = Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel, d, v).unwrap();
        let s = vix_signals(&with, &SignalConfig::default()).unwrap();
        assert_eq!(s.dropped_non_trading_days, holidays.to_vec());
        assert_eq!(s.dates, clean.dates);
        assert_eq!(s.events, clean.events);
        assert_eq!(s.rsi, clean.rsi);
        // On the every-day calendar nothing is dropped.
        let crypto = Series::new(
            "x",
            Calendar::Crypto,
            SeriesUnit::IndexLevel,
            with.dates().to_vec(),
            with.values().to_vec(),
        )
        .unwrap();
        let c = vix_signals(&crypto, &SignalConfig::default()).unwrap();
        assert!(c.dropped_non_trading_days.is_empty() && c.dates.len() == 122);
    }

    #[test]
    fn stress_entries_need_a_calm_run() {
        let x = [20.0, 20.0, 26.0, 24.0, 26.0, 20.0, 20.0, 20.0, 27.0];
        let cfg = StressEntryConfig { threshold: 25.0, min_days_outside: 2 };
        assert_eq!(stress_entries(&x, &cfg), vec![2, 8]);
    }

    #[test]
    fn evaluation_counts_hits_leads_and_censoring() {
        // Flat VIX at 15 then a ramp to 30 at index 60; flat again then a second ramp at the end.
        let mut v = vec![15.0; 50];
        v.extend((1..=10).map(|k| 15.0 + 1.5 * k as f64)); // 16.5 .. 30 at index 59
        v.extend(vec![15.0; 60]);
        v.extend((1..=4).map(|k| 15.0 + 0.5 * k as f64)); // rising, no entry before the end
        let s = vix_signals(&series(v), &SignalConfig::default()).unwrap();
        let cfg = EvalConfig {
            entry: StressEntryConfig { threshold: 25.0, min_days_outside: 20 },
            horizon_days: 10,
        };
        let ev = evaluate_signals(&s, &cfg).unwrap();
        let up = ev.iter().find(|e| e.kind == SignalKind::MacdCrossUp).unwrap();
        let entries = stress_entries(&s.closes, &cfg.entry);
        assert_eq!(entries, vec![56]); // 15 + 1.5*7 = 25.5 on index 56
                                       // The MACD turns up on the first rising close (index 50): a hit with lead 6.
        let first_up = s.events.iter().find(|e| e.kind == SignalKind::MacdCrossUp).unwrap();
        assert_eq!(first_up.index, 50);
        assert_eq!(up.n_hits, 1);
        assert_eq!(up.mean_lead_days, Some(6.0));
        assert_eq!(up.n_entries, 1);
        assert_eq!(up.n_entries_anticipated, 1);
        // A cross-up within 10 days of the end without an entry is censored, not a false alarm.
        let mut s2 = s.clone();
        let n = s2.closes.len();
        s2.events.push(SignalEvent {
            date: s2.dates[n - 3],
            index: n - 3,
            kind: SignalKind::MacdCrossUp,
            vix_close: 15.0,
            value: 0.1,
        });
        let up2 = evaluate_signals(&s2, &cfg)
            .unwrap()
            .into_iter()
            .find(|e| e.kind == SignalKind::MacdCrossUp)
            .unwrap();
        assert_eq!(up2.n_censored, up.n_censored + 1);
        assert_eq!(up2.n_false_alarms, up.n_false_alarms);
        assert_eq!(up.n_signals, up.n_hits + up.n_false_alarms);
        // RSI on a ramp goes to 100: an rsi-above event on index 50 as well.
        let rsi = ev.iter().find(|e| e.kind == SignalKind::RsiAbove).unwrap();
        assert_eq!(rsi.n_hits, 1);
        assert!(rsi.base_rate.unwrap() > 0.0 && rsi.base_rate.unwrap() < 0.2);
    }
}
