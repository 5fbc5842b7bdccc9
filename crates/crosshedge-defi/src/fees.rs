//! LP fee income from Uniswap v3 fee-growth accumulators.
//!
//! `feeGrowthGlobal{0,1}X128` accumulate, as Q128.128 fixed point, the fees earned per unit of
//! in-range liquidity in raw token units. A position that stays in range over an interval
//! (always true of a full-range position) earns `Δ feeGrowth × L / 2^128` raw units of each
//! token. The accumulators wrap modulo 2^256 on chain, so deltas are taken with
//! [`U256::wrapping_sub`] exactly and only then converted to `f64`.
//!
//! # References
//! Adams et al. (2021), *Uniswap v3 Core*, §6.3 (fee growth, global and per tick); `Tick.sol`
//! `getFeeGrowthInside` in Uniswap v3-core.

use serde::Serialize;

use crate::error::{non_negative, positive};
use crate::tick::Q128;
use crate::v2::TokenAmounts;
use crate::{DefiError, U256};

/// The two fee-growth accumulators of a pool at one time (global, or inside a range as
/// returned by [`fee_growth_inside`]: the arithmetic is the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeGrowth {
    /// `feeGrowthGlobal0X128`.
    pub global0_x128: U256,
    /// `feeGrowthGlobal1X128`.
    pub global1_x128: U256,
}

impl FeeGrowth {
    /// From the decimal text of the two accumulators (as in subgraph exports).
    ///
    /// # Errors
    /// [`DefiError::ParseU256`] for text that is not a 256-bit unsigned integer.
    pub fn from_dec_str(global0_x128: &str, global1_x128: &str) -> Result<Self, DefiError> {
        Ok(Self {
            global0_x128: U256::from_dec_str(global0_x128)?,
            global1_x128: U256::from_dec_str(global1_x128)?,
        })
    }

    /// Fees per unit of liquidity between `self` (start) and `end`, raw token units:
    /// `(Δ0 / 2^128, Δ1 / 2^128)` with modular deltas.
    pub fn per_unit_liquidity_to(&self, end: &FeeGrowth) -> (f64, f64) {
        (
            end.global0_x128.wrapping_sub(self.global0_x128).to_f64() / Q128,
            end.global1_x128.wrapping_sub(self.global1_x128).to_f64() / Q128,
        )
    }
}

/// An initialised tick's fee-growth-outside accumulators (`feeGrowthOutside{0,1}X128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TickFeeGrowthOutside {
    /// The tick index.
    pub tick: i32,
    /// `feeGrowthOutside0X128` and `feeGrowthOutside1X128` of the tick.
    pub outside: FeeGrowth,
}

/// Fee growth inside a tick range (`feeGrowthInside{0,1}X128`), from the global accumulators,
/// the range's two ticks and the current tick. Feed two such snapshots to [`fee_income`] to get
/// the fees of a range position that did not change its liquidity in between.
///
/// # Formula
/// Whitepaper §6.3 (tick-indexed fee growth), modulo 2^256 as on chain:
/// `f_below = f_o(lower)` if `tick_current >= lower` else `f_g − f_o(lower)`;
/// `f_above = f_o(upper)` if `tick_current < upper` else `f_g − f_o(upper)`;
/// `f_inside = f_g − f_below − f_above`.
///
/// # Errors
/// [`DefiError::InvalidRange`] unless `lower.tick < upper.tick`.
pub fn fee_growth_inside(
    global: &FeeGrowth,
    lower: &TickFeeGrowthOutside,
    upper: &TickFeeGrowthOutside,
    tick_current: i32,
) -> Result<FeeGrowth, DefiError> {
    if lower.tick >= upper.tick {
        return Err(DefiError::InvalidRange {
            lower: f64::from(lower.tick),
            upper: f64::from(upper.tick),
        });
    }
    let inside = |g: U256, lo: U256, up: U256| {
        let below = if tick_current >= lower.tick { lo } else { g.wrapping_sub(lo) };
        let above = if tick_current < upper.tick { up } else { g.wrapping_sub(up) };
        g.wrapping_sub(below).wrapping_sub(above)
    };
    Ok(FeeGrowth {
        global0_x128: inside(
            global.global0_x128,
            lower.outside.global0_x128,
            upper.outside.global0_x128,
        ),
        global1_x128: inside(
            global.global1_x128,
            lower.outside.global1_x128,
            upper.outside.global1_x128,
        ),
    })
}

