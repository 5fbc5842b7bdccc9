//! The store's jobs (`import`, `series`, `export`) driven by requests written as JSON by hand,
//! on a temporary store built by importing small CSV files: each request is deserialised,
//! run and its response serialised back; unknown fields and bad values are input errors
//! naming the field.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crosshedge_app::export::{ExportRequest, ExportResponse};
use crosshedge_app::import::ImportRequest;
use crosshedge_app::json::request_from_json;
use crosshedge_app::series::{SeriesAction, SeriesRequest};
use crosshedge_app::{ErrorKind, Silent, Workspace};
use serde_json::{json, Value};

const AT: &str = "2026-01-01T00:00:00Z";

/// A temporary directory with `ok.csv` (US), `btc.csv` (crypto) and `vx.csv` (futures), and
/// a workspace on `s.db` inside it.
fn fixture() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    w("ok.csv", "date,close\n2024-01-02,10\n2024-01-03,11\n2024-01-04,12\n");
    w("btc.csv", "date,close\n2024-01-02,100\n2024-01-03,110\n2024-01-04,121\n");
    w("vx.csv", "date,expiry,settle\n2024-01-02,2024-01-17,13.5\n2024-01-02,2024-02-14,14.6\n");
    let ws = Workspace::at(dir.path().join("s.db"));
    (dir, ws)
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Runs an import request given as JSON and returns its serialised response.
fn import(ws: &mut Workspace, text: &str) -> (Value, Vec<String>) {
    let req: ImportRequest = request_from_json(text).unwrap();
    let res = crosshedge_app::import::run(ws, &req, &Silent).unwrap();
    (serde_json::to_value(&res).unwrap(), res.warnings)
}

/// The fixture with `ok` and `btc` imported.
fn store() -> (tempfile::TempDir, Workspace) {
    let (dir, mut ws) = fixture();
    for (file, name, cal) in [("ok.csv", "ok", "us"), ("btc.csv", "btc", "crypto")] {
        let text = json!({
            "file": path(dir.path(), file),
            "series": [{"name": name, "column": "close"}],
            "calendar": cal,
            "imported_at": AT,
        });
        import(&mut ws, &text.to_string());
    }
    (dir, ws)
}

#[test]
fn an_import_request_written_by_hand_runs_and_serialises_as_the_cli_json() {
    let (dir, mut ws) = fixture();
    let file = path(dir.path(), "ok.csv");
    let text = format!(
        r#"{{"file": {file:?}, "series": [{{"name": "ok", "column": "close"}}],
            "calendar": "us", "unit": "price", "on_conflict": "fail",
            "imported_at": "{AT}"}}"#
    );
    let (v, warnings) = import(&mut ws, &text);
    assert!(warnings.is_empty());
    let first = &v.as_array().expect("no futures: the bare array of summaries")[0];
    assert_eq!(first["file"], file.as_str());
    assert_eq!(first["rows"], 3);
    assert_eq!(first["series"], json!([{"name": "ok", "new": 3, "unchanged": 0, "conflicts": 0}]));
    assert_eq!(first["sha256"].as_str().unwrap().len(), 64);
    // The same file again is a no-op.
    let (v, _) = import(&mut ws, &text);
    assert_eq!(v[0]["series"][0]["unchanged"], 3);
    // The time of the request is the time recorded.
    let imports = crosshedge_app::series::run(
        &ws,
        &request_from_json(r#"{"action": "imports"}"#).unwrap(),
        &Silent,
    )
    .unwrap();
    let v = serde_json::to_value(&imports).unwrap();
    assert_eq!(v[0]["imported_at"], AT);
    assert_eq!(v[0]["series"], "ok");
}

#[test]
fn futures_and_manifest_imports_serialise_as_series_and_futures() {
    let (dir, mut ws) = fixture();
    let text = json!({"file": path(dir.path(), "vx.csv"), "futures": "vx", "imported_at": AT});
    let (v, _) = import(&mut ws, &text.to_string());
    assert_eq!(v["series"], json!([]));
    assert_eq!(v["futures"][0]["root"], "vx");
    assert_eq!(v["futures"][0]["new"], 2);
    std::fs::write(
        dir.path().join("m.toml"),
        "[[file]]\npath = \"btc.csv\"\ncalendar = \"crypto\"\nseries = { btc = \"close\" }\n\n\
         [[futures]]\npath = \"vx.csv\"\nroot = \"vx\"\n",
    )
    .unwrap();
    let text = json!({"manifest": path(dir.path(), "m.toml"), "imported_at": AT});
    let (v, _) = import(&mut ws, &text.to_string());
    assert_eq!(v["series"][0]["series"][0]["name"], "btc");
    assert_eq!(v["futures"][0]["unchanged"], 2);
}

#[test]
fn parser_warnings_are_returned_not_printed() {
    let (dir, mut ws) = fixture();
    std::fs::write(dir.path().join("u.csv"), "date,close\n2024-01-05,3\n2024-01-04,2\n").unwrap();
    let text = json!({
        "file": path(dir.path(), "u.csv"),
        "series": [{"name": "u", "column": "close"}],
        "imported_at": AT,
    });
    let (v, warnings) = import(&mut ws, &text.to_string());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("dates are not in ascending order"), "{warnings:?}");
    assert!(v.to_string().contains("ascending order"), "the summary keeps its own warnings");
}

