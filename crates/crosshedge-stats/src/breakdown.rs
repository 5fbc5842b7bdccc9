//! Correlation-breakdown tests between two regimes: the Fisher-z difference test with a Bartlett
//! effective sample size, the Forbes–Rigobon heteroskedasticity-adjusted correlation,
//! Longin–Solnik exceedance correlations against the bivariate-normal benchmark, and the
//! empirical lower-tail dependence.

use serde::Serialize;

use crate::corr::{average_ranks, pearson};
use crate::util::{acf, check_pair, mean, norm_cdf, norm_pdf, norm_ppf, two_sided_p, var};
use crate::StatsError;

/// Default Bartlett lag window for the effective sample size: `min(⌊n/5⌋, 10)`.
pub fn default_neff_lags(n: usize) -> usize {
    (n / 5).min(10)
}

/// Effective sample size of a correlation between two autocorrelated series.
///
/// # Formula
/// `n_eff = n / (1 + 2 Σ_{j=1}^{L} ((n - j)/n) ρ_T(j) ρ_H(j))` (Pyper & Peterman 1998, eq. 1,
/// after Bartlett 1946), with sample autocorrelations `ρ(j)` (full-sample mean, divisor `n`) and
/// the lag window `L` (default [`default_neff_lags`]). Clamped to `[2, n]`: negative products
/// never raise the sample above `n`.
///
/// # Errors
/// Unequal lengths, non-finite values or fewer than 4 rows.
///
/// # References
/// Bartlett, M. S. (1946), "On the theoretical specification and sampling properties of
/// autocorrelated time-series", *JRSS Suppl.* 8(1), 27–41. Pyper, B. J. & Peterman, R. M. (1998),
/// "Comparison of methods to account for autocorrelation in correlation analyses of fish data",
/// *Can. J. Fish. Aquat. Sci.* 55, 2127–2140.
pub fn effective_sample_size(
    target: &[f64],
    hedge: &[f64],
    lags: Option<usize>,
) -> Result<f64, StatsError> {
    check_pair("effective sample size", target, hedge, 4)?;
    let n = target.len();
    let l = lags.unwrap_or_else(|| default_neff_lags(n)).min(n - 1);
    let at = acf(target, l);
    let ah = acf(hedge, l);
    let nf = n as f64;
    let s: f64 = (1..=l).map(|j| (nf - j as f64) / nf * at[j] * ah[j]).sum();
    Ok((nf / (1.0 + 2.0 * s)).clamp(2.0, nf))
}

/// Fisher-z test of equal correlation in two regimes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FisherZTest {
    /// Correlation in regime 1.
    pub r1: f64,
    /// Correlation in regime 2.
    pub r2: f64,
    /// Rows in regime 1.
    pub n1: usize,
    /// Rows in regime 2.
    pub n2: usize,
    /// Effective sample size of regime 1.
    pub n1_eff: f64,
    /// Effective sample size of regime 2.
    pub n2_eff: f64,
    /// Bartlett lag window used in each regime.
    pub lag_window: [usize; 2],
    /// `z = (atanh r1 - atanh r2) / sqrt(1/(n1_eff-3) + 1/(n2_eff-3))`.
    pub z: f64,
    /// Two-sided normal p-value.
    pub p_value: f64,
}

