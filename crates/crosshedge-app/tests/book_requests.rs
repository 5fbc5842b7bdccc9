//! The book's jobs (`measure`, `hedge`, `stress`) as requests written by hand: run on the demo
//! store, serialised back and compared with the CLI's JSON snapshots; input errors name the
//! field; a stress run stops when its progress is cancelled.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod common;

use crosshedge_app::hedge::{self, HedgeRequest};
use crosshedge_app::json::request_from_json;
use crosshedge_app::measure::{measure, BookSource, MeasureRequest};
use crosshedge_app::progress::Counter;
use crosshedge_app::stress::{self, StressRequest};
use crosshedge_app::{ErrorKind, Silent};
use serde_json::Value;

/// Asserts that `got` serialises to the snapshot `name`: the same keys, strings and structure,
/// numbers equal to 1e-12 relative (the app's test build may round the last bit of a sum
/// differently from the binary's build; the CLI's snapshot test checks the bytes).
fn assert_matches_snapshot<T: serde::Serialize>(got: &T, name: &str) {
    let got: Value = serde_json::to_value(got).unwrap();
    let want: Value = serde_json::from_str(&common::snapshot_text(name)).unwrap();
    if let Err(at) = common::close(&got, &want, "") {
        panic!("{name}: differs from the snapshot at {at}");
    }
}

#[test]
fn a_hedge_request_written_by_hand_gives_the_cli_json() {
    let ws = common::demo_workspace();
    let req: HedgeRequest = request_from_json(
        r#"{"measure": {"book": "default", "crypto": ["btc", "eth", "nft"], "rate": 0.04}}"#,
    )
    .unwrap();
    assert_eq!(req, HedgeRequest::default());
    let out = hedge::run(&ws, &req, &Silent).unwrap();
    assert_matches_snapshot(&out, "hedge_default");
    // The request serialises back to itself.
    let back: HedgeRequest = request_from_json(&serde_json::to_string(&req).unwrap()).unwrap();
    assert_eq!(back, req);
}

