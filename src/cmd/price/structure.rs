//! `crosshedge price spread` and `crosshedge price condor`.

use clap::Args;
use crosshedge_pricing::structures::{CarryInputs, Extremum, Leg, Structure};
use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, Black76Inputs, BlackScholesInputs, Greeks, OptionKind,
};
use serde::Serialize;

use super::{
    finite, fixed, num, parse_kind, positive, pricing_err, usage, Expiry, ExpiryArgs, Underlying,
};
use crate::cmd::Ctx;
use crate::output::{self, pct};

/// The market every leg is priced in: Black–Scholes on --spot or Black-76 on --forward.
#[derive(Debug, Args)]
pub struct LegMarketArgs {
    /// Spot price (Black–Scholes with --div-yield).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "forward")]
    pub spot: Option<f64>,
    /// Forward or futures price of the expiry (Black-76; VIX structures on the VIX future);
    /// `--future` is the same flag.
    #[arg(long, allow_negative_numbers = true, alias = "future")]
    pub forward: Option<f64>,
    /// Continuous dividend yield, decimal (with --spot).
    #[arg(long, allow_negative_numbers = true, requires = "spot")]
    pub div_yield: Option<f64>,
    /// Annualised volatility of every leg, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub vol: f64,
    /// Continuously compounded risk-free rate, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub rate: f64,
    /// Time to expiry.
    #[command(flatten)]
    pub expiry: ExpiryArgs,
}

/// Financing of the held structure and the inventory it hedges.
#[derive(Debug, Args)]
pub struct CarryArgs {
    /// Financing rate (continuously compounded, decimal) for the carry-adjusted break-even.
    #[arg(long, allow_negative_numbers = true)]
    pub carry_rate: Option<f64>,
    /// Value of other financed inventory the structure hedges (its own P&L not modelled): its
    /// financing is reported beside the carry-adjusted break-even, not in it.
    #[arg(long, allow_negative_numbers = true, requires = "carry_rate")]
    pub inventory_value: Option<f64>,
    /// Units of the same underlying held alongside, bought at the current spot/forward.
    #[arg(long, requires = "carry_rate", allow_negative_numbers = true)]
    pub inventory_qty: Option<f64>,
}

/// `crosshedge price spread`.
#[derive(Debug, Args)]
pub struct SpreadArgs {
    /// call or put.
    #[arg(long)]
    pub kind: String,
    /// Strike of the long leg.
    #[arg(long, allow_negative_numbers = true)]
    pub long: f64,
    /// Strike of the short leg.
    #[arg(long, allow_negative_numbers = true)]
    pub short: f64,
    /// Number of spreads (> 0).
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0)]
    pub quantity: f64,
    /// Market.
    #[command(flatten)]
    pub market: LegMarketArgs,
    /// Carry.
    #[command(flatten)]
    pub carry: CarryArgs,
}

/// `crosshedge price condor`.
#[derive(Debug, Args)]
pub struct CondorArgs {
    /// K1,K2,K3,K4 strictly increasing: long put K1, short put K2, short call K3, long call K4.
    #[arg(long, allow_negative_numbers = true, value_delimiter = ',', num_args = 1)]
    pub strikes: Vec<f64>,
    /// Number of condors; negative buys the condor (long iron condor).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub quantity: f64,
    /// Market.
    #[command(flatten)]
    pub market: LegMarketArgs,
    /// Carry.
    #[command(flatten)]
    pub carry: CarryArgs,
}

struct Market {
    und: Underlying,
    vol: f64,
    rate: f64,
    exp: Expiry,
}

impl LegMarketArgs {
    fn resolve(&self) -> anyhow::Result<Market> {
        let und = match (self.spot, self.forward) {
            (Some(s), None) => Underlying::Spot {
                spot: positive("spot", s)?,
                div_yield: finite("div-yield", self.div_yield.unwrap_or(0.0))?,
            },
            (None, Some(f)) => Underlying::Forward(positive("forward", f)?),
            _ => return Err(usage("give --spot S (Black–Scholes) or --forward F (Black-76)")),
        };
        Ok(Market {
            und,
            vol: positive("vol", self.vol)?,
            rate: finite("rate", self.rate)?,
            exp: self.expiry.resolve()?,
        })
    }
}

