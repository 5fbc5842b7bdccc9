//! DeFi liquidity-shock detector: dated shock windows from crypto drawdowns, stablecoin
//! depegs, DeFi TVL outflows and funding-rate extremes.
//!
//! The detector works on a daily UTC grid (every calendar day from the first to the last date
//! of the inputs). Each component that has data gives a non-negative daily score scaled so that
//! **1.0 means the component's threshold is reached**; a component without data on a day
//! scores 0 and does not fire. The combined score is `Σ_c w_c · min(s_c, cap)`. A day is a
//! **shock day** when some component reaches its threshold (score ≥ 1, the component
//! *fires*) or when the combined score reaches [`ShockConfig::combined_threshold`] (2: several
//! components close to their thresholds at once). Shock days separated by at most
//! [`ShockConfig::gap_days`] calendar days are merged into one window.
//!
//! The defaults were set on 2019–2026 data (BTC, UST + USDC, DefiLlama TVL, Binance funding):
//! about 5 % of days are shock days, in about 35 windows, and 7 of the 8 catalogue episodes in
//! that span are detected (not the April 2025 tariff shock, an equity event in which BTC fell
//! less than 20 %). Lower thresholds find more, and noisier, windows.
//!
//! # Components (scores)
//! - **Drawdown**: `dd_t = ln(P_t / max_{t−w+1 ≤ s ≤ t} P_s)` over the last `w` (7) calendar
//!   days; score `−dd_t / drawdown_threshold` (threshold 0.20 log points ≈ −18 %).
//! - **Depeg**: `max_k |p_{k,t} − 1| / depeg_threshold` over the stablecoins (threshold 0.02).
//!   A coin counts only during the first `depeg_max_days` (30) days of a run of consecutive
//!   observations off its peg: a coin that never recovers (UST after May 2022) stops being a
//!   stablecoin and would otherwise flag every later day.
//! - **TVL outflow**: `−ln(TVL_t / TVL_{t−N})` with `N` (7) calendar days, score
//!   `max(0, ·) / tvl_threshold` (threshold 0.20). TVL is in USD, so it also falls with
//!   token prices; the outflow is not separated from the price effect.
//! - **Funding**: z-score of the day's funding against the previous `funding_window` (90) days
//!   (sample standard deviation, at least `funding_window / 2` observations, today excluded);
//!   score `|z| / funding_z_threshold` (3), or only the negative side with
//!   [`FundingSide::Negative`] (the default: longs being flushed out).
//!
//! All differences are over calendar days of the input series; a missing observation makes the
//! component score 0 that day (no carry-forward).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use crosshedge_core::regime::Labeling;
use crosshedge_core::series::Series;
use serde::{Deserialize, Serialize};

use crate::bands::check_sorted;
use crate::episodes::Catalogue;
use crate::LabelsError;

/// The inputs of the detector; any subset may be given, at least one.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShockInputs<'a> {
    /// A crypto price in USD (e.g. BTC close).
    pub crypto_price: Option<&'a Series>,
    /// Stablecoin prices in USD (e.g. UST, USDC closes).
    pub stablecoins: &'a [&'a Series],
    /// Total DeFi TVL in USD.
    pub tvl: Option<&'a Series>,
    /// Perpetual funding per day as a decimal (e.g. Binance BTCUSDT daily sum).
    pub funding: Option<&'a Series>,
}

/// Which funding extremes count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum FundingSide {
    /// Only negative z-scores (funding collapsing: forced deleveraging of longs).
    #[default]
    Negative,
    /// Both tails.
    Both,
}

/// A detector component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    /// Fast crypto drawdown.
    Drawdown,
    /// Stablecoin depeg.
    Depeg,
    /// DeFi TVL outflow.
    TvlOutflow,
    /// Funding-rate extreme.
    Funding,
}

impl Component {
    /// All components in a stable order.
    pub const ALL: [Component; 4] = [Self::Drawdown, Self::Depeg, Self::TvlOutflow, Self::Funding];
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Drawdown => "drawdown",
            Self::Depeg => "depeg",
            Self::TvlOutflow => "tvl-outflow",
            Self::Funding => "funding",
        }
    }
}

