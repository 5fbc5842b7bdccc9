//! The regime-switching joint model of the VIX, the SPX and the crypto/NFT targets.

use crosshedge_demo::params as p;
use crosshedge_pricing::{term_premium, LogVixAr1};
use crosshedge_stats::corr::pearson;
use crosshedge_stats::regime::{regime_rows, subset};
use rand::Rng;
use rand_distr::{ChiSquared, Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::mixing::{CappedMixing, MIXING_CAP};
use crate::SimulationError;

/// Number of regimes (calm, normal, stress: the VIX bands).
pub const N_REGIMES: usize = 3;
/// Number of risk factors: log VIX, SPX, BTC, ETH, NFT (latent value).
pub const N_FACTORS: usize = 5;
/// Factor names in model order.
pub const FACTOR_NAMES: [&str; N_FACTORS] = ["vix", "spx", "btc", "eth", "nft"];
/// Trading days per year (the model steps one US trading day at a time).
pub const TRADING_DAYS: f64 = 252.0;

/// Parameters of one regime; daily quantities are per model step (one US trading day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegimeParams {
    /// Level log VIX reverts to in this regime (`μ_s`).
    pub vix_level_log: f64,
    /// Daily sd of the log-VIX innovation (vol-of-vol, `σ_s`).
    pub vix_vol: f64,
    /// Daily mean log return of SPX, BTC, ETH and the NFT latent value.
    pub mean: [f64; 4],
    /// Daily sd of the same log returns.
    pub vol: [f64; 4],
    /// Correlation matrix of the five standardised shocks (VIX, SPX, BTC, ETH, NFT).
    pub corr: [[f64; N_FACTORS]; N_FACTORS],
    /// Perp funding paid by longs per step (decimal of notional).
    pub funding_per_day: f64,
    /// Black-76 implied volatility of VIX options in this regime (annualised).
    pub vix_option_vol: f64,
}

/// Innovation distribution of the joint shock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Innovations {
    /// Independent standard normals mixed by the regime's Cholesky factor.
    Gaussian,
    /// Multivariate Student-t with `nu > 2` degrees of freedom and its mixing variance capped:
    /// one chi-square mixing variable `W` per day shared by all factors (joint tail
    /// dependence), `V = (ν − 2)/W` capped at `cap²` and divided by `E[min(V, cap²)]` so the
    /// shocks keep unit variance ([`CappedMixing`]). The cap gives every exponential moment a
    /// finite value (an uncapped t log return has `E[e^r] = ∞`).
    StudentT {
        /// Degrees of freedom.
        nu: f64,
        /// Cap `c` on the mixing sd ([`MIXING_CAP`] by default).
        cap: f64,
    },
}

impl Innovations {
    /// The multivariate Student-t with the default cap [`MIXING_CAP`].
    pub fn student_t(nu: f64) -> Self {
        Self::StudentT { nu, cap: MIXING_CAP }
    }

    /// The capped mixing law (`None` for Gaussian shocks).
    ///
    /// # Errors
    /// [`SimulationError::InvalidParameter`] for `ν ≤ 2` or a non-positive cap.
    pub fn mixing(&self) -> Result<Option<CappedMixing>, SimulationError> {
        match *self {
            Self::Gaussian => Ok(None),
            Self::StudentT { nu, cap } => CappedMixing::new(nu, cap).map(Some),
        }
    }

    /// `ln E[e^{σ z}]` of a standardised shock `z`: `σ²/2` for Gaussian shocks,
    /// [`CappedMixing::log_mgf`] for the capped Student-t.
    ///
    /// # Errors
    /// As [`Innovations::mixing`].
    pub fn log_mgf(&self, sigma: f64) -> Result<f64, SimulationError> {
        Ok(match self.mixing()? {
            None => 0.5 * sigma * sigma,
            Some(m) => m.log_mgf(sigma),
        })
    }
}

/// The VIX futures pricing rule: `F(x, h) = exp(m + φʰ(x − m) + ½ s² (1 − φ²ʰ)/(1 − φ²) +
/// a (1 − e^{−h/τ}))` for log VIX `x` and `h` trading days to expiry — the AR(1) expectation of
/// VIX at expiry plus a term premium (the demo market's `future_price`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FuturesModel {
    /// AR(1) coefficient of daily log VIX.
    pub phi: f64,
    /// Long-run mean of log VIX.
    pub mean_log: f64,
    /// Residual sd of the AR(1).
    pub sd: f64,
    /// Asymptotic log term premium `a`.
    pub premium_a: f64,
    /// Premium scale `τ` in trading days.
    pub premium_tau_days: f64,
}

impl FuturesModel {
    /// The AR(1) of log VIX behind this rule (`phi`, `mean_log`, `sd`).
    pub fn ar1(&self) -> LogVixAr1 {
        LogVixAr1 { phi: self.phi, mean_log: self.mean_log, sd: self.sd }
    }

    /// `(c₀, c₁)` with `ln F(x, h) = c₀ + c₁ x`: `c₁ = φʰ`, `c₀ = m (1 − φʰ) + ½ v_h +
    /// a (1 − e^{−h/τ})` ([`LogVixAr1::horizon`], [`term_premium`]; no premium when `τ ≤ 0`).
    pub fn coefficients(&self, h: f64) -> (f64, f64) {
        let (ph, var) = self.ar1().horizon(h);
        let prem = if self.premium_tau_days > 0.0 {
            term_premium(self.premium_a, self.premium_tau_days, h)
        } else {
            0.0
        };
        (self.mean_log * (1.0 - ph) + 0.5 * var + prem, ph)
    }

    /// The future `h` trading days from expiry at log VIX `x`.
    pub fn price(&self, x: f64, h: f64) -> f64 {
        let (c0, c1) = self.coefficients(h);
        (c0 + c1 * x).exp()
    }

