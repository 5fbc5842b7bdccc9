//! `stress`: the regime-switching Monte Carlo stress test of a sized hedge book, an episode
//! replay or a user shock.

use std::fmt;
use std::ops::ControlFlow;
use std::str::FromStr;

use crosshedge_hedging::{size_book, Band, HedgePlan};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_simulation::{
    fit, revalue_shock, simulate_with_threads, Episode, EpisodeSet, FitData, FitOptions,
    JointModel, ModelSummary, Portfolio, Scenario, ShockReport, SimulationError, StartState,
    StressConfig, StressReport, UserShock,
};
use serde::{Deserialize, Serialize};

use crate::measure::{measure, MeasureMeta, MeasureRequest, Measured};
use crate::{checkpoint, AppError, Progress, Workspace};

/// The joint model the paths are drawn from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StressModel {
    /// Fitted to the store's rows (the measured sample).
    #[default]
    Fit,
    /// The demo calibration ([`JointModel::demo`]).
    Demo,
}

impl fmt::Display for StressModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fit => "fit",
            Self::Demo => "demo",
        })
    }
}

impl FromStr for StressModel {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fit" => Ok(Self::Fit),
            "demo" => Ok(Self::Demo),
            other => {
                Err(AppError::input(format!("unknown --model '{other}' (expected fit, demo)")))
            }
        }
    }
}

/// The drift of SPX and the crypto assets in the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Drift {
    /// Zero expected return: daily mean log return −ln E[e^{σz}] per regime, exact for the
    /// capped Student-t shocks (the short-horizon risk convention).
    #[default]
    Zero,
    /// The sample's per-regime means.
    Fitted,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Zero => "zero",
            Self::Fitted => "fitted",
        })
    }
}

impl FromStr for Drift {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zero" => Ok(Self::Zero),
            "fitted" => Ok(Self::Fitted),
            other => {
                Err(AppError::input(format!("unknown --drift '{other}' (expected zero, fitted)")))
            }
        }
    }
}

/// What to stress.
///
/// As JSON, e.g. `{"measure": {"book": "default"}, "paths": 2000, "seed": 4}`; every field
/// left out takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StressRequest {
    /// The book and what is measured in the store.
    pub measure: MeasureRequest,
    /// Number of Monte Carlo paths.
    pub paths: u64,
    /// Horizon in trading days.
    pub horizon: usize,
    /// `None`: the model's own paths. Otherwise a named episode of the built-in catalogue
    /// (block-bootstrap replay), a shock such as `"VIX +60%, NFT -70% over 10 days"`, or the
    /// path of a file holding such a shock (tried in this order).
    pub scenario: Option<String>,
    /// Seed of every random stream.
    pub seed: u64,
    /// Worker threads (`None`: all cores; at most [`MAX_THREADS`]); the result does not
    /// depend on it.
    pub threads: Option<usize>,
    /// The joint model: fitted to the store (default) or the demo calibration.
    pub model: StressModel,
    /// Mean block length of the episode replay in trading days.
    pub block_len: f64,
    /// Drift of SPX and the crypto assets in the model.
    pub drift: Drift,
}

impl Default for StressRequest {
    fn default() -> Self {
        Self {
            measure: MeasureRequest::default(),
            paths: 100_000,
            horizon: 21,
            scenario: None,
            seed: 1,
            threads: None,
            model: StressModel::Fit,
            block_len: 5.0,
            drift: Drift::Zero,
        }
    }
}

/// The JSON of `stress`.
#[derive(Debug, Clone, Serialize)]
pub struct StressResponse {
    /// What was measured.
    pub measured: MeasureMeta,
    /// `fit` or `demo`.
    pub model: StressModel,
    /// `zero` or `fitted`: the model's mean log returns of SPX and the crypto assets.
    pub drift: Drift,
    /// Implied vol of VIX options per VIX band (calm, normal, stress) in the fitted model
    /// (decimal).
    pub vix_option_vol: [f64; 3],
    /// Where those vols came from.
    pub vix_option_vol_source: String,
    /// Perp funding per trading-day step per VIX band in the fitted model (decimal; longs pay
    /// when > 0): mean daily rate × 365/252, the expectation of the calendar-day sum the
    /// backtest books per market day.
    pub funding_per_day: [f64; 3],
    /// Where it came from.
    pub funding_source: String,
    /// The joint model as simulated: ν and the mixing cap of the Student-t shocks, the
    /// transition matrix, and per regime the VIX's OU parameters, the daily means (after the
    /// drift choice), vols and shock correlations.
    pub joint_model: ModelSummary,
    /// The scenario: `model`, `replay:<episode>` or `shock`.
    pub scenario: String,
    /// Where the paths start (VIX and SPX in index points, the regime 0 calm .. 2 stress).
    pub start: StartState,
    /// The sized book that was revalued.
    pub plan: HedgePlan,
    /// Monte Carlo or replay statistics (P&L in USD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<StressReport>,
    /// User-shock result (P&L in USD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shock: Option<ShockReport>,
}

