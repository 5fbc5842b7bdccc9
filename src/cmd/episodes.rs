//! `crosshedge episodes`: what a calm-sized hedge did through each named shock episode.

use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::store::Store;
use crosshedge_labels::bands::{vix_bands_over, BandConfig};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_pricing::vix::{etp_proxy, ProxyWeighting, VixFuturesRow};
use crosshedge_stats::effectiveness::min_variance_hedge_ratio;
use crosshedge_stats::episode::{episodes_slippage, EpisodeSlippage};
use crosshedge_stats::ols::ols_hac;
use crosshedge_stats::regime::{regime_rows, subset};
use serde::Serialize;

use super::pair::{load_pair_with, load_vix, PairMeta};
use super::Ctx;
use crate::cli::EpisodesArgs;
use crate::exit::UsageError;
use crate::output::{self, pct};

/// The `--hedge` value that asks for the default tradable VIX hedge (see [`resolve_hedge`]).
pub const AUTO_HEDGE: &str = "auto";
/// Name of the 30-day constant-maturity VIX futures proxy built from the stored settlements.
pub const CM30_HEDGE: &str = "vx-cm30";

#[derive(Serialize)]
pub struct EpisodeRow {
    #[serde(flatten)]
    pub slippage: EpisodeSlippage,
    /// Date of the episode's first return row in the sample.
    pub start: String,
    /// Date of the episode's last return row in the sample (inclusive).
    pub end: String,
    /// The catalogue window, `start` and `end` inclusive.
    pub catalogue_start: String,
    pub catalogue_end: String,
    /// True when the sample starts or ends inside the episode's window: the figures cover only
    /// the in-sample part (`start`..`end`).
    pub truncated: bool,
    pub category: String,
    pub source: String,
}

#[derive(Serialize)]
pub struct EpisodesOutput {
    #[serde(flatten)]
    pub meta: PairMeta,
    /// What the hedge series is and why it was chosen.
    pub hedge_instrument: String,
    /// The hedge ratio the hedge is sized with: h* of the calm VIX band.
    pub hedge_ratio_calm: f64,
    /// Newey-West (HAC) t statistic of the calm h* (`None` when undefined).
    pub hedge_ratio_calm_t_hac: Option<f64>,
    /// Sign of a protective hedge ratio for a long target: -1 for a long-volatility hedge (VIX,
    /// VIX futures, long-vol ETPs: bought, since they rise when the target falls), +1 otherwise
    /// (sold, since it falls with the target).
    pub protective_sign: i8,
    /// Rows the calm h* was estimated on.
    pub n_calm: usize,
    pub episodes: Vec<EpisodeRow>,
    /// Catalogue episodes with no aligned rows in the sample.
    pub not_in_sample: Vec<String>,
    /// Cautions about the hedge and its ratio (untradable spot VIX, an insignificant or
    /// wrong-signed calm h*, roll jumps, data gaps).
    pub warnings: Vec<String>,
}

/// The hedge an episode analysis uses.
pub struct HedgeChoice {
    /// Series name (a stored series, or [`CM30_HEDGE`]).
    pub name: String,
    /// The series when built here rather than stored.
    pub series: Option<Series>,
    /// What it is, for the output.
    pub description: String,
    /// Cautions that come with the choice.
    pub warnings: Vec<String>,
}

/// The 30-day constant-maturity VIX futures proxy (S&P VIX Short-Term Futures methodology: month
/// 1 and month 2 rolled daily, contract-unit weights; `crosshedge_pricing::vix::etp_proxy`, the
/// index the backtest's vol-ETP layer trades) as a level series starting at 100, from the
/// store's `vx` settlements. `None` when the store has fewer than two settlement dates. Also
/// returns the number of days skipped for a missing settlement (their return counts as zero).
pub fn cm30_proxy(store: &Store) -> anyhow::Result<Option<(Series, usize)>> {
    let rows: Vec<VixFuturesRow> = store
        .futures("vx")?
        .into_iter()
        .map(|(date, expiry, settle)| VixFuturesRow { date, expiry, settle })
        .collect();
    let mut all: Vec<_> = rows.iter().map(|r| r.date).collect();
    all.dedup();
    if all.len() < 2 {
        return Ok(None);
    }
    let p = etp_proxy(&rows, ProxyWeighting::ContractUnits)?;
    let Some(first) = p.dates.first() else { return Ok(None) };
    // The level's first value (1.0) stands on the settlement date before the first return.
    let i = all.partition_point(|d| d < first);
    let Some(d0) = i.checked_sub(1).map(|i| all[i]) else { return Ok(None) };
    let dates: Vec<_> = std::iter::once(d0).chain(p.dates.iter().copied()).collect();
    let levels: Vec<f64> = p.level.iter().map(|l| 100.0 * l).collect();
    let s = Series::new(CM30_HEDGE, Calendar::Us, SeriesUnit::Price, dates, levels)?;
    Ok(Some((s, p.skipped.len())))
}

