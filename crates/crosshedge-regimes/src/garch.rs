//! GARCH(1,1) with a constant mean, Gaussian or Student-t innovations, by (quasi-)maximum
//! likelihood.
//!
//! # Formula
//! ```text
//! y_t = μ + e_t,   e_t = σ_t z_t,   σ²_t = ω + α e²_{t-1} + β σ²_{t-1}
//! σ²_0 = ω + (α + β) b,   b = Σ_{s<τ} w_s e²_s,  w_s ∝ 0.94^s,  τ = min(75, n)
//! ```
//! The backcast `b` is computed once from the residuals at the sample mean, exactly as
//! `arch` does (`arch.univariate.GARCH.backcast`), so log-likelihoods agree with
//! `arch_model(y, mean='Constant', vol='GARCH', p=1, q=1, dist='normal'|'t')`.
//! Gaussian: ℓ_t = −½(ln 2π + ln σ²_t + e²_t/σ²_t). Student-t (standardised to unit variance,
//! ν > 2): ℓ_t = lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(π(ν−2)) − ½ ln σ²_t − (ν+1)/2 · ln(1 + e²_t/(σ²_t(ν−2))).
//!
//! # Scaling
//! The fit rescales the series internally by its sample standard deviation (so decimal
//! returns and percent returns are equally well conditioned) and maps the estimates back:
//! μ and σ scale with the data, ω with its square, α, β and ν are scale-free, and the
//! log-likelihood is shifted by −n ln s. Results are always in the units of the input.
//!
//! # Estimation
//! Analytic gradients, BFGS on an unconstrained parametrisation
//! (ω = e^{u}, α + β = logistic, α/(α+β) = logistic, ν = 2.05 + 497.95 logistic), so ω > 0,
//! α, β > 0, α + β < 1 and ν ∈ (2.05, 500) (`arch`'s bounds) hold at every iterate. Starting values: the grid `arch` uses
//! (α ∈ {0.01, 0.05, 0.1, 0.2}, α+β ∈ {0.5, 0.7, 0.9, 0.98}, ω = s²(1 − α − β)); the best
//! `n_starts` grid points by likelihood are each optimised and the best optimum is kept.
//!
//! # Standard errors
//! `std_error` is the robust (Bollerslev–Wooldridge sandwich) standard error, computed the
//! way `arch` computes its default `cov_type='robust'`: H⁻¹ S H⁻¹ / n with H the numerical
//! Hessian of the mean log-likelihood (central differences of the analytic gradient) and S
//! the sample covariance (ddof 1) of the per-observation analytic scores. The classic
//! inverse-Hessian errors are in [`GarchFit::std_errors_classic`].
//!
//! # References
//! - Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity.
//!   *Journal of Econometrics* 31, 307–327.
//! - Bollerslev, T. and Wooldridge, J. (1992). Quasi-maximum likelihood estimation and
//!   inference in dynamic models with time-varying covariances. *Econometric Reviews* 11.
//! - Sheppard, K. `arch` package, `arch.univariate` (backcast and covariance conventions).

use serde::Serialize;
use statrs::function::gamma::{digamma, ln_gamma};

use crate::common::{check_series, ParamEstimate};
use crate::optim::{self, logistic, BfgsOptions};
use crate::RegimeError;

const MODEL: &str = "garch";
/// Bounds of the Student-t degrees of freedom, as in `arch`.
const NU_MIN: f64 = 2.05;
const NU_MAX: f64 = 500.0;
/// Minimum sample length for a GARCH(1,1) fit.
pub const GARCH_MIN_OBS: usize = 50;

/// Innovation distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Innovation {
    /// Standard normal.
    Normal,
    /// Student t standardised to unit variance, with ν > 2 estimated.
    StudentT,
}

/// Options for [`fit_garch`].
#[derive(Debug, Clone, PartialEq)]
pub struct GarchOptions {
    /// Innovation distribution.
    pub innovation: Innovation,
    /// Periods per year used to annualise volatilities (252 for US trading days, 365 for crypto).
    pub periods_per_year: f64,
    /// Number of starting points (best of the grid) to optimise from; at least 1.
    pub n_starts: usize,
    /// Explicit starting values `[μ, ω, α, β]` (plus `ν` for Student t) in the units of the
    /// input; when given, the grid is not used and only this start is optimised.
    pub starting_values: Option<Vec<f64>>,
    /// Maximum BFGS iterations per start.
    pub max_iter: usize,
}

