//! Branch-free kernels for the batch path, written so that the compiler can vectorise a loop
//! over a chunk of options (no library calls, selects instead of branches): `exp`, `ln` and the
//! normal CDF to about 2 ulp. Options the fast path cannot handle to full accuracy (zero total
//! volatility, extreme moneyness, a deep tail, strong cancellation) are flagged and recomputed
//! by the scalar kernel.
//!
//! # Formula
//! `exp(x) = 2ⁿ e^r` with `n = round(x/ln 2)`, `r = x − n ln 2` (ln 2 split in two), `e^r` by its
//! Taylor polynomial of degree 13 (`|r| ≤ 0.347`, truncation below 1e-17); `ln(y) = e ln 2 +
//! ln(1+f)` with `y = 2^e (1+f)`, `1+f ∈ [√2/2, √2)` and fdlibm's `e_log.c` minimax form
//! `f − (f²/2 − s(f²/2 + R(s²)))`, `s = f/(2+f)`;
//! `Φ(z) = ½ erfc(|z|/√2)` (or one minus it) with fdlibm's `erf` rational near zero and Cody's
//! `erfcx` rational times the shared `exp(−z²/2)` in the tail.
//!
//! # References
//! Sun fdlibm `s_erf.c` (central `erf` rational) and `e_log.c` (`ln`); W. J. Cody (1969)
//! (`erfcx` rational).

use crate::black::black76_kernel;
use crate::normal::{ERFCX_P2, ERFCX_Q2};

const LOG2E: f64 = std::f64::consts::LOG2_E;
const LN2_HI: f64 = 0.693_147_152_662_277_2;
const LN2_LO: f64 = 2.789_766_808_773_754_5e-8;
const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2⁵²
const FRAC_1_SQRT_2PI: f64 = crate::normal::FRAC_1_SQRT_2PI;

#[inline(always)]
fn sel(c: bool, a: f64, b: f64) -> f64 {
    if c {
        a
    } else {
        b
    }
}

/// `e^x` to about 1 ulp for `x ≥ −708` (0 below).
#[inline(always)]
pub(crate) fn exp_fast(x: f64) -> f64 {
    let xc = x.clamp(-708.0, 709.0);
    let t = xc * LOG2E + SHIFT;
    let n = t - SHIFT;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    let mut p = 1.0 / 6_227_020_800.0; // 1/13!
    p = p * r + 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    let nbits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(nbits.wrapping_add(1023) << 52);
    sel(x < -708.0, 0.0, p * scale)
}

/// `ln y` to about 2 ulp for positive normal `y`.
#[inline(always)]
pub(crate) fn ln_fast(y: f64) -> f64 {
    const SQRT2: f64 = std::f64::consts::SQRT_2;
    let bits = y.to_bits();
    // Exponent as a float without an int-to-float conversion: 2⁵² + k, minus 2⁵² + 1023.
    let e =
        f64::from_bits((bits >> 52) | 0x4330_0000_0000_0000) - (4_503_599_627_370_496.0 + 1023.0);
    let m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
    let big = m > SQRT2;
    let m = sel(big, 0.5 * m, m);
    let e = sel(big, e + 1.0, e);
    const LG: [f64; 7] = [
        0.6666666666666735,
        0.3999999999940942,
        0.2857142874366239,
        0.22222198432149784,
        0.1818357216161805,
        0.15313837699209373,
        0.14798198605116586,
    ];
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let hfsq = 0.5 * f * f;
    let ln_m = f - (hfsq - s * (hfsq + t1 + t2));
    e * LN2_HI + (ln_m + e * LN2_LO)
}

/// `Φ(z)` given `e = exp(−z²/2)`, branch-free, for `|z| ≤ 4√2` (callers send larger `|z|` to the
/// scalar path).
#[inline(always)]
pub(crate) fn cdf_fast(z: f64, e: f64) -> f64 {
    const PP: [f64; 5] = [
        0.12837916709551256,
        -0.3250421072470015,
        -0.02848174957559851,
        -0.005770270296489442,
        -2.3763016656650163e-05,
    ];
    const QQ: [f64; 5] = [
        0.39791722395915535,
        0.0650222499887673,
        0.005081306281875766,
        0.00013249473800432164,
        -3.960228278775368e-06,
    ];
    // Middle range: Cody's erfcx rational, the scalar kernel's own coefficients.
    const P2: [f64; 8] = ERFCX_P2;
    const Q2: [f64; 8] = ERFCX_Q2;
    let u = z.abs() * std::f64::consts::FRAC_1_SQRT_2;
    let uu = u * u;
    // One division per call: each branch is written as num/den and the pair is selected.
    // Central: erfc(u) = 1 − u − u·pp(u²)/qq(u²) = ((1 − u)·qq − u·pp)/qq.
    let pp = PP[0] + uu * (PP[1] + uu * (PP[2] + uu * (PP[3] + uu * PP[4])));
    let qq = 1.0 + uu * (QQ[0] + uu * (QQ[1] + uu * (QQ[2] + uu * (QQ[3] + uu * QQ[4]))));
    let (num_c, den_c) = ((1.0 - u) * qq - u * pp, qq);
    // Middle (u ≤ 4): erfcx(u) = P2(u)/Q2(u).
    let p2 = P2[0]
        + u * (P2[1]
            + u * (P2[2] + u * (P2[3] + u * (P2[4] + u * (P2[5] + u * (P2[6] + u * P2[7]))))));
    let q2 = Q2[0]
        + u * (Q2[1] + u * (Q2[2] + u * (Q2[3] + u * (Q2[4] + u * (Q2[5] + u * (Q2[6] + u))))));
    let central = u < 0.468_75;
    let num = sel(central, num_c, p2);
    let den = sel(central, den_c, q2);
    let ratio = num / den;
    let erfc_u = sel(central, ratio, ratio * e);
    let half = 0.5 * erfc_u;
    sel(z <= 0.0, half, 1.0 - half)
}

