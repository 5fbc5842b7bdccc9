//! `crosshedge backtest`: the hedge book (the same TOML as `crosshedge hedge`) run daily through
//! the store's history, net of costs, with the accounting identity checked every day.
//!
//! # What is modelled (and what is assumed)
//! - Sizing: the book is sized once by `size_book` on the store's full history (the same numbers
//!   `crosshedge hedge` prints), so the hedge ratios are in-sample. Each layer's notional per
//!   unit of exposure is its sized notional over the target notional, sized with every trigger
//!   on (so each layer has its size, under the one premium budget, whenever its regime comes);
//!   the triggers then become regime weights (`always` → 1 every day; `vix-band` → 1 in the
//!   listed bands of the previous close; `signal` → 1 on days the named signal was on at the
//!   previous close: `macd` = MACD(12,26,9) above its signal line, `rsi` = Wilder RSI(14) above
//!   70, `vix-signal` = either).
//! - Market: US trading days (us-close) with the VIX, SPX and the book's crypto exposures; the
//!   VIX futures curve of each day from the store's `vx` futures settlements (or a settlement
//!   file given with `--contracts`, the CFE long format `date,expiry,settle`); the vol of VIX options is VVIX/100 when a `vvix` series is in the
//!   store, else a fitted vol-of-vol (the 63-day realised vol of the front future `vx1`, or of
//!   the VIX), else the constant `--vol-of-vol`; SPX options use VIX/100; funding from
//!   `funding_btc` when present, booked on each market day as the sum of the daily funding
//!   over the calendar days since the previous market day (weekends and holidays included; a
//!   calendar day without a print takes the last one up to 7 days old, else zero), the
//!   convention `stress` takes the expectation of (mean daily rate × 365/252 per trading day).
//! - Exposures: the book's own (`crosshedge_backtest::exposure`): spot, NFT inventory paying
//!   its carry, perps paying that funding, AMM LPs valued as Uniswap v3 positions (impermanent
//!   loss) earning a stated fee APR in range, in a ledger with a cash account at a stated rate;
//!   held `constant-mix` (traded back to the starting weights every `rebalance-days` market
//!   days, the LP re-centred; the default) or `buy-and-hold` (`--rebalance`, else the book's
//!   `rebalance`). Every perp pays `funding_btc`, as in `stress`.
//! - Layers: VIX call spreads (Black-76 on the future of the same expiry), VIX futures, SPX put
//!   spreads (Black–Scholes), short perps, and vol ETPs (a 30-day constant-maturity VIX futures
//!   index built from the same curve, rolled daily from month 1 to month 2, 0.89 % a year
//!   expense ratio, held as a USD notional with commission in bps of notional:
//!   `--etp-commission-bps`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use crosshedge_backtest::engine::{
    RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer, SpxVol, VixCallSpreadLayer,
    VixFuturesLayer, VolEtpLayer,
};
use crosshedge_backtest::exposure::{
    ExposureBook, ExposureKind, ExposureRun, ExposureSpec, Rebalance as EngineRebalance,
    LP_HALF_SPREAD_BPS, NFT_HALF_SPREAD_BPS, PERP_HALF_SPREAD_BPS, SPOT_HALF_SPREAD_BPS,
};
use crosshedge_backtest::funding::calendar_day_funding;
use crosshedge_backtest::ledger::FlowKind;
use crosshedge_backtest::{
    run_backtest, BacktestConfig, BacktestInputs, BacktestReport, CostModel, Layer, MarketDay,
};
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::series::Series;
use crosshedge_data::futures::parse_futures_csv;
use crosshedge_data::store::Store;
use crosshedge_hedging::{
    size_book, Asset, Band, Exposure, Instrument, MacroEventKind, Rebalance, StrikeRule, Trigger,
};
use crosshedge_labels::bands::BandConfig;
use crosshedge_labels::events::{EventCalendar, EventKind};
use crosshedge_labels::signals::{vix_signals, SignalConfig};
use serde::Serialize;