impl Default for GarchOptions {
    fn default() -> Self {
        Self {
            innovation: Innovation::Normal,
            periods_per_year: 252.0,
            n_starts: 3,
            starting_values: None,
            max_iter: 500,
        }
    }
}

/// A fitted GARCH(1,1) model. All quantities are in the units of the input series.
#[derive(Debug, Clone, Serialize)]
pub struct GarchFit {
    /// Innovation distribution.
    pub innovation: Innovation,
    /// Constant mean μ.
    pub mu: f64,
    /// ω.
    pub omega: f64,
    /// α (ARCH).
    pub alpha: f64,
    /// β (GARCH).
    pub beta: f64,
    /// Degrees of freedom ν (Student t only).
    pub nu: Option<f64>,
    /// Estimates with robust (sandwich) standard errors, in `arch`'s order and naming:
    /// `mu, omega, alpha[1], beta[1]` and `nu`.
    pub params: Vec<ParamEstimate>,
    /// Classic (inverse-Hessian) standard errors, same order as `params`.
    pub std_errors_classic: Vec<Option<f64>>,
    /// Maximised log-likelihood.
    pub loglik: f64,
    /// Akaike information criterion, −2ℓ + 2k.
    pub aic: f64,
    /// Bayesian information criterion, −2ℓ + k ln n.
    pub bic: f64,
    /// Observations used.
    pub n_obs: usize,
    /// α + β.
    pub persistence: f64,
    /// Half-life of a variance shock in periods, ln ½ / ln(α + β).
    pub half_life_periods: f64,
    /// Unconditional volatility per period, sqrt(ω / (1 − α − β)).
    pub uncond_vol: f64,
    /// Unconditional volatility annualised with `periods_per_year`.
    pub uncond_vol_ann: f64,
    /// Conditional volatility σ_t per period, one per observation.
    pub cond_vol: Vec<f64>,
    /// Standardised residuals (y_t − μ) / σ_t.
    pub std_resid: Vec<f64>,
    /// One-step-ahead volatility forecast σ_{n+1} per period.
    pub next_vol: f64,
    /// One-step-ahead volatility forecast annualised.
    pub next_vol_ann: f64,
    /// Periods per year used for annualisation.
    pub periods_per_year: f64,
    /// The backcast b (in squared input units) that starts the variance recursion.
    pub backcast: f64,
    /// The internal rescaling factor s (the sample standard deviation of the input).
    pub scale: f64,
    /// BFGS iterations of the winning start.
    pub iterations: usize,
    /// Log-likelihood evaluations (with gradient) of the winning start.
    pub evaluations: usize,
}

/// ln Π x_i accumulated as a running product, renormalised before it can overflow or
/// underflow (the inputs are positive and moderate: conditional variances, 1 + q).
struct LogProduct {
    acc: f64,
    p: f64,
}

impl LogProduct {
    fn new() -> Self {
        Self { acc: 0.0, p: 1.0 }
    }
    #[inline]
    fn push(&mut self, x: f64) {
        self.p *= x;
        if !(self.p < 1e200 && self.p > 1e-200) {
            self.acc += self.p.ln();
            self.p = 1.0;
        }
    }
    fn ln(&self) -> f64 {
        self.acc + self.p.ln()
    }
}

/// Natural parameters in the rescaled space.
#[derive(Debug, Clone, Copy)]
struct Theta {
    mu: f64,
    omega: f64,
    alpha: f64,
    beta: f64,
    nu: f64,
}

fn n_params(dist: Innovation) -> usize {
    match dist {
        Innovation::Normal => 4,
        Innovation::StudentT => 5,
    }
}

/// `arch`'s backcast: exponentially weighted mean of the first 75 squared residuals.
pub(crate) fn arch_backcast(resid: &[f64]) -> f64 {
    let tau = resid.len().min(75);
    let mut w = 1.0;
    let (mut num, mut den) = (0.0, 0.0);
    for r in &resid[..tau] {
        num += w * r * r;
        den += w;
        w *= 0.94;
    }
    num / den
}

/// Log-likelihood, optionally its gradient in natural parameters, per-observation scores and
/// the conditional variances. Returns `-inf` for an infeasible point.
fn loglik(
    z: &[f64],
    bc: f64,
    th: &Theta,
    dist: Innovation,
    grad: Option<&mut [f64]>,
    scores: Option<&mut Vec<[f64; 5]>>,
    h_out: Option<&mut Vec<f64>>,
) -> f64 {
    // Monomorphised kernels: the per-observation loop has no distribution or gradient branches.
    let g = grad.is_some() || scores.is_some();
    match (dist, g) {
        (Innovation::Normal, false) => loglik_impl::<false, false>(z, bc, th, grad, scores, h_out),
        (Innovation::Normal, true) => loglik_impl::<false, true>(z, bc, th, grad, scores, h_out),
        (Innovation::StudentT, false) => loglik_impl::<true, false>(z, bc, th, grad, scores, h_out),
        (Innovation::StudentT, true) => loglik_impl::<true, true>(z, bc, th, grad, scores, h_out),
    }
}

