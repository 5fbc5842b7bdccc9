//! Black-76 (options on a futures price, e.g. VIX options on the VIX future) and
//! Black–Scholes with a continuous dividend yield (e.g. SPX options): price and greeks.
//!
//! # Formula
//! With forward `F`, strike `K`, volatility `σ`, time `T` (years), continuously compounded
//! rate `r`, discount factor `D = e^{−rT}`, `θ = +1` for a call and `−1` for a put,
//! `d₁ = ln(F/K)/(σ√T) + σ√T/2` and `d₂ = d₁ − σ√T`:
//!
//! `V = D θ [F Φ(θd₁) − K Φ(θd₂)]`.
//!
//! Black-76 greeks (derivatives with respect to the futures price `F`, `σ`, `T` and `r` holding
//! `F` fixed — the future does not move with the rate):
//! `Δ = D θ Φ(θd₁)`, `Γ = D φ(d₁)/(F σ√T)`, `ν = D F φ(d₁) √T`,
//! `Θ = −∂V/∂T = −D F φ(d₁) σ/(2√T) + r V`, `ρ = ∂V/∂r = −T V`.
//!
//! Black–Scholes on spot `S` with dividend yield `q` sets `F = S e^{(r−q)T}`; its greeks are with
//! respect to `S` (holding `q` fixed): `Δ = θ e^{−qT} Φ(θd₁)`, `Γ = e^{−qT} φ(d₁)/(S σ√T)`,
//! `ν = S e^{−qT} φ(d₁) √T`,
//! `Θ = −S e^{−qT} φ(d₁) σ/(2√T) − θ r K e^{−rT} Φ(θd₂) + θ q S e^{−qT} Φ(θd₁)`,
//! `ρ = θ K T e^{−rT} Φ(θd₂)`, and the dividend rho `∂V/∂q = −θ T S e^{−qT} Φ(θd₁)`.
//!
//! All greeks are true derivatives: per 1.0 of volatility and per year. The scaled variants
//! have their own names: `vega_per_vol_point = ν/100` and `theta_per_day = Θ/365` (calendar days,
//! 365 per year).
//!
//! Where the two terms of the price cancel (far out of the money), the price is recomputed from
//! the normalised Black function [`normalised_black`], which keeps full relative precision.
//!
//! # References
//! F. Black (1976), "The pricing of commodity contracts", J. Financial Economics 3;
//! F. Black and M. Scholes (1973); R. C. Merton (1973) for the dividend yield;
//! P. Jäckel (2015), "Let's Be Rational", Wilmott, for the normalised form.

use serde::{Deserialize, Serialize};

use crate::normal::{cdf_over_pdf, norm_cdf, norm_cdf_given_exp, FRAC_1_SQRT_2PI};
use crate::PricingError;

/// Calendar days per year used by [`Greeks::theta_per_day`].
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionKind {
    /// The right to buy.
    Call,
    /// The right to sell.
    Put,
}

impl OptionKind {
    /// `+1` for a call, `−1` for a put.
    #[inline]
    pub fn sign(self) -> f64 {
        match self {
            Self::Call => 1.0,
            Self::Put => -1.0,
        }
    }

    /// The other kind.
    pub fn flip(self) -> Self {
        match self {
            Self::Call => Self::Put,
            Self::Put => Self::Call,
        }
    }

    /// Payoff at expiry of one option on underlying level `underlying`.
    #[inline]
    pub fn payoff(self, underlying: f64, strike: f64) -> f64 {
        (self.sign() * (underlying - strike)).max(0.0)
    }

    /// `"call"` or `"put"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Put => "put",
        }
    }
}

/// Price and greeks of one option, all as true derivatives (per 1.0 of volatility, per year),
/// plus the two named scaled variants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Greeks {
    /// Present value.
    pub price: f64,
    /// `∂V/∂F` (Black-76) or `∂V/∂S` (Black–Scholes).
    pub delta: f64,
    /// Second derivative with respect to the underlying.
    pub gamma: f64,
    /// `∂V/∂σ`, per 1.0 of volatility.
    pub vega: f64,
    /// `−∂V/∂T`, per year of calendar time.
    pub theta: f64,
    /// `∂V/∂r`, per 1.0 of rate.
    pub rho: f64,
    /// `vega / 100`: value change per volatility point (0.01).
    pub vega_per_vol_point: f64,
    /// `theta / 365`: value change per calendar day.
    pub theta_per_day: f64,
}

impl Greeks {
    #[inline]
    fn new(price: f64, delta: f64, gamma: f64, vega: f64, theta: f64, rho: f64) -> Self {
        Self {
            price,
            delta,
            gamma,
            vega,
            theta,
            rho,
            vega_per_vol_point: vega / 100.0,
            theta_per_day: theta / DAYS_PER_YEAR,
        }
    }
}

