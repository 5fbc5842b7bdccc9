//! `price vix-curve`: the VIX futures curve on a date, from a settlement file.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crosshedge_data::futures::parse_futures_csv;
use crosshedge_data::DataError;
use crosshedge_pricing::vix::{VixCurve, VixCurveSummary, VixFuturesRow};
use crosshedge_pricing::PricingError;
use serde::{Deserialize, Serialize};

use super::pricing_err;
use crate::{AppError, Progress, Workspace};

/// The settlement file read when a request names none, in the workspace's data directory.
pub const DEFAULT_CONTRACTS_FILE: &str = "vix_futures_contracts_daily.csv";

/// The curve to build.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CurveRequest {
    /// The curve date (required).
    pub date: Option<NaiveDate>,
    /// A CSV with at least date, expiry, settle columns (one row per contract and day); none:
    /// [`DEFAULT_CONTRACTS_FILE`] in the workspace's data directory.
    pub contracts: Option<PathBuf>,
}

/// The curve (the `--json` of `price vix-curve`): the file as displayed and the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurveResponse {
    /// The settlement file read.
    pub file: String,
    /// Contracts, 30-day constant maturity, roll yield, slope and shape.
    #[serde(flatten)]
    pub summary: VixCurveSummary,
}

/// The settlement file of `contracts`, or the default one in the workspace's data directory.
pub fn contracts_path(ws: &Workspace, contracts: Option<&Path>) -> PathBuf {
    contracts.map_or_else(|| ws.data_dir().join(DEFAULT_CONTRACTS_FILE), Path::to_path_buf)
}

/// Reads a futures settlement file into pricing rows; returns the file name as displayed.
///
/// # Errors
/// An input error when the file cannot be opened or a row is malformed.
pub fn load_rows(path: &Path) -> Result<(String, Vec<VixFuturesRow>), AppError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| DataError::File {
        file: file.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let rows = parse_futures_csv(std::io::BufReader::new(f), &file)?;
    let rows = rows
        .into_iter()
        .map(|r| VixFuturesRow { date: r.date, expiry: r.expiry, settle: r.settle })
        .collect();
    Ok((file, rows))
}

/// Runs `price vix-curve`.
///
/// # Errors
/// An input error without a date, for an unreadable file or a date with no quotes; an
/// analysis error when too few contracts are quoted to build the curve.
pub fn run(
    ws: &Workspace,
    req: &CurveRequest,
    _progress: &dyn Progress,
) -> Result<CurveResponse, AppError> {
    let date = req.date.ok_or_else(|| AppError::input("give the curve date: --date DATE"))?;
    let (file, rows) = load_rows(&contracts_path(ws, req.contracts.as_deref()))?;
    let curve = VixCurve::on_date(&rows, date).map_err(|e| match e {
        PricingError::InsufficientData { what } => {
            let quoted = rows.iter().filter(|r| r.date == date && r.expiry > date).count();
            if quoted == 0 {
                let before = rows.iter().filter(|r| r.date < date).map(|r| r.date).max();
                let after = rows.iter().filter(|r| r.date > date).map(|r| r.date).min();
                let near = [before, after]
                    .iter()
                    .flatten()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(" and ");
                AppError::input(format!(
                    "{file}: no vix futures quoted on {date} (not a trading day, or outside the file){}",
                    if near.is_empty() { String::new() } else { format!("; nearest dates: {near}") }
                ))
            } else {
                AppError::analysis(format!("{file}: {what}"))
            }
        }
        other => pricing_err(other),
    })?;
    Ok(CurveResponse { file, summary: curve.summary() })
}
