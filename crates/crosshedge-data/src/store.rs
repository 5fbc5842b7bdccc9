//! The embedded store: a SQLite file holding series, their observations with revisions, and the
//! provenance of every import.
//!
//! # Schema
//! - `series(name, calendar, unit, created_import)`.
//! - `observations(series, date, revision, value, import_id, current)`: one row per revision;
//!   exactly one revision of a `(series, date)` is `current`.
//! - `imports(id, file_name, file_path, sha256, rows, imported_at, series, new_obs, conflicts,
//!   scale)`: `scale` is the multipliers applied (`name=factor,...`, empty when none); a store
//!   written before it existed gains the column on its next write-open.
//!
//! # Re-imports
//! An identical value is a no-op. A differing value is never silently overwritten: with
//! [`OnConflict::Keep`] (default) the stored value stays current and the new one is kept as a
//! non-current revision; with [`OnConflict::Replace`] the new value becomes current and the old
//! one stays as history; with [`OnConflict::Fail`] the whole import is refused.
//! Each import runs in one transaction: an error or a kill leaves the store as it was.

use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::import::ParsedImport;
use crate::DataError;

/// What to do when an imported value differs from the stored one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnConflict {
    /// Keep the stored value current; store the new one as a non-current revision.
    #[default]
    Keep,
    /// Make the new value current; the old one stays as a revision.
    Replace,
    /// Refuse the whole import.
    Fail,
}

impl FromStr for OnConflict {
    type Err = DataError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "keep" => Ok(Self::Keep),
            "replace" => Ok(Self::Replace),
            "fail" => Ok(Self::Fail),
            _ => Err(DataError::Request(format!(
                "unknown --on-conflict '{s}' (expected keep, replace, fail)"
            ))),
        }
    }
}

/// A series as listed by the store.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesInfo {
    /// Series name.
    pub name: String,
    /// Its calendar.
    pub calendar: Calendar,
    /// Its unit.
    pub unit: SeriesUnit,
    /// First observation date.
    pub first: Option<NaiveDate>,
    /// Last observation date.
    pub last: Option<NaiveDate>,
    /// Number of current observations.
    pub rows: u64,
    /// File name of the latest import that touched the series.
    pub source: String,
}

/// What one import did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportSummary {
    /// The import's id in the store; 0 when the file was [`ImportSummary::unchanged`] (no
    /// import record is written then).
    pub import_id: i64,
    /// The file name.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Data rows read.
    pub rows: u64,
    /// Per series: name, new observations, identical (no-op), conflicts.
    pub series: Vec<SeriesImportCounts>,
    /// Warnings from parsing.
    pub warnings: Vec<String>,
    /// True when the import changed nothing in the store (every value already stored, every
    /// differing value already kept as a revision): a true no-op, no import record written.
    /// Serialized only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unchanged: bool,
}

/// Counts for one series of one import.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesImportCounts {
    /// Series name.
    pub name: String,
    /// Observations new to the store.
    pub new: u64,
    /// Observations identical to the stored ones.
    pub unchanged: u64,
    /// Observations that differed from the stored ones.
    pub conflicts: u64,
}

/// A record of one import.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportRecord {
    /// Import id.
    pub id: i64,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Data rows.
    pub rows: u64,
    /// UTC time of the import (RFC 3339), as given by the caller.
    pub imported_at: String,
    /// The series it wrote, comma-separated.
    pub series: String,
    /// The multipliers applied on import (`name=factor`, comma-separated, e.g. `dff=0.01`);
    /// serialized only when some value was scaled.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scale: String,
}

/// True when the `imports` table has the `scale` column (stores written before it have not).
fn has_scale_column(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('imports') WHERE name='scale'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// One stored revision of one observation, joined with the import that wrote it
/// ([`Store::revision_history`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevisionRecord {
    /// Observation date (YYYY-MM-DD, UTC).
    pub date: NaiveDate,
    /// Revision number: 0 for the first value stored on the date, then 1, 2, ...
    pub revision: i64,
    /// The value of this revision.
    pub value: f64,
    /// Whether this revision is the current value (the one every command reads).
    pub current: bool,
    /// Id of the import that wrote this revision.
    pub import_id: i64,
    /// File name of that import.
    pub file_name: String,
    /// SHA-256 of that file.
    pub sha256: String,
    /// UTC time of that import (RFC 3339).
    pub imported_at: String,
}

