//! `crosshedge hedge`: size every layer of a hedge book from the hedge ratios measured in the
//! store, under the book's premium budget.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::returns::ReturnKind;
use crosshedge_data::store::Store;
use crosshedge_hedging::{
    asset_notional, size_book, Band, Book, CurvePoint, HedgePlan, SizingInputs,
};
use crosshedge_labels::bands::{vix_bands_over, BandConfig};
use crosshedge_simulation::{demo_futures, fit, FitData, FitOptions, FuturesModel};
use crosshedge_stats::effectiveness::min_variance_hedge_ratio;
use crosshedge_stats::regime::{regime_rows, subset};
use serde::Serialize;

use super::Ctx;
use crate::exit::UsageError;
use crate::output::{self, pct};

/// What `hedge` and `stress` measure in the store.
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// The hedge book (TOML); `default` for the built-in adaptive layered VIX hedge.
    #[arg(long, default_value = "default")]
    pub book: String,
    /// VIX series (bands, hedge ratios, AR(1) of log VIX).
    #[arg(long, default_value = "vix")]
    pub vix: String,
    /// SPX series.
    #[arg(long, default_value = "spx")]
    pub spx: String,
    /// BTC, ETH and NFT index series, comma-separated.
    #[arg(long, default_value = "btc,eth,nft")]
    pub crypto: String,
    /// Calm band: VIX below this.
    #[arg(long, default_value_t = 15.0)]
    pub calm_below: f64,
    /// Stress band: VIX above this.
    #[arg(long, default_value_t = 25.0)]
    pub stress_above: f64,
    /// Black-76 implied vol of VIX options (decimal); default: the last VVIX/100 in the store
    /// (at most 7 days before the last VIX close), else 0.9.
    #[arg(long)]
    pub vol_of_vol: Option<f64>,
    /// Risk-free rate (decimal, continuously compounded).
    #[arg(long, default_value_t = 0.04)]
    pub rate: f64,
    /// Perp funding per year received by shorts (decimal).
    #[arg(long, default_value_t = 0.08)]
    pub funding: f64,
    /// Signals that are on (for `signal` triggers); repeatable.
    #[arg(long = "signal")]
    pub signals: Vec<String>,
    /// Horizon of the regime-typical moves in trading days.
    #[arg(long, default_value_t = 21)]
    pub move_days: usize,
    /// The as-of date (YYYY-MM-DD): the measured window ends there and every start value
    /// (VIX, SPX, VVIX, the band) is that day's close; default: the last date VIX, SPX and
    /// the crypto series all share (the last common NYSE day on or before it when given).
    #[arg(long)]
    pub as_of: Option<String>,
}

/// `crosshedge hedge`.
#[derive(Debug, Args)]
pub struct HedgeArgs {
    /// Book and measurement settings.
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// Aligned daily data behind the sizing (us-close rows).
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
}

/// The measurement's description (JSON).
#[derive(Debug, Clone, Serialize)]
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
    /// Black-76 vol of VIX options used for sizing.
    pub vol_of_vol: f64,
    /// Where it came from (`--vol-of-vol`, VVIX/100 on a date, or the default).
    pub vol_of_vol_source: String,
    /// Horizon of the cover table in trading days.
    pub move_days: usize,
}

/// VIX option vol when neither `--vol-of-vol` nor a recent VVIX is available.
pub const DEFAULT_VOL_OF_VOL: f64 = 0.9;

