//! `price perp`: an isolated-margin perpetual future — liquidation price, margin, P&L at the
//! mark, funding.

use crosshedge_defi::{
    annualized_funding_carry, funding_payment, ContractKind, DefiError, FundingRate, MarginParams,
    PerpPosition, Side,
};
use serde::{Deserialize, Serialize};

use super::{defi_err, finite, non_negative, num, positive};
use crate::{AppError, Progress, Workspace};

/// A perpetual position to analyse. `qty`, `entry` and `leverage` have no meaningful default
/// (0, refused): a request gives them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerpRequest {
    /// `long` or `short`.
    pub side: Side,
    /// Quantity: base units (linear) or USD face value (inverse); > 0.
    pub qty: f64,
    /// Entry price, quote per base; > 0.
    pub entry: f64,
    /// Leverage (initial isolated margin = entry value / leverage); > 0 and below 1/mm.
    pub leverage: f64,
    /// `linear` (USDT-margined) or `inverse` (coin-margined).
    pub kind: ContractKind,
    /// Maintenance margin rate, decimal (Binance BTCUSDT tier 1: 0.004).
    pub mmr: f64,
    /// Tier maintenance amount (Binance `cum`), margin currency.
    pub maint_amount: f64,
    /// Closing fee rate reserved in the maintenance requirement (Bybit style), decimal.
    pub close_fee: f64,
    /// Funding rate per settlement interval, decimal (0.0001 = 1 bp; positive: longs pay);
    /// none: no funding section.
    pub funding: Option<f64>,
    /// Hours between funding settlements.
    pub interval_hours: f64,
    /// Mark price for the P&L and funding, quote per base; none: the entry price.
    pub mark: Option<f64>,
}

impl Default for PerpRequest {
    fn default() -> Self {
        Self {
            side: Side::Long,
            qty: 0.0,
            entry: 0.0,
            leverage: 0.0,
            kind: ContractKind::Linear,
            mmr: 0.004,
            maint_amount: 0.0,
            close_fee: 0.0,
            funding: None,
            interval_hours: 8.0,
            mark: None,
        }
    }
}

/// Funding of the position at the mark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundingOut {
    /// Rate per settlement interval, decimal.
    pub rate_per_interval: f64,
    /// Hours between settlements.
    pub interval_hours: f64,
    /// The rate annualised, decimal per year.
    pub rate_ann: f64,
    /// Payment per settlement, margin currency (+ received).
    pub payment_per_settlement: f64,
    /// Payment per day, margin currency.
    pub payment_per_day: f64,
    /// Funding carry as a fraction of notional per year.
    pub carry_ann: f64,
}

/// The analysis of a perpetual position (the `--json` of `price perp`). Amounts are in the
/// margin currency (`quote` for linear, `coin` for inverse), prices quote per base.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerpResponse {
    /// Linear or inverse.
    pub kind: ContractKind,
    /// Long or short.
    pub side: Side,
    /// Quantity as given.
    pub quantity: f64,
    /// Entry price.
    pub entry_price: f64,
    /// Leverage.
    pub leverage: f64,
    /// The leverage cap 1/mm (entry value / maintenance requirement at entry), excluded.
    pub max_leverage: Option<f64>,
    /// `quote` or `coin`.
    pub margin_currency: String,
    /// Initial isolated margin.
    pub margin: f64,
    /// Maintenance margin rate, decimal.
    pub maintenance_margin_rate: f64,
    /// Tier maintenance amount.
    pub maintenance_amount: f64,
    /// Closing fee rate, decimal.
    pub close_fee_rate: f64,
    /// Liquidation price, when there is one.
    pub liquidation_price: Option<f64>,
    /// Liquidation price / entry − 1.
    pub liquidation_move: Option<f64>,
    /// Why there is no liquidation price.
    pub liquidation_note: Option<String>,
    /// Mark price.
    pub mark_price: f64,
    /// Position value at the mark.
    pub position_value: f64,
    /// Unrealised P&L at the mark.
    pub unrealized_pnl: f64,
    /// Margin + unrealised P&L.
    pub equity: f64,
    /// Maintenance requirement at the mark.
    pub maintenance_margin: f64,
    /// Maintenance margin / equity (none without equity).
    pub margin_ratio: Option<f64>,
    /// Funding, when a rate was given.
    pub funding: Option<FundingOut>,
}

