//! `claims`: each quantitative claim of the layered-VIX-hedge method, as written, against the
//! value measured on the store with its interval, and a verdict — supported, contradicted or
//! not identified.
//!
//! The claims come from `crosshedge_labels::claims` (the built-in `claims.toml`, extended by a
//! user file whose claims with a built-in id replace it in place, or replaced by it with
//! `no_builtin_claims`). The statistics are the other jobs', not recomputed here:
//! - `regime-correlation`: [`crate::basis`] with the claim's labeling; measured =
//!   `-pearson` of the regime (the sign convention: VIX changes and crypto returns correlate
//!   negatively, and the method's "0.35" is the strength of that protective co-movement), the
//!   interval the regime's stationary-bootstrap 95 % interval, flipped;
//! - `decorrelation-factor`: [`crate::basis`]'s `decorrelation_factor` (value, bootstrap 95 %
//!   interval; no interval when the calm h* is indistinguishable from zero), with the
//!   [`crate::episodes`] job's `hedge_multiple_needed` per named episode as detail rows (the
//!   multiple of the calm VIX-band h* that would have broken even);
//! - `stress-slippage`: [`crate::stress`] on the default book: the mean share of the loss left
//!   uncovered over the 1-in-20 tail paths and its 95 % interval;
//! - `episode-slippage`: [`crate::episodes`]: over the episodes of the claim's categories where
//!   the target lost, `1 - Σ hedge P&L / Σ loss` (the stress test's `aggregate` definition),
//!   the interval the range of the episodes' own uncovered shares (detail rows); fewer than two
//!   such episodes identify no 1-in-20 figure;
//! - `window-change`: the stored series' change from its last close before the catalogue
//!   episode's window to the window's highest, lowest or last close (an observation:
//!   `low = high = measured`).
//!
//! # Verdict rule
//! [`crosshedge_labels::claims::verdict`]: **contradicted** when the measured interval
//! `[low, high]` is disjoint from the claimed range; **supported** when the point estimate
//! lies in the range and `high - low` is at most the claim's identification width; otherwise
//! **not identified** — also when there is nothing to measure (a regime without rows, an
//! episode outside the sample, an undefined ratio, a store without the book's series), with
//! the reason.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_core::align::AlignPolicy;
use crosshedge_labels::claims::{verdict, Claim, ClaimSet, Extreme, Measurement, Metric, Verdict};
use crosshedge_labels::episodes::Catalogue;
use serde::{Deserialize, Serialize};

use crate::basis::{BasisRequest, BasisResponse, RegimeStats, NOT_IDENTIFIED};
use crate::episodes::{CatalogueSource, EpisodesRequest, EpisodesResponse};
use crate::labeling::RegimeSource;
use crate::pair::PairRequest;
use crate::stress::{StressRequest, StressResponse};
use crate::{checkpoint, AppError, ErrorKind, Progress, Workspace};

/// The flat names of [`ClaimsRequest`] that differ from their field (the CLI's `--claims FILE`
/// and `--catalogue FILE`).
pub const CLAIMS_ALIASES: &[crate::flat::Alias] =
    &[("claims", "claims_file"), ("catalogue", "catalogue.file")];

/// What `claims` checks, and on what.
///
/// As JSON, e.g. `{"targets": ["btc"], "paths": 2000}`; every field left out takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimsRequest {
    /// The targets of the per-target claims (correlations, decorrelation factor, episode
    /// slippage): one row per target and claim.
    pub targets: Vec<String>,
    /// The hedge series the correlations, the decorrelation factor and the episode slippage
    /// are measured against (the method's claims are about the VIX).
    pub hedge: String,
    /// How the target's and the hedge's calendars are put on one.
    pub align: AlignPolicy,
    /// The VIX series behind the `vix-bands` labeling (index points).
    pub vix: String,
    /// A TOML claims file added to the built-in claims (a claim with a built-in id replaces
    /// it).
    pub claims_file: Option<PathBuf>,
    /// Check only the claims of `claims_file`, not the built-in ones.
    pub no_builtin_claims: bool,
    /// The episode catalogue of the episode and window claims.
    pub catalogue: CatalogueSource,
    /// Stationary-bootstrap resamples per interval (correlations, decorrelation factor).
    pub bootstrap: usize,
    /// Seed of the bootstrap and of the stress paths.
    pub seed: u64,
    /// Monte Carlo paths of the stress claim.
    pub paths: u64,
}