#[inline(always)]
fn loglik_impl<const IS_T: bool, const GRAD: bool>(
    z: &[f64],
    bc: f64,
    th: &Theta,
    grad: Option<&mut [f64]>,
    mut scores: Option<&mut Vec<[f64; 5]>>,
    mut h_out: Option<&mut Vec<f64>>,
) -> f64 {
    let Theta { mu, omega, alpha, beta, nu } = *th;
    if !(omega > 0.0 && alpha >= 0.0 && beta >= 0.0 && alpha + beta < 1.0) {
        return f64::NEG_INFINITY;
    }
    let is_t = IS_T;
    if is_t && !(nu > 2.0) {
        return f64::NEG_INFINITY;
    }
    let (cst, dcst) = if is_t {
        (
            ln_gamma(0.5 * (nu + 1.0))
                - ln_gamma(0.5 * nu)
                - 0.5 * (std::f64::consts::PI * (nu - 2.0)).ln(),
            0.5 * digamma(0.5 * (nu + 1.0)) - 0.5 * digamma(0.5 * nu) - 0.5 / (nu - 2.0),
        )
    } else {
        (-0.5 * (2.0 * std::f64::consts::PI).ln(), 0.0)
    };
    let want_grad = GRAD;
    let mut g = [0.0; 5];
    // dh/d(mu, omega, alpha, beta)
    let mut dh = [0.0, 1.0, bc, bc];
    let mut h = omega + (alpha + beta) * bc;
    let n = z.len();
    // Σ ln σ²_t and Σ ln(1 + q_t) as logarithms of running products: one logarithm per
    // few hundred observations instead of one per observation.
    let mut sum_lnh = LogProduct::new();
    let mut sum_l1q = LogProduct::new();
    let mut sum_e2h = 0.0;
    let mut nu_part = 0.0;
    let inv_nu2 = if is_t { 1.0 / (nu - 2.0) } else { 0.0 };
    let half_nu1 = 0.5 * (nu + 1.0);
    let per_obs = scores.is_some();
    if let Some(s) = scores.as_deref_mut() {
        s.clear();
        s.reserve(n);
    }
    if let Some(v) = h_out.as_deref_mut() {
        v.clear();
        v.reserve(n);
    }
    let mut e_prev = 0.0;
    for (t, &zt) in z.iter().enumerate() {
        if t > 0 {
            let h_prev = h;
            h = omega + alpha * e_prev * e_prev + beta * h_prev;
            if want_grad {
                dh = [
                    -2.0 * alpha * e_prev + beta * dh[0],
                    1.0 + beta * dh[1],
                    e_prev * e_prev + beta * dh[2],
                    h_prev + beta * dh[3],
                ];
            }
        }
        if !(h > 0.0) || !h.is_finite() {
            return f64::NEG_INFINITY;
        }
        if let Some(v) = h_out.as_deref_mut() {
            v.push(h);
        }
        let e = zt - mu;
        let e2 = e * e;
        let inv_h = 1.0 / h;
        sum_lnh.push(h);
        let (dl_dh, dl_dmu, dl_dnu) = if is_t {
            let q = e2 * inv_h * inv_nu2;
            let opq = 1.0 + q;
            sum_l1q.push(opq);
            let w = q / opq;
            if want_grad {
                let dl_dh = (-0.5 + half_nu1 * w) * inv_h;
                let dl_dmu = (nu + 1.0) * e * inv_h * inv_nu2 / opq;
                let part = half_nu1 * w * inv_nu2;
                nu_part += part;
                // The per-observation ν score needs its own logarithm; the sum does not.
                let dl_dnu = if per_obs { dcst - 0.5 * q.ln_1p() + part } else { 0.0 };
                (dl_dh, dl_dmu, dl_dnu)
            } else {
                (0.0, 0.0, 0.0)
            }
        } else {
            let e2h = e2 * inv_h;
            sum_e2h += e2h;
            (0.5 * (e2h - 1.0) * inv_h, e * inv_h, 0.0)
        };
        if want_grad {
            let st = [dl_dmu + dl_dh * dh[0], dl_dh * dh[1], dl_dh * dh[2], dl_dh * dh[3], dl_dnu];
            for k in 0..4 {
                g[k] += st[k];
            }
            if let Some(s) = scores.as_deref_mut() {
                s.push(st);
            }
        }
        e_prev = e;
    }
    let nf = n as f64;
    let lnh_total = sum_lnh.ln();
    let ll = if is_t {
        let l1q_total = sum_l1q.ln();
        g[4] = nf * dcst - 0.5 * l1q_total + nu_part;
        nf * cst - 0.5 * lnh_total - half_nu1 * l1q_total
    } else {
        nf * cst - 0.5 * lnh_total - 0.5 * sum_e2h
    };
    if let Some(out) = grad {
        let k = out.len();
        out.copy_from_slice(&g[..k]);
    }
    ll
}

