//! The `export` job: an aligned panel of returns or levels written to a CSV file.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_data::export::{levels_csv, returns_csv, write_atomic};
use serde::{Deserialize, Serialize};

use crate::demo::absolute;
use crate::{AppError, Progress, Workspace};

/// What to export and where.
///
/// JSON: `{"names": ["btc", "vix"], "align": "us-close", "returns": "log", "out": "p.csv"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportRequest {
    /// Series to export, in column order (at least one).
    pub names: Vec<String>,
    /// Alignment policy: `us-close`, `weekly`, `crypto-days`.
    pub align: AlignPolicy,
    /// Return kind for prices and index levels: `log`, `simple`, `points` (rates always use
    /// points).
    pub returns: ReturnKind,
    /// Export the aligned levels instead of returns.
    pub levels: bool,
    /// First date (inclusive), all when absent.
    pub from: Option<NaiveDate>,
    /// Last date (inclusive), all when absent.
    pub to: Option<NaiveDate>,
    /// The CSV file to write (atomically: a failed export leaves no file). Required; never
    /// the store itself or any other SQLite file.
    pub out: PathBuf,
    /// Overwrite an existing `out` file (a SQLite file is refused even then).
    pub force: bool,
}

impl Default for ExportRequest {
    fn default() -> Self {
        Self {
            names: Vec::new(),
            align: AlignPolicy::UsClose,
            returns: ReturnKind::Log,
            levels: false,
            from: None,
            to: None,
            out: PathBuf::new(),
            force: false,
        }
    }
}

/// What was written, as `export --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportResponse {
    /// The file written.
    pub out: String,
    /// The alignment policy.
    pub policy: String,
    /// Periods per year of the policy (252 for `us-close`, 52 for `weekly`, 365 for
    /// `crypto-days`).
    pub periods_per_year: f64,
    /// The return kind, or `null` for levels.
    pub returns: Option<String>,
    /// Data rows written (excluding the header).
    pub rows: usize,
    /// The exported series, in column order.
    pub columns: Vec<String>,
}

/// Whether the file at `path` starts with the SQLite header (`SQLite format 3\0`).
fn is_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && &head == b"SQLite format 3\0"
}

/// Checks that `out` may be written: not the store (nor its `-wal`/`-shm`/`-journal` files),
/// not any SQLite file, and not an existing file unless `force`.
///
/// # Errors
/// An input error naming `out` and the way out.
pub fn check_out(ws: &Workspace, out: &Path, force: bool) -> Result<(), AppError> {
    let abs = absolute(out);
    let store = absolute(ws.store_path());
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    };
    let is_store = same(&abs, &store)
        || ["-wal", "-shm", "-journal"].iter().any(|ext| {
            let mut s = store.clone().into_os_string();
            s.push(ext);
            abs == Path::new(&s)
        });
    if is_store {
        return Err(AppError::input(format!(
            "--out {} is the store: export writes CSV and would destroy it; choose another file",
            out.display()
        )));
    }
    if is_sqlite(out) {
        return Err(AppError::input(format!(
            "--out {} is a SQLite database: export refuses to overwrite it with CSV; choose \
             another file",
            out.display()
        )));
    }
    if out.is_dir() {
        return Err(AppError::input(format!(
            "--out {} is a directory: give the CSV file to write",
            out.display()
        )));
    }
    if !force && std::fs::symlink_metadata(out).is_ok() {
        return Err(AppError::input(format!(
            "--out {} already exists: pass --force to overwrite it, or choose another file",
            out.display()
        )));
    }
    Ok(())
}

/// Runs the export on the existing store.
///
/// # Errors
/// An input error for an empty `names` or `out`, an `out` that is the store, a SQLite file
/// or (without `force`) an existing file (see [`check_out`]), no store, an unknown series or a panel that
/// cannot be aligned; an analysis error when the file cannot be written.
pub fn run(
    ws: &Workspace,
    req: &ExportRequest,
    _progress: &dyn Progress,
) -> Result<ExportResponse, AppError> {
    if req.names.is_empty() {
        return Err(AppError::input("request field `names`: give at least one series"));
    }
    if req.out.as_os_str().is_empty() {
        return Err(AppError::input("request field `out`: give the CSV file to write"));
    }
    check_out(ws, &req.out, req.force)?;
    let policy = req.align;
    let kind = req.returns;
    let series: Vec<Series> =
        req.names.iter().map(|n| ws.load(n, req.from, req.to)).collect::<Result<_, _>>()?;
    let refs: Vec<&Series> = series.iter().collect();
    let panel = align(&refs, policy)?;
    let (text, rows, returns) = if req.levels {
        (levels_csv(&panel), panel.len(), None)
    } else {
        let r = panel.returns(kind)?;
        (returns_csv(&r), r.len(), Some(kind.to_string()))
    };
    write_atomic(&req.out, text.as_bytes())?;
    Ok(ExportResponse {
        out: req.out.display().to_string(),
        policy: policy.to_string(),
        periods_per_year: policy.periods_per_year(),
        returns,
        rows,
        columns: req.names.clone(),
    })
}
