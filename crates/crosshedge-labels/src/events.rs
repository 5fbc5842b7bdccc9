//! Macro events (FOMC, CPI, PPI): calendars, CSV parsers, event-window statistics, the
//! `events` labeling and the next-event helper used to move hedge rolls ahead of events.
//!
//! # Timing
//! An event on date `e` is attached to the first row (trading day) dated on or after `e`.
//! With rows being the **end dates of returns** (close `t−1` to close `t`), the row of an
//! FOMC day holds the 14:00 New York statement and the row of a CPI/PPI day holds the
//! 08:30 release; an event on a weekend or holiday moves to the next trading day. A window
//! `[−a, +b]` is the rows `k−a ..= k+b` around the event row `k`.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use chrono::NaiveDate;
use crosshedge_core::regime::Labeling;
use serde::{Deserialize, Serialize};

use crate::bands::check_sorted;
use crate::fomc_dates::FOMC_SCHEDULED;
use crate::signals::median;
use crate::LabelsError;

/// Name of the labeling built by [`EventCalendar::labeling`].
pub const EVENTS_NAME: &str = "events";

/// The kind of a macro event; serialised as its lower-case name (`"fomc"`, `"nfp"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum EventKind {
    /// FOMC decision / statement day.
    Fomc,
    /// US CPI release day.
    Cpi,
    /// US PPI release day.
    Ppi,
    /// Any other user-defined kind (lower-case name).
    Other(String),
}

impl EventKind {
    /// The lower-case name (`fomc`, `cpi`, `ppi` or the custom name).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Fomc => "fomc",
            Self::Cpi => "cpi",
            Self::Ppi => "ppi",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<EventKind> for String {
    fn from(k: EventKind) -> String {
        k.as_str().to_string()
    }
}

impl TryFrom<String> for EventKind {
    type Error = LabelsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for EventKind {
    type Err = LabelsError;
    /// Case-insensitive; any non-empty name made of letters, digits, `-` and `_` other than
    /// `fomc`, `cpi`, `ppi` becomes [`EventKind::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "fomc" => Ok(Self::Fomc),
            "cpi" => Ok(Self::Cpi),
            "ppi" => Ok(Self::Ppi),
            _ if !t.is_empty()
                && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Ok(Self::Other(t))
            }
            _ => Err(LabelsError::InvalidConfig {
                what: "event kind",
                // One line whatever the cell held (a quoted value may span lines).
                value: crosshedge_core::text::one_line(s, 60),
                expected: "fomc, cpi, ppi or a name of letters, digits, - and _",
            }),
        }
    }
}

/// One dated macro event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MacroEvent {
    /// Event date (New York calendar day of the release or statement).
    pub date: NaiveDate,
    /// Event kind.
    pub kind: EventKind,
}

/// A sorted, de-duplicated list of macro events.
///
/// # Invariants
/// `events` is sorted by `(date, kind)` with no duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct EventCalendar {
    /// The events.
    pub events: Vec<MacroEvent>,
}

impl EventCalendar {
    /// A calendar from any events (sorted and de-duplicated).
    pub fn new(mut events: Vec<MacroEvent>) -> Self {
        events.sort();
        events.dedup();
        Self { events }
    }