impl Market {
    fn greeks(&self, kind: OptionKind, strike: f64) -> anyhow::Result<Greeks> {
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
        .map_err(|e| pricing_err(e).into())
    }

    fn underlying_price(&self) -> f64 {
        match self.und {
            Underlying::Spot { spot, .. } => spot,
            Underlying::Forward(f) => f,
        }
    }
}

#[derive(Serialize)]
struct LegOut {
    kind: OptionKind,
    strike: f64,
    quantity: f64,
    #[serde(flatten)]
    greeks: Greeks,
}

#[derive(Serialize, Default)]
struct NetGreeks {
    delta: f64,
    gamma: f64,
    vega: f64,
    theta: f64,
    rho: f64,
    vega_per_vol_point: f64,
    theta_per_day: f64,
}

#[derive(Serialize)]
struct PayoffPoint {
    underlying: f64,
    payoff: f64,
    pnl: f64,
}

#[derive(Serialize)]
struct CarryOut {
    rate_ann: f64,
    holding_days: f64,
    inventory_value: f64,
    inventory_quantity: f64,
    inventory_entry_price: f64,
    /// Financing inside the break-even: `(P + q_inv S₀)(e^{rT} − 1)`.
    financing_cost: f64,
    /// The premium's part of it, `P (e^{rT} − 1)`.
    premium_financing_cost: f64,
    /// Financing of `inventory_value`, `V (e^{rT} − 1)`: beside the break-even, not in it.
    inventory_financing_cost: f64,
    /// `financing_cost + inventory_financing_cost`.
    total_financing_cost: f64,
    break_evens: Vec<f64>,
    /// The break-evens as moves of the underlying from its current level (decimal).
    break_even_moves: Vec<f64>,
    max_gain: Extremum,
    max_loss: Extremum,
}

#[derive(Serialize)]
struct StructureOut {
    structure: &'static str,
    model: &'static str,
    underlying_price: f64,
    div_yield_ann: Option<f64>,
    expiry_days: f64,
    t_years: f64,
    expiry: Option<chrono::NaiveDate>,
    as_of: Option<chrono::NaiveDate>,
    vol_ann: f64,
    rate_ann: f64,
    legs: Vec<LegOut>,
    net_premium: f64,
    net_greeks: NetGreeks,
    break_evens: Vec<f64>,
    max_gain: Extremum,
    max_loss: Extremum,
    payoff_at_expiry: Vec<PayoffPoint>,
    carry: Option<CarryOut>,
}

pub fn run_spread(ctx: &Ctx, a: SpreadArgs) -> anyhow::Result<()> {
    let kind = parse_kind(&a.kind)?;
    let long = positive("long", a.long)?;
    let short = positive("short", a.short)?;
    if long == short {
        return Err(usage(format!("--long and --short must differ, both are {long}")));
    }
    let q = positive("quantity", a.quantity)?;
    let m = a.market.resolve()?;
    let s = Structure::vertical_spread(kind, long, short, m.exp.date(), q).map_err(pricing_err)?;
    let name = match (kind, long < short) {
        (OptionKind::Call, true) => "bull-call-spread",
        (OptionKind::Call, false) => "bear-call-spread",
        (OptionKind::Put, true) => "bull-put-spread",
        (OptionKind::Put, false) => "bear-put-spread",
    };
    analyse(ctx, name, s, &m, &a.carry)
}

