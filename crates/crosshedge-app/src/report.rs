//! `report`: the whole pipeline — basis by VIX band for every target, episode slippage,
//! stress test and backtest of the book — rendered into one self-contained HTML file plus the
//! JSON behind it.
//!
//! The report crate only draws and formats; every number comes from the same jobs as the
//! individual commands, run once on one [`Workspace`]: each series is loaded once, each pair
//! aligned once and the book measured once (the workspace's caches), however many analyses
//! use them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use crosshedge_backtest::metrics::drawdown_series;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_labels::bands::{vix_bands, BandConfig};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_report::{
    render_html, Chart, ChartSpec, CorrelationBreak, DecorrelationFigure, EpisodeBar,
    EpisodeBarsChart, EpisodeWindow, EquityChart, Estimate, ExceedanceChart, ExceedancePoint,
    ExceedanceTail, FrontierChart, FrontierCurve, Headline, HeatmapChart, InputFile, Interval,
    PnlHistogram, RegimeVixChart, ReportHeader, ReportInput, RiskMarker, RollingCorrelationChart,
    StressDistributionChart, Table, Unit,
};
use crosshedge_simulation::{CoarseHistogram, PnlSummary};
use crosshedge_stats::basis::RegimeStats;
use crosshedge_stats::breakdown::Tail;
use serde::{Deserialize, Serialize};

use crate::backtest::{BacktestRequest, BacktestResponse};
use crate::basis::{BasisRequest, BasisResponse};
use crate::claims::{ClaimsRequest, ClaimsResponse};
use crate::episodes::{CatalogueSource, EpisodesRequest, EpisodesResponse, AUTO_HEDGE};
use crate::measure::{BookSource, MeasureRequest};
use crate::pair::{load_pair, PairRequest};
use crate::stress::{StressRequest, StressResponse};
use crate::tournament::{TournamentRequest, TournamentResponse};
use crate::{AppError, ErrorKind, Progress, ResultExt, Workspace};

/// What `report` analyses and where it writes.
///
/// As JSON, e.g. `{"out": "report-out", "bootstrap": 500, "paths": 20000}`; every field left
/// out takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportRequest {
    /// Output directory for `report.html`, `report.json` and `analysis.json`.
    pub out: PathBuf,
    /// The hedge book (default: the built-in adaptive layered VIX hedge).
    pub book: BookSource,
    /// Targets analysed against the hedge (those present in the store are used).
    pub targets: Vec<String>,
    /// The hedge series of the basis analyses (the episodes use the tradable default
    /// instead of spot VIX).
    pub hedge: String,
    /// The episode catalogue.
    pub catalogue: CatalogueSource,
    /// Stationary-bootstrap resamples per interval.
    pub bootstrap: usize,
    /// Monte Carlo paths of the stress test.
    pub paths: u64,
    /// Seed of the bootstrap and the Monte Carlo.
    pub seed: u64,
    /// Rolling-correlation window in trading days.
    pub window: usize,
    /// The time stamped into the report's header (UTC; the job reads no clock: the front end
    /// passes the time of the run).
    pub generated_at: DateTime<Utc>,
}

impl Default for ReportRequest {
    fn default() -> Self {
        Self {
            out: PathBuf::from("report-out"),
            book: BookSource::Default,
            targets: ["btc", "eth", "nft", "punks"].map(String::from).to_vec(),
            hedge: "vix".to_string(),
            catalogue: CatalogueSource::default(),
            bootstrap: 2000,
            paths: 100_000,
            seed: 42,
            window: 90,
            generated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }
}

/// Everything the report shows, as computed (`analysis.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    /// Basis of each target against the hedge, by VIX band.
    pub basis: Vec<BasisResponse>,
    /// Episode slippage of the first target.
    pub episodes: Option<EpisodesResponse>,
    /// Stress test of the book.
    pub stress: Option<StressResponse>,
    /// Backtest of the book through the store's history.
    pub backtest: Option<BacktestResponse>,
    /// The hedge tournament of the first target at the book's budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tournament: Option<TournamentResponse>,
    /// The method's claims checked on the store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<ClaimsResponse>,
}

/// The JSON of `report`: where it went.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    /// The HTML file.
    pub html: String,
    /// The report's input data.
    pub json: String,
    /// Every analysis result behind it.
    pub analysis: String,
    /// What was left out and why (e.g. the stress test without a daily NFT index); the CLI
    /// prints these to stderr as `note: ...`. Absent from the JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The book as the report's configuration names it: `default`, the file's path, or `toml`
