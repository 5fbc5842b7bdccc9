//! Measuring a hedge book's sizing inputs in the store: what `hedge`, `stress` and `backtest`
//! share.
//!
//! [`measure`] reads the book, aligns VIX, SPX and the three crypto series on the US close,
//! labels every row by its VIX band, and measures the hedge ratios, the AR(1) of log VIX, the
//! VIX futures curve (term premium fitted to the stored settlements), the VIX option vol and
//! the cover table's regime moments: the [`SizingInputs`] of
//! [`crosshedge_hedging::size_book`] plus the aligned data the stress model and the backtest
//! are fitted on.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_hedging::{asset_notional, Band, Book, CurvePoint, SizingInputs};
use crosshedge_labels::bands::{vix_bands_over, BandConfig};
use crosshedge_pricing::{LogVixAr1, PricingError};
use crosshedge_simulation::{demo_futures, fit, FitData, FitOptions, FuturesModel};
use crosshedge_stats::effectiveness::min_variance_hedge_ratio;
use crosshedge_stats::regime::{regime_rows, subset};
use serde::{Deserialize, Serialize};

use crate::{units, AppError, ResultExt, Workspace};

/// VIX option vol (Black-76, decimal) when neither the request's `vol_of_vol` nor a VVIX
/// print within 7 days before the as-of date is available: 0.9, about the long-run mean of
/// VVIX/100.
pub const DEFAULT_VOL_OF_VOL: f64 = 0.9;

/// SPX dividend yield (decimal a year, continuous) used to price SPX options and forwards
/// when the request does not give one: the demo calibration's value
/// (`crosshedge_simulation::JointModel::demo().spx_div_yield`, which is also the stress fit's
/// default), about the S&P 500's dividend yield of recent years.
pub const DEFAULT_SPX_DIV_YIELD: f64 = 0.015;

/// Where the hedge book comes from.
///
/// As JSON: `"default"`, `{"toml": "<the book's TOML text>"}` or `{"path": "book.toml"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum BookSource {
    /// The built-in adaptive layered VIX hedge ([`Book::default_layered`]).
    #[default]
    Default,
    /// The book as TOML text (the format of [`Book::parse_toml`]).
    Toml(String),
    /// A TOML file holding the book.
    Path(PathBuf),
}

impl From<&str> for BookSource {
    /// The command line's `--book`: `default`, else a path.
    fn from(s: &str) -> Self {
        if s == "default" {
            Self::Default
        } else {
            Self::Path(PathBuf::from(s))
        }
    }
}

impl std::str::FromStr for BookSource {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(s))
    }
}

impl BookSource {
    /// Reads and parses the book.
    ///
    /// # Errors
    /// An input error when the file cannot be read or the TOML is not a valid book.
    pub fn load(&self) -> Result<Book, AppError> {
        match self {
            Self::Default => Ok(Book::default_layered()),
            Self::Toml(text) => {
                Book::parse_toml(text).map_err(|e| AppError::input(format!("book: {e}")))
            }
            Self::Path(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    AppError::input(format!("reading book {}: {e}", path.display()))
                })?;
                Book::parse_toml(&text)
                    .map_err(|e| AppError::input(format!("{}: {e}", path.display())))
            }
        }
    }
}

