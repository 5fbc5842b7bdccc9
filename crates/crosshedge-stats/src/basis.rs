//! The whole `basis` analysis in one call: [`basis_analysis`].

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::bootstrap::{bootstrap_corr_beta, derive_seed, BootstrapConfig, CorrBetaBootstrap};
use crate::breakdown::{
    exceedance_correlations, fisher_z_test, forbes_rigobon, lower_tail_dependence, ExceedancePoint,
    FisherZTest, ForbesRigobon, TailDependencePoint, DEFAULT_EXCEEDANCE_GRID, DEFAULT_TAIL_GRID,
};
use crate::corr::{fisher_z_ci, kendall_tau_b, pearson, spearman};
use crate::decorrelation::{decorrelation_factor, subset_block_length, DecorrelationFactor};
use crate::effectiveness::{hedge_effectiveness, hedge_effectiveness_oos, OutOfSampleHe};
use crate::leadlag::{ccf, dimson_beta, Ccf};
use crate::ols::ols_hac;
use crate::regime::{regime_rows, subset};
use crate::util::{check_pair, var};
use crate::StatsError;

/// Settings of [`basis_analysis`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasisConfig {
    /// Stationary-bootstrap resamples of correlation and beta (per sample and per regime).
    pub bootstrap_resamples: usize,
    /// Seed of every bootstrap (sub-streams are derived from it).
    pub seed: u64,
    /// Confidence level of every interval (0.95).
    pub level: f64,
    /// Expected bootstrap block length; `None` = automatic (Politis–White).
    pub block_length: Option<f64>,
    /// Newey–West lags; `None` = `⌊4(T/100)^{2/9}⌋` of each sample.
    pub hac_lags: Option<usize>,
    /// Apply the `n/(n-2)` small-sample factor to the HAC covariance (statsmodels default: no).
    pub hac_small_sample: bool,
    /// Leads and lags `K` of the Dimson regression.
    pub dimson_lags: usize,
    /// Largest lag of the cross-correlation function.
    pub ccf_max_lag: usize,
    /// Name of the calm state (decorrelation factor, breakdown tests).
    pub calm_state: String,
    /// Name of the stress state.
    pub stress_state: String,
    /// Periods per year of the rows (252 for `us-close`, 52 for `weekly`, 365 for `crypto-days`).
    pub periods_per_year: f64,
    /// Fewest rows for a regime's statistics.
    pub min_regime_obs: usize,
    /// Bartlett lag window of the effective sample size; `None` = `min(⌊n/5⌋, 10)`.
    pub neff_lags: Option<usize>,
    /// Quantile grid of the exceedance correlations (levels in (0, 0.5]).
    pub exceedance_grid: Vec<f64>,
    /// Quantile grid of the lower-tail dependence.
    pub tail_grid: Vec<f64>,
}

impl Default for BasisConfig {
    fn default() -> Self {
        Self {
            bootstrap_resamples: 2000,
            seed: 42,
            level: 0.95,
            block_length: None,
            hac_lags: None,
            hac_small_sample: false,
            dimson_lags: 2,
            ccf_max_lag: 5,
            calm_state: "calm".into(),
            stress_state: "stress".into(),
            periods_per_year: 252.0,
            min_regime_obs: 30,
            neff_lags: None,
            exceedance_grid: DEFAULT_EXCEEDANCE_GRID.to_vec(),
            tail_grid: DEFAULT_TAIL_GRID.to_vec(),
        }
    }
}

/// The statistics computed on the whole sample and on each regime (same keys).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasisStats {
    /// Rows.
    pub n: usize,
    /// Pearson correlation.
    pub pearson: f64,
    /// Fisher-z interval of the Pearson correlation `[lo, hi]`.
    pub pearson_ci95: [f64; 2],
    /// Stationary-bootstrap percentile interval of the Pearson correlation.
    pub pearson_ci95_bootstrap: [f64; 2],
    /// Spearman rank correlation.
    pub spearman: f64,
    /// Kendall tau-b.
    pub kendall: f64,
    /// OLS slope of target on hedge.
    pub beta: f64,
    /// Newey–West standard error of the slope.
    pub beta_se_hac: f64,
    /// Stationary-bootstrap percentile interval of the slope.
    pub beta_ci95_bootstrap: [f64; 2],
    /// OLS intercept (per period).
    pub alpha: f64,
    /// Newey–West lags used.
    pub hac_lags: usize,
    /// Minimum-variance hedge ratio `Cov(T,H)/Var(H)` (= beta).
    pub hedge_ratio: f64,
    /// R² of the regression (= ρ²).
    pub r2: f64,
    /// Ederington hedge effectiveness at `hedge_ratio` (= R² in sample).
    pub hedge_effectiveness: f64,
    /// Dimson sum-of-lagged-betas beta (lags from the full series for a regime).
    pub dimson_beta: f64,
    /// Target volatility, annualised with `periods_per_year` (decimal).
    pub target_vol_ann: f64,
    /// Hedge volatility, annualised (decimal, or points for point returns).
    pub hedge_vol_ann: f64,
    /// Bootstrap details (block length, bootstrap means and standard deviations).
    pub bootstrap: CorrBetaBootstrap,
    /// Seed of this sample's bootstrap.
    pub bootstrap_seed: u64,
}

