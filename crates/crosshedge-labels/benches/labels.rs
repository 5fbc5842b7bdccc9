//! Benchmarks of the labelings on seeded synthetic data of real-data size:
//! VIX signals + evaluation and bands on 9,235 days (the VIX history since 1990), the shock
//! detector on 2,700 days with four inputs, event-window statistics on 2,765 rows.
//! Peer: `labels_peer.py` (pandas / numpy).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use crosshedge_core::{calendar::Calendar, series::Series, units::SeriesUnit};
use crosshedge_labels::bands::{vix_bands, BandConfig};
use crosshedge_labels::events::{
    event_window_stats, EventCalendar, EventKind, EventStudyInputs, EventWindowConfig, MacroEvent,
};
use crosshedge_labels::shocks::{detect_shocks, ShockConfig, ShockInputs};
use crosshedge_labels::signals::{evaluate_signals, vix_signals, EvalConfig, SignalConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn dates(n: usize) -> Vec<NaiveDate> {
    let s = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    (0..n).map(|i| s + Duration::days(i as i64)).collect()
}

/// A mean-reverting log-VIX path around ln 19.
fn vix_path(n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut x = 19f64.ln();
    (0..n)
        .map(|_| {
            x += 0.02 * (19f64.ln() - x) + 0.07 * (rng.random::<f64>() - 0.5) * 3.46;
            x.exp()
        })
        .collect()
}

fn random_walk(n: usize, start: f64, vol: f64, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut x = start.ln();
    (0..n)
        .map(|_| {
            x += vol * (rng.random::<f64>() - 0.5) * 3.46;
            x.exp()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let n_vix = 9_235;
    let vix = Series::new(
        "vix",
        Calendar::Us,
        SeriesUnit::IndexLevel,
        dates(n_vix),
        vix_path(n_vix, &mut rng),
    )
    .unwrap();
    c.bench_function("vix_signals_and_evaluation_9235", |b| {
        b.iter(|| {
            let s = vix_signals(black_box(&vix), &SignalConfig::default()).unwrap();
            evaluate_signals(&s, &EvalConfig::default()).unwrap()
        })
    });
    c.bench_function("vix_bands_9235", |b| {
        b.iter(|| vix_bands(black_box(&vix), &BandConfig::default()).unwrap())
    });

    let n = 2_700;
    let d = dates(n);
    let mk = |name: &str, unit, v: Vec<f64>| {
        Series::new(name, Calendar::Crypto, unit, d.clone(), v).unwrap()
    };
    let btc = mk("btc", SeriesUnit::Price, random_walk(n, 30_000.0, 0.04, &mut rng));
    let tvl = mk("tvl", SeriesUnit::IndexLevel, random_walk(n, 5e10, 0.03, &mut rng));
    let ust = mk(
        "ust",
        SeriesUnit::Price,
        (0..n).map(|_| 1.0 + 0.01 * (rng.random::<f64>() - 0.5)).collect(),
    );
    let usdc = mk(
        "usdc",
        SeriesUnit::Price,
        (0..n).map(|_| 1.0 + 0.01 * (rng.random::<f64>() - 0.5)).collect(),
    );
    let fund = mk(
        "funding",
        SeriesUnit::Rate,
        (0..n).map(|_| 3e-4 * (rng.random::<f64>() - 0.3)).collect(),
    );
    let stables = [&ust, &usdc];
    let inputs = ShockInputs {
        crypto_price: Some(&btc),
        stablecoins: &stables,
        tvl: Some(&tvl),
        funding: Some(&fund),
    };
    c.bench_function("detect_shocks_2700x4", |b| {
        b.iter(|| detect_shocks(black_box(&inputs), &ShockConfig::default()).unwrap())
    });

    let rows = 2_765;
    let rd = dates(rows);
    let v: Vec<f64> = (0..rows).map(|_| 0.08 * (rng.random::<f64>() - 0.5)).collect();
    let r: Vec<f64> = (0..rows).map(|_| 0.06 * (rng.random::<f64>() - 0.5)).collect();
    let mut ev = Vec::new();
    for (k, kind) in [EventKind::Fomc, EventKind::Cpi, EventKind::Ppi].into_iter().enumerate() {
        let every = [45, 30, 30][k];
        ev.extend(
            (k * 7..rows).step_by(every).map(|i| MacroEvent { date: rd[i], kind: kind.clone() }),
        );
    }
    let cal = EventCalendar::new(ev);
    let si = EventStudyInputs { dates: &rd, vix_change: &v, crypto_return: &r };
    c.bench_function("event_window_stats_2765x3kinds", |b| {
        b.iter(|| {
            event_window_stats(
                black_box(&cal),
                &si,
                &EventWindowConfig { pre_days: 1, post_days: 1 },
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