/// What `hedge`, `stress` and `backtest` measure in the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MeasureRequest {
    /// The hedge book (default: the built-in adaptive layered VIX hedge).
    pub book: BookSource,
    /// VIX series (bands, hedge ratios, AR(1) of log VIX); index points.
    pub vix: String,
    /// SPX series; index points.
    pub spx: String,
    /// The BTC, ETH and NFT index series, in this order (exactly three names).
    pub crypto: Vec<String>,
    /// Calm band: VIX below this (index points).
    pub calm_below: f64,
    /// Stress band: VIX above this (index points).
    pub stress_above: f64,
    /// Black-76 implied vol of VIX options (decimal); default: the last VVIX/100 in the store
    /// (at most 7 days before the as-of date), else [`DEFAULT_VOL_OF_VOL`].
    pub vol_of_vol: Option<f64>,
    /// Risk-free rate (decimal a year, continuously compounded).
    pub rate: f64,
    /// Perp funding per year received by shorts (decimal).
    pub funding: f64,
    /// SPX dividend yield (decimal a year, continuous) for SPX options and forwards.
    pub spx_div_yield: f64,
    /// Signals that are on (for the book's `signal` triggers).
    pub signals: Vec<String>,
    /// Horizon of the regime-typical moves of the cover table in trading days (at least 1).
    pub move_days: usize,
    /// The as-of date: the measured window ends there and every start value (VIX, SPX, VVIX,
    /// the band) is that day's close; default: the last date VIX, SPX and the crypto series
    /// all share (the last common NYSE day on or before it when given).
    pub as_of: Option<NaiveDate>,
    /// The implied-vol index of BTC options in the store, in vol points (`--crypto-vol`); ETH
    /// options take their layer's `vol-series`; without one, realised vol × a stated ratio
    /// ([`crate::crypto_market`]). Used only by books with crypto option layers.
    #[serde(default)]
    pub crypto_vol: Option<String>,
    /// The skew slope and the realised-vol fallback's window and ratio.
    #[serde(default)]
    pub crypto_vol_settings: crate::crypto_vol::CryptoVolSettings,
}

impl Default for MeasureRequest {
    fn default() -> Self {
        Self {
            book: BookSource::Default,
            vix: "vix".to_string(),
            spx: "spx".to_string(),
            crypto: vec!["btc".to_string(), "eth".to_string(), "nft".to_string()],
            calm_below: 15.0,
            stress_above: 25.0,
            vol_of_vol: None,
            rate: 0.04,
            funding: 0.08,
            spx_div_yield: DEFAULT_SPX_DIV_YIELD,
            signals: Vec::new(),
            move_days: 21,
            as_of: None,
            crypto_vol: None,
            crypto_vol_settings: Default::default(),
        }
    }
}

/// Aligned daily data behind the sizing (us-close rows).
#[derive(Clone, Debug)]
pub struct Measured {
    /// The VIX futures rule (AR(1) of log VIX and the fitted term premium).
    pub futures: FuturesModel,
    /// The book.
    pub book: Book,
    /// The sizing inputs.
    pub inputs: SizingInputs,
    /// What was measured.
    pub meta: MeasureMeta,
    /// Log VIX at the previous close per return row.
    pub log_vix_prev: Vec<f64>,
    /// Columns: VIX log change, SPX, BTC, ETH, NFT log returns (NFT 0 where not observed).
    pub columns: [Vec<f64>; 5],
    /// Whether the NFT index covers each row (its window can be shorter than the others').
    pub nft_observed: Vec<bool>,
    /// Per row, how many rows (ending at this one) the NFT return in `columns[4]` spans: 0 on
    /// a day without a print (no sale, or the index did not move), `m` when the print ends an
    /// `m`-day interval since the previous print.
    pub nft_span: Vec<u32>,
    /// Band labels (0 calm, 1 normal, 2 stress).
    pub labels: Vec<Option<usize>>,
    /// Return end dates.
    pub dates: Vec<NaiveDate>,
    /// The daily implied vol of the coins the book's options are written on (empty for books
    /// without crypto options).
    pub crypto: Vec<crate::crypto_market::CoinMarketData>,
    /// Whether an SPX series was measured ([`spx_needed`]); without one `columns[1]` is zeros
    /// and the SPX factor a placeholder ([`spx_not_modelled`]).
    pub spx_fitted: bool,
    /// What the jobs built on this measurement say on stderr and in their `warnings`.
    pub warnings: Vec<String>,
}