impl Default for ClaimsRequest {
    fn default() -> Self {
        Self {
            targets: vec!["btc".into(), "eth".into(), "nft".into()],
            hedge: "vix".into(),
            align: AlignPolicy::UsClose,
            vix: "vix".into(),
            claims_file: None,
            no_builtin_claims: false,
            catalogue: CatalogueSource::default(),
            bootstrap: 2000,
            seed: 1,
            paths: 100_000,
        }
    }
}

impl ClaimsRequest {
    /// The claims to check: the built-in set, extended by (or, with `no_builtin_claims`,
    /// replaced by) `claims_file`.
    ///
    /// # Errors
    /// An input error naming the file when it cannot be read or holds an invalid claim (the
    /// message carries line and column); an input error for `no_builtin_claims` without a file.
    pub fn claim_set(&self) -> Result<ClaimSet, AppError> {
        let mut set = if self.no_builtin_claims {
            ClaimSet { claims: Vec::new() }
        } else {
            ClaimSet::builtin()
        };
        match &self.claims_file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| AppError::input(format!("{}: cannot read: {e}", p.display())))?;
                let user = ClaimSet::parse_toml(&text)
                    .map_err(|e| AppError::input(format!("{}: {e}", p.display())))?;
                set.extend(user);
            }
            None if self.no_builtin_claims => {
                return Err(AppError::input(
                    "--no-builtin-claims needs --claims FILE (there would be no claim to check)",
                ))
            }
            None => {}
        }
        Ok(set)
    }
}

/// A detail row of a claim: one episode's figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimDetail {
    /// The episode.
    pub episode: String,
    /// Its figure (see the claim's `details_measure`); `None` when undefined there.
    pub value: Option<f64>,
}

/// The closes a `window-change` claim compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowCloses {
    /// The catalogue episode.
    pub episode: String,
    /// The window's first day (inclusive).
    pub start: NaiveDate,
    /// The window's last day (inclusive).
    pub end: NaiveDate,
    /// Date of the last close before the window.
    pub before_date: NaiveDate,
    /// That close (the series' unit).
    pub before_value: f64,
    /// Date of the window's `extreme` close.
    pub extreme_date: NaiveDate,
    /// That close.
    pub extreme_value: f64,
    /// `max`, `min` or `end`.
    pub extreme: Extreme,
}

/// One claim checked on one target (or once, for the claims that are not per target).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimRow {
    /// The claim's id.
    pub id: String,
    /// The method's words.
    pub text: String,
    /// Where the method says it (and how it is measured here).
    pub source: String,
    /// The metric (`regime-correlation`, `decorrelation-factor`, `stress-slippage`,
    /// `episode-slippage`, `window-change`).
    pub metric: String,
    /// The target of a per-target claim.
    pub target: Option<String>,
    /// The series of a `window-change` claim.
    pub series: Option<String>,
    /// The claimed range's lower end (decimals).
    pub claimed_low: f64,
    /// The claimed range's upper end (decimals).
    pub claimed_high: f64,
    /// The widest measured interval that identifies the claim (decimals).
    pub identification_width: f64,
    /// The point estimate (decimals; a multiple for the decorrelation factor); `None` when
    /// nothing could be measured.
    pub measured: Option<f64>,
    /// Lower end of the measured interval.
    pub low: Option<f64>,
    /// Upper end of the measured interval.
    pub high: Option<f64>,
    /// What the interval is (a stationary-bootstrap 95 % interval, a CLT interval over the
    /// tail paths, the range over episodes, none for an observation).
    pub interval: String,
    /// Observations behind the estimate (rows, tail paths or episodes).
    pub n: Option<u64>,
    /// `supported`, `contradicted` or `not-identified`.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
    /// What the detail rows' `value` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details_measure: Option<String>,
    /// Per-episode figures behind the claim.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ClaimDetail>,
    /// The closes of a `window-change` claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowCloses>,
}