/// Analytic Hessian of the log-likelihood in the natural parameters (μ, ω, α, β(, ν)),
/// row-major k×k. Second derivatives of the variance recursion are carried alongside it.
fn loglik_hessian(z: &[f64], bc: f64, th: &Theta, dist: Innovation) -> Option<Vec<f64>> {
    let Theta { mu, omega, alpha, beta, nu } = *th;
    let is_t = dist == Innovation::StudentT;
    let k = n_params(dist);
    // Index pairs (i ≤ j) of the 4×4 block of the variance parameters.
    let mut hs = [[0.0; 5]; 5];
    let mut dh = [0.0, 1.0, bc, bc];
    let mut d2h = [[0.0; 4]; 4];
    let mut h = omega + (alpha + beta) * bc;
    let mut e_prev = 0.0;
    let r = nu - 2.0;
    let np1 = 0.5 * (nu + 1.0);
    // C''(ν) by a central difference of the analytic C'(ν) (no trigamma in statrs).
    let dc = |v: f64| 0.5 * digamma(0.5 * (v + 1.0)) - 0.5 * digamma(0.5 * v) - 0.5 / (v - 2.0);
    let c2 = if is_t { (dc(nu + 1e-5) - dc(nu - 1e-5)) / 2e-5 } else { 0.0 };
    for (t, &zt) in z.iter().enumerate() {
        if t > 0 {
            let hp = h;
            let ep = e_prev;
            // Second derivatives of σ²_t = ω + α e²_{t−1} + β σ²_{t−1} (∂e/∂μ = −1); the
            // (ω, ω), (ω, α) and (α, α) entries stay zero.
            let mut nd2 = [[0.0; 4]; 4];
            nd2[0][0] = 2.0 * alpha + beta * d2h[0][0];
            nd2[0][1] = beta * d2h[0][1];
            nd2[0][2] = -2.0 * ep + beta * d2h[0][2];
            nd2[0][3] = dh[0] + beta * d2h[0][3];
            nd2[1][3] = dh[1] + beta * d2h[1][3];
            nd2[2][3] = dh[2] + beta * d2h[2][3];
            nd2[3][3] = 2.0 * dh[3] + beta * d2h[3][3];
            for i in 0..4 {
                for j in 0..i {
                    nd2[i][j] = nd2[j][i];
                }
            }
            d2h = nd2;
            h = omega + alpha * ep * ep + beta * hp;
            dh = [
                -2.0 * alpha * ep + beta * dh[0],
                1.0 + beta * dh[1],
                ep * ep + beta * dh[2],
                hp + beta * dh[3],
            ];
        }
        if !(h > 0.0 && h.is_finite()) {
            return None;
        }
        let e = zt - mu;
        let (f_h, f_hh, f_he, f_ee, f_hn, f_en, f_nn) = if is_t {
            let q = e * e / (h * r);
            let opq = 1.0 + q;
            let (q_h, q_e, q_n) = (-q / h, 2.0 * e / (h * r), -q / r);
            let (q_hh, q_he, q_ee) = (2.0 * q / (h * h), -2.0 * e / (h * h * r), 2.0 / (h * r));
            let (q_hn, q_en, q_nn) = (q / (h * r), -2.0 * e / (h * r * r), 2.0 * q / (r * r));
            let l1 = |a: f64| a / opq;
            let l2 = |ab: f64, a: f64, b: f64| ab / opq - a * b / (opq * opq);
            (
                -0.5 / h - np1 * l1(q_h),
                0.5 / (h * h) - np1 * l2(q_hh, q_h, q_h),
                -np1 * l2(q_he, q_h, q_e),
                -np1 * l2(q_ee, q_e, q_e),
                -0.5 * l1(q_h) - np1 * l2(q_hn, q_h, q_n),
                -0.5 * l1(q_e) - np1 * l2(q_en, q_e, q_n),
                c2 - l1(q_n) - np1 * l2(q_nn, q_n, q_n),
            )
        } else {
            let e2 = e * e;
            (
                -0.5 / h + 0.5 * e2 / (h * h),
                0.5 / (h * h) - e2 / (h * h * h),
                e / (h * h),
                -1.0 / h,
                0.0,
                0.0,
                0.0,
            )
        };
        let ei = [-1.0, 0.0, 0.0, 0.0];
        for i in 0..4 {
            for j in i..4 {
                hs[i][j] += f_hh * dh[i] * dh[j]
                    + f_he * (dh[i] * ei[j] + dh[j] * ei[i])
                    + f_ee * ei[i] * ei[j]
                    + f_h * d2h[i][j];
            }
            if is_t {
                hs[i][4] += f_hn * dh[i] + f_en * ei[i];
            }
        }
        if is_t {
            hs[4][4] += f_nn;
        }
        e_prev = e;
    }
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        for j in i..k {
            out[i * k + j] = hs[i][j];
            out[j * k + i] = hs[i][j];
        }
    }
    out.iter().all(|v| v.is_finite()).then_some(out)
}

