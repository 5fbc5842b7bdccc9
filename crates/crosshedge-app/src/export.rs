//! The `export` job: an aligned panel of returns or levels written to a CSV file.

use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_data::export::{levels_csv, returns_csv, write_atomic};
use serde::{Deserialize, Serialize};

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
    /// The CSV file to write (atomically: a failed export leaves no file). Required.
    pub out: PathBuf,
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

/// Runs the export on the existing store.
///
/// # Errors
/// An input error for an empty `names` or `out`, no store, an unknown series or a panel that
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