/// How many rows got each verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VerdictCounts {
    /// Rows supported.
    pub supported: usize,
    /// Rows contradicted.
    pub contradicted: usize,
    /// Rows not identified.
    pub not_identified: usize,
}

/// The JSON of `claims`.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimsResponse {
    /// The targets of the per-target claims.
    pub targets: Vec<String>,
    /// The hedge series.
    pub hedge: String,
    /// The alignment policy.
    pub alignment: String,
    /// Where the claims came from: `built-in`, `built-in + FILE` or `FILE`.
    pub claims_source: String,
    /// One row per claim and target.
    pub claims: Vec<ClaimRow>,
    /// Rows per verdict.
    pub counts: VerdictCounts,
    /// Cautions of the jobs behind the figures (spot VIX is not tradable, an insignificant
    /// calm h*, ...), each once.
    pub warnings: Vec<String>,
}

/// Forwards only cancellation: the sub-jobs' phases would overwrite this job's own.
struct CancelOnly<'a>(&'a dyn Progress);

impl Progress for CancelOnly<'_> {
    fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// What a claim's measurement gave before the verdict.
struct Measured {
    m: Option<Measurement>,
    interval: String,
    n: Option<u64>,
    /// A reason that overrides the rule (the measurement identifies nothing).
    not_identified: Option<String>,
    details_measure: Option<String>,
    details: Vec<ClaimDetail>,
    window: Option<WindowCloses>,
}

impl Measured {
    fn none(reason: impl Into<String>) -> Self {
        Self {
            m: None,
            interval: "none".into(),
            n: None,
            not_identified: Some(reason.into()),
            details_measure: None,
            details: Vec::new(),
            window: None,
        }
    }
}

/// The jobs' results, computed once per key (a failure is kept as its message: the claim is
/// then not identified, the other claims still run).
struct Cache<'a> {
    ws: &'a Workspace,
    req: &'a ClaimsRequest,
    catalogue: Catalogue,
    basis: HashMap<(String, RegimeSource), Result<BasisResponse, String>>,
    episodes: HashMap<String, Result<EpisodesResponse, String>>,
    stress: Option<Result<StressResponse, String>>,
    /// Each message with the jobs and targets it came from, in first-seen order.
    warnings: Vec<(String, Vec<String>)>,
}

/// `Err` for a cancellation (propagated), `Ok(Err(message))` for any other failure.
fn keep<T>(r: Result<T, AppError>) -> Result<Result<T, String>, AppError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) if e.kind == ErrorKind::Cancelled => Err(e),
        Err(e) => Ok(Err(e.message)),
    }
}

