//! Property tests of the labelings, indicators and the shock detector.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use crosshedge_core::{calendar::Calendar, regime::Labeling, series::Series, units::SeriesUnit};
use crosshedge_labels::bands::{bands_of_closes, vix_bands, Band, BandConfig};
use crosshedge_labels::events::{EventCalendar, EventKind, EventWindowConfig, MacroEvent};
use crosshedge_labels::shocks::{detect_shocks, ShockConfig, ShockInputs};
use crosshedge_labels::signals::{ema, rsi_wilder};
use proptest::prelude::*;

fn series(values: Vec<f64>, cal: Calendar) -> Series {
    let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let dates = (0..values.len()).map(|i| start + Duration::days(i as i64)).collect();
    Series::new("x", cal, SeriesUnit::Price, dates, values).unwrap()
}

fn check_labeling(l: &Labeling) {
    assert_eq!(l.dates.len(), l.labels.len());
    assert!(l.dates.windows(2).all(|w| w[0] < w[1]));
    assert!(l.labels.iter().flatten().all(|&s| s < l.states.len()));
}

proptest! {
    #[test]
    fn prop_rsi_in_range(x in prop::collection::vec(1.0f64..100.0, 15..200)) {
        let r = rsi_wilder(&x, 14).unwrap();
        prop_assert!(r.iter().flatten().all(|v| (0.0..=100.0).contains(v)));
        prop_assert_eq!(r.iter().filter(|v| v.is_some()).count(), x.len() - 14);
    }

    #[test]
    fn prop_ema_affine(x in prop::collection::vec(-50.0f64..50.0, 1..100), a in 0.1f64..10.0, b in -20.0f64..20.0, n in 1usize..40) {
        let e = ema(&x, n).unwrap();
        let y: Vec<f64> = x.iter().map(|v| a * v + b).collect();
        let ey = ema(&y, n).unwrap();
        for (p, q) in e.iter().zip(&ey) {
            prop_assert!((a * p + b - q).abs() <= 1e-9 * (1.0 + q.abs()));
        }
    }

    #[test]
    fn prop_bands_previous_close_and_hysteresis(x in prop::collection::vec(8.0f64..60.0, 2..300), exit in 16.0f64..25.0) {
        let s = series(x.clone(), Calendar::Us);
        let cfg = BandConfig::default();
        let b = vix_bands(&s, &cfg).unwrap();
        check_labeling(&b.labeling);
        for (i, lab) in b.labeling.labels.iter().enumerate() {
            prop_assert_eq!(*lab, Some(cfg.classify(x[i], None).index()));
        }
        // Hysteresis only keeps a spell going: every plain stress day stays stress.
        let h = bands_of_closes(&s, &BandConfig { stress_exit: Some(exit), calm_exit: Some(exit.min(20.0)), ..cfg }).unwrap();
        let p = bands_of_closes(&s, &cfg).unwrap();
        for (hb, pb) in h.iter().zip(&p) {
            if *pb == Band::Stress { prop_assert_eq!(*hb, Band::Stress); }
            if *pb == Band::Calm { prop_assert_eq!(*hb, Band::Calm); }
        }
    }

    #[test]
    fn prop_shock_windows_sorted_disjoint(
        steps in prop::collection::vec(-0.12f64..0.1, 10..300),
        gap in 0i64..6,
    ) {
        let mut p = vec![100.0];
        for s in &steps { p.push(p.last().unwrap() * s.exp()); }
        let btc = series(p, Calendar::Crypto);
        let cfg = ShockConfig { gap_days: gap, drawdown_threshold: 0.1, ..Default::default() };
        let det = detect_shocks(&ShockInputs { crypto_price: Some(&btc), ..Default::default() }, &cfg).unwrap();
        for w in &det.windows {
            prop_assert!(w.start <= w.peak_date && w.peak_date <= w.end);
            prop_assert!(w.n_shock_days >= 1 && w.peak_score >= 1.0);
        }
        for w in det.windows.windows(2) {
            prop_assert!((w[1].start - w[0].end).num_days() > gap + 1);
        }
        let hot = det.scores.shock_day.iter().filter(|s| **s).count();
        prop_assert_eq!(hot, det.windows.iter().map(|w| w.n_shock_days).sum::<usize>());
        check_labeling(&det.labeling(&det.scores.dates, true).unwrap());
    }

    #[test]
    fn prop_events_labeling_marks_every_event_row(offsets in prop::collection::btree_set(0i64..60, 1..10), pre in 0usize..3, post in 0usize..3) {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let dates: Vec<NaiveDate> = (0..60).map(|i| start + Duration::days(i)).collect();
        let cal = EventCalendar::new(offsets.iter().map(|&o| MacroEvent { date: start + Duration::days(o), kind: EventKind::Cpi }).collect());
        let l = cal.labeling(&dates, &EventWindowConfig { pre_days: pre, post_days: post }).unwrap();
        check_labeling(&l);
        for &o in &offsets {
            prop_assert_eq!(l.labels[o as usize], Some(0));
        }
        let labelled = l.labels.iter().filter(|x| x.is_some()).count();
        prop_assert!(labelled <= offsets.len() * (1 + pre + post));
    }
}