/// Detector parameters (defaults in the field docs).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShockConfig {
    /// Rolling window of the drawdown in calendar days (default 7).
    pub drawdown_window_days: usize,
    /// Log drawdown that scores 1 (default 0.20).
    pub drawdown_threshold: f64,
    /// |price − 1| that scores 1 (default 0.02).
    pub depeg_threshold: f64,
    /// A depeg run longer than this many consecutive observations stops counting (default 30).
    pub depeg_max_days: usize,
    /// TVL outflow horizon in calendar days (default 7).
    pub tvl_window_days: usize,
    /// Log TVL outflow that scores 1 (default 0.20).
    pub tvl_threshold: f64,
    /// Trailing window of the funding z-score in days (default 90).
    pub funding_window_days: usize,
    /// |z| that scores 1 (default 3.0).
    pub funding_z_threshold: f64,
    /// Which funding tail counts (default negative).
    pub funding_side: FundingSide,
    /// Weights of drawdown, depeg, TVL outflow and funding in the combined score (default 1, 1, 1, 1).
    pub weights: [f64; 4],
    /// Component scores are capped at this before combining (default 3).
    pub cap: f64,
    /// Combined score that makes a shock day even when no component fires (default 2).
    pub combined_threshold: f64,
    /// Shock days at most this many calendar days apart are merged (default 3).
    pub gap_days: i64,
    /// Windows shorter than this many calendar days are dropped (default 1).
    pub min_window_days: i64,
}

impl Default for ShockConfig {
    fn default() -> Self {
        Self {
            drawdown_window_days: 7,
            drawdown_threshold: 0.20,
            depeg_threshold: 0.02,
            depeg_max_days: 30,
            tvl_window_days: 7,
            tvl_threshold: 0.20,
            funding_window_days: 90,
            funding_z_threshold: 3.0,
            funding_side: FundingSide::Negative,
            weights: [1.0; 4],
            cap: 3.0,
            combined_threshold: 2.0,
            gap_days: 3,
            min_window_days: 1,
        }
    }
}

impl ShockConfig {
    fn validate(&self) -> Result<(), LabelsError> {
        let pos = [
            ("drawdown_threshold", self.drawdown_threshold),
            ("depeg_threshold", self.depeg_threshold),
            ("tvl_threshold", self.tvl_threshold),
            ("funding_z_threshold", self.funding_z_threshold),
            ("cap", self.cap),
            ("combined_threshold", self.combined_threshold),
        ];
        for (what, v) in pos {
            if !(v.is_finite() && v > 0.0) {
                return Err(LabelsError::InvalidConfig {
                    what,
                    value: v.to_string(),
                    expected: "finite and > 0",
                });
            }
        }
        if self.weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(LabelsError::InvalidConfig {
                what: "weights",
                value: format!("{:?}", self.weights),
                expected: "finite and >= 0",
            });
        }
        let days = [
            ("drawdown_window_days", self.drawdown_window_days as i64),
            ("tvl_window_days", self.tvl_window_days as i64),
            ("funding_window_days", self.funding_window_days as i64),
            ("min_window_days", self.min_window_days),
            ("depeg_max_days", self.depeg_max_days as i64),
        ];
        for (what, v) in days {
            if v < 1 {
                return Err(LabelsError::InvalidConfig {
                    what,
                    value: v.to_string(),
                    expected: "at least 1",
                });
            }
        }
        if self.funding_window_days < 4 {
            return Err(LabelsError::InvalidConfig {
                what: "funding_window_days",
                value: self.funding_window_days.to_string(),
                expected: "at least 4",
            });
        }
        if self.gap_days < 0 {
            return Err(LabelsError::InvalidConfig {
                what: "gap_days",
                value: self.gap_days.to_string(),
                expected: "at least 0",
            });
        }
        Ok(())
    }
}

/// Daily component and combined scores on the UTC day grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShockScores {
    /// Every calendar day from the first to the last input date.
    pub dates: Vec<NaiveDate>,
    /// `components[c][t]` for c in [`Component::ALL`] order; `None` when the component has no
    /// data that day (its input is absent or has no observation).
    pub components: [Vec<Option<f64>>; 4],
    /// The combined score.
    pub combined: Vec<f64>,
    /// True on shock days (a component fired or the combined score reached its threshold).
    pub shock_day: Vec<bool>,
}