    /// The built-in FOMC schedule: decision days of the 8 scheduled meetings per year,
    /// 2000–2026 (sources in the constant's docs).
    pub fn builtin_fomc() -> Self {
        let events = FOMC_SCHEDULED
            .iter()
            .filter_map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|date| MacroEvent { date, kind: EventKind::Fomc })
            .collect();
        Self::new(events)
    }

    /// Adds the events of `other`.
    pub fn merge(&mut self, other: EventCalendar) {
        self.events.extend(other.events);
        self.events.sort();
        self.events.dedup();
    }

    /// Replaces every event of `kind` by the events of that kind in `other` (e.g. the
    /// built-in FOMC list by a data-directory file), keeping the other kinds.
    pub fn replace_kind(&mut self, kind: &EventKind, other: EventCalendar) {
        self.events.retain(|e| &e.kind != kind);
        self.events.extend(other.events.into_iter().filter(|e| &e.kind == kind));
        self.events.sort();
        self.events.dedup();
    }

    /// The kinds present, in the order Fomc, Cpi, Ppi, then custom kinds alphabetically.
    pub fn kinds(&self) -> Vec<EventKind> {
        let mut k: Vec<EventKind> = self.events.iter().map(|e| e.kind.clone()).collect();
        k.sort();
        k.dedup();
        k
    }

    /// Dates of the events of `kind`, increasing.
    pub fn dates_of(&self, kind: &EventKind) -> Vec<NaiveDate> {
        self.events.iter().filter(|e| &e.kind == kind).map(|e| e.date).collect()
    }

    /// The first event on or after `date`, optionally of one kind (used to move hedge rolls
    /// ahead of events). Events on the same day are returned in kind order.
    pub fn next_on_or_after(
        &self,
        date: NaiveDate,
        kind: Option<&EventKind>,
    ) -> Option<&MacroEvent> {
        let i = self.events.partition_point(|e| e.date < date);
        self.events[i..].iter().find(|e| kind.is_none_or(|k| &e.kind == k))
    }

    /// The events with `from <= date <= to`.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> &[MacroEvent] {
        let a = self.events.partition_point(|e| e.date < from);
        let b = self.events.partition_point(|e| e.date <= to);
        &self.events[a..b.max(a)]
    }

    /// The `events` labeling of `dates` (normally return end dates on trading days).
    ///
    /// States: for each kind present (order of [`EventCalendar::kinds`]) the state `<kind>`
    /// for the event row, and with `pre_days > 0` / `post_days > 0` also `pre-<kind>` for the
    /// `pre_days` rows before it and `post-<kind>` for the `post_days` rows after it.
    /// Precedence when windows collide: an event row beats a pre/post row; among kinds the
    /// earlier kind in the state order wins (FOMC over CPI over PPI). Dates outside every
    /// window are `None`. Events after the last date are ignored.
    ///
    /// # Errors
    /// [`LabelsError::Unsorted`] when `dates` is not strictly increasing.
    pub fn labeling(
        &self,
        dates: &[NaiveDate],
        cfg: &EventWindowConfig,
    ) -> Result<Labeling, LabelsError> {
        check_sorted("events labeling dates", dates)?;
        let kinds = self.kinds();
        let mut states = Vec::new();
        // (day state, pre state, post state) indices per kind.
        let mut idx = Vec::new();
        for k in &kinds {
            let day = states.len();
            states.push(k.to_string());
            let pre = (cfg.pre_days > 0).then(|| {
                states.push(format!("pre-{k}"));
                states.len() - 1
            });
            let post = (cfg.post_days > 0).then(|| {
                states.push(format!("post-{k}"));
                states.len() - 1
            });
            idx.push((day, pre, post));
        }
        let n = dates.len();
        // Priority: lower is stronger. Event rows: kind index; windows: kinds.len() + kind index.
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut put = |row: usize, prio: usize, state: usize| {
            if best[row].is_none_or(|(p, _)| prio < p) {
                best[row] = Some((prio, state));
            }
        };
        for (ki, k) in kinds.iter().enumerate() {
            let (day, pre, post) = idx[ki];
            for d in self.dates_of(k) {
                let r = dates.partition_point(|x| *x < d);
                if r >= n {
                    continue;
                }
                put(r, ki, day);
                if let Some(pre) = pre {
                    for row in r.saturating_sub(cfg.pre_days)..r {
                        put(row, kinds.len() + ki, pre);
                    }
                }
                if let Some(post) = post {
                    for row in r + 1..=(r + cfg.post_days).min(n - 1) {
                        put(row, kinds.len() + ki, post);
                    }
                }
            }
        }
        Ok(Labeling {
            name: EVENTS_NAME.to_string(),
            states,
            dates: dates.to_vec(),
            labels: best.into_iter().map(|b| b.map(|(_, s)| s)).collect(),
        })
    }
}

