//! The human table of `crosshedge claims`: one row per claim and target, the measured value
//! and interval beside the claimed range (percent, except the decorrelation factor's multiple),
//! the verdict and its reason; then the per-episode detail rows.

use crosshedge_app::claims::{ClaimRow, ClaimsResponse};

use crate::table::{self, pct};

/// A value of `row` in the row's unit: a multiple (`2.80x`) for the decorrelation factor, a
/// percent otherwise.
fn value(row: &ClaimRow, x: f64) -> String {
    if row.metric == "decorrelation-factor" {
        format!("{x:.2}x")
    } else {
        pct(x, 1)
    }
}

fn opt_value(row: &ClaimRow, x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| value(row, v))
}

/// The human table.
pub fn render(out: &ClaimsResponse) -> String {
    let mut s = format!(
        "claims: {} against {} | alignment {} | claims: {}\n",
        out.targets.join(", "),
        out.hedge,
        out.alignment,
        out.claims_source
    );
    let mut t =
        table::table(&["claim", "on", "claimed", "measured", "interval", "verdict", "reason"]);
    for r in &out.claims {
        let on = r.target.clone().or_else(|| r.series.clone()).unwrap_or_else(|| "book".into());
        let interval = match (r.low, r.high) {
            (Some(l), Some(h)) if r.window.is_none() => {
                format!("[{}, {}]", value(r, l), value(r, h))
            }
            (Some(_), Some(_)) => "(observed)".to_string(),
            _ => "-".to_string(),
        };
        t.add_row(vec![
            r.id.clone(),
            on,
            format!("{} .. {}", value(r, r.claimed_low), value(r, r.claimed_high)),
            opt_value(r, r.measured),
            interval,
            r.verdict.as_str().to_string(),
            r.reason.clone(),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str(&format!(
        "\n{} supported, {} contradicted, {} not identified. Correlations are -corr(target return, {} change) (VIX changes and crypto returns correlate negatively); slippage is the share of the loss left uncovered.\n",
        out.counts.supported, out.counts.contradicted, out.counts.not_identified, out.hedge
    ));
    for r in out.claims.iter().filter(|r| !r.details.is_empty()) {
        let on = r.target.as_deref().unwrap_or("book");
        let cells: Vec<String> = r
            .details
            .iter()
            .map(|d| {
                let v = match d.value {
                    Some(v) if r.metric == "decorrelation-factor" => format!("{v:.1}x"),
                    Some(v) => pct(v, 1),
                    None => "-".into(),
                };
                format!("{} {v}", d.episode)
            })
            .collect();
        s.push_str(&format!("{} ({on}) per episode: {}\n", r.id, cells.join(", ")));
    }
    for r in out.claims.iter().filter_map(|r| r.window.as_ref().map(|w| (r, w))) {
        let (row, w) = r;
        s.push_str(&format!(
            "{}: {} {} on {} (last close before the window) -> {} on {} ({} close of {}..{})\n",
            row.id,
            row.series.as_deref().unwrap_or("-"),
            table::num(w.before_value, 2),
            w.before_date,
            table::num(w.extreme_value, 2),
            w.extreme_date,
            w.extreme.as_str(),
            w.start,
            w.end
        ));
    }
    for w in &out.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    s
}
