//! Implied volatility to machine precision, after Jäckel's "Let's Be Rational" (2015).
//!
//! # Formula
//! The Black-76 price is written as `V = D √(FK) · b(x, s, θ)` with `x = ln(F/K)` and total
//! volatility `s = σ√T` (see [`crate::black::normalised_black`]). Subtracting the normalised
//! intrinsic value and using `b_put(x) = b_call(−x)` reduces every problem to an out-of-the-money
//! call, `x ≤ 0`, with normalised price `β ∈ (0, e^{x/2})`.
//!
//! The initial guess comes from four branches around the inflection point `s_c = √(2|x|)`:
//! with `b_c = b(s_c)`, the tangent at `s_c` meets `b = 0` at `s_l` and `b = e^{x/2}` at `s_u`.
//! - `β < b_l`: the lower map `f(s) = (2π/√27)|x| Φ(−|x|/(√3 s))³`, interpolated in `β` by a
//!   convexity-preserving rational cubic on `[0, b_l]` and inverted exactly;
//! - `b_l ≤ β ≤ b_c` and `b_c < β ≤ b_u`: the rational cubic interpolation of `s(β)` itself
//!   using `s'(β) = 1/b'(s)` at both ends;
//! - `β > b_u`: the upper map `f(s) = Φ(−s/2)`, interpolated on `[b_u, e^{x/2}]` and inverted.
//!
//! The guess is refined by Householder iterations of order three,
//! `s ← s + ν (1 + ν h₂/2)/(1 + ν (h₂ + ν h₃/6))` with `ν = −g/g'`, `h₂ = g''/g'`, `h₃ = g'''/g'`,
//! on `g = 1/ln b(s) − 1/ln β` (lower branch), `g = ln((e^{x/2} − β)/(e^{x/2} − b(s)))` (upper
//! branch, when `β > e^{x/2}/2`) or `g = b(s) − β`, using
//! `b''/b' = x²/s³ − s/4` and `b'''/b' = (x²/s³ − s/4)² − 3x²/s⁴ − 1/4`. Two iterations reach
//! machine precision; the iteration keeps a bracket and bisects if it ever leaves it.
//!
//! # References
//! P. Jäckel (2015), "Let's Be Rational", Wilmott 2015(75), pp. 40–53;
//! R. Delbourgo and J. A. Gregory (1985), "Shape preserving piecewise rational interpolation",
//! SIAM J. Sci. Stat. Comput. 6(4) (the rational cubic form).

use serde::{Deserialize, Serialize};

use crate::black::{
    normalised_black_call_otm, normalised_black_call_otm_and_vega, normalised_intrinsic,
    normalised_vega, OptionKind,
};
use crate::normal::{inverse_norm_cdf, norm_cdf, SQRT_PI_OVER_2};
use crate::PricingError;

/// Householder iterations after the rational initial guess.
const ITERATIONS: usize = 2;
const TWO_PI: f64 = std::f64::consts::TAU;
const SQRT_THREE: f64 = 1.732_050_807_568_877_2;
/// `2π/√27`.
const TWO_PI_OVER_SQRT_27: f64 = 1.209_199_576_156_145_2;
const MIN_R: f64 = -(1.0 - 1.490_116_119_384_765_6e-8);
const MAX_R: f64 = 2.0 / (f64::EPSILON * f64::EPSILON);

/// Inputs for a Black-76 implied volatility.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImpliedVolInputs {
    /// Call or put.
    pub kind: OptionKind,
    /// The option's present value.
    pub price: f64,
    /// Futures price of the option's expiry (> 0).
    pub forward: f64,
    /// Strike (> 0).
    pub strike: f64,
    /// Time to expiry in years (> 0).
    pub t_years: f64,
    /// Continuously compounded discount rate (decimal).
    pub rate: f64,
}