/// A detected shock window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShockWindow {
    /// First shock day (inclusive).
    pub start: NaiveDate,
    /// Last shock day (inclusive).
    pub end: NaiveDate,
    /// Highest combined score in the window.
    pub peak_score: f64,
    /// Day of the peak.
    pub peak_date: NaiveDate,
    /// Components that reached their threshold (score ≥ 1) on some day of the window.
    pub fired: Vec<Component>,
    /// Highest score of each component that had data in the window, keyed by component
    /// (serialised with the kebab-case names, e.g. `"tvl-outflow"`).
    pub max_component_scores: BTreeMap<Component, f64>,
    /// Number of shock days in the window.
    pub n_shock_days: usize,
}

/// The detector's output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShockDetection {
    /// Configuration used.
    pub config: ShockConfig,
    /// Which components had an input.
    pub components_available: Vec<Component>,
    /// Daily scores.
    pub scores: ShockScores,
    /// Detected windows in date order.
    pub windows: Vec<ShockWindow>,
}

/// Name of the labeling built by [`ShockDetection::labeling`].
pub const SHOCKS_NAME: &str = "shocks";

impl ShockDetection {
    /// The `shocks` labeling of `dates` (e.g. return end dates): state `shock` when the date
    /// lies inside a detected window (inclusive), `None` otherwise. With `per_window`, each
    /// window is its own state named `shock-<start>` (e.g. `shock-2022-05-07`) instead.
    ///
    /// # Errors
    /// [`LabelsError::Unsorted`] when `dates` is not strictly increasing.
    pub fn labeling(&self, dates: &[NaiveDate], per_window: bool) -> Result<Labeling, LabelsError> {
        check_sorted("shocks labeling dates", dates)?;
        let states = if per_window {
            self.windows.iter().map(|w| format!("shock-{}", w.start)).collect()
        } else {
            vec!["shock".to_string()]
        };
        let labels = dates
            .iter()
            .map(|&d| {
                // Windows are sorted and disjoint: the last window starting on or before d.
                let k = self.windows.partition_point(|w| w.start <= d);
                (k > 0 && d <= self.windows[k - 1].end).then(|| if per_window { k - 1 } else { 0 })
            })
            .collect();
        Ok(Labeling { name: SHOCKS_NAME.to_string(), states, dates: dates.to_vec(), labels })
    }
}

fn day_index(start: NaiveDate, d: NaiveDate) -> usize {
    (d - start).num_days() as usize
}

/// Values of `s` on the grid starting at `start` with `n` days (None where unobserved).
fn on_grid(s: &Series, start: NaiveDate, n: usize) -> Vec<Option<f64>> {
    let mut out = vec![None; n];
    for (d, v) in s.dates().iter().zip(s.values()) {
        if *d >= start {
            let i = day_index(start, *d);
            if i < n {
                out[i] = Some(*v);
            }
        }
    }
    out
}

fn check_positive(s: &Series) -> Result<(), LabelsError> {
    match s.values().iter().position(|v| v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)) {
        Some(index) => Err(LabelsError::InvalidValue {
            what: "shock detector price",
            index,
            value: s.values()[index],
        }),
        None => Ok(()),
    }
}

