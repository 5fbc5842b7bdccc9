//! Pearson, Spearman and Kendall (tau-b) correlation and the Fisher-z confidence interval.

use crate::util::{check_pair, clamp_corr, moments, Z975};
use crate::StatsError;

/// Pearson product-moment correlation.
///
/// # Formula
/// `r = Σ (x_i - x̄)(y_i - ȳ) / sqrt(Σ (x_i - x̄)² Σ (y_i - ȳ)²)`, computed in two passes
/// (means first) and clamped to [-1, 1] against rounding.
///
/// # Errors
/// Fewer than 2 rows, unequal lengths, non-finite values, or a constant series.
///
/// # References
/// Pearson, K. (1895), "Notes on regression and inheritance", *Proc. R. Soc. London* 58.
pub fn pearson(x: &[f64], y: &[f64]) -> Result<f64, StatsError> {
    check_pair("pearson", x, y, 2)?;
    let (_, _, sxx, syy, sxy) = moments(x, y);
    if sxx == 0.0 || syy == 0.0 {
        return Err(StatsError::ZeroVariance { what: "pearson" });
    }
    Ok(clamp_corr(sxy / (sxx.sqrt() * syy.sqrt())))
}

/// Ranks `1..=n` with ties given their average rank (scipy's `rankdata(method="average")`).
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && x[idx[j]] == x[idx[i]] {
            j += 1;
        }
        // Positions i..j (0-based) share ranks i+1..=j; their average is (i + 1 + j) / 2.
        let r = (i + 1 + j) as f64 / 2.0;
        for &k in &idx[i..j] {
            ranks[k] = r;
        }
        i = j;
    }
    ranks
}

/// Spearman rank correlation: the Pearson correlation of the average ranks.
///
/// # Formula
/// `ρ_S = pearson(rank(x), rank(y))`, ties receiving their average rank.
///
/// # Errors
/// As [`pearson`]; a series whose values are all tied has zero rank variance.
///
/// # References
/// Spearman, C. (1904), "The proof and measurement of association between two things",
/// *American Journal of Psychology* 15(1).
pub fn spearman(x: &[f64], y: &[f64]) -> Result<f64, StatsError> {
    check_pair("spearman", x, y, 2)?;
    pearson(&average_ranks(x), &average_ranks(y))
}

/// Kendall's tau-b with Knight's O(n log n) algorithm.
///
/// # Formula
/// With `n0 = n(n-1)/2` pairs, `n1` pairs tied in x, `n2` tied in y, `n3` tied in both and
/// `D` discordant pairs (counted as the inversions of y after sorting by (x, y)):
/// `τ_b = (n0 - n1 - n2 + n3 - 2D) / sqrt((n0 - n1)(n0 - n2))`, identical to
/// `scipy.stats.kendalltau(variant="b")`.
///
/// # Errors
/// Fewer than 2 rows, unequal lengths, non-finite values, or all values of one series tied.
///
/// # References
/// Kendall, M. G. (1945), "The treatment of ties in ranking problems", *Biometrika* 33(3).
/// Knight, W. R. (1966), "A computer method for calculating Kendall's tau with ungrouped data",
/// *JASA* 61(314), 436–439.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Result<f64, StatsError> {
    check_pair("kendall", x, y, 2)?;
    let n = x.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    let xs: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
    let mut ys: Vec<f64> = idx.iter().map(|&i| y[i]).collect();

    let pairs = |t: u64| t * (t.saturating_sub(1)) / 2;
    // Ties in x and joint ties in (x, y).
    let (mut n1, mut n3) = (0u64, 0u64);
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && xs[j] == xs[i] {
            j += 1;
        }
        n1 += pairs((j - i) as u64);
        let mut k = i;
        while k < j {
            let mut l = k + 1;
            while l < j && ys[l] == ys[k] {
                l += 1;
            }
            n3 += pairs((l - k) as u64);
            k = l;
        }
        i = j;
    }
    // Discordant pairs: inversions of y (strict), counted by a bottom-up merge sort.
    let swaps = merge_sort_count(&mut ys);
    let mut n2 = 0u64;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && ys[j] == ys[i] {
            j += 1;
        }
        n2 += pairs((j - i) as u64);
        i = j;
    }
    let n0 = pairs(n as u64);
    if n1 == n0 || n2 == n0 {
        return Err(StatsError::ZeroVariance { what: "kendall" });
    }
    let s = n0 as f64 - n1 as f64 - n2 as f64 + n3 as f64 - 2.0 * swaps as f64;
    let tau = s / ((n0 - n1) as f64).sqrt() / ((n0 - n2) as f64).sqrt();
    Ok(clamp_corr(tau))
}

