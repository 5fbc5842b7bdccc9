//! Lead–lag: the two-sided cross-correlation function with white-noise bands, and the Dimson
//! (1979) sum-of-lagged-betas beta that corrects for asynchronous closes ("time-shifting").

use serde::Serialize;

use crate::ols::lstsq;
use crate::util::{check_pair, moments, Z975};
use crate::StatsError;

/// The cross-correlation function for lags `-K..=K`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ccf {
    /// Lags `-K..=K` (in rows).
    pub lags: Vec<i64>,
    /// `ccf[j]` for `lags[j]`: `corr(T_t, H_{t-k})`.
    pub ccf: Vec<f64>,
    /// Half-width of the approximate 95 % white-noise band, `1.96/sqrt(n)`.
    pub band95: f64,
    /// Observations.
    pub n: usize,
    /// The lag with the largest `|ccf|`.
    pub peak_lag: i64,
}

/// Two-sided cross-correlation function of target and hedge.
///
/// # Convention
/// `ccf(k) = corr(T_t, H_{t-k})`: a **positive** lag `k` pairs today's target with the hedge
/// `k` rows earlier (the hedge *leads* the target); a negative lag means the target leads.
///
/// # Formula
/// `ccf(k) = [n⁻¹ Σ_t (T_t - T̄)(H_{t-k} - H̄)] / sqrt(n⁻¹Σ(T-T̄)² · n⁻¹Σ(H-H̄)²)`, the sum over the
/// `n - |k|` rows where both exist, full-sample means and the divisor `n` for every lag (the
/// standard biased estimator of Box–Jenkins, R's `ccf` and statsmodels' `ccf(adjusted=False)`).
/// Band: `±Φ⁻¹(0.975)/sqrt(n)`, valid under no cross-correlation with at least one white series.
///
/// # Errors
/// `K ≥ n`, fewer than 3 rows, unequal lengths, non-finite input or a constant series.
///
/// # References
/// Box, G. E. P. & Jenkins, G. M. (1976), *Time Series Analysis: Forecasting and Control*, §11.1.
pub fn ccf(target: &[f64], hedge: &[f64], max_lag: usize) -> Result<Ccf, StatsError> {
    check_pair("ccf", target, hedge, 3)?;
    let n = target.len();
    if max_lag >= n {
        return Err(StatsError::InvalidParameter {
            name: "max_lag",
            value: max_lag as f64,
            reason: "must be below the number of rows",
        });
    }
    let (mt, mh, stt, shh, _) = moments(target, hedge);
    if stt == 0.0 || shh == 0.0 {
        return Err(StatsError::ZeroVariance { what: "ccf" });
    }
    let denom = (stt * shh).sqrt();
    let k = max_lag as i64;
    let mut lags = Vec::with_capacity(2 * max_lag + 1);
    let mut out = Vec::with_capacity(2 * max_lag + 1);
    for lag in -k..=k {
        let mut s = 0.0;
        if lag >= 0 {
            let l = lag as usize;
            for t in l..n {
                s += (target[t] - mt) * (hedge[t - l] - mh);
            }
        } else {
            let l = (-lag) as usize;
            for t in 0..n - l {
                s += (target[t] - mt) * (hedge[t + l] - mh);
            }
        }
        lags.push(lag);
        out.push(s / denom);
    }
    let peak = out
        .iter()
        .enumerate()
        .fold((0usize, -1.0f64), |acc, (i, v)| if v.abs() > acc.1 { (i, v.abs()) } else { acc })
        .0;
    Ok(Ccf { peak_lag: lags[peak], lags, ccf: out, band95: Z975 / (n as f64).sqrt(), n })
}

/// Dimson's sum-of-lagged-betas regression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimson {
    /// `K`: leads and lags included on each side.
    pub max_lag: usize,
    /// Rows used in the regression.
    pub n: usize,
    /// Lags `-K..=K`; slope `slopes[j]` multiplies `H_{t-lags[j]}`.
    pub lags: Vec<i64>,
    /// Slope on each lagged/led hedge return.
    pub slopes: Vec<f64>,
    /// Intercept.
    pub alpha: f64,
    /// The Dimson beta, the sum of the slopes.
    pub beta: f64,
}

