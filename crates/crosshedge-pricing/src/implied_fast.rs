//! Lane-parallel implied volatility for the Black-76 batch (issue 14): the options of a chunk
//! sit in SIMD lanes and every step is branch-free (selects instead of branches), so one
//! instruction stream solves four (AVX2) or eight (AVX-512) options at once. Lanes the fast path
//! cannot vouch for are flagged and solved again by the scalar Let's Be Rational
//! ([`crate::implied`]), so the batch keeps the scalar solver's accuracy and its errors.
//!
//! # Formula
//! As in [`crate::implied`], the problem is reduced to an out-of-the-money call on the
//! normalised price `β = V/(D√(FK))` (minus the normalised intrinsic value `2 sinh(|x|/2)` in the
//! money), `x = −|ln(F/K)| ≤ 0`, `b(s) = e^{x/2} Φ(x/s + s/2) − e^{−x/2} Φ(x/s − s/2)`,
//! `0 < β < b_max = e^{x/2}`.
//!
//! Initial guess (two evaluations, as Let's Be Rational's): at the inflection point
//! `s_c = √(2|x|)`, where `b_c = e^{x/2}/2 − e^{−x/2} Φ(−s_c)` and the normalised vega is
//! `e^{x/2}/√(2π)`, and at `s_l`, where the tangent there meets `b = 0`:
//! - `β < b_l`: Jäckel's lower map `f(s) = (2π/√27)|x| Φ(−|x|/(√3 s))³` (equal to `b` to leading
//!   order as `s → 0`), evaluated at `f = β (1 + (f_l/b_l − 1) ln b_l/ln β)` (the ratio `f/b`
//!   tends to 1 like `1/|ln β|`) and inverted exactly:
//!   `s = |x|/(√3 |Φ⁻¹((f/((2π/√27)|x|))^{1/3})|)`;
//! - `b_l ≤ β < b_c`: the Delbourgo–Gregory rational cubic of `s(β)` through `(b_l, s_l)` and
//!   `(b_c, s_c)` with slopes `1/b'`, its control parameter the smallest that keeps the data's
//!   shape;
//! - `β ≥ b_c`: the upper map `Φ(−s/2)` (exact for `x = 0`), evaluated at
//!   `(b_max − β)(½ + c (b_max − β)/(b_max − b_c))` with `c` chosen to pass through
//!   `Φ(−s_c/2)` at `b_c` (slope −½ at `b_max`, as Jäckel's), inverted as `s = −2Φ⁻¹(·)`.
//!
//! `Φ⁻¹` is Acklam's rational (no refinement: 1e-9 is plenty for a start). Then Householder
//! steps of order three on the objective of Let's Be Rational for the lane's region —
//! `1/ln b − 1/ln β` below `b_l`, `ln((b_max − β)/(b_max − b))` above `max(b_c, b_max/2)`,
//! `b − β` in between — with `b`, `b' = e^{−(x²/s² + s²/4)/2}/√(2π)`, `b''/b' = x²/s³ − s/4`
//! and `b'''/b' = (b''/b')² − 3x²/s⁴ − ¼` from the batch kernels' own `exp`, `ln` and `Φ`
//! (`crate::fast`), and `b_max − b` summed from the two tails without cancellation. Where the
//! direct difference `b = e^{x/2} Φ(d₁) − e^{−x/2} Φ(d₂)` would lose more than 5 bits and
//! `s/2 < ¼`, `b = b' · 2 Σ_{k odd} Y⁽ᵏ⁾(x/s) (s/2)ᵏ/k!` with `Y = Φ/φ` (the Taylor series of
//! the scalar [`crate::black::normalised_black`]), computed only in the chunks that need it.
//! On the benchmark's inputs every chunk takes two steps.
//!
//! # Acceptance
//! A lane is accepted after step `n` when `|Δₙ| ≤ 10⁻¹⁴ s`, or when `|Δₙ| ≤ 10⁻⁶ s` and the
//! remaining error the last two steps imply for an (at least) quadratically converging iteration,
//! `|Δₙ|³/|Δₙ₋₁|²`, times the price's elasticity `max(1, s b'/b)`, is below `10⁻¹⁶ s` (so the
//! repriced value is within rounding); `Δₙ` is the larger of the Householder and the Newton step.
//! The last evaluation must also lie where the fast path is accurate: `|x/s ± s/2| ≤ 4√2` (the
//! range of the fast `Φ`) and at most 5 bits lost in `b`'s direct difference unless the Taylor
//! series gave it. Every other lane — invalid inputs, prices at or within 8 ulp of a bound, deep
//! tails (prices below about 1e-8 of the forward), `|ln(F/K)| > 15.9`, no convergence in 8
//! steps — goes to the scalar solver, which also produces the batch's errors.
//!
//! # References
//! P. Jäckel (2015), "Let's Be Rational", Wilmott 2015(75), pp. 40–53 (reduction, lower and
//! upper maps, objectives, Householder steps); P. J. Acklam (2003), inverse normal CDF.