use super::hedge::MeasureArgs;
use super::Ctx;
use crate::exit::UsageError;
use crate::output::{self, pct};

/// `crosshedge backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Book and measurement settings (as for `hedge`).
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// VIX futures settlements (`date,expiry,settle`); default: the store's `vx` futures
    /// (imported with `import --futures vx` or a manifest), else `data/vix_futures_contracts.csv`
    /// beside the store, else `../shared/data/vix_futures_contracts_daily.csv`.
    #[arg(long)]
    pub contracts: Option<PathBuf>,
    /// Commission per exchange contract (USD).
    #[arg(long, default_value_t = 1.0)]
    pub commission: f64,
    /// Slippage in basis points of each trade's price.
    #[arg(long, default_value_t = 2.0)]
    pub slippage_bps: f64,
    /// Gas per on-chain action (USD).
    #[arg(long, default_value_t = 5.0)]
    pub gas: f64,
    /// Commission on vol-ETP trades in basis points of the traded notional (a $0.005
    /// per-share fee on a $25 share is 2 bps).
    #[arg(long, default_value_t = 2.0)]
    pub etp_commission_bps: f64,
    /// Do not move rolls ahead of FOMC/CPI/PPI dates (overrides the book's `[rolls]`).
    #[arg(long)]
    pub no_event_rolls: bool,
    /// Include the cash flows and daily checks in --json.
    #[arg(long)]
    pub full: bool,
    /// A TOML catalogue of episodes added to the built-in one (protection per episode).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Use only the --catalogue file, not the built-in catalogue.
    #[arg(long, requires = "catalogue")]
    pub no_builtin: bool,
    /// How the book's exposures are held and financed.
    #[command(flatten)]
    pub exposure: ExposureArgs,
}

/// The exposure policy of `backtest` (each flag overrides the book's field of the same name).
#[derive(Debug, Clone, Default, Args)]
pub struct ExposureArgs {
    /// `constant-mix` (traded back to the starting weights every --rebalance-days market days)
    /// or `buy-and-hold`; default: the book's `rebalance`, else constant-mix.
    #[arg(long, value_parser = ["constant-mix", "buy-and-hold"])]
    pub rebalance: Option<String>,
    /// Market days between constant-mix rebalances; default: the book's `rebalance-days`,
    /// else 21.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub rebalance_days: Option<u32>,
    /// Interest rate of the cash account (decimal a year, continuously compounded); default:
    /// the book's `cash-rate`, else --rate.
    #[arg(long)]
    pub cash_rate: Option<f64>,
    /// Fee income of AMM LP exposures (fraction of value a year, while in range); default:
    /// the book's `lp-fee-apr`, else 0.23.
    #[arg(long)]
    pub lp_fee_apr: Option<f64>,
}

/// Market days between constant-mix rebalances when neither flag nor book says (a month).
pub const DEFAULT_REBALANCE_DAYS: u32 = 21;

/// LP fee APR when neither flag nor book says: the median daily fees / TVL × 365 of the Uniswap
/// v3 USDC/WETH 0.30 % pool, 2021-05-05 .. 2023-03-31 (`../shared/data/uniswap_v3_eth_usdc_daily.csv`,
/// days with TVL above 1 M USD: 0.232).
pub const DEFAULT_LP_FEE_APR: f64 = 0.23;

/// Calendar days a funding print may be carried to a later day without one.
pub const FUNDING_MAX_STALE_DAYS: i64 = 7;

/// The exposure policy the run used and where each setting came from.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct FundingOutput {
    /// The funding series (`funding_btc`), or `None` when none is stored (zero funding).
    pub series: Option<String>,
    /// The convention.
    pub convention: String,
    /// Calendar days summed, with and without their own print.
    pub calendar: Option<crosshedge_backtest::funding::CalendarFunding>,
}

