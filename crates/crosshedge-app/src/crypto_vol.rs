//! The implied vol of crypto options, per date: from an implied-vol index in the store named by
//! the user (`--crypto-vol SERIES`, `vol-series` in the book), else from realised vol times a
//! stated implied/realised ratio, with a warning saying so. Used by the backtest and tournament
//! jobs to price BTC/ETH options.
//!
//! # Sources
//! - **An implied-vol series** ([`VolSource::Series`]): an index in vol points such as
//!   Deribit's 30-day DVOL (`crosshedge fetch dvol-btc` stores it as `dvol`; the demo market
//!   carries a calibrated one under the same name). The vol of a date is the index / 100
//!   (60 → 0.60). The series is checked first: every value finite and positive (else
//!   [`CryptoVolError::NonPositive`] naming the series and the date), and in vol points, not
//!   decimals: a crypto implied vol lies between about 20 and 200 points, so a series whose
//!   median is below [`VOL_POINTS_MIN_MEDIAN`] (3) is refused
//!   ([`CryptoVolError::LooksDecimal`]: it looks like 0.6 where 60 is expected).
//! - **Realised vol** ([`VolSource::Realised`]), when no series is named: the 30-day realised
//!   vol of the asset — the sample standard deviation (n − 1) of its last
//!   [`CryptoVolSettings::window_days`] close-to-close log returns, annualised with the square
//!   root of its calendar's periods per year (365 on the crypto calendar, where every
//!   calendar day is a row) — times [`CryptoVolSettings::iv_ratio`], the stated implied /
//!   realised ratio (default [`DEFAULT_IV_RV_RATIO`], the demo calibration's mean; a CLI flag
//!   `--iv-ratio` sets it). The response carries a warning saying so.
//!
//! # Skew
//! The vol at strike `K` with forward `F` is
//!
//! ```text
//! sigma(K) = max(sigma_ATM + skew * ln(F / K), 0.01)
//! ```
//!
//! ([`skewed_vol`]): a positive put-skew slope raises the vol of strikes below the forward
//! (puts out of the money) and lowers it above, floored at 1 %. `skew` is a decimal vol per
//! unit of log-moneyness (0.2: a strike 10 % below the forward, `ln(F/K)` ≈ 0.105, gets
//! about 2.1 vol points more). The default 0 is a flat smile.

use crosshedge_core::series::Series;
use crosshedge_core::Date;
use serde::{Deserialize, Serialize};

use crate::{AppError, Workspace};

/// The default window of the realised-vol fallback, in rows (calendar days on the crypto
/// calendar): the 30-day horizon of the implied-vol indices it stands in for.
pub const DEFAULT_WINDOW_DAYS: usize = 30;
/// The default implied/realised ratio of the realised-vol fallback: the mean of the demo
/// BTC implied-vol index over the demo BTC's 30-day realised vol on the default demo
/// ([`crosshedge_demo::params::DVOL_MEAN_IV_RV_RATIO`], about 1.17).
pub const DEFAULT_IV_RV_RATIO: f64 = crosshedge_demo::params::DVOL_MEAN_IV_RV_RATIO;
/// The floor of [`skewed_vol`] (decimal: 1 %).
pub const MIN_VOL: f64 = crosshedge_hedging::MIN_SKEWED_VOL;
/// A vol-point series whose median is below this is refused as looking like decimals.
pub const VOL_POINTS_MIN_MEDIAN: f64 = 3.0;

/// How the implied vol is obtained besides the series: the skew slope and the fallback's
/// window and ratio.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CryptoVolSettings {
    /// Put-skew slope (decimal vol per unit of `ln(F / K)`; 0 = flat), see [`skewed_vol`].
    pub skew: f64,
    /// Implied/realised ratio of the realised-vol fallback (> 0).
    pub iv_ratio: f64,
    /// Log returns in the realised-vol window of the fallback (≥ 2).
    pub window_days: usize,
}

impl Default for CryptoVolSettings {
    fn default() -> Self {
        Self { skew: 0.0, iv_ratio: DEFAULT_IV_RV_RATIO, window_days: DEFAULT_WINDOW_DAYS }
    }
}

/// Where the vols came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum VolSource {
    /// An implied-vol index in the store (vol points, divided by 100).
    Series {
        /// The series' name.
        name: String,
    },
    /// The asset's realised vol times a stated ratio.
    Realised {
        /// Log returns in the window.
        window_days: usize,
        /// The implied/realised ratio applied.
        ratio: f64,
    },
}

/// The at-the-money implied vol (decimal) of every date, its source, the skew slope and the
/// warnings to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CryptoVol {
    /// The dates, increasing: the series' dates, or the asset's dates from the end of the
    /// first full window.
    pub dates: Vec<Date>,
    /// The at-the-money vol of each date (decimal, 0.6 = 60 %).
    pub vol: Vec<f64>,
    /// Where the vols came from.
    pub source: VolSource,
    /// The put-skew slope of [`skewed_vol`].
    pub skew: f64,
    /// What the caller should tell the user (the realised-vol fallback, a series that does not
    /// cover the asset's span).
    pub warnings: Vec<String>,
}

