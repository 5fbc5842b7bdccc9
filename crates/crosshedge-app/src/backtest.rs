//! `backtest`: the hedge book (the same as `hedge`'s) run daily through the store's history,
//! net of costs, with the accounting identity checked every day.
//!
//! # What is modelled (and what is assumed)
//! - Sizing: the book is sized once by `size_book` on the store's full history (the same numbers
//!   `hedge` gives), so the hedge ratios are in-sample. Each layer's notional per unit of
//!   exposure is its sized notional over the target notional, sized with every trigger on (so
//!   each layer has its size, under the one premium budget, whenever its regime comes); the
//!   triggers then become regime weights ([`crosshedge_backtest::book`]: `always` → 1 every
//!   day; `vix-band` → 1 in the listed bands of the previous close; `signal` → 1 on days the
//!   named signal was on at the previous close: `macd` = MACD(12,26,9) above its signal line,
//!   `rsi` = Wilder RSI(14) above 70, `vix-signal` = either).
//! - Market: US trading days (us-close) with the VIX, SPX and the book's crypto exposures; the
//!   VIX futures curve of each day from the store's `vx` futures settlements (or a settlement
//!   file, the CFE long format `date,expiry,settle`: [`default_contracts`]); the vol of VIX
//!   options is VVIX/100 when a `vvix` series is in the store, else a fitted vol-of-vol (the
//!   63-day realised vol of the front future `vx1`, or of the VIX), else the constant
//!   `vol_of_vol`; SPX options use VIX/100; funding from `funding_btc` when present, booked on
//!   each market day as the sum of the daily funding over the calendar days since the previous
//!   market day (weekends and holidays included; a calendar day without a print takes the last
//!   one up to [`FUNDING_MAX_STALE_DAYS`] days old, else zero), the convention `stress` takes
//!   the expectation of (mean daily rate × 365/252 per trading day).
//! - Exposures: the book's own (`crosshedge_backtest::exposure`): spot, NFT inventory paying
//!   its carry, perps paying that funding, AMM LPs valued as Uniswap v3 positions (impermanent
//!   loss) earning a stated fee APR in range, in a ledger with a cash account at a stated rate;
//!   held `constant-mix` (traded back to the starting weights every `rebalance_days` market
//!   days, the LP re-centred; the default) or `buy-and-hold`. Every perp pays `funding_btc`, as
//!   in `stress`.
//! - Layers: VIX call spreads (Black-76 on the future of the same expiry), VIX futures, SPX put
//!   spreads (Black–Scholes), short perps, and vol ETPs (a 30-day constant-maturity VIX futures
//!   index built from the same curve, rolled daily from month 1 to month 2, 0.89 % a year
//!   expense ratio, held as a USD notional with commission in bps of notional).

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_backtest::book::{
    exposure_book, hedge_layers_with, BookLayers, ExposurePolicy, LayerSettings,
};
use crosshedge_backtest::engine::FuturePoint;
use crosshedge_backtest::exposure::{
    ExposureRun, LP_HALF_SPREAD_BPS, NFT_HALF_SPREAD_BPS, PERP_HALF_SPREAD_BPS,
    SPOT_HALF_SPREAD_BPS,
};
use crosshedge_backtest::funding::{calendar_day_funding, CalendarFunding};
use crosshedge_backtest::{
    run_backtest_with, BacktestConfig, BacktestError, BacktestInputs, BacktestReport, CostModel,
    MarketDay,
};
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::series::Series;
use crosshedge_data::futures::parse_futures_csv;
use crosshedge_hedging::{size_book, Rebalance, Trigger};
use crosshedge_labels::bands::BandConfig;
use crosshedge_labels::signals::{vix_signals, SignalConfig};
use crosshedge_stats::realised::trailing_realised_vol;

/// The kind of a cash flow in a [`BacktestResponse`]'s ledger, as front ends render it.
pub use crosshedge_backtest::ledger::FlowKind;
use serde::{Deserialize, Serialize};

