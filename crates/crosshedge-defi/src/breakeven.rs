//! Break-even of an LP position after fees, impermanent loss, LVR and hedge cost.
//!
//! Two views, both as rates per year on the position's value (decimals: 0.10 = 10 %/yr):
//!
//! 1. **Delta-hedged LP** (the LP hedges the pool's risky-token exposure, e.g. with a short
//!    perp). Its P&L rate is `fee APR − LVR rate − hedge cost` (Milionis et al. 2022: the
//!    hedged LP's loss before fees is exactly LVR; impermanent loss is then hedged away up to the
//!    LVR). Break-even fee APR = `LVR rate + hedge cost`, with the LVR rate `σ²/8` for constant
//!    product and `(σ²/4) L sqrt(P) / V(P)` for a concentrated range at price `P` (assumed in
//!    range all the time, an upper bound on the fee-earning time).
//! 2. **Unhedged LP over a horizon with a price scenario** `P0 → P1`: the fees must cover the
//!    shortfall against holding the deposited tokens. Fees are quoted on the initial value
//!    `V(P0)`, so the shortfall is put on the same base:
//!    break-even fee APR = `−(V_LP(P1) − V_hold(P1)) / V(P0) / T + hedge cost`, with
//!    `V_hold(P1) = x0 P1 + y0`. (The impermanent loss `IL = V_LP(P1)/V_hold(P1) − 1` is a
//!    fraction of the hold value at the *end* price; dividing it by `T` would mix two bases
//!    and overstate the APR after a fall, e.g. 89.5 % instead of 81.3 % for the README's v3
//!    range 2500–3500 at 3000 falling 20 % over 30 days.) When `P1` lies outside a concentrated
//!    range the position stops earning fees once the price leaves the range, so the break-even
//!    assumes the in-range fee rate over the whole horizon; the result flags it.
//!
//! The hedge cost is a caller's number per year of position value: for a short-perp hedge it is
//! the funding paid (e.g. `−annualized_funding_carry(Short, ..)` × hedge ratio) plus rebalancing
//! costs; for an option overlay the premium per year.
//!
//! # References
//! Milionis, Moallemi, Roughgarden, Zhang (2022), arXiv:2208.06046, §4–5.

use serde::Serialize;

use crate::error::{finite, non_negative, positive};
use crate::lvr::{lvr_concentrated_rate, lvr_rate_constant_product};
use crate::v2::{impermanent_loss_v2, ConstantProductPosition};
use crate::v3::ConcentratedPosition;
use crate::DefiError;

/// The pool shape for a break-even computation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LpShape {
    /// Constant product (v2, or v3 full range).
    ConstantProduct,
    /// A concentrated range `[price_lower, price_upper]`.
    Concentrated {
        /// Lower price bound `Pa`.
        price_lower: f64,
        /// Upper price bound `Pb`.
        price_upper: f64,
    },
}

/// Inputs of [`lp_break_even`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreakEvenInputs {
    /// Pool shape.
    pub shape: LpShape,
    /// Current price `P0` (`y / x`).
    pub price: f64,
    /// Annualised volatility of `ln P` (0.8 = 80 %).
    pub sigma_ann: f64,
    /// Hedge (and other running) cost per year as a fraction of position value.
    pub hedge_cost_ann: f64,
    /// Fee APR the position earns (fraction of value per year), for the net P&L rate.
    pub fee_apr: f64,
    /// Optional scenario: end price `P1` and horizon in years.
    pub scenario: Option<PriceScenario>,
}

/// A price move over a horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PriceScenario {
    /// End price `P1`.
    pub price_end: f64,
    /// Horizon in years.
    pub horizon_years: f64,
}

/// Result of [`lp_break_even`]; rates are fractions of position value per year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreakEvenResult {
    /// LVR rate at `P0`.
    pub lvr_ann: f64,
    /// Hedge cost rate (echoed).
    pub hedge_cost_ann: f64,
    /// Break-even fee APR of the delta-hedged LP: `lvr_ann + hedge_cost_ann`.
    pub breakeven_fee_apr_hedged: f64,
    /// Net P&L rate of the hedged LP at the given fee APR: `fee_apr − lvr_ann − hedge_cost_ann`.
    pub net_apr_hedged: f64,
    /// Volatility at which the hedged LP breaks even at `fee_apr`; `None` when the fees do
    /// not even cover the hedge cost.
    pub breakeven_sigma_ann: Option<f64>,
    /// Impermanent loss of the scenario (fraction of the hold value at `P1`), if a scenario
    /// was given.
    pub scenario_il: Option<f64>,
    /// The scenario's LP value minus hold value as a fraction of the initial value `V(P0)`:
    /// `(V_LP(P1) − V_hold(P1)) / V(P0)`, the base of the fee APR.
    pub scenario_loss_of_initial_value: Option<f64>,
    /// Break-even fee APR of the unhedged LP in the scenario:
    /// `−scenario_loss_of_initial_value / T + hedge_cost_ann`.
    pub breakeven_fee_apr_scenario: Option<f64>,
    /// True when the scenario's end price lies outside the concentrated range (the contract's
    /// rule `Pa <= P < Pb`); never for constant product.
    pub scenario_out_of_range: Option<bool>,
}

