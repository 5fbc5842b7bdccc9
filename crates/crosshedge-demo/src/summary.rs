//! A short description of a generated market, for `crosshedge demo` to print.

use crosshedge_core::Date;
use serde::Serialize;

use crate::market::{vix_band, DemoEpisode, DemoMarket};

/// Counts, span and a few statistics of one generated series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesSummary {
    /// Series name.
    pub name: String,
    /// Calendar (`us` or `crypto`).
    pub calendar: String,
    /// Unit (`price`, `index-level`, `rate`).
    pub unit: String,
    /// Number of observations.
    pub rows: usize,
    /// First date.
    pub first: Date,
    /// Last date.
    pub last: Date,
    /// First value.
    pub first_value: f64,
    /// Last value.
    pub last_value: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Annualised sd of daily log changes (levels) or of daily changes (rates), with the
    /// series' own calendar (252 or 365 periods a year).
    pub vol_ann: f64,
    /// Share of days whose value equals the previous day's (stale prints).
    pub stale_share: f64,
}

/// What a generated market holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemoSummary {
    /// Seed it was generated with.
    pub seed: u64,
    /// One entry per series, in the market's order.
    pub series: Vec<SeriesSummary>,
    /// Share of US days in each VIX band of the generated VIX (calm, normal, stress).
    pub vix_band_shares: [f64; 3],
    /// Share of US days in each true hidden regime.
    pub hidden_regime_shares: [f64; 3],
    /// Number of futures settlement rows.
    pub futures_rows: usize,
    /// The scripted episodes.
    pub episodes: Vec<DemoEpisode>,
}

/// Summarises a generated market.
pub fn summary(market: &DemoMarket) -> DemoSummary {
    let series = market
        .series
        .iter()
        .filter_map(|s| {
            let (first, last) = s.span()?;
            let v = s.values();
            let changes: Vec<f64> = if s.unit.is_positive_level() {
                v.windows(2).map(|w| (w[1] / w[0]).ln()).collect()
            } else {
                v.windows(2).map(|w| w[1] - w[0]).collect()
            };
            let stale = v.windows(2).filter(|w| w[1] == w[0]).count();
            Some(SeriesSummary {
                name: s.name.clone(),
                calendar: s.calendar.as_str().to_string(),
                unit: s.unit.as_str().to_string(),
                rows: s.len(),
                first,
                last,
                first_value: v[0],
                last_value: v[v.len() - 1],
                min: v.iter().copied().fold(f64::INFINITY, f64::min),
                max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                vol_ann: sd(&changes) * s.calendar.periods_per_year().sqrt(),
                stale_share: if v.len() > 1 { stale as f64 / (v.len() - 1) as f64 } else { 0.0 },
            })
        })
        .collect();
    let mut bands = [0.0; 3];
    if let Some(vix) = market.series("vix") {
        for v in vix.values() {
            bands[vix_band(*v)] += 1.0;
        }
        let n = vix.len().max(1) as f64;
        bands.iter_mut().for_each(|b| *b /= n);
    }
    let mut hidden = [0.0; 3];
    for (_, s) in &market.regimes {
        hidden[*s] += 1.0;
    }
    let n = market.regimes.len().max(1) as f64;
    hidden.iter_mut().for_each(|b| *b /= n);
    DemoSummary {
        seed: market.config.seed,
        series,
        vix_band_shares: bands,
        hidden_regime_shares: hidden,
        futures_rows: market.futures.len(),
        episodes: market.episodes.clone(),
    }
}

/// Sample standard deviation (0 for fewer than two values).
fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)).sqrt()
}

impl DemoMarket {
    /// Summarises the market (see [`summary`]).
    pub fn summary(&self) -> DemoSummary {
        summary(self)
    }
}