impl Cache<'_> {
    fn pair(&self, target: &str) -> PairRequest {
        PairRequest {
            target: target.to_string(),
            hedge: self.req.hedge.clone(),
            align: self.req.align,
            vix: self.req.vix.clone(),
            ..PairRequest::default()
        }
    }

    /// Adds `w`, each message once with every job and target it came from (`what`).
    fn warn(&mut self, what: &str, w: &[String]) {
        for x in w {
            match self.warnings.iter_mut().find(|(m, _)| m == x) {
                Some((_, from)) => from.push(what.to_string()),
                None => self.warnings.push((x.clone(), vec![what.to_string()])),
            }
        }
    }

    fn basis(
        &mut self,
        target: &str,
        regimes: RegimeSource,
        progress: &dyn Progress,
    ) -> Result<Result<&BasisResponse, String>, AppError> {
        let key = (target.to_string(), regimes);
        if !self.basis.contains_key(&key) {
            let req = BasisRequest {
                pair: self.pair(target),
                regimes,
                bootstrap: self.req.bootstrap,
                seed: self.req.seed,
                ..BasisRequest::default()
            };
            let r = keep(crate::basis::run(self.ws, &req, &CancelOnly(progress)))?;
            if let Ok(b) = &r {
                let w = b.warnings.clone();
                self.warn(&format!("basis {target} ({regimes})"), &w);
            }
            self.basis.insert(key.clone(), r);
        }
        Ok(self.basis[&key].as_ref().map_err(Clone::clone))
    }

    fn episodes(
        &mut self,
        target: &str,
        progress: &dyn Progress,
    ) -> Result<Result<&EpisodesResponse, String>, AppError> {
        if !self.episodes.contains_key(target) {
            let req =
                EpisodesRequest { pair: self.pair(target), catalogue: self.req.catalogue.clone() };
            let r = keep(crate::episodes::run(self.ws, &req, &CancelOnly(progress)))?;
            if let Ok(e) = &r {
                let w = e.warnings.clone();
                self.warn(&format!("episodes {target}"), &w);
            }
            self.episodes.insert(target.to_string(), r);
        }
        Ok(self.episodes[target].as_ref().map_err(Clone::clone))
    }

    fn stress(
        &mut self,
        progress: &dyn Progress,
    ) -> Result<Result<&StressResponse, String>, AppError> {
        if self.stress.is_none() {
            let req = StressRequest {
                paths: self.req.paths,
                seed: self.req.seed,
                ..StressRequest::default()
            };
            let r = keep(crate::stress::run(self.ws, &req, &CancelOnly(progress)))?;
            if let Ok(s) = &r {
                let w = s.warnings.clone();
                self.warn("stress", &w);
            }
            self.stress = Some(r);
        }
        match &self.stress {
            Some(Ok(s)) => Ok(Ok(s)),
            Some(Err(e)) => Ok(Err(e.clone())),
            None => Ok(Err("the stress test did not run".into())),
        }
    }
}

/// `-corr` of one regime, flipped interval.
fn regime_correlation(b: &BasisResponse, regimes: &str, state: &str) -> Measured {
    match b.report.regimes.get(state) {
        None => Measured::none(format!(
            "no rows in regime `{state}` of the {regimes} labeling (regimes: {})",
            b.report.regimes.keys().cloned().collect::<Vec<_>>().join(", ")
        )),
        Some(RegimeStats::Unavailable { n, error }) => {
            let mut m = Measured::none(format!("regime `{state}` ({n} rows): {error}"));
            m.n = Some(*n as u64);
            m
        }
        Some(RegimeStats::Available(s)) => {
            let [lo, hi] = s.pearson_ci95_bootstrap;
            Measured {
                m: Some(Measurement { measured: -s.pearson, low: -hi, high: -lo }),
                interval: format!(
                    "stationary-bootstrap 95 % interval ({} resamples) of -corr",
                    s.bootstrap.correlation.resamples_used
                ),
                n: Some(s.n as u64),
                not_identified: None,
                details_measure: None,
                details: Vec::new(),
                window: None,
            }
        }
    }
}