/// Inputs for a Black–Scholes implied volatility (spot with continuous dividend yield).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlackScholesImpliedVolInputs {
    /// Call or put.
    pub kind: OptionKind,
    /// The option's present value.
    pub price: f64,
    /// Spot price (> 0).
    pub spot: f64,
    /// Strike (> 0).
    pub strike: f64,
    /// Time to expiry in years (> 0).
    pub t_years: f64,
    /// Continuously compounded risk-free rate (decimal).
    pub rate: f64,
    /// Continuously compounded dividend yield (decimal).
    pub div_yield: f64,
}

/// The Black-76 implied volatility (annualised decimal).
///
/// # Bounds
/// The price of a Black-76 option increases strictly with the volatility from the discounted
/// intrinsic value `L = D max(θ(F − K), 0)` at `σ = 0` towards `U = D F` (call) or `U = D K`
/// (put) as `σ → ∞`, with `D = e^{−rT}`. So a volatility exists exactly for prices in
/// `[L, U)`: the lower bound is attained (at `σ = 0`, returned as `Ok(0.0)` when the price
/// equals `L` exactly), the upper bound never is. The bounds are checked on the prices as given,
/// before normalisation, so a price exactly at a bound is classified by that comparison and not
/// by the rounding of `price / (D √(FK))`.
///
/// # Errors
/// [`PricingError::PriceOutOfBounds`] (with `L` and `U`) when the price is below `L` or at or
/// above `U`; other [`PricingError`] variants for invalid inputs.
pub fn implied_vol_black76(inputs: &ImpliedVolInputs) -> Result<f64, PricingError> {
    let i = inputs;
    PricingError::non_negative("price", i.price)?;
    PricingError::positive("forward", i.forward)?;
    PricingError::positive("strike", i.strike)?;
    PricingError::positive("t_years", i.t_years)?;
    PricingError::finite("rate", i.rate)?;
    let df = (-i.rate * i.t_years).exp();
    let (lower, upper) = match i.kind {
        OptionKind::Call => ((df * (i.forward - i.strike)).max(0.0), df * i.forward),
        OptionKind::Put => ((df * (i.strike - i.forward)).max(0.0), df * i.strike),
    };
    let s = implied_total_vol_within(i.kind, i.price, i.forward, i.strike, df, (lower, upper))?;
    Ok(s / i.t_years.sqrt())
}

/// The Black–Scholes implied volatility (annualised decimal), via the forward `S e^{(r−q)T}`.
///
/// # Bounds
/// As [`implied_vol_black76`], with the bounds written on spot as Black–Scholes states them:
/// `L = max(θ(S e^{−qT} − K e^{−rT}), 0)` (attained at `σ = 0`: `Ok(0.0)`) and
/// `U = S e^{−qT}` (call) or `U = K e^{−rT}` (put), never attained. (`D F` rounds differently
/// from `S e^{−qT}`; a call priced at exactly `S e^{−qT}` is refused, not solved to a huge vol.)
///
/// # Errors
/// As [`implied_vol_black76`].
pub fn implied_vol_black_scholes(
    inputs: &BlackScholesImpliedVolInputs,
) -> Result<f64, PricingError> {
    let i = inputs;
    PricingError::non_negative("price", i.price)?;
    PricingError::positive("spot", i.spot)?;
    PricingError::positive("strike", i.strike)?;
    PricingError::finite("div_yield", i.div_yield)?;
    PricingError::finite("rate", i.rate)?;
    PricingError::positive("t_years", i.t_years)?;
    let df = (-i.rate * i.t_years).exp();
    let spot_pv = i.spot * (-i.div_yield * i.t_years).exp();
    let strike_pv = i.strike * df;
    let (lower, upper) = match i.kind {
        OptionKind::Call => ((spot_pv - strike_pv).max(0.0), spot_pv),
        OptionKind::Put => ((strike_pv - spot_pv).max(0.0), strike_pv),
    };
    let forward = i.spot * ((i.rate - i.div_yield) * i.t_years).exp();
    let s = implied_total_vol_within(i.kind, i.price, forward, i.strike, df, (lower, upper))?;
    Ok(s / i.t_years.sqrt())
}

