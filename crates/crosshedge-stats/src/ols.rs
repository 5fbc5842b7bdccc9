//! OLS of a target on a hedge with Newey–West (HAC) standard errors, the minimum-variance hedge
//! ratio and R², plus a small dense least-squares solver used by the Dimson regression.

use serde::Serialize;

use crate::util::{check_pair, moments};
use crate::StatsError;

/// The default Newey–West lag rule, `⌊4 (T/100)^{2/9}⌋` (statsmodels' `S_hac_simple` default).
///
/// # References
/// Newey, W. K. & West, K. D. (1994), "Automatic lag selection in covariance matrix estimation",
/// *Review of Economic Studies* 61(4), 631–653.
pub fn default_hac_lags(n: usize) -> usize {
    (4.0 * (n as f64 / 100.0).powf(2.0 / 9.0)).floor() as usize
}

/// Result of the regression `T_t = α + β H_t + u_t`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OlsHac {
    /// Observations.
    pub n: usize,
    /// Intercept α (per period, in target return units).
    pub alpha: f64,
    /// Slope β.
    pub beta: f64,
    /// Newey–West standard error of α.
    pub alpha_se_hac: f64,
    /// Newey–West standard error of β.
    pub beta_se_hac: f64,
    /// Conventional (homoskedastic, divisor n-2) standard error of β.
    pub beta_se_ols: f64,
    /// HAC t statistic of β.
    pub beta_t_hac: f64,
    /// Two-sided normal p-value of the HAC t statistic (statsmodels' default `use_t=False`).
    pub beta_p_hac: f64,
    /// Minimum-variance hedge ratio `h* = Cov(T,H)/Var(H)` (equal to β).
    pub hedge_ratio: f64,
    /// Coefficient of determination `1 - SSR/SST` (equal to ρ² with an intercept).
    pub r2: f64,
    /// Bartlett lags used.
    pub hac_lags: usize,
    /// Whether the small-sample factor `n/(n-2)` was applied to the HAC covariance.
    pub hac_small_sample: bool,
}

/// OLS of `target` on `hedge` (with intercept) with Newey–West HAC standard errors.
///
/// # Formula
/// `β = Σ(H-H̄)(T-T̄)/Σ(H-H̄)²`, `α = T̄ - βH̄`, `u = T - α - βH`. With `X = [1, H]`,
/// `g_t = X_t u_t`, Bartlett weights `w_l = 1 - l/(L+1)`:
/// `S = Σ_t g_t g_tᵀ + Σ_{l=1}^L w_l Σ_t (g_t g_{t-l}ᵀ + g_{t-l} g_tᵀ)`,
/// `V = (XᵀX)⁻¹ S (XᵀX)⁻¹`, optionally times `n/(n-k)`. `L` defaults to
/// [`default_hac_lags`]. `R² = 1 - Σu²/Σ(T-T̄)²`; `h* = β`.
///
/// statsmodels: `OLS(T, add_constant(H)).fit(cov_type='HAC', cov_kwds={'maxlags': L})`
/// applies **no** small-sample correction by default (`use_correction=False` in
/// `get_robustcov_results`; only the lower-level `cov_hac_simple` defaults to `True`), so
/// `small_sample = false` matches it; `true` matches `cov_kwds={'maxlags': L, 'use_correction': True}`.
///
/// # Errors
/// Fewer than 3 rows, unequal lengths, non-finite input, or a constant hedge.
///
/// # References
/// Newey, W. K. & West, K. D. (1987), "A simple, positive semi-definite, heteroskedasticity and
/// autocorrelation consistent covariance matrix", *Econometrica* 55(3), 703–708.
/// Ederington, L. H. (1979), "The hedging performance of the new futures markets",
/// *Journal of Finance* 34(1) (minimum-variance hedge ratio).
pub fn ols_hac(
    target: &[f64],
    hedge: &[f64],
    lags: Option<usize>,
    small_sample: bool,
) -> Result<OlsHac, StatsError> {
    check_pair("ols", target, hedge, 3)?;
    let n = target.len();
    let (mh, mt, shh, stt, sht) = moments(hedge, target);
    if shh == 0.0 {
        return Err(StatsError::ZeroVariance { what: "ols hedge" });
    }
    let beta = sht / shh;
    let alpha = mt - beta * mh;
    let u: Vec<f64> = target.iter().zip(hedge).map(|(t, h)| t - alpha - beta * h).collect();
    let ssr: f64 = u.iter().map(|v| v * v).sum();
    let r2 = if stt > 0.0 { 1.0 - ssr / stt } else { 0.0 };
    let lags = lags.unwrap_or_else(|| default_hac_lags(n)).min(n - 1);

    // Scores g_t = (u_t, H_t u_t).
    let g1 = &u;
    let g2: Vec<f64> = u.iter().zip(hedge).map(|(a, h)| a * h).collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
    let mut s11 = dot(g1, g1);
    let mut s22 = dot(&g2, &g2);
    let mut s12 = dot(g1, &g2);
    for l in 1..=lags {
        let w = 1.0 - l as f64 / (lags as f64 + 1.0);
        s11 += w * 2.0 * dot(&g1[l..], &g1[..n - l]);
        s22 += w * 2.0 * dot(&g2[l..], &g2[..n - l]);
        s12 += w * (dot(&g1[l..], &g2[..n - l]) + dot(&g2[l..], &g1[..n - l]));
    }
    // (XᵀX)⁻¹ for X = [1, H].
    let nf = n as f64;
    let sh: f64 = hedge.iter().sum();
    let shh_raw: f64 = hedge.iter().map(|h| h * h).sum();
    let det = nf * shh_raw - sh * sh;
    let (a11, a12, a22) = (shh_raw / det, -sh / det, nf / det);
    // V = A S A with A symmetric 2x2.
    let m11 = a11 * s11 + a12 * s12;
    let m12 = a11 * s12 + a12 * s22;
    let m21 = a12 * s11 + a22 * s12;
    let m22 = a12 * s12 + a22 * s22;
    let mut v11 = m11 * a11 + m12 * a12;
    let mut v22 = m21 * a12 + m22 * a22;
    if small_sample {
        let c = nf / (nf - 2.0);
        v11 *= c;
        v22 *= c;
    }
    let beta_se_hac = v22.max(0.0).sqrt();
    let beta_se_ols = (ssr / (nf - 2.0) / shh).sqrt();
    let beta_t_hac = beta / beta_se_hac;
    Ok(OlsHac {
        n,
        alpha,
        beta,
        alpha_se_hac: v11.max(0.0).sqrt(),
        beta_se_hac,
        beta_se_ols,
        beta_t_hac,
        beta_p_hac: crate::util::two_sided_p(beta_t_hac),
        hedge_ratio: beta,
        r2,
        hac_lags: lags,
        hac_small_sample: small_sample,
    })
}