/// (a book given as TOML text).
fn book_label(b: &BookSource) -> String {
    match b {
        BookSource::Default => "default".to_string(),
        BookSource::Path(p) => p.display().to_string(),
        BookSource::Toml(_) => "toml".to_string(),
    }
}

/// `d` as `YYYY-MM-DD`, or `-`.
fn date_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
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

/// `x` as a percentage with one decimal (`0.253` → `25.3%`), as the tables show it.
fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Builds the report's input from computed results and the store.
///
/// The VIX and the first target's pair come from the workspace's caches, so nothing the
/// analyses already loaded or aligned is read again.
///
/// # Errors
/// Store errors; the statistics' errors for a sample too short for the rolling window.
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    ws: &Workspace,
    analysis: &Analysis,
    catalogue: &Catalogue,
    hedge: &str,
    seed: u64,
    window: usize,
    config: BTreeMap<String, String>,
    generated_at: DateTime<Utc>,
) -> Result<ReportInput, AppError> {
    let mut charts = Vec::new();
    let mut tables = Vec::new();
    // Regime-shaded VIX on NYSE days, each day labelled with the band of the previous close.
    let vix = ws.load("vix", None, None)?;
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
        let p = load_pair(ws, &PairRequest::new(&b.meta.target, hedge))?;
        let roll = crate::rolling::points(&p, window, 0.95)?;
        let d = roll.iter().map(|q| q.date).collect();
        let c = roll.iter().map(|q| q.correlation).collect();
        let lo = roll.iter().map(|q| q.low).collect();
        let hi = roll.iter().map(|q| q.high).collect();
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
                date_or_dash(bt.from),
                date_or_dash(bt.to),
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
            date_or_dash(b.meta.from),
            date_or_dash(b.meta.to)
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
    // The tournament and the claims come first after the answer card.
    let (mut first_charts, mut first_tables) = (Vec::new(), Vec::new());
    if let Some(t) = &analysis.tournament {
        tournament_sections(t, &mut first_charts, &mut first_tables, &mut headline);
    }
    if let Some(c) = &analysis.claims {
        first_tables.push(claims_table(c));
    }
    first_charts.append(&mut charts);
    let charts = first_charts;
    first_tables.append(&mut tables);
    let tables = first_tables;
    let mut seen = BTreeSet::new();
    let inputs = ws
        .store()?
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
            generated_at,
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
///
/// # Errors
/// An analysis error when the directory cannot be created or a file cannot be written. The
/// three files are written as one set ([`crate::output_set`]: temporaries, a commit journal,
/// renames, roll-forward after a kill), so a failure never leaves a new JSON beside an old
/// HTML, nor temporary files behind.
pub fn write(dir: &Path, input: &ReportInput, analysis: &Analysis) -> Result<Written, AppError> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let html = render_html(input)?;
    let (h, j, a) = (dir.join("report.html"), dir.join("report.json"), dir.join("analysis.json"));
    crate::output_set::write_set(
        dir,
        &[
            ("report.json", serde_json::to_string(input)?.into_bytes()),
            ("analysis.json", serde_json::to_string(analysis)?.into_bytes()),
            ("report.html", html.into_bytes()),
        ],
    )?;
    Ok(Written {
        html: h.display().to_string(),
        json: j.display().to_string(),
        analysis: a.display().to_string(),
        notes: Vec::new(),
    })
}