#[test]
fn series_requests_list_show_and_imports() {
    let (_dir, ws) = store();
    let run = |text: &str| {
        let req: SeriesRequest = request_from_json(text).unwrap();
        serde_json::to_value(crosshedge_app::series::run(&ws, &req, &Silent).unwrap()).unwrap()
    };
    let list = run("{}");
    let names: Vec<&str> =
        list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["btc", "ok"]);
    assert_eq!(list[1]["calendar"], "us");
    assert_eq!(list[1]["rows"], 3);
    assert_eq!(run(r#"{"action": "list"}"#), list);
    let shown = run(r#"{"action": {"show": {"name": "ok", "from": "2024-01-03"}}}"#);
    assert_eq!(
        shown,
        json!({
            "name": "ok",
            "calendar": "us",
            "unit": "price",
            "observations": [["2024-01-03", 11.0], ["2024-01-04", 12.0]],
        })
    );
    let imports = run(r#"{"action": "imports"}"#);
    assert_eq!(imports.as_array().unwrap().len(), 2);
    assert_eq!(imports[1]["series"], "btc");
    // An unknown series is an input error.
    let req = SeriesRequest {
        action: SeriesAction::Show(request_from_json(r#"{"name": "nope"}"#).unwrap()),
    };
    let e = crosshedge_app::series::run(&ws, &req, &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{}", e.message);
    assert!(e.message.contains("nope"), "{}", e.message);
}

#[test]
fn an_export_request_writes_the_panel_and_serialises_back() {
    let (dir, ws) = store();
    let out = path(dir.path(), "p.csv");
    let text = format!(r#"{{"names": ["ok", "btc"], "align": "us-close", "out": {out:?}}}"#);
    let req: ExportRequest = request_from_json(&text).unwrap();
    assert_eq!(req.returns, ExportRequest::default().returns);
    let res = crosshedge_app::export::run(&ws, &req, &Silent).unwrap();
    let v = serde_json::to_value(&res).unwrap();
    assert_eq!(
        v,
        json!({
            "out": out,
            "policy": "us-close",
            "periods_per_year": 252.0,
            "returns": "log",
            "rows": 2,
            "columns": ["ok", "btc"],
        })
    );
    let back: ExportResponse = serde_json::from_value(v).unwrap();
    assert_eq!(back, res);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("date,start_date,ok_log,btc_log\n2024-01-03,2024-01-02,"), "{csv}");
    // Levels, and a failing export that leaves no file.
    let levels = format!(r#"{{"names": ["ok"], "levels": true, "out": {out:?}, "force": true}}"#);
    let res = crosshedge_app::export::run(&ws, &request_from_json(&levels).unwrap(), &Silent);
    assert_eq!(res.unwrap().returns, None);
    let q = path(dir.path(), "q.csv");
    let bad = format!(r#"{{"names": ["ok", "nope"], "out": {q:?}}}"#);
    let e =
        crosshedge_app::export::run(&ws, &request_from_json(&bad).unwrap(), &Silent).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(!Path::new(&q).exists());
}

/// `text` as a request of type `T` fails with an input error whose message names `field`.
fn rejected<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str, field: &str) {
    let e = request_from_json::<T>(text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input, "{text}: {}", e.message);
    assert!(e.message.contains(field), "{text}: `{field}` not in: {}", e.message);
}

#[test]
fn unknown_fields_and_bad_values_are_input_errors_naming_the_field() {
    rejected::<ImportRequest>(r#"{"fil": "a.csv"}"#, "fil");
    rejected::<ImportRequest>(r#"{"calendar": "moon"}"#, "calendar");
    rejected::<ImportRequest>(r#"{"on_conflict": "merge"}"#, "on_conflict");
    rejected::<ImportRequest>(r#"{"series": [{"name": "x", "col": "close"}]}"#, "series[0]");
    rejected::<SeriesRequest>(r#"{"actions": "list"}"#, "actions");
    rejected::<SeriesRequest>(r#"{"action": "drop"}"#, "action");
    rejected::<SeriesRequest>(
        r#"{"action": {"show": {"name": "x", "to": "2024-13-01"}}}"#,
        "action.show.to",
    );
    rejected::<SeriesRequest>(
        r#"{"action": {"show": {"name": "x", "form": "2024-01-01"}}}"#,
        "form",
    );
    rejected::<ExportRequest>(r#"{"nmes": ["btc"]}"#, "nmes");
    rejected::<ExportRequest>(r#"{"align": "daily"}"#, "align");
    rejected::<ExportRequest>(r#"{"returns": "pct"}"#, "returns");
    rejected::<ExportRequest>(r#"{"from": "2024-01-32"}"#, "from");
}

#[test]
fn bad_values_the_job_checks_are_input_errors_naming_the_field_and_leave_no_store() {
    let (dir, mut ws) = fixture();
    let file = path(dir.path(), "ok.csv");
    for (text, field) in [
        (json!({"file": file, "series": [{"name": "ok", "column": "close"}]}), "imported_at"),
        (json!({"file": file, "imported_at": "yesterday"}), "imported_at"),
        (
            json!({"file": file, "series": [{"name": "", "column": "close"}], "imported_at": AT}),
            "series",
        ),
    ] {
        let req: ImportRequest = request_from_json(&text.to_string()).unwrap();
        let e = crosshedge_app::import::run(&mut ws, &req, &Silent).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input, "{text}: {}", e.message);
        assert!(e.message.contains(field), "{text}: {}", e.message);
    }
    assert!(!dir.path().join("s.db").exists());
    for (text, field) in [(r#"{"out": "p.csv"}"#, "names"), (r#"{"names": ["ok"]}"#, "out")] {
        let req: ExportRequest = request_from_json(text).unwrap();
        let e = crosshedge_app::export::run(&ws, &req, &Silent).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(e.message.contains(field), "{text}: {}", e.message);
    }
}
