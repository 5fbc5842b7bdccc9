//! The `series` job: list the store's series, show the observations of one, list the
//! imports recorded in the store, or list the stored revisions of one series.

use chrono::NaiveDate;
use crosshedge_data::store::{ImportRecord, SeriesInfo};
use serde::{Deserialize, Serialize};

use crate::{AppError, Progress, Workspace};

/// Which observations of one series to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowRequest {
    /// The series name.
    pub name: String,
    /// First date shown (inclusive; all from the first observation when absent).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last date shown (inclusive; all up to the last observation when absent).
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// What the `series` job does.
///
/// JSON: `"list"`, `"imports"` or `{"show": {"name": "vix", "from": "2020-03-02"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum SeriesAction {
    /// Every series of the store: calendar, unit, first and last date, rows, source file.
    #[default]
    List,
    /// The observations of one series.
    Show(ShowRequest),
    /// The imports recorded in the store (file, SHA-256, rows, time).
    Imports,
    /// Every stored revision of one series' observations, with the import of each.
    Revisions(RevisionsRequest),
}

/// Which revisions of one series to list.
/// JSON: `{"name": "vix"}` or `{"name": "vix", "date": "2020-03-02"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RevisionsRequest {
    /// The series name.
    pub name: String,
    /// Only the revisions of this date (all dates when absent).
    pub date: Option<NaiveDate>,
}

/// One stored revision of one observation and the import that wrote it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevisionShown {
    /// Observation date (YYYY-MM-DD, UTC).
    pub date: NaiveDate,
    /// Revision number: 0 for the first value stored on the date, then 1, 2, ...
    pub revision: i64,
    /// The value of this revision, as stored (the series' unit).
    pub value: f64,
    /// Whether this revision is the current value (the one every command reads).
    pub current: bool,
    /// Id of the import that wrote this revision.
    pub import_id: i64,
    /// File name of that import.
    pub file: String,
    /// SHA-256 of that file.
    pub sha256: String,
    /// UTC time of that import (RFC 3339).
    pub imported_at: String,
}

/// The revisions of one series, as `series revisions NAME --json` prints them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesRevisions {
    /// The series name.
    pub name: String,
    /// The revisions, ordered by date, then revision number.
    pub revisions: Vec<RevisionShown>,
}

/// A request of the `series` job. JSON: `{}` (list), `{"action": "imports"}`,
/// `{"action": {"show": {"name": "vix", "from": "2020-03-02", "to": "2020-03-31"}}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SeriesRequest {
    /// List (the default), show one series, or list the imports.
    pub action: SeriesAction,
}

/// One series and its current observations, as `series show --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesShown {
    /// The series name.
    pub name: String,
    /// Its calendar (`us`, `crypto`).
    pub calendar: String,
    /// Its unit (`price`, `index-level`, `rate`, `count`, `ratio`).
    pub unit: String,
    /// `(date YYYY-MM-DD, value in the series' unit)`, ascending by date.
    pub observations: Vec<(String, f64)>,
}

/// The answer of the `series` job: serialised as the bare list, the shown series or the
/// bare list of imports (untagged, exactly the CLI's `--json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SeriesResponse {
    /// Every series of the store, by name.
    List(Vec<SeriesInfo>),
    /// One series.
    Show(SeriesShown),
    /// The imports, in the order they were made.
    Imports(Vec<ImportRecord>),
    /// The revisions of one series.
    Revisions(SeriesRevisions),
}

/// Runs the `series` job on the existing store.
///
/// # Errors
/// An input error when there is no store or no series of the name; an analysis error when
/// the store fails.
pub fn run(
    ws: &Workspace,
    req: &SeriesRequest,
    _progress: &dyn Progress,
) -> Result<SeriesResponse, AppError> {
    let store = ws.store()?;
    Ok(match &req.action {
        SeriesAction::List => SeriesResponse::List(store.list()?),
        SeriesAction::Show(s) => {
            let x = ws.load(&s.name, s.from, s.to)?;
            SeriesResponse::Show(SeriesShown {
                name: x.name.clone(),
                calendar: x.calendar.to_string(),
                unit: x.unit.to_string(),
                observations: x
                    .dates()
                    .iter()
                    .map(|d| d.to_string())
                    .zip(x.values().iter().copied())
                    .collect(),
            })
        }
        SeriesAction::Imports => SeriesResponse::Imports(store.imports()?),
        SeriesAction::Revisions(r) => SeriesResponse::Revisions(SeriesRevisions {
            name: r.name.clone(),
            revisions: store
                .revision_history(&r.name, r.date)?
                .into_iter()
                .map(|x| RevisionShown {
                    date: x.date,
                    revision: x.revision,
                    value: x.value,
                    current: x.current,
                    import_id: x.import_id,
                    file: x.file_name,
                    sha256: x.sha256,
                    imported_at: x.imported_at,
                })
                .collect(),
        }),
    })
}
