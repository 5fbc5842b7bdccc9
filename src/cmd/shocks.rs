//! `crosshedge shocks`: DeFi liquidity-shock windows detected from data, compared with the
//! catalogue of named episodes.

use chrono::NaiveDate;
use crosshedge_core::series::Series;
use crosshedge_data::store::Store;
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::shocks::{
    compare_with_catalogue, detect_shocks, CatalogueComparison, ShockConfig, ShockDetection,
    ShockInputs, ShockWindow,
};
use serde::Serialize;

use super::{parse_date_flag, Ctx};
use crate::cli::{ShockSources, ShocksArgs};
use crate::output::{self, pct, serde_name};

/// A detection and the sources it used.
pub struct Detection {
    /// The detector's output.
    pub detection: ShockDetection,
    /// Series used, by component.
    pub used: Vec<String>,
    /// Series asked for but absent from the store.
    pub missing: Vec<String>,
}

/// Runs the detector on the store's series named in `src`; absent series are skipped.
pub fn detect(
    store: &Store,
    src: &ShockSources,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<Detection> {
    let known: Vec<String> = store.list()?.into_iter().map(|s| s.name).collect();
    let mut used = Vec::new();
    let mut missing = Vec::new();
    let mut load = |name: &str| -> anyhow::Result<Option<Series>> {
        if known.iter().any(|k| k == name) {
            used.push(name.to_string());
            Ok(Some(store.load(name, from, to)?))
        } else {
            missing.push(name.to_string());
            Ok(None)
        }
    };
    let crypto = load(&src.crypto)?;
    let mut stables = Vec::new();
    for s in &src.stablecoins {
        if let Some(x) = load(s)? {
            stables.push(x);
        }
    }
    let tvl = load(&src.tvl)?;
    let funding = load(&src.funding)?;
    let stable_refs: Vec<&Series> = stables.iter().collect();
    let inputs = ShockInputs {
        crypto_price: crypto.as_ref(),
        stablecoins: &stable_refs,
        tvl: tvl.as_ref(),
        funding: funding.as_ref(),
    };
    let detection = detect_shocks(&inputs, &ShockConfig::default())?;
    Ok(Detection { detection, used, missing })
}

#[derive(Serialize)]
struct ShocksOutput {
    series_used: Vec<String>,
    series_missing: Vec<String>,
    config: ShockConfig,
    shock_day_share: f64,
    windows: Vec<ShockWindow>,
    catalogue: CatalogueComparison,
}

pub fn run(ctx: &Ctx, a: ShocksArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let d = detect(
        &store,
        &a.sources,
        parse_date_flag("from", &a.from)?,
        parse_date_flag("to", &a.to)?,
    )?;
    let cat = compare_with_catalogue(&d.detection, &Catalogue::builtin(), a.tolerance);
    let days = d.detection.scores.shock_day.len().max(1);
    let out = ShocksOutput {
        series_used: d.used,
        series_missing: d.missing,
        config: d.detection.config,
        shock_day_share: d.detection.scores.shock_day.iter().filter(|x| **x).count() as f64
            / days as f64,
        windows: d.detection.windows.clone(),
        catalogue: cat,
    };
    if ctx.json {
        return output::print_json(&out);
    }
    let mut s = format!(
        "shocks from {} ({} of days are shock days){}\n",
        out.series_used.join(", "),
        pct(out.shock_day_share, 1),
        if out.series_missing.is_empty() {
            String::new()
        } else {
            format!("; not in the store: {}", out.series_missing.join(", "))
        }
    );
    let mut t =
        output::table(&["window", "from", "to", "days", "peak", "peak date", "fired", "catalogue"]);
    for (i, w) in out.windows.iter().enumerate() {
        let eps = out.catalogue.window_episodes.get(&i).map(|v| v.join(", ")).unwrap_or_default();
        t.add_row(vec![
            i.to_string(),
            w.start.to_string(),
            w.end.to_string(),
            w.n_shock_days.to_string(),
            format!("{:.2}", w.peak_score),
            w.peak_date.to_string(),
            w.fired.iter().map(serde_name).collect::<Vec<_>>().join("+"),
            eps,
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str("\ncatalogue episodes in the data span:\n");
    let mut t = output::table(&[
        "episode",
        "from",
        "to",
        "detected",
        "overlap days",
        "first detection (days from start)",
    ]);
    for e in out.catalogue.episodes.iter().filter(|e| e.covered) {
        t.add_row(vec![
            e.episode.clone(),
            e.start.to_string(),
            e.end.to_string(),
            if e.detected { "yes".into() } else { "no".into() },
            e.overlap_days.to_string(),
            e.first_detection_offset_days.map_or("-".into(), |x| format!("{x:+}")),
        ]);
    }
    s.push_str(&t.to_string());
    if let Some(r) = out.catalogue.recall {
        s.push_str(&format!("\nrecall of the catalogue: {}\n", pct(r, 0)));
    }
    output::emit(&s);
    Ok(())
}