/// The JSON of `backtest`.
#[derive(Serialize)]
pub struct BacktestOutput {
    /// Source of the VIX-option vol: `vvix`, `realised vx1`/`realised vix` where VVIX is missing.
    pub vol_of_vol_model: String,
    /// Book name.
    pub book: String,
    /// The contracts file the curve came from.
    pub contracts: String,
    /// Market days run.
    pub days: usize,
    /// First and last day.
    pub from: Option<chrono::NaiveDate>,
    /// Last day.
    pub to: Option<chrono::NaiveDate>,
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
    /// `--no-event-rolls`), and which events and window.
    pub rolls_before_events: bool,
    /// The events that move rolls.
    pub roll_events: Vec<String>,
    /// Calendar days before a scheduled roll in which an event moves it.
    pub roll_window_days: i64,
    /// The engine's report (curves, metrics, carry, episodes, XIRR, checks).
    pub report: BacktestReport,
}

/// Signals the backtest replays from the VIX history.
pub const REPLAYED_SIGNALS: [&str; 3] = ["macd", "rsi", "vix-signal"];

/// Every day label the backtest can produce: a band and the signals on.
fn all_labels() -> Vec<String> {
    let mut out = Vec::new();
    for b in ["calm", "normal", "stress"] {
        out.push(b.to_string());
        out.push(format!("{b}+macd+vix-signal"));
        out.push(format!("{b}+rsi+vix-signal"));
        out.push(format!("{b}+macd+rsi+vix-signal"));
    }
    out
}

fn band_name(b: Band) -> &'static str {
    match b {
        Band::Calm => "calm",
        Band::Normal => "normal",
        Band::Stress => "stress",
    }
}

/// The settlement file used when none is given: the demo's beside the store, else the shared
/// data's.
pub fn default_contracts(store_path: &std::path::Path) -> PathBuf {
    let beside = store_path.parent().map(|p| p.join("data").join("vix_futures_contracts.csv"));
    match beside {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("../shared/data/vix_futures_contracts_daily.csv"),
    }
}

/// Trailing realised volatility of log changes, annualised with 252: for each date, the sample
/// standard deviation of the last `window` changes ending on it (at least `min` of them).
pub fn realised_vol(s: &Series, window: usize, min: usize) -> BTreeMap<chrono::NaiveDate, f64> {
    let v = s.values();
    let r: Vec<f64> = v.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let mut out = BTreeMap::new();
    for i in 0..r.len() {
        let lo = (i + 1).saturating_sub(window);
        let x = &r[lo..=i];
        if x.len() < min.max(2) {
            continue;
        }
        let m = x.iter().sum::<f64>() / x.len() as f64;
        let var = x.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (x.len() - 1) as f64;
        out.insert(s.dates()[i + 1], (var * 252.0).sqrt());
    }
    out
}

