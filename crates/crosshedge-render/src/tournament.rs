//! The human answer of `crosshedge tournament`: the ranked table, the candidates × episodes
//! cover table, the frontier and the verdict, per target.

use crosshedge_app::tournament::{TargetTournament, TournamentResponse};

use crate::table;

/// Whole percent without a "-0" for a small negative.
fn whole(v: f64) -> f64 {
    let p = (100.0 * v).round();
    if p == 0.0 {
        0.0
    } else {
        p
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| table::pct(v, 1))
}

fn one(t: &TargetTournament, s: &mut String) {
    s.push_str(&format!(
        "tournament: {} ({:.0} USD) | every candidate sized to {} of the notional a year | unhedged VaR99 {:.0}, ES99 {:.0} USD\n",
        t.target,
        t.notional,
        table::pct(t.budget, 1),
        t.unhedged_var99_usd,
        t.unhedged_es99_usd
    ));
    let mut tab = table::table(&[
        "rank",
        "candidate",
        "cost/yr",
        "carry/yr (hist)",
        "1-in-20 slippage",
        "VaR99 cut",
        "ES99 cut",
        "mean cover",
        "cover/carry",
        "XIRR",
    ]);
    for c in &t.candidates {
        tab.add_row(vec![
            c.rank.to_string(),
            c.name.clone(),
            table::pct(c.cost_share_per_year, 2),
            pct(c.carry_share_per_year_history),
            pct(c.stress.slippage_1_in_20),
            pct(c.stress.var99_reduction),
            pct(c.stress.es99_reduction),
            pct(c.mean_cover),
            table::opt(c.cover_per_unit_carry, 2),
            pct(c.xirr),
        ]);
    }
    s.push_str(&tab.to_string());
    s.push('\n');
    // Candidates × episodes: cover [band].
    let episodes: Vec<&str> = t
        .candidates
        .first()
        .map(|c| c.episodes.iter().map(|e| e.name.as_str()).collect())
        .unwrap_or_default();
    if !episodes.is_empty() {
        s.push_str("cover in each episode (hedge gain / target loss, 95 % bootstrap band; - where the target did not lose):\n");
        let mut header = vec!["candidate"];
        header.extend(episodes.iter().copied());
        let mut tab = table::table(&header);
        for c in &t.candidates {
            let mut row = vec![c.name.clone()];
            for e in &c.episodes {
                row.push(match (e.cover, e.cover_low, e.cover_high) {
                    (Some(v), Some(lo), Some(hi)) => {
                        format!("{:.0}% [{:.0}, {:.0}]", whole(v), whole(lo), whole(hi))
                    }
                    (Some(v), _, _) => format!("{:.0}%", whole(v)),
                    _ => "-".to_string(),
                });
            }
            tab.add_row(row);
        }
        s.push_str(&tab.to_string());
        s.push('\n');
    }
    if !t.frontier.is_empty() {
        s.push_str("the minimum-ES99 mix per budget (weights: multiples of each candidate's tournament size):\n");
        let mut tab = table::table(&[
            "budget/yr",
            "ES99",
            "ES99 cut",
            "1-in-20 cover",
            "carry/yr",
            "weights",
        ]);
        for p in &t.frontier {
            let w: Vec<String> = p
                .weights
                .iter()
                .filter(|(_, w)| **w > 1e-9)
                .map(|(n, w)| format!("{n} {w:.2}"))
                .collect();
            tab.add_row(vec![
                table::pct(p.budget, 1),
                format!("{:.0}", p.es99),
                pct(p.es99_reduction),
                pct(p.cover_1_in_20),
                format!("{:.0}", p.cost_per_year),
                if w.is_empty() { "-".to_string() } else { w.join(", ") },
            ]);
        }
        s.push_str(&tab.to_string());
        s.push('\n');
    }
    for c in t.candidates.iter().filter(|c| c.venue_default_loss_usd != 0.0) {
        s.push_str(&format!(
            "{}: its venue failed on {} and kept {:.0} USD (the collateral and the P&L since the last monthly settlement); the same perp on a solvent venue: {}\n",
            c.name,
            table::date_or_dash(c.venue_default_date),
            c.venue_default_loss_usd,
            t.candidates
                .iter()
                .find(|o| o.name == "short-perp")
                .map_or("not run".to_string(), |o| format!("XIRR {}, mean cover {}", pct(o.xirr), pct(o.mean_cover)))
        ));
    }
    s.push_str(&t.verdict);
    s.push('\n');
}

/// The human answer.
pub fn render(out: &TournamentResponse) -> String {
    let mut s = String::new();
    if out.by_target.is_empty() {
        one(&out.main, &mut s);
    } else {
        for (i, t) in out.by_target.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            one(t, &mut s);
        }
    }
    s.push_str(&format!(
        "{} Monte Carlo paths over {} trading days (seed {}), every candidate on the same paths; {} bootstrap resamples per band; sizing rules and the method in --json (notes, sizing_rule)\n",
        out.paths, out.horizon_days, out.seed, out.bootstrap_reps
    ));
    for w in &out.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    s
}