/// Inputs of a Black-76 option on a futures (or forward) price.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Black76Inputs {
    /// Call or put.
    pub kind: OptionKind,
    /// Futures price of the same expiry as the option (> 0).
    pub forward: f64,
    /// Strike (> 0).
    pub strike: f64,
    /// Annualised volatility as a decimal (≥ 0).
    pub vol: f64,
    /// Time to expiry in years (≥ 0).
    pub t_years: f64,
    /// Continuously compounded discount rate (decimal).
    pub rate: f64,
}

impl Black76Inputs {
    /// Checks every field; see [`PricingError`].
    pub fn validate(&self) -> Result<(), PricingError> {
        PricingError::positive("forward", self.forward)?;
        PricingError::positive("strike", self.strike)?;
        PricingError::non_negative("vol", self.vol)?;
        PricingError::non_negative("t_years", self.t_years)?;
        PricingError::finite("rate", self.rate)?;
        Ok(())
    }
}

/// Inputs of a Black–Scholes option on a spot price with a continuous dividend yield.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlackScholesInputs {
    /// Call or put.
    pub kind: OptionKind,
    /// Spot price (> 0).
    pub spot: f64,
    /// Strike (> 0).
    pub strike: f64,
    /// Annualised volatility as a decimal (≥ 0).
    pub vol: f64,
    /// Time to expiry in years (≥ 0).
    pub t_years: f64,
    /// Continuously compounded risk-free rate (decimal).
    pub rate: f64,
    /// Continuously compounded dividend yield (decimal).
    pub div_yield: f64,
}

impl BlackScholesInputs {
    /// Checks every field; see [`PricingError`].
    pub fn validate(&self) -> Result<(), PricingError> {
        PricingError::positive("spot", self.spot)?;
        PricingError::positive("strike", self.strike)?;
        PricingError::non_negative("vol", self.vol)?;
        PricingError::non_negative("t_years", self.t_years)?;
        PricingError::finite("rate", self.rate)?;
        PricingError::finite("div_yield", self.div_yield)?;
        Ok(())
    }

    /// The forward `S e^{(r−q)T}`.
    pub fn forward(&self) -> f64 {
        self.spot * ((self.rate - self.div_yield) * self.t_years).exp()
    }
}

/// Black–Scholes greeks, with the dividend rho in addition to [`Greeks`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BlackScholesGreeks {
    /// Price and the common greeks (delta and gamma with respect to spot).
    #[serde(flatten)]
    pub greeks: Greeks,
    /// `∂V/∂q`, per 1.0 of dividend yield.
    pub dividend_rho: f64,
}

/// Normalised intrinsic value `max(θ(e^{x/2} − e^{−x/2}), 0)`.
#[inline]
pub fn normalised_intrinsic(x: f64, kind: OptionKind) -> f64 {
    let v = kind.sign() * 2.0 * (0.5 * x).sinh();
    v.max(0.0)
}

/// Normalised Black price `b(x, s, θ) = θ[e^{x/2} Φ(θ(x/s + s/2)) − e^{−x/2} Φ(θ(x/s − s/2))]`,
/// the Black-76 price divided by `D √(FK)`, with `x = ln(F/K)` and total volatility `s = σ√T`,
/// to full relative precision everywhere (no subtractive cancellation).
///
/// # Formula
/// By parity `b_put(x) = b_call(−x)` and `b_call(x) = 2 sinh(x/2) + b_call(−x)`, so only the out-
/// of-the-money call (`x ≤ 0`) is computed. With `h = x/s`, `t = s/2` and `Y(z) = Φ(z)/φ(z)`,
/// `b = φ(h) e^{−t²/2} [Y(h+t) − Y(h−t)]`. The difference is evaluated as
/// - the asymptotic series `Y(z) = Σ (−1)ⁿ (2n−1)!! (−z)^{−(2n+1)}` differenced term by term
///   through `p^m − q^m = (p − q) Σ p^i q^{m−1−i}` when `h + t < −10`,
/// - the Taylor series `2 Σ_{k odd} Y^{(k)}(h) t^k/k!` with `Y' = 1 + hY`,
///   `Y^{(n+1)} = hY^{(n)} + nY^{(n−1)}` when `t < 1/4`,
/// - directly otherwise (the two terms then differ by a sizeable fraction).
///
/// Returns 0 when `s ≤ 0` and the option is out of the money (the intrinsic value otherwise).
pub fn normalised_black(x: f64, s: f64, kind: OptionKind) -> f64 {
    let x = match kind {
        OptionKind::Call => x,
        OptionKind::Put => -x,
    };
    if x > 0.0 {
        2.0 * (0.5 * x).sinh() + normalised_black_call_otm(-x, s)
    } else {
        normalised_black_call_otm(x, s)
    }
}

