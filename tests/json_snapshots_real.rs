//! The `--json` contract on real data: a small store imported through the ordinary CLI path
//! (`crosshedge import --manifest`) from two years (July 2019 – June 2021: calm 2019, the
//! COVID crash, the 2021 rally; the default VIX bands need calm days, which 2021–2022 lacks)
//! of a few files of `../shared/data` (copied, trimmed to the window, into a temporary
//! directory), every analysis run with `--json` and compared with the committed snapshots
//! under `tests/snapshots/real/`. Skipped, saying why, when the data is absent (see
//! `tests/real_data.rs`).
//!
//! The snapshots hold statistics derived from vendor data, never the data itself: no
//! `series show`, and keys that echo raw prices are removed before the comparison (each
//! removal says why). Regenerate after an intended change with
//! `UPDATE_SNAPSHOTS=1 cargo test --test json_snapshots_real`. As in `tests/json_snapshots.rs`
//! the temporary directory becomes `$DIR` and import timestamps become `$TIME`; the data
//! directory becomes `$DATA`.
//!
//! Left out: `shocks` (needs the stablecoin and TVL files, which the two-year store does not
//! import; `tests/real_data.rs` covers it on the whole manifest). Single as-of closes that
//! are a model's starting values (`last_close`, the sizing inputs' `vix` and `spx`) stay.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{compare_snapshot, normalise_json, run};

/// First and last date of the rows copied into the small store.
const FROM: &str = "2019-07-01";
const TO: &str = "2021-06-30";

/// The manifest of the small store: entries of `manifests/shared-data.toml` for the files
/// copied (trimmed to [`FROM`]..[`TO`]) beside it.
const MANIFEST: &str = r#"data_dir = "."

[[file]]
path = "vix_daily.csv"
calendar = "us"
unit = "index-level"
series = { vix = "close" }

[[file]]
path = "cboe_vol_indices_daily.csv"
calendar = "us"
unit = "index-level"
series = { vvix = "vvix" }

[[file]]
path = "spx_daily.csv"
calendar = "us"
series = { spx = "close" }

[[file]]
path = "vix_futures_continuous_daily.csv"
calendar = "us"
series = { vx1 = "vx1_settle", vx2 = "vx2_settle" }

[[file]]
path = "crypto_ohlcv_yahoo_daily.csv"
calendar = "crypto"
series = { btc = "btc_close", eth = "eth_close" }

[[file]]
path = "nft_cryptopunks_daily.csv"
calendar = "crypto"
unit = "index-level"
series = { punks = "ll_p10_price_eth" }

[[file]]
path = "nft_collections_daily.csv"
calendar = "crypto"
unit = "index-level"
series = { bayc = "bayc_dune_floor_eth" }

[[derived]]
name = "nft_punks"
product = ["punks", "eth"]
rolling-median-days = 7

[[derived]]
name = "nft_bayc"
product = ["bayc", "eth"]
rolling-median-days = 7

[[derived]]
name = "nft"
chain = ["nft_punks", "nft_bayc"]

[[file]]
path = "funding_rates_daily.csv"
calendar = "crypto"
unit = "rate"
series = { funding_btc = "binance_btcusdt_daily_sum" }

[[futures]]
path = "vix_futures_contracts_daily.csv"
root = "vx"
"#;

/// The files the manifest reads.
const FILES: &[&str] = &[
    "vix_daily.csv",
    "cboe_vol_indices_daily.csv",
    "spx_daily.csv",
    "vix_futures_continuous_daily.csv",
    "crypto_ohlcv_yahoo_daily.csv",
    "nft_cryptopunks_daily.csv",
    "nft_collections_daily.csv",
    "funding_rates_daily.csv",
    "vix_futures_contracts_daily.csv",
];

/// (snapshot name, arguments after the binary; `--json` and `--store` are added, and
/// `--data-dir` when the name starts with `events`).
const CASES: &[(&str, &[&str])] = &[
    (
        "basis_btc_vix",
        &["basis", "--target", "btc", "--hedge", "vix", "--bootstrap", "100", "--seed", "9"],
    ),
    (
        "basis_eth_spx",
        &["basis", "--target", "eth", "--hedge", "spx", "--bootstrap", "100", "--seed", "9"],
    ),
    ("lags_btc_vix", &["lags", "--target", "btc", "--hedge", "vix", "--max-lag", "5"]),
    ("episodes_btc_vix", &["episodes", "--target", "btc", "--hedge", "vix"]),
    ("signals", &["signals"]),
    ("regimes_bands", &["regimes", "--model", "bands"]),
    ("dcc_btc_vix", &["dcc", "--target", "btc", "--hedge", "vix"]),
    ("events_btc_vix", &["events", "--target", "btc", "--hedge", "vix"]),
    ("hedge_default", &["hedge"]),
    ("stress_default", &["stress", "--paths", "1000", "--seed", "4"]),
    ("stress_replay_covid", &["stress", "--paths", "1000", "--scenario", "covid-crash-2020"]),
    ("backtest_default", &["backtest"]),
];

