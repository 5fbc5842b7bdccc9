//! Parity: every API response equals the committed `--json` snapshot of the same request
//! (`tests/snapshots/*.json` of the binary, the flags of `tests/json_snapshots.rs` given as a
//! flat body), after the snapshot test's normalisation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{app, config, post, req, send, tmp_dir};
use serde_json::{json, Value};

/// The snapshot test's normalisation: import times become `$TIME`; the CLI ran in the
/// temporary directory with relative paths (`out/data/...`), the server is given absolute
/// ones, so the directory's prefix is removed.
fn normalise(v: &mut Value, dir: &str) {
    match v {
        Value::String(s) if s.contains(dir) => *s = s.replace(&format!("{dir}/"), ""),
        Value::Array(a) => a.iter_mut().for_each(|x| normalise(x, dir)),
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if (k == "time" || k == "imported_at" || k == "generated_at") && x.is_string() {
                    *x = Value::String("$TIME".into());
                } else {
                    normalise(x, dir);
                }
            }
        }
        _ => {}
    }
}

/// The response as the snapshot test writes it: `v` is the response text parsed once (as the
/// snapshot test parses the CLI's output), normalised and pretty-printed.
fn check(name: &str, v: &Value, failures: &mut Vec<String>) {
    let mut v = v.clone();
    let tmp = tmp_dir();
    let canon = tmp.canonicalize().unwrap();
    for d in [canon.to_str().unwrap(), tmp.to_str().unwrap()] {
        normalise(&mut v, d);
    }
    let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/snapshots/{name}.json"));
    let want = std::fs::read_to_string(&path).unwrap();
    if want != text {
        let line = want.lines().zip(text.lines()).position(|(a, b)| a != b);
        failures.push(format!(
            "{name}: differs (line {:?}: {:?} vs {:?})",
            line.map(|l| l + 1),
            line.and_then(|l| want.lines().nth(l)),
            line.and_then(|l| text.lines().nth(l)),
        ));
    }
}