/// Runs every analysis of the report on the workspace's store, assembles and writes it.
///
/// # Errors
/// An input error for `bootstrap` below 2 or `paths` of 0, or when none of the targets is in
/// the store; when no target is usable, the
/// first target's error with the analysis named in front (`basis of btc: ...`); write
/// errors. A target, the episodes, the stress test or the backtest that cannot be run is left
/// out of the report with a note in `notes` and in the page's headline notes (the report is
/// still written); a cancellation stops the report.
pub fn run(
    ws: &Workspace,
    req: &ReportRequest,
    progress: &dyn Progress,
) -> Result<Written, AppError> {
    // Request values are input errors up front, not a skipped part or an analysis failure.
    if req.bootstrap < 2 {
        return Err(AppError::input(format!(
            "--bootstrap must be at least 2, got {}",
            req.bootstrap
        )));
    }
    if req.paths == 0 {
        return Err(AppError::input("--paths must be at least 1, got 0"));
    }
    let known: BTreeSet<String> = ws.store()?.list()?.into_iter().map(|s| s.name).collect();
    let targets: Vec<&String> = req.targets.iter().filter(|t| known.contains(*t)).collect();
    if targets.is_empty() {
        return Err(AppError::input(format!(
            "none of the targets {} is in the store",
            req.targets.join(", ")
        )));
    }
    let mut notes = Vec::new();
    let mut basis = Vec::new();
    // One unusable target is left out with a note; the report fails only when none is usable.
    let mut first_error = None;
    let mut usable = Vec::new();
    for t in &targets {
        let b = BasisRequest {
            pair: PairRequest::new(t, &req.hedge),
            bootstrap: req.bootstrap,
            seed: req.seed,
            ..BasisRequest::default()
        };
        match crate::basis::run(ws, &b, progress).with_context(|| format!("basis of {t}")) {
            Ok(r) => {
                basis.push(r);
                usable.push(*t);
            }
            Err(e) if e.kind == ErrorKind::Cancelled => return Err(e),
            Err(e) => {
                notes.push(format!("target {t} left out: {}", e.message));
                first_error.get_or_insert(e);
            }
        }
    }
    if usable.is_empty() {
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    let targets = usable;
    crate::checkpoint(progress)?;
    let catalogue = req.catalogue.load()?;
    // The episodes' hedge is a P&L, so it must be tradable: the default spot VIX of the
    // basis gives way to the tradable default (the constant-maturity futures proxy).
    let ep_hedge = if req.hedge == "vix" { AUTO_HEDGE } else { req.hedge.as_str() };
    let ep = EpisodesRequest {
        pair: PairRequest::new(targets[0], ep_hedge),
        catalogue: req.catalogue.clone(),
    };
    let episodes =
        left_out(crate::episodes::run(ws, &ep, progress).context("episodes"), &mut notes)?;
    crate::checkpoint(progress)?;
    // The stress model needs a daily NFT index (`nft`, as in the demo). The real data's
    // CryptoPunks floor proxy (`punks`, sparse sales-based prints in ETH) gives a fitted
    // model with absurd tails, so it is not substituted.
    let crypto: Vec<String> = ["btc", "eth", "nft"]
        .into_iter()
        .filter(|n| known.contains(*n))
        .map(String::from)
        .collect();
    let crypto_all = crypto.clone();
    let stress = if crypto.len() == 3 {
        let s = StressRequest {
            measure: MeasureRequest { book: req.book.clone(), crypto, ..MeasureRequest::default() },
            paths: req.paths,
            seed: req.seed,
            ..StressRequest::default()
        };
        left_out(crate::stress::run(ws, &s, progress).context("stress test"), &mut notes)?
    } else {
        notes.push("the stress test needs btc, eth and a daily NFT index `nft` in the store; skipped (import one as `nft` to include it)".to_string());
        None
    };
    // The backtest runs on the stored prices, so the CryptoPunks floor proxy of the real data
    // may stand in for the NFT index there.
    let nft = ["nft", "punks"].into_iter().find(|n| known.contains(*n));
    let bt_crypto: Vec<String> = ["btc", "eth"]
        .into_iter()
        .filter(|n| known.contains(*n))
        .chain(nft)
        .map(String::from)
        .collect();
    let backtest = if bt_crypto.len() == 3 {
        let b = BacktestRequest {
            measure: MeasureRequest {
                book: req.book.clone(),
                crypto: bt_crypto,
                ..MeasureRequest::default()
            },
            catalogue: req.catalogue.clone(),
            ..BacktestRequest::default()
        };
        left_out(crate::backtest::run(ws, &b, progress).context("backtest"), &mut notes)?
    } else {
        notes.push(
            "the backtest needs btc, eth and an NFT index (nft or punks) in the store; skipped"
                .to_string(),
        );
        None
    };
    // The tournament of the first target at the book's budget, and the claims check.
    let book = req.book.load()?;
    let tournament = if crypto_all.len() == 3 {
        let t = TournamentRequest {
            measure: MeasureRequest {
                book: req.book.clone(),
                crypto: crypto_all.clone(),
                crypto_vol: known.contains("dvol").then(|| "dvol".to_string()),
                ..MeasureRequest::default()
            },
            target: targets[0].to_string(),
            budget: if book.budget > 0.0 {
                book.budget.min(crate::tournament::MAX_BUDGET)
            } else {
                0.04
            },
            catalogue: req.catalogue.clone(),
            paths: req.paths.clamp(1000, crate::tournament::TournamentRequest::default().paths),
            seed: req.seed,
            bootstrap_reps: req.bootstrap.clamp(100, 1000),
            ..TournamentRequest::default()
        };
        left_out(crate::tournament::run(ws, &t, progress).context("tournament"), &mut notes)?
    } else {
        notes.push(
            "the hedge tournament needs btc, eth and a daily NFT index `nft` in the store; skipped"
                .to_string(),
        );
        None
    };
    crate::checkpoint(progress)?;
    let claims = {
        let c = ClaimsRequest {
            targets: targets.iter().map(|t| t.to_string()).collect(),
            catalogue: req.catalogue.clone(),
            bootstrap: req.bootstrap.clamp(100, 1000),
            seed: req.seed,
            paths: req.paths.clamp(1000, 100_000),
            ..ClaimsRequest::default()
        };
        left_out(crate::claims::run(ws, &c, progress).context("claims"), &mut notes)?
    };
    // A measurement without SPX data is said once in the page, naming the part it concerns.
    let spx = crate::measure::SPX_NOT_MODELLED;
    let parts = [
        ("stress test", stress.as_ref().map(|s| &s.warnings)),
        ("backtest", backtest.as_ref().map(|b| &b.warnings)),
        ("hedge tournament", tournament.as_ref().map(|t| &t.warnings)),
    ];
    let said: Vec<&str> = parts
        .iter()
        .filter(|(_, w)| w.is_some_and(|w| w.iter().any(|w| w.starts_with(spx))))
        .map(|(part, _)| *part)
        .collect();
    if let Some(w) = parts.iter().filter_map(|(_, w)| *w).flatten().find(|w| w.starts_with(spx)) {
        notes.push(format!("{}: {w}", said.join(", ")));
    }
    let analysis = Analysis { basis, episodes, stress, backtest, tournament, claims };
    let mut config = BTreeMap::new();
    config.insert("book".into(), book_label(&req.book));
    config.insert("bootstrap".into(), req.bootstrap.to_string());
    config.insert("paths".into(), req.paths.to_string());
    config.insert("window".into(), req.window.to_string());
    let input = assemble(
        ws,
        &analysis,
        &catalogue,
        &req.hedge,
        req.seed,
        req.window,
        config,
        req.generated_at,
    )?;
    let mut input = input;
    // What was left out is said in the page as well as in `notes`.
    input.headline.notes.extend(notes.iter().map(|n| format!("{n}.")));
    let mut w = write(&req.out, &input, &analysis)?;
    w.notes = notes;
    Ok(w)
}

/// `Some` of a part of the report that ran, `None` with a note (its error) for one that could
/// not; a cancellation stops the report.
fn left_out<T>(r: Result<T, AppError>, notes: &mut Vec<String>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind == ErrorKind::Cancelled => Err(e),
        Err(e) => {
            notes.push(format!("{} (left out)", e.message));
            Ok(None)
        }
    }
}