/// The measurement's description (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureMeta {
    /// Book name.
    pub book: String,
    /// Series used (vix, spx, btc, eth, nft).
    pub series: Vec<String>,
    /// The as-of date: the last close of the window and the date of every start value.
    pub as_of: Option<NaiveDate>,
    /// First and last return dates.
    pub from: Option<NaiveDate>,
    /// Last return date.
    pub to: Option<NaiveDate>,
    /// Rows per band (calm, normal, stress).
    pub rows_per_band: [usize; 3],
    /// Rows per band that the NFT index covers (its statistics use these only).
    pub nft_rows_per_band: [usize; 3],
    /// NFT prints per band (each a return over the interval since the previous print, labelled
    /// by the VIX band at the interval's start): the rows of its hedge ratios.
    pub nft_prints_per_band: [usize; 3],
    /// First return date of the NFT index.
    pub nft_from: Option<NaiveDate>,
    /// Last return date of the NFT index.
    pub nft_to: Option<NaiveDate>,
    /// Basket weights of BTC, ETH, NFT (the book's delta notionals, normalised).
    pub basket_weights: [f64; 3],
    /// How the VIX futures curve was obtained.
    pub curve_source: String,
    /// Black-76 vol of VIX options used for sizing (decimal).
    pub vol_of_vol: f64,
    /// Where it came from (`--vol-of-vol`, VVIX/100 on a date, or the default).
    pub vol_of_vol_source: String,
    /// Horizon of the cover table in trading days.
    pub move_days: usize,
    /// The market of the book's crypto options (coins without option layers are left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crypto_options: Vec<crate::crypto_market::CoinVolMeta>,
}

/// AR(1) of log VIX `x` ([`LogVixAr1::fit`]): too few closes is an input error, a
/// non-stationary fit an analysis error.
fn ar1(x: &[f64]) -> Result<LogVixAr1, AppError> {
    LogVixAr1::fit(x).map_err(|e| match e {
        PricingError::TooFewCloses { .. } => AppError::input(e.to_string()),
        _ => AppError::analysis(e.to_string()),
    })
}

/// The NFT index on the rows of the other series' panel.
struct NftPrints {
    /// Per row: the log return of the print ending there, 0 without a print.
    returns: Vec<f64>,
    /// Per row: the rows the print spans (0 without a print).
    span: Vec<u32>,
    /// Per row: whether the index covers it (inside its first start and last print).
    observed: Vec<bool>,
}

/// Maps the NFT's own returns (`nft_ends[i]`, from `nft_starts[i]`, log return `nft[i]`) onto
/// the rows `dates` of the other series. A return of exactly 0 is a stale mark (no sale, or a
/// smoothed index that did not move): it is no print, and the next print's return spans the
/// whole interval since the previous print. Rows after the index's last print are uncovered.
fn nft_prints(
    dates: &[NaiveDate],
    nft_ends: &[NaiveDate],
    nft_starts: &[NaiveDate],
    nft: &[f64],
) -> NftPrints {
    let n = dates.len();
    let mut out = NftPrints { returns: vec![0.0; n], span: vec![0; n], observed: vec![false; n] };
    let (Some(first), Some(last)) = (nft_starts.first(), nft_ends.last()) else { return out };
    // The row before the first covered row: the NFT's first interval starts at its close.
    let mut prev = dates.partition_point(|d| d <= first);
    let mut pending = 0.0;
    for (end, r) in nft_ends.iter().zip(nft) {
        pending += r;
        let Ok(t) = dates.binary_search(end) else { continue };
        if pending != 0.0 && t >= prev {
            out.returns[t] = pending;
            out.span[t] = (t + 1 - prev) as u32;
            pending = 0.0;
            prev = t + 1;
        }
    }
    let end = dates.partition_point(|d| d <= last);
    let begin = dates.partition_point(|d| d <= first);
    for o in &mut out.observed[begin..end] {
        *o = true;
    }
    out
}

