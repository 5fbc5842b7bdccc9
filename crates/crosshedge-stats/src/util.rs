//! Small shared numerical helpers (not public API).

use crate::StatsError;

/// Check two slices have equal length, at least `min` rows and only finite values.
pub(crate) fn check_pair(
    what: &'static str,
    x: &[f64],
    y: &[f64],
    min: usize,
) -> Result<(), StatsError> {
    if x.len() != y.len() {
        return Err(StatsError::LengthMismatch { what, left: y.len(), right: x.len() });
    }
    check_finite(what, x)?;
    check_finite(what, y)?;
    if x.len() < min {
        return Err(StatsError::TooFewObservations { what, n: x.len(), min });
    }
    Ok(())
}

/// Error on the first non-finite value.
pub(crate) fn check_finite(what: &'static str, x: &[f64]) -> Result<(), StatsError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(StatsError::NonFinite { what, row }),
        None => Ok(()),
    }
}

/// Arithmetic mean (caller guarantees a non-empty slice).
pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Centred second moments `(sxx, syy, sxy)` (sums, not divided by n) and the means.
pub(crate) fn moments(x: &[f64], y: &[f64]) -> (f64, f64, f64, f64, f64) {
    let mx = mean(x);
    let my = mean(y);
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let dx = a - mx;
        let dy = b - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    (mx, my, sxx, syy, sxy)
}

/// Sample variance with divisor `n - 1`.
pub(crate) fn var(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() as f64 - 1.0)
}

/// Clamp a correlation into [-1, 1] against rounding.
pub(crate) fn clamp_corr(r: f64) -> f64 {
    r.clamp(-1.0, 1.0)
}

/// Standard normal CDF.
pub(crate) fn norm_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// Standard normal density.
pub(crate) fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal quantile.
pub(crate) fn norm_ppf(p: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
}

/// Two-sided normal p-value of a z statistic.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    (2.0 * norm_cdf(-z.abs())).min(1.0)
}

/// The 97.5 % standard normal quantile, `Φ⁻¹(0.975)`.
pub(crate) const Z975: f64 = 1.959_963_984_540_054;

/// Percentile of a sorted slice with linear interpolation between order statistics
/// (numpy's default `linear` method): position `q (n - 1)`.
pub fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let pos = q * (n as f64 - 1.0);
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// Autocorrelation at lag `k` with the full-sample mean and the `n` divisor
/// (`Σ (x_t - x̄)(x_{t-k} - x̄) / Σ (x_t - x̄)²`, the statsmodels `acf` convention).
pub(crate) fn acf(x: &[f64], max_lag: usize) -> Vec<f64> {
    let m = mean(x);
    let d: Vec<f64> = x.iter().map(|v| v - m).collect();
    let c0: f64 = d.iter().map(|v| v * v).sum();
    (0..=max_lag)
        .map(|k| {
            if k >= d.len() || c0 == 0.0 {
                0.0
            } else {
                d[k..].iter().zip(&d[..d.len() - k]).map(|(a, b)| a * b).sum::<f64>() / c0
            }
        })
        .collect()
}