    /// This rule with its term premium `(a, τ)` fitted to futures settlements, given as
    /// `(x, h, F)`: log VIX at the close, trading days to expiry, settlement.
    ///
    /// # Formula
    /// Least squares of `y_i = ln F_i − (μ (1 − φ^h) + φ^h x_i + ½ var(h))` on
    /// `a (1 − e^{−h_i/τ})`: for a given `τ`, `a(τ) = Σ y g / Σ g²` with `g = 1 − e^{−h/τ}`;
    /// `τ` minimises the residual sum of squares over `[1, 2000]` trading days (a log-spaced
    /// grid, then golden-section refinement). The demo calibration fits the same curve with
    /// scipy's `curve_fit` (`crates/crosshedge-demo/calibration/calibrate.py` §8).
    ///
    /// # Errors
    /// [`SimulationError::InvalidParameter`] with fewer than 20 usable rows (finite, `F > 0`,
    /// `h ≥ 1`) or no finite fit.
    pub fn with_fitted_premium(&self, rows: &[(f64, f64, f64)]) -> Result<Self, SimulationError> {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|(x, h, f)| {
                x.is_finite() && h.is_finite() && *h >= 1.0 && f.is_finite() && *f > 0.0
            })
            .map(|&(x, h, f)| {
                let mut base = *self;
                base.premium_a = 0.0;
                let (c0, c1) = base.coefficients(h);
                (h, f.ln() - (c0 + c1 * x))
            })
            .collect();
        if pts.len() < 20 {
            return Err(bad(
                "futures rows",
                "need at least 20 settlements with F > 0 and h >= 1",
                pts.len() as f64,
            ));
        }
        // a(τ) and the residual sum of squares at τ.
        let fit_at = |tau: f64| -> (f64, f64) {
            let (mut syg, mut sgg) = (0.0, 0.0);
            for &(h, y) in &pts {
                let g = -(-h / tau).exp_m1();
                syg += y * g;
                sgg += g * g;
            }
            let a = syg / sgg;
            let rss = pts
                .iter()
                .map(|&(h, y)| {
                    let e = y + a * (-h / tau).exp_m1();
                    e * e
                })
                .sum::<f64>();
            (a, rss)
        };
        let (lo, hi) = (1f64.ln(), 2000f64.ln());
        let n = 200;
        let mut best = (lo, f64::INFINITY);
        for k in 0..=n {
            let u = lo + (hi - lo) * k as f64 / n as f64;
            let rss = fit_at(u.exp()).1;
            if rss < best.1 {
                best = (u, rss);
            }
        }
        // Golden section on ln τ around the best grid node.
        let step = (hi - lo) / n as f64;
        let (mut a, mut b) = ((best.0 - step).max(lo), (best.0 + step).min(hi));
        let r = 0.5 * (5f64.sqrt() - 1.0);
        let mut c = b - r * (b - a);
        let mut d = a + r * (b - a);
        let (mut fc, mut fd) = (fit_at(c.exp()).1, fit_at(d.exp()).1);
        for _ in 0..100 {
            if fc < fd {
                b = d;
                d = c;
                fd = fc;
                c = b - r * (b - a);
                fc = fit_at(c.exp()).1;
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + r * (b - a);
                fd = fit_at(d.exp()).1;
            }
        }
        let tau = (0.5 * (a + b)).exp();
        let (premium_a, _) = fit_at(tau);
        if !(premium_a.is_finite() && tau.is_finite()) {
            return Err(bad("futures premium", "the fit did not converge", premium_a));
        }
        Ok(Self { premium_a, premium_tau_days: tau, ..*self })
    }
}

/// The regime-switching joint model.
///
/// # Formula
/// Per trading day, with regime `s_t` a Markov chain with transition matrix `P`:
/// `ε` five unit-variance innovations (Gaussian, or `√V_c` times Gaussian with the capped
/// Student-t mixing variance `V_c` of [`Innovations::StudentT`]), `z = L_s ε` with
/// `L_s L_sᵀ = C_s` the regime's shock correlation;
/// `x_{t+1} = x_t + κ (μ_s − x_t) + σ_s z₀` (log VIX);
/// `r_i = m_{s,i} + v_{s,i} z_i` for SPX, BTC, ETH and the NFT latent value;
/// the NFT *mark* catches up with the latent value on days with a sale (probability
/// `nft_trade_prob`) and is stale otherwise (delayed price discovery).
///
/// # References
/// Hamilton (1989) for the Markov-switching structure; the parameters follow the demo market's
/// calibration (`crosshedge-demo/calibration`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointModel {
    /// Row-stochastic daily transition matrix (row = today).
    pub transition: [[f64; N_REGIMES]; N_REGIMES],
    /// Daily mean-reversion speed of log VIX (`κ`, in (0, 1]).
    pub kappa: f64,
    /// Per-regime parameters (calm, normal, stress).
    pub regimes: [RegimeParams; N_REGIMES],
    /// Innovation distribution.
    pub innovations: Innovations,
    /// Probability that the NFT index prints on a day.
    pub nft_trade_prob: f64,
    /// VIX futures pricing rule.
    pub futures: FuturesModel,
    /// Risk-free rate (continuously compounded, annual).
    pub rate: f64,
    /// SPX dividend yield (continuously compounded, annual).
    pub spx_div_yield: f64,
}