/// A decimal as a percent with one decimal, or a dash.
fn pct_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{:.1} %", 100.0 * v))
}

/// The tournament's table, frontier chart, cover heatmap and the answer card's sentence.
fn tournament_sections(
    t: &TournamentResponse,
    charts: &mut Vec<Chart>,
    tables: &mut Vec<Table>,
    headline: &mut Headline,
) {
    let m = &t.main;
    headline.notes.push(format!("Hedge tournament at the book's budget: {}", m.verdict));
    tables.push(Table {
        title: format!("Hedge tournament: {} at {} of the notional a year", m.target, pct_opt(Some(m.budget))),
        caption: Some(format!(
            "Every candidate sized to the same expected cost (options: premium budget a year; linear hedges: expected carry; zero or negative carry: held at the hedge ratio). Stress: {} Monte Carlo paths over {} trading days, every candidate on the same paths. History: cover = hedge gain / target loss per episode, mean over the episodes where the target lost.",
            t.paths, t.horizon_days
        )),
        header: [
            "rank",
            "candidate",
            "cost / yr",
            "1-in-20 slippage",
            "VaR99 cut",
            "ES99 cut",
            "mean episode cover",
            "carry / yr (history)",
            "lost to a failed venue (USD)",
            "sizing",
        ]
        .map(String::from)
        .to_vec(),
        rows: m
            .candidates
            .iter()
            .map(|c| {
                vec![
                    c.rank.to_string(),
                    c.name.clone(),
                    pct_opt(Some(c.cost_share_per_year)),
                    pct_opt(c.stress.slippage_1_in_20),
                    pct_opt(c.stress.var99_reduction),
                    pct_opt(c.stress.es99_reduction),
                    pct_opt(c.mean_cover),
                    pct_opt(c.carry_share_per_year_history),
                    if c.venue_default_loss_usd > 0.0 {
                        format!("{:.0}", c.venue_default_loss_usd)
                    } else {
                        "-".into()
                    },
                    c.sizing_rule.clone(),
                ]
            })
            .collect(),
    });
    let n = m.notional.max(f64::MIN_POSITIVE);
    let mut curves: Vec<FrontierCurve> = m
        .frontier_candidates
        .iter()
        .map(|c| FrontierCurve {
            label: c.name.clone(),
            points: c
                .points
                .iter()
                .filter_map(|p| p.es99_reduction.map(|r| (p.cost_per_year / n, r)))
                .collect(),
            emphasis: false,
        })
        .filter(|c| !c.points.is_empty())
        .collect();
    let mix: Vec<(f64, f64)> = m
        .frontier
        .iter()
        .filter_map(|p| p.es99_reduction.map(|r| (p.cost_per_year / n, r)))
        .collect();
    if !mix.is_empty() {
        curves.push(FrontierCurve { label: "optimal mix".into(), points: mix, emphasis: true });
    }
    if !curves.is_empty() {
        charts.push(Chart {
            caption: format!(
                "Cost-protection frontier of {}: the ES99 reduction each candidate buys alone against its carry per year, and the minimum-ES99 mix (Rockafellar-Uryasev, exact) per budget up to {}.",
                m.target,
                pct_opt(m.frontier.last().map(|p| p.budget))
            ),
            spec: ChartSpec::Frontier(FrontierChart {
                title: format!("{}: protection against carry", m.target),
                y_label: "ES99 reduction".into(),
                curves,
            }),
        });
    }
    let columns: Vec<String> = m
        .candidates
        .first()
        .map(|c| c.episodes.iter().map(|e| e.name.clone()).collect())
        .unwrap_or_default();
    if !columns.is_empty() {
        charts.push(Chart {
            caption: "Cover of each candidate in each named episode (hedge gain / target loss over the window; grey where the target did not lose). Blue: the hedge offset the loss; vermilion: it lost money too.".into(),
            spec: ChartSpec::Heatmap(HeatmapChart {
                title: format!("{}: cover by candidate and episode", m.target),
                rows: m.candidates.iter().map(|c| c.name.clone()).collect(),
                columns,
                cells: m
                    .candidates
                    .iter()
                    .map(|c| c.episodes.iter().map(|e| e.cover).collect())
                    .collect(),
                legend: "cells: cover in percent; - where the target did not lose in the episode".into(),
            }),
        });
    }
}