/// Map unconstrained u to natural parameters and the diagonal-ish Jacobian dθ/du.
fn transform(u: &[f64], dist: Innovation) -> (Theta, [[f64; 5]; 5]) {
    let omega = u[1].exp();
    let pers = logistic(u[2]);
    let r = logistic(u[3]);
    let alpha = pers * r;
    let beta = pers - alpha;
    let lnu = if dist == Innovation::StudentT { logistic(u[4]) } else { 0.0 };
    let nu = NU_MIN + (NU_MAX - NU_MIN) * lnu;
    let dp = pers * (1.0 - pers);
    let dr = r * (1.0 - r);
    let mut j = [[0.0; 5]; 5]; // j[natural][u]
    j[0][0] = 1.0;
    j[1][1] = omega;
    j[2][2] = dp * r;
    j[2][3] = pers * dr;
    j[3][2] = dp * (1.0 - r);
    j[3][3] = -pers * dr;
    j[4][4] = (NU_MAX - NU_MIN) * lnu * (1.0 - lnu);
    (Theta { mu: u[0], omega, alpha, beta, nu }, j)
}

fn inverse_transform(th: &Theta, dist: Innovation) -> Option<Vec<f64>> {
    let pers = th.alpha + th.beta;
    if !(th.omega > 0.0 && th.alpha > 0.0 && th.beta > 0.0 && pers < 1.0) {
        return None;
    }
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let mut u = vec![th.mu, th.omega.ln(), logit(pers), logit(th.alpha / pers)];
    if dist == Innovation::StudentT {
        if !(th.nu > NU_MIN && th.nu < NU_MAX) {
            return None;
        }
        u.push(logit((th.nu - NU_MIN) / (NU_MAX - NU_MIN)));
    }
    Some(u)
}

fn theta_from_vec(v: &[f64], dist: Innovation) -> Theta {
    Theta {
        mu: v[0],
        omega: v[1],
        alpha: v[2],
        beta: v[3],
        nu: if dist == Innovation::StudentT { v[4] } else { 0.0 },
    }
}