/// Token decimals of a pool (`10^decimals` raw units per whole token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TokenDecimals {
    /// Decimals of token0 (USDC: 6).
    pub decimals0: u8,
    /// Decimals of token1 (WETH: 18).
    pub decimals1: u8,
}

impl TokenDecimals {
    /// USDC (token0, 6) / WETH (token1, 18), the order of the mainnet USDC/WETH v3 pools.
    pub const USDC_WETH: Self = Self { decimals0: 6, decimals1: 18 };

    /// Raw amounts (x = token0, y = token1, as a position valued at the raw pool price holds
    /// them) in whole tokens: `x / 10^decimals0`, `y / 10^decimals1`.
    pub fn whole_amounts(&self, raw: TokenAmounts) -> TokenAmounts {
        TokenAmounts {
            x: raw.x / 10f64.powi(i32::from(self.decimals0)),
            y: raw.y / 10f64.powi(i32::from(self.decimals1)),
        }
    }
}

/// Fee income of an always-in-range position over an interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FeeIncome {
    /// Token0 fees in raw units.
    pub fees0_raw: f64,
    /// Token1 fees in raw units.
    pub fees1_raw: f64,
    /// Token0 fees in whole tokens.
    pub fees0: f64,
    /// Token1 fees in whole tokens.
    pub fees1: f64,
    /// Total in units of token0: `fees0 + fees1 × price_token0_per_token1` (USD for a USDC
    /// token0).
    pub value_in_token0: f64,
}

/// Fee income of a position of liquidity `L` that stayed in range from `start` to `end`.
///
/// # Formula
/// `fees_i_raw = (feeGrowthGlobal_i(end) - feeGrowthGlobal_i(start)) mod 2^256 × L / 2^128`;
/// whole tokens `fees_i = fees_i_raw / 10^decimals_i`.
///
/// `price_token0_per_token1` values token1 in token0 (e.g. USDC per ETH for USDC/WETH).
///
/// # Errors
/// [`DefiError::Negative`] for a negative `L`; [`DefiError::NotPositive`] for the price.
pub fn fee_income(
    start: &FeeGrowth,
    end: &FeeGrowth,
    liquidity: f64,
    decimals: TokenDecimals,
    price_token0_per_token1: f64,
) -> Result<FeeIncome, DefiError> {
    let l = non_negative("liquidity", liquidity)?;
    let px = positive("price_token0_per_token1", price_token0_per_token1)?;
    let (g0, g1) = start.per_unit_liquidity_to(end);
    let fees0_raw = g0 * l;
    let fees1_raw = g1 * l;
    let fees0 = fees0_raw / 10f64.powi(i32::from(decimals.decimals0));
    let fees1 = fees1_raw / 10f64.powi(i32::from(decimals.decimals1));
    Ok(FeeIncome { fees0_raw, fees1_raw, fees0, fees1, value_in_token0: fees0 + fees1 * px })
}