pub fn run_condor(ctx: &Ctx, a: CondorArgs) -> anyhow::Result<()> {
    let [k1, k2, k3, k4] = a.strikes[..] else {
        return Err(usage(format!(
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
        return Err(usage(format!(
            "--strikes must be strictly increasing, got {k1},{k2},{k3},{k4}"
        )));
    }
    let q = finite("quantity", a.quantity)?;
    if q == 0.0 {
        return Err(usage("--quantity must not be 0"));
    }
    let m = a.market.resolve()?;
    let s = Structure::iron_condor(ks, m.exp.date(), q).map_err(pricing_err)?;
    let name = if q > 0.0 { "short-iron-condor" } else { "long-iron-condor" };
    analyse(ctx, name, s, &m, &a.carry)
}

fn analyse(
    ctx: &Ctx,
    name: &'static str,
    s: Structure,
    m: &Market,
    carry: &CarryArgs,
) -> anyhow::Result<()> {
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
    let carry_out = match carry.carry_rate {
        None => None,
        Some(r) => {
            let rate = finite("carry-rate", r)?;
            let v = finite("inventory-value", carry.inventory_value.unwrap_or(0.0))?;
            let iq = finite("inventory-qty", carry.inventory_qty.unwrap_or(0.0))?;
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
    let out = StructureOut {
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
    };
    if ctx.json {
        return output::print_json(&out);
    }
    print_human(&out);
    Ok(())
}

fn extremum(e: &Extremum) -> String {
    match e {
        Extremum::Finite { value, underlying } => {
            format!("{} (at {})", num(*value, 4), num(*underlying, 2))
        }
        Extremum::Unbounded => "unbounded".into(),
    }
}

fn levels(xs: &[f64]) -> String {
    if xs.is_empty() {
        "none".into()
    } else {
        xs.iter().map(|x| num(*x, 4)).collect::<Vec<_>>().join(", ")
    }
}

fn print_human(o: &StructureOut) {
    let mut s = format!(
        "{} ({} on {}{}), {} days, vol {}, rate {}\n",
        o.structure,
        o.model,
        num(o.underlying_price, 4),
        o.div_yield_ann.map_or(String::new(), |q| format!(", dividend yield {}", pct(q, 2))),
        num(o.expiry_days, 2),
        pct(o.vol_ann, 2),
        pct(o.rate_ann, 2)
    );
    let mut t =
        output::table(&["leg", "strike", "quantity", "price", "delta", "vega/pt", "theta/day"]);
    for l in &o.legs {
        t.add_row(vec![
            l.kind.as_str().to_string(),
            num(l.strike, 4),
            num(l.quantity, 4),
            num(l.greeks.price, 4),
            num(l.greeks.delta, 4),
            num(l.greeks.vega_per_vol_point, 4),
            num(l.greeks.theta_per_day, 4),
        ]);
    }
    s.push_str(&t.to_string());
    let dc = if o.net_premium >= 0.0 { "debit" } else { "credit" };
    s.push_str(&format!(
        "\nnet premium {} ({dc}); net delta {}, vega/pt {}, theta/day {}\n\
         break-evens at expiry: {}\nmax gain: {}\nmax loss: {}\n",
        num(o.net_premium.abs(), 4),
        num(o.net_greeks.delta, 4),
        num(o.net_greeks.vega_per_vol_point, 4),
        num(o.net_greeks.theta_per_day, 4),
        levels(&o.break_evens),
        extremum(&o.max_gain),
        extremum(&o.max_loss),
    ));
    let mut t = output::table(&["underlying at expiry", "payoff", "P&L"]);
    for p in &o.payoff_at_expiry {
        t.add_row(vec![fixed(p.underlying, 4), fixed(p.payoff, 4), fixed(p.pnl, 4)]);
    }
    s.push_str(&t.to_string());
    if let Some(c) = &o.carry {
        let units = if c.inventory_quantity != 0.0 {
            format!(
                " and {} units of the underlying at {}",
                num(c.inventory_quantity, 4),
                num(c.inventory_entry_price, 4)
            )
        } else {
            String::new()
        };
        let moves: Vec<String> = c.break_even_moves.iter().map(|m| pct(*m, 2)).collect();
        s.push_str(&format!(
            "\ncarry at {} for {} days: financing of the premium{units} {}\n\
             carry-adjusted break-evens (premium and its financing paid): {}{}\n\
             carry-adjusted max gain: {}; max loss: {}\n",
            pct(c.rate_ann, 2),
            num(c.holding_days, 2),
            num(c.financing_cost, 4),
            levels(&c.break_evens),
            if moves.is_empty() {
                String::new()
            } else {
                format!(" ({} from now)", moves.join(", "))
            },
            extremum(&c.max_gain),
            extremum(&c.max_loss),
        ));
        if c.inventory_value != 0.0 {
            s.push_str(&format!(
                "inventory financing (value {} at {}, not in the break-even: its P&L is not \
                 modelled): {}; total financing {}\n",
                num(c.inventory_value, 2),
                pct(c.rate_ann, 2),
                num(c.inventory_financing_cost, 4),
                num(c.total_financing_cost, 4),
            ));
        }
    }
    output::emit(s.trim_end());
}