/// A regime's statistics, or why they are absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RegimeStats {
    /// Enough rows: the full statistics.
    Available(Box<BasisStats>),
    /// Too few rows or a degenerate subset.
    Unavailable {
        /// Rows in the regime.
        n: usize,
        /// Why the statistics are absent.
        error: String,
    },
}

/// The full `basis` analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasisReport {
    /// Whole-sample statistics (flattened: `n`, `pearson`, `pearson_ci95`, …).
    #[serde(flatten)]
    pub overall: BasisStats,
    /// The configuration, including the seed.
    pub config: BasisConfig,
    /// Seed (repeated at top level for traceability).
    pub seed: u64,
    /// Cross-correlation function, `ccf(k) = corr(T_t, H_{t-k})`.
    pub ccf: Ccf,
    /// Longin–Solnik exceedance correlations (whole sample).
    pub exceedance: Vec<ExceedancePoint>,
    /// Empirical lower-tail dependence (whole sample).
    pub tail_dependence: Vec<TailDependencePoint>,
    /// HE of `h*` fitted on the first half of the rows, evaluated on the second half.
    pub he_out_of_sample_split: Option<OutOfSampleHe>,
    /// Per-regime statistics keyed by regime name.
    pub regimes: BTreeMap<String, RegimeStats>,
    /// `k = h*_stress/h*_calm` with bootstrap interval (`None` without both regimes).
    pub decorrelation_factor: Option<DecorrelationFactor>,
    /// Forbes–Rigobon adjusted stress correlation and its test against calm.
    pub forbes_rigobon: Option<ForbesRigobon>,
    /// Fisher-z test of calm vs stress correlation with effective sample sizes.
    pub fisher_z_test: Option<FisherZTest>,
    /// HE of the calm `h*` applied in stress (out of sample across regimes).
    pub he_calm_hedge_in_stress: Option<OutOfSampleHe>,
    /// Why any optional breakdown statistic is absent.
    pub notes: Vec<String>,
}

/// Compute the statistics of one sample. `rows` (into the full series) is used by the Dimson
/// regression; `t`, `h` are the sample's values.
fn sample_stats(
    full_t: &[f64],
    full_h: &[f64],
    rows: Option<&[usize]>,
    t: &[f64],
    h: &[f64],
    cfg: &BasisConfig,
    seed: u64,
) -> Result<BasisStats, StatsError> {
    let n = t.len();
    let r = pearson(t, h)?;
    let ols = ols_hac(t, h, cfg.hac_lags, cfg.hac_small_sample)?;
    let block_length = match (cfg.block_length, rows) {
        (Some(b), _) => Some(b),
        (None, Some(_)) => Some(subset_block_length(t, h)),
        (None, None) => None,
    };
    let boot = bootstrap_corr_beta(
        t,
        h,
        &BootstrapConfig {
            resamples: cfg.bootstrap_resamples,
            seed,
            block_length,
            level: cfg.level,
        },
    )?;
    let dim = dimson_beta(full_t, full_h, cfg.dimson_lags, rows)?;
    let ann = cfg.periods_per_year.sqrt();
    Ok(BasisStats {
        n,
        pearson: r,
        pearson_ci95: fisher_z_ci(r, n, cfg.level)?,
        pearson_ci95_bootstrap: boot.correlation.ci,
        spearman: spearman(t, h)?,
        kendall: kendall_tau_b(t, h)?,
        beta: ols.beta,
        beta_se_hac: ols.beta_se_hac,
        beta_ci95_bootstrap: boot.beta.ci,
        alpha: ols.alpha,
        hac_lags: ols.hac_lags,
        hedge_ratio: ols.hedge_ratio,
        r2: ols.r2,
        hedge_effectiveness: hedge_effectiveness(t, h, ols.hedge_ratio)?,
        dimson_beta: dim.beta,
        target_vol_ann: var(t).sqrt() * ann,
        hedge_vol_ann: var(h).sqrt() * ann,
        bootstrap: boot,
        bootstrap_seed: seed,
    })
}

