//! Checks against the real data in `../shared/data` (skipped with a message when absent):
//!
//! - Binance BTCUSDT funding over 2021: the annualised carry of a short perp equals the year's
//!   summed rates; a short 1 BTC position's realised funding at CoinGecko closes and its
//!   liquidation (or survival) at 1x and 2x match `gen_defi.py`'s exact-decimal replay.
//! - Uniswap v3 USDC/WETH pools (0.05 % and 0.30 %): `sqrtPriceX96 ↔ tick ↔ USDC per ETH`
//!   consistent on every row; full-range fee income from `feeGrowthGlobal` deltas matches the
//!   exact-integer golden; the average in-range liquidity implied by the pool's reported daily
//!   `fees_usd` is close to the reported `liquidity` (median ratio within 10 %).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers panic on malformed fixtures.

use std::collections::HashMap;
use std::path::PathBuf;

use crosshedge_defi::{
    annualized_funding_carry, fee_income, implied_in_range_liquidity, simulate_path,
    tick_at_sqrt_ratio, ContractKind, FeeGrowth, FundingRate, MarginParams, PerpObservation,
    PerpPosition, Side, TokenDecimals, U256,
};
use serde_json::Value;

const GOLDEN: &str = include_str!("golden/defi_golden.json");

fn data_file(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

fn read_rows(path: &PathBuf) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers.iter().zip(r.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let scale = actual.abs().max(expected.abs());
    assert!(
        (actual - expected).abs() <= tol * scale,
        "{what}: actual {actual:e} expected {expected:e} (rel tol {tol:e})"
    );
}

#[test]
fn real_funding_2021_short_btc_carry() {
    let (Some(fpath), Some(cpath)) =
        (data_file("funding_rates_daily.csv"), data_file("crypto_daily_coingecko.csv"))
    else {
        return;
    };
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let g = &golden["funding_2021"];
    let closes: HashMap<String, f64> = read_rows(&cpath)
        .into_iter()
        .filter_map(|r| Some((r["date"].clone(), r["btc_close_usd"].parse().ok()?)))
        .collect();
    let rows: Vec<_> = read_rows(&fpath)
        .into_iter()
        .filter(|r| r["date"].as_str() >= "2021-01-01" && r["date"].as_str() <= "2021-12-31")
        .collect();
    assert_eq!(rows.len(), 365);
    let rates: Vec<FundingRate> = rows
        .iter()
        .map(|r| FundingRate::new(r["binance_btcusdt_daily_sum"].parse().unwrap(), 24.0).unwrap())
        .collect();
    // A year of daily sums: annualised short carry = the year's summed rate.
    let carry = annualized_funding_carry(Side::Short, &rates).unwrap();
    assert_rel(carry, g["sum_rates"].as_f64().unwrap(), 1e-12, "short carry 2021");
    assert_rel(carry, g["short_carry_ann"].as_f64().unwrap(), 1e-12, "short carry ann");
    assert!(carry > 0.25 && carry < 0.35, "2021 was a strongly positive-funding year: {carry}");

    let obs: Vec<PerpObservation> = rows
        .iter()
        .zip(&rates)
        .map(|(r, f)| PerpObservation::new(closes[&r["date"]], Some(*f)))
        .collect();
    let entry = obs[0].mark_price;
    assert_rel(entry, g["entry_price"].as_f64().unwrap(), 1e-15, "entry");
    let params = MarginParams::new(0.004, 0.0, 0.0).unwrap();
    // Over-collateralised short (margin 3x notional): never liquidated, collects the funding.
    let safe =
        PerpPosition::new(ContractKind::Linear, Side::Short, 1.0, entry, 3.0 * entry).unwrap();
    let r = simulate_path(&safe, &params, &obs).unwrap();
    assert!(r.liquidation.is_none());
    assert_eq!(r.funding_settlements, 365);
    assert_eq!(r.funding_hours, 8760.0);
    assert_rel(
        r.realized_funding,
        g["short_1btc_funding_received_usd"].as_f64().unwrap(),
        1e-12,
        "realised funding",
    );
    for case in g["short_liquidations"].as_array().unwrap() {
        let lev = case["leverage"].as_f64().unwrap();
        let pos = PerpPosition::with_leverage(ContractKind::Linear, Side::Short, 1.0, entry, lev)
            .unwrap();
        assert_rel(
            pos.liquidation_price(&params).unwrap(),
            case["static_liquidation_price"].as_f64().unwrap(),
            1e-12,
            "static liquidation price",
        );
        let r = simulate_path(&pos, &params, &obs).unwrap();
        let expect = case["liquidation_index"].as_u64().map(|i| i as usize);
        assert_eq!(r.liquidation.map(|l| l.index), expect, "leverage {lev}");
        assert_rel(
            r.realized_funding,
            case["cumulative_funding_at_end"].as_f64().unwrap(),
            1e-12,
            "funding to end or liquidation",
        );
    }
}

#[test]
fn real_uniswap_v3_ticks_prices_fees() {
    let Some(path) = data_file("uniswap_v3_eth_usdc_daily.csv") else {
        return;
    };
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let rows = read_rows(&path);
    for pool in ["p005", "p030"] {
        let g = &golden["uniswap_v3"][pool];
        let col = |r: &HashMap<String, String>, c: &str| r[&format!("{pool}_{c}")].clone();
        let rows: Vec<_> = rows.iter().filter(|r| !col(r, "sqrt_price_x96").is_empty()).collect();
        assert_eq!(rows.len() as u64, g["rows"].as_u64().unwrap());
        // sqrtPriceX96 -> tick (exact) and -> USDC per ETH (reported to 6 decimals).
        for r in &rows {
            let s = U256::from_dec_str(&col(r, "sqrt_price_x96")).unwrap();
            let tick: i32 = col(r, "tick").parse().unwrap();
            assert_eq!(tick_at_sqrt_ratio(s).unwrap(), tick, "{pool} {}", r["date"]);
            let reported: f64 = col(r, "price_usdc_per_eth").parse().unwrap();
            let q = crosshedge_defi::tick::quote_token0_per_token1(s, 6, 18).unwrap();
            assert!((q / reported - 1.0).abs() < 1e-9, "{pool} {}: {q} vs {reported}", r["date"]);
        }
        // Fee income of a full-range position from fee-growth deltas vs exact integers.
        for c in g["day_cases"].as_array().unwrap() {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            let start = FeeGrowth::from_dec_str(&s("fg0_start"), &s("fg1_start")).unwrap();
            let end = FeeGrowth::from_dec_str(&s("fg0_end"), &s("fg1_end")).unwrap();
            let price = c["price_usdc_per_eth"].as_f64().unwrap();
            let f = fee_income(
                &start,
                &end,
                c["liquidity"].as_f64().unwrap(),
                TokenDecimals::USDC_WETH,
                price,
            )
            .unwrap();
            // The golden floors the raw amounts like the contract's mulDiv: compare within 1 raw unit.
            let tol_raw = |e: f64| 1.0 + 1e-12 * e;
            let e0 = c["fees0_raw"].as_f64().unwrap();
            let e1 = c["fees1_raw"].as_f64().unwrap();
            assert!(
                (f.fees0_raw - e0).abs() <= tol_raw(e0),
                "{pool} fees0 {} vs {e0}",
                f.fees0_raw
            );
            assert!(
                (f.fees1_raw - e1).abs() <= tol_raw(e1),
                "{pool} fees1 {} vs {e1}",
                f.fees1_raw
            );
            assert_rel(f.value_in_token0, c["fees_usd_exact"].as_f64().unwrap(), 1e-12, "fees usd");
        }
        // Implied average in-range liquidity vs the reported end-of-day liquidity.
        let mut ratios = Vec::new();
        // A full-range position holding 1 % of the reported in-range liquidity earns about 1 % of
        // the pool's fees (exactly, if the liquidity were constant through the day).
        let mut share_ratios = Vec::new();
        for w in rows.windows(2) {
            let fg = |r: &HashMap<String, String>| {
                FeeGrowth::from_dec_str(
                    &col(r, "fee_growth_global0_x128"),
                    &col(r, "fee_growth_global1_x128"),
                )
                .unwrap()
            };
            let fees: f64 = col(w[1], "fees_usd").parse().unwrap();
            let liq: f64 = col(w[1], "liquidity").parse().unwrap();
            let price: f64 = col(w[1], "price_usdc_per_eth").parse().unwrap();
            if let Ok(l) = implied_in_range_liquidity(
                &fg(w[0]),
                &fg(w[1]),
                fees,
                TokenDecimals::USDC_WETH,
                price,
            ) {
                if liq > 0.0 {
                    ratios.push(l / liq);
                    let f = fee_income(
                        &fg(w[0]),
                        &fg(w[1]),
                        0.01 * liq,
                        TokenDecimals::USDC_WETH,
                        price,
                    )
                    .unwrap();
                    share_ratios.push(f.value_in_token0 / (0.01 * fees));
                }
            }
        }
        assert_eq!(ratios.len() as u64, g["n_ratio_days"].as_u64().unwrap());
        ratios.sort_by(f64::total_cmp);
        let n = ratios.len();
        let median =
            if n % 2 == 1 { ratios[n / 2] } else { 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]) };
        assert_rel(
            median,
            g["implied_over_reported_liquidity_median"].as_f64().unwrap(),
            1e-9,
            "median",
        );
        assert!((median - 1.0).abs() < 0.1, "{pool}: implied/reported liquidity median {median}");
        share_ratios.sort_by(f64::total_cmp);
        let share_median = share_ratios[share_ratios.len() / 2];
        assert!((share_median - 1.0).abs() < 0.1, "{pool}: 1 % position fee share {share_median}");
    }
}

