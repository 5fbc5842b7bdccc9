//! The `price` jobs as requests written as JSON by hand: run, serialised back, compared with
//! what the CLI gives (the committed snapshots and hand values).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_app::json::request_from_json;
mod common;

use crosshedge_app::price::{curve, lp, option, parity, perp, structure};
use crosshedge_app::{ErrorKind, Silent, Workspace, WorkspaceConfig};

fn ws(data_dir: &std::path::Path) -> Workspace {
    Workspace::new(WorkspaceConfig {
        store: data_dir.join("none.db"),
        data_dir: data_dir.to_path_buf(),
    })
}

/// `out` as the snapshot test writes the CLI's `--json`: the text parsed back (serde_json's
/// default float parser, which may be one ulp off) and pretty-printed.
fn as_snapshot<T: serde::Serialize>(out: &T) -> String {
    let v: serde_json::Value = serde_json::from_str(&serde_json::to_string(out).unwrap()).unwrap();
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn option_requests_from_json_give_the_snapshots() {
    let here = ws(std::path::Path::new("."));
    let req: option::OptionRequest = request_from_json(
        r#"{"kind": "call", "spot": 5000, "strike": 5100, "expiry": {"expiry_days": 30},
            "vol": 0.18, "rate": 0.045, "div_yield": 0.013}"#,
    )
    .unwrap();
    let out = option::run(&here, &req, &Silent).unwrap();
    let want = include_str!("../../../tests/snapshots/price_option_bs.json");
    assert_eq!(as_snapshot(&out).trim_end(), want.trim_end());
    let req: option::OptionRequest = request_from_json(
        r#"{"model": "black76", "kind": "put", "forward": 20, "strike": 22,
            "expiry": {"expiry_days": 30}, "price": 3.1, "rate": 0.04}"#,
    )
    .unwrap();
    let out = option::run(&here, &req, &Silent).unwrap();
    let want = include_str!("../../../tests/snapshots/price_option_b76_implied.json");
    assert_eq!(as_snapshot(&out).trim_end(), want.trim_end());
}

#[test]
fn option_bad_values_are_input_errors_naming_the_field() {
    let e = request_from_json::<option::OptionRequest>(r#"{"kind": "straddle"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("kind"), "{}", e.message);
    let e = request_from_json::<option::OptionRequest>(r#"{"expiry": {"days": 3}}"#).unwrap_err();
    assert!(e.message.contains("expiry"), "{}", e.message);
    let req: option::OptionRequest = request_from_json(
        r#"{"spot": 100, "strike": -1, "expiry": {"expiry_days": 30}, "vol": 0.2}"#,
    )
    .unwrap();
    let e = option::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "--strike must be a finite number > 0, got -1");
}

#[test]
fn perp_request_from_json_gives_the_snapshot() {
    let req: perp::PerpRequest = request_from_json(
        r#"{"side": "short", "qty": 1, "entry": 60000, "leverage": 3,
            "funding": 0.0001, "interval_hours": 8, "mark": 58000}"#,
    )
    .unwrap();
    assert_eq!(req.mmr, 0.004, "the default maintenance margin rate");
    let out = perp::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap();
    let got = as_snapshot(&out);
    let want = include_str!("../../../tests/snapshots/price_perp.json");
    assert_eq!(got.trim_end(), want.trim_end());
}

