//! Markov-switching models: univariate switching mean and variance, and bivariate
//! (target, hedge) with state-dependent means, variances and correlation; optional
//! time-varying transition probabilities (TVTP) with a logistic link.
//!
//! # Formula
//! A hidden state s_t ∈ {0, …, k−1} follows a Markov chain with row-stochastic transition
//! matrix P, P_ij = Pr(s_t = j | s_{t−1} = i). Given s_t = j:
//! - univariate: y_t ~ N(μ_j, σ²_j) (statsmodels
//!   `MarkovRegression(y, k_regimes=k, trend='c', switching_variance=True)`);
//! - bivariate: (T_t, H_t) ~ N₂((μ_Tj, μ_Hj), [[σ²_Tj, ρ_j σ_Tj σ_Hj], [ρ_j σ_Tj σ_Hj, σ²_Hj]]).
//!
//! The first state is drawn from the ergodic distribution of P (statsmodels' default).
//! With TVTP each row is a multinomial logit in an exogenous driver x: P_ij,t ∝
//! exp(a_ij + b_ij x_{t−1}) for j < k−1 and ∝ 1 for j = k−1 (Diebold, Lee and Weinbach 1994;
//! Filardo 1994); `tvtp[t]` (the VIX level, say) drives the transition from t to t+1, and the
//! first state is drawn from the ergodic distribution of P(x_0).
//!
//! The Hamilton filter and the Kim smoother, in logs (log-sum-exp):
//! ```text
//! ln ξ_{t|t−1}(j) = lse_i( ln ξ_{t−1|t−1}(i) + ln P_ij )
//! ln f_t          = lse_j( ln ξ_{t|t−1}(j) + ln η_t(j) ),    ℓ = Σ_t ln f_t
//! ln ξ_{t|t}(j)   = ln ξ_{t|t−1}(j) + ln η_t(j) − ln f_t
//! ln ξ_{t|n}(i)   = ln ξ_{t|t}(i) + lse_j( ln P_ij + ln ξ_{t+1|n}(j) − ln ξ_{t+1|t}(j) )
//! ```
//! They are evaluated in probabilities: unnormalised forward and backward variables
//! (α_t = (Pᵀ α_{t−1}) ∘ η_t, β_t = P (η_{t+1} ∘ β_{t+1}); ξ_{t|t} ∝ α_t, ξ_{t|n} ∝ α_t ∘ β_t;
//! Rabiner 1989) rescaled by exact powers of two, with each date's densities divided by
//! the larger of the two for k = 2. That is the same function, reorganised so that a pass
//! costs one exponential per date (k = 2; k for k ≥ 3) and no logarithm, and the recursions
//! carried from date to date are multiplications and additions only. Where that could lose
//! precision to underflow (a transition probability below 1e-30, or all of a date's
//! densities below about 1e-250 for k ≥ 3) the pass hands over to the log-space recursions
//! above, so any sample length and any outlier stay safe. Both agree to rounding (tested).
//!
//! # Estimation
//! Several starts (one deterministic, the rest drawn from a seeded ChaCha8 generator) each
//! take `em_iter` EM steps (closed-form M-step; Hamilton 1990); the best three are polished
//! by BFGS on an unconstrained parametrisation (means, log σ, atanh ρ, row-wise logits of
//! P) with the exact gradient from the Fisher identity (expected complete-data score under
//! the smoothed probabilities, plus the derivative of the ergodic initial distribution).
//! For the univariate model with constant transitions BFGS starts from the inverse of the
//! complete-data (EM) information at the EM point instead of the identity, which about
//! halves its iterations (25 → 11 on the benchmark fit, same optimum).
//! With TVTP the constant-probability optima are only starting points: BFGS on the TVTP
//! likelihood runs from each of them (zero slopes), from statsmodels' default start
//! (`MarkovRegression.start_params`: means β·j/k, variances `linspace(var/10, var, k)`, all
//! transition coefficients zero) and from persistent starts that group the rows by the k
//! quantile bins of the driver and of the trailing 20-row mean of y² (group moments, counted
//! transitions); the best converged optimum wins. (Started from the constant optimum alone,
//! markov3 on the VIX stopped at a boundary optimum 7 log-likelihood points below
//! statsmodels'.) The series are standardised internally and the estimates mapped back to input units.
//! States are then ordered by variance: state 0 has the lowest variance (calm); for the
//! bivariate model by σ²_T/Var(T) + σ²_H/Var(H).
//!
//! # Standard errors
//! From the inverse of the numerical Hessian (central differences of the analytic gradient)
//! of the log-likelihood in the unconstrained parameters, mapped to the reported parameters
//! (μ, σ², ρ, p[i->j]) by the delta method. At an interior optimum this equals the inverse
//! Hessian in the reported parameters — statsmodels' default `cov_type='approx'`. Not robust
//! (sandwich) errors. At a boundary optimum (a transition probability → 0) the Hessian is
//! singular: every standard error is `None` and [`MarkovFit::std_error_note`] names the
//! boundary parameters.
//!
//! # References
//! - Hamilton, J. D. (1989). A new approach to the economic analysis of nonstationary time
//!   series and the business cycle. *Econometrica* 57, 357–384.
//! - Hamilton, J. D. (1990). Analysis of time series subject to changes in regime. *Journal of
//!   Econometrics* 45, 39–70.
//! - Kim, C.-J. (1994). Dynamic linear models with Markov-switching. *Journal of Econometrics*
//!   60, 1–22.
//! - Diebold, F. X., Lee, J.-H. and Weinbach, G. (1994). Regime switching with time-varying
//!   transition probabilities. In *Nonstationary Time Series Analysis and Cointegration*.
//! - Filardo, A. J. (1994). Business-cycle phases and their transitional dynamics. *Journal
//!   of Business & Economic Statistics* 12, 299–308.
//! - Rabiner, L. R. (1989). A tutorial on hidden Markov models and selected applications in
//!   speech recognition. *Proceedings of the IEEE* 77, 257–286 (scaled forward-backward).

use crosshedge_core::regime::Labeling;
use crosshedge_core::Date;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::common::{check_series, ParamEstimate};
use crate::optim::{self, lse, BfgsOptions};
use crate::RegimeError;

const MODEL: &str = "markov-switching";
const MAXK: usize = 4;
/// A state with an expected duration below this many periods (p_ii < 1/2) is a spike state,
/// not a regime: see [`MarkovFit::spike_states`].
pub const SPIKE_MAX_DURATION: f64 = 2.0;
/// Minimum observations per regime for a Markov-switching fit.
pub const MARKOV_MIN_OBS_PER_REGIME: usize = 25;

/// Options for [`fit_markov`] and [`fit_markov_bivariate`].
#[derive(Debug, Clone, PartialEq)]
pub struct MarkovOptions {
    /// Number of regimes, 2 or 3 (up to 4 accepted).
    pub k_regimes: usize,
    /// Number of starting points (the first is deterministic); at least 1.
    pub n_starts: usize,
    /// Seed of the ChaCha8 generator drawing the random starts.
    pub seed: u64,
    /// EM iterations run from every start before the BFGS polish.
    pub em_iter: usize,
    /// Maximum BFGS iterations.
    pub max_iter: usize,
    /// Time-varying transition probabilities: the driver `x_t` (same length as the data),
    /// where `x_t` drives the transition from t to t+1. `None` for constant probabilities.
    pub tvtp: Option<Vec<f64>>,
    /// An explicit start (then `n_starts` is ignored): see [`MarkovStart`].
    pub start: Option<MarkovStart>,
}

impl Default for MarkovOptions {
    fn default() -> Self {
        Self {
            k_regimes: 2,
            n_starts: 6,
            seed: 42,
            em_iter: 20,
            max_iter: 500,
            tvtp: None,
            start: None,
        }
    }
}

/// Explicit starting values, in the units of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkovStart {
    /// Per-state parameters (means, variances, correlation for the bivariate model).
    pub states: Vec<RegimeParams>,
    /// Row-stochastic transition matrix, `transition[i][j]` = Pr(j | i).
    pub transition: Vec<Vec<f64>>,
}

/// Model variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MarkovKind {
    /// One series, switching mean and variance.
    Univariate,
    /// (target, hedge), switching means, variances and correlation.
    Bivariate,
}

/// Parameters of one regime, in input units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeParams {
    /// Means: `[μ]` or `[μ_T, μ_H]`.
    pub mean: Vec<f64>,
    /// Variances per period: `[σ²]` or `[σ²_T, σ²_H]`.
    pub variance: Vec<f64>,
    /// Correlation ρ between target and hedge (bivariate only).
    pub correlation: Option<f64>,
}

/// Time-varying transition coefficients: P_ij,t ∝ exp(a_ij + b_ij x_t), j < k−1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TvtpCoefficients {
    /// Intercepts a_ij, `k × (k−1)`.
    pub intercept: Vec<Vec<f64>>,
    /// Slopes b_ij on the driver, `k × (k−1)`.
    pub slope: Vec<Vec<f64>>,
}

/// A fitted Markov-switching model. State 0 is the lowest-variance (calm) state.
#[derive(Debug, Clone, Serialize)]
pub struct MarkovFit {
    /// Univariate or bivariate.
    pub kind: MarkovKind,
    /// Number of regimes.
    pub k_regimes: usize,
    /// Default state names: `calm`/`stress` or `calm`/`normal`/`stress` (`state{i}` beyond 3).
    pub state_names: Vec<String>,
    /// Per-state parameters.
    pub regimes: Vec<RegimeParams>,
    /// All estimates with standard errors (inverse numerical Hessian; see module docs).
    /// Names follow statsmodels: `const[j]`, `sigma2[j]` (univariate); `mean_target[j]`,
    /// `mean_hedge[j]`, `sigma2_target[j]`, `sigma2_hedge[j]`, `rho[j]` (bivariate);
    /// `p[i->j]` (constant transitions) or `a[i->j]`, `b[i->j]` (TVTP).
    pub params: Vec<ParamEstimate>,
    /// Bivariate only: the regime's minimum-variance hedge ratio h*_j = ρ_j σ_T,j / σ_H,j
    /// (units of target per unit of hedge), one per state.
    pub hedge_ratios: Option<Vec<f64>>,
    /// Bivariate only: the decorrelation factor k = h*_stress / h*_calm (last over first
    /// state, DESIGN §3); `None` when h*_calm is zero.
    pub decorrelation_factor: Option<f64>,
    /// Row-stochastic transition matrix; with TVTP, the one for the transition after the
    /// last observation.
    pub transition: Vec<Vec<f64>>,
    /// TVTP coefficients, when fitted with a driver.
    pub tvtp: Option<TvtpCoefficients>,
    /// Expected durations 1 / (1 − p_ii), in periods, from `transition`.
    pub expected_durations: Vec<f64>,
    /// Ergodic (long-run) state probabilities of `transition`.
    pub ergodic: Vec<f64>,
    /// Maximised log-likelihood.
    pub loglik: f64,
    /// Akaike information criterion.
    pub aic: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Observations.
    pub n_obs: usize,
    /// Filtered probabilities Pr(s_t = j | y_1..y_t), one row per observation.
    pub filtered: Vec<Vec<f64>>,
    /// Smoothed probabilities Pr(s_t = j | y_1..y_n), one row per observation.
    pub smoothed: Vec<Vec<f64>>,
    /// One-step-ahead regime forecast Pr(s_{n+1} = j | y_1..y_n).
    pub forecast: Vec<f64>,
    /// BFGS iterations of the winning start.
    pub iterations: usize,
    /// Filter-smoother evaluations (with gradient) in the BFGS polish of the winning start.
    pub evaluations: usize,
    /// Largest |gradient| of the mean log-likelihood at the optimum.
    pub gradient_max: f64,
    /// Why the standard errors are missing (`null` in every `params` entry), when they are:
    /// the Hessian is singular or not negative definite at the optimum, with the parameters
    /// at the boundary (a transition logit beyond ±15, i.e. a probability within ~3e-7 of 0
    /// or 1) named. `None` when the standard errors were computed.
    pub std_error_note: Option<String>,
}

