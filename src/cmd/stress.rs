//! `crosshedge stress`: the regime-switching Monte Carlo stress test of a sized hedge book,
//! an episode replay or a user shock.

use clap::Args;
use crosshedge_data::store::Store;
use crosshedge_hedging::{size_book, Band, HedgePlan};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_simulation::{
    fit, revalue_shock, simulate_with_threads, Episode, EpisodeSet, FitData, FitOptions,
    JointModel, ModelSummary, Portfolio, Scenario, ShockReport, StartState, StressConfig,
    StressReport, UserShock,
};
use serde::Serialize;

use super::hedge::{measure, MeasureArgs, MeasureMeta, Measured};
use super::Ctx;
use crate::exit::UsageError;
use crate::output::{self, pct};

/// `crosshedge stress`.
#[derive(Debug, Args)]
pub struct StressArgs {
    /// Book and measurement settings.
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Number of Monte Carlo paths.
    #[arg(long, default_value_t = 100_000)]
    pub paths: u64,
    /// Horizon in trading days.
    #[arg(long, default_value_t = 21)]
    pub horizon: usize,
    /// A named episode of the built-in catalogue (block-bootstrap replay), a shock such as
    /// "VIX +60%, NFT -70% over 10 days", or a file holding such a shock.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); the result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// The joint model: fit (to the store, default) or demo (the demo calibration).
    #[arg(long, default_value = "fit")]
    pub model: String,
    /// Mean block length (days) of the episode replay.
    #[arg(long, default_value_t = 5.0)]
    pub block_len: f64,
    /// Drift of SPX and the crypto assets in the model: `zero` (default: zero expected return,
    /// daily mean log return −ln E[e^{σz}] per regime, exact for the capped Student-t shocks,
    /// the short-horizon risk convention) or `fitted`
    /// (the sample's per-regime means).
    #[arg(long, default_value = "zero")]
    pub drift: String,
}

/// The JSON of `stress`.
#[derive(Debug, Serialize)]
pub struct StressOutput {
    /// What was measured.
    pub measured: MeasureMeta,
    /// `fit` or `demo`.
    pub model: String,
    /// `zero` or `fitted`: the model's mean log returns of SPX and the crypto assets.
    pub drift: String,
    /// Implied vol of VIX options per VIX band (calm, normal, stress) in the fitted model.
    pub vix_option_vol: [f64; 3],
    /// Where those vols came from.
    pub vix_option_vol_source: String,
    /// Perp funding per trading-day step per VIX band in the fitted model (decimal; longs pay
    /// when > 0): mean daily rate × 365/252, the expectation of the calendar-day sum the
    /// backtest books per market day.
    pub funding_per_day: [f64; 3],
    /// Where it came from.
    pub funding_source: String,
    /// The joint model as simulated: ν and the mixing cap of the Student-t shocks, the
    /// transition matrix, and per regime the VIX's OU parameters, the daily means (after the
    /// drift choice), vols and shock correlations.
    pub joint_model: ModelSummary,
    /// The scenario: `model`, `replay:<episode>` or `shock`.
    pub scenario: String,
    /// Where the paths start.
    pub start: StartState,
    /// The sized book that was revalued.
    pub plan: HedgePlan,
    /// Monte Carlo or replay statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<StressReport>,
    /// User-shock result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shock: Option<ShockReport>,
}

pub fn run(ctx: &Ctx, a: StressArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let out = analyse(&store, &a, !ctx.json)?;
    output::print(ctx.json, &out, render)
}

/// Per VIX band (calm, normal, stress): the mean of `scale · series` on the band's days (the
/// value at or before the day's close, at most 7 days old), where the band has at least 30 such
/// days, else `default`; with a description of the source. `None` without the series.
fn band_means(
    store: &Store,
    m: &Measured,
    name: &str,
    scale: f64,
    default: [f64; 3],
) -> anyhow::Result<Option<([f64; 3], String)>> {
    if !store.list()?.iter().any(|s| s.name == name) {
        return Ok(None);
    }
    let series = store.load(name, None, None)?;
    let mut sums = [(0.0, 0usize); 3];
    for (d, l) in m.dates.iter().zip(&m.labels) {
        let (Some(s), Some((at, v))) = (l, series.as_of(*d)) else { continue };
        if (*d - at).num_days() <= 7 && *s < 3 {
            sums[*s].0 += scale * v;
            sums[*s].1 += 1;
        }
    }
    let mut out = default;
    let mut parts = Vec::new();
    for (s, (sum, n)) in sums.iter().enumerate() {
        if *n >= 30 {
            out[s] = sum / *n as f64;
            parts.push(format!("{n} days"));
        } else {
            parts.push("demo value".into());
        }
    }
    Ok(Some((out, format!("calm, normal, stress: {}", parts.join(", ")))))
}

