//! Loading and aligning a target/hedge pair: what `basis`, `lags`, `episodes`, `events`,
//! `dcc` and the report share.

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy, ReturnPanel};
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use serde::{Deserialize, Serialize};

use crate::{AppError, Workspace};

/// The pair every basis-type job analyses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PairRequest {
    /// What is hedged (a series name, e.g. `btc`).
    pub target: String,
    /// The hedge (a series name, e.g. `vix`, `vx1`, `spx`).
    pub hedge: String,
    /// How the two calendars are put on one: `us-close` (default), `weekly`, `crypto-days`.
    pub align: AlignPolicy,
    /// Return kind: `log` (default), `simple`, `points` (rates always use points).
    pub returns: ReturnKind,
    /// Return kind of the hedge when it differs (e.g. `points` for the VIX).
    pub hedge_returns: Option<ReturnKind>,
    /// First date, `YYYY-MM-DD`.
    pub from: Option<NaiveDate>,
    /// Last date, `YYYY-MM-DD`.
    pub to: Option<NaiveDate>,
    /// The VIX series behind the `vix-bands` regimes.
    pub vix: String,
}

impl Default for PairRequest {
    fn default() -> Self {
        Self {
            target: "btc".to_string(),
            hedge: "vix".to_string(),
            align: AlignPolicy::UsClose,
            returns: ReturnKind::Log,
            hedge_returns: None,
            from: None,
            to: None,
            vix: "vix".to_string(),
        }
    }
}

impl PairRequest {
    /// The default request on `target` and `hedge`.
    pub fn new(target: &str, hedge: &str) -> Self {
        Self { target: target.to_string(), hedge: hedge.to_string(), ..Self::default() }
    }
}

/// An aligned pair of return series.
#[derive(Clone, Debug)]
pub struct Pair {
    /// Target returns.
    pub target: Vec<f64>,
    /// Hedge returns.
    pub hedge: Vec<f64>,
    /// Return end dates.
    pub dates: Vec<NaiveDate>,
    /// Return start dates (the previous row's close; regime labels are taken there).
    pub start_dates: Vec<NaiveDate>,
    /// What the numbers are.
    pub meta: PairMeta,
}

/// The description that travels with every result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairMeta {
    /// Target series.
    pub target: String,
    /// Hedge series.
    pub hedge: String,
    /// Alignment policy.
    pub alignment: String,
    /// Periods per year used to annualise.
    pub periods_per_year: f64,
    /// Return kind of the target.
    pub target_returns: String,
    /// Return kind of the hedge.
    pub hedge_returns: String,
    /// First return end date.
    pub from: Option<NaiveDate>,
    /// Last return end date.
    pub to: Option<NaiveDate>,
    /// Number of aligned return rows.
    pub rows: usize,
}

impl Pair {
    /// The target and hedge return kinds.
    ///
    /// # Errors
    /// Never for a pair built here (the kinds were written from parsed values).
    pub fn kinds(&self) -> Result<(ReturnKind, ReturnKind), AppError> {
        Ok((self.meta.target_returns.parse()?, self.meta.hedge_returns.parse()?))
    }
}

/// Loads, aligns and differences the pair named in `req`. The aligned pair is memoised in the
/// workspace ([`Workspace::memo`], kind `"pair"`), so the jobs of one user action (a
/// `report`) align each pair once.
///
/// # Errors
/// An input error when target and hedge are the same series or one is unknown; the errors
/// of the alignment otherwise.
pub fn load_pair(ws: &Workspace, req: &PairRequest) -> Result<Pair, AppError> {
    let key = serde_json::to_string(req)?;
    ws.memo("pair", key, || load_pair_with(ws, req, None))
}

/// As [`load_pair`], with the hedge series given (e.g. one built from the futures table, named
/// `req.hedge`) instead of loaded from the store; it is cut to `from`/`to` like a stored one.
///
/// # Errors
/// As [`load_pair`].
pub fn load_pair_with(
    ws: &Workspace,
    req: &PairRequest,
    hedge: Option<&Series>,
) -> Result<Pair, AppError> {
    if req.target == req.hedge {
        return Err(AppError::input(format!("--target and --hedge are both '{}'", req.target)));
    }
    if let (Some(f), Some(t)) = (req.from, req.to) {
        if f > t {
            return Err(AppError::input(format!("--from {f} is after --to {t}")));
        }
    }
    let policy = req.align;
    let kind = req.returns;
    let hkind = req.hedge_returns.unwrap_or(kind);
    let (from, to) = (req.from, req.to);
    let t = ws.load(&req.target, from, to)?;
    let h = match hedge {
        Some(h) => h.slice(from, to),
        None => ws.load(&req.hedge, from, to)?,
    };
    let panel = align(&[&t, &h], policy)?;
    let rt: ReturnPanel = panel.returns(kind)?;
    let rh: ReturnPanel = if hkind == kind { rt.clone() } else { panel.returns(hkind)? };
    let meta = PairMeta {
        target: req.target.clone(),
        hedge: req.hedge.clone(),
        alignment: policy.to_string(),
        periods_per_year: policy.periods_per_year(),
        target_returns: rt.kinds[0].to_string(),
        hedge_returns: rh.kinds[1].to_string(),
        from: rt.dates.first().copied(),
        to: rt.dates.last().copied(),
        rows: rt.len(),
    };
    Ok(Pair {
        target: rt.columns[0].clone(),
        hedge: rh.columns[1].clone(),
        dates: rt.dates,
        start_dates: rt.start_dates,
        meta,
    })
}
