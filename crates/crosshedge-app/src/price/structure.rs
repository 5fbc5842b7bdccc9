//! `price spread` / `price condor`: a vertical spread or an iron condor priced leg by leg
//! (Black–Scholes on spot or Black-76 on a forward), its net greeks, payoff at expiry,
//! break-evens, extremes and the carry-adjusted break-evens.

use crosshedge_pricing::structures::{CarryInputs, Extremum, Leg, Structure};
use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, Black76Inputs, BlackScholesInputs, Greeks, OptionKind,
};
use serde::{Deserialize, Serialize};

use super::{finite, positive, pricing_err, Expiry, ExpiryRequest, Underlying};
use crate::{AppError, Progress, Workspace};

/// A vertical call or put spread: long one strike, short the other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpreadRequest {
    /// `call` or `put`.
    pub kind: OptionKind,
    /// Strike of the long leg, in the underlying's units; > 0 (no meaningful default).
    pub long: f64,
    /// Strike of the short leg; > 0 and not the long strike (no meaningful default).
    pub short: f64,
    /// Number of spreads; > 0.
    pub quantity: f64,
}

impl Default for SpreadRequest {
    fn default() -> Self {
        Self { kind: OptionKind::Call, long: 0.0, short: 0.0, quantity: 1.0 }
    }
}

/// An iron condor: long put K1, short put K2, short call K3, long call K4.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CondorRequest {
    /// `[K1, K2, K3, K4]`, strictly increasing, each > 0 (no meaningful default).
    pub strikes: Vec<f64>,
    /// Number of condors; positive sells the condor (short iron condor), negative buys it; not 0.
    pub quantity: f64,
}

impl Default for CondorRequest {
    fn default() -> Self {
        Self { strikes: Vec::new(), quantity: 1.0 }
    }
}

/// Which structure to analyse.
///
/// JSON: `{"spread": {"kind": "put", "long": 5000, "short": 4700}}` or
/// `{"condor": {"strikes": [4600, 4800, 5400, 5600]}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum StructureSpec {
    /// A vertical spread (`price spread`).
    Spread(SpreadRequest),
    /// An iron condor (`price condor`).
    Condor(CondorRequest),
}

impl Default for StructureSpec {
    fn default() -> Self {
        Self::Spread(SpreadRequest::default())
    }
}

/// The market every leg is priced in: Black–Scholes on `spot` or Black-76 on `forward`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LegMarketRequest {
    /// Spot price (Black–Scholes with `div_yield`); not with `forward`.
    pub spot: Option<f64>,
    /// Forward or futures price of the expiry (Black-76; VIX structures on the VIX future).
    pub forward: Option<f64>,
    /// Continuous dividend yield, decimal per year (with `spot`; none: 0).
    pub div_yield: Option<f64>,
    /// Annualised volatility of every leg, decimal (0.2 = 20 %); > 0.
    pub vol: f64,
    /// Continuously compounded risk-free rate, decimal per year.
    pub rate: f64,
    /// Time to expiry.
    pub expiry: ExpiryRequest,
}

/// Financing of the held structure and of the inventory it hedges.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CarryRequest {
    /// Financing rate, continuously compounded, decimal per year (`--carry-rate`).
    pub carry_rate: f64,
    /// Value of other financed inventory the structure hedges (its own P&L not modelled):
    /// its financing is reported beside the carry-adjusted break-even, not in it.
    pub inventory_value: f64,
    /// Units of the same underlying held alongside, bought at the current spot/forward.
    pub inventory_qty: f64,
}

/// A request of `price spread` / `price condor`.
///
/// JSON: `{"structure": {"spread": {"kind": "put", "long": 5000, "short": 4700}},
/// "market": {"spot": 5100, "vol": 0.2, "rate": 0.045, "expiry": {"expiry_days": 60}},
/// "carry": {"carry_rate": 0.06}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StructureRequest {
    /// The structure and its strikes.
    pub structure: StructureSpec,
    /// The market of every leg.
    pub market: LegMarketRequest,
    /// Financing for the carry-adjusted break-even; none: no carry analysis.
    pub carry: Option<CarryRequest>,
}