/// Resolves `--hedge`. `auto` (the default) picks a tradable VIX hedge: the 30-day
/// constant-maturity VIX futures proxy built from the stored `vx` settlements when there are
/// any (it rolls daily, so its returns are what a holder earns), else the stored front future
/// `vx1` (raw settlements: its return on a roll day is the jump to the next contract, which no
/// holder earns, so a warning says so); with neither, a usage error. An explicit `--hedge vix`
/// stays possible and warns that spot VIX is not tradable.
pub fn resolve_hedge(store: &Store, requested: &str) -> anyhow::Result<HedgeChoice> {
    if requested != AUTO_HEDGE {
        let warnings = if requested == "vix" {
            vec!["spot VIX is not tradable (no instrument delivers the index's moves): these figures overstate any real hedge; use a VIX future (vx1) or the default constant-maturity futures proxy (omit --hedge)".to_string()]
        } else {
            Vec::new()
        };
        return Ok(HedgeChoice {
            name: requested.to_string(),
            series: None,
            description: format!("stored series `{requested}` (as given by --hedge)"),
            warnings,
        });
    }
    if let Some((s, skipped)) = cm30_proxy(store)? {
        let mut warnings = Vec::new();
        if skipped > 0 {
            warnings.push(format!("the constant-maturity proxy skips {skipped} day(s) with a missing settlement (their return counts as zero)"));
        }
        return Ok(HedgeChoice {
            name: CM30_HEDGE.to_string(),
            series: Some(s),
            description: "30-day constant-maturity VIX futures proxy (month 1 and 2 rolled daily, from the stored vx settlements), the tradable default".to_string(),
            warnings,
        });
    }
    if store.list()?.iter().any(|s| s.name == "vx1") {
        return Ok(HedgeChoice {
            name: "vx1".to_string(),
            series: None,
            description: "front VIX future vx1 (no vx settlements stored for the constant-maturity proxy)".to_string(),
            warnings: vec!["vx1 is raw front-month settlements: on a roll day its return is the jump to the next contract, which no holder earns".to_string()],
        });
    }
    Err(UsageError(
        "--hedge: no tradable VIX hedge in the store (no vx futures settlements, no vx1 series); import them, or pass --hedge explicitly (--hedge vix uses spot VIX, which is not tradable)".to_string(),
    )
    .into())
}

/// Sign of a protective hedge ratio `h` for a long target under this crate's convention (the
/// position is short `h` units of hedge per unit of target).
///
/// A long-volatility hedge rises when a crypto book falls (crashes come with VIX spikes; the
/// target's h* on it is negative), so protection means *buying* it: `h < 0`. A hedge that falls
/// with the target (an equity index, the crypto itself, an inverse-vol ETP) protects when sold:
/// `h > 0`. Long-volatility names: spot and term VIX indices (`vix*`), VIX futures and their
/// proxies and VIX/other Cboe vol indices (`vx*`), and the long-vol ETPs `uvxy`, `uvix`.
/// Inverse-vol ETPs (`svxy`, `svix`) count as falling with the target.
pub fn protective_sign(hedge: &str) -> i8 {
    let h = hedge.to_ascii_lowercase();
    let inverse = ["svxy", "svix"].contains(&h.as_str());
    let long_vol = h.starts_with("vix") || h.starts_with("vx") || h == "uvxy" || h == "uvix";
    if long_vol && !inverse {
        -1
    } else {
        1
    }
}