/// Which rows of `fomc_meetings.csv` to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum FomcFilter {
    /// Rows with `unscheduled` = 0, plus rows with a blank flag (recent years, where the
    /// union of lists only holds statement days of scheduled meetings).
    #[default]
    Scheduled,
    /// Every row, including unscheduled meetings and conference calls.
    All,
}

fn csv_err(
    source_name: &str,
    pos: Option<&csv::Position>,
    column: usize,
    message: impl Into<String>,
) -> LabelsError {
    LabelsError::Csv {
        source_name: source_name.to_string(),
        line: pos.map_or(0, |p| p.line()),
        column,
        message: message.into(),
    }
}

fn read_records<R: Read>(
    reader: R,
    source_name: &str,
    required: &[&str],
) -> Result<(Vec<usize>, Vec<csv::StringRecord>), LabelsError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers =
        rdr.headers().map_err(|e| csv_err(source_name, e.position(), 0, e.to_string()))?.clone();
    let mut cols = Vec::new();
    for r in required {
        match headers.iter().position(|h| h.eq_ignore_ascii_case(r)) {
            Some(i) => cols.push(i),
            None => {
                return Err(LabelsError::MissingColumn {
                    source_name: source_name.to_string(),
                    column: r.to_string(),
                })
            }
        }
    }
    let mut recs = Vec::new();
    for rec in rdr.records() {
        recs.push(rec.map_err(|e| csv_err(source_name, e.position(), 0, e.to_string()))?);
    }
    Ok((cols, recs))
}

fn parse_date(
    source_name: &str,
    rec: &csv::StringRecord,
    col: usize,
) -> Result<NaiveDate, LabelsError> {
    let s = rec.get(col).unwrap_or("");
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| csv_err(source_name, rec.position(), col + 1, format!("bad date {s:?}: {e}")))
}

/// Parses a CSV with a `date` column (YYYY-MM-DD), such as `us_cpi_release_dates.csv` or
/// `us_ppi_release_dates.csv`; every row is one event of `kind`. Other columns are ignored.
///
/// # Errors
/// [`LabelsError::MissingColumn`] without a `date` header; [`LabelsError::Csv`] with the line
/// and column of a malformed row or date.
pub fn parse_date_csv<R: Read>(
    reader: R,
    source_name: &str,
    kind: EventKind,
) -> Result<EventCalendar, LabelsError> {
    let (cols, recs) = read_records(reader, source_name, &["date"])?;
    let mut ev = Vec::with_capacity(recs.len());
    for rec in &recs {
        ev.push(MacroEvent { date: parse_date(source_name, rec, cols[0])?, kind: kind.clone() });
    }
    Ok(EventCalendar::new(ev))
}

/// Parses `fomc_meetings.csv` (`date`, `unscheduled` columns; `unscheduled` is 1, 0 or blank).
///
/// # Errors
/// As [`parse_date_csv`]; also [`LabelsError::Csv`] for an `unscheduled` value other than
/// 0, 1 or blank.
pub fn parse_fomc_csv<R: Read>(
    reader: R,
    source_name: &str,
    filter: FomcFilter,
) -> Result<EventCalendar, LabelsError> {
    let (cols, recs) = read_records(reader, source_name, &["date", "unscheduled"])?;
    let mut ev = Vec::with_capacity(recs.len());
    for rec in &recs {
        let date = parse_date(source_name, rec, cols[0])?;
        let flag = rec.get(cols[1]).unwrap_or("");
        let keep = match (flag, filter) {
            ("0" | "", _) => true,
            ("1", FomcFilter::All) => true,
            ("1", FomcFilter::Scheduled) => false,
            (other, _) => {
                return Err(csv_err(
                    source_name,
                    rec.position(),
                    cols[1] + 1,
                    format!("unscheduled must be 0, 1 or blank, got {other:?}"),
                ))
            }
        };
        if keep {
            ev.push(MacroEvent { date, kind: EventKind::Fomc });
        }
    }
    Ok(EventCalendar::new(ev))
}

