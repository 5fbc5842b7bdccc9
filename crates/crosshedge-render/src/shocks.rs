//! The human tables of `crosshedge shocks`: the detected windows and the catalogue episodes.

use crosshedge_app::shocks::ShocksResponse;

use crate::table::{self, pct, serde_name};

/// The human tables.
pub fn render(out: &ShocksResponse) -> String {
    let mut s = format!(
        "shocks from {} ({} of days are shock days){}\n",
        out.series_used.join(", "),
        pct(out.shock_day_share, 1),
        if out.series_missing.is_empty() {
            String::new()
        } else {
            format!("; not in the store: {}", out.series_missing.join(", "))
        }
    );
    let mut t =
        table::table(&["window", "from", "to", "days", "peak", "peak date", "fired", "catalogue"]);
    for (i, w) in out.windows.iter().enumerate() {
        let eps = out.catalogue.window_episodes.get(&i).map(|v| v.join(", ")).unwrap_or_default();
        t.add_row(vec![
            i.to_string(),
            w.start.to_string(),
            w.end.to_string(),
            w.n_shock_days.to_string(),
            format!("{:.2}", w.peak_score),
            w.peak_date.to_string(),
            w.fired.iter().map(serde_name).collect::<Vec<_>>().join("+"),
            eps,
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str("\ncatalogue episodes in the data span:\n");
    let mut t = table::table(&[
        "episode",
        "from",
        "to",
        "detected",
        "overlap days",
        "first detection (days from start)",
    ]);
    for e in out.catalogue.episodes.iter().filter(|e| e.covered) {
        t.add_row(vec![
            e.episode.clone(),
            e.start.to_string(),
            e.end.to_string(),
            if e.detected { "yes".into() } else { "no".into() },
            e.overlap_days.to_string(),
            e.first_detection_offset_days.map_or("-".into(), |x| format!("{x:+}")),
        ]);
    }
    s.push_str(&t.to_string());
    if let Some(r) = out.catalogue.recall {
        s.push_str(&format!("\nrecall of the catalogue: {}\n", pct(r, 0)));
    }
    s
}
