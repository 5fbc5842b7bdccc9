//! An options-AMM liquidity position as a short option book.
//!
//! # Abstraction
//! In options AMMs (Lyra, Premia, Panoptic-style designs) liquidity providers deposit
//! collateral into a pool that **sells** options to traders. Whatever the pricing mechanism,
//! the LP's economic position is the same: a set of short options with quantities, the premiums
//! and trading fees received, the collateral, and (optionally, as Lyra does) a delta hedge in the
//! underlying or a perp. [`OptionsAmmBook`] models exactly that:
//!
//! `NAV = collateral + premiums + fees − Σ qᵢ Vᵢ + hedge_units × (S − S_hedge_entry)`
//!
//! with `qᵢ > 0` the number of options the pool is short and `Vᵢ` their model value
//! (Black–Scholes on spot with a continuous yield, or Black-76 on a forward, from
//! `crosshedge-pricing`). Greeks are true derivatives of the NAV: the book's greeks are
//! `−Σ qᵢ × greeksᵢ`, plus the hedge's delta. Premiums and fees are already-received cash, so
//! they add to value but not to greeks.
//!
//! **Break-even realised volatility.** A delta-hedged option book earns, per unit time,
//! `Θ + ½ Γ S² σ_r²` (Θ here is the NAV's time decay `∂NAV/∂t`, positive for a short book,
//! `Γ < 0`). Net of a running hedge cost `c` per year, the book breaks even at
//! `σ_r* = sqrt(2 (Θ − c) / (−Γ S²))`; above that realised volatility the LP loses.
//!
//! # References
//! Hull, *Options, Futures and Other Derivatives*, ch. 19 (theta–gamma relation);
//! Lyra Finance, "Lyra: A Decentralized Options Protocol" (whitepaper, 2021), §3 (LP as
//! counterparty, delta hedging).

use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, Black76Inputs, BlackScholesInputs, Greeks, OptionKind,
};
use serde::Serialize;

use crate::error::{finite, non_negative, positive};
use crate::DefiError;

/// The underlying quote the book is valued on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum UnderlyingQuote {
    /// Black–Scholes on a spot price with a continuous yield (for crypto the yield can carry the
    /// funding/borrow basis; 0 otherwise).
    Spot {
        /// Spot price.
        spot: f64,
        /// Continuously compounded rate.
        rate: f64,
        /// Continuous yield.
        div_yield: f64,
    },
    /// Black-76 on a forward/futures price of the options' expiry.
    Forward {
        /// Forward price.
        forward: f64,
        /// Continuously compounded discount rate.
        rate: f64,
    },
}

impl UnderlyingQuote {
    /// The price the greeks `delta`/`gamma` refer to (spot or forward).
    pub fn level(&self) -> f64 {
        match *self {
            UnderlyingQuote::Spot { spot, .. } => spot,
            UnderlyingQuote::Forward { forward, .. } => forward,
        }
    }
}

/// One option series the pool has sold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShortOptionLeg {
    /// Call or put.
    pub kind: OptionKind,
    /// Strike.
    pub strike: f64,
    /// Time to expiry in years.
    pub t_years: f64,
    /// Implied volatility used to mark the series (annualised decimal).
    pub vol: f64,
    /// Number of options the pool is short (> 0); a negative number is a long the pool bought
    /// back.
    pub quantity_short: f64,
}

/// An options-AMM LP position: short options, received cash, collateral and a delta hedge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionsAmmBook {
    /// The options sold.
    pub legs: Vec<ShortOptionLeg>,
    /// Collateral deposited by the LP (quote currency).
    pub collateral: f64,
    /// Premiums received for the options sold.
    pub premiums_received: f64,
    /// Trading fees received.
    pub fees_received: f64,
    /// Delta hedge in units of the underlying (positive = long), e.g. a perp.
    pub hedge_units: f64,
    /// Entry price of the hedge.
    pub hedge_entry_price: f64,
}

/// Value and greeks of one leg from the LP's side (already multiplied by `−quantity_short`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LegValuation {
    /// The leg.
    pub leg: ShortOptionLeg,
    /// Model value of one option.
    pub unit_price: f64,
    /// The leg's greeks from the LP's side: `−quantity_short × greeks`.
    pub lp_greeks: BookGreeks,
}

/// Aggregated greeks (true derivatives: per 1.0 of price, vol, rate; theta per year).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct BookGreeks {
    /// `∂NAV/∂S` (or `∂/∂F` for a forward quote).
    pub delta: f64,
    /// `∂²NAV/∂S²`.
    pub gamma: f64,
    /// `∂NAV/∂σ` for a parallel shift of all legs' vols, per 1.0 of vol.
    pub vega: f64,
    /// `∂NAV/∂t`, the NAV's change per year of elapsed time (positive for a short book).
    pub theta: f64,
    /// `∂NAV/∂r`, per 1.0 of rate.
    pub rho: f64,
    /// `vega / 100`: per volatility point.
    pub vega_per_vol_point: f64,
    /// `theta / 365`: per calendar day.
    pub theta_per_day: f64,
}