impl MarkovFit {
    /// The most likely smoothed state of each observation.
    pub fn most_likely_states(&self) -> Vec<usize> {
        self.smoothed
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |b, (i, &p)| if p > b.1 { (i, p) } else { b })
                    .0
            })
            .collect()
    }

    /// States whose expected duration (from [`MarkovFit::transition`]) is below
    /// [`SPIKE_MAX_DURATION`] periods, i.e. p_ii < 1/2: the chain is more likely to leave the
    /// state the next period than to stay. Such a state marks isolated outlier days (a one-day
    /// VIX spike), not a regime that persists, so labelling dates by it is not a regime split.
    pub fn spike_states(&self) -> Vec<usize> {
        (0..self.k_regimes)
            .filter(|&i| self.expected_durations.get(i).is_some_and(|d| *d < SPIKE_MAX_DURATION))
            .collect()
    }

    /// The filtered probabilities of the last observation: the current regime probabilities.
    pub fn current_probabilities(&self) -> &[f64] {
        self.filtered.last().map_or(&[], |v| v.as_slice())
    }

    /// The most likely current regime (largest filtered probability of the last observation).
    pub fn current_state(&self) -> usize {
        self.current_probabilities()
            .iter()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |b, (i, &p)| if p > b.1 { (i, p) } else { b })
            .0
    }

    /// Convert to a [`Labeling`] (most likely smoothed state per date, names from
    /// [`MarkovFit::state_names`]). `dates[t]` is the date of observation t.
    ///
    /// # Errors
    /// [`RegimeError::LengthMismatch`] if `dates` does not have one date per observation,
    /// [`RegimeError::InvalidInput`] if the dates are not strictly increasing.
    pub fn to_labeling(&self, name: &str, dates: &[Date]) -> Result<Labeling, RegimeError> {
        if dates.len() != self.n_obs {
            return Err(RegimeError::LengthMismatch {
                model: MODEL,
                what: "dates",
                got: dates.len(),
                expected: self.n_obs,
            });
        }
        if dates.windows(2).any(|w| w[0] >= w[1]) {
            return Err(RegimeError::InvalidInput {
                model: MODEL,
                what: "dates",
                reason: "not strictly increasing".into(),
            });
        }
        Ok(Labeling {
            name: name.to_string(),
            states: self.state_names.clone(),
            dates: dates.to_vec(),
            labels: self.most_likely_states().into_iter().map(Some).collect(),
        })
    }
}

/// Default state names for k regimes.
pub fn state_names(k: usize) -> Vec<String> {
    match k {
        2 => vec!["calm".into(), "stress".into()],
        3 => vec!["calm".into(), "normal".into(), "stress".into()],
        _ => (0..k).map(|i| format!("state{i}")).collect(),
    }
}

/// The internal model: standardised data, layout of the unconstrained parameter vector.
struct Model {
    k: usize,
    /// Emission parameters per state: 2 (μ, ln σ) or 5 (μ_T, μ_H, ln σ_T, ln σ_H, atanh ρ).
    ne: usize,
    y1: Vec<f64>,
    y2: Vec<f64>,
    x: Option<Vec<f64>>,
}

/// Scratch space for the filter and smoother (n × k, row-major). One `Work` serves one data
/// set (the density cache is tagged with the model's data buffers).
struct Work {
    /// Log-space pass: ln η, ln ξ_{t|t−1}, ln ξ_{t|t}, ln ξ_{t|n} (empty until it first runs).
    ld: Vec<f64>,
    lp: Vec<f64>,
    lf: Vec<f64>,
    ls: Vec<f64>,
    /// ξ_{t|t} and ξ_{t|n} (filled by both passes). The probability pass leaves the rows of
    /// `pf` unnormalised (α_t, ξ_{t|t} up to a positive factor per date): read them through
    /// [`normalised_rows`].
    pf: Vec<f64>,
    ps: Vec<f64>,
    /// Probability pass: the densities η_t(j).
    eta: Vec<f64>,
    /// The emission parameters each column of `eta` was computed with, and the data it was
    /// computed on (addresses of `y1`, `y2` and n).
    eta_key: [Option<[f64; 5]>; MAXK],
    eta_tag: (usize, usize, usize),
    /// Σ_t s_t, the logarithm of the common factors taken out of `eta` (see
    /// [`Model::densities`]).
    eta_shift: f64,
    /// TVTP transition matrices per date (n × k × k), probability pass.
    ptr: Vec<f64>,
    /// Whether the last evaluation fell back to the log-space pass.
    log_path: bool,
    /// Always use the log-space pass (tests compare the two).
    force_log: bool,
    /// The sufficient statistics and smoothed transition counts of the last evaluation that
    /// ran the smoother.
    last_stats: [Stats; MAXK],
    last_counts: Mat,
}

/// Outcome of [`Model::pass_prob`].
enum Pass {
    /// The log-likelihood; `w.pf`, `w.ps` (when smoothing) and the counts are filled.
    Done(f64),
    /// A parameter is out of range or the ergodic distribution does not exist.
    Infeasible,
    /// Too close to underflow for the probability pass: run [`Model::pass_log`].
    Fallback,
}

/// Smallest transition probability the probability pass accepts (a logit beyond about ±69 is
/// left to the log pass): it keeps every backward variable within a factor k / P_MIN of
/// their sum.
const P_MIN: f64 = 1e-30;
/// Smallest sum of the forward (or backward) variables the probability pass accepts at a date,
/// the previous date's sum being in [2^-64, 2^64] (a predictive density below about 1e-270:
/// an observation some 35 standard deviations from every state's mean). With it and
/// [`P_MIN`], a product that underflows to a subnormal changes a filtered probability by
/// < 2.3e-308 / F_MIN and a smoothed one by < k / P_MIN times that (< 1e-27).
const F_MIN: f64 = 1e-250;
/// Smallest Σ_i α_t(i) β_t(i) the probability pass accepts in its smoother.
const NORM_MIN: f64 = 1e-290;
/// The probability pass rescales its unnormalised forward and backward variables by a power
/// of two when their sum leaves [RESCALE_LO, RESCALE_HI].
const RESCALE_LO: f64 = 5.421_010_862_427_522e-20; // 2^-64
const RESCALE_HI: f64 = 1.844_674_407_370_955_2e19; // 2^64

/// The rows (of length k) of `v`, each divided by its sum.
fn normalised_rows(v: &[f64], k: usize) -> Vec<Vec<f64>> {
    v.chunks_exact(k)
        .map(|r| {
            let s: f64 = r.iter().sum();
            r.iter().map(|x| x / s).collect()
        })
        .collect()
}

/// For a positive normal `c` = m · 2^e (1 ≤ m < 2): (2^-e, e), so that c · 2^-e ∈ [1, 2)
/// exactly.
fn pow2_inverse(c: f64) -> (f64, i64) {
    let e = ((c.to_bits() >> 52) & 0x7ff) as i64 - 1023;
    (f64::from_bits(((1023 - e) as u64) << 52), e)
}

/// Per-state sufficient statistics under the smoothed weights.
#[derive(Clone, Copy, Default)]
struct Stats {
    w: f64,
    s1: f64,
    s2: f64,
    s11: f64,
    s22: f64,
    s12: f64,
}

type Mat = [[f64; MAXK]; MAXK];

impl Stats {
    /// Add observation (a, b) with weight p (b is ignored for the univariate model).
    #[inline]
    fn add(&mut self, p: f64, a: f64, b: f64, bivariate: bool) {
        self.w += p;
        self.s1 += p * a;
        self.s11 += p * a * a;
        if bivariate {
            self.s2 += p * b;
            self.s22 += p * b * b;
            self.s12 += p * a * b;
        }
    }
}

impl Model {
    fn bivariate(&self) -> bool {
        self.ne == 5
    }
    fn n(&self) -> usize {
        self.y1.len()
    }
    fn n_trans(&self) -> usize {
        self.k * (self.k - 1)
    }
    fn n_params(&self) -> usize {
        self.k * self.ne + self.n_trans() * if self.x.is_some() { 2 } else { 1 }
    }

    /// Log transition matrix for driver value `xv` (ignored without TVTP).
    fn log_trans(&self, tp: &[f64], xv: f64) -> Mat {
        let k = self.k;
        let nt = self.n_trans();
        let mut m = [[0.0; MAXK]; MAXK];
        for i in 0..k {
            let mut l = [0.0; MAXK];
            for j in 0..k - 1 {
                l[j] = tp[i * (k - 1) + j];
                if self.x.is_some() {
                    l[j] += tp[nt + i * (k - 1) + j] * xv;
                }
            }
            l[k - 1] = 0.0;
            let z = lse(&l[..k]);
            for j in 0..k {
                m[i][j] = l[j] - z;
            }
        }
        m
    }

    /// Ergodic distribution of P(x_0) (the first state's distribution); `None` if it does
    /// not exist or a state has probability 0.
    fn ergodic_probs(&self, tp: &[f64]) -> Option<[f64; MAXK]> {
        let x0 = self.x.as_ref().map_or(0.0, |x| x[0]);
        let p = self.trans(tp, x0);
        let pi = ergodic(&p, self.k)?;
        pi[..self.k].iter().all(|v| *v > 0.0).then_some(pi)
    }

    fn log_ergodic(&self, tp: &[f64]) -> Option<[f64; MAXK]> {
        let pi = self.ergodic_probs(tp)?;
        let mut out = [0.0; MAXK];
        for j in 0..self.k {
            out[j] = pi[j].ln();
        }
        Some(out)
    }

    /// Fill the log densities; false if a parameter is out of range.
    fn log_dens(&self, u: &[f64], ld: &mut [f64]) -> bool {
        let k = self.k;
        let ln2pi = (2.0 * std::f64::consts::PI).ln();
        for j in 0..k {
            let e = &u[j * self.ne..(j + 1) * self.ne];
            if self.bivariate() {
                let (m1, m2, l1, l2, r) = (e[0], e[1], e[2], e[3], e[4].tanh());
                if l1 < -12.0 || l2 < -12.0 || l1 > 12.0 || l2 > 12.0 || r.abs() > 0.999_999 {
                    return false;
                }
                let (i1, i2) = ((-l1).exp(), (-l2).exp());
                let om = 1.0 - r * r;
                let c = -ln2pi - l1 - l2 - 0.5 * om.ln();
                for t in 0..self.n() {
                    let a = (self.y1[t] - m1) * i1;
                    let b = (self.y2[t] - m2) * i2;
                    ld[t * k + j] = c - 0.5 * (a * a - 2.0 * r * a * b + b * b) / om;
                }
            } else {
                let (m, l) = (e[0], e[1]);
                if !(-12.0..=12.0).contains(&l) {
                    return false;
                }
                let iv = (-2.0 * l).exp();
                let c = -0.5 * ln2pi - l;
                for t in 0..self.n() {
                    let d = self.y1[t] - m;
                    ld[t * k + j] = c - 0.5 * d * d * iv;
                }
            }
        }
        true
    }

    /// Hamilton filter (and, when `grad` or `em` is given, the Kim smoother, the sufficient
    /// statistics and the gradient or the closed-form EM update). Returns the
    /// log-likelihood, `-inf` when infeasible.
    ///
    /// The filter and smoother run in rescaled probabilities ([`Model::pass_prob`]: one
    /// exponential per date for k = 2, k for k ≥ 3, one logarithm per pass); when that pass
    /// cannot vouch for its result (a transition probability below [`P_MIN`], a forward or
    /// backward sum below [`F_MIN`], a smoother normalisation below [`NORM_MIN`]) the same
    /// quantities come from the log-space pass ([`Model::pass_log`]). Both compute the same
    /// numbers up to rounding.
    fn eval(
        &self,
        u: &[f64],
        w: &mut Work,
        grad: Option<&mut [f64]>,
        em: Option<&mut Vec<f64>>,
    ) -> f64 {
        let k = self.k;
        let n = self.n();
        let ke = k * self.ne;
        let tp = &u[ke..];
        let smooth = grad.is_some() || em.is_some();
        let mut counts = [[0.0; MAXK]; MAXK];
        let mut gtr = vec![0.0; tp.len()];
        let mut st = [Stats::default(); MAXK];
        let pass = match k {
            _ if w.force_log => Pass::Fallback,
            2 => self.pass_prob::<2>(u, w, smooth, &mut counts, &mut gtr, &mut st),
            3 => self.pass_prob::<3>(u, w, smooth, &mut counts, &mut gtr, &mut st),
            _ => self.pass_prob::<MAXK>(u, w, smooth, &mut counts, &mut gtr, &mut st),
        };
        let ll = match pass {
            Pass::Done(ll) => {
                w.log_path = false;
                ll
            }
            Pass::Infeasible => return f64::NEG_INFINITY,
            Pass::Fallback => {
                w.log_path = true;
                counts = [[0.0; MAXK]; MAXK];
                gtr.fill(0.0);
                self.pass_log(u, w, smooth, &mut counts, &mut gtr)
            }
        };
        if !ll.is_finite() {
            return f64::NEG_INFINITY;
        }
        if !smooth {
            return ll;
        }
        let const_p = self.trans(tp, 0.0);
        if w.log_path {
            // Sufficient statistics per state (the probability pass accumulates them itself).
            st = [Stats::default(); MAXK];
            for t in 0..n {
                let (a, b) = (self.y1[t], if self.bivariate() { self.y2[t] } else { 0.0 });
                for j in 0..k {
                    st[j].add(w.ps[t * k + j], a, b, self.bivariate());
                }
            }
        }
        if let Some(out) = em {
            // Closed-form M-step (the ergodic initial distribution is ignored here).
            out.clear();
            out.extend_from_slice(u);
            for j in 0..k {
                let s = st[j];
                if !(s.w > 1e-8) {
                    continue;
                }
                let m1 = s.s1 / s.w;
                let v1 = (s.s11 / s.w - m1 * m1).max(1e-10);
                let e = &mut out[j * self.ne..(j + 1) * self.ne];
                if self.bivariate() {
                    let m2 = s.s2 / s.w;
                    let v2 = (s.s22 / s.w - m2 * m2).max(1e-10);
                    let c = s.s12 / s.w - m1 * m2;
                    let r = (c / (v1 * v2).sqrt()).clamp(-0.999, 0.999);
                    e.copy_from_slice(&[m1, m2, 0.5 * v1.ln(), 0.5 * v2.ln(), r.atanh()]);
                } else {
                    e[0] = m1;
                    e[1] = 0.5 * v1.ln();
                }
            }
            if self.x.is_none() {
                for i in 0..k {
                    let row: f64 = counts[i][..k].iter().sum();
                    if row > 1e-10 {
                        let pl = (counts[i][k - 1] / row).max(1e-12);
                        for j in 0..k - 1 {
                            let pj = (counts[i][j] / row).max(1e-12);
                            out[ke + i * (k - 1) + j] = (pj / pl).ln();
                        }
                    }
                }
            }
        }
        w.last_stats = st;
        w.last_counts = counts;
        if let Some(g) = grad {
            for j in 0..k {
                let e = &u[j * self.ne..(j + 1) * self.ne];
                let ge = &mut g[j * self.ne..(j + 1) * self.ne];
                emission_grad(e, &st[j], self.bivariate(), ge);
            }
            if self.x.is_none() {
                for i in 0..k {
                    let row: f64 = counts[i][..k].iter().sum();
                    for j in 0..k - 1 {
                        gtr[i * (k - 1) + j] = counts[i][j] - row * const_p[i][j];
                    }
                }
            }
            // Derivative of Σ_j ξ_{0|n}(j) ln π_j with respect to the transition parameters.
            let sm0 = &w.ps[..k];
            let mut tpv = tp.to_vec();
            for q in 0..tp.len() {
                let h = 1e-6;
                tpv[q] = tp[q] + h;
                let fp = self.log_ergodic(&tpv);
                tpv[q] = tp[q] - h;
                let fm = self.log_ergodic(&tpv);
                tpv[q] = tp[q];
                if let (Some(a), Some(b)) = (fp, fm) {
                    gtr[q] += (0..k).map(|j| sm0[j] * (a[j] - b[j])).sum::<f64>() / (2.0 * h);
                }
            }
            g[ke..].copy_from_slice(&gtr);
        }
        ll
    }

