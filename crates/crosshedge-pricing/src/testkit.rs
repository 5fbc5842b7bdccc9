//! A conformance harness every option pricing model must pass (in the spirit of statrs'
//! `check_continuous_distribution`): put-call parity, no-arbitrage bounds, monotonicity in
//! strike and volatility, and greeks against central finite differences.
//!
//! Implement [`PricingModel`] for a model (Black-76 and Black–Scholes are provided; the
//! options-AMM of `crosshedge-defi` can implement it too) and call [`check_pricing_model`] on
//! a set of [`ModelPoint`]s.

use crate::black::{
    black76_greeks, black_scholes_greeks, Black76Inputs, BlackScholesInputs, Greeks, OptionKind,
};
use crate::PricingError;

/// One point of a model's parameter space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelPoint {
    /// The underlying the greeks differentiate against (futures price or spot).
    pub underlying: f64,
    /// Strike.
    pub strike: f64,
    /// Volatility (annualised decimal).
    pub vol: f64,
    /// Years to expiry.
    pub t_years: f64,
    /// Discount rate (continuously compounded decimal).
    pub rate: f64,
}

/// What the harness needs from a pricing model.
pub trait PricingModel {
    /// A name for failure messages.
    fn name(&self) -> &'static str;
    /// Price and greeks (true derivatives: per unit of underlying, per 1.0 of vol, per year).
    ///
    /// # Errors
    /// The model's own domain errors.
    fn greeks(&self, kind: OptionKind, point: &ModelPoint) -> Result<Greeks, PricingError>;
    /// Present value of the underlying delivered at expiry, `D·F` (the call's upper bound and the
    /// first term of put-call parity `C − P = D·F − D·K`).
    fn discounted_forward(&self, point: &ModelPoint) -> f64;
    /// The discount factor `D = e^{−rT}`.
    fn discount(&self, point: &ModelPoint) -> f64 {
        (-point.rate * point.t_years).exp()
    }
}

/// Black-76: the underlying is the futures price.
#[derive(Clone, Copy, Debug, Default)]
pub struct Black76Model;

impl PricingModel for Black76Model {
    fn name(&self) -> &'static str {
        "black76"
    }
    fn greeks(&self, kind: OptionKind, p: &ModelPoint) -> Result<Greeks, PricingError> {
        black76_greeks(&Black76Inputs {
            kind,
            forward: p.underlying,
            strike: p.strike,
            vol: p.vol,
            t_years: p.t_years,
            rate: p.rate,
        })
    }
    fn discounted_forward(&self, p: &ModelPoint) -> f64 {
        self.discount(p) * p.underlying
    }
}

/// Black–Scholes with a continuous dividend yield: the underlying is spot.
#[derive(Clone, Copy, Debug, Default)]
pub struct BlackScholesModel {
    /// Continuously compounded dividend yield.
    pub div_yield: f64,
}

impl PricingModel for BlackScholesModel {
    fn name(&self) -> &'static str {
        "black-scholes"
    }
    fn greeks(&self, kind: OptionKind, p: &ModelPoint) -> Result<Greeks, PricingError> {
        Ok(black_scholes_greeks(&BlackScholesInputs {
            kind,
            spot: p.underlying,
            strike: p.strike,
            vol: p.vol,
            t_years: p.t_years,
            rate: p.rate,
            div_yield: self.div_yield,
        })?
        .greeks)
    }
    fn discounted_forward(&self, p: &ModelPoint) -> f64 {
        p.underlying * (-self.div_yield * p.t_years).exp()
    }
}

/// Number of checks passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConformanceReport {
    /// Individual assertions that passed.
    pub checks: usize,
}

