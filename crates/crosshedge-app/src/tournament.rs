//! `tournament`: which hedge actually works — every candidate hedge of a crypto target sized to
//! the same cost, run through history (the backtest engine, per named episode with a bootstrap
//! band) and through the regime-switching Monte Carlo on common random numbers, ranked, with the
//! cost–protection frontier and the minimum-ES mix (issue 13 §2–3).
//!
//! # Candidates
//! Each candidate is one layer on the target (1,000,000 USD of spot by default), trigger
//! `always`:
//!
//! | name | layer |
//! |---|---|
//! | `vix-call-spread` | 30-day VIX call spreads at 1.1/1.6 × the future |
//! | `vix-future` | 60-day VIX futures |
//! | `vol-etp` | the 30-day constant-maturity VIX futures ETP |
//! | `spx-put-spread` | 60-day SPX put spreads at 0.95/0.85 × the forward |
//! | `btc-put` | 30-day BTC puts at 0.9 × spot (inverse, Deribit) |
//! | `btc-put-spread` | 30-day BTC put spreads at 0.9/0.7 × spot (inverse) |
//! | `short-perp` | a short BTC perp on a venue that does not fail |
//! | `short-perp-failed-venue` | the same perp on the venue that failed (`ftx` by default) |
//! | `short-spot` | static short BTC spot |
//! | `book` | the request's book (`--book`; default the adaptive layered VIX hedge), all its layers |
//!
//! # The same-cost rule
//! Every candidate is first sized by `size_book` at weight 1 of the stress-regime hedge ratio
//! of its risk factor (VIX, SPX or the target's BTC beta), with no budget; its expected cost per
//! year `c` is the sizing's: premium × 365 / tenor for options (the premium budget per year),
//! the expected roll-down or funding for linear hedges (the expected carry). When `c > 0` the
//! weight is then scaled by `budget × N / c`, so that every candidate costs exactly the same per
//! year (`N` the target notional); a candidate whose expected carry is zero or negative (short
//! spot, a short perp receiving funding) cannot be sized by cost and is held at its hedge ratio
//! (weight 1: the beta hedge), stated in `sizing_rule`. The book's layers are scaled together.
//!
//! # History
//! Each candidate is backtested alone on the store's history (`backtest`, default costs).
//! Cover in an episode = hedge gain / target loss over the episode's window
//! ([`crosshedge_backtest::metrics::episode_protection`]); its band is the 2.5 % and 97.5 %
//! percentiles of the same ratio over a stationary bootstrap (Politis–Romano 1994) of the
//! window's daily (target, hedge) P&L pairs, mean block length `n^{1/3}`, `bootstrap_reps`
//! resamples seeded from `seed` (resamples where the target did not lose are left out). Windows
//! are days long, so the band is wide: that is the honest uncertainty of one episode.
//! Carry per year = the hedge P&L outside the episodes per year, negated (a cost is positive);
//! XIRR of the hedge programme where one exists.
//!
//! # Stress (common random numbers)
//! One regime-switching Monte Carlo run (`stress`'s fitted model, zero drift, `horizon` trading
//! days, `paths` paths, `seed`) revalues every candidate on the same paths
//! ([`crosshedge_simulation::simulate_paths`]), so the unhedged P&L is one vector shared by all
//! candidates, bit for bit, and identical for any thread count. Per candidate: the 1-in-20
//! slippage `1 − cover` over the paths whose unhedged loss is at least its 95 % quantile
//! ([`OneIn20`]), and the VaR99 and ES99 reductions `1 − hedged / unhedged`. The stress model
//! has no venue default (it is an event of the catalogue's history), so the two perp
//! candidates coincide there.
//!
//! # Frontier and mix
//! On a grid of budgets from 0 to `frontier_max_budget`, each candidate alone (units bought by
//! the budget, at most the multiple of its tournament size the largest budget buys; hedges
//! without a positive carry at most their hedge-ratio size) and the optimal mix: minimum ES99
//! of the hedged P&L over the simulated paths subject to the carry budget and the bounds, the
//! Rockafellar–Uryasev programme solved exactly ([`crosshedge_hedging::frontier`]).

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use crosshedge_hedging::book::MAX_RATIO;
use crosshedge_hedging::frontier::{
    expected_shortfall, frontier, CandidateCurve, CandidateLimits, FrontierSettings, MixSettings,
    OneIn20, Scenarios,
};
use crosshedge_hedging::{
    asset_notional, size_book, Book, Exposure, Instrument, Layer, Regime, SizingRule, StrikeRule,
};
use crosshedge_simulation::{simulate_paths, Scenario};
use crosshedge_stats::bootstrap::stationary_indices;
use crosshedge_stats::percentile_sorted;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::backtest::{self, BacktestRequest};
use crate::episodes::CatalogueSource;
use crate::measure::{measure, BookSource, MeasureRequest};
use crate::stress::{self, cap_threads, sim_error, StressRequest};
use crate::{checkpoint, AppError, Progress, Workspace};

