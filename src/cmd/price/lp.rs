//! `crosshedge price lp`.

use clap::Args;
use crosshedge_defi::{
    impermanent_loss_v2, lp_break_even, lvr_concentrated_rate, lvr_rate_constant_product,
    BreakEvenInputs, BreakEvenResult, ConcentratedPosition, ConstantProductPosition, LpShape,
    LpValuation, PriceScenario, TokenAmounts,
};
use serde::Serialize;

use super::{defi_err, finite, non_negative, num, positive, usage};
use crate::cmd::Ctx;
use crate::output::{self, pct};

/// `crosshedge price lp`.
#[derive(Debug, Args)]
pub struct LpArgs {
    /// v2 (constant product) or v3 (concentrated range, with --lower and --upper).
    #[arg(long)]
    pub model: String,
    /// Current price P = y/x (token y per token x, e.g. USDC per ETH).
    #[arg(long, allow_negative_numbers = true)]
    pub price: f64,
    /// Lower price bound of a v3 range.
    #[arg(long, allow_negative_numbers = true)]
    pub lower: Option<f64>,
    /// Upper price bound of a v3 range.
    #[arg(long, allow_negative_numbers = true)]
    pub upper: Option<f64>,
    /// Position value in units of y.
    #[arg(long, allow_negative_numbers = true)]
    pub value: f64,
    /// Annualised volatility of ln P, decimal, for LVR and the break-even.
    #[arg(long, allow_negative_numbers = true)]
    pub vol: Option<f64>,
    /// Fee APR the position earns, decimal.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub fee_apr: f64,
    /// Hedge and other running costs per year, fraction of value.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub hedge_cost: f64,
    /// Relative price move for the impermanent loss (0.5 = +50 %, -0.3 = -30 %); a table of
    /// moves when absent.
    #[arg(long, allow_negative_numbers = true)]
    pub r#move: Option<f64>,
    /// Horizon of --move in days: adds the unhedged break-even fee APR of that scenario.
    #[arg(long, allow_negative_numbers = true, requires = "move")]
    pub horizon_days: Option<f64>,
}

const DEFAULT_MOVES: [f64; 8] = [-0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5];

#[derive(Serialize)]
struct IlPoint {
    r#move: f64,
    price_end: f64,
    value_end: f64,
    hold_value_end: f64,
    impermanent_loss: f64,
    /// `(value_end − hold_value_end) / value`: the shortfall on the initial value's base.
    loss_of_initial_value: f64,
    /// The end price lies outside the v3 range (`Pa <= P < Pb`); always false for v2.
    out_of_range: bool,
}

#[derive(Serialize)]
struct LpOut {
    model: &'static str,
    price: f64,
    price_lower: Option<f64>,
    price_upper: Option<f64>,
    in_range: bool,
    liquidity: f64,
    amounts: TokenAmounts,
    value: f64,
    delta: f64,
    gamma: f64,
    impermanent_loss: Vec<IlPoint>,
    vol_ann: Option<f64>,
    lvr_rate_ann: Option<f64>,
    lvr_per_year: Option<f64>,
    fee_apr: f64,
    hedge_cost_ann: f64,
    break_even: Option<BreakEvenResult>,
    break_even_note: Option<String>,
}

enum Pos {
    V2(ConstantProductPosition),
    V3(ConcentratedPosition),
}

impl Pos {
    fn valuation(&self, p: f64) -> anyhow::Result<LpValuation> {
        match self {
            Pos::V2(x) => x.valuation(p),
            Pos::V3(x) => x.valuation(p),
        }
        .map_err(defi_err)
    }
}

