//! A minimal unsigned 256-bit integer for on-chain quantities.
//!
//! Uniswap v3 state (`sqrtPriceX96`, `feeGrowthGlobal{0,1}X128`) lives in `uint160`/`uint256`.
//! The fee-growth accumulators in the real pool data exceed `u128::MAX`, and their daily deltas
//! are tiny compared with the accumulated values, so subtracting two `f64` parses would lose up
//! to ~1e-13 of the delta. Instead of pulling a big-integer crate into the build, this module
//! implements exactly the operations the crate needs (decimal parsing, wrapping subtraction,
//! multiplication, shifts, division, correctly rounded conversion to `f64`) on four `u64` limbs.
//! Analytics then run in `f64` on exact deltas.

use std::cmp::Ordering;
use std::fmt;

use crate::DefiError;

/// An unsigned 256-bit integer (four little-endian `u64` limbs), with EVM `uint256` semantics
/// for [`U256::wrapping_sub`] and [`U256::wrapping_mul`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct U256 {
    limbs: [u64; 4],
}

impl U256 {
    /// Zero.
    pub const ZERO: Self = Self { limbs: [0; 4] };
    /// One.
    pub const ONE: Self = Self { limbs: [1, 0, 0, 0] };
    /// `2^256 - 1`.
    pub const MAX: Self = Self { limbs: [u64::MAX; 4] };

    /// From little-endian limbs.
    pub const fn from_limbs(limbs: [u64; 4]) -> Self {
        Self { limbs }
    }

    /// The little-endian limbs.
    pub const fn limbs(self) -> [u64; 4] {
        self.limbs
    }

    /// From a `u128`.
    pub const fn from_u128(v: u128) -> Self {
        Self { limbs: [v as u64, (v >> 64) as u64, 0, 0] }
    }

    /// The value as `u128` when it fits.
    pub fn to_u128(self) -> Option<u128> {
        if self.limbs[2] == 0 && self.limbs[3] == 0 {
            Some(u128::from(self.limbs[0]) | (u128::from(self.limbs[1]) << 64))
        } else {
            None
        }
    }

    /// Parses unsigned decimal text (ASCII digits only, surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`DefiError::ParseU256`] for an empty string, a non-digit, or a value of 2^256 or more.
    pub fn from_dec_str(text: &str) -> Result<Self, DefiError> {
        let t = text.trim();
        let err = || DefiError::ParseU256 { text: t.chars().take(80).collect() };
        if t.is_empty() {
            return Err(err());
        }
        let mut acc = Self::ZERO;
        for b in t.bytes() {
            if !b.is_ascii_digit() {
                return Err(err());
            }
            acc = acc.checked_mul_small(10).ok_or_else(err)?;
            acc = acc.checked_add(Self::from_u128(u128::from(b - b'0'))).ok_or_else(err)?;
        }
        Ok(acc)
    }

    /// True when zero.
    pub fn is_zero(self) -> bool {
        self.limbs == [0; 4]
    }

    /// Number of significant bits (0 for zero).
    pub fn bits(self) -> u32 {
        for i in (0..4).rev() {
            if self.limbs[i] != 0 {
                return 64 * i as u32 + 64 - self.limbs[i].leading_zeros();
            }
        }
        0
    }

    fn bit(self, i: u32) -> bool {
        (self.limbs[(i / 64) as usize] >> (i % 64)) & 1 == 1
    }

    /// Addition, `None` on overflow.
    pub fn checked_add(self, rhs: Self) -> Option<Self> {
        let (v, carry) = self.overflowing_add(rhs);
        if carry {
            None
        } else {
            Some(v)
        }
    }