/// Fit a constant-mean GARCH(1,1) to `y` (returns, in any consistent unit).
///
/// # Errors
/// [`RegimeError::TooShort`] below [`GARCH_MIN_OBS`] observations,
/// [`RegimeError::NonFinite`], [`RegimeError::ConstantSeries`],
/// [`RegimeError::InvalidInput`] for bad options or starting values, and
/// [`RegimeError::NoConvergence`] when no start reaches a stationary point.
pub fn fit_garch(y: &[f64], opts: &GarchOptions) -> Result<GarchFit, RegimeError> {
    let (mean, var) = check_series(MODEL, "y", y, GARCH_MIN_OBS)?;
    if !(opts.periods_per_year > 0.0 && opts.periods_per_year.is_finite()) {
        return Err(RegimeError::InvalidInput {
            model: MODEL,
            what: "periods_per_year",
            reason: format!("must be positive, got {}", opts.periods_per_year),
        });
    }
    let dist = opts.innovation;
    let k = n_params(dist);
    let n = y.len();
    let s = var.sqrt();
    let z: Vec<f64> = y.iter().map(|v| v / s).collect();
    let zmean = mean / s;
    let resid0: Vec<f64> = z.iter().map(|v| v - zmean).collect();
    let bc = arch_backcast(&resid0);

    // Starting points in the rescaled space.
    let mut starts: Vec<Vec<f64>> = Vec::new();
    if let Some(sv) = &opts.starting_values {
        if sv.len() != k {
            return Err(RegimeError::InvalidInput {
                model: MODEL,
                what: "starting_values",
                reason: format!("expected {k} values, got {}", sv.len()),
            });
        }
        let mut th = theta_from_vec(sv, dist);
        th.mu /= s;
        th.omega /= s * s;
        let u = inverse_transform(&th, dist).ok_or_else(|| RegimeError::InvalidInput {
            model: MODEL,
            what: "starting_values",
            reason: "need omega > 0, alpha > 0, beta > 0, alpha + beta < 1 (and 2.05 < nu < 500)"
                .into(),
        })?;
        starts.push(u);
    } else {
        let nu0 = {
            let m4 = resid0.iter().map(|r| r.powi(4)).sum::<f64>() / n as f64;
            let m2 = resid0.iter().map(|r| r * r).sum::<f64>() / n as f64;
            let kurt = m4 / (m2 * m2);
            if kurt > 3.75 {
                ((4.0 * kurt - 6.0) / (kurt - 3.0)).max(4.0)
            } else {
                12.0
            }
        };
        let mut grid: Vec<(f64, Vec<f64>)> = Vec::new();
        for &alpha in &[0.01, 0.05, 0.1, 0.2] {
            for &pers in &[0.5, 0.7, 0.9, 0.98] {
                let th = Theta { mu: zmean, omega: 1.0 - pers, alpha, beta: pers - alpha, nu: nu0 };
                if let Some(u) = inverse_transform(&th, dist) {
                    let ll = loglik(&z, bc, &th, dist, None, None, None);
                    if ll.is_finite() {
                        grid.push((ll, u));
                    }
                }
            }
        }
        grid.sort_by(|a, b| b.0.total_cmp(&a.0));
        starts.extend(grid.into_iter().take(opts.n_starts.max(1)).map(|g| g.1));
    }

    let nf = n as f64;
    let bopts = BfgsOptions { gtol: 1e-8, gtol_stall: 1e-6, max_iter: opts.max_iter };
    let mut best: Option<optim::Minimum> = None;
    let mut best_any: Option<optim::Minimum> = None;
    for u0 in &starts {
        // Initial inverse Hessian: the inverse BHHH (outer product of scores) matrix at the start.
        let h0 = {
            let (th, j) = transform(u0, dist);
            let mut sc = Vec::new();
            let ll = loglik(&z, bc, &th, dist, None, Some(&mut sc), None);
            let mut acc = [[0.0; 5]; 5];
            for st in &sc {
                let mut su = [0.0; 5];
                for c in 0..k {
                    su[c] = (0..k).map(|r| st[r] * j[r][c]).sum::<f64>();
                }
                for r in 0..5 {
                    for c in 0..5 {
                        acc[r][c] += su[r] * su[c];
                    }
                }
            }
            let mut b = vec![0.0; k * k];
            for r in 0..k {
                for c in 0..k {
                    b[r * k + c] = acc[r][c] / nf;
                }
            }
            if ll.is_finite() {
                optim::invert(&b, k)
            } else {
                None
            }
        };
        let m = optim::bfgs(
            |u, gout| {
                let (th, j) = transform(u, dist);
                let mut gn = [0.0; 5];
                let ll = loglik(&z, bc, &th, dist, Some(&mut gn[..k]), None, None);
                if !ll.is_finite() {
                    return f64::INFINITY;
                }
                for (c, go) in gout.iter_mut().enumerate() {
                    *go = -(0..k).map(|r| gn[r] * j[r][c]).sum::<f64>() / nf;
                }
                -ll / nf
            },
            u0,
            h0,
            bopts,
        );
        let slot = if m.converged { &mut best } else { &mut best_any };
        if slot.as_ref().is_none_or(|b| m.f < b.f) {
            *slot = Some(m);
        }
    }
    let best = match best {
        Some(b) => b,
        None => {
            let (iterations, gradient, loglik) = best_any
                .map_or((0, f64::INFINITY, f64::NEG_INFINITY), |b| {
                    (b.iterations, b.grad_max, -b.f * nf)
                });
            return Err(RegimeError::NoConvergence { model: MODEL, iterations, gradient, loglik });
        }
    };
    let (th, _) = transform(&best.x, dist);
    let mut scores = Vec::new();
    let mut hz = Vec::new();
    let ll_z = loglik(&z, bc, &th, dist, None, Some(&mut scores), Some(&mut hz));
    if !ll_z.is_finite() {
        return Err(RegimeError::NoConvergence {
            model: MODEL,
            iterations: best.iterations,
            gradient: best.grad_max,
            loglik: ll_z,
        });
    }

    // Covariances in natural parameters of the rescaled problem, then mapped to input units.
    let hess = loglik_hessian(&z, bc, &th, dist);
    let scale_v = [s, s * s, 1.0, 1.0, 1.0];
    let (se_rob, se_cls) = match hess.and_then(|h| {
        let hn: Vec<f64> = h.iter().map(|v| -v / nf).collect();
        optim::invert(&hn, k)
    }) {
        Some(inv) => {
            let mut mean_s = [0.0; 5];
            for st in &scores {
                for c in 0..k {
                    mean_s[c] += st[c] / nf;
                }
            }
            let mut acc = [[0.0; 5]; 5];
            for st in &scores {
                let d = [
                    st[0] - mean_s[0],
                    st[1] - mean_s[1],
                    st[2] - mean_s[2],
                    st[3] - mean_s[3],
                    st[4] - mean_s[4],
                ];
                for a in 0..5 {
                    for b in 0..5 {
                        acc[a][b] += d[a] * d[b];
                    }
                }
            }
            let mut sc = vec![0.0; k * k];
            for a in 0..k {
                for b in 0..k {
                    sc[a * k + b] = acc[a][b] / (nf - 1.0);
                }
            }
            let rob = optim::sandwich(&inv, &sc, k, k);
            let rob: Vec<f64> = rob.iter().map(|v| v / nf).collect();
            let cls: Vec<f64> = inv.iter().map(|v| v / nf).collect();
            let f = |c: &[f64]| -> Vec<Option<f64>> {
                optim::std_errors(c, k)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| v.map(|x| x * scale_v[i]))
                    .collect()
            };
            (f(&rob), f(&cls))
        }
        None => (vec![None; k], vec![None; k]),
    };

    let mu = th.mu * s;
    let omega = th.omega * s * s;
    let names = ["mu", "omega", "alpha[1]", "beta[1]", "nu"];
    let values = [mu, omega, th.alpha, th.beta, th.nu];
    let params =
        (0..k).map(|i| ParamEstimate::new(names[i], values[i], se_rob[i])).collect::<Vec<_>>();
    let loglik_y = ll_z - nf * s.ln();
    let cond_vol: Vec<f64> = hz.iter().map(|h| h.sqrt() * s).collect();
    let std_resid: Vec<f64> = y.iter().zip(&cond_vol).map(|(v, sd)| (v - mu) / sd).collect();
    let e_last = y[n - 1] - mu;
    let next_var = omega + th.alpha * e_last * e_last + th.beta * cond_vol[n - 1].powi(2);
    let persistence = th.alpha + th.beta;
    let uncond_vol = (omega / (1.0 - persistence)).sqrt();
    let ppy = opts.periods_per_year;
    Ok(GarchFit {
        innovation: dist,
        mu,
        omega,
        alpha: th.alpha,
        beta: th.beta,
        nu: (dist == Innovation::StudentT).then_some(th.nu),
        params,
        std_errors_classic: se_cls,
        loglik: loglik_y,
        aic: -2.0 * loglik_y + 2.0 * k as f64,
        bic: -2.0 * loglik_y + k as f64 * nf.ln(),
        n_obs: n,
        persistence,
        half_life_periods: 0.5f64.ln() / persistence.ln(),
        uncond_vol,
        uncond_vol_ann: uncond_vol * ppy.sqrt(),
        cond_vol,
        std_resid,
        next_vol: next_var.sqrt(),
        next_vol_ann: (next_var * ppy).sqrt(),
        periods_per_year: ppy,
        backcast: bc * s * s,
        scale: s,
        iterations: best.iterations,
        evaluations: best.evaluations,
    })
}