/// Break-even fee APR of an LP position after LVR (hedged view) or impermanent loss (scenario
/// view) and a hedge cost; see the module docs for the formulas.
///
/// # Errors
/// Sign errors; [`DefiError::InvalidRange`] for a bad range; [`DefiError::OutOfRange`] when
/// the price is outside a concentrated range (no fee income, no break-even).
pub fn lp_break_even(inputs: &BreakEvenInputs) -> Result<BreakEvenResult, DefiError> {
    let p0 = positive("price", inputs.price)?;
    let sigma = non_negative("sigma_ann", inputs.sigma_ann)?;
    let hedge = finite("hedge_cost_ann", inputs.hedge_cost_ann)?;
    let fee_apr = finite("fee_apr", inputs.fee_apr)?;
    // The LVR rate per unit variance: lvr_ann = k σ².
    let (k, position) = match inputs.shape {
        LpShape::ConstantProduct => (lvr_rate_constant_product(1.0)?, None),
        LpShape::Concentrated { price_lower, price_upper } => {
            let pos = ConcentratedPosition::new(1.0, price_lower, price_upper)?;
            if !(price_lower < p0 && p0 < price_upper) {
                return Err(DefiError::OutOfRange {
                    what: "price (outside the liquidity range)",
                    value: p0,
                    min: price_lower,
                    max: price_upper,
                });
            }
            (lvr_concentrated_rate(1.0, &pos, p0)?.lvr_rate, Some(pos))
        }
    };
    let lvr_ann = k * sigma * sigma;
    let breakeven_sigma_ann =
        if fee_apr >= hedge { Some(((fee_apr - hedge) / k).sqrt()) } else { None };
    let mut scenario_il = None;
    let mut scenario_loss_of_initial_value = None;
    let mut breakeven_fee_apr_scenario = None;
    let mut scenario_out_of_range = None;
    if let Some(s) = inputs.scenario {
        let p1 = positive("price_end", s.price_end)?;
        let t = positive("horizon_years", s.horizon_years)?;
        // Unit liquidity: every ratio below is scale-free.
        let (il, start, end, out) = match position {
            None => {
                let pos = ConstantProductPosition::new(1.0)?;
                (impermanent_loss_v2(p0, p1)?, pos.valuation(p0)?, pos.valuation(p1)?, false)
            }
            Some(pos) => (
                pos.impermanent_loss(p0, p1)?,
                pos.valuation(p0)?,
                pos.valuation(p1)?,
                !pos.in_range(p1.sqrt()),
            ),
        };
        let loss = (end.value - start.amounts.value(p1)) / start.value;
        scenario_il = Some(il);
        scenario_loss_of_initial_value = Some(loss);
        breakeven_fee_apr_scenario = Some(-loss / t + hedge);
        scenario_out_of_range = Some(out);
    }
    Ok(BreakEvenResult {
        lvr_ann,
        hedge_cost_ann: hedge,
        breakeven_fee_apr_hedged: lvr_ann + hedge,
        net_apr_hedged: fee_apr - lvr_ann - hedge,
        breakeven_sigma_ann,
        scenario_il,
        scenario_loss_of_initial_value,
        breakeven_fee_apr_scenario,
        scenario_out_of_range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_even_constant_product_hand_case() {
        // σ = 0.8 → LVR 8 %/yr; hedge 3 %/yr → 11 %. Fee APR 20 %: net 9 %, σ* = sqrt(8 × 0.17).
        let r = lp_break_even(&BreakEvenInputs {
            shape: LpShape::ConstantProduct,
            price: 2000.0,
            sigma_ann: 0.8,
            hedge_cost_ann: 0.03,
            fee_apr: 0.20,
            scenario: Some(PriceScenario { price_end: 8000.0, horizon_years: 0.5 }),
        })
        .unwrap();
        assert!((r.lvr_ann - 0.08).abs() < 1e-15);
        assert!((r.breakeven_fee_apr_hedged - 0.11).abs() < 1e-15);
        assert!((r.net_apr_hedged - 0.09).abs() < 1e-15);
        assert!((r.breakeven_sigma_ann.unwrap() - (8.0f64 * 0.17).sqrt()).abs() < 1e-15);
        // r = 4: IL = -0.2 of the hold value at the end, which is (1 + r)/2 = 2.5 times the
        // initial value: a loss of 0.5 of the initial value over half a year → 100 %/yr + 3 %.
        assert!((r.scenario_il.unwrap() + 0.2).abs() < 1e-15);
        assert!((r.scenario_loss_of_initial_value.unwrap() + 0.5).abs() < 1e-15);
        assert!((r.breakeven_fee_apr_scenario.unwrap() - 1.03).abs() < 1e-14);
        assert_eq!(r.scenario_out_of_range, Some(false));
    }

    #[test]
    fn break_even_concentrated_is_higher_than_full_range() {
        let base = BreakEvenInputs {
            shape: LpShape::ConstantProduct,
            price: 2000.0,
            sigma_ann: 0.7,
            hedge_cost_ann: 0.0,
            fee_apr: 0.1,
            scenario: None,
        };
        let full = lp_break_even(&base).unwrap();
        let narrow = lp_break_even(&BreakEvenInputs {
            shape: LpShape::Concentrated { price_lower: 1800.0, price_upper: 2200.0 },
            ..base
        })
        .unwrap();
        assert!(narrow.lvr_ann > 5.0 * full.lvr_ann);
        let out = lp_break_even(&BreakEvenInputs {
            shape: LpShape::Concentrated { price_lower: 2500.0, price_upper: 3000.0 },
            ..base
        });
        assert!(out.is_err());
        // Fees below the hedge cost: no break-even volatility.
        let r = lp_break_even(&BreakEvenInputs { hedge_cost_ann: 0.2, ..base }).unwrap();
        assert_eq!(r.breakeven_sigma_ann, None);
    }
}
