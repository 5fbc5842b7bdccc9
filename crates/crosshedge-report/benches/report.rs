//! Rendering cost of a full report: ~3,000-point series for every date chart, 4,096-bin stress
//! histograms (the simulation's resolution), 12 exceedance thresholds, 10 episodes.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use crosshedge_report::charts::{
    episode_bars, equity_curves, exceedance, frontier, heatmap, regime_vix, rolling_correlation,
    stress_distribution,
};
use crosshedge_report::{
    render_html, Amount, Chart, ChartSpec, CorrelationBreak, DecorrelationFigure, EpisodeBar,
    EpisodeBarsChart, EpisodeWindow, EquityChart, Estimate, ExceedanceChart, ExceedancePoint,
    ExceedanceTail, Headline, InputFile, Interval, PnlHistogram, RegimeVixChart, ReportHeader,
    ReportInput, RiskMarker, RollingCorrelationChart, StressDistributionChart, Table, Unit,
};

const N: usize = 3_000;
const BINS: usize = 4_096;

/// Deterministic wiggle in [-1, 1] (no RNG needed for a rendering benchmark).
fn wiggle(i: usize, k: f64) -> f64 {
    let x = i as f64;
    (0.6 * (x * 0.013 * k).sin() + 0.3 * (x * 0.071 * k).sin() + 0.1 * (x * 0.53 * k).sin())
        .clamp(-1.0, 1.0)
}

fn dates() -> Vec<NaiveDate> {
    let d0 = NaiveDate::from_ymd_opt(2014, 9, 17).unwrap();
    (0..N).map(|i| d0 + Duration::days(i as i64)).collect()
}

fn histogram(label: &str, shift: f64, width: f64) -> PnlHistogram {
    let lo = -3e6;
    let step = 6e6 / BINS as f64;
    PnlHistogram {
        label: label.to_owned(),
        bin_edges: (0..=BINS).map(|i| lo + step * i as f64).collect(),
        counts: (0..BINS)
            .map(|i| {
                let z = (lo + step * (i as f64 + 0.5) - shift) / width;
                (250.0 * (-0.5 * z * z).exp()).floor()
            })
            .collect(),
        markers: vec![
            RiskMarker { level: 0.95, var: 1.645 * width - shift, es: 2.06 * width - shift },
            RiskMarker { level: 0.99, var: 2.33 * width - shift, es: 2.67 * width - shift },
        ],
    }
}