/// Measures, sizes, fits and runs the scenario of `a`; `show_progress` prints the paths done
/// on stderr for runs of 200,000 paths or more.
pub fn analyse(store: &Store, a: &StressArgs, show_progress: bool) -> anyhow::Result<StressOutput> {
    let m = measure(store, &a.measure)?;
    let plan = size_book(&m.book, &m.inputs)?;
    // VIX option vols and perp funding per band from the store where it has them.
    let defaults = FitOptions::default();
    let (vix_option_vol, vix_option_vol_source) =
        match band_means(store, &m, "vvix", 0.01, defaults.vix_option_vol)? {
            Some((v, how)) => (v, format!("mean VVIX/100 by VIX band ({how})")),
            None => (defaults.vix_option_vol, "demo calibration (no vvix series stored)".into()),
        };
    let (funding_per_day, funding_source) =
        // Funding accrues every calendar day and the model steps on trading days: × 365/252,
        // the expectation of the calendar-day sum `backtest` books on each market day
        // (crosshedge_backtest::funding).
        match band_means(store, &m, "funding_btc", 365.0 / 252.0, defaults.funding_per_day)? {
            Some((v, how)) => {
                (v, format!("mean daily funding_btc x 365/252 per trading-day step by VIX band ({how})"))
            }
            None => {
                (defaults.funding_per_day, "demo calibration (no funding_btc series stored)".into())
            }
        };
    let model = match a.model.as_str() {
        "demo" => JointModel::demo(),
        "fit" => {
            let c = &m.columns;
            let data = FitData {
                log_vix_prev: &m.log_vix_prev,
                vix_change: &c[0],
                spx: &c[1],
                btc: &c[2],
                eth: &c[3],
                nft: &c[4],
                nft_observed: Some(&m.nft_observed),
                nft_span: Some(&m.nft_span),
                labels: &m.labels,
            };
            let opts = FitOptions {
                rate: a.measure.rate,
                futures: m.futures,
                vix_option_vol,
                funding_per_day,
                ..FitOptions::default()
            };
            fit(&data, &opts)?
        }
        other => {
            return Err(UsageError(format!("unknown --model '{other}' (expected fit, demo)")).into())
        }
    };
    let model = match a.drift.as_str() {
        "zero" => model.with_zero_drift(),
        "fitted" => model,
        other => {
            return Err(
                UsageError(format!("unknown --drift '{other}' (expected zero, fitted)")).into()
            )
        }
    };
    let regime = match m.inputs.band {
        Band::Calm => 0,
        Band::Normal => 1,
        Band::Stress => 2,
    };
    let start = StartState { vix: m.inputs.vix, spx: m.inputs.spx, regime };
    let pf = Portfolio::new(&m.book, &plan, &model, start)?;
    let cfg = StressConfig {
        paths: a.paths,
        horizon_days: a.horizon,
        seed: a.seed,
        ..StressConfig::default()
    };
    // A progress bar on long runs; indicatif draws nothing when stderr is not a terminal.
    let bar = (show_progress && a.paths >= 200_000).then(|| {
        let b = indicatif::ProgressBar::new(a.paths);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} simulating {bar:40} {pos}/{len} paths ({per_sec}, eta {eta})",
        ) {
            b.set_style(style);
        }
        b
    });
    let progress = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let catalogue = Catalogue::builtin();
    let (scenario, report, shock) = match a.scenario.as_deref() {
        None => (
            "model".to_string(),
            Some(simulate_with_threads(a.threads, &model, &pf, Scenario::Model, &cfg, &progress)?),
            None,
        ),
        Some(name) if catalogue.get(name).is_ok() => {
            let ep = catalogue.get(name)?;
            let rows: Vec<usize> =
                (0..m.dates.len()).filter(|i| ep.contains(m.dates[*i])).collect();
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                return Err(UsageError(format!(
                    "episode '{name}' has no rows in the store's sample"
                ))
                .into());
            };
            let c = &m.columns;
            let set = EpisodeSet::new(
                [&c[0], &c[1], &c[2], &c[3], &c[4]],
                &m.labels,
                vec![Episode { name: name.to_string(), start: *first, end: last + 1 }],
            )?;
            let sc = Scenario::Replay { episodes: &set, name, block_len: a.block_len };
            (
                format!("replay:{name}"),
                Some(simulate_with_threads(a.threads, &model, &pf, sc, &cfg, &progress)?),
                None,
            )
        }
        Some(text) => {
            let text = match std::fs::read_to_string(text) {
                Ok(t) => t,
                Err(_) => text.to_string(),
            };
            let s = UserShock::parse(text.trim()).map_err(|e| {
                UsageError(format!(
                    "--scenario is neither a catalogue episode ({}) nor a shock: {e}",
                    catalogue.names().join(", ")
                ))
            })?;
            ("shock".to_string(), None, Some(revalue_shock(&model, &pf, &s, 2, a.horizon)?))
        }
    };
    let out = StressOutput {
        measured: m.meta,
        model: a.model.clone(),
        drift: a.drift.clone(),
        vix_option_vol: model.regimes.each_ref().map(|r| r.vix_option_vol),
        vix_option_vol_source: if a.model == "fit" {
            vix_option_vol_source
        } else {
            "demo calibration (--model demo)".into()
        },
        funding_per_day: model.regimes.each_ref().map(|r| r.funding_per_day),
        funding_source: if a.model == "fit" {
            funding_source
        } else {
            "demo calibration (--model demo)".into()
        },
        joint_model: model.summary()?,
        scenario,
        start,
        plan,
        report,
        shock,
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(out)
}

