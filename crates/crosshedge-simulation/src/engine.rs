//! The Monte Carlo engine: blocks of paths, one ChaCha8 stream per block, daily revaluation of
//! the whole book, streaming statistics merged in block order.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use crosshedge_stats::bootstrap::derive_seed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::accum::{summarise, wilson95, Accum, CoarseHistogram, PathResult, PnlSummary};
use crate::fastmath::{black_leg, fexp, spread_undiscounted};
use crate::model::{Compiled, FactorDay, JointModel, TRADING_DAYS};
use crate::portfolio::{HedgePosition, Portfolio};
use crate::scenario::{EpisodeSet, UserShock};
use crate::SimulationError;

/// Blocks evaluated in parallel before they are merged (in block order) into the total; fixed,
/// so the merge order never depends on the thread count.
const CHUNK_BLOCKS: usize = 16;
/// Tag of the pilot run's seed.
const PILOT_TAG: u64 = 0x5049_4c4f_5400_0001;
/// Paths of the pilot run that sets the histogram range.
const PILOT_PATHS: usize = 2048;

/// Settings of a stress run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StressConfig {
    /// Number of paths (≥ 1).
    pub paths: u64,
    /// Horizon in trading days (≥ 1).
    pub horizon_days: usize,
    /// Seed of every random stream.
    pub seed: u64,
    /// Paths per block (one random stream per block; ≥ 1). Results depend on it (and on the
    /// seed), never on the thread count.
    pub block_size: usize,
    /// Cover levels `X` for `P(hedge P&L ≥ X · loss | loss)`.
    pub cover_levels: Vec<f64>,
}

impl Default for StressConfig {
    fn default() -> Self {
        Self {
            paths: 100_000,
            horizon_days: 21,
            seed: 1,
            block_size: 4096,
            cover_levels: vec![0.25, 0.5, 0.75, 1.0],
        }
    }
}

/// Where the daily factor moves come from.
#[derive(Debug, Clone, Copy)]
pub enum Scenario<'a> {
    /// The regime-switching model.
    Model,
    /// Stationary block bootstrap of the rows of one named historical episode.
    Replay {
        /// The episode catalogue and its rows.
        episodes: &'a EpisodeSet,
        /// Name of the episode to replay.
        name: &'a str,
        /// Mean block length in days (≥ 1).
        block_len: f64,
    },
}

/// `P(hedge P&L ≥ level · loss)` over the paths that lose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CoverProbability {
    /// The cover level `X` (0.5 = the hedge pays at least half the loss).
    pub level: f64,
    /// The probability.
    pub probability: f64,
    /// Wilson 95 % interval.
    pub ci95: [f64; 2],
}

/// The share of the loss the hedge leaves uncovered in the 1-in-20 shock, `1 − hedge P&L /
/// loss`, over the paths whose unhedged loss is at least the 95 % VaR. (Not the `episodes`
/// command's `net_loss_share_of_notional`, which divides by the notional.)
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TailUncoveredShare {
    /// The unhedged loss threshold (the bin edge at or below the 95 % VaR).
    pub threshold_loss: f64,
    /// Paths in the tail.
    pub paths: u64,
    /// Mean per-path uncovered share `1 − hedge P&L / loss`.
    pub mean: f64,
    /// 95 % normal (CLT) interval of the mean over independent paths.
    pub ci95: [f64; 2],
    /// Aggregate uncovered share `1 − Σ hedge P&L / Σ loss` over the tail.
    pub aggregate: f64,
}

/// Result of a stress run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StressReport {
    /// Paths simulated.
    pub paths: u64,
    /// Horizon in trading days.
    pub horizon_days: usize,
    /// Seed.
    pub seed: u64,
    /// Paths per block.
    pub block_size: usize,
    /// P&L of the exposures alone at the horizon.
    pub unhedged: PnlSummary,
    /// P&L of exposures plus hedges at the horizon.
    pub hedged: PnlSummary,
    /// Mean of the worst daily hedged P&L along each path.
    pub worst_daily_hedged_mean: f64,
    /// `1 − VaR99(hedged)/VaR99(unhedged)`.
    pub var99_reduction: f64,
    /// Share of paths with an unhedged loss.
    pub losing_share: f64,
    /// Cover probabilities over losing paths.
    pub cover: Vec<CoverProbability>,
    /// The uncovered share of the loss in the 1-in-20 shock; `None` when no path loses.
    pub uncovered_share_of_loss_1_in_20: Option<TailUncoveredShare>,
    /// Unhedged P&L histogram (at most 64 bins) for charts.
    pub unhedged_histogram: CoarseHistogram,
    /// Hedged P&L histogram (at most 64 bins) for charts.
    pub hedged_histogram: CoarseHistogram,
}