    /// Inverse of the complete-data (EM) information at `u`, in the unconstrained parameters,
    /// for the univariate model with constant transitions (`None` otherwise, or if it is not
    /// positive definite): the starting inverse Hessian of the BFGS polish, so that its
    /// first steps are scaled like EM steps rather than by the identity.
    ///
    /// # Formula
    /// With the smoothed weights' statistics (w, s1, s11) of state j, iv = e^{−2 ln σ} and
    /// A = s11 − 2μ s1 + μ² w: I(μ) = w iv, I(ln σ) = 2 iv A (cross terms dropped); row i of
    /// the transition logits: N_i (diag(p) − p pᵀ) over the k − 1 free logits, N_i the
    /// row's smoothed transition count (Hamilton 1990; the missing information is left for
    /// BFGS to learn).
    fn complete_info_inverse(&self, u: &[f64], w: &mut Work) -> Option<Vec<f64>> {
        if self.bivariate() || self.x.is_some() {
            return None;
        }
        let k = self.k;
        let np = self.n_params();
        let mut g = vec![0.0; np];
        if !self.eval(u, w, Some(&mut g), None).is_finite() {
            return None;
        }
        let mut h = vec![0.0; np * np];
        for j in 0..k {
            let s = w.last_stats[j];
            let (m, l) = (u[2 * j], u[2 * j + 1]);
            let iv = (-2.0 * l).exp();
            let a = s.s11 - 2.0 * m * s.s1 + m * m * s.w;
            let (im, il) = (s.w * iv, 2.0 * iv * a);
            if !(im > 0.0 && il > 0.0 && im.is_finite() && il.is_finite()) {
                return None;
            }
            h[2 * j * np + 2 * j] = 1.0 / im;
            h[(2 * j + 1) * np + 2 * j + 1] = 1.0 / il;
        }
        let p = self.trans(&u[2 * k..], 0.0);
        let f = k - 1;
        for i in 0..k {
            let ni: f64 = w.last_counts[i][..k].iter().sum();
            let mut blk = vec![0.0; f * f];
            for a in 0..f {
                for b in 0..f {
                    let d = if a == b { p[i][a] } else { 0.0 };
                    blk[a * f + b] = ni * (d - p[i][a] * p[i][b]);
                }
            }
            let inv = optim::invert(&blk, f)?;
            let off = 2 * k + i * f;
            for a in 0..f {
                if !(inv[a * f + a] > 0.0 && inv[a * f + a].is_finite()) {
                    return None;
                }
                for b in 0..f {
                    h[(off + a) * np + off + b] = inv[a * f + b];
                }
            }
        }
        Some(h)
    }

    /// The Hamilton filter and (with `smooth`) the Kim smoother in logs: fills `w.lp`, `w.lf`,
    /// `w.ls` and their exponentials `w.pf`, `w.ps`, accumulates the smoothed transition
    /// counts (constant P) or the transition part of the score (TVTP) into `counts` / `gtr`.
    /// Returns the log-likelihood, `-inf` when infeasible. Slower than [`Model::pass_prob`]
    /// (k + 1 logarithms and about 2k exponentials per date and pass) but safe for any
    /// density: the fallback when the probability pass cannot vouch for its result.
    fn pass_log(
        &self,
        u: &[f64],
        w: &mut Work,
        smooth: bool,
        counts: &mut Mat,
        gtr: &mut [f64],
    ) -> f64 {
        let k = self.k;
        let n = self.n();
        let ke = k * self.ne;
        let tp = &u[ke..];
        if w.lf.len() != n * k {
            // Allocated on first use: the probability pass rarely hands over.
            for v in [&mut w.ld, &mut w.lp, &mut w.lf, &mut w.ls] {
                v.resize(n * k, 0.0);
            }
        }
        if !self.log_dens(u, &mut w.ld) {
            return f64::NEG_INFINITY;
        }
        let Some(lpi) = self.log_ergodic(tp) else {
            return f64::NEG_INFINITY;
        };
        let const_lt = self.log_trans(tp, 0.0);
        let exp_mat = |lt: &Mat| {
            let mut m = [[0.0; MAXK]; MAXK];
            for i in 0..k {
                for j in 0..k {
                    m[i][j] = lt[i][j].exp();
                }
            }
            m
        };
        let const_p = exp_mat(&const_lt);
        // Forward pass. Everything stored is a logarithm; the mixing step is the log-sum-exp
        // lse_i(ln ξ(i) + ln P_ij) = ln Σ_i ξ(i) P_ij evaluated with the filtered
        // probabilities ξ(i) = exp(ln ξ(i) − max) kept from the previous step (max = 0 after
        // normalisation), so each step costs k exponentials and k + 1 logarithms.
        let mut ll = 0.0;
        let mut tmp = [0.0; MAXK];
        let mut filt = [0.0; MAXK];
        for t in 0..n {
            if t == 0 {
                w.lp[..k].copy_from_slice(&lpi[..k]);
            } else {
                let (lt, pm) = match &self.x {
                    Some(x) => {
                        let lt = self.log_trans(tp, x[t - 1]);
                        (lt, exp_mat(&lt))
                    }
                    None => (const_lt, const_p),
                };
                for j in 0..k {
                    let mut acc = 0.0;
                    for i in 0..k {
                        acc += filt[i] * pm[i][j];
                    }
                    w.lp[t * k + j] = if acc > 1e-300 {
                        acc.ln()
                    } else {
                        // Extreme tail: fall back to the explicit log-sum-exp.
                        for i in 0..k {
                            tmp[i] = w.lf[(t - 1) * k + i] + lt[i][j];
                        }
                        lse(&tmp[..k])
                    };
                }
            }
            let mut m = f64::NEG_INFINITY;
            for j in 0..k {
                tmp[j] = w.lp[t * k + j] + w.ld[t * k + j];
                m = m.max(tmp[j]);
            }
            if !m.is_finite() {
                return f64::NEG_INFINITY;
            }
            let mut sum = 0.0;
            for j in 0..k {
                filt[j] = (tmp[j] - m).exp();
                sum += filt[j];
            }
            let lf_t = m + sum.ln();
            ll += lf_t;
            for j in 0..k {
                filt[j] /= sum;
                w.pf[t * k + j] = filt[j];
                w.lf[t * k + j] = tmp[j] - lf_t;
            }
        }
        if !ll.is_finite() {
            return f64::NEG_INFINITY;
        }
        if !smooth {
            return ll;
        }
        // Kim smoother, in logs, with the smoothed joint transition counts. With
        // r_j = ln ξ_{t+1|n}(j) − ln ξ_{t+1|t}(j) and m = max_j r_j:
        // ln ξ_{t|n}(i) = ln ξ_{t|t}(i) + m + ln Σ_j P_ij e^{r_j − m}.
        let nt = self.n_trans();
        let last = (n - 1) * k;
        w.ls[last..last + k].copy_from_slice(&w.lf[last..last + k]);
        w.ps[last..last + k].copy_from_slice(&w.pf[last..last + k]);
        for t in (0..n - 1).rev() {
            let (lt, pm) = match &self.x {
                Some(x) => {
                    let lt = self.log_trans(tp, x[t]);
                    (lt, exp_mat(&lt))
                }
                None => (const_lt, const_p),
            };
            let mut r = [0.0; MAXK];
            let mut m = f64::NEG_INFINITY;
            for j in 0..k {
                r[j] = w.ls[(t + 1) * k + j] - w.lp[(t + 1) * k + j];
                m = m.max(r[j]);
            }
            let mut er = [0.0; MAXK];
            for j in 0..k {
                er[j] = (r[j] - m).exp();
            }
            let em = if m < 600.0 { m.exp() } else { f64::INFINITY };
            for i in 0..k {
                let mut acc = 0.0;
                for j in 0..k {
                    acc += pm[i][j] * er[j];
                }
                let lfi = w.lf[t * k + i];
                let lsi = if acc > 1e-300 {
                    lfi + m + acc.ln()
                } else {
                    for j in 0..k {
                        tmp[j] = lt[i][j] + r[j];
                    }
                    lfi + lse(&tmp[..k])
                };
                w.ls[t * k + i] = lsi;
                // Joint smoothed probability ξ(i, j) = e^{ln ξ_{t|t}(i) + m} P_ij e^{r_j − m}, and
                // ξ_{t|n}(i) = e^{ln ξ_{t|t}(i) + m} Σ_j P_ij e^{r_j − m}; one exponential e^m
                // per date unless m is extreme.
                let mut xi = [0.0; MAXK];
                let mut xrow = 0.0;
                if m < 600.0 {
                    let fi = w.pf[t * k + i] * em;
                    for j in 0..k {
                        xi[j] = fi * pm[i][j] * er[j];
                        xrow += xi[j];
                    }
                    w.ps[t * k + i] = fi * acc;
                } else {
                    for j in 0..k {
                        xi[j] = (lfi + lt[i][j] + r[j]).exp();
                        xrow += xi[j];
                    }
                    w.ps[t * k + i] = lsi.exp();
                }
                if self.x.is_some() {
                    let xv = self.x.as_ref().map_or(0.0, |x| x[t]);
                    for j in 0..k - 1 {
                        let g = xi[j] - xrow * pm[i][j];
                        gtr[i * (k - 1) + j] += g;
                        gtr[nt + i * (k - 1) + j] += g * xv;
                    }
                } else {
                    for j in 0..k {
                        counts[i][j] += xi[j];
                    }
                }
            }
        }
        ll
    }

    /// Transition matrix for driver value `xv` (ignored without TVTP): each row the softmax
    /// of its logits (the last logit is 0), P_ij = e^{l_j − m} / Σ_h e^{l_h − m}, m = max_h l_h.
    fn trans(&self, tp: &[f64], xv: f64) -> Mat {
        let k = self.k;
        let nt = self.n_trans();
        let mut m = [[0.0; MAXK]; MAXK];
        for i in 0..k {
            let mut l = [0.0; MAXK];
            for j in 0..k - 1 {
                l[j] = tp[i * (k - 1) + j];
                if self.x.is_some() {
                    l[j] += tp[nt + i * (k - 1) + j] * xv;
                }
            }
            let mx = l[..k].iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            let mut sum = 0.0;
            for j in 0..k {
                m[i][j] = (l[j] - mx).exp();
                sum += m[i][j];
            }
            for j in 0..k {
                m[i][j] /= sum;
            }
        }
        m
    }