use crate::black::OptionKind;
use crate::black::TAYLOR_INV;
use crate::fast::{cdf_pair_fast, erfcx_fast, exp_fast, ln_fast, sel};
use crate::normal::{
    ACKLAM_A, ACKLAM_B, ACKLAM_C, ACKLAM_D, FRAC_1_SQRT_2PI, SQRT_2PI, SQRT_PI_OVER_2,
};
use crate::simd::MulAdd;

/// Options per lane-parallel chunk (a multiple of every level's lane count; small, so that a
/// slow lane holds few others in the iteration loop).
pub(crate) const IV_CHUNK: usize = 8;
/// Householder steps before a lane is handed to the scalar solver.
const MAX_STEPS: usize = 8;
const SQRT_THREE: f64 = 1.732_050_807_568_877_2;
/// `2π/√27`.
const TWO_PI_OVER_SQRT_27: f64 = 1.209_199_576_156_145_2;
/// The fast `Φ`'s range, `4√2` (the middle `erfcx` rational's `u ≤ 4`), rounded down.
const TAIL: f64 = 5.65;
/// Beyond this `|x|`, `|x/s − s/2| ≥ √(2|x|) > 4√2` at every `s`: always the scalar solver.
const MAX_ABS_X: f64 = 15.9;

/// Inputs of an implied-volatility chunk (each slice at least [`IV_CHUNK`] long).
#[derive(Clone, Copy)]
pub(crate) struct IvIn<'a> {
    pub(crate) kind: &'a [OptionKind],
    pub(crate) price: &'a [f64],
    pub(crate) f: &'a [f64],
    pub(crate) k: &'a [f64],
    pub(crate) t: &'a [f64],
    pub(crate) r: &'a [f64],
}

/// `Φ⁻¹(p)` for `0 < p ≤ ½`, Acklam's rational without refinement, branch-free.
#[inline(always)]
fn inverse_cdf_lower_half<M: MulAdd>(p: f64) -> f64 {
    let q = p - 0.5;
    let r = q * q;
    let horner = |c: &[f64], x: f64| c[1..].iter().fold(c[0], |acc, &a| M::mul_add(acc, x, a));
    let num_c = horner(&ACKLAM_A, r) * q;
    let den_c = M::mul_add(horner(&ACKLAM_B, r), r, 1.0);
    let u = (-2.0 * ln_fast::<M>(p)).sqrt();
    let num_t = horner(&ACKLAM_C, u);
    let den_t = M::mul_add(horner(&ACKLAM_D, u), u, 1.0);
    let tail = p < 0.024_25;
    sel(tail, num_t, num_c) / sel(tail, den_t, den_c)
}

/// `2 sinh(a)` for `a ≥ 0`: the Taylor polynomial below ¼ (no cancellation), `eᵃ − e⁻ᵃ` above.
#[inline(always)]
fn two_sinh<M: MulAdd>(a: f64, e_a: f64, e_ma: f64) -> f64 {
    let aa = a * a;
    // Nested `2a (1 + a²/6 (1 + a²/20 (1 + a²/42 (1 + a²/72 (1 + a²/110 (1 + a²/156))))))`.
    let mut q = 1.0;
    for d in [156.0, 110.0, 72.0, 42.0, 20.0, 6.0] {
        q = M::mul_add(aa * (1.0 / d), q, 1.0);
    }
    sel(a < 0.25, 2.0 * a * q, e_a - e_ma)
}