/// Fisher-z test of `H0: ρ_1 = ρ_2` with effective sample sizes.
///
/// # Formula
/// `z = (atanh r_1 - atanh r_2) / sqrt(1/(n_1,eff - 3) + 1/(n_2,eff - 3))`, two-sided normal
/// p-value; `n_eff` from [`effective_sample_size`] in each regime (each regime's rows taken as
/// consecutive). With `lags = Some(0)` this is the textbook test on the raw counts.
///
/// # Errors
/// Either regime with fewer than 4 rows, an effective size ≤ 3, or a correlation error.
///
/// # References
/// Fisher (1921); Bartlett (1946); Pyper & Peterman (1998).
pub fn fisher_z_test(
    t1: &[f64],
    h1: &[f64],
    t2: &[f64],
    h2: &[f64],
    lags: Option<usize>,
) -> Result<FisherZTest, StatsError> {
    let r1 = pearson(t1, h1)?;
    let r2 = pearson(t2, h2)?;
    let l1 = lags.unwrap_or_else(|| default_neff_lags(t1.len())).min(t1.len().saturating_sub(1));
    let l2 = lags.unwrap_or_else(|| default_neff_lags(t2.len())).min(t2.len().saturating_sub(1));
    let n1e = effective_sample_size(t1, h1, Some(l1))?;
    let n2e = effective_sample_size(t2, h2, Some(l2))?;
    if n1e <= 3.0 || n2e <= 3.0 {
        return Err(StatsError::TooFewObservations {
            what: "fisher-z test (effective)",
            n: n1e.min(n2e) as usize,
            min: 4,
        });
    }
    if r1.abs() >= 1.0 || r2.abs() >= 1.0 {
        return Err(StatsError::Undefined {
            what: "fisher-z test",
            reason: "a correlation is exactly ±1",
        });
    }
    let z = (r1.atanh() - r2.atanh()) / (1.0 / (n1e - 3.0) + 1.0 / (n2e - 3.0)).sqrt();
    Ok(FisherZTest {
        r1,
        r2,
        n1: t1.len(),
        n2: t2.len(),
        n1_eff: n1e,
        n2_eff: n2e,
        lag_window: [l1, l2],
        z,
        p_value: two_sided_p(z),
    })
}

/// Forbes–Rigobon heteroskedasticity-adjusted correlation and its test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForbesRigobon {
    /// Correlation in the high-volatility (stress) regime.
    pub rho_high: f64,
    /// Correlation in the low-volatility (calm) regime.
    pub rho_low: f64,
    /// `δ = Var_h(H)/Var_l(H) - 1`.
    pub delta: f64,
    /// `ρ* = ρ_h / sqrt(1 + δ(1 - ρ_h²))`.
    pub rho_adjusted: f64,
    /// Fisher-z statistic of `ρ*` against `ρ_l`.
    pub z: f64,
    /// Two-sided normal p-value of that test.
    pub p_value: f64,
    /// Rows in the high regime.
    pub n_high: usize,
    /// Rows in the low regime.
    pub n_low: usize,
}

/// Forbes–Rigobon adjusted correlation of the stress regime and its test against the calm one.
///
/// # Formula
/// `δ = Var_h(H)/Var_l(H) - 1` (variance of the hedge, divisor `n-1`),
/// `ρ* = ρ_h / sqrt(1 + δ(1 - ρ_h²))`. Test (as in Forbes & Rigobon's "contagion" test, in its
/// Fisher-z form): `z = (atanh ρ* - atanh ρ_l) / sqrt(1/(n_h-3) + 1/(n_l-3))`, two-sided normal
/// p-value. A small p-value means the stress correlation differs from the calm one even after
/// removing the bias that higher hedge volatility induces in ρ_h.
///
/// # Errors
/// Either regime with fewer than 4 rows, a constant hedge, or `1 + δ(1-ρ_h²) ≤ 0` (impossible for
/// valid variances).
///
/// # References
/// Forbes, K. J. & Rigobon, R. (2002), "No contagion, only interdependence: measuring stock market
/// comovements", *Journal of Finance* 57(5), 2223–2261.
pub fn forbes_rigobon(
    t_high: &[f64],
    h_high: &[f64],
    t_low: &[f64],
    h_low: &[f64],
) -> Result<ForbesRigobon, StatsError> {
    check_pair("forbes-rigobon high", t_high, h_high, 4)?;
    check_pair("forbes-rigobon low", t_low, h_low, 4)?;
    let rho_h = pearson(t_high, h_high)?;
    let rho_l = pearson(t_low, h_low)?;
    let vl = var(h_low);
    if vl == 0.0 {
        return Err(StatsError::ZeroVariance { what: "forbes-rigobon calm hedge" });
    }
    let delta = var(h_high) / vl - 1.0;
    let d = 1.0 + delta * (1.0 - rho_h * rho_h);
    if d <= 0.0 {
        return Err(StatsError::Undefined {
            what: "forbes-rigobon",
            reason: "non-positive adjustment",
        });
    }
    let rho_adj = rho_h / d.sqrt();
    if rho_adj.abs() >= 1.0 || rho_l.abs() >= 1.0 {
        return Err(StatsError::Undefined {
            what: "forbes-rigobon test",
            reason: "a correlation is exactly ±1",
        });
    }
    let (nh, nl) = (t_high.len(), t_low.len());
    let z = (rho_adj.atanh() - rho_l.atanh())
        / (1.0 / (nh as f64 - 3.0) + 1.0 / (nl as f64 - 3.0)).sqrt();
    Ok(ForbesRigobon {
        rho_high: rho_h,
        rho_low: rho_l,
        delta,
        rho_adjusted: rho_adj,
        z,
        p_value: two_sided_p(z),
        n_high: nh,
        n_low: nl,
    })
}

