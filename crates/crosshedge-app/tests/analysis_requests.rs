//! Analysis jobs (engineer A's area) run from requests written as JSON by hand on the demo
//! store, serialised back; unknown fields and bad values are input errors naming the field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use crosshedge_app::json::request_from_json;
use crosshedge_app::lags::LagsRequest;
use crosshedge_app::{ErrorKind, Silent};

#[test]
fn lags_from_json_runs_on_the_demo_store() {
    let req: LagsRequest = request_from_json(
        r#"{"pair": {"target": "btc", "hedge": "vix", "align": "us-close"}, "max_lag": 3}"#,
    )
    .unwrap();
    assert_eq!(req.pair.returns, LagsRequest::default().pair.returns);
    let out = crosshedge_app::lags::run(&common::demo_workspace(), &req, &Silent).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["target"], "btc");
    assert_eq!(v["ccf"]["lags"].as_array().unwrap().len(), 7);
    assert!(v["beta_synchronous"].is_f64());
}

#[test]
fn lags_request_errors_name_the_field() {
    let e = request_from_json::<LagsRequest>(r#"{"max_lags": 3}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("max_lags"), "{}", e.message);
    let e = request_from_json::<LagsRequest>(r#"{"pair": {"align": "sideways"}}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("pair.align"), "{}", e.message);
}

/// The `signals` snapshot of the CLI (`tests/snapshots/signals.json`, same seed-3 demo store),
/// as the JSON text the snapshot test writes (parsed and pretty-printed).
#[test]
fn signals_from_json_equals_the_cli_snapshot() {
    let req: crosshedge_app::signals::SignalsRequest =
        request_from_json(r#"{"series": "vix", "horizon": 20}"#).unwrap();
    let out = crosshedge_app::signals::run(&common::demo_workspace(), &req, &Silent).unwrap();
    let got: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&out).unwrap()).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/snapshots/signals.json")).unwrap();
    assert_eq!(got, want);
    let e = request_from_json::<crosshedge_app::signals::SignalsRequest>(r#"{"horizon": -1}"#)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("horizon"), "{}", e.message);
}

/// `dcc` from a JSON request equals the CLI's `dcc_btc_vix` snapshot; `student-t` is read as
/// `t`; a bad `dist` names the field.
#[test]
fn dcc_from_json_equals_the_cli_snapshot() {
    use crosshedge_app::dcc::{DccDist, DccRequest};
    let req: DccRequest =
        request_from_json(r#"{"pair": {"target": "btc", "hedge": "vix"}, "dist": "normal"}"#)
            .unwrap();
    let out = crosshedge_app::dcc::run(&common::demo_workspace(), &req, &Silent).unwrap();
    let got: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&out).unwrap()).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/snapshots/dcc_btc_vix.json")).unwrap();
    assert_eq!(got, want);
    let t: DccRequest = request_from_json(r#"{"dist": "student-t"}"#).unwrap();
    assert_eq!(t.dist, DccDist::T);
    let e = request_from_json::<DccRequest>(r#"{"dist": "cauchy"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("dist"), "{}", e.message);
}