/// Lower Cholesky factor of a 5×5 correlation matrix, `None` if not positive definite.
#[allow(clippy::needless_range_loop)]
pub(crate) fn cholesky(c: &[[f64; N_FACTORS]; N_FACTORS]) -> Option<[[f64; N_FACTORS]; N_FACTORS]> {
    let mut l = [[0.0; N_FACTORS]; N_FACTORS];
    for i in 0..N_FACTORS {
        for j in 0..=i {
            let mut s = c[i][j];
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            if i == j {
                if s <= 1e-12 {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Shrinks a correlation matrix towards the identity until it is positive definite
/// (`C(λ) = (1 − λ) C + λ I`, λ = 0, 0.05, …, 0.95).
fn make_pd(c: &[[f64; N_FACTORS]; N_FACTORS]) -> Option<[[f64; N_FACTORS]; N_FACTORS]> {
    for step in 0..20 {
        let lam = f64::from(step) * 0.05;
        let mut m = *c;
        for (i, row) in m.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = if i == j { 1.0 } else { (1.0 - lam) * *v };
            }
        }
        if cholesky(&m).is_some() {
            return Some(m);
        }
    }
    None
}

fn bad(name: impl Into<String>, requirement: &'static str, value: f64) -> SimulationError {
    SimulationError::InvalidParameter { name: name.into(), requirement, value }
}

/// One simulated day of factor moves.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct FactorDay {
    /// Regime during the day.
    pub regime: usize,
    /// Change of log VIX.
    pub vix_change: f64,
    /// Log returns of SPX, BTC, ETH, NFT latent value.
    pub returns: [f64; 4],
    /// Whether the NFT index printed.
    pub nft_print: bool,
}

/// The VIX's Ornstein–Uhlenbeck (AR(1) in log VIX) parameters in one regime:
/// `x_{t+1} − x_t = κ (μ_s − x_t) + σ_s z₀`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VixOu {
    /// Daily mean-reversion speed `κ` (shared by the regimes).
    pub kappa: f64,
    /// Level `μ_s` of log VIX.
    pub level_log: f64,
    /// `e^{μ_s}`, the level in VIX points.
    pub level: f64,
    /// Daily sd `σ_s` of the log-VIX innovation (vol-of-vol).
    pub vol: f64,
    /// Half-life of a deviation in trading days, `ln 2 / −ln(1 − κ)`.
    pub half_life_days: f64,
}

/// One regime of [`ModelSummary`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeSummary {
    /// `calm`, `normal` or `stress`.
    pub name: &'static str,
    /// The VIX's OU parameters.
    pub vix: VixOu,
    /// Daily mean log return of SPX, BTC, ETH and the NFT latent value (as simulated).
    pub mean: [f64; 4],
    /// Daily sd of the same log returns.
    pub vol: [f64; 4],
    /// Correlation of the standardised shocks (VIX, SPX, BTC, ETH, NFT).
    pub corr: [[f64; N_FACTORS]; N_FACTORS],
    /// The zero-drift means `−ln E[e^{σ z}]` (what `mean` is under zero drift).
    pub zero_drift_mean: [f64; 4],
    /// Perp funding per step.
    pub funding_per_day: f64,
    /// VIX option implied vol.
    pub vix_option_vol: f64,
}

/// The joint model's parameters in named form ([`JointModel::summary`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    /// Shock factors in `corr` order.
    pub factors: [&'static str; N_FACTORS],
    /// Return factors in `mean`/`vol` order.
    pub return_factors: [&'static str; 4],
    /// `gaussian` or `student_t_capped_mixing`.
    pub innovations: &'static str,
    /// Degrees of freedom `ν` of the Student-t.
    pub nu: Option<f64>,
    /// Cap `c` on the mixing sd (`V = (ν − 2)/W ≤ c²`).
    pub mixing_cap: Option<f64>,
    /// `k_c = E[min(V, c²)]`, the rescaling to unit variance.
    pub mixing_scale: Option<f64>,
    /// `P(V > c²)`: the share of days on which the cap binds.
    pub mixing_cap_probability: Option<f64>,
    /// Kurtosis of a standardised shock (3 for Gaussian).
    pub shock_kurtosis: f64,
    /// Daily transition matrix (row = today; calm, normal, stress).
    pub transition: [[f64; N_REGIMES]; N_REGIMES],
    /// Probability that the NFT index prints on a day.
    pub nft_trade_prob: f64,
    /// Per regime.
    pub regimes: [RegimeSummary; N_REGIMES],
}

/// The compiled form of a model used on the hot path.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) cum_transition: [[f64; N_REGIMES]; N_REGIMES],
    pub(crate) chol: [[[f64; N_FACTORS]; N_FACTORS]; N_REGIMES],
    pub(crate) kappa: f64,
    pub(crate) kmu: [f64; N_REGIMES],
    pub(crate) vix_vol: [f64; N_REGIMES],
    pub(crate) mean: [[f64; 4]; N_REGIMES],
    pub(crate) vol: [[f64; 4]; N_REGIMES],
    /// χ²_ν, `ν − 2`, the cap `c²` on `V = (ν − 2)/W` and `1/k_c`.
    pub(crate) t_dist: Option<(ChiSquared<f64>, f64, f64, f64)>,
    pub(crate) nft_trade_prob: f64,
}

impl Compiled {
    /// Draws the next regime from `s` with one uniform.
    #[inline(always)]
    pub(crate) fn next_regime<R: Rng + ?Sized>(&self, s: usize, rng: &mut R) -> usize {
        let u: f64 = rng.random();
        let row = &self.cum_transition[s];
        if u < row[0] {
            0
        } else if u < row[1] {
            1
        } else {
            2
        }
    }

    /// Draws the correlated standardised shocks `z = L_s ε` of regime `s`.
    #[inline(always)]
    pub(crate) fn shocks<R: Rng + ?Sized>(&self, s: usize, rng: &mut R) -> [f64; N_FACTORS] {
        let mut e = [0.0; N_FACTORS];
        for v in &mut e {
            *v = StandardNormal.sample(rng);
        }
        if let Some((chi, nu_m2, cap2, inv_k)) = &self.t_dist {
            let w: f64 = chi.sample(rng);
            let scale = ((nu_m2 / w).min(*cap2) * inv_k).sqrt();
            for v in &mut e {
                *v *= scale;
            }
        }
        let l = &self.chol[s];
        let mut z = [0.0; N_FACTORS];
        for i in 0..N_FACTORS {
            let mut acc = 0.0;
            for k in 0..=i {
                acc += l[i][k] * e[k];
            }
            z[i] = acc;
        }
        z
    }