/// Total implied volatility for a price checked against the model's own bounds `[L, U)`
/// (see [`implied_vol_black76`]): `L` gives 0, outside is an error; inside, the normalised
/// price is clamped into its open interval so that rounding in the normalisation cannot turn
/// an admissible price into an error.
fn implied_total_vol_within(
    kind: OptionKind,
    price: f64,
    forward: f64,
    strike: f64,
    df: f64,
    (lower, upper): (f64, f64),
) -> Result<f64, PricingError> {
    if price < lower || price >= upper {
        return Err(PricingError::PriceOutOfBounds { price, lower, upper });
    }
    if price == lower {
        return Ok(0.0);
    }
    let beta = price / (df * (forward * strike).sqrt());
    let x = (forward / strike).ln();
    let intrinsic = normalised_intrinsic(x, kind);
    let b_upper = (0.5 * kind.sign() * x).exp();
    // Strictly inside in price space: the normalised price is inside too, up to rounding.
    // (`max` then `min`, not `clamp`: far in the money the two bounds can round together.)
    let beta = beta.max(intrinsic).min(b_upper * (1.0 - f64::EPSILON));
    normalised_implied_vol(beta, x, kind).map_err(|e| match e {
        PricingError::PriceOutOfBounds { .. } => {
            PricingError::PriceOutOfBounds { price, lower, upper }
        }
        other => other,
    })
}

/// Total implied volatility `σ√T` from an undiscounted-by-`df` price; inputs assumed finite.
/// The bounds are the Black-76 ones, `[D max(θ(F − K), 0), D F or D K)`.
pub(crate) fn implied_total_vol(
    kind: OptionKind,
    price: f64,
    forward: f64,
    strike: f64,
    df: f64,
) -> Result<f64, PricingError> {
    let lower = df * kind.payoff(forward, strike);
    let upper = df * if kind == OptionKind::Call { forward } else { strike };
    implied_total_vol_within(kind, price, forward, strike, df, (lower, upper))
}

/// Total implied volatility `s` with `b(x, s, θ) = β` for a normalised price `β` and
/// log-moneyness `x = ln(F/K)`.
///
/// # Errors
/// [`PricingError::PriceOutOfBounds`] (normalised bounds) when `β` lies outside
/// `[intrinsic, upper)`; [`PricingError::NotFinite`] when `β` or `x` is not finite.
pub fn normalised_implied_vol(beta: f64, x: f64, kind: OptionKind) -> Result<f64, PricingError> {
    PricingError::finite("normalised price", beta)?;
    PricingError::finite("log-moneyness", x)?;
    let intrinsic = normalised_intrinsic(x, kind);
    let upper = (0.5 * kind.sign() * x).exp();
    // The reduced (out-of-the-money call) problem's upper bound e^{−|x|/2}.
    let b_max = if kind.sign() * x > 0.0 { (-0.5 * x.abs()).exp() } else { upper };
    if beta < intrinsic || beta >= upper {
        return Err(PricingError::PriceOutOfBounds { price: beta, lower: intrinsic, upper });
    }
    // Reduce to an out-of-the-money call with x ≤ 0.
    let mut b = beta;
    let mut theta = kind.sign();
    if theta * x > 0.0 {
        b = (b - intrinsic).max(0.0);
        theta = -theta;
    }
    let x = if theta < 0.0 { -x } else { x };
    if b <= 0.0 {
        return Ok(0.0);
    }
    // β < upper was checked; the subtraction of the intrinsic value can still round the time value
    // up to its bound. The volatility is then as large as double precision can resolve.
    let b = b.min(b_max * (1.0 - f64::EPSILON));
    Ok(lets_be_rational(b, x, b_max))
}

#[inline]
fn householder_factor(newton: f64, halley: f64, hh3: f64) -> f64 {
    (1.0 + 0.5 * halley * newton) / (1.0 + newton * (halley + hh3 * newton / 6.0))
}

