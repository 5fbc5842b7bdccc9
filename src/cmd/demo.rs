//! `crosshedge demo`: generate the calibrated demo market, import it through the ordinary
//! import path into a fresh store, and run every analysis that exists on it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_data::export::write_atomic;
use crosshedge_data::manifest::Manifest;
use crosshedge_data::store::{OnConflict, Store};
use crosshedge_demo::{generate, summary, DemoConfig, DemoMarket};
use serde::Serialize;

use super::basis;
use super::episodes;
use super::import::parse_file;
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

/// The CSV text of series sharing a calendar: `date,<name>...` with blanks where a series has
/// no observation.
fn series_csv(series: &[&Series]) -> String {
    let mut dates: Vec<chrono::NaiveDate> =
        series.iter().flat_map(|s| s.dates().iter().copied()).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut s = String::from("date");
    for x in series {
        s.push(',');
        s.push_str(&x.name);
    }
    s.push('\n');
    for d in dates {
        let _ = write!(s, "{d}");
        for x in series {
            match x.get(d) {
                Some(v) => {
                    let _ = write!(s, ",{v}");
                }
                None => s.push(','),
            }
        }
        s.push('\n');
    }
    s
}

fn manifest_toml(us: &[&Series], crypto: &[&Series]) -> String {
    let mut s = String::from("# The demo market's files (written by `crosshedge demo`).\n");
    for (file, cal, group) in [("us_daily.csv", "us", us), ("crypto_daily.csv", "crypto", crypto)] {
        let _ = write!(s, "\n[[file]]\npath = \"{file}\"\ncalendar = \"{cal}\"\nseries = {{ ");
        let cols: Vec<String> = group.iter().map(|x| format!("{0} = \"{0}\"", x.name)).collect();
        s.push_str(&cols.join(", "));
        s.push_str(" }\nunits = { ");
        let units: Vec<String> =
            group.iter().map(|x| format!("{} = \"{}\"", x.name, x.unit)).collect();
        s.push_str(&units.join(", "));
        s.push_str(" }\n");
    }
    s.push_str("\n[[futures]]\npath = \"vix_futures_contracts.csv\"\nroot = \"vx\"\n");
    s
}

fn episodes_toml(m: &DemoMarket) -> String {
    let mut s = String::from("# Scripted episodes of the demo market (synthetic dates).\n");
    for e in &m.episodes {
        let _ = write!(
            s,
            "\n[[episode]]\nname = \"{}\"\nstart = \"{}\"\nend = \"{}\"\ncategory = \"demo\"\ndescription = {:?}\nsource = \"synthetic: crosshedge demo market, seed {}\"\n",
            e.name, e.start, e.end, e.description, m.config.seed
        );
    }
    s
}

/// Writes the demo files and imports them into a fresh store at `dir/crosshedge.db`.
fn build_store(dir: &Path, m: &DemoMarket) -> anyhow::Result<PathBuf> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
    let us: Vec<&Series> = m.series.iter().filter(|s| s.calendar == Calendar::Us).collect();
    let crypto: Vec<&Series> = m.series.iter().filter(|s| s.calendar == Calendar::Crypto).collect();
    write_atomic(&data.join("us_daily.csv"), series_csv(&us).as_bytes())?;
    write_atomic(&data.join("crypto_daily.csv"), series_csv(&crypto).as_bytes())?;
    let mut fut = String::from("date,expiry,settle,dte_days\n");
    for f in &m.futures {
        let _ = writeln!(fut, "{},{},{},{}", f.date, f.expiry, f.settle, f.dte_days);
    }
    write_atomic(&data.join("vix_futures_contracts.csv"), fut.as_bytes())?;
    write_atomic(&data.join("episodes.toml"), episodes_toml(m).as_bytes())?;
    let manifest_path = data.join("manifest.toml");
    write_atomic(&manifest_path, manifest_toml(&us, &crypto).as_bytes())?;
    // A fresh store: built beside the target and renamed over it when complete.
    let tmp = dir.join(".crosshedge.db.building");
    let _ = std::fs::remove_file(&tmp);
    {
        let mut store = Store::open(&tmp)?;
        let (manifest, mdir) = Manifest::load(&manifest_path)?;
        let at = now_utc();
        for f in &manifest.files {
            let path = mdir.join(&f.path);
            let parsed = parse_file(&path, &f.spec()?)?;
            store.import(&parsed, &path.display().to_string(), &at, OnConflict::Fail)?;
        }
        for f in &manifest.futures {
            let path = mdir.join(&f.path);
            let (rows, sha) = super::import::parse_futures_file(&path)?;
            let name = path.display().to_string();
            store.import_futures(&f.root, &rows, &name, &name, &sha, &at, OnConflict::Fail)?;
        }
        store.checkpoint()?;
    }
    let target = dir.join("crosshedge.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", target.display()));
    }
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("renaming the store to {}", target.display()))?;
    Ok(target)
}

pub fn run(ctx: &Ctx, a: DemoArgs) -> anyhow::Result<()> {
    let cfg = DemoConfig { seed: a.seed, ..DemoConfig::default() };
    let market = generate(&cfg)?;
    let sum = summary(&market);
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let store_path = build_store(&a.out, &market)?;
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
    let stress_out =
        stress::analyse(&store, &stress_args, !ctx.json).context("stress test of the demo book")?;
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
