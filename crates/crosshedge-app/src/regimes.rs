//! `regimes`: which regime the market is in, from VIX bands or a Markov-switching model
//! (Hamilton filter, Kim smoother, in logs), with probabilities and a one-step forecast; and
//! the `markov2`/`markov3` labeling of the VIX that `basis --regimes` uses.

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::regime::Labeling;
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_labels::bands::{vix_bands, BandConfig, BandStats};
use crosshedge_regimes::{fit_markov, fit_markov_bivariate, MarkovFit, MarkovOptions};
use serde::{Deserialize, Serialize};

use crate::{AppError, Progress, Workspace};

/// The model `regimes` fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegimeModel {
    /// VIX bands on the previous close (calm < 15, stress > 25 index points).
    Bands,
    /// Two-state Markov switching mean and variance of the series' log changes.
    #[default]
    Markov2,
    /// Three-state Markov switching mean and variance of the series' log changes.
    Markov3,
    /// Two states on the target/hedge log returns with switching correlation.
    Bivariate,
}

impl RegimeModel {
    /// The model's name, as the CLI spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bands => "bands",
            Self::Markov2 => "markov2",
            Self::Markov3 => "markov3",
            Self::Bivariate => "bivariate",
        }
    }
}

impl std::fmt::Display for RegimeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RegimeModel {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "bands" => Ok(Self::Bands),
            "markov2" => Ok(Self::Markov2),
            "markov3" => Ok(Self::Markov3),
            "bivariate" => Ok(Self::Bivariate),
            other => Err(AppError::input(format!(
                "unknown --model '{other}' (expected bands, markov2, markov3, bivariate)"
            ))),
        }
    }
}

/// What `regimes` fits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegimesRequest {
    /// The VIX (or other) series of the bands and the univariate models (index points).
    pub series: String,
    /// `bands`, `markov2` (default), `markov3` or `bivariate`.
    pub model: RegimeModel,
    /// Target of the bivariate model (required by it).
    pub target: Option<String>,
    /// Hedge of the bivariate model (required by it).
    pub hedge: Option<String>,
    /// Let the series' level drive the transition probabilities (logistic) of the univariate
    /// models.
    pub tvtp: bool,
    /// Number of random starts of the optimiser.
    pub starts: usize,
    /// Seed of the random starts.
    pub seed: u64,
    /// First date, `YYYY-MM-DD`.
    pub from: Option<NaiveDate>,
    /// Last date, `YYYY-MM-DD`.
    pub to: Option<NaiveDate>,
    /// The `bands` calm threshold: calm below this close (the series' units; VIX index
    /// points by default).
    pub calm_below: f64,
    /// The `bands` stress threshold: stress above this close.
    pub stress_above: f64,
}

impl Default for RegimesRequest {
    fn default() -> Self {
        Self {
            series: "vix".to_string(),
            model: RegimeModel::Markov2,
            target: None,
            hedge: None,
            tvtp: false,
            starts: 6,
            seed: 42,
            from: None,
            to: None,
            calm_below: BandConfig::default().calm_below,
            stress_above: BandConfig::default().stress_above,
        }
    }
}

/// The JSON of `regimes --model bands`.
#[derive(Clone, Debug, Serialize)]
pub struct BandsResponse {
    /// The series the bands are taken on.
    pub series: String,
    /// The thresholds (index points).
    pub config: BandConfig,
    /// Share of days (decimal), spells and spell lengths (days) per band.
    pub stats: Vec<BandStats>,
    /// The band of the last close (the band the next day is labelled with).
    pub current: Option<String>,
    /// The last date of the series.
    pub last_date: Option<NaiveDate>,
    /// The last close (index points).
    pub last_close: Option<f64>,
    /// Warnings (VIX thresholds on a series that does not look like VIX points). Not part of
    /// the JSON: the CLI prints them on stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// A fitted Markov model with the dates of its rows: the JSON of `regimes --model markov2`,
/// `markov3` and `bivariate`.
#[derive(Clone, Debug, Serialize)]
pub struct MarkovResponse {
    /// `markov2`, `markov3` or `bivariate`.
    pub model: String,
    /// Series the model was fitted on.
    pub series: Vec<String>,
    /// The transformation of the data (log changes on NYSE days).
    pub data: String,
    /// First return end date.
    pub from: Option<NaiveDate>,
    /// Last return end date.
    pub to: Option<NaiveDate>,
    /// Smoothed probabilities (decimals) of the last row, by state.
    pub current_probabilities: Vec<f64>,
    /// The most likely state of the last row.
    pub current_state: String,
    /// Row dates (return end dates).
    pub dates: Vec<NaiveDate>,
    /// Warnings about the fit: a spike state (expected duration under
    /// `SPIKE_MAX_DURATION` = 2 days) is not a regime.
    pub warnings: Vec<String>,
    /// The fit.
    #[serde(flatten)]
    pub fit: MarkovFit,
}

/// The JSON of `regimes`: the bands or a Markov fit, serialised without a tag.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum RegimesResponse {
    /// `--model bands`.
    Bands(BandsResponse),
    /// `--model markov2|markov3|bivariate`.
    Markov(Box<MarkovResponse>),
}