/// The SQLite store.
pub struct Store {
    conn: Connection,
    path: String,
    read_only: bool,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS series(
    name TEXT PRIMARY KEY, calendar TEXT NOT NULL, unit TEXT NOT NULL, created_import INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS imports(
    id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, file_path TEXT NOT NULL, sha256 TEXT NOT NULL,
    rows INTEGER NOT NULL, imported_at TEXT NOT NULL, series TEXT NOT NULL,
    new_obs INTEGER NOT NULL, conflicts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS observations(
    series TEXT NOT NULL, date TEXT NOT NULL, revision INTEGER NOT NULL, value REAL NOT NULL,
    import_id INTEGER NOT NULL, current INTEGER NOT NULL,
    PRIMARY KEY(series, date, revision)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS observations_current ON observations(series, current, date);
CREATE TABLE IF NOT EXISTS futures(
    root TEXT NOT NULL, date TEXT NOT NULL, expiry TEXT NOT NULL, settle REAL NOT NULL,
    import_id INTEGER NOT NULL, PRIMARY KEY(root, date, expiry)) WITHOUT ROWID;
";

/// What one import of futures settlements did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FuturesImportSummary {
    /// The import's id in the store.
    pub import_id: i64,
    /// The file name.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The futures root (e.g. `vx`).
    pub root: String,
    /// Settlement rows read.
    pub rows: u64,
    /// Rows new to the store.
    pub new: u64,
    /// Rows identical to the stored ones.
    pub unchanged: u64,
    /// Rows whose settle differed from the stored one.
    pub conflicts: u64,
}

impl Store {
    /// Opens (creating if needed) the store at `path` for writing.
    ///
    /// An existing file is checked first, read-only: a file that is not a crosshedge store
    /// (another application's SQLite file, a CSV file) is refused before anything is written.
    /// The store runs in WAL mode with `synchronous=FULL`: a committed import survives a
    /// power loss, not only a crash of the process.
    ///
    /// # Errors
    /// [`DataError::File`] (an input error) when the file is not a crosshedge store;
    /// [`DataError::Store`] when it cannot be opened.
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let p = path.display().to_string();
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            // Validates without writing; dropped before the writable connection opens.
            Self::open_existing(path)?;
        }
        let conn = Connection::open(path)
            .map_err(|source| DataError::Store { path: p.clone(), source })?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
            .and_then(|_| conn.execute_batch(SCHEMA))
            .and_then(|_| {
                if has_scale_column(&conn)? {
                    Ok(())
                } else {
                    // A concurrent writer may have added it first: then the column is there.
                    conn.execute_batch(
                        "ALTER TABLE imports ADD COLUMN scale TEXT NOT NULL DEFAULT ''",
                    )
                    .or_else(|e| {
                        if has_scale_column(&conn)? {
                            Ok(())
                        } else {
                            Err(e)
                        }
                    })
                }
            })
            .map_err(|source| DataError::Store { path: p.clone(), source })?;
        Ok(Self { conn, path: p, read_only: false })
    }

    /// Opens an existing store read-only (SQLite `SQLITE_OPEN_READ_ONLY`): nothing is
    /// created, no journal mode is switched, no table is added, so it works in a read-only
    /// directory and on a read-only file.
    ///
    /// # Errors
    /// [`DataError::File`] (an input error) when there is no file at `path` or the file is not
    /// a crosshedge store; [`DataError::Store`] when SQLite fails otherwise.
    pub fn open_existing(path: &Path) -> Result<Self, DataError> {
        let p = path.display().to_string();
        if !path.exists() {
            return Err(DataError::File {
                file: p,
                message: "no store here (run `crosshedge import` or `crosshedge demo` first, or pass --store)".into(),
            });
        }
        let not_store = |why: &str| DataError::File {
            file: p.clone(),
            message: format!("not a crosshedge store ({why}); refusing to use it (pass --store)"),
        };
        if path.is_dir() {
            return Err(not_store("a directory"));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let tables = |conn: &Connection| -> rusqlite::Result<Vec<String>> {
            let mut q = conn.prepare("SELECT name FROM sqlite_master WHERE type='table'")?;
            let names = q.query_map([], |r| r.get(0))?.collect();
            names
        };
        let open = |uri: &str| -> rusqlite::Result<(Connection, Vec<String>)> {
            let conn = Connection::open_with_flags(uri, flags)?;
            let t = tables(&conn)?;
            Ok((conn, t))
        };
        let uri = format!("file:{}?mode=ro", uri_path(path));
        let (conn, names) = match open(&uri) {
            Ok(x) => x,
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
                return Err(not_store("not an SQLite database"))
            }
            // A WAL store in a read-only directory: SQLite cannot create the `-shm` file. No
            // writer can commit there either, so the file is read as immutable.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) => {
                match open(&format!("file:{}?mode=ro&immutable=1", uri_path(path))) {
                    Ok(x) => x,
                    Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
                        return Err(not_store("not an SQLite database"))
                    }
                    Err(source) => return Err(DataError::Store { path: p, source }),
                }
            }
            Err(source) => return Err(DataError::Store { path: p, source }),
        };
        let missing: Vec<&str> = ["series", "imports", "observations"]
            .into_iter()
            .filter(|t| !names.iter().any(|n| n == t))
            .collect();
        if !missing.is_empty() {
            return Err(not_store(&format!("no table {}", missing.join(", "))));
        }
        Ok(Self { conn, path: p, read_only: true })
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"` for a sound file, else the problems found.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn integrity_check(&self) -> Result<String, DataError> {
        let mut q = self.db(self.conn.prepare("PRAGMA integrity_check"))?;
        let lines: Vec<String> =
            self.db(q.query_map([], |r| r.get(0)).and_then(|it| it.collect()))?;
        Ok(lines.join("; "))
    }

    /// True when the store was opened read-only ([`Store::open_existing`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn db<T>(&self, r: rusqlite::Result<T>) -> Result<T, DataError> {
        r.map_err(|source| DataError::Store { path: self.path.clone(), source })
    }

    /// Writes a parsed import in one transaction.
    ///
    /// `file_path` is recorded as given; `imported_at` is the caller's UTC timestamp.
    ///
    /// # Errors
    /// [`DataError::Request`] when a series exists with another calendar or unit;
    /// [`DataError::Input`] for a differing value under [`OnConflict::Fail`]. The store is
    /// unchanged on any error.
    pub fn import(
        &mut self,
        parsed: &ParsedImport,
        file_path: &str,
        imported_at: &str,
        on_conflict: OnConflict,
    ) -> Result<ImportSummary, DataError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|source| DataError::Store { path: path.clone(), source })?;
        let sum = write_import(&tx, &path, parsed, file_path, imported_at, on_conflict)?;
        tx.commit().map_err(|source| DataError::Store { path, source })?;
        Ok(sum)
    }

    /// Writes several parsed series files and futures settlement files in ONE transaction:
    /// every file is written or none is. An error in any file (a series that exists with
    /// another calendar or unit, a conflict under [`OnConflict::Fail`], a store failure) or a
    /// kill at any point leaves the store exactly as it was. Series files are written first,
    /// in order, then futures files.
    ///
    /// # Errors
    /// As [`Store::import`] and [`Store::import_futures`]; the store is unchanged on any error.
    pub fn import_all(
        &mut self,
        files: &[(&str, &ParsedImport)],
        futures: &[FuturesBatchFile<'_>],
        imported_at: &str,
        on_conflict: OnConflict,
    ) -> Result<(Vec<ImportSummary>, Vec<FuturesImportSummary>), DataError> {
        let path = self.path.clone();
        let st = |source| DataError::Store { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(st)?;
        let mut series = Vec::with_capacity(files.len());
        for (file_path, parsed) in files {
            series.push(write_import(&tx, &path, parsed, file_path, imported_at, on_conflict)?);
        }
        let mut fut = Vec::with_capacity(futures.len());
        for f in futures {
            fut.push(write_futures(&tx, &path, f, imported_at, on_conflict)?);
        }
        tx.commit().map_err(st)?;
        Ok((series, fut))
    }

    /// Writes the write-ahead log into the main file, so the store is one self-contained file.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn checkpoint(&self) -> Result<(), DataError> {
        self.db(self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);"))
    }

    /// Stores futures settlements `(date, expiry, settle, source line)` of contract root `root`
    /// in one transaction. An identical row is a no-op; a differing settle is kept
    /// ([`OnConflict::Keep`]: the stored one stays), replaced, or refuses the whole import.
    /// Futures keep no revision history (unlike series observations).
    ///
    /// # Errors
    /// [`DataError::Input`] for a differing settle under [`OnConflict::Fail`]; the store is
    /// unchanged on any error.
    #[allow(clippy::too_many_arguments)]
    pub fn import_futures(
        &mut self,
        root: &str,
        rows: &[crate::futures::FutureRow],
        file: &str,
        file_path: &str,
        sha256: &str,
        imported_at: &str,
        on_conflict: OnConflict,
    ) -> Result<FuturesImportSummary, DataError> {
        let path = self.path.clone();
        let st = |source| DataError::Store { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(st)?;
        let f = FuturesBatchFile { root, rows, file, file_path, sha256 };
        let sum = write_futures(&tx, &path, &f, imported_at, on_conflict)?;
        tx.commit().map_err(st)?;
        Ok(sum)
    }

    /// Every stored settlement `(date, expiry, settle)` of futures root `root`, by date then expiry.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn futures(&self, root: &str) -> Result<Vec<(NaiveDate, NaiveDate, f64)>, DataError> {
        // A store written before futures existed has no table (and a read-only one gets none).
        let has_table: bool = self.db(self.conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='futures'",
            [],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        ))?;
        if !has_table {
            return Ok(Vec::new());
        }
        let mut stmt = self.db(self.conn.prepare(
            "SELECT date, expiry, settle FROM futures WHERE root=?1 ORDER BY date, expiry",
        ))?;
        let rows: Vec<(String, String, f64)> = self.db(stmt
            .query_map([root], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|it| it.collect()))?;
        rows.into_iter()
            .map(|(d, e, v)| {
                let p = |x: &str| {
                    NaiveDate::parse_from_str(x, "%Y-%m-%d").map_err(|err| {
                        DataError::Request(format!("corrupt date '{x}' in the store: {err}"))
                    })
                };
                Ok((p(&d)?, p(&e)?, v))
            })
            .collect()
    }

    /// Lists every series.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn list(&self) -> Result<Vec<SeriesInfo>, DataError> {
        let mut stmt = self.db(self.conn.prepare(
            "SELECT s.name, s.calendar, s.unit,
                    (SELECT MIN(date) FROM observations o WHERE o.series=s.name AND o.current=1),
                    (SELECT MAX(date) FROM observations o WHERE o.series=s.name AND o.current=1),
                    (SELECT COUNT(*) FROM observations o WHERE o.series=s.name AND o.current=1),
                    COALESCE((SELECT i.file_name FROM imports i JOIN observations o ON o.import_id=i.id
                              WHERE o.series=s.name AND o.current=1 ORDER BY i.id DESC LIMIT 1), '')
             FROM series s ORDER BY s.name",
        ))?;
        let rows = self.db(stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .and_then(|it| it.collect::<Result<Vec<_>, _>>()))?;
        rows.into_iter()
            .map(|(name, cal, unit, first, last, n, source)| {
                Ok(SeriesInfo {
                    name,
                    calendar: cal.parse()?,
                    unit: unit.parse()?,
                    first: first.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    last: last.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    rows: n as u64,
                    source,
                })
            })
            .collect()
    }

    /// Loads the current values of series `name`, optionally restricted to `[from, to]`.
    ///
    /// # Errors
    /// [`DataError::Request`] for an unknown series (listing the known ones).
    pub fn load(
        &self,
        name: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Series, DataError> {
        let meta: Option<(String, String)> = self.db(self
            .conn
            .query_row("SELECT calendar, unit FROM series WHERE name=?1", [name], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional())?;
        let Some((cal, unit)) = meta else {
            let known: Vec<String> = self.list()?.into_iter().map(|s| s.name).collect();
            return Err(DataError::Request(format!(
                "no series '{name}' in the store {} (known: {})",
                self.path,
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )));
        };
        let lo =
            from.map_or_else(|| "0000-00-00".to_string(), |d| d.format("%Y-%m-%d").to_string());
        let hi = to.map_or_else(|| "9999-99-99".to_string(), |d| d.format("%Y-%m-%d").to_string());
        let mut stmt = self.db(self.conn.prepare_cached(
            "SELECT date, value FROM observations WHERE series=?1 AND current=1 AND date>=?2 AND date<=?3 ORDER BY date",
        ))?;
        let rows: Vec<(String, f64)> = self.db(stmt
            .query_map(params![name, lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|it| it.collect::<Result<Vec<_>, _>>()))?;
        let mut dates = Vec::with_capacity(rows.len());
        let mut values = Vec::with_capacity(rows.len());
        for (d, v) in rows {
            let date = NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|e| DataError::Request(format!("corrupt date '{d}' in the store: {e}")))?;
            dates.push(date);
            values.push(v);
        }
        Ok(Series::new(name, cal.parse()?, unit.parse()?, dates, values)?)
    }

    /// All imports, oldest first.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn imports(&self) -> Result<Vec<ImportRecord>, DataError> {
        let scale = if self.db(has_scale_column(&self.conn))? { "scale" } else { "''" };
        let mut stmt = self.db(self.conn.prepare(&format!(
            "SELECT id, file_name, sha256, rows, imported_at, series, {scale} FROM imports ORDER BY id"
        )))?;
        self.db(stmt
            .query_map([], |r| {
                Ok(ImportRecord {
                    id: r.get(0)?,
                    file_name: r.get(1)?,
                    sha256: r.get(2)?,
                    rows: r.get::<_, i64>(3)? as u64,
                    imported_at: r.get(4)?,
                    series: r.get(5)?,
                    scale: r.get(6)?,
                })
            })
            .and_then(|it| it.collect()))
    }

    /// Number of stored revisions (current and not) of `name` on `date`.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn revisions(
        &self,
        name: &str,
        date: NaiveDate,
    ) -> Result<Vec<(i64, f64, bool)>, DataError> {
        let mut stmt = self.db(self.conn.prepare(
            "SELECT revision, value, current FROM observations WHERE series=?1 AND date=?2 ORDER BY revision",
        ))?;
        self.db(stmt
            .query_map(params![name, date.format("%Y-%m-%d").to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? == 1))
            })
            .and_then(|it| it.collect()))
    }

    /// Every stored revision of series `name` (optionally only on `date`), joined with the
    /// import that wrote it, ordered by date then revision.
    ///
    /// # Errors
    /// [`DataError::Request`] for an unknown series (listing the known ones);
    /// [`DataError::Store`] on a database failure.
    pub fn revision_history(
        &self,
        name: &str,
        date: Option<NaiveDate>,
    ) -> Result<Vec<RevisionRecord>, DataError> {
        let known: Option<i64> = self.db(self
            .conn
            .query_row("SELECT 1 FROM series WHERE name=?1", [name], |r| r.get(0))
            .optional())?;
        if known.is_none() {
            let known: Vec<String> = self.list()?.into_iter().map(|s| s.name).collect();
            return Err(DataError::Request(format!(
                "no series '{name}' in the store {} (known: {})",
                self.path,
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )));
        }
        let (lo, hi) = match date {
            Some(d) => (d.format("%Y-%m-%d").to_string(), d.format("%Y-%m-%d").to_string()),
            None => ("0000-00-00".to_string(), "9999-99-99".to_string()),
        };
        let mut stmt = self.db(self.conn.prepare(
            "SELECT o.date, o.revision, o.value, o.current, o.import_id,
                    COALESCE(i.file_name, ''), COALESCE(i.sha256, ''), COALESCE(i.imported_at, '')
             FROM observations o LEFT JOIN imports i ON i.id=o.import_id
             WHERE o.series=?1 AND o.date>=?2 AND o.date<=?3
             ORDER BY o.date, o.revision",
        ))?;
        let rows = self.db(stmt
            .query_map(params![name, lo, hi], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, f64>(2)?,
                    r.get::<_, i64>(3)? == 1,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .and_then(|it| it.collect::<Result<Vec<_>, _>>()))?;
        rows.into_iter()
            .map(|(d, revision, value, current, import_id, file_name, sha256, imported_at)| {
                let date = NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| {
                    DataError::Request(format!("corrupt date '{d}' in the store: {e}"))
                })?;
                Ok(RevisionRecord {
                    date,
                    revision,
                    value,
                    current,
                    import_id,
                    file_name,
                    sha256,
                    imported_at,
                })
            })
            .collect()
    }

    /// The SHA-256 of the latest import of each series in `names`, for report provenance.
    ///
    /// # Errors
    /// [`DataError::Store`] on a database failure.
    pub fn provenance(&self, names: &[&str]) -> Result<Vec<(String, String, String)>, DataError> {
        let mut out = Vec::new();
        for n in names {
            let row: Option<(String, String)> = self.db(
                self.conn
                    .query_row(
                        "SELECT i.file_name, i.sha256 FROM imports i JOIN observations o ON o.import_id=i.id
                         WHERE o.series=?1 ORDER BY i.id DESC LIMIT 1",
                        [n],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional(),
            )?;
            if let Some((f, h)) = row {
                out.push(((*n).to_string(), f, h));
            }
        }
        Ok(out)
    }
}