use crate::episodes::CatalogueSource;
use crate::events::EventSources;
use crate::measure::{measure, MeasureRequest, DEFAULT_VOL_OF_VOL};
use crate::{checkpoint, units, AppError, Progress, ResultExt, Workspace};

/// Market days between constant-mix rebalances when neither the request nor the book says (a
/// month).
pub const DEFAULT_REBALANCE_DAYS: u32 = 21;

/// LP fee APR when neither the request nor the book says: the median daily fees / TVL × 365 of
/// the Uniswap v3 USDC/WETH 0.30 % pool, 2021-05-05 .. 2023-03-31 (the shared data's
/// `uniswap_v3_eth_usdc_daily.csv`, days with TVL above 1 M USD: 0.232).
pub const DEFAULT_LP_FEE_APR: f64 = 0.23;

/// Calendar days a funding print may be carried to a later day without one.
pub const FUNDING_MAX_STALE_DAYS: i64 = 7;

/// Trading days of the fitted vol-of-vol's window (the front future's realised vol).
const VOL_OF_VOL_WINDOW: usize = 63;

/// Fewest log changes in that window.
const VOL_OF_VOL_MIN: usize = 20;

/// Fewest market days a backtest runs on.
const MIN_DAYS: usize = 30;

/// The exposure policy of a backtest: each field overrides the book's field of the same name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExposurePolicyRequest {
    /// `constant-mix` (traded back to the starting weights every `rebalance_days` market
    /// days) or `buy-and-hold`; `None`: the book's `rebalance`, else constant mix.
    pub rebalance: Option<Rebalance>,
    /// Market days between constant-mix rebalances (≥ 1); `None`: the book's
    /// `rebalance-days`, else [`DEFAULT_REBALANCE_DAYS`].
    pub rebalance_days: Option<u32>,
    /// Interest rate of the cash account (decimal a year, continuously compounded); `None`:
    /// the book's `cash-rate`, else the measurement's `rate`.
    pub cash_rate: Option<f64>,
    /// Fee income of AMM LP exposures (fraction of value a year, while in range); `None`: the
    /// book's `lp-fee-apr`, else [`DEFAULT_LP_FEE_APR`].
    pub lp_fee_apr: Option<f64>,
}

/// What to backtest.
///
/// As JSON, e.g. `{"measure": {"book": "default"}, "slippage_bps": 5, "exposure":
/// {"rebalance": "buy-and-hold"}}`; every field left out takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BacktestRequest {
    /// The book and what is measured in the store (the sizing).
    pub measure: MeasureRequest,
    /// VIX futures settlements (`date,expiry,settle`); `None`: the store's `vx` futures, else
    /// [`default_contracts`].
    pub contracts: Option<PathBuf>,
    /// Commission per exchange contract (USD).
    pub commission: f64,
    /// Slippage in basis points of each trade's price (10 000 = 100 %).
    pub slippage_bps: f64,
    /// Gas per on-chain action (USD).
    pub gas: f64,
    /// Commission on vol-ETP trades in basis points of the traded notional (a $0.005
    /// per-share fee on a $25 share is 2 bps).
    pub etp_commission_bps: f64,
    /// Do not move rolls ahead of FOMC/CPI/PPI dates (overrides the book's `[rolls]`).
    pub no_event_rolls: bool,
    /// Keep the cash flows and daily checks in the response ([`BacktestResponse::summarised`]
    /// otherwise).
    pub full: bool,
    /// The episode catalogue (protection per episode): the built-in one, extended by or
    /// replaced by a user file.
    pub catalogue: CatalogueSource,
    /// How the book's exposures are held and financed.
    pub exposure: ExposurePolicyRequest,
}

impl Default for BacktestRequest {
    fn default() -> Self {
        Self {
            measure: MeasureRequest::default(),
            contracts: None,
            commission: 1.0,
            slippage_bps: 2.0,
            gas: 5.0,
            etp_commission_bps: 2.0,
            no_event_rolls: false,
            full: false,
            catalogue: CatalogueSource::default(),
            exposure: ExposurePolicyRequest::default(),
        }
    }
}

