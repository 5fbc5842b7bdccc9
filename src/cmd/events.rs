//! `crosshedge events`: VIX and crypto moves and correlation around FOMC, CPI and PPI dates.

use crosshedge_app::events::{EventSources, EventsRequest, EventsResponse};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::{self, EventsArgs};
use crate::output::{self, opt, pct};

impl From<&cli::EventSources> for EventSources {
    fn from(s: &cli::EventSources) -> Self {
        Self { events_file: s.events_file.clone(), pre: s.pre, post: s.post }
    }
}

/// The app's request for `a`.
fn request(a: &EventsArgs) -> anyhow::Result<EventsRequest> {
    Ok(EventsRequest { pair: a.pair.request()?, sources: (&a.sources).into() })
}

pub fn run(ctx: &Ctx, a: EventsArgs) -> anyhow::Result<()> {
    // The events flags' `--data-dir` and the global one share clap's id `data_dir`, so clap
    // fills both with the same value (flag, `CROSSHEDGE_DATA_DIR` or the default, before or
    // after the subcommand): the workspace's data directory is the one the calendar always read.
    let out = crosshedge_app::events::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}

/// The human table.
fn render(out: &EventsResponse) -> String {
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
    let mut t = output::table(&[
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