fn ar1(x: &[f64]) -> anyhow::Result<(f64, f64, f64)> {
    let n = x.len();
    if n < 30 {
        return Err(UsageError(format!("the VIX series has {n} closes, need at least 30")).into());
    }
    let (a, b) = (&x[..n - 1], &x[1..]);
    let m = (n - 1) as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / m, b.iter().sum::<f64>() / m);
    let sab: f64 = a.iter().zip(b).map(|(p, q)| (p - ma) * (q - mb)).sum();
    let saa: f64 = a.iter().map(|p| (p - ma) * (p - ma)).sum();
    let phi = sab / saa;
    let c = mb - phi * ma;
    let sse: f64 = a.iter().zip(b).map(|(p, q)| (q - c - phi * p).powi(2)).sum();
    if !(phi > 0.0 && phi < 1.0) {
        anyhow::bail!("the AR(1) of log VIX is not stationary (phi = {phi})");
    }
    Ok((phi, c / (1.0 - phi), (sse / (m - 2.0)).sqrt()))
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
/// Everything ends on the as-of date (`--as-of`, default the last date the four series share)
/// and every start value (VIX, SPX, VVIX, the band) is read there.
pub fn measure(store: &Store, a: &MeasureArgs) -> anyhow::Result<Measured> {
    let book = if a.book == "default" {
        Book::default_layered()
    } else {
        let path = PathBuf::from(&a.book);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| UsageError(format!("reading book {}: {e}", path.display())))?;
        Book::parse_toml(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())))?
    };
    let crypto: Vec<&str> = a.crypto.split(',').map(str::trim).collect();
    if crypto.len() != 3 {
        return Err(UsageError(format!(
            "--crypto needs three series (btc,eth,nft), got '{}'",
            a.crypto
        ))
        .into());
    }
    let names = [a.vix.as_str(), a.spx.as_str(), crypto[0], crypto[1], crypto[2]];
    let as_of_flag = super::parse_date_flag("as-of", &a.as_of)?;
    let series =
        names.iter().map(|n| store.load(n, None, as_of_flag)).collect::<Result<Vec<_>, _>>()?;
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
        calm_below: a.calm_below,
        stress_above: a.stress_above,
        ..BandConfig::default()
    };
    bands.validate().map_err(|e| UsageError(format!("vix bands: {e}")))?;
    // Each row labelled by the band of the close at the start of its return interval.
    let vb = vix_bands_over(&series[0], &rp.start_dates, &rp.dates, &bands)?;
    let labels = vb.labeling.labels.clone();
    let notional = asset_notional(&book);
    let tot = notional.total();
    if tot.is_nan() || tot <= 0.0 {
        return Err(
            UsageError(format!("the book '{}' has no positive delta notional", book.name)).into()
        );
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
    let ratio = |s: usize, k: usize| -> anyhow::Result<f64> {
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
                * slope.with_context(|| format!("hedge ratio of {} in band {s}", names[2 + j]))?;
        }
        Ok(h)
    };
    let (h_calm, h_stress) = (ratio(0, 0)?, ratio(2, 0)?);
    let (s_calm, s_stress) = (ratio(0, 1)?, ratio(2, 1)?);
    let (b_calm, b_stress) = (ratio(0, 2)?, ratio(2, 2)?);
    if h_calm == 0.0 {
        anyhow::bail!("the calm hedge ratio on the VIX is 0: no decorrelation factor");
    }
    let logvix: Vec<f64> = series[0].values().iter().map(|v| v.ln()).collect();
    let (phi, mean_log, ar_sd) = ar1(&logvix)?;
    let vix = *panel.levels[0].last().unwrap_or(&20.0);
    let spx = *panel.levels[1].last().unwrap_or(&1.0);
    // VIX option vol for sizing: the user's, else the as-of date's VVIX/100, else 0.9.
    let last_vix_date = as_of;
    let stored_vvix = if store.list()?.iter().any(|s| s.name == "vvix") {
        let v = store.load("vvix", None, None)?;
        last_vix_date
            .and_then(|d| v.as_of(d).filter(|(at, _)| (d - *at).num_days() <= 7))
            .map(|(at, x)| (at, x / 100.0))
    } else {
        None
    };
    let (vol_of_vol, vol_of_vol_source) = match (a.vol_of_vol, stored_vvix) {
        (Some(v), _) => (v, "--vol-of-vol".to_string()),
        (None, Some((at, v))) => (v, format!("VVIX/100 on {at}")),
        (None, None) => (
            DEFAULT_VOL_OF_VOL,
            "default 0.9 (no vvix stored within 7 days before the as-of date)".to_string(),
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
    let band = if vix < a.calm_below {
        Band::Calm
    } else if vix > a.stress_above {
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
            spx: &c[1],
            btc: &c[2],
            eth: &c[3],
            nft: &c[4],
            nft_observed: Some(&nft.observed),
            nft_span: Some(&nft.span),
            labels: &labels,
        },
        &FitOptions { futures: fm, rate: a.rate, ..FitOptions::default() },
    )
    .context("fitting the joint model behind the cover table")?
    .with_zero_drift();
    let moments = |s: usize| joint.horizon_moments(s, w, vix.ln(), a.move_days.max(1));
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
        spx_div_yield: 0.015,
        rate: a.rate,
        funding_per_year: a.funding,
        band,
        signals: a.signals.clone(),
        moments: [moments(0)?, moments(2)?],
    };
    let meta = MeasureMeta {
        book: book.name.clone(),
        series: names.iter().map(|s| s.to_string()).collect(),
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
        move_days: a.move_days.max(1),
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
    })
}

/// The JSON of `hedge`.
#[derive(Serialize)]
pub struct HedgeOutput {
    /// What was measured.
    pub measured: MeasureMeta,
    /// The sizing inputs.
    pub inputs: SizingInputs,
    /// The sized book.
    pub plan: HedgePlan,
}

