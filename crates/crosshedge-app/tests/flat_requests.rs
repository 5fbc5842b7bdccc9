//! Every request can be given flat (the CLI's flag names in snake_case, as the server's bodies
//! and Python's keywords are): its flat names are unambiguous, and a flat body gives the same
//! request as the nested JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_app::backtest::BacktestRequest;
use crosshedge_app::basis::BasisRequest;
use crosshedge_app::flat::FlatRequest;
use crosshedge_app::json::request_from_value;
use crosshedge_app::stress::StressRequest;
use serde_json::json;

fn names<T: FlatRequest>() -> Vec<String> {
    T::flat_defaults().unwrap().keys().cloned().collect()
}

#[test]
fn every_request_has_unambiguous_flat_names() {
    use crosshedge_app::*;
    let all = [
        names::<basis::BasisRequest>(),
        names::<lags::LagsRequest>(),
        names::<episodes::EpisodesRequest>(),
        names::<events::EventsRequest>(),
        names::<shocks::ShocksRequest>(),
        names::<signals::SignalsRequest>(),
        names::<regimes::RegimesRequest>(),
        names::<dcc::DccRequest>(),
        names::<hedge::HedgeRequest>(),
        names::<stress::StressRequest>(),
        names::<backtest::BacktestRequest>(),
        names::<report::ReportRequest>(),
        names::<demo::DemoRequest>(),
        names::<export::ExportRequest>(),
        names::<price::option::OptionRequest>(),
        names::<price::structure::StructureRequest>(),
        names::<price::curve::CurveRequest>(),
        names::<price::perp::PerpRequest>(),
        names::<price::lp::LpRequest>(),
        names::<price::parity::ParityRequest>(),
    ];
    for n in &all {
        assert!(!n.is_empty());
    }
    // The CLI's flag names, e.g. `basis --target --hedge --align --bootstrap --regimes`.
    let basis = &all[0];
    for flag in ["target", "hedge", "align", "returns", "from", "to", "vix", "regimes", "bootstrap"]
    {
        assert!(basis.iter().any(|n| n == flag), "basis lacks `{flag}`: {basis:?}");
    }
    assert!(all[10].iter().any(|n| n == "catalogue"), "backtest --catalogue");
    assert!(all[10].iter().any(|n| n == "no_builtin"), "backtest --no-builtin");
}

#[test]
fn a_flat_body_is_the_nested_request() {
    let flat: BasisRequest = BasisRequest::from_flat(&json!({
        "target": "btc", "hedge": "vix", "align": "weekly", "bootstrap": 200, "seed": 1,
        "regimes": "shocks", "stablecoins": ["usdc"]
    }))
    .unwrap();
    let nested: BasisRequest = request_from_value(json!({
        "pair": {"target": "btc", "hedge": "vix", "align": "weekly"},
        "bootstrap": 200, "seed": 1, "regimes": "shocks",
        "shock_sources": {"stablecoins": ["usdc"]}
    }))
    .unwrap();
    assert_eq!(flat, nested);
    let s = StressRequest::from_flat(&json!({"book": "default", "paths": 2000, "seed": 4,
        "crypto": ["btc", "eth", "nft"], "drift": "fitted"}))
    .unwrap();
    assert_eq!(s.paths, 2000);
    assert_eq!(s.measure.crypto, ["btc", "eth", "nft"]);
    let b =
        BacktestRequest::from_flat(&json!({"catalogue": "eps.toml", "no_builtin": true})).unwrap();
    assert_eq!(b.catalogue.file.as_deref(), Some(std::path::Path::new("eps.toml")));
    assert!(b.catalogue.no_builtin);
}

#[test]
fn bad_flat_fields_are_input_errors_naming_them_as_given() {
    let e = BasisRequest::from_flat(&json!({"target": "btc", "allign": "weekly"})).unwrap_err();
    assert_eq!(e.kind, crosshedge_app::ErrorKind::Input);
    assert!(e.message.contains("unknown field `allign`"), "{}", e.message);
    let e = BasisRequest::from_flat(&json!({"align": "daily"})).unwrap_err();
    assert!(e.message.starts_with("request field `align`:"), "{}", e.message);
    let e = StressRequest::from_flat(&json!({"paths": -3})).unwrap_err();
    assert!(e.message.starts_with("request field `paths`:"), "{}", e.message);
}