/// The human summary.
pub fn render(o: &StressOutput) -> String {
    let mut s = format!(
        "book: {}   model: {} (drift: {})   scenario: {}   as of {}: start VIX {:.2}, SPX {:.2}, regime {}\n",
        o.plan.book,
        o.model,
        o.drift,
        o.scenario,
        output::date_or_dash(o.measured.as_of),
        o.start.vix,
        o.start.spx,
        o.start.regime
    );
    s.push_str(&format!(
        "VIX option vols calm/normal/stress {}/{}/{} ({})\n",
        pct(o.vix_option_vol[0], 0),
        pct(o.vix_option_vol[1], 0),
        pct(o.vix_option_vol[2], 0),
        o.vix_option_vol_source
    ));
    if let (Some(nu), Some(cap), Some(p)) =
        (o.joint_model.nu, o.joint_model.mixing_cap, o.joint_model.mixing_cap_probability)
    {
        s.push_str(&format!(
            "shocks: Student-t, nu {nu:.2}, mixing sd capped at {cap} (binds on {} of days; kurtosis {:.2})\n",
            pct(p, 4),
            o.joint_model.shock_kurtosis
        ));
    } else {
        s.push_str("shocks: Gaussian\n");
    }
    if let Some(r) = &o.report {
        s.push_str(&format!("{} paths x {} days, seed {}\n", r.paths, r.horizon_days, r.seed));
        let mut t = output::table(&["P&L", "mean", "sd", "VaR 95%", "VaR 99%", "ES 95%", "ES 99%"]);
        for (name, p) in [("unhedged", &r.unhedged), ("hedged", &r.hedged)] {
            t.add_row(vec![
                name.to_string(),
                format!("{:.0}", p.mean),
                format!("{:.0}", p.sd),
                format!("{:.0}", p.var95),
                format!("{:.0}", p.var99),
                format!("{:.0}", p.es95),
                format!("{:.0}", p.es99),
            ]);
        }
        s.push_str(&t.to_string());
        s.push_str(&format!(
            "\nVaR 99% reduction {}   losing paths {}\n",
            pct(r.var99_reduction, 1),
            pct(r.losing_share, 1)
        ));
        for c in &r.cover {
            s.push_str(&format!(
                "P(hedge covers >= {} of the loss) = {} [{}, {}]\n",
                pct(c.level, 0),
                pct(c.probability, 2),
                pct(c.ci95[0], 2),
                pct(c.ci95[1], 2)
            ));
        }
        if let Some(t) = &r.uncovered_share_of_loss_1_in_20 {
            s.push_str(&format!(
                "1-in-20 shock (unhedged loss >= {:.0}, {} paths): uncovered share of loss {} [{}, {}], aggregate {}\n",
                t.threshold_loss,
                t.paths,
                pct(t.mean, 1),
                pct(t.ci95[0], 1),
                pct(t.ci95[1], 1),
                pct(t.aggregate, 1)
            ));
        }
    }
    if let Some(k) = &o.shock {
        let names = ["VIX", "SPX", "BTC", "ETH", "NFT"];
        let moves: Vec<String> = names
            .iter()
            .zip(k.shock.log_moves.iter().zip(&k.shock.specified))
            .map(|(n, (m, sp))| {
                format!("{n} {}{}", pct(m.exp() - 1.0, 1), if *sp { "" } else { "*" })
            })
            .collect();
        s.push_str(&format!(
            "shock over {} days: {} (* conditional mean)\n",
            k.shock.days,
            moves.join(", ")
        ));
        s.push_str(&format!(
            "unhedged {:.0}   hedge {:.0}   hedged {:.0}   cover {}\n",
            k.unhedged,
            k.hedge_pnl,
            k.hedged,
            k.cover.map_or_else(|| "-".into(), |c| pct(c, 1))
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::cli::DemoArgs;

    fn args(scenario: Option<&str>, threads: Option<usize>) -> StressArgs {
        StressArgs {
            measure: MeasureArgs {
                book: "default".into(),
                vix: "vix".into(),
                spx: "spx".into(),
                crypto: "btc,eth,nft".into(),
                calm_below: 15.0,
                stress_above: 25.0,
                vol_of_vol: None,
                rate: 0.04,
                funding: 0.08,
                signals: vec!["vix-signal".into()],
                move_days: 21,
                as_of: None,
            },
            paths: 3_000,
            horizon: 10,
            scenario: scenario.map(str::to_string),
            seed: 5,
            threads,
            model: "fit".into(),
            block_len: 5.0,
            drift: "zero".into(),
        }
    }

    /// The demo market end to end: hedge sizing from the store, the fitted Monte Carlo on 1 and
    /// 2 threads, an episode replay, a user shock and the usage errors.
    #[test]
    fn hedge_and_stress_on_the_demo_store() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("demo");
        let ctx = Ctx { store: out.join("crosshedge.db"), json: true };
        super::super::demo::run(
            &ctx,
            DemoArgs { out: out.clone(), seed: 3, bootstrap: 20, stress_paths: 2_000 },
        )
        .unwrap();
        let store = Store::open_existing(&ctx.store).unwrap();

        let a = args(None, Some(1));
        let m = measure(&store, &a.measure).unwrap();
        let i = &m.inputs;
        assert!(i.hedge_ratio_stress < 0.0, "BTC falls when the VIX rises in stress");
        assert!((i.decorrelation_factor - i.hedge_ratio_stress / i.hedge_ratio_calm).abs() < 1e-12);
        assert!(m.meta.rows_per_band.iter().all(|n| *n > 30));
        let plan = size_book(&m.book, i).unwrap();
        assert!(plan.layers[0].quantity > 0.0);

        let one = analyse(&store, &a, false).unwrap();
        let two = analyse(&store, &args(None, Some(2)), false).unwrap();
        let (j1, j2) = (serde_json::to_value(&one).unwrap(), serde_json::to_value(&two).unwrap());
        assert_eq!(j1, j2);
        for key in ["measured", "model", "scenario", "start", "plan", "report"] {
            assert!(j1.get(key).is_some(), "{key}");
        }
        assert_eq!(j1["report"]["paths"], 3_000);
        // The fitted model is in the JSON; the 1-in-20 tail reports the uncovered share.
        let jm = &j1["joint_model"];
        assert_eq!(jm["mixing_cap"], crosshedge_simulation::MIXING_CAP);
        assert!(jm["nu"].as_f64().unwrap() > 2.0, "{jm}");
        assert_eq!(jm["transition"].as_array().unwrap().len(), 3);
        for r in jm["regimes"].as_array().unwrap() {
            assert!(
                r["vix"]["kappa"].as_f64().unwrap() > 0.0
                    && r["vix"]["vol"].as_f64().unwrap() > 0.0
            );
            assert_eq!(r["mean"], r["zero_drift_mean"], "zero drift: {r}");
            assert_eq!(r["corr"].as_array().unwrap().len(), 5);
        }
        assert!(j1["report"]["uncovered_share_of_loss_1_in_20"]["mean"].is_number());
        assert!(j1["report"].get("slippage_1_in_20").is_none());

        let r = analyse(&store, &args(Some("covid-crash-2020"), None), false).unwrap();
        assert_eq!(r.scenario, "replay:covid-crash-2020");
        assert!(r.report.unwrap().unhedged.var95 > 0.0);

        let s =
            analyse(&store, &args(Some("VIX +60%, NFT -70% over 10 days"), None), false).unwrap();
        let k = s.shock.unwrap();
        assert!(k.unhedged < 0.0 && k.hedge_pnl > 0.0);

        let e = analyse(&store, &args(Some("VIX +60%, DOGE -1%"), None), false).unwrap_err();
        assert!(e.downcast_ref::<UsageError>().is_some(), "{e}");
        let mut bad = args(None, None);
        bad.model = "garch".into();
        assert!(analyse(&store, &bad, false).unwrap_err().downcast_ref::<UsageError>().is_some());
    }
}
