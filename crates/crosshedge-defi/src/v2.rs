//! Constant-product AMM (Uniswap v2): pool swaps, LP position value and impermanent loss.
//!
//! Prices are `P = y / x`: the price of token x in units of token y (the numeraire). Values are
//! in units of y. For an ETH/USDC book take x = ETH, y = USDC.
//!
//! # References
//! Adams, Zinsmeister, Robinson (2020), *Uniswap v2 Core* (whitepaper), §2–3.

use serde::Serialize;

use crate::error::{fee_fraction, non_negative, positive};
use crate::DefiError;

/// Token amounts of a position: `x` of the risky token and `y` of the numeraire.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TokenAmounts {
    /// Amount of token x.
    pub x: f64,
    /// Amount of token y.
    pub y: f64,
}

impl TokenAmounts {
    /// Value in units of y at price `P = y/x`: `x * P + y`.
    pub fn value(&self, price: f64) -> f64 {
        self.x * price + self.y
    }
}

/// The outcome of one swap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SwapResult {
    /// Amount paid in (gross, including the fee).
    pub amount_in: f64,
    /// Amount received.
    pub amount_out: f64,
    /// The part of `amount_in` retained as the LP fee.
    pub fee_paid: f64,
    /// Pool price before the swap.
    pub price_before: f64,
    /// Pool price after the swap.
    pub price_after: f64,
}

/// A constant-product pool `x * y = k` with a proportional fee on the input amount.
///
/// Fees stay in the reserves (as in Uniswap v2), so `k` rises with every swap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConstantProductPool {
    /// Reserve of token x.
    pub reserve_x: f64,
    /// Reserve of token y.
    pub reserve_y: f64,
    /// Fee as a fraction of the input amount (0.003 = 30 bps).
    pub fee: f64,
}

impl ConstantProductPool {
    /// A pool with positive reserves and a fee in `[0, 1)`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive reserve; [`DefiError::OutOfRange`] for the
    /// fee.
    pub fn new(reserve_x: f64, reserve_y: f64, fee: f64) -> Result<Self, DefiError> {
        Ok(Self {
            reserve_x: positive("reserve_x", reserve_x)?,
            reserve_y: positive("reserve_y", reserve_y)?,
            fee: fee_fraction(fee)?,
        })
    }

    /// Marginal price `y / x`.
    pub fn price(&self) -> f64 {
        self.reserve_y / self.reserve_x
    }

    /// The invariant `k = x * y`.
    pub fn invariant(&self) -> f64 {
        self.reserve_x * self.reserve_y
    }

    /// Liquidity `L = sqrt(x * y)`.
    pub fn liquidity(&self) -> f64 {
        self.invariant().sqrt()
    }

    /// Pool value in units of y at its own price: `2 * y`.
    pub fn value(&self) -> f64 {
        2.0 * self.reserve_y
    }

    /// Output for paying `amount_in` of x, without changing the pool.
    ///
    /// # Formula
    /// `dy = y * dx (1 - f) / (x + dx (1 - f))`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive amount.
    pub fn quote_x_for_y(&self, amount_in: f64) -> Result<f64, DefiError> {
        let dx = positive("amount_in", amount_in)?;
        let eff = dx * (1.0 - self.fee);
        Ok(self.reserve_y * eff / (self.reserve_x + eff))
    }

    /// Output for paying `amount_in` of y, without changing the pool.
    ///
    /// # Formula
    /// `dx = x * dy (1 - f) / (y + dy (1 - f))`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive amount.
    pub fn quote_y_for_x(&self, amount_in: f64) -> Result<f64, DefiError> {
        let dy = positive("amount_in", amount_in)?;
        let eff = dy * (1.0 - self.fee);
        Ok(self.reserve_x * eff / (self.reserve_y + eff))
    }

    /// Pays `amount_in` of x into the pool and takes y out.
    ///
    /// # Errors
    /// As [`Self::quote_x_for_y`].
    pub fn swap_x_for_y(&mut self, amount_in: f64) -> Result<SwapResult, DefiError> {
        let out = self.quote_x_for_y(amount_in)?;
        let price_before = self.price();
        self.reserve_x += amount_in;
        self.reserve_y -= out;
        Ok(SwapResult {
            amount_in,
            amount_out: out,
            fee_paid: amount_in * self.fee,
            price_before,
            price_after: self.price(),
        })
    }

    /// Pays `amount_in` of y into the pool and takes x out.
    ///
    /// # Errors
    /// As [`Self::quote_y_for_x`].
    pub fn swap_y_for_x(&mut self, amount_in: f64) -> Result<SwapResult, DefiError> {
        let out = self.quote_y_for_x(amount_in)?;
        let price_before = self.price();
        self.reserve_y += amount_in;
        self.reserve_x -= out;
        Ok(SwapResult {
            amount_in,
            amount_out: out,
            fee_paid: amount_in * self.fee,
            price_before,
            price_after: self.price(),
        })
    }
}

/// A constant-product LP position of liquidity `L` (a share of the pool's `sqrt(k)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConstantProductPosition {
    /// Liquidity `L = sqrt(x * y)` of the position.
    pub liquidity: f64,
}

