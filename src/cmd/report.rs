//! `crosshedge report`: the whole pipeline (basis by regime, episodes, regimes, hedge sizing,
//! stress) rendered into one self-contained HTML file plus the JSON behind it.
//!
//! The report crate only draws and formats; every number here comes from the same analysis
//! functions as the individual commands.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use crosshedge_backtest::metrics::drawdown_series;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_data::export::write_atomic;
use crosshedge_data::store::Store;
use crosshedge_labels::bands::{vix_bands, BandConfig};
use crosshedge_report::EquityChart;
use crosshedge_report::{
    render_html, Chart, ChartSpec, CorrelationBreak, DecorrelationFigure, EpisodeBar,
    EpisodeBarsChart, EpisodeWindow, Estimate, ExceedanceChart, ExceedancePoint, ExceedanceTail,
    Headline, InputFile, Interval, PnlHistogram, RegimeVixChart, ReportHeader, ReportInput,
    RiskMarker, RollingCorrelationChart, StressDistributionChart, Table, Unit,
};
use crosshedge_simulation::{CoarseHistogram, PnlSummary};
use crosshedge_stats::basis::RegimeStats;
use crosshedge_stats::breakdown::Tail;
use crosshedge_stats::corr::fisher_z_ci;
use crosshedge_stats::rolling::rolling_corr_beta;
use serde::Serialize;

use super::backtest::{self, BacktestArgs, BacktestOutput};
use super::basis::{self, BasisOutput};
use super::episodes::{self, EpisodesOutput};
use super::hedge::MeasureArgs;
use super::pair::load_pair;
use super::stress::StressArgs;
use super::Ctx;
use crate::cli::{BasisArgs, EpisodesArgs, EventSources, PairArgs, ShockSources};
use crosshedge_app::stress::{Drift, StressModel, StressResponse as StressOutput};

/// `crosshedge report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output directory for report.html, report.json and analysis.json.
    #[arg(long)]
    pub out: PathBuf,
    /// The hedge book (TOML); `default` for the built-in adaptive layered VIX hedge.
    #[arg(long, default_value = "default")]
    pub book: String,
    /// Targets analysed against the hedge (those present in the store are used).
    #[arg(long, value_delimiter = ',', default_value = "btc,eth,nft,punks")]
    pub targets: Vec<String>,
    /// The hedge series.
    #[arg(long, default_value = "vix")]
    pub hedge: String,
    /// A TOML catalogue of episodes added to the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Use only the --catalogue file, not the built-in catalogue.
    #[arg(long, requires = "catalogue")]
    pub no_builtin: bool,
    /// Stationary-bootstrap resamples.
    #[arg(long, default_value_t = 2000)]
    pub bootstrap: usize,
    /// Monte Carlo paths of the stress test.
    #[arg(long, default_value_t = 100_000)]
    pub paths: u64,
    /// Seed of the bootstrap and the Monte Carlo.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Rolling-correlation window in trading days.
    #[arg(long, default_value_t = 90)]
    pub window: usize,
}

/// Everything the report shows, as computed.
#[derive(Serialize)]
pub struct Analysis {
    /// Basis of each target against the hedge, by VIX band.
    pub basis: Vec<BasisOutput>,
    /// Episode slippage of the first target.
    pub episodes: Option<EpisodesOutput>,
    /// Stress test of the book.
    pub stress: Option<StressOutput>,
    /// Backtest of the book through the store's history.
    pub backtest: Option<BacktestOutput>,
}

/// Where the report went.
#[derive(Serialize)]
pub struct Written {
    /// The HTML file.
    pub html: String,
    /// The report's input data.
    pub json: String,
    /// Every analysis result behind it.
    pub analysis: String,
}

/// A target/hedge pair with the command line's defaults (us-close, log returns).
pub fn pair(target: &str, hedge: &str) -> PairArgs {
    PairArgs {
        target: target.into(),
        hedge: hedge.into(),
        align: "us-close".into(),
        returns: "log".into(),
        hedge_returns: None,
        from: None,
        to: None,
        vix: "vix".into(),
    }
}