    /// Fill `w.eta` (n × K, row-major) with the Gaussian densities, each date's scaled by a
    /// common factor e^{−s_t}, and `w.eta_shift` with Σ_t s_t; false if a parameter is out of
    /// range (the same ranges as [`Model::log_dens`], whose ln η_t(j) these are). A common
    /// factor per date cancels from every filtered and smoothed probability and shifts ℓ by
    /// Σ_t s_t, so:
    /// - k = 2: s_t = max_j ln η_t(j), and the two scaled densities are 1 and e^{−|ln η_t(1) −
    ///   ln η_t(0)|}: one exponential per date instead of two, and no density underflows (the
    ///   larger is 1);
    /// - k ≥ 3: s_t = 0, η_t(j) = e^{ln η_t(j)}, one column per state; a column is kept when
    ///   its state's emission parameters are bit-for-bit those it was computed with.
    ///
    /// For k = 2 both columns are kept when both states' parameters are unchanged (the
    /// standard errors' stencil moves one parameter at a time: every transition parameter's
    /// evaluations reuse the densities).
    fn densities<const K: usize>(&self, u: &[f64], w: &mut Work) -> bool {
        let n = self.n();
        let ne = self.ne;
        let tag = (self.y1.as_ptr() as usize, self.y2.as_ptr() as usize, n);
        if w.eta_tag != tag || w.eta.len() != n * K {
            w.eta_tag = tag;
            w.eta.resize(n * K, 0.0);
            w.eta_key = [None; MAXK];
        }
        let mut dens = [Dens::default(); MAXK];
        let mut keys = [[0.0; 5]; MAXK];
        let mut fresh = [false; MAXK];
        for j in 0..K {
            let e = &u[j * ne..(j + 1) * ne];
            let Some(d) = Dens::new(e, self.bivariate()) else {
                return false;
            };
            dens[j] = d;
            keys[j][..ne].copy_from_slice(e);
            fresh[j] =
                w.eta_key[j].is_none_or(|kk| kk.map(f64::to_bits) != keys[j].map(f64::to_bits));
        }
        for j in 0..K {
            w.eta_key[j] = Some(keys[j]);
        }
        let y2 = |t: usize| if ne == 5 { self.y2[t] } else { 0.0 };
        if K == 2 {
            if !fresh[0] && !fresh[1] {
                return true;
            }
            let mut shift = 0.0;
            for (t, row) in w.eta.chunks_exact_mut(K).enumerate() {
                let (a, b) = (self.y1[t], y2(t));
                let (l0, l1) = (dens[0].ln(a, b), dens[1].ln(a, b));
                let e = (-(l1 - l0).abs()).exp();
                let up = l1 > l0;
                row[0] = if up { e } else { 1.0 };
                row[1] = if up { 1.0 } else { e };
                shift += l0.max(l1);
            }
            w.eta_shift = shift;
        } else {
            for j in (0..K).filter(|&j| fresh[j]) {
                for (t, row) in w.eta.chunks_exact_mut(K).enumerate() {
                    row[j] = dens[j].ln(self.y1[t], y2(t)).exp();
                }
            }
            w.eta_shift = 0.0;
        }
        true
    }

    /// The Hamilton filter and (with `smooth`) the Kim smoother in probabilities, for
    /// K = k states: the recursions of the module docs with unnormalised forward and backward
    /// variables (Rabiner 1989, §V.A),
    /// ```text
    /// α_t = (Pᵀ α_{t−1}) ∘ η_t,  ξ_{t|t} = α_t / Σ_j α_t(j),  L = Σ_j α_{n−1}(j)
    /// β_t = P (η_{t+1} ∘ β_{t+1}),  ξ_{t|n} = ξ_{t|t} ∘ β_t / Σ_i ξ_{t|t}(i) β_t(i)
    /// ```
    /// each rescaled by an exact power of two when its sum leaves [2^-64, 2^64], so ℓ = ln L
    /// costs one logarithm per pass and the recursions carried from date to date have no
    /// division. These are the Kim smoother's ξ_{t|n}(i) = ξ_{t|t}(i) Σ_j P_ij ξ_{t+1|n}(j) /
    /// ξ_{t+1|t}(j) and Σ_t ln f_t, reorganised. Exact, not an approximation, while nothing
    /// comes near underflow: every transition probability at least [`P_MIN`] and each sum
    /// at least [`F_MIN`]; else [`Pass::Fallback`], and the caller runs [`Model::pass_log`].
    /// Fills `w.pf` (with α_t: rows unnormalised), `w.ps` and `counts` / `gtr` as
    /// [`Model::pass_log`] does, and (with `smooth`) the sufficient statistics `st`.
    fn pass_prob<const K: usize>(
        &self,
        u: &[f64],
        w: &mut Work,
        smooth: bool,
        counts: &mut Mat,
        gtr: &mut [f64],
        st: &mut [Stats; MAXK],
    ) -> Pass {
        let n = self.n();
        let tp = &u[K * self.ne..];
        let nt = self.n_trans();
        if !self.densities::<K>(u, w) {
            return Pass::Infeasible;
        }
        let Some(pi) = self.ergodic_probs(tp) else {
            return Pass::Infeasible;
        };
        // Transition matrices, flattened K × K: one constant matrix (stride 0), or with TVTP
        // one per date, `ptr[t]` for the transition from t to t + 1 (stride K²).
        let pc = self.trans(tp, 0.0);
        let mut pcf = [0.0; 16];
        let mut pmin = f64::INFINITY;
        for i in 0..K {
            for j in 0..K {
                pcf[i * K + j] = pc[i][j];
                pmin = pmin.min(pc[i][j]);
            }
        }
        let kk = K * K;
        let stride = if let Some(x) = &self.x {
            pmin = f64::INFINITY;
            w.ptr.resize(n * kk, 0.0);
            for (t, blk) in w.ptr.chunks_exact_mut(kk).take(n - 1).enumerate() {
                let p = self.trans(tp, x[t]);
                for i in 0..K {
                    for j in 0..K {
                        blk[i * K + j] = p[i][j];
                        pmin = pmin.min(p[i][j]);
                    }
                }
            }
            kk
        } else {
            0
        };
        if !(pmin >= P_MIN) {
            return Pass::Fallback;
        }
        let pall: &[f64] = if stride == 0 { &pcf[..kk] } else { &w.ptr };
        let eta = &w.eta[..n * K];
        let pf = &mut w.pf[..n * K];
        // Forward: α_t = (Pᵀ α_{t−1}) ∘ η_t unnormalised, so the recursion carried from date to
        // date is multiplications and additions only; ξ_{t|t} = α_t / c_t (c_t = Σ_j α_t(j)) is
        // computed beside it. α is rescaled by an exact power of two whenever c_t leaves
        // [2^-64, 2^64]; L = c_{n−1} · 2^E with E the exponents removed.
        let mut alpha = [0.0; K];
        let mut expo: i64 = 0;
        for t in 0..n {
            let mut pred = [0.0; K];
            if t == 0 {
                pred.copy_from_slice(&pi[..K]);
            } else {
                let p = &pall[(t - 1) * stride..(t - 1) * stride + kk];
                for j in 0..K {
                    let mut a = 0.0;
                    for i in 0..K {
                        a += alpha[i] * p[i * K + j];
                    }
                    pred[j] = a;
                }
            }
            let e = &eta[t * K..(t + 1) * K];
            let mut c = 0.0;
            for j in 0..K {
                alpha[j] = pred[j] * e[j];
                c += alpha[j];
            }
            // c_{t−1} ≥ 2^-64 here, so this also bounds f_t = c_t / c_{t−1} from below.
            if !(c >= F_MIN) {
                return Pass::Fallback;
            }
            // Stored unnormalised: the smoother only needs ξ_{t|t} up to a factor per date.
            pf[t * K..(t + 1) * K].copy_from_slice(&alpha);
            if !(c > RESCALE_LO && c < RESCALE_HI) {
                let (scale, ex) = pow2_inverse(c);
                for v in alpha.iter_mut() {
                    *v *= scale;
                }
                expo += ex;
            }
        }
        let ll =
            alpha.iter().sum::<f64>().ln() + expo as f64 * std::f64::consts::LN_2 + w.eta_shift;
        if !smooth {
            return Pass::Done(ll);
        }
        // Backward: β_t(i) = Σ_j P_ij η_{t+1}(j) β_{t+1}(j) unnormalised (rescaled like α);
        // ξ_{t|n}(i) = ξ_{t|t}(i) β_t(i) / Σ_h ξ_{t|t}(h) β_t(h), the Kim smoother's
        // ξ_{t|t}(i) Σ_j P_ij ξ_{t+1|n}(j) / ξ_{t+1|t}(j) without a division in the recursion,
        // and the joint ξ(i, j) = ξ_{t|t}(i) P_ij η_{t+1}(j) β_{t+1}(j) / Σ_h ξ_{t|t}(h) β_t(h).
        // β_t(i) ≥ (P_MIN / k) Σ_h β_t(h), so no entry is subnormal while Σ_h β_t(h) ≥ F_MIN.
        let ps = &mut w.ps[..n * K];
        let last = (n - 1) * K;
        let inv = 1.0 / pf[last..].iter().sum::<f64>();
        for (s, a) in ps[last..].iter_mut().zip(&pf[last..]) {
            *s = a * inv;
        }
        let biv = self.bivariate();
        let y2 = |t: usize| if biv { self.y2[t] } else { 0.0 };
        let mut stk = [Stats::default(); K];
        for i in 0..K {
            stk[i].add(ps[last + i], self.y1[n - 1], y2(n - 1), biv);
        }
        let mut beta = [1.0; K];
        let mut cnt = [[0.0; K]; K];
        for t in (0..n - 1).rev() {
            let p = &pall[t * stride..t * stride + kk];
            let e1 = &eta[(t + 1) * K..(t + 2) * K];
            let mut v = [0.0; K];
            for j in 0..K {
                v[j] = e1[j] * beta[j];
            }
            let mut wij = [[0.0; K]; K];
            let mut b = 0.0;
            for i in 0..K {
                let mut acc = 0.0;
                for j in 0..K {
                    wij[i][j] = p[i * K + j] * v[j];
                    acc += wij[i][j];
                }
                beta[i] = acc;
                b += acc;
            }
            if !(b >= F_MIN) {
                return Pass::Fallback;
            }
            let ft = &pf[t * K..(t + 1) * K];
            let mut norm = 0.0;
            for i in 0..K {
                norm += ft[i] * beta[i];
            }
            // Σ_i α_t(i) β_t(i) ≥ c_t (P_MIN / k) Σ_i β_t(i): only below the bounds above can
            // this be tiny.
            if !(norm >= NORM_MIN) {
                return Pass::Fallback;
            }
            let inv = 1.0 / norm;
            let (ya, yb) = (self.y1[t], y2(t));
            for i in 0..K {
                let fi = ft[i] * inv;
                ps[t * K + i] = fi * beta[i];
                stk[i].add(fi * beta[i], ya, yb, biv);
                match &self.x {
                    Some(x) => {
                        let mut xi = [0.0; K];
                        let mut row = 0.0;
                        for j in 0..K {
                            xi[j] = fi * wij[i][j];
                            row += xi[j];
                        }
                        for j in 0..K - 1 {
                            let g = xi[j] - row * p[i * K + j];
                            gtr[i * (K - 1) + j] += g;
                            gtr[nt + i * (K - 1) + j] += g * x[t];
                        }
                    }
                    None => {
                        for j in 0..K {
                            cnt[i][j] += fi * wij[i][j];
                        }
                    }
                }
            }
            if !(b > RESCALE_LO && b < RESCALE_HI) {
                let (scale, _) = pow2_inverse(b);
                for v in beta.iter_mut() {
                    *v *= scale;
                }
            }
        }
        for i in 0..K {
            counts[i][..K].copy_from_slice(&cnt[i]);
            st[i] = stk[i];
        }
        Pass::Done(ll)
    }
}

/// One state's Gaussian log density, its constants computed once per evaluation.
#[derive(Clone, Copy, Default)]
struct Dens {
    m1: f64,
    m2: f64,
    /// 1/σ (univariate: the 1/(2σ²) factor is `h`).
    i1: f64,
    i2: f64,
    r: f64,
    c: f64,
    h: f64,
    bivariate: bool,
}

impl Dens {
    /// From the unconstrained emission parameters; `None` outside the ranges of
    /// [`Model::log_dens`].
    fn new(e: &[f64], bivariate: bool) -> Option<Self> {
        let ln2pi = (2.0 * std::f64::consts::PI).ln();
        if bivariate {
            let (m1, m2, l1, l2, r) = (e[0], e[1], e[2], e[3], e[4].tanh());
            if l1 < -12.0 || l2 < -12.0 || l1 > 12.0 || l2 > 12.0 || r.abs() > 0.999_999 {
                return None;
            }
            let om = 1.0 - r * r;
            Some(Self {
                m1,
                m2,
                i1: (-l1).exp(),
                i2: (-l2).exp(),
                r,
                c: -ln2pi - l1 - l2 - 0.5 * om.ln(),
                h: 0.5 / om,
                bivariate,
            })
        } else {
            let (m, l) = (e[0], e[1]);
            if !(-12.0..=12.0).contains(&l) {
                return None;
            }
            Some(Self { m1: m, c: -0.5 * ln2pi - l, h: 0.5 * (-2.0 * l).exp(), ..Self::default() })
        }
    }

    /// ln η at (a, b) (b ignored for the univariate model).
    #[inline]
    fn ln(&self, a: f64, b: f64) -> f64 {
        if self.bivariate {
            let x = (a - self.m1) * self.i1;
            let y = (b - self.m2) * self.i2;
            self.c - self.h * (x * x - 2.0 * self.r * x * y + y * y)
        } else {
            let d = a - self.m1;
            self.c - self.h * d * d
        }
    }
}

