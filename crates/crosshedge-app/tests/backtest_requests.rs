//! `backtest` as a request written by hand: run on the demo store, serialised back and
//! compared with the CLI's JSON snapshot; bad fields are input errors naming the field; a run
//! stops when its progress is cancelled.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod common;

use crosshedge_app::backtest::{self, BacktestRequest};
use crosshedge_app::json::request_from_json;
use crosshedge_app::progress::Counter;
use crosshedge_app::{ErrorKind, Silent};
use serde_json::Value;

/// The CLI's snapshot `name` parsed.
fn snapshot(name: &str) -> Value {
    serde_json::from_str(&common::snapshot_text(name)).unwrap()
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
    if let Err(at) = common::close(&got, &snapshot("backtest_default"), "") {
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
