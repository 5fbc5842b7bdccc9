//! `price lp`: a Uniswap v2 (constant product) or v3 (concentrated range) LP position —
//! amounts, value, delta/gamma, impermanent loss, LVR and the break-even fee APR.

use crosshedge_defi::{
    impermanent_loss_v2, lp_break_even, lvr_concentrated_rate, lvr_rate_constant_product,
    BreakEvenInputs, BreakEvenResult, ConcentratedPosition, ConstantProductPosition, LpShape,
    LpValuation, PriceScenario, TokenAmounts,
};
use serde::{Deserialize, Serialize};

use super::{defi_err, finite, non_negative, positive};
use crate::{AppError, Progress, Workspace};

/// The LP model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LpModel {
    /// Uniswap v2, constant product.
    V2,
    /// Uniswap v3, a concentrated range (`lower`, `upper`).
    V3,
}

/// An LP position to analyse. `price` and `value` have no meaningful default (0, refused).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LpRequest {
    /// `v2` or `v3` (with `lower` and `upper`).
    pub model: LpModel,
    /// Current price P = y/x (token y per token x, e.g. USDC per ETH).
    pub price: f64,
    /// Lower price bound of a v3 range.
    pub lower: Option<f64>,
    /// Upper price bound of a v3 range.
    pub upper: Option<f64>,
    /// Position value in units of y.
    pub value: f64,
    /// Annualised volatility of ln P, decimal, for LVR and the break-even.
    pub vol: Option<f64>,
    /// Fee APR the position earns, decimal.
    pub fee_apr: f64,
    /// Hedge and other running costs per year, fraction of value.
    pub hedge_cost: f64,
    /// Relative price move for the impermanent loss (0.5 = +50 %); none: a table of moves.
    pub r#move: Option<f64>,
    /// Horizon of `move` in days: adds the unhedged break-even fee APR of that scenario.
    pub horizon_days: Option<f64>,
}

impl Default for LpRequest {
    fn default() -> Self {
        Self {
            model: LpModel::V2,
            price: 0.0,
            lower: None,
            upper: None,
            value: 0.0,
            vol: None,
            fee_apr: 0.0,
            hedge_cost: 0.0,
            r#move: None,
            horizon_days: None,
        }
    }
}

const DEFAULT_MOVES: [f64; 8] = [-0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5];

/// The impermanent loss of one price move.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IlPoint {
    /// Relative price move (0.5 = +50 %).
    pub r#move: f64,
    /// End price.
    pub price_end: f64,
    /// Position value at the end price.
    pub value_end: f64,
    /// Value of the initial amounts held.
    pub hold_value_end: f64,
    /// Impermanent loss, fraction of the hold value.
    pub impermanent_loss: f64,
    /// `(value_end − hold_value_end) / value`: the shortfall on the initial value's base.
    pub loss_of_initial_value: f64,
    /// The end price lies outside the v3 range (`Pa <= P < Pb`); always false for v2.
    pub out_of_range: bool,
}

/// An LP position analysed (the `--json` of `price lp`): prices in y per x, values in y,
/// rates decimal per year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LpResponse {
    /// `v2` or `v3`.
    pub model: &'static str,
    /// Current price.
    pub price: f64,
    /// Lower bound of a v3 range.
    pub price_lower: Option<f64>,
    /// Upper bound of a v3 range.
    pub price_upper: Option<f64>,
    /// The price lies inside the range (always true for v2).
    pub in_range: bool,
    /// Liquidity L.
    pub liquidity: f64,
    /// Token amounts.
    pub amounts: TokenAmounts,
    /// Position value.
    pub value: f64,
    /// Delta, x per unit of price.
    pub delta: f64,
    /// Gamma.
    pub gamma: f64,
    /// Impermanent loss per move.
    pub impermanent_loss: Vec<IlPoint>,
    /// Volatility of ln P, decimal per year.
    pub vol_ann: Option<f64>,
    /// LVR as a fraction of value per year.
    pub lvr_rate_ann: Option<f64>,
    /// LVR per year, units of y.
    pub lvr_per_year: Option<f64>,
    /// Fee APR, decimal.
    pub fee_apr: f64,
    /// Hedge and running costs, fraction of value per year.
    pub hedge_cost_ann: f64,
    /// The break-even fee APR and vol.
    pub break_even: Option<BreakEvenResult>,
    /// Why there is no break-even.
    pub break_even_note: Option<String>,
}

enum Pos {
    V2(ConstantProductPosition),
    V3(ConcentratedPosition),
}

impl Pos {
    fn valuation(&self, p: f64) -> Result<LpValuation, AppError> {
        match self {
            Pos::V2(x) => x.valuation(p),
            Pos::V3(x) => x.valuation(p),
        }
        .map_err(defi_err)
    }
}

/// Runs `price lp`.
///
/// # Errors
/// An input error naming the flag for a bad value or combination; DeFi model errors
/// classified by [`defi_err`].
pub fn run(
    _ws: &Workspace,
    a: &LpRequest,
    _progress: &dyn Progress,
) -> Result<LpResponse, AppError> {
    let p = positive("price", a.price)?;
    let value = positive("value", a.value)?;
    let vol = a.vol.map(|v| non_negative("vol", v)).transpose()?;
    let fee_apr = finite("fee-apr", a.fee_apr)?;
    let hedge = finite("hedge-cost", a.hedge_cost)?;
    let moves: Vec<f64> = match a.r#move {
        Some(r) if r.is_finite() && r > -1.0 => vec![r],
        Some(r) => {
            return Err(AppError::input(format!("--move must be a finite number > -1, got {r}")))
        }
        None => DEFAULT_MOVES.to_vec(),
    };
    let horizon = a.horizon_days.map(|d| positive("horizon-days", d)).transpose()?;
    let (model, pos, range) = match (a.model, a.lower, a.upper) {
        (LpModel::V2, None, None) => {
            // V = 2 L sqrt(P) = 2 x P.
            let x = value / (2.0 * p);
            ("v2", Pos::V2(ConstantProductPosition::from_amount_x(x, p).map_err(defi_err)?), None)
        }
        (LpModel::V2, _, _) => {
            return Err(AppError::input("--lower/--upper define a v3 range; use --model v3"));
        }
        (LpModel::V3, Some(lo), Some(hi)) => {
            let lo = positive("lower", lo)?;
            let hi = positive("upper", hi)?;
            if lo >= hi {
                return Err(AppError::input(format!("--lower {lo} must be below --upper {hi}")));
            }
            // Value is linear in L: scale a unit-liquidity position to the value.
            let unit = ConcentratedPosition::new(1.0, lo, hi).map_err(defi_err)?;
            let v1 = unit.valuation(p).map_err(defi_err)?.value;
            let pos = ConcentratedPosition::new(value / v1, lo, hi).map_err(defi_err)?;
            ("v3", Pos::V3(pos), Some((lo, hi)))
        }
        (LpModel::V3, _, _) => {
            return Err(AppError::input("--model v3 needs --lower A and --upper B"))
        }
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
    Ok(LpResponse {
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
    })
}
