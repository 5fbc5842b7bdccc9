//! Concentrated liquidity (Uniswap v3): position amounts and value, liquidity from deposits,
//! impermanent loss, and swaps inside a single initialised range.
//!
//! Prices are `P = y / x` (token1 per token0 in the pool's own orientation, raw or whole-token
//! units as the caller chooses consistently); the analytics work on square roots
//! `sqrt(P)`, `sqrt(Pa)`, `sqrt(Pb)` in `f64`.
//!
//! # Formula
//! Whitepaper §6.2–6.3 (real reserves of a range position), for liquidity `L` on `[Pa, Pb]`:
//! - `P <= Pa`: `x = L (1/sqrt(Pa) - 1/sqrt(Pb))`, `y = 0`;
//! - `Pa < P < Pb`: `x = L (1/sqrt(P) - 1/sqrt(Pb))`, `y = L (sqrt(P) - sqrt(Pa))`;
//! - `P >= Pb`: `x = 0`, `y = L (sqrt(Pb) - sqrt(Pa))`.
//!
//! Differences of reciprocals are evaluated as `(sqrt(Pb) - sqrt(P)) / (sqrt(P) sqrt(Pb))` to
//! avoid cancellation.
//!
//! # References
//! Adams, Zinsmeister, Salem, Keefer, Robinson (2021), *Uniswap v3 Core*, §6.2–6.3.

use serde::Serialize;

use crate::error::{fee_fraction, non_negative, positive};
use crate::tick::sqrt_price_at_tick;
use crate::v2::{LpValuation, SwapResult, TokenAmounts};
use crate::DefiError;

/// A concentrated-liquidity position: liquidity `L` on the price range `[Pa, Pb]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConcentratedPosition {
    /// Liquidity `L`.
    pub liquidity: f64,
    /// `sqrt(Pa)`, the square root of the lower price bound.
    pub sqrt_price_lower: f64,
    /// `sqrt(Pb)`, the square root of the upper price bound.
    pub sqrt_price_upper: f64,
}

impl ConcentratedPosition {
    /// A position on `[Pa, Pb]` given as prices.
    ///
    /// # Errors
    /// [`DefiError::InvalidRange`] unless `0 < Pa < Pb` (finite); [`DefiError::Negative`] for
    /// `L`.
    pub fn new(liquidity: f64, price_lower: f64, price_upper: f64) -> Result<Self, DefiError> {
        let pa = positive("price_lower", price_lower)?;
        let pb = positive("price_upper", price_upper)?;
        if pa >= pb {
            return Err(DefiError::InvalidRange { lower: pa, upper: pb });
        }
        Ok(Self {
            liquidity: non_negative("liquidity", liquidity)?,
            sqrt_price_lower: pa.sqrt(),
            sqrt_price_upper: pb.sqrt(),
        })
    }

    /// A position between two ticks (raw pool prices `1.0001^tick`).
    ///
    /// # Errors
    /// [`DefiError::InvalidRange`] unless `tick_lower < tick_upper`; tick-range errors.
    pub fn from_ticks(liquidity: f64, tick_lower: i32, tick_upper: i32) -> Result<Self, DefiError> {
        for t in [tick_lower, tick_upper] {
            if !(crate::tick::MIN_TICK..=crate::tick::MAX_TICK).contains(&t) {
                return Err(DefiError::TickOutOfRange { tick: t });
            }
        }
        if tick_lower >= tick_upper {
            return Err(DefiError::InvalidRange {
                lower: f64::from(tick_lower),
                upper: f64::from(tick_upper),
            });
        }
        Ok(Self {
            liquidity: non_negative("liquidity", liquidity)?,
            sqrt_price_lower: sqrt_price_at_tick(tick_lower),
            sqrt_price_upper: sqrt_price_at_tick(tick_upper),
        })
    }

