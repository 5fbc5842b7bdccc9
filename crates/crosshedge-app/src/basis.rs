//! `basis`: how much of the hedge is really there, overall and by regime — correlations,
//! betas, the minimum-variance hedge ratio and its effectiveness, with stationary-bootstrap
//! intervals, the decorrelation factor and the correlation-breakdown tests.

use std::collections::BTreeMap;

use crosshedge_labels::bands::BandConfig;
use crosshedge_stats::basis::{basis_analysis, BasisConfig, BasisReport};

/// The statistics types of a [`BasisResponse`], as front ends render them.
pub use crosshedge_stats::basis::{BasisStats, RegimeStats};
/// The decorrelation factor of a [`BasisResponse`] and its "not identified" marker.
pub use crosshedge_stats::decorrelation::{DecorrelationFactor, NOT_IDENTIFIED};
use serde::{Deserialize, Serialize};

use crate::events::EventSources;
use crate::labeling::{label_pair, LabelingInputs, RegimeSource};
use crate::pair::{load_pair, PairMeta, PairRequest};
use crate::shocks::ShockSources;
use crate::{checkpoint, AppError, Progress, Workspace};

/// What `basis` analyses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BasisRequest {
    /// Target, hedge, alignment and sample (and the VIX series of the regime labelings).
    pub pair: PairRequest,
    /// The regime labeling: `vix-bands` (default), `markov2`, `markov3`, `episodes`, `shocks`,
    /// `events`, `none`.
    pub regimes: RegimeSource,
    /// Series behind the `shocks` labeling.
    pub shock_sources: ShockSources,
    /// Sources and window of the `events` labeling (files in the workspace's data directory).
    pub event_sources: EventSources,
    /// Stationary-bootstrap resamples per interval.
    pub bootstrap: usize,
    /// Random seed of the bootstrap.
    pub seed: u64,
    /// Newey-West lags (default floor(4 (T/100)^(2/9))).
    pub hac_lags: Option<usize>,
    /// Leads and lags in the Dimson beta.
    pub dimson_lags: usize,
    /// The `vix-bands` calm threshold: calm below this VIX close (index points).
    pub calm_below: f64,
    /// The `vix-bands` stress threshold: stress above this VIX close (index points).
    pub stress_above: f64,
}

impl Default for BasisRequest {
    fn default() -> Self {
        Self {
            pair: PairRequest::default(),
            regimes: RegimeSource::VixBands,
            shock_sources: ShockSources::default(),
            event_sources: EventSources::default(),
            bootstrap: 2000,
            seed: 42,
            hac_lags: None,
            dimson_lags: 2,
            calm_below: 15.0,
            stress_above: 25.0,
        }
    }
}

/// The JSON of `basis`: the pair's description, the labeling, then the report's keys.
/// Correlations and ratios are plain numbers; vols are annualised decimals (0.25 = 25 %).
#[derive(Clone, Debug, Serialize)]
pub struct BasisResponse {
    /// Target, hedge, alignment, return kinds, sample.
    #[serde(flatten)]
    pub meta: PairMeta,
    /// The regime labeling used (`vix-bands`, `episodes`, `none`, ...).
    pub regime_labeling: String,
    /// Rows per regime (only labelled rows enter a regime).
    pub n_per_regime: BTreeMap<String, usize>,
    /// Every statistic.
    #[serde(flatten)]
    pub report: BasisReport,
    /// Warnings about the labeling (a Markov spike state). Not part of the JSON: the CLI
    /// prints them on stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Runs `basis` on the workspace's store. The `events` labeling reads the workspace's data
/// directory. Cancellation is checked before and after the bootstrap.
///
/// # Errors
/// An input error for fewer than 2 bootstrap resamples, an unknown series, equal target and
/// hedge, bad band thresholds or an unreadable events file; the statistics' errors when the sample is too short.
pub fn run(
    ws: &Workspace,
    req: &BasisRequest,
    progress: &dyn Progress,
) -> Result<BasisResponse, AppError> {
    if req.bootstrap < 2 {
        // The same bound as `demo` and `report`: an interval needs at least two resamples.
        return Err(AppError::input(format!(
            "--bootstrap must be at least 2, got {}",
            req.bootstrap
        )));
    }
    let pair = load_pair(ws, &req.pair)?;
    let bands = BandConfig {
        calm_below: req.calm_below,
        stress_above: req.stress_above,
        ..BandConfig::default()
    };
    let inputs = LabelingInputs {
        vix: &req.pair.vix,
        bands: &bands,
        shock_sources: &req.shock_sources,
        event_sources: &req.event_sources,
    };
    let labelled = label_pair(ws, &pair, req.regimes, &inputs)?;
    let lab = labelled.labeling;
    let cfg = BasisConfig {
        calm_state: labelled.calm_state,
        stress_state: labelled.stress_state,
        bootstrap_resamples: req.bootstrap,
        seed: req.seed,
        hac_lags: req.hac_lags,
        dimson_lags: req.dimson_lags,
        periods_per_year: pair.meta.periods_per_year,
        ..BasisConfig::default()
    };
    let regimes = lab.as_ref().map(|l| (l.labels.as_slice(), l.states.as_slice()));
    checkpoint(progress)?;
    let report = basis_analysis(&pair.target, &pair.hedge, regimes, &cfg)?;
    checkpoint(progress)?;
    let mut n_per_regime = BTreeMap::new();
    if let Some(l) = &lab {
        for (i, s) in l.states.iter().enumerate() {
            n_per_regime.insert(s.clone(), l.labels.iter().filter(|x| **x == Some(i)).count());
        }
    }
    Ok(BasisResponse {
        meta: pair.meta,
        regime_labeling: lab.map_or_else(|| "none".to_string(), |l| l.name),
        n_per_regime,
        report,
        warnings: labelled.warnings,
    })
}