    fn overflowing_add(self, rhs: Self) -> (Self, bool) {
        let mut out = [0u64; 4];
        let mut carry = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (s1, c1) = self.limbs[i].overflowing_add(rhs.limbs[i]);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *o = s2;
            carry = c1 || c2;
        }
        (Self { limbs: out }, carry)
    }

    /// Subtraction modulo 2^256 (EVM semantics, as Uniswap uses for fee-growth deltas).
    pub fn wrapping_sub(self, rhs: Self) -> Self {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (d1, b1) = self.limbs[i].overflowing_sub(rhs.limbs[i]);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *o = d2;
            borrow = b1 || b2;
        }
        Self { limbs: out }
    }

    /// Subtraction, `None` when `rhs > self`.
    pub fn checked_sub(self, rhs: Self) -> Option<Self> {
        if rhs > self {
            None
        } else {
            Some(self.wrapping_sub(rhs))
        }
    }

    fn checked_mul_small(self, m: u64) -> Option<Self> {
        let mut out = [0u64; 4];
        let mut carry: u128 = 0;
        for (i, o) in out.iter_mut().enumerate() {
            let p = u128::from(self.limbs[i]) * u128::from(m) + carry;
            *o = p as u64;
            carry = p >> 64;
        }
        if carry == 0 {
            Some(Self { limbs: out })
        } else {
            None
        }
    }

    /// Multiplication modulo 2^256 (EVM semantics).
    pub fn wrapping_mul(self, rhs: Self) -> Self {
        let mut out = [0u64; 4];
        for i in 0..4 {
            let mut carry: u128 = 0;
            for j in 0..(4 - i) {
                let cur = u128::from(out[i + j])
                    + u128::from(self.limbs[i]) * u128::from(rhs.limbs[j])
                    + carry;
                out[i + j] = cur as u64;
                carry = cur >> 64;
            }
        }
        Self { limbs: out }
    }

    /// Logical right shift.
    pub fn shift_right(self, n: u32) -> Self {
        if n >= 256 {
            return Self::ZERO;
        }
        let (w, b) = ((n / 64) as usize, n % 64);
        let mut out = [0u64; 4];
        for (i, o) in out.iter_mut().enumerate() {
            let src = i + w;
            if src < 4 {
                let mut v = self.limbs[src] >> b;
                if b > 0 && src + 1 < 4 {
                    v |= self.limbs[src + 1] << (64 - b);
                }
                *o = v;
            }
        }
        Self { limbs: out }
    }

    /// Left shift (bits shifted past 2^256 are lost).
    pub fn shift_left(self, n: u32) -> Self {
        if n >= 256 {
            return Self::ZERO;
        }
        let (w, b) = ((n / 64) as usize, n % 64);
        let mut out = [0u64; 4];
        for i in (w..4).rev() {
            let src = i - w;
            let mut v = self.limbs[src] << b;
            if b > 0 && src > 0 {
                v |= self.limbs[src - 1] >> (64 - b);
            }
            out[i] = v;
        }
        Self { limbs: out }
    }

    /// Quotient and remainder; `None` when dividing by zero.
    pub fn div_rem(self, rhs: Self) -> Option<(Self, Self)> {
        if rhs.is_zero() {
            return None;
        }
        if self < rhs {
            return Some((Self::ZERO, self));
        }
        let mut q = Self::ZERO;
        let mut r = Self::ZERO;
        for i in (0..self.bits()).rev() {
            r = r.shift_left(1);
            if self.bit(i) {
                r.limbs[0] |= 1;
            }
            if r >= rhs {
                r = r.wrapping_sub(rhs);
                q.limbs[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
        Some((q, r))
    }

    /// The integer part of a finite, non-negative `f64` (truncation towards zero).
    ///
    /// # Errors
    /// [`DefiError::OutOfRange`] for a negative, non-finite or >= 2^256 value.
    pub fn from_f64_trunc(v: f64) -> Result<Self, DefiError> {
        if !(v.is_finite() && v >= 0.0 && v < 2f64.powi(256)) {
            return Err(DefiError::OutOfRange {
                what: "u256 from f64",
                value: v,
                min: 0.0,
                max: 2f64.powi(256),
            });
        }
        if v < 1.0 {
            return Ok(Self::ZERO);
        }
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1075;
        let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let m = Self::from_u128(u128::from(mantissa));
        Ok(if exp >= 0 { m.shift_left(exp as u32) } else { m.shift_right((-exp) as u32) })
    }

    /// The nearest `f64` (round half to even), exact for values below 2^53.
    pub fn to_f64(self) -> f64 {
        let bits = self.bits();
        if bits <= 64 {
            return self.limbs[0] as f64;
        }
        let shift = bits - 64;
        let mut top = self.shift_right(shift).limbs[0];
        // A sticky bit below the 64 kept bits makes u64 -> f64 round correctly: bit 0 of `top`
        // lies 11 places below the last mantissa bit, so it only breaks ties.
        if !self.shift_left(256 - shift).is_zero() {
            top |= 1;
        }
        (top as f64) * 2f64.powi(shift as i32)
    }
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in (0..4).rev() {
            match self.limbs[i].cmp(&other.limbs[i]) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let mut digits = Vec::with_capacity(78);
        let mut v = *self;
        let ten19 = Self::from_u128(10_000_000_000_000_000_000);
        while !v.is_zero() {
            let Some((q, r)) = v.div_rem(ten19) else { return Err(fmt::Error) };
            let chunk = r.limbs[0];
            v = q;
            if v.is_zero() {
                digits.push(chunk.to_string());
            } else {
                digits.push(format!("{chunk:019}"));
            }
        }
        for d in digits.iter().rev() {
            f.write_str(d)?;
        }
        Ok(())
    }
}

impl fmt::Debug for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U256({self})")
    }
}