impl BookGreeks {
    fn scaled(g: &Greeks, m: f64) -> Self {
        Self {
            delta: m * g.delta,
            gamma: m * g.gamma,
            vega: m * g.vega,
            theta: m * g.theta,
            rho: m * g.rho,
            vega_per_vol_point: m * g.vega_per_vol_point,
            theta_per_day: m * g.theta_per_day,
        }
    }

    fn add(&mut self, o: &Self) {
        self.delta += o.delta;
        self.gamma += o.gamma;
        self.vega += o.vega;
        self.theta += o.theta;
        self.rho += o.rho;
        self.vega_per_vol_point += o.vega_per_vol_point;
        self.theta_per_day += o.theta_per_day;
    }
}

/// Valuation of an [`OptionsAmmBook`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionsAmmValuation {
    /// Per-leg values and greeks.
    pub legs: Vec<LegValuation>,
    /// Market value of the options sold, `Σ qᵢ Vᵢ` (the pool's liability).
    pub option_liability: f64,
    /// Hedge P&L, `hedge_units × (S − hedge_entry_price)`.
    pub hedge_pnl: f64,
    /// Net asset value of the LP position.
    pub nav: f64,
    /// NAV minus the collateral: the LP's P&L so far.
    pub pnl: f64,
    /// Greeks of the NAV (options and hedge).
    pub greeks: BookGreeks,
    /// Realised volatility at which the delta-hedged book breaks even after `hedge_cost_ann`
    /// (see the module docs); `None` when the book has no short gamma or its theta does not
    /// cover the hedge cost.
    pub breakeven_realized_vol: Option<f64>,
}

impl OptionsAmmBook {
    /// A book with validated legs (positive strikes, non-negative vols and times) and cash.
    ///
    /// # Errors
    /// [`DefiError::Empty`] for no legs; sign errors for the fields.
    pub fn new(
        legs: Vec<ShortOptionLeg>,
        collateral: f64,
        premiums_received: f64,
        fees_received: f64,
    ) -> Result<Self, DefiError> {
        if legs.is_empty() {
            return Err(DefiError::Empty { what: "option legs" });
        }
        for l in &legs {
            positive("strike", l.strike)?;
            non_negative("t_years", l.t_years)?;
            non_negative("vol", l.vol)?;
            finite("quantity_short", l.quantity_short)?;
        }
        Ok(Self {
            legs,
            collateral: non_negative("collateral", collateral)?,
            premiums_received: finite("premiums_received", premiums_received)?,
            fees_received: non_negative("fees_received", fees_received)?,
            hedge_units: 0.0,
            hedge_entry_price: 0.0,
        })
    }

    /// Adds a delta hedge of `units` of the underlying entered at `entry_price`.
    ///
    /// # Errors
    /// [`DefiError::NotFinite`] / [`DefiError::NotPositive`].
    pub fn with_hedge(mut self, units: f64, entry_price: f64) -> Result<Self, DefiError> {
        self.hedge_units = finite("hedge_units", units)?;
        self.hedge_entry_price = positive("hedge_entry_price", entry_price)?;
        Ok(self)
    }

    /// Values the book on `quote`; `hedge_cost_ann` (per year, in quote currency) enters only
    /// the break-even volatility.
    ///
    /// # Formula
    /// See the module docs. Theta: the pricer's `theta` is `−∂V/∂T` per option, i.e. the
    /// option's value change per year of elapsed time, so the book's `∂NAV/∂t = −Σ qᵢ θᵢ`.
    ///
    /// # Errors
    /// [`DefiError::Pricing`] from the option pricer; sign errors for the quote.
    pub fn valuation(
        &self,
        quote: &UnderlyingQuote,
        hedge_cost_ann: f64,
    ) -> Result<OptionsAmmValuation, DefiError> {
        let level = positive("underlying level", quote.level())?;
        let hedge_cost = finite("hedge_cost_ann", hedge_cost_ann)?;
        let mut legs = Vec::with_capacity(self.legs.len());
        let mut total = BookGreeks::default();
        let mut liability = 0.0;
        for leg in &self.legs {
            let g = price_leg(leg, quote)?;
            let lp = BookGreeks::scaled(&g, -leg.quantity_short);
            total.add(&lp);
            liability += leg.quantity_short * g.price;
            legs.push(LegValuation { leg: *leg, unit_price: g.price, lp_greeks: lp });
        }
        let hedge_pnl = if self.hedge_units == 0.0 {
            0.0
        } else {
            self.hedge_units * (level - self.hedge_entry_price)
        };
        total.delta += self.hedge_units;
        let nav =
            self.collateral + self.premiums_received + self.fees_received - liability + hedge_pnl;
        let breakeven_realized_vol = if total.gamma < 0.0 && total.theta > hedge_cost {
            Some((2.0 * (total.theta - hedge_cost) / (-total.gamma * level * level)).sqrt())
        } else {
            None
        };
        Ok(OptionsAmmValuation {
            legs,
            option_liability: liability,
            hedge_pnl,
            nav,
            pnl: nav - self.collateral,
            greeks: total,
            breakeven_realized_vol,
        })
    }
}