/// Core solver for the out-of-the-money call: `0 < beta < b_max = e^{x/2}`, `x ≤ 0`.
fn lets_be_rational(beta: f64, x: f64, b_max: f64) -> f64 {
    let mut s_left = f64::MIN_POSITIVE;
    let mut s_right = f64::MAX;
    let s_c = (2.0 * x.abs()).sqrt();
    let (b_c, v_c) = normalised_black_call_otm_and_vega(x, s_c);
    let s;
    if beta < b_c {
        let s_l = s_c - b_c / v_c;
        if s_l <= 0.0 || s_l.is_nan() {
            // Only for |x| within rounding of 0: start from the linear guess below s_c.
            return iterate(beta, x, s_c * beta / b_c, s_left, s_c, Objective::Plain);
        }
        let b_l = normalised_black_call_otm(x, s_l);
        if beta < b_l {
            let (f_l, fp_l, fpp_l) = lower_map_and_derivatives(x, s_l);
            let r = convex_r_right(0.0, b_l, 0.0, f_l, 1.0, fp_l, fpp_l, true);
            let mut f = rational_cubic(beta, 0.0, b_l, 0.0, f_l, 1.0, fp_l, r);
            if f <= 0.0 || f.is_nan() {
                let t = beta / b_l;
                f = (f_l * t + b_l * (1.0 - t)) * t;
            }
            s = inverse_lower_map(x, f);
            s_right = s_l;
            return iterate(beta, x, s, s_left, s_right, Objective::Lower);
        }
        let v_l = normalised_vega(x, s_l);
        let r = convex_r_right(b_l, b_c, s_l, s_c, 1.0 / v_l, 1.0 / v_c, 0.0, false);
        s = rational_cubic(beta, b_l, b_c, s_l, s_c, 1.0 / v_l, 1.0 / v_c, r);
        s_left = s_l;
        s_right = s_c;
    } else {
        let s_h = if v_c > f64::MIN_POSITIVE { s_c + (b_max - b_c) / v_c } else { s_c };
        let b_h = normalised_black_call_otm(x, s_h);
        if beta <= b_h {
            let v_h = normalised_vega(x, s_h);
            let r = convex_r_left(b_c, b_h, s_c, s_h, 1.0 / v_c, 1.0 / v_h, 0.0, false);
            s = rational_cubic(beta, b_c, b_h, s_c, s_h, 1.0 / v_c, 1.0 / v_h, r);
            s_left = s_c;
            s_right = s_h;
        } else {
            let (f_h, fp_h, fpp_h) = upper_map_and_derivatives(x, s_h);
            let mut f = -1.0;
            let lim = f64::MAX.sqrt();
            if fpp_h > -lim && fpp_h < lim {
                let r = convex_r_left(b_h, b_max, f_h, 0.0, fp_h, -0.5, fpp_h, true);
                f = rational_cubic(beta, b_h, b_max, f_h, 0.0, fp_h, -0.5, r);
            }
            if f <= 0.0 || f.is_nan() {
                let h = b_max - b_h;
                let t = (beta - b_h) / h;
                f = (f_h * (1.0 - t) + 0.5 * h * t) * (1.0 - t);
            }
            s = -2.0 * inverse_norm_cdf(f);
            s_left = s_h;
            if beta > 0.5 * b_max {
                return iterate(beta, x, s, s_left, s_right, Objective::Upper(b_max));
            }
        }
    }
    iterate(beta, x, s, s_left, s_right, Objective::Plain)
}

#[derive(Clone, Copy)]
enum Objective {
    Lower,
    Upper(f64),
    Plain,
}