/// Runs the detector (see the module docs for the scores).
///
/// # Errors
/// [`LabelsError::NoInputs`] when no series is given; [`LabelsError::InvalidConfig`] for a bad
/// configuration; [`LabelsError::InvalidValue`] for a non-positive price or TVL.
pub fn detect_shocks(
    inputs: &ShockInputs<'_>,
    cfg: &ShockConfig,
) -> Result<ShockDetection, LabelsError> {
    cfg.validate()?;
    let mut all: Vec<&Series> = Vec::new();
    all.extend(inputs.crypto_price);
    all.extend(inputs.stablecoins.iter().copied());
    all.extend(inputs.tvl);
    all.extend(inputs.funding);
    let start = all.iter().filter_map(|s| s.span()).map(|s| s.0).min();
    let end = all.iter().filter_map(|s| s.span()).map(|s| s.1).max();
    let (Some(start), Some(end)) = (start, end) else {
        return Err(LabelsError::NoInputs);
    };
    let n = day_index(start, end) + 1;
    let dates: Vec<NaiveDate> = (0..n).map(|i| start + Duration::days(i as i64)).collect();
    let mut available = Vec::new();

    let drawdown = match inputs.crypto_price {
        Some(p) if !p.is_empty() => {
            check_positive(p)?;
            available.push(Component::Drawdown);
            drawdown_scores(&on_grid(p, start, n), cfg)
        }
        _ => vec![None; n],
    };
    let mut depeg = vec![None; n];
    for s in inputs.stablecoins.iter().filter(|s| !s.is_empty()) {
        // Length of the current run of observations off the peg.
        let mut run = 0usize;
        for (slot, v) in depeg.iter_mut().zip(on_grid(s, start, n)) {
            if let Some(v) = v {
                let sc = (v - 1.0).abs() / cfg.depeg_threshold;
                run = if sc > 1.0 { run + 1 } else { 0 };
                let sc = if run > cfg.depeg_max_days { 0.0 } else { sc };
                *slot = Some(slot.map_or(sc, |o: f64| o.max(sc)));
            }
        }
    }
    if depeg.iter().any(Option::is_some) {
        available.push(Component::Depeg);
    }
    let tvl = match inputs.tvl {
        Some(t) if !t.is_empty() => {
            check_positive(t)?;
            available.push(Component::TvlOutflow);
            let g = on_grid(t, start, n);
            let w = cfg.tvl_window_days;
            (0..n)
                .map(|i| match (i.checked_sub(w).and_then(|j| g[j]), g[i]) {
                    (Some(a), Some(b)) => Some((-(b / a).ln()).max(0.0) / cfg.tvl_threshold),
                    _ => None,
                })
                .collect()
        }
        _ => vec![None; n],
    };
    let funding = match inputs.funding {
        Some(f) if !f.is_empty() => {
            available.push(Component::Funding);
            funding_scores(&on_grid(f, start, n), cfg)
        }
        _ => vec![None; n],
    };
    let components = [drawdown, depeg, tvl, funding];
    let combined: Vec<f64> = (0..n)
        .map(|i| {
            components
                .iter()
                .zip(cfg.weights)
                .map(|(c, w)| c[i].map_or(0.0, |s| w * s.min(cfg.cap)))
                .sum()
        })
        .collect();
    let shock_day = (0..n)
        .map(|i| {
            combined[i] >= cfg.combined_threshold
                || components.iter().any(|c| c[i].is_some_and(|s| s >= 1.0))
        })
        .collect();
    let scores = ShockScores { dates, components, combined, shock_day };
    let windows = merge_windows(&scores, cfg);
    Ok(ShockDetection { config: *cfg, components_available: available, scores, windows })
}

fn drawdown_scores(p: &[Option<f64>], cfg: &ShockConfig) -> Vec<Option<f64>> {
    let w = cfg.drawdown_window_days;
    // A monotone deque of indices with decreasing prices gives the rolling max in O(n).
    let mut dq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut out = vec![None; p.len()];
    for i in 0..p.len() {
        while dq.front().is_some_and(|&j| j + w <= i) {
            dq.pop_front();
        }
        if let Some(v) = p[i] {
            while dq.back().is_some_and(|&j| p[j].is_some_and(|x| x <= v)) {
                dq.pop_back();
            }
            dq.push_back(i);
            if let Some(m) = dq.front().and_then(|&j| p[j]) {
                out[i] = Some(-(v / m).ln() / cfg.drawdown_threshold);
            }
        }
    }
    out
}

fn funding_scores(f: &[Option<f64>], cfg: &ShockConfig) -> Vec<Option<f64>> {
    let w = cfg.funding_window_days;
    let min_obs = w / 2;
    let mut out = vec![None; f.len()];
    // Rolling sums over the previous w days (today excluded).
    let (mut s1, mut s2, mut cnt) = (0.0f64, 0.0f64, 0usize);
    for i in 0..f.len() {
        if i >= 1 {
            if let Some(v) = f[i - 1] {
                s1 += v;
                s2 += v * v;
                cnt += 1;
            }
        }
        if i > w {
            if let Some(v) = f[i - 1 - w] {
                s1 -= v;
                s2 -= v * v;
                cnt -= 1;
            }
        }
        if let Some(v) = f[i] {
            if cnt >= min_obs.max(3) {
                let m = s1 / cnt as f64;
                let var = (s2 - cnt as f64 * m * m) / (cnt as f64 - 1.0);
                if var > 0.0 {
                    let z = (v - m) / var.sqrt();
                    let tail = match cfg.funding_side {
                        FundingSide::Negative => (-z).max(0.0),
                        FundingSide::Both => z.abs(),
                    };
                    out[i] = Some(tail / cfg.funding_z_threshold);
                } else {
                    out[i] = Some(0.0);
                }
            }
        }
    }
    out
}