/// Parses a user event file: CSV with `date,kind` columns (`kind` = `fomc`, `cpi`, `ppi` or a
/// custom name, case-insensitive).
///
/// # Errors
/// [`LabelsError::MissingColumn`] without both headers; [`LabelsError::Csv`] with line and
/// column for a bad date or kind.
pub fn parse_user_events<R: Read>(
    reader: R,
    source_name: &str,
) -> Result<EventCalendar, LabelsError> {
    let (cols, recs) = read_records(reader, source_name, &["date", "kind"])?;
    let mut ev = Vec::with_capacity(recs.len());
    for rec in &recs {
        let date = parse_date(source_name, rec, cols[0])?;
        let k = rec.get(cols[1]).unwrap_or("");
        let kind = k
            .parse::<EventKind>()
            .map_err(|e| csv_err(source_name, rec.position(), cols[1] + 1, e.to_string()))?;
        ev.push(MacroEvent { date, kind });
    }
    Ok(EventCalendar::new(ev))
}

/// Window around each event in rows (trading days).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EventWindowConfig {
    /// Rows before the event row (`a` in `[−a, +b]`).
    pub pre_days: usize,
    /// Rows after the event row (`b`).
    pub post_days: usize,
}

/// Returns aligned on trading days for an event study.
#[derive(Clone, Copy, Debug)]
pub struct EventStudyInputs<'a> {
    /// Row dates: the end date of each return, strictly increasing.
    pub dates: &'a [NaiveDate],
    /// VIX change per row: log change `ln(VIX_t / VIX_{t−1})` (or points, as the caller chose
    /// and reports).
    pub vix_change: &'a [f64],
    /// Crypto (target) log return per row.
    pub crypto_return: &'a [f64],
}

/// Event-window statistics of one kind.
///
/// Window sums are sums of the per-row changes over `[k−a, k+b]`, i.e. the log change over the
/// window for log inputs. "Outside" rows are rows in no window of **any** kind of the calendar.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventKindStats {
    /// Event kind.
    pub kind: EventKind,
    /// Events whose full window lies inside the sample.
    pub n_events: usize,
    /// Events inside the sample skipped because their window runs past either end of it
    /// (events dated before the first or after the last row are ignored, not counted).
    pub n_skipped: usize,
    /// Distinct rows in this kind's windows.
    pub n_window_days: usize,
    /// Rows outside every event window.
    pub n_outside_days: usize,
    /// Mean over events of the summed VIX change in the window.
    pub mean_window_vix_change: Option<f64>,
    /// Median of the same.
    pub median_window_vix_change: Option<f64>,
    /// Mean over events of the summed crypto log return in the window.
    pub mean_window_crypto_return: Option<f64>,
    /// Median of the same.
    pub median_window_crypto_return: Option<f64>,
    /// Mean daily VIX change outside windows × window length: the no-event benchmark.
    pub baseline_window_vix_change: Option<f64>,
    /// Mean daily crypto return outside windows × window length.
    pub baseline_window_crypto_return: Option<f64>,
    /// Mean |VIX change| per row inside this kind's windows.
    pub mean_abs_daily_vix_change_in: Option<f64>,
    /// Mean |VIX change| per row outside all windows.
    pub mean_abs_daily_vix_change_out: Option<f64>,
    /// Mean |crypto return| per row inside this kind's windows.
    pub mean_abs_daily_crypto_return_in: Option<f64>,
    /// Mean |crypto return| per row outside all windows.
    pub mean_abs_daily_crypto_return_out: Option<f64>,
    /// Pearson correlation of crypto returns and VIX changes on rows inside this kind's windows.
    pub corr_in: Option<f64>,
    /// The same on rows outside all windows.
    pub corr_out: Option<f64>,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Pearson correlation; `None` with fewer than 3 pairs or a zero variance.