/// Least squares `min ‖y - Xb‖` by Householder QR; `x` is row-major `n × k`.
pub(crate) fn lstsq(
    x: &[f64],
    n: usize,
    k: usize,
    y: &[f64],
    what: &'static str,
) -> Result<Vec<f64>, StatsError> {
    if n < k {
        return Err(StatsError::TooFewObservations { what, n, min: k });
    }
    // Column-major copy.
    let mut a: Vec<Vec<f64>> = (0..k).map(|j| (0..n).map(|i| x[i * k + j]).collect()).collect();
    let mut b = y.to_vec();
    let scale = a.iter().map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt()).fold(0.0, f64::max);
    for j in 0..k {
        let norm = a[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
            return Err(StatsError::Singular { what });
        }
        let alpha = if a[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[j][j..].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|t| t * t).sum();
        if vv > 0.0 {
            for col in a.iter_mut().skip(j) {
                let d: f64 = v.iter().zip(&col[j..]).map(|(p, q)| p * q).sum::<f64>() * 2.0 / vv;
                for (c, vi) in col[j..].iter_mut().zip(&v) {
                    *c -= d * vi;
                }
            }
            let d: f64 = v.iter().zip(&b[j..]).map(|(p, q)| p * q).sum::<f64>() * 2.0 / vv;
            for (c, vi) in b[j..].iter_mut().zip(&v) {
                *c -= d * vi;
            }
        }
    }
    let mut coef = vec![0.0; k];
    for j in (0..k).rev() {
        let s: f64 = (j + 1..k).map(|l| a[l][j] * coef[l]).sum();
        coef[j] = (b[j] - s) / a[j][j];
    }
    Ok(coef)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line() {
        let h = [1.0, 2.0, 3.0, 4.0, 5.0];
        let t: Vec<f64> = h.iter().map(|x| 0.5 + 2.0 * x).collect();
        let r = ols_hac(&t, &h, Some(1), false).unwrap();
        assert!((r.beta - 2.0).abs() < 1e-14 && (r.alpha - 0.5).abs() < 1e-14);
        assert!((r.r2 - 1.0).abs() < 1e-14);
    }

    #[test]
    fn lstsq_recovers_coefficients() {
        let n = 20;
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..n {
            let a = i as f64;
            let b = ((i * 7) % 5) as f64;
            x.extend_from_slice(&[1.0, a, b]);
            y.push(1.0 - 0.5 * a + 3.0 * b);
        }
        let c = lstsq(&x, n, 3, &y, "test").unwrap();
        assert!(
            (c[0] - 1.0).abs() < 1e-12 && (c[1] + 0.5).abs() < 1e-12 && (c[2] - 3.0).abs() < 1e-12
        );
    }

    #[test]
    fn default_lags() {
        assert_eq!(default_hac_lags(100), 4);
        assert_eq!(default_hac_lags(3000), 8);
    }
}