/// Every candidate name, in the order of the table.
pub const CANDIDATES: [&str; 10] = [
    "vix-call-spread",
    "vix-future",
    "vol-etp",
    "spx-put-spread",
    "btc-put",
    "btc-put-spread",
    "short-perp",
    "short-perp-failed-venue",
    "short-spot",
    "book",
];

/// The largest budget a tournament accepts (decimal a year of the notional: 100 %).
pub const MAX_BUDGET: f64 = 1.0;

/// What to run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TournamentRequest {
    /// The store's series, rates and crypto vol (its `book` is the `book` candidate).
    pub measure: MeasureRequest,
    /// The target (`btc`, `eth` or `nft`).
    pub target: String,
    /// More targets, each run as its own tournament (`by_target`); empty: `target` alone.
    pub targets: Vec<String>,
    /// The cost every candidate is sized to (decimal of the notional a year: 0.04 = 4 %).
    pub budget: f64,
    /// Candidate names (empty: all of [`CANDIDATES`]).
    pub candidates: Vec<String>,
    /// Episode names of the catalogue (empty: all).
    pub episodes: Vec<String>,
    /// The episode catalogue.
    pub catalogue: CatalogueSource,
    /// Monte Carlo paths.
    pub paths: u64,
    /// Stress horizon in trading days.
    pub horizon: usize,
    /// Seed of the Monte Carlo and the bootstrap.
    pub seed: u64,
    /// Worker threads (`None`: all cores); the result does not depend on it.
    pub threads: Option<usize>,
    /// Bootstrap resamples per episode band.
    pub bootstrap_reps: usize,
    /// Budget points of the frontier, 0 and the maximum included.
    pub frontier_points: usize,
    /// The frontier's largest budget (decimal a year); default 3 × `budget`.
    pub frontier_max_budget: Option<f64>,
    /// USD value of the target held.
    pub notional: f64,
    /// The venue that failed, for `short-perp-failed-venue`.
    pub failed_venue: String,
}

impl Default for TournamentRequest {
    fn default() -> Self {
        Self {
            measure: MeasureRequest::default(),
            target: "btc".into(),
            targets: Vec::new(),
            budget: 0.04,
            candidates: Vec::new(),
            episodes: Vec::new(),
            catalogue: CatalogueSource::default(),
            paths: 100_000,
            horizon: 21,
            seed: 1,
            threads: None,
            bootstrap_reps: 1000,
            frontier_points: 9,
            frontier_max_budget: None,
            notional: 1_000_000.0,
            failed_venue: "ftx".into(),
        }
    }
}

/// One candidate in one episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpisodeCover {
    /// The episode.
    pub name: String,
    /// Hedge gain / target loss (decimal); `None` when the target did not lose.
    pub cover: Option<f64>,
    /// 2.5 % bootstrap percentile of the cover.
    pub cover_low: Option<f64>,
    /// 97.5 % bootstrap percentile of the cover.
    pub cover_high: Option<f64>,
    /// The target's P&L over the window (USD).
    pub target_pnl_usd: f64,
    /// The hedge's P&L over the window (USD).
    pub hedge_pnl_usd: f64,
    /// Market days in the window.
    pub days: usize,
}

/// A candidate's stress results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CandidateStress {
    /// `1 − cover` in the 1-in-20 scenarios (decimal).
    pub slippage_1_in_20: Option<f64>,
    /// `1 − hedged VaR99 / unhedged VaR99`.
    pub var99_reduction: Option<f64>,
    /// `1 − hedged ES99 / unhedged ES99`.
    pub es99_reduction: Option<f64>,
    /// Hedged VaR99 (USD, a loss is positive).
    pub var99_usd: f64,
    /// Hedged ES99 (USD).
    pub es99_usd: f64,
}

