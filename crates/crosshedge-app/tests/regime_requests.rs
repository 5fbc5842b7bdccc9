//! `regimes` and `basis` (with its regime labelings) run from requests written as JSON by hand
//! on the demo store equal the CLI's `--json` snapshots; bad values are input errors naming
//! the field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use crosshedge_app::basis::BasisRequest;
use crosshedge_app::json::request_from_json;
use crosshedge_app::labeling::RegimeSource;
use crosshedge_app::regimes::{RegimeModel, RegimesRequest};
use crosshedge_app::{ErrorKind, Silent, Workspace, WorkspaceConfig};

/// `value` as the snapshot test writes it: printed, parsed and pretty-printed.
fn snapshot_text(value: &impl serde::Serialize) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap();
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

fn regimes(json: &str) -> String {
    let req: RegimesRequest = request_from_json(json).unwrap();
    let out = crosshedge_app::regimes::run(&common::demo_workspace(), &req, &Silent).unwrap();
    snapshot_text(&out)
}

fn basis_on(ws: &Workspace, json: &str) -> String {
    let req: BasisRequest = request_from_json(json).unwrap();
    let out = crosshedge_app::basis::run(ws, &req, &Silent).unwrap();
    snapshot_text(&out)
}

/// `regimes --model bands`.
#[test]
fn regimes_bands_from_json_equals_the_cli_snapshot() {
    assert_eq!(
        regimes(r#"{"series": "vix", "model": "bands"}"#),
        include_str!("../../../tests/snapshots/regimes_bands.json")
    );
}

/// `regimes --model markov2` (6 starts, seed 42: the defaults).
#[test]
fn regimes_markov2_from_json_equals_the_cli_snapshot() {
    assert_eq!(
        regimes(r#"{"model": "markov2", "starts": 6, "seed": 42}"#),
        include_str!("../../../tests/snapshots/regimes_markov2.json")
    );
}

/// `basis --target btc --hedge vix --bootstrap 100 --seed 9` (VIX bands, the default).
#[test]
fn basis_vix_bands_from_json_equals_the_cli_snapshot() {
    let req: BasisRequest = request_from_json("{}").unwrap();
    assert_eq!(req.regimes, RegimeSource::VixBands);
    assert_eq!(
        basis_on(
            &common::demo_workspace(),
            r#"{"pair": {"target": "btc", "hedge": "vix"}, "bootstrap": 100, "seed": 9}"#
        ),
        include_str!("../../../tests/snapshots/basis_btc_vix.json")
    );
}

/// `basis --target btc --hedge spx --regimes markov2 --bootstrap 50`.
#[test]
fn basis_markov2_from_json_equals_the_cli_snapshot() {
    assert_eq!(
        basis_on(
            &common::demo_workspace(),
            r#"{"pair": {"target": "btc", "hedge": "spx"}, "regimes": "markov2", "bootstrap": 50}"#
        ),
        include_str!("../../../tests/snapshots/basis_btc_spx_markov2.json")
    );
}

/// `basis --regimes shocks` and `--regimes events`; the CLI snapshot runs where its events
/// data directory (`../shared/data` of a temporary directory) does not exist, so only the
/// built-in FOMC schedule is used: the workspace's data directory is one that does not exist.
#[test]
fn basis_shocks_and_events_from_json_equal_the_cli_snapshots() {
    assert_eq!(
        basis_on(
            &common::demo_workspace(),
            r#"{"pair": {"target": "btc", "hedge": "vix"}, "regimes": "shocks", "bootstrap": 50}"#
        ),
        include_str!("../../../tests/snapshots/basis_btc_vix_shocks.json")
    );
    let ws = Workspace::new(WorkspaceConfig {
        store: common::demo_store(),
        data_dir: common::demo_dir().join("no-such-dir"),
    });
    assert_eq!(
        basis_on(
            &ws,
            r#"{"pair": {"target": "btc", "hedge": "vix"}, "regimes": "events",
                "event_sources": {"pre": 1, "post": 1}, "bootstrap": 50}"#
        ),
        include_str!("../../../tests/snapshots/basis_btc_vix_events.json")
    );
}

#[test]
fn regime_requests_errors_name_the_field() {
    let e = request_from_json::<BasisRequest>(r#"{"regimes": "bogus"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("regimes"), "{}", e.message);
    let e = request_from_json::<BasisRequest>(r#"{"bootstraps": 10}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("bootstraps"), "{}", e.message);
    let e = request_from_json::<RegimesRequest>(r#"{"model": "markov4"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("model"), "{}", e.message);
    assert_eq!(RegimesRequest::default().model, RegimeModel::Markov2);
    // The bivariate model needs a target and a hedge.
    let req: RegimesRequest = request_from_json(r#"{"model": "bivariate"}"#).unwrap();
    let e = crosshedge_app::regimes::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "--model bivariate needs --target and --hedge");
}
