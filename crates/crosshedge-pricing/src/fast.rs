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

use crate::black::{black76_kernel, OptionKind};
use crate::normal::{ERFCX_P2, ERFCX_Q2};
use crate::simd::MulAdd;

const LOG2E: f64 = std::f64::consts::LOG2_E;
const LN2_HI: f64 = 0.693_147_152_662_277_2;
const LN2_LO: f64 = 2.789_766_808_773_754_5e-8;
const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2⁵²
const FRAC_1_SQRT_2PI: f64 = crate::normal::FRAC_1_SQRT_2PI;

#[inline(always)]
pub(crate) fn sel(c: bool, a: f64, b: f64) -> f64 {
    if c {
        a
    } else {
        b
    }
}

/// `e^x` to about 1 ulp for `x ≥ −708` (0 below).
#[inline(always)]
pub(crate) fn exp_fast<M: MulAdd>(x: f64) -> f64 {
    let xc = x.clamp(-708.0, 709.0);
    let t = M::mul_add(xc, LOG2E, SHIFT);
    let n = t - SHIFT;
    // n·LN2_HI is exact (LN2_HI has 32 trailing zero bits), so fusing changes only the low part.
    let r = M::mul_add(-n, LN2_LO, xc - n * LN2_HI);
    let mut p = 1.0 / 6_227_020_800.0; // 1/13!
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = M::mul_add(p, r, c);
    }
    let nbits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(nbits.wrapping_add(1023) << 52);
    sel(x < -708.0, 0.0, p * scale)
}

/// `ln y` to about 2 ulp for positive normal `y`.
#[inline(always)]
pub(crate) fn ln_fast<M: MulAdd>(y: f64) -> f64 {
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
    let t1 = w * M::mul_add(w, M::mul_add(w, LG[5], LG[3]), LG[1]);
    let t2 = z * M::mul_add(w, M::mul_add(w, M::mul_add(w, LG[6], LG[4]), LG[2]), LG[0]);
    let hfsq = 0.5 * f * f;
    let ln_m = f - (hfsq - s * (hfsq + t1 + t2));
    // e·LN2_HI is exact (e is an integer below 2¹¹).
    e * LN2_HI + M::mul_add(e, LN2_LO, ln_m)
}

/// fdlibm `s_erf.c` central `erf` numerator in `u²` (increasing degree).
const PP: [f64; 5] = [
    0.12837916709551256,
    -0.3250421072470015,
    -0.02848174957559851,
    -0.005770270296489442,
    -2.3763016656650163e-05,
];
/// fdlibm `s_erf.c` central `erf` denominator in `u²` (increasing degree, without its
/// constant 1).
const QQ: [f64; 5] = [
    0.39791722395915535,
    0.0650222499887673,
    0.005081306281875766,
    0.00013249473800432164,
    -3.960228278775368e-06,
];

/// `Φ(z)` given `e = exp(−z²/2)`, branch-free, for `|z| ≤ 4√2` (callers send larger `|z|` to the
/// scalar path).
#[inline(always)]
pub(crate) fn cdf_fast<M: MulAdd>(z: f64, e: f64) -> f64 {
    // Middle range: Cody's erfcx rational, the scalar kernel's own coefficients.
    const P2: [f64; 8] = ERFCX_P2;
    const Q2: [f64; 8] = ERFCX_Q2;
    let u = z.abs() * std::f64::consts::FRAC_1_SQRT_2;
    let uu = u * u;
    // One division per call: each branch is written as num/den and the pair is selected.
    // Central: erfc(u) = 1 − u − u·pp(u²)/qq(u²) = ((1 − u)·qq − u·pp)/qq.
    let horner =
        |c: &[f64], x: f64, top: f64| c.iter().rev().fold(top, |p, &a| M::mul_add(p, x, a));
    let pp = horner(&PP[..4], uu, PP[4]);
    let qq = M::mul_add(horner(&QQ[..4], uu, QQ[4]), uu, 1.0);
    let (num_c, den_c) = (M::mul_add(1.0 - u, qq, -(u * pp)), qq);
    // Middle (u ≤ 4): erfcx(u) = P2(u)/Q2(u) (Q2 monic).
    let p2 = horner(&P2[..7], u, P2[7]);
    let q2 = horner(&Q2[..7], u, 1.0);
    let central = u < 0.468_75;
    let num = sel(central, num_c, p2);
    let den = sel(central, den_c, q2);
    let ratio = num / den;
    let erfc_u = sel(central, ratio, ratio * e);
    let half = 0.5 * erfc_u;
    sel(z <= 0.0, half, 1.0 - half)
}