impl CryptoVol {
    /// The at-the-money vol on `date`: the value of `date` or of the latest date before it;
    /// `None` before the first date.
    pub fn atm(&self, date: Date) -> Option<f64> {
        let i = self.dates.partition_point(|d| *d <= date);
        (i > 0).then(|| self.vol[i - 1])
    }

    /// The vol on `date` at `strike` with forward `forward`: [`skewed_vol`] of [`Self::atm`].
    pub fn at_strike(&self, date: Date, forward: f64, strike: f64) -> Option<f64> {
        self.atm(date).map(|v| skewed_vol(v, self.skew, forward, strike))
    }
}

/// Why the implied vol could not be resolved (every variant is an input error: exit 2).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoVolError {
    /// The named series is not in the store.
    #[error("unknown series '{name}' (known: {known})")]
    UnknownSeries {
        /// The name asked for.
        name: String,
        /// The store's series, comma-separated (`none` when empty).
        known: String,
    },
    /// The implied-vol series has no observation.
    #[error("implied-vol series '{name}' has no observations")]
    Empty {
        /// The series.
        name: String,
    },
    /// A value of the implied-vol series is zero, negative or not finite.
    #[error("implied-vol series '{name}' has a non-positive or non-finite value {value} on {date}: an implied vol must be positive")]
    NonPositive {
        /// The series.
        name: String,
        /// The first such date.
        date: Date,
        /// Its value.
        value: f64,
    },
    /// The implied-vol series looks like decimals (0.6) where vol points (60) are expected.
    #[error("implied-vol series '{name}' looks like a decimal (median {median}, e.g. 0.6) where vol points (e.g. 60) are expected: import it in vol points (scale 100)")]
    LooksDecimal {
        /// The series.
        name: String,
        /// Its median.
        median: f64,
    },
    /// The asset has too few rows for one realised-vol window.
    #[error("series '{name}' has {rows} rows: the realised-vol fallback needs at least {needed} ({window_days} log returns)")]
    TooShort {
        /// The asset series.
        name: String,
        /// Its rows.
        rows: usize,
        /// Rows needed.
        needed: usize,
        /// The window.
        window_days: usize,
    },
    /// A setting is out of range.
    #[error("crypto vol setting {field} = {value} is invalid: {why}")]
    InvalidSetting {
        /// The setting (`skew`, `iv_ratio`, `window_days`).
        field: &'static str,
        /// Its value.
        value: f64,
        /// The rule it breaks.
        why: &'static str,
    },
}

/// The vol at strike `strike` given the at-the-money vol `atm` (decimal), the put-skew slope
/// `skew` and the forward `forward`: `max(atm + skew * ln(forward / strike), 0.01)`.
/// The one definition lives in the sizing ([`crosshedge_hedging::skewed_vol`]); this is it.
pub fn skewed_vol(atm: f64, skew: f64, forward: f64, strike: f64) -> f64 {
    crosshedge_hedging::skewed_vol(atm, skew, forward, strike)
}

/// The rolling realised vol of `series`: on each date from the `window`-th return on, the
/// sample sd (n − 1) of the last `window` close-to-close log returns times the square root of
/// the series' calendar periods per year (365 on the crypto calendar). Rows are taken as
/// stored: a gap in the series makes one return span it.
///
/// # Errors
/// [`CryptoVolError::TooShort`] with fewer than `window + 1` rows,
/// [`CryptoVolError::InvalidSetting`] for a window below 2.
pub fn realised_vol(
    series: &Series,
    window: usize,
) -> Result<(Vec<Date>, Vec<f64>), CryptoVolError> {
    if window < 2 {
        return Err(CryptoVolError::InvalidSetting {
            field: "window_days",
            value: window as f64,
            why: "needs at least 2 log returns",
        });
    }
    let (d, v) = (series.dates(), series.values());
    if v.len() < window + 1 {
        return Err(CryptoVolError::TooShort {
            name: series.name.clone(),
            rows: v.len(),
            needed: window + 1,
            window_days: window,
        });
    }
    let r: Vec<f64> = v.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let ann = series.calendar.periods_per_year().sqrt();
    let n = window as f64;
    let mut dates = Vec::with_capacity(r.len() + 1 - window);
    let mut vol = Vec::with_capacity(r.len() + 1 - window);
    for (j, w) in r.windows(window).enumerate() {
        let m = w.iter().sum::<f64>() / n;
        let var = w.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
        // Return j + window - 1 ends on row j + window.
        dates.push(d[j + window]);
        vol.push(var.sqrt() * ann);
    }
    Ok((dates, vol))
}