/// Per VIX band (calm, normal, stress): the mean of `scale · series` on the band's days (the
/// value at or before the day's close, at most 7 days old), where the band has at least 30 such
/// days, else `default`; with a description of the source. `None` without the series.
fn band_means(
    ws: &Workspace,
    m: &Measured,
    name: &str,
    scale: f64,
    default: [f64; 3],
) -> Result<Option<([f64; 3], String)>, AppError> {
    if !ws.store()?.list()?.iter().any(|s| s.name == name) {
        return Ok(None);
    }
    let series = ws.load(name, None, None)?;
    let mut sums = [(0.0, 0usize); 3];
    for (d, l) in m.dates.iter().zip(&m.labels) {
        let (Some(s), Some((at, v))) = (l, series.as_of(*d)) else { continue };
        if (*d - at).num_days() <= 7 && *s < 3 {
            sums[*s].0 += scale * v;
            sums[*s].1 += 1;
        }
    }
    let mut out = default;
    let mut parts = Vec::new();
    for (s, (sum, n)) in sums.iter().enumerate() {
        if *n >= 30 {
            out[s] = sum / *n as f64;
            parts.push(format!("{n} days"));
        } else {
            parts.push("demo value".into());
        }
    }
    Ok(Some((out, format!("calm, normal, stress: {}", parts.join(", ")))))
}

/// The most worker threads a stress run takes: more only adds scheduling overhead (10,000
/// threads turn a 0.3 s run into minutes).
pub const MAX_THREADS: usize = 256;

/// `threads` must be at most [`MAX_THREADS`].
///
/// # Errors
/// An input error naming `--threads`.
pub fn check_threads(threads: Option<usize>) -> Result<(), AppError> {
    match threads {
        Some(n) if n > MAX_THREADS => {
            Err(AppError::input(format!("--threads must be at most {MAX_THREADS}, got {n}")))
        }
        _ => Ok(()),
    }
}

/// `paths` and `horizon` must be at least 1.
///
/// # Errors
/// An input error naming `--paths` or `--horizon`.
fn check_counts(req: &StressRequest) -> Result<(), AppError> {
    if req.paths == 0 {
        return Err(AppError::input("--paths must be at least 1, got 0"));
    }
    if req.horizon == 0 {
        return Err(AppError::input("--horizon must be at least 1, got 0"));
    }
    Ok(())
}