/// The average in-range liquidity implied by a pool's reported fee total over an interval:
/// `L_implied = fees_value / (fee income of L = 1)`, both in units of token0.
///
/// For the subgraph's `PoolDayData` this is comparable with the reported in-range `liquidity`
/// (the end-of-day value): the accumulators grow by `fee / L_active` at each swap, so the ratio
/// is an activity-weighted harmonic-type average of the day's active liquidity.
///
/// # Errors
/// [`DefiError::NotPositive`] when the accumulators did not grow or the fee value is not
/// positive.
pub fn implied_in_range_liquidity(
    start: &FeeGrowth,
    end: &FeeGrowth,
    fees_value_token0: f64,
    decimals: TokenDecimals,
    price_token0_per_token1: f64,
) -> Result<f64, DefiError> {
    let unit = fee_income(start, end, 1.0, decimals, price_token0_per_token1)?;
    Ok(positive("fees_value_token0", fees_value_token0)?
        / positive("fee income per unit liquidity", unit.value_in_token0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_income_hand_case() {
        // Δ0 = 3 × 2^128 raw-per-L, Δ1 = 2^127; L = 1e6 → 3e6 raw USDC = 3 USDC, 5e5 wei.
        let start = FeeGrowth { global0_x128: U256::ZERO, global1_x128: U256::ONE };
        let end = FeeGrowth {
            global0_x128: U256::from_u128(3).shift_left(128),
            global1_x128: U256::ONE.shift_left(127).checked_add(U256::ONE).unwrap(),
        };
        let f = fee_income(&start, &end, 1e6, TokenDecimals::USDC_WETH, 2000.0).unwrap();
        assert_eq!(f.fees0_raw, 3e6);
        assert_eq!(f.fees1_raw, 5e5);
        assert!((f.fees0 - 3.0).abs() < 1e-15);
        assert!((f.value_in_token0 - (3.0 + 5e5 * 1e-18 * 2000.0)).abs() < 1e-15);
    }

    #[test]
    fn whole_amounts_of_a_raw_full_range_position() {
        // L = 1e15 at 2000 USDC/ETH: raw P = 5e8 WETH-wei per micro-USDC, sqrt = 22360.68;
        // x = L / sqrt(P) micro-USDC, y = L sqrt(P) wei.
        let pos = crate::ConstantProductPosition::new(1e15).unwrap();
        let raw = pos.valuation(5e8).unwrap().amounts;
        let w = TokenDecimals::USDC_WETH.whole_amounts(raw);
        // Value in USDC: x + y × 2000 = twice the USDC leg.
        assert!((w.y * 2000.0 / w.x - 1.0).abs() < 1e-12);
        assert!((w.x - 1e15 / 5e8f64.sqrt() / 1e6).abs() < 1e-6);
    }

    fn fg(a: u128, b: u128) -> FeeGrowth {
        FeeGrowth { global0_x128: U256::from_u128(a), global1_x128: U256::from_u128(b) }
    }

    #[test]
    fn fee_growth_inside_three_cases() {
        // Global 100; 30 accrued below the lower tick, 20 above the upper tick (as seen from a
        // current tick inside the range): 50 inside.
        let g = fg(100, 1000);
        let lower = TickFeeGrowthOutside { tick: -10, outside: fg(30, 300) };
        let upper = TickFeeGrowthOutside { tick: 10, outside: fg(20, 200) };
        assert_eq!(fee_growth_inside(&g, &lower, &upper, 0).unwrap(), fg(50, 500));
        // Current tick above the range: the upper tick's outside now counts growth below it,
        // so with outside(upper) = 80 (= 30 below + 50 inside), inside = 100 − 30 − (100 − 80).
        let upper_seen_from_above = TickFeeGrowthOutside { tick: 10, outside: fg(80, 800) };
        assert_eq!(fee_growth_inside(&g, &lower, &upper_seen_from_above, 15).unwrap(), fg(50, 500));
        // Current tick below the range: the lower tick's outside counts growth above it (70).
        let lower_seen_from_below = TickFeeGrowthOutside { tick: -10, outside: fg(70, 700) };
        assert_eq!(
            fee_growth_inside(&g, &lower_seen_from_below, &upper, -15).unwrap(),
            fg(50, 500)
        );
        assert!(fee_growth_inside(&g, &upper, &lower, 0).is_err());
    }

    #[test]
    fn fee_growth_inside_wraps() {
        // Outside values larger than global (initialised before a wrap) still give the modular
        // inside value, whose deltas are what matters.
        let g = fg(5, 5);
        let lower = TickFeeGrowthOutside { tick: 0, outside: fg(10, 10) };
        let upper = TickFeeGrowthOutside { tick: 60, outside: fg(0, 0) };
        let a = fee_growth_inside(&g, &lower, &upper, 30).unwrap();
        let g2 = fg(12, 12);
        let b = fee_growth_inside(&g2, &lower, &upper, 30).unwrap();
        assert_eq!(a.per_unit_liquidity_to(&b).0 * Q128, 7.0);
    }

    #[test]
    fn fee_growth_wraps_modulo_2_256() {
        let start = FeeGrowth { global0_x128: U256::MAX, global1_x128: U256::ZERO };
        let end = FeeGrowth {
            global0_x128: U256::ONE.shift_left(128).wrapping_sub(U256::ONE),
            global1_x128: U256::ZERO,
        };
        let (g0, g1) = start.per_unit_liquidity_to(&end);
        assert_eq!(g0, 1.0);
        assert_eq!(g1, 0.0);
    }
}
