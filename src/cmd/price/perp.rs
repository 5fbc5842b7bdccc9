//! `crosshedge price perp`.

use crosshedge_app::price::perp::PerpRequest;
use crosshedge_defi::{ContractKind, Side};

use crate::cli::price::PerpArgs;
use crate::cmd::Ctx;
use crate::exit::usage;
use crate::output::{self, num, pct, serde_name};

/// The request of `a`: `--side` and `--kind` parsed here, every value checked by the job.
fn request(a: &PerpArgs) -> anyhow::Result<PerpRequest> {
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
    Ok(PerpRequest {
        side,
        qty: a.qty,
        entry: a.entry,
        leverage: a.leverage,
        kind,
        mmr: a.mmr,
        maint_amount: a.maint_amount,
        close_fee: a.close_fee,
        funding: a.funding,
        interval_hours: a.interval_hours,
        mark: a.mark,
    })
}

pub fn run(ctx: &Ctx, a: PerpArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let out = crosshedge_app::price::perp::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    let (side, kind, qty, entry, leverage) =
        (out.side, out.kind, out.quantity, out.entry_price, out.leverage);
    let (liq, mark, upnl, equity, maint) = (
        out.liquidation_price,
        out.mark_price,
        out.unrealized_pnl,
        out.equity,
        out.maintenance_margin,
    );
    if ctx.json {
        return output::print_json(&out);
    }
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
    output::emit(&t.to_string());
    Ok(())
}