/// Per-path state of the factor driver.
#[derive(Debug, Clone, Copy, Default)]
struct DriverState {
    regime: usize,
    row: usize,
    day: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Driver<'a> {
    Model(Box<Compiled>),
    Replay { rows: &'a [FactorDay], start: usize, len: usize, p_new: f64 },
    Shock { day: FactorDay, days: usize },
}

impl Driver<'_> {
    #[inline(always)]
    fn init<R: Rng + ?Sized>(&self, regime: usize, rng: &mut R) -> DriverState {
        match self {
            Self::Replay { start, len, .. } => {
                DriverState { regime, row: start + rng.random_range(0..*len), day: 0 }
            }
            _ => DriverState { regime, row: 0, day: 0 },
        }
    }

    #[inline(always)]
    fn day<R: Rng + ?Sized>(&self, st: &mut DriverState, x: f64, rng: &mut R) -> FactorDay {
        match self {
            Self::Model(c) => {
                st.regime = c.next_regime(st.regime, rng);
                c.day(st.regime, x, rng)
            }
            Self::Replay { rows, start, len, p_new } => {
                if st.day > 0 {
                    st.row = if rng.random::<f64>() < *p_new {
                        start + rng.random_range(0..*len)
                    } else if st.row + 1 < start + len {
                        st.row + 1
                    } else {
                        *start
                    };
                }
                st.day += 1;
                rows[st.row]
            }
            Self::Shock { day, days } => {
                st.day += 1;
                if st.day <= *days {
                    *day
                } else {
                    FactorDay { regime: day.regime, nft_print: true, ..FactorDay::default() }
                }
            }
        }
    }
}

/// Scratch space and state of one block.
struct Block {
    x: Vec<f64>,
    xprev: Vec<f64>,
    regime: Vec<usize>,
    l: [Vec<f64>; 4],
    mark: Vec<f64>,
    fund: Vec<f64>,
    etp: Vec<f64>,
    worst: Vec<f64>,
    vals: Vec<Vec<f64>>,
}

impl Block {
    fn new(n: usize, hedges: usize, x0: f64) -> Self {
        let z = || vec![0.0; n];
        Self {
            x: vec![x0; n],
            xprev: vec![x0; n],
            regime: vec![0; n],
            l: [z(), z(), z(), z()],
            mark: z(),
            fund: z(),
            etp: z(),
            worst: vec![f64::INFINITY; n],
            vals: vec![z(); hedges],
        }
    }
}

/// Simulates one block of `n` paths with its own stream and feeds every path's result to
/// `sink`; `daily` (if given) receives the unhedged and hedged P&L of path 0 every day.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_block<F: FnMut(PathResult)>(
    model: &JointModel,
    driver: &Driver<'_>,
    pf: &Portfolio,
    n: usize,
    horizon: usize,
    rng: &mut ChaCha8Rng,
    sink: F,
    daily: Option<&mut Vec<(f64, f64)>>,
) -> Result<(), SimulationError> {
    run_block_with(model, driver, pf, n, horizon, rng, sink, daily, None)
}

