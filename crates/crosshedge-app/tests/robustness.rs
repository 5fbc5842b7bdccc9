//! Issue 15, the command-level cases: nothing a user types loses their data (demo and export
//! never overwrite a store), absurd inputs are one-line input errors (a book value of 1e308, a
//! misspelt signal trigger, `--expiry-days 1e7`, 10,000 threads), and no `--json` holds NaN,
//! Infinity or a null where the same key is a number elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod common;

use std::path::{Path, PathBuf};

use crosshedge_app::demo::{self, DemoRequest};
use crosshedge_app::export::{self, ExportRequest};
use crosshedge_app::json::request_from_json;
use crosshedge_app::measure::BookSource;
use crosshedge_app::price::option;
use crosshedge_app::stress::{self, StressRequest};
use crosshedge_app::{ErrorKind, Silent, Workspace, WorkspaceConfig};
use serde_json::Value;

#[test]
fn demo_out_dot_does_not_replace_an_existing_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("crosshedge.db");
    std::fs::write(&store, b"a user's real store").unwrap();
    let req = DemoRequest { out: dir.path().to_path_buf(), ..DemoRequest::default() };
    let e = demo::run(dir.path(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("already exists") && e.message.contains("--force"), "{e}");
    assert!(!e.message.contains('\n'));
    assert_eq!(std::fs::read(&store).unwrap(), b"a user's real store");
    // Nothing else was written either.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // With --force the target may be replaced.
    let forced = DemoRequest { force: true, ..req };
    assert_eq!(demo::check_target(&forced).unwrap(), store);
}

#[test]
fn demo_refuses_a_store_it_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo-out");
    let req = DemoRequest {
        out: out.clone(),
        store: Some(dir.path().join("mine.db")),
        ..DemoRequest::default()
    };
    let e = demo::run(dir.path(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("--store") && e.message.contains("--out"), "{e}");
    assert!(!out.exists());
    // The demo's own store path, however spelt, is accepted.
    let same = DemoRequest {
        out: out.clone(),
        store: Some(out.join(".").join("crosshedge.db")),
        ..DemoRequest::default()
    };
    assert!(demo::check_target(&same).is_ok());
    // Unknown request fields are still refused.
    let e = request_from_json::<DemoRequest>(r#"{"forse": true}"#).unwrap_err();
    assert!(e.message.contains("forse"), "{e}");
}

fn sha(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn export_never_overwrites_the_store() {
    let ws = common::demo_workspace();
    let store = common::demo_store();
    let before = sha(&store);
    let req = |out: PathBuf, force: bool| ExportRequest {
        names: vec!["vix".into(), "btc".into()],
        out,
        force,
        ..ExportRequest::default()
    };
    // The store itself, even with --force, and even spelt another way.
    for force in [false, true] {
        let e = export::run(&ws, &req(store.clone(), force), &Silent).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
        assert!(e.message.contains("is the store"), "{e}");
        let dotted = store.parent().unwrap().join(".").join("crosshedge.db");
        assert!(export::run(&ws, &req(dotted, force), &Silent).is_err());
    }
    assert_eq!(sha(&store), before);
    // Any other SQLite file.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.sqlite");
    std::fs::write(&other, b"SQLite format 3\0 and the rest of a database").unwrap();
    let e = export::run(&ws, &req(other.clone(), true), &Silent).unwrap_err();
    assert!(e.message.contains("SQLite"), "{e}");
    assert!(sha(&other).starts_with(b"SQLite format 3\0"));
}

#[test]
fn export_does_not_overwrite_an_existing_file_without_force() {
    let ws = common::demo_workspace();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("panel.csv");
    std::fs::write(&out, "precious").unwrap();
    let mut req = ExportRequest {
        names: vec!["vix".into(), "btc".into()],
        out: out.clone(),
        ..ExportRequest::default()
    };
    let e = export::run(&ws, &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("already exists") && e.message.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    req.force = true;
    let r = export::run(&ws, &req, &Silent).unwrap();
    assert!(r.rows > 0);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("date,"));
}

const BIG_BOOK: &str = r#"name = "big"
budget = 0.03

[[exposure]]
kind = "btc-spot"
value = 1e308

[[layer]]
name = "calls"
instrument = "vix-call-spread"
tenor-days = 30
strike = { rule = "moneyness", long = 1.1, short = 1.6 }
sizing = { rule = "hedge-ratio", regime = "stress", weight = 0.6 }
"#;

#[test]
fn book_value_1e308_is_an_input_error_with_line_and_column() {
    let e = BookSource::Toml(BIG_BOOK.into()).load().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("line 6, column 9"), "{e}");
    assert!(e.message.contains("value") && e.message.contains("1e308"), "{e}");
    assert!(e.message.len() < 200, "{e}");
    // The stress test (which panicked) refuses it the same way.
    let mut req = StressRequest { paths: 100, ..StressRequest::default() };
    req.measure.book = BookSource::Toml(BIG_BOOK.into());
    let e = stress::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    // A large but sane book still runs.
    let sane = BIG_BOOK.replace("1e308", "1e15");
    assert!(BookSource::Toml(sane).load().is_ok());
}

#[test]
fn misspelt_signal_trigger_is_an_input_error() {
    let text =
        BIG_BOOK.replace("1e308", "1e6") + "trigger = { kind = \"signal\", name = \"macdd\" }\n";
    let e = BookSource::Toml(text).load().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("line 14, column 37"), "{e}");
    assert!(e.message.contains("'macdd'") && e.message.contains("vix-signal"), "{e}");
    // Every signal the backtest replays and every VIX signal event is a valid trigger.
    let names = crosshedge_hedging::book::SIGNAL_NAMES;
    for s in crosshedge_backtest::book::REPLAYED_SIGNALS {
        assert!(names.contains(&s), "{s}");
    }
    for k in crosshedge_labels::signals::SignalKind::ALL {
        assert!(names.contains(&k.as_str()), "{}", k.as_str());
    }
    let ok = BIG_BOOK.replace("1e308", "1e6") + "trigger = { kind = \"signal\", name = \"rsi\" }\n";
    assert!(BookSource::Toml(ok).load().is_ok());
}