/// Valuation of an LP position at one price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LpValuation {
    /// Price `y / x`.
    pub price: f64,
    /// Token amounts held by the position.
    pub amounts: TokenAmounts,
    /// Value in units of y.
    pub value: f64,
    /// Delta: derivative of value with respect to the price (units of x).
    pub delta: f64,
    /// Gamma: second derivative of value with respect to the price.
    pub gamma: f64,
}

impl ConstantProductPosition {
    /// A position of liquidity `L >= 0`.
    ///
    /// # Errors
    /// [`DefiError::Negative`] for a negative or non-finite `L`.
    pub fn new(liquidity: f64) -> Result<Self, DefiError> {
        Ok(Self { liquidity: non_negative("liquidity", liquidity)? })
    }

    /// The position minted by depositing `x` of token x at price `P` (with `y = x P`):
    /// `L = x sqrt(P)`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive amount or price.
    pub fn from_amount_x(x: f64, price: f64) -> Result<Self, DefiError> {
        Ok(Self { liquidity: positive("x", x)? * positive("price", price)?.sqrt() })
    }

    /// Token amounts and value at price `P`.
    ///
    /// # Formula
    /// `x = L / sqrt(P)`, `y = L sqrt(P)`, `V = 2 L sqrt(P)`, `dV/dP = L / sqrt(P)`,
    /// `d²V/dP² = -L / (2 P^{3/2})`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive price.
    pub fn valuation(&self, price: f64) -> Result<LpValuation, DefiError> {
        let p = positive("price", price)?;
        let s = p.sqrt();
        let l = self.liquidity;
        let amounts = TokenAmounts { x: l / s, y: l * s };
        Ok(LpValuation {
            price: p,
            amounts,
            value: 2.0 * l * s,
            delta: l / s,
            gamma: -0.5 * l / (p * s),
        })
    }
}

/// Impermanent loss of a constant-product position against holding the initial tokens, as a
/// fraction of the hold value (negative = loss).
///
/// # Formula
/// With `r = P1 / P0`: `IL = 2 sqrt(r) / (1 + r) - 1`.
///
/// # Errors
/// [`DefiError::NotPositive`] for a non-positive price.
pub fn impermanent_loss_v2(price_start: f64, price_end: f64) -> Result<f64, DefiError> {
    let r = positive("price_end", price_end)? / positive("price_start", price_start)?;
    Ok(2.0 * r.sqrt() / (1.0 + r) - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_swap_hand_case() {
        // x = 100, y = 200000 (P = 2000), fee 0.3 %, pay 1 x: dy = 200000 * 0.997 / 100.997.
        let mut pool = ConstantProductPool::new(100.0, 200_000.0, 0.003).unwrap();
        let r = pool.swap_x_for_y(1.0).unwrap();
        let expect = 200_000.0 * 0.997 / 100.997;
        assert!((r.amount_out - expect).abs() <= 1e-12 * expect);
        assert!((r.fee_paid - 0.003).abs() < 1e-15);
        assert!(pool.invariant() > 100.0 * 200_000.0);
        assert!(r.price_after < r.price_before);
    }

    #[test]
    fn v2_il_hand_cases() {
        assert_eq!(impermanent_loss_v2(100.0, 100.0).unwrap(), 0.0);
        // r = 4: 2*2/5 - 1 = -0.2.
        assert!((impermanent_loss_v2(1.0, 4.0).unwrap() + 0.2).abs() < 1e-15);
        // Symmetric in log price: r and 1/r give the same loss.
        let a = impermanent_loss_v2(1.0, 4.0).unwrap();
        let b = impermanent_loss_v2(4.0, 1.0).unwrap();
        assert!((a - b).abs() < 1e-15);
        assert!(impermanent_loss_v2(0.0, 1.0).is_err());
    }

    #[test]
    fn v2_il_matches_position_vs_hold() {
        let p0 = 2000.0;
        let p1 = 1300.0;
        let pos = ConstantProductPosition::from_amount_x(3.0, p0).unwrap();
        let v0 = pos.valuation(p0).unwrap();
        let v1 = pos.valuation(p1).unwrap();
        let hold = v0.amounts.value(p1);
        let il = v1.value / hold - 1.0;
        assert!((il - impermanent_loss_v2(p0, p1).unwrap()).abs() < 1e-14);
        assert!((v0.amounts.x - 3.0).abs() < 1e-12);
        assert!((v0.amounts.y - 6000.0).abs() < 1e-9);
    }

    #[test]
    fn v2_greeks_match_finite_differences() {
        let pos = ConstantProductPosition::new(1234.5).unwrap();
        let p = 1800.0;
        let h = 1e-3;
        let v = |q: f64| pos.valuation(q).unwrap().value;
        let val = pos.valuation(p).unwrap();
        let fd_delta = (v(p + h) - v(p - h)) / (2.0 * h);
        let fd_gamma = (v(p + h) - 2.0 * v(p) + v(p - h)) / (h * h);
        assert!((val.delta - fd_delta).abs() < 1e-7 * val.delta.abs());
        assert!((val.gamma - fd_gamma).abs() < 1e-3 * val.gamma.abs());
    }
}