/// The decorrelation factor and the per-episode multiples needed.
fn decorrelation(b: &BasisResponse, episodes: Result<&EpisodesResponse, String>) -> Measured {
    let details: Vec<ClaimDetail> = match episodes {
        Ok(e) => e
            .episodes
            .iter()
            .map(|r| ClaimDetail {
                episode: r.slippage.name.clone(),
                value: r.slippage.hedge_multiple_needed,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let details_measure = Some(
        "multiple of the calm VIX-band hedge ratio that would have broken even over the episode (episodes' hedge_multiple_needed; negative: the hedge moved the wrong way)"
            .to_string(),
    );
    let mut m = match &b.report.decorrelation_factor {
        None => {
            let why = if b.report.notes.is_empty() {
                "the decorrelation factor is undefined (no calm and stress regimes)".to_string()
            } else {
                b.report.notes.join("; ")
            };
            Measured::none(why)
        }
        Some(k) => match k.ci95 {
            Some([lo, hi]) if k.identified => Measured {
                m: Some(Measurement { measured: k.value, low: lo, high: hi }),
                interval: format!(
                    "stationary-bootstrap 95 % interval ({} resamples)",
                    k.bootstrap.resamples_used
                ),
                n: Some((k.n[0] + k.n[1]) as u64),
                not_identified: None,
                details_measure: None,
                details: Vec::new(),
                window: None,
            },
            _ => {
                let mut m = Measured::none(NOT_IDENTIFIED);
                m.m = Some(Measurement { measured: k.value, low: f64::NAN, high: f64::NAN });
                m.n = Some((k.n[0] + k.n[1]) as u64);
                m
            }
        },
    };
    m.details_measure = details_measure;
    m.details = details;
    m
}

/// The loss-weighted uncovered share over the target's episodes in `categories`.
fn episode_slippage(e: &EpisodesResponse, categories: &[String]) -> Measured {
    let chosen: Vec<_> = e
        .episodes
        .iter()
        .filter(|r| categories.is_empty() || categories.contains(&r.category))
        .collect();
    let details: Vec<ClaimDetail> = chosen
        .iter()
        .map(|r| ClaimDetail {
            episode: r.slippage.name.clone(),
            value: r.slippage.uncovered_share_of_loss,
        })
        .collect();
    let losing: Vec<_> = chosen
        .iter()
        .filter_map(|r| r.slippage.uncovered_share_of_loss.map(|u| (u, &r.slippage)))
        .collect();
    let what = if categories.is_empty() {
        "the catalogue's episodes".to_string()
    } else {
        format!("the episodes of category {}", categories.join(", "))
    };
    let mut m = if losing.is_empty() {
        Measured::none(format!("none of {what} is in the sample with a loss of the target"))
    } else {
        let loss: f64 = losing.iter().map(|(_, s)| s.target_loss).sum();
        let gain: f64 = losing.iter().map(|(_, s)| s.hedge_pnl).sum();
        let low = losing.iter().map(|(u, _)| *u).fold(f64::INFINITY, f64::min);
        let high = losing.iter().map(|(u, _)| *u).fold(f64::NEG_INFINITY, f64::max);
        let not_identified = (losing.len() < 2).then(|| {
            format!(
                "only {} of {what} with a target loss: one episode identifies no 1-in-20 figure",
                losing.len()
            )
        });
        Measured {
            m: Some(Measurement { measured: 1.0 - gain / loss, low, high }),
            interval: format!("range over the {} episodes with a target loss", losing.len()),
            n: Some(losing.len() as u64),
            not_identified,
            details_measure: None,
            details: Vec::new(),
            window: None,
        }
    };
    m.details_measure = Some(
        "share of the episode's loss the hedge at the calm h* left uncovered (1 - hedge P&L / loss; none: the target did not lose)".into(),
    );
    m.details = details;
    m
}

/// The change of `series` from its last close before `episode` to the window's `extreme`.
fn window_change(
    ws: &Workspace,
    cat: &Catalogue,
    series: &str,
    episode: &str,
    extreme: Extreme,
) -> Result<Measured, AppError> {
    let ep = match cat.get(episode) {
        Ok(e) => e,
        Err(e) => return Ok(Measured::none(e.to_string())),
    };
    let s = ws.load(series, None, None)?;
    let (dates, values) = (s.dates(), s.values());
    let i0 = dates.partition_point(|d| *d < ep.start);
    let i1 = dates.partition_point(|d| *d <= ep.end);
    if i0 == 0 {
        return Ok(Measured::none(format!(
            "`{series}` has no close before the {episode} window ({} .. {})",
            ep.start, ep.end
        )));
    }
    if i1 <= i0 {
        return Ok(Measured::none(format!(
            "`{series}` has no close inside the {episode} window ({} .. {})",
            ep.start, ep.end
        )));
    }
    let window = i0..i1;
    let pick = match extreme {
        // The first of equal extremes.
        Extreme::Max => window.clone().fold(i0, |b, i| if values[i] > values[b] { i } else { b }),
        Extreme::Min => window.clone().fold(i0, |b, i| if values[i] < values[b] { i } else { b }),
        Extreme::End => i1 - 1,
    };
    let before = values[i0 - 1];
    let change = values[pick] / before - 1.0;
    Ok(Measured {
        m: Some(Measurement { measured: change, low: change, high: change }),
        interval: "none: an observed change".into(),
        n: Some(window.len() as u64),
        not_identified: None,
        details_measure: None,
        details: Vec::new(),
        window: Some(WindowCloses {
            episode: episode.to_string(),
            start: ep.start,
            end: ep.end,
            before_date: dates[i0 - 1],
            before_value: before,
            extreme_date: dates[pick],
            extreme_value: values[pick],
            extreme,
        }),
    })
}

fn row(claim: &Claim, target: Option<&str>, m: Measured) -> ClaimRow {
    let (verdict, reason) = match (&m.not_identified, &m.m) {
        (Some(why), _) => (Verdict::NotIdentified, why.clone()),
        (None, None) => (Verdict::NotIdentified, "nothing to measure".to_string()),
        (None, Some(x)) => verdict(claim.range, claim.identification_width, x),
    };
    let series = match &claim.metric {
        Metric::WindowChange { series, .. } => Some(series.clone()),
        _ => None,
    };
    let finite = |x: f64| x.is_finite().then_some(x);
    ClaimRow {
        id: claim.id.clone(),
        text: claim.text.clone(),
        source: claim.source.clone(),
        metric: claim.metric.name().to_string(),
        target: target.map(str::to_string),
        series,
        claimed_low: claim.range[0],
        claimed_high: claim.range[1],
        identification_width: claim.identification_width,
        measured: m.m.and_then(|x| finite(x.measured)),
        low: m.m.and_then(|x| finite(x.low)),
        high: m.m.and_then(|x| finite(x.high)),
        interval: m.interval,
        n: m.n,
        verdict,
        reason,
        details_measure: m.details_measure,
        details: m.details,
        window: m.window,
    }
}

/// Runs `claims`: checks every claim (per target where the metric is per target), reusing the
/// `basis`, `episodes` and `stress` jobs; reports `progress.start("claims", rows)` and one
/// `inc` per row, and stops between rows (and inside the stress run) once cancelled.
///
/// # Errors
/// An input error for no targets, an unknown target, hedge or VIX series, fewer than 2
/// bootstrap resamples, 0 paths, or a bad claims file or catalogue. A claim whose figure
/// cannot be measured is not an error: its row is `not-identified` with the reason.
pub fn run(
    ws: &Workspace,
    req: &ClaimsRequest,
    progress: &dyn Progress,
) -> Result<ClaimsResponse, AppError> {
    if req.targets.is_empty() {
        return Err(AppError::input("--targets: give at least one target series"));
    }
    if req.bootstrap < 2 {
        return Err(AppError::input(format!(
            "--bootstrap must be at least 2, got {}",
            req.bootstrap
        )));
    }
    if req.paths == 0 {
        return Err(AppError::input("--paths must be at least 1, got 0"));
    }
    let set = req.claim_set()?;
    let catalogue = req.catalogue.load()?;
    let stored: Vec<String> = ws.store()?.list()?.into_iter().map(|s| s.name).collect();
    let mut wanted: Vec<(&str, &str)> =
        req.targets.iter().map(|t| ("--targets", t.as_str())).collect();
    wanted.push(("--hedge", req.hedge.as_str()));
    wanted.push(("--vix", req.vix.as_str()));
    for (flag, name) in wanted {
        if !stored.iter().any(|s| s == name) {
            return Err(AppError::input(format!(
                "{flag}: unknown series `{name}` (stored: {})",
                stored.join(", ")
            )));
        }
    }
    let per_row: Vec<(&Claim, Option<&str>)> = set
        .claims
        .iter()
        .flat_map(|c| {
            if c.metric.per_target() {
                req.targets.iter().map(|t| (c, Some(t.as_str()))).collect::<Vec<_>>()
            } else {
                vec![(c, None)]
            }
        })
        .collect();
    progress.start("claims", per_row.len() as u64);
    let mut cache = Cache {
        ws,
        req,
        catalogue,
        basis: HashMap::new(),
        episodes: HashMap::new(),
        stress: None,
        warnings: Vec::new(),
    };
    let mut rows = Vec::with_capacity(per_row.len());
    for (claim, target) in per_row {
        checkpoint(progress)?;
        let m = measure(&mut cache, claim, target, progress)?;
        rows.push(row(claim, target, m));
        progress.inc(1);
    }
    let mut counts = VerdictCounts::default();
    for r in &rows {
        match r.verdict {
            Verdict::Supported => counts.supported += 1,
            Verdict::Contradicted => counts.contradicted += 1,
            Verdict::NotIdentified => counts.not_identified += 1,
        }
    }
    let file = req.claims_file.as_ref().map(|p| p.display().to_string());
    let claims_source = match (req.no_builtin_claims, file) {
        (_, None) => "built-in".to_string(),
        (true, Some(f)) => f,
        (false, Some(f)) => format!("built-in + {f}"),
    };
    Ok(ClaimsResponse {
        targets: req.targets.clone(),
        hedge: req.hedge.clone(),
        alignment: req.align.to_string(),
        claims_source,
        claims: rows,
        counts,
        warnings: cache
            .warnings
            .into_iter()
            .map(|(m, from)| format!("{}: {m}", from.join(", ")))
            .collect(),
    })
}

fn regime_source(name: &str) -> Result<RegimeSource, AppError> {
    name.parse::<RegimeSource>()
        .map_err(|_| AppError::input(format!("claims: unknown regimes `{name}`")))
}

fn measure(
    cache: &mut Cache<'_>,
    claim: &Claim,
    target: Option<&str>,
    progress: &dyn Progress,
) -> Result<Measured, AppError> {
    let t = target.unwrap_or_default();
    Ok(match &claim.metric {
        Metric::RegimeCorrelation { regimes, state } => {
            match cache.basis(t, regime_source(regimes)?, progress)? {
                Ok(b) => regime_correlation(b, regimes, state),
                Err(e) => Measured::none(e),
            }
        }
        Metric::DecorrelationFactor { regimes } => {
            let source = regime_source(regimes)?;
            // Computed first: `basis` borrows the cache until the row is built.
            let eps = cache.episodes(t, progress)?.cloned();
            match cache.basis(t, source, progress)? {
                Ok(b) => decorrelation(b, eps.as_ref().map_err(Clone::clone)),
                Err(e) => Measured::none(e),
            }
        }
        Metric::StressSlippage => {
            match cache.stress(progress)? {
                Ok(s) => match s.report.as_ref().and_then(|r| r.uncovered_share_of_loss_1_in_20) {
                    Some(u) => Measured {
                        m: Some(Measurement { measured: u.mean, low: u.ci95[0], high: u.ci95[1] }),
                        interval: format!(
                        "95 % CLT interval of the mean over the {} tail paths ({} paths, book: {})",
                        u.paths, s.report.as_ref().map_or(0, |r| r.paths), s.plan.book
                    ),
                        n: Some(u.paths),
                        not_identified: None,
                        details_measure: None,
                        details: Vec::new(),
                        window: None,
                    },
                    None => Measured::none("no simulated path loses: there is no 1-in-20 shock"),
                },
                Err(e) => Measured::none(format!("the stress test cannot run: {e}")),
            }
        }
        Metric::EpisodeSlippage { categories } => match cache.episodes(t, progress)? {
            Ok(e) => episode_slippage(e, categories),
            Err(e) => Measured::none(e),
        },
        Metric::WindowChange { series, episode, extreme } => {
            let stored = cache.ws.store()?.list()?;
            if !stored.iter().any(|s| s.name == *series) {
                Measured::none(format!("no series `{series}` in the store"))
            } else {
                window_change(cache.ws, &cache.catalogue, series, episode, *extreme)?
            }
        }
    })
}
