//! `crosshedge episodes`: what a calm-sized hedge did through each named shock episode.

use crosshedge_data::store::Store;
use crosshedge_labels::bands::{vix_bands_on, BandConfig};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_stats::effectiveness::min_variance_hedge_ratio;
use crosshedge_stats::episode::{episodes_slippage, EpisodeSlippage};
use crosshedge_stats::regime::{regime_rows, subset};
use serde::Serialize;

use super::pair::{load_pair, load_vix, PairMeta};
use super::Ctx;
use crate::cli::EpisodesArgs;
use crate::exit::UsageError;
use crate::output::{self, pct};

#[derive(Serialize)]
pub struct EpisodeRow {
    #[serde(flatten)]
    pub slippage: EpisodeSlippage,
    pub start: String,
    pub end: String,
    pub category: String,
    pub source: String,
}

#[derive(Serialize)]
pub struct EpisodesOutput {
    #[serde(flatten)]
    pub meta: PairMeta,
    /// The hedge ratio the hedge is sized with: h* of the calm VIX band.
    pub hedge_ratio_calm: f64,
    /// Rows the calm h* was estimated on.
    pub n_calm: usize,
    pub episodes: Vec<EpisodeRow>,
    /// Catalogue episodes with no aligned rows in the sample.
    pub not_in_sample: Vec<String>,
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

/// Runs the episode analysis of `a` on the store.
pub fn analyse(store: &Store, a: &EpisodesArgs) -> anyhow::Result<EpisodesOutput> {
    let pair = load_pair(store, &a.pair)?;
    let cat = catalogue(a.catalogue.as_deref(), a.no_builtin)?;
    let vix = load_vix(store, &a.pair.vix)?;
    let bands = vix_bands_on(&vix, &pair.dates, &BandConfig::default())?.labeling;
    let calm = regime_rows(&bands.labels, bands.states.len())?.swap_remove(0);
    let (ct, ch) = (subset(&pair.target, &calm), subset(&pair.hedge, &calm));
    let h_calm = min_variance_hedge_ratio(&ct, &ch)?;
    let lab = cat.labeling(&pair.dates)?;
    let kinds = pair.kinds()?;
    let res =
        episodes_slippage(&pair.target, &pair.hedge, kinds, &lab.labels, &lab.states, h_calm)?;
    let mut rows = Vec::new();
    for e in res {
        let ep = cat.get(&e.name)?;
        rows.push(EpisodeRow {
            start: pair.dates[e.start_row].to_string(),
            end: pair.dates[e.end_row].to_string(),
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
        hedge_ratio_calm: h_calm,
        n_calm: calm.len(),
        episodes: rows,
        not_in_sample,
    })
}

/// The human table.
pub fn render(out: &EpisodesOutput) -> String {
    let m = &out.meta;
    let mut s = format!(
        "episodes: {} hedged with {} at the calm-band h* = {:+.4} (from {} calm rows) | alignment {}\n",
        m.target, m.hedge, out.hedge_ratio_calm, out.n_calm, m.alignment
    );
    let mut t = output::table(&[
        "episode",
        "rows",
        "from",
        "to",
        "target",
        "hedge move",
        "hedge P&L",
        "slippage",
        "daily corr",
        "multiple needed",
        "",
    ]);
    for r in &out.episodes {
        let e = &r.slippage;
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
            pct(e.slippage, 1),
            e.correlation.map_or("-".into(), |c| format!("{c:+.2}")),
            e.hedge_multiple_needed.map_or("-".into(), |x| format!("{x:.1}x")),
            if e.strong_correlation_but_hedge_lost {
                "strong corr, hedge lost".into()
            } else {
                String::new()
            },
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str("\nslippage = (target loss - hedge gain) / target notional; P&L in fractions of target notional\n");
    if !out.not_in_sample.is_empty() {
        s.push_str(&format!("not in the sample: {}\n", out.not_in_sample.join(", ")));
    }
    s
}
