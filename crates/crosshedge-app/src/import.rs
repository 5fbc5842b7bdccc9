//! The `import` job: one CSV file, one futures settlement file or a whole manifest into the
//! store.
//!
//! Every file is parsed (and every derived series computed) before the store is opened, so
//! bad input never touches it; all files of the request (a whole manifest included) are then
//! written in ONE transaction: an error in a later file or a kill leaves the store as it was.

use std::path::{Path, PathBuf};

use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::derived::derived_import;
use crosshedge_data::futures::{parse_futures_file, ExpiryRule, FuturesOptions, ParsedFutures};
use crosshedge_data::import::{parse_file, ImportSpec, ParsedImport};
use crosshedge_data::manifest::Manifest;
use crosshedge_data::store::{FuturesBatchFile, FuturesImportSummary, ImportSummary, OnConflict};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::{AppError, Progress, ResultExt, Workspace};

/// One series to create from a CSV file: its name in the store and the column holding it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesColumn {
    /// The series name in the store (non-empty).
    pub name: String,
    /// The CSV column it is read from (non-empty).
    pub column: String,
}

/// What to import: `file` with `series` (a CSV file), `file` with `futures` (a futures
/// settlement file), or `manifest` (every file of a TOML manifest, futures files and derived
/// series included).
///
/// JSON: `{"file": "btc.csv", "series": [{"name": "btc", "column": "close"}],
/// "calendar": "crypto", "imported_at": "2026-01-01T00:00:00Z"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportRequest {
    /// The CSV file to import (a series file, or a settlement file with `futures`); not with
    /// `manifest`.
    pub file: Option<PathBuf>,
    /// The name recorded for `file` in the store (the import's file name and path) and used in
    /// its messages instead of its path: e.g. the name of an uploaded file that the server
    /// wrote to a temporary path. Only with `file`.
    pub source_name: Option<String>,
    /// Series to create from `file`, in order (ignored with `futures` or `manifest`).
    pub series: Vec<SeriesColumn>,
    /// Import `file` as futures settlements (`date,expiry,settle`, one row per date and
    /// contract) of this contract root, e.g. `vx`.
    pub futures: Option<String>,
    /// Calendar of the series of `file`: `us` (NYSE/CFE trading days) or `crypto` (every day).
    pub calendar: Calendar,
    /// Unit of the series of `file`: price, index-level, rate, count, ratio.
    pub unit: SeriesUnit,
    /// The date column of `file` (default `date`, else the first column).
    pub date_column: Option<String>,
    /// A chrono date format such as `%m/%d/%Y` (detected when absent).
    pub date_format: Option<String>,
    /// Multiply every value of `file`'s series by this factor on import (e.g. `0.01` for
    /// FRED-style percent rates into decimals); finite and non-zero; recorded with the import.
    /// Only with `series` (a manifest gives `scale` per series).
    pub scale: Option<f64>,
    /// When a value differs from the stored one: `keep` (stored stays current), `replace`,
    /// `fail`.
    pub on_conflict: OnConflict,
    /// Import every file of this TOML manifest instead of one file.
    pub manifest: Option<PathBuf>,
    /// Futures rows dated after their contract's expiry are dropped and off-rule contracts
    /// kept (with one warning counting them) instead of refusing the file. Only with
    /// `futures` or `manifest`.
    pub allow_bad_expiry: bool,
    /// Read `file` in a vendor's raw format (`cboe`, `yahoo`, `fred`, `binance-klines`,
    /// `deribit-dvol`) as downloaded, instead of a plain CSV; the series' columns name the
    /// vendor's normalised columns (`close`, `adj_close`, the FRED id). Only with `file` and
    /// `series`.
    pub format: Option<crosshedge_fetch::vendor::VendorFormat>,
    /// The time stamped on every import record: RFC 3339, UTC (e.g. `2026-01-01T00:00:00Z`).
    /// Required: the job has no clock.
    pub imported_at: String,
}

impl Default for ImportRequest {
    fn default() -> Self {
        Self {
            file: None,
            source_name: None,
            series: Vec::new(),
            futures: None,
            calendar: Calendar::Us,
            unit: SeriesUnit::Price,
            date_column: None,
            date_format: None,
            scale: None,
            on_conflict: OnConflict::Keep,
            manifest: None,
            allow_bad_expiry: false,
            format: None,
            imported_at: String::new(),
        }
    }
}