/// `b_call(x, s)` for `x ≤ 0`.
#[inline]
pub(crate) fn normalised_black_call_otm(x: f64, s: f64) -> f64 {
    normalised_black_call_otm_and_vega(x, s).0
}

/// `(b_call(x, s), ∂b/∂s)` for `x ≤ 0`, sharing the exponential.
pub(crate) fn normalised_black_call_otm_and_vega(x: f64, s: f64) -> (f64, f64) {
    if s <= 0.0 || s.is_nan() {
        return (0.0, normalised_vega(x, s));
    }
    let h = x / s;
    let t = 0.5 * s;
    let a = h + t;
    if a < -10.0 {
        // Asymptotic series, differenced without cancellation.
        let p = -1.0 / a; // 1/w_a
        let q = -1.0 / (h - t); // 1/w_c, q < p
        let p2 = p * p;
        let pq = p + q;
        let mut g = 1.0; // G_1
        let mut qm = q; // q^1
        let mut coef: f64 = 1.0; // (−1)ⁿ (2n−1)!!
        let mut sum: f64 = 0.0;
        let mut prev = f64::INFINITY;
        for n in 0..60 {
            let term = coef * g;
            if term.abs() > prev {
                break;
            }
            sum += term;
            if term.abs() <= 1e-17 * sum.abs() {
                break;
            }
            prev = term.abs();
            coef *= -((2 * n + 1) as f64);
            g = p2 * g + qm * pq;
            qm *= q * q;
        }
        let d = 2.0 * t * p * q * sum;
        let pf = prefactor(h, t);
        (pf * d, pf)
    } else if t < 0.25 {
        // Taylor series in t around h (−10.25 ≤ h ≤ 0).
        let y0 = cdf_over_pdf(h);
        let y1 = h.mul_add(y0, 1.0);
        let (mut ym, mut y) = (y0, y1); // Y^{(n−1)}, Y^{(n)} with n = 1
        let t2 = t * t;
        let mut coef = t;
        let mut sum = y1 * t;
        let mut n = 1.0;
        for inv in TAYLOR_INV {
            let yn1 = h * y + n * ym;
            let yn2 = h * yn1 + (n + 1.0) * y;
            coef *= t2 * inv;
            let term = yn2 * coef;
            sum += term;
            ym = yn1;
            y = yn2;
            n += 2.0;
            if term.abs() <= 1e-17 * sum.abs() {
                break;
            }
        }
        let pf = prefactor(h, t);
        (pf * 2.0 * sum, pf)
    } else if a <= 0.0 {
        let pf = prefactor(h, t);
        (pf * (cdf_over_pdf(a) - cdf_over_pdf(h - t)), pf)
    } else {
        let b = (0.5 * x).exp() * norm_cdf(a) - (-0.5 * x).exp() * norm_cdf(h - t);
        (b, prefactor(h, t))
    }
}

/// `1/((n+1)(n+2))` for `n = 1, 3, 5, …`: the Taylor coefficient ratios `t^{n+2}/(n+2)! ÷ t^n/n!`.
pub(crate) const TAYLOR_INV: [f64; 20] = {
    let mut a = [0.0; 20];
    let mut j = 0;
    while j < 20 {
        let n = (2 * j + 1) as f64;
        a[j] = 1.0 / ((n + 1.0) * (n + 2.0));
        j += 1;
    }
    a
};

/// `φ(h) e^{−t²/2} = exp(−(h² + t²)/2)/√(2π)`. (`h = x/s` is itself rounded, so an exact split
/// of `h²` would not improve the result.)
#[inline]
fn prefactor(h: f64, t: f64) -> f64 {
    FRAC_1_SQRT_2PI * (-0.5 * (h * h + t * t)).exp()
}

/// Normalised vega `∂b/∂s = exp(−(x²/s² + s²/4)/2)/√(2π)` (the same for calls and puts).
#[inline]
pub fn normalised_vega(x: f64, s: f64) -> f64 {
    if s <= 0.0 {
        return if x == 0.0 { FRAC_1_SQRT_2PI } else { 0.0 };
    }
    prefactor(x / s, 0.5 * s)
}

