//! `crosshedge events`: VIX and crypto moves and correlation around FOMC, CPI and PPI dates.

use std::fs::File;
use std::path::Path;

use crosshedge_data::store::Store;
use crosshedge_labels::events::{
    event_window_stats, parse_date_csv, parse_fomc_csv, parse_user_events, EventCalendar,
    EventKind, EventKindStats, EventStudyInputs, EventWindowConfig, FomcFilter, MacroEvent,
};
use serde::Serialize;

use super::pair::{load_pair, PairMeta};
use super::Ctx;
use crate::cli::{EventSources, EventsArgs};
use crate::output::{self, opt, pct};

/// The event calendar: built-in FOMC, the data directory's CPI/PPI (and FOMC) files when
/// present, and the user's file. Returns the calendar and the sources used.
pub fn calendar(src: &EventSources) -> anyhow::Result<(EventCalendar, Vec<String>)> {
    let mut cal = EventCalendar::builtin_fomc();
    let mut used = vec!["built-in FOMC schedule 2000-2026".to_string()];
    let open = |p: &Path| -> anyhow::Result<Option<File>> {
        if p.exists() {
            Ok(Some(File::open(p)?))
        } else {
            Ok(None)
        }
    };
    let fomc = src.data_dir.join("fomc_meetings.csv");
    if let Some(f) = open(&fomc)? {
        cal.replace_kind(
            &EventKind::Fomc,
            parse_fomc_csv(f, &fomc.display().to_string(), FomcFilter::Scheduled)?,
        );
        used = vec![fomc.display().to_string()];
    }
    for (file, kind) in
        [("us_cpi_release_dates.csv", EventKind::Cpi), ("us_ppi_release_dates.csv", EventKind::Ppi)]
    {
        let p = src.data_dir.join(file);
        if let Some(f) = open(&p)? {
            cal.merge(parse_date_csv(f, &p.display().to_string(), kind)?);
            used.push(p.display().to_string());
        }
    }
    if let Some(p) = &src.events_file {
        let f = File::open(p)
            .map_err(|e| crate::exit::UsageError(format!("{}: cannot open: {e}", p.display())))?;
        cal.merge(parse_user_events(f, &p.display().to_string())?);
        used.push(p.display().to_string());
    }
    Ok((cal, used))
}

#[derive(Serialize)]
struct EventsOutput {
    #[serde(flatten)]
    meta: PairMeta,
    sources: Vec<String>,
    window: EventWindowConfig,
    stats: Vec<EventKindStats>,
    next_events: Vec<MacroEvent>,
}

pub fn run(ctx: &Ctx, a: EventsArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let pair = load_pair(&store, &a.pair)?;
    let (cal, sources) = calendar(&a.sources)?;
    let window = EventWindowConfig { pre_days: a.sources.pre, post_days: a.sources.post };
    let inputs = EventStudyInputs {
        dates: &pair.dates,
        vix_change: &pair.hedge,
        crypto_return: &pair.target,
    };
    let stats = event_window_stats(&cal, &inputs, &window)?;
    let last = pair.dates.last().copied().unwrap_or_default();
    let next_events: Vec<MacroEvent> =
        cal.events.iter().filter(|e| e.date > last).take(6).cloned().collect();
    let out = EventsOutput { meta: pair.meta, sources, window, stats, next_events };
    if ctx.json {
        return output::print_json(&out);
    }
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
    output::emit(&s);
    Ok(())
}