/// The date of the `price vix-curve` case: the day after the VIX's record close, in the COVID
/// crash (no contract is 30 days out, so the constant-maturity price is interpolated).
const CURVE_DATE: &str = "2020-03-17";

fn data_dir() -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if FILES.iter().all(|f| p.join(f).exists()) {
        Some(p.canonicalize().unwrap())
    } else {
        eprintln!("skipping: ../shared/data not found (real-data tests need it beside the repo)");
        None
    }
}

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/real")
}

/// Copies `file` from `data` to `dir`, keeping the header and the rows dated in the window.
fn copy_window(data: &Path, dir: &Path, file: &str) {
    let text = std::fs::read_to_string(data.join(file)).unwrap();
    let mut out = String::with_capacity(text.len() / 4);
    for (i, line) in text.lines().enumerate() {
        let date = line.get(..10).unwrap_or("");
        if i == 0 || (FROM..=TO).contains(&date) {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(dir.join(file), out).unwrap();
}

/// Removes the keys `path` (dot-separated object keys; `[]` maps over an array) names.
fn strip(v: &mut Value, path: &[&str]) {
    match path {
        [] => {}
        ["[]", rest @ ..] => {
            if let Some(a) = v.as_array_mut() {
                a.iter_mut().for_each(|x| strip(x, rest));
            }
        }
        [last] => {
            if let Some(o) = v.as_object_mut() {
                o.remove(*last);
            }
        }
        [key, rest @ ..] => {
            if let Some(x) = v.get_mut(*key) {
                strip(x, rest);
            }
        }
    }
}

/// Keys removed from a case's JSON before the comparison, with the reason.
fn trim(name: &str, v: &mut Value) {
    match name {
        // The daily equity of the hedged and unhedged books: portfolio values a step away
        // from the raw closes (and 500 rows each). The summary statistics stay.
        "backtest_default" => {
            for k in ["dates", "hedged_equity", "unhedged_equity"] {
                strip(v, &["report", k]);
            }
        }
        // The day's settlement of each contract is the vendor's raw price; expiries, days
        // to expiry and the curve's derived statistics stay.
        "price_vix_curve" => strip(v, &["points", "[]", "settle"]),
        // The VIX close of each recent signal event (the series itself); the events' dates,
        // kinds and indicator values stay.
        // The same for the last close itself.
        "signals" => {
            strip(v, &["recent_events", "[]", "vix_close"]);
            strip(v, &["last_close"]);
        }
        "regimes_bands" => strip(v, &["last_close"]),
        // The as-of day's VIX and SPX closes the book starts from (every figure derived from
        // them stays).
        "hedge_default" => {
            strip(v, &["inputs", "vix"]);
            strip(v, &["inputs", "spx"]);
        }
        "stress_default" | "stress_replay_covid" => {
            strip(v, &["start", "vix"]);
            strip(v, &["start", "spx"]);
        }
        _ => {}
    }
}

fn check(name: &str, dirs: &[(&str, &str)], dir: &Path, args: &[&str], fails: &mut Vec<String>) {
    let (rc, out, err) = run(dir, args);
    if rc != 0 {
        fails.push(format!("{name}: exit {rc}: {err}"));
        return;
    }
    let mut v: Value = match serde_json::from_str(&out) {
        Ok(v) => v,
        Err(e) => {
            fails.push(format!("{name}: not JSON: {e}"));
            return;
        }
    };
    trim(name, &mut v);
    for (from, to) in dirs {
        normalise_json(&mut v, from, to);
    }
    let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let path = snapshot_dir().join(format!("{name}.json"));
    compare_snapshot(name, &path, &text, fails);
}

#[test]
fn every_analysis_json_on_real_data_equals_its_snapshot() {
    let Some(data) = data_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for f in FILES {
        copy_window(&data, d, f);
    }
    std::fs::write(d.join("real.toml"), MANIFEST).unwrap();
    let (rc, _, err) = run(d, &["import", "--manifest", "real.toml", "--store", "real.db"]);
    assert_eq!(rc, 0, "import: {err}");

    let canon = d.canonicalize().unwrap();
    let data_s = data.to_str().unwrap().to_string();
    // The data directory first: it may lie inside neither temporary path, but replace it
    // before them in case it does.
    let dirs = [
        (data_s.as_str(), "$DATA"),
        (canon.to_str().unwrap(), "$DIR"),
        (d.to_str().unwrap(), "$DIR"),
    ];
    let mut fails = Vec::new();
    for (name, args) in CASES {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--store", "real.db", "--json"]);
        if name.starts_with("events") {
            a.extend(["--data-dir", &data_s]);
        }
        check(name, &dirs, d, &a, &mut fails);
    }
    let curve = [
        "price",
        "vix-curve",
        "--date",
        CURVE_DATE,
        "--contracts",
        "vix_futures_contracts_daily.csv",
        "--json",
    ];
    check("price_vix_curve", &dirs, d, &curve, &mut fails);
    assert!(fails.is_empty(), "{} snapshot(s) differ:\n{}", fails.len(), fails.join("\n"));
}