/// [`run_block`] that also appends, for every path in order, each hedge position's P&L at the
/// horizon to `per_hedge` (path-major: `hedges` values per path).
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
pub(crate) fn run_block_with<F: FnMut(PathResult)>(
    model: &JointModel,
    driver: &Driver<'_>,
    pf: &Portfolio,
    n: usize,
    horizon: usize,
    rng: &mut ChaCha8Rng,
    mut sink: F,
    mut daily: Option<&mut Vec<(f64, f64)>>,
    mut per_hedge: Option<&mut Vec<f64>>,
) -> Result<(), SimulationError> {
    let x0 = pf.start.vix.ln();
    let mut b = Block::new(n, pf.hedges.len(), x0);
    let mut states: Vec<DriverState> = (0..n).map(|_| driver.init(pf.start.regime, rng)).collect();
    let fut = &model.futures;
    let etp_h = crate::portfolio::expiry_steps(crosshedge_hedging::ETP_TENOR_DAYS as u32) as f64;
    let (etp_a0, etp_a1) = fut.coefficients(etp_h);
    let (etp_b0, etp_b1) = fut.coefficients(etp_h - 1.0);
    let spx0 = pf.start.spx;
    let carry = model.rate - model.spx_div_yield;
    let vov: [f64; 3] = std::array::from_fn(|s| model.regimes[s].vix_option_vol);
    let fund_rate: [f64; 3] = std::array::from_fn(|s| model.regimes[s].funding_per_day);
    for t in 1..=horizon {
        for p in 0..n {
            let x = b.x[p];
            let d = driver.day(&mut states[p], x, rng);
            b.xprev[p] = x;
            let xn = x + d.vix_change;
            b.x[p] = xn;
            b.regime[p] = d.regime;
            for k in 0..4 {
                b.l[k][p] += d.returns[k];
            }
            if d.nft_print {
                b.mark[p] = b.l[3][p];
            }
            b.fund[p] += fund_rate[d.regime];
            b.etp[p] += (etp_b0 + etp_b1 * xn) - (etp_a0 + etp_a1 * x);
        }
        for (j, h) in pf.hedges.iter().enumerate() {
            let vals = &mut b.vals[j];
            match *h {
                HedgePosition::VixFuture { units, expiry, f0 } => {
                    if t <= expiry {
                        let (c0, c1) = fut.coefficients((expiry - t) as f64);
                        for (v, x) in vals.iter_mut().zip(&b.x) {
                            *v = units * (fexp(c0 + c1 * x) - f0);
                        }
                    }
                }
                HedgePosition::VixCallSpread { units, strikes, expiry, v0 } => {
                    if t < expiry {
                        let h = (expiry - t) as f64;
                        let tau = h / TRADING_DAYS;
                        let (c0, c1) = fut.coefficients(h);
                        let df = (-model.rate * tau).exp();
                        let sq = tau.sqrt();
                        let lnk = [strikes[0].ln(), strikes[1].ln()];
                        let ik = [1.0 / strikes[0], 1.0 / strikes[1]];
                        for p in 0..n {
                            let lnf = c0 + c1 * b.x[p];
                            let s = vov[b.regime[p]] * sq;
                            let sv = spread_undiscounted(1.0, lnf, fexp(lnf), strikes, lnk, ik, s);
                            vals[p] = units * (df * sv - v0);
                        }
                    } else if t == expiry {
                        for (v, x) in vals.iter_mut().zip(&b.x) {
                            let f = fexp(*x);
                            *v = units
                                * ((f - strikes[0]).max(0.0) - (f - strikes[1]).max(0.0) - v0);
                        }
                    }
                }
                HedgePosition::SpxPutSpread { units, strikes, expiry, v0 } => {
                    if t < expiry {
                        let tau = (expiry - t) as f64 / TRADING_DAYS;
                        let df = (-model.rate * tau).exp();
                        let sq = tau.sqrt() / 100.0;
                        let lnf0 = spx0.ln() + carry * tau;
                        let lnk = [strikes[0].ln(), strikes[1].ln()];
                        let ik = [1.0 / strikes[0], 1.0 / strikes[1]];
                        for p in 0..n {
                            let lnf = lnf0 + b.l[0][p];
                            let s = fexp(b.x[p]) * sq;
                            let sv = spread_undiscounted(-1.0, lnf, fexp(lnf), strikes, lnk, ik, s);
                            vals[p] = units * (df * sv - v0);
                        }
                    } else if t == expiry {
                        for (v, l) in vals.iter_mut().zip(&b.l[0]) {
                            let sp = spx0 * fexp(*l);
                            *v = units
                                * ((strikes[0] - sp).max(0.0) - (strikes[1] - sp).max(0.0) - v0);
                        }
                    }
                }
                HedgePosition::VolEtp { units } => {
                    for (v, e) in vals.iter_mut().zip(&b.etp) {
                        *v = units * (fexp(*e) - 1.0);
                    }
                }
                HedgePosition::ShortPerp { units } => {
                    for ((v, l), f) in vals.iter_mut().zip(&b.l[1]).zip(&b.fund) {
                        *v = units * (1.0 - fexp(*l)) + units * f;
                    }
                }
                HedgePosition::ShortSpot { units } => {
                    for (v, l) in vals.iter_mut().zip(&b.l[1]) {
                        *v = units * (1.0 - fexp(*l));
                    }
                }
                HedgePosition::CryptoOption {
                    units,
                    factor,
                    theta,
                    strikes,
                    weights,
                    expiry,
                    spot0,
                    vol0,
                    skew,
                    regime_scale,
                    rate,
                    v0,
                } => {
                    if t < expiry {
                        let tau = (expiry - t) as f64 / TRADING_DAYS;
                        let df = (-rate * tau).exp();
                        let sq = tau.sqrt();
                        let lns0 = spot0.ln();
                        let lnk = [strikes[0].ln(), strikes[1].ln()];
                        for p in 0..n {
                            let lnf = lns0 + b.l[factor][p];
                            let f = fexp(lnf);
                            let atm = vol0 * regime_scale[b.regime[p]];
                            let mut sv = 0.0;
                            for j in 0..2 {
                                if weights[j] != 0.0 {
                                    let vol = (atm + skew * (lnf - lnk[j]))
                                        .max(crosshedge_hedging::MIN_SKEWED_VOL);
                                    sv += weights[j]
                                        * black_leg(theta, lnf, f, strikes[j], lnk[j], vol * sq);
                                }
                            }
                            vals[p] = units * (df * sv - v0);
                        }
                    } else if t == expiry {
                        for (v, l) in vals.iter_mut().zip(&b.l[factor]) {
                            let sp = spot0 * fexp(*l);
                            *v = units
                                * (weights[0] * (theta * (sp - strikes[0])).max(0.0)
                                    + weights[1] * (theta * (sp - strikes[1])).max(0.0)
                                    - v0);
                        }
                    }
                }
            }
        }
        for p in 0..n {
            let u =
                pf.exposure_pnl(fexp(b.l[1][p]), fexp(b.l[2][p]), fexp(b.mark[p]), b.fund[p], t);
            let mut hv = u;
            for v in &b.vals {
                hv += v[p];
            }
            if hv < b.worst[p] {
                b.worst[p] = hv;
            }
            if t == horizon {
                sink(PathResult { unhedged: u, hedged: hv, worst_hedged: b.worst[p] });
                if let Some(m) = per_hedge.as_deref_mut() {
                    m.extend(b.vals.iter().map(|v| v[p]));
                }
            }
            if p == 0 {
                if let Some(d) = daily.as_deref_mut() {
                    d.push((u, hv));
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn check_config(cfg: &StressConfig) -> Result<(), SimulationError> {
    let bad = |name, requirement, value| {
        Err(SimulationError::InvalidSetting { name, requirement, value })
    };
    if cfg.paths == 0 {
        return bad("paths", "must be at least 1", 0.0);
    }
    if cfg.horizon_days == 0 {
        return bad("horizon_days", "must be at least 1", 0.0);
    }
    if cfg.block_size == 0 {
        return bad("block_size", "must be at least 1", 0.0);
    }
    for l in &cfg.cover_levels {
        if !(l.is_finite() && *l >= 0.0) {
            return bad("cover_levels", "must be finite and non-negative", *l);
        }
    }
    Ok(())
}

pub(crate) fn make_driver<'a>(
    model: &JointModel,
    scenario: Scenario<'a>,
) -> Result<Driver<'a>, SimulationError> {
    Ok(match scenario {
        Scenario::Model => Driver::Model(Box::new(model.compile()?)),
        Scenario::Replay { episodes, name, block_len } => {
            if !(block_len.is_finite() && block_len >= 1.0) {
                return Err(SimulationError::InvalidSetting {
                    name: "block_len",
                    requirement: "must be at least 1",
                    value: block_len,
                });
            }
            let (start, len) = episodes.range(name)?;
            Driver::Replay { rows: &episodes.rows, start, len, p_new: 1.0 / block_len }
        }
    })
}

/// The histograms' range `(lo, hi)` from the pilot run on its own stream (see [`simulate`]).
pub(crate) fn pilot_range(
    model: &JointModel,
    driver: &Driver<'_>,
    portfolio: &Portfolio,
    cfg: &StressConfig,
) -> Result<(f64, f64), SimulationError> {
    let horizon = cfg.horizon_days;
    // Pilot: the histogram range.
    let pilot_n = (cfg.paths as usize).min(PILOT_PATHS);
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(cfg.seed, PILOT_TAG));
    let mut pilot = Vec::with_capacity(2 * pilot_n);
    run_block(
        model,
        driver,
        portfolio,
        pilot_n,
        horizon,
        &mut rng,
        |r| pilot.extend([r.unhedged, r.hedged]),
        None,
    )?;
    if let Some(bad) = pilot.iter().find(|v| !v.is_finite()) {
        return Err(SimulationError::InvalidSetting {
            name: "pilot P&L",
            requirement: "must be finite",
            value: *bad,
        });
    }
    // The linear range spans the pilot's 1 % quantile `a` to its 99 % quantile `b` (capped at
    // the median's mirror of `a`, so a heavy gain tail cannot stretch the bins), widened by
    // `b − a` on each side; anything beyond falls in the geometric tail bins. (The pilot's
    // extremes would let one heavy tail stretch the linear bins until the loss quantiles
    // share a bin.)
    pilot.sort_by(f64::total_cmp);
    let at = |p: f64| pilot[((p * (pilot.len() - 1) as f64).round() as usize).min(pilot.len() - 1)];
    let (a, m, b) = (at(0.01), at(0.5), at(0.99));
    let (lo, hi) = (a, b.min(m + (m - a)));
    let span = (hi - lo).max(1e-9 * (1.0 + lo.abs().max(hi.abs())));
    let (lo, hi) = (lo - span, hi + span);
    Ok((lo, hi))
}

/// Runs the stress test: `cfg.paths` paths of `cfg.horizon_days` trading days, the book
/// revalued every day, statistics streamed.
///
/// # Formula
/// Block `b` of `cfg.block_size` paths uses `ChaCha8Rng::seed_from_u64(derive_seed(seed, b))`;
/// blocks run in parallel (rayon, the caller's pool) in groups of 16 and are merged in block
/// order, so the report is identical for any number of threads. A pilot of 2,048 paths on
/// its own stream sets the histograms' range (its 1 % quantile `a` and 99 % quantile `b`,
/// capped at `2·median − a`, widened to `[a − (b − a), b + (b − a)]`, 4,096 linear bins,
/// and 2,048 geometric bins on each side, 2 % wider each, with exact sums: heavy tails beyond
/// the pilot keep their quantiles). VaR/ES from the histogram (see `PnlSummary`); the uncovered
/// share of the loss over the paths whose unhedged P&L is at or below the 95 % quantile's bin: per-path
/// `1 − hedge/loss`, its mean with a CLT interval, and `1 − Σ hedge/Σ loss`. Cover
/// probabilities with Wilson intervals.
///
/// `progress` is called from the calling thread with the number of paths done after each group.
///
/// # Errors
/// Invalid settings, model or scenario; pricing failures.
pub fn simulate(
    model: &JointModel,
    portfolio: &Portfolio,
    scenario: Scenario<'_>,
    cfg: &StressConfig,
    progress: &dyn Fn(u64),
) -> Result<StressReport, SimulationError> {
    run_blocks(model, portfolio, scenario, cfg, progress, &|_| ControlFlow::Continue(()))
}

/// [`simulate`] with a hook after every block: `on_block(paths)` is called from the worker
/// thread that ran the block with its number of paths; once it returns `ControlFlow::Break`,
/// no further block starts (blocks already running finish: a run stops within one block per
/// thread) and the run returns [`SimulationError::Cancelled`]. A run the hook never breaks
/// gives exactly [`simulate`]'s report.
fn run_blocks(
    model: &JointModel,
    portfolio: &Portfolio,
    scenario: Scenario<'_>,
    cfg: &StressConfig,
    progress: &dyn Fn(u64),
    on_block: &(dyn Fn(u64) -> ControlFlow<()> + Sync),
) -> Result<StressReport, SimulationError> {
    check_config(cfg)?;
    let driver = make_driver(model, scenario)?;
    let horizon = cfg.horizon_days;
    let (lo, hi) = pilot_range(model, &driver, portfolio, cfg)?;
    let bs = cfg.block_size as u64;
    let n_blocks = cfg.paths.div_ceil(bs);
    let mut total = Accum::new(lo, hi, &cfg.cover_levels);
    let mut first = 0u64;
    let stop = AtomicBool::new(false);
    while first < n_blocks {
        let last = (first + CHUNK_BLOCKS as u64).min(n_blocks);
        let parts: Vec<Result<Accum, SimulationError>> = (first..last)
            .into_par_iter()
            .map(|bi| {
                if stop.load(Ordering::SeqCst) {
                    return Err(SimulationError::Cancelled);
                }
                let n = (cfg.paths - bi * bs).min(bs) as usize;
                let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(cfg.seed, bi));
                let mut acc = Accum::new(lo, hi, &cfg.cover_levels);
                run_block(model, &driver, portfolio, n, horizon, &mut rng, |r| acc.add(r), None)?;
                if on_block(n as u64).is_break() {
                    stop.store(true, Ordering::SeqCst);
                }
                Ok(acc)
            })
            .collect();
        if stop.load(Ordering::SeqCst) {
            return Err(SimulationError::Cancelled);
        }
        for part in parts {
            total.merge(&part?);
        }
        progress((last * bs).min(cfg.paths));
        first = last;
    }
    Ok(report(&total, cfg))
}

pub(crate) fn report(total: &Accum, cfg: &StressConfig) -> StressReport {
    let n = total.n;
    let unhedged = summarise(&total.unhedged, &total.m_unhedged, n);
    let hedged = summarise(&total.hedged, &total.m_hedged, n);
    let cover = cfg
        .cover_levels
        .iter()
        .zip(&total.covered)
        .map(|(l, k)| CoverProbability {
            level: *l,
            probability: if total.losing > 0 { *k as f64 / total.losing as f64 } else { 0.0 },
            ci95: wilson95(*k, total.losing),
        })
        .collect();
    // Tail: the slots at or below the 95 % quantile's slot.
    let q95 = -unhedged.var95;
    let last_slot = total.unhedged.slot(q95);
    let threshold = total.unhedged.edges(last_slot).1;
    let mut t = [0.0; 5];
    for slot in &total.tail[..=last_slot] {
        for k in 0..5 {
            t[k] += slot[k];
        }
    }
    let uncovered_share_of_loss_1_in_20 = (t[0] > 0.0).then(|| {
        let m = t[1] / t[0];
        let var = if t[0] > 1.0 { ((t[2] - t[0] * m * m) / (t[0] - 1.0)).max(0.0) } else { 0.0 };
        let h = 1.959_963_984_540_054 * (var / t[0]).sqrt();
        TailUncoveredShare {
            threshold_loss: -threshold,
            paths: t[0] as u64,
            mean: m,
            ci95: [m - h, m + h],
            aggregate: 1.0 - t[3] / t[4],
        }
    });
    StressReport {
        paths: n,
        horizon_days: cfg.horizon_days,
        seed: cfg.seed,
        block_size: cfg.block_size,
        var99_reduction: if unhedged.var99 > 0.0 {
            1.0 - hedged.var99 / unhedged.var99
        } else {
            0.0
        },
        unhedged,
        hedged,
        worst_daily_hedged_mean: total.m_worst.mean_sd(n).0,
        losing_share: total.losing as f64 / n as f64,
        cover,
        uncovered_share_of_loss_1_in_20,
        unhedged_histogram: total.unhedged.coarse(64),
        hedged_histogram: total.hedged.coarse(64),
    }
}

/// One block's unhedged P&L per path and its hedges' P&L, path-major.
type BlockPaths = (Vec<f64>, Vec<f64>);

/// Every path's P&L at the horizon: the exposures' and each hedge position's, in path order
/// (the order of [`simulate`]'s blocks and streams), for common-random-number comparisons of
/// hedges and the scenario sets of the ES programme.
#[derive(Debug, Clone, PartialEq)]
pub struct PathMatrix {
    /// The exposures' P&L per path (USD).
    pub unhedged: Vec<f64>,
    /// Hedge positions per path.
    pub hedges: usize,
    /// Each hedge position's P&L per path, path-major (`hedges` values per path, USD).
    pub hedge_pnl: Vec<f64>,
}

impl PathMatrix {
    /// Paths.
    pub fn len(&self) -> usize {
        self.unhedged.len()
    }

    /// Whether there are no paths.
    pub fn is_empty(&self) -> bool {
        self.unhedged.is_empty()
    }

    /// Hedge `j`'s P&L on every path.
    pub fn hedge(&self, j: usize) -> Vec<f64> {
        self.hedge_pnl.iter().skip(j).step_by(self.hedges.max(1)).copied().collect()
    }
}

/// Simulates `cfg.paths` paths exactly as [`simulate`] does (the same blocks, streams and
/// paths: the exposures' P&L of path `i` is the one [`simulate`] accumulates) and returns
/// every path's P&L instead of the report. Blocks run in parallel and are concatenated in
/// block order, so the matrix is identical for any thread count. Memory: `(1 + hedges) × paths`
/// numbers.
///
/// # Errors
/// Invalid settings, pricing failures, [`SimulationError::Cancelled`] when `on_block` breaks.
pub fn simulate_paths(
    threads: Option<usize>,
    model: &JointModel,
    portfolio: &Portfolio,
    scenario: Scenario<'_>,
    cfg: &StressConfig,
    on_block: &(dyn Fn(u64) -> ControlFlow<()> + Sync),
) -> Result<PathMatrix, SimulationError> {
    let run = || -> Result<PathMatrix, SimulationError> {
        check_config(cfg)?;
        let driver = make_driver(model, scenario)?;
        let bs = cfg.block_size as u64;
        let n_blocks = cfg.paths.div_ceil(bs);
        let hedges = portfolio.hedges.len();
        let stop = AtomicBool::new(false);
        let mut out = PathMatrix {
            unhedged: Vec::with_capacity(cfg.paths as usize),
            hedges,
            hedge_pnl: Vec::with_capacity(cfg.paths as usize * hedges),
        };
        let mut first = 0u64;
        while first < n_blocks {
            let last = (first + CHUNK_BLOCKS as u64).min(n_blocks);
            let parts: Vec<Result<BlockPaths, SimulationError>> = (first..last)
                .into_par_iter()
                .map(|bi| {
                    if stop.load(Ordering::SeqCst) {
                        return Err(SimulationError::Cancelled);
                    }
                    let n = (cfg.paths - bi * bs).min(bs) as usize;
                    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(cfg.seed, bi));
                    let mut u = Vec::with_capacity(n);
                    let mut h = Vec::with_capacity(n * hedges);
                    run_block_with(
                        model,
                        &driver,
                        portfolio,
                        n,
                        cfg.horizon_days,
                        &mut rng,
                        |r| u.push(r.unhedged),
                        None,
                        Some(&mut h),
                    )?;
                    if on_block(n as u64).is_break() {
                        stop.store(true, Ordering::SeqCst);
                    }
                    Ok((u, h))
                })
                .collect();
            if stop.load(Ordering::SeqCst) {
                return Err(SimulationError::Cancelled);
            }
            for part in parts {
                let (u, h) = part?;
                out.unhedged.extend(u);
                out.hedge_pnl.extend(h);
            }
            first = last;
        }
        Ok(out)
    };
    in_pool(threads, run)
}