/// Runs `regimes` on the workspace's store.
///
/// # Errors
/// An input error for an unknown series or a bivariate model without target and hedge; the
/// labels and regimes crates' errors when the data are too short or the fit fails.
pub fn run(
    ws: &Workspace,
    req: &RegimesRequest,
    _progress: &dyn Progress,
) -> Result<RegimesResponse, AppError> {
    ws.store()?;
    let span = (req.from, req.to);
    let opts = MarkovOptions { n_starts: req.starts, seed: req.seed, ..MarkovOptions::default() };
    let out = match req.model {
        RegimeModel::Bands => return Ok(RegimesResponse::Bands(bands(ws, req)?)),
        RegimeModel::Markov2 => fit_univariate(ws, &req.series, 2, opts, span, req.tvtp)?,
        RegimeModel::Markov3 => fit_univariate(ws, &req.series, 3, opts, span, req.tvtp)?,
        RegimeModel::Bivariate => {
            let (Some(t), Some(h)) = (&req.target, &req.hedge) else {
                return Err(AppError::input("--model bivariate needs --target and --hedge"));
            };
            let ts = ws.load(t, span.0, span.1)?;
            let hs = ws.load(h, span.0, span.1)?;
            let r = align(&[&ts, &hs], AlignPolicy::UsClose)?.returns(ReturnKind::Log)?;
            let fit = fit_markov_bivariate(&r.columns[0], &r.columns[1], &opts)?;
            finish(
                "bivariate".into(),
                vec![t.clone(), h.clone()],
                "log returns, us-close".into(),
                r.dates,
                fit,
            )
        }
    };
    Ok(RegimesResponse::Markov(Box::new(out)))
}

/// The VIX bands of `req.series` with the request's thresholds.
fn bands(ws: &Workspace, req: &RegimesRequest) -> Result<BandsResponse, AppError> {
    let s = ws.load(&req.series, req.from, req.to)?;
    let config = BandConfig {
        calm_below: req.calm_below,
        stress_above: req.stress_above,
        ..BandConfig::default()
    };
    config.validate().map_err(|e| AppError::input(format!("vix bands: {e}")))?;
    let warnings =
        crate::labeling::vix_units_warning(&s, &req.series, &config).into_iter().collect();
    let b = vix_bands(&s, &config)?;
    Ok(BandsResponse {
        series: req.series.clone(),
        config: b.config,
        stats: b.stats,
        current: b.current.map(|c| c.as_str().to_string()),
        last_date: s.dates().last().copied(),
        last_close: s.values().last().copied(),
        warnings,
    })
}

/// Fits a univariate Markov-switching model with `k` states on the log changes of `series`
/// over NYSE days in `span` (first, last date).
///
/// # Errors
/// An input error for an unknown series; the regimes crate's errors when the fit fails.
pub fn fit_univariate(
    ws: &Workspace,
    series: &str,
    k: usize,
    opts: MarkovOptions,
    span: (Option<NaiveDate>, Option<NaiveDate>),
    tvtp: bool,
) -> Result<MarkovResponse, AppError> {
    let s = ws.load(series, span.0, span.1)?;
    fit_univariate_on(&s, series, k, opts, tvtp)
}

/// As [`fit_univariate`], on the series `s` (named `series`) already loaded.
///
/// # Errors
/// The alignment's errors for a series without NYSE days; the regimes crate's errors when the
/// fit fails.
pub fn fit_univariate_on(
    s: &Series,
    series: &str,
    k: usize,
    opts: MarkovOptions,
    tvtp: bool,
) -> Result<MarkovResponse, AppError> {
    let panel = align(&[s], AlignPolicy::UsClose)?;
    let r = panel.returns(ReturnKind::Log)?;
    let y = &r.columns[0];
    // x_t drives the t -> t+1 transition: the level at the end of row t.
    let tv = tvtp.then(|| panel.levels[0][1..].to_vec());
    let fit = fit_markov(y, &MarkovOptions { k_regimes: k, tvtp: tv, ..opts }).map_err(|e| {
        // The model's input is the series' log changes; say so by the series' name, not the
        // model's internal variable.
        match e {
            crosshedge_regimes::RegimeError::ConstantSeries { model, variance, .. } => {
                AppError::input(format!(
                    "{model}: the log changes of series `{series}` are constant (variance {variance:e}): there are no regimes to find"
                ))
            }
            e => AppError::from(e),
        }
    })?;
    Ok(finish(
        format!("markov{k}"),
        vec![series.to_string()],
        format!("{} returns, us-close", r.kinds[0]),
        r.dates,
        fit,
    ))
}

