//! Labelings, signals, shocks and events on the real data in ../shared/data (each test skips
//! with a printed reason when its files are absent).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use crosshedge_core::series::Series;
use crosshedge_core::{calendar::Calendar, units::SeriesUnit};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::shocks::{
    compare_with_catalogue, detect_shocks, Component, ShockConfig, ShockDetection, ShockInputs,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The detector inputs from 2019-01-01, or `None` when a file is absent.
fn shock_inputs() -> Option<[Series; 5]> {
    let from = Some(d("2019-01-01"));
    let get = |f: &str, c: &str, unit| {
        common::column(f, c, Calendar::Crypto, unit).map(|s| s.slice(from, None))
    };
    Some([
        get("crypto_daily_coingecko.csv", "btc_close_usd", SeriesUnit::Price)?,
        get("stablecoins_depeg_daily.csv", "ust_cg_close", SeriesUnit::Price)?,
        get("stablecoins_depeg_daily.csv", "usdc_yf_close", SeriesUnit::Price)?,
        get("defi_tvl_defillama_daily.csv", "tvl_usd", SeriesUnit::IndexLevel)?,
        get("funding_rates_daily.csv", "binance_btcusdt_daily_sum", SeriesUnit::Rate)?,
    ])
}

fn run_detector(s: &[Series; 5]) -> ShockDetection {
    let [btc, ust, usdc, tvl, funding] = s;
    let stables = [ust, usdc];
    let inputs = ShockInputs {
        crypto_price: Some(btc),
        stablecoins: &stables,
        tvl: Some(tvl),
        funding: Some(funding),
    };
    detect_shocks(&inputs, &ShockConfig::default()).unwrap()
}

#[test]
fn shock_detector_finds_terra_ftx_and_usdc() {
    let Some(series) = shock_inputs() else { return };
    let det = run_detector(&series);
    let cmp = compare_with_catalogue(&det, &Catalogue::builtin(), 3);
    for (i, w) in det.windows.iter().enumerate() {
        let fired: Vec<_> = w.fired.iter().map(|c| c.as_str()).collect();
        eprintln!(
            "{i:3} {} .. {} peak {:.2} on {} fired {:?} episodes {:?}",
            w.start,
            w.end,
            w.peak_score,
            w.peak_date,
            fired,
            cmp.window_episodes.get(&i)
        );
    }
    for m in &cmp.episodes {
        eprintln!(
            "{:20} covered {} detected {} overlap {} offset {:?}",
            m.episode, m.covered, m.detected, m.overlap_days, m.first_detection_offset_days
        );
    }
    for name in ["terra-ust-2022", "ftx-2022", "usdc-svb-2023"] {
        let m = cmp.episodes.iter().find(|m| m.episode == name).unwrap();
        assert!(m.covered && m.detected && m.overlap_days > 0, "{name} not detected: {m:?}");
    }
    // Terra and USDC fire the depeg component; FTX the drawdown.
    let fired_in = |name: &str, c: Component| {
        let m = cmp.episodes.iter().find(|m| m.episode == name).unwrap();
        m.windows.iter().any(|&i| det.windows[i].fired.contains(&c))
    };
    assert!(fired_in("terra-ust-2022", Component::Depeg));
    assert!(fired_in("usdc-svb-2023", Component::Depeg));
    assert!(fired_in("ftx-2022", Component::Drawdown));
    // The detector is selective: shock days are a small share of the sample.
    let hot = det.scores.shock_day.iter().filter(|&&s| s).count();
    assert!((hot as f64) < 0.10 * det.scores.dates.len() as f64, "{hot} shock days");
    assert!(det.windows.len() < 60, "{} windows", det.windows.len());
}

#[derive(serde::Deserialize)]
struct GoldenDaily {
    dates: Vec<NaiveDate>,
    drawdown: Vec<Option<f64>>,
    depeg: Vec<Option<f64>>,
    tvl_outflow: Vec<Option<f64>>,
    funding: Vec<Option<f64>>,
    combined: Vec<f64>,
}

#[derive(serde::Deserialize)]
struct GoldenWindow {
    start: NaiveDate,
    end: NaiveDate,
    peak_score: f64,
    peak_date: NaiveDate,
    fired: Vec<String>,
}

#[derive(serde::Deserialize)]
struct GoldenShocks {
    grid_start: NaiveDate,
    grid_end: NaiveDate,
    daily: GoldenDaily,
    windows: Vec<GoldenWindow>,
}

/// Daily scores and windows against the independent pandas implementation
/// (`golden/gen_shocks.py`). Tolerance 1e-9 relative: same formulas, different summation
/// order in the rolling funding moments.
#[test]
fn shock_detector_matches_pandas_reference() {
    let Some(series) = shock_inputs() else { return };
    let g: GoldenShocks =
        serde_json::from_str(include_str!("golden/shocks_real_pandas.json")).unwrap();
    let det = run_detector(&series);
    assert_eq!(det.scores.dates.first(), Some(&g.grid_start));
    assert_eq!(det.scores.dates.last(), Some(&g.grid_end));
    let off = (g.daily.dates[0] - g.grid_start).num_days() as usize;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let cols = [&g.daily.drawdown, &g.daily.depeg, &g.daily.tvl_outflow, &g.daily.funding];
    for (c, col) in cols.iter().enumerate() {
        for (k, want) in col.iter().enumerate() {
            let got = det.scores.components[c][off + k];
            match (got, *want) {
                (Some(a), Some(b)) => {
                    assert!(close(a, b), "component {c} on {}: {a} vs {b}", g.daily.dates[k])
                }
                (None, None) => {}
                (a, b) => panic!("component {c} on {}: {a:?} vs {b:?}", g.daily.dates[k]),
            }
        }
    }
    for (k, want) in g.daily.combined.iter().enumerate() {
        assert!(close(det.scores.combined[off + k], *want), "combined on {}", g.daily.dates[k]);
    }
    assert_eq!(det.windows.len(), g.windows.len());
    for (w, gw) in det.windows.iter().zip(&g.windows) {
        assert_eq!((w.start, w.end, w.peak_date), (gw.start, gw.end, gw.peak_date));
        assert!(close(w.peak_score, gw.peak_score));
        let fired: Vec<String> = w.fired.iter().map(|c| c.as_str().replace('-', "_")).collect();
        assert_eq!(fired, gw.fired);
    }
}

#[test]
fn vix_bands_on_real_vix() {
    use crosshedge_labels::bands::{vix_bands, vix_bands_on, Band, BandConfig};
    let Some(vix) = common::column("vix_daily.csv", "close", Calendar::Us, SeriesUnit::IndexLevel)
    else {
        return;
    };
    let b = vix_bands(&vix, &BandConfig::default()).unwrap();
    assert_eq!(b.labeling.dates.len(), vix.len() - 1);
    // 2020-03-17 is labelled with the 2020-03-16 close (82.69): stress.
    assert_eq!(b.labeling.label_on(d("2020-03-17")), Some(Band::Stress.index()));
    // 2017-11-03 follows a close near 9-10: calm.
    assert_eq!(b.labeling.label_on(d("2017-11-03")), Some(Band::Calm.index()));
    let share: f64 = b.stats.iter().map(|s| s.share).sum();
    assert!((share - 1.0).abs() < 1e-12);
    for s in &b.stats {
        eprintln!(
            "{:7} share {:.3} spells {} mean {:?} max {}",
            s.band, s.share, s.n_spells, s.mean_spell_days, s.max_spell_days
        );
        assert!(s.share > 0.05 && s.n_spells > 20);
    }
    // Hysteresis lengthens stress spells and reduces their number.
    let h = vix_bands(&vix, &BandConfig { stress_exit: Some(23.0), ..Default::default() }).unwrap();
    assert!(h.stats[2].n_spells < b.stats[2].n_spells);
    assert!(h.stats[2].mean_spell_days.unwrap() > b.stats[2].mean_spell_days.unwrap());
    // On crypto days: Saturday 2020-03-14 takes Friday's close (57.83): stress.
    let cd = vix_bands_on(
        &vix,
        &[d("2020-03-14"), d("2020-03-15"), d("2020-03-16")],
        &BandConfig::default(),
    )
    .unwrap();
    assert_eq!(cd.labeling.labels, vec![Some(2), Some(2), Some(2)]);
}

#[test]
fn vix_signals_on_real_vix() {
    use crosshedge_labels::signals::{
        evaluate_signals, stress_entries, vix_signals, EvalConfig, SignalConfig,
    };
    let Some(vix) = common::column("vix_daily.csv", "close", Calendar::Us, SeriesUnit::IndexLevel)
    else {
        return;
    };
    let s = vix_signals(&vix, &SignalConfig::default()).unwrap();
    let cfg = EvalConfig::default();
    let entries = stress_entries(&s.closes, &cfg.entry);
    // The entries include the February 2018 and the 2020 spikes.
    let entry_dates: Vec<_> = entries.iter().map(|&j| s.dates[j]).collect();
    assert!(entry_dates.contains(&d("2018-02-05")), "{entry_dates:?}");
    assert!(entry_dates.iter().any(|x| *x >= d("2020-02-24") && *x <= d("2020-02-28")));
    let ev = evaluate_signals(&s, &cfg).unwrap();
    for e in &ev {
        eprintln!(
            "{:16} signals {:4} hits {:3} false {:4} censored {} hit rate {:?} base {:?} lead mean {:?} median {:?} entries {}/{}",
            e.kind.as_str(), e.n_signals, e.n_hits, e.n_false_alarms, e.n_censored, e.hit_rate, e.base_rate,
            e.mean_lead_days, e.median_lead_days, e.n_entries_anticipated, e.n_entries
        );
        assert_eq!(e.n_signals, e.n_hits + e.n_false_alarms);
        assert!(e.n_entries_anticipated <= e.n_entries);
        if let Some(m) = e.mean_lead_days {
            assert!((1.0..=cfg.horizon_days as f64).contains(&m));
        }
    }
    // RSI values are in [0, 100] and MACD crossings alternate up/down.
    assert!(s.rsi.iter().flatten().all(|r| (0.0..=100.0).contains(r)));
    use crosshedge_labels::signals::SignalKind::{MacdCrossDown, MacdCrossUp};
    let macd_ev: Vec<_> =
        s.events.iter().filter(|e| matches!(e.kind, MacdCrossUp | MacdCrossDown)).collect();
    assert!(macd_ev.windows(2).all(|w| w[0].kind != w[1].kind));
}

#[test]
fn shared_event_files_parse_and_agree_with_builtin_fomc() {
    use crosshedge_labels::events::{
        parse_date_csv, parse_fomc_csv, EventCalendar, EventKind, FomcFilter,
    };
    use std::fs::File;
    let (Some(fomc), Some(cpi), Some(ppi)) = (
        common::data_file("fomc_meetings.csv"),
        common::data_file("us_cpi_release_dates.csv"),
        common::data_file("us_ppi_release_dates.csv"),
    ) else {
        return;
    };
    let f = parse_fomc_csv(File::open(fomc).unwrap(), "fomc_meetings.csv", FomcFilter::Scheduled)
        .unwrap();
    let cpi = parse_date_csv(File::open(cpi).unwrap(), "us_cpi_release_dates.csv", EventKind::Cpi)
        .unwrap();
    let ppi = parse_date_csv(File::open(ppi).unwrap(), "us_ppi_release_dates.csv", EventKind::Ppi)
        .unwrap();
    assert!(
        cpi.events.len() >= 225 && ppi.events.len() >= 220,
        "{} {}",
        cpi.events.len(),
        ppi.events.len()
    );
    // Every built-in FOMC date up to the file's last row is in the file's scheduled rows
    // (the file's flag is wrong for some intermeeting moves, which we dropped: a subset check).
    let builtin = EventCalendar::builtin_fomc();
    let last = f.events.last().unwrap().date;
    let file_dates = f.dates_of(&EventKind::Fomc);
    let missing: Vec<_> = builtin
        .events
        .iter()
        .filter(|e| e.date <= last && !file_dates.contains(&e.date))
        .map(|e| e.date)
        .collect();
    // 2020-03-15 (emergency meeting in place of the scheduled one) is flagged unscheduled there.
    assert_eq!(missing, vec![d("2020-03-15")]);
    let mut cal = builtin.clone();
    cal.merge(cpi);
    cal.merge(ppi);
    let next = cal.next_on_or_after(d("2024-06-10"), None).unwrap();
    assert_eq!((next.date, &next.kind), (d("2024-06-12"), &EventKind::Fomc));
    let next_ppi = cal.next_on_or_after(d("2024-06-10"), Some(&EventKind::Ppi)).unwrap();
    assert_eq!(next_ppi.date, d("2024-06-13"));
}

/// Event-window statistics on BTC vs VIX (2015–2025, `us-close` rows, log changes, window
/// [−1, +1]) against the pandas implementation in `golden/gen_events.py`. Tolerance 1e-9
/// relative (closed forms, different summation order).
#[test]
fn event_window_stats_match_pandas_reference() {
    use crosshedge_core::align::{align, AlignPolicy};
    use crosshedge_core::returns::ReturnKind;
    use crosshedge_labels::events::{
        event_window_stats, parse_date_csv, EventCalendar, EventKind, EventStudyInputs,
        EventWindowConfig,
    };
    use std::fs::File;
    let Some(vix) = common::column("vix_daily.csv", "close", Calendar::Us, SeriesUnit::IndexLevel)
    else {
        return;
    };
    let Some(btc) = common::column(
        "crypto_daily_coingecko.csv",
        "btc_close_usd",
        Calendar::Crypto,
        SeriesUnit::Price,
    ) else {
        return;
    };
    let (Some(cpi), Some(ppi)) = (
        common::data_file("us_cpi_release_dates.csv"),
        common::data_file("us_ppi_release_dates.csv"),
    ) else {
        return;
    };
    let (from, to) = (Some(d("2015-01-01")), Some(d("2025-12-31")));
    let (vix, btc) = (vix.slice(from, to), btc.slice(from, to));
    let r = align(&[&btc, &vix], AlignPolicy::UsClose).unwrap().returns(ReturnKind::Log).unwrap();
    let mut cal = EventCalendar::builtin_fomc();
    cal.merge(parse_date_csv(File::open(cpi).unwrap(), "cpi", EventKind::Cpi).unwrap());
    cal.merge(parse_date_csv(File::open(ppi).unwrap(), "ppi", EventKind::Ppi).unwrap());
    let inputs = EventStudyInputs {
        dates: &r.dates,
        vix_change: r.column("close").unwrap(),
        crypto_return: r.column("btc_close_usd").unwrap(),
    };
    let stats = event_window_stats(&cal, &inputs, &EventWindowConfig { pre_days: 1, post_days: 1 })
        .unwrap();
    let g: serde_json::Value =
        serde_json::from_str(include_str!("golden/events_real_pandas.json")).unwrap();
    assert_eq!(r.dates.len() as u64, g["n_rows"].as_u64().unwrap());
    assert_eq!(r.dates[0].to_string(), g["first_row"].as_str().unwrap());
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(stats.len(), 3);
    for (k, s) in stats.iter().enumerate() {
        let want = &g["stats"][s.kind.as_str()];
        for (key, w) in want.as_object().unwrap() {
            let got = &json[k][key];
            if let Some(wi) = w.as_u64() {
                assert_eq!(got.as_u64(), Some(wi), "{} {key}", s.kind);
            } else {
                let (a, b) = (got.as_f64().unwrap(), w.as_f64().unwrap());
                assert!((a - b).abs() <= 1e-9 * b.abs().max(1e-3), "{} {key}: {a} vs {b}", s.kind);
            }
        }
        eprintln!(
            "{:5} n {:3} corr in {:+.3} out {:+.3} |dVIX| in {:.4} out {:.4}",
            s.kind,
            s.n_events,
            s.corr_in.unwrap(),
            s.corr_out.unwrap(),
            s.mean_abs_daily_vix_change_in.unwrap(),
            s.mean_abs_daily_vix_change_out.unwrap()
        );
    }
}

/// Signal events and their evaluation on the full VIX history against the independent
/// pandas/numpy implementation in `golden/gen_signal_eval.py`: event dates, stress entries and
/// counts exactly; leads and base rate to 1e-12.
#[test]
fn signal_evaluation_matches_pandas_reference() {
    use crosshedge_labels::signals::{
        evaluate_signals, stress_entries, vix_signals, EvalConfig, SignalConfig,
    };
    let Some(vix) = common::column("vix_daily.csv", "close", Calendar::Us, SeriesUnit::IndexLevel)
    else {
        return;
    };
    let g: serde_json::Value =
        serde_json::from_str(include_str!("golden/signal_eval_vix_pandas.json")).unwrap();
    assert_eq!(vix.len() as u64, g["n"].as_u64().unwrap());
    let s = vix_signals(&vix, &SignalConfig::default()).unwrap();
    let cfg = EvalConfig::default();
    let entries: Vec<String> =
        stress_entries(&s.closes, &cfg.entry).iter().map(|&j| s.dates[j].to_string()).collect();
    let want_entries: Vec<String> = serde_json::from_value(g["entries"].clone()).unwrap();
    assert_eq!(entries, want_entries);
    for e in evaluate_signals(&s, &cfg).unwrap() {
        let w = &g["kinds"][e.kind.as_str()];
        let dates: Vec<String> =
            s.events.iter().filter(|x| x.kind == e.kind).map(|x| x.date.to_string()).collect();
        let want_dates: Vec<String> = serde_json::from_value(w["event_dates"].clone()).unwrap();
        assert_eq!(dates, want_dates, "{} event dates", e.kind.as_str());
        assert_eq!(e.n_signals as u64, w["n_signals"].as_u64().unwrap());
        assert_eq!(e.n_hits as u64, w["n_hits"].as_u64().unwrap());
        assert_eq!(e.n_censored as u64, w["n_censored"].as_u64().unwrap());
        assert_eq!(e.n_entries_anticipated as u64, w["n_entries_anticipated"].as_u64().unwrap());
        let opt = |v: &serde_json::Value| v.as_f64();
        for (got, want) in [
            (e.mean_lead_days, opt(&w["mean_lead_days"])),
            (e.median_lead_days, opt(&w["median_lead_days"])),
            (e.base_rate, opt(&w["base_rate"])),
        ] {
            match (got, want) {
                (Some(a), Some(b)) => {
                    assert!((a - b).abs() <= 1e-12, "{}: {a} vs {b}", e.kind.as_str())
                }
                (None, None) => {}
                (a, b) => panic!("{}: {a:?} vs {b:?}", e.kind.as_str()),
            }
        }
    }
}