/// Result of a deterministic user shock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShockReport {
    /// The shock with every factor filled in (log moves over the whole shock).
    pub shock: UserShock,
    /// Exposures' P&L at the end of the shock.
    pub unhedged: f64,
    /// Exposures plus hedges.
    pub hedged: f64,
    /// Hedge P&L.
    pub hedge_pnl: f64,
    /// `hedge P&L / loss` when the exposures lose.
    pub cover: Option<f64>,
    /// Unhedged and hedged P&L after each day.
    pub daily: Vec<(f64, f64)>,
}

/// Revalues the book along a user shock: every factor moves by `1/days` of its total log move
/// each day (factors the user did not name are filled by [`UserShock::complete`]), in the
/// shock regime `regime` (option vols, funding), then stays put until `horizon_days`.
///
/// # Errors
/// Invalid settings or pricing failures.
pub fn revalue_shock(
    model: &JointModel,
    portfolio: &Portfolio,
    shock: &UserShock,
    regime: usize,
    horizon_days: usize,
) -> Result<ShockReport, SimulationError> {
    let full = shock.complete(model, regime)?;
    let d = full.days as f64;
    let day = FactorDay {
        regime: regime.min(2),
        vix_change: full.log_moves[0] / d,
        returns: [
            full.log_moves[1] / d,
            full.log_moves[2] / d,
            full.log_moves[3] / d,
            full.log_moves[4] / d,
        ],
        nft_print: true,
    };
    let driver = Driver::Shock { day, days: full.days };
    let horizon = horizon_days.max(full.days);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut daily = Vec::with_capacity(horizon);
    let mut out = None;
    run_block(
        model,
        &driver,
        portfolio,
        1,
        horizon,
        &mut rng,
        |r| out = Some(r),
        Some(&mut daily),
    )?;
    let r = out.ok_or(SimulationError::InvalidSetting {
        name: "horizon_days",
        requirement: "must be at least 1",
        value: 0.0,
    })?;
    let hedge = r.hedged - r.unhedged;
    Ok(ShockReport {
        shock: full,
        unhedged: r.unhedged,
        hedged: r.hedged,
        hedge_pnl: hedge,
        cover: (r.unhedged < 0.0).then(|| hedge / -r.unhedged),
        daily,
    })
}

