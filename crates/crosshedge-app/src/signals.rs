//! `signals`: MACD (12, 26, 9) and Wilder RSI (14) on the VIX, and how early each signal warns
//! of a move into the stress band. NYSE days only (holiday prints dropped).

use crosshedge_labels::signals::{
    evaluate_signals, vix_signals, EvalConfig, SignalConfig, SignalEvaluation, SignalEvent,
};
use serde::{Deserialize, Serialize};

use crate::{AppError, Progress, Workspace};

/// What `signals` computes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignalsRequest {
    /// The VIX series (index points).
    pub series: String,
    /// A signal is a hit when a stress entry follows within this many trading days.
    pub horizon: usize,
    /// Stress threshold of the VIX close, in index points.
    pub stress_above: f64,
    /// How many of the most recent signal events are listed.
    pub last: usize,
}

impl Default for SignalsRequest {
    fn default() -> Self {
        Self { series: "vix".to_string(), horizon: 20, stress_above: 25.0, last: 10 }
    }
}

/// The JSON of `signals`.
#[derive(Clone, Debug, Serialize)]
pub struct SignalsResponse {
    /// The series the signals are computed on.
    pub series: String,
    /// The last date, `YYYY-MM-DD`.
    pub last_date: String,
    /// The last close (index points).
    pub last_close: f64,
    /// The MACD line on the last date (index points).
    pub macd: f64,
    /// The MACD signal line on the last date (index points).
    pub macd_signal: f64,
    /// Wilder's RSI on the last date (0–100), once defined.
    pub rsi: Option<f64>,
    /// The signal parameters.
    pub config: SignalConfig,
    /// The hit horizon in trading days.
    pub evaluation_horizon_days: usize,
    /// The stress threshold (index points).
    pub stress_above: f64,
    /// Lead-time evaluation per signal kind.
    pub evaluation: Vec<SignalEvaluation>,
    /// The most recent `last` signal events, oldest first.
    pub recent_events: Vec<SignalEvent>,
    /// All signal events.
    pub n_events: usize,
    /// VIX prints on non-NYSE days (CBOE holiday prints) left out, as `us-close` does.
    pub dropped_non_trading_days: Vec<chrono::NaiveDate>,
}

/// Runs `signals` on the workspace's store.
///
/// # Errors
/// An input error for an unknown series; the labels crate's errors when the series is too
/// short for the indicators.
pub fn run(
    ws: &Workspace,
    req: &SignalsRequest,
    _progress: &dyn Progress,
) -> Result<SignalsResponse, AppError> {
    let vix = ws.load(&req.series, None, None)?;
    let cfg = SignalConfig::default();
    let sig = vix_signals(&vix, &cfg)?;
    let mut eval_cfg = EvalConfig { horizon_days: req.horizon, ..EvalConfig::default() };
    eval_cfg.entry.threshold = req.stress_above;
    let evaluation = evaluate_signals(&sig, &eval_cfg)?;
    let n = sig.dates.len();
    if n == 0 {
        return Err(AppError::input(format!("series '{}' has no NYSE-day values", req.series)));
    }
    let recent: Vec<SignalEvent> = sig.events.iter().rev().take(req.last).rev().cloned().collect();
    Ok(SignalsResponse {
        series: req.series.clone(),
        last_date: sig.dates[n - 1].to_string(),
        last_close: sig.closes[n - 1],
        macd: sig.macd.macd[n - 1],
        macd_signal: sig.macd.signal[n - 1],
        rsi: sig.rsi[n - 1],
        config: cfg,
        evaluation_horizon_days: req.horizon,
        stress_above: req.stress_above,
        evaluation,
        n_events: sig.events.len(),
        recent_events: recent,
        dropped_non_trading_days: sig.dropped_non_trading_days.clone(),
    })
}
