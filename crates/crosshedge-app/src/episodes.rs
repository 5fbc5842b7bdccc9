//! `episodes`: hedge slippage through the named shock episodes, with the hedge sized in calm
//! markets; and the episode catalogue the backtest and the labelings use.

use std::path::PathBuf;

use chrono::NaiveDate;
use crosshedge_core::align::AlignPolicy;
use crosshedge_core::calendar::Calendar;
use crosshedge_core::returns::ReturnKind;
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
use serde::{Deserialize, Deserializer, Serialize};

use crate::pair::{load_pair_with, Pair, PairMeta, PairRequest};
use crate::{AppError, Progress, Workspace};

/// The hedge name that asks for the default tradable VIX hedge (see [`resolve_hedge`]).
pub const AUTO_HEDGE: &str = "auto";
/// Name of the 30-day constant-maturity VIX futures proxy built from the stored settlements.
pub const CM30_HEDGE: &str = "vx-cm30";

/// Which episode catalogue: the built-in catalogue of real episodes, extended by (or, with
/// `no_builtin`, replaced by) a user TOML file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogueSource {
    /// A TOML catalogue of episodes added to the built-in one.
    pub file: Option<PathBuf>,
    /// Use only `file`, not the built-in catalogue.
    pub no_builtin: bool,
}

impl CatalogueSource {
    /// The catalogue (see [`catalogue`]).
    ///
    /// # Errors
    /// As [`catalogue`].
    pub fn load(&self) -> Result<Catalogue, AppError> {
        catalogue(self.file.as_deref(), self.no_builtin)
    }
}

/// The built-in catalogue, extended by (or, with `no_builtin`, replaced by) the file at `file`.
///
/// # Errors
/// An input error naming the file when it cannot be read or is not a valid catalogue.
pub fn catalogue(file: Option<&std::path::Path>, no_builtin: bool) -> Result<Catalogue, AppError> {
    let mut cat = if no_builtin { Catalogue::parse_toml("")? } else { Catalogue::builtin() };
    if let Some(p) = file {
        let text = std::fs::read_to_string(p)
            .map_err(|e| AppError::input(format!("{}: cannot read: {e}", p.display())))?;
        cat.extend(
            Catalogue::parse_toml(&text)
                .map_err(|e| AppError::input(format!("{}: {e}", p.display())))?,
        );
    }
    Ok(cat)
}

/// What `episodes` analyses. The pair's hedge defaults to [`AUTO_HEDGE`] (a tradable VIX
/// hedge), also when `pair` is given without a `hedge`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EpisodesRequest {
    /// Target, hedge (default `auto`), alignment and sample.
    #[serde(deserialize_with = "pair_with_auto_hedge")]
    pub pair: PairRequest,
    /// The episode catalogue.
    pub catalogue: CatalogueSource,
}

impl Default for EpisodesRequest {
    fn default() -> Self {
        Self {
            pair: PairRequest { hedge: AUTO_HEDGE.to_string(), ..PairRequest::default() },
            catalogue: CatalogueSource::default(),
        }
    }
}

/// [`PairRequest`] as `episodes` reads it: the same fields, but a left-out `hedge` is
/// [`AUTO_HEDGE`] rather than the pair's usual `vix` (serde fills a nested struct's missing
/// fields from that struct's own `Default`, not from the outer request's).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct EpisodesPair {
    target: String,
    hedge: String,
    align: AlignPolicy,
    returns: ReturnKind,
    hedge_returns: Option<ReturnKind>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    vix: String,
}

impl Default for EpisodesPair {
    fn default() -> Self {
        let PairRequest { target, hedge, align, returns, hedge_returns, from, to, vix } =
            EpisodesRequest::default().pair;
        Self { target, hedge, align, returns, hedge_returns, from, to, vix }
    }
}

fn pair_with_auto_hedge<'de, D: Deserializer<'de>>(d: D) -> Result<PairRequest, D::Error> {
    let EpisodesPair { target, hedge, align, returns, hedge_returns, from, to, vix } =
        EpisodesPair::deserialize(d)?;
    Ok(PairRequest { target, hedge, align, returns, hedge_returns, from, to, vix })
}

/// One catalogue episode with aligned rows in the sample.
#[derive(Clone, Debug, Serialize)]
pub struct EpisodeRow {
    /// The episode's slippage figures (fractions of target notional: 0.05 = 5 %).
    #[serde(flatten)]
    pub slippage: EpisodeSlippage,
    /// Date of the episode's first return row in the sample.
    pub start: String,
    /// Date of the episode's last return row in the sample (inclusive).
    pub end: String,
    /// The catalogue window's first day (inclusive).
    pub catalogue_start: String,
    /// The catalogue window's last day (inclusive).
    pub catalogue_end: String,
    /// True when the sample starts or ends inside the episode's window: the figures cover only
    /// the in-sample part (`start`..`end`).
    pub truncated: bool,
    /// The episode's category in the catalogue.
    pub category: String,
    /// The catalogue's source for the episode.
    pub source: String,
}