pub fn run(ctx: &Ctx, a: LpArgs) -> anyhow::Result<()> {
    let p = positive("price", a.price)?;
    let value = positive("value", a.value)?;
    let vol = a.vol.map(|v| non_negative("vol", v)).transpose()?;
    let fee_apr = finite("fee-apr", a.fee_apr)?;
    let hedge = finite("hedge-cost", a.hedge_cost)?;
    let moves: Vec<f64> = match a.r#move {
        Some(r) if r.is_finite() && r > -1.0 => vec![r],
        Some(r) => return Err(usage(format!("--move must be a finite number > -1, got {r}"))),
        None => DEFAULT_MOVES.to_vec(),
    };
    let horizon = a.horizon_days.map(|d| positive("horizon-days", d)).transpose()?;
    let (model, pos, range) = match (a.model.as_str(), a.lower, a.upper) {
        ("v2", None, None) => {
            // V = 2 L sqrt(P) = 2 x P.
            let x = value / (2.0 * p);
            ("v2", Pos::V2(ConstantProductPosition::from_amount_x(x, p).map_err(defi_err)?), None)
        }
        ("v2", _, _) => {
            return Err(usage("--lower/--upper define a v3 range; use --model v3"));
        }
        ("v3", Some(lo), Some(hi)) => {
            let lo = positive("lower", lo)?;
            let hi = positive("upper", hi)?;
            if lo >= hi {
                return Err(usage(format!("--lower {lo} must be below --upper {hi}")));
            }
            // Value is linear in L: scale a unit-liquidity position to the value.
            let unit = ConcentratedPosition::new(1.0, lo, hi).map_err(defi_err)?;
            let v1 = unit.valuation(p).map_err(defi_err)?.value;
            let pos = ConcentratedPosition::new(value / v1, lo, hi).map_err(defi_err)?;
            ("v3", Pos::V3(pos), Some((lo, hi)))
        }
        ("v3", _, _) => return Err(usage("--model v3 needs --lower A and --upper B")),
        (m, _, _) => return Err(usage(format!("--model '{m}': expected v2 or v3"))),
    };
    let val = pos.valuation(p)?;
    let liquidity = match &pos {
        Pos::V2(x) => x.liquidity,
        Pos::V3(x) => x.liquidity,
    };
    let in_range = range.is_none_or(|(lo, hi)| lo < p && p < hi);
    let mut il = Vec::new();
    for r in &moves {
        let p1 = p * (1.0 + r);
        let il_r = match &pos {
            Pos::V2(_) => impermanent_loss_v2(p, p1),
            Pos::V3(x) => x.impermanent_loss(p, p1),
        }
        .map_err(defi_err)?;
        let value_end = pos.valuation(p1)?.value;
        let hold_value_end = val.amounts.value(p1);
        il.push(IlPoint {
            r#move: *r,
            price_end: p1,
            value_end,
            hold_value_end,
            impermanent_loss: il_r,
            loss_of_initial_value: (value_end - hold_value_end) / val.value,
            out_of_range: match &pos {
                Pos::V2(_) => false,
                Pos::V3(x) => !x.in_range(p1.sqrt()),
            },
        });
    }
    let lvr_rate = match (vol, &pos) {
        (None, _) => None,
        (Some(s), Pos::V2(_)) => Some(lvr_rate_constant_product(s).map_err(defi_err)?),
        (Some(s), Pos::V3(x)) => Some(lvr_concentrated_rate(s, x, p).map_err(defi_err)?.lvr_rate),
    };
    let (break_even, note) = match vol {
        None => (None, Some("give --vol for LVR and the break-even fee APR".to_string())),
        Some(_) if !in_range => (
            None,
            Some("the price is outside the range: no fee income, no LVR, no break-even".into()),
        ),
        Some(s) => {
            let shape = match range {
                None => LpShape::ConstantProduct,
                Some((lo, hi)) => LpShape::Concentrated { price_lower: lo, price_upper: hi },
            };
            let scenario = horizon.map(|d| PriceScenario {
                price_end: p * (1.0 + moves[0]),
                horizon_years: d / 365.0,
            });
            let r = lp_break_even(&BreakEvenInputs {
                shape,
                price: p,
                sigma_ann: s,
                hedge_cost_ann: hedge,
                fee_apr,
                scenario,
            })
            .map_err(defi_err)?;
            (Some(r), None)
        }
    };
    let out = LpOut {
        model,
        price: p,
        price_lower: range.map(|r| r.0),
        price_upper: range.map(|r| r.1),
        in_range,
        liquidity,
        amounts: val.amounts,
        value: val.value,
        delta: val.delta,
        gamma: val.gamma,
        impermanent_loss: il,
        vol_ann: vol,
        lvr_rate_ann: lvr_rate,
        lvr_per_year: lvr_rate.map(|r| r * val.value),
        fee_apr,
        hedge_cost_ann: hedge,
        break_even,
        break_even_note: note,
    };
    if ctx.json {
        return output::print_json(&out);
    }
    let mut s = format!(
        "{} LP at price {}{}: value {}, L = {}\n",
        model,
        num(p, 4),
        range.map_or(String::new(), |(lo, hi)| format!(
            " on [{}, {}]{}",
            num(lo, 4),
            num(hi, 4),
            if in_range { "" } else { " (out of range)" }
        )),
        num(out.value, 4),
        num(liquidity, 6)
    );
    let mut t = output::table(&["", "value"]);
    t.add_row(vec!["token x".into(), num(out.amounts.x, 6)]);
    t.add_row(vec!["token y".into(), num(out.amounts.y, 6)]);
    t.add_row(vec!["delta (x per unit of price)".into(), num(out.delta, 6)]);
    t.add_row(vec!["gamma".into(), num(out.gamma, 6)]);
    if let (Some(v), Some(r), Some(l)) = (vol, lvr_rate, out.lvr_per_year) {
        t.add_row(vec!["vol".into(), pct(v, 2)]);
        t.add_row(vec!["LVR a year".into(), format!("{} of value ({})", pct(r, 2), num(l, 4))]);
    }
    if let Some(b) = &out.break_even {
        t.add_row(vec!["fee APR".into(), pct(fee_apr, 2)]);
        t.add_row(vec!["hedge cost a year".into(), pct(hedge, 2)]);
        t.add_row(vec![
            "break-even fee APR (hedged: LVR + hedge)".into(),
            pct(b.breakeven_fee_apr_hedged, 2),
        ]);
        t.add_row(vec!["net APR (hedged)".into(), pct(b.net_apr_hedged, 2)]);
        t.add_row(vec![
            "break-even vol at this fee APR".into(),
            b.breakeven_sigma_ann.map_or("none (fees below hedge cost)".into(), |v| pct(v, 2)),
        ]);
        if let (Some(f), Some(l)) = (b.breakeven_fee_apr_scenario, b.scenario_loss_of_initial_value)
        {
            t.add_row(vec![
                format!("LP − hold, {} move (of initial value)", pct(moves[0], 1)),
                pct(l, 3),
            ]);
            t.add_row(vec![
                format!(
                    "break-even fee APR, unhedged, {} move over {} days",
                    pct(moves[0], 1),
                    horizon.map_or(String::new(), |d| num(d, 1))
                ),
                pct(f, 2),
            ]);
        }
    }
    s.push_str(&t.to_string());
    if let Some(n) = &out.break_even_note {
        s.push_str(&format!("\n{n}"));
    }
    if let (Some(b), Some((lo, hi))) = (&out.break_even, range) {
        if b.scenario_out_of_range == Some(true) {
            s.push_str(&format!(
                "\nthe scenario ends out of range (price {} outside [{}, {}]): fees stop once \
                 the price leaves the range, so the break-even fee APR assumes the in-range fee \
                 rate over the whole horizon",
                num(p * (1.0 + moves[0]), 4),
                num(lo, 4),
                num(hi, 4)
            ));
        }
    }
    let mut t = output::table(&["move", "price", "LP value", "hold value", "impermanent loss"]);
    for x in &out.impermanent_loss {
        t.add_row(vec![
            pct(x.r#move, 1),
            if x.out_of_range {
                format!("{} (out of range)", num(x.price_end, 4))
            } else {
                num(x.price_end, 4)
            },
            num(x.value_end, 4),
            num(x.hold_value_end, 4),
            pct(x.impermanent_loss, 3),
        ]);
    }
    s.push('\n');
    s.push_str(&t.to_string());
    output::emit(&s);
    Ok(())
}
