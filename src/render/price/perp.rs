//! The human table of `crosshedge price perp`.

use crosshedge_app::price::perp::PerpResponse;

use crate::output::{self, num, pct, serde_name};

/// The position, its margin, liquidation price and funding.
pub fn render(out: &PerpResponse) -> String {
    let (side, kind, qty, entry, leverage) =
        (out.side, out.kind, out.quantity, out.entry_price, out.leverage);
    let (liq, mark, upnl, equity, maint) = (
        out.liquidation_price,
        out.mark_price,
        out.unrealized_pnl,
        out.equity,
        out.maintenance_margin,
    );
    let mut t = output::table(&["", "value"]);
    let cur = &out.margin_currency;
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
    t.to_string()
}