    /// The liquidity minted by depositing at most `x` and `y` at price `P` into `[Pa, Pb]`
    /// (the contract's `getLiquidityForAmounts`, in real arithmetic).
    ///
    /// # Formula
    /// `Lx = x sqrt(P) sqrt(Pb) / (sqrt(Pb) - sqrt(P))`, `Ly = y / (sqrt(P) - sqrt(Pa))`;
    /// in range `L = min(Lx, Ly)`; below the range `L = Lx` at `P = Pa`; above `L = Ly` at
    /// `P = Pb`.
    ///
    /// # Errors
    /// Range and sign errors as [`Self::new`]; [`DefiError::Negative`] for negative amounts.
    pub fn from_amounts(
        amounts: TokenAmounts,
        price: f64,
        price_lower: f64,
        price_upper: f64,
    ) -> Result<Self, DefiError> {
        let mut pos = Self::new(0.0, price_lower, price_upper)?;
        let x = non_negative("x", amounts.x)?;
        let y = non_negative("y", amounts.y)?;
        let sp = positive("price", price)?.sqrt();
        let (sa, sb) = (pos.sqrt_price_lower, pos.sqrt_price_upper);
        let lx = |s: f64| x * s * sb / (sb - s);
        let ly = |s: f64| y / (s - sa);
        pos.liquidity = if sp <= sa {
            lx(sa)
        } else if sp >= sb {
            ly(sb)
        } else {
            lx(sp).min(ly(sp))
        };
        Ok(pos)
    }

    /// True when `Pa <= P < Pb` (the contract's in-range rule, in sqrt prices).
    pub fn in_range(&self, sqrt_price: f64) -> bool {
        sqrt_price >= self.sqrt_price_lower && sqrt_price < self.sqrt_price_upper
    }

    /// Token amounts at `sqrt(P)` (module formula).
    pub fn amounts_at_sqrt_price(&self, sqrt_price: f64) -> TokenAmounts {
        let (l, sa, sb) = (self.liquidity, self.sqrt_price_lower, self.sqrt_price_upper);
        let s = sqrt_price.clamp(sa, sb);
        TokenAmounts { x: l * (sb - s) / (s * sb), y: l * (s - sa) }
    }

    /// Token amounts, value, delta and gamma at price `P`.
    ///
    /// # Formula
    /// `V = x P + y`; in range `dV/dP = x = L (1/sqrt(P) - 1/sqrt(Pb))` and
    /// `d²V/dP² = -L / (2 P^{3/2})`; outside the range `dV/dP` is the held x and gamma is 0.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive price.
    pub fn valuation(&self, price: f64) -> Result<LpValuation, DefiError> {
        let p = positive("price", price)?;
        let s = p.sqrt();
        let amounts = self.amounts_at_sqrt_price(s);
        let gamma = if s > self.sqrt_price_lower && s < self.sqrt_price_upper {
            -0.5 * self.liquidity / (p * s)
        } else {
            0.0
        };
        Ok(LpValuation { price: p, amounts, value: amounts.value(p), delta: amounts.x, gamma })
    }

    /// Impermanent loss against holding the tokens deposited at `price_start`, as a fraction of
    /// the hold value at `price_end` (negative = loss).
    ///
    /// # Formula
    /// `IL = V(P1) / (x0 P1 + y0) - 1` with `(x0, y0)` the amounts at `P0`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for non-positive prices or a zero-liquidity position.
    pub fn impermanent_loss(&self, price_start: f64, price_end: f64) -> Result<f64, DefiError> {
        positive("liquidity", self.liquidity)?;
        let p0 = positive("price_start", price_start)?;
        let p1 = positive("price_end", price_end)?;
        let a0 = self.amounts_at_sqrt_price(p0.sqrt());
        let v1 = self.amounts_at_sqrt_price(p1.sqrt()).value(p1);
        Ok(v1 / a0.value(p1) - 1.0)
    }
}

/// One initialised liquidity range of a v3 pool with its current price, for swaps that stay
/// inside the range. Fees are kept outside the curve, as in v3: they accrue to the LPs through
/// the fee-growth accumulators, not to the reserves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConcentratedPool {
    /// Active liquidity `L`.
    pub liquidity: f64,
    /// Current `sqrt(P)`.
    pub sqrt_price: f64,
    /// `sqrt(Pa)` of the range.
    pub sqrt_price_lower: f64,
    /// `sqrt(Pb)` of the range.
    pub sqrt_price_upper: f64,
    /// Fee as a fraction of the input (0.0005 = 5 bps).
    pub fee: f64,
    /// Fees collected in token x so far.
    pub fees_x: f64,
    /// Fees collected in token y so far.
    pub fees_y: f64,
}

