//! Loss-versus-rebalancing (LVR) of AMM liquidity.
//!
//! LVR is the rate at which an LP loses against a rebalancing strategy that holds the same risky
//! position but trades at market prices; it is what a delta-hedged LP pays arbitrageurs, before
//! fees. For a geometric Brownian price with volatility `σ`, the instantaneous LVR is
//! `ℓ(σ, P) = (σ² / 2) P² |x'(P)|`, with `x(P)` the pool's holding of the risky token.
//!
//! Prices are `P = y / x` (risky token x in numeraire y); values and LVR are in units of y per
//! unit time of `σ` (per year for an annualised `σ`).
//!
//! # References
//! Milionis, Moallemi, Roughgarden, Zhang (2022), *Automated Market Making and
//! Loss-Versus-Rebalancing*, arXiv:2208.06046 (the paper's worked examples: constant product
//! `ℓ = (σ²/8) V(P)`; concentrated liquidity on a range `ℓ = (σ²/4) L sqrt(P)` while the price
//! is in range).

use serde::Serialize;

use crate::error::{non_negative, positive};
use crate::v3::ConcentratedPosition;
use crate::DefiError;

/// LVR of a constant-product pool as a fraction of pool value per unit time: `σ² / 8`.
///
/// # Errors
/// [`DefiError::Negative`] for a negative or non-finite `σ`.
pub fn lvr_rate_constant_product(sigma: f64) -> Result<f64, DefiError> {
    let s = non_negative("sigma", sigma)?;
    Ok(s * s / 8.0)
}

/// LVR of a constant-product pool of value `V` per unit time: `(σ² / 8) V`.
///
/// # Errors
/// Sign errors for `σ` or `V`.
pub fn lvr_constant_product(sigma: f64, pool_value: f64) -> Result<f64, DefiError> {
    Ok(lvr_rate_constant_product(sigma)? * non_negative("pool_value", pool_value)?)
}

/// LVR of a concentrated position per unit time at price `P`.
///
/// # Formula
/// `ℓ(σ, P) = (σ² / 4) L sqrt(P)` for `Pa < P < Pb`, else 0 (no risky-token sensitivity
/// outside the range).
///
/// # Errors
/// Sign errors for `σ` or `P`.
pub fn lvr_concentrated(
    sigma: f64,
    position: &ConcentratedPosition,
    price: f64,
) -> Result<f64, DefiError> {
    let s = non_negative("sigma", sigma)?;
    let sp = positive("price", price)?.sqrt();
    if sp > position.sqrt_price_lower && sp < position.sqrt_price_upper {
        Ok(0.25 * s * s * position.liquidity * sp)
    } else {
        Ok(0.0)
    }
}

/// LVR of a position at one price, absolute and relative to its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LvrResult {
    /// Position value in units of y.
    pub value: f64,
    /// LVR in units of y per unit time.
    pub lvr: f64,
    /// LVR as a fraction of value per unit time (per year for annual `σ`).
    pub lvr_rate: f64,
}

/// LVR of a concentrated position with its rate relative to the position value.
///
/// For a full-range position this reduces to `σ²/8`; a narrow range has a higher rate, since
/// `V` shrinks faster than `L sqrt(P)`.
///
/// # Errors
/// Sign errors; [`DefiError::NotPositive`] for a zero-value position.
pub fn lvr_concentrated_rate(
    sigma: f64,
    position: &ConcentratedPosition,
    price: f64,
) -> Result<LvrResult, DefiError> {
    let lvr = lvr_concentrated(sigma, position, price)?;
    let value = positive("position value", position.valuation(price)?.value)?;
    Ok(LvrResult { value, lvr, lvr_rate: lvr / value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lvr_constant_product_hand_case() {
        // σ = 0.8: 0.64 / 8 = 0.08 of value per year.
        assert!((lvr_rate_constant_product(0.8).unwrap() - 0.08).abs() < 1e-16);
        assert!((lvr_constant_product(0.8, 1e6).unwrap() - 8e4).abs() < 1e-9);
        assert!(lvr_rate_constant_product(-0.1).is_err());
    }

    #[test]
    fn lvr_concentrated_reduces_to_constant_product() {
        // Full range: V = 2 L sqrt(P), so (σ²/4) L sqrt(P) = (σ²/8) V.
        let pos = ConcentratedPosition::from_ticks(1e4, -887_200, 887_200).unwrap();
        let r = lvr_concentrated_rate(0.6, &pos, 2000.0).unwrap();
        assert!((r.lvr_rate - 0.045).abs() < 1e-12);
        let out = ConcentratedPosition::new(1e4, 3000.0, 4000.0).unwrap();
        assert_eq!(lvr_concentrated(0.6, &out, 2000.0).unwrap(), 0.0);
    }

    #[test]
    fn lvr_matches_definition_by_finite_difference() {
        // ℓ = σ²/2 P² |dx/dP|.
        let pos = ConcentratedPosition::new(5000.0, 1500.0, 2500.0).unwrap();
        let (p, sigma, h) = (1900.0, 0.7, 1e-3);
        let x = |q: f64| pos.amounts_at_sqrt_price(f64::sqrt(q)).x;
        let dxdp = (x(p + h) - x(p - h)) / (2.0 * h);
        let fd = 0.5 * sigma * sigma * p * p * dxdp.abs();
        let exact = lvr_concentrated(sigma, &pos, p).unwrap();
        assert!((fd / exact - 1.0).abs() < 1e-7);
    }
}
