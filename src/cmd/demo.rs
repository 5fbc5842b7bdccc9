//! `crosshedge demo`: generate the calibrated demo market, import it through the ordinary
//! import path into a fresh store, and run every analysis that exists on it.

use std::fmt::Write as _;

use anyhow::Context;
use crosshedge_data::store::Store;
use crosshedge_demo::{generate, summary, DemoConfig};
use serde::Serialize;

use super::basis;
use super::episodes;
use super::regimes;
use super::report::{self, Analysis, Written};
use super::stress;
use super::{now_utc, Ctx};
use crate::cli::{DemoArgs, EpisodesArgs};
use crate::output::{self, pct};
use crosshedge_regimes::MarkovOptions;

#[derive(Serialize)]
struct DemoOutput {
    out_dir: String,
    store: String,
    summary: crosshedge_demo::DemoSummary,
    regime: RegimeNow,
    /// Where the HTML report and its JSON were written.
    report: Written,
    /// Basis, episodes and stress results (the same data as the report).
    #[serde(flatten)]
    analysis: Analysis,
}

/// The current regime of the demo market: its VIX band and the Markov model's probabilities.
#[derive(Serialize)]
struct RegimeNow {
    last_date: Option<chrono::NaiveDate>,
    vix_close: Option<f64>,
    vix_band: Option<String>,
    markov_state: String,
    markov_probabilities: Vec<(String, f64)>,
    markov_forecast: Vec<(String, f64)>,
    expected_durations_days: Vec<(String, f64)>,
}

pub fn run(ctx: &Ctx, a: DemoArgs) -> anyhow::Result<()> {
    let cfg = DemoConfig { seed: a.seed, ..DemoConfig::default() };
    let market = generate(&cfg)?;
    let sum = summary(&market);
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let store_path = crosshedge_app::demo::build_store(&a.out, &market, &now_utc())?;
    let store = Store::open_existing(&store_path)?;
    let mut basis_out = Vec::new();
    for target in ["btc", "nft"] {
        let args = report::basis_args(target, "vix", a.bootstrap, a.seed);
        basis_out.push(
            basis::analyse(&store, &args).with_context(|| format!("basis of {target} vs vix"))?,
        );
    }
    let ep_args = EpisodesArgs {
        pair: report::pair("btc", episodes::AUTO_HEDGE),
        catalogue: Some(a.out.join("data").join("episodes.toml")),
        no_builtin: true,
    };
    let episodes_out = vec![episodes::analyse(&store, &ep_args).context("episodes of btc")?];
    let vix = store.load("vix", None, None)?;
    let bands = crosshedge_labels::bands::vix_bands(
        &vix,
        &crosshedge_labels::bands::BandConfig::default(),
    )?;
    let m =
        regimes::fit_univariate(&store, "vix", 2, MarkovOptions::default(), (None, None), false)
            .context("Markov-switching model of the VIX")?;
    let zip = |v: &[f64]| -> Vec<(String, f64)> {
        m.fit.state_names.iter().cloned().zip(v.iter().copied()).collect()
    };
    let regime = RegimeNow {
        last_date: vix.dates().last().copied(),
        vix_close: vix.values().last().copied(),
        vix_band: bands.current.map(|b| b.as_str().to_string()),
        markov_state: m.current_state.clone(),
        markov_probabilities: zip(&m.current_probabilities),
        markov_forecast: zip(&m.fit.forecast),
        expected_durations_days: zip(&m.fit.expected_durations),
    };
    let stress_args = report::stress_args("default", "btc,eth,nft", a.stress_paths, a.seed);
    let stress_out = crosshedge_app::stress::run(
        &crosshedge_app::Workspace::new(crosshedge_app::WorkspaceConfig {
            store: store_path.clone(),
            data_dir: ctx.data_dir.clone(),
        }),
        &(&stress_args).into(),
        &crate::progress::Bar::new(if ctx.json { u64::MAX } else { 200_000 }),
    )
    .context("stress test of the demo book")?;
    let episodes_file = a.out.join("data").join("episodes.toml");
    let bt_args = report::backtest_args("default", "btc,eth,nft", Some(episodes_file), true);
    let backtest_out = super::backtest::analyse(&store_path, &store, &bt_args)
        .context("backtest of the demo book")?;
    let analysis = Analysis {
        basis: basis_out,
        episodes: episodes_out.into_iter().next(),
        stress: Some(stress_out),
        backtest: Some(backtest_out),
    };
    let catalogue =
        super::episodes::catalogue(Some(&a.out.join("data").join("episodes.toml")), true)?;
    let mut config = std::collections::BTreeMap::new();
    config.insert("data".into(), format!("demo market, seed {}", a.seed));
    config.insert("book".into(), "default (adaptive layered VIX hedge)".into());
    config.insert("bootstrap".into(), a.bootstrap.to_string());
    config.insert("paths".into(), a.stress_paths.to_string());
    let input = report::assemble(&store, &analysis, &catalogue, "vix", a.seed, 90, config)?;
    let written = report::write(&a.out, &input, &analysis)?;
    let out = DemoOutput {
        out_dir: a.out.display().to_string(),
        store: store_path.display().to_string(),
        summary: sum,
        regime,
        report: written,
        analysis,
    };
    output::print(ctx.json, &out, render)
}