fn input() -> ReportInput {
    let ds = dates();
    let vix: Vec<f64> = (0..N).map(|i| 19.0 + 9.0 * wiggle(i, 1.0)).collect();
    let regimes = vix
        .iter()
        .map(|v| match *v {
            v if v < 15.0 => "calm",
            v if v < 25.0 => "normal",
            _ => "stress",
        })
        .map(str::to_owned)
        .collect();
    let corr: Vec<f64> = (0..N).map(|i| 0.15 + 0.35 * wiggle(i, 0.7)).collect();
    let equity_u: Vec<f64> = (0..N).map(|i| 1e6 * (1.0 + 0.4 * wiggle(i, 0.5))).collect();
    let equity_h: Vec<f64> = (0..N).map(|i| 1e6 * (1.0 + 0.25 * wiggle(i, 0.5))).collect();
    let dd = |e: &[f64]| -> Vec<f64> {
        // The caller's job in real use; here only to get a plausible shape.
        let mut peak = f64::MIN;
        e.iter()
            .map(|v| {
                peak = peak.max(*v);
                v / peak - 1.0
            })
            .collect()
    };
    let episodes: Vec<EpisodeWindow> = (0..6)
        .map(|k| EpisodeWindow {
            name: format!("Episode {k}"),
            start: ds[300 + 450 * k],
            end: ds[330 + 450 * k],
        })
        .collect();
    let qs = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95];
    let charts = vec![
        ChartSpec::RegimeVix(RegimeVixChart {
            title: "VIX by regime".to_owned(),
            dates: ds.clone(),
            vix,
            regimes,
            episodes,
        }),
        ChartSpec::RollingCorrelation(RollingCorrelationChart {
            title: "63-day correlation".to_owned(),
            dates: ds.clone(),
            lower: corr.iter().map(|c| c - 0.2).collect(),
            upper: corr.iter().map(|c| c + 0.2).collect(),
            correlation: corr,
            line_label: "63-day Pearson".to_owned(),
            band_label: "95 % interval".to_owned(),
        }),
        ChartSpec::Exceedance(ExceedanceChart {
            title: "Exceedance correlation".to_owned(),
            points: qs
                .iter()
                .map(|&q| ExceedancePoint {
                    quantile: q,
                    tail: if q <= 0.5 { ExceedanceTail::Lower } else { ExceedanceTail::Upper },
                    empirical: Some(0.6 - (q - 0.5_f64).abs()),
                    benchmark: 0.3 - 0.3 * (q - 0.5_f64).abs(),
                })
                .collect(),
        }),
        ChartSpec::EpisodeBars(EpisodeBarsChart {
            title: "Episodes".to_owned(),
            unit: Unit::Fraction,
            episodes: (0..10)
                .map(|k| EpisodeBar {
                    name: format!("Episode {k}"),
                    target_return: -0.1 - 0.03 * k as f64,
                    hedge_pnl: 0.02 * k as f64,
                    net_loss_share_of_notional: -0.1 - 0.01 * k as f64,
                })
                .collect(),
        }),
        ChartSpec::StressDistribution(StressDistributionChart {
            title: "Stress P&L".to_owned(),
            unit: Unit::Usd,
            unhedged: histogram("unhedged", -2e5, 6e5),
            hedged: histogram("hedged", 0.0, 4e5),
        }),
        ChartSpec::Equity(EquityChart {
            title: "Equity".to_owned(),
            unit: Unit::Usd,
            dates: ds,
            unhedged_drawdown: dd(&equity_u),
            hedged_drawdown: dd(&equity_h),
            unhedged: equity_u,
            hedged: equity_h,
        }),
    ];
    ReportInput {
        title: "Benchmark report".to_owned(),
        header: ReportHeader {
            version: "0.1.0".to_owned(),
            git_revision: None,
            generated_at: Utc.with_ymd_and_hms(2026, 1, 30, 0, 0, 0).unwrap(),
            seed: 1,
            alignment_policy: "us-close".to_owned(),
            inputs: (0..8)
                .map(|k| InputFile { name: format!("series-{k}.csv"), sha256: "ab".repeat(32) })
                .collect(),
            config: Default::default(),
        },
        headline: Headline {
            correlation_break: Some(CorrelationBreak {
                calm: 0.4,
                stress: 0.1,
                p_value: Some(0.001),
            }),
            decorrelation_factor: Some(DecorrelationFigure {
                value: 0.3,
                interval: Some(Interval { lower: 0.1, upper: 0.5, level: 0.95 }),
                identified: true,
                hedge_ratio_calm: -0.1,
                hedge_ratio_stress: -0.03,
            }),
            uncovered_share_of_loss_1_in_20: Some(Estimate { value: 0.38, interval: None }),
            hedge_cost_per_year: Some(Amount { value: 21_000.0, unit: Unit::Usd }),
            notes: Vec::new(),
        },
        charts: charts
            .into_iter()
            .map(|spec| Chart { caption: "caption".to_owned(), spec })
            .collect(),
        tables: vec![Table {
            title: "Table".to_owned(),
            caption: None,
            header: vec!["a".to_owned(), "b".to_owned()],
            rows: vec![vec!["1".to_owned(), "2".to_owned()]; 50],
        }],
    }
}

fn bench(c: &mut Criterion) {
    let input = input();
    let html = render_html(&input).unwrap();
    eprintln!("report size: {} bytes", html.len());
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.bench_function("render_html_full", |b| b.iter(|| render_html(&input).unwrap()));
    for chart in &input.charts {
        let name = match &chart.spec {
            ChartSpec::RegimeVix(_) => "regime_vix",
            ChartSpec::RollingCorrelation(_) => "rolling_correlation",
            ChartSpec::Exceedance(_) => "exceedance",
            ChartSpec::EpisodeBars(_) => "episode_bars",
            ChartSpec::StressDistribution(_) => "stress_distribution",
            ChartSpec::Equity(_) => "equity_curves",
            ChartSpec::Frontier(_) => "frontier",
            ChartSpec::Heatmap(_) => "heatmap",
        };
        g.bench_function(name, |b| {
            b.iter(|| match &chart.spec {
                ChartSpec::RegimeVix(x) => regime_vix(x).unwrap(),
                ChartSpec::RollingCorrelation(x) => rolling_correlation(x).unwrap(),
                ChartSpec::Exceedance(x) => exceedance(x).unwrap(),
                ChartSpec::EpisodeBars(x) => episode_bars(x).unwrap(),
                ChartSpec::StressDistribution(x) => stress_distribution(x).unwrap(),
                ChartSpec::Equity(x) => equity_curves(x).unwrap(),
                ChartSpec::Frontier(x) => frontier(x).unwrap(),
                ChartSpec::Heatmap(x) => heatmap(x).unwrap(),
            })
        });
    }
    g.bench_function("report_input_to_json", |b| b.iter(|| serde_json::to_string(&input).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