/// Writes one parsed series file inside `tx` (no commit).
fn write_import(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    parsed: &ParsedImport,
    file_path: &str,
    imported_at: &str,
    on_conflict: OnConflict,
) -> Result<ImportSummary, DataError> {
    let st = |source| DataError::Store { path: path.to_string(), source };
    let names: Vec<&str> = parsed.series.iter().map(|s| s.series.name.as_str()).collect();
    tx.execute(
            "INSERT INTO imports(file_name, file_path, sha256, rows, imported_at, series, new_obs, conflicts, scale)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7)",
            params![parsed.file, file_path, parsed.sha256, parsed.rows as i64, imported_at, names.join(","), parsed.scale_record()],
        )
        .map_err(st)?;
    let import_id = tx.last_insert_rowid();
    // Whether this import wrote anything (a series, an observation or a revision).
    let mut changed = false;
    let mut counts = Vec::new();
    for ps in &parsed.series {
        let s = &ps.series;
        let existing: Option<(String, String)> = tx
            .query_row("SELECT calendar, unit FROM series WHERE name = ?1", [&s.name], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(st)?;
        match existing {
            Some((cal, unit)) => {
                if cal != s.calendar.as_str() || unit != s.unit.as_str() {
                    return Err(DataError::Request(format!(
                            "series {} exists with calendar {cal} and unit {unit}; this import declares {} and {}",
                            s.name, s.calendar, s.unit
                        )));
                }
            }
            None => {
                tx.execute(
                        "INSERT INTO series(name, calendar, unit, created_import) VALUES (?1, ?2, ?3, ?4)",
                        params![s.name, s.calendar.as_str(), s.unit.as_str(), import_id],
                    )
                    .map_err(st)?;
                changed = true;
            }
        }
        let mut c = SeriesImportCounts { name: s.name.clone(), new: 0, unchanged: 0, conflicts: 0 };
        let Some((lo, hi)) = s.span() else {
            counts.push(c);
            continue;
        };
        {
            // The current values over the import's span, read in one range scan.
            let (lo, hi) = (lo.format("%Y-%m-%d").to_string(), hi.format("%Y-%m-%d").to_string());
            let mut current: std::collections::HashMap<String, f64> =
                std::collections::HashMap::new();
            {
                let mut q = tx
                        .prepare_cached(
                            "SELECT date, value FROM observations WHERE series=?1 AND current=1 AND date>=?2 AND date<=?3",
                        )
                        .map_err(st)?;
                let rows = q
                    .query_map(params![s.name, lo, hi], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
                    })
                    .map_err(st)?;
                for row in rows {
                    let (d, v) = row.map_err(st)?;
                    current.insert(d, v);
                }
            }
            // The newest revision (number and value) stored for one date.
            let mut newest = tx
                .prepare_cached(
                    "SELECT revision, value FROM observations WHERE series=?1 AND date=?2
                     ORDER BY revision DESC LIMIT 1",
                )
                .map_err(st)?;
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO observations(series, date, revision, value, import_id, current)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(st)?;
            let mut demote = tx
                .prepare_cached(
                    "UPDATE observations SET current=0 WHERE series=?1 AND date=?2 AND current=1",
                )
                .map_err(st)?;
            for ((d, &v), &line) in s.dates().iter().zip(s.values()).zip(&ps.lines) {
                let ds = d.format("%Y-%m-%d").to_string();
                match current.get(&ds).copied() {
                    None => {
                        ins.execute(params![s.name, ds, 0, v, import_id, 1]).map_err(st)?;
                        c.new += 1;
                        changed = true;
                    }
                    Some(old) if old == v => c.unchanged += 1,
                    Some(old) => {
                        c.conflicts += 1;
                        let (rev, newest_v): (i64, f64) = newest
                            .query_row(params![s.name, ds], |r| Ok((r.get(0)?, r.get(1)?)))
                            .map_err(st)?;
                        match on_conflict {
                                OnConflict::Fail => {
                                    return Err(DataError::Input {
                                        file: parsed.file.clone(),
                                        line,
                                        column: ps.column_number,
                                        column_name: Some(ps.column.clone()),
                                        message: format!(
                                            "{} on {ds} is {v} but the store holds {old} (use --on-conflict keep or replace)",
                                            s.name
                                        ),
                                    })
                                }
                                // Re-running the same changed file: the newest revision
                                // already holds v, so nothing is added.
                                OnConflict::Keep if newest_v == v => {}
                                OnConflict::Keep => {
                                    ins.execute(params![s.name, ds, rev + 1, v, import_id, 0]).map_err(st)?;
                                    changed = true;
                                }
                                OnConflict::Replace => {
                                    demote.execute(params![s.name, ds]).map_err(st)?;
                                    ins.execute(params![s.name, ds, rev + 1, v, import_id, 1]).map_err(st)?;
                                    changed = true;
                                }
                            }
                    }
                }
            }
        }
        counts.push(c);
    }
    if !changed {
        // A true no-op: drop the import record written above (same transaction).
        tx.execute("DELETE FROM imports WHERE id=?1", [import_id]).map_err(st)?;
        return Ok(ImportSummary {
            import_id: 0,
            file: parsed.file.clone(),
            sha256: parsed.sha256.clone(),
            rows: parsed.rows,
            series: counts,
            warnings: parsed.warnings.clone(),
            unchanged: true,
        });
    }
    let new: u64 = counts.iter().map(|c| c.new).sum();
    let conflicts: u64 = counts.iter().map(|c| c.conflicts).sum();
    tx.execute(
        "UPDATE imports SET new_obs=?1, conflicts=?2 WHERE id=?3",
        params![new as i64, conflicts as i64, import_id],
    )
    .map_err(st)?;
    Ok(ImportSummary {
        import_id,
        file: parsed.file.clone(),
        sha256: parsed.sha256.clone(),
        rows: parsed.rows,
        series: counts,
        warnings: parsed.warnings.clone(),
        unchanged: false,
    })
}

