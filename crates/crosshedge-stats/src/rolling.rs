//! Rolling-window and EWMA correlation and beta in one streaming O(n) pass, and a parallel batch
//! API for many series.
//!
//! Outputs are aligned with the input rows: entry `i` describes the window (or the EWMA state)
//! ending at row `i`; rows without a defined value (before the window fills, or a window in which
//! a series is constant) are `None`, never `NaN`.

use rayon::prelude::*;
use serde::Serialize;

use crate::util::{check_pair, clamp_corr};
use crate::StatsError;

/// Rolling or EWMA correlation and beta of a target on a hedge, aligned with the input rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollingCorrBeta {
    /// Correlation of the window ending at each row.
    pub correlation: Vec<Option<f64>>,
    /// Beta `Cov(T,H)/Var(H)` of the window ending at each row.
    pub beta: Vec<Option<f64>>,
}

/// Relative size under which a centred sum of squares is treated as zero.
const DEGENERATE_REL: f64 = 1e-13;

#[inline]
fn degenerate(c: f64, m: f64, n: f64) -> bool {
    c <= n * DEGENERATE_REL * m * m || c <= 0.0
}

/// Welford state of a bivariate window (hedge `x`, target `y`).
#[derive(Default, Clone, Copy)]
struct Window {
    n: f64,
    mx: f64,
    my: f64,
    cxx: f64,
    cyy: f64,
    cxy: f64,
}

impl Window {
    #[inline]
    fn add(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        let dx = x - self.mx;
        let dy = y - self.my;
        self.mx += dx / self.n;
        self.my += dy / self.n;
        self.cxx += dx * (x - self.mx);
        self.cyy += dy * (y - self.my);
        self.cxy += dx * (y - self.my);
    }

    #[inline]
    fn remove(&mut self, x: f64, y: f64) {
        self.n -= 1.0;
        let dx = x - self.mx;
        let dy = y - self.my;
        self.mx -= dx / self.n;
        self.my -= dy / self.n;
        self.cxx -= dx * (x - self.mx);
        self.cyy -= dy * (y - self.my);
        self.cxy -= dx * (y - self.my);
    }

    /// Exact two-pass recomputation over a window.
    fn exact(x: &[f64], y: &[f64]) -> Self {
        let (mx, my, cxx, cyy, cxy) = crate::util::moments(x, y);
        Self { n: x.len() as f64, mx, my, cxx, cyy, cxy }
    }

    #[inline]
    fn values(&self) -> (Option<f64>, Option<f64>) {
        if degenerate(self.cxx, self.mx, self.n) {
            return (None, None);
        }
        let beta = Some(self.cxy / self.cxx);
        if degenerate(self.cyy, self.my, self.n) {
            return (None, beta);
        }
        (Some(clamp_corr(self.cxy / (self.cxx.sqrt() * self.cyy.sqrt()))), beta)
    }
}

/// Rolling-window correlation and beta of `target` on `hedge` in one O(n) pass.
///
/// # Formula
/// For the window `W_i = {i-w+1, …, i}`: `ρ_i = C_TH / sqrt(C_TT C_HH)`, `β_i = C_TH / C_HH`,
/// with centred sums `C` updated by Welford's add/remove recurrences
/// (`m ← m + (x - m)/n`, `C_xy ← C_xy + (x - m_old)(y - m_new)`, and the inverse on removal).
/// The state is recomputed exactly (two-pass) every `w` rows, which bounds the accumulated
/// rounding while keeping the cost O(n) (at most 2n extra operations).
///
/// # Errors
/// `window < 2`, unequal lengths or non-finite input.
///
/// # References
/// Welford, B. P. (1962), "Note on a method for calculating corrected sums of squares and
/// products", *Technometrics* 4(3). Chan, Golub & LeVeque (1983), "Algorithms for computing the
/// sample variance", *The American Statistician* 37(3).
pub fn rolling_corr_beta(
    target: &[f64],
    hedge: &[f64],
    window: usize,
) -> Result<RollingCorrBeta, StatsError> {
    check_pair("rolling correlation", target, hedge, 0)?;
    if window < 2 {
        return Err(StatsError::InvalidParameter {
            name: "window",
            value: window as f64,
            reason: "must be at least 2",
        });
    }
    Ok(rolling_kernel(target, hedge, window))
}

fn rolling_kernel(target: &[f64], hedge: &[f64], w: usize) -> RollingCorrBeta {
    let n = target.len();
    let mut correlation = vec![None; n];
    let mut beta = vec![None; n];
    if n < w {
        return RollingCorrBeta { correlation, beta };
    }
    let mut st = Window::exact(&hedge[..w], &target[..w]);
    let (c, b) = st.values();
    correlation[w - 1] = c;
    beta[w - 1] = b;
    for i in w..n {
        if (i - w + 1) % w == 0 {
            st = Window::exact(&hedge[i + 1 - w..=i], &target[i + 1 - w..=i]);
        } else {
            st.remove(hedge[i - w], target[i - w]);
            st.add(hedge[i], target[i]);
        }
        let (c, b) = st.values();
        correlation[i] = c;
        beta[i] = b;
    }
    RollingCorrBeta { correlation, beta }
}

