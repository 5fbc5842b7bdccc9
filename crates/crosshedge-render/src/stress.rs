//! The human summary of `crosshedge stress`.

use crosshedge_app::stress::StressResponse;

use crate::table::{self, pct};

/// The human summary.
pub fn render(o: &StressResponse) -> String {
    let mut s = format!(
        "book: {}   model: {} (drift: {})   scenario: {}   as of {}: start VIX {:.2}, SPX {:.2}, regime {}\n",
        o.plan.book,
        o.model,
        o.drift,
        o.scenario,
        table::date_or_dash(o.measured.as_of),
        o.start.vix,
        o.start.spx,
        o.start.regime
    );
    s.push_str(&format!(
        "VIX option vols calm/normal/stress {}/{}/{} ({})\n",
        pct(o.vix_option_vol[0], 0),
        pct(o.vix_option_vol[1], 0),
        pct(o.vix_option_vol[2], 0),
        o.vix_option_vol_source
    ));
    if let (Some(nu), Some(cap), Some(p)) =
        (o.joint_model.nu, o.joint_model.mixing_cap, o.joint_model.mixing_cap_probability)
    {
        s.push_str(&format!(
            "shocks: Student-t, nu {nu:.2}, mixing sd capped at {cap} (binds on {} of days; kurtosis {:.2})\n",
            pct(p, 4),
            o.joint_model.shock_kurtosis
        ));
    } else {
        s.push_str("shocks: Gaussian\n");
    }
    if let Some(r) = &o.report {
        s.push_str(&format!("{} paths x {} days, seed {}\n", r.paths, r.horizon_days, r.seed));
        let mut t = table::table(&["P&L", "mean", "sd", "VaR 95%", "VaR 99%", "ES 95%", "ES 99%"]);
        for (name, p) in [("unhedged", &r.unhedged), ("hedged", &r.hedged)] {
            t.add_row(vec![
                name.to_string(),
                format!("{:.0}", p.mean),
                format!("{:.0}", p.sd),
                format!("{:.0}", p.var95),
                format!("{:.0}", p.var99),
                format!("{:.0}", p.es95),
                format!("{:.0}", p.es99),
            ]);
        }
        s.push_str(&t.to_string());
        s.push_str(&format!(
            "\nVaR 99% reduction {}   losing paths {}\n",
            pct(r.var99_reduction, 1),
            pct(r.losing_share, 1)
        ));
        for c in &r.cover {
            s.push_str(&format!(
                "P(hedge covers >= {} of the loss) = {} [{}, {}]\n",
                pct(c.level, 0),
                pct(c.probability, 2),
                pct(c.ci95[0], 2),
                pct(c.ci95[1], 2)
            ));
        }
        if let Some(t) = &r.uncovered_share_of_loss_1_in_20 {
            s.push_str(&format!(
                "1-in-20 shock (unhedged loss >= {:.0}, {} paths): uncovered share of loss {} [{}, {}], aggregate {}\n",
                t.threshold_loss,
                t.paths,
                pct(t.mean, 1),
                pct(t.ci95[0], 1),
                pct(t.ci95[1], 1),
                pct(t.aggregate, 1)
            ));
        }
    }
    if let Some(k) = &o.shock {
        let names = ["VIX", "SPX", "BTC", "ETH", "NFT"];
        let moves: Vec<String> = names
            .iter()
            .zip(k.shock.log_moves.iter().zip(&k.shock.specified))
            .map(|(n, (m, sp))| {
                format!("{n} {}{}", pct(m.exp() - 1.0, 1), if *sp { "" } else { "*" })
            })
            .collect();
        s.push_str(&format!(
            "shock over {} days: {} (* conditional mean)\n",
            k.shock.days,
            moves.join(", ")
        ));
        s.push_str(&format!(
            "unhedged {:.0}   hedge {:.0}   hedged {:.0}   cover {}\n",
            k.unhedged,
            k.hedge_pnl,
            k.hedged,
            k.cover.map_or_else(|| "-".into(), |c| pct(c, 1))
        ));
    }
    s
}