/// Gauss–Legendre nodes and weights on [-1, 1] (Newton iteration on `P_m`).
fn gauss_legendre(m: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; m];
    let mut w = vec![0.0; m];
    let mf = m as f64;
    for i in 0..m.div_ceil(2) {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (mf + 0.5)).cos();
        let mut pp = 0.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (1.0, 0.0);
            for j in 0..m {
                let p3 = p2;
                p2 = p1;
                p1 = ((2.0 * j as f64 + 1.0) * z * p2 - j as f64 * p3) / (j as f64 + 1.0);
            }
            pp = mf * (z * p1 - p2) / (z * z - 1.0);
            let z1 = z;
            z = z1 - p1 / pp;
            if (z - z1).abs() < 1e-15 {
                break;
            }
        }
        x[i] = -z;
        x[m - 1 - i] = z;
        w[i] = 2.0 / ((1.0 - z * z) * pp * pp);
        w[m - 1 - i] = w[i];
    }
    (x, w)
}

/// Composite Gauss–Legendre integration of `f` (vector-valued, `K` outputs) on `[lo, hi]`.
fn integrate<const K: usize>(lo: f64, hi: f64, f: impl Fn(f64) -> [f64; K]) -> [f64; K] {
    let (gx, gw) = gauss_legendre(20);
    let panels = 96;
    let hpan = (hi - lo) / panels as f64;
    let mut acc = [0.0; K];
    for p in 0..panels {
        let a = lo + p as f64 * hpan;
        let mid = a + 0.5 * hpan;
        for (xi, wi) in gx.iter().zip(&gw) {
            let v = f(mid + 0.5 * hpan * xi);
            for k in 0..K {
                acc[k] += 0.5 * hpan * wi * v[k];
            }
        }
    }
    acc
}

/// `ρ ∈ (−1, 1)` and finite thresholds `a`, `b` (the error names the offending value).
fn check_rho_thresholds(rho: f64, a: f64, b: f64) -> Result<(), StatsError> {
    if rho.is_nan() || rho.abs() >= 1.0 {
        return Err(StatsError::InvalidParameter {
            name: "rho",
            value: rho,
            reason: "must be in (-1, 1)",
        });
    }
    if !a.is_finite() || !b.is_finite() {
        return Err(StatsError::InvalidParameter {
            name: "threshold",
            value: if a.is_finite() { b } else { a },
            reason: "must be finite",
        });
    }
    Ok(())
}