///
/// # Formula
/// `ρ = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²)`.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 {
        return None;
    }
    let (mx, my) = (mean(x)?, mean(y)?);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Event-window statistics for every kind of the calendar.
///
/// # Errors
/// [`LabelsError::LengthMismatch`] when the inputs differ in length; [`LabelsError::Unsorted`]
/// for unsorted dates; [`LabelsError::InvalidValue`] for a non-finite change.
pub fn event_window_stats(
    cal: &EventCalendar,
    inputs: &EventStudyInputs<'_>,
    cfg: &EventWindowConfig,
) -> Result<Vec<EventKindStats>, LabelsError> {
    let n = inputs.dates.len();
    for (len, _) in [(inputs.vix_change.len(), 0), (inputs.crypto_return.len(), 1)] {
        if len != n {
            return Err(LabelsError::LengthMismatch {
                what: "event study inputs",
                left: n,
                right: len,
            });
        }
    }
    check_sorted("event study dates", inputs.dates)?;
    for x in [inputs.vix_change, inputs.crypto_return] {
        if let Some(index) = x.iter().position(|v| !v.is_finite()) {
            return Err(LabelsError::InvalidValue {
                what: "event study input",
                index,
                value: x[index],
            });
        }
    }
    let (a, b) = (cfg.pre_days, cfg.post_days);
    let kinds = cal.kinds();
    // Window rows per kind, and events with a full window.
    let mut in_kind: Vec<Vec<bool>> = Vec::new();
    let mut full: Vec<(Vec<usize>, usize)> = Vec::new();
    let mut any = vec![false; n];
    for k in &kinds {
        let mut mask = vec![false; n];
        let mut rows = Vec::new();
        let mut skipped = 0;
        for d in cal.dates_of(k) {
            let r = inputs.dates.partition_point(|x| *x < d);
            if r >= n || d < inputs.dates[0] {
                // The event is outside the sample: not part of it.
                continue;
            }
            if r < a || r + b >= n {
                skipped += 1;
                continue;
            }
            if rows.last() == Some(&r) {
                continue; // two events of one kind on the same row count once
            }
            rows.push(r);
            for m in &mut mask[r - a..=r + b] {
                *m = true;
            }
        }
        for (x, m) in any.iter_mut().zip(&mask) {
            *x |= *m;
        }
        in_kind.push(mask);
        full.push((rows, skipped));
    }
    let out_rows: Vec<usize> = (0..n).filter(|&i| !any[i]).collect();
    let pick = |x: &[f64], rows: &[usize]| rows.iter().map(|&i| x[i]).collect::<Vec<f64>>();
    let abs_mean =
        |x: &[f64], rows: &[usize]| mean(&rows.iter().map(|&i| x[i].abs()).collect::<Vec<_>>());
    let wlen = (a + b + 1) as f64;
    let mut stats = Vec::with_capacity(kinds.len());
    for (ki, k) in kinds.iter().enumerate() {
        let (rows, skipped) = &full[ki];
        let mut wv: Vec<f64> =
            rows.iter().map(|&r| inputs.vix_change[r - a..=r + b].iter().sum()).collect();
        let mut wc: Vec<f64> =
            rows.iter().map(|&r| inputs.crypto_return[r - a..=r + b].iter().sum()).collect();
        let in_rows: Vec<usize> = (0..n).filter(|&i| in_kind[ki][i]).collect();
        stats.push(EventKindStats {
            kind: k.clone(),
            n_events: rows.len(),
            n_skipped: *skipped,
            n_window_days: in_rows.len(),
            n_outside_days: out_rows.len(),
            mean_window_vix_change: mean(&wv),
            median_window_vix_change: median(&mut wv),
            mean_window_crypto_return: mean(&wc),
            median_window_crypto_return: median(&mut wc),
            baseline_window_vix_change: mean(&pick(inputs.vix_change, &out_rows)).map(|m| m * wlen),
            baseline_window_crypto_return: mean(&pick(inputs.crypto_return, &out_rows))
                .map(|m| m * wlen),
            mean_abs_daily_vix_change_in: abs_mean(inputs.vix_change, &in_rows),
            mean_abs_daily_vix_change_out: abs_mean(inputs.vix_change, &out_rows),
            mean_abs_daily_crypto_return_in: abs_mean(inputs.crypto_return, &in_rows),
            mean_abs_daily_crypto_return_out: abs_mean(inputs.crypto_return, &out_rows),
            corr_in: pearson(
                &pick(inputs.crypto_return, &in_rows),
                &pick(inputs.vix_change, &in_rows),
            ),
            corr_out: pearson(
                &pick(inputs.crypto_return, &out_rows),
                &pick(inputs.vix_change, &out_rows),
            ),
        });
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn builtin_fomc_schedule() {
        let c = EventCalendar::builtin_fomc();
        assert_eq!(c.events.len(), 216);
        for y in 2000..=2026 {
            let n = c
                .events
                .iter()
                .filter(|e| e.date.format("%Y").to_string() == y.to_string())
                .count();
            assert_eq!(n, 8, "year {y}");
        }
        assert_eq!(c.next_on_or_after(d("2022-11-03"), None).unwrap().date, d("2022-12-14"));
        assert_eq!(c.next_on_or_after(d("2022-12-14"), None).unwrap().date, d("2022-12-14"));
        assert!(c.next_on_or_after(d("2026-12-10"), None).is_none());
        assert_eq!(c.between(d("2024-01-01"), d("2024-12-31")).len(), 8);
    }

    #[test]
    fn parsers_and_errors() {
        let cpi = parse_date_csv(
            "date,ref_year\n2024-01-11,2023\n2024-02-13,2024\n".as_bytes(),
            "cpi",
            EventKind::Cpi,
        )
        .unwrap();
        assert_eq!(cpi.dates_of(&EventKind::Cpi), vec![d("2024-01-11"), d("2024-02-13")]);
        let bad = parse_date_csv(
            "date,x\n2024-01-11,1\n2024-13-01,2\n".as_bytes(),
            "cpi.csv",
            EventKind::Cpi,
        );
        match bad {
            Err(LabelsError::Csv { line, column, .. }) => assert_eq!((line, column), (3, 1)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_date_csv("day\n2024-01-11\n".as_bytes(), "x", EventKind::Cpi),
            Err(LabelsError::MissingColumn { .. })
        ));
        let f = "date,unscheduled,sep\n2020-03-03,1,0\n2020-03-18,,0\n2020-04-29,0,0\n";
        assert_eq!(
            parse_fomc_csv(f.as_bytes(), "f", FomcFilter::Scheduled).unwrap().events.len(),
            2
        );
        assert_eq!(parse_fomc_csv(f.as_bytes(), "f", FomcFilter::All).unwrap().events.len(), 3);
        let u = parse_user_events("date,kind\n2024-06-07,NFP\n2024-06-12,fomc\n".as_bytes(), "u")
            .unwrap();
        assert_eq!(u.kinds(), vec![EventKind::Fomc, EventKind::Other("nfp".into())]);
        assert_eq!(
            serde_json::to_string(&u.events[0]).unwrap(),
            r#"{"date":"2024-06-07","kind":"nfp"}"#
        );
        let back: MacroEvent =
            serde_json::from_str(r#"{"date":"2024-06-07","kind":"CPI"}"#).unwrap();
        assert_eq!(back.kind, EventKind::Cpi);
        match parse_user_events("date,kind\n2024-06-07,bad kind!\n".as_bytes(), "u.csv") {
            Err(LabelsError::Csv { line, column, .. }) => assert_eq!((line, column), (2, 2)),
            other => panic!("{other:?}"),
        }
        match parse_user_events("date,kind\n2024-06-07\n".as_bytes(), "u.csv") {
            Err(LabelsError::Csv { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn labeling_precedence_and_windows() {
        // Trading days Mon 2024-06-10 .. Fri 2024-06-14; CPI Wed 12th, FOMC Wed 12th too,
        // PPI Thu 13th; a CPI on Sunday 2024-06-09 lands on Monday.
        let dates: Vec<_> = (10..=14).map(|x| d(&format!("2024-06-{x}"))).collect();
        let cal = EventCalendar::new(vec![
            MacroEvent { date: d("2024-06-12"), kind: EventKind::Cpi },
            MacroEvent { date: d("2024-06-12"), kind: EventKind::Fomc },
            MacroEvent { date: d("2024-06-13"), kind: EventKind::Ppi },
            MacroEvent { date: d("2024-06-09"), kind: EventKind::Cpi },
        ]);
        let l = cal.labeling(&dates, &EventWindowConfig::default()).unwrap();
        assert_eq!(l.states, vec!["fomc", "cpi", "ppi"]);
        assert_eq!(l.labels, vec![Some(1), None, Some(0), Some(2), None]);
        let l = cal.labeling(&dates, &EventWindowConfig { pre_days: 1, post_days: 1 }).unwrap();
        assert_eq!(
            l.states,
            vec![
                "fomc",
                "pre-fomc",
                "post-fomc",
                "cpi",
                "pre-cpi",
                "post-cpi",
                "ppi",
                "pre-ppi",
                "post-ppi"
            ]
        );
        let names: Vec<_> = l.labels.iter().map(|x| l.states[x.unwrap()].as_str()).collect();
        assert_eq!(names, vec!["cpi", "pre-fomc", "fomc", "ppi", "post-ppi"]);
    }

    #[test]
    fn window_stats_hand_made() {
        // 10 rows; one FOMC on row 4, window [-1, +1] -> rows 3..=5.
        let dates: Vec<_> = (1..=10).map(|x| d(&format!("2024-07-{x:02}"))).collect();
        let vix = [0.0, 0.01, -0.01, 0.02, 0.05, -0.03, 0.0, 0.01, -0.02, 0.01];
        let btc = [0.01, -0.02, 0.0, -0.01, -0.04, 0.02, 0.01, 0.0, 0.03, -0.01];
        let cal = EventCalendar::new(vec![
            MacroEvent { date: d("2024-07-05"), kind: EventKind::Fomc },
            MacroEvent { date: d("2024-07-10"), kind: EventKind::Fomc }, // window runs past the end
        ]);
        let s = event_window_stats(
            &cal,
            &EventStudyInputs { dates: &dates, vix_change: &vix, crypto_return: &btc },
            &EventWindowConfig { pre_days: 1, post_days: 1 },
        )
        .unwrap();
        let f = &s[0];
        assert_eq!((f.n_events, f.n_skipped, f.n_window_days, f.n_outside_days), (1, 1, 3, 7));
        assert!((f.mean_window_vix_change.unwrap() - 0.04).abs() < 1e-15);
        assert!((f.mean_window_crypto_return.unwrap() - (-0.03)).abs() < 1e-15);
        let out_v: f64 = [0.0, 0.01, -0.01, 0.0, 0.01, -0.02, 0.01].iter().sum::<f64>() / 7.0;
        assert!((f.baseline_window_vix_change.unwrap() - 3.0 * out_v).abs() < 1e-15);
        let want_in = pearson(&[-0.01, -0.04, 0.02], &[0.02, 0.05, -0.03]).unwrap();
        assert!((f.corr_in.unwrap() - want_in).abs() < 1e-15);
        assert!(want_in < -0.9);
        assert!(event_window_stats(
            &cal,
            &EventStudyInputs { dates: &dates, vix_change: &vix[..9], crypto_return: &btc },
            &EventWindowConfig::default()
        )
        .is_err());
    }
}
