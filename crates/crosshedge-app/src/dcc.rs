//! `dcc`: GARCH(1,1) margins and Engle's DCC(1,1) dynamic correlation, with the dynamic hedge
//! ratio h_t = ρ_t σ_T,t / σ_H,t (Engle 2002, "Dynamic Conditional Correlation", JBES 20(3)).

use chrono::NaiveDate;
use crosshedge_regimes::{fit_dcc, DccFit, DccOptions, Innovation};
use serde::{Deserialize, Serialize};

use crate::pair::{load_pair, PairMeta, PairRequest};
use crate::{AppError, Progress, Workspace};

/// The innovations of the GARCH margins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DccDist {
    /// Gaussian innovations.
    #[default]
    Normal,
    /// Standardised Student-t innovations (ν estimated); `student-t` is accepted too.
    #[serde(alias = "student-t")]
    T,
}

impl DccDist {
    /// The name written in the response's `innovation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::T => "t",
        }
    }
}

impl std::fmt::Display for DccDist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DccDist {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "normal" => Ok(Self::Normal),
            "t" | "student-t" => Ok(Self::T),
            other => Err(AppError::input(format!("unknown --dist '{other}' (expected normal, t)"))),
        }
    }
}

/// What `dcc` fits.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DccRequest {
    /// Target, hedge, alignment and sample.
    pub pair: PairRequest,
    /// Innovations of the GARCH margins: `normal` (default) or `t`.
    pub dist: DccDist,
    /// Include the full daily correlation and hedge-ratio paths (and the whole fit).
    pub paths: bool,
}

/// The JSON of `dcc`. Correlations and hedge ratios are plain numbers; vols are annualised
/// decimals (0.25 = 25 %).
#[derive(Clone, Debug, Serialize)]
pub struct DccResponse {
    /// Target, hedge, alignment, return kinds, sample.
    #[serde(flatten)]
    pub meta: PairMeta,
    /// `normal` or `t`.
    pub innovation: String,
    /// DCC news parameter a.
    pub a: f64,
    /// DCC persistence parameter b.
    pub b: f64,
    /// Log-likelihood of the whole model.
    pub loglik: f64,
    /// The unconditional correlation Q̄ of the standardised residuals.
    pub qbar_correlation: f64,
    /// The last aligned date.
    pub last_date: Option<NaiveDate>,
    /// ρ on the last date.
    pub last_correlation: Option<f64>,
    /// h on the last date.
    pub last_hedge_ratio: Option<f64>,
    /// The one-step-ahead ρ.
    pub next_correlation: f64,
    /// The one-step-ahead h.
    pub next_hedge_ratio: f64,
    /// 5/25/50/75/95 % quantiles of the daily ρ path (linear interpolation).
    pub correlation_quantiles: [f64; 5],
    /// 5/25/50/75/95 % quantiles of the daily h path.
    pub hedge_ratio_quantiles: [f64; 5],
    /// The target's next-period vol, annualised.
    pub target_vol_next_ann: f64,
    /// The hedge's next-period vol, annualised.
    pub hedge_vol_next_ann: f64,
    /// The dates of the paths (with `paths`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dates: Option<Vec<NaiveDate>>,
    /// The whole fit with its paths (with `paths`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<DccFit>,
    /// The whole fit, always, for renderers (not serialised).
    #[serde(skip)]
    pub full_fit: DccFit,
}

/// The 5 %, 25 %, 50 %, 75 % and 95 % empirical quantiles (linear interpolation).
fn quantiles(x: &[f64]) -> [f64; 5] {
    let mut v: Vec<f64> = x.to_vec();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if v.is_empty() {
            return 0.0;
        }
        let h = p * (v.len() - 1) as f64;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    [q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)]
}

/// Fits the DCC model of `req` on the workspace's store.
///
/// # Errors
/// The pair's input errors; the regimes crate's errors when the fit fails.
pub fn run(
    ws: &Workspace,
    req: &DccRequest,
    _progress: &dyn Progress,
) -> Result<DccResponse, AppError> {
    let pair = load_pair(ws, &req.pair)?;
    let innovation = match req.dist {
        DccDist::Normal => Innovation::Normal,
        DccDist::T => Innovation::StudentT,
    };
    let fit = fit_dcc(
        &pair.target,
        &pair.hedge,
        &DccOptions {
            innovation,
            periods_per_year: pair.meta.periods_per_year,
            ..DccOptions::default()
        },
    )?;
    Ok(DccResponse {
        innovation: req.dist.as_str().to_string(),
        a: fit.a,
        b: fit.b,
        loglik: fit.loglik,
        qbar_correlation: fit.qbar_correlation,
        last_date: pair.dates.last().copied(),
        last_correlation: fit.correlation.last().copied(),
        last_hedge_ratio: fit.hedge_ratio.last().copied(),
        next_correlation: fit.next_correlation,
        next_hedge_ratio: fit.next_hedge_ratio,
        correlation_quantiles: quantiles(&fit.correlation),
        hedge_ratio_quantiles: quantiles(&fit.hedge_ratio),
        target_vol_next_ann: fit.target.next_vol_ann,
        hedge_vol_next_ann: fit.hedge.next_vol_ann,
        dates: req.paths.then(|| pair.dates.clone()),
        fit: req.paths.then(|| fit.clone()),
        full_fit: fit,
        meta: pair.meta,
    })
}