/// The claims table.
fn claims_table(c: &ClaimsResponse) -> Table {
    let num = |x: Option<f64>, metric: &str| {
        x.map_or_else(
            || "-".to_string(),
            |v| {
                if metric == "decorrelation-factor" {
                    format!("{v:.2}x")
                } else {
                    format!("{:.1} %", 100.0 * v)
                }
            },
        )
    };
    Table {
        title: "Do the method's claims hold?".into(),
        caption: Some(
            "Each quantitative claim as written, the value measured on this store with its interval, and the verdict: contradicted when the interval misses the claimed range, supported when the estimate is in it and the interval is narrow enough to say so, not identified otherwise."
                .into(),
        ),
        header: ["claim", "target", "claimed", "measured", "interval", "verdict", "why"]
            .map(String::from)
            .to_vec(),
        rows: c
            .claims
            .iter()
            .map(|r| {
                vec![
                    r.text.clone(),
                    r.target.clone().or_else(|| r.series.clone()).unwrap_or_else(|| "-".into()),
                    format!("{} .. {}", num(Some(r.claimed_low), &r.metric), num(Some(r.claimed_high), &r.metric)),
                    num(r.measured, &r.metric),
                    match (r.low, r.high) {
                        (Some(l), Some(h)) => format!("[{}, {}]", num(Some(l), &r.metric), num(Some(h), &r.metric)),
                        _ => "-".into(),
                    },
                    r.verdict.as_str().to_string(),
                    r.reason.clone(),
                ]
            })
            .collect(),
    }
}