#[test]
fn real_funding_2021_short_liquidated_at_intraday_high() {
    let (Some(fpath), Some(bpath)) =
        (data_file("funding_rates_daily.csv"), data_file("btc_ohlcv_coinmarketcap_daily.csv"))
    else {
        return;
    };
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let g = &golden["funding_2021_intraday"];
    let bars: HashMap<String, (f64, f64)> = read_rows(&bpath)
        .into_iter()
        .filter_map(|r| {
            Some((r["date"].clone(), (r["high"].parse().ok()?, r["close"].parse().ok()?)))
        })
        .collect();
    let obs: Vec<PerpObservation> = read_rows(&fpath)
        .into_iter()
        .filter(|r| r["date"].as_str() >= "2021-01-01" && r["date"].as_str() <= "2021-12-31")
        .map(|r| {
            let (high, close) = bars[&r["date"]];
            PerpObservation {
                mark_price: close,
                funding: Some(
                    FundingRate::new(r["binance_btcusdt_daily_sum"].parse().unwrap(), 24.0)
                        .unwrap(),
                ),
                adverse_price: Some(high),
            }
        })
        .collect();
    let entry = obs[0].mark_price;
    assert_rel(entry, g["entry_price"].as_f64().unwrap(), 1e-15, "entry");
    let pos =
        PerpPosition::with_leverage(ContractKind::Linear, Side::Short, 1.0, entry, 2.0).unwrap();
    let r = simulate_path(&pos, &MarginParams::new(0.004, 0.0, 0.0).unwrap(), &obs).unwrap();
    let liq = r.liquidation.expect("a 2x short of BTC in early 2021 is liquidated");
    let e = &g["liquidation"];
    assert_eq!(liq.index as u64, e["index"].as_u64().unwrap());
    assert_eq!(liq.intraday, e["intraday"].as_bool().unwrap());
    assert_rel(liq.mark_price, e["price"].as_f64().unwrap(), 1e-15, "liquidation mark");
    assert_rel(r.realized_funding, g["cumulative_funding"].as_f64().unwrap(), 1e-12, "funding");
}