/// The response of a fit: the last row's smoothed probabilities, its most likely state and
/// the spike warnings.
fn finish(
    model: String,
    series: Vec<String>,
    data: String,
    dates: Vec<NaiveDate>,
    fit: MarkovFit,
) -> MarkovResponse {
    let last = fit.smoothed.last().cloned().unwrap_or_default();
    let state = last
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or_else(String::new, |(i, _)| fit.state_names[i].clone());
    MarkovResponse {
        warnings: spike_warnings(&model, &fit),
        model,
        series,
        data,
        from: dates.first().copied(),
        to: dates.last().copied(),
        current_probabilities: last,
        current_state: state,
        dates,
        fit,
    }
}

/// One warning per spike state of `fit` ([`MarkovFit::spike_states`]): a state the chain
/// leaves after about a day marks isolated outlier days, so splitting statistics by it is not
/// a regime split.
pub fn spike_warnings(model: &str, fit: &MarkovFit) -> Vec<String> {
    fit.spike_states()
        .into_iter()
        .map(|i| {
            format!(
                "{model}: state '{}' is a spike state, not a regime: expected duration {:.2} days \
                 (p[{i}->{i}] = {:.3} < 0.5), i.e. isolated outlier days; statistics split by it \
                 describe those days, not a persistent market regime",
                fit.state_names[i], fit.expected_durations[i], fit.transition[i][i]
            )
        })
        .collect()
}

/// The `markov2`/`markov3` (`k` = 2 or 3) labeling of the VIX series `vix` for
/// `basis --regimes` (smoothed, i.e. ex post, probabilities: the regime a date belonged to in
/// hindsight), over the whole series with the default options, and its spike warnings
/// ([`spike_warnings`]), which the caller reports.
///
/// # Errors
/// As [`fit_univariate`]; the core crate's error when the fit cannot be turned into labels.
pub fn markov_labeling(
    ws: &Workspace,
    vix: &str,
    k: usize,
) -> Result<(Labeling, Vec<String>), AppError> {
    let m = fit_univariate(ws, vix, k, MarkovOptions::default(), (None, None), false)?;
    let labeling = m.fit.to_labeling(&m.model, &m.dates)?;
    Ok((labeling, m.warnings))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Deterministic standard normals (a 64-bit LCG and Box–Muller): no RNG crate needed.
    fn normals(n: usize) -> Vec<f64> {
        let mut s: u64 = 0x2545_f491_4f6c_dd1d;
        let mut u = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let (a, b) = (u(), u());
                (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
            })
            .collect()
    }

    #[test]
    fn a_one_day_spike_state_is_warned_about() {
        // Calm and volatile stretches of 250 days, plus an isolated +30 % day every 37 days:
        // the third state is a one-day spike state.
        let z = normals(3000);
        let y: Vec<f64> = (0..3000)
            .map(|t| {
                let sd = if (t / 250) % 2 == 0 { 0.02 } else { 0.05 };
                if t % 37 == 5 {
                    0.3 + 0.05 * z[t]
                } else {
                    sd * z[t]
                }
            })
            .collect();
        let fit =
            fit_markov(&y, &MarkovOptions { k_regimes: 3, ..MarkovOptions::default() }).unwrap();
        let w = spike_warnings("markov3", &fit);
        assert_eq!(w.len(), 1, "{:?}", fit.expected_durations);
        assert!(
            w[0].starts_with("markov3: state 'stress' is a spike state, not a regime"),
            "{w:?}"
        );
        // Without the spikes, two persistent states: no warning.
        let calm_volatile: Vec<f64> =
            (0..2000).map(|t| if (t / 250) % 2 == 0 { 0.02 } else { 0.05 } * z[t]).collect();
        let fit2 = fit_markov(&calm_volatile, &MarkovOptions::default()).unwrap();
        assert!(spike_warnings("markov2", &fit2).is_empty(), "{:?}", fit2.expected_durations);
    }

    #[test]
    fn model_names_round_trip() {
        for m in
            [RegimeModel::Bands, RegimeModel::Markov2, RegimeModel::Markov3, RegimeModel::Bivariate]
        {
            assert_eq!(m.to_string().parse::<RegimeModel>().unwrap(), m);
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        let e = "hmm".parse::<RegimeModel>().unwrap_err();
        assert_eq!(
            e.message,
            "unknown --model 'hmm' (expected bands, markov2, markov3, bivariate)"
        );
    }
}
