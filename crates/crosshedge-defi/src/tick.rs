//! Uniswap v3 tick, price and `sqrtPriceX96` conversions, with token decimals.
//!
//! A pool's price is `P = token1 / token0` in **raw** units (the smallest unit of each token).
//! Ticks index prices as `P = 1.0001^tick`; the pool stores `sqrtPriceX96 = sqrt(P) * 2^96` as a
//! Q64.96 fixed-point `uint160`. For the USDC/WETH pools (token0 = USDC, 6 decimals; token1 =
//! WETH, 18 decimals) the raw price is WETH-wei per USDC-micro-unit, so the familiar quote is
//! `USDC per ETH = 10^(18 - 6) / P_raw` (see [`human_price`] and [`invert_price`]).
//!
//! The exact integer functions [`sqrt_ratio_at_tick`] and [`tick_at_sqrt_ratio`] reproduce the
//! contract's `TickMath` bit for bit (the first by the same fixed-point product of the
//! `sqrt(1.0001)^(-2^i)` constants, the second by bisection on the first, which is the contract's
//! definition: the greatest tick whose ratio is <= the input). The `f64` functions are for
//! analytics.
//!
//! # References
//! Adams, Zinsmeister, Salem, Keefer, Robinson (2021), *Uniswap v3 Core*, §6.1–6.3
//! (whitepaper); `TickMath.sol` in Uniswap v3-core.

use crate::{DefiError, U256};

/// The lowest tick, `log_{1.0001}(2^-128)` rounded.
pub const MIN_TICK: i32 = -887_272;
/// The highest tick.
pub const MAX_TICK: i32 = 887_272;
/// `sqrt_ratio_at_tick(MIN_TICK)`.
pub const MIN_SQRT_RATIO: U256 = U256::from_u128(4_295_128_739);
/// `sqrt_ratio_at_tick(MAX_TICK)` = 1461446703485210103287273052203988822378723970342.
pub const MAX_SQRT_RATIO: U256 =
    U256::from_limbs([0x5d95_1d52_6398_8d26, 0xefd1_fc6a_5064_8849, 0xfffd_8963, 0]);

/// `2^96` as `f64` (exact).
pub const Q96: f64 = f64::from_bits((1023 + 96) << 52);
/// `2^128` as `f64` (exact).
pub const Q128: f64 = f64::from_bits((1023 + 128) << 52);

/// `sqrt(1.0001)^(-2^i) * 2^128` for i = 0..19, as in the contract (rounded there).
const SQRT_POW: [u128; 20] = [
    0xfffc_b933_bd6f_ad37_aa2d_162d_1a59_4001,
    0xfff9_7272_373d_4132_59a4_6990_580e_213a,
    0xfff2_e50f_5f65_6932_ef12_357c_f3c7_fdcc,
    0xffe5_caca_7e10_e4e6_1c36_24ea_a094_1cd0,
    0xffcb_9843_d60f_6159_c9db_5883_5c92_6644,
    0xff97_3b41_fa98_c081_472e_6896_dfb2_54c0,
    0xff2e_a164_66c9_6a38_43ec_78b3_26b5_2861,
    0xfe5d_ee04_6a99_a2a8_11c4_61f1_969c_3053,
    0xfcbe_86c7_900a_88ae_dcff_c83b_479a_a3a4,
    0xf987_a725_3ac4_1317_6f2b_074c_f781_5e54,
    0xf339_2b08_22b7_0005_940c_7a39_8e4b_70f3,
    0xe715_9475_a2c2_9b74_43b2_9c7f_a6e8_89d9,
    0xd097_f3bd_fd20_22b8_845a_d8f7_92aa_5825,
    0xa9f7_4646_2d87_0fdf_8a65_dc1f_90e0_61e5,
    0x70d8_69a1_56d2_a1b8_90bb_3df6_2baf_32f7,
    0x31be_135f_97d0_8fd9_8123_1505_542f_cfa6,
    0x09aa_508b_5b7a_84e1_c677_de54_f3e9_9bc9,
    0x005d_6af8_dedb_8119_6699_c329_225e_e604,
    0x0000_2216_e584_f5fa_1ea9_2604_1bed_fe98,
    0x0000_0000_048a_1703_91f7_dc42_444e_8fa2,
];

