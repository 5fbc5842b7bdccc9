//! The demo BTC implied-vol index `dvol`: vol points, above realised vol on average, mean
//! reverting, jumping on drawdown days, and independent of every other series' draws.

#![allow(clippy::unwrap_used)]

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_demo::params as p;
use crosshedge_demo::{generate, DemoConfig, DemoMarket, DVOL_BOUNDS, DVOL_SERIES};

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

fn market(seed: u64) -> DemoMarket {
    generate(&DemoConfig { seed, ..DemoConfig::default() }).unwrap()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn sd(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0)).sqrt()
}

/// BTC daily log returns (index k = day k, `None` on the first day) and the 30-day realised
/// vol (sample sd of the last 30 returns times sqrt(365); `None` before 30 returns exist).
fn btc_returns_and_rv(m: &DemoMarket) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let v = m.series("btc").unwrap().values();
    let r: Vec<Option<f64>> =
        (0..v.len()).map(|k| (k > 0).then(|| (v[k] / v[k - 1]).ln())).collect();
    let rv = (0..v.len())
        .map(|k| {
            (k >= 30).then(|| {
                let w: Vec<f64> = r[k - 29..=k].iter().map(|x| x.unwrap()).collect();
                sd(&w) * 365f64.sqrt()
            })
        })
        .collect();
    (r, rv)
}

/// Mean of dvol / 100 over the 30-day realised vol, over the days that have one.
fn mean_iv_rv_ratio(m: &DemoMarket) -> f64 {
    let iv = m.series(DVOL_SERIES).unwrap().values();
    let (_, rv) = btc_returns_and_rv(m);
    let ratios: Vec<f64> =
        iv.iter().zip(&rv).filter_map(|(i, r)| r.map(|r| i / 100.0 / r)).collect();
    mean(&ratios)
}

#[test]
fn dvol_is_a_crypto_index_in_vol_points_on_every_btc_day() {
    let m = market(1);
    let d = m.series(DVOL_SERIES).unwrap();
    assert_eq!(DVOL_SERIES, "dvol");
    assert_eq!(d.calendar, Calendar::Crypto);
    assert_eq!(d.unit, SeriesUnit::IndexLevel);
    assert_eq!(d.dates(), m.series("btc").unwrap().dates());
    assert!(d.values().iter().all(|v| (DVOL_BOUNDS.0..=DVOL_BOUNDS.1).contains(v)));
    // Vol points, not decimals: a median between 20 and 200.
    let mut v = d.values().to_vec();
    v.sort_by(f64::total_cmp);
    let median = v[v.len() / 2];
    assert!(median > 20.0 && median < 200.0, "median {median}");
}

#[test]
fn dvol_is_above_realised_vol_on_average() {
    for seed in SEEDS {
        let ratio = mean_iv_rv_ratio(&market(seed));
        assert!(ratio > 1.0, "seed {seed}: mean IV/RV {ratio}");
    }
    // The committed measurement on the default demo (the resolver's default ratio).
    let ratio = mean_iv_rv_ratio(&generate(&DemoConfig::default()).unwrap());
    assert!(
        (ratio - p::DVOL_MEAN_IV_RV_RATIO).abs() < 1e-9,
        "default demo mean IV/RV {ratio} vs params.rs {}",
        p::DVOL_MEAN_IV_RV_RATIO
    );
}

#[test]
fn log_dvol_mean_reverts() {
    for seed in SEEDS {
        let m = market(seed);
        let x: Vec<f64> = m.series(DVOL_SERIES).unwrap().values().iter().map(|v| v.ln()).collect();
        // OLS x_t = a + phi x_{t-1} + e, with its standard error.
        let (y, z) = (&x[1..], &x[..x.len() - 1]);
        let (my, mz) = (mean(y), mean(z));
        let szz: f64 = z.iter().map(|v| (v - mz).powi(2)).sum();
        let szy: f64 = z.iter().zip(y).map(|(a, b)| (a - mz) * (b - my)).sum();
        let phi = szy / szz;
        let a = my - phi * mz;
        let rss: f64 = z.iter().zip(y).map(|(zz, yy)| (yy - a - phi * zz).powi(2)).sum();
        let se = (rss / (y.len() as f64 - 2.0) / szz).sqrt();
        // phi below 1 by more than three standard errors: stationary, mean-reverting.
        assert!(phi + 3.0 * se < 1.0, "seed {seed}: phi {phi} se {se}");
    }
}

#[test]
fn dvol_jumps_on_drawdown_days() {
    for seed in SEEDS {
        let m = market(seed);
        let x: Vec<f64> = m.series(DVOL_SERIES).unwrap().values().iter().map(|v| v.ln()).collect();
        let (r, _) = btc_returns_and_rv(&m);
        let (mut down, mut other) = (Vec::new(), Vec::new());
        for k in 1..x.len() {
            let dx = x[k] - x[k - 1];
            if r[k].unwrap() < -p::DVOL_DRAWDOWN_THRESHOLD {
                down.push(dx);
            } else {
                other.push(dx);
            }
        }
        assert!(down.len() > 20, "seed {seed}: {} drawdown days", down.len());
        let (md, mo) = (mean(&down), mean(&other));
        let se = (sd(&down).powi(2) / down.len() as f64 + sd(&other).powi(2) / other.len() as f64)
            .sqrt();
        // The log change on drawdown days exceeds the ordinary days' by more than four
        // standard errors, and is a rise of more than 5 % on average.
        assert!(md - mo > 4.0 * se && md > 0.05, "seed {seed}: {md} vs {mo} (se {se})");
    }
}

#[test]
fn dvol_follows_its_seed_and_comes_last() {
    let (a, b) = (market(11), market(12));
    assert_ne!(a.series(DVOL_SERIES).unwrap().values(), b.series(DVOL_SERIES).unwrap().values());
    assert_eq!(a.series(DVOL_SERIES), market(11).series(DVOL_SERIES));
    let names: Vec<&str> = a.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.last(), Some(&DVOL_SERIES), "dvol comes after every other series");
}
