//! `backtest` as a request written by hand: run on the demo store, serialised back and
//! compared with the CLI's JSON snapshot; bad fields are input errors naming the field; a run
//! stops when its progress is cancelled.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod common;

use std::path::Path;

use crosshedge_app::backtest::{self, BacktestRequest};
use crosshedge_app::json::request_from_json;
use crosshedge_app::progress::Counter;
use crosshedge_app::{ErrorKind, Silent};
use serde_json::Value;

/// The CLI's snapshot `name` (tests/snapshots of the workspace).
fn snapshot(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/snapshots")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The same keys, strings and structure, numbers equal to 1e-12 relative (the app's test
/// build may round the last bit of a sum differently from the binary's build; the CLI's
/// snapshot test checks the bytes).
fn close(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()) {
                Ok(())
            } else {
                Err(format!("{at}: {x} vs {y}"))
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (p, q))| close(p, q, &format!("{at}[{i}]"))),
        (Value::Object(x), Value::Object(y))
            if x.keys().collect::<Vec<_>>() == y.keys().collect::<Vec<_>>() =>
        {
            x.iter().try_for_each(|(k, v)| close(v, &y[k], &format!("{at}.{k}")))
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{at}: {a} vs {b}")),
    }
}

#[test]
fn a_backtest_request_written_by_hand_gives_the_cli_json() {
    // `crosshedge backtest --json` on the demo store (tests/json_snapshots.rs): the settlements
    // are the store's `vx` futures, so no contracts file is named.
    let ws = common::demo_workspace();
    let req: BacktestRequest = request_from_json(
        r#"{
            "measure": {"book": "default", "crypto": ["btc", "eth", "nft"]},
            "commission": 1.0,
            "slippage_bps": 2.0,
            "gas": 5.0,
            "etp_commission_bps": 2.0,
            "full": false,
            "exposure": {"rebalance": null}
        }"#,
    )
    .unwrap();
    assert_eq!(req, BacktestRequest::default());
    let out = backtest::run(&ws, &req, &Silent).unwrap();
    let got = serde_json::to_value(&out).unwrap();
    if let Err(at) = close(&got, &snapshot("backtest_default"), "") {
        panic!("backtest_default: differs from the snapshot at {at}");
    }
    let back: BacktestRequest = request_from_json(&serde_json::to_string(&req).unwrap()).unwrap();
    assert_eq!(back, req);
}

#[test]
fn a_cancelled_backtest_stops_with_the_cancelled_error() {
    let ws = common::demo_workspace();
    let progress = Counter::cancelling_after(1);
    let e = backtest::run(&ws, &BacktestRequest::default(), &progress).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
    // One block of days was run, of the whole history.
    let block = crosshedge_backtest::engine::DAYS_PER_BLOCK as u64;
    assert_eq!(progress.done(), block);
    assert!(progress.total() > 10 * block, "{} days", progress.total());
}

fn rejected(text: &str, field: &str) {
    let e = request_from_json::<BacktestRequest>(text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains(field), "{text}: {}", e.message);
}

#[test]
fn bad_backtest_fields_are_input_errors_naming_the_field() {
    rejected(r#"{"slipage_bps": 2}"#, "slipage_bps");
    rejected(r#"{"exposure": {"rebalance": "monthly"}}"#, "exposure.rebalance");
    rejected(r#"{"exposure": {"rebalance_days": -1}}"#, "exposure.rebalance_days");
    rejected(r#"{"measure": {"as_of": "yesterday"}}"#, "measure.as_of");
    rejected(r#"{"full": "yes"}"#, "full");
    // Values the job checks.
    let ws = common::demo_workspace();
    let mut req = BacktestRequest::default();
    req.exposure.lp_fee_apr = Some(-0.1);
    let e = backtest::run(&ws, &req, &Silent).unwrap_err();
    assert!(e.kind == ErrorKind::Input && e.message.contains("--lp-fee-apr"), "{e}");
    let req =
        BacktestRequest { contracts: Some("no/such.csv".into()), ..BacktestRequest::default() };
    let e = backtest::run(&ws, &req, &Silent).unwrap_err();
    assert!(e.kind == ErrorKind::Input && e.message.contains("no/such.csv"), "{e}");
}