impl ConcentratedPool {
    /// A range `[Pa, Pb]` holding `P`, with liquidity `L > 0` and a fee in `[0, 1)`.
    ///
    /// # Errors
    /// [`DefiError::InvalidRange`] unless `Pa < Pb`; [`DefiError::OutOfRange`] when `P` is
    /// outside `[Pa, Pb]` or the fee outside `[0, 1)`; sign errors.
    pub fn new(
        liquidity: f64,
        price: f64,
        price_lower: f64,
        price_upper: f64,
        fee: f64,
    ) -> Result<Self, DefiError> {
        let range =
            ConcentratedPosition::new(positive("liquidity", liquidity)?, price_lower, price_upper)?;
        let p = positive("price", price)?;
        if !(price_lower..=price_upper).contains(&p) {
            return Err(DefiError::OutOfRange {
                what: "price",
                value: p,
                min: price_lower,
                max: price_upper,
            });
        }
        Ok(Self {
            liquidity: range.liquidity,
            sqrt_price: p.sqrt(),
            sqrt_price_lower: range.sqrt_price_lower,
            sqrt_price_upper: range.sqrt_price_upper,
            fee: fee_fraction(fee)?,
            fees_x: 0.0,
            fees_y: 0.0,
        })
    }

    /// Current price `P`.
    pub fn price(&self) -> f64 {
        self.sqrt_price * self.sqrt_price
    }

    /// Real reserves of the range at the current price.
    pub fn reserves(&self) -> TokenAmounts {
        ConcentratedPosition {
            liquidity: self.liquidity,
            sqrt_price_lower: self.sqrt_price_lower,
            sqrt_price_upper: self.sqrt_price_upper,
        }
        .amounts_at_sqrt_price(self.sqrt_price)
    }

    /// The curve invariant including collected fees:
    /// `(x + fees_x + L/sqrt(Pb)) (y + fees_y + L sqrt(Pa))`; equals `L²` before any fee.
    pub fn invariant_with_fees(&self) -> f64 {
        let r = self.reserves();
        (r.x + self.fees_x + self.liquidity / self.sqrt_price_upper)
            * (r.y + self.fees_y + self.liquidity * self.sqrt_price_lower)
    }

    /// Pays `amount_in` of x (price falls).
    ///
    /// # Formula
    /// `dx' = dx (1 - f)`, `sqrt(P') = L sqrt(P) / (L + dx' sqrt(P))`,
    /// `dy = L (sqrt(P) - sqrt(P'))` (whitepaper §6.2.3, swaps within a single tick).
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive amount; [`DefiError::SwapExceedsRange`]
    /// when `sqrt(P')` would fall below `sqrt(Pa)`.
    pub fn swap_x_for_y(&mut self, amount_in: f64) -> Result<SwapResult, DefiError> {
        let dx = positive("amount_in", amount_in)?;
        let eff = dx * (1.0 - self.fee);
        let (l, s) = (self.liquidity, self.sqrt_price);
        let s_new = l * s / (l + eff * s);
        if s_new < self.sqrt_price_lower {
            return Err(DefiError::SwapExceedsRange { amount_in, sqrt_price_target: s_new });
        }
        let out = l * (s - s_new);
        let price_before = self.price();
        self.sqrt_price = s_new;
        self.fees_x += dx - eff;
        Ok(SwapResult {
            amount_in,
            amount_out: out,
            fee_paid: dx - eff,
            price_before,
            price_after: self.price(),
        })
    }

