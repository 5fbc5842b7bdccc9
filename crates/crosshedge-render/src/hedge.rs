//! The human plan of `crosshedge hedge`: the layers, the budget and the cover by regime.

use crosshedge_app::hedge::HedgeResponse;

use crate::table::{self, pct};

/// The human plan.
pub fn render(o: &HedgeResponse) -> String {
    let p = &o.plan;
    let i = &o.inputs;
    let mut s = format!(
        "book: {}   delta notional {:.0} (btc {:.0}, eth {:.0}, nft {:.0})   as of {}, measured {} .. {}{}\n\
         hedge ratio on VIX: calm {:+.4}, stress {:+.4}, decorrelation factor {:.2}   VIX {:.2} ({:?})\n\
         VIX options at {} vol ({}); futures curve: {}\n",
        p.book,
        p.target_notional,
        p.asset_notional.btc,
        p.asset_notional.eth,
        p.asset_notional.nft,
        table::date_or_dash(o.measured.as_of),
        table::date_or_dash(o.measured.from),
        table::date_or_dash(o.measured.to),
        if (o.measured.nft_from, o.measured.nft_to) == (o.measured.from, o.measured.to) {
            String::new()
        } else {
            format!(
                " (NFT index {} .. {}: its statistics use those days only)",
                table::date_or_dash(o.measured.nft_from),
                table::date_or_dash(o.measured.nft_to)
            )
        },
        i.hedge_ratio_calm,
        i.hedge_ratio_stress,
        i.decorrelation_factor,
        i.vix,
        i.band,
        pct(o.measured.vol_of_vol, 1),
        o.measured.vol_of_vol_source,
        o.measured.curve_source,
    );
    let mut t = table::table(&[
        "layer",
        "instrument",
        "on",
        "tenor",
        "strikes",
        "quantity",
        "premium",
        "cost/yr",
        "Δ/lnVIX",
        "vega",
    ]);
    for l in &p.layers {
        t.add_row(vec![
            l.name.clone(),
            l.instrument.as_str().to_string(),
            if l.active { "yes".into() } else { "no".into() },
            format!("{}d", l.tenor_days),
            l.strikes.map_or_else(|| "-".into(), |k| format!("{:.2}/{:.2}", k[0], k[1])),
            format!("{:.2}", l.quantity),
            format!("{:.0}", l.premium),
            format!("{:.0}", l.cost_per_year),
            format!(
                "{:.0}",
                l.greeks.delta_log_vix + l.greeks.spx_delta_log + l.greeks.crypto_delta_log
            ),
            format!("{:.0}", l.greeks.vix_vega + l.greeks.spx_vega),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str(&format!(
        "\npremium {:.0}   cost/yr {:.0} ({} of notional)   theta/day {:.0}   NFT carry/yr {:.0}\n",
        p.premium,
        p.cost_per_year,
        pct(p.cost_per_year / p.target_notional, 2),
        p.greeks.theta_per_day,
        p.nft_carry_per_year
    ));
    s.push_str(&format!(
        "THE BUDGET BUYS {} OF THE HEDGE-RATIO REQUIREMENT: the requirement costs {:.0}/yr, the budget is {:.0}/yr ({} of notional); every layer is scaled by {:.3}\n",
        pct(p.budget_scale, 1),
        p.requirement_cost_per_year,
        p.budget_per_year,
        pct(p.budget_per_year / p.target_notional, 2),
        p.budget_scale,
    ));
    s.push_str(&format!(
        "\nCover given the target's own 1-in-20 loss over {} trading days in each regime (the stress model's joint distribution: the VIX moves by its correlation with the target):\n",
        o.measured.move_days
    ));
    let mut c = table::table(&[
        "regime",
        "target loss",
        "E[VIX move]",
        "E[SPX move]",
        "E[hedge P&L]",
        "E[cover]",
        "P(>=25%)",
        "P(>=50%)",
        "P(>=75%)",
        "P&L if perfectly correlated",
    ]);
    for r in &p.cover {
        let prob =
            |k: usize| r.cover_probability.get(k).map_or("-".into(), |c| pct(c.probability, 1));
        c.add_row(vec![
            r.regime.to_string(),
            format!("{:.0} ({})", r.target_loss, pct(1.0 - r.shock.target_log.exp(), 1)),
            pct(r.shock.vix_log.exp() - 1.0, 1),
            pct(r.shock.spx_log.exp() - 1.0, 1),
            format!("{:.0}", r.hedge_pnl),
            r.cover.map_or_else(|| "-".into(), |v| pct(v, 1)),
            prob(0),
            prob(1),
            prob(2),
            format!("{:.0}", r.hedge_pnl_perfect_correlation),
        ]);
    }
    s.push_str(&c.to_string());
    s.push_str("\nHow the layers are sized: README.md, section \"How `hedge` sizes a book\".\n");
    s
}
