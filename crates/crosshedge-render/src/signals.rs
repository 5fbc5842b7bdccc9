//! The human answer of `crosshedge signals`: how early each VIX signal warns of stress, and
//! the most recent signal events.

use crosshedge_app::signals::SignalsResponse;

use crate::table::{self, opt, pct, serde_name};

/// The human answer.
pub fn render(out: &SignalsResponse) -> String {
    let mut s = format!(
        "signals on {} (MACD 12/26/9, RSI 14 Wilder) | last {} close {:.2} | MACD {:+.3} vs signal {:+.3} | RSI {}\n",
        out.series,
        out.last_date,
        out.last_close,
        out.macd,
        out.macd_signal,
        opt(out.rsi, 1)
    );
    if let (Some(first), n) =
        (out.dropped_non_trading_days.first(), out.dropped_non_trading_days.len())
    {
        s.push_str(&format!(
            "on NYSE days only: {n} print{} on non-trading days left out (first {first}), as the us-close alignment of regimes and basis does\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    s.push_str(&format!(
        "how early each signal warns of a VIX close above {} (hit = entry within {} trading days):\n",
        out.stress_above, out.evaluation_horizon_days
    ));
    let mut t = table::table(&[
        "signal",
        "signals",
        "hits",
        "false alarms",
        "hit rate",
        "base rate",
        "mean lead (d)",
        "median lead (d)",
        "entries anticipated",
    ]);
    for e in &out.evaluation {
        t.add_row(vec![
            serde_name(&e.kind),
            e.n_signals.to_string(),
            e.n_hits.to_string(),
            e.n_false_alarms.to_string(),
            e.hit_rate.map_or("-".into(), |x| pct(x, 1)),
            e.base_rate.map_or("-".into(), |x| pct(x, 1)),
            opt(e.mean_lead_days, 1),
            opt(e.median_lead_days, 1),
            format!("{}/{}", e.n_entries_anticipated, e.n_entries),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str(&format!("\nmost recent of {} signal events:\n", out.n_events));
    let mut t = table::table(&["date", "signal", "VIX close", "value"]);
    for e in &out.recent_events {
        t.add_row(vec![
            e.date.to_string(),
            serde_name(&e.kind),
            format!("{:.2}", e.vix_close),
            format!("{:+.3}", e.value),
        ]);
    }
    s.push_str(&t.to_string());
    s
}
