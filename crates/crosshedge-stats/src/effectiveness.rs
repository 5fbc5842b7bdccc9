//! Ederington hedge effectiveness, in and out of sample.

use serde::Serialize;

use crate::util::{check_pair, moments, var};
use crate::StatsError;

/// Hedge effectiveness of hedge ratio `h`: the share of the target's variance removed.
///
/// # Formula
/// `HE(h) = 1 - Var(T - hH)/Var(T)`. At the in-sample minimum-variance ratio
/// `h* = Cov(T,H)/Var(H)`, `HE(h*) = ρ²(T,H) = R²`. HE can be negative out of sample.
///
/// # Errors
/// Fewer than 2 rows, unequal lengths, non-finite input or a constant target.
///
/// # References
/// Ederington, L. H. (1979), "The hedging performance of the new futures markets",
/// *Journal of Finance* 34(1), 157–170.
pub fn hedge_effectiveness(target: &[f64], hedge: &[f64], h: f64) -> Result<f64, StatsError> {
    check_pair("hedge effectiveness", target, hedge, 2)?;
    if !h.is_finite() {
        return Err(StatsError::InvalidParameter { name: "h", value: h, reason: "must be finite" });
    }
    let vt = var(target);
    if vt == 0.0 {
        return Err(StatsError::ZeroVariance { what: "hedge effectiveness target" });
    }
    let resid: Vec<f64> = target.iter().zip(hedge).map(|(t, x)| t - h * x).collect();
    Ok(1.0 - var(&resid) / vt)
}

/// Minimum-variance hedge ratio `h* = Cov(T,H)/Var(H)`.
///
/// # Errors
/// Fewer than 2 rows, unequal lengths, non-finite input or a constant hedge.
pub fn min_variance_hedge_ratio(target: &[f64], hedge: &[f64]) -> Result<f64, StatsError> {
    check_pair("hedge ratio", target, hedge, 2)?;
    let (_, _, _, shh, sth) = moments(target, hedge);
    if shh == 0.0 {
        return Err(StatsError::ZeroVariance { what: "hedge ratio hedge" });
    }
    Ok(sth / shh)
}

/// Hedge effectiveness of a ratio estimated on one sample and applied to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutOfSampleHe {
    /// `h*` estimated on the fitting sample.
    pub hedge_ratio: f64,
    /// HE on the fitting sample (= its R²).
    pub he_in_sample: f64,
    /// HE of the same `h*` on the evaluation sample.
    pub he_out_of_sample: f64,
    /// HE the evaluation sample's own `h*` would have reached (its R², the best possible).
    pub he_eval_optimal: f64,
}

/// Ederington HE out of sample: `h*` fitted on (`fit_target`, `fit_hedge`) (one window or
/// regime) and applied to (`eval_target`, `eval_hedge`) (the next window or another regime).
///
/// # Errors
/// As [`min_variance_hedge_ratio`] and [`hedge_effectiveness`] on either sample.
pub fn hedge_effectiveness_oos(
    fit_target: &[f64],
    fit_hedge: &[f64],
    eval_target: &[f64],
    eval_hedge: &[f64],
) -> Result<OutOfSampleHe, StatsError> {
    let h = min_variance_hedge_ratio(fit_target, fit_hedge)?;
    let h_eval = min_variance_hedge_ratio(eval_target, eval_hedge)?;
    Ok(OutOfSampleHe {
        hedge_ratio: h,
        he_in_sample: hedge_effectiveness(fit_target, fit_hedge, h)?,
        he_out_of_sample: hedge_effectiveness(eval_target, eval_hedge, h)?,
        he_eval_optimal: hedge_effectiveness(eval_target, eval_hedge, h_eval)?,
    })
}