/// The exact `sqrtPriceX96` at a tick, bit-identical to the contract's `getSqrtRatioAtTick`.
///
/// # Formula
/// `sqrtPriceX96 = ceil(sqrt(1.0001^tick) * 2^96)` evaluated in Q128.128 fixed point.
///
/// # Errors
/// [`DefiError::TickOutOfRange`] outside `[MIN_TICK, MAX_TICK]`.
pub fn sqrt_ratio_at_tick(tick: i32) -> Result<U256, DefiError> {
    if !(MIN_TICK..=MAX_TICK).contains(&tick) {
        return Err(DefiError::TickOutOfRange { tick });
    }
    let abs = tick.unsigned_abs();
    let mut ratio =
        if abs & 1 != 0 { U256::from_u128(SQRT_POW[0]) } else { U256::ONE.shift_left(128) };
    for (i, c) in SQRT_POW.iter().enumerate().skip(1) {
        if abs & (1 << i) != 0 {
            ratio = ratio.wrapping_mul(U256::from_u128(*c)).shift_right(128);
        }
    }
    if tick > 0 {
        // Division by a non-zero ratio: the product of constants never reaches zero.
        ratio = U256::MAX.div_rem(ratio).map(|(q, _)| q).unwrap_or(U256::ZERO);
    }
    let low32 = ratio.limbs()[0] & 0xffff_ffff;
    let mut out = ratio.shift_right(32);
    if low32 != 0 {
        out = out.checked_add(U256::ONE).unwrap_or(out);
    }
    Ok(out)
}