fn merge_windows(s: &ShockScores, cfg: &ShockConfig) -> Vec<ShockWindow> {
    let hot: Vec<usize> = (0..s.dates.len()).filter(|&i| s.shock_day[i]).collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &hot {
        match groups.last_mut() {
            Some((_, e)) if (i - *e) as i64 <= cfg.gap_days + 1 => *e = i,
            _ => groups.push((i, i)),
        }
    }
    groups
        .into_iter()
        .filter(|(a, b)| (b - a + 1) as i64 >= cfg.min_window_days)
        .map(|(a, b)| {
            let mut peak = a;
            for i in a..=b {
                if s.combined[i] > s.combined[peak] {
                    peak = i;
                }
            }
            let mut max_c = BTreeMap::new();
            let mut fired = Vec::new();
            for (c, comp) in Component::ALL.iter().enumerate() {
                let m = (a..=b)
                    .filter_map(|i| s.components[c][i])
                    .fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |x| x.max(v))));
                if let Some(m) = m {
                    max_c.insert(*comp, m);
                }
                if m.is_some_and(|m| m >= 1.0) {
                    fired.push(*comp);
                }
            }
            ShockWindow {
                start: s.dates[a],
                end: s.dates[b],
                peak_score: s.combined[peak],
                peak_date: s.dates[peak],
                fired,
                max_component_scores: max_c,
                n_shock_days: (a..=b).filter(|&i| s.shock_day[i]).count(),
            }
        })
        .collect()
}

/// One catalogue episode against the detected windows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpisodeMatch {
    /// Episode name.
    pub episode: String,
    /// Episode window.
    pub start: NaiveDate,
    /// Episode window end (inclusive).
    pub end: NaiveDate,
    /// False when the episode lies outside the detector's data span (not counted as missed).
    pub covered: bool,
    /// True when some window overlaps the episode (extended by the tolerance).
    pub detected: bool,
    /// Indices into `windows` of the matching windows.
    pub windows: Vec<usize>,
    /// Days of the episode inside a matching window.
    pub overlap_days: i64,
    /// Days from the episode start to the first matching window's start (negative = early).
    pub first_detection_offset_days: Option<i64>,
}

/// The detected windows against the named catalogue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CatalogueComparison {
    /// Tolerance in days used to extend each episode on both sides.
    pub tolerance_days: i64,
    /// One entry per catalogue episode.
    pub episodes: Vec<EpisodeMatch>,
    /// Indices of windows that match no catalogue episode.
    pub unmatched_windows: Vec<usize>,
    /// For each window (same order as the detection), the names of matching episodes.
    pub window_episodes: BTreeMap<usize, Vec<String>>,
    /// Share of covered episodes detected; `None` when no episode is covered.
    pub recall: Option<f64>,
}