/// Reads the book and measures every sizing input in the store.
///
/// Target returns are the book's basket (BTC, ETH, NFT weighted by delta notional); hedge
/// ratios `Cov/Var` on the VIX log change and the SPX log return in the calm and stress bands
/// (`crosshedge_stats::effectiveness::min_variance_hedge_ratio`), `k = h_stress/h_calm`, every
/// row labelled by the band of the close at the start of its return interval; the NFT's ratios
/// on its prints, each paired with the other series' returns over the same interval (as
/// `basis --target nft` pairs them); the AR(1) of log VIX on all closes; the futures curve at
/// 30/60/90 days from that AR(1) with the term premium fitted to the store's settlements;
/// SPX vol = VIX/100; the cover table's per-regime moments over `move_days` from the joint
/// model fitted to the same rows ([`crosshedge_simulation::JointModel::horizon_moments`]).
/// Everything ends on the as-of date (`as_of`, default the last date the four series share)
/// and every start value (VIX, SPX, VVIX, the band) is read there.
///
/// The result is memoised in the workspace ([`Workspace::memo`], kind `"measure"`): the
/// stress test and the backtest of one `report` measure the book once.
///
/// # Errors
/// Input errors for a bad book, a wrong number of crypto series, bad bands, unknown series or
/// a book without delta notional; analysis errors when a statistic or the fit fails.
pub fn measure(ws: &Workspace, req: &MeasureRequest) -> Result<Measured, AppError> {
    // The measurement depends on the book's exposures only; its layers pick nothing but the
    // crypto option market, resolved after the memo. So books that differ only in their layers
    // (the tournament's candidates, a report's stress, backtest and claims) share one.
    let book = req.book.load()?;
    let core = Book { layers: Vec::new(), ..book.clone() };
    let core_req = MeasureRequest {
        book: BookSource::Toml(core.to_toml()?),
        crypto_vol: None,
        crypto_vol_settings: Default::default(),
        ..req.clone()
    };
    let key = serde_json::to_string(&core_req)?;
    let mut m = ws.memo("measure", key, || measure_uncached(ws, &core_req))?;
    spx_layer_check(&book, m.spx_fitted, &req.spx)?;
    let coins = crate::crypto_market::resolve_book(
        ws,
        &book,
        &req.crypto,
        req.crypto_vol.as_deref(),
        &req.crypto_vol_settings,
        m.meta.as_of,
    )?;
    m.inputs.crypto = crate::crypto_market::sizing_inputs(&coins);
    m.meta.crypto_options = coins.iter().map(|c| c.meta.clone()).collect();
    m.crypto = coins;
    m.book = book;
    Ok(m)
}

/// The longest horizon of the cover table's moves, in trading days (10 years): the moments
/// are summed day by day.
pub const MAX_MOVE_DAYS: usize = 2520;

/// The request's numbers and signal names: the rates finite decimals within ±10 (1000 %),
/// the vol of vol finite and positive, the cover table's `--move-days` in `1..=MAX_MOVE_DAYS`, every
/// `--signal` a known signal
/// ([`crosshedge_hedging::book::SIGNAL_NAMES`]).
///
/// # Errors
/// An input error naming the flag.
pub fn check_values(req: &MeasureRequest) -> Result<(), AppError> {
    for (flag, v) in [
        ("--rate", req.rate),
        ("--funding", req.funding),
        ("request field `spx_div_yield`", req.spx_div_yield),
    ] {
        if !(v.is_finite() && v.abs() <= 10.0) {
            return Err(AppError::input(format!(
                "{flag} must be a finite decimal a year within [-10, 10], got {v}"
            )));
        }
    }
    if let Some(v) = req.vol_of_vol {
        if !(v.is_finite() && v > 0.0 && v <= 10.0) {
            return Err(AppError::input(format!(
                "--vol-of-vol must be a finite decimal in (0, 10], got {v}"
            )));
        }
    }
    if !(1..=MAX_MOVE_DAYS).contains(&req.move_days) {
        return Err(AppError::input(format!(
            "--move-days must be between 1 and {MAX_MOVE_DAYS} (10 years of trading days), got {}",
            req.move_days
        )));
    }
    let known = crosshedge_hedging::book::SIGNAL_NAMES;
    if let Some(s) = req.signals.iter().find(|s| !known.contains(&s.as_str())) {
        return Err(AppError::input(format!(
            "--signal '{s}' is not a signal (known: {})",
            known.join(", ")
        )));
    }
    Ok(())
}