#[test]
fn stress_requests_written_by_hand_give_the_cli_json() {
    let ws = common::demo_workspace();
    for (text, name) in [
        (r#"{"paths": 2000, "seed": 4}"#, "stress_default"),
        (r#"{"paths": 1000, "scenario": "covid-crash-2020"}"#, "stress_replay_covid"),
        (r#"{"scenario": "VIX +60%, NFT -70% over 10 days"}"#, "stress_user_shock"),
    ] {
        let req: StressRequest = request_from_json(text).unwrap();
        let out = stress::run(&ws, &req, &Silent).unwrap();
        assert_matches_snapshot(&out, name);
        let back: StressRequest = request_from_json(&serde_json::to_string(&req).unwrap()).unwrap();
        assert_eq!(back, req);
    }
}

#[test]
fn a_book_given_as_toml_text_is_the_same_book() {
    let ws = common::demo_workspace();
    let text = toml::to_string(&crosshedge_hedging::Book::default_layered()).unwrap();
    let req = HedgeRequest {
        measure: MeasureRequest { book: BookSource::Toml(text), ..MeasureRequest::default() },
    };
    let out = hedge::run(&ws, &req, &Silent).unwrap();
    assert_matches_snapshot(&out, "hedge_default");
}

/// The demo market end to end: the measured inputs, the fitted Monte Carlo on 1 and 2 threads
/// (identical), the fitted model in the JSON.
#[test]
fn stress_on_the_demo_store_does_not_depend_on_the_threads() {
    let ws = common::demo_workspace();
    let req = |threads: Option<usize>| StressRequest {
        measure: MeasureRequest { signals: vec!["vix-signal".into()], ..MeasureRequest::default() },
        paths: 3_000,
        horizon: 10,
        seed: 5,
        threads,
        ..StressRequest::default()
    };
    let m = measure(&ws, &req(None).measure).unwrap();
    let i = &m.inputs;
    assert!(i.hedge_ratio_stress < 0.0, "BTC falls when the VIX rises in stress");
    assert!((i.decorrelation_factor - i.hedge_ratio_stress / i.hedge_ratio_calm).abs() < 1e-12);
    assert!(m.meta.rows_per_band.iter().all(|n| *n > 30));
    assert_eq!(i.spx_div_yield, crosshedge_app::measure::DEFAULT_SPX_DIV_YIELD);

    let one = serde_json::to_value(stress::run(&ws, &req(Some(1)), &Silent).unwrap()).unwrap();
    let two = serde_json::to_value(stress::run(&ws, &req(Some(2)), &Silent).unwrap()).unwrap();
    assert_eq!(one, two);
    assert_eq!(one["report"]["paths"], 3_000);
    let jm = &one["joint_model"];
    assert_eq!(jm["mixing_cap"], crosshedge_simulation::MIXING_CAP);
    assert_eq!(jm["transition"].as_array().unwrap().len(), 3);
    for r in jm["regimes"].as_array().unwrap() {
        assert_eq!(r["mean"], r["zero_drift_mean"], "zero drift: {r}");
    }
}

#[test]
fn cancelling_a_stress_run_stops_it_within_one_block() {
    let ws = common::demo_workspace();
    let block = crosshedge_simulation::StressConfig::default().block_size as u64;
    for threads in [1, 2] {
        let req =
            StressRequest { paths: 10 * block, threads: Some(threads), ..StressRequest::default() };
        let progress = Counter::cancelling_after(1);
        let e = stress::run(&ws, &req, &progress).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
        assert_eq!(progress.total(), 10 * block);
        // The block that tripped the budget, plus at most one running on each other thread.
        assert!(progress.done() <= threads as u64 * block, "{} paths done", progress.done());
    }
    // Cancelled before it starts: nothing is measured.
    let progress = Counter::new();
    progress.cancel();
    let e = hedge::run(&ws, &HedgeRequest::default(), &progress).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
}

fn rejected<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str, field: &str) {
    let e = request_from_json::<T>(text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains(field), "{text}: {}", e.message);
}

#[test]
fn unknown_fields_and_bad_values_are_input_errors_naming_the_field() {
    rejected::<HedgeRequest>(r#"{"measure": {"boook": "default"}}"#, "boook");
    rejected::<HedgeRequest>(r#"{"measur": {}}"#, "measur");
    rejected::<HedgeRequest>(r#"{"measure": {"book": {"url": "x"}}}"#, "measure.book");
    rejected::<HedgeRequest>(r#"{"measure": {"as_of": "2020-13-01"}}"#, "measure.as_of");
    rejected::<StressRequest>(r#"{"model": "garch"}"#, "model");
    rejected::<StressRequest>(r#"{"drift": "up"}"#, "drift");
    rejected::<StressRequest>(r#"{"paths": -1}"#, "paths");
    rejected::<StressRequest>(r#"{"measure": {"move_days": "a month"}}"#, "measure.move_days");
}

#[test]
fn bad_values_the_jobs_check_are_input_errors() {
    let ws = common::demo_workspace();
    let two =
        MeasureRequest { crypto: vec!["btc".into(), "eth".into()], ..MeasureRequest::default() };
    let e = measure(&ws, &two).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("--crypto needs three series"), "{e}");
    let bad_book =
        MeasureRequest { book: BookSource::Toml("name = 3".into()), ..MeasureRequest::default() };
    assert_eq!(measure(&ws, &bad_book).unwrap_err().kind, ErrorKind::Input);
    let missing = MeasureRequest {
        book: BookSource::Path("no/such/book.toml".into()),
        ..MeasureRequest::default()
    };
    let e = measure(&ws, &missing).unwrap_err();
    assert!(e.kind == ErrorKind::Input && e.message.contains("reading book"), "{e}");
    let shock =
        StressRequest { scenario: Some("VIX +60%, DOGE -1%".into()), ..StressRequest::default() };
    let e = stress::run(&ws, &shock, &Silent).unwrap_err();
    assert!(e.kind == ErrorKind::Input && e.message.contains("--scenario"), "{e}");
}