/// Compares detected windows with the catalogue: a window matches an episode when it overlaps
/// `[start − tolerance, end + tolerance]`.
///
/// An episode counts as covered when the detector's day grid reaches it.
pub fn compare_with_catalogue(
    det: &ShockDetection,
    catalogue: &Catalogue,
    tolerance_days: i64,
) -> CatalogueComparison {
    let tol = Duration::days(tolerance_days.max(0));
    let span = (det.scores.dates.first().copied(), det.scores.dates.last().copied());
    let mut window_episodes: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut episodes = Vec::new();
    for e in &catalogue.episodes {
        let (a, b) = (e.start - tol, e.end + tol);
        let covered = matches!(span, (Some(s), Some(t)) if s <= e.end && e.start <= t);
        let idx: Vec<usize> = det
            .windows
            .iter()
            .enumerate()
            .filter(|(_, w)| w.start <= b && a <= w.end)
            .map(|(i, _)| i)
            .collect();
        let mut overlap = 0;
        for &i in &idx {
            let w = &det.windows[i];
            let lo = w.start.max(e.start);
            let hi = w.end.min(e.end);
            if hi >= lo {
                overlap += (hi - lo).num_days() + 1;
            }
            window_episodes.entry(i).or_default().push(e.name.clone());
        }
        episodes.push(EpisodeMatch {
            episode: e.name.clone(),
            start: e.start,
            end: e.end,
            covered,
            detected: !idx.is_empty(),
            first_detection_offset_days: idx
                .first()
                .map(|&i| (det.windows[i].start - e.start).num_days()),
            windows: idx,
            overlap_days: overlap,
        });
    }
    let unmatched_windows =
        (0..det.windows.len()).filter(|i| !window_episodes.contains_key(i)).collect();
    let n_cov = episodes.iter().filter(|m| m.covered).count();
    let n_det = episodes.iter().filter(|m| m.covered && m.detected).count();
    CatalogueComparison {
        tolerance_days: tolerance_days.max(0),
        episodes,
        unmatched_windows,
        window_episodes,
        recall: (n_cov > 0).then(|| n_det as f64 / n_cov as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosshedge_core::calendar::Calendar;
    use crosshedge_core::units::SeriesUnit;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn daily(name: &str, start: &str, v: Vec<f64>, unit: SeriesUnit) -> Series {
        let s = d(start);
        let dates = (0..v.len()).map(|i| s + Duration::days(i as i64)).collect();
        Series::new(name, Calendar::Crypto, unit, dates, v).unwrap()
    }

    #[test]
    fn drawdown_window_and_merge() {
        // Price 100 for 10 days, then falls 30 % over 3 days, flat, then a second smaller dip.
        let mut p = vec![100.0; 10];
        p.extend([90.0, 80.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0]);
        let btc = daily("btc", "2022-01-01", p, SeriesUnit::Price);
        let cfg = ShockConfig { drawdown_threshold: 0.15, ..Default::default() };
        let det =
            detect_shocks(&ShockInputs { crypto_price: Some(&btc), ..Default::default() }, &cfg)
                .unwrap();
        assert_eq!(det.components_available, vec![Component::Drawdown]);
        // Day 11 (index 11, 80): ln(0.8) = -0.223 -> score 1.49; day 10: ln 0.9 -> 0.70 < 1.
        let s = &det.scores.components[0];
        assert!((s[11].unwrap() - (-(0.8f64).ln() / 0.15)).abs() < 1e-12);
        // The max over the last 7 days drops out: on index 17 the window is 11..=17, max 80.
        assert!((s[17].unwrap() - (-(70.0f64 / 80.0).ln() / 0.15)).abs() < 1e-12);
        assert_eq!(s[18], Some(0.0));
        assert_eq!(det.windows.len(), 1);
        let w = &det.windows[0];
        assert_eq!((w.start, w.end), (d("2022-01-12"), d("2022-01-17")));
        assert_eq!(w.peak_date, d("2022-01-13"));
        assert_eq!(w.fired, vec![Component::Drawdown]);
        assert_eq!(w.max_component_scores.keys().collect::<Vec<_>>(), vec![&Component::Drawdown]);
        let json = serde_json::to_string(&w.max_component_scores).unwrap();
        assert!(json.starts_with("{\"drawdown\":"), "{json}");
        assert!((w.peak_score - 3.0f64.min(-(0.7f64).ln() / 0.15)).abs() < 1e-12);
    }

    #[test]
    fn depeg_tvl_funding_and_gap_merging() {
        let mut usdc = vec![1.0; 30];
        usdc[10] = 0.97; // 1.5
        usdc[14] = 0.95; // 2.5 (gap of 3 days between 10 and 14: merged)
        usdc[25] = 0.99; // 0.5: not a shock day
        let usdc = daily("usdc", "2023-03-01", usdc, SeriesUnit::Price);
        let mut tvl = vec![100.0; 30];
        for (i, t) in tvl.iter_mut().enumerate().skip(20) {
            *t = 100.0 * (-0.06 * (i as f64 - 19.0)).exp(); // log outflow 0.06/day
        }
        let tvl = daily("tvl", "2023-03-01", tvl, SeriesUnit::IndexLevel);
        let sc = [&usdc];
        let cfg = ShockConfig { tvl_threshold: 0.15, ..Default::default() };
        let det = detect_shocks(
            &ShockInputs { stablecoins: &sc, tvl: Some(&tvl), ..Default::default() },
            &cfg,
        )
        .unwrap();
        // TVL: 7-day outflow 0.12 on index 21 and 0.18 on index 22 (score 1.2).
        let t = &det.scores.components[2];
        assert_eq!(t[6], None);
        assert!((t[22].unwrap() - 1.2).abs() < 1e-9);
        assert!((t[21].unwrap() - 0.8).abs() < 1e-9);
        let ws: Vec<_> = det.windows.iter().map(|w| (w.start, w.end)).collect();
        assert_eq!(
            ws,
            vec![(d("2023-03-11"), d("2023-03-15")), (d("2023-03-23"), d("2023-03-30"))]
        );
        assert_eq!(det.windows[0].fired, vec![Component::Depeg]);
        assert_eq!(det.windows[0].n_shock_days, 2);
        assert_eq!(det.windows[1].fired, vec![Component::TvlOutflow]);
        let cfg0 = ShockConfig { gap_days: 2, ..cfg };
        let det0 =
            detect_shocks(&ShockInputs { stablecoins: &sc, ..Default::default() }, &cfg0).unwrap();
        assert_eq!(det0.windows.len(), 2);

        // Funding: noise-free alternating series then a large negative print.
        let mut f: Vec<f64> = (0..120).map(|i| if i % 2 == 0 { 0.0003 } else { 0.0001 }).collect();
        f[110] = -0.002;
        let fs = daily("funding", "2021-01-01", f, SeriesUnit::Rate);
        let det =
            detect_shocks(&ShockInputs { funding: Some(&fs), ..Default::default() }, &cfg).unwrap();
        let sc = &det.scores.components[3];
        assert_eq!(sc[40], None); // fewer than 45 previous observations
        assert!(sc[100].unwrap() < 1.0);
        assert!(sc[110].unwrap() > 5.0);
        assert_eq!(det.windows.len(), 1);
        assert_eq!(det.windows[0].start, d("2021-04-21"));
    }

    #[test]
    fn catalogue_comparison() {
        let mut usdc = vec![1.0; 20];
        usdc[10] = 0.9; // 2023-03-11
        let usdc = daily("usdc", "2023-03-01", usdc, SeriesUnit::Price);
        let mut p = vec![100.0; 20];
        p[3] = 70.0; // 2023-03-04, not in the catalogue
        p[4] = 100.0;
        let btc = daily("btc", "2023-03-01", p, SeriesUnit::Price);
        let sc = [&usdc];
        let det = detect_shocks(
            &ShockInputs { crypto_price: Some(&btc), stablecoins: &sc, ..Default::default() },
            &ShockConfig { gap_days: 0, drawdown_threshold: 0.15, ..Default::default() },
        )
        .unwrap();
        assert_eq!(det.windows.len(), 2);
        let cmp = compare_with_catalogue(&det, &Catalogue::builtin(), 2);
        let usdc_ep = cmp.episodes.iter().find(|m| m.episode == "usdc-svb-2023").unwrap();
        assert!(usdc_ep.covered && usdc_ep.detected);
        assert_eq!(usdc_ep.overlap_days, 1);
        assert_eq!(usdc_ep.first_detection_offset_days, Some(1));
        assert_eq!(cmp.unmatched_windows, vec![0]);
        assert_eq!(cmp.recall, Some(1.0));
        let dates = [d("2023-03-03"), d("2023-03-04"), d("2023-03-11"), d("2023-03-12")];
        let l = det.labeling(&dates, false).unwrap();
        assert_eq!((l.name.as_str(), l.states.len()), ("shocks", 1));
        assert_eq!(l.labels, vec![None, Some(0), Some(0), None]);
        let l = det.labeling(&dates, true).unwrap();
        assert_eq!(l.states, vec!["shock-2023-03-04", "shock-2023-03-11"]);
        assert_eq!(l.labels, vec![None, Some(0), Some(1), None]);
        assert!(!cmp.episodes.iter().find(|m| m.episode == "ftx-2022").unwrap().covered);
        assert!(matches!(
            detect_shocks(&ShockInputs::default(), &ShockConfig::default()),
            Err(LabelsError::NoInputs)
        ));
    }
}