/// Correlation of a standard bivariate normal with correlation `ρ` conditional on the upper
/// orthant `{X > a, Y > b}` (the Longin–Solnik benchmark; the lower orthant `{X < a, Y < b}`
/// equals the upper one at `(-a, -b)` by symmetry).
///
/// # Formula
/// With `s = sqrt(1-ρ²)`, `c(x) = (b - ρx)/s`, `Q = 1 - Φ`: the truncated moments are the
/// one-dimensional integrals over `x > a` of `φ(x)` times `Q(c)` (mass), `ρxQ(c) + sφ(c)`
/// (`E[Y 1{Y>b} | x]`) and `(ρx)²Q(c) + 2ρxsφ(c) + s²(Q(c) + cφ(c))` (`E[Y² 1{Y>b} | x]`), each
/// computed by 96-panel, 20-point composite Gauss–Legendre on `[a, max(a,0) + 12]` (relative
/// error below 1e-10 for `|a|, |b| ≤ 3`); the correlation follows from the conditional moments.
///
/// # Errors
/// `|ρ| ≥ 1`, non-finite thresholds, or a region of negligible probability (< 1e-14).
///
/// # References
/// Longin, F. & Solnik, B. (2001), "Extreme correlation of international equity markets",
/// *Journal of Finance* 56(2), 649–676 (eq. for the normal exceedance correlation).
pub fn bivariate_normal_exceedance_corr(rho: f64, a: f64, b: f64) -> Result<f64, StatsError> {
    check_rho_thresholds(rho, a, b)?;
    let s = (1.0 - rho * rho).sqrt();
    let hi = a.max(0.0) + 12.0;
    let m = integrate(a, hi, |x| {
        let px = norm_pdf(x);
        let c = (b - rho * x) / s;
        let q = norm_cdf(-c);
        let pc = norm_pdf(c);
        let e1 = rho * x * q + s * pc;
        let e2 = (rho * x) * (rho * x) * q + 2.0 * rho * x * s * pc + s * s * (q + c * pc);
        [px * q, px * x * q, px * x * x * q, px * e1, px * e2, px * x * e1]
    });
    let mass = m[0];
    if mass < 1e-14 {
        return Err(StatsError::Undefined {
            what: "normal exceedance correlation",
            reason: "negligible region probability",
        });
    }
    let mx = m[1] / mass;
    let mxx = m[2] / mass;
    let my = m[3] / mass;
    let myy = m[4] / mass;
    let mxy = m[5] / mass;
    let vx = mxx - mx * mx;
    let vy = myy - my * my;
    Ok(((mxy - mx * my) / (vx * vy).sqrt()).clamp(-1.0, 1.0))
}

/// Which tail an exceedance point describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tail {
    /// Both series at or below their `q`-quantile.
    Lower,
    /// Both series at or above their `q`-quantile.
    Upper,
}

/// One point of the exceedance-correlation curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceedancePoint {
    /// Quantile level of the thresholds.
    pub quantile: f64,
    /// Tail.
    pub tail: Tail,
    /// Threshold of the standardised target (its empirical `q`-quantile).
    pub threshold_target: f64,
    /// Threshold of the standardised, oriented hedge.
    pub threshold_hedge: f64,
    /// Joint exceedances.
    pub n: usize,
    /// Empirical correlation of the joint exceedances (`None` when fewer than
    /// [`MIN_EXCEEDANCES`] or a constant subset).
    pub correlation: Option<f64>,
    /// Bivariate-normal benchmark at thresholds `Φ⁻¹(q)` with the full-sample correlation.
    pub normal_benchmark: f64,
}

/// Minimum joint exceedances for an exceedance correlation.
pub const MIN_EXCEEDANCES: usize = 10;

/// Default quantile grid: lower tail 0.05…0.50 and upper tail 0.50…0.95.
pub const DEFAULT_EXCEEDANCE_GRID: [f64; 6] = [0.05, 0.10, 0.20, 0.30, 0.40, 0.50];

