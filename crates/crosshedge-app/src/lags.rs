//! `lags`: the lead-lag ("time-shifted") relation of a target and a hedge — the
//! cross-correlation function and the Dimson beta.

use crosshedge_stats::leadlag::{ccf, dimson_beta, Ccf, Dimson};
use serde::{Deserialize, Serialize};

use crate::pair::{load_pair, PairMeta, PairRequest};
use crate::{AppError, Progress, Workspace};

/// What `lags` analyses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LagsRequest {
    /// Target, hedge, alignment and sample.
    pub pair: PairRequest,
    /// Largest lead/lag K, in aligned periods (rows): the CCF covers -K..K.
    pub max_lag: usize,
}

impl Default for LagsRequest {
    fn default() -> Self {
        Self { pair: PairRequest::default(), max_lag: 5 }
    }
}

/// The JSON of `lags`: the pair's description, the CCF and the Dimson beta.
#[derive(Clone, Debug, Serialize)]
pub struct LagsResponse {
    /// Target, hedge, alignment, return kinds, sample.
    #[serde(flatten)]
    pub meta: PairMeta,
    /// `ccf[k] = corr(T_t, H_{t-k})` (dimensionless): positive k means the hedge leads the
    /// target.
    pub ccf: Ccf,
    /// Sum of slopes on H_{t-K..t+K} (target return per unit of hedge return).
    pub dimson: Dimson,
    /// The contemporaneous OLS beta (the Dimson regression with K = 0).
    pub beta_synchronous: f64,
}

/// Runs `lags`.
///
/// # Errors
/// As [`load_pair`]; an analysis error when the sample is too short for `max_lag`.
pub fn run(
    ws: &Workspace,
    req: &LagsRequest,
    _progress: &dyn Progress,
) -> Result<LagsResponse, AppError> {
    let pair = load_pair(ws, &req.pair)?;
    let c = ccf(&pair.target, &pair.hedge, req.max_lag)?;
    let d = dimson_beta(&pair.target, &pair.hedge, req.max_lag, None)?;
    let d0 = dimson_beta(&pair.target, &pair.hedge, 0, None)?;
    Ok(LagsResponse { meta: pair.meta, ccf: c, dimson: d, beta_synchronous: d0.beta })
}