/// What the import did: one summary per series file (derived series included) and one per
/// futures file, and the parsers' warnings.
///
/// Serialised as the CLI's `--json` always printed it: the array of series summaries when no
/// futures file was imported, else `{"series": [...], "futures": [...]}`. The warnings are
/// not serialised (each series summary carries its own `warnings`); the CLI prints them to
/// stderr as `warning: ...`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportResponse {
    /// Per series file, in import order: file, SHA-256, rows and per-series counts of new,
    /// unchanged and conflicting observations.
    pub series: Vec<ImportSummary>,
    /// Per futures settlement file: root, file, SHA-256, rows and counts.
    pub futures: Vec<FuturesImportSummary>,
    /// One-line warnings of the parsers (unsorted dates, dropped futures rows, ...), series
    /// files first, each naming its file.
    pub warnings: Vec<String>,
}

impl Serialize for ImportResponse {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.futures.is_empty() {
            return self.series.serialize(s);
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("series", &self.series)?;
        m.serialize_entry("futures", &self.futures)?;
        m.end()
    }
}

/// The parser options of a futures file of contract root `root`: the root's expiry rule, and
/// whether rows contradicting it are allowed.
fn futures_options(root: &str, allow_bad_expiry: bool) -> FuturesOptions {
    FuturesOptions {
        rule: ExpiryRule::for_root(root),
        allow_bad_expiry,
        allow_hint: Some("--allow-bad-expiry".into()),
    }
}

/// What `file` is recorded and named as: `source_name` when given, else its path.
fn recorded_name(req: &ImportRequest, file: &Path) -> String {
    req.source_name.clone().unwrap_or_else(|| file.display().to_string())
}

/// `text` with `file`'s path replaced by its recorded name.
fn renamed_text(req: &ImportRequest, file: &Path, text: &str) -> String {
    match &req.source_name {
        Some(name) => text.replace(&file.display().to_string(), name),
        None => text.to_string(),
    }
}

/// `e` with `file`'s path in its message replaced by the recorded name.
fn renamed(req: &ImportRequest, file: &Path, mut e: AppError) -> AppError {
    e.message = renamed_text(req, file, &e.message);
    e
}

/// A futures file parsed and waiting to be written: root, file name, rows, SHA-256.
type FuturesJob = (String, String, ParsedFutures, String);