/// [`measure`] without the workspace's memo.
fn measure_uncached(ws: &Workspace, req: &MeasureRequest) -> Result<Measured, AppError> {
    check_values(req)?;
    let book = req.book.load()?;
    let crypto: Vec<&str> = req.crypto.iter().map(|s| s.trim()).collect();
    if crypto.len() != 3 {
        return Err(AppError::input(format!(
            "--crypto needs three series (btc,eth,nft), got '{}'",
            req.crypto.join(",")
        )));
    }
    let names = [req.vix.as_str(), req.spx.as_str(), crypto[0], crypto[1], crypto[2]];
    let spx_fitted = spx_needed(ws, &req.spx)?;
    let series = market_series(ws, &names, spx_fitted, req.as_of)?;
    let roles = ["the VIX", "the SPX", "the BTC price", "the ETH price", "the NFT index"];
    for (s, role) in series.iter().zip(roles) {
        units::require(s, role, units::LEVELS)?;
    }
    let mut warnings = Vec::new();
    if !spx_fitted {
        warnings.push(spx_not_modelled(&req.spx));
    }
    // VIX, SPX, BTC and ETH on their common window; the NFT index (often shorter, e.g. the
    // real data's CryptoPunks proxy) on the rows it covers: every statistic that involves it
    // uses those rows only (available-case), the rest use the whole window.
    let refs: Vec<_> = series[..4].iter().collect();
    let panel = align(&refs, AlignPolicy::UsClose)?;
    let rp = panel.returns(ReturnKind::Log)?;
    // The as-of date: the last close all four share; every start value is read there.
    let as_of = panel.dates.last().copied();
    let all: Vec<_> = series.iter().collect();
    let nft_rp = align(&all, AlignPolicy::UsClose)?.returns(ReturnKind::Log)?;
    let nft = nft_prints(&rp.dates, &nft_rp.dates, &nft_rp.start_dates, &nft_rp.columns[4]);
    let log_vix_prev: Vec<f64> =
        panel.levels[0][..panel.levels[0].len() - 1].iter().map(|v| v.ln()).collect();
    let bands = BandConfig {
        calm_below: req.calm_below,
        stress_above: req.stress_above,
        ..BandConfig::default()
    };
    bands.validate().map_err(|e| AppError::input(format!("vix bands: {e}")))?;
    // Each row labelled by the band of the close at the start of its return interval.
    let vb = vix_bands_over(&series[0], &rp.start_dates, &rp.dates, &bands)?;
    let labels = vb.labeling.labels.clone();
    let notional = asset_notional(&book);
    let tot = notional.total();
    if tot.is_nan() || tot <= 0.0 {
        return Err(AppError::input(format!(
            "the book '{}' has no positive delta notional",
            book.name
        )));
    }
    let w = [notional.btc / tot, notional.eth / tot, notional.nft / tot];
    let c = [
        rp.columns[0].clone(),
        rp.columns[1].clone(),
        rp.columns[2].clone(),
        rp.columns[3].clone(),
        nft.returns.clone(),
    ];
    let rows = regime_rows(&labels, 3)?;
    let nft_rows: Vec<Vec<usize>> =
        rows.iter().map(|r| r.iter().copied().filter(|&i| nft.observed[i]).collect()).collect();
    // The NFT's prints per band: each print's return spans the rows since the previous print
    // and is paired with the other series' returns over the same rows (their sums), labelled
    // by the band at the interval's start, as `basis --target nft` pairs them.
    let print_rows: Vec<usize> = (0..rp.len()).filter(|&t| nft.span[t] > 0).collect();
    let start_row = |t: usize| t + 1 - nft.span[t] as usize;
    let print_bands: Vec<Vec<usize>> = (0..3)
        .map(|s| print_rows.iter().copied().filter(|&t| labels[start_row(t)] == Some(s)).collect())
        .collect();
    // A band with fewer than 30 prints borrows the pooled prints (as the stress fit does).
    let labelled_prints: Vec<usize> =
        print_rows.iter().copied().filter(|&t| labels[start_row(t)].is_some()).collect();
    let over_span = |k: usize, t: usize| -> f64 { c[k][start_row(t)..=t].iter().sum() };
    // The basket's minimum-variance ratio on column `k` in regime `s`: the OLS slope is linear
    // in the regressand, so it is Σ_j w_j · slope_j, each asset's slope on the rows it covers
    // (identical to the basket's own slope when every asset covers every row).
    let ratio = |s: usize, k: usize| -> Result<f64, AppError> {
        let mut h = 0.0;
        for (j, wj) in w.iter().enumerate() {
            if *wj == 0.0 {
                continue;
            }
            let slope = if j == 2 {
                let r = if print_bands[s].len() >= 30 { &print_bands[s] } else { &labelled_prints };
                let y: Vec<f64> = r.iter().map(|&t| c[4][t]).collect();
                let x: Vec<f64> = r.iter().map(|&t| over_span(k, t)).collect();
                min_variance_hedge_ratio(&y, &x)
            } else {
                min_variance_hedge_ratio(&subset(&c[2 + j], &rows[s]), &subset(&c[k], &rows[s]))
            };
            h += wj
                * slope.with_context(|| {
                    format!("hedge ratio of {} in the {} VIX band", names[2 + j], BAND_NAMES[s])
                })?;
        }
        Ok(h)
    };
    let (h_calm, h_stress) = (ratio(0, 0)?, ratio(2, 0)?);
    let (s_calm, s_stress) = if spx_fitted { (ratio(0, 1)?, ratio(2, 1)?) } else { (0.0, 0.0) };
    let (b_calm, b_stress) = (ratio(0, 2)?, ratio(2, 2)?);
    if h_calm == 0.0 {
        return Err(AppError::analysis(
            "the calm hedge ratio on the VIX is 0: no decorrelation factor",
        ));
    }
    let logvix: Vec<f64> = series[0].values().iter().map(|v| v.ln()).collect();
    let LogVixAr1 { phi, mean_log, sd: ar_sd } = ar1(&logvix)?;
    let vix = *panel.levels[0].last().unwrap_or(&20.0);
    let spx = *panel.levels[1].last().unwrap_or(&1.0);
    // VIX option vol for sizing: the request's, else the as-of date's VVIX/100, else the
    // default.
    let store = ws.store()?;
    let stored_vvix = if store.list()?.iter().any(|s| s.name == "vvix") {
        let v = ws.load("vvix", None, None)?;
        as_of
            .and_then(|d| v.as_of(d).filter(|(at, _)| (d - *at).num_days() <= 7))
            .map(|(at, x)| (at, x / 100.0))
    } else {
        None
    };
    let (vol_of_vol, vol_of_vol_source) = match (req.vol_of_vol, stored_vvix) {
        (Some(v), _) => (v, "--vol-of-vol".to_string()),
        (None, Some((at, v))) => (v, format!("VVIX/100 on {at}")),
        (None, None) => (
            DEFAULT_VOL_OF_VOL,
            format!(
                "default {DEFAULT_VOL_OF_VOL} (no vvix stored within 7 days before the as-of date)"
            ),
        ),
    };
    let mut fm = demo_futures();
    fm.phi = phi;
    fm.mean_log = mean_log;
    fm.sd = ar_sd;
    // The term premium a(1 − e^{−h/τ}) fitted to the store's VX settlements (tenors of 1..252
    // trading days, log VIX at the same close); the demo calibration's premium without them.
    let settlements = store.futures("vx")?;
    let curve_source = if settlements.is_empty() {
        "AR(1) of log VIX with the demo calibration's term premium (no vx settlements stored)"
            .to_string()
    } else {
        let first = settlements.iter().map(|r| r.0).min().unwrap_or_default();
        let last = settlements.iter().map(|r| r.1).max().unwrap_or_default();
        let days = Calendar::Us.trading_days(first, last);
        let index = |d: NaiveDate| days.partition_point(|x| *x < d);
        let vix_by_date: BTreeMap<NaiveDate, f64> =
            series[0].dates().iter().copied().zip(series[0].values().iter().copied()).collect();
        let rows: Vec<(f64, f64, f64)> = settlements
            .iter()
            .filter_map(|(date, expiry, settle)| {
                let v = vix_by_date.get(date)?;
                let h = index(*expiry) as f64 - index(*date) as f64;
                (1.0..=252.0).contains(&h).then(|| (v.ln(), h, *settle))
            })
            .collect();
        match fm.with_fitted_premium(&rows) {
            Ok(fitted) => {
                fm = fitted;
                format!(
                    "AR(1) of log VIX with a term premium a(1 - exp(-h/tau)) fitted to {} vx settlements: a = {:.4}, tau = {:.1} trading days",
                    rows.len(),
                    fm.premium_a,
                    fm.premium_tau_days
                )
            }
            Err(e) => format!(
                "AR(1) of log VIX with the demo calibration's term premium (the {} usable vx settlements could not be fitted: {e})",
                rows.len()
            ),
        }
    };
    let vix_curve = [30.0, 60.0, 90.0]
        .iter()
        .map(|d| CurvePoint { days: *d, price: fm.price(vix.ln(), d * 252.0 / 365.0) })
        .collect();
    let band = if vix < req.calm_below {
        Band::Calm
    } else if vix > req.stress_above {
        Band::Stress
    } else {
        Band::Normal
    };
    // The cover table conditions on the target's own 1-in-20 loss in each regime under the
    // joint distribution the stress model fits to the same rows (its regime vols, correlations
    // and VIX mean reversion; zero drift), so the VIX moves by its correlation with the target.
    let joint = fit(
        &FitData {
            log_vix_prev: &log_vix_prev,
            vix_change: &c[0],
            spx: spx_fitted.then_some(&c[1][..]),
            btc: &c[2],
            eth: &c[3],
            nft: &c[4],
            nft_observed: Some(&nft.observed),
            nft_span: Some(&nft.span),
            labels: &labels,
        },
        &FitOptions {
            futures: fm,
            rate: req.rate,
            spx_div_yield: req.spx_div_yield,
            ..FitOptions::default()
        },
    )
    .context("fitting the joint model behind the cover table")?
    .with_zero_drift();
    let move_days = req.move_days;
    let moments = |s: usize| joint.horizon_moments(s, w, vix.ln(), move_days);
    let inputs = SizingInputs {
        hedge_ratio_calm: h_calm,
        hedge_ratio_stress: h_stress,
        decorrelation_factor: h_stress / h_calm,
        spx_hedge_ratio_calm: s_calm,
        spx_hedge_ratio_stress: s_stress,
        btc_beta_calm: b_calm,
        btc_beta_stress: b_stress,
        vix,
        vix_curve,
        vix_ar_phi: phi,
        vix_mean_log: mean_log,
        vix_ar_sd: ar_sd,
        vol_of_vol,
        spx,
        spx_vol: vix / 100.0,
        spx_div_yield: req.spx_div_yield,
        rate: req.rate,
        funding_per_year: req.funding,
        band,
        signals: req.signals.clone(),
        moments: [moments(0)?, moments(2)?],
        crypto: Default::default(),
    };

    let meta = MeasureMeta {
        book: book.name.clone(),
        series: names
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1 || spx_fitted)
            .map(|(_, s)| s.to_string())
            .collect(),
        as_of,
        from: rp.dates.first().copied(),
        to: rp.dates.last().copied(),
        rows_per_band: [rows[0].len(), rows[1].len(), rows[2].len()],
        nft_rows_per_band: [nft_rows[0].len(), nft_rows[1].len(), nft_rows[2].len()],
        nft_prints_per_band: [print_bands[0].len(), print_bands[1].len(), print_bands[2].len()],
        nft_from: nft_rp.dates.first().copied(),
        nft_to: nft_rp.dates.last().copied(),
        basket_weights: w,
        curve_source,
        vol_of_vol,
        vol_of_vol_source,
        move_days,
        crypto_options: Vec::new(),
    };
    Ok(Measured {
        futures: fm,
        book,
        inputs,
        meta,
        log_vix_prev,
        columns: c,
        nft_observed: nft.observed,
        nft_span: nft.span,
        labels,
        dates: rp.dates.clone(),
        crypto: Vec::new(),
        spx_fitted,
        warnings,
    })
}