/// One candidate's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The candidate's name ([`CANDIDATES`]).
    pub name: String,
    /// The instrument(s), e.g. `btc-put-spread` (the book: its layers' instruments).
    pub instrument: String,
    /// How it was sized.
    pub sizing_rule: String,
    /// Weight of the hedge ratio each of its layers holds.
    pub weights: Vec<f64>,
    /// Expected cost per year from the sizing (USD).
    pub cost_per_year: f64,
    /// The same as a share of the notional (decimal).
    pub cost_share_per_year: f64,
    /// Realised carry per year in history (the hedge's loss outside the episodes, USD).
    pub carry_per_year_history: f64,
    /// The same as a share of the exposure (decimal).
    pub carry_share_per_year_history: Option<f64>,
    /// XIRR of the hedge programme in history, where one exists.
    pub xirr: Option<f64>,
    /// Mean cover over the episodes where the target lost.
    pub mean_cover: Option<f64>,
    /// Mean cover per unit of carry share (`mean_cover / cost_share_per_year`).
    pub cover_per_unit_carry: Option<f64>,
    /// Per episode.
    pub episodes: Vec<EpisodeCover>,
    /// The Monte Carlo.
    pub stress: CandidateStress,
    /// What failed venues took from the candidate in history (USD; 0 when none did).
    pub venue_default_loss_usd: f64,
    /// When (the first such loss).
    pub venue_default_date: Option<chrono::NaiveDate>,
    /// Rank by ES99 reduction (1 = best).
    pub rank: usize,
}

/// One budget point of the optimal mix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrontierPoint {
    /// The carry budget (decimal of the notional a year).
    pub budget: f64,
    /// Units of each candidate (1 = its tournament size).
    pub weights: std::collections::BTreeMap<String, f64>,
    /// ES99 of the hedged P&L (USD).
    pub es99: f64,
    /// `1 − es99 / unhedged es99`.
    pub es99_reduction: Option<f64>,
    /// 1-in-20 cover.
    pub cover_1_in_20: Option<f64>,
    /// Carry of the mix (USD a year).
    pub cost_per_year: f64,
}

/// One target's tournament.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetTournament {
    /// The target.
    pub target: String,
    /// Its notional (USD).
    pub notional: f64,
    /// The budget (decimal a year).
    pub budget: f64,
    /// Unhedged VaR99 and ES99 over the horizon (USD).
    pub unhedged_var99_usd: f64,
    /// Unhedged ES99.
    pub unhedged_es99_usd: f64,
    /// Candidates, ranked (best first).
    pub candidates: Vec<Candidate>,
    /// The optimal mix per budget.
    pub frontier: Vec<FrontierPoint>,
    /// Each candidate alone on the frontier's budgets.
    pub frontier_candidates: Vec<CandidateCurve>,
    /// The one-line verdict.
    pub verdict: String,
    /// The best candidate at the budget.
    pub best: Option<String>,
}

/// The JSON of `tournament`: the first target's tournament at the top level, every target's
/// in `by_target` when there are several.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TournamentResponse {
    /// The first target's tournament.
    #[serde(flatten)]
    pub main: TargetTournament,
    /// Every target's (more than one target).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_target: Vec<TargetTournament>,
    /// Monte Carlo paths, horizon (trading days), seed.
    pub paths: u64,
    /// Horizon in trading days.
    pub horizon_days: usize,
    /// Seed.
    pub seed: u64,
    /// Bootstrap resamples per band.
    pub bootstrap_reps: usize,
    /// Model and method notes.
    pub notes: Vec<String>,
    /// Warnings (realised vol fallback, threads).
    pub warnings: Vec<String>,
}

/// Forwards cancellation only (the nested jobs' own phases are not shown).
struct Quiet<'a>(&'a dyn Progress);

impl Progress for Quiet<'_> {
    fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

fn hedge_ratio(weight: f64) -> SizingRule {
    SizingRule::HedgeRatio { regime: Regime::Stress, weight, decorrelation: false }
}

/// The candidate's layers at weight 1 (the book: its own layers and weights).
fn candidate_layers(name: &str, book: &Book, failed_venue: &str) -> Vec<Layer> {
    let one = |inst, tenor, strike| vec![Layer::new(name, inst, tenor, strike, hedge_ratio(1.0))];
    let m = |long, short| Some(StrikeRule::Moneyness { long, short });
    match name {
        "vix-call-spread" => one(Instrument::VixCallSpread, 30, m(1.1, 1.6)),
        "vix-future" => one(Instrument::VixFuture, 60, None),
        "vol-etp" => one(Instrument::VolEtp, 30, None),
        "spx-put-spread" => one(Instrument::SpxPutSpread, 60, m(0.95, 0.85)),
        "btc-put" => {
            let mut l = one(Instrument::BtcPut, 30, None);
            l[0].moneyness = Some(0.9);
            l
        }
        "btc-put-spread" => one(Instrument::BtcPutSpread, 30, m(0.9, 0.7)),
        "short-perp" => one(Instrument::ShortPerp, 30, None),
        "short-perp-failed-venue" => {
            let mut l = one(Instrument::ShortPerp, 30, None);
            l[0].venue = Some(failed_venue.to_string());
            l
        }
        "short-spot" => one(Instrument::ShortSpot, 30, None),
        _ => book
            .layers
            .iter()
            .map(|l| Layer { name: format!("book: {}", l.name), ..l.clone() })
            .collect(),
    }
}