/// Measures, sizes, fits and runs the scenario of `req`.
///
/// A Monte Carlo run or replay reports `progress.start("simulating", paths)` and `inc` after
/// every block of paths, and stops within one block once `progress` is cancelled.
///
/// # Errors
/// As [`measure`]; an input error for `threads` above [`MAX_THREADS`], a scenario that is neither an episode nor a shock, or
/// an episode without rows in the sample; the fit's and the simulation's errors;
/// [`AppError::cancelled`] when cancelled.
pub fn run(
    ws: &Workspace,
    req: &StressRequest,
    progress: &dyn Progress,
) -> Result<StressResponse, AppError> {
    checkpoint(progress)?;
    check_threads(req.threads)?;
    check_counts(req)?;
    let m = measure(ws, &req.measure)?;
    let plan = size_book(&m.book, &m.inputs)?;
    // VIX option vols and perp funding per band from the store where it has them.
    let defaults = FitOptions::default();
    let (vix_option_vol, vix_option_vol_source) =
        match band_means(ws, &m, "vvix", 0.01, defaults.vix_option_vol)? {
            Some((v, how)) => (v, format!("mean VVIX/100 by VIX band ({how})")),
            None => (defaults.vix_option_vol, "demo calibration (no vvix series stored)".into()),
        };
    let (funding_per_day, funding_source) =
        // Funding accrues every calendar day and the model steps on trading days: × 365/252,
        // the expectation of the calendar-day sum `backtest` books on each market day
        // (crosshedge_backtest::funding).
        match band_means(ws, &m, "funding_btc", 365.0 / 252.0, defaults.funding_per_day)? {
            Some((v, how)) => {
                (v, format!("mean daily funding_btc x 365/252 per trading-day step by VIX band ({how})"))
            }
            None => {
                (defaults.funding_per_day, "demo calibration (no funding_btc series stored)".into())
            }
        };
    let model = match req.model {
        StressModel::Demo => JointModel::demo(),
        StressModel::Fit => {
            let c = &m.columns;
            let data = FitData {
                log_vix_prev: &m.log_vix_prev,
                vix_change: &c[0],
                spx: &c[1],
                btc: &c[2],
                eth: &c[3],
                nft: &c[4],
                nft_observed: Some(&m.nft_observed),
                nft_span: Some(&m.nft_span),
                labels: &m.labels,
            };
            let opts = FitOptions {
                rate: req.measure.rate,
                spx_div_yield: req.measure.spx_div_yield,
                futures: m.futures,
                vix_option_vol,
                funding_per_day,
            };
            fit(&data, &opts)?
        }
    };
    let model = match req.drift {
        Drift::Zero => model.with_zero_drift(),
        Drift::Fitted => model,
    };
    let regime = match m.inputs.band {
        Band::Calm => 0,
        Band::Normal => 1,
        Band::Stress => 2,
    };
    let start = StartState { vix: m.inputs.vix, spx: m.inputs.spx, regime };
    let pf = Portfolio::new(&m.book, &plan, &model, start)?;
    let cfg = StressConfig {
        paths: req.paths,
        horizon_days: req.horizon,
        seed: req.seed,
        ..StressConfig::default()
    };
    let simulate = |scenario: Scenario<'_>| -> Result<StressReport, AppError> {
        checkpoint(progress)?;
        progress.start("simulating", req.paths);
        let on_block = |paths: u64| {
            progress.inc(paths);
            if progress.is_cancelled() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        simulate_with_threads(req.threads, &model, &pf, scenario, &cfg, &on_block).map_err(|e| {
            if matches!(e, SimulationError::Cancelled) {
                AppError::cancelled()
            } else {
                e.into()
            }
        })
    };
    let catalogue = Catalogue::builtin();
    let (scenario, report, shock) = match req.scenario.as_deref() {
        None => ("model".to_string(), Some(simulate(Scenario::Model)?), None),
        Some(name) if catalogue.get(name).is_ok() => {
            let ep = catalogue.get(name)?;
            let rows: Vec<usize> =
                (0..m.dates.len()).filter(|i| ep.contains(m.dates[*i])).collect();
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                return Err(AppError::input(format!(
                    "episode '{name}' has no rows in the store's sample"
                )));
            };
            let c = &m.columns;
            let set = EpisodeSet::new(
                [&c[0], &c[1], &c[2], &c[3], &c[4]],
                &m.labels,
                vec![Episode { name: name.to_string(), start: *first, end: last + 1 }],
            )?;
            let sc = Scenario::Replay { episodes: &set, name, block_len: req.block_len };
            (format!("replay:{name}"), Some(simulate(sc)?), None)
        }
        Some(text) => {
            let text = match std::fs::read_to_string(text) {
                Ok(t) => t,
                Err(_) => text.to_string(),
            };
            let s = UserShock::parse(text.trim()).map_err(|e| {
                AppError::input(format!(
                    "--scenario is neither a catalogue episode ({}) nor a shock: {e}",
                    catalogue.names().join(", ")
                ))
            })?;
            ("shock".to_string(), None, Some(revalue_shock(&model, &pf, &s, 2, req.horizon)?))
        }
    };
    let demo_source = || "demo calibration (--model demo)".to_string();
    Ok(StressResponse {
        measured: m.meta,
        model: req.model,
        drift: req.drift,
        vix_option_vol: model.regimes.each_ref().map(|r| r.vix_option_vol),
        vix_option_vol_source: if req.model == StressModel::Fit {
            vix_option_vol_source
        } else {
            demo_source()
        },
        funding_per_day: model.regimes.each_ref().map(|r| r.funding_per_day),
        funding_source: if req.model == StressModel::Fit { funding_source } else { demo_source() },
        joint_model: model.summary()?,
        scenario,
        start,
        plan,
        report,
        shock,
    })
}