/// Exponentially weighted (EWMA) correlation and beta in one O(n) pass.
///
/// # Formula
/// Weights `λ^{t-i}` on rows `i ≤ t`, normalised (pandas `ewm(alpha = 1 - λ, adjust=True)`).
/// With `W_t = λ W_{t-1} + 1`, `a = 1/W_t`, `d = x_t - m_{t-1}`: `m_t = m_{t-1} + a d` and the
/// weighted co-moment `S_t = λ S_{t-1} + (1 - a) d_x d_y` (West 1979). `ρ_t = S_TH/sqrt(S_TT S_HH)`,
/// `β_t = S_TH / S_HH`; the normalisation and any bias factor cancel, so `ρ_t` equals pandas
/// `ewm(alpha=1-λ).corr` and `β_t` equals `ewm.cov / ewm.var`. Rows before `min_periods`
/// observations are `None`.
///
/// # Errors
/// `λ` outside (0, 1), unequal lengths or non-finite input.
///
/// # References
/// J.P. Morgan/Reuters (1996), *RiskMetrics — Technical Document*, 4th ed. West, D. H. D. (1979),
/// "Updating mean and variance estimates: an improved method", *CACM* 22(9).
pub fn ewma_corr_beta(
    target: &[f64],
    hedge: &[f64],
    lambda: f64,
    min_periods: usize,
) -> Result<RollingCorrBeta, StatsError> {
    check_pair("ewma correlation", target, hedge, 0)?;
    if !(lambda > 0.0 && lambda < 1.0) {
        return Err(StatsError::InvalidParameter {
            name: "lambda",
            value: lambda,
            reason: "must be in (0, 1)",
        });
    }
    let n = target.len();
    let mut correlation = vec![None; n];
    let mut beta = vec![None; n];
    let (mut w, mut mx, mut my, mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        let (x, y) = (hedge[i], target[i]);
        w = lambda * w + 1.0;
        let a = 1.0 / w;
        let dx = x - mx;
        let dy = y - my;
        mx += a * dx;
        my += a * dy;
        sxx = lambda * sxx + (1.0 - a) * dx * dx;
        syy = lambda * syy + (1.0 - a) * dy * dy;
        sxy = lambda * sxy + (1.0 - a) * dx * dy;
        if i + 1 < min_periods.max(2) || degenerate(sxx, mx, w) {
            continue;
        }
        beta[i] = Some(sxy / sxx);
        if !degenerate(syy, my, w) {
            correlation[i] = Some(clamp_corr(sxy / (sxx.sqrt() * syy.sqrt())));
        }
    }
    Ok(RollingCorrBeta { correlation, beta })
}

/// Rolling correlation and beta for many (target, hedge) pairs, in parallel over pairs.
///
/// # Errors
/// As [`rolling_corr_beta`], for the first failing pair.
pub fn rolling_corr_beta_batch(
    pairs: &[(&[f64], &[f64])],
    window: usize,
) -> Result<Vec<RollingCorrBeta>, StatsError> {
    pairs.par_iter().map(|(t, h)| rolling_corr_beta(t, h, window)).collect()
}

/// Rolling correlation and beta of many targets against one hedge, in parallel over targets.
///
/// # Errors
/// As [`rolling_corr_beta`], for the first failing target.
pub fn rolling_corr_beta_many(
    targets: &[&[f64]],
    hedge: &[f64],
    window: usize,
) -> Result<Vec<RollingCorrBeta>, StatsError> {
    targets.par_iter().map(|t| rolling_corr_beta(t, hedge, window)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_matches_direct() {
        let t: Vec<f64> = (0..200).map(|i| ((i * 37 % 17) as f64).sin() + 1e3).collect();
        let h: Vec<f64> =
            (0..200).map(|i| ((i * 11 % 13) as f64).cos() * 0.5 + t[i] * 0.1).collect();
        let r = rolling_corr_beta(&t, &h, 20).unwrap();
        for i in 19..200 {
            let c = crate::corr::pearson(&t[i - 19..=i], &h[i - 19..=i]).unwrap();
            assert!((r.correlation[i].unwrap() - c).abs() < 1e-11, "row {i}");
        }
        assert!(r.correlation[18].is_none());
    }

    #[test]
    fn constant_window_is_none() {
        let t = vec![0.01; 50];
        let h: Vec<f64> = (0..50).map(|i| i as f64).collect();
        let r = rolling_corr_beta(&t, &h, 10).unwrap();
        assert!(r.correlation.iter().all(Option::is_none));
        assert!(r.beta[9].is_some());
    }
}