/// The VIX bands by index, as messages name them.
const BAND_NAMES: [&str; 3] = ["calm", "normal", "stress"];

/// The start of the warning a measurement without SPX data carries ([`spx_not_modelled`]).
pub const SPX_NOT_MODELLED: &str = "no SPX series";

/// The warning of a measurement without the SPX series `name`.
pub fn spx_not_modelled(name: &str) -> String {
    format!(
        "{SPX_NOT_MODELLED} '{name}' in the store, so the SPX factor is not measured: its hedge \
         ratios are reported as 0, its level as 1 and its moves come from a placeholder \
         independent of every other factor (zero correlations, the VIX-implied vol), which no \
         position of these hedges reads (none is on the SPX); import an SPX series to measure it"
    )
}

/// Whether the measurement reads an SPX series: yes when the store has `name`; without it, an
/// SPX series named other than the default `spx` is an input error (a typo must not pass
/// silently), and the default name means "measure without SPX data" — which
/// [`measure`] refuses for a book with an SPX layer ([`spx_layer_check`]).
///
/// # Errors
/// [`AppError::input`] as above; store errors.
pub fn spx_needed(ws: &Workspace, name: &str) -> Result<bool, AppError> {
    if ws.store()?.list()?.iter().any(|s| s.name == name) {
        return Ok(true);
    }
    if name != MeasureRequest::default().spx {
        return Err(AppError::input(format!(
            "no series '{name}' in the store (--spx); without SPX data leave --spx at its \
             default and a book without SPX layers is measured without an SPX factor"
        )));
    }
    Ok(false)
}