/// One leg priced: kind, strike, signed quantity (+ long), price and greeks (flattened).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LegOut {
    /// Call or put.
    pub kind: OptionKind,
    /// Strike.
    pub strike: f64,
    /// Signed quantity: positive long, negative short.
    pub quantity: f64,
    /// Price and greeks of one unit (flattened).
    #[serde(flatten)]
    pub greeks: Greeks,
}

/// The quantity-weighted sum of the legs' greeks (true derivatives plus the scaled two).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NetGreeks {
    /// Net delta.
    pub delta: f64,
    /// Net gamma.
    pub gamma: f64,
    /// Net vega per 1.00 of volatility.
    pub vega: f64,
    /// Net theta per year.
    pub theta: f64,
    /// Net rho per 1.00 of rate.
    pub rho: f64,
    /// Net vega per volatility point (0.01).
    pub vega_per_vol_point: f64,
    /// Net theta per calendar day.
    pub theta_per_day: f64,
}

/// The structure's value at expiry for one level of the underlying.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PayoffPoint {
    /// Level of the underlying at expiry.
    pub underlying: f64,
    /// Payoff of the legs.
    pub payoff: f64,
    /// Payoff less the net premium.
    pub pnl: f64,
}

/// The carry analysis: financing costs and the carry-adjusted break-evens and extremes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CarryOut {
    /// Financing rate, decimal per year.
    pub rate_ann: f64,
    /// Holding period: the calendar days to expiry.
    pub holding_days: f64,
    /// Value of the other financed inventory.
    pub inventory_value: f64,
    /// Units of the underlying held alongside.
    pub inventory_quantity: f64,
    /// Their entry price: the current spot/forward.
    pub inventory_entry_price: f64,
    /// Financing inside the break-even: `(P + q_inv S₀)(e^{rT} − 1)`.
    pub financing_cost: f64,
    /// The premium's part of it, `P (e^{rT} − 1)`.
    pub premium_financing_cost: f64,
    /// Financing of `inventory_value`, `V (e^{rT} − 1)`: beside the break-even, not in it.
    pub inventory_financing_cost: f64,
    /// `financing_cost + inventory_financing_cost`.
    pub total_financing_cost: f64,
    /// Carry-adjusted break-evens at expiry (premium and its financing paid).
    pub break_evens: Vec<f64>,
    /// The break-evens as moves of the underlying from its current level (decimal).
    pub break_even_moves: Vec<f64>,
    /// Carry-adjusted maximum gain.
    pub max_gain: Extremum,
    /// Carry-adjusted maximum loss.
    pub max_loss: Extremum,
}

/// A structure analysed (the `--json` of `price spread` / `price condor`): prices in the
/// underlying's units, rates and volatilities decimal per year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StructureResponse {
    /// `bull-call-spread`, `bear-call-spread`, `bull-put-spread`, `bear-put-spread`,
    /// `short-iron-condor` or `long-iron-condor`.
    pub structure: &'static str,
    /// `bs` or `black76`.
    pub model: &'static str,
    /// The spot or forward priced on.
    pub underlying_price: f64,
    /// Dividend yield, decimal per year (Black–Scholes).
    pub div_yield_ann: Option<f64>,
    /// Calendar days to expiry.
    pub expiry_days: f64,
    /// Actual/365 year fraction.
    pub t_years: f64,
    /// Expiry date, when given as dates.
    pub expiry: Option<chrono::NaiveDate>,
    /// Valuation date, when given as dates.
    pub as_of: Option<chrono::NaiveDate>,
    /// Volatility of every leg, decimal per year.
    pub vol_ann: f64,
    /// Risk-free rate, decimal per year.
    pub rate_ann: f64,
    /// The legs priced.
    pub legs: Vec<LegOut>,
    /// Net premium: positive paid (debit), negative received (credit).
    pub net_premium: f64,
    /// Net greeks.
    pub net_greeks: NetGreeks,
    /// Break-evens at expiry.
    pub break_evens: Vec<f64>,
    /// Maximum gain at expiry.
    pub max_gain: Extremum,
    /// Maximum loss at expiry.
    pub max_loss: Extremum,
    /// Payoff at 0, every strike, every break-even, the current level and 1.5 × the top.
    pub payoff_at_expiry: Vec<PayoffPoint>,
    /// The carry analysis, when a carry rate is given.
    pub carry: Option<CarryOut>,
}