/// Sort `v` ascending, returning the number of strict inversions (pairs i<j with v_i > v_j).
fn merge_sort_count(v: &mut [f64]) -> u64 {
    let n = v.len();
    let mut buf = vec![0.0; n];
    let mut swaps = 0u64;
    let mut width = 1;
    let mut src_is_v = true;
    while width < n {
        {
            let (src, dst): (&[f64], &mut [f64]) =
                if src_is_v { (&*v, &mut buf[..]) } else { (&buf[..], &mut *v) };
            let mut start = 0;
            while start < n {
                let mid = (start + width).min(n);
                let end = (start + 2 * width).min(n);
                let (mut i, mut j, mut k) = (start, mid, start);
                while i < mid && j < end {
                    if src[j] < src[i] {
                        dst[k] = src[j];
                        swaps += (mid - i) as u64;
                        j += 1;
                    } else {
                        dst[k] = src[i];
                        i += 1;
                    }
                    k += 1;
                }
                dst[k..k + (mid - i)].copy_from_slice(&src[i..mid]);
                k += mid - i;
                dst[k..k + (end - j)].copy_from_slice(&src[j..end]);
                start = end;
            }
        }
        src_is_v = !src_is_v;
        width *= 2;
    }
    if !src_is_v {
        v.copy_from_slice(&buf);
    }
    swaps
}

/// Fisher-z confidence interval for a correlation.
///
/// # Formula
/// `z = atanh(r)`, `se = 1 / sqrt(n - 3)`, interval `tanh(z ± Φ⁻¹((1+level)/2) · se)`; this is
/// what `scipy.stats.pearsonr(x, y).confidence_interval(level)` returns. `|r| = 1` gives the
/// degenerate interval `[r, r]`.
///
/// # Errors
/// `n < 4`, `|r| > 1`, or `level` outside (0, 1).
///
/// # References
/// Fisher, R. A. (1921), "On the 'probable error' of a coefficient of correlation deduced from a
/// small sample", *Metron* 1, 3–32.
pub fn fisher_z_ci(r: f64, n: usize, level: f64) -> Result<[f64; 2], StatsError> {
    if n < 4 {
        return Err(StatsError::TooFewObservations { what: "fisher-z interval", n, min: 4 });
    }
    if r.is_nan() || r.abs() > 1.0 {
        return Err(StatsError::InvalidParameter {
            name: "r",
            value: r,
            reason: "must be in [-1, 1]",
        });
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(StatsError::InvalidParameter {
            name: "level",
            value: level,
            reason: "must be in (0, 1)",
        });
    }
    let zc = if level == 0.95 { Z975 } else { crate::util::norm_ppf(0.5 * (1.0 + level)) };
    let z = r.atanh();
    let se = 1.0 / ((n - 3) as f64).sqrt();
    Ok([(z - zc * se).tanh(), (z + zc * se).tanh()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kendall_small_no_ties() {
        // Concordant pairs 5, discordant 1 of 6: tau = (5 - 1) / 6.
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [1.0, 3.0, 2.0, 4.0];
        let t = kendall_tau_b(&x, &y).unwrap();
        assert!((t - 4.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn ranks_with_ties() {
        assert_eq!(average_ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn constant_series_is_an_error() {
        assert!(matches!(
            pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]),
            Err(StatsError::ZeroVariance { .. })
        ));
        assert!(kendall_tau_b(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_err());
    }
}