/// `(Φ(z), Φ(−z))` given `e = exp(−z²/2)`, branch-free, for `|z| ≤ 4√2`: one `erfc`
/// evaluation, the small side `Φ(−|z|)` directly (full relative precision in the tail, which
/// `1 − Φ(|z|)` would lose) and the other side as one minus it.
#[inline(always)]
pub(crate) fn cdf_pair_fast<M: MulAdd>(z: f64, e: f64) -> (f64, f64) {
    let lo = cdf_fast::<M>(-z.abs(), e);
    let hi = 1.0 - lo;
    (sel(z <= 0.0, lo, hi), sel(z <= 0.0, hi, lo))
}

/// `erfcx(u) = e^{u²} erfc(u)` for `0 ≤ u ≤ 4`, branch-free: fdlibm's central `erf` rational
/// times `exp(u²)` below 0.46875, Cody's rational (the scalar [`crate::normal::erfcx`]'s) above.
#[inline(always)]
pub(crate) fn erfcx_fast<M: MulAdd>(u: f64) -> f64 {
    const P2: [f64; 8] = ERFCX_P2;
    const Q2: [f64; 8] = ERFCX_Q2;
    let horner =
        |c: &[f64], x: f64, top: f64| c.iter().rev().fold(top, |p, &a| M::mul_add(p, x, a));
    let uu = u * u;
    let pp = horner(&PP[..4], uu, PP[4]);
    let qq = M::mul_add(horner(&QQ[..4], uu, QQ[4]), uu, 1.0);
    let num_c = M::mul_add(1.0 - u, qq, -(u * pp));
    let p2 = horner(&P2[..7], u, P2[7]);
    let q2 = horner(&Q2[..7], u, 1.0);
    let central = u < 0.468_75;
    let ratio = sel(central, num_c, p2) / sel(central, qq, q2);
    sel(central, ratio * exp_fast::<M>(uu), ratio)
}

/// Options per vectorised loop (a multiple of every level's lane count).
pub(crate) const CHUNK: usize = 16;
/// Options validated and then priced together, so that the inputs are read from memory once.
pub(crate) const BLOCK: usize = 64 * CHUNK;

/// Inputs of a Black-76 batch as parallel slices (lengths checked by the caller).
#[derive(Clone, Copy)]
pub(crate) struct B76In<'a> {
    pub(crate) kind: &'a [OptionKind],
    pub(crate) f: &'a [f64],
    pub(crate) k: &'a [f64],
    pub(crate) vol: &'a [f64],
    pub(crate) t: &'a [f64],
    pub(crate) r: &'a [f64],
}

/// Outputs of a Black-76 batch (each as long as the inputs).
pub(crate) struct B76Out<'a> {
    pub(crate) price: &'a mut [f64],
    pub(crate) delta: &'a mut [f64],
    pub(crate) gamma: &'a mut [f64],
    pub(crate) vega: &'a mut [f64],
    pub(crate) theta: &'a mut [f64],
    pub(crate) rho: &'a mut [f64],
}

/// Whether every option of `inp[start..end]` is in the domain (one pass, no early exit, so it
/// vectorises).
#[inline(always)]
fn block_valid(inp: &B76In<'_>, start: usize, end: usize) -> bool {
    let r = start..end;
    inp.f[r.clone()]
        .iter()
        .zip(&inp.k[r.clone()])
        .zip(&inp.vol[r.clone()])
        .zip(&inp.t[r.clone()])
        .zip(&inp.r[r])
        .fold(true, |acc, ((((f, k), v), t), r)| {
            acc & (f.is_finite() & (*f > 0.0))
                & (k.is_finite() & (*k > 0.0))
                & (v.is_finite() & (*v >= 0.0))
                & (t.is_finite() & (*t >= 0.0))
                & r.is_finite()
        })
}