pub fn run(ctx: &Ctx, a: HedgeArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let m = measure(&store, &a.measure)?;
    let plan = size_book(&m.book, &m.inputs)?;
    let out = HedgeOutput { measured: m.meta, inputs: m.inputs, plan };
    output::print(ctx.json, &out, render)
}

fn render(o: &HedgeOutput) -> String {
    let p = &o.plan;
    let i = &o.inputs;
    let mut s = format!(
        "book: {}   delta notional {:.0} (btc {:.0}, eth {:.0}, nft {:.0})   as of {}, measured {} .. {}{}\n\
         hedge ratio on VIX: calm {:+.4}, stress {:+.4}, decorrelation factor {:.2}   VIX {:.2} ({:?})\n\
         VIX options at {} vol ({}); futures curve: {}\n",
        p.book,
        p.target_notional,
        p.asset_notional.btc,
        p.asset_notional.eth,
        p.asset_notional.nft,
        output::date_or_dash(o.measured.as_of),
        output::date_or_dash(o.measured.from),
        output::date_or_dash(o.measured.to),
        if (o.measured.nft_from, o.measured.nft_to) == (o.measured.from, o.measured.to) {
            String::new()
        } else {
            format!(
                " (NFT index {} .. {}: its statistics use those days only)",
                output::date_or_dash(o.measured.nft_from),
                output::date_or_dash(o.measured.nft_to)
            )
        },
        i.hedge_ratio_calm,
        i.hedge_ratio_stress,
        i.decorrelation_factor,
        i.vix,
        i.band,
        pct(o.measured.vol_of_vol, 1),
        o.measured.vol_of_vol_source,
        o.measured.curve_source,
    );
    let mut t = output::table(&[
        "layer",
        "instrument",
        "on",
        "tenor",
        "strikes",
        "quantity",
        "premium",
        "cost/yr",
        "Δ/lnVIX",
        "vega",
    ]);
    for l in &p.layers {
        t.add_row(vec![
            l.name.clone(),
            l.instrument.as_str().to_string(),
            if l.active { "yes".into() } else { "no".into() },
            format!("{}d", l.tenor_days),
            l.strikes.map_or_else(|| "-".into(), |k| format!("{:.2}/{:.2}", k[0], k[1])),
            format!("{:.2}", l.quantity),
            format!("{:.0}", l.premium),
            format!("{:.0}", l.cost_per_year),
            format!(
                "{:.0}",
                l.greeks.delta_log_vix + l.greeks.spx_delta_log + l.greeks.crypto_delta_log
            ),
            format!("{:.0}", l.greeks.vix_vega + l.greeks.spx_vega),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str(&format!(
        "\npremium {:.0}   cost/yr {:.0} ({} of notional)   theta/day {:.0}   NFT carry/yr {:.0}\n",
        p.premium,
        p.cost_per_year,
        pct(p.cost_per_year / p.target_notional, 2),
        p.greeks.theta_per_day,
        p.nft_carry_per_year
    ));
    s.push_str(&format!(
        "THE BUDGET BUYS {} OF THE HEDGE-RATIO REQUIREMENT: the requirement costs {:.0}/yr, the budget is {:.0}/yr ({} of notional); every layer is scaled by {:.3}\n",
        pct(p.budget_scale, 1),
        p.requirement_cost_per_year,
        p.budget_per_year,
        pct(p.budget_per_year / p.target_notional, 2),
        p.budget_scale,
    ));
    s.push_str(&format!(
        "\nCover given the target's own 1-in-20 loss over {} trading days in each regime (the stress model's joint distribution: the VIX moves by its correlation with the target):\n",
        o.measured.move_days
    ));
    let mut c = output::table(&[
        "regime",
        "target loss",
        "E[VIX move]",
        "E[SPX move]",
        "E[hedge P&L]",
        "E[cover]",
        "P(>=25%)",
        "P(>=50%)",
        "P(>=75%)",
        "P&L if perfectly correlated",
    ]);
    for r in &p.cover {
        let prob =
            |k: usize| r.cover_probability.get(k).map_or("-".into(), |c| pct(c.probability, 1));
        c.add_row(vec![
            r.regime.to_string(),
            format!("{:.0} ({})", r.target_loss, pct(1.0 - r.shock.target_log.exp(), 1)),
            pct(r.shock.vix_log.exp() - 1.0, 1),
            pct(r.shock.spx_log.exp() - 1.0, 1),
            format!("{:.0}", r.hedge_pnl),
            r.cover.map_or_else(|| "-".into(), |v| pct(v, 1)),
            prob(0),
            prob(1),
            prob(2),
            format!("{:.0}", r.hedge_pnl_perfect_correlation),
        ]);
    }
    s.push_str(&c.to_string());
    s.push_str("\nHow the layers are sized: README.md, section \"How `hedge` sizes a book\".\n");
    s
}
