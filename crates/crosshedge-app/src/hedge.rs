//! `hedge`: size every layer of a hedge book from the hedge ratios measured in the store,
//! under the book's premium budget.

use crosshedge_hedging::{size_book, HedgePlan, SizingInputs};
use serde::{Deserialize, Serialize};

use crate::measure::{measure, MeasureMeta, MeasureRequest};
use crate::{checkpoint, AppError, Progress, Workspace};

/// What to size.
///
/// As JSON: `{"measure": {...}}` with the fields of [`MeasureRequest`]; `{}` sizes the
/// built-in book on the store's `vix`, `spx`, `btc`, `eth` and `nft`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HedgeRequest {
    /// The book and what is measured in the store.
    pub measure: MeasureRequest,
}

/// The JSON of `hedge`.
#[derive(Debug, Clone, Serialize)]
pub struct HedgeResponse {
    /// What was measured.
    pub measured: MeasureMeta,
    /// The sizing inputs (hedge ratios, VIX and SPX levels in index points, vols and rates as
    /// decimals a year).
    pub inputs: SizingInputs,
    /// The sized book (quantities in contracts or units, money in USD).
    pub plan: HedgePlan,
    /// What the measurement could not do as asked (e.g. no SPX data); omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Measures the book's sizing inputs and sizes it.
///
/// # Errors
/// As [`measure`]; the sizing's errors; cancelled when `progress` is cancelled first.
pub fn run(
    ws: &Workspace,
    req: &HedgeRequest,
    progress: &dyn Progress,
) -> Result<HedgeResponse, AppError> {
    checkpoint(progress)?;
    let m = measure(ws, &req.measure)?;
    let plan = size_book(&m.book, &m.inputs)?;
    Ok(HedgeResponse { measured: m.meta, inputs: m.inputs, plan, warnings: m.warnings })
}
