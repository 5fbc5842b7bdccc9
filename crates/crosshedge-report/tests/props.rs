//! Property tests: any finite input of any length draws a well-formed SVG without panicking;
//! a single NaN anywhere is an error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use crosshedge_report::charts::{
    episode_bars, equity_curves, exceedance, regime_vix, rolling_correlation, stress_distribution,
};
use crosshedge_report::{
    EpisodeBar, EpisodeBarsChart, EpisodeWindow, EquityChart, ExceedanceChart, ExceedancePoint,
    ExceedanceTail, PnlHistogram, RegimeVixChart, ReportError, RiskMarker, RollingCorrelationChart,
    StressDistributionChart, Unit,
};
use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::Reader;

fn assert_xml(svg: &str) {
    let mut reader = Reader::from_str(svg);
    let mut depth = 0_i64;
    loop {
        match reader.read_event().expect("well-formed svg") {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
}

/// Finite values over many magnitudes, including exact repeats and zero.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        -1.0..1.0_f64,
        -1e12..1e12_f64,
        (-1e-9..1e-9_f64),
        (-1e200..1e200_f64),
    ]
}

fn series(len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(value(), len)
}

fn dates(n: usize, gaps: &[u8]) -> Vec<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(1990, 1, 2).unwrap();
    (0..n)
        .map(|i| {
            d += Duration::days(1 + i64::from(gaps[i % gaps.len()] % 5));
            d
        })
        .collect()
}

fn unit() -> impl Strategy<Value = Unit> {
    prop_oneof![Just(Unit::Fraction), Just(Unit::Usd), Just(Unit::Plain)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn prop_date_charts_draw_any_finite_input(
        (n, a, b, c, d) in (1_usize..60).prop_flat_map(|n| (Just(n), series(n), series(n), series(n), series(n))),
        gaps in prop::collection::vec(any::<u8>(), 1..8),
        labels in prop::collection::vec(0_u8..4, 1..8),
        u in unit(),
        nan_at in any::<prop::sample::Index>(),
    ) {
        let ds = dates(n, &gaps);
        let regimes: Vec<String> = (0..n)
            .map(|i| ["calm", "normal", "stress", "other <x>"][usize::from(labels[i % labels.len()])].to_owned())
            .collect();
        let vix = RegimeVixChart {
            title: "t".to_owned(),
            dates: ds.clone(),
            vix: a.clone(),
            regimes,
            episodes: vec![EpisodeWindow { name: "e & f".to_owned(), start: ds[0], end: ds[n - 1] }],
        };
        assert_xml(&regime_vix(&vix).unwrap());
        let lower: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x.min(*y)).collect();
        let upper: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x.max(*y)).collect();
        let roll = RollingCorrelationChart {
            title: "t".to_owned(),
            dates: ds.clone(),
            correlation: c.clone(),
            lower,
            upper,
            line_label: "l".to_owned(),
            band_label: "b".to_owned(),
        };
        assert_xml(&rolling_correlation(&roll).unwrap());
        let eq = EquityChart {
            title: "t".to_owned(),
            unit: u,
            dates: ds,
            unhedged: a,
            hedged: b,
            unhedged_drawdown: c,
            hedged_drawdown: d,
        };
        assert_xml(&equity_curves(&eq).unwrap());

        let mut bad = eq.clone();
        let i = nan_at.index(n);
        bad.hedged_drawdown[i] = f64::NAN;
        let is_nan_error = matches!(
            equity_curves(&bad),
            Err(ReportError::NonFinite { index, .. }) if index == i
        );
        prop_assert!(is_nan_error);
    }

    #[test]
    fn prop_other_charts_draw_any_finite_input(
        (n, a, b, c) in (1_usize..30).prop_flat_map(|n| (Just(n), series(n), series(n), series(n))),
        present in prop::collection::vec(any::<bool>(), 30),
        u in unit(),
        var in value(),
        es in value(),
    ) {
        let mut qs: Vec<f64> = (1..=n).map(|i| i as f64 / (n as f64 + 1.0)).collect();
        qs.dedup();
        let ex = ExceedanceChart {
            title: "t".to_owned(),
            points: qs
                .iter()
                .enumerate()
                .map(|(i, q)| ExceedancePoint {
                    quantile: *q,
                    tail: if *q <= 0.5 { ExceedanceTail::Lower } else { ExceedanceTail::Upper },
                    empirical: present[i].then_some(a[i]),
                    benchmark: b[i],
                })
                .collect(),
        };
        assert_xml(&exceedance(&ex).unwrap());
        let bars = EpisodeBarsChart {
            title: "t".to_owned(),
            unit: u,
            episodes: (0..n)
                .map(|i| EpisodeBar {
                    name: format!("episode {i} <{i}>"),
                    target_return: a[i],
                    hedge_pnl: b[i],
                    net_loss_share_of_notional: c[i],
                })
                .collect(),
        };
        assert_xml(&episode_bars(&bars).unwrap());
        let mut edges = a.clone();
        edges.push(0.0);
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let counts: Vec<f64> = b.iter().take(edges.len() - 1).map(|x| x.abs()).collect();
        if !counts.is_empty() {
            let h = PnlHistogram {
                label: "h".to_owned(),
                bin_edges: edges,
                counts,
                markers: vec![RiskMarker { level: 0.95, var, es }],
            };
            let chart = StressDistributionChart {
                title: "t".to_owned(),
                unit: u,
                unhedged: h.clone(),
                hedged: h,
            };
            assert_xml(&stress_distribution(&chart).unwrap());
        }
    }
}