/// Starts a long job and waits for its result.
async fn long_job(app: &axum::Router, kind: &str, body: &Value) -> Result<Value, String> {
    let (status, v) = post(app, &format!("/api/v1/jobs/{kind}"), body).await;
    if status != 202 {
        return Err(format!("{kind}: {status} {v}"));
    }
    let id = v["id"].as_str().unwrap().to_string();
    for _ in 0..1200 {
        let (_, s) = send(app, req("GET", &format!("/api/v1/jobs/{id}"), "")).await;
        match s["state"].as_str() {
            Some("done") => return Ok(s["result"].clone()),
            Some("failed" | "cancelled") => return Err(format!("{kind}: {s}")),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Err(format!("{kind}: did not finish"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_response_equals_its_cli_snapshot() {
    let app = app(config());
    let contracts = tmp_dir().join("out/data/vix_futures_contracts.csv");
    let sync: Vec<(&str, &str, Value)> = vec![
        (
            "basis_btc_vix",
            "basis",
            json!({"target": "btc", "hedge": "vix", "bootstrap": 100, "seed": 9}),
        ),
        (
            "basis_nft_vix_weekly",
            "basis",
            json!({"target": "nft", "hedge": "vix", "align": "weekly", "bootstrap": 100}),
        ),
        (
            "basis_btc_spx_markov2",
            "basis",
            json!({"target": "btc", "hedge": "spx", "regimes": "markov2", "bootstrap": 50}),
        ),
        (
            "basis_btc_vix_shocks",
            "basis",
            json!({"target": "btc", "hedge": "vix", "regimes": "shocks", "bootstrap": 50}),
        ),
        (
            "basis_btc_vix_events",
            "basis",
            json!({"target": "btc", "hedge": "vix", "regimes": "events", "bootstrap": 50}),
        ),
        ("lags_btc_vix", "lags", json!({"target": "btc", "hedge": "vix", "max_lag": 5})),
        (
            "rolling_btc_vix",
            "rolling",
            json!({"target": "btc", "hedge": "vix", "window": 42,
            "from": "2022-01-01", "to": "2022-06-30"}),
        ),
        ("episodes_btc_vix", "episodes", json!({"target": "btc", "hedge": "vix"})),
        ("claims_demo", "claims", json!({"paths": 2000, "bootstrap": 100})),
        ("signals", "signals", json!({})),
        ("shocks", "shocks", json!({})),
        ("events_btc_vix", "events", json!({"target": "btc", "hedge": "vix"})),
        ("regimes_bands", "regimes", json!({"model": "bands"})),
        ("regimes_markov2", "regimes", json!({"model": "markov2"})),
        (
            "regimes_bivariate",
            "regimes",
            json!({"model": "bivariate", "target": "btc", "hedge": "vix"}),
        ),
        ("dcc_btc_vix", "dcc", json!({"target": "btc", "hedge": "vix"})),
        ("hedge_default", "hedge", json!({})),
        (
            "price_option_bs",
            "price/option",
            json!({"kind": "call", "spot": 5000, "strike": 5100,
            "expiry_days": 30, "vol": 0.18, "rate": 0.045, "div_yield": 0.013}),
        ),
        (
            "price_option_b76_implied",
            "price/option",
            json!({"model": "black76", "kind": "put",
            "forward": 20, "strike": 22, "expiry_days": 30, "price": 3.1, "rate": 0.04}),
        ),
        (
            "price_spread",
            "price/spread",
            json!({"kind": "put", "long": 5000, "short": 4700,
            "expiry_days": 60, "spot": 5100, "vol": 0.2, "rate": 0.045, "carry_rate": 0.06,
            "inventory_value": 100000}),
        ),
        (
            "price_condor",
            "price/condor",
            json!({"strikes": [4600, 4800, 5400, 5600],
            "expiry_days": 30, "spot": 5100, "vol": 0.18, "rate": 0.045}),
        ),
        (
            "price_perp",
            "price/perp",
            json!({"side": "short", "qty": 1, "entry": 60000,
            "leverage": 3, "funding": 0.0001, "interval_hours": 8, "mark": 58000}),
        ),
        (
            "price_lp",
            "price/lp",
            json!({"model": "v3", "price": 3000, "lower": 2500,
            "upper": 3500, "value": 10000, "vol": 0.7, "fee_apr": 0.3, "move": -0.2}),
        ),
        (
            "price_vix_curve_demo",
            "price/vix-curve",
            json!({"date": "2020-03-16", "contracts": contracts}),
        ),
    ];
    let mut failures = Vec::new();
    for (name, route, body) in &sync {
        let (status, v) = post(&app, &format!("/api/v1/{route}"), body).await;
        if status != 200 {
            failures.push(format!("{name}: {status} {v}"));
            continue;
        }
        check(name, &v, &mut failures);
    }
    for (name, uri) in [
        ("series", "/api/v1/series"),
        ("series_imports", "/api/v1/imports"),
        ("series_show_vix", "/api/v1/series/vix?from=2020-03-02&to=2020-03-31"),
    ] {
        let (status, v) = send(&app, req("GET", uri, "")).await;
        if status != 200 {
            failures.push(format!("{name}: {status} {v}"));
            continue;
        }
        check(name, &v, &mut failures);
    }
    let long: Vec<(&str, &str, Value)> = vec![
        ("stress_default", "stress", json!({"paths": 2000, "seed": 4})),
        ("stress_replay_covid", "stress", json!({"paths": 1000, "scenario": "covid-crash-2020"})),
        ("stress_user_shock", "stress", json!({"scenario": "VIX +60%, NFT -70% over 10 days"})),
        ("backtest_default", "backtest", json!({})),
        (
            "tournament_btc",
            "tournament",
            json!({"target": "btc", "paths": 4000, "bootstrap_reps": 200, "frontier_points": 4, "crypto_vol": "dvol"}),
        ),
        (
            "basis_btc_vix",
            "basis",
            json!({"target": "btc", "hedge": "vix", "bootstrap": 100, "seed": 9}),
        ),
    ];
    for (name, kind, body) in &long {
        match long_job(&app, kind, body).await {
            Ok(v) => check(name, &v, &mut failures),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
}