/// The exposure policy the run used and where each setting came from.
#[derive(Debug, Clone, Serialize)]
pub struct ExposurePolicyOutput {
    /// `constant-mix` or `buy-and-hold`.
    pub rebalance: String,
    /// Market days between rebalances (constant mix), else `None`.
    pub rebalance_days: Option<u32>,
    /// Cash account rate (decimal a year, continuously compounded, Act/365).
    pub cash_rate: f64,
    /// LP fee income (fraction of value a year, in range).
    pub lp_fee_apr: f64,
    /// Where each setting came from (`flag`, `book` or `default`).
    pub sources: BTreeMap<String, String>,
    /// Half-spread per trade by exposure kind (bps of the price).
    pub half_spread_bps: BTreeMap<String, f64>,
    /// Slippage of the book's trades (bps of the price).
    pub slippage_bps: f64,
    /// Gas per on-chain trade (USD; NFT, perp and LP trades).
    pub gas: f64,
    /// Book exposures not backtested, with the reason.
    pub skipped_exposures: Vec<(String, String)>,
}

/// How perp funding was booked.
#[derive(Debug, Clone, Serialize)]
pub struct FundingOutput {
    /// The funding series (`funding_btc`), or `None` when none is stored (zero funding).
    pub series: Option<String>,
    /// The convention.
    pub convention: String,
    /// Calendar days summed, with and without their own print (the per-day rates cleared).
    pub calendar: Option<CalendarFunding>,
}

/// The JSON of `backtest`.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestResponse {
    /// Source of the VIX-option vol: `vvix`, `realised vx1`/`realised vix` where VVIX is missing.
    pub vol_of_vol_model: String,
    /// Book name.
    pub book: String,
    /// The contracts file the curve came from.
    pub contracts: String,
    /// Market days run.
    pub days: usize,
    /// First and last day.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub to: Option<NaiveDate>,
    /// The exposures per target: series, delta units on the first day (the book's delta
    /// notional on that series — spot, NFT, perp notional, LP risky holding — over the first
    /// day's price), and that first price. The book itself is in `exposure_policy` and
    /// `report.exposure`.
    pub exposures: Vec<(String, f64, f64)>,
    /// How the exposures were held and financed.
    pub exposure_policy: ExposurePolicyOutput,
    /// How perp funding was booked.
    pub funding: FundingOutput,
    /// Layers run and their notional per unit of exposure.
    pub layers: Vec<(String, f64)>,
    /// Layers of the book that were not backtested, with the reason.
    pub skipped_layers: Vec<(String, String)>,
    /// Whether rolls were moved ahead of macro events (the book's `[rolls]`, unless
    /// `no_event_rolls`), and which events and window.
    pub rolls_before_events: bool,
    /// The events that move rolls.
    pub roll_events: Vec<String>,
    /// Calendar days before a scheduled roll in which an event moves it.
    pub roll_window_days: i64,
    /// The engine's report (curves, metrics, carry, episodes, XIRR, checks; money in USD).
    pub report: BacktestReport,
    /// What the measurement could not do as asked (e.g. no SPX data); omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl BacktestResponse {
    /// Drops the per-flow and per-day detail (kept: the curves, metrics, XIRR and whether every
    /// daily check held).
    #[must_use]
    pub fn summarised(mut self) -> Self {
        self.report.cash_flows.clear();
        self.report.checks.clear();
        self.report.xirr.dated_flows.clear();
        if let Some(x) = self.report.exposure.as_mut() {
            x.cash_flows.clear();
            x.checks.clear();
        }
        self
    }
}