fn price_leg(leg: &ShortOptionLeg, quote: &UnderlyingQuote) -> Result<Greeks, DefiError> {
    let res = match *quote {
        UnderlyingQuote::Spot { spot, rate, div_yield } => {
            black_scholes_greeks(&BlackScholesInputs {
                kind: leg.kind,
                spot,
                strike: leg.strike,
                vol: leg.vol,
                t_years: leg.t_years,
                rate,
                div_yield,
            })
            .map(|g| g.greeks)
        }
        UnderlyingQuote::Forward { forward, rate } => black76_greeks(&Black76Inputs {
            kind: leg.kind,
            forward,
            strike: leg.strike,
            vol: leg.vol,
            t_years: leg.t_years,
            rate,
        }),
    };
    res.map_err(|e| DefiError::Pricing { message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> OptionsAmmBook {
        OptionsAmmBook::new(
            vec![
                ShortOptionLeg {
                    kind: OptionKind::Put,
                    strike: 1800.0,
                    t_years: 30.0 / 365.0,
                    vol: 0.75,
                    quantity_short: 10.0,
                },
                ShortOptionLeg {
                    kind: OptionKind::Call,
                    strike: 2400.0,
                    t_years: 30.0 / 365.0,
                    vol: 0.70,
                    quantity_short: 6.0,
                },
            ],
            50_000.0,
            3_000.0,
            120.0,
        )
        .unwrap()
    }

    #[test]
    fn options_amm_nav_and_greeks_match_finite_differences() {
        let b = book();
        let q = |s: f64| UnderlyingQuote::Spot { spot: s, rate: 0.03, div_yield: 0.0 };
        let v = b.valuation(&q(2000.0), 0.0).unwrap();
        let h = 0.5;
        let up = b.valuation(&q(2000.0 + h), 0.0).unwrap().nav;
        let dn = b.valuation(&q(2000.0 - h), 0.0).unwrap().nav;
        let fd_delta = (up - dn) / (2.0 * h);
        let fd_gamma = (up - 2.0 * v.nav + dn) / (h * h);
        assert!((v.greeks.delta - fd_delta).abs() < 1e-6 * v.greeks.delta.abs().max(1.0));
        assert!((v.greeks.gamma - fd_gamma).abs() < 1e-4 * v.greeks.gamma.abs());
        assert!(v.greeks.gamma < 0.0 && v.greeks.vega < 0.0 && v.greeks.theta > 0.0);
        // Theta: NAV after one day with everything else fixed.
        let mut later = b.clone();
        let dt = 1e-4;
        for l in &mut later.legs {
            l.t_years -= dt;
        }
        let fd_theta = (later.valuation(&q(2000.0), 0.0).unwrap().nav - v.nav) / dt;
        assert!((v.greeks.theta - fd_theta).abs() < 1e-3 * v.greeks.theta.abs());
        assert!((v.nav - (50_000.0 + 3_120.0 - v.option_liability)).abs() < 1e-9);
    }

    #[test]
    fn options_amm_breakeven_vol_equals_implied_for_one_atm_leg() {
        // r = q = 0: Θ = ½ Γ S² σ², so the break-even realised vol is the implied vol.
        let b = OptionsAmmBook::new(
            vec![ShortOptionLeg {
                kind: OptionKind::Call,
                strike: 2000.0,
                t_years: 0.25,
                vol: 0.8,
                quantity_short: 1.0,
            }],
            0.0,
            0.0,
            0.0,
        )
        .unwrap();
        let v = b.valuation(&UnderlyingQuote::Forward { forward: 2000.0, rate: 0.0 }, 0.0).unwrap();
        assert!((v.breakeven_realized_vol.unwrap() - 0.8).abs() < 1e-12);
        // A hedge cost lowers the break-even realised vol; a huge one removes it.
        let v2 =
            b.valuation(&UnderlyingQuote::Forward { forward: 2000.0, rate: 0.0 }, 50.0).unwrap();
        assert!(v2.breakeven_realized_vol.unwrap() < 0.8);
        let v3 =
            b.valuation(&UnderlyingQuote::Forward { forward: 2000.0, rate: 0.0 }, 1e9).unwrap();
        assert_eq!(v3.breakeven_realized_vol, None);
    }

    #[test]
    fn options_amm_delta_hedge_neutralises_delta() {
        let b = book();
        let q = UnderlyingQuote::Spot { spot: 2000.0, rate: 0.03, div_yield: 0.0 };
        let d = b.valuation(&q, 0.0).unwrap().greeks.delta;
        let hedged = b.with_hedge(-d, 2000.0).unwrap();
        let v = hedged.valuation(&q, 0.0).unwrap();
        assert!(v.greeks.delta.abs() < 1e-12);
        assert_eq!(v.hedge_pnl, 0.0);
        assert!(OptionsAmmBook::new(vec![], 0.0, 0.0, 0.0).is_err());
    }
}