struct Market {
    und: Underlying,
    vol: f64,
    rate: f64,
    exp: Expiry,
}

impl Market {
    fn resolve(m: &LegMarketRequest) -> Result<Self, AppError> {
        let und = match (m.spot, m.forward) {
            (Some(s), None) => Underlying::Spot {
                spot: positive("spot", s)?,
                div_yield: finite("div-yield", m.div_yield.unwrap_or(0.0))?,
            },
            (None, Some(f)) => Underlying::Forward(positive("forward", f)?),
            _ => {
                return Err(AppError::input(
                    "give --spot S (Black–Scholes) or --forward F (Black-76)",
                ))
            }
        };
        Ok(Self {
            und,
            vol: positive("vol", m.vol)?,
            rate: finite("rate", m.rate)?,
            exp: m.expiry.resolve()?,
        })
    }

    /// The expiry date: the given one, or a nominal date `days` after 1970-01-01 when only
    /// days were given (the structures need one common expiry date; it is never reported).
    fn expiry_date(&self) -> chrono::NaiveDate {
        match self.exp.dates {
            Some((_, e)) => e,
            None => {
                chrono::NaiveDate::default() + chrono::Duration::days(self.exp.days.ceil() as i64)
            }
        }
    }

    fn greeks(&self, kind: OptionKind, strike: f64) -> Result<Greeks, AppError> {
        let (t, vol, rate) = (self.exp.t_years, self.vol, self.rate);
        match self.und {
            Underlying::Spot { spot, div_yield } => black_scholes_greeks(&BlackScholesInputs {
                kind,
                spot,
                strike,
                vol,
                t_years: t,
                rate,
                div_yield,
            })
            .map(|g| g.greeks),
            Underlying::Forward(forward) => {
                black76_greeks(&Black76Inputs { kind, forward, strike, vol, t_years: t, rate })
            }
        }
        .map_err(pricing_err)
    }

    fn underlying_price(&self) -> f64 {
        match self.und {
            Underlying::Spot { spot, .. } => spot,
            Underlying::Forward(f) => f,
        }
    }
}

/// The spread's structure and name, after the spread's own checks and the market's.
fn spread(
    a: &SpreadRequest,
    m: &LegMarketRequest,
) -> Result<(&'static str, Structure, Market), AppError> {
    let kind = a.kind;
    let long = positive("long", a.long)?;
    let short = positive("short", a.short)?;
    if long == short {
        return Err(AppError::input(format!("--long and --short must differ, both are {long}")));
    }
    let q = positive("quantity", a.quantity)?;
    let m = Market::resolve(m)?;
    let s =
        Structure::vertical_spread(kind, long, short, m.expiry_date(), q).map_err(pricing_err)?;
    let name = match (kind, long < short) {
        (OptionKind::Call, true) => "bull-call-spread",
        (OptionKind::Call, false) => "bear-call-spread",
        (OptionKind::Put, true) => "bull-put-spread",
        (OptionKind::Put, false) => "bear-put-spread",
    };
    Ok((name, s, m))
}

/// The condor's structure and name, after the condor's own checks and the market's.
fn condor(
    a: &CondorRequest,
    m: &LegMarketRequest,
) -> Result<(&'static str, Structure, Market), AppError> {
    let [k1, k2, k3, k4] = a.strikes[..] else {
        return Err(AppError::input(format!(
            "--strikes needs four strikes K1,K2,K3,K4, got {}",
            a.strikes.len()
        )));
    };
    let ks = [
        positive("strikes", k1)?,
        positive("strikes", k2)?,
        positive("strikes", k3)?,
        positive("strikes", k4)?,
    ];
    if !ks.windows(2).all(|w| w[0] < w[1]) {
        return Err(AppError::input(format!(
            "--strikes must be strictly increasing, got {k1},{k2},{k3},{k4}"
        )));
    }
    let q = finite("quantity", a.quantity)?;
    if q == 0.0 {
        return Err(AppError::input("--quantity must not be 0"));
    }
    let m = Market::resolve(m)?;
    let s = Structure::iron_condor(ks, m.expiry_date(), q).map_err(pricing_err)?;
    let name = if q > 0.0 { "short-iron-condor" } else { "long-iron-condor" };
    Ok((name, s, m))
}

