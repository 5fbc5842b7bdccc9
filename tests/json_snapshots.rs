//! The `--json` contract: every command on the demo store (fixed seed, small bootstrap and
//! path counts) compared byte for byte with the committed snapshots under `tests/snapshots/`.
//! The CLI, the dashboard and the Python package are tested against the same files.
//!
//! Regenerate after an intended change of an output with
//! `UPDATE_SNAPSHOTS=1 cargo test --test json_snapshots` and say in the commit why it changed.
//! Volatile values are normalised before the comparison: the temporary directory becomes
//! `$DIR` and import timestamps (`time`, `imported_at`) become `$TIME`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{compare_snapshot, normalise_json, run};

/// (snapshot name, arguments after the binary; `--json` and `--store` are added).
const CASES: &[(&str, &[&str])] = &[
    ("series", &["series"]),
    ("series_imports", &["series", "imports"]),
    ("series_show_vix", &["series", "show", "vix", "--from", "2020-03-02", "--to", "2020-03-31"]),
    (
        "basis_btc_vix",
        &["basis", "--target", "btc", "--hedge", "vix", "--bootstrap", "100", "--seed", "9"],
    ),
    (
        "basis_nft_vix_weekly",
        &["basis", "--target", "nft", "--hedge", "vix", "--align", "weekly", "--bootstrap", "100"],
    ),
    (
        "basis_btc_spx_markov2",
        &[
            "basis",
            "--target",
            "btc",
            "--hedge",
            "spx",
            "--regimes",
            "markov2",
            "--bootstrap",
            "50",
        ],
    ),
    (
        "basis_btc_vix_shocks",
        &["basis", "--target", "btc", "--hedge", "vix", "--regimes", "shocks", "--bootstrap", "50"],
    ),
    (
        "basis_btc_vix_events",
        &["basis", "--target", "btc", "--hedge", "vix", "--regimes", "events", "--bootstrap", "50"],
    ),
    ("lags_btc_vix", &["lags", "--target", "btc", "--hedge", "vix", "--max-lag", "5"]),
    ("episodes_btc_vix", &["episodes", "--target", "btc", "--hedge", "vix"]),
    ("signals", &["signals"]),
    ("shocks", &["shocks"]),
    ("events_btc_vix", &["events", "--target", "btc", "--hedge", "vix"]),
    ("regimes_bands", &["regimes", "--model", "bands"]),
    ("regimes_markov2", &["regimes", "--model", "markov2"]),
    (
        "regimes_bivariate",
        &["regimes", "--model", "bivariate", "--target", "btc", "--hedge", "vix"],
    ),
    ("dcc_btc_vix", &["dcc", "--target", "btc", "--hedge", "vix"]),
    (
        "rolling_btc_vix",
        &[
            "rolling",
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--window",
            "42",
            "--from",
            "2022-01-01",
            "--to",
            "2022-06-30",
        ],
    ),
    ("hedge_default", &["hedge"]),
    ("stress_default", &["stress", "--paths", "2000", "--seed", "4"]),
    ("stress_replay_covid", &["stress", "--paths", "1000", "--scenario", "covid-crash-2020"]),
    ("stress_user_shock", &["stress", "--scenario", "VIX +60%, NFT -70% over 10 days"]),
    ("backtest_default", &["backtest"]),
    ("claims_demo", &["claims", "--paths", "2000", "--bootstrap", "100"]),
    (
        "tournament_btc",
        &[
            "tournament",
            "--target",
            "btc",
            "--paths",
            "4000",
            "--bootstrap-reps",
            "200",
            "--frontier-points",
            "4",
            "--crypto-vol",
            "dvol",
        ],
    ),
];