/// Gradient of the expected complete-data log density of one state from its statistics.
fn emission_grad(e: &[f64], s: &Stats, bivariate: bool, g: &mut [f64]) {
    if bivariate {
        let (m1, m2, l1, l2) = (e[0], e[1], e[2], e[3]);
        let r = e[4].tanh();
        let (sd1, sd2) = (l1.exp(), l2.exp());
        let om = 1.0 - r * r;
        let b1 = (s.s1 - s.w * m1) / sd1;
        let b2 = (s.s2 - s.w * m2) / sd2;
        let a11 = (s.s11 - 2.0 * m1 * s.s1 + m1 * m1 * s.w) / (sd1 * sd1);
        let a22 = (s.s22 - 2.0 * m2 * s.s2 + m2 * m2 * s.w) / (sd2 * sd2);
        let a12 = (s.s12 - m1 * s.s2 - m2 * s.s1 + m1 * m2 * s.w) / (sd1 * sd2);
        g[0] = (b1 - r * b2) / (om * sd1);
        g[1] = (b2 - r * b1) / (om * sd2);
        g[2] = -s.w + (a11 - r * a12) / om;
        g[3] = -s.w + (a22 - r * a12) / om;
        let q = a11 - 2.0 * r * a12 + a22;
        let dq = (-2.0 * a12 * om + 2.0 * r * q) / (om * om);
        let dr = s.w * r / om - 0.5 * dq;
        g[4] = dr * om;
    } else {
        let (m, l) = (e[0], e[1]);
        let iv = (-2.0 * l).exp();
        g[0] = (s.s1 - s.w * m) * iv;
        g[1] = -s.w + (s.s11 - 2.0 * m * s.s1 + m * m * s.w) * iv;
    }
}

/// Ergodic distribution of a row-stochastic matrix.
fn ergodic(p: &Mat, k: usize) -> Option<[f64; MAXK]> {
    // Solve (Pᵀ − I) π = 0 with the last equation replaced by Σ π = 1.
    let mut a = vec![0.0; k * k];
    let mut b = vec![0.0; k];
    for r in 0..k {
        for c in 0..k {
            a[r * k + c] = p[c][r] - if r == c { 1.0 } else { 0.0 };
        }
    }
    for c in 0..k {
        a[(k - 1) * k + c] = 1.0;
    }
    b[k - 1] = 1.0;
    let x = optim::solve(&a, &b)?;
    let mut out = [0.0; MAXK];
    for j in 0..k {
        out[j] = x[j].clamp(0.0, 1.0);
    }
    Some(out)
}

fn new_work(n: usize, k: usize) -> Work {
    Work {
        ld: Vec::new(),
        lp: Vec::new(),
        lf: Vec::new(),
        ls: Vec::new(),
        pf: vec![0.0; n * k],
        ps: vec![0.0; n * k],
        eta: vec![0.0; n * k],
        eta_key: [None; MAXK],
        eta_tag: (0, 0, 0),
        eta_shift: 0.0,
        ptr: Vec::new(),
        log_path: false,
        force_log: false,
        last_stats: [Stats::default(); MAXK],
        last_counts: [[0.0; MAXK]; MAXK],
    }
}

/// Fit a univariate Markov-switching model with switching mean and variance to `y`.
///
/// # Errors
/// [`RegimeError::TooShort`] with fewer than
/// [`MARKOV_MIN_OBS_PER_REGIME`]` × k` observations, [`RegimeError::NonFinite`],
/// [`RegimeError::ConstantSeries`], [`RegimeError::InvalidInput`] for bad options,
/// [`RegimeError::NoConvergence`] if no start converges.
pub fn fit_markov(y: &[f64], opts: &MarkovOptions) -> Result<MarkovFit, RegimeError> {
    fit_impl(y, None, opts)
}

/// Fit a bivariate Markov-switching model on (target, hedge) with state-dependent means,
/// variances and correlation.
///
/// # Errors
/// As [`fit_markov`], plus [`RegimeError::LengthMismatch`] if the series differ in length.
pub fn fit_markov_bivariate(
    target: &[f64],
    hedge: &[f64],
    opts: &MarkovOptions,
) -> Result<MarkovFit, RegimeError> {
    if hedge.len() != target.len() {
        return Err(RegimeError::LengthMismatch {
            model: MODEL,
            what: "hedge",
            got: hedge.len(),
            expected: target.len(),
        });
    }
    fit_impl(target, Some(hedge), opts)
}

fn fit_impl(
    y1: &[f64],
    y2: Option<&[f64]>,
    opts: &MarkovOptions,
) -> Result<MarkovFit, RegimeError> {
    let k = opts.k_regimes;
    if !(2..=MAXK).contains(&k) {
        return Err(RegimeError::InvalidInput {
            model: MODEL,
            what: "k_regimes",
            reason: format!("must be between 2 and {MAXK}, got {k}"),
        });
    }
    let min = MARKOV_MIN_OBS_PER_REGIME * k;
    let (m1, v1) = check_series(MODEL, if y2.is_some() { "target" } else { "y" }, y1, min)?;
    let (m2, v2) = match y2 {
        Some(h) => check_series(MODEL, "hedge", h, min)?,
        None => (0.0, 1.0),
    };
    let n = y1.len();
    if let Some(x) = &opts.tvtp {
        if x.len() != n {
            return Err(RegimeError::LengthMismatch {
                model: MODEL,
                what: "tvtp",
                got: x.len(),
                expected: n,
            });
        }
        if let Some(index) = x.iter().position(|v| !v.is_finite()) {
            return Err(RegimeError::NonFinite { model: MODEL, series: "tvtp", index });
        }
    }
    let (s1, s2) = (v1.sqrt(), v2.sqrt());
    // Standardise the TVTP driver too, so its coefficients are well scaled; mapped back below.
    let (xm, xs) = match &opts.tvtp {
        Some(x) => {
            let m = x.iter().sum::<f64>() / n as f64;
            let s = (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64).sqrt();
            if !(s > 0.0) {
                return Err(RegimeError::ConstantSeries {
                    model: MODEL,
                    series: "tvtp",
                    variance: 0.0,
                });
            }
            (m, s)
        }
        None => (0.0, 1.0),
    };
    let model = Model {
        k,
        ne: if y2.is_some() { 5 } else { 2 },
        y1: y1.iter().map(|v| (v - m1) / s1).collect(),
        y2: y2.map(|h| h.iter().map(|v| (v - m2) / s2).collect()).unwrap_or_default(),
        x: None,
    };
    let sample_rho = match y2 {
        Some(_) => (model.y1.iter().zip(&model.y2).map(|(a, b)| a * b).sum::<f64>() / n as f64)
            .clamp(-0.99, 0.99),
        None => 0.0,
    };

    // Starting points (in the standardised, unconstrained space, constant transitions).
    let mut starts: Vec<Vec<f64>> = Vec::new();
    let to_u = |st: &MarkovStart| -> Result<Vec<f64>, RegimeError> {
        start_to_u(&model, st, (m1, s1), (m2, s2))
    };
    if let Some(st) = &opts.start {
        starts.push(to_u(st)?);
    } else {
        let base: Vec<f64> = match k {
            2 => vec![0.4, 2.5],
            3 => vec![0.3, 1.0, 3.5],
            _ => (0..k).map(|i| 0.3 * 2f64.powi(i as i32 + 1) / 2.0).collect(),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        // Start 1 splits the sample into k groups by value (of the target): it finds regimes
        // that differ mainly in their means (a spike state, say).
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| model.y1[a].total_cmp(&model.y1[b]));
        let groups: Vec<Vec<f64>> = (0..k)
            .map(|g| {
                // Tails of 10 % each and the middle in between (k = 3), or equal groups.
                let edge = |q: usize| -> usize {
                    if k == 3 {
                        [0, n / 10, n - n / 10, n][q]
                    } else {
                        q * n / k
                    }
                };
                let idx = &order[edge(g)..edge(g + 1)];
                let mut e = Vec::new();
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                let a: Vec<f64> = idx.iter().map(|&t| model.y1[t]).collect();
                let ma = mean(&a);
                let va = a.iter().map(|x| (x - ma).powi(2)).sum::<f64>() / a.len() as f64;
                if model.bivariate() {
                    let b: Vec<f64> = idx.iter().map(|&t| model.y2[t]).collect();
                    let mb = mean(&b);
                    let vb = b.iter().map(|x| (x - mb).powi(2)).sum::<f64>() / b.len() as f64;
                    e.extend_from_slice(&[
                        ma,
                        mb,
                        0.5 * va.max(0.01).ln(),
                        0.5 * vb.max(0.01).ln(),
                        sample_rho.atanh(),
                    ]);
                } else {
                    e.extend_from_slice(&[ma, 0.5 * va.max(0.01).ln()]);
                }
                e
            })
            .collect();
        for s in 0..opts.n_starts.max(1) {
            let mut u = Vec::with_capacity(model.n_params());
            if s == 1 {
                for e in &groups {
                    u.extend_from_slice(e);
                }
            } else {
                for &f in &base {
                    let (jit, mj) = if s == 0 {
                        (1.0, 0.0)
                    } else {
                        ((rng.random::<f64>() * 1.6 - 0.8).exp(), 3.0 * (rng.random::<f64>() - 0.5))
                    };
                    let lsd = 0.5 * (f * jit).ln();
                    if model.bivariate() {
                        u.extend_from_slice(&[mj, mj, lsd, lsd, sample_rho.atanh()]);
                    } else {
                        u.extend_from_slice(&[mj, lsd]);
                    }
                }
            }
            for i in 0..k {
                let pii: f64 = if s <= 1 { 0.9 } else { 0.5 + 0.49 * rng.random::<f64>() };
                let off = (1.0 - pii) / (k - 1) as f64;
                let p_last = if i == k - 1 { pii } else { off };
                for j in 0..k - 1 {
                    let pj = if i == j { pii } else { off };
                    u.push((pj / p_last).ln());
                }
            }
            starts.push(u);
        }
    }

    let mut work = new_work(n, k);
    // EM from every start, then BFGS from the best two.
    let mut em_out = Vec::new();
    let mut ranked: Vec<(f64, Vec<f64>)> = Vec::new();
    for u0 in starts {
        let mut u = u0;
        let mut ll = f64::NEG_INFINITY;
        for _ in 0..opts.em_iter {
            let l = model.eval(&u, &mut work, None, Some(&mut em_out));
            if !l.is_finite() {
                break;
            }
            ll = l;
            u.clone_from(&em_out);
        }
        let l = model.eval(&u, &mut work, None, None);
        if l.is_finite() {
            ll = l;
        }
        ranked.push((ll, u));
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let nf = n as f64;
    let bopts = BfgsOptions { gtol: 1e-8, gtol_stall: 1e-6, max_iter: opts.max_iter };
    let polish = |model: &Model, work: &mut Work, u0: &[f64]| {
        let np = model.n_params();
        let mut g = vec![0.0; np];
        let h0 = model.complete_info_inverse(u0, work).map(|h| h.iter().map(|v| v * nf).collect());
        optim::bfgs(
            |u, gout| {
                let ll = model.eval(u, work, Some(&mut g), None);
                if !ll.is_finite() {
                    return f64::INFINITY;
                }
                for (o, gi) in gout.iter_mut().zip(&g) {
                    *o = -gi / nf;
                }
                -ll / nf
            },
            u0,
            h0,
            bopts,
        )
    };
    let mut best: Option<optim::Minimum> = None;
    let mut best_any: Option<optim::Minimum> = None;
    // Every converged constant-probability optimum: the TVTP search starts from each.
    let mut optima: Vec<Vec<f64>> = Vec::new();
    for (_, u0) in ranked.iter().take(3) {
        let m = polish(&model, &mut work, u0);
        if m.converged {
            optima.push(m.x.clone());
        }
        let slot = if m.converged { &mut best } else { &mut best_any };
        if slot.as_ref().is_none_or(|b| m.f < b.f) {
            *slot = Some(m);
        }
    }
    let (model, mut best) = match (&opts.tvtp, best) {
        (_, None) => {
            let (iterations, gradient, loglik) = best_any
                .map_or((0, f64::INFINITY, f64::NEG_INFINITY), |b| {
                    (b.iterations, b.grad_max, -b.f * nf)
                });
            return Err(RegimeError::NoConvergence { model: MODEL, iterations, gradient, loglik });
        }
        (None, Some(b)) => (model, b),
        (Some(x), Some(_)) => {
            // TVTP: BFGS from several starts, the best converged one wins (see the module
            // docs): each constant-probability optimum with zero slopes, statsmodels' default
            // start, and persistent starts that group the rows by quantiles of the driver and
            // of the recent volatility.
            let mut mt = model;
            mt.x = Some(x.iter().map(|v| (v - xm) / xs).collect());
            let nt = mt.n_trans();
            let mut tv_starts: Vec<Vec<f64>> = Vec::new();
            for u in &optima {
                let mut u0 = u.clone();
                u0.extend(std::iter::repeat_n(0.0, nt));
                tv_starts.push(u0);
            }
            // An explicit start is the only start (through its constant-probability optimum).
            if opts.start.is_none() {
                tv_starts.push(statsmodels_start(&mt, (m1, s1)));
                for key in persistence_keys(&mt) {
                    tv_starts.push(grouped_start(&mt, &quantile_groups(&key, k)));
                }
            }
            let mut tv_best: Option<optim::Minimum> = None;
            let mut tv_any: Option<optim::Minimum> = None;
            for u0 in &tv_starts {
                if !mt.eval(u0, &mut work, None, None).is_finite() {
                    continue;
                }
                let m = polish(&mt, &mut work, u0);
                let slot = if m.converged { &mut tv_best } else { &mut tv_any };
                if slot.as_ref().is_none_or(|b| m.f < b.f) {
                    *slot = Some(m);
                }
            }
            match tv_best {
                Some(m) => (mt, m),
                None => {
                    let (iterations, gradient, loglik) = tv_any
                        .map_or((0, f64::INFINITY, f64::NEG_INFINITY), |b| {
                            (b.iterations, b.grad_max, -b.f * nf)
                        });
                    return Err(RegimeError::NoConvergence {
                        model: MODEL,
                        iterations,
                        gradient,
                        loglik,
                    });
                }
            }
        }
    };

    // Order the states by variance.
    let var_of = |u: &[f64], j: usize| -> f64 {
        let e = &u[j * model.ne..(j + 1) * model.ne];
        if model.bivariate() {
            (2.0 * e[2]).exp() + (2.0 * e[3]).exp()
        } else {
            (2.0 * e[1]).exp()
        }
    };
    let mut perm: Vec<usize> = (0..k).collect();
    perm.sort_by(|&a, &b| var_of(&best.x, a).total_cmp(&var_of(&best.x, b)));
    best.x = permute(&model, &best.x, &perm);

    finish(&model, &mut work, best, Scales { m1, s1, m2, s2, xm, xs })
}

/// statsmodels' default start (`MarkovRegression.start_params` with `trend='c'`,
/// `switching_variance=True`): means β·j/k (β the sample mean), variances
/// `linspace(var/10, var, k)`, all transition coefficients zero (uniform transitions; with
/// TVTP zero slopes), in the standardised space of `model`.
fn statsmodels_start(model: &Model, (m1, s1): (f64, f64)) -> Vec<f64> {
    let k = model.k;
    let mut u = Vec::with_capacity(model.n_params());
    for j in 0..k {
        let mean = m1 * j as f64 / k as f64;
        let var: f64 = 0.1 + 0.9 * j as f64 / (k - 1) as f64; // of the standardised series
        if model.bivariate() {
            u.extend_from_slice(&[(mean - m1) / s1, 0.0, 0.5 * var.ln(), 0.5 * var.ln(), 0.0]);
        } else {
            u.extend_from_slice(&[(mean - m1) / s1, 0.5 * var.ln()]);
        }
    }
    u.resize(model.n_params(), 0.0);
    u
}

/// Keys whose quantiles split the sample into persistent groups: the TVTP driver (a level
/// such as the VIX is persistent) and the trailing 20-row mean of y² (the recent variance).
fn persistence_keys(model: &Model) -> Vec<Vec<f64>> {
    let mut keys = Vec::new();
    if let Some(x) = &model.x {
        keys.push(x.clone());
    }
    let n = model.n();
    let w = 20.min(n);
    let mut acc = 0.0;
    let mut vol = Vec::with_capacity(n);
    for t in 0..n {
        acc += model.y1[t] * model.y1[t];
        if t >= w {
            acc -= model.y1[t - w] * model.y1[t - w];
        }
        vol.push(acc / (t + 1).min(w) as f64);
    }
    keys.push(vol);
    keys
}

/// Group index (0..k) of each row by the k equal-count quantile bins of `key`.
fn quantile_groups(key: &[f64], k: usize) -> Vec<usize> {
    let n = key.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key[a].total_cmp(&key[b]));
    let mut g = vec![0; n];
    for (rank, &t) in order.iter().enumerate() {
        g[t] = (rank * k / n).min(k - 1);
    }
    g
}