fn scale_weights(layers: &mut [Layer], factor: f64) {
    for l in layers {
        match &mut l.sizing {
            SizingRule::HedgeRatio { weight, .. } => *weight *= factor,
            SizingRule::Notional { fraction } => *fraction *= factor,
        }
    }
}

fn weights_of(layers: &[Layer]) -> Vec<f64> {
    layers
        .iter()
        .map(|l| match l.sizing {
            SizingRule::HedgeRatio { weight, .. } => weight,
            SizingRule::Notional { fraction } => fraction,
        })
        .collect()
}

fn exposure_of(target: &str, notional: f64) -> Result<Exposure, AppError> {
    Ok(match target {
        "btc" => Exposure::BtcSpot { value: notional },
        "eth" => Exposure::EthSpot { value: notional },
        "nft" => Exposure::NftInventory { value: notional, carry_per_year: 0.0 },
        other => {
            return Err(AppError::input(format!(
                "--target {other}: unknown target (known: btc, eth, nft)"
            )))
        }
    })
}

fn check(req: &TournamentRequest) -> Result<Vec<String>, AppError> {
    if !(req.budget.is_finite() && req.budget > 0.0 && req.budget <= MAX_BUDGET) {
        return Err(AppError::input(format!(
            "--budget {}: must be a positive share of the notional a year, at most {MAX_BUDGET} (0.04 = 4 %)",
            req.budget
        )));
    }
    if let Some(m) = req.frontier_max_budget {
        if !(m.is_finite() && m > 0.0 && m <= MAX_BUDGET) {
            return Err(AppError::input(format!(
                "--frontier-max-budget {m}: must be positive and at most {MAX_BUDGET}"
            )));
        }
    }
    if !(2..=101).contains(&req.frontier_points) {
        return Err(AppError::input(format!(
            "--frontier-points {}: must be in 2..=101",
            req.frontier_points
        )));
    }
    if req.paths < 1000 || req.paths > 10_000_000 {
        return Err(AppError::input(format!(
            "--paths {}: must be in 1000..=10000000 (the 1-in-100 tail needs at least 10 paths)",
            req.paths
        )));
    }
    if req.horizon == 0 || req.horizon > 252 {
        return Err(AppError::input(format!("--horizon {}: must be in 1..=252", req.horizon)));
    }
    if req.bootstrap_reps < 100 || req.bootstrap_reps > 100_000 {
        return Err(AppError::input(format!(
            "--bootstrap-reps {}: must be in 100..=100000",
            req.bootstrap_reps
        )));
    }
    if !(req.notional.is_finite() && req.notional > 0.0 && req.notional <= 1e12) {
        return Err(AppError::input(format!(
            "--notional {}: must be positive and at most 1e12 USD",
            req.notional
        )));
    }
    let names: Vec<String> = if req.candidates.is_empty() {
        CANDIDATES.iter().map(|s| s.to_string()).collect()
    } else {
        req.candidates.iter().map(|s| s.trim().to_string()).collect()
    };
    for n in &names {
        if !CANDIDATES.contains(&n.as_str()) {
            return Err(AppError::input(format!(
                "--candidates: unknown candidate '{n}' (known: {})",
                CANDIDATES.join(", ")
            )));
        }
    }
    if names.iter().enumerate().any(|(i, n)| names[..i].contains(n)) {
        return Err(AppError::input("--candidates: a candidate is named twice"));
    }
    Ok(names)
}

