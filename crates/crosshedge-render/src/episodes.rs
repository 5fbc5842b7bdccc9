//! The human table of `crosshedge episodes`.

use crate::table::{self, pct};

/// The human table.
pub fn render(out: &crosshedge_app::episodes::EpisodesResponse) -> String {
    let m = &out.meta;
    let mut s = format!(
        "episodes: {} hedged with {} at the calm-band h* = {:+.4}{} (from {} calm rows) | alignment {}\n  hedge: {}\n",
        m.target,
        m.hedge,
        out.hedge_ratio_calm,
        out.hedge_ratio_calm_t_hac.map_or(String::new(), |t| format!(", HAC t = {t:.1}")),
        out.n_calm,
        m.alignment,
        out.hedge_instrument
    );
    for w in &out.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    let mut t = table::table(&[
        "episode",
        "rows",
        "from",
        "to",
        "target",
        "hedge move",
        "hedge P&L",
        "net loss / notional",
        "uncovered / loss",
        "daily corr",
        "multiple needed",
        "",
    ]);
    for r in &out.episodes {
        let e = &r.slippage;
        let mut flags = Vec::new();
        if r.truncated {
            flags.push(format!("truncated (window {}..{})", r.catalogue_start, r.catalogue_end));
        }
        if e.strong_correlation_but_hedge_lost {
            flags.push("strong corr, hedge lost".to_string());
        }
        t.add_row(vec![
            e.name.clone(),
            e.n.to_string(),
            r.start.clone(),
            r.end.clone(),
            pct(e.target_cum_return, 1),
            if m.hedge_returns == "points" {
                format!("{:+.2} pts", e.hedge_cum_move)
            } else {
                pct(e.hedge_cum_move, 1)
            },
            pct(e.hedge_pnl, 1),
            pct(e.net_loss_share_of_notional, 1),
            e.uncovered_share_of_loss.map_or("-".into(), |u| pct(u, 1)),
            e.correlation.map_or("-".into(), |c| format!("{c:+.2}")),
            e.hedge_multiple_needed.map_or("-".into(), |x| format!("{x:.1}x")),
            flags.join("; "),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str("\nnet loss / notional = (target loss - hedge gain) / target notional; uncovered / loss = 1 - hedge gain / target loss (- when the target did not lose); P&L in fractions of target notional; from/to are the first and last in-sample dates\n");
    if !out.not_in_sample.is_empty() {
        s.push_str(&format!("not in the sample: {}\n", out.not_in_sample.join(", ")));
    }
    s
}
