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
    /// Warnings (`--threads` above the machine's parallelism, capped). Not part of the JSON:
    /// the CLI prints them on stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
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

/// The worker threads a run uses for `threads`: at most the machine's available parallelism
/// ([`std::thread::available_parallelism`], 1 when unknown) — more threads than cores only
/// add scheduling overhead, and the report does not depend on the count — with a warning when
/// the request asked for more.
pub fn cap_threads(threads: Option<usize>) -> (Option<usize>, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    match threads {
        Some(n) if n > cores => (
            Some(cores),
            Some(format!(
                "--threads {n} is more than the {cores} core(s) available: using {cores} (the result does not depend on it)"
            )),
        ),
        t => (t, None),
    }
}

/// The longest stress horizon, in trading days (10 years).
pub const MAX_HORIZON_DAYS: usize = 2520;

/// `paths` must be at least 1 and `horizon` in `1..=MAX_HORIZON_DAYS`.
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
    if req.horizon > MAX_HORIZON_DAYS {
        return Err(AppError::input(format!(
            "--horizon must be at most {MAX_HORIZON_DAYS} (10 years of trading days), got {}",
            req.horizon
        )));
    }
    Ok(())
}

/// What a Monte Carlo run or replay draws its days from, owned.
pub(crate) enum PreparedScenario {
    /// The model's own paths.
    Model,
    /// Block-bootstrap replay of one episode.
    Replay { set: EpisodeSet, name: String, block_len: f64 },
    /// A deterministic user shock.
    Shock(UserShock),
}

/// Everything a stress run needs before it draws a path: measured, sized, fitted and the
/// scenario resolved (see [`prepare`]); deterministic in the request and the store.
pub(crate) struct Prepared {
    pub(crate) meta: MeasureMeta,
    pub(crate) plan: HedgePlan,
    pub(crate) model: JointModel,
    pub(crate) pf: Portfolio,
    pub(crate) start: StartState,
    pub(crate) cfg: StressConfig,
    pub(crate) scenario: PreparedScenario,
    vix_option_vol_source: String,
    funding_source: String,
    /// The measurement's warnings (e.g. no SPX data), carried into the response.
    warnings: Vec<String>,
}

impl Prepared {
    /// The simulation's scenario (`None` for a user shock).
    pub(crate) fn sim_scenario(&self) -> Option<Scenario<'_>> {
        match &self.scenario {
            PreparedScenario::Model => Some(Scenario::Model),
            PreparedScenario::Replay { set, name, block_len } => {
                Some(Scenario::Replay { episodes: set, name, block_len: *block_len })
            }
            PreparedScenario::Shock(_) => None,
        }
    }

    /// The response's scenario name: `model`, `replay:<episode>` or `shock`.
    fn scenario_name(&self) -> String {
        match &self.scenario {
            PreparedScenario::Model => "model".to_string(),
            PreparedScenario::Replay { name, .. } => format!("replay:{name}"),
            PreparedScenario::Shock(_) => "shock".to_string(),
        }
    }

    /// The job's response around a simulation `report` or a `shock` result.
    ///
    /// # Errors
    /// The model summary's errors.
    pub(crate) fn response(
        &self,
        req: &StressRequest,
        report: Option<StressReport>,
        shock: Option<ShockReport>,
    ) -> Result<StressResponse, AppError> {
        let demo_source = || "demo calibration (--model demo)".to_string();
        let model = &self.model;
        Ok(StressResponse {
            measured: self.meta.clone(),
            model: req.model,
            drift: req.drift,
            vix_option_vol: model.regimes.each_ref().map(|r| r.vix_option_vol),
            vix_option_vol_source: if req.model == StressModel::Fit {
                self.vix_option_vol_source.clone()
            } else {
                demo_source()
            },
            funding_per_day: model.regimes.each_ref().map(|r| r.funding_per_day),
            funding_source: if req.model == StressModel::Fit {
                self.funding_source.clone()
            } else {
                demo_source()
            },
            joint_model: model.summary()?,
            scenario: self.scenario_name(),
            start: self.start,
            plan: self.plan.clone(),
            report,
            shock,
            warnings: self.warnings.clone(),
        })
    }
}

/// Measures, sizes and fits for `req` and resolves its scenario: every step of [`run`]
/// before the first path.
///
/// # Errors
/// As [`run`], less the simulation's.
pub(crate) fn prepare(
    ws: &Workspace,
    req: &StressRequest,
    progress: &dyn Progress,
) -> Result<Prepared, AppError> {
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
                spx: m.spx_fitted.then_some(&c[1][..]),
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
    let catalogue = Catalogue::builtin();
    let scenario = match req.scenario.as_deref() {
        None => PreparedScenario::Model,
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
            PreparedScenario::Replay { set, name: name.to_string(), block_len: req.block_len }
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
            PreparedScenario::Shock(s)
        }
    };
    Ok(Prepared {
        warnings: m.warnings,
        meta: m.meta,
        plan,
        model,
        pf,
        start,
        cfg,
        scenario,
        vix_option_vol_source,
        funding_source,
    })
}

/// A simulation error as the app's: cancellation as [`AppError::cancelled`].
pub(crate) fn sim_error(e: SimulationError) -> AppError {
    if matches!(e, SimulationError::Cancelled) {
        AppError::cancelled()
    } else {
        e.into()
    }
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
    let p = prepare(ws, req, progress)?;
    if let PreparedScenario::Shock(s) = &p.scenario {
        let shock = revalue_shock(&p.model, &p.pf, s, 2, req.horizon)?;
        return p.response(req, None, Some(shock));
    }
    let Some(scenario) = p.sim_scenario() else {
        return Err(AppError::analysis("stress: no scenario to simulate"));
    };
    let (threads, warning) = cap_threads(req.threads);
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
    let report = simulate_with_threads(threads, &p.model, &p.pf, scenario, &p.cfg, &on_block)
        .map_err(sim_error)?;
    let mut out = p.response(req, Some(report), None)?;
    out.warnings.extend(warning);
    Ok(out)
}