/// A start from a hard assignment of rows to states: each state's mean, variance (and
/// correlation) from its rows, the transition matrix from the counted transitions between
/// consecutive rows (plus one per cell), zero TVTP slopes.
fn grouped_start(model: &Model, groups: &[usize]) -> Vec<f64> {
    let k = model.k;
    let n = model.n();
    let mut u = Vec::with_capacity(model.n_params());
    for j in 0..k {
        let idx: Vec<usize> = (0..n).filter(|&t| groups[t] == j).collect();
        let c = idx.len().max(1) as f64;
        let mom = |y: &[f64]| {
            let m = idx.iter().map(|&t| y[t]).sum::<f64>() / c;
            let v = idx.iter().map(|&t| (y[t] - m).powi(2)).sum::<f64>() / c;
            (m, v.max(0.01))
        };
        let (ma, va) = mom(&model.y1);
        if model.bivariate() {
            let (mb, vb) = mom(&model.y2);
            let cov = idx.iter().map(|&t| (model.y1[t] - ma) * (model.y2[t] - mb)).sum::<f64>() / c;
            let rho = (cov / (va * vb).sqrt()).clamp(-0.95, 0.95);
            u.extend_from_slice(&[ma, mb, 0.5 * va.ln(), 0.5 * vb.ln(), rho.atanh()]);
        } else {
            u.extend_from_slice(&[ma, 0.5 * va.ln()]);
        }
    }
    let mut counts = [[1.0_f64; MAXK]; MAXK];
    for t in 1..n {
        counts[groups[t - 1]][groups[t]] += 1.0;
    }
    for row in counts.iter().take(k) {
        for j in 0..k - 1 {
            u.push((row[j] / row[k - 1]).ln());
        }
    }
    u.resize(model.n_params(), 0.0);
    u
}

struct Scales {
    m1: f64,
    s1: f64,
    m2: f64,
    s2: f64,
    xm: f64,
    xs: f64,
}

/// Reorder states: new state a is old state perm[a].
fn permute(model: &Model, u: &[f64], perm: &[usize]) -> Vec<f64> {
    let k = model.k;
    let ne = model.ne;
    let nt = model.n_trans();
    let mut out = vec![0.0; u.len()];
    for (a, &p) in perm.iter().enumerate() {
        out[a * ne..(a + 1) * ne].copy_from_slice(&u[p * ne..(p + 1) * ne]);
    }
    let blocks = if model.x.is_some() { 2 } else { 1 };
    for blk in 0..blocks {
        let src = &u[k * ne + blk * nt..k * ne + (blk + 1) * nt];
        // Full logit matrix with the reference column (0) included.
        let full = |i: usize, j: usize| if j == k - 1 { 0.0 } else { src[i * (k - 1) + j] };
        for a in 0..k {
            for b in 0..k - 1 {
                out[k * ne + blk * nt + a * (k - 1) + b] =
                    full(perm[a], perm[b]) - full(perm[a], perm[k - 1]);
            }
        }
    }
    out
}

fn start_to_u(
    model: &Model,
    st: &MarkovStart,
    (m1, s1): (f64, f64),
    (m2, s2): (f64, f64),
) -> Result<Vec<f64>, RegimeError> {
    let k = model.k;
    let bad = |reason: String| RegimeError::InvalidInput { model: MODEL, what: "start", reason };
    if st.states.len() != k
        || st.transition.len() != k
        || st.transition.iter().any(|r| r.len() != k)
    {
        return Err(bad(format!("need {k} states and a {k}x{k} transition matrix")));
    }
    let mut u = Vec::new();
    for r in &st.states {
        let want = if model.bivariate() { 2 } else { 1 };
        if r.mean.len() != want
            || r.variance.len() != want
            || r.variance.iter().any(|v| !(*v > 0.0))
        {
            return Err(bad(format!("each state needs {want} mean(s) and positive variance(s)")));
        }
        if model.bivariate() {
            let rho =
                r.correlation.ok_or_else(|| bad("bivariate states need a correlation".into()))?;
            if !(rho.abs() < 1.0) {
                return Err(bad(format!("correlation {rho} outside (-1, 1)")));
            }
            u.extend_from_slice(&[
                (r.mean[0] - m1) / s1,
                (r.mean[1] - m2) / s2,
                0.5 * (r.variance[0] / (s1 * s1)).ln(),
                0.5 * (r.variance[1] / (s2 * s2)).ln(),
                rho.atanh(),
            ]);
        } else {
            u.extend_from_slice(&[(r.mean[0] - m1) / s1, 0.5 * (r.variance[0] / (s1 * s1)).ln()]);
        }
    }
    for row in &st.transition {
        let sum: f64 = row.iter().sum();
        if row.iter().any(|p| !(*p > 0.0)) || (sum - 1.0).abs() > 1e-8 {
            return Err(bad("transition rows must be positive and sum to 1".into()));
        }
        for j in 0..k - 1 {
            u.push((row[j] / row[k - 1]).ln());
        }
    }
    Ok(u)
}

/// Map the unconstrained (standardised) vector to reported parameters in input units.
fn natural(model: &Model, u: &[f64], sc: &Scales) -> Vec<f64> {
    let k = model.k;
    let ne = model.ne;
    let mut out = Vec::new();
    for j in 0..k {
        let e = &u[j * ne..(j + 1) * ne];
        if model.bivariate() {
            out.extend_from_slice(&[
                sc.m1 + sc.s1 * e[0],
                sc.m2 + sc.s2 * e[1],
                sc.s1 * sc.s1 * (2.0 * e[2]).exp(),
                sc.s2 * sc.s2 * (2.0 * e[3]).exp(),
                e[4].tanh(),
            ]);
        } else {
            out.extend_from_slice(&[sc.m1 + sc.s1 * e[0], sc.s1 * sc.s1 * (2.0 * e[1]).exp()]);
        }
    }
    let tp = &u[k * ne..];
    if model.x.is_some() {
        // Intercepts and slopes on the raw driver: a + b (x − xm)/xs = (a − b xm/xs) + (b/xs) x.
        let nt = model.n_trans();
        for q in 0..nt {
            out.push(tp[q] - tp[nt + q] * sc.xm / sc.xs);
        }
        for q in 0..nt {
            out.push(tp[nt + q] / sc.xs);
        }
    } else {
        let lt = model.log_trans(tp, 0.0);
        for row in lt.iter().take(k) {
            for v in row.iter().take(k) {
                out.push(v.exp());
            }
        }
    }
    out
}

fn param_names(model: &Model) -> Vec<String> {
    let k = model.k;
    let mut names = Vec::new();
    for j in 0..k {
        if model.bivariate() {
            for p in ["mean_target", "mean_hedge", "sigma2_target", "sigma2_hedge", "rho"] {
                names.push(format!("{p}[{j}]"));
            }
        } else {
            names.push(format!("const[{j}]"));
            names.push(format!("sigma2[{j}]"));
        }
    }
    if model.x.is_some() {
        for p in ["a", "b"] {
            for i in 0..k {
                for j in 0..k - 1 {
                    names.push(format!("{p}[{i}->{j}]"));
                }
            }
        }
    } else {
        for i in 0..k {
            for j in 0..k {
                names.push(format!("p[{i}->{j}]"));
            }
        }
    }
    names
}

/// Why there are no standard errors at `u`: the Hessian is singular or not negative definite,
/// naming the transition parameters at the boundary (|unconstrained value| > 15).
fn std_error_note(model: &Model, u: &[f64]) -> String {
    let k = model.k;
    let np = model.n_params();
    // Boundary transition logits, named in the unconstrained layout.
    let ke = k * model.ne;
    let nt = model.n_trans();
    let at_boundary: Vec<String> = (ke..np)
        .filter(|&c| u[c].abs() > 15.0)
        .map(|c| {
            let q = (c - ke) % nt;
            let (i, j) = (q / (k - 1), q % (k - 1));
            match (model.x.is_some(), c - ke >= nt) {
                (false, _) => format!("p[{i}->{j}] (logit {:+.1})", u[c]),
                (true, false) => format!("a[{i}->{j}] (standardised {:+.1})", u[c]),
                (true, true) => format!("b[{i}->{j}] (standardised {:+.1})", u[c]),
            }
        })
        .collect();
    let why = if at_boundary.is_empty() {
        "no parameter is at the boundary; the optimum is flat in some direction".to_string()
    } else {
        format!("at the boundary: {}", at_boundary.join(", "))
    };
    format!(
        "no standard errors: the Hessian of the log-likelihood is singular or not negative \
         definite at the optimum ({why})"
    )
}