/// The JSON of `episodes`.
#[derive(Clone, Debug, Serialize)]
pub struct EpisodesResponse {
    /// Target, hedge, alignment, return kinds, sample.
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
    /// The episodes with rows in the sample, in sample order.
    pub episodes: Vec<EpisodeRow>,
    /// Catalogue episodes with no aligned rows in the sample.
    pub not_in_sample: Vec<String>,
    /// Cautions about the hedge and its ratio (untradable spot VIX, an insignificant or
    /// wrong-signed calm h*, roll jumps, data gaps).
    pub warnings: Vec<String>,
}

/// The hedge an episode analysis uses.
#[derive(Clone, Debug)]
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
///
/// # Errors
/// Store errors; the pricing crate's errors when the settlements cannot be rolled.
pub fn cm30_proxy(store: &Store) -> Result<Option<(Series, usize)>, AppError> {
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

/// Resolves the requested hedge. [`AUTO_HEDGE`] (the default) picks a tradable VIX hedge: the
/// 30-day constant-maturity VIX futures proxy built from the stored `vx` settlements when there
/// are any (it rolls daily, so its returns are what a holder earns), else the stored front
/// future `vx1` (raw settlements: its return on a roll day is the jump to the next contract,
/// which no holder earns, so a warning says so). An explicit `vix` stays possible and warns
/// that spot VIX is not tradable.
///
/// # Errors
/// An input error for `auto` when the store has neither `vx` settlements nor `vx1`; store
/// errors.
pub fn resolve_hedge(store: &Store, requested: &str) -> Result<HedgeChoice, AppError> {
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
    Err(AppError::input(
        "--hedge: no tradable VIX hedge in the store (no vx futures settlements, no vx1 series); import them, or pass --hedge explicitly (--hedge vix uses spot VIX, which is not tradable)",
    ))
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

/// Cautions about the calm hedge ratio `h_calm` of hedge `name`: insignificant (HAC `|t| < 2`,
/// or no t statistic) and wrong-signed (its sign differs from `sign`, the
/// [`protective_sign`]).
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

/// Runs `episodes`: resolves the hedge, aligns the pair, loads the catalogue and the VIX of
/// the bands, and [`analyse`]s.
///
/// # Errors
/// As [`resolve_hedge`], [`load_pair_with`], [`CatalogueSource::load`] and [`analyse`]; an
/// input error for an unknown VIX series.
pub fn run(
    ws: &Workspace,
    req: &EpisodesRequest,
    _progress: &dyn Progress,
) -> Result<EpisodesResponse, AppError> {
    let choice = resolve_hedge(ws.store()?, &req.pair.hedge)?;
    let pair_req = PairRequest { hedge: choice.name.clone(), ..req.pair.clone() };
    let pair = load_pair_with(ws, &pair_req, choice.series.as_ref())?;
    let cat = req.catalogue.load()?;
    let vix = ws.load(&req.pair.vix, None, None)?;
    analyse(&pair, choice, &cat, &vix)
}

/// The episode analysis of an aligned pair: the hedge is sized at h* of the calm VIX band
/// (bands of `vix` at each return's start date), then each catalogue episode's slippage is
/// measured with that ratio.
///
/// # Errors
/// An input error when the pair has no aligned rows; the statistics' errors (too few calm
/// rows, a constant hedge).
pub fn analyse(
    pair: &Pair,
    choice: HedgeChoice,
    cat: &Catalogue,
    vix: &Series,
) -> Result<EpisodesResponse, AppError> {
    let bands =
        vix_bands_over(vix, &pair.start_dates, &pair.dates, &BandConfig::default())?.labeling;
    let calm =
        regime_rows(&bands.labels, bands.states.len())?.into_iter().next().unwrap_or_default();
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
        _ => return Err(AppError::input("the pair has no aligned return rows")),
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
    Ok(EpisodesResponse {
        meta: pair.meta.clone(),
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

    #[test]
    fn a_pair_without_a_hedge_defaults_to_auto() {
        let r: EpisodesRequest =
            crate::json::request_from_json(r#"{"pair": {"target": "eth"}}"#).unwrap();
        assert_eq!(r.pair.hedge, AUTO_HEDGE);
        assert_eq!(r.pair.target, "eth");
        assert_eq!(r.pair.vix, PairRequest::default().vix);
        assert_eq!(
            crate::json::request_from_json::<EpisodesRequest>("{}").unwrap(),
            EpisodesRequest::default()
        );
    }
}