/// Black-76 price and greeks of every option, block by block: each block is validated, then
/// priced chunk by chunk (the last, partial chunk through padded copies).
///
/// # Errors
/// `Err(start)` with the first index of the first block holding an invalid option; the blocks
/// before it are written.
#[inline(always)]
pub(crate) fn black76_all<M: MulAdd>(inp: &B76In<'_>, out: &mut B76Out<'_>) -> Result<(), usize> {
    let n = inp.f.len();
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK).min(n);
        if !block_valid(inp, start, end) {
            return Err(start);
        }
        let mut c = start;
        while c + CHUNK <= end {
            let r = c..c + CHUNK;
            let i = B76In {
                kind: &inp.kind[r.clone()],
                f: &inp.f[r.clone()],
                k: &inp.k[r.clone()],
                vol: &inp.vol[r.clone()],
                t: &inp.t[r.clone()],
                r: &inp.r[r.clone()],
            };
            let mut o = B76Out {
                price: &mut out.price[r.clone()],
                delta: &mut out.delta[r.clone()],
                gamma: &mut out.gamma[r.clone()],
                vega: &mut out.vega[r.clone()],
                theta: &mut out.theta[r.clone()],
                rho: &mut out.rho[r],
            };
            black76_chunk::<M>(&i, &mut o);
            c += CHUNK;
        }
        if c < end {
            let m = end - c;
            let mut kind = [OptionKind::Call; CHUNK];
            let (mut f, mut k, mut v, mut t, mut r) =
                ([1.0; CHUNK], [1.0; CHUNK], [0.2; CHUNK], [1.0; CHUNK], [0.0; CHUNK]);
            kind[..m].copy_from_slice(&inp.kind[c..end]);
            f[..m].copy_from_slice(&inp.f[c..end]);
            k[..m].copy_from_slice(&inp.k[c..end]);
            v[..m].copy_from_slice(&inp.vol[c..end]);
            t[..m].copy_from_slice(&inp.t[c..end]);
            r[..m].copy_from_slice(&inp.r[c..end]);
            let mut tmp = [[0.0; CHUNK]; 6];
            let [p, d, g, ve, th, rh] = &mut tmp;
            let i = B76In { kind: &kind, f: &f, k: &k, vol: &v, t: &t, r: &r };
            black76_chunk::<M>(
                &i,
                &mut B76Out { price: p, delta: d, gamma: g, vega: ve, theta: th, rho: rh },
            );
            out.price[c..end].copy_from_slice(&p[..m]);
            out.delta[c..end].copy_from_slice(&d[..m]);
            out.gamma[c..end].copy_from_slice(&g[..m]);
            out.vega[c..end].copy_from_slice(&ve[..m]);
            out.theta[c..end].copy_from_slice(&th[..m]);
            out.rho[c..end].copy_from_slice(&rh[..m]);
        }
        start = end;
    }
    Ok(())
}

/// Inputs of a Black–Scholes batch (spot, continuous dividend yield) as parallel slices.
#[derive(Clone, Copy)]
pub(crate) struct BsIn<'a> {
    pub(crate) kind: &'a [OptionKind],
    pub(crate) s: &'a [f64],
    pub(crate) k: &'a [f64],
    pub(crate) vol: &'a [f64],
    pub(crate) t: &'a [f64],
    pub(crate) r: &'a [f64],
    pub(crate) q: &'a [f64],
}

/// Black–Scholes price and greeks of every option, block by block (as [`black76_all`]): the
/// forward `S e^{(r−q)T}` of each chunk goes through the Black-76 chunk kernel and its greeks are
/// carried to spot as in [`crate::black_scholes_greeks`]; `drho` receives `∂V/∂q`.
///
/// # Errors
/// `Err(start)` with the first index of the first block holding an invalid option.
#[inline(always)]
pub(crate) fn black_scholes_all<M: MulAdd>(
    inp: &BsIn<'_>,
    out: &mut B76Out<'_>,
    drho: &mut [f64],
) -> Result<(), usize> {
    let n = inp.s.len();
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK).min(n);
        let b76 = B76In { kind: inp.kind, f: inp.s, k: inp.k, vol: inp.vol, t: inp.t, r: inp.r };
        let q_ok = inp.q[start..end].iter().fold(true, |acc, q| acc & q.is_finite());
        if !(q_ok && block_valid(&b76, start, end)) {
            return Err(start);
        }
        let mut c = start;
        while c < end {
            let m = CHUNK.min(end - c);
            let mut kind = [OptionKind::Call; CHUNK];
            let (mut s, mut k, mut v, mut t, mut r, mut q) = (
                [1.0; CHUNK],
                [1.0; CHUNK],
                [0.2; CHUNK],
                [1.0; CHUNK],
                [0.0; CHUNK],
                [0.0; CHUNK],
            );
            kind[..m].copy_from_slice(&inp.kind[c..c + m]);
            s[..m].copy_from_slice(&inp.s[c..c + m]);
            k[..m].copy_from_slice(&inp.k[c..c + m]);
            v[..m].copy_from_slice(&inp.vol[c..c + m]);
            t[..m].copy_from_slice(&inp.t[c..c + m]);
            r[..m].copy_from_slice(&inp.r[c..c + m]);
            q[..m].copy_from_slice(&inp.q[c..c + m]);
            // The forward exactly as the scalar function forms it (the library `exp`): far out
            // of the money the price's elasticity to F reaches hundreds, so a 1-ulp difference in
            // F would show at 1e-13.
            let mut f = [0.0; CHUNK];
            for i in 0..CHUNK {
                f[i] = s[i] * ((r[i] - q[i]) * t[i]).exp();
            }
            let mut tmp = [[0.0; CHUNK]; 6];
            let [p, d, g, ve, th, rh] = &mut tmp;
            let i76 = B76In { kind: &kind, f: &f, k: &k, vol: &v, t: &t, r: &r };
            black76_chunk::<M>(
                &i76,
                &mut B76Out { price: p, delta: d, gamma: g, vega: ve, theta: th, rho: rh },
            );
            let mut dr = [0.0; CHUNK];
            for i in 0..CHUNK {
                // ∂F/∂S = e^{(r−q)T}; S·Δ = θ S e^{−qT} Φ(θd₁); the strike leg from the price.
                let carry = f[i] / s[i];
                let delta = d[i] * carry;
                let spot_term = s[i] * delta;
                let strike_term = spot_term - p[i];
                th[i] -= (r[i] - q[i]) * f[i] * d[i];
                g[i] *= carry * carry;
                d[i] = delta;
                rh[i] = t[i] * strike_term;
                dr[i] = -t[i] * spot_term;
            }
            out.price[c..c + m].copy_from_slice(&p[..m]);
            out.delta[c..c + m].copy_from_slice(&d[..m]);
            out.gamma[c..c + m].copy_from_slice(&g[..m]);
            out.vega[c..c + m].copy_from_slice(&ve[..m]);
            out.theta[c..c + m].copy_from_slice(&th[..m]);
            out.rho[c..c + m].copy_from_slice(&rh[..m]);
            drho[c..c + m].copy_from_slice(&dr[..m]);
            c += m;
        }
        start = end;
    }
    Ok(())
}