/// The settlement file used when neither the request nor the store has one: the demo's
/// `data/vix_futures_contracts.csv` beside the store when it exists, else the data
/// directory's `vix_futures_contracts_daily.csv`.
pub fn default_contracts(ws: &Workspace) -> PathBuf {
    let beside = ws.store_path().parent().map(|p| p.join("data").join("vix_futures_contracts.csv"));
    match beside {
        Some(p) if p.exists() => p,
        _ => ws.data_dir().join("vix_futures_contracts_daily.csv"),
    }
}

/// The book's exposures as the engine backtests them, under the policy of the request, else
/// the book's fields, else the defaults; `targets` prices per day (btc, eth, nft).
fn exposures(
    book: &crosshedge_hedging::Book,
    targets: usize,
    req: &BacktestRequest,
) -> Result<(crosshedge_backtest::exposure::ExposureBook, ExposurePolicyOutput), AppError> {
    let x = &req.exposure;
    let mut sources = BTreeMap::new();
    let mut source = |key: &str, flag: bool, in_book: bool| {
        let s = if flag {
            "flag"
        } else if in_book {
            "book"
        } else {
            "default"
        };
        sources.insert(key.to_string(), s.to_string());
    };
    let rebalance = x.rebalance.or(book.rebalance).unwrap_or(Rebalance::ConstantMix);
    source("rebalance", x.rebalance.is_some(), book.rebalance.is_some());
    let period = x.rebalance_days.or(book.rebalance_days).unwrap_or(DEFAULT_REBALANCE_DAYS);
    if period == 0 {
        return Err(AppError::input("--rebalance-days 0: must be at least 1"));
    }
    source("rebalance_days", x.rebalance_days.is_some(), book.rebalance_days.is_some());
    let cash_rate = x.cash_rate.or(book.cash_rate).unwrap_or(req.measure.rate);
    if !cash_rate.is_finite() {
        return Err(AppError::input(format!("--cash-rate {cash_rate}: must be finite")));
    }
    sources.insert(
        "cash_rate".into(),
        match (x.cash_rate, book.cash_rate) {
            (Some(_), _) => "flag".into(),
            (None, Some(_)) => "book".into(),
            (None, None) => "default (--rate)".into(),
        },
    );
    let lp_fee_apr = x.lp_fee_apr.or(book.lp_fee_apr).unwrap_or(DEFAULT_LP_FEE_APR);
    if !(lp_fee_apr.is_finite() && lp_fee_apr >= 0.0) {
        return Err(AppError::input(format!("--lp-fee-apr {lp_fee_apr}: must be finite and >= 0")));
    }
    sources.insert(
        "lp_fee_apr".into(),
        match (x.lp_fee_apr, book.lp_fee_apr) {
            (Some(_), _) => "flag".into(),
            (None, Some(_)) => "book".into(),
            (None, None) => "default (Uniswap v3 USDC/WETH 0.30 % median fees/TVL)".into(),
        },
    );
    let policy = ExposurePolicy {
        rebalance,
        rebalance_days: period,
        cash_rate,
        lp_fee_apr,
        slippage_bps: req.slippage_bps,
        gas_per_action_usd: req.gas,
    };
    let (xbook, skipped) = exposure_book(book, targets, &policy);
    let out = ExposurePolicyOutput {
        rebalance: rebalance.as_str().to_string(),
        rebalance_days: (rebalance == Rebalance::ConstantMix).then_some(period),
        cash_rate,
        lp_fee_apr,
        sources,
        half_spread_bps: [
            ("spot", SPOT_HALF_SPREAD_BPS),
            ("nft-inventory", NFT_HALF_SPREAD_BPS),
            ("perp", PERP_HALF_SPREAD_BPS),
            ("amm-lp", LP_HALF_SPREAD_BPS),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        slippage_bps: req.slippage_bps,
        gas: req.gas,
        skipped_exposures: skipped
            .into_iter()
            .map(|(name, asset)| {
                (
                    name,
                    format!(
                        "no {} series in --crypto",
                        crosshedge_backtest::book::asset_name(asset)
                    ),
                )
            })
            .collect(),
    };
    Ok((xbook, out))
}

/// One VIX futures settlement: date, expiry, settlement price (index points).
type Settlement = (NaiveDate, NaiveDate, f64);

/// The VIX futures settlements and where they came from.
fn settlements(
    ws: &Workspace,
    req: &BacktestRequest,
) -> Result<(String, Vec<Settlement>), AppError> {
    let stored = if req.contracts.is_none() { ws.store()?.futures("vx")? } else { Vec::new() };
    if !stored.is_empty() {
        return Ok((format!("the store ({} vx settlements)", stored.len()), stored));
    }
    let path = req.contracts.clone().unwrap_or_else(|| default_contracts(ws));
    let file = std::fs::File::open(&path).map_err(|e| {
        AppError::input(format!(
            "{}: cannot open the VIX futures settlements: {e} (import them with `import FILE --futures vx` or give --contracts)",
            path.display()
        ))
    })?;
    let rows = parse_futures_csv(std::io::BufReader::new(file), &path.display().to_string())?;
    Ok((
        path.display().to_string(),
        rows.into_iter().map(|r| (r.date, r.expiry, r.settle)).collect(),
    ))
}

/// Measures and sizes the book, builds the market days from the store and runs the backtest.
///
/// Reports `progress.start("backtest", days)` and `inc` after every
/// [`crosshedge_backtest::engine::DAYS_PER_BLOCK`] market days, and stops within one block
/// once `progress` is cancelled.
///
/// # Errors
/// As [`measure`]; an input error for settlements that cannot be opened, a non-finite
/// `cash_rate`, a negative or non-finite `lp_fee_apr`, `rebalance_days` 0, `catalogue.no_builtin`
/// without a `catalogue`, or fewer than 30 market days with VIX, SPX, the crypto series and a
/// futures curve; the engine's errors; [`AppError::cancelled`] when cancelled.
pub fn run(
    ws: &Workspace,
    req: &BacktestRequest,
    progress: &dyn Progress,
) -> Result<BacktestResponse, AppError> {
    checkpoint(progress)?;
    if req.catalogue.no_builtin && req.catalogue.file.is_none() {
        return Err(AppError::input("no_builtin needs a catalogue file"));
    }
    let m = measure(ws, &req.measure)?;
    // Sized with every trigger on, so that each layer has its size (under the one premium
    // budget) whenever its regime comes; the triggers then gate the layers day by day.
    let mut all_on = m.book.clone();
    for l in &mut all_on.layers {
        l.trigger = Trigger::Always;
    }
    let plan = size_book(&all_on, &m.inputs)?;
    let (source, rows) = settlements(ws, req)?;
    let mut curves: BTreeMap<NaiveDate, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for (date, expiry, settle) in &rows {
        if expiry > date {
            curves.entry(*date).or_default().push((*expiry, *settle));
        }
    }
    // The market: US trading days with the VIX, SPX and the crypto exposures.
    let crypto: Vec<String> = req.measure.crypto.iter().map(|s| s.trim().to_string()).collect();
    let mut names = vec![req.measure.vix.clone(), req.measure.spx.clone()];
    names.extend(crypto.iter().cloned());
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let series = crate::measure::market_series(ws, &name_refs, m.spx_fitted, None)?;
    let refs: Vec<&Series> = series.iter().collect();
    let panel = align(&refs, AlignPolicy::UsClose)?;
    let known: Vec<String> = ws.store()?.list()?.into_iter().map(|s| s.name).collect();
    let optional = |n: &str| -> Result<Option<Series>, AppError> {
        Ok(if known.iter().any(|k| k == n) { Some(ws.load(n, None, None)?) } else { None })
    };
    let vvix = optional("vvix")?;
    let funding = optional("funding_btc")?;
    if let Some(v) = &vvix {
        units::require(v, "the VIX option vol (VVIX)", units::LEVELS)?;
    }
    if let Some(f) = &funding {
        units::require(f, "the perp funding rate", units::RATES)?;
    }
    // Without VVIX, a fitted vol-of-vol: the realised volatility of the front VIX future's log
    // changes over the last 63 trading days (annualised with 252; at least 20 changes), falling
    // back to the VIX's own log changes when no `vx1` series is stored.
    let front = match optional("vx1")? {
        Some(s) => s,
        None => series[0].clone(),
    };
    let realised: BTreeMap<NaiveDate, f64> = front
        .dates()
        .iter()
        .zip(trailing_realised_vol(front.values(), VOL_OF_VOL_WINDOW, VOL_OF_VOL_MIN, 252.0))
        .filter_map(|(d, v)| v.map(|v| (*d, v)))
        .collect();
    let bands = BandConfig {
        calm_below: req.measure.calm_below,
        stress_above: req.measure.stress_above,
        ..BandConfig::default()
    };
    let band = |v: f64| bands.classify(v, None).as_str();
    // Replayed signals on the VIX, each known at the previous close: `macd` (MACD(12,26,9)
    // above its signal line), `rsi` (Wilder RSI(14) above 70), `vix-signal` (either).
    let vix_us = Series::new(
        "vix",
        series[0].calendar,
        series[0].unit,
        panel.dates.clone(),
        panel.levels[0].clone(),
    )?;
    let sig = vix_signals(&vix_us, &SignalConfig::default())?;
    let signals_on = |i: usize| -> Vec<&'static str> {
        let macd = sig.macd.macd[i] > sig.macd.signal[i];
        let rsi = sig.rsi[i].is_some_and(|r| r > 70.0);
        let mut on = Vec::new();
        if macd {
            on.push("macd");
        }
        if rsi {
            on.push("rsi");
        }
        if macd || rsi {
            on.push("vix-signal");
        }
        on
    };
    // The daily implied vol of the coins the book's options are written on (resolved by the
    // measurement).
    let coins = &m.crypto;
    let mut days = Vec::new();
    for i in 1..panel.dates.len() {
        let d = panel.dates[i];
        let Some(curve) = curves.get(&d) else { continue };
        let mut pts: Vec<(NaiveDate, f64)> = curve.clone();
        pts.sort_by_key(|p| p.0);
        days.push(MarketDay {
            date: d,
            vix: panel.levels[0][i],
            vix_futures: pts
                .into_iter()
                .map(|(expiry, settle)| FuturePoint { expiry, settle })
                .collect(),
            spx: panel.levels[1][i],
            targets: (0..crypto.len()).map(|k| panel.levels[2 + k][i]).collect(),
            // Set below: the calendar-day sum since the previous market day.
            funding_rate: 0.0,
            regime: std::iter::once(band(panel.levels[0][i - 1]))
                .chain(signals_on(i - 1))
                .collect::<Vec<_>>()
                .join("+"),
            vol_of_vol: vvix
                .as_ref()
                .and_then(|v| v.as_of(d))
                .filter(|x| (d - x.0).num_days() <= 7)
                .map(|x| x.1 / 100.0)
                .or_else(|| realised.get(&d).copied()),
            crypto_vol: (0..crypto.len())
                .map(|k| {
                    coins
                        .iter()
                        .find(|c| crosshedge_backtest::book::target_index(c.asset) == k)
                        .and_then(|c| c.vol.atm(d))
                })
                .collect(),
        });
    }
    if days.len() < MIN_DAYS {
        return Err(AppError::input(format!(
            "only {} trading days have VIX, SPX, {} and a VIX futures curve in {}",
            days.len(),
            crypto.join(", "),
            source
        )));
    }
    // Funding on each market day: the sum of the stored daily funding over the calendar days
    // in (previous market day, day].
    let calendar_funding = match &funding {
        Some(f) => {
            let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
            let daily: Vec<(NaiveDate, f64)> =
                f.dates().iter().copied().zip(f.values().iter().copied()).collect();
            let cf = calendar_day_funding(&dates, &daily, FUNDING_MAX_STALE_DAYS)
                .context("funding_btc")?;
            for (d, r) in days.iter_mut().zip(&cf.per_market_day) {
                d.funding_rate = *r;
            }
            Some(cf)
        }
        None => None,
    };
    let (exposure_book, policy) = exposures(&m.book, crypto.len(), req)?;
    // The delta units per target on the first day (informational: the book is simulated as
    // its exposures).
    let units: Vec<f64> = {
        let run = ExposureRun::start(&exposure_book, &days[0]).context("the book's exposures")?;
        let mut v = vec![0.0; crypto.len()];
        run.exposure_values(&days[0], &mut v).context("the book's exposures")?;
        v.iter().zip(&days[0].targets).map(|(x, p)| x / p).collect()
    };
    let vol_of_vol = req.measure.vol_of_vol.unwrap_or(DEFAULT_VOL_OF_VOL);
    let episodes = req.catalogue.load()?;
    let settings = LayerSettings {
        vol_of_vol,
        rate: req.measure.rate,
        venue_defaults: episodes.episodes.iter().filter_map(|e| e.venue_default.clone()).collect(),
    };
    let BookLayers { mut layers, used, skipped } =
        hedge_layers_with(&m.book, &plan.layers, plan.target_notional, &settings);
    let costs = CostModel {
        commission_per_contract: req.commission,
        slippage_bps: req.slippage_bps,
        gas_per_action_usd: req.gas,
        commission_bps: req.etp_commission_bps,
    };
    let mut config = BacktestConfig::new(units, costs);
    config.book = Some(exposure_book);
    // The book says whether and ahead of which events rolls move; `no_event_rolls` overrides.
    config.move_rolls_before_events = m.book.rolls.move_before_events && !req.no_event_rolls;
    config.event_kinds =
        m.book.rolls.events.iter().map(|e| crosshedge_backtest::book::event_kind(*e)).collect();
    config.event_window_days = i64::from(m.book.rolls.window_days);
    config.rate = req.measure.rate;
    let (calendar, _) = crate::events::calendar(ws, &EventSources::default())?;
    checkpoint(progress)?;
    progress.start("backtest", days.len() as u64);
    let mut on_block = |n: u64| {
        progress.inc(n);
        if progress.is_cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let report = run_backtest_with(
        &BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes },
        &mut layers,
        &mut on_block,
    )
    .map_err(|e| match e {
        BacktestError::Cancelled => AppError::cancelled(),
        e => AppError::from(e).context("backtest"),
    })?;
    let out = BacktestResponse {
        book: m.book.name.clone(),
        contracts: source,
        days: days.len(),
        from: days.first().map(|d| d.date),
        to: days.last().map(|d| d.date),
        exposures: crypto
            .iter()
            .zip(&config.exposure_units)
            .zip(&days[0].targets)
            .map(|((n, u), p)| (n.clone(), *u, *p))
            .collect(),
        exposure_policy: policy,
        funding: FundingOutput {
            series: funding.as_ref().map(|_| "funding_btc".to_string()),
            convention: format!(
                "booked on each market day: the sum of the daily funding over the calendar days since the previous market day (weekends and holidays included; a day without a print takes the last print up to {FUNDING_MAX_STALE_DAYS} days old, else 0); every perp pays it"
            ),
            calendar: calendar_funding.map(|mut c| {
                c.per_market_day.clear();
                c
            }),
        },
        layers: used,
        skipped_layers: skipped,
        vol_of_vol_model: format!(
            "VVIX/100 where stored ({}), else the 63-day realised vol of {} log changes, else {}",
            if vvix.is_some() { "yes" } else { "no" },
            front.name,
            vol_of_vol
        ),
        rolls_before_events: config.move_rolls_before_events,
        roll_events: config.event_kinds.iter().map(|k| k.to_string()).collect(),
        roll_window_days: config.event_window_days,
        report,
        warnings: m.warnings.clone(),
    };
    Ok(if req.full { out } else { out.summarised() })
}