    /// One day from log VIX `x` in regime `s` (after the regime draw).
    #[inline(always)]
    pub(crate) fn day<R: Rng + ?Sized>(&self, s: usize, x: f64, rng: &mut R) -> FactorDay {
        let z = self.shocks(s, rng);
        let vix_change = self.kmu[s] - self.kappa * x + self.vix_vol[s] * z[0];
        let m = &self.mean[s];
        let v = &self.vol[s];
        let returns =
            [m[0] + v[0] * z[1], m[1] + v[1] * z[2], m[2] + v[2] * z[3], m[3] + v[3] * z[4]];
        let nft_print = self.nft_trade_prob >= 1.0 || rng.random::<f64>() < self.nft_trade_prob;
        FactorDay { regime: s, vix_change, returns, nft_print }
    }
}

impl JointModel {
    /// The model without the sample's drift: every regime's daily mean log return of SPX, BTC,
    /// ETH and the NFT set to `m = −ln E[e^{σ_s z}]` ([`Innovations::log_mgf`]: `−σ_s²/2` for
    /// Gaussian shocks, the capped Student-t's exact log-mgf otherwise), so
    /// `E[S_{t+1}/S_t | s_t] = e^m E[e^{σ_s z}] = 1` and each price is a martingale step by
    /// step (zero expected P&L); the VIX keeps its mean reversion. Short-horizon risk is
    /// measured without the sample mean by convention (RiskMetrics Technical Document, 1996,
    /// §5.2): a fitted crypto bull-market drift of several percent a month would otherwise
    /// shift every quantile towards gains. (With invalid innovations the means become NaN and
    /// [`JointModel::validate`] rejects the model.)
    #[must_use]
    pub fn with_zero_drift(mut self) -> Self {
        let mixing = self.innovations.mixing();
        for r in &mut self.regimes {
            for k in 0..4 {
                let s = r.vol[k];
                r.mean[k] = match &mixing {
                    Ok(None) => -0.5 * s * s,
                    Ok(Some(m)) => -m.log_mgf(s),
                    Err(_) => f64::NAN,
                };
            }
        }
        self
    }