/// `2 Σ_{k odd} Y⁽ᵏ⁾(h) tᵏ/k!` with `Y = Φ/φ` (so that `b = b'(s) · this` at `h = x/s`, `t = s/2`),
/// for `−4√2 ≤ h ≤ 0` and `t < ¼`: `Y(h) = √(π/2) erfcx(−h/√2)`, `Y' = 1 + hY`,
/// `Y⁽ⁿ⁺¹⁾ = hY⁽ⁿ⁾ + nY⁽ⁿ⁻¹⁾`, eleven terms (the twelfth is below 1e-17 of the sum there), as
/// [`crate::black::normalised_black`]'s series.
#[inline(always)]
fn taylor_sum<M: MulAdd>(h: f64, t: f64) -> f64 {
    let y0 = SQRT_PI_OVER_2 * erfcx_fast::<M>(-h * std::f64::consts::FRAC_1_SQRT_2);
    let y1 = M::mul_add(h, y0, 1.0);
    let (mut ym, mut y) = (y0, y1);
    let t2 = t * t;
    let mut coef = t;
    let mut sum = y1 * t;
    let mut n = 1.0;
    for inv in &TAYLOR_INV[..10] {
        let yn1 = M::mul_add(h, y, n * ym);
        let yn2 = M::mul_add(h, yn1, (n + 1.0) * y);
        coef *= t2 * inv;
        sum = M::mul_add(yn2, coef, sum);
        ym = yn1;
        y = yn2;
        n += 2.0;
    }
    2.0 * sum
}