#[test]
fn price_option_expiry_days_1e7_is_an_input_error() {
    let ws = Workspace::new(WorkspaceConfig {
        store: PathBuf::from("none.db"),
        data_dir: PathBuf::from("."),
    });
    let req: option::OptionRequest = request_from_json(
        r#"{"kind": "call", "spot": 5000, "strike": 5100, "expiry": {"expiry_days": 1e7},
            "vol": 0.18, "rate": 0.045}"#,
    )
    .unwrap();
    let e = option::run(&ws, &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("--expiry-days"), "{e}");
    // Within the bound, an overflowing forward is refused rather than printed as NaN.
    let req: option::OptionRequest = request_from_json(
        r#"{"kind": "call", "spot": 5000, "strike": 5100, "expiry": {"expiry_days": 36500},
            "vol": 0.18, "rate": 50, "div_yield": 0}"#,
    )
    .unwrap();
    match option::run(&ws, &req, &Silent) {
        Err(e) => assert_eq!(e.kind, ErrorKind::Input, "{e}"),
        Ok(out) => {
            let v = serde_json::to_value(&out).unwrap();
            assert!(v["price"].is_number() && v["forward"].is_number(), "{v}");
        }
    }
}

#[test]
fn stress_threads_above_the_bound_is_an_input_error() {
    let req = StressRequest { threads: Some(10_000), ..StressRequest::default() };
    let e = stress::run(&common::demo_workspace(), &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{e}");
    assert!(e.message.contains("--threads") && e.message.contains("256"), "{e}");
    assert!(stress::check_threads(Some(stress::MAX_THREADS)).is_ok());
    assert!(stress::check_threads(None).is_ok());
}

/// Keys that are `Option` numbers in the responses: `null` means "not defined for this input"
/// (documented on each field: too few events for a hit rate, no carry series, a spot option
/// without a forward, ...). Any other key that is a number somewhere and null elsewhere is a
/// NaN or an infinity that serde wrote as null.
const OPTIONAL_NUMBERS: &[&str] = &[
    "block_length",
    "carry",
    "carry_share_per_year_history",
    "ci95",
    "correlation",
    // tournament: no cover where the target did not lose, no band when too few resamples
    // lose, no reduction when the unhedged tail is not a loss, no XIRR when none exists.
    "cover",
    "cover_1_in_20",
    "cover_high",
    "cover_low",
    "cover_per_unit_carry",
    "es99_reduction",
    // claims: measured value and interval not identified on the data.
    "high",
    "low",
    "mean_cover",
    "slippage_1_in_20",
    "target",
    "value",
    "var99_reduction",
    "xirr",
    "decorrelation_factor",
    "div_yield_ann",
    "dividend_rho",
    "first_detection_offset_days",
    "hac_lags",
    "hedge_ratios",
    "hit_rate",
    "market_price",
    "mean_lead_days",
    "median_lead_days",
    "rate",
    "share_offset",
    "strikes",
    "uncovered_share_of_loss",
];

fn walk(
    v: &Value,
    key: Option<&str>,
    file: &str,
    numbers: &mut std::collections::BTreeMap<String, String>,
    nulls: &mut std::collections::BTreeMap<String, String>,
    bad: &mut Vec<String>,
) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                walk(x, Some(k), file, numbers, nulls, bad);
            }
        }
        Value::Array(a) => {
            for x in a {
                walk(x, key, file, numbers, nulls, bad);
            }
        }
        Value::Null => {
            if let Some(k) = key {
                nulls.entry(k.to_string()).or_insert_with(|| file.to_string());
            }
        }
        Value::Number(_) => {
            if let Some(k) = key {
                numbers.entry(k.to_string()).or_insert_with(|| file.to_string());
            }
        }
        Value::String(s) => {
            let l = s.to_ascii_lowercase();
            if ["nan", "inf", "-inf", "infinity", "-infinity"].contains(&l.as_str()) {
                bad.push(format!("{file}: {key:?} = {s}"));
            }
        }
        Value::Bool(_) => {}
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn json_outputs_hold_no_nan_infinity_or_null_for_number() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/snapshots");
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(files.len() > 20, "{} snapshots", files.len());
    let (mut numbers, mut nulls, mut bad) = Default::default();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for word in ["NaN", "Infinity"] {
            assert!(!text.contains(&format!(": {word}")), "{}: {word}", f.display());
        }
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", f.display()));
        walk(&v, None, &f.display().to_string(), &mut numbers, &mut nulls, &mut bad);
    }
    assert!(bad.is_empty(), "{bad:?}");
    let suspicious: Vec<String> = nulls
        .iter()
        .filter(|(k, _)| numbers.contains_key(*k) && !OPTIONAL_NUMBERS.contains(&k.as_str()))
        .map(|(k, f)| format!("{k} (null in {f}, a number in {})", numbers[k]))
        .collect();
    assert!(suspicious.is_empty(), "null where the key is a number elsewhere: {suspicious:?}");
}

#[test]
fn report_with_one_unusable_target_is_written_with_a_note() {
    use crosshedge_app::report::{self, ReportRequest};
    let dir = tempfile::tempdir().unwrap();
    let req = ReportRequest {
        out: dir.path().join("rep"),
        targets: vec!["btc".into(), "vix".into()],
        bootstrap: 50,
        paths: 2000,
        ..ReportRequest::default()
    };
    let w = report::run(&common::demo_workspace(), &req, &Silent).unwrap();
    assert_eq!(w.notes.len(), 1, "{:?}", w.notes);
    assert!(w.notes[0].starts_with("target vix left out: basis of vix:"), "{:?}", w.notes);
    let html = std::fs::read_to_string(dir.path().join("rep/report.html")).unwrap();
    assert!(html.contains("target vix left out"), "the page does not say what was left out");
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("rep"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["analysis.json", "report.html", "report.json"], "temporary files left");
    // With no usable target at all the report is refused with the target's error.
    let none = ReportRequest { targets: vec!["vix".into()], ..req };
    let e = report::run(&common::demo_workspace(), &none, &Silent).unwrap_err();
    assert!(e.message.contains("basis of vix"), "{e}");
}