    /// The model's parameters in named form (for reports): ν and the mixing cap, the
    /// transition matrix, and per regime the VIX's OU parameters, the means, vols and
    /// correlations, and the zero-drift means.
    ///
    /// # Errors
    /// Invalid innovations.
    pub fn summary(&self) -> Result<ModelSummary, SimulationError> {
        let mixing = self.innovations.mixing()?;
        let kurtosis = mixing.map_or(3.0, |m| m.kurtosis());
        let names = ["calm", "normal", "stress"];
        let half_life = std::f64::consts::LN_2 / -(1.0 - self.kappa).ln();
        let regimes = std::array::from_fn(|s| {
            let r = &self.regimes[s];
            RegimeSummary {
                name: names[s],
                vix: VixOu {
                    kappa: self.kappa,
                    level_log: r.vix_level_log,
                    level: r.vix_level_log.exp(),
                    vol: r.vix_vol,
                    half_life_days: half_life,
                },
                mean: r.mean,
                vol: r.vol,
                corr: r.corr,
                zero_drift_mean: r.vol.map(|v| match mixing {
                    None => -0.5 * v * v,
                    Some(m) => -m.log_mgf(v),
                }),
                funding_per_day: r.funding_per_day,
                vix_option_vol: r.vix_option_vol,
            }
        });
        Ok(ModelSummary {
            factors: FACTOR_NAMES,
            return_factors: ["spx", "btc", "eth", "nft"],
            innovations: if mixing.is_some() { "student_t_capped_mixing" } else { "gaussian" },
            nu: mixing.map(|m| m.nu),
            mixing_cap: mixing.map(|m| m.cap),
            mixing_scale: mixing.map(|m| m.scale),
            mixing_cap_probability: mixing.map(|m| m.cap_probability),
            shock_kurtosis: kurtosis,
            transition: self.transition,
            nft_trade_prob: self.nft_trade_prob,
            regimes,
        })
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`SimulationError::InvalidParameter`] for an out-of-domain value,
    /// [`SimulationError::NotPositiveDefinite`] for a bad correlation matrix.
    pub fn validate(&self) -> Result<(), SimulationError> {
        for (i, row) in self.transition.iter().enumerate() {
            for v in row {
                if !(v.is_finite() && *v >= 0.0) {
                    return Err(bad(
                        format!("transition[{i}]"),
                        "must hold non-negative probabilities",
                        *v,
                    ));
                }
            }
            let s: f64 = row.iter().sum();
            if (s - 1.0).abs() > 1e-9 {
                return Err(bad(format!("transition[{i}]"), "must sum to 1", s));
            }
        }
        if !(self.kappa > 0.0 && self.kappa <= 1.0) {
            return Err(bad("kappa", "must lie in (0, 1]", self.kappa));
        }
        for (s, r) in self.regimes.iter().enumerate() {
            let fin = [r.vix_level_log, r.funding_per_day].into_iter().chain(r.mean);
            for v in fin {
                if !v.is_finite() {
                    return Err(bad(format!("regimes[{s}]"), "must be finite", v));
                }
            }
            for v in r.vol.into_iter().chain([r.vix_vol]) {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(bad(
                        format!("regimes[{s}].vol"),
                        "must be finite and non-negative",
                        v,
                    ));
                }
            }
            if !(r.vix_option_vol.is_finite() && r.vix_option_vol > 0.0) {
                return Err(bad(
                    format!("regimes[{s}].vix_option_vol"),
                    "must be positive",
                    r.vix_option_vol,
                ));
            }
            for i in 0..N_FACTORS {
                for j in 0..N_FACTORS {
                    let c = r.corr[i][j];
                    let ok = if i == j { c == 1.0 } else { c.abs() < 1.0 && c == r.corr[j][i] };
                    if !ok {
                        return Err(bad(
                            format!("regimes[{s}].corr[{i}][{j}]"),
                            "must be a symmetric correlation",
                            c,
                        ));
                    }
                }
            }
            if cholesky(&r.corr).is_none() {
                return Err(SimulationError::NotPositiveDefinite { regime: s });
            }
        }
        if let Innovations::StudentT { nu, cap } = self.innovations {
            if !(nu.is_finite() && nu > 2.0) {
                return Err(bad("nu", "must exceed 2", nu));
            }
            if !(cap.is_finite() && cap > 0.0) {
                return Err(bad("mixing cap", "must be positive and finite", cap));
            }
        }
        if !(self.nft_trade_prob > 0.0 && self.nft_trade_prob <= 1.0) {
            return Err(bad("nft_trade_prob", "must lie in (0, 1]", self.nft_trade_prob));
        }
        let f = &self.futures;
        if !(f.phi > 0.0 && f.phi < 1.0) {
            return Err(bad("futures.phi", "must lie in (0, 1)", f.phi));
        }
        for (n, v) in [
            ("futures.mean_log", f.mean_log),
            ("futures.sd", f.sd),
            ("futures.premium_a", f.premium_a),
            ("futures.premium_tau_days", f.premium_tau_days),
            ("rate", self.rate),
            ("spx_div_yield", self.spx_div_yield),
        ] {
            if !v.is_finite() {
                return Err(bad(n, "must be finite", v));
            }
        }
        Ok(())
    }

    pub(crate) fn compile(&self) -> Result<Compiled, SimulationError> {
        self.validate()?;
        let mut cum = [[0.0; N_REGIMES]; N_REGIMES];
        for (i, row) in self.transition.iter().enumerate() {
            let mut acc = 0.0;
            for (j, v) in row.iter().enumerate() {
                acc += v;
                cum[i][j] = acc;
            }
            cum[i][N_REGIMES - 1] = f64::INFINITY;
        }
        let mut chol = [[[0.0; N_FACTORS]; N_FACTORS]; N_REGIMES];
        for (s, r) in self.regimes.iter().enumerate() {
            chol[s] =
                cholesky(&r.corr).ok_or(SimulationError::NotPositiveDefinite { regime: s })?;
        }
        let t_dist = match self.innovations.mixing()? {
            None => None,
            Some(m) => Some((
                ChiSquared::new(m.nu).map_err(|_| bad("nu", "must exceed 2", m.nu))?,
                m.nu - 2.0,
                m.cap * m.cap,
                1.0 / m.scale,
            )),
        };
        Ok(Compiled {
            cum_transition: cum,
            chol,
            kappa: self.kappa,
            kmu: std::array::from_fn(|s| self.kappa * self.regimes[s].vix_level_log),
            vix_vol: std::array::from_fn(|s| self.regimes[s].vix_vol),
            mean: std::array::from_fn(|s| self.regimes[s].mean),
            vol: std::array::from_fn(|s| self.regimes[s].vol),
            t_dist,
            nft_trade_prob: self.nft_trade_prob,
        })
    }

    /// One long simulated factor path (for checks and for fitting round trips).
    ///
    /// # Errors
    /// An invalid model.
    pub fn simulate_factors<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        days: usize,
        initial_regime: usize,
        initial_log_vix: f64,
    ) -> Result<(Vec<FactorDay>, Vec<f64>), SimulationError> {
        let c = self.compile()?;
        let mut s = initial_regime.min(N_REGIMES - 1);
        let mut x = initial_log_vix;
        let mut out = Vec::with_capacity(days);
        let mut xs = Vec::with_capacity(days);
        for _ in 0..days {
            s = c.next_regime(s, rng);
            let d = c.day(s, x, rng);
            xs.push(x);
            x += d.vix_change;
            out.push(d);
        }
        Ok((out, xs))
    }

    /// The model with the demo market's calibrated parameters (`crosshedge_demo::params`).
    ///
    /// # Formula
    /// Transition `REGIME_TRANSITION`; `κ = VIX_KAPPA`, `μ_s = VIX_MU_LOG`, `σ_s =
    /// VIX_SURPRISE_SD` (total log-VIX surprise sd, jumps folded in); Student-t with
    /// `ν = VIX_NU` and the mixing cap [`MIXING_CAP`]. Correlations of the standardised shocks
    /// per regime: SPX–VIX `SPX_LOAD_VIX`; BTC–VIX `BTC_LOAD_VIX`, BTC–SPX `b_v ρ + b_s √(1 − ρ²)` from the demo's
    /// loadings; ETH through BTC (`ETH_CORR_BTC`, VIX and SPX correlations times it); NFT
    /// through ETH (`corr = NFT_BETA_ETH · σ_eth / σ_nft`). BTC daily sd per trading step
    /// `BTC_SD_WEEKDAY · √(1 + 2 w²/5)` (a step covers the weekend once a week, `w` the weekend
    /// ratio); ETH `ETH_VOL_RATIO` times it; NFT latent sd `√(β² σ_eth² + NFT_SD² +
    /// NFT_JUMP_PROB · NFT_JUMP_SD²)`. Funding per step `FUNDING_C/(1 − FUNDING_PHI) · 365/252`.
    /// VIX option implied vols 0.80 / 0.95 / 1.20 per regime (an assumption, not estimated).
    /// Rate 4 %, SPX dividend yield 1.5 % (assumptions).
    pub fn demo() -> Self {
        let week = (1.0 + 2.0 * p::BTC_WEEKEND_RATIO * p::BTC_WEEKEND_RATIO / 5.0).sqrt();
        let cal = 365.0 / TRADING_DAYS;
        let option_vol = [0.80, 0.95, 1.20];
        let regimes = std::array::from_fn(|s| {
            let rho = p::SPX_LOAD_VIX[s];
            let bv = p::BTC_LOAD_VIX[s];
            let bs = p::BTC_LOAD_SPX[s];
            let btc_spx = bv * rho + bs * (1.0 - rho * rho).sqrt();
            let btc_sd = p::BTC_SD_WEEKDAY[s] * week;
            let eth_sd = btc_sd * p::ETH_VOL_RATIO;
            let nft_sd = (p::NFT_BETA_ETH.powi(2) * eth_sd * eth_sd
                + p::NFT_SD * p::NFT_SD
                + p::NFT_JUMP_PROB * p::NFT_JUMP_SD * p::NFT_JUMP_SD)
                .sqrt();
            let ce = p::ETH_CORR_BTC;
            let cn = p::NFT_BETA_ETH * eth_sd / nft_sd;
            let v = [1.0, rho, bv, ce * bv, cn * ce * bv];
            let sp = [rho, 1.0, btc_spx, ce * btc_spx, cn * ce * btc_spx];
            let b = [bv, btc_spx, 1.0, ce, cn * ce];
            let e = [ce * bv, ce * btc_spx, ce, 1.0, cn];
            let n = [cn * ce * bv, cn * ce * btc_spx, cn * ce, cn, 1.0];
            let corr = make_pd(&[v, sp, b, e, n]).unwrap_or([v, sp, b, e, n]);
            RegimeParams {
                vix_level_log: p::VIX_MU_LOG[s],
                vix_vol: p::VIX_SURPRISE_SD[s],
                mean: [p::SPX_MU, p::BTC_MU * cal, p::ETH_MU * cal, p::NFT_MU],
                vol: [p::SPX_SD[s], btc_sd, eth_sd, nft_sd],
                corr,
                funding_per_day: p::FUNDING_C[s] / (1.0 - p::FUNDING_PHI) * cal,
                vix_option_vol: option_vol[s],
            }
        });
        Self {
            transition: p::REGIME_TRANSITION,
            kappa: p::VIX_KAPPA,
            regimes,
            innovations: Innovations::student_t(p::VIX_NU),
            nft_trade_prob: p::NFT_TRADE_PROB,
            futures: demo_futures(),
            rate: 0.04,
            spx_div_yield: 0.015,
        }
    }
}