/// Longin–Solnik exceedance correlations on a quantile grid, both tails.
///
/// # Formula
/// Standardise `z_T = (T - T̄)/s_T`, `z_H = σ (H - H̄)/s_H` where `σ = sign(corr(T, H))`
/// *orients* the hedge so that co-movement is positive (for BTC vs VIX, the "lower tail" is then
/// a BTC crash together with a VIX spike). For each grid level `q`: lower tail
/// `{z_T ≤ θ_T(q), z_H ≤ θ_H(q)}`, upper tail `{z_T ≥ θ_T(1-q), z_H ≥ θ_H(1-q)}`, `θ` the
/// empirical quantiles (numpy `linear`). The benchmark is
/// [`bivariate_normal_exceedance_corr`] at `ρ = |corr(T,H)|` and `Φ⁻¹` of the same levels.
///
/// # Errors
/// Fewer than 20 rows, invalid grid levels (must be in (0, 0.5]), or a constant series.
///
/// # References
/// Longin & Solnik (2001).
pub fn exceedance_correlations(
    target: &[f64],
    hedge: &[f64],
    grid: &[f64],
) -> Result<Vec<ExceedancePoint>, StatsError> {
    check_pair("exceedance correlation", target, hedge, 20)?;
    let rho = pearson(target, hedge)?;
    let sign = if rho < 0.0 { -1.0 } else { 1.0 };
    let zt = standardise(target, 1.0);
    let zh = standardise(hedge, sign);
    let mut st = zt.clone();
    st.sort_by(f64::total_cmp);
    let mut sh = zh.clone();
    sh.sort_by(f64::total_cmp);
    let rho_abs = rho.abs().min(1.0 - 1e-12);
    let mut out = Vec::new();
    for &q in grid {
        if !(q > 0.0 && q <= 0.5) {
            return Err(StatsError::InvalidParameter {
                name: "exceedance quantile",
                value: q,
                reason: "must be in (0, 0.5]",
            });
        }
        for tail in [Tail::Lower, Tail::Upper] {
            let level = if tail == Tail::Lower { q } else { 1.0 - q };
            let tt = crate::util::percentile_sorted(&st, level);
            let th = crate::util::percentile_sorted(&sh, level);
            let (xs, ys): (Vec<f64>, Vec<f64>) = zt
                .iter()
                .zip(&zh)
                .filter(|(a, b)| match tail {
                    Tail::Lower => **a <= tt && **b <= th,
                    Tail::Upper => **a >= tt && **b >= th,
                })
                .map(|(a, b)| (*a, *b))
                .unzip();
            let correlation =
                if xs.len() >= MIN_EXCEEDANCES { pearson(&xs, &ys).ok() } else { None };
            let z = norm_ppf(level);
            let bench = match tail {
                Tail::Upper => bivariate_normal_exceedance_corr(rho_abs, z, z)?,
                Tail::Lower => bivariate_normal_exceedance_corr(rho_abs, -z, -z)?,
            };
            out.push(ExceedancePoint {
                quantile: q,
                tail,
                threshold_target: tt,
                threshold_hedge: th,
                n: xs.len(),
                correlation,
                normal_benchmark: bench,
            });
        }
    }
    Ok(out)
}

fn standardise(x: &[f64], sign: f64) -> Vec<f64> {
    let m = mean(x);
    let s = var(x).sqrt();
    x.iter().map(|v| sign * (v - m) / s).collect()
}

/// One point of the empirical lower-tail-dependence curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TailDependencePoint {
    /// Quantile level `q`.
    pub quantile: f64,
    /// Rows with both pseudo-observations at or below `q`.
    pub n_joint: usize,
    /// `λ_L(q) = P̂(U ≤ q, V ≤ q) / q`.
    pub lambda_lower: f64,
    /// The same quantity under a bivariate normal with the sample's `|ρ|`.
    pub normal_benchmark: f64,
}

/// Default grid for tail dependence.
pub const DEFAULT_TAIL_GRID: [f64; 4] = [0.01, 0.025, 0.05, 0.10];

