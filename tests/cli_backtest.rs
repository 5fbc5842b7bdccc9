//! `crosshedge backtest`: the exposure policy (constant mix / buy and hold, cash rate, LP fees)
//! and the calendar-day funding convention, end to end on the demo store and (skipped when
//! absent) the real data in ../shared/data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

mod common;
use common::{demo_store, json, run};

fn weights(bt: &serde_json::Value, key: &str) -> Vec<f64> {
    bt["report"]["exposure"]["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[key].as_f64().unwrap())
        .collect()
}

#[test]
fn backtest_exposure_policy_and_funding_on_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let bt = json(d, &["backtest", "--store", store, "--json", "--full"]);
    assert_eq!(bt["report"]["all_checks_ok"], true);
    // --full carries the XIRR's own dated flows: one per date, in order, with an XNPV of zero at the
    // reported rate; without --full they are left out.
    let x = &bt["report"]["xirr"];
    let dated = x["dated_flows"].as_array().unwrap();
    assert!(dated.len() > 10, "{x}");
    let dates: Vec<&str> = dated.iter().map(|f| f["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]));
    if let Some(r) = x["rate"].as_f64() {
        let t0 = chrono::NaiveDate::parse_from_str(dates[0], "%Y-%m-%d").unwrap();
        let npv: f64 = dated
            .iter()
            .map(|f| {
                let t = chrono::NaiveDate::parse_from_str(f["date"].as_str().unwrap(), "%Y-%m-%d")
                    .unwrap();
                f["amount"].as_f64().unwrap() / (1.0 + r).powf((t - t0).num_days() as f64 / 365.0)
            })
            .sum();
        let scale: f64 = dated.iter().map(|f| f["amount"].as_f64().unwrap().abs()).sum();
        assert!(npv.abs() < 1e-8 * scale, "XNPV at the rate: {npv}");
    }
    let short = json(d, &["backtest", "--store", store, "--json"]);
    assert_eq!(short["report"]["xirr"]["dated_flows"].as_array().unwrap().len(), 0);
    // The default policy is stated: constant mix every 21 market days, cash at --rate.
    let p = &bt["exposure_policy"];
    assert_eq!(p["rebalance"], "constant-mix");
    assert_eq!(p["rebalance_days"], 21);
    assert_eq!(p["cash_rate"], 0.04);
    assert_eq!(p["lp_fee_apr"], 0.23);
    assert_eq!(p["sources"]["rebalance"], "default");
    let x = &bt["report"]["exposure"];
    assert_eq!(x["rebalance"]["policy"], "constant-mix");
    assert_eq!(x["all_checks_ok"], true);
    let n = bt["days"].as_u64().unwrap() as usize;
    assert_eq!(x["checks"].as_array().unwrap().len(), n);
    // The default book's five exposures, each as what it is: the LP earns fees, the NFT pays
    // its carry, the perp pays funding, the cash account interest.
    let kinds: Vec<&str> =
        x["exposures"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["spot", "spot", "nft-inventory", "perp", "amm-lp"]);
    let totals = &x["flow_totals"];
    assert!(totals["fee_income"].as_f64().unwrap() > 0.0, "{totals}");
    assert!(totals["carry"].as_f64().unwrap() < 0.0, "{totals}");
    assert!(totals["funding"].as_f64().unwrap() != 0.0, "{totals}");
    assert!(totals["interest"].as_f64().unwrap() != 0.0, "{totals}");
    assert!(totals["fee"].as_f64().unwrap() < 0.0, "{totals}");
    // Constant mix keeps every weight near its target (rebalanced 21 market days ago at most).
    let (target, end) = (weights(&bt, "weight_target"), weights(&bt, "weight_end"));
    for (t, e) in target.iter().zip(&end) {
        assert!((t - e).abs() < 0.05, "{target:?} vs {end:?}");
    }
    // U_t is the book's equity: cash + marked positions of its ledger.
    let u = bt["report"]["unhedged_equity"].as_array().unwrap();
    for (c, u) in x["checks"].as_array().unwrap().iter().zip(u) {
        assert_eq!(c["equity"].as_f64().unwrap(), u.as_f64().unwrap());
    }
    // Funding: every calendar day from the first market day to the last is summed once.
    let from = chrono::NaiveDate::parse_from_str(bt["from"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let to = chrono::NaiveDate::parse_from_str(bt["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let cal = &bt["funding"]["calendar"];
    assert_eq!(cal["calendar_days"].as_i64().unwrap(), (to - from).num_days() + 1);
    assert!(cal["calendar_days"].as_u64().unwrap() as usize > n * 4 / 3, "{cal}");

    // Buy and hold from the flag; the book's own fields; their sources.
    let bh = json(
        d,
        &[
            "backtest",
            "--store",
            store,
            "--json",
            "--rebalance",
            "buy-and-hold",
            "--cash-rate",
            "0",
        ],
    );
    assert_eq!(bh["exposure_policy"]["rebalance"], "buy-and-hold");
    assert!(bh["exposure_policy"]["rebalance_days"].is_null());
    assert_eq!(bh["exposure_policy"]["sources"]["cash_rate"], "flag");
    assert_eq!(bh["report"]["exposure"]["rebalances"], 0);
    assert_eq!(bh["report"]["exposure"]["flow_totals"].get("interest"), None);
    let book = "name = \"b\"\nbudget = 0.0\nrebalance = \"constant-mix\"\nrebalance-days = 5\ncash-rate = 0.02\nlp-fee-apr = 0.1\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 600000.0\n[[exposure]]\nkind = \"amm-lp\"\nasset = \"eth\"\nvalue = 400000.0\nrange = [0.9, 1.1]\n";
    std::fs::write(d.join("b.toml"), book).unwrap();
    let b = json(d, &["backtest", "--store", store, "--book", "b.toml", "--json"]);
    let p = &b["exposure_policy"];
    assert_eq!((p["rebalance_days"].as_u64(), p["cash_rate"].as_f64()), (Some(5), Some(0.02)));
    assert_eq!(p["lp_fee_apr"], 0.1);
    assert_eq!(p["sources"]["lp_fee_apr"], "book");
    assert_eq!(b["report"]["all_checks_ok"], true);
    let rebalances = b["report"]["exposure"]["rebalances"].as_u64().unwrap();
    assert_eq!(rebalances, (b["days"].as_u64().unwrap() - 1) / 5);

    // Bad values: one line naming the flag or the book field, exit 2.
    for args in [["--lp-fee-apr=-1"], ["--cash-rate=inf"], ["--rebalance-days=0"]] {
        let mut a = vec!["backtest", "--store", store];
        a.extend(args);
        let (rc, _, err) = run(d, &a);
        assert_eq!(rc, 2, "{args:?}: {err}");
        let flag = args[0].split('=').next().unwrap();
        assert!(err.contains(flag), "{err}");
    }
    std::fs::write(d.join("bad.toml"), "name = \"b\"\nbudget = 0.0\nrebalance = \"weekly\"\n")
        .unwrap();
    let (rc, _, err) = run(d, &["backtest", "--store", store, "--book", "bad.toml"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn buy_and_hold_drifts_to_nft_on_real_data_and_constant_mix_does_not() {
    let data = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if !data.join("vix_daily.csv").exists() {
        eprintln!("skipping: ../shared/data not found");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/manifests/shared-data.toml");
    let (rc, _, err) = run(d, &["import", "--manifest", manifest, "--store", "x.db"]);
    assert_eq!(rc, 0, "{err}");
    let args = ["backtest", "--store", "x.db", "--crypto", "btc,eth,punks", "--json"];
    let mut a = args.to_vec();
    a.extend(["--rebalance", "buy-and-hold"]);
    let bh = json(d, &a);
    // The CryptoPunks floor rose thousands of times: a held book becomes an NFT book.
    let nft_end = weights(&bh, "weight_end")[2];
    assert!(nft_end > 0.9, "{nft_end}");
    let cm = json(d, &args);
    assert_eq!(cm["exposure_policy"]["rebalance"], "constant-mix");
    let w = weights(&cm, "weight_end");
    assert!((w[2] - 0.25 / 2.05).abs() < 0.05, "{w:?}");
    assert_eq!(cm["report"]["all_checks_ok"], true);
}