/// The whole `basis` analysis of a target on a hedge, overall and per regime.
///
/// `regimes`, when given, is `(labels, state names)`: `labels[i]` is the regime of return row
/// `i` (`None` = unlabelled), as produced by `Labeling::labels_for(&return_panel.dates)`.
///
/// Computes on the whole sample (and on every regime with at least `min_regime_obs` rows):
/// Pearson with Fisher-z and stationary-bootstrap intervals, Spearman, Kendall tau-b, OLS beta
/// with Newey–West SE, `h*`, R², HE, Dimson beta; on the whole sample also the CCF, exceedance
/// correlations, lower-tail dependence and a split-half out-of-sample HE; between the calm and
/// stress states the decorrelation factor (bootstrap), Forbes–Rigobon, the Fisher-z test and the
/// calm hedge's HE in stress. A regime with too few rows is reported as
/// [`RegimeStats::Unavailable`]; an absent breakdown statistic is `None` with a note.
///
/// Bootstrap seeds: the whole sample uses `cfg.seed`; regime `s` (its index in the state names)
/// uses `derive_seed(seed, s + 1)`; the decorrelation factor uses `derive_seed(seed, 1_000_003)`.
///
/// # Errors
/// Whole-sample failures: unequal lengths, non-finite values, fewer than 30 rows, a constant
/// series, misaligned labels, or a label out of range.
pub fn basis_analysis(
    target: &[f64],
    hedge: &[f64],
    regimes: Option<(&[Option<usize>], &[String])>,
    cfg: &BasisConfig,
) -> Result<BasisReport, StatsError> {
    check_pair("basis", target, hedge, 30)?;
    if !(cfg.periods_per_year > 0.0 && cfg.periods_per_year.is_finite()) {
        return Err(StatsError::InvalidParameter {
            name: "periods_per_year",
            value: cfg.periods_per_year,
            reason: "must be positive",
        });
    }
    let regimes = match regimes {
        Some((labels, states)) => {
            if labels.len() != target.len() {
                return Err(StatsError::LengthMismatch {
                    what: "regime labels",
                    left: labels.len(),
                    right: target.len(),
                });
            }
            Some((regime_rows(labels, states.len())?, states))
        }
        None => None,
    };
    // The whole sample, the regimes and the breakdown statistics are independent (each bootstrap
    // has its own seed), so they run concurrently; the result does not depend on the schedule.
    let (whole, (regime_stats, breakdown)) = rayon::join(
        || whole_sample(target, hedge, cfg),
        || match &regimes {
            None => (BTreeMap::new(), Breakdown::default()),
            Some((rows, states)) => rayon::join(
                || per_regime(target, hedge, rows, states, cfg),
                || breakdown(target, hedge, rows, states, cfg),
            ),
        },
    );
    let whole = whole?;
    let mut notes = whole.notes;
    notes.extend(breakdown.notes);
    Ok(BasisReport {
        overall: whole.stats,
        config: cfg.clone(),
        seed: cfg.seed,
        ccf: whole.ccf,
        exceedance: whole.exceedance,
        tail_dependence: whole.tail_dependence,
        he_out_of_sample_split: whole.he_split,
        regimes: regime_stats,
        decorrelation_factor: breakdown.decorrelation_factor,
        forbes_rigobon: breakdown.forbes_rigobon,
        fisher_z_test: breakdown.fisher_z_test,
        he_calm_hedge_in_stress: breakdown.he_calm_hedge_in_stress,
        notes,
    })
}

/// Whole-sample part of the report.
struct Whole {
    stats: BasisStats,
    ccf: Ccf,
    exceedance: Vec<ExceedancePoint>,
    tail_dependence: Vec<TailDependencePoint>,
    he_split: Option<OutOfSampleHe>,
    notes: Vec<String>,
}