/// The cover's bootstrap band over daily (target, hedge) P&L pairs (see the module docs).
pub fn cover_band(target: &[f64], hedge: &[f64], reps: usize, seed: u64) -> Option<(f64, f64)> {
    let n = target.len();
    if n == 0 || hedge.len() != n {
        return None;
    }
    let block = (n as f64).cbrt().max(1.0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut idx = vec![0usize; n];
    let mut covers = Vec::with_capacity(reps);
    for _ in 0..reps {
        stationary_indices(&mut rng, n, block, &mut idx);
        let t: f64 = idx.iter().map(|&i| target[i]).sum();
        let h: f64 = idx.iter().map(|&i| hedge[i]).sum();
        if t < 0.0 {
            covers.push(h / -t);
        }
    }
    if covers.len() < reps / 10 {
        return None;
    }
    covers.sort_by(f64::total_cmp);
    Some((percentile_sorted(&covers, 0.025), percentile_sorted(&covers, 0.975)))
}

/// A stable seed per (seed, target, candidate, episode).
fn band_seed(seed: u64, parts: &[&str]) -> u64 {
    // FNV-1a over the parts, mixed with the seed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A loss vector's VaR at `alpha` (its `⌈(1 − α) S⌉`-th largest loss, the ES programme's ζ).
fn var(losses: &[f64], alpha: f64) -> f64 {
    let mut v = losses.to_vec();
    let k = (((1.0 - alpha) * v.len() as f64).round() as usize).clamp(1, v.len());
    v.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    v[k - 1]
}

fn reduction(hedged: f64, unhedged: f64) -> Option<f64> {
    (unhedged > 0.0).then(|| 1.0 - hedged / unhedged)
}

/// Runs the tournament of every target of `req`.
///
/// # Errors
/// Input errors for an unknown target, candidate or episode, a budget ≤ 0 or above
/// [`MAX_BUDGET`], out-of-range counts; the measurement's, backtest's and simulation's errors;
/// [`AppError::cancelled`].
pub fn run(
    ws: &Workspace,
    req: &TournamentRequest,
    progress: &dyn Progress,
) -> Result<TournamentResponse, AppError> {
    checkpoint(progress)?;
    let names = check(req)?;
    let mut targets: Vec<String> = if req.targets.is_empty() {
        vec![req.target.trim().to_string()]
    } else {
        req.targets.iter().map(|t| t.trim().to_string()).collect()
    };
    targets.dedup();
    for t in &targets {
        exposure_of(t, 1.0)?;
    }
    let catalogue = req.catalogue.load()?;
    for e in &req.episodes {
        if catalogue.get(e).is_err() {
            return Err(AppError::input(format!(
                "--episodes: unknown episode '{e}' (known: {})",
                catalogue.names().join(", ")
            )));
        }
    }
    let mut names = names;
    let mut early_warnings = Vec::new();
    let venue_failed = catalogue
        .episodes
        .iter()
        .any(|e| e.venue_default.as_ref().is_some_and(|d| d.venue == req.failed_venue));
    if !venue_failed && names.iter().any(|n| n == "short-perp-failed-venue") {
        let explicit = !req.candidates.is_empty() || req.failed_venue != "ftx";
        if explicit {
            return Err(AppError::input(format!(
                "--failed-venue {}: no episode of the catalogue has venue-default = \"{}\" (the built-in catalogue's ftx-2022 names ftx)",
                req.failed_venue, req.failed_venue
            )));
        }
        names.retain(|n| n != "short-perp-failed-venue");
        early_warnings.push(format!(
            "short-perp-failed-venue left out: no episode of the catalogue has venue-default = \"{}\"",
            req.failed_venue
        ));
    }
    // Without SPX data the SPX candidate, and the book if it holds an SPX layer, cannot be
    // priced: left out by default, refused when asked for by name.
    let base_book = req.measure.book.load()?;
    if !crate::measure::spx_needed(ws, &req.measure.spx)? {
        let book_spx = base_book.layers.iter().any(|l| l.instrument == Instrument::SpxPutSpread);
        for c in ["spx-put-spread", "book"] {
            if !names.iter().any(|n| n == c) || (c == "book" && !book_spx) {
                continue;
            }
            let what = if c == "book" { "the book's SPX layer" } else { c };
            if !req.candidates.is_empty() {
                return Err(AppError::input(format!(
                    "--candidates {c}: {what} needs an SPX series and the store has no series '{}'",
                    req.measure.spx
                )));
            }
            names.retain(|n| n != c);
            early_warnings.push(format!(
                "{c} left out: {what} needs an SPX series and the store has no series '{}'",
                req.measure.spx
            ));
        }
    }
    let (threads, thread_warning) = cap_threads(req.threads);
    let mut warnings: Vec<String> = thread_warning.into_iter().collect();
    warnings.extend(early_warnings);
    let mut by_target = Vec::new();
    progress.start("tournament", (targets.len() * (names.len() + 1)) as u64);
    for target in &targets {
        let t = one_target(ws, req, target, &names, &base_book, threads, progress, &mut warnings)?;
        by_target.push(t);
    }
    warnings.sort();
    warnings.dedup();
    let main = by_target[0].clone();
    Ok(TournamentResponse {
        main,
        by_target: if by_target.len() > 1 { by_target } else { Vec::new() },
        paths: req.paths,
        horizon_days: req.horizon,
        seed: req.seed,
        bootstrap_reps: req.bootstrap_reps,
        notes: vec![
            "same cost: options and linear hedges with a positive expected carry are sized so that the sizing's expected cost per year is budget x notional; hedges with zero or negative carry (short spot, a short perp receiving funding) are held at their stress-regime hedge ratio".into(),
            "history: one backtest per candidate (default costs); cover = hedge gain / target loss over each episode window; band = 2.5/97.5 % stationary-bootstrap percentiles of the window's daily P&L pairs".into(),
            "stress: one fitted regime-switching Monte Carlo (zero drift), every candidate revalued on the same paths (common random numbers); no venue default in the model".into(),
            "frontier: each candidate alone and the minimum-ES99 mix (Rockafellar-Uryasev programme, exact) per budget; weights in units of the candidate's tournament size".into(),
        ],
        warnings,
    })
}

#[allow(clippy::too_many_arguments)]
fn one_target(
    ws: &Workspace,
    req: &TournamentRequest,
    target: &str,
    names: &[String],
    base_book: &Book,
    threads: Option<usize>,
    progress: &dyn Progress,
    warnings: &mut Vec<String>,
) -> Result<TargetTournament, AppError> {
    let exposure = exposure_of(target, req.notional)?;
    let shell = Book {
        name: format!("tournament {target}"),
        budget: MAX_RATIO,
        exposures: vec![exposure],
        layers: Vec::new(),
        rolls: base_book.rolls.clone(),
        ..Book::default()
    };
    let n = asset_notional(&shell).total();
    // Every candidate's layers at weight 1, measured once (the crypto market included).
    let mut layers: Vec<(String, Vec<Layer>)> = names
        .iter()
        .map(|c| (c.clone(), candidate_layers(c, base_book, &req.failed_venue)))
        .collect();
    for (_, ls) in &mut layers {
        for l in ls.iter_mut() {
            if l.instrument.crypto_option().is_none() {
                continue;
            }
            if l.vol_series.is_none() {
                l.vol_series = req.measure.crypto_vol.clone();
            }
        }
    }
    let all = Book {
        layers: layers.iter().flat_map(|(_, l)| l.iter().cloned()).collect(),
        ..shell.clone()
    };
    let mreq = MeasureRequest { book: BookSource::Toml(all.to_toml()?), ..req.measure.clone() };
    let m = measure(ws, &mreq)?;
    warnings.extend(m.warnings.iter().cloned());
    for c in &m.meta.crypto_options {
        warnings.extend(c.warnings.iter().cloned());
    }
    checkpoint(progress)?;
    // The same-cost rule.
    let budget_usd = req.budget * n;
    let mut rules = Vec::new();
    for (name, ls) in &mut layers {
        let b = Book { layers: ls.clone(), ..shell.clone() };
        let plan = size_book(&b, &m.inputs)?;
        let c = plan.cost_per_year;
        let rule = if c > 0.0 {
            let mut factor = budget_usd / c;
            let max_w = weights_of(ls).into_iter().fold(0.0f64, f64::max);
            let cap = if max_w > 0.0 { MAX_RATIO / max_w } else { factor };
            let capped = factor > cap;
            factor = factor.min(cap);
            scale_weights(ls, factor);
            if capped {
                format!("cost-capped: weight {factor:.4} x the hedge ratio (the 1000x cap binds)")
            } else {
                format!("same cost: {:.4} x the stress hedge ratio costs the budget", factor)
            }
        } else {
            format!("hedge ratio: expected carry {c:.0} USD a year is not positive, held at 1 x the stress hedge ratio")
        };
        rules.push((name.clone(), rule));
    }
    // History: one backtest per candidate.
    let quiet = Quiet(progress);
    let wanted = |e: &str| req.episodes.is_empty() || req.episodes.iter().any(|x| x == e);
    let mut results: Vec<Candidate> = Vec::new();
    for ((name, ls), (_, rule)) in layers.iter().zip(&rules) {
        let b = Book { layers: ls.clone(), ..shell.clone() };
        let plan = size_book(&b, &m.inputs)?;
        let breq = BacktestRequest {
            measure: MeasureRequest { book: BookSource::Toml(b.to_toml()?), ..mreq.clone() },
            catalogue: req.catalogue.clone(),
            full: true,
            ..BacktestRequest::default()
        };
        let bt = backtest::run(ws, &breq, &quiet)?;
        let r = &bt.report;
        let lost: Vec<_> = r
            .cash_flows
            .iter()
            .filter(|f| f.kind == crosshedge_backtest::FlowKind::VenueDefault)
            .collect();
        let mut episodes = Vec::new();
        for e in r.episodes.iter().filter(|e| wanted(&e.name)) {
            let i0 = r.dates.partition_point(|d| *d < e.from);
            let i1 = r.dates.partition_point(|d| *d <= e.to);
            let mut tu = Vec::new();
            let mut th = Vec::new();
            for i in (i0 + 1)..i1 {
                let du = r.unhedged_equity[i] - r.unhedged_equity[i - 1];
                let dh = r.hedged_equity[i] - r.hedged_equity[i - 1];
                tu.push(du);
                th.push(dh - du);
            }
            let band = if e.unhedged_pnl < 0.0 {
                cover_band(
                    &tu,
                    &th,
                    req.bootstrap_reps,
                    band_seed(req.seed, &[target, name, &e.name]),
                )
            } else {
                None
            };
            episodes.push(EpisodeCover {
                name: e.name.clone(),
                cover: e.share_offset,
                cover_low: band.map(|b| b.0),
                cover_high: band.map(|b| b.1),
                target_pnl_usd: e.unhedged_pnl,
                hedge_pnl_usd: e.hedge_pnl,
                days: tu.len(),
            });
        }
        let covers: Vec<f64> = episodes.iter().filter_map(|e| e.cover).collect();
        let mean_cover =
            (!covers.is_empty()).then(|| covers.iter().sum::<f64>() / covers.len() as f64);
        let cost_share = plan.cost_per_year / n;
        let carry = -r.cost_of_carry.hedge_pnl_outside_episodes_per_year;
        let instrument = {
            let mut v: Vec<&str> = ls.iter().map(|l| l.instrument.as_str()).collect();
            v.dedup();
            v.join("+")
        };
        results.push(Candidate {
            name: name.clone(),
            instrument,
            sizing_rule: rule.clone(),
            weights: weights_of(ls),
            cost_per_year: plan.cost_per_year,
            cost_share_per_year: cost_share,
            carry_per_year_history: carry,
            carry_share_per_year_history: r
                .cost_of_carry
                .hedge_pnl_outside_episodes_share_per_year
                .map(|s| -s),
            xirr: r.xirr.rate,
            mean_cover,
            cover_per_unit_carry: mean_cover.filter(|_| cost_share > 0.0).map(|c| c / cost_share),
            episodes,
            stress: CandidateStress {
                slippage_1_in_20: None,
                var99_reduction: None,
                es99_reduction: None,
                var99_usd: 0.0,
                es99_usd: 0.0,
            },
            venue_default_loss_usd: -lost.iter().map(|f| f.amount).sum::<f64>(),
            venue_default_date: lost.first().map(|f| f.date),
            rank: 0,
        });
        progress.inc(1);
        checkpoint(progress)?;
    }
    // Stress: every candidate on the same paths.
    let combined = Book {
        layers: layers.iter().flat_map(|(_, l)| l.iter().cloned()).collect(),
        ..shell.clone()
    };
    let sreq = StressRequest {
        measure: MeasureRequest { book: BookSource::Toml(combined.to_toml()?), ..mreq.clone() },
        paths: req.paths,
        horizon: req.horizon,
        seed: req.seed,
        threads,
        ..StressRequest::default()
    };
    let p = stress::prepare(ws, &sreq, &quiet)?;
    // Which hedge position belongs to which candidate (Portfolio::new keeps the active,
    // non-zero layers in order).
    let mut owner = Vec::new();
    let mut k = 0;
    for (ci, (_, ls)) in layers.iter().enumerate() {
        for _ in ls {
            let pos = &p.plan.layers[k];
            if pos.active && pos.quantity != 0.0 {
                owner.push(ci);
            }
            k += 1;
        }
    }
    if owner.len() != p.pf.hedges.len() {
        return Err(AppError::analysis(format!(
            "tournament: {} hedge positions for {} sized layers",
            p.pf.hedges.len(),
            owner.len()
        )));
    }
    let on_block = |_n: u64| {
        if progress.is_cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let paths = simulate_paths(threads, &p.model, &p.pf, Scenario::Model, &p.cfg, &on_block)
        .map_err(sim_error)?;
    let s = paths.len();
    let mut pnl = vec![vec![0.0; s]; layers.len()];
    for (j, &ci) in owner.iter().enumerate() {
        for (v, i) in pnl[ci].iter_mut().zip(0..s) {
            *v += paths.hedge_pnl[i * paths.hedges + j];
        }
    }
    let losses_u: Vec<f64> = paths.unhedged.iter().map(|u| -u).collect();
    let es_u = expected_shortfall(&losses_u, 0.99).map_err(frontier_err)?;
    let var_u = var(&losses_u, 0.99);
    let sc = Scenarios::new(
        paths.unhedged.clone(),
        layers.iter().zip(&pnl).map(|((name, _), v)| (name.clone(), v.clone())).collect(),
    )
    .map_err(frontier_err)?;
    let tail = OneIn20::new(&sc);
    for (i, c) in results.iter_mut().enumerate() {
        let losses: Vec<f64> = paths.unhedged.iter().zip(&pnl[i]).map(|(u, h)| -(u + h)).collect();
        let es = expected_shortfall(&losses, 0.99).map_err(frontier_err)?;
        let v = var(&losses, 0.99);
        let mut w = vec![0.0; layers.len()];
        w[i] = 1.0;
        c.stress = CandidateStress {
            slippage_1_in_20: tail.cover(&w).map(|cv| 1.0 - cv),
            var99_reduction: reduction(v, var_u),
            es99_reduction: reduction(es, es_u),
            var99_usd: v,
            es99_usd: es,
        };
    }
    // The frontier.
    let max_budget = req.frontier_max_budget.unwrap_or(3.0 * req.budget);
    let limits: Vec<CandidateLimits> = results
        .iter()
        .map(|c| CandidateLimits {
            carry_per_unit_per_year: c.cost_per_year,
            max_units: if c.cost_per_year > 0.0 {
                (max_budget * n / c.cost_per_year).max(1.0)
            } else {
                1.0
            },
        })
        .collect();
    let fr = frontier(
        &sc,
        &limits,
        &FrontierSettings {
            max_budget: max_budget * n,
            points: req.frontier_points,
            mix: MixSettings::default(),
        },
    )
    .map_err(frontier_err)?;
    progress.inc(1);
    // Rank by ES99 reduction (then mean historical cover).
    let key = |c: &Candidate| c.stress.es99_reduction.unwrap_or(f64::NEG_INFINITY);
    results.sort_by(|a, b| {
        key(b).total_cmp(&key(a)).then(
            b.mean_cover
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.mean_cover.unwrap_or(f64::NEG_INFINITY)),
        )
    });
    for (i, c) in results.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    // One decimal, and no "-0.0" for a value that rounds to zero.
    let pct = |x: Option<f64>| {
        x.map_or("-".to_string(), |v| {
            let p = 100.0 * v;
            format!("{:.1} %", if p.abs() < 0.05 { 0.0 } else { p })
        })
    };
    let best = results.first().map(|c| c.name.clone());
    let book_line = results
        .iter()
        .find(|c| c.name == "book")
        .map(|c| format!("; the layered VIX book cuts it by {}", pct(c.stress.es99_reduction)));
    let verdict = match results.first() {
        Some(c) => format!(
            "At {} of the notional a year, {} protects {target} best: ES99 {} lower, 1-in-20 slippage {}, mean episode cover {}{}.",
            pct(Some(req.budget)),
            c.name,
            pct(c.stress.es99_reduction),
            pct(c.stress.slippage_1_in_20),
            pct(c.mean_cover),
            book_line.unwrap_or_default()
        ),
        None => "no candidates".to_string(),
    };
    Ok(TargetTournament {
        target: target.to_string(),
        notional: n,
        budget: req.budget,
        unhedged_var99_usd: var_u,
        unhedged_es99_usd: es_u,
        candidates: results,
        frontier: fr
            .frontier
            .iter()
            .map(|pt| FrontierPoint {
                budget: pt.budget / n,
                weights: pt.weights.clone(),
                es99: pt.es99,
                es99_reduction: pt.es99_reduction,
                cover_1_in_20: pt.cover_1_in_20,
                cost_per_year: pt.cost_per_year,
            })
            .collect(),
        frontier_candidates: fr.candidates,
        verdict,
        best,
    })
}

fn frontier_err(e: crosshedge_hedging::frontier::FrontierError) -> AppError {
    AppError::analysis(format!("tournament frontier: {e}"))
}