/// Basis arguments with the defaults of the command line.
pub fn basis_args(target: &str, hedge: &str, bootstrap: usize, seed: u64) -> BasisArgs {
    BasisArgs {
        pair: pair(target, hedge),
        regimes: "vix-bands".into(),
        bootstrap,
        seed,
        hac_lags: None,
        dimson_lags: 2,
        calm_below: 15.0,
        stress_above: 25.0,
        shock_sources: ShockSources {
            crypto: "btc".into(),
            stablecoins: vec!["ust".into(), "usdc".into()],
            tvl: "tvl".into(),
            funding: "funding_btc".into(),
        },
        event_sources: EventSources {
            data_dir: PathBuf::from("../shared/data"),
            events_file: None,
            pre: 1,
            post: 1,
        },
    }
}

/// Stress arguments for the book `book`.
pub fn stress_args(book: &str, crypto: &str, paths: u64, seed: u64) -> StressArgs {
    StressArgs {
        measure: MeasureArgs {
            book: book.into(),
            vix: "vix".into(),
            spx: "spx".into(),
            crypto: crypto.split(',').map(str::to_string).collect(),
            calm_below: 15.0,
            stress_above: 25.0,
            vol_of_vol: None,
            rate: 0.04,
            funding: 0.08,
            signals: Vec::new(),
            move_days: 21,
            as_of: None,
        },
        paths,
        horizon: 21,
        scenario: None,
        seed,
        threads: None,
        model: StressModel::Fit,
        block_len: 5.0,
        drift: Drift::Zero,
    }
}

/// Backtest arguments for the book `book` with the command line's default costs.
pub fn backtest_args(
    book: &str,
    crypto: &str,
    catalogue: Option<PathBuf>,
    no_builtin: bool,
) -> BacktestArgs {
    BacktestArgs {
        measure: stress_args(book, crypto, 1, 0).measure,
        contracts: None,
        commission: 1.0,
        slippage_bps: 2.0,
        gas: 5.0,
        etp_commission_bps: 2.0,
        no_event_rolls: false,
        full: false,
        catalogue,
        no_builtin,
        exposure: Default::default(),
    }
}

/// The clock read of the report header (the binary's only other clock read besides imports).
#[allow(clippy::disallowed_methods)]
fn generated_at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn histogram(label: &str, h: &CoarseHistogram, s: &PnlSummary) -> PnlHistogram {
    PnlHistogram {
        label: label.into(),
        bin_edges: h.bin_edges.clone(),
        counts: h.counts.iter().map(|c| *c as f64).collect(),
        markers: vec![
            RiskMarker { level: 0.95, var: s.var95, es: s.es95 },
            RiskMarker { level: 0.99, var: s.var99, es: s.es99 },
        ],
    }
}

fn pct(x: f64) -> String {
    crate::output::pct(x, 1)
}