impl serde::Serialize for U256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u256_parse_display_round_trip() {
        for t in [
            "0",
            "1",
            "18446744073709551616",
            "1084817812449416510006569170687942571924",
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        ] {
            assert_eq!(U256::from_dec_str(t).unwrap().to_string(), t);
        }
        assert_eq!(
            U256::from_dec_str(
                "115792089237316195423570985008687907853269984665640564039457584007913129639935"
            )
            .unwrap(),
            U256::MAX
        );
    }

    #[test]
    fn u256_parse_rejects_bad_text() {
        assert!(U256::from_dec_str("").is_err());
        assert!(U256::from_dec_str("12a").is_err());
        assert!(U256::from_dec_str("-1").is_err());
        assert!(U256::from_dec_str(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        )
        .is_err());
    }

    #[test]
    fn u256_wrapping_sub_is_modular() {
        let a = U256::from_u128(5);
        let b = U256::from_u128(7);
        assert_eq!(a.wrapping_sub(b), U256::MAX.wrapping_sub(U256::ONE));
        assert_eq!(b.wrapping_sub(a), U256::from_u128(2));
        assert_eq!(a.checked_sub(b), None);
    }

    #[test]
    fn u256_mul_div_shift() {
        let a = U256::from_u128(u128::MAX);
        let p = a.wrapping_mul(a);
        // (2^128 - 1)^2 = 2^256 - 2^129 + 1 = MAX - 2^129 + 2.
        let expect = U256::MAX
            .wrapping_sub(U256::ONE.shift_left(129))
            .checked_add(U256::from_u128(2))
            .unwrap();
        assert_eq!(p, expect);
        let (q, r) = p.div_rem(a).unwrap();
        assert_eq!(q, a);
        assert!(r.is_zero());
        assert_eq!(U256::ONE.shift_left(200).shift_right(200), U256::ONE);
        assert_eq!(U256::ONE.shift_left(255).bits(), 256);
    }

    #[test]
    fn u256_to_f64_is_correctly_rounded() {
        // 2^64 + 1 rounds to 2^64; 2^53 + 1 rounds to even 2^53.
        let two64p1 = U256::ONE.shift_left(64).checked_add(U256::ONE).unwrap();
        assert_eq!(two64p1.to_f64(), 2f64.powi(64));
        let t = "1084817812449416510006569170687942571924";
        assert_eq!(U256::from_dec_str(t).unwrap().to_f64(), t.parse::<f64>().unwrap());
        let t = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(U256::from_dec_str(t).unwrap().to_f64(), t.parse::<f64>().unwrap());
    }
}