/// The demo market's VIX futures rule (`VIX_AGG_*`, `FUTURES_PREMIUM_*`).
pub fn demo_futures() -> FuturesModel {
    FuturesModel {
        phi: p::VIX_AGG_PHI,
        mean_log: p::VIX_AGG_MEAN_LOG,
        sd: p::VIX_AGG_SD,
        premium_a: p::FUTURES_PREMIUM_A,
        premium_tau_days: p::FUTURES_PREMIUM_TAU_DAYS,
    }
}

/// Aligned daily data for [`fit`]: one row per US trading day.
#[derive(Debug, Clone, Copy)]
pub struct FitData<'a> {
    /// Log VIX at the previous close (the level the day's change starts from).
    pub log_vix_prev: &'a [f64],
    /// Change of log VIX over the day.
    pub vix_change: &'a [f64],
    /// SPX log returns; `None` when no SPX series is available (a book without SPX layers):
    /// the SPX factor is then not fitted but a placeholder that no crypto or VIX position
    /// reads — independent of the other factors (zero correlations, so their draws are the
    /// same whatever it draws), zero mean, and the daily vol the regime's mean VIX implies
    /// (`VIX/100/√252`).
    pub spx: Option<&'a [f64]>,
    /// BTC log returns.
    pub btc: &'a [f64],
    /// ETH log returns.
    pub eth: &'a [f64],
    /// NFT index log returns (0 on days without a print).
    pub nft: &'a [f64],
    /// Rows the NFT index covers (`None`: all). Outside its window a row says nothing about
    /// the NFT (unlike a covered day without a print, which is a 0 return).
    pub nft_observed: Option<&'a [bool]>,
    /// Per row, the rows (ending at this one) that the NFT return `nft[t]` spans: 0 on a day
    /// without a print, `m` when the print ends an `m`-day interval since the previous print
    /// (an illiquid index prints its catch-up move). `None`: every covered row is one day
    /// (a print where `nft[t] != 0`).
    pub nft_span: Option<&'a [u32]>,
    /// VIX band of the previous close per row (0 calm, 1 normal, 2 stress; `None` unlabelled).
    pub labels: &'a [Option<usize>],
}

/// What [`fit`] cannot estimate from returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// VIX futures rule.
    pub futures: FuturesModel,
    /// VIX option implied vol per regime.
    pub vix_option_vol: [f64; N_REGIMES],
    /// Perp funding per step per regime.
    pub funding_per_day: [f64; N_REGIMES],
    /// Risk-free rate.
    pub rate: f64,
    /// SPX dividend yield.
    pub spx_div_yield: f64,
}

