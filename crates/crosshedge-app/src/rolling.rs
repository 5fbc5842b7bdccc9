//! `rolling`: the rolling-window correlation and beta of a target against a hedge, each
//! window's correlation with its Fisher-z confidence band — the time series behind the
//! report's rolling-correlation chart and the dashboard's basis explorer.

use chrono::NaiveDate;
use crosshedge_stats::corr::fisher_z_ci;
use crosshedge_stats::rolling::rolling_corr_beta;
use serde::{Deserialize, Serialize};

use crate::pair::{load_pair, Pair, PairMeta, PairRequest};
use crate::{AppError, Progress, Workspace};

/// What `rolling` measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RollingRequest {
    /// Target, hedge, alignment and sample.
    pub pair: PairRequest,
    /// Window length in aligned periods (rows), at least 4 (the Fisher-z band needs n ≥ 4).
    pub window: usize,
    /// Confidence level of the band, in (0, 1) (0.95 = 95 %).
    pub level: f64,
}

impl Default for RollingRequest {
    fn default() -> Self {
        Self { pair: PairRequest::default(), window: 63, level: 0.95 }
    }
}

/// One window, dated by its last row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RollingPoint {
    /// End date of the window (the last aligned return's date).
    pub date: NaiveDate,
    /// Pearson correlation of the window's returns (dimensionless).
    pub correlation: f64,
    /// Lower end of the Fisher-z band at `level`.
    pub low: f64,
    /// Upper end of the Fisher-z band at `level`.
    pub high: f64,
    /// OLS beta `Cov(T, H) / Var(H)` of the window (target return per unit of hedge return).
    pub beta: f64,
}

/// The JSON of `rolling`: the pair's description, the window, the level and one point per
/// window whose correlation is defined (windows where either series is constant are left out).
#[derive(Clone, Debug, Serialize)]
pub struct RollingResponse {
    /// Target, hedge, alignment, return kinds, sample.
    #[serde(flatten)]
    pub meta: PairMeta,
    /// Window length in aligned periods.
    pub window: usize,
    /// Confidence level of the band.
    pub level: f64,
    /// The windows, oldest first.
    pub points: Vec<RollingPoint>,
}

/// The rolling correlation, band and beta of a loaded pair.
///
/// # Formula
/// For the window `W_i = {i-w+1, …, i}`: `ρ_i = C_TH / sqrt(C_TT C_HH)`, `β_i = C_TH / C_HH`
/// ([`rolling_corr_beta`]); the band is Fisher's `tanh(atanh ρ_i ± z_{(1+level)/2} / sqrt(w-3))`
/// ([`fisher_z_ci`], what `scipy.stats.pearsonr(...).confidence_interval` returns). Successive
/// windows overlap, so the bands are pointwise, not simultaneous.
///
/// # Errors
/// An input error for `window < 4` or `level` outside (0, 1). A window longer than the
/// sample gives no points.
pub fn points(pair: &Pair, window: usize, level: f64) -> Result<Vec<RollingPoint>, AppError> {
    if window < 4 {
        return Err(AppError::input(format!(
            "--window {window}: must be at least 4 (the Fisher-z band needs 4 rows)"
        )));
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(AppError::input(format!("--level {level}: must be in (0, 1), e.g. 0.95")));
    }
    let roll = rolling_corr_beta(&pair.target, &pair.hedge, window)?;
    let mut out = Vec::new();
    for (i, (r, b)) in roll.correlation.iter().zip(&roll.beta).enumerate() {
        if let (Some(r), Some(b)) = (r, b) {
            let [low, high] = fisher_z_ci(*r, window, level)?;
            out.push(RollingPoint { date: pair.dates[i], correlation: *r, low, high, beta: *b });
        }
    }
    Ok(out)
}

/// Runs `rolling`.
///
/// # Errors
/// As [`load_pair`] and [`points`]; an input error for a window longer than the sample.
pub fn run(
    ws: &Workspace,
    req: &RollingRequest,
    _progress: &dyn Progress,
) -> Result<RollingResponse, AppError> {
    let pair = load_pair(ws, &req.pair)?;
    if req.window > pair.target.len() {
        return Err(AppError::input(format!(
            "--window {}: longer than the {} aligned rows of {} vs {}",
            req.window,
            pair.target.len(),
            pair.meta.target,
            pair.meta.hedge
        )));
    }
    let points = points(&pair, req.window, req.level)?;
    Ok(RollingResponse { meta: pair.meta.clone(), window: req.window, level: req.level, points })
}