/// `price` needs no store.
const PRICE_CASES: &[(&str, &[&str])] = &[
    (
        "price_option_bs",
        &[
            "price",
            "option",
            "--kind",
            "call",
            "--spot",
            "5000",
            "--strike",
            "5100",
            "--expiry-days",
            "30",
            "--vol",
            "0.18",
            "--rate",
            "0.045",
            "--div-yield",
            "0.013",
        ],
    ),
    (
        "price_option_b76_implied",
        &[
            "price",
            "option",
            "--model",
            "black76",
            "--kind",
            "put",
            "--forward",
            "20",
            "--strike",
            "22",
            "--expiry-days",
            "30",
            "--price",
            "3.1",
            "--rate",
            "0.04",
        ],
    ),
    (
        "price_spread",
        &[
            "price",
            "spread",
            "--kind",
            "put",
            "--long",
            "5000",
            "--short",
            "4700",
            "--expiry-days",
            "60",
            "--spot",
            "5100",
            "--vol",
            "0.2",
            "--rate",
            "0.045",
            "--carry-rate",
            "0.06",
            "--inventory-value",
            "100000",
        ],
    ),
    (
        "price_condor",
        &[
            "price",
            "condor",
            "--strikes",
            "4600,4800,5400,5600",
            "--expiry-days",
            "30",
            "--spot",
            "5100",
            "--vol",
            "0.18",
            "--rate",
            "0.045",
        ],
    ),
    (
        "price_perp",
        &[
            "price",
            "perp",
            "--side",
            "short",
            "--qty",
            "1",
            "--entry",
            "60000",
            "--leverage",
            "3",
            "--funding",
            "0.0001",
            "--interval-hours",
            "8",
            "--mark",
            "58000",
        ],
    ),
    (
        "price_lp",
        &[
            "price",
            "lp",
            "--model",
            "v3",
            "--price",
            "3000",
            "--lower",
            "2500",
            "--upper",
            "3500",
            "--value",
            "10000",
            "--vol",
            "0.7",
            "--fee-apr",
            "0.3",
            "--move",
            "-0.2",
        ],
    ),
];

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

fn check(name: &str, dir: &Path, args: &[&str], failures: &mut Vec<String>) {
    let (rc, out, err) = run(dir, args);
    if rc != 0 {
        failures.push(format!("{name}: exit {rc}: {err}"));
        return;
    }
    check_text(name, dir, &out, |_| {}, failures);
}

/// Compares the JSON file `file` (written by a command) with snapshot `name`, after `trim`.
fn check_file(
    name: &str,
    dir: &Path,
    file: &Path,
    trim: impl FnOnce(&mut Value),
    failures: &mut Vec<String>,
) {
    match std::fs::read_to_string(file) {
        Ok(text) => check_text(name, dir, &text, trim, failures),
        Err(e) => failures.push(format!("{name}: cannot read {}: {e}", file.display())),
    }
}

/// Compares the JSON text `out` with snapshot `name`, after `trim` and the normalisation.
fn check_text(
    name: &str,
    dir: &Path,
    out: &str,
    trim: impl FnOnce(&mut Value),
    failures: &mut Vec<String>,
) {
    let mut v: Value = match serde_json::from_str(out) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!("{name}: not JSON: {e}"));
            return;
        }
    };
    trim(&mut v);
    let canon = dir.canonicalize().unwrap();
    for d in [canon.to_str().unwrap(), dir.to_str().unwrap()] {
        normalise_json(&mut v, d, "$DIR");
    }
    let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let path = snapshot_dir().join(format!("{name}.json"));
    compare_snapshot(name, &path, &text, failures);
}

#[test]
fn every_command_json_equals_its_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut failures = Vec::new();
    // The demo store. Its own --json is the whole report's data (5 MB): the snapshot keeps
    // what is the demo's own (where it wrote, the market's summary, the current regime); the
    // analyses in it are the report's and are snapshotted below.
    let (rc, out, err) =
        run(d, &["demo", "--out", "out", "--seed", "3", "--stress-paths", "2000", "--json"]);
    assert_eq!(rc, 0, "{err}");
    check_text(
        "demo",
        d,
        &out,
        |v| {
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| {
                    ["out_dir", "store", "summary", "regime", "report"].contains(&k.as_str())
                });
            }
        },
        &mut failures,
    );
    for (name, args) in CASES {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--store", "out/crosshedge.db", "--json"]);
        check(name, d, &a, &mut failures);
    }
    for (name, args) in PRICE_CASES {
        let mut a: Vec<&str> = args.to_vec();
        a.push("--json");
        check(name, d, &a, &mut failures);
    }
    let mut a = vec!["price", "vix-curve", "--date", "2020-03-16", "--contracts"];
    a.extend(["out/data/vix_futures_contracts.csv", "--json"]);
    check("price_vix_curve_demo", d, &a, &mut failures);
    // The report: where it wrote, every analysis behind it (`analysis.json`) and the report's
    // input without the charts (their data are the analyses').
    let report = [
        "report",
        "--store",
        "out/crosshedge.db",
        "--out",
        "rep",
        "--bootstrap",
        "50",
        "--paths",
        "2000",
        "--seed",
        "5",
        "--json",
    ];
    check("report", d, &report, &mut failures);
    check_file("report_analysis", d, &d.join("rep/analysis.json"), |_| {}, &mut failures);
    let no_charts = |v: &mut Value| {
        if let Some(o) = v.as_object_mut() {
            o.remove("charts");
        }
    };
    check_file("report_input", d, &d.join("rep/report.json"), no_charts, &mut failures);
    assert!(failures.is_empty(), "{} snapshot(s) differ:\n{}", failures.len(), failures.join("\n"));
}
