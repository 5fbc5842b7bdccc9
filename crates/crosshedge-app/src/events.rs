//! `events`: VIX and crypto moves and correlation around FOMC, CPI and PPI dates, and the
//! event calendar the `events` labeling of `basis` and the backtest's event windows use.

use std::fs::File;
use std::path::{Path, PathBuf};

use crosshedge_labels::events::{
    event_window_stats, parse_date_csv, parse_fomc_csv, parse_user_events, EventCalendar,
    EventKind, EventKindStats, EventStudyInputs, EventWindowConfig, FomcFilter, MacroEvent,
};
use serde::{Deserialize, Serialize};

use crate::pair::{load_pair, PairMeta, PairRequest};
use crate::{AppError, Progress, Workspace};

/// How many upcoming events after the sample's last date the response lists.
const NEXT_EVENTS: usize = 6;

/// What `events` studies: a crypto target against a VIX hedge around macro events.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsRequest {
    /// Target (crypto) and hedge (VIX) series, alignment and sample.
    pub pair: PairRequest,
    /// Event sources and the window around each event.
    pub sources: EventSources,
}

/// The JSON of `events`. Moves are decimals (0.05 = 5 %) or index points for a `points`
/// hedge, as the pair's return kinds say.
#[derive(Clone, Debug, Serialize)]
pub struct EventsResponse {
    /// Target, hedge, alignment, return kinds, sample.
    #[serde(flatten)]
    pub meta: PairMeta,
    /// The calendar's sources (file paths as displayed, or the built-in schedule).
    pub sources: Vec<String>,
    /// Trading days before and after each event.
    pub window: EventWindowConfig,
    /// Window statistics per event kind.
    pub stats: Vec<EventKindStats>,
    /// The first events after the sample's last date (at most six).
    pub next_events: Vec<MacroEvent>,
}

/// Where macro-event dates come from, and the window around each event. The data directory
/// is the workspace's ([`Workspace::data_dir`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventSources {
    /// A CSV of user events with columns `date,kind`, merged into the calendar.
    pub events_file: Option<PathBuf>,
    /// Trading days before each event in its window.
    pub pre: usize,
    /// Trading days after each event in its window.
    pub post: usize,
}

impl Default for EventSources {
    fn default() -> Self {
        Self { events_file: None, pre: 1, post: 1 }
    }
}

/// The event calendar: the built-in FOMC schedule 2000–2026, replaced by the data directory's
/// `fomc_meetings.csv` (scheduled meetings) when present; the data directory's
/// `us_cpi_release_dates.csv` / `us_ppi_release_dates.csv` when present; and the user's
/// `events_file`. Returns the calendar and the sources used (file paths as displayed).
///
/// # Errors
/// An input error when `events_file` cannot be opened; the labels crate's parse errors name
/// the file, row and column of a bad date.
pub fn calendar(
    ws: &Workspace,
    src: &EventSources,
) -> Result<(EventCalendar, Vec<String>), AppError> {
    let data_dir = ws.data_dir();
    let mut cal = EventCalendar::builtin_fomc();
    let mut used = vec!["built-in FOMC schedule 2000-2026".to_string()];
    let open = |p: &Path| -> Result<Option<File>, AppError> {
        if p.exists() {
            Ok(Some(File::open(p)?))
        } else {
            Ok(None)
        }
    };
    let fomc = data_dir.join("fomc_meetings.csv");
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
        let p = data_dir.join(file);
        if let Some(f) = open(&p)? {
            cal.merge(parse_date_csv(f, &p.display().to_string(), kind)?);
            used.push(p.display().to_string());
        }
    }
    if let Some(p) = &src.events_file {
        let f = File::open(p)
            .map_err(|e| AppError::input(format!("{}: cannot open: {e}", p.display())))?;
        cal.merge(parse_user_events(f, &p.display().to_string())?);
        used.push(p.display().to_string());
    }
    Ok((cal, used))
}

/// Runs `events`: the pair's hedge and target moves and their correlation inside and outside
/// the event windows, per event kind.
///
/// # Errors
/// As [`load_pair`] and [`calendar`]; the labels crate's errors when a window statistic
/// cannot be computed.
pub fn run(
    ws: &Workspace,
    req: &EventsRequest,
    _progress: &dyn Progress,
) -> Result<EventsResponse, AppError> {
    let pair = load_pair(ws, &req.pair)?;
    let (cal, sources) = calendar(ws, &req.sources)?;
    let window = EventWindowConfig { pre_days: req.sources.pre, post_days: req.sources.post };
    let inputs = EventStudyInputs {
        dates: &pair.dates,
        vix_change: &pair.hedge,
        crypto_return: &pair.target,
    };
    let stats = event_window_stats(&cal, &inputs, &window)?;
    let last = pair.dates.last().copied().unwrap_or_default();
    let next_events: Vec<MacroEvent> =
        cal.events.iter().filter(|e| e.date > last).take(NEXT_EVENTS).cloned().collect();
    Ok(EventsResponse { meta: pair.meta, sources, window, stats, next_events })
}