/// Log-likelihood of a constant-mean GARCH(1,1) at given parameters `[μ, ω, α, β(, ν)]`
/// (input units), with `arch`'s backcast. Useful to compare fits and for checks.
///
/// # Errors
/// Input checks as [`fit_garch`]; [`RegimeError::InvalidInput`] when the parameters are
/// outside the admissible region.
pub fn garch_loglik(y: &[f64], params: &[f64], innovation: Innovation) -> Result<f64, RegimeError> {
    let (mean, _) = check_series(MODEL, "y", y, GARCH_MIN_OBS)?;
    if params.len() != n_params(innovation) {
        return Err(RegimeError::InvalidInput {
            model: MODEL,
            what: "params",
            reason: format!("expected {} values, got {}", n_params(innovation), params.len()),
        });
    }
    let resid: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let bc = arch_backcast(&resid);
    let th = theta_from_vec(params, innovation);
    let ll = loglik(y, bc, &th, innovation, None, None, None);
    if ll.is_finite() {
        Ok(ll)
    } else {
        Err(RegimeError::InvalidInput {
            model: MODEL,
            what: "params",
            reason: "outside the admissible region (omega > 0, alpha, beta >= 0, alpha + beta < 1, nu > 2)".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(n: usize) -> Vec<f64> {
        use rand::SeedableRng;
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (omega, alpha, beta): (f64, f64, f64) = (1e-6, 0.08, 0.9);
        let mut h = omega / (1.0 - alpha - beta);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let z: f64 = StandardNormal.sample(&mut rng);
            let e = h.sqrt() * z;
            out.push(0.0003 + e);
            h = omega + alpha * e * e + beta * h;
        }
        out
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let y = sim(500);
        let bc = arch_backcast(&y);
        for dist in [Innovation::Normal, Innovation::StudentT] {
            let k = n_params(dist);
            let x = [0.0002, 2e-6, 0.07, 0.88, 7.0];
            let mut g = vec![0.0; k];
            loglik(&y, bc, &theta_from_vec(&x, dist), dist, Some(&mut g), None, None);
            for i in 0..k {
                let h = 1e-6 * x[i].abs();
                let mut xp = x;
                let mut xm = x;
                xp[i] += h;
                xm[i] -= h;
                let fp = loglik(&y, bc, &theta_from_vec(&xp, dist), dist, None, None, None);
                let fm = loglik(&y, bc, &theta_from_vec(&xm, dist), dist, None, None, None);
                let fd = (fp - fm) / (2.0 * h);
                assert!(
                    (fd - g[i]).abs() <= 1e-5 * g[i].abs().max(1.0),
                    "{dist:?} {i}: {fd} vs {}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn hessian_matches_finite_differences_of_gradient() {
        let y: Vec<f64> = sim(800).iter().map(|v| v * 100.0).collect();
        let bc = arch_backcast(&y);
        for dist in [Innovation::Normal, Innovation::StudentT] {
            let k = n_params(dist);
            let x = [0.02, 0.02, 0.07, 0.88, 7.0];
            let h = loglik_hessian(&y, bc, &theta_from_vec(&x, dist), dist).unwrap();
            let fd = optim::hessian_from_gradient(
                |p, g| {
                    loglik(&y, bc, &theta_from_vec(p, dist), dist, Some(g), None, None).is_finite()
                },
                &x[..k],
            )
            .unwrap();
            for i in 0..k * k {
                assert!(
                    (h[i] - fd[i]).abs() <= 1e-4 * fd[i].abs().max(1.0),
                    "{dist:?} {i}: {} vs {}",
                    h[i],
                    fd[i]
                );
            }
        }
    }

    #[test]
    fn scale_invariance() {
        let y = sim(1500);
        let y100: Vec<f64> = y.iter().map(|v| v * 100.0).collect();
        let a = fit_garch(&y, &GarchOptions::default()).unwrap();
        let b = fit_garch(&y100, &GarchOptions::default()).unwrap();
        assert!((a.alpha - b.alpha).abs() < 1e-6 && (a.beta - b.beta).abs() < 1e-6);
        assert!((a.omega * 1e4 - b.omega).abs() < 1e-6 * b.omega);
        assert!((a.loglik - (b.loglik + 1500.0 * 100f64.ln())).abs() < 1e-6 * a.loglik.abs());
    }

    #[test]
    fn bad_inputs_are_errors() {
        let o = GarchOptions::default();
        assert!(matches!(fit_garch(&[0.01; 10], &o), Err(RegimeError::TooShort { .. })));
        assert!(matches!(fit_garch(&[0.01; 100], &o), Err(RegimeError::ConstantSeries { .. })));
        let y = sim(200);
        let bad = GarchOptions { starting_values: Some(vec![0.0, 1e-6, 0.5, 0.6]), ..o.clone() };
        assert!(matches!(fit_garch(&y, &bad), Err(RegimeError::InvalidInput { .. })));
        assert!(garch_loglik(&y, &[0.0, 1e-6, 0.1], Innovation::Normal).is_err());
        // One BFGS iteration cannot reach a stationary point: a clear error, not a number.
        let short = GarchOptions { max_iter: 1, ..o };
        assert!(matches!(
            fit_garch(&y, &short),
            Err(RegimeError::NoConvergence { iterations: 1, .. })
        ));
    }
}