fn whole_sample(target: &[f64], hedge: &[f64], cfg: &BasisConfig) -> Result<Whole, StatsError> {
    let stats = sample_stats(target, hedge, None, target, hedge, cfg, cfg.seed)?;
    let ccf = ccf(target, hedge, cfg.ccf_max_lag.min(target.len() - 1))?;
    let exceedance = exceedance_correlations(target, hedge, &cfg.exceedance_grid)?;
    let tail_dependence = lower_tail_dependence(target, hedge, &cfg.tail_grid)?;
    let mut notes = Vec::new();
    let half = target.len() / 2;
    let he_split = match hedge_effectiveness_oos(
        &target[..half],
        &hedge[..half],
        &target[half..],
        &hedge[half..],
    ) {
        Ok(v) => Some(v),
        Err(e) => {
            notes.push(format!("split-half hedge effectiveness: {e}"));
            None
        }
    };
    Ok(Whole { stats, ccf, exceedance, tail_dependence, he_split, notes })
}

/// Statistics of every regime (in parallel over regimes), keyed by name.
fn per_regime(
    target: &[f64],
    hedge: &[f64],
    rows: &[Vec<usize>],
    states: &[String],
    cfg: &BasisConfig,
) -> BTreeMap<String, RegimeStats> {
    let entries: Vec<RegimeStats> = rows
        .par_iter()
        .enumerate()
        .map(|(s, r)| {
            if r.len() < cfg.min_regime_obs {
                return RegimeStats::Unavailable {
                    n: r.len(),
                    error: format!("too few observations: {} < {}", r.len(), cfg.min_regime_obs),
                };
            }
            let (t, h) = (subset(target, r), subset(hedge, r));
            match sample_stats(
                target,
                hedge,
                Some(r),
                &t,
                &h,
                cfg,
                derive_seed(cfg.seed, s as u64 + 1),
            ) {
                Ok(st) => RegimeStats::Available(Box::new(st)),
                Err(e) => RegimeStats::Unavailable { n: r.len(), error: e.to_string() },
            }
        })
        .collect();
    states.iter().cloned().zip(entries).collect()
}

/// Calm-versus-stress statistics and the notes explaining any that are absent.
#[derive(Default)]
struct Breakdown {
    decorrelation_factor: Option<DecorrelationFactor>,
    forbes_rigobon: Option<ForbesRigobon>,
    fisher_z_test: Option<FisherZTest>,
    he_calm_hedge_in_stress: Option<OutOfSampleHe>,
    notes: Vec<String>,
}

fn breakdown(
    target: &[f64],
    hedge: &[f64],
    rows: &[Vec<usize>],
    states: &[String],
    cfg: &BasisConfig,
) -> Breakdown {
    let mut out = Breakdown::default();
    let find = |name: &str| states.iter().position(|s| s == name);
    let (calm, stress) = match (find(&cfg.calm_state), find(&cfg.stress_state)) {
        (Some(c), Some(s)) => (c, s),
        (c, s) => {
            for (name, idx) in [(&cfg.calm_state, c), (&cfg.stress_state, s)] {
                if idx.is_none() {
                    out.notes.push(format!("breakdown statistics: unknown regime {name:?}"));
                }
            }
            return out;
        }
    };
    if rows[calm].len() < cfg.min_regime_obs || rows[stress].len() < cfg.min_regime_obs {
        out.notes.push(format!(
            "breakdown statistics: calm has {} rows and stress {} (need {} each)",
            rows[calm].len(),
            rows[stress].len(),
            cfg.min_regime_obs
        ));
        return out;
    }
    let (tc, hc) = (subset(target, &rows[calm]), subset(hedge, &rows[calm]));
    let (ts, hs) = (subset(target, &rows[stress]), subset(hedge, &rows[stress]));
    let n = &mut out.notes;
    let boot = BootstrapConfig {
        resamples: cfg.bootstrap_resamples,
        seed: derive_seed(cfg.seed, 1_000_003),
        block_length: cfg.block_length,
        level: cfg.level,
    };
    let dcf = decorrelation_factor(&tc, &hc, &ts, &hs, &boot);
    out.decorrelation_factor = keep(n, "decorrelation factor", dcf);
    out.forbes_rigobon = keep(n, "forbes-rigobon", forbes_rigobon(&ts, &hs, &tc, &hc));
    out.fisher_z_test = keep(n, "fisher-z test", fisher_z_test(&tc, &hc, &ts, &hs, cfg.neff_lags));
    out.he_calm_hedge_in_stress =
        keep(n, "calm hedge in stress", hedge_effectiveness_oos(&tc, &hc, &ts, &hs));
    out
}

/// The value, or `None` with a note saying why.
fn keep<T>(notes: &mut Vec<String>, what: &str, r: Result<T, StatsError>) -> Option<T> {
    r.map_err(|e| notes.push(format!("{what}: {e}"))).ok()
}