/// The built-in catalogue, extended by (or, with `no_builtin`, replaced by) a user file.
pub fn catalogue(file: Option<&std::path::Path>, no_builtin: bool) -> anyhow::Result<Catalogue> {
    let mut cat = if no_builtin { Catalogue::parse_toml("")? } else { Catalogue::builtin() };
    if let Some(p) = file {
        let text = std::fs::read_to_string(p)
            .map_err(|e| UsageError(format!("{}: cannot read: {e}", p.display())))?;
        cat.extend(
            Catalogue::parse_toml(&text)
                .map_err(|e| UsageError(format!("{}: {e}", p.display())))?,
        );
    }
    Ok(cat)
}

pub fn run(ctx: &Ctx, a: EpisodesArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let out = analyse(&store, &a)?;
    output::print(ctx.json, &out, render)
}

/// Cautions about the calm hedge ratio `h` of hedge `name`: insignificant (HAC `|t| < 2`, or
/// no t statistic) and wrong-signed (its sign differs from [`protective_sign`]).
pub fn ratio_warnings(h_calm: f64, t_hac: Option<f64>, sign: i8, name: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    match t_hac {
        Some(t) if t.abs() < 2.0 => warnings.push(format!(
            "the calm h* ({h_calm:+.4}) is not significant (HAC t = {t:.1}, |t| < 2): the hedge is sized on noise"
        )),
        None => warnings.push("the calm h* has no HAC t statistic".to_string()),
        _ => {}
    }
    if h_calm != 0.0 && (h_calm > 0.0) != (sign > 0) {
        warnings.push(if sign < 0 {
            format!(
                "the calm h* ({h_calm:+.4}) has the wrong sign for protection: h > 0 sells {name} short, which loses when volatility spikes in a crash; a protective long-volatility hedge of a long book has h < 0 (long the hedge)"
            )
        } else {
            format!(
                "the calm h* ({h_calm:+.4}) has the wrong sign for protection: h < 0 buys {name}, which falls with the target; a protective hedge with it has h > 0 (short the hedge)"
            )
        });
    }
    warnings
}

/// Runs the episode analysis of `a` on the store.
pub fn analyse(store: &Store, a: &EpisodesArgs) -> anyhow::Result<EpisodesOutput> {
    let choice = resolve_hedge(store, &a.pair.hedge)?;
    let mut args = a.pair.clone();
    args.hedge.clone_from(&choice.name);
    let pair = load_pair_with(store, &args, choice.series.as_ref())?;
    let cat = catalogue(a.catalogue.as_deref(), a.no_builtin)?;
    let vix = load_vix(store, &a.pair.vix)?;
    let bands =
        vix_bands_over(&vix, &pair.start_dates, &pair.dates, &BandConfig::default())?.labeling;
    let calm = regime_rows(&bands.labels, bands.states.len())?.swap_remove(0);
    let (ct, ch) = (subset(&pair.target, &calm), subset(&pair.hedge, &calm));
    let h_calm = min_variance_hedge_ratio(&ct, &ch)?;
    let t_hac = ols_hac(&ct, &ch, None, false).ok().map(|o| o.beta_t_hac).filter(|t| t.is_finite());
    let sign = protective_sign(&choice.name);
    let mut warnings = choice.warnings;
    warnings.extend(ratio_warnings(h_calm, t_hac, sign, &choice.name));
    let lab = cat.labeling(&pair.dates)?;
    let kinds = pair.kinds()?;
    let res =
        episodes_slippage(&pair.target, &pair.hedge, kinds, &lab.labels, &lab.states, h_calm)?;
    let (first, last) = match (pair.dates.first(), pair.dates.last()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return Err(UsageError("the pair has no aligned return rows".into()).into()),
    };
    let mut rows = Vec::new();
    for e in res {
        let ep = cat.get(&e.name)?;
        // `end_row` is one past the last row of the run.
        let truncated = (e.end_row == pair.dates.len() && ep.end > last)
            || (e.start_row == 0 && ep.start < first);
        rows.push(EpisodeRow {
            start: pair.dates[e.start_row].to_string(),
            end: pair.dates[e.end_row - 1].to_string(),
            catalogue_start: ep.start.to_string(),
            catalogue_end: ep.end.to_string(),
            truncated,
            category: ep.category.clone(),
            source: ep.source.clone(),
            slippage: e,
        });
    }
    let not_in_sample = cat
        .names()
        .into_iter()
        .filter(|n| !rows.iter().any(|r| r.slippage.name == *n))
        .map(str::to_string)
        .collect();
    Ok(EpisodesOutput {
        meta: pair.meta,
        hedge_instrument: choice.description,
        hedge_ratio_calm: h_calm,
        hedge_ratio_calm_t_hac: t_hac,
        protective_sign: sign,
        n_calm: calm.len(),
        episodes: rows,
        not_in_sample,
        warnings,
    })
}