/// The greatest tick whose [`sqrt_ratio_at_tick`] is `<= sqrt_price_x96` (the contract's
/// `getTickAtSqrtRatio`), exact.
///
/// # Errors
/// [`DefiError::SqrtPriceOutOfRange`] unless `MIN_SQRT_RATIO <= sqrt_price_x96 < MAX_SQRT_RATIO`.
pub fn tick_at_sqrt_ratio(sqrt_price_x96: U256) -> Result<i32, DefiError> {
    if sqrt_price_x96 < MIN_SQRT_RATIO || sqrt_price_x96 >= MAX_SQRT_RATIO {
        return Err(DefiError::SqrtPriceOutOfRange { value: sqrt_price_x96.to_string() });
    }
    // Invariant: ratio(lo) <= x < ratio(hi).
    let (mut lo, mut hi) = (MIN_TICK, MAX_TICK);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if sqrt_ratio_at_tick(mid)? <= sqrt_price_x96 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// The raw price at a tick, `1.0001^tick`, in `f64`.
///
/// # Formula
/// `P = exp(tick * ln(1.0001))`; relative error below 1e-14 over the whole tick range.
pub fn price_at_tick(tick: i32) -> f64 {
    (f64::from(tick) * 1e-4f64.ln_1p()).exp()
}

/// The square root of the raw price at a tick, `1.0001^(tick/2)`.
pub fn sqrt_price_at_tick(tick: i32) -> f64 {
    (0.5 * f64::from(tick) * 1e-4f64.ln_1p()).exp()
}

/// The greatest tick whose price is `<= price` (floor of `log_{1.0001} price`).
///
/// # Errors
/// [`DefiError::NotPositive`] for a non-positive price; [`DefiError::TickOutOfRange`] when the
/// tick falls outside the v3 limits.
pub fn tick_at_price(price: f64) -> Result<i32, DefiError> {
    let p = crate::error::positive("price", price)?;
    let t = (p.ln() / 1e-4f64.ln_1p()).floor();
    if !(f64::from(MIN_TICK)..=f64::from(MAX_TICK)).contains(&t) {
        return Err(DefiError::TickOutOfRange { tick: if t < 0.0 { i32::MIN } else { i32::MAX } });
    }
    let mut tick = t as i32;
    // Correct the floating-point floor by at most one tick at either side.
    if price_at_tick(tick) > p && tick > MIN_TICK {
        tick -= 1;
    } else if tick < MAX_TICK && price_at_tick(tick + 1) <= p {
        tick += 1;
    }
    Ok(tick)
}

/// The raw price `(sqrtPriceX96 / 2^96)^2` as `f64` (relative error ~ 2e-16).
pub fn price_from_sqrt_price_x96(sqrt_price_x96: U256) -> f64 {
    let s = sqrt_price_x96.to_f64() / Q96;
    s * s
}

/// `sqrt(P) * 2^96`, truncated to an integer.
///
/// # Errors
/// [`DefiError::NotPositive`] for a non-positive price, [`DefiError::OutOfRange`] past 2^256.
pub fn sqrt_price_x96_from_price(price: f64) -> Result<U256, DefiError> {
    let p = crate::error::positive("price", price)?;
    U256::from_f64_trunc(p.sqrt() * Q96)
}

/// Whole-token price of token0 in token1 from the raw pool price:
/// `P_human = P_raw * 10^(decimals0 - decimals1)`.
///
/// For USDC (6) / WETH (18) this is ETH per USDC; use [`invert_price`] for USDC per ETH.
pub fn human_price(raw_price: f64, decimals0: u8, decimals1: u8) -> f64 {
    raw_price * 10f64.powi(i32::from(decimals0) - i32::from(decimals1))
}

/// The raw pool price from a whole-token price of token0 in token1 (inverse of
/// [`human_price`]).
pub fn raw_price(human_price: f64, decimals0: u8, decimals1: u8) -> f64 {
    human_price * 10f64.powi(i32::from(decimals1) - i32::from(decimals0))
}

/// `1 / price`, e.g. ETH per USDC to USDC per ETH.
///
/// # Errors
/// [`DefiError::NotPositive`] for a non-positive price.
pub fn invert_price(price: f64) -> Result<f64, DefiError> {
    Ok(1.0 / crate::error::positive("price", price)?)
}

/// Token0-per-token1 whole-token quote from `sqrtPriceX96`, e.g. USDC per ETH for token0 =
/// USDC and token1 = WETH: `10^(decimals1 - decimals0) / P_raw`.
///
/// # Errors
/// [`DefiError::NotPositive`] when the price is zero.
pub fn quote_token0_per_token1(
    sqrt_price_x96: U256,
    decimals0: u8,
    decimals1: u8,
) -> Result<f64, DefiError> {
    invert_price(human_price(price_from_sqrt_price_x96(sqrt_price_x96), decimals0, decimals1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_known_vectors() {
        assert_eq!(sqrt_ratio_at_tick(0).unwrap(), U256::ONE.shift_left(96));
        assert_eq!(sqrt_ratio_at_tick(MIN_TICK).unwrap(), MIN_SQRT_RATIO);
        assert_eq!(sqrt_ratio_at_tick(MAX_TICK).unwrap(), MAX_SQRT_RATIO);
        assert_eq!(MAX_SQRT_RATIO.to_string(), "1461446703485210103287273052203988822378723970342");
        assert!(sqrt_ratio_at_tick(MAX_TICK + 1).is_err());
        assert_eq!(tick_at_sqrt_ratio(MIN_SQRT_RATIO).unwrap(), MIN_TICK);
        assert_eq!(
            tick_at_sqrt_ratio(MAX_SQRT_RATIO.wrapping_sub(U256::ONE)).unwrap(),
            MAX_TICK - 1
        );
        assert!(tick_at_sqrt_ratio(MAX_SQRT_RATIO).is_err());
    }

    #[test]
    fn tick_price_round_trip() {
        for t in [-887_272, -200_000, -1, 0, 1, 194_725, 500_000, 887_271] {
            assert_eq!(tick_at_price(price_at_tick(t) * (1.0 + 1e-12)).unwrap(), t);
            let s = sqrt_ratio_at_tick(t).unwrap();
            assert_eq!(tick_at_sqrt_ratio(s).unwrap(), t);
            if t > MIN_TICK {
                assert_eq!(tick_at_sqrt_ratio(s.wrapping_sub(U256::ONE)).unwrap(), t - 1);
            }
        }
    }

    #[test]
    fn decimals_usdc_weth() {
        // 1 ETH = 2000 USDC: raw price = 1e18 wei / 2000e6 micro-USDC = 5e8.
        let raw = raw_price(1.0 / 2000.0, 6, 18);
        assert!((raw - 5e8).abs() < 1e-6);
        let s = sqrt_price_x96_from_price(raw).unwrap();
        let q = quote_token0_per_token1(s, 6, 18).unwrap();
        assert!((q / 2000.0 - 1.0).abs() < 1e-12);
    }
}