/// Runs every conformance check at every point; `Err` describes the first failure.
///
/// Tolerances (relative to the scale `D·F + D·K` of the point): parity and bounds `1e-12`;
/// monotonicity `1e-12`; finite differences `2e-6` relative to the larger of the analytic greek
/// and the greek's natural scale (delta: 1, gamma: `1/(F σ√T)`·D, vega/theta/rho: the price
/// scale), with bumps `1e-4·F·σ√T` (delta; gamma as the central difference of the analytic delta), `1e-5` (vega, rho) and
/// `min(1e-5, T/10)` (theta).
///
/// # Errors
/// A message naming the model, the point, the check and the numbers.
pub fn check_pricing_model<M: PricingModel + ?Sized>(
    model: &M,
    points: &[ModelPoint],
) -> Result<ConformanceReport, String> {
    let mut checks = 0;
    let fail = |p: &ModelPoint, what: String| format!("{}: {what} at {p:?}", model.name());
    let price = |k: OptionKind, p: &ModelPoint| {
        model.greeks(k, p).map(|g| g.price).map_err(|e| fail(p, e.to_string()))
    };
    for p in points {
        let d = model.discount(p);
        let df = model.discounted_forward(p);
        let dk = d * p.strike;
        let scale = df + dk;
        let tol = 1e-12 * scale;
        let c = model.greeks(OptionKind::Call, p).map_err(|e| fail(p, e.to_string()))?;
        let q = model.greeks(OptionKind::Put, p).map_err(|e| fail(p, e.to_string()))?;
        // Put-call parity.
        let parity = c.price - q.price - (df - dk);
        if parity.abs() > tol {
            return Err(fail(p, format!("put-call parity off by {parity:e}")));
        }
        // No-arbitrage bounds.
        if c.price < (df - dk).max(0.0) - tol || c.price > df + tol {
            return Err(fail(
                p,
                format!("call {} outside [{}, {df}]", c.price, (df - dk).max(0.0)),
            ));
        }
        if q.price < (dk - df).max(0.0) - tol || q.price > dk + tol {
            return Err(fail(p, format!("put {} outside [{}, {dk}]", q.price, (dk - df).max(0.0))));
        }
        checks += 3;
        // Monotonicity in strike and volatility.
        let up_k = ModelPoint { strike: p.strike * 1.01, ..*p };
        let up_v = ModelPoint { vol: p.vol * 1.01 + 1e-3, ..*p };
        if price(OptionKind::Call, &up_k)? > c.price + tol {
            return Err(fail(p, "call price rises with the strike".into()));
        }
        if price(OptionKind::Put, &up_k)? < q.price - tol {
            return Err(fail(p, "put price falls with the strike".into()));
        }
        if price(OptionKind::Call, &up_v)? < c.price - tol
            || price(OptionKind::Put, &up_v)? < q.price - tol
        {
            return Err(fail(p, "price falls with volatility".into()));
        }
        checks += 3;
        // Greeks against central finite differences.
        for (kind, g) in [(OptionKind::Call, c), (OptionKind::Put, q)] {
            let v = |pt: ModelPoint| price(kind, &pt);
            // The price curves on the scale F·σ√T, so the bump is a fraction of that.
            let h = 1e-4 * p.underlying * (p.vol * p.t_years.sqrt()).clamp(1e-3, 1.0);
            let delta = (v(ModelPoint { underlying: p.underlying + h, ..*p })?
                - v(ModelPoint { underlying: p.underlying - h, ..*p })?)
                / (2.0 * h);
            // Gamma as the central difference of the analytic delta.
            let dlt = |pt: ModelPoint| {
                model.greeks(kind, &pt).map(|g| g.delta).map_err(|e| fail(&pt, e.to_string()))
            };
            let gamma = (dlt(ModelPoint { underlying: p.underlying + h, ..*p })?
                - dlt(ModelPoint { underlying: p.underlying - h, ..*p })?)
                / (2.0 * h);
            let hv = 1e-5;
            let vega = (v(ModelPoint { vol: p.vol + hv, ..*p })?
                - v(ModelPoint { vol: p.vol - hv, ..*p })?)
                / (2.0 * hv);
            let ht = (1e-5f64).min(p.t_years / 10.0);
            let theta = -(v(ModelPoint { t_years: p.t_years + ht, ..*p })?
                - v(ModelPoint { t_years: p.t_years - ht, ..*p })?)
                / (2.0 * ht);
            let hr = 1e-5;
            let rho = (v(ModelPoint { rate: p.rate + hr, ..*p })?
                - v(ModelPoint { rate: p.rate - hr, ..*p })?)
                / (2.0 * hr);
            let sqrt_t = p.t_years.sqrt();
            let gamma_scale = d / (p.underlying * p.vol.max(1e-3) * sqrt_t);
            let price_scale = scale.max(1e-12);
            for (name, analytic, fd, natural) in [
                ("delta", g.delta, delta, 1.0),
                ("gamma", g.gamma, gamma, gamma_scale),
                ("vega", g.vega, vega, price_scale),
                ("theta", g.theta, theta, price_scale),
                ("rho", g.rho, rho, price_scale * p.t_years.max(1e-3)),
            ] {
                let allowed = 2e-6 * analytic.abs().max(natural * 1e-3).max(1e-300);
                if (analytic - fd).abs() > allowed.max(1e-9 * natural) {
                    return Err(fail(
                        p,
                        format!("{kind:?} {name}: analytic {analytic} vs finite difference {fd}"),
                    ));
                }
                checks += 1;
            }
        }
    }
    Ok(ConformanceReport { checks })
}