/// Checks an implied-vol series in vol points and turns it into decimals.
///
/// # Errors
/// [`CryptoVolError::Empty`], [`CryptoVolError::NonPositive`] (the first bad date),
/// [`CryptoVolError::LooksDecimal`] (median below [`VOL_POINTS_MIN_MEDIAN`]).
pub fn vol_points_to_decimal(series: &Series) -> Result<Vec<f64>, CryptoVolError> {
    let name = &series.name;
    let v = series.values();
    if v.is_empty() {
        return Err(CryptoVolError::Empty { name: name.clone() });
    }
    if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
        return Err(CryptoVolError::NonPositive {
            name: name.clone(),
            date: series.dates()[i],
            value: v[i],
        });
    }
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]) };
    if median < VOL_POINTS_MIN_MEDIAN {
        return Err(CryptoVolError::LooksDecimal { name: name.clone(), median });
    }
    Ok(v.iter().map(|x| x / 100.0).collect())
}

fn check_settings(s: &CryptoVolSettings) -> Result<(), CryptoVolError> {
    if !s.skew.is_finite() {
        return Err(CryptoVolError::InvalidSetting {
            field: "skew",
            value: s.skew,
            why: "must be a finite number",
        });
    }
    if !(s.iv_ratio.is_finite() && s.iv_ratio > 0.0 && s.iv_ratio <= 10.0) {
        return Err(CryptoVolError::InvalidSetting {
            field: "iv_ratio",
            value: s.iv_ratio,
            why: "must be above 0 and at most 10",
        });
    }
    if s.window_days < 2 {
        return Err(CryptoVolError::InvalidSetting {
            field: "window_days",
            value: s.window_days as f64,
            why: "needs at least 2 log returns",
        });
    }
    Ok(())
}

fn require(ws: &Workspace, name: &str) -> Result<(), AppError> {
    let known: Vec<String> = ws.store()?.list()?.into_iter().map(|s| s.name).collect();
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    Err(CryptoVolError::UnknownSeries {
        name: name.to_string(),
        known: if known.is_empty() { "none".to_string() } else { known.join(", ") },
    }
    .into())
}

/// The per-date implied vol of options on `asset` (a series in the store, e.g. `btc`): from
/// the implied-vol index `vol_series` when given, else the asset's realised vol times
/// `settings.iv_ratio` with a warning (see the module docs).
///
/// # Errors
/// Input errors ([`CryptoVolError`]): an unknown asset or vol series, an implied-vol series
/// with a non-positive or non-finite value (naming the date) or in decimals instead of vol
/// points, an asset too short for one window, a setting out of range; the store's errors.
pub fn resolve(
    ws: &Workspace,
    asset: &str,
    vol_series: Option<&str>,
    settings: &CryptoVolSettings,
) -> Result<CryptoVol, AppError> {
    check_settings(settings)?;
    require(ws, asset)?;
    let asset_series = ws.load(asset, None, None)?;
    let mut warnings = Vec::new();
    match vol_series {
        Some(name) => {
            require(ws, name)?;
            let s = ws.load(name, None, None)?;
            let vol = vol_points_to_decimal(&s)?;
            if let (Some((a0, a1)), Some((v0, v1))) = (asset_series.span(), s.span()) {
                if v0 > a0 || v1 < a1 {
                    warnings.push(format!(
                        "implied-vol series '{name}' covers {v0}..{v1}, {asset} covers {a0}..{a1}: \
                         days before {v0} have no implied vol, days after {v1} use the last value"
                    ));
                }
            }
            Ok(CryptoVol {
                dates: s.dates().to_vec(),
                vol,
                source: VolSource::Series { name: name.to_string() },
                skew: settings.skew,
                warnings,
            })
        }
        None => {
            let (dates, rv) = realised_vol(&asset_series, settings.window_days)?;
            let ratio = settings.iv_ratio;
            warnings.push(format!(
                "no implied-vol series given: the implied vol of {asset} options is its {}-day \
                 realised vol (close-to-close log returns, annualised by sqrt({})) times an \
                 implied/realised ratio of {ratio:.4}{}; name an implied-vol index with \
                 --crypto-vol SERIES (e.g. dvol, from `crosshedge fetch dvol-btc`)",
                settings.window_days,
                asset_series.calendar.periods_per_year(),
                if ratio == DEFAULT_IV_RV_RATIO { " (the demo calibration's mean)" } else { "" }
            ));
            Ok(CryptoVol {
                dates,
                vol: rv.iter().map(|v| v * ratio).collect(),
                source: VolSource::Realised { window_days: settings.window_days, ratio },
                skew: settings.skew,
                warnings,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_raises_vol_below_the_forward_and_floors_at_one_percent() {
        assert_eq!(skewed_vol(0.6, 0.2, 100.0, 100.0), 0.6);
        let below = skewed_vol(0.6, 0.2, 100.0, 90.0);
        assert!((below - (0.6 + 0.2 * (100.0f64 / 90.0).ln())).abs() < 1e-15);
        assert!(below > 0.6 && skewed_vol(0.6, 0.2, 100.0, 110.0) < 0.6);
        assert_eq!(skewed_vol(0.05, 1.0, 100.0, 1000.0), MIN_VOL);
    }
}