/// Solves the `IV_CHUNK` options of `inp`: `vol[i]` is the implied volatility where `ok[i]`;
/// the other lanes are left to the scalar solver. Returns the number of Householder steps the
/// chunk took (its slowest lane's).
///
/// # Panics
/// When a slice is shorter than `IV_CHUNK` (a programmer error in the batch driver).
#[inline(always)]
pub(crate) fn implied_vol_chunk<M: MulAdd>(
    inp: &IvIn<'_>,
    vol: &mut [f64; IV_CHUNK],
    ok: &mut [bool; IV_CHUNK],
) -> usize {
    const C: usize = IV_CHUNK;
    let (kind, price, f, k, t, r) =
        (&inp.kind[..C], &inp.price[..C], &inp.f[..C], &inp.k[..C], &inp.t[..C], &inp.r[..C]);
    // Per-lane state of the reduced problem.
    let mut xo = [0.0; C]; // x = −|ln(F/K)|
    let mut bm = [0.0; C]; // e^{x/2}
    let mut ea = [0.0; C]; // e^{−x/2}
    let mut em = [0.0; C]; // e^{x}
    let mut beta = [0.0; C]; // reduced normalised price
    let mut ln_beta = [0.0; C];
    let mut inv_ln_beta = [0.0; C];
    let mut rest_beta = [0.0; C]; // b_max − β
    let mut lower = [false; C];
    let mut upper = [false; C];
    let mut s = [0.0; C];
    let mut prev = [0.0; C];
    let mut active = [false; C];
    for i in 0..C {
        let call = kind[i] == OptionKind::Call;
        let sg = sel(call, 1.0, -1.0);
        let (p, f, k, t, r) = (price[i], f[i], k[i], t[i], r[i]);
        let valid = p.is_finite()
            & (p > 0.0)
            & f.is_finite()
            & (f > 0.0)
            & k.is_finite()
            & (k > 0.0)
            & t.is_finite()
            & (t > 0.0)
            & r.is_finite();
        let df = exp_fast::<M>(-r * t);
        // Strictly inside the bounds with a margin for the discount factor's rounding (the
        // scalar solver, with the library `exp`, decides the prices at a bound).
        let lower_pv = df * (sg * (f - k)).max(0.0);
        let upper_pv = df * sel(call, f, k);
        let inside = (p > lower_pv * (1.0 + 8.0 * f64::EPSILON))
            & (p < upper_pv * (1.0 - 8.0 * f64::EPSILON));
        let fk = f / k;
        let x = ln_fast::<M>(fk);
        let ax = x.abs();
        let a = 0.5 * ax;
        let e_a = exp_fast::<M>(a);
        let b_max = 1.0 / e_a;
        let sqrt_fk = (f * k).sqrt();
        let beta_n = p / (df * sqrt_fk);
        let itm = sg * x > 0.0;
        let b = sel(itm, beta_n - two_sinh::<M>(a, e_a, b_max), beta_n);
        let good = valid
            & inside
            & (fk > 1e-300)
            & (fk < 1e300)
            & (ax <= MAX_ABS_X)
            & sqrt_fk.is_finite()
            & (b > 1e-300)
            & (b < b_max * (1.0 - 4.0 * f64::EPSILON));
        // At the inflection point s_c: d₁ = 0, d₂ = −s_c, e^{−s_c²/2} = e^{x}.
        let s_c = (2.0 * ax).sqrt();
        let e_x = b_max * b_max;
        let (phi_m_sc, _) = cdf_pair_fast::<M>(-s_c, e_x);
        let b_c = 0.5 * b_max - e_a * phi_m_sc;
        let rest_c = 0.5 * b_max + e_a * phi_m_sc;
        // The tangent at s_c meets b = 0 at s_l; b and the vega there.
        // (The vega at s_c is e^{x/2}/√(2π), so 1/v_c = √(2π) e^{−x/2}.)
        let inv_v_c = SQRT_2PI * e_a;
        let s_l = (s_c - b_c * inv_v_c).max(1e-3 * s_c);
        let inv_s_l = 1.0 / s_l;
        let h_l = -ax * inv_s_l;
        let d1_l = M::mul_add(0.5, s_l, h_l);
        let e1_l = exp_fast::<M>(-0.5 * d1_l * d1_l);
        let (n1_l, _) = cdf_pair_fast::<M>(d1_l, e1_l);
        let (n2_l, _) = cdf_pair_fast::<M>(M::mul_add(-0.5, s_l, h_l), e1_l * e_x);
        let b_l = b_max * n1_l - e_a * n2_l;
        let v_l = FRAC_1_SQRT_2PI * e1_l * b_max;
        let below = b < b_l;
        let middle = !below & (b < b_c);
        // Below b_l: the lower map, anchored at s_l (z_l = |x|/(√3 s_l)).
        let z_l = ax * inv_s_l * (1.0 / SQRT_THREE);
        let (phi_m_zl, _) = cdf_pair_fast::<M>(-z_l, exp_fast::<M>(-0.5 * z_l * z_l));
        let lmap_scale = TWO_PI_OVER_SQRT_27 * ax;
        let f_l = lmap_scale * phi_m_zl * phi_m_zl * phi_m_zl;
        // f/b → 1 as s → 0 with an O(s²) = O(1/|ln β|) correction: interpolate the ratio in
        // ln b_l/ln β.
        let lnb = ln_fast::<M>(b);
        let inv_lnb = 1.0 / lnb;
        let inv_b_l = 1.0 / b_l;
        let q_l = b * M::mul_add(f_l * inv_b_l - 1.0, ln_fast::<M>(b_l) * inv_lnb, 1.0);
        let p_l = exp_fast::<M>(ln_fast::<M>(q_l / lmap_scale) * (1.0 / 3.0));
        // Between b_l and b_c: Delbourgo–Gregory rational cubic of s(β) through (b_l, s_l) and
        // (b_c, s_c) with slopes 1/v_l and 1/v_c, its control parameter the smallest keeping
        // the (concave, increasing) data's shape, as Jäckel's with a zero second derivative.
        let (d_l, d_r) = (1.0 / v_l, inv_v_c);
        let hh = b_c - b_l;
        let inv_hh = 1.0 / hh;
        let slope = (s_c - s_l) * inv_hh;
        let r1 = (d_r + d_l) / slope;
        let r2 = ((d_r - d_l) / (d_r - slope)).abs().max(((d_r - d_l) / (slope - d_l)).abs());
        let rr = r1.max(r2).min(1e6);
        let tt = (b - b_l) * inv_hh;
        let omt = 1.0 - tt;
        let s_m = (s_c * tt * tt * tt
            + (rr * s_c - hh * d_r) * tt * tt * omt
            + (rr * s_l + hh * d_l) * tt * omt * omt
            + s_l * omt * omt * omt)
            / M::mul_add((rr - 3.0) * tt, omt, 1.0);
        let s_m = sel(rr.is_finite() & s_m.is_finite(), s_m, s_l + (b - b_l) * slope);
        // Above b_c: the upper map Φ(−s/2), anchored at s_c (e^{−s_c²/8} = √(e^{x/2})).
        let (phi_m_half, _) = cdf_pair_fast::<M>(-0.5 * s_c, b_max.sqrt());
        let rest = b_max - b;
        let inv_rest_c = 1.0 / rest_c;
        let c_u = (phi_m_half * inv_rest_c - 0.5).max(-0.25);
        let q_u = rest * M::mul_add(c_u, rest * inv_rest_c, 0.5);
        let z = inverse_cdf_lower_half::<M>(sel(below, p_l, q_u).min(0.499_999));
        let s_low = (ax / (SQRT_THREE * z.abs())).min(s_l);
        let s_up = (-2.0 * z).max(s_c);
        let s0 = sel(below, s_low, sel(middle, s_m.max(s_l).min(s_c), s_up));
        let lw = below;
        let above = !below & !middle;
        xo[i] = -ax;
        bm[i] = b_max;
        ea[i] = e_a;
        em[i] = e_x;
        beta[i] = b;
        ln_beta[i] = lnb;
        inv_ln_beta[i] = inv_lnb;
        rest_beta[i] = rest;
        lower[i] = lw;
        upper[i] = above & (b > 0.5 * b_max);
        s[i] = s0;
        prev[i] = s0;
        active[i] = good & (s0 > 0.0) & s0.is_finite();
        ok[i] = false;
    }
    // One step's shared values, from the first pass to the second.
    let (mut hh, mut bb, mut rr, mut vv) = ([0.0; C], [0.0; C], [0.0; C], [0.0; C]);
    let (mut in_range, mut cancels, mut series) = ([false; C], [false; C], [false; C]);
    let mut steps = 0;
    while steps < MAX_STEPS {
        steps += 1;
        for i in 0..C {
            let si = s[i];
            let h = xo[i] / si;
            let half_s = 0.5 * si;
            let d1 = h + half_s;
            let d2 = h - half_s;
            let e1 = exp_fast::<M>(-0.5 * d1 * d1);
            let (n1, c1) = cdf_pair_fast::<M>(d1, e1);
            let (n2, _) = cdf_pair_fast::<M>(d2, e1 * em[i]);
            let t1 = bm[i] * n1;
            let t2 = ea[i] * n2;
            let b = t1 - t2;
            hh[i] = h;
            bb[i] = b;
            // b_max − b from the two tails, without cancellation.
            rr[i] = M::mul_add(bm[i], c1, t2);
            vv[i] = FRAC_1_SQRT_2PI * e1 * bm[i];
            in_range[i] = (d1.abs() <= TAIL) & (d2.abs() <= TAIL);
            cancels[i] = b < t1 * (1.0 / 32.0);
            series[i] = cancels[i] & (half_s < 0.25);
        }
        // Where more than 5 bits cancel and s/2 < 1/4, b from the Taylor series in s/2
        // (computed only when a lane of the chunk needs it, so that other chunks pay nothing).
        if series.iter().zip(&active).fold(false, |acc, (&a, &b)| acc | (a & b)) {
            for i in 0..C {
                let b_series = vv[i] * taylor_sum::<M>(hh[i], 0.5 * s[i]);
                bb[i] = sel(series[i], b_series, bb[i]);
            }
        }
        for i in 0..C {
            let si = s[i];
            let inv_s = 1.0 / si;
            let (h, b, rest, bp) = (hh[i], bb[i], rr[i], vv[i]);
            let hs = h * inv_s;
            let b_h2 = M::mul_add(h, hs, -0.25 * si);
            let b_h3 = M::mul_add(b_h2, b_h2, M::mul_add(-3.0 * hs, hs, -0.25));
            let (lw, up) = (lower[i], upper[i]);
            let inv_y = 1.0 / sel(lw, b, rest);
            let ly = ln_fast::<M>(sel(lw, b, rest_beta[i] * inv_y));
            // 1/b' and (lower objective) 1/ln b from one division.
            let l = sel(lw, ly, 1.0);
            let q = 1.0 / (bp * l);
            let inv_bp = l * q;
            // Lower objective 1/ln b − 1/ln β.
            let il = bp * q;
            let bpob = bp * inv_y;
            let k2 = M::mul_add(2.0, il, 1.0);
            let n_l = (ln_beta[i] - ly) * ly * inv_ln_beta[i] * inv_bp * b;
            let h2_l = -bpob * k2 + b_h2;
            let h3_l = M::mul_add(
                2.0 * bpob * bpob,
                M::mul_add(3.0 * il, 1.0 + il, 1.0),
                M::mul_add(-3.0 * b_h2 * bpob, k2, b_h3),
            );
            // Upper objective ln((b_max − β)/(b_max − b)).
            let gp = bp * inv_y;
            let n_u = -ly * rest * inv_bp;
            let h2_u = b_h2 + gp;
            let h3_u = M::mul_add(gp, M::mul_add(2.0, gp, 3.0 * b_h2), b_h3);
            // Plain objective b − β.
            let n_p = (beta[i] - b) * inv_bp;
            let nu = sel(lw, n_l, sel(up, n_u, n_p));
            let h2 = sel(lw, h2_l, sel(up, h2_u, b_h2));
            let h3 = sel(lw, h3_l, sel(up, h3_u, b_h3));
            let num = M::mul_add(0.5 * h2, nu, 1.0);
            let den = M::mul_add(nu, M::mul_add(h3 * (1.0 / 6.0), nu, h2), 1.0);
            let ds = (nu * num / den).max(-0.5 * si);
            let s_new = si + ds;
            // The pure Newton step too, so that a Householder factor near zero far from the
            // root cannot pass for convergence.
            let step = ds.abs().max(nu.abs());
            // |Δₙ|·(|Δₙ|/|Δₙ₋₁|)²·max(1, s b'/b) ≤ 1e-16 s, multiplied out.
            let pv = prev[i];
            let converged = (step <= 1e-14 * si)
                | ((step <= 1e-6 * si)
                    & (step * step * step * (si * bp).max(b) <= 1e-16 * si * pv * pv * b));
            let in_domain = in_range[i] & (!cancels[i] | series[i]);
            let finite = s_new.is_finite() & (s_new > 0.0);
            let act = active[i];
            s[i] = sel(act, s_new, si);
            prev[i] = sel(act, step, prev[i]);
            ok[i] |= act & converged & in_domain & finite;
            active[i] = act & !converged & finite;
        }
        if !active.iter().fold(false, |a, &b| a | b) {
            break;
        }
    }
    for i in 0..C {
        vol[i] = s[i] / t[i].sqrt();
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::black::black76_kernel;
    use crate::simd::Unfused;

    /// 64-bit LCG (the benchmark's).
    struct Lcg(u64);
    impl Lcg {
        fn uniform(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// What the fast path solves of a distribution, and how well.
    #[derive(Debug, Default)]
    struct Coverage {
        lanes: usize,
        fallback: usize,
        /// Chunks by the number of Householder steps they took.
        steps: [usize; MAX_STEPS + 1],
        /// Worst relative volatility error where vega·σ/price ≥ 0.5.
        worst_vol: f64,
        /// Worst relative repricing error (scalar pricer).
        worst_reprice: f64,
        /// Fallback lanes by where their solution lies: beyond the fast `Φ`'s range, in the
        /// cancellation region, elsewhere.
        why: [usize; 3],
    }

    /// Runs the chunk solver on `n` options drawn by `draw` (kind, F, K, σ, T, r).
    fn coverage<M: MulAdd>(
        n: usize,
        mut draw: impl FnMut(usize) -> (OptionKind, f64, f64, f64, f64, f64),
    ) -> Coverage {
        let mut c = Coverage::default();
        for j in (0..n).step_by(IV_CHUNK) {
            let mut kind = [OptionKind::Call; IV_CHUNK];
            let mut a = [[0.0; IV_CHUNK]; 6];
            for l in 0..IV_CHUNK {
                let (kd, f, k, v, t, r) = draw(j + l);
                kind[l] = kd;
                let p = black76_kernel(kd.sign(), f, k, v, t, r).price;
                for (m, x) in [p, f, k, v, t, r].into_iter().enumerate() {
                    a[m][l] = x;
                }
            }
            let [p, f, k, v, t, r] = &a;
            let mut vol = [0.0; IV_CHUNK];
            let mut ok = [false; IV_CHUNK];
            let inp = IvIn { kind: &kind, price: p, f, k, t, r };
            c.steps[implied_vol_chunk::<M>(&inp, &mut vol, &mut ok)] += 1;
            for l in 0..IV_CHUNK {
                c.lanes += 1;
                if !ok[l] {
                    c.fallback += 1;
                    let s = v[l] * t[l].sqrt();
                    let x = -(f[l] / k[l]).ln().abs();
                    let (d1, d2) = (x / s + 0.5 * s, x / s - 0.5 * s);
                    let t1 = (0.5 * x).exp() * crate::normal::norm_cdf(d1);
                    let b = crate::black::normalised_black(x, s, OptionKind::Call);
                    let why = if d1.abs() > TAIL || d2.abs() > TAIL {
                        0
                    } else if b < t1 / 32.0 {
                        1
                    } else {
                        2
                    };
                    c.why[why] += 1;
                    continue;
                }
                let sg = kind[l].sign();
                let g = black76_kernel(sg, f[l], k[l], v[l], t[l], r[l]);
                let back = black76_kernel(sg, f[l], k[l], vol[l], t[l], r[l]);
                let sens = (back.vega * vol[l] / p[l]).max(1.0);
                c.worst_reprice = c.worst_reprice.max((back.price - p[l]).abs() / p[l] / sens);
                if g.vega * v[l] >= 0.5 * g.price {
                    c.worst_vol = c.worst_vol.max((vol[l] - v[l]).abs() / v[l]);
                }
            }
        }
        c
    }

    /// The benchmark's distribution (futures 10–40, log-moneyness ±0.5, vol 0.3–1.5, expiry
    /// 0.02–1 y): about 1 % of the lanes go to the scalar solver (short-dated wings: deep tails
    /// or strong cancellation), every chunk takes two steps, and the accepted lanes give the
    /// volatility to 1e-12 and reprice to 1e-13.
    #[test]
    fn fast_path_covers_the_benchmark_distribution() {
        for fused in [false, true] {
            let mut rng = Lcg(42);
            let draw = |j: usize| {
                let f = 10.0 + 30.0 * rng.uniform();
                let k = f * (-0.5 + rng.uniform()).exp();
                let v = 0.3 + 1.2 * rng.uniform();
                let t = 0.02 + 0.98 * rng.uniform();
                let kind = if j % 2 == 0 { OptionKind::Call } else { OptionKind::Put };
                (kind, f, k, v, t, 0.04)
            };
            let c = if fused {
                coverage::<crate::simd::Fused>(100_000, draw)
            } else {
                coverage::<Unfused>(100_000, draw)
            };
            eprintln!("benchmark distribution, fused {fused}: {c:?}");
            assert!(c.fallback * 50 < c.lanes, "{c:?}");
            assert!(c.steps[3..].iter().all(|&s| s == 0), "{c:?}");
            assert!(c.worst_vol < 1e-12 && c.worst_reprice < 1e-13, "{c:?}");
        }
    }

    /// Short-dated wings (total volatility 0.005–0.5, |ln(F/K)| up to 1.5): most solutions lie
    /// where the direct difference of `b` cancels, and the Taylor series takes over.
    #[test]
    fn fast_path_covers_short_dated_wings() {
        for fused in [false, true] {
            let mut rng = Lcg(11);
            let draw = |j: usize| {
                let f = 20.0 + 10.0 * rng.uniform();
                let k = f * (3.0 * rng.uniform() - 1.5).exp();
                let v = 0.1 + 0.9 * rng.uniform();
                let t = (0.005 + 0.495 * rng.uniform()) / v;
                let t = t * t;
                let kind = if j % 2 == 0 { OptionKind::Call } else { OptionKind::Put };
                (kind, f, k, v, t, 0.03)
            };
            let c = if fused {
                coverage::<crate::simd::Fused>(100_000, draw)
            } else {
                coverage::<Unfused>(100_000, draw)
            };
            eprintln!("short-dated wings, fused {fused}: {c:?}");
            assert!(c.why[1] == 0 && c.why[2] * 100 < c.lanes, "{c:?}");
            assert!(c.worst_vol < 1e-12 && c.worst_reprice < 1e-13, "{c:?}");
        }
    }

    /// A wide distribution (moneyness e^{±3}, vol 0.7 %–150 %, expiry 0.02–20 y, rates −5 % to
    /// 20 %): what the fast path accepts is as accurate. (About 70 % of these lanes go to the
    /// scalar solver, nearly all with a solution beyond the fast `Φ`'s range: prices below about
    /// 1e-8 of the forward.)
    #[test]
    fn fast_path_is_accurate_on_a_wide_distribution() {
        let mut rng = Lcg(3);
        let c = coverage::<Unfused>(100_000, |j| {
            let f = (8.0 * rng.uniform() - 2.0).exp();
            let k = f * (6.0 * rng.uniform() - 3.0).exp();
            let v = (5.4 * rng.uniform() - 5.0).exp();
            let t = (6.9 * rng.uniform() - 4.0).exp();
            let r = -0.05 + 0.25 * rng.uniform();
            let kind = if j % 2 == 0 { OptionKind::Call } else { OptionKind::Put };
            (kind, f, k, v, t, r)
        });
        eprintln!("wide distribution: {c:?}");
        assert!(c.worst_vol < 1e-12 && c.worst_reprice < 1e-13, "{c:?}");
    }
}