#[test]
fn perp_bad_values_are_input_errors_naming_the_field() {
    let e = request_from_json::<perp::PerpRequest>(r#"{"sid": "long"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("sid"), "{}", e.message);
    let e = request_from_json::<perp::PerpRequest>(r#"{"side": "sideways"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("side"), "{}", e.message);
    let req: perp::PerpRequest =
        request_from_json(r#"{"qty": 1, "entry": -5, "leverage": 3}"#).unwrap();
    let e = perp::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "--entry must be a finite number > 0, got -5");
}

#[test]
fn curve_request_reads_the_default_file_of_the_data_directory() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join(curve::DEFAULT_CONTRACTS_FILE),
        "date,expiry,settle\n2024-01-02,2024-01-17,14.0\n2024-01-02,2024-02-14,16.0\n\
         2024-01-02,2024-03-20,17.0\n",
    )
    .unwrap();
    let req: curve::CurveRequest = request_from_json(r#"{"date": "2024-01-02"}"#).unwrap();
    let out = curve::run(&ws(tmp.path()), &req, &Silent).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["points"].as_array().unwrap().len(), 3);
    let cm = 13.0 / 28.0 * 14.0 + 15.0 / 28.0 * 16.0;
    assert!((v["constant_maturity_30d"]["price"].as_f64().unwrap() - cm).abs() < 1e-12);
    assert!(v["file"].as_str().unwrap().ends_with(curve::DEFAULT_CONTRACTS_FILE));
    // A date that is not a date, and a date without quotes.
    let e = request_from_json::<curve::CurveRequest>(r#"{"date": "2024-13-01"}"#).unwrap_err();
    assert!(e.message.contains("date"), "{}", e.message);
    let req: curve::CurveRequest = request_from_json(r#"{"date": "2024-01-06"}"#).unwrap();
    let e = curve::run(&ws(tmp.path()), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("no vix futures quoted on 2024-01-06"), "{}", e.message);
}

#[test]
fn parity_request_from_json_finds_the_conversion() {
    let tmp = tempfile::tempdir().unwrap();
    let chain = tmp.path().join("chain.csv");
    std::fs::write(
        &chain,
        "strike,expiry,call_bid,call_ask,put_bid,put_ask\n\
         90,2025-03-21,10.5,10.9,0.55,0.75\n\
         100,2025-03-21,5.0,5.2,3.0,3.2\n\
         110,2025-03-21,0.8,1.0,10.1,10.5\n",
    )
    .unwrap();
    let text = format!(
        r#"{{"chain": {}, "spot": 100, "rate": 0.05, "div_yield": 0.01, "expiry_days": 30,
            "commission": 0.01}}"#,
        serde_json::to_string(chain.to_str().unwrap()).unwrap()
    );
    let req: parity::ParityRequest = request_from_json(&text).unwrap();
    let out = parity::run(&ws(tmp.path()), &req, &Silent).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["as_of"], "2025-02-19");
    assert_eq!(v["rows"], 3);
    assert_eq!(v["violations"].as_array().unwrap().len(), 1);
    assert_eq!(v["violations"][0]["trade"], "conversion");
    // No underlying: an input error naming the flags.
    let req: parity::ParityRequest =
        request_from_json(&text.replace(r#""spot": 100,"#, "")).unwrap();
    let e = parity::run(&ws(tmp.path()), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "give --spot S, --spot-bid B --spot-ask A, or --future F");
    let e = request_from_json::<parity::ParityRequest>(r#"{"as_of": "2025-02-30"}"#).unwrap_err();
    assert!(e.message.contains("as_of"), "{}", e.message);
}

#[test]
fn lp_request_from_json_gives_the_snapshot() {
    let req: lp::LpRequest = request_from_json(
        r#"{"model": "v3", "price": 3000, "lower": 2500, "upper": 3500, "value": 10000,
            "vol": 0.7, "fee_apr": 0.3, "move": -0.2}"#,
    )
    .unwrap();
    let out = lp::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap();
    let want = include_str!("../../../tests/snapshots/price_lp.json");
    assert_eq!(as_snapshot(&out).trim_end(), want.trim_end());
    let e = request_from_json::<lp::LpRequest>(r#"{"model": "v4"}"#).unwrap_err();
    assert!(e.message.contains("model"), "{}", e.message);
    let req: lp::LpRequest =
        request_from_json(r#"{"model": "v3", "price": 1, "value": 1}"#).unwrap();
    let e = lp::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "--model v3 needs --lower A and --upper B");
}

#[test]
fn spread_request_from_json_gives_the_snapshot() {
    let req: structure::StructureRequest = request_from_json(
        r#"{"structure": {"spread": {"kind": "put", "long": 5000, "short": 4700}},
            "market": {"spot": 5100, "vol": 0.2, "rate": 0.045, "expiry": {"expiry_days": 60}},
            "carry": {"carry_rate": 0.06, "inventory_value": 100000}}"#,
    )
    .unwrap();
    let out = structure::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap();
    let want = include_str!("../../../tests/snapshots/price_spread.json");
    assert_eq!(as_snapshot(&out).trim_end(), want.trim_end());
}

#[test]
fn condor_request_from_json_gives_the_snapshot() {
    let req: structure::StructureRequest = request_from_json(
        r#"{"structure": {"condor": {"strikes": [4600, 4800, 5400, 5600]}},
            "market": {"spot": 5100, "vol": 0.18, "rate": 0.045, "expiry": {"expiry_days": 30}}}"#,
    )
    .unwrap();
    let out = structure::run(&ws(std::path::Path::new(".")), &req, &Silent).unwrap();
    let want = include_str!("../../../tests/snapshots/price_condor.json");
    assert_eq!(as_snapshot(&out).trim_end(), want.trim_end());
}