/// Dimson (1979) beta: regress `T_t` on `H_{t-K}, …, H_{t+K}` (and a constant) and sum the slopes.
///
/// # Formula
/// `T_t = α + Σ_{k=-K}^{K} β_k H_{t-k} + u_t` over the rows `t` for which every `H_{t-k}`
/// exists; `β_Dimson = Σ_k β_k`. Solved by Householder QR. When `rows` is given (a regime
/// subset), only those `t` are regressands but the lagged regressors are taken from the full
/// series, so a regime subset keeps the true calendar neighbours.
///
/// # Errors
/// Too few usable rows (`2K + 3`), unequal lengths, non-finite input or collinear regressors.
///
/// # References
/// Dimson, E. (1979), "Risk measurement when shares are subject to infrequent trading",
/// *Journal of Financial Economics* 7(2), 197–226.
pub fn dimson_beta(
    target: &[f64],
    hedge: &[f64],
    max_lag: usize,
    rows: Option<&[usize]>,
) -> Result<Dimson, StatsError> {
    check_pair("dimson", target, hedge, 0)?;
    let n = target.len();
    let k = max_lag;
    let p = 2 * k + 2;
    let usable = |t: usize| t >= k && t + k < n;
    let ts: Vec<usize> = match rows {
        Some(r) => r.iter().copied().filter(|&t| usable(t)).collect(),
        None => (0..n).filter(|&t| usable(t)).collect(),
    };
    if ts.len() < p + 1 {
        return Err(StatsError::TooFewObservations { what: "dimson", n: ts.len(), min: p + 1 });
    }
    let lags: Vec<i64> = (-(k as i64)..=k as i64).collect();
    let mut x = Vec::with_capacity(ts.len() * p);
    let mut y = Vec::with_capacity(ts.len());
    for &t in &ts {
        x.push(1.0);
        for &l in &lags {
            x.push(hedge[(t as i64 - l) as usize]);
        }
        y.push(target[t]);
    }
    let coef = lstsq(&x, ts.len(), p, &y, "dimson")?;
    let slopes = coef[1..].to_vec();
    Ok(Dimson { max_lag: k, n: ts.len(), beta: slopes.iter().sum(), alpha: coef[0], lags, slopes })
}

/// Everything the `lags` command shows: the CCF and the Dimson beta for every `K = 0..=max_lag`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadLagReport {
    /// Cross-correlation function for lags `-max_lag..=max_lag`.
    pub ccf: Ccf,
    /// Dimson regressions with `K = 0, 1, …, max_lag` (`K = 0` is plain OLS).
    pub dimson: Vec<Dimson>,
}

/// The CCF and the Dimson betas for `K = 0..=max_lag`.
///
/// # Errors
/// As [`ccf`] and [`dimson_beta`].
pub fn lead_lag(
    target: &[f64],
    hedge: &[f64],
    max_lag: usize,
) -> Result<LeadLagReport, StatsError> {
    Ok(LeadLagReport {
        ccf: ccf(target, hedge, max_lag)?,
        dimson: (0..=max_lag)
            .map(|k| dimson_beta(target, hedge, k, None))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lagged_hedge_shows_at_positive_lag() {
        // The target follows the hedge one row later: T_t = H_{t-1}.
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        let h: Vec<f64> = (0..200).map(|_| rng.random::<f64>() - 0.5).collect();
        let mut t = vec![0.0; 200];
        t[1..].copy_from_slice(&h[..199]);
        let r = lead_lag(&t, &h, 3).unwrap();
        assert_eq!(r.ccf.peak_lag, 1);
        // Dimson with K >= 1 recovers the full beta of 1; K = 0 misses it.
        assert!((r.dimson[1].beta - 1.0).abs() < 1e-9, "{}", r.dimson[1].beta);
        assert!(r.dimson[0].beta.abs() < 0.3);
    }
}
