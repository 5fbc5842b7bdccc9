//! The real history in ../shared/data through the manifest (skipped when the data is absent).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn data_dir() -> Option<&'static Path> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if p.join("vix_daily.csv").exists() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/data not found (real-data tests need it beside the repo)");
        None
    }
}

/// A temporary directory holding a store with the whole manifest imported, and the store's path.
fn imported() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/manifests/shared-data.toml");
    let store = tmp.path().join("x.db").to_str().unwrap().to_string();
    run(tmp.path(), &["import", "--manifest", manifest, "--store", &store]);
    (tmp, store)
}

mod common;
use common::run_ok as run;

#[test]
fn manifest_import_and_monday_return_hand_check() {
    let Some(data) = data_dir() else { return };
    let (tmp, store) = imported();
    let store = store.as_str();
    let list: serde_json::Value =
        serde_json::from_str(&run(tmp.path(), &["series", "--json", "--store", store])).unwrap();
    let names: Vec<&str> =
        list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    for want in ["vix", "spx", "btc", "eth", "punks", "vx1", "vx2", "funding_btc", "ust", "usdc"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    run(
        tmp.path(),
        &[
            "export",
            "vix",
            "btc",
            "--align",
            "us-close",
            "--returns",
            "log",
            "--out",
            "e.csv",
            "--store",
            store,
        ],
    );
    let text = std::fs::read_to_string(tmp.path().join("e.csv")).unwrap();
    // BTC closes from the source file itself.
    let src = std::fs::read_to_string(data.join("crypto_ohlcv_yahoo_daily.csv")).unwrap();
    let close = |d: &str| -> f64 {
        let line = src.lines().find(|l| l.starts_with(d)).unwrap();
        line.split(',').nth(4).unwrap().parse().unwrap()
    };
    let mut mondays = 0;
    for row in text.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        let (d, start) = (f[0], f[1]);
        let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        if chrono::Datelike::weekday(&date) == chrono::Weekday::Mon {
            let got: f64 = f[3].parse().unwrap();
            let want = (close(d) / close(start)).ln();
            assert!((got - want).abs() <= 1e-15 * want.abs().max(1.0), "{d}: {got} vs {want}");
            let s = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
            assert!((date - s).num_days() >= 3, "{d} starts {start}");
            mondays += 1;
        }
    }
    assert!(mondays > 400, "only {mondays} Mondays");
    // The hand-check of the issue: Monday 2024-03-04 is ln(close Mon / close Fri 2024-03-01).
    let row = text.lines().find(|l| l.starts_with("2024-03-04,")).unwrap();
    let got: f64 = row.split(',').nth(3).unwrap().parse().unwrap();
    assert!((got - (68330.4140625f64 / 62440.6328125).ln()).abs() < 1e-15);
}