/// Runs the import: parses every input, then writes each into the store (created when
/// missing) under `req.on_conflict`.
///
/// # Errors
/// An input error for a bad request (no file, a bad `imported_at`, an empty series name or
/// column, `allow_bad_expiry` without futures), a file that cannot be read or parsed (naming
/// file, line and column), a conflict under `fail`; an analysis error when the store fails.
pub fn run(
    ws: &mut Workspace,
    req: &ImportRequest,
    progress: &dyn Progress,
) -> Result<ImportResponse, AppError> {
    if chrono::DateTime::parse_from_rfc3339(&req.imported_at).is_err() {
        return Err(AppError::input(format!(
            "request field `imported_at`: '{}' is not an RFC 3339 time",
            req.imported_at
        )));
    }
    if req.file.is_some() && req.manifest.is_some() {
        return Err(AppError::input("give a FILE or --manifest, not both"));
    }
    if req.source_name.is_some() && req.file.is_none() {
        return Err(AppError::input("request field `source_name`: only with a file"));
    }
    if req.format.is_some() && (req.futures.is_some() || req.manifest.is_some()) {
        return Err(AppError::input(
            "--format applies to one series FILE: not with --futures or --manifest",
        ));
    }
    if req.allow_bad_expiry && req.futures.is_none() && req.manifest.is_none() {
        return Err(AppError::input(
            "--allow-bad-expiry applies to futures files: give --futures ROOT or --manifest",
        ));
    }
    if let Some(f) = req.scale {
        if req.manifest.is_some() || req.futures.is_some() {
            return Err(AppError::input(
                "--scale applies to one series FILE: a manifest gives `scale` per series, futures are not scaled",
            ));
        }
        if !f.is_finite() || f == 0.0 {
            return Err(AppError::input(format!(
                "--scale must be a finite, non-zero factor, got {f}"
            )));
        }
    }
    // Futures settlement files: parsed first, written in one transaction each.
    let mut futures_jobs: Vec<FuturesJob> = Vec::new();
    if let (Some(root), Some(file)) = (&req.futures, &req.file) {
        let (mut parsed, sha) =
            parse_futures_file(file, &futures_options(root, req.allow_bad_expiry))
                .map_err(|e| renamed(req, file, AppError::from(e)))?;
        for w in &mut parsed.warnings {
            *w = renamed_text(req, file, w);
        }
        futures_jobs.push((root.clone(), recorded_name(req, file), parsed, sha));
    }
    // Parse everything before opening the store, so bad input never touches it.
    let mut jobs: Vec<(String, ParsedImport)> = Vec::new();
    if let Some(m) = &req.manifest {
        let (manifest, dir) = Manifest::load(m)?;
        for f in &manifest.futures {
            let path = dir.join(&f.path);
            let (parsed, sha) =
                parse_futures_file(&path, &futures_options(&f.root, req.allow_bad_expiry))?;
            futures_jobs.push((f.root.clone(), path.display().to_string(), parsed, sha));
        }
        for f in &manifest.files {
            let path = dir.join(&f.path);
            let parsed = parse_file(&path, &f.spec()?)?;
            jobs.push((path.display().to_string(), parsed));
        }
        // Derived series, from the parsed inputs (still nothing written).
        for spec in &manifest.derived {
            let inputs: Vec<(&Series, &str)> = spec
                .inputs()
                .iter()
                .map(|name| {
                    jobs.iter()
                        .find_map(|(_, p)| {
                            p.series
                                .iter()
                                .find(|s| &s.series.name == name)
                                .map(|s| (&s.series, p.sha256.as_str()))
                        })
                        .ok_or_else(|| {
                            AppError::input(format!(
                                "[[derived]] {}: input '{name}' is not a series of the manifest",
                                spec.name
                            ))
                        })
                })
                .collect::<Result<_, _>>()?;
            let parsed = derived_import(spec, &inputs)?;
            jobs.push((spec.formula(), parsed));
        }
    } else if req.futures.is_none() {
        let file = req.file.as_ref().ok_or_else(|| AppError::input("give a FILE or --manifest"))?;
        let mut pairs = Vec::with_capacity(req.series.len());
        for c in &req.series {
            let (name, column) = (c.name.trim(), c.column.trim());
            if name.is_empty() || column.is_empty() {
                return Err(AppError::input(format!(
                    "request field `series`: '{}={}' is not NAME=COLUMN",
                    c.name, c.column
                )));
            }
            pairs.push((name.to_string(), column.to_string()));
        }
        let mut spec = ImportSpec::new(pairs, req.calendar, req.unit);
        spec.date_column = req.date_column.clone();
        spec.date_format = req.date_format.clone();
        if let Some(f) = req.scale {
            for (name, _) in &spec.series {
                spec.scale.insert(name.clone(), f);
            }
        }
        let mut parsed = parse_input(req, file, &spec).map_err(|e| renamed(req, file, e))?;
        if req.source_name.is_some() {
            parsed.file = recorded_name(req, file);
            for w in &mut parsed.warnings {
                *w = renamed_text(req, file, w);
            }
        }
        jobs.push((recorded_name(req, file), parsed));
    }
    crate::checkpoint(progress)?;
    let store_path = ws.store_path().display().to_string();
    let store = ws.store_mut().with_context(|| format!("opening store {store_path}"))?;
    let at = req.imported_at.as_str();
    let mut warnings = Vec::new();
    for (_, parsed) in &jobs {
        warnings.extend(parsed.warnings.iter().cloned());
    }
    for (_, _, parsed, _) in &futures_jobs {
        warnings.extend(parsed.warnings.iter().cloned());
    }
    // Every file of the request in one transaction: all or none.
    let files: Vec<(&str, &ParsedImport)> = jobs.iter().map(|(p, x)| (p.as_str(), x)).collect();
    let fut: Vec<FuturesBatchFile<'_>> = futures_jobs
        .iter()
        .map(|(root, path, parsed, sha)| FuturesBatchFile {
            root,
            rows: &parsed.rows,
            file: path,
            file_path: path,
            sha256: sha,
        })
        .collect();
    let (series, futures) = store.import_all(&files, &fut, at, req.on_conflict)?;
    Ok(ImportResponse { series, futures, warnings })
}

/// `file` parsed with `spec`: as a plain CSV, or in the vendor format `req.format` through the
/// vendor parsers of crosshedge-fetch and the same importer checks (the SHA-256 is the raw
/// file's).
fn parse_input(
    req: &ImportRequest,
    file: &std::path::Path,
    spec: &ImportSpec,
) -> Result<ParsedImport, AppError> {
    let Some(format) = req.format else { return Ok(parse_file(file, spec)?) };
    let name = file.display().to_string();
    let raw =
        std::fs::read(file).map_err(|e| AppError::input(format!("{name}: cannot open: {e}")))?;
    let table = format.parse(&raw, &name)?;
    let sha = crosshedge_data::import::sha256_hex(&raw);
    Ok(crosshedge_fetch::normalise::table_import(&table, &name, &sha, spec)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_request_has_the_cli_defaults_and_needs_a_time() {
        let r = ImportRequest::default();
        assert_eq!(
            (r.calendar, r.unit, r.on_conflict),
            (Calendar::Us, SeriesUnit::Price, OnConflict::Keep)
        );
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s.db");
        let mut ws = Workspace::at(&dir);
        let e = run(&mut ws, &r, &crate::Silent).unwrap_err();
        assert!(e.message.contains("imported_at"), "{}", e.message);
        assert!(!dir.exists(), "a bad request must not create the store");
    }
}
