//! The human tables of `crosshedge price lp`.

use crosshedge_app::price::lp::LpResponse;

use crate::output::{self, num, pct};

/// The position, its risk and break-even, and the impermanent-loss table; `horizon` is the
/// `--horizon-days` of the scenario.
pub fn render(out: &LpResponse, horizon: Option<f64>) -> String {
    let (model, p, liquidity, in_range, vol, lvr_rate, fee_apr, hedge) = (
        out.model,
        out.price,
        out.liquidity,
        out.in_range,
        out.vol_ann,
        out.lvr_rate_ann,
        out.fee_apr,
        out.hedge_cost_ann,
    );
    let range = out.price_lower.zip(out.price_upper);
    let moves: Vec<f64> = out.impermanent_loss.iter().map(|x| x.r#move).collect();
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
    s
}