/// Builds the report's input from computed results and the store.
pub fn assemble(
    store: &Store,
    analysis: &Analysis,
    catalogue: &crosshedge_labels::episodes::Catalogue,
    hedge: &str,
    seed: u64,
    window: usize,
    config: BTreeMap<String, String>,
) -> anyhow::Result<ReportInput> {
    let mut charts = Vec::new();
    let mut tables = Vec::new();
    // Regime-shaded VIX on NYSE days, each day labelled with the band of the previous close.
    let vix = store.load("vix", None, None)?;
    let vix_us = align(&[&vix], AlignPolicy::UsClose)?;
    let vix_us = crosshedge_core::series::Series::new(
        "vix",
        vix.calendar,
        vix.unit,
        vix_us.dates.clone(),
        vix_us.levels[0].clone(),
    )?;
    let bands = vix_bands(&vix_us, &BandConfig::default())?;
    let lab = &bands.labeling;
    let (first, last) = (lab.dates[0], lab.dates[lab.dates.len() - 1]);
    let episodes_in: Vec<EpisodeWindow> = catalogue
        .episodes
        .iter()
        .filter(|e| e.end >= first && e.start <= last)
        .map(|e| EpisodeWindow {
            name: e.name.clone(),
            start: e.start.max(first),
            end: e.end.min(last),
        })
        .collect();
    charts.push(Chart {
        caption: "The VIX on NYSE days, shaded by VIX band of the previous close (calm < 15, stress > 25), with the named shock episodes."
            .into(),
        spec: ChartSpec::RegimeVix(RegimeVixChart {
            title: "VIX and regimes".into(),
            dates: lab.dates.clone(),
            vix: vix_us.values()[1..].to_vec(),
            regimes: lab.labels.iter().map(|l| l.map_or_else(|| "unlabelled".to_string(), |i| lab.states[i].clone())).collect(),
            episodes: episodes_in,
        }),
    });
    if let Some(b) = analysis.basis.first() {
        let p = load_pair(store, &pair(&b.meta.target, hedge))?;
        let roll = rolling_corr_beta(&p.target, &p.hedge, window)?;
        let (mut d, mut c, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, r) in roll.correlation.iter().enumerate() {
            if let Some(r) = r {
                let ci = fisher_z_ci(*r, window, 0.95)?;
                d.push(p.dates[i]);
                c.push(*r);
                lo.push(ci[0]);
                hi.push(ci[1]);
            }
        }
        charts.push(Chart {
            caption: format!(
                "Rolling {window}-day correlation of {} and {} log returns (us-close), with the 95 % Fisher-z band.",
                b.meta.target, b.meta.hedge
            ),
            spec: ChartSpec::RollingCorrelation(RollingCorrelationChart {
                title: format!("{} vs {}: rolling correlation", b.meta.target, b.meta.hedge),
                dates: d,
                correlation: c,
                lower: lo,
                upper: hi,
                line_label: format!("{window}-day correlation"),
                band_label: "95 % Fisher-z band".into(),
            }),
        });
        let mut pts: Vec<ExceedancePoint> = b
            .report
            .exceedance
            .iter()
            .map(|e| {
                // Both tails on one axis: the upper tail's level q sits at 1 - q.
                let (quantile, tail) = match e.tail {
                    Tail::Lower => (e.quantile, ExceedanceTail::Lower),
                    Tail::Upper => (1.0 - e.quantile, ExceedanceTail::Upper),
                };
                ExceedancePoint {
                    quantile,
                    tail,
                    empirical: e.correlation,
                    benchmark: e.normal_benchmark,
                }
            })
            .collect();
        pts.sort_by(|a, b| {
            (a.tail == ExceedanceTail::Upper)
                .cmp(&(b.tail == ExceedanceTail::Upper))
                .then(a.quantile.total_cmp(&b.quantile))
        });
        pts.dedup_by(|a, b| a.tail == b.tail && a.quantile == b.quantile);
        charts.push(Chart {
            caption: format!(
                "Longin-Solnik exceedance correlation of {} and {}, both tails (hedge oriented so the lower tail is a crash with a VIX spike, the upper tail a rally with a falling VIX), against the bivariate-normal benchmark.",
                b.meta.target, b.meta.hedge
            ),
            spec: ChartSpec::Exceedance(ExceedanceChart { title: "Exceedance correlation".into(), points: pts }),
        });
    }
    if let Some(e) = &analysis.episodes {
        charts.push(Chart {
            caption: format!(
                "Named shock episodes: {} return, P&L of a {} hedge ({}) sized at the calm-band h* = {:+.4}, and the hedged book's net loss as a share of notional (target loss - hedge gain), in fractions of notional.",
                e.meta.target, e.meta.hedge, e.hedge_instrument, e.hedge_ratio_calm
            ),
            spec: ChartSpec::EpisodeBars(EpisodeBarsChart {
                title: "Protection in shock episodes".into(),
                unit: Unit::Fraction,
                episodes: e
                    .episodes
                    .iter()
                    .map(|r| EpisodeBar {
                        name: r.slippage.name.clone(),
                        target_return: r.slippage.target_cum_return,
                        hedge_pnl: r.slippage.hedge_pnl,
                        net_loss_share_of_notional: r.slippage.net_loss_share_of_notional,
                    })
                    .collect(),
            }),
        });
    }
    if let Some(bt) = &analysis.backtest {
        let r = &bt.report;
        charts.push(Chart {
            caption: format!(
                "Backtest of the book through {} US trading days: equity of the exposures unhedged and with the hedge programme (net of commission, spread, slippage, gas and funding), with drawdowns.",
                bt.days
            ),
            spec: ChartSpec::Equity(EquityChart {
                title: "Equity, hedged and unhedged".into(),
                unit: Unit::Usd,
                dates: r.dates.clone(),
                unhedged: r.unhedged_equity.clone(),
                hedged: r.hedged_equity.clone(),
                unhedged_drawdown: drawdown_series(&r.unhedged_equity),
                hedged_drawdown: drawdown_series(&r.hedged_equity),
            }),
        });
        let mut rows = Vec::new();
        for (name, m) in [("unhedged", &r.unhedged_metrics), ("hedged", &r.hedged_metrics)] {
            rows.push(match &m.metrics {
                Some(x) => vec![
                    name.to_string(),
                    pct(x.total_return),
                    pct(x.annualised_return),
                    x.annualised_vol.map_or("-".into(), pct),
                    pct(x.max_drawdown.max_drawdown),
                    format!(
                        "{}-{:02} {}",
                        x.worst_month.year,
                        x.worst_month.month,
                        pct(x.worst_month.simple_return)
                    ),
                ],
                None => vec![
                    name.to_string(),
                    m.error.clone().unwrap_or_default(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            });
        }
        tables.push(Table {
            title: "Backtest".into(),
            caption: Some(format!(
                "{} .. {}; cost of carry per year: hedge P&L outside episodes {:.0} ({} of the exposure), cash outlay {:.0} ({}); XIRR of the hedge programme: {}; accounting identity held every day: {}",
                crate::output::date_or_dash(bt.from),
                crate::output::date_or_dash(bt.to),
                r.cost_of_carry.hedge_pnl_outside_episodes_per_year,
                r.cost_of_carry
                    .hedge_pnl_outside_episodes_share_per_year
                    .map_or("-".into(), pct),
                r.cost_of_carry.outlay_per_year,
                r.cost_of_carry.outlay_share_per_year.map_or("-".into(), pct),
                match r.xirr.rate {
                    Some(x) if r.xirr.roots.len() > 1 =>
                        format!("{} (ambiguous: {} roots)", pct(x), r.xirr.roots.len()),
                    Some(x) => pct(x),
                    None => r.xirr.error.clone().unwrap_or_default(),
                },
                if r.all_checks_ok { "yes" } else { "no" }
            )),
            header: ["curve", "total return", "ann. return", "ann. vol", "max drawdown", "worst month"].map(String::from).to_vec(),
            rows,
        });
    }
    let mut headline = Headline::default();
    if let Some(st) = &analysis.stress {
        if let Some(rep) = &st.report {
            if !rep.unhedged_histogram.counts.is_empty() && !rep.hedged_histogram.counts.is_empty()
            {
                charts.push(Chart {
                    caption: format!(
                        "Stress test: P&L over {} trading days of {} Monte Carlo paths, unhedged and with the sized book, with VaR and ES at 95 % and 99 %.",
                        rep.horizon_days, rep.paths
                    ),
                    spec: ChartSpec::StressDistribution(StressDistributionChart {
                        title: "Stress P&L distribution".into(),
                        unit: Unit::Usd,
                        unhedged: histogram("unhedged", &rep.unhedged_histogram, &rep.unhedged),
                        hedged: histogram("hedged", &rep.hedged_histogram, &rep.hedged),
                    }),
                });
            }
            if let Some(s) = &rep.uncovered_share_of_loss_1_in_20 {
                headline.uncovered_share_of_loss_1_in_20 = Some(Estimate {
                    value: s.mean,
                    interval: Some(Interval { lower: s.ci95[0], upper: s.ci95[1], level: 0.95 }),
                });
            }
            tables.push(Table {
                title: "Stress test".into(),
                caption: Some(format!(
                    "{} paths x {} days, seed {}; regime-switching model fitted to the store ({}), drift {}{}",
                    rep.paths,
                    rep.horizon_days,
                    rep.seed,
                    st.model,
                    st.drift,
                    if st.measured.nft_to < st.measured.to {
                        format!(
                            "; the NFT factor fitted on {} .. {}, the days its index covers",
                            st.measured.nft_from.map_or("-".into(), |d| d.to_string()),
                            st.measured.nft_to.map_or("-".into(), |d| d.to_string())
                        )
                    } else {
                        String::new()
                    }
                )),
                header: ["P&L", "mean", "sd", "VaR 95%", "VaR 99%", "ES 95%", "ES 99%"]
                    .map(String::from)
                    .to_vec(),
                rows: [("unhedged", &rep.unhedged), ("hedged", &rep.hedged)]
                    .iter()
                    .map(|(n, s)| {
                        let f = |x: f64| format!("{x:.0}");
                        vec![
                            n.to_string(),
                            f(s.mean),
                            f(s.sd),
                            f(s.var95),
                            f(s.var99),
                            f(s.es95),
                            f(s.es99),
                        ]
                    })
                    .collect(),
            });
        }
        headline.hedge_cost_per_year =
            Some(crosshedge_report::Amount { value: st.plan.cost_per_year, unit: Unit::Usd });
    }
    if let Some(b) = analysis.basis.first() {
        let r = &b.report;
        if let (Some(RegimeStats::Available(c)), Some(RegimeStats::Available(s))) =
            (r.regimes.get("calm"), r.regimes.get("stress"))
        {
            headline.correlation_break = Some(CorrelationBreak {
                calm: c.pearson,
                stress: s.pearson,
                p_value: r.forbes_rigobon.as_ref().map(|f| f.p_value),
            });
        }
        if let Some(k) = &r.decorrelation_factor {
            headline.decorrelation_factor = Some(DecorrelationFigure {
                value: k.value,
                interval: k.ci95.map(|c| Interval { lower: c[0], upper: c[1], level: 0.95 }),
                identified: k.identified,
                hedge_ratio_calm: k.hedge_ratio_calm,
                hedge_ratio_stress: k.hedge_ratio_stress,
            });
        }
        headline.notes.push(format!(
            "{} against {}: {} returns, alignment {} ({} periods/yr), {} .. {}.",
            b.meta.target,
            b.meta.hedge,
            b.meta.target_returns,
            b.meta.alignment,
            b.meta.periods_per_year,
            crate::output::date_or_dash(b.meta.from),
            crate::output::date_or_dash(b.meta.to)
        ));
    }
    // Basis table: every target, whole sample and each band.
    let mut rows = Vec::new();
    for b in &analysis.basis {
        let r = &b.report;
        let mut push = |name: &str, s: &crosshedge_stats::basis::BasisStats| {
            rows.push(vec![
                b.meta.target.clone(),
                name.to_string(),
                s.n.to_string(),
                format!(
                    "{:+.3} [{:+.2}, {:+.2}]",
                    s.pearson, s.pearson_ci95_bootstrap[0], s.pearson_ci95_bootstrap[1]
                ),
                format!("{:+.4} ({:.4})", s.beta, s.beta_se_hac),
                format!("{:.3}", s.r2),
                format!("{:+.4}", s.dimson_beta),
            ]);
        };
        push("all", &r.overall);
        for (name, st) in &r.regimes {
            if let RegimeStats::Available(s) = st {
                push(name, s);
            }
        }
    }
    tables.push(Table {
        title: format!("Basis against {hedge}"),
        caption: Some("Pearson with 95 % stationary-bootstrap interval; beta = h* with Newey-West standard error.".into()),
        header: ["target", "sample", "n", "pearson", "beta (HAC se)", "R2", "Dimson beta"].map(String::from).to_vec(),
        rows,
    });
    if let Some(e) = &analysis.episodes {
        tables.push(Table {
            title: "Shock episodes".into(),
            caption: Some(format!(
                "hedge: {}; net loss / notional = (target loss - hedge gain) / target notional; uncovered share of loss = 1 - hedge gain / target loss (- when the target did not lose); from/to are the first and last in-sample dates{}",
                e.hedge_instrument,
                if e.warnings.is_empty() {
                    String::new()
                } else {
                    format!(". Warnings: {}", e.warnings.join("; "))
                }
            )),
            header: [
                "episode",
                "from",
                "to",
                "target",
                "hedge P&L",
                "net loss / notional",
                "uncovered share of loss",
                "daily corr",
                "strong corr but hedge lost",
            ]
            .map(String::from)
            .to_vec(),
            rows: e
                .episodes
                .iter()
                .map(|r| {
                    let s = &r.slippage;
                    vec![
                        if r.truncated {
                            format!("{} (truncated by the sample)", s.name)
                        } else {
                            s.name.clone()
                        },
                        r.start.clone(),
                        r.end.clone(),
                        pct(s.target_cum_return),
                        pct(s.hedge_pnl),
                        pct(s.net_loss_share_of_notional),
                        s.uncovered_share_of_loss.map_or("-".into(), pct),
                        s.correlation.map_or("-".into(), |c| format!("{c:+.2}")),
                        if s.strong_correlation_but_hedge_lost {
                            "yes".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect(),
        });
    }
    let mut seen = BTreeSet::new();
    let inputs = store
        .imports()?
        .into_iter()
        .filter(|i| seen.insert((i.file_name.clone(), i.sha256.clone())))
        .map(|i| InputFile { name: i.file_name, sha256: i.sha256 })
        .collect();
    Ok(ReportInput {
        title: "crosshedge: how much of the hedge is really there".into(),
        header: ReportHeader {
            version: env!("CARGO_PKG_VERSION").into(),
            git_revision: None,
            generated_at: generated_at(),
            seed,
            alignment_policy: AlignPolicy::UsClose.to_string(),
            inputs,
            config,
        },
        headline,
        charts,
        tables,
    })
}

/// Renders and writes `report.html`, `report.json` and `analysis.json` into `dir`.
pub fn write(dir: &Path, input: &ReportInput, analysis: &Analysis) -> anyhow::Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let html = render_html(input)?;
    let (h, j, a) = (dir.join("report.html"), dir.join("report.json"), dir.join("analysis.json"));
    write_atomic(&j, serde_json::to_string(input)?.as_bytes())?;
    write_atomic(&a, serde_json::to_string(analysis)?.as_bytes())?;
    write_atomic(&h, html.as_bytes())?;
    Ok(Written {
        html: h.display().to_string(),
        json: j.display().to_string(),
        analysis: a.display().to_string(),
    })
}

pub fn run(ctx: &Ctx, a: ReportArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let known: BTreeSet<String> = store.list()?.into_iter().map(|s| s.name).collect();
    let targets: Vec<&String> = a.targets.iter().filter(|t| known.contains(*t)).collect();
    if targets.is_empty() {
        return Err(crate::exit::UsageError(format!(
            "none of the targets {} is in the store",
            a.targets.join(", ")
        ))
        .into());
    }
    let mut basis_out = Vec::new();
    for t in &targets {
        basis_out.push(
            basis::analyse(&store, &basis_args(t, &a.hedge, a.bootstrap, a.seed))
                .with_context(|| format!("basis of {t}"))?,
        );
    }
    let cat = episodes::catalogue(a.catalogue.as_deref(), a.no_builtin)?;
    let ep = episodes::analyse(
        &store,
        &EpisodesArgs {
            // The episodes' hedge is a P&L, so it must be tradable: the default spot VIX of the
            // basis gives way to the tradable default (the constant-maturity futures proxy).
            pair: pair(
                targets[0],
                if a.hedge == "vix" { episodes::AUTO_HEDGE } else { a.hedge.as_str() },
            ),
            catalogue: a.catalogue.clone(),
            no_builtin: a.no_builtin,
        },
    )
    .context("episodes")?;
    // The stress model needs a daily NFT index (`nft`, as in the demo). The real data's
    // CryptoPunks floor proxy (`punks`, sparse sales-based prints in ETH) gives a fitted
    // model with absurd tails, so it is not substituted.
    let crypto: Vec<&str> =
        ["btc", "eth", "nft"].into_iter().filter(|n| known.contains(*n)).collect();
    let stress_out = if crypto.len() == 3 {
        Some(
            crosshedge_app::stress::run(
                &ctx.workspace(),
                &(&stress_args(&a.book, &crypto.join(","), a.paths, a.seed)).into(),
                &crate::progress::Bar::new(if ctx.json { u64::MAX } else { 200_000 }),
            )
            .context("stress test")?,
        )
    } else {
        eprintln!("note: the stress test needs btc, eth and a daily NFT index `nft` in the store; skipped (import one as `nft` to include it)");
        None
    };
    // The backtest runs on the stored prices, so the CryptoPunks floor proxy of the real data
    // may stand in for the NFT index there.
    let nft = ["nft", "punks"].into_iter().find(|n| known.contains(*n));
    let bt_crypto: Vec<&str> =
        ["btc", "eth"].into_iter().filter(|n| known.contains(*n)).chain(nft).collect();
    let backtest_out = if bt_crypto.len() == 3 {
        Some(
            backtest::analyse(
                &ctx.store,
                &store,
                &backtest_args(&a.book, &bt_crypto.join(","), a.catalogue.clone(), a.no_builtin),
            )
            .context("backtest")?
            .summarised(),
        )
    } else {
        eprintln!("note: the backtest needs btc, eth and an NFT index (nft or punks) in the store; skipped");
        None
    };
    let analysis = Analysis {
        basis: basis_out,
        episodes: Some(ep),
        stress: stress_out,
        backtest: backtest_out,
    };
    let mut config = BTreeMap::new();
    config.insert("book".into(), a.book.clone());
    config.insert("bootstrap".into(), a.bootstrap.to_string());
    config.insert("paths".into(), a.paths.to_string());
    config.insert("window".into(), a.window.to_string());
    let input = assemble(&store, &analysis, &cat, &a.hedge, a.seed, a.window, config)?;
    let w = write(&a.out, &input, &analysis)?;
    if ctx.json {
        return crate::output::print_json(&w);
    }
    crate::output::emit(&format!(
        "report: {}\ndata behind it: {} and {}",
        w.html, w.json, w.analysis
    ));
    Ok(())
}
