//! `events`, `shocks` and `episodes` run from requests written as JSON by hand on the demo
//! store, serialised back and compared with the CLI's snapshots (`tests/snapshots/`, the same
//! seed-3 demo store); unknown fields and bad values are input errors naming the field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use crosshedge_app::episodes::{EpisodesRequest, AUTO_HEDGE};
use crosshedge_app::events::EventsRequest;
use crosshedge_app::json::request_from_json;
use crosshedge_app::shocks::ShocksRequest;
use crosshedge_app::{ErrorKind, Silent};
use serde::Serialize;

/// `out` as the JSON text the snapshot test compares (parsed back, so key order is the
/// snapshot's sorted order).
fn as_json(out: &impl Serialize) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(out).unwrap()).unwrap()
}

fn snapshot(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// `crosshedge events --target btc --hedge vix` (the demo's data directory has no CPI, PPI or
/// FOMC files, so the built-in FOMC schedule is the calendar).
#[test]
fn events_from_json_equals_the_cli_snapshot() {
    let req: EventsRequest = request_from_json(
        r#"{"pair": {"target": "btc", "hedge": "vix"}, "sources": {"pre": 1, "post": 1}}"#,
    )
    .unwrap();
    let out = crosshedge_app::events::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert_eq!(
        as_json(&out),
        snapshot(include_str!("../../../tests/snapshots/events_btc_vix.json"))
    );
}

#[test]
fn events_request_errors_name_the_field() {
    let e = request_from_json::<EventsRequest>(r#"{"sources": {"data_dir": "x"}}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("sources.data_dir"), "{}", e.message);
    let e = request_from_json::<EventsRequest>(r#"{"sources": {"pre": -1}}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("sources.pre"), "{}", e.message);
    // A user events file that cannot be opened is an input error naming it.
    let req: EventsRequest =
        request_from_json(r#"{"sources": {"events_file": "/nonexistent/events.csv"}}"#).unwrap();
    let e = crosshedge_app::events::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("/nonexistent/events.csv: cannot open"), "{}", e.message);
}

/// `crosshedge shocks`: every default.
#[test]
fn shocks_from_json_equals_the_cli_snapshot() {
    let req: ShocksRequest = request_from_json(
        r#"{"sources": {"crypto": "btc", "stablecoins": ["ust", "usdc"]}, "tolerance": 7}"#,
    )
    .unwrap();
    assert_eq!(req, ShocksRequest::default());
    let out = crosshedge_app::shocks::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert_eq!(as_json(&out), snapshot(include_str!("../../../tests/snapshots/shocks.json")));
}

#[test]
fn shocks_request_errors_name_the_field() {
    let e = request_from_json::<ShocksRequest>(r#"{"tolerence": 7}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("tolerence"), "{}", e.message);
    let e = request_from_json::<ShocksRequest>(r#"{"from": "2020-13-01"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("from"), "{}", e.message);
}

/// `crosshedge episodes --target btc --hedge vix`: spot VIX, with its warning in the response.
#[test]
fn episodes_from_json_equals_the_cli_snapshot() {
    let req: EpisodesRequest =
        request_from_json(r#"{"pair": {"target": "btc", "hedge": "vix"}}"#).unwrap();
    let out = crosshedge_app::episodes::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert!(out.warnings[0].starts_with("spot VIX is not tradable"), "{:?}", out.warnings);
    assert_eq!(
        as_json(&out),
        snapshot(include_str!("../../../tests/snapshots/episodes_btc_vix.json"))
    );
}

/// Without a hedge the request asks for the tradable default, which on the demo store (it
/// has `vx` settlements) is the constant-maturity futures proxy.
#[test]
fn episodes_default_hedge_is_the_constant_maturity_proxy() {
    let req: EpisodesRequest = request_from_json(r#"{"pair": {"target": "btc"}}"#).unwrap();
    assert_eq!(req.pair.hedge, AUTO_HEDGE);
    let out = crosshedge_app::episodes::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert_eq!(out.meta.hedge, crosshedge_app::episodes::CM30_HEDGE);
    assert!(!out.episodes.is_empty());
}

#[test]
fn episodes_request_errors_name_the_field() {
    let e = request_from_json::<EpisodesRequest>(r#"{"pair": {"hedg": "vix"}}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("pair.hedg"), "{}", e.message);
    let e = request_from_json::<EpisodesRequest>(r#"{"catalogue": {"no_builtin": "yes"}}"#)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("catalogue.no_builtin"), "{}", e.message);
    // A catalogue file that cannot be read is an input error naming it.
    let req: EpisodesRequest = request_from_json(
        r#"{"pair": {"target": "btc", "hedge": "vix"}, "catalogue": {"file": "/nonexistent/eps.toml"}}"#,
    )
    .unwrap();
    let e = crosshedge_app::episodes::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("/nonexistent/eps.toml: cannot read"), "{}", e.message);
}