/// The human table.
pub fn render(out: &EpisodesOutput) -> String {
    let m = &out.meta;
    let mut s = format!(
        "episodes: {} hedged with {} at the calm-band h* = {:+.4}{} (from {} calm rows) | alignment {}\n  hedge: {}\n",
        m.target,
        m.hedge,
        out.hedge_ratio_calm,
        out.hedge_ratio_calm_t_hac.map_or(String::new(), |t| format!(", HAC t = {t:.1}")),
        out.n_calm,
        m.alignment,
        out.hedge_instrument
    );
    for w in &out.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    let mut t = output::table(&[
        "episode",
        "rows",
        "from",
        "to",
        "target",
        "hedge move",
        "hedge P&L",
        "net loss / notional",
        "uncovered / loss",
        "daily corr",
        "multiple needed",
        "",
    ]);
    for r in &out.episodes {
        let e = &r.slippage;
        let mut flags = Vec::new();
        if r.truncated {
            flags.push(format!("truncated (window {}..{})", r.catalogue_start, r.catalogue_end));
        }
        if e.strong_correlation_but_hedge_lost {
            flags.push("strong corr, hedge lost".to_string());
        }
        t.add_row(vec![
            e.name.clone(),
            e.n.to_string(),
            r.start.clone(),
            r.end.clone(),
            pct(e.target_cum_return, 1),
            if m.hedge_returns == "points" {
                format!("{:+.2} pts", e.hedge_cum_move)
            } else {
                pct(e.hedge_cum_move, 1)
            },
            pct(e.hedge_pnl, 1),
            pct(e.net_loss_share_of_notional, 1),
            e.uncovered_share_of_loss.map_or("-".into(), |u| pct(u, 1)),
            e.correlation.map_or("-".into(), |c| format!("{c:+.2}")),
            e.hedge_multiple_needed.map_or("-".into(), |x| format!("{x:.1}x")),
            flags.join("; "),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str("\nnet loss / notional = (target loss - hedge gain) / target notional; uncovered / loss = 1 - hedge gain / target loss (- when the target did not lose); P&L in fractions of target notional; from/to are the first and last in-sample dates\n");
    if !out.not_in_sample.is_empty() {
        s.push_str(&format!("not in the sample: {}\n", out.not_in_sample.join(", ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protective_sign_of_long_vol_and_other_hedges() {
        for long_vol in ["vix", "vx1", "vx-cm30", "VIX3M", "vxx", "uvxy", "vixy"] {
            assert_eq!(protective_sign(long_vol), -1, "{long_vol}");
        }
        for other in ["spx", "btc", "svxy", "svix", "funding_btc"] {
            assert_eq!(protective_sign(other), 1, "{other}");
        }
    }

    #[test]
    fn warns_on_an_insignificant_or_wrong_signed_calm_ratio() {
        // A significant, protective ratio: long VIX (h < 0), t = -3.
        assert!(ratio_warnings(-0.05, Some(-3.0), -1, "vix").is_empty());
        // The NFT case: +0.52 with t = 1.1 on a VIX hedge is both.
        let w = ratio_warnings(0.52, Some(1.1), -1, "vix");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("not significant") && w[0].contains("t = 1.1"));
        assert!(w[1].contains("wrong sign") && w[1].contains("sells vix short"));
        // Significant but wrong-signed for an equity hedge (buying SPX to hedge crypto).
        let w = ratio_warnings(-0.4, Some(-5.0), 1, "spx");
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("buys spx"));
        // |t| exactly 2 is significant; no t statistic is warned.
        assert!(ratio_warnings(-0.1, Some(-2.0), -1, "vx1").is_empty());
        assert_eq!(ratio_warnings(-0.1, None, -1, "vx1").len(), 1);
    }
}