/// The Black-76 kernel on raw numbers; inputs are assumed valid.
#[inline]
pub(crate) fn black76_kernel(sign: f64, f: f64, k: f64, vol: f64, t: f64, r: f64) -> Greeks {
    let df = (-r * t).exp();
    let sqrt_t = t.sqrt();
    let s = vol * sqrt_t;
    if s <= 0.0 || s.is_nan() {
        let intrinsic = (sign * (f - k)).max(0.0);
        let price = df * intrinsic;
        let itm = if f == k {
            0.5
        } else if sign * (f - k) > 0.0 {
            1.0
        } else {
            0.0
        };
        return Greeks::new(price, df * sign * itm, 0.0, 0.0, r * price, -t * price);
    }
    let fk = f / k;
    let x = fk.ln();
    let inv_s = 1.0 / s;
    let d1 = x * inv_s + 0.5 * s;
    let d2 = d1 - s;
    // One exponential serves the density and both tails: e^{−d₂²/2} = e^{−d₁²/2} F/K.
    // (d₁ carries a relative rounding of order ε, so splitting d₁² exactly would buy nothing.)
    let e1 = (-0.5 * d1 * d1).exp();
    let pdf = FRAC_1_SQRT_2PI * e1;
    let z1 = sign * d1;
    let z2 = sign * d2;
    let n1 = if z1.abs() <= 0.66 { norm_cdf(z1) } else { norm_cdf_given_exp(z1, e1) };
    let n2 = if z2.abs() <= 0.66 { norm_cdf(z2) } else { norm_cdf_given_exp(z2, e1 * fk) };
    let a = f * n1;
    let b = k * n2;
    let mut und = sign * (a - b);
    // Far out of the money the two terms cancel: use the cancellation-free normalised form
    // when more than 5 bits would be lost (the price then keeps ~32 ulp relative accuracy).
    if und < a.max(b) * (1.0 / 32.0) {
        let kind = if sign > 0.0 { OptionKind::Call } else { OptionKind::Put };
        und = (f * k).sqrt() * normalised_black(x, s, kind);
    }
    let price = df * und;
    let dpdf = df * pdf;
    let vega = dpdf * f * sqrt_t;
    // σ/T·√T = σ²/s, so the theta term needs no further division.
    Greeks::new(
        price,
        df * sign * n1,
        dpdf * inv_s / f,
        vega,
        -0.5 * dpdf * f * vol * vol * inv_s + r * price,
        -t * price,
    )
}

/// Black-76 price of an option on a futures price.
///
/// # Errors
/// [`PricingError`] when an input is out of its domain (see [`Black76Inputs::validate`]).
pub fn black76_price(inputs: &Black76Inputs) -> Result<f64, PricingError> {
    Ok(black76_greeks(inputs)?.price)
}

/// Black-76 price and all greeks in one pass (one `ln`, two `Φ`, one `φ`, one `exp` for the
/// discount factor).
///
/// # Errors
/// [`PricingError`] when an input is out of its domain (see [`Black76Inputs::validate`]).
pub fn black76_greeks(inputs: &Black76Inputs) -> Result<Greeks, PricingError> {
    inputs.validate()?;
    let i = inputs;
    Ok(black76_kernel(i.kind.sign(), i.forward, i.strike, i.vol, i.t_years, i.rate))
}

/// Black–Scholes price of an option on a spot price with a continuous dividend yield.
///
/// # Errors
/// [`PricingError`] when an input is out of its domain (see [`BlackScholesInputs::validate`]).
pub fn black_scholes_price(inputs: &BlackScholesInputs) -> Result<f64, PricingError> {
    Ok(black_scholes_greeks(inputs)?.greeks.price)
}

/// Black–Scholes price and all greeks (with respect to spot), in one pass.
///
/// # Errors
/// [`PricingError`] when an input is out of its domain (see [`BlackScholesInputs::validate`]).
pub fn black_scholes_greeks(
    inputs: &BlackScholesInputs,
) -> Result<BlackScholesGreeks, PricingError> {
    inputs.validate()?;
    let i = inputs;
    let sign = i.kind.sign();
    let t = i.t_years;
    let f = i.forward();
    let g = black76_kernel(sign, f, i.strike, i.vol, t, i.rate);
    // Translate from the forward to spot: ∂F/∂S = e^{(r−q)T}.
    let carry = f / i.spot;
    let delta = g.delta * carry;
    let gamma = g.gamma * carry * carry;
    // S·Δ = θ S e^{−qT} Φ(θd₁); the strike leg θ K e^{−rT} Φ(θd₂) follows from the price.
    let spot_term = i.spot * delta;
    let strike_term = spot_term - g.price; // θ K e^{−rT} Φ(θd₂)
    let vega = g.vega;
    // Θ = −∂V/∂T at fixed S: the Black-76 theta at fixed F plus the forward drift term.
    // ∂F/∂T = (r − q)F, so −∂V/∂T|_S = Θ_F − (r − q) F ∂V/∂F.
    let theta = g.theta - (i.rate - i.div_yield) * f * g.delta;
    // ∂V/∂r|_S = ρ_F + T F ∂V/∂F = θ K T e^{−rT} Φ(θd₂).
    let rho = t * strike_term;
    let dividend_rho = -t * spot_term;
    Ok(BlackScholesGreeks {
        greeks: Greeks::new(g.price, delta, gamma, vega, theta, rho),
        dividend_rho,
    })
}