fn iterate(
    beta: f64,
    x: f64,
    mut s: f64,
    mut s_left: f64,
    mut s_right: f64,
    obj: Objective,
) -> f64 {
    let mut ds = -f64::MAX;
    let mut ds_previous = 0.0;
    let mut reversals = 0;
    let ln_beta = beta.ln();
    let mut iteration = 0;
    while iteration < ITERATIONS && ds.abs() > f64::EPSILON * s {
        if ds * ds_previous < 0.0 {
            reversals += 1;
        }
        if iteration > 0 && (reversals == 3 || !(s > s_left && s < s_right)) {
            s = 0.5 * (s_left + s_right);
            if s_right - s_left <= f64::EPSILON * s {
                break;
            }
            reversals = 0;
            ds = 0.0;
        }
        ds_previous = ds;
        let (b, bp) = normalised_black_call_otm_and_vega(x, s);
        if b > beta && s < s_right {
            s_right = s;
        } else if b < beta && s > s_left {
            s_left = s;
        }
        let h = x / s;
        let b_halley = h * h / s - s / 4.0;
        let b_hh3 = b_halley * b_halley - 3.0 * (h / s) * (h / s) - 0.25;
        ds = match obj {
            Objective::Lower => {
                if b <= 0.0 || bp <= 0.0 {
                    0.5 * (s_left + s_right) - s
                } else {
                    let ln_b = b.ln();
                    let bpob = bp / b;
                    let newton = (ln_beta - ln_b) * ln_b / ln_beta / bpob;
                    let halley = b_halley - bpob * (1.0 + 2.0 / ln_b);
                    let hh3 = b_hh3 + 2.0 * bpob * bpob * (1.0 + 3.0 / ln_b * (1.0 + 1.0 / ln_b))
                        - 3.0 * b_halley * bpob * (1.0 + 2.0 / ln_b);
                    newton * householder_factor(newton, halley, hh3)
                }
            }
            Objective::Upper(b_max) => {
                if b >= b_max || bp <= f64::MIN_POSITIVE {
                    0.5 * (s_left + s_right) - s
                } else {
                    let rest = b_max - b;
                    let g = ((b_max - beta) / rest).ln();
                    let gp = bp / rest;
                    let newton = -g / gp;
                    let halley = b_halley + gp;
                    let hh3 = b_hh3 + gp * (2.0 * gp + 3.0 * b_halley);
                    newton * householder_factor(newton, halley, hh3)
                }
            }
            Objective::Plain => {
                if bp <= 0.0 {
                    0.5 * (s_left + s_right) - s
                } else {
                    let newton = (beta - b) / bp;
                    newton * householder_factor(newton, b_halley, b_hh3)
                }
            }
        };
        ds = ds.max(-0.5 * s);
        s += ds;
        iteration += 1;
    }
    s
}

/// Lower map `f(s) = (2π/√27)|x| Φ(−z)³`, `z = |x|/(√3 s)`, and `df/dβ`, `d²f/dβ²`.
fn lower_map_and_derivatives(x: f64, s: f64) -> (f64, f64, f64) {
    let ax = x.abs();
    let z = ax / (SQRT_THREE * s);
    let y = z * z;
    let s2 = s * s;
    let phi_c = norm_cdf(-z);
    let pdf = crate::normal::norm_pdf(z);
    let fpp = std::f64::consts::PI / 6.0 * y / (s2 * s)
        * phi_c
        * (8.0 * SQRT_THREE * s * ax + (3.0 * s2 * (s2 - 8.0) - 8.0 * x * x) * phi_c / pdf)
        * (2.0 * y + 0.25 * s2).exp();
    let phi2 = phi_c * phi_c;
    let fp = TWO_PI * y * phi2 * (y + 0.125 * s2).exp();
    let f = TWO_PI_OVER_SQRT_27 * ax * (phi2 * phi_c);
    (f, fp, fpp)
}

fn inverse_lower_map(x: f64, f: f64) -> f64 {
    if f <= 0.0 {
        return 0.0;
    }
    let p = (f / (TWO_PI_OVER_SQRT_27 * x.abs())).cbrt();
    (x / (SQRT_THREE * inverse_norm_cdf(p))).abs()
}

/// Upper map `f(s) = Φ(−s/2)` and `df/dβ`, `d²f/dβ²`.
fn upper_map_and_derivatives(x: f64, s: f64) -> (f64, f64, f64) {
    let f = norm_cdf(-0.5 * s);
    if x == 0.0 {
        return (f, -0.5, 0.0);
    }
    let w = (x / s) * (x / s);
    let fp = -0.5 * (0.5 * w).exp();
    let fpp = SQRT_PI_OVER_2 * (w + 0.125 * s * s).exp() * w / s;
    (f, fp, fpp)
}