/// Runs `price perp`.
///
/// # Errors
/// An input error naming the flag for a value out of range (including a leverage at or above
/// the cap 1/mm); DeFi model errors classified by [`defi_err`].
pub fn run(
    _ws: &Workspace,
    a: &PerpRequest,
    _progress: &dyn Progress,
) -> Result<PerpResponse, AppError> {
    let (side, kind) = (a.side, a.kind);
    let qty = positive("qty", a.qty)?;
    let entry = positive("entry", a.entry)?;
    let leverage = positive("leverage", a.leverage)?;
    let mmr = non_negative("mmr", a.mmr)?;
    let cum = non_negative("maint-amount", a.maint_amount)?;
    let fee = non_negative("close-fee", a.close_fee)?;
    if mmr + fee >= 1.0 {
        return Err(AppError::input(format!("--mmr + --close-fee must be < 1, got {}", mmr + fee)));
    }
    let mark = positive("mark", a.mark.unwrap_or(entry))?;
    let interval_hours = positive("interval-hours", a.interval_hours)?;
    let pos = PerpPosition::with_leverage(kind, side, qty, entry, leverage).map_err(defi_err)?;
    let params = MarginParams::new(mmr, cum, fee).map_err(defi_err)?;
    // The cap 1/mm: at or above it the initial margin does not exceed the maintenance
    // requirement at entry and the position is liquidated on opening; Binance and Bybit refuse
    // such an order (their tier limits sit below 1/mm), so it is refused here too.
    let max_leverage = pos.max_leverage(&params);
    if let Some(cap) = max_leverage.filter(|cap| leverage >= *cap) {
        return Err(AppError::input(format!(
            "--leverage {leverage} is at or above the cap 1/mm = {} (mm = --mmr + --close-fee \
             - --maint-amount / entry value = {}): the initial margin would not cover the \
             maintenance margin and the position would be liquidated on opening; venues refuse it",
            num(cap, 4),
            num(1.0 / cap, 6)
        )));
    }
    let (liq, note) = match pos.liquidation_price(&params) {
        Ok(p) => (Some(p), None),
        Err(e @ DefiError::NoLiquidationPrice { .. }) => (None, Some(e.to_string())),
        Err(e) => return Err(defi_err(e)),
    };
    let funding = match a.funding {
        None => None,
        Some(r) => {
            let r = finite("funding", r)?;
            let h = interval_hours;
            let fr = FundingRate::new(r, h).map_err(defi_err)?;
            let pay = funding_payment(kind, side, qty, mark, r).map_err(defi_err)?;
            Some(FundingOut {
                rate_per_interval: r,
                interval_hours: h,
                rate_ann: fr.annualized(),
                payment_per_settlement: pay,
                payment_per_day: pay * 24.0 / h,
                carry_ann: annualized_funding_carry(side, &[fr]).map_err(defi_err)?,
            })
        }
    };
    let upnl = pos.unrealized_pnl(mark) + 0.0; // no "-0"
    let equity = pos.margin + upnl;
    let maint = pos.maintenance_margin(&params, mark);
    Ok(PerpResponse {
        kind,
        side,
        quantity: qty,
        entry_price: entry,
        leverage,
        max_leverage,
        margin_currency: match kind {
            ContractKind::Linear => "quote",
            ContractKind::Inverse => "coin",
        }
        .to_string(),
        margin: pos.margin,
        maintenance_margin_rate: mmr,
        maintenance_amount: cum,
        close_fee_rate: fee,
        liquidation_price: liq,
        liquidation_move: liq.map(|l| l / entry - 1.0),
        liquidation_note: note,
        mark_price: mark,
        position_value: pos.position_value(mark),
        unrealized_pnl: upnl,
        equity,
        maintenance_margin: maint,
        margin_ratio: (equity > 0.0).then(|| maint / equity),
        funding,
    })
}