fn finish(
    model: &Model,
    work: &mut Work,
    best: optim::Minimum,
    sc: Scales,
) -> Result<MarkovFit, RegimeError> {
    let k = model.k;
    let n = model.n();
    let nf = n as f64;
    let np = model.n_params();
    let u = best.x;
    let mut g = vec![0.0; np];
    let ll_z = model.eval(&u, work, Some(&mut g), None);
    if !ll_z.is_finite() {
        return Err(RegimeError::NoConvergence {
            model: MODEL,
            iterations: best.iterations,
            gradient: best.grad_max,
            loglik: ll_z,
        });
    }
    let gradient_max = optim::max_abs(&g) / nf;
    let filtered = normalised_rows(&work.pf[..n * k], k);
    let smoothed: Vec<Vec<f64>> = work.ps[..n * k].chunks_exact(k).map(<[f64]>::to_vec).collect();
    let tp = &u[k * model.ne..];
    let x_last = model.x.as_ref().map_or(0.0, |x| x[n - 1]);
    let lt = model.log_trans(tp, x_last);
    let transition: Vec<Vec<f64>> =
        (0..k).map(|i| (0..k).map(|j| lt[i][j].exp()).collect()).collect();
    let forecast: Vec<f64> =
        (0..k).map(|j| (0..k).map(|i| filtered[n - 1][i] * transition[i][j]).sum()).collect();
    let mut pmat = [[0.0; MAXK]; MAXK];
    for i in 0..k {
        for j in 0..k {
            pmat[i][j] = transition[i][j];
        }
    }
    let erg = ergodic(&pmat, k).map(|e| e[..k].to_vec()).unwrap_or_else(|| vec![1.0 / k as f64; k]);

    // Standard errors: inverse numerical Hessian in u, delta method to reported parameters.
    let mut gtmp = vec![0.0; np];
    let hess = optim::hessian_from_gradient(
        |x, gout| {
            let l = model.eval(x, work, Some(&mut gtmp), None);
            gout.copy_from_slice(&gtmp);
            l.is_finite()
        },
        &u,
    );
    let nat = natural(model, &u, &sc);
    let m = nat.len();
    let se = hess
        .and_then(|h| {
            let neg: Vec<f64> = h.iter().map(|v| -v).collect();
            optim::invert(&neg, np)
        })
        .map(|cov_u| {
            let mut jac = vec![0.0; m * np];
            let mut up = u.clone();
            for c in 0..np {
                let h = 1e-6 * u[c].abs().max(1.0);
                up[c] = u[c] + h;
                let fp = natural(model, &up, &sc);
                up[c] = u[c] - h;
                let fm = natural(model, &up, &sc);
                up[c] = u[c];
                for r in 0..m {
                    jac[r * np + c] = (fp[r] - fm[r]) / (2.0 * h);
                }
            }
            let cov = optim::sandwich(&jac, &cov_u, m, np);
            optim::std_errors(&cov, m)
        })
        .unwrap_or_else(|| vec![None; m]);
    let names = param_names(model);
    let std_error_note = se.iter().all(Option::is_none).then(|| std_error_note(model, &u));
    let params: Vec<ParamEstimate> = names
        .iter()
        .zip(&nat)
        .zip(&se)
        .map(|((nm, v), s)| ParamEstimate::new(nm.clone(), *v, *s))
        .collect();
    let regimes: Vec<RegimeParams> = (0..k)
        .map(|j| {
            let e = &nat[j * model.ne..(j + 1) * model.ne];
            if model.bivariate() {
                RegimeParams {
                    mean: vec![e[0], e[1]],
                    variance: vec![e[2], e[3]],
                    correlation: Some(e[4]),
                }
            } else {
                RegimeParams { mean: vec![e[0]], variance: vec![e[1]], correlation: None }
            }
        })
        .collect();
    let tvtp = model.x.as_ref().map(|_| {
        let nt = model.n_trans();
        let off = k * model.ne;
        let mk = |base: usize| {
            (0..k).map(|i| (0..k - 1).map(|j| nat[base + i * (k - 1) + j]).collect()).collect()
        };
        TvtpCoefficients { intercept: mk(off), slope: mk(off + nt) }
    });
    let hedge_ratios: Option<Vec<f64>> = model.bivariate().then(|| {
        regimes
            .iter()
            .map(|r| r.correlation.unwrap_or(0.0) * (r.variance[0] / r.variance[1]).sqrt())
            .collect()
    });
    let decorrelation_factor = hedge_ratios.as_ref().and_then(|h| {
        let (calm, stress) = (h[0], h[k - 1]);
        (calm != 0.0 && (stress / calm).is_finite()).then(|| stress / calm)
    });
    let shift = if model.bivariate() { nf * (sc.s1 * sc.s2).ln() } else { nf * sc.s1.ln() };
    let loglik = ll_z - shift;
    let npf = np as f64;
    Ok(MarkovFit {
        kind: if model.bivariate() { MarkovKind::Bivariate } else { MarkovKind::Univariate },
        k_regimes: k,
        state_names: state_names(k),
        regimes,
        params,
        expected_durations: (0..k).map(|i| 1.0 / (1.0 - transition[i][i])).collect(),
        hedge_ratios,
        decorrelation_factor,
        transition,
        tvtp,
        ergodic: erg,
        loglik,
        aic: -2.0 * loglik + 2.0 * npf,
        bic: -2.0 * loglik + npf * nf.ln(),
        n_obs: n,
        filtered,
        smoothed,
        forecast,
        iterations: best.iterations,
        evaluations: best.evaluations,
        gradient_max,
        std_error_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::{Distribution, StandardNormal};

    /// Simulate a k-state chain with (optionally TVTP) transitions and Gaussian emissions.
    fn simulate(
        n: usize,
        seed: u64,
        trans: impl Fn(usize, f64) -> Vec<f64>,
        emit: impl Fn(usize, &mut ChaCha8Rng) -> (f64, f64),
        x: &[f64],
    ) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut s = 0;
        let (mut a, mut b, mut states) = (Vec::new(), Vec::new(), Vec::new());
        for t in 0..n {
            if t > 0 {
                let row = trans(s, x[t - 1]);
                let u: f64 = rng.random();
                let mut c = 0.0;
                s = row.len() - 1;
                for (j, p) in row.iter().enumerate() {
                    c += p;
                    if u < c {
                        s = j;
                        break;
                    }
                }
            }
            let (v1, v2) = emit(s, &mut rng);
            a.push(v1);
            b.push(v2);
            states.push(s);
        }
        (a, b, states)
    }

    fn normal(rng: &mut ChaCha8Rng) -> f64 {
        StandardNormal.sample(rng)
    }

    fn uni_model(y: &[f64], k: usize, x: Option<Vec<f64>>) -> Model {
        Model { k, ne: 2, y1: y.to_vec(), y2: Vec::new(), x }
    }

    fn check_gradient(model: &Model, u: &[f64]) {
        let mut w = new_work(model.n(), model.k);
        let mut g = vec![0.0; u.len()];
        let ll = model.eval(u, &mut w, Some(&mut g), None);
        assert!(ll.is_finite());
        for i in 0..u.len() {
            let h = 1e-6;
            let mut up = u.to_vec();
            up[i] += h;
            let fp = model.eval(&up, &mut w, None, None);
            up[i] -= 2.0 * h;
            let fm = model.eval(&up, &mut w, None, None);
            let fd = (fp - fm) / (2.0 * h);
            assert!(
                (fd - g[i]).abs() < 1e-5 * g[i].abs().max(1.0),
                "param {i}: fd {fd} vs analytic {}",
                g[i]
            );
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let x: Vec<f64> = (0..400).map(|t| (t as f64 / 40.0).sin()).collect();
        let (a, b, _) = simulate(
            400,
            1,
            |s, _| if s == 0 { vec![0.95, 0.05] } else { vec![0.1, 0.9] },
            |s, r| {
                let sd = if s == 0 { 0.7 } else { 1.8 };
                let z1 = normal(r);
                (sd * z1, sd * (0.5 * z1 + 0.8 * normal(r)))
            },
            &x,
        );
        let uni = uni_model(&a, 2, None);
        check_gradient(&uni, &[0.1, -0.3, -0.2, 0.5, 2.5, -1.8]);
        let three = uni_model(&a, 3, None);
        check_gradient(&three, &[0.1, -0.3, 0.0, 0.0, -0.2, 0.5, 2.5, 0.3, 0.1, 2.0, -1.0, 0.4]);
        let tv = uni_model(&a, 2, Some(x.clone()));
        check_gradient(&tv, &[0.1, -0.3, -0.2, 0.5, 2.5, -1.8, 0.7, -0.4]);
        let bi = Model { k: 2, ne: 5, y1: a, y2: b, x: None };
        check_gradient(&bi, &[0.1, 0.0, -0.3, -0.2, 0.4, -0.2, 0.1, 0.5, 0.4, 0.2, 2.5, -1.8]);
    }

    #[test]
    fn log_space_filter_matches_scaled_filter_and_survives_extremes() {
        let (mut y, _, _) = simulate(
            300,
            3,
            |s, _| if s == 0 { vec![0.9, 0.1] } else { vec![0.2, 0.8] },
            |s, r| (if s == 0 { 0.5 } else { 2.0 } * normal(r), 0.0),
            &[0.0; 300],
        );
        let model = uni_model(&y, 2, None);
        let u = [0.0, 0.5f64.ln(), 0.0, 2f64.ln(), (0.9f64 / 0.1).ln(), (0.2f64 / 0.8).ln()];
        let mut w = new_work(300, 2);
        let ll = model.eval(&u, &mut w, None, None);
        // Textbook filter in probabilities, normalised every step.
        let dens = |v: f64, sd: f64| {
            (-0.5 * v * v / (sd * sd)).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
        };
        let p = [[0.9, 0.1], [0.2, 0.8]];
        let mut f = [2.0 / 3.0, 1.0 / 3.0];
        let mut ll2 = 0.0;
        for (t, v) in y.iter().enumerate() {
            let pred = if t == 0 {
                f
            } else {
                [f[0] * p[0][0] + f[1] * p[1][0], f[0] * p[0][1] + f[1] * p[1][1]]
            };
            let j = [pred[0] * dens(*v, 0.5), pred[1] * dens(*v, 2.0)];
            let s = j[0] + j[1];
            ll2 += s.ln();
            f = [j[0] / s, j[1] / s];
        }
        assert!((ll - ll2).abs() < 1e-9 * ll2.abs(), "{ll} vs {ll2}");
        // An observation 80 standard deviations out: every density underflows in linear space.
        y[150] = 160.0;
        let model = uni_model(&y, 2, None);
        let run = |model: &Model, u: &[f64], force_log: bool| {
            let mut w = new_work(300, model.k);
            w.force_log = force_log;
            let mut g = vec![0.0; u.len()];
            let ll = model.eval(u, &mut w, Some(&mut g), None);
            assert!(ll.is_finite() && g.iter().all(|v| v.is_finite()));
            assert!(w.ps.iter().all(|v| (0.0..=1.0 + 1e-12).contains(v)));
            (ll, g, w)
        };
        // k = 2: the probability pass scales each date by its larger density, so it stays
        // exact (and agrees with the log pass).
        let (l1, g1, w1) = run(&model, &u, false);
        let (l2, g2, w2) = run(&model, &u, true);
        assert!(!w1.log_path && w2.log_path);
        assert!(w2.ls.iter().all(|v| v.is_finite() && *v <= 1e-12));
        assert!((l1 - l2).abs() < 1e-12 * l2.abs(), "{l1} vs {l2}");
        for (p, q) in g1.iter().zip(&g2) {
            assert!((p - q).abs() < 1e-9 * q.abs().max(1.0), "{p} vs {q}");
        }
        for (p, q) in w1.ps.iter().zip(&w2.ps) {
            assert!((p - q).abs() < 1e-12, "{p} vs {q}");
        }
        // k = 3: every density of that date underflows, so the probability pass hands over.
        let three = uni_model(&y, 3, None);
        let u3 = [0.0, 0.5f64.ln(), 0.0, 0.0, 0.0, 2f64.ln(), 2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        let (_, _, w3) = run(&three, &u3, false);
        assert!(w3.log_path, "the probability pass must hand over to the log pass");
        assert!(w3.ls.iter().all(|v| v.is_finite() && *v <= 1e-12));
    }

    #[test]
    fn density_cache_gives_the_same_bits() {
        // The standard errors' stencil reuses density columns; a reused column must give
        // exactly what a fresh evaluation gives, for every parameter moved.
        let (y, _, _) = simulate(
            400,
            11,
            |s, _| if s == 0 { vec![0.95, 0.05] } else { vec![0.1, 0.9] },
            |s, r| (if s == 0 { 0.6 } else { 1.8 } * normal(r), 0.0),
            &[0.0; 400],
        );
        for (model, u) in [
            (uni_model(&y, 2, None), vec![0.1, -0.4, -0.2, 0.6, 2.5, -1.8]),
            (
                uni_model(&y, 3, None),
                vec![0.1, -0.3, 0.0, 0.0, -0.2, 0.5, 2.5, 0.3, 0.1, 2.0, -1.0, 0.4],
            ),
        ] {
            let mut shared = new_work(400, model.k);
            for q in 0..u.len() {
                for h in [1e-5, -1e-5] {
                    let mut up = u.clone();
                    up[q] += h;
                    let mut g1 = vec![0.0; u.len()];
                    let mut g2 = vec![0.0; u.len()];
                    let l1 = model.eval(&up, &mut shared, Some(&mut g1), None);
                    let l2 = model.eval(&up, &mut new_work(400, model.k), Some(&mut g2), None);
                    assert_eq!(l1.to_bits(), l2.to_bits(), "parameter {q}");
                    assert_eq!(g1, g2, "parameter {q}");
                }
            }
        }
    }

    #[test]
    fn probability_pass_matches_log_pass() {
        // Log-likelihood, gradient, EM update and smoothed probabilities of the two passes
        // agree to rounding, for k = 2, 3, TVTP and the bivariate model.
        let x: Vec<f64> = (0..500).map(|t| (t as f64 / 50.0).sin()).collect();
        let (a, b, _) = simulate(
            500,
            7,
            |s, _| if s == 0 { vec![0.95, 0.05] } else { vec![0.1, 0.9] },
            |s, r| {
                let sd = if s == 0 { 0.6 } else { 1.9 };
                let z1 = normal(r);
                (sd * z1, sd * (0.4 * z1 + 0.9 * normal(r)))
            },
            &x,
        );
        let cases: Vec<(Model, Vec<f64>)> = vec![
            (uni_model(&a, 2, None), vec![0.1, -0.4, -0.2, 0.6, 2.5, -1.8]),
            (
                uni_model(&a, 3, None),
                vec![0.1, -0.3, 0.0, 0.0, -0.2, 0.5, 2.5, 0.3, 0.1, 2.0, -1.0, 0.4],
            ),
            (uni_model(&a, 2, Some(x.clone())), vec![0.1, -0.3, -0.2, 0.5, 2.5, -1.8, 0.7, -0.4]),
            (
                Model { k: 2, ne: 5, y1: a.clone(), y2: b, x: None },
                vec![0.1, 0.0, -0.3, -0.2, 0.4, -0.2, 0.1, 0.5, 0.4, 0.2, 2.5, -1.8],
            ),
        ];
        for (model, u) in &cases {
            let np = u.len();
            let run = |force_log: bool| {
                let mut w = new_work(model.n(), model.k);
                w.force_log = force_log;
                let mut g = vec![0.0; np];
                let ll = model.eval(u, &mut w, Some(&mut g), None);
                let mut em = Vec::new();
                model.eval(u, &mut w, None, Some(&mut em));
                assert_eq!(w.log_path, force_log);
                (ll, g, em, w.ps.clone(), normalised_rows(&w.pf, model.k).concat())
            };
            let (l1, g1, e1, s1, f1) = run(false);
            let (l2, g2, e2, s2, f2) = run(true);
            assert!((l1 - l2).abs() < 1e-12 * l2.abs(), "{l1} vs {l2}");
            for (p, q) in g1.iter().zip(&g2).chain(e1.iter().zip(&e2)) {
                assert!((p - q).abs() < 1e-9 * q.abs().max(1.0), "{p} vs {q}");
            }
            for (p, q) in s1.iter().zip(&s2).chain(f1.iter().zip(&f2)) {
                assert!((p - q).abs() < 1e-12, "{p} vs {q}");
            }
        }
    }

    #[test]
    fn bivariate_recovers_regime_correlations() {
        // Calm: low vol, correlation +0.1; stress: high vol, correlation -0.6.
        let (t, h, states) = simulate(
            3000,
            5,
            |s, _| if s == 0 { vec![0.98, 0.02] } else { vec![0.05, 0.95] },
            |s, r| {
                let (sd1, sd2, rho) = if s == 0 { (0.01, 0.02, 0.1) } else { (0.03, 0.06, -0.6) };
                let z1 = normal(r);
                let z2 = rho * z1 + (1.0 - rho * rho).sqrt() * normal(r);
                (sd1 * z1, sd2 * z2)
            },
            &[0.0; 3000],
        );
        let fit = fit_markov_bivariate(
            &t,
            &h,
            &MarkovOptions { n_starts: 3, ..MarkovOptions::default() },
        )
        .unwrap();
        assert_eq!(fit.kind, MarkovKind::Bivariate);
        let (c, s) = (&fit.regimes[0], &fit.regimes[1]);
        assert!((c.correlation.unwrap() - 0.1).abs() < 0.08, "{c:?}");
        assert!((s.correlation.unwrap() + 0.6).abs() < 0.08, "{s:?}");
        assert!(
            (c.variance[0].sqrt() - 0.01).abs() < 0.001
                && (s.variance[1].sqrt() - 0.06).abs() < 0.006
        );
        assert!(
            (fit.transition[0][0] - 0.98).abs() < 0.01
                && (fit.transition[1][1] - 0.95).abs() < 0.02
        );
        let hits = fit.most_likely_states().iter().zip(&states).filter(|(a, b)| a == b).count();
        assert!(hits as f64 > 0.95 * 3000.0, "classification {hits}/3000");
        // h*_calm = 0.1 · 0.01/0.02 = 0.05, h*_stress = −0.6 · 0.03/0.06 = −0.3.
        let hr = fit.hedge_ratios.as_ref().unwrap();
        assert!((hr[0] - 0.05).abs() < 0.02 && (hr[1] + 0.3).abs() < 0.05, "{hr:?}");
        assert!((fit.decorrelation_factor.unwrap() - hr[1] / hr[0]).abs() < 1e-12);
        let rho_se =
            fit.params.iter().find(|p| p.name == "rho[1]").and_then(|p| p.std_error).unwrap();
        assert!(rho_se > 0.0 && rho_se < 0.05);
    }

    #[test]
    fn a_one_day_spike_state_is_flagged_and_persistent_states_are_not() {
        // Calm and normal regimes that persist, plus a spike state left the next day (p_22 =
        // 0.2: expected duration 1.25 days), entered with probability 2 % from either.
        let (y, _, states) = simulate(
            3000,
            21,
            |s, _| match s {
                0 => vec![0.97, 0.01, 0.02],
                1 => vec![0.02, 0.96, 0.02],
                _ => vec![0.4, 0.4, 0.2],
            },
            |s, r| ([0.02, 0.05, 0.08][s] * normal(r) + if s == 2 { 0.3 } else { 0.0 }, 0.0),
            &[0.0; 3000],
        );
        assert!(states.iter().filter(|s| **s == 2).count() > 40);
        let fit =
            fit_markov(&y, &MarkovOptions { k_regimes: 3, ..MarkovOptions::default() }).unwrap();
        eprintln!("durations {:?}", fit.expected_durations);
        let spikes = fit.spike_states();
        assert_eq!(spikes.len(), 1, "{:?}", fit.expected_durations);
        assert!(fit.expected_durations[spikes[0]] < SPIKE_MAX_DURATION);
        // The spike state has the high mean.
        assert!(fit.regimes[spikes[0]].mean[0] > 0.2);
        let persistent = fit_markov(&y, &MarkovOptions::default()).unwrap();
        assert!(persistent.spike_states().is_empty(), "{:?}", persistent.expected_durations);
    }

    #[test]
    fn missing_standard_errors_say_why() {
        // The real VIX markov3 TVTP boundary optimum of the old optimiser had a[0->1] = −53.
        let y = vec![0.0; 10];
        let tv = uni_model(&y, 3, Some(vec![0.0; 10]));
        let mut u = vec![0.0; tv.n_params()];
        u[6 + 1] = -53.0; // a[0->1]
        u[6 + 6 + 4] = 20.0; // b[2->0]
        assert_eq!(
            std_error_note(&tv, &u),
            "no standard errors: the Hessian of the log-likelihood is singular or not negative \
             definite at the optimum (at the boundary: a[0->1] (standardised -53.0), b[2->0] \
             (standardised +20.0))"
        );
        let cp = uni_model(&y, 2, None);
        let u = vec![0.0, 0.0, 0.0, 0.0, 1.0, -40.0];
        assert!(std_error_note(&cp, &u).ends_with("(at the boundary: p[1->0] (logit -40.0))"));
        let u = vec![0.0, 0.0, 0.0, 0.0, 1.0, -1.0];
        assert!(std_error_note(&cp, &u).contains("no parameter is at the boundary"));
    }

    #[test]
    fn tvtp_recovers_the_sign_of_the_driver() {
        // The chance of entering stress rises with the driver; x is a slow AR(1).
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut x = vec![0.0; 4000];
        for t in 1..4000 {
            x[t] = 0.98 * x[t - 1] + 0.2 * normal(&mut rng);
        }
        let logistic = crate::optim::logistic;
        let (y, _, _) = simulate(
            4000,
            13,
            |s, xv| {
                if s == 0 {
                    let p = logistic(3.5 - 1.5 * xv);
                    vec![p, 1.0 - p]
                } else {
                    vec![0.08, 0.92]
                }
            },
            |s, r| (if s == 0 { 0.01 } else { 0.04 } * normal(r), 0.0),
            &x,
        );
        let base =
            fit_markov(&y, &MarkovOptions { n_starts: 2, ..MarkovOptions::default() }).unwrap();
        let fit = fit_markov(
            &y,
            &MarkovOptions { n_starts: 2, tvtp: Some(x.clone()), ..MarkovOptions::default() },
        )
        .unwrap();
        let tv = fit.tvtp.as_ref().unwrap();
        // Row 0, column 0 logit: a + b x with b ≈ −1.5.
        assert!((tv.slope[0][0] + 1.5).abs() < 0.6, "{tv:?}");
        assert!((tv.intercept[0][0] - 3.5).abs() < 0.6, "{tv:?}");
        assert!(fit.loglik > base.loglik + 5.0, "{} vs {}", fit.loglik, base.loglik);
        assert!(fit.params.iter().any(|p| p.name == "b[0->0]" && p.std_error.is_some()));
        // The transition matrix reported is the one after the last observation.
        let p_last = logistic(tv.intercept[0][0] + tv.slope[0][0] * x[3999]);
        assert!((fit.transition[0][0] - p_last).abs() < 1e-9);
    }

    #[test]
    fn outputs_are_consistent_and_labelled() {
        let (y, _, _) = simulate(
            600,
            21,
            |s, _| if s == 0 { vec![0.97, 0.03] } else { vec![0.1, 0.9] },
            |s, r| (if s == 0 { 0.01 } else { 0.05 } * normal(r), 0.0),
            &[0.0; 600],
        );
        let fit =
            fit_markov(&y, &MarkovOptions { n_starts: 2, ..MarkovOptions::default() }).unwrap();
        for row in fit.smoothed.iter().chain(&fit.filtered) {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        assert!((fit.forecast.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let d0 = fit.expected_durations[0];
        assert!((d0 - 1.0 / (1.0 - fit.transition[0][0])).abs() < 1e-12);
        assert!(fit.regimes[0].variance[0] < fit.regimes[1].variance[0]);
        assert!(fit.hedge_ratios.is_none() && fit.decorrelation_factor.is_none());
        assert_eq!(fit.current_probabilities(), fit.filtered[599].as_slice());
        assert!(fit.current_state() < 2);
        let dates: Vec<Date> =
            (0..600).map(|i| Date::from_num_days_from_ce_opt(737_000 + i).unwrap()).collect();
        let lab = fit.to_labeling("markov2", &dates).unwrap();
        assert_eq!(lab.states, vec!["calm".to_string(), "stress".to_string()]);
        assert_eq!(lab.labels.len(), 600);
        assert!(matches!(
            fit.to_labeling("m", &dates[1..]),
            Err(RegimeError::LengthMismatch { .. })
        ));
        assert_eq!(state_names(3), vec!["calm", "normal", "stress"]);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let o = MarkovOptions::default();
        assert!(matches!(fit_markov(&[0.1, -0.2, 0.3], &o), Err(RegimeError::TooShort { .. })));
        assert!(matches!(fit_markov(&[0.5; 200], &o), Err(RegimeError::ConstantSeries { .. })));
        let y: Vec<f64> = (0..200).map(|i| ((i * 37 % 101) as f64 - 50.0) / 100.0).collect();
        let bad_k = MarkovOptions { k_regimes: 1, ..o.clone() };
        assert!(matches!(fit_markov(&y, &bad_k), Err(RegimeError::InvalidInput { .. })));
        let bad_x = MarkovOptions { tvtp: Some(vec![1.0; 10]), ..o.clone() };
        assert!(matches!(fit_markov(&y, &bad_x), Err(RegimeError::LengthMismatch { .. })));
        assert!(matches!(
            fit_markov_bivariate(&y, &y[1..], &o),
            Err(RegimeError::LengthMismatch { .. })
        ));
        let (sim, _, _) = simulate(
            400,
            2,
            |s, _| if s == 0 { vec![0.95, 0.05] } else { vec![0.1, 0.9] },
            |s, r| (if s == 0 { 0.01 } else { 0.04 } * normal(r), 0.0),
            &[0.0; 400],
        );
        let short = MarkovOptions { max_iter: 1, em_iter: 0, n_starts: 1, ..o.clone() };
        assert!(matches!(fit_markov(&sim, &short), Err(RegimeError::NoConvergence { .. })));
        let mut yn = y.clone();
        yn[3] = f64::INFINITY;
        assert!(matches!(fit_markov(&yn, &o), Err(RegimeError::NonFinite { index: 3, .. })));
    }
}