/// Delbourgo–Gregory rational cubic through `(x_l, y_l)`, `(x_r, y_r)` with end slopes
/// `d_l`, `d_r` and control parameter `r` (`r = 3` is the cubic Hermite, `r → ∞` linear).
#[allow(clippy::too_many_arguments)]
fn rational_cubic(
    x: f64,
    x_l: f64,
    x_r: f64,
    y_l: f64,
    y_r: f64,
    d_l: f64,
    d_r: f64,
    r: f64,
) -> f64 {
    let h = x_r - x_l;
    if h.abs() <= 0.0 {
        return 0.5 * (y_l + y_r);
    }
    let t = (x - x_l) / h;
    if r < MAX_R {
        let omt = 1.0 - t;
        let t2 = t * t;
        let omt2 = omt * omt;
        (y_r * t2 * t
            + (r * y_r - h * d_r) * t2 * omt
            + (r * y_l + h * d_l) * t * omt2
            + y_l * omt2 * omt)
            / (1.0 + (r - 3.0) * t * omt)
    } else {
        y_r * t + y_l * (1.0 - t)
    }
}

fn is_zero(v: f64) -> bool {
    v.abs() < f64::MIN_POSITIVE
}

/// The smallest control parameter keeping the interpolant monotone and convex/concave as the
/// data are.
fn minimum_r(d_l: f64, d_r: f64, s: f64, prefer_shape: bool) -> f64 {
    let monotonic = d_l * s >= 0.0 && d_r * s >= 0.0;
    let convex = d_l <= s && s <= d_r;
    let concave = d_l >= s && s >= d_r;
    if !monotonic && !convex && !concave {
        return MIN_R;
    }
    let d_r_m_d_l = d_r - d_l;
    let d_r_m_s = d_r - s;
    let s_m_d_l = s - d_l;
    let mut r1 = -f64::MAX;
    let mut r2 = -f64::MAX;
    if monotonic {
        if !is_zero(s) {
            r1 = (d_r + d_l) / s;
        } else if prefer_shape {
            r1 = MAX_R;
        }
    }
    if convex || concave {
        if !(is_zero(s_m_d_l) || is_zero(d_r_m_s)) {
            r2 = (d_r_m_d_l / d_r_m_s).abs().max((d_r_m_d_l / s_m_d_l).abs());
        } else if prefer_shape {
            r2 = MAX_R;
        }
    } else if monotonic && prefer_shape {
        r2 = MAX_R;
    }
    MIN_R.max(r1.max(r2))
}

/// Control parameter matching the second derivative `dd_l` at the left end, bounded below by
/// [`minimum_r`].
#[allow(clippy::too_many_arguments)]
fn convex_r_left(
    x_l: f64,
    x_r: f64,
    y_l: f64,
    y_r: f64,
    d_l: f64,
    d_r: f64,
    dd_l: f64,
    prefer: bool,
) -> f64 {
    let h = x_r - x_l;
    let num = 0.5 * h * dd_l + (d_r - d_l);
    let den = (y_r - y_l) / h - d_l;
    let r = if is_zero(num) {
        0.0
    } else if is_zero(den) {
        if num > 0.0 {
            MAX_R
        } else {
            MIN_R
        }
    } else {
        num / den
    };
    r.max(minimum_r(d_l, d_r, (y_r - y_l) / h, prefer))
}

/// Control parameter matching the second derivative `dd_r` at the right end, bounded below by
/// [`minimum_r`].
#[allow(clippy::too_many_arguments)]
fn convex_r_right(
    x_l: f64,
    x_r: f64,
    y_l: f64,
    y_r: f64,
    d_l: f64,
    d_r: f64,
    dd_r: f64,
    prefer: bool,
) -> f64 {
    let h = x_r - x_l;
    let num = 0.5 * h * dd_r + (d_r - d_l);
    let den = d_r - (y_r - y_l) / h;
    let r = if is_zero(num) {
        0.0
    } else if is_zero(den) {
        if num > 0.0 {
            MAX_R
        } else {
            MIN_R
        }
    } else {
        num / den
    };
    r.max(minimum_r(d_l, d_r, (y_r - y_l) / h, prefer))
}
