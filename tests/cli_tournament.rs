//! `crosshedge tournament` on the demo store: thread-count independence, common random
//! numbers (the unhedged P&L and every candidate's stress numbers do not depend on which other
//! candidates run), the mix never worse than a candidate alone at the same budget, the venue
//! default's loss, and one-line input errors with exit 2.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

mod common;
use common::{demo_store, json, run};

const FAST: [&str; 8] = [
    "--paths",
    "3000",
    "--bootstrap-reps",
    "100",
    "--frontier-points",
    "3",
    "--crypto-vol",
    "dvol",
];

fn tournament(dir: &std::path::Path, store: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--store", store, "tournament", "--json"];
    args.extend(FAST);
    args.extend(extra);
    json(dir, &args)
}

fn candidate<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["candidates"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

#[test]
fn results_do_not_depend_on_threads_or_on_the_other_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let some = ["--candidates", "btc-put,vix-call-spread,short-spot"];
    let one = tournament(d, store, &[&some[..], &["--threads", "1"]].concat());
    let two = tournament(d, store, &[&some[..], &["--threads", "2"]].concat());
    assert_eq!(one, two);
    let all = tournament(d, store, &[]);
    // Common random numbers: one unhedged vector, whatever else is simulated.
    assert_eq!(all["unhedged_es99_usd"], one["unhedged_es99_usd"]);
    assert_eq!(all["unhedged_var99_usd"], one["unhedged_var99_usd"]);
    for name in ["btc-put", "vix-call-spread", "short-spot"] {
        assert_eq!(candidate(&all, name)["stress"], candidate(&one, name)["stress"], "{name}");
        assert_eq!(candidate(&all, name)["episodes"], candidate(&one, name)["episodes"], "{name}");
    }
    assert_eq!(all["candidates"].as_array().unwrap().len(), 10);
    // Same cost: every option candidate costs the budget.
    for name in ["btc-put", "btc-put-spread", "vix-call-spread", "spx-put-spread"] {
        let c = candidate(&all, name);
        assert!((c["cost_share_per_year"].as_f64().unwrap() - 0.04).abs() < 1e-12, "{name}");
    }
    // The mix is never worse than any candidate alone at the same budget.
    let fr = all["frontier"].as_array().unwrap();
    for curve in all["frontier_candidates"].as_array().unwrap() {
        for (p, q) in fr.iter().zip(curve["points"].as_array().unwrap()) {
            let (mix, alone) = (p["es99"].as_f64().unwrap(), q["es99"].as_f64().unwrap());
            assert!(
                mix <= alone + 1e-9 * alone.abs().max(1.0),
                "{} {mix} > {alone}",
                curve["name"]
            );
        }
    }
    // Ranks are 1..=10 by ES99 reduction.
    let red: Vec<f64> = all["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["stress"]["es99_reduction"].as_f64().unwrap_or(f64::NEG_INFINITY))
        .collect();
    assert!(red.windows(2).all(|w| w[0] >= w[1]), "{red:?}");
    // The failed venue took something in history; the solvent perp lost nothing to a venue.
    assert!(
        candidate(&all, "short-perp-failed-venue")["venue_default_loss_usd"].as_f64().unwrap()
            > 0.0
    );
    assert_eq!(candidate(&all, "short-perp-failed-venue")["venue_default_date"], "2022-11-08");
    assert_eq!(candidate(&all, "short-perp")["venue_default_loss_usd"].as_f64().unwrap(), 0.0);
    assert!(all["verdict"].as_str().unwrap().starts_with("At 4.0 % of the notional a year, "));
}

#[test]
fn bad_input_is_a_one_line_error_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    // A decimal-unit copy of the demo's implied-vol index.
    let csv = std::fs::read_to_string(d.join("out/data/crypto_vol_daily.csv")).unwrap();
    let mut dec = String::from("date,dvol\n");
    for line in csv.lines().skip(1) {
        let (date, v) = line.split_once(',').unwrap();
        dec.push_str(&format!("{date},{}\n", v.parse::<f64>().unwrap() / 100.0));
    }
    std::fs::write(d.join("dec.csv"), dec).unwrap();
    let (rc, _, err) = run(
        d,
        &[
            "--store",
            store,
            "import",
            "dec.csv",
            "--series",
            "dvoldec=dvol",
            "--calendar",
            "crypto",
            "--unit",
            "index-level",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    for (args, needle) in [
        (vec!["--candidates", "btc-straddle"], "unknown candidate 'btc-straddle'"),
        (vec!["--episodes", "lehman-2008"], "unknown episode 'lehman-2008'"),
        (vec!["--budget", "0"], "--budget 0"),
        (vec!["--budget", "5"], "--budget 5"),
        (vec!["--failed-venue", "mtgox"], "--failed-venue mtgox"),
        (vec!["--target", "doge"], "unknown target"),
        (vec!["--crypto-vol", "nope"], "nope"),
        (vec!["--crypto-vol", "dvoldec"], "decimal"),
    ] {
        let mut a = vec!["--store", store, "tournament", "--paths", "1000"];
        a.extend(args.iter().copied());
        let (rc, out, err) = run(d, &a);
        assert_eq!(rc, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        let line = err.trim_end();
        assert_eq!(line.lines().count(), 1, "{args:?}: {err}");
        assert!(line.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn several_targets_run_each_and_a_btc_perp_hedges_an_nft_book() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let v = tournament(
        d,
        store,
        &["--targets", "btc,nft", "--candidates", "short-perp,btc-put,vix-future"],
    );
    let by = v["by_target"].as_array().unwrap();
    assert_eq!(by.len(), 2);
    assert_eq!(by[0]["target"], "btc");
    assert_eq!(by[1]["target"], "nft");
    // The top level is the first target's tournament.
    assert_eq!(v["candidates"], by[0]["candidates"]);
    // The BTC perp sized on the NFT book holds a position through history (it pays or earns
    // funding and moves with BTC), and the NFT book's unhedged tail is its own.
    let perp = by[1]["candidates"].as_array().unwrap().iter().find(|c| c["name"] == "short-perp");
    let perp = perp.unwrap();
    assert_ne!(perp["carry_per_year_history"].as_f64().unwrap(), 0.0);
    assert!(perp["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["hedge_pnl_usd"].as_f64().unwrap() != 0.0));
    assert_ne!(by[0]["unhedged_es99_usd"], by[1]["unhedged_es99_usd"]);
}
