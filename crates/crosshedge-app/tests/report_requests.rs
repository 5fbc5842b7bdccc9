//! `report` and `demo` from requests written as JSON by hand: the report's `analysis.json`
//! equals the CLI's snapshot, one report on one workspace loads each series once, aligns each
//! pair once and measures the book once, and the demo's own part equals its snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use crosshedge_app::backtest::BacktestRequest;
use crosshedge_app::basis::BasisRequest;
use crosshedge_app::demo::DemoRequest;
use crosshedge_app::episodes::{EpisodesRequest, AUTO_HEDGE};
use crosshedge_app::json::request_from_json;
use crosshedge_app::pair::PairRequest;
use crosshedge_app::report::ReportRequest;
use crosshedge_app::stress::StressRequest;
use crosshedge_app::{ErrorKind, Silent};
use serde_json::Value;

/// The JSON text `out` parsed back (key order is the snapshot's sorted order).
fn as_json(out: &impl serde::Serialize) -> Value {
    serde_json::from_str(&serde_json::to_string(out).unwrap()).unwrap()
}

fn report_request(out: &std::path::Path) -> ReportRequest {
    let text = format!(
        r#"{{"out": {:?}, "bootstrap": 50, "paths": 2000, "seed": 5,
            "generated_at": "2026-12-02T12:00:00Z"}}"#,
        out.to_str().unwrap()
    );
    request_from_json(&text).unwrap()
}

/// `crosshedge report --out rep --bootstrap 50 --paths 2000 --seed 5` on the seed-3 demo store.
#[test]
fn a_report_request_written_by_hand_gives_the_cli_analysis() {
    let tmp = tempfile::tempdir().unwrap();
    let req = report_request(&tmp.path().join("rep"));
    let w = crosshedge_app::report::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert!(w.notes.is_empty(), "{:?}", w.notes);
    // The snapshot test's own transformation: parsed, pretty-printed, compared as text.
    let analysis: Value =
        serde_json::from_str(&std::fs::read_to_string(&w.analysis).unwrap()).unwrap();
    let text = serde_json::to_string_pretty(&analysis).unwrap() + "\n";
    assert!(
        text == include_str!("../../../tests/snapshots/report_analysis.json"),
        "analysis.json differs from tests/snapshots/report_analysis.json"
    );
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&w.json).unwrap()).unwrap();
    assert_eq!(input["header"]["generated_at"], "2026-12-02T12:00:00Z");
    assert!(std::fs::read_to_string(&w.html).unwrap().contains("<html"));
}

/// Compute once: the report's jobs share one workspace, so every series is read from the
/// store once, every pair aligned once and the book measured once; the same jobs each on a
/// workspace of its own read the store many more times and measure the book twice.
#[test]
fn one_report_loads_each_series_once_and_measures_the_book_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = common::demo_workspace();
    crosshedge_app::report::run(&ws, &report_request(&tmp.path().join("rep")), &Silent).unwrap();
    assert_eq!(
        ws.computations("measure"),
        2,
        "stress, backtest and claims share one measurement of the book; the tournament's candidates one of its target"
    );
    // btc, eth and nft against vix (the rolling-correlation chart reuses btc/vix).
    assert_eq!(ws.computations("pair"), 3);
    let shared = ws.store_loads();

    // The same analyses, each on a workspace of its own (what the binary did before).
    let mut separate = 0;
    let fresh = || common::demo_workspace();
    for t in ["btc", "eth", "nft"] {
        let w = fresh();
        let b = BasisRequest {
            pair: PairRequest::new(t, "vix"),
            bootstrap: 50,
            seed: 5,
            ..BasisRequest::default()
        };
        crosshedge_app::basis::run(&w, &b, &Silent).unwrap();
        separate += w.store_loads();
    }
    let w = fresh();
    let e = EpisodesRequest { pair: PairRequest::new("btc", AUTO_HEDGE), ..Default::default() };
    crosshedge_app::episodes::run(&w, &e, &Silent).unwrap();
    separate += w.store_loads();
    let w = fresh();
    let s = StressRequest { paths: 2000, seed: 5, ..StressRequest::default() };
    crosshedge_app::stress::run(&w, &s, &Silent).unwrap();
    separate += w.store_loads();
    let w = fresh();
    crosshedge_app::backtest::run(&w, &BacktestRequest::default(), &Silent).unwrap();
    separate += w.store_loads();
    println!("store reads: {shared} on one workspace, {separate} on a workspace per job");
    assert!(
        shared < separate,
        "one workspace read the store {shared} times, separate ones {separate} times"
    );
    // Each (series, range) is read once: a second report on the same workspace reads nothing.
    crosshedge_app::report::run(&ws, &report_request(&tmp.path().join("rep2")), &Silent).unwrap();
    assert_eq!(ws.store_loads(), shared);
    assert_eq!(ws.computations("measure"), 2);
}

#[test]
fn report_request_errors_name_the_field() {
    let e = request_from_json::<ReportRequest>(r#"{"paths": "many"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("paths"), "{}", e.message);
    let e = request_from_json::<ReportRequest>(r#"{"catalogue": {"fiel": "x.toml"}}"#).unwrap_err();
    assert!(e.message.contains("catalogue.fiel"), "{}", e.message);
    let e = request_from_json::<ReportRequest>(r#"{"generated_at": "yesterday"}"#).unwrap_err();
    assert!(e.message.contains("generated_at"), "{}", e.message);
    // No target in the store: an input error, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let req = ReportRequest {
        out: tmp.path().join("rep"),
        targets: vec!["doge".into()],
        ..ReportRequest::default()
    };
    let e = crosshedge_app::report::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.message, "none of the targets doge is in the store");
    assert!(!tmp.path().join("rep").exists());
}

/// `crosshedge demo --seed 3`: the demo's own part of its JSON (the market's summary and the
/// current regime) equals the snapshot; the analyses are the report's, checked above.
#[test]
fn a_demo_request_written_by_hand_gives_the_cli_summary_and_regime() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"out": {:?}, "seed": 3, "bootstrap": 50, "stress_paths": 500,
            "generated_at": "2026-12-02T12:00:00Z"}}"#,
        tmp.path().join("out").to_str().unwrap()
    );
    let req: DemoRequest = request_from_json(&text).unwrap();
    let data = tmp.path().join("no-data");
    let out = crosshedge_app::demo::run(&data, &req, &Silent).unwrap();
    let got = as_json(&out);
    let want: Value =
        serde_json::from_str(include_str!("../../../tests/snapshots/demo.json")).unwrap();
    assert_eq!(got["summary"], want["summary"]);
    assert_eq!(got["regime"], want["regime"]);
    assert_eq!(got["basis"].as_array().unwrap().len(), 2);
    assert!(std::path::Path::new(&out.report.html).exists());
    let e = request_from_json::<DemoRequest>(r#"{"stress_path": 10}"#).unwrap_err();
    assert!(e.message.contains("stress_path"), "{}", e.message);
}