/// The book's exposures as the engine backtests them, under the policy of the flags, else the
/// book's fields, else the defaults; targets are `crypto` in the order btc, eth, nft.
///
/// # Errors
/// A non-finite `--cash-rate` or a negative / non-finite `--lp-fee-apr` (usage errors).
pub fn exposure_book(
    book: &crosshedge_hedging::Book,
    crypto: &[String],
    a: &BacktestArgs,
) -> anyhow::Result<(ExposureBook, ExposurePolicyOutput)> {
    let x = &a.exposure;
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
    let rebalance = match (x.rebalance.as_deref(), book.rebalance) {
        (Some("buy-and-hold"), _) => Rebalance::BuyAndHold,
        (Some(_), _) => Rebalance::ConstantMix,
        (None, Some(r)) => r,
        (None, None) => Rebalance::ConstantMix,
    };
    source("rebalance", x.rebalance.is_some(), book.rebalance.is_some());
    let period = x.rebalance_days.or(book.rebalance_days).unwrap_or(DEFAULT_REBALANCE_DAYS);
    source("rebalance_days", x.rebalance_days.is_some(), book.rebalance_days.is_some());
    let cash_rate = x.cash_rate.or(book.cash_rate).unwrap_or(a.measure.rate);
    if !cash_rate.is_finite() {
        return Err(UsageError(format!("--cash-rate {cash_rate}: must be finite")).into());
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
        return Err(
            UsageError(format!("--lp-fee-apr {lp_fee_apr}: must be finite and >= 0")).into()
        );
    }
    sources.insert(
        "lp_fee_apr".into(),
        match (x.lp_fee_apr, book.lp_fee_apr) {
            (Some(_), _) => "flag".into(),
            (None, Some(_)) => "book".into(),
            (None, None) => "default (Uniswap v3 USDC/WETH 0.30 % median fees/TVL)".into(),
        },
    );
    let index = |asset: Asset| match asset {
        Asset::Btc => 0usize,
        Asset::Eth => 1,
        Asset::Nft => 2,
    };
    let asset_name = |asset: Asset| match asset {
        Asset::Btc => "btc",
        Asset::Eth => "eth",
        Asset::Nft => "nft",
    };
    let mut specs = Vec::new();
    let mut skipped = Vec::new();
    for (i, e) in book.exposures.iter().enumerate() {
        let (asset, kind, value) = match e {
            Exposure::BtcSpot { value } => (Asset::Btc, ExposureKind::Spot, *value),
            Exposure::EthSpot { value } => (Asset::Eth, ExposureKind::Spot, *value),
            Exposure::NftInventory { value, carry_per_year } => {
                (Asset::Nft, ExposureKind::NftInventory { carry_per_year: *carry_per_year }, *value)
            }
            Exposure::Perp { asset, notional } => (*asset, ExposureKind::Perp, *notional),
            Exposure::AmmLp { asset, value, range } => {
                (*asset, ExposureKind::AmmLp { range: *range, fee_apr: lp_fee_apr }, *value)
            }
        };
        let name = format!("exposure {} ({} {})", i + 1, asset_name(asset), kind.as_str());
        let target = index(asset);
        if target >= crypto.len() {
            skipped.push((name, format!("no {} series in --crypto", asset_name(asset))));
            continue;
        }
        specs.push(ExposureSpec::new(&name, target, kind, value));
    }
    let costs = CostModel {
        commission_per_contract: 0.0,
        slippage_bps: a.slippage_bps,
        gas_per_action_usd: a.gas,
        commission_bps: 0.0,
    };
    let policy = ExposurePolicyOutput {
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
        slippage_bps: a.slippage_bps,
        gas: a.gas,
        skipped_exposures: skipped,
    };
    let book = ExposureBook {
        exposures: specs,
        rebalance: match rebalance {
            Rebalance::BuyAndHold => EngineRebalance::BuyAndHold,
            Rebalance::ConstantMix => EngineRebalance::ConstantMix { period_days: period as usize },
        },
        cash_rate,
        costs,
    };
    Ok((book, policy))
}

