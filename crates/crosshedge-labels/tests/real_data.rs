//! Labelings, signals, shocks and events on the real data in ../shared/data (each test skips
//! with a printed reason when its files are absent).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use crosshedge_core::{calendar::Calendar, units::SeriesUnit};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::shocks::{
    compare_with_catalogue, detect_shocks, Component, ShockConfig, ShockInputs,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn shock_detector_finds_terra_ftx_and_usdc() {
    let Some(btc) = common::column(
        "crypto_daily_coingecko.csv",
        "btc_close_usd",
        Calendar::Crypto,
        SeriesUnit::Price,
    ) else {
        return;
    };
    let Some(ust) = common::column(
        "stablecoins_depeg_daily.csv",
        "ust_cg_close",
        Calendar::Crypto,
        SeriesUnit::Price,
    ) else {
        return;
    };
    let Some(usdc) = common::column(
        "stablecoins_depeg_daily.csv",
        "usdc_yf_close",
        Calendar::Crypto,
        SeriesUnit::Price,
    ) else {
        return;
    };
    let Some(tvl) = common::column(
        "defi_tvl_defillama_daily.csv",
        "tvl_usd",
        Calendar::Crypto,
        SeriesUnit::IndexLevel,
    ) else {
        return;
    };
    let Some(funding) = common::column(
        "funding_rates_daily.csv",
        "binance_btcusdt_daily_sum",
        Calendar::Crypto,
        SeriesUnit::Rate,
    ) else {
        return;
    };
    // The detector is meant for the DeFi era: start in 2019.
    let from = Some(d("2019-01-01"));
    let (btc, ust, usdc, tvl, funding) = (
        btc.slice(from, None),
        ust.slice(from, None),
        usdc.slice(from, None),
        tvl.slice(from, None),
        funding.slice(from, None),
    );
    let stables = [&ust, &usdc];
    let inputs = ShockInputs {
        crypto_price: Some(&btc),
        stablecoins: &stables,
        tvl: Some(&tvl),
        funding: Some(&funding),
    };
    let det = detect_shocks(&inputs, &ShockConfig::default()).unwrap();
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
    // Terra is a depeg; USDC too.
    let terra = cmp.episodes.iter().find(|m| m.episode == "terra-ust-2022").unwrap();
    assert!(terra.windows.iter().any(|&i| det.windows[i].fired.contains(&Component::Depeg)));
    let usdc_m = cmp.episodes.iter().find(|m| m.episode == "usdc-svb-2023").unwrap();
    assert!(usdc_m.windows.iter().any(|&i| det.windows[i].fired.contains(&Component::Depeg)));
    // The detector is selective: shock days are a small share of the sample.
    let hot = det.scores.shock_day.iter().filter(|&&s| s).count();
    assert!((hot as f64) < 0.10 * det.scores.dates.len() as f64, "{hot} shock days");
    assert!(det.windows.len() < 60, "{} windows", det.windows.len());
}