/// Bivariate standard normal lower-orthant probability `P(X ≤ a, Y ≤ b)` with correlation `ρ`.
///
/// # Formula
/// `∫_{-∞}^{a} φ(x) Φ((b - ρx)/sqrt(1-ρ²)) dx` by composite Gauss–Legendre on `[min(a,0)-12, a]`.
///
/// # Errors
/// `|ρ| ≥ 1` or non-finite thresholds.
pub fn bivariate_normal_cdf(rho: f64, a: f64, b: f64) -> Result<f64, StatsError> {
    check_rho_thresholds(rho, a, b)?;
    let s = (1.0 - rho * rho).sqrt();
    let [p] = integrate(a.min(0.0) - 12.0, a, |x| [norm_pdf(x) * norm_cdf((b - rho * x) / s)]);
    Ok(p)
}

/// Empirical lower-tail dependence on a grid.
///
/// # Formula
/// Pseudo-observations `U_i = rank(T_i)/(n+1)`, `V_i = rank(σH_i)/(n+1)` (σ orients the hedge as
/// in [`exceedance_correlations`]); `λ_L(q) = #{U ≤ q, V ≤ q} / (n q)`. The benchmark is
/// `P(X ≤ Φ⁻¹(q), Y ≤ Φ⁻¹(q))/q` for a bivariate normal with correlation `|ρ|`, whose limit as
/// `q → 0` is 0 (no tail dependence).
///
/// # Errors
/// Fewer than 20 rows, invalid levels (must be in (0, 0.5]), or a constant series.
///
/// # References
/// Joe, H. (1997), *Multivariate Models and Dependence Concepts*, §2.1.10; Frahm, G., Junker, M.
/// & Schmidt, R. (2005), "Estimating the tail-dependence coefficient", *Insurance: Mathematics and
/// Economics* 37(1), 80–100.
pub fn lower_tail_dependence(
    target: &[f64],
    hedge: &[f64],
    grid: &[f64],
) -> Result<Vec<TailDependencePoint>, StatsError> {
    check_pair("tail dependence", target, hedge, 20)?;
    let rho = pearson(target, hedge)?;
    let sign = if rho < 0.0 { -1.0 } else { 1.0 };
    let oriented: Vec<f64> = hedge.iter().map(|h| sign * h).collect();
    let n = target.len();
    let nf1 = n as f64 + 1.0;
    let u: Vec<f64> = average_ranks(target).iter().map(|r| r / nf1).collect();
    let v: Vec<f64> = average_ranks(&oriented).iter().map(|r| r / nf1).collect();
    let rho_abs = rho.abs().min(1.0 - 1e-12);
    grid.iter()
        .map(|&q| {
            if !(q > 0.0 && q <= 0.5) {
                return Err(StatsError::InvalidParameter {
                    name: "tail quantile",
                    value: q,
                    reason: "must be in (0, 0.5]",
                });
            }
            let k = u.iter().zip(&v).filter(|(a, b)| **a <= q && **b <= q).count();
            let z = norm_ppf(q);
            Ok(TailDependencePoint {
                quantile: q,
                n_joint: k,
                lambda_lower: k as f64 / (n as f64 * q),
                normal_benchmark: bivariate_normal_cdf(rho_abs, z, z)? / q,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceedance_benchmark_limits() {
        // At threshold -∞ (approximately -8) the conditional correlation is ρ itself.
        let r = bivariate_normal_exceedance_corr(0.5, -8.0, -8.0).unwrap();
        assert!((r - 0.5).abs() < 1e-9, "{r}");
        // Independence stays independent.
        let r0 = bivariate_normal_exceedance_corr(0.0, 1.0, 1.0).unwrap();
        assert!(r0.abs() < 1e-12);
    }

    #[test]
    fn bvn_cdf_independent() {
        let p = bivariate_normal_cdf(0.0, 0.3, -0.2).unwrap();
        assert!((p - norm_cdf(0.3) * norm_cdf(-0.2)).abs() < 1e-13);
    }
}