#[test]
fn signals_shocks_events_and_basis_regimes_on_real_data() {
    let Some(data) = data_dir() else { return };
    let (tmp, store) = imported();
    let store = store.as_str();
    let shocks: serde_json::Value =
        serde_json::from_str(&run(tmp.path(), &["shocks", "--json", "--store", store])).unwrap();
    for ep in ["terra-ust-2022", "ftx-2022", "usdc-svb-2023"] {
        let m = shocks["catalogue"]["episodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["episode"] == ep)
            .unwrap();
        assert_eq!(m["detected"], true, "{ep} not detected");
    }
    let sig: serde_json::Value =
        serde_json::from_str(&run(tmp.path(), &["signals", "--json", "--store", store])).unwrap();
    assert_eq!(sig["evaluation"].as_array().unwrap().len(), 4);
    let dd = data.to_str().unwrap();
    let ev: serde_json::Value = serde_json::from_str(&run(
        tmp.path(),
        &[
            "events",
            "--json",
            "--store",
            store,
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--data-dir",
            dd,
        ],
    ))
    .unwrap();
    let kinds: Vec<&str> =
        ev["stats"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["fomc", "cpi", "ppi"]);
    let b: serde_json::Value = serde_json::from_str(&run(
        tmp.path(),
        &[
            "basis",
            "--json",
            "--store",
            store,
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--regimes",
            "shocks",
            "--bootstrap",
            "100",
        ],
    ))
    .unwrap();
    // During detected DeFi liquidity shocks the BTC-VIX hedge ratio is several times the quiet one.
    let k = b["decorrelation_factor"]["value"].as_f64().unwrap();
    assert!(k > 2.0, "k = {k}");
}

#[test]
fn backtest_of_the_default_book_on_real_data() {
    let Some(data) = data_dir() else { return };
    let (tmp, store) = imported();
    let store = store.as_str();
    assert!(data.join("vix_futures_contracts_daily.csv").exists());
    let bt: serde_json::Value = serde_json::from_str(&run(
        tmp.path(),
        &["backtest", "--json", "--store", store, "--crypto", "btc,eth,punks"],
    ))
    .unwrap();
    assert_eq!(bt["report"]["all_checks_ok"], true);
    // The manifest imported every VX contract's settlements; the curve comes from the store.
    assert!(bt["contracts"].as_str().unwrap().starts_with("the store"), "{}", bt["contracts"]);
    // In the COVID crash the VIX layers paid: the hedged loss is smaller than the unhedged one.
    let covid = bt["report"]["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "covid-crash-2020")
        .unwrap();
    assert!(
        covid["hedged_pnl"].as_f64().unwrap() > covid["unhedged_pnl"].as_f64().unwrap(),
        "{covid}"
    );
}

#[test]
fn report_on_real_data_has_the_stress_test_with_the_derived_nft_index() {
    if data_dir().is_none() {
        return;
    }
    let (tmp, store) = imported();
    let store = store.as_str();
    // The manifest derives `nft` (CryptoPunks then BAYC floors × ETH/USD, 7-day medians,
    // chain-linked) and records each formula as its source.
    let list: serde_json::Value =
        serde_json::from_str(&run(tmp.path(), &["series", "--json", "--store", store])).unwrap();
    let find = |name: &str| list.as_array().unwrap().iter().find(|s| s["name"] == name).unwrap();
    let nft = find("nft");
    assert!(nft.to_string().contains("derived: nft = chain(nft_punks, nft_bayc)"), "{nft}");
    let punks = find("nft_punks");
    assert!(punks.to_string().contains("derived: nft_punks = median7d(punks × eth)"), "{punks}");
    // Sizing measures BTC/ETH/VIX/SPX over their whole common window and the NFT index on
    // the days it covers.
    let h: serde_json::Value =
        serde_json::from_str(&run(tmp.path(), &["hedge", "--json", "--store", store])).unwrap();
    let m = &h["measured"];
    assert!(m["to"].as_str().unwrap() > "2025-01-01", "{m}");
    assert_eq!(m["nft_to"], "2022-12-30");
    // The futures curve's term premium is fitted to the stored VX settlements.
    let src = m["curve_source"].as_str().unwrap();
    assert!(src.contains("fitted to") && src.contains("vx settlements"), "{src}");
    let nft_rows: u64 =
        m["nft_rows_per_band"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
    let rows: u64 =
        m["rows_per_band"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
    assert!(nft_rows > 500 && nft_rows < rows, "{nft_rows} of {rows}");
    // The stress model's VIX option vols come from the stored VVIX, by band.
    let st: serde_json::Value = serde_json::from_str(&run(
        tmp.path(),
        &["stress", "--json", "--store", store, "--paths", "2000"],
    ))
    .unwrap();
    assert!(
        st["vix_option_vol_source"].as_str().unwrap().starts_with("mean VVIX/100"),
        "{}",
        st["vix_option_vol_source"]
    );
    let vols: Vec<f64> =
        st["vix_option_vol"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(vols.iter().all(|v| (0.5..1.6).contains(v)) && vols[0] < vols[2], "{vols:?}");
    assert!(st["funding_source"].as_str().unwrap().starts_with("mean daily funding_btc"));
    let f: Vec<f64> =
        st["funding_per_day"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(f.iter().all(|v| v.abs() < 0.005), "{f:?}");
    // The report runs the whole pipeline, stress test included.
    run(tmp.path(), &["report", "--store", store, "--out", "rep", "--paths", "20000"]);
    let a: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("rep/analysis.json")).unwrap(),
    )
    .unwrap();
    let st = &a["stress"]["report"];
    assert!(st.is_object(), "no stress test in the real-data report");
    for side in ["unhedged", "hedged"] {
        let s = &st[side];
        let (v95, v99) = (s["var95"].as_f64().unwrap(), s["var99"].as_f64().unwrap());
        let (e95, e99) = (s["es95"].as_f64().unwrap(), s["es99"].as_f64().unwrap());
        assert!(v95 > 0.0 && v95 <= v99 && v95 <= e95 && v99 <= e99, "{side}: {s}");
        assert_eq!(s["exact_quantiles"], true);
    }
    let bt = &a["backtest"];
    assert!(bt["report"]["all_checks_ok"].as_bool().unwrap());
    // With the chained NFT index the backtest runs through the 2022 DeFi shocks.
    let eps: Vec<&str> = bt["report"]["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    for name in ["terra-ust-2022", "celsius-3ac-2022", "ftx-2022"] {
        assert!(eps.contains(&name), "{name} missing from {eps:?}");
    }
    let html = std::fs::read_to_string(tmp.path().join("rep/report.html")).unwrap();
    assert!(html.contains("Stress"), "the HTML report has no stress section");
}