/// One futures settlement file of a batch ([`Store::import_all`]).
#[derive(Clone, Copy, Debug)]
pub struct FuturesBatchFile<'a> {
    /// The futures root (e.g. `vx`).
    pub root: &'a str,
    /// The parsed settlement rows.
    pub rows: &'a [crate::futures::FutureRow],
    /// The file name recorded (and named in errors).
    pub file: &'a str,
    /// The file path recorded.
    pub file_path: &'a str,
    /// SHA-256 of the file.
    pub sha256: &'a str,
}

/// Writes one futures settlement file inside `tx` (no commit).
fn write_futures(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    f: &FuturesBatchFile<'_>,
    imported_at: &str,
    on_conflict: OnConflict,
) -> Result<FuturesImportSummary, DataError> {
    let st = |source| DataError::Store { path: path.to_string(), source };
    let FuturesBatchFile { root, rows, file, file_path, sha256 } = *f;
    tx.execute(
            "INSERT INTO imports(file_name, file_path, sha256, rows, imported_at, series, new_obs, conflicts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0)",
            params![file, file_path, sha256, rows.len() as i64, imported_at, format!("futures:{root}")],
        )
        .map_err(st)?;
    let import_id = tx.last_insert_rowid();
    let mut sum = FuturesImportSummary {
        import_id,
        file: file.to_string(),
        sha256: sha256.to_string(),
        root: root.to_string(),
        rows: rows.len() as u64,
        new: 0,
        unchanged: 0,
        conflicts: 0,
    };
    {
        let mut get = tx
            .prepare_cached("SELECT settle FROM futures WHERE root=?1 AND date=?2 AND expiry=?3")
            .map_err(st)?;
        let mut ins = tx
                .prepare_cached(
                    "INSERT INTO futures(root, date, expiry, settle, import_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(st)?;
        let mut upd = tx
                .prepare_cached(
                    "UPDATE futures SET settle=?4, import_id=?5 WHERE root=?1 AND date=?2 AND expiry=?3",
                )
                .map_err(st)?;
        for r in rows {
            let (d, e) =
                (r.date.format("%Y-%m-%d").to_string(), r.expiry.format("%Y-%m-%d").to_string());
            let old: Option<f64> =
                get.query_row(params![root, d, e], |x| x.get(0)).optional().map_err(st)?;
            match old {
                None => {
                    ins.execute(params![root, d, e, r.settle, import_id]).map_err(st)?;
                    sum.new += 1;
                }
                Some(o) if o == r.settle => sum.unchanged += 1,
                Some(o) => {
                    sum.conflicts += 1;
                    match on_conflict {
                            OnConflict::Fail => {
                                return Err(DataError::File {
                                    file: file.to_string(),
                                    message: format!(
                                        "line {}: {root} {e} on {d} settles at {} but the store holds {o} (use --on-conflict keep or replace)",
                                        r.line, r.settle
                                    ),
                                })
                            }
                            OnConflict::Keep => {}
                            OnConflict::Replace => {
                                upd.execute(params![root, d, e, r.settle, import_id]).map_err(st)?;
                            }
                        }
                }
            }
        }
    }
    tx.execute(
        "UPDATE imports SET new_obs=?1, conflicts=?2 WHERE id=?3",
        params![sum.new as i64, sum.conflicts as i64, import_id],
    )
    .map_err(st)?;
    Ok(sum)
}

/// `path` as the path part of an SQLite `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for c in abs.display().to_string().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{parse_csv, ImportSpec};

    fn parsed(csv: &str) -> ParsedImport {
        let spec =
            ImportSpec::new(vec![("x".into(), "close".into())], Calendar::Us, SeriesUnit::Price);
        parse_csv(csv.as_bytes(), "f.csv", &spec).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn import_reimport_and_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = Store::open(&dir.path().join("s.db")).unwrap();
        let a = parsed("date,close\n2024-01-02,10\n2024-01-03,11\n");
        let s1 = st.import(&a, "f.csv", "2026-01-01T00:00:00Z", OnConflict::Keep).unwrap();
        assert_eq!(s1.series[0].new, 2);
        // Identical re-import: a no-op.
        let s2 = st.import(&a, "f.csv", "2026-01-01T00:00:01Z", OnConflict::Keep).unwrap();
        assert_eq!((s2.series[0].new, s2.series[0].unchanged), (0, 2));
        // A differing value under keep: stored current value stays, new one kept as a revision.
        let b = parsed("date,close\n2024-01-03,12\n2024-01-04,13\n");
        let s3 = st.import(&b, "g.csv", "t", OnConflict::Keep).unwrap();
        assert_eq!((s3.series[0].new, s3.series[0].conflicts), (1, 1));
        assert_eq!(st.load("x", None, None).unwrap().values(), &[10.0, 11.0, 13.0]);
        assert_eq!(
            st.revisions("x", d("2024-01-03")).unwrap(),
            vec![(0, 11.0, true), (1, 12.0, false)]
        );
        // Fail: refused, store unchanged.
        let c = parsed("date,close\n2024-01-05,1\n2024-01-03,99\n");
        let before = st.load("x", None, None).unwrap();
        let e = st.import(&c, "h.csv", "t", OnConflict::Fail).unwrap_err();
        assert!(
            e.to_string().starts_with("f.csv: line 3, column 2 (close): x on 2024-01-03 is 99"),
            "{e}"
        );
        assert_eq!(st.load("x", None, None).unwrap(), before);
        // f.csv and g.csv; the identical re-import wrote no record, the refused one nothing.
        assert_eq!(st.imports().unwrap().len(), 2);
        // Replace: new value current, old one history.
        st.import(&c, "h.csv", "t", OnConflict::Replace).unwrap();
        assert_eq!(st.load("x", None, None).unwrap().values(), &[10.0, 99.0, 13.0, 1.0]);
        assert_eq!(st.revisions("x", d("2024-01-03")).unwrap().len(), 3);
        let info = st.list().unwrap();
        assert_eq!(info[0].rows, 4);
        assert_eq!(info[0].source, "f.csv");
    }

    #[test]
    fn futures_import_reimport_and_conflicts() {
        use crate::futures::FutureRow;
        let dir = tempfile::tempdir().unwrap();
        let mut st = Store::open(&dir.path().join("s.db")).unwrap();
        let row = |dd: &str, e: &str, v: f64, line: u64| FutureRow {
            date: d(dd),
            expiry: d(e),
            settle: v,
            line,
        };
        let rows = vec![
            row("2024-01-02", "2024-01-17", 13.5, 2),
            row("2024-01-02", "2024-02-14", 14.5, 3),
        ];
        let s1 =
            st.import_futures("vx", &rows, "f.csv", "f.csv", "00", "t", OnConflict::Keep).unwrap();
        assert_eq!((s1.new, s1.unchanged), (2, 0));
        let s2 =
            st.import_futures("vx", &rows, "f.csv", "f.csv", "00", "t", OnConflict::Keep).unwrap();
        assert_eq!((s2.new, s2.unchanged), (0, 2));
        let changed = vec![row("2024-01-02", "2024-01-17", 13.75, 2)];
        let e = st
            .import_futures("vx", &changed, "g.csv", "g.csv", "00", "t", OnConflict::Fail)
            .unwrap_err();
        assert!(e.is_input() && e.to_string().contains("line 2"), "{e}");
        assert_eq!(st.futures("vx").unwrap()[0].2, 13.5);
        st.import_futures("vx", &changed, "g.csv", "g.csv", "00", "t", OnConflict::Replace)
            .unwrap();
        assert_eq!(
            st.futures("vx").unwrap(),
            vec![
                (d("2024-01-02"), d("2024-01-17"), 13.75),
                (d("2024-01-02"), d("2024-02-14"), 14.5)
            ]
        );
        assert!(st.futures("es").unwrap().is_empty());
        assert_eq!(st.imports().unwrap().len(), 3);
    }

    #[test]
    fn metadata_conflict_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = Store::open(&dir.path().join("s.db")).unwrap();
        st.import(&parsed("date,close\n2024-01-02,10\n"), "f.csv", "t", OnConflict::Keep).unwrap();
        let spec = ImportSpec::new(
            vec![("x".into(), "close".into())],
            Calendar::Crypto,
            SeriesUnit::Price,
        );
        let p = parse_csv("date,close\n2024-01-06,10\n".as_bytes(), "f.csv", &spec).unwrap();
        assert!(st.import(&p, "f.csv", "t", OnConflict::Keep).unwrap_err().is_input());
        assert_eq!(st.imports().unwrap().len(), 1);
    }

    #[test]
    fn unknown_series_lists_known() {
        let dir = tempfile::tempdir().unwrap();
        let mut st = Store::open(&dir.path().join("s.db")).unwrap();
        st.import(&parsed("date,close\n2024-01-02,10\n"), "f.csv", "t", OnConflict::Keep).unwrap();
        let e = st.load("vix", None, None).unwrap_err().to_string();
        assert!(e.contains("known: x"), "{e}");
    }

    #[test]
    fn read_commands_open_the_store_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut st = Store::open(&path).unwrap();
        st.import(&parsed("date,close\n2024-01-02,10\n"), "f.csv", "t", OnConflict::Keep).unwrap();
        st.checkpoint().unwrap();
        drop(st);
        let bytes = std::fs::read(&path).unwrap();
        let ro = Store::open_existing(&path).unwrap();
        assert!(ro.is_read_only());
        assert_eq!(ro.list().unwrap().len(), 1);
        assert!(ro.futures("vx").unwrap().is_empty());
        // The connection cannot write at all.
        assert!(ro.conn.execute_batch("CREATE TABLE t(x)").is_err());
        drop(ro);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "a read changed the store");
    }

    #[test]
    fn a_file_that_is_not_a_store_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        // Another application's SQLite file, in rollback-journal mode.
        let other = dir.path().join("other.sqlite");
        {
            let c = Connection::open(&other).unwrap();
            c.execute_batch("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);").unwrap();
        }
        let csv = dir.path().join("prices.csv");
        std::fs::write(&csv, "date,close\n2024-01-02,10\n").unwrap();
        for p in [&other, &csv] {
            let before = std::fs::read(p).unwrap();
            for e in [Store::open_existing(p).err().unwrap(), Store::open(p).err().unwrap()] {
                let m = e.to_string();
                assert!(e.is_input(), "{m}");
                assert!(m.contains("not a crosshedge store") && !m.contains('\n'), "{m}");
            }
            assert_eq!(std::fs::read(p).unwrap(), before);
        }
        let c = Connection::open(&other).unwrap();
        let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete", "the foreign file was switched to WAL");
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type='table'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "tables were added to the foreign file");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_store_from_before_the_scale_column_is_read_as_is_and_gains_it_on_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut st = Store::open(&path).unwrap();
            st.import(&parsed("date,close\n2024-01-02,10\n"), "f.csv", "t", OnConflict::Keep)
                .unwrap();
            // The schema as it was: no `scale` column.
            st.conn.execute_batch("ALTER TABLE imports DROP COLUMN scale").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let ro = Store::open_existing(&path).unwrap();
        assert_eq!(ro.imports().unwrap()[0].scale, "");
        drop(ro);
        assert_eq!(std::fs::read(&path).unwrap(), before, "a read changed the old store");
        let mut st = Store::open(&path).unwrap();
        let spec = {
            let mut s =
                ImportSpec::new(vec![("r".into(), "close".into())], Calendar::Us, SeriesUnit::Rate);
            s.scale.insert("r".into(), 0.01);
            s
        };
        let p = parse_csv("date,close\n2024-01-02,5\n".as_bytes(), "g.csv", &spec).unwrap();
        st.import(&p, "g.csv", "t", OnConflict::Keep).unwrap();
        let scales: Vec<String> = st.imports().unwrap().into_iter().map(|r| r.scale).collect();
        assert_eq!(scales, ["", "r=0.01"]);
    }
}
