//! The human summary of `crosshedge backtest`.

use crosshedge_app::backtest::BacktestResponse;
use crosshedge_app::backtest::FlowKind;

use crate::table::{self, pct};

/// The human summary.
pub fn render(o: &BacktestResponse) -> String {
    let r = &o.report;
    let mut s = format!(
        "backtest of {} | {} US trading days {} .. {} | VIX futures from {}\n",
        o.book,
        o.days,
        table::date_or_dash(o.from),
        table::date_or_dash(o.to),
        o.contracts
    );
    let held: Vec<String> = o
        .exposures
        .iter()
        .map(|(n, u, p)| format!("{n} {u:.6} units (USD {:.0} at {p:.2})", u * p))
        .collect();
    s.push_str(&format!("  delta exposure on the first day: {}\n", held.join(", ")));
    let x = &o.exposure_policy;
    s.push_str(&format!(
        "  exposure policy: {}{} | cash account {} a year ({}) | LP fee income {} a year in range ({}) | trades: half-spread spot {} / NFT {} / perp {} / LP {} bps, slippage {} bps, gas {} USD on-chain\n",
        x.rebalance,
        x.rebalance_days.map_or(String::new(), |d| format!(" every {d} market days")),
        pct(x.cash_rate, 2),
        x.sources.get("cash_rate").map_or("", String::as_str),
        pct(x.lp_fee_apr, 1),
        x.sources.get("lp_fee_apr").map_or("", String::as_str),
        x.half_spread_bps.get("spot").copied().unwrap_or(0.0),
        x.half_spread_bps.get("nft-inventory").copied().unwrap_or(0.0),
        x.half_spread_bps.get("perp").copied().unwrap_or(0.0),
        x.half_spread_bps.get("amm-lp").copied().unwrap_or(0.0),
        x.slippage_bps,
        x.gas,
    ));
    for (n, why) in &x.skipped_exposures {
        s.push_str(&format!("  {n}: not run ({why})\n"));
    }
    if let Some(b) = &r.exposure {
        let mut t = table::table(&["exposure", "weight at start", "weight at end", "value at end"]);
        for e in &b.exposures {
            t.add_row(vec![
                e.name.clone(),
                pct(e.weight_start, 1),
                pct(e.weight_end, 1),
                format!("{:.0}", e.value_end),
            ]);
        }
        t.add_row(vec![
            "cash".to_string(),
            pct(b.cash_weight_start, 1),
            pct(b.cash_weight_end, 1),
            String::new(),
        ]);
        s.push_str(&t.to_string());
        s.push('\n');
        let total = |k: FlowKind| b.flow_totals.get(&k).copied().unwrap_or(0.0);
        s.push_str(&format!(
            "  book flows: interest {:.0}, NFT carry {:.0}, LP fees {:.0}, perp funding {:.0}, trading costs {:.0} ({} rebalances)\n",
            total(FlowKind::Interest),
            total(FlowKind::Carry),
            total(FlowKind::FeeIncome),
            total(FlowKind::Funding),
            total(FlowKind::Fee) + total(FlowKind::Gas),
            b.rebalances
        ));
    }
    if let Some(c) = &o.funding.calendar {
        s.push_str(&format!(
            "  funding: {} calendar days summed onto market days ({} printed, {} carried from an earlier print, {} without: 0)\n",
            c.calendar_days, c.printed_days, c.stale_days, c.missing_days
        ));
    }
    for (n, x) in &o.layers {
        s.push_str(&format!("  layer {n}: notional {:.3} per unit of exposure\n", x));
    }
    for (n, why) in &o.skipped_layers {
        s.push_str(&format!("  layer {n}: not run ({why})\n"));
    }
    let mut t = table::table(&[
        "curve",
        "total return",
        "ann. return",
        "ann. vol",
        "max drawdown",
        "worst month",
    ]);
    for (name, m) in [("unhedged", &r.unhedged_metrics), ("hedged", &r.hedged_metrics)] {
        match &m.metrics {
            Some(x) => {
                t.add_row(vec![
                    name.to_string(),
                    pct(x.total_return, 1),
                    pct(x.annualised_return, 1),
                    x.annualised_vol.map_or("-".into(), |v| pct(v, 1)),
                    pct(x.max_drawdown.max_drawdown, 1),
                    format!(
                        "{}-{:02} {}",
                        x.worst_month.year,
                        x.worst_month.month,
                        pct(x.worst_month.simple_return, 1)
                    ),
                ]);
            }
            None => {
                t.add_row(vec![name.to_string(), m.error.clone().unwrap_or_default()]);
            }
        }
    }
    s.push_str(&t.to_string());
    s.push_str(&format!(
        "\ncost of carry per year: {:.0} outside episodes ({} of the exposure), {:.0} cash outlay ({}) | XIRR of the hedge programme: {} | accounting identity held every day: {}\n",
        r.cost_of_carry.hedge_pnl_outside_episodes_per_year,
        r.cost_of_carry.hedge_pnl_outside_episodes_share_per_year.map_or("-".into(), |x| pct(x, 2)),
        r.cost_of_carry.outlay_per_year,
        r.cost_of_carry.outlay_share_per_year.map_or("-".into(), |x| pct(x, 2)),
        match r.xirr.rate {
            Some(x) if r.xirr.roots.len() > 1 => format!(
                "{} (ambiguous: {} roots; the programme's flows change sign more than once)",
                pct(x, 2),
                r.xirr.roots.len()
            ),
            Some(x) => pct(x, 2),
            None => r.xirr.error.clone().unwrap_or_default(),
        },
        if r.all_checks_ok { "yes" } else { "NO" }
    ));
    if !r.episodes.is_empty() {
        let mut t = table::table(&["episode", "unhedged P&L", "hedged P&L", "loss offset"]);
        for e in &r.episodes {
            t.add_row(vec![
                e.name.clone(),
                format!("{:.0}", e.unhedged_pnl),
                format!("{:.0}", e.hedged_pnl),
                e.share_offset.map_or("-".into(), |x| pct(x, 1)),
            ]);
        }
        s.push_str(&t.to_string());
    }
    s
}