/// [`simulate`] on a rayon pool of `threads` threads (`None`: rayon's default pool), reporting
/// and stopping through `on_block`: it is called after every block, from the worker thread
/// that ran it, with the block's number of paths (the increments sum to `cfg.paths`); once it
/// returns `ControlFlow::Break(())` no further block starts — blocks already running finish,
/// so the run stops within one block per thread — and the run returns
/// [`SimulationError::Cancelled`]. The report does not depend on `threads`, and a run that is
/// not stopped is exactly [`simulate`]'s.
///
/// # Errors
/// As [`simulate`]; [`SimulationError::InvalidSetting`] if the pool cannot be built;
/// [`SimulationError::Cancelled`] once `on_block` breaks.
pub fn simulate_with_threads(
    threads: Option<usize>,
    model: &JointModel,
    portfolio: &Portfolio,
    scenario: Scenario<'_>,
    cfg: &StressConfig,
    on_block: &(dyn Fn(u64) -> ControlFlow<()> + Sync),
) -> Result<StressReport, SimulationError> {
    let run = || run_blocks(model, portfolio, scenario, cfg, &|_| {}, on_block);
    in_pool(threads, run)
}

/// Runs `run` on a pool of `threads` workers (`None`: rayon's global pool, all cores). The
/// results never depend on the count: blocks have their own streams and merge in order.
///
/// # Errors
/// [`SimulationError::InvalidSetting`] when the pool cannot be built; `run`'s errors.
pub(crate) fn in_pool<T: Send>(
    threads: Option<usize>,
    run: impl FnOnce() -> Result<T, SimulationError> + Send,
) -> Result<T, SimulationError> {
    match threads {
        None => run(),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build()
            .map_err(|_| SimulationError::InvalidSetting {
                name: "threads",
                requirement: "must give a thread pool",
                value: t as f64,
            })?
            .install(run),
    }
}
