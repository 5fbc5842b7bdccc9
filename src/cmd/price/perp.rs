//! `crosshedge price perp`.

use clap::Args;
use crosshedge_defi::{
    annualized_funding_carry, funding_payment, ContractKind, DefiError, FundingRate, MarginParams,
    PerpPosition, Side,
};
use serde::Serialize;

use super::{defi_err, finite, non_negative, num, positive, usage};
use crate::cmd::Ctx;
use crate::output::{self, pct, serde_name};

/// `crosshedge price perp`.
#[derive(Debug, Args)]
pub struct PerpArgs {
    /// long or short.
    #[arg(long)]
    pub side: String,
    /// Quantity: base units (linear) or USD face value (inverse).
    #[arg(long, allow_negative_numbers = true)]
    pub qty: f64,
    /// Entry price (quote per base).
    #[arg(long, allow_negative_numbers = true)]
    pub entry: f64,
    /// Leverage: initial isolated margin = entry value / leverage.
    #[arg(long, allow_negative_numbers = true)]
    pub leverage: f64,
    /// linear (USDT-margined) or inverse (coin-margined).
    #[arg(long, default_value = "linear")]
    pub kind: String,
    /// Maintenance margin rate, decimal (Binance BTCUSDT tier 1: 0.004).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.004)]
    pub mmr: f64,
    /// Tier maintenance amount (Binance `cum`), margin currency.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub maint_amount: f64,
    /// Closing fee rate reserved in the maintenance requirement (Bybit style), decimal.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub close_fee: f64,
    /// Funding rate per settlement interval, decimal (0.0001 = 1 bp; positive: longs pay).
    #[arg(long, allow_negative_numbers = true)]
    pub funding: Option<f64>,
    /// Hours between funding settlements.
    #[arg(long, allow_negative_numbers = true, default_value_t = 8.0)]
    pub interval_hours: f64,
    /// Mark price for the P&L and funding (default: the entry price).
    #[arg(long, allow_negative_numbers = true)]
    pub mark: Option<f64>,
}

#[derive(Serialize)]
struct FundingOut {
    rate_per_interval: f64,
    interval_hours: f64,
    rate_ann: f64,
    payment_per_settlement: f64,
    payment_per_day: f64,
    carry_ann: f64,
}

#[derive(Serialize)]
struct PerpOut {
    kind: ContractKind,
    side: Side,
    quantity: f64,
    entry_price: f64,
    leverage: f64,
    /// The leverage cap 1/mm (entry value / maintenance requirement at entry), excluded.
    max_leverage: Option<f64>,
    margin_currency: &'static str,
    margin: f64,
    maintenance_margin_rate: f64,
    maintenance_amount: f64,
    close_fee_rate: f64,
    liquidation_price: Option<f64>,
    liquidation_move: Option<f64>,
    liquidation_note: Option<String>,
    mark_price: f64,
    position_value: f64,
    unrealized_pnl: f64,
    equity: f64,
    maintenance_margin: f64,
    margin_ratio: Option<f64>,
    funding: Option<FundingOut>,
}

pub fn run(ctx: &Ctx, a: PerpArgs) -> anyhow::Result<()> {
    let side = match a.side.as_str() {
        "long" => Side::Long,
        "short" => Side::Short,
        s => return Err(usage(format!("--side '{s}': expected long or short"))),
    };
    let kind = match a.kind.as_str() {
        "linear" => ContractKind::Linear,
        "inverse" => ContractKind::Inverse,
        s => return Err(usage(format!("--kind '{s}': expected linear or inverse"))),
    };
    let qty = positive("qty", a.qty)?;
    let entry = positive("entry", a.entry)?;
    let leverage = positive("leverage", a.leverage)?;
    let mmr = non_negative("mmr", a.mmr)?;
    let cum = non_negative("maint-amount", a.maint_amount)?;
    let fee = non_negative("close-fee", a.close_fee)?;
    if mmr + fee >= 1.0 {
        return Err(usage(format!("--mmr + --close-fee must be < 1, got {}", mmr + fee)));
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
        return Err(usage(format!(
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
    let out = PerpOut {
        kind,
        side,
        quantity: qty,
        entry_price: entry,
        leverage,
        max_leverage,
        margin_currency: match kind {
            ContractKind::Linear => "quote",
            ContractKind::Inverse => "coin",
        },
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
    };
    if ctx.json {
        return output::print_json(&out);
    }
    let mut t = output::table(&["", "value"]);
    let cur = out.margin_currency;
    t.add_row(vec![
        "position".into(),
        format!(
            "{} {} {} at {} ({}x)",
            serde_name(&side),
            num(qty, 6),
            serde_name(&kind),
            num(entry, 4),
            num(leverage, 2)
        ),
    ]);
    t.add_row(vec![format!("isolated margin ({cur})"), num(out.margin, 6)]);
    t.add_row(vec![
        "liquidation price".into(),
        match (liq, &out.liquidation_note) {
            (Some(l), _) => {
                format!("{} ({} from entry)", num(l, 4), pct(l / entry - 1.0, 2))
            }
            (None, Some(n)) => format!("none: {n}"),
            (None, None) => "none".into(),
        },
    ]);
    t.add_row(vec!["mark".into(), num(mark, 4)]);
    t.add_row(vec![format!("position value ({cur})"), num(out.position_value, 6)]);
    t.add_row(vec![format!("unrealised P&L ({cur})"), num(upnl, 6)]);
    t.add_row(vec![format!("equity ({cur})"), num(equity, 6)]);
    t.add_row(vec![format!("maintenance margin ({cur})"), num(maint, 6)]);
    t.add_row(vec![
        "margin ratio".into(),
        out.margin_ratio.map_or("- (no equity)".into(), |r| pct(r, 2)),
    ]);
    if let Some(f) = &out.funding {
        t.add_row(vec![
            "funding rate".into(),
            format!(
                "{} per {} h ({} a year)",
                pct(f.rate_per_interval, 4),
                num(f.interval_hours, 2),
                pct(f.rate_ann, 2)
            ),
        ]);
        t.add_row(vec![
            format!("funding per settlement ({cur}, + received)"),
            num(f.payment_per_settlement, 6),
        ]);
        t.add_row(vec![format!("funding per day ({cur})"), num(f.payment_per_day, 6)]);
        t.add_row(vec!["funding carry (of notional, a year)".into(), pct(f.carry_ann, 2)]);
    }
    output::emit(&t.to_string());
    Ok(())
}
