//! Loading and aligning a target/hedge pair: what `basis`, `lags` and `episodes` share.

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy, ReturnPanel};
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_data::store::Store;
use serde::Serialize;

use super::parse_date_flag;
use crate::cli::PairArgs;
use crate::exit::UsageError;

/// An aligned pair of return series.
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
#[derive(Clone, Debug, Serialize)]
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
    pub fn kinds(&self) -> anyhow::Result<(ReturnKind, ReturnKind)> {
        Ok((self.meta.target_returns.parse()?, self.meta.hedge_returns.parse()?))
    }
}

/// Loads, aligns and differences the pair named in `a`.
pub fn load_pair(store: &Store, a: &PairArgs) -> anyhow::Result<Pair> {
    load_pair_with(store, a, None)
}

/// As [`load_pair`], with the hedge series given (e.g. one built from the futures table, named
/// `a.hedge`) instead of loaded from the store; it is cut to `--from`/`--to` like a stored one.
pub fn load_pair_with(store: &Store, a: &PairArgs, hedge: Option<&Series>) -> anyhow::Result<Pair> {
    if a.target == a.hedge {
        return Err(UsageError(format!("--target and --hedge are both '{}'", a.target)).into());
    }
    let policy: AlignPolicy = a.align.parse()?;
    let kind: ReturnKind = a.returns.parse()?;
    let hkind: ReturnKind = a.hedge_returns.as_deref().map_or(Ok(kind), str::parse)?;
    let (from, to) = (parse_date_flag("from", &a.from)?, parse_date_flag("to", &a.to)?);
    let t = store.load(&a.target, from, to)?;
    let h = match hedge {
        Some(h) => h.slice(from, to),
        None => store.load(&a.hedge, from, to)?,
    };
    let panel = align(&[&t, &h], policy)?;
    let rt: ReturnPanel = panel.returns(kind)?;
    let rh: ReturnPanel = if hkind == kind { rt.clone() } else { panel.returns(hkind)? };
    let meta = PairMeta {
        target: a.target.clone(),
        hedge: a.hedge.clone(),
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

/// Loads the VIX series for band labels.
pub fn load_vix(store: &Store, name: &str) -> anyhow::Result<Series> {
    Ok(store.load(name, None, None)?)
}
