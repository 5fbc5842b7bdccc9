//! The human table of `crosshedge events`.

use crosshedge_app::events::EventsResponse;

use crate::table::{self, opt, pct};

/// The human table.
pub fn render(out: &EventsResponse) -> String {
    let m = &out.meta;
    let mut s = format!(
        "events: {} and {} ({} / {} changes) in windows [-{}, +{}] trading days around each event | alignment {}\nsources: {}\n",
        m.target,
        m.hedge,
        m.target_returns,
        m.hedge_returns,
        out.window.pre_days,
        out.window.post_days,
        m.alignment,
        out.sources.join("; ")
    );
    let mut t = table::table(&[
        "event",
        "n",
        "hedge move in window",
        "(baseline)",
        "target move in window",
        "(baseline)",
        "|daily hedge| in/out",
        "corr in",
        "corr out",
    ]);
    for k in &out.stats {
        t.add_row(vec![
            k.kind.to_string(),
            k.n_events.to_string(),
            k.mean_window_vix_change.map_or("-".into(), |x| pct(x, 2)),
            k.baseline_window_vix_change.map_or("-".into(), |x| pct(x, 2)),
            k.mean_window_crypto_return.map_or("-".into(), |x| pct(x, 2)),
            k.baseline_window_crypto_return.map_or("-".into(), |x| pct(x, 2)),
            format!(
                "{} / {}",
                k.mean_abs_daily_vix_change_in.map_or("-".into(), |x| pct(x, 2)),
                k.mean_abs_daily_vix_change_out.map_or("-".into(), |x| pct(x, 2))
            ),
            opt(k.corr_in, 3),
            opt(k.corr_out, 3),
        ]);
    }
    s.push_str(&t.to_string());
    if !out.next_events.is_empty() {
        let list: Vec<String> =
            out.next_events.iter().map(|e| format!("{} {}", e.date, e.kind)).collect();
        s.push_str(&format!("\nnext events after the sample: {}\n", list.join(", ")));
    }
    s
}