/// Runs the backtest of `a` on the store.
pub fn analyse(
    store_path: &std::path::Path,
    store: &Store,
    a: &BacktestArgs,
) -> anyhow::Result<BacktestOutput> {
    let ws = crosshedge_app::Workspace::at(store_path);
    let m = crosshedge_app::measure::measure(&ws, &(&a.measure).into())?;
    // Sized with every trigger on, so that each layer has its size (under the one premium
    // budget) whenever its regime comes; the triggers then gate the layers day by day.
    let mut all_on = m.book.clone();
    for l in &mut all_on.layers {
        l.trigger = Trigger::Always;
    }
    let plan = size_book(&all_on, &m.inputs)?;
    let stored = if a.contracts.is_none() { store.futures("vx")? } else { Vec::new() };
    let (source, rows): (String, Vec<(chrono::NaiveDate, chrono::NaiveDate, f64)>) = if stored
        .is_empty()
    {
        let path = a.contracts.clone().unwrap_or_else(|| default_contracts(store_path));
        let file = std::fs::File::open(&path).map_err(|e| {
                UsageError(format!(
                    "{}: cannot open the VIX futures settlements: {e} (import them with `import FILE --futures vx` or give --contracts)",
                    path.display()
                ))
            })?;
        let rows = parse_futures_csv(std::io::BufReader::new(file), &path.display().to_string())?;
        (
            path.display().to_string(),
            rows.into_iter().map(|r| (r.date, r.expiry, r.settle)).collect(),
        )
    } else {
        (format!("the store ({} vx settlements)", stored.len()), stored)
    };
    let mut curves: BTreeMap<chrono::NaiveDate, Vec<(chrono::NaiveDate, f64)>> = BTreeMap::new();
    for (date, expiry, settle) in &rows {
        if expiry > date {
            curves.entry(*date).or_default().push((*expiry, *settle));
        }
    }
    // The market: US trading days with the VIX, SPX and the crypto exposures.
    let crypto: Vec<String> = a.measure.crypto.iter().map(|s| s.trim().to_string()).collect();
    let mut names = vec![a.measure.vix.clone(), a.measure.spx.clone()];
    names.extend(crypto.iter().cloned());
    let series: Vec<Series> =
        names.iter().map(|n| store.load(n, None, None)).collect::<Result<_, _>>()?;
    let refs: Vec<&Series> = series.iter().collect();
    let panel = align(&refs, AlignPolicy::UsClose)?;
    let known: Vec<String> = store.list()?.into_iter().map(|s| s.name).collect();
    let optional = |n: &str| -> anyhow::Result<Option<Series>> {
        Ok(if known.iter().any(|k| k == n) { Some(store.load(n, None, None)?) } else { None })
    };
    let vvix = optional("vvix")?;
    let funding = optional("funding_btc")?;
    // Without VVIX, a fitted vol-of-vol: the realised volatility of the front VIX future's log
    // changes over the last 63 trading days (annualised with 252; at least 20 changes), falling
    // back to the VIX's own log changes when no `vx1` series is stored.
    let front = match optional("vx1")? {
        Some(s) => s,
        None => series[0].clone(),
    };
    let realised = realised_vol(&front, 63, 20);
    let bands = BandConfig {
        calm_below: a.measure.calm_below,
        stress_above: a.measure.stress_above,
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
    let mut days = Vec::new();
    for i in 1..panel.dates.len() {
        let d = panel.dates[i];
        let Some(curve) = curves.get(&d) else { continue };
        let mut pts: Vec<(chrono::NaiveDate, f64)> = curve.clone();
        pts.sort_by_key(|p| p.0);
        days.push(MarketDay {
            date: d,
            vix: panel.levels[0][i],
            vix_futures: pts
                .into_iter()
                .map(|(expiry, settle)| crosshedge_backtest::engine::FuturePoint { expiry, settle })
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
        });
    }
    if days.len() < 30 {
        return Err(UsageError(format!(
            "only {} trading days have VIX, SPX, {} and a VIX futures curve in {}",
            days.len(),
            crypto.join(", "),
            source
        ))
        .into());
    }
    // Funding on each market day: the sum of the stored daily funding over the calendar days
    // in (previous market day, day].
    let calendar_funding = match &funding {
        Some(f) => {
            let dates: Vec<chrono::NaiveDate> = days.iter().map(|d| d.date).collect();
            let daily: Vec<(chrono::NaiveDate, f64)> =
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
    let (exposure_book, policy) = exposure_book(&m.book, &crypto, a)?;
    // The delta units per target on the first day (informational: the book is simulated as
    // its exposures).
    let units: Vec<f64> = {
        let run = ExposureRun::start(&exposure_book, &days[0]).context("the book's exposures")?;
        let mut v = vec![0.0; crypto.len()];
        run.exposure_values(&days[0], &mut v).context("the book's exposures")?;
        v.iter().zip(&days[0].targets).map(|(x, p)| x / p).collect()
    };
    let target_notional = plan.target_notional.max(f64::MIN_POSITIVE);
    let mut layers: Vec<Box<dyn Layer>> = Vec::new();
    let mut used = Vec::new();
    let mut skipped = Vec::new();
    for (bl, pos) in m.book.layers.iter().zip(&plan.layers) {
        // Day labels are `<band>[+macd][+rsi][+vix-signal]`: a trigger is a set of labels.
        let weights = match &bl.trigger {
            Trigger::Always => RegimeWeights::constant(1.0),
            Trigger::VixBand { bands } => RegimeWeights {
                default: 0.0,
                by_regime: all_labels()
                    .into_iter()
                    .filter(|l| bands.iter().any(|b| l.split('+').next() == Some(band_name(*b))))
                    .map(|l| (l, 1.0))
                    .collect(),
            },
            Trigger::Signal { name } if REPLAYED_SIGNALS.contains(&name.as_str()) => {
                RegimeWeights {
                    default: 0.0,
                    by_regime: all_labels()
                        .into_iter()
                        .filter(|l| l.split('+').any(|p| p == name))
                        .map(|l| (l, 1.0))
                        .collect(),
                }
            }
            Trigger::Signal { name } => {
                skipped.push((
                    bl.name.clone(),
                    format!(
                        "signal '{name}' is not replayed (replayed: {})",
                        REPLAYED_SIGNALS.join(", ")
                    ),
                ));
                continue;
            }
        };
        let ratio = pos.quantity.abs() * pos.underlying * pos.multiplier / target_notional;
        let strikes = |default: (f64, f64)| match (bl.strike, pos.strikes) {
            (Some(StrikeRule::Moneyness { long, short }), _) => (long, short),
            (_, Some(k)) if pos.underlying > 0.0 => (k[0] / pos.underlying, k[1] / pos.underlying),
            _ => default,
        };
        let roll =
            RollRule { min_days_at_open: i64::from(bl.tenor_days) * 2 / 3, roll_days_before: 5 };
        let layer: Box<dyn Layer> = match bl.instrument {
            Instrument::VixCallSpread => Box::new(VixCallSpreadLayer::new(
                &bl.name,
                ratio,
                weights,
                strikes((1.0, 1.5)),
                a.measure.vol_of_vol.unwrap_or(crosshedge_app::measure::DEFAULT_VOL_OF_VOL),
                roll,
            )),
            Instrument::VixFuture => Box::new(VixFuturesLayer::new(&bl.name, ratio, weights, roll)),
            Instrument::SpxPutSpread => {
                let (long, short) = strikes((0.95, 0.85));
                Box::new(SpxPutSpreadLayer::new(
                    &bl.name,
                    ratio,
                    weights,
                    (short.min(long), short.max(long)),
                    SpxVol::FromVix { scale: 1.0 },
                ))
            }
            Instrument::ShortPerp => Box::new(ShortPerpLayer::new(&bl.name, 0, ratio, weights)),
            Instrument::VolEtp => Box::new(VolEtpLayer::new(&bl.name, ratio, weights)),
        };
        used.push((bl.name.clone(), ratio));
        layers.push(layer);
    }
    let costs = CostModel {
        commission_per_contract: a.commission,
        slippage_bps: a.slippage_bps,
        gas_per_action_usd: a.gas,
        commission_bps: a.etp_commission_bps,
    };
    let mut config = BacktestConfig::new(units, costs);
    config.book = Some(exposure_book);
    // The book says whether and ahead of which events rolls move; --no-event-rolls overrides.
    config.move_rolls_before_events = m.book.rolls.move_before_events && !a.no_event_rolls;
    config.event_kinds = m
        .book
        .rolls
        .events
        .iter()
        .map(|e| match e {
            MacroEventKind::Fomc => EventKind::Fomc,
            MacroEventKind::Cpi => EventKind::Cpi,
            MacroEventKind::Ppi => EventKind::Ppi,
        })
        .collect();
    config.event_window_days = i64::from(m.book.rolls.window_days);
    config.rate = a.measure.rate;
    let (calendar, _) = super::events::calendar(&crate::cli::EventSources {
        data_dir: PathBuf::from("../shared/data"),
        events_file: None,
        pre: 1,
        post: 1,
    })?;
    let calendar: EventCalendar = calendar;
    let episodes = super::episodes::catalogue(a.catalogue.as_deref(), a.no_builtin)?;
    let report = run_backtest(
        &BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes },
        &mut layers,
    )
    .context("backtest")?;
    Ok(BacktestOutput {
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
            a.measure.vol_of_vol.unwrap_or(crosshedge_app::measure::DEFAULT_VOL_OF_VOL)
        ),
        rolls_before_events: config.move_rolls_before_events,
        roll_events: config.event_kinds.iter().map(|k| k.to_string()).collect(),
        roll_window_days: config.event_window_days,
        report,
    })
}

impl BacktestOutput {
    /// Drops the per-flow and per-day detail (kept: the curves, metrics, XIRR and whether every
    /// daily check held).
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

pub fn run(ctx: &Ctx, a: BacktestArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let out = analyse(&ctx.store, &store, &a)?;
    if ctx.json {
        return output::print_json(&if a.full { out } else { out.summarised() });
    }
    output::emit(&render(&out));
    Ok(())
}

/// The human summary.
pub fn render(o: &BacktestOutput) -> String {
    let r = &o.report;
    let mut s = format!(
        "backtest of {} | {} US trading days {} .. {} | VIX futures from {}\n",
        o.book,
        o.days,
        crate::output::date_or_dash(o.from),
        crate::output::date_or_dash(o.to),
        o.contracts
    );
    let held: Vec<String> = o
        .exposures
        .iter()
        .map(|(n, u, p)| format!("{n} {u:.6} units (USD {:.0} at {p:.2})", u * p))
        .collect();
    s.push_str(&format!("  delta exposure on the first day: {}\n", held.join(", ")));
    let x = &o.exposure_policy;
    s.push_str(&format!(
        "  exposure policy: {}{} | cash account {} a year ({}) | LP fee income {} a year in range ({}) | trades: half-spread spot {} / NFT {} / perp {} / LP {} bps, slippage {} bps, gas {} USD on-chain\n",
        x.rebalance,
        x.rebalance_days.map_or(String::new(), |d| format!(" every {d} market days")),
        pct(x.cash_rate, 2),
        x.sources.get("cash_rate").map_or("", String::as_str),
        pct(x.lp_fee_apr, 1),
        x.sources.get("lp_fee_apr").map_or("", String::as_str),
        x.half_spread_bps.get("spot").copied().unwrap_or(0.0),
        x.half_spread_bps.get("nft-inventory").copied().unwrap_or(0.0),
        x.half_spread_bps.get("perp").copied().unwrap_or(0.0),
        x.half_spread_bps.get("amm-lp").copied().unwrap_or(0.0),
        x.slippage_bps,
        x.gas,
    ));
    for (n, why) in &x.skipped_exposures {
        s.push_str(&format!("  {n}: not run ({why})\n"));
    }
    if let Some(b) = &r.exposure {
        let mut t =
            output::table(&["exposure", "weight at start", "weight at end", "value at end"]);
        for e in &b.exposures {
            t.add_row(vec![
                e.name.clone(),
                pct(e.weight_start, 1),
                pct(e.weight_end, 1),
                format!("{:.0}", e.value_end),
            ]);
        }
        t.add_row(vec![
            "cash".to_string(),
            pct(b.cash_weight_start, 1),
            pct(b.cash_weight_end, 1),
            String::new(),
        ]);
        s.push_str(&t.to_string());
        s.push('\n');
        let total = |k: FlowKind| b.flow_totals.get(&k).copied().unwrap_or(0.0);
        s.push_str(&format!(
            "  book flows: interest {:.0}, NFT carry {:.0}, LP fees {:.0}, perp funding {:.0}, trading costs {:.0} ({} rebalances)\n",
            total(FlowKind::Interest),
            total(FlowKind::Carry),
            total(FlowKind::FeeIncome),
            total(FlowKind::Funding),
            total(FlowKind::Fee) + total(FlowKind::Gas),
            b.rebalances
        ));
    }
    if let Some(c) = &o.funding.calendar {
        s.push_str(&format!(
            "  funding: {} calendar days summed onto market days ({} printed, {} carried from an earlier print, {} without: 0)\n",
            c.calendar_days, c.printed_days, c.stale_days, c.missing_days
        ));
    }
    for (n, x) in &o.layers {
        s.push_str(&format!("  layer {n}: notional {:.3} per unit of exposure\n", x));
    }
    for (n, why) in &o.skipped_layers {
        s.push_str(&format!("  layer {n}: not run ({why})\n"));
    }
    let mut t = output::table(&[
        "curve",
        "total return",
        "ann. return",
        "ann. vol",
        "max drawdown",
        "worst month",
    ]);
    for (name, m) in [("unhedged", &r.unhedged_metrics), ("hedged", &r.hedged_metrics)] {
        match &m.metrics {
            Some(x) => {
                t.add_row(vec![
                    name.to_string(),
                    pct(x.total_return, 1),
                    pct(x.annualised_return, 1),
                    x.annualised_vol.map_or("-".into(), |v| pct(v, 1)),
                    pct(x.max_drawdown.max_drawdown, 1),
                    format!(
                        "{}-{:02} {}",
                        x.worst_month.year,
                        x.worst_month.month,
                        pct(x.worst_month.simple_return, 1)
                    ),
                ]);
            }
            None => {
                t.add_row(vec![name.to_string(), m.error.clone().unwrap_or_default()]);
            }
        }
    }
    s.push_str(&t.to_string());
    s.push_str(&format!(
        "\ncost of carry per year: {:.0} outside episodes ({} of the exposure), {:.0} cash outlay ({}) | XIRR of the hedge programme: {} | accounting identity held every day: {}\n",
        r.cost_of_carry.hedge_pnl_outside_episodes_per_year,
        r.cost_of_carry.hedge_pnl_outside_episodes_share_per_year.map_or("-".into(), |x| pct(x, 2)),
        r.cost_of_carry.outlay_per_year,
        r.cost_of_carry.outlay_share_per_year.map_or("-".into(), |x| pct(x, 2)),
        match r.xirr.rate {
            Some(x) if r.xirr.roots.len() > 1 => format!(
                "{} (ambiguous: {} roots; the programme's flows change sign more than once)",
                pct(x, 2),
                r.xirr.roots.len()
            ),
            Some(x) => pct(x, 2),
            None => r.xirr.error.clone().unwrap_or_default(),
        },
        if r.all_checks_ok { "yes" } else { "NO" }
    ));
    if !r.episodes.is_empty() {
        let mut t = output::table(&["episode", "unhedged P&L", "hedged P&L", "loss offset"]);
        for e in &r.episodes {
            t.add_row(vec![
                e.name.clone(),
                format!("{:.0}", e.unhedged_pnl),
                format!("{:.0}", e.hedged_pnl),
                e.share_offset.map_or("-".into(), |x| pct(x, 1)),
            ]);
        }
        s.push_str(&t.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosshedge_core::calendar::Calendar;
    use crosshedge_core::units::SeriesUnit;

    #[test]
    fn realised_vol_matches_a_direct_computation() {
        let d0 = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let dates: Vec<_> = (0..40).map(|i| d0 + chrono::Duration::days(i)).collect();
        let values: Vec<f64> =
            (0..40).map(|i| 20.0 * (1.0 + 0.03 * ((i * 7 % 5) as f64 - 2.0))).collect();
        let s = Series::new("vx1", Calendar::Us, SeriesUnit::Price, dates.clone(), values.clone())
            .unwrap();
        let rv = realised_vol(&s, 10, 5);
        // First value once 5 changes exist (on the 6th date).
        assert!(!rv.contains_key(&dates[4]) && rv.contains_key(&dates[5]));
        let r: Vec<f64> = values.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let x = &r[29..39];
        let m = x.iter().sum::<f64>() / 10.0;
        let sd = (x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / 9.0).sqrt();
        assert!((rv[&dates[39]] - sd * 252f64.sqrt()).abs() < 1e-12);
    }
}