/// Black-76 price and greeks for one chunk of `CHUNK` options.
///
/// # Panics
/// When a slice is shorter than `CHUNK` (a programmer error in the batch driver).
#[inline(always)]
pub(crate) fn black76_chunk<M: MulAdd>(inp: &B76In<'_>, out: &mut B76Out<'_>) {
    let (kind, f, k, vol, t, r) = (
        &inp.kind[..CHUNK],
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
        let sg = sel(kind[i] == OptionKind::Call, 1.0, -1.0);
        let (f, k, vol, t, r) = (f[i], k[i], vol[i], t[i], r[i]);
        let df = exp_fast::<M>(-r * t);
        let sqrt_t = t.sqrt();
        let s = vol * sqrt_t;
        let fk = f / k;
        let x = ln_fast::<M>(fk);
        let inv_fs = 1.0 / (f * s);
        let inv_s = f * inv_fs;
        let d1 = M::mul_add(x, inv_s, 0.5 * s);
        let d2 = d1 - s;
        let e1 = exp_fast::<M>(-0.5 * d1 * d1);
        let n1 = cdf_fast::<M>(sg * d1, e1);
        let n2 = cdf_fast::<M>(sg * d2, e1 * fk);
        let a = f * n1;
        let b = k * n2;
        let und = sg * (a - b);
        let dpdf = df * FRAC_1_SQRT_2PI * e1;
        let price = df * und;
        o_price[i] = price;
        o_delta[i] = df * sg * n1;
        o_gamma[i] = dpdf * inv_fs;
        o_vega[i] = dpdf * f * sqrt_t;
        o_theta[i] = M::mul_add(-0.5 * dpdf * f * vol * vol, inv_s, r * price);
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
            let g = black76_kernel(kind[i].sign(), f[i], k[i], vol[i], t[i], r[i]);
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
    use crate::simd::Unfused;

    #[test]
    fn exp_and_ln_match_std() {
        let mut worst_e: f64 = 0.0;
        let mut worst_l: f64 = 0.0;
        let mut x = -700.0;
        while x < 700.0 {
            let a = exp_fast::<Unfused>(x);
            let b = x.exp();
            worst_e = worst_e.max((a / b - 1.0).abs());
            let y = (x / 7.0).exp();
            let l = ln_fast::<Unfused>(y);
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
            let l = ln_fast::<Unfused>(y);
            let m = f64::ln(y);
            if m != 0.0 {
                worst_l = worst_l.max((l - m).abs() / m.abs());
            } else {
                assert_eq!(l, 0.0);
            }
        }
        assert!(worst_e < 5e-16, "exp {worst_e:e}");
        assert!(worst_l < 5e-16, "ln {worst_l:e}");
        assert_eq!(exp_fast::<Unfused>(-800.0), 0.0);
    }

    #[test]
    fn cdf_matches_scalar() {
        let mut z = -5.65;
        while z < 5.65 {
            let a = cdf_fast::<Unfused>(z, crate::normal::exp_neg_half_sq(z));
            let b = crate::normal::norm_cdf(z);
            assert!((a / b - 1.0).abs() < 2e-15, "z={z}: {a} vs {b}");
            z += 0.00731;
        }
    }
}