/// Runs `price spread` or `price condor`.
///
/// # Errors
/// An input error naming the flag for a bad value or combination (the strikes, the market,
/// the time to expiry, the carry); pricing errors classified by [`pricing_err`].
pub fn run(
    _ws: &Workspace,
    req: &StructureRequest,
    _progress: &dyn Progress,
) -> Result<StructureResponse, AppError> {
    let (name, s, m) = match &req.structure {
        StructureSpec::Spread(a) => spread(a, &req.market)?,
        StructureSpec::Condor(a) => condor(a, &req.market)?,
    };
    let mut legs = Vec::new();
    let mut net = NetGreeks::default();
    for l in &s.legs {
        let g = m.greeks(l.kind, l.strike)?;
        net.delta += l.quantity * g.delta;
        net.gamma += l.quantity * g.gamma;
        net.vega += l.quantity * g.vega;
        net.theta += l.quantity * g.theta;
        net.rho += l.quantity * g.rho;
        net.vega_per_vol_point += l.quantity * g.vega_per_vol_point;
        net.theta_per_day += l.quantity * g.theta_per_day;
        legs.push(LegOut { kind: l.kind, strike: l.strike, quantity: l.quantity, greeks: g });
    }
    let prices: Vec<f64> = legs.iter().map(|l| l.greeks.price).collect();
    let mut it = prices.iter();
    let s =
        s.with_premiums(|_: &Leg| Ok(it.next().copied().unwrap_or(0.0))).map_err(pricing_err)?;
    let an = s.analyze().map_err(pricing_err)?;
    let und = m.underlying_price();
    let carry_out = match &req.carry {
        None => None,
        Some(carry) => {
            let rate = finite("carry-rate", carry.carry_rate)?;
            let v = finite("inventory-value", carry.inventory_value)?;
            let iq = finite("inventory-qty", carry.inventory_qty)?;
            let c = CarryInputs {
                rate,
                holding_years: m.exp.t_years,
                inventory_quantity: iq,
                inventory_entry_price: und,
                other_financed_value: v,
            };
            let ca = s.carry_adjusted(&c).map_err(pricing_err)?;
            Some(CarryOut {
                rate_ann: rate,
                holding_days: m.exp.days,
                inventory_value: v,
                inventory_quantity: iq,
                inventory_entry_price: und,
                financing_cost: ca.financing_cost,
                premium_financing_cost: ca.premium_financing_cost,
                inventory_financing_cost: ca.inventory_financing_cost,
                total_financing_cost: ca.financing_cost + ca.inventory_financing_cost,
                break_even_moves: ca.break_evens.iter().map(|b| b / und - 1.0).collect(),
                break_evens: ca.break_evens,
                max_gain: ca.max_gain,
                max_loss: ca.max_loss,
            })
        }
    };
    // Payoff at expiry at 0, every strike, every break-even, the current level and beyond.
    let top = s.legs.iter().map(|l| l.strike).fold(und, f64::max);
    let mut xs: Vec<f64> = vec![0.0, und, 1.5 * top];
    xs.extend(s.legs.iter().map(|l| l.strike));
    xs.extend(an.break_evens.iter().copied());
    xs.sort_by(f64::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    let payoff_at_expiry = xs
        .into_iter()
        .map(|x| PayoffPoint { underlying: x, payoff: s.payoff(x), pnl: s.pnl_at_expiry(x) })
        .collect();
    Ok(StructureResponse {
        structure: name,
        model: match m.und {
            Underlying::Spot { .. } => "bs",
            Underlying::Forward(_) => "black76",
        },
        underlying_price: und,
        div_yield_ann: match m.und {
            Underlying::Spot { div_yield, .. } => Some(div_yield),
            Underlying::Forward(_) => None,
        },
        expiry_days: m.exp.days,
        t_years: m.exp.t_years,
        expiry: m.exp.dates.map(|d| d.1),
        as_of: m.exp.dates.map(|d| d.0),
        vol_ann: m.vol,
        rate_ann: m.rate,
        legs,
        net_premium: an.net_premium,
        net_greeks: net,
        break_evens: an.break_evens,
        max_gain: an.max_gain,
        max_loss: an.max_loss,
        payoff_at_expiry,
        carry: carry_out,
    })
}