#[test]
fn structure_bad_values_are_input_errors_naming_the_field() {
    let e = request_from_json::<structure::StructureRequest>(
        r#"{"structure": {"spread": {"kind": "put", "lng": 5000}}}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("structure.spread"), "{}", e.message);
    assert!(e.message.contains("lng"), "{}", e.message);
    let e = request_from_json::<structure::StructureRequest>(r#"{"structure": {"butterfly": {}}}"#)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("structure"), "{}", e.message);
    let e = request_from_json::<structure::StructureRequest>(r#"{"market": {"volatility": 0.2}}"#)
        .unwrap_err();
    assert!(e.message.contains("market"), "{}", e.message);
    // Values are checked by the job, with the CLI's messages.
    let here = ws(std::path::Path::new("."));
    let req: structure::StructureRequest = request_from_json(
        r#"{"structure": {"condor": {"strikes": [4600, 4800, 5400]}},
            "market": {"spot": 5100, "vol": 0.18, "expiry": {"expiry_days": 30}}}"#,
    )
    .unwrap();
    let e = structure::run(&here, &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "--strikes needs four strikes K1,K2,K3,K4, got 3");
    let e = request_from_json::<structure::StructureRequest>(
        r#"{"structure": {"spread": {"kind": "call", "long": 100, "short": 110}},
            "market": {"forward": 100, "vol": 0.2, "expiry": {"expiry_days": 30}},
            "carry": {"carry_rate": 0.05, "inventory_qty": "NaN"}}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("carry.inventory_qty"), "{}", e.message);
    let req: structure::StructureRequest = request_from_json(
        r#"{"structure": {"spread": {"kind": "call", "long": 100, "short": 110}},
            "market": {"spot": 100, "forward": 100, "vol": 0.2, "expiry": {"expiry_days": 30}}}"#,
    )
    .unwrap();
    let e = structure::run(&here, &req, &Silent).unwrap_err();
    assert_eq!(e.message, "give --spot S (Black–Scholes) or --forward F (Black-76)");
}

/// `price vix-curve` on the demo's contracts file equals the CLI's `price_vix_curve_demo`
/// snapshot (the CLI was given the file as `out/data/...`, relative to the snapshot's run).
#[test]
fn curve_request_on_the_demo_contracts_gives_the_snapshot() {
    let file = common::demo_dir().join("data/vix_futures_contracts.csv");
    let text = format!(
        r#"{{"date": "2020-03-16", "contracts": {}}}"#,
        serde_json::to_string(file.to_str().unwrap()).unwrap()
    );
    let req: curve::CurveRequest = request_from_json(&text).unwrap();
    let out = curve::run(&common::demo_workspace(), &req, &Silent).unwrap();
    let mut v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["file"], file.display().to_string());
    v["file"] = "out/data/vix_futures_contracts.csv".into();
    let want = include_str!("../../../tests/snapshots/price_vix_curve_demo.json");
    assert_eq!(as_snapshot(&v).trim_end(), want.trim_end());
}