/// Refuses a measurement without SPX data for a book that holds an SPX layer.
///
/// # Errors
/// [`AppError::input`] naming the layer and the missing series.
pub fn spx_layer_check(book: &Book, spx_fitted: bool, name: &str) -> Result<(), AppError> {
    let spx_layer =
        book.layers.iter().find(|l| l.instrument == crosshedge_hedging::Instrument::SpxPutSpread);
    match spx_layer {
        Some(l) if !spx_fitted => Err(AppError::input(format!(
            "the book '{}' has an SPX layer ('{}', {}) but the store has no series '{name}': \
             import one (see `crosshedge import --help`) or name another with --spx",
            book.name,
            l.name,
            l.instrument.as_str()
        ))),
        _ => Ok(()),
    }
}

/// The market series `names` (VIX, SPX, then the crypto series) up to `to`; without SPX data
/// (`spx_fitted` false) the SPX is a constant stand-in on the VIX's dates, so the panels keep
/// their layout and their dates are the VIX's and the crypto series': every SPX return 0,
/// read by no estimate.
///
/// # Errors
/// The store's errors.
pub(crate) fn market_series(
    ws: &Workspace,
    names: &[&str],
    spx_fitted: bool,
    to: Option<NaiveDate>,
) -> Result<Vec<Series>, AppError> {
    let mut series = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        series.push(if i == 1 && !spx_fitted {
            let vix: &Series = &series[0];
            Series::new(
                *n,
                Calendar::Us,
                crosshedge_core::units::SeriesUnit::Price,
                vix.dates().to_vec(),
                vec![1.0; vix.len()],
            )?
        } else {
            ws.load(n, None, to)?
        });
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_default_dividend_yield_is_the_demo_calibrations() {
        assert_eq!(DEFAULT_SPX_DIV_YIELD, crosshedge_simulation::JointModel::demo().spx_div_yield);
        assert_eq!(FitOptions::default().spx_div_yield, DEFAULT_SPX_DIV_YIELD);
    }

    #[test]
    fn book_sources_parse_from_the_flag_and_from_json() {
        assert_eq!(BookSource::from("default"), BookSource::Default);
        assert_eq!(BookSource::from("b.toml"), BookSource::Path("b.toml".into()));
        let b: BookSource = serde_json::from_str("\"default\"").unwrap();
        assert_eq!(b, BookSource::Default);
        let b: BookSource = serde_json::from_str("{\"toml\": \"name = 'x'\"}").unwrap();
        assert_eq!(b, BookSource::Toml("name = 'x'".into()));
        let b: BookSource = serde_json::from_str("{\"path\": \"b.toml\"}").unwrap();
        assert_eq!(b, BookSource::Path("b.toml".into()));
    }

    #[test]
    fn nft_prints_span_the_stale_marks() {
        let d = |i: u32| NaiveDate::from_ymd_opt(2024, 1, i).unwrap();
        let dates: Vec<_> = (2..=6).map(d).collect();
        // The index starts at day 1's close; day 3 is a stale mark (0), day 4's print spans 3..4.
        let p = nft_prints(&dates, &[d(2), d(3), d(4)], &[d(1), d(2), d(3)], &[0.1, 0.0, 0.2]);
        assert_eq!(p.returns, vec![0.1, 0.0, 0.2, 0.0, 0.0]);
        assert_eq!(p.span, vec![1, 0, 2, 0, 0]);
        assert_eq!(p.observed, vec![true, true, true, false, false]);
    }
}