impl Default for FitOptions {
    /// The demo model's values.
    fn default() -> Self {
        let d = JointModel::demo();
        Self {
            futures: d.futures,
            vix_option_vol: std::array::from_fn(|s| d.regimes[s].vix_option_vol),
            funding_per_day: std::array::from_fn(|s| d.regimes[s].funding_per_day),
            rate: d.rate,
            spx_div_yield: d.spx_div_yield,
        }
    }
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

/// Fits the joint model to aligned daily data labelled by VIX band.
///
/// # Formula
/// - `κ` and `μ_s`: OLS of `Δx_t = c_s − κ x_{t−1} + e_t` with regime intercepts (within-regime
///   demeaning): `κ = −Σ_s Σ_{t∈s} (x − x̄_s)(Δx − Δx̄_s) / Σ_s Σ_{t∈s} (x − x̄_s)²`,
///   `μ_s = (Δx̄_s + κ x̄_s)/κ`; `σ_s` the residual sd in regime `s`.
/// - Per regime: mean and sd of each return, and the Pearson correlation matrix of
///   `(e, r_spx, r_btc, r_eth, r_nft)` (`crosshedge_stats::corr::pearson`), shrunk towards the
///   identity if needed to be positive definite.
/// - Without SPX returns ([`FitData::spx`] `None`): the SPX factor is the placeholder described
///   there (zero correlations, zero mean, sd `exp(μ_s)/100/√252`), outside the tail estimate.
/// - Transition matrix: row-normalised counts of consecutive labelled pairs (a row without
///   observations stays put).
/// - Tails: pooled excess kurtosis `k` of the standardised residuals; `ν = 4 + 6/k` (the
///   uncapped Student-t's kurtosis) when `k > 0.1`, with the mixing cap [`MIXING_CAP`];
///   Gaussian otherwise. (The sample kurtosis is decided by the few most extreme days, the
///   very tail the cap trims, so `ν` keeps the t's relation rather than matching the
///   kurtosis under the cap, which would thin the body of the distribution: on the demo
///   store, ν 4.3 against 2.9.)
/// - NFT print probability: the share of covered rows with a print (with
///   [`FitData::nft_span`]), else the share of non-zero NFT returns.
/// - **An illiquid NFT index** (with [`FitData::nft_span`]): each print's return spans the
///   `m` rows since the previous print; it is paired with the other factors summed over the
///   same rows, all divided by √m (iid daily moves: the sum has `m` times the daily variance and
///   the daily correlation), and labelled by the regime at the interval's start. Its daily mean
///   is `Σ r / Σ m` and its sd that of `(r − m μ)/√m`. Pairing a multi-day catch-up move with
///   one-day moves of the others would understate its correlations and overstate its vol.
/// - **Available case for the NFT index** (when [`FitData::nft_observed`] marks a shorter
///   window): its mean, sd and correlations with the other factors use the regime's rows it
///   covers; a regime with fewer than 30 such rows borrows them from all covered rows (the
///   pooled estimate), and fewer than 30 covered rows in all is an error. The print
///   probability and the tail estimate count covered rows only.
///
/// # Errors
/// [`SimulationError::LengthMismatch`], [`SimulationError::TooFewRows`] (fewer than 30 rows
/// in a regime), [`SimulationError::TooFewNftRows`], or a degenerate fit.
///
/// # References
/// Hamilton (1994), *Time Series Analysis*, §22 (transition counts under observed regimes).
pub fn fit(data: &FitData<'_>, options: &FitOptions) -> Result<JointModel, SimulationError> {
    let n = data.vix_change.len();
    for (name, len) in [
        ("log_vix_prev", data.log_vix_prev.len()),
        ("spx", data.spx.map_or(n, <[f64]>::len)),
        ("btc", data.btc.len()),
        ("eth", data.eth.len()),
        ("nft", data.nft.len()),
        ("labels", data.labels.len()),
        ("nft_observed", data.nft_observed.map_or(n, <[bool]>::len)),
        ("nft_span", data.nft_span.map_or(n, <[u32]>::len)),
    ] {
        if len != n {
            return Err(SimulationError::LengthMismatch { name, len, expected: n });
        }
    }
    let rows = regime_rows(data.labels, N_REGIMES)?;
    for (s, r) in rows.iter().enumerate() {
        if r.len() < 30 {
            return Err(SimulationError::TooFewRows { regime: s, rows: r.len(), needed: 30 });
        }
    }
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    let mut means = [(0.0, 0.0); N_REGIMES];
    for (s, r) in rows.iter().enumerate() {
        let x = subset(data.log_vix_prev, r);
        let y = subset(data.vix_change, r);
        let (mx, _) = mean_sd(&x);
        let (my, _) = mean_sd(&y);
        means[s] = (mx, my);
        for (a, b) in x.iter().zip(&y) {
            sxy += (a - mx) * (b - my);
            sxx += (a - mx) * (a - mx);
        }
    }
    let kappa = -sxy / sxx;
    if !(kappa > 0.0 && kappa <= 1.0) {
        return Err(bad(
            "kappa (fitted)",
            "must lie in (0, 1]: log VIX does not mean-revert in the data",
            kappa,
        ));
    }
    let resid: Vec<f64> = (0..n)
        .map(|t| match data.labels[t] {
            Some(s) => {
                let (mx, my) = means[s];
                data.vix_change[t] - my + kappa * (data.log_vix_prev[t] - mx)
            }
            None => 0.0,
        })
        .collect();
    // Without SPX returns its column is zeros, kept out of every estimate below.
    let no_spx = vec![0.0; if data.spx.is_none() { n } else { 0 }];
    let spx_fitted = data.spx.is_some();
    let series: [&[f64]; N_FACTORS] =
        [&resid, data.spx.unwrap_or(&no_spx), data.btc, data.eth, data.nft];
    let observed = |t: usize| data.nft_observed.is_none_or(|o| o[t]);
    let span = |t: usize| data.nft_span.map_or(1, |m| m[t] as usize);
    // The NFT's samples: with spans, one per print, labelled by the regime at the start of its
    // interval; without, one per covered row.
    let nft_sample_rows: Vec<usize> = match data.nft_span {
        Some(m) => (0..n).filter(|&t| observed(t) && m[t] > 0 && m[t] as usize <= t + 1).collect(),
        None => (0..n).filter(|&t| observed(t)).collect(),
    };
    let nft_regime = |t: usize| data.labels[t + 1 - span(t)];
    let nft_by_regime: Vec<Vec<usize>> = (0..N_REGIMES)
        .map(|s| nft_sample_rows.iter().copied().filter(|&t| nft_regime(t) == Some(s)).collect())
        .collect();
    let nft_all: Vec<usize> = nft_by_regime.iter().flatten().copied().collect();
    if nft_all.len() < 30 {
        return Err(SimulationError::TooFewNftRows { rows: nft_all.len(), needed: 30 });
    }
    // Factor `f` over the NFT sample's interval ending at `t`, per √(interval days): a sum of
    // iid daily moves over `m` days has `m` times the daily variance and the daily correlation.
    let over_span = |f: usize, t: usize| -> f64 {
        let m = span(t);
        series[f][t + 1 - m..=t].iter().sum::<f64>() / (m as f64).sqrt()
    };
    let mut kurt_num = 0.0;
    let mut kurt_n = 0.0;
    let mut regimes: Vec<RegimeParams> = Vec::with_capacity(N_REGIMES);
    for (s, r) in rows.iter().enumerate() {
        let nft_rows: &[usize] =
            if nft_by_regime[s].len() >= 30 { &nft_by_regime[s] } else { &nft_all };
        let cols: Vec<Vec<f64>> = series.iter().map(|x| subset(x, r)).collect();
        let nft_cols: Vec<Vec<f64>> =
            (0..N_FACTORS).map(|f| nft_rows.iter().map(|&t| over_span(f, t)).collect()).collect();
        let mut corr = [[0.0; N_FACTORS]; N_FACTORS];
        for i in 0..N_FACTORS {
            corr[i][i] = 1.0;
            for j in 0..i {
                // Pairs with the NFT index (the last factor) on its samples; the placeholder
                // SPX is independent of everything.
                let c = if !spx_fitted && (i == 1 || j == 1) {
                    0.0
                } else if i == N_FACTORS - 1 {
                    pearson(&nft_cols[i], &nft_cols[j])?
                } else {
                    pearson(&cols[i], &cols[j])?
                };
                corr[i][j] = c;
                corr[j][i] = c;
            }
        }
        let corr = make_pd(&corr).ok_or(SimulationError::NotPositiveDefinite { regime: s })?;
        let mut ms: Vec<(f64, f64)> = cols.iter().map(|c| mean_sd(c)).collect();
        // The NFT's daily mean Σ r / Σ m and its daily sd from (r − m·μ)/√m.
        let days: f64 = nft_rows.iter().map(|&t| span(t) as f64).sum();
        let nft_mean = nft_rows.iter().map(|&t| data.nft[t]).sum::<f64>() / days;
        let nft_std: Vec<f64> = nft_rows
            .iter()
            .map(|&t| {
                let m = span(t) as f64;
                (data.nft[t] - m * nft_mean) / m.sqrt()
            })
            .collect();
        let nft_sd =
            (nft_std.iter().map(|v| v * v).sum::<f64>() / (nft_std.len() as f64 - 1.0)).sqrt();
        ms[N_FACTORS - 1] = (nft_mean, nft_sd);
        let (mx, my) = means[s];
        if !spx_fitted {
            ms[1] = (0.0, ((my + kappa * mx) / kappa).exp() / 100.0 / 252f64.sqrt());
        }
        for (f, (c, (m, sd))) in cols.iter().zip(&ms).enumerate() {
            if f == 1 && !spx_fitted {
                continue;
            }
            if *sd > 0.0 {
                if f == N_FACTORS - 1 {
                    // The NFT's own samples in this regime.
                    for v in nft_by_regime[s].iter().map(|&t| {
                        let m = span(t) as f64;
                        (data.nft[t] - m * nft_mean) / m.sqrt()
                    }) {
                        kurt_num += (v / sd).powi(4);
                        kurt_n += 1.0;
                    }
                    continue;
                }
                for v in c {
                    kurt_num += ((v - m) / sd).powi(4);
                    kurt_n += 1.0;
                }
            }
        }
        regimes.push(RegimeParams {
            vix_level_log: (my + kappa * mx) / kappa,
            vix_vol: ms[0].1,
            mean: [ms[1].0, ms[2].0, ms[3].0, ms[4].0],
            vol: [ms[1].1, ms[2].1, ms[3].1, ms[4].1],
            corr,
            funding_per_day: options.funding_per_day[s],
            vix_option_vol: options.vix_option_vol[s],
        });
    }
    let mut counts = [[0.0f64; N_REGIMES]; N_REGIMES];
    for w in data.labels.windows(2) {
        if let (Some(a), Some(b)) = (w[0], w[1]) {
            counts[a][b] += 1.0;
        }
    }
    let mut transition = [[0.0; N_REGIMES]; N_REGIMES];
    for i in 0..N_REGIMES {
        let tot: f64 = counts[i].iter().sum();
        for j in 0..N_REGIMES {
            transition[i][j] = if tot > 0.0 {
                counts[i][j] / tot
            } else if i == j {
                1.0
            } else {
                0.0
            };
        }
    }
    let excess = kurt_num / kurt_n - 3.0;
    let innovations = if excess > 0.1 {
        Innovations::student_t(4.0 + 6.0 / excess)
    } else {
        Innovations::Gaussian
    };
    let covered: Vec<usize> = (0..n).filter(|&t| observed(t)).collect();
    let prints = match data.nft_span {
        Some(m) => covered.iter().filter(|&&t| m[t] > 0).count(),
        None => covered.iter().filter(|&&t| data.nft[t] != 0.0).count(),
    };
    let covered = covered.len() as f64;
    let nft_trade_prob = (prints as f64 / covered).max(1.0 / covered);
    let regimes: [RegimeParams; N_REGIMES] =
        regimes.try_into().map_err(|_| bad("regimes", "must number 3", 0.0))?;
    let model = JointModel {
        transition,
        kappa,
        regimes,
        innovations,
        nft_trade_prob,
        futures: options.futures,
        rate: options.rate,
        spx_div_yield: options.spx_div_yield,
    };
    model.validate()?;
    Ok(model)
}