fn render(o: &DemoOutput) -> String {
    let s0 = &o.summary;
    let mut s = format!(
        "crosshedge demo: a calibrated synthetic market (seed {}), generated by this program and imported into {}\n\n",
        s0.seed, o.store
    );
    let mut t = output::table(&[
        "series",
        "calendar",
        "unit",
        "rows",
        "first",
        "last",
        "min",
        "max",
        "vol (ann.)",
        "stale days",
    ]);
    for x in &s0.series {
        t.add_row(vec![
            x.name.clone(),
            x.calendar.clone(),
            x.unit.clone(),
            x.rows.to_string(),
            x.first.to_string(),
            x.last.to_string(),
            format!("{:.4}", x.min),
            format!("{:.4}", x.max),
            if x.unit == "rate" { format!("{:.4}", x.vol_ann) } else { pct(x.vol_ann, 1) },
            pct(x.stale_share, 1),
        ]);
    }
    s.push_str(&t.to_string());
    let _ = writeln!(
        s,
        "\nVIX bands of the generated VIX: calm {} / normal {} / stress {}; {} futures settlements",
        pct(s0.vix_band_shares[0], 1),
        pct(s0.vix_band_shares[1], 1),
        pct(s0.vix_band_shares[2], 1),
        s0.futures_rows
    );
    for e in &s0.episodes {
        let _ =
            writeln!(s, "scripted episode {} {} .. {}: {}", e.name, e.start, e.end, e.description);
    }
    let r = &o.regime;
    let fmt = |v: &[(String, f64)]| {
        v.iter().map(|(n, p)| format!("{n} {}", pct(*p, 1))).collect::<Vec<_>>().join(", ")
    };
    let _ = writeln!(
        s,
        "\ncurrent regime on {}: VIX {} (band {}); Markov-switching model of VIX log changes: {} ({}), next day {}; expected durations {}",
        output::date_or_dash(r.last_date),
        output::opt(r.vix_close, 2),
        r.vix_band.as_deref().unwrap_or("-"),
        r.markov_state,
        fmt(&r.markov_probabilities),
        fmt(&r.markov_forecast),
        r.expected_durations_days.iter().map(|(n, d)| format!("{n} {d:.1} days")).collect::<Vec<_>>().join(", ")
    );
    for b in &o.analysis.basis {
        s.push('\n');
        s.push_str(&basis::render(b));
    }
    if let Some(e) = &o.analysis.episodes {
        s.push('\n');
        s.push_str(&episodes::render(e));
    }
    if let Some(st) = &o.analysis.stress {
        s.push_str("\nstress test of the default adaptive layered VIX hedge (21 trading days):\n");
        s.push_str(&stress::render(st));
    }
    if let Some(bt) = &o.analysis.backtest {
        s.push('\n');
        s.push_str(&super::backtest::render(bt));
    }
    let _ = writeln!(
        s,
        "\nreport: {} (data behind it: {})\nfiles: {}/data (CSV, manifest, episodes). Explore: crosshedge --store {} basis --target eth --hedge vx1",
        o.report.html, o.report.json, o.out_dir, o.store
    );
    s
}