/// Block size of the vectorised loops.
pub(crate) const CHUNK: usize = 16;

/// Output slices of one chunk (each at least `CHUNK` long).
pub(crate) struct ChunkOut<'a> {
    pub(crate) price: &'a mut [f64],
    pub(crate) delta: &'a mut [f64],
    pub(crate) gamma: &'a mut [f64],
    pub(crate) vega: &'a mut [f64],
    pub(crate) theta: &'a mut [f64],
    pub(crate) rho: &'a mut [f64],
}

/// Input slices of one chunk (each at least `CHUNK` long; `sign` = ±1).
pub(crate) struct ChunkIn<'a> {
    pub(crate) sign: &'a [f64],
    pub(crate) f: &'a [f64],
    pub(crate) k: &'a [f64],
    pub(crate) vol: &'a [f64],
    pub(crate) t: &'a [f64],
    pub(crate) r: &'a [f64],
}

/// Black-76 price and greeks for one chunk of `CHUNK` options.
///
/// # Panics
/// When a slice is shorter than `CHUNK` (a programmer error in the batch driver).
pub(crate) fn black76_chunk(inp: &ChunkIn<'_>, out: &mut ChunkOut<'_>) {
    let (sign, f, k, vol, t, r) = (
        &inp.sign[..CHUNK],
        &inp.f[..CHUNK],
        &inp.k[..CHUNK],
        &inp.vol[..CHUNK],
        &inp.t[..CHUNK],
        &inp.r[..CHUNK],
    );
    let (o_price, o_delta, o_gamma, o_vega, o_theta, o_rho) = (
        &mut out.price[..CHUNK],
        &mut out.delta[..CHUNK],
        &mut out.gamma[..CHUNK],
        &mut out.vega[..CHUNK],
        &mut out.theta[..CHUNK],
        &mut out.rho[..CHUNK],
    );
    let mut redo = [false; CHUNK];
    for i in 0..CHUNK {
        let (sg, f, k, vol, t, r) = (sign[i], f[i], k[i], vol[i], t[i], r[i]);
        let df = exp_fast(-r * t);
        let sqrt_t = t.sqrt();
        let s = vol * sqrt_t;
        let fk = f / k;
        let x = ln_fast(fk);
        let inv_fs = 1.0 / (f * s);
        let inv_s = f * inv_fs;
        let d1 = x * inv_s + 0.5 * s;
        let d2 = d1 - s;
        let e1 = exp_fast(-0.5 * d1 * d1);
        let n1 = cdf_fast(sg * d1, e1);
        let n2 = cdf_fast(sg * d2, e1 * fk);
        let a = f * n1;
        let b = k * n2;
        let und = sg * (a - b);
        let dpdf = df * FRAC_1_SQRT_2PI * e1;
        let price = df * und;
        o_price[i] = price;
        o_delta[i] = df * sg * n1;
        o_gamma[i] = dpdf * inv_fs;
        o_vega[i] = dpdf * f * sqrt_t;
        o_theta[i] = -0.5 * dpdf * f * vol * vol * inv_s + r * price;
        o_rho[i] = -t * price;
        // Leave to the scalar kernel: zero or tiny total vol, extreme ratios, the far tails
        // (|d| > 4√2, beyond the middle erfcx rational) and strong cancellation.
        let ok = s > 1e-150
            && fk > 1e-300
            && fk < 1e300
            && d1.abs() <= 5.65
            && d2.abs() <= 5.65
            && und >= a.max(b) * (1.0 / 32.0);
        redo[i] = !ok;
    }
    for i in 0..CHUNK {
        if redo[i] {
            let g = black76_kernel(sign[i], f[i], k[i], vol[i], t[i], r[i]);
            o_price[i] = g.price;
            o_delta[i] = g.delta;
            o_gamma[i] = g.gamma;
            o_vega[i] = g.vega;
            o_theta[i] = g.theta;
            o_rho[i] = g.rho;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_ln_match_std() {
        let mut worst_e: f64 = 0.0;
        let mut worst_l: f64 = 0.0;
        let mut x = -700.0;
        while x < 700.0 {
            let a = exp_fast(x);
            let b = x.exp();
            worst_e = worst_e.max((a / b - 1.0).abs());
            let y = (x / 7.0).exp();
            let l = ln_fast(y);
            let m = y.ln();
            worst_l = worst_l.max((l - m).abs() / m.abs().max(1e-300));
            x += 0.0137;
        }
        for y in [
            1.0,
            1.0 + 1e-12,
            1.0 - 1e-12,
            0.999,
            1.001,
            std::f64::consts::SQRT_2 * (1.0 - 1e-15),
            std::f64::consts::SQRT_2 * (1.0 + 1e-15),
            0.5,
            2.0,
        ] {
            let l = ln_fast(y);
            let m = f64::ln(y);
            if m != 0.0 {
                worst_l = worst_l.max((l - m).abs() / m.abs());
            } else {
                assert_eq!(l, 0.0);
            }
        }
        assert!(worst_e < 5e-16, "exp {worst_e:e}");
        assert!(worst_l < 5e-16, "ln {worst_l:e}");
        assert_eq!(exp_fast(-800.0), 0.0);
    }

    #[test]
    fn cdf_matches_scalar() {
        let mut z = -5.65;
        while z < 5.65 {
            let a = cdf_fast(z, crate::normal::exp_neg_half_sq(z));
            let b = crate::normal::norm_cdf(z);
            assert!((a / b - 1.0).abs() < 2e-15, "z={z}: {a} vs {b}");
            z += 0.00731;
        }
    }
}