    /// Pays `amount_in` of y (price rises).
    ///
    /// # Formula
    /// `dy' = dy (1 - f)`, `sqrt(P') = sqrt(P) + dy' / L`,
    /// `dx = L (sqrt(P') - sqrt(P)) / (sqrt(P) sqrt(P'))`.
    ///
    /// # Errors
    /// [`DefiError::NotPositive`] for a non-positive amount; [`DefiError::SwapExceedsRange`]
    /// when `sqrt(P')` would reach `sqrt(Pb)`.
    pub fn swap_y_for_x(&mut self, amount_in: f64) -> Result<SwapResult, DefiError> {
        let dy = positive("amount_in", amount_in)?;
        let eff = dy * (1.0 - self.fee);
        let (l, s) = (self.liquidity, self.sqrt_price);
        let s_new = s + eff / l;
        if s_new > self.sqrt_price_upper {
            return Err(DefiError::SwapExceedsRange { amount_in, sqrt_price_target: s_new });
        }
        let out = l * (s_new - s) / (s * s_new);
        let price_before = self.price();
        self.sqrt_price = s_new;
        self.fees_y += dy - eff;
        Ok(SwapResult {
            amount_in,
            amount_out: out,
            fee_paid: dy - eff,
            price_before,
            price_after: self.price(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_amounts_hand_case() {
        // L = 1000, range [1, 4], P = 2.25 -> sqrt 1.5: x = 1000 (1/1.5 - 1/2), y = 1000 (1.5 - 1).
        let pos = ConcentratedPosition::new(1000.0, 1.0, 4.0).unwrap();
        let a = pos.amounts_at_sqrt_price(1.5);
        assert!((a.x - 1000.0 * (1.0 / 1.5 - 0.5)).abs() < 1e-12);
        assert!((a.y - 500.0).abs() < 1e-12);
        let below = pos.amounts_at_sqrt_price(0.5);
        assert!((below.x - 500.0).abs() < 1e-12 && below.y == 0.0);
        let above = pos.amounts_at_sqrt_price(3.0);
        assert!(above.x == 0.0 && (above.y - 1000.0).abs() < 1e-12);
    }

    #[test]
    fn v3_amounts_liquidity_round_trip() {
        let pos = ConcentratedPosition::new(12_345.678, 1500.0, 2500.0).unwrap();
        for p in [1000.0, 1500.0, 1800.0, 2000.0, 2499.0, 3000.0] {
            let a = pos.amounts_at_sqrt_price(f64::sqrt(p));
            let back = ConcentratedPosition::from_amounts(a, p, 1500.0, 2500.0).unwrap();
            assert!((back.liquidity / pos.liquidity - 1.0).abs() < 1e-12, "p = {p}");
        }
    }

    #[test]
    fn v3_full_range_matches_v2() {
        let pos = ConcentratedPosition::from_ticks(500.0, -887_200, 887_200).unwrap();
        let v2 = crate::v2::ConstantProductPosition::new(500.0).unwrap();
        let a = pos.valuation(4.0).unwrap();
        let b = v2.valuation(4.0).unwrap();
        assert!((a.value / b.value - 1.0).abs() < 1e-12);
        let il3 = pos.impermanent_loss(4.0, 9.0).unwrap();
        let il2 = crate::v2::impermanent_loss_v2(4.0, 9.0).unwrap();
        assert!((il3 - il2).abs() < 1e-12);
    }

    #[test]
    fn v3_greeks_match_finite_differences() {
        let pos = ConcentratedPosition::new(1000.0, 1500.0, 2500.0).unwrap();
        let p = 1900.0;
        let h = 1e-2;
        let v = |q: f64| pos.valuation(q).unwrap().value;
        let val = pos.valuation(p).unwrap();
        let fd_delta = (v(p + h) - v(p - h)) / (2.0 * h);
        let fd_gamma = (v(p + h) - 2.0 * v(p) + v(p - h)) / (h * h);
        assert!((val.delta - fd_delta).abs() < 1e-8 * val.delta.abs().max(1.0));
        assert!((val.gamma - fd_gamma).abs() < 1e-3 * val.gamma.abs());
    }

    #[test]
    fn v3_swap_hand_case_and_range_exit() {
        let mut pool = ConcentratedPool::new(1000.0, 2.25, 1.0, 4.0, 0.0).unwrap();
        // Pay y = 100: sqrt(P') = 1.5 + 0.1 = 1.6; dx = 1000 (1/1.5 - 1/1.6).
        let r = pool.swap_y_for_x(100.0).unwrap();
        assert!((r.amount_out - 1000.0 * (1.0 / 1.5 - 1.0 / 1.6)).abs() < 1e-11);
        assert!((pool.sqrt_price - 1.6).abs() < 1e-15);
        assert!(matches!(pool.swap_y_for_x(1e6), Err(DefiError::SwapExceedsRange { .. })));
        assert!(matches!(pool.swap_x_for_y(1e6), Err(DefiError::SwapExceedsRange { .. })));
    }
}
