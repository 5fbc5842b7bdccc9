//! The API without a socket (`tower::ServiceExt::oneshot`): every route, the error bodies and
//! statuses, the security checks and the long jobs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use common::{app, config, post, req, send, send_text, tmp_dir};
use serde_json::{json, Value};
use tower::ServiceExt;

fn error_kind(v: &Value) -> &str {
    v["error"]["kind"].as_str().unwrap_or("<no error body>")
}

fn error_message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("<no error body>")
}

/// Polls job `id` until it has ended; its final status.
async fn wait(app: &axum::Router, id: &str) -> Value {
    for _ in 0..1200 {
        let (status, s) = send(app, req("GET", &format!("/api/v1/jobs/{id}"), "")).await;
        assert_eq!(status, 200, "{s}");
        if ["done", "failed", "cancelled"].contains(&s["state"].as_str().unwrap()) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not end");
}

#[tokio::test]
async fn malformed_json_is_400_and_an_unknown_field_422_naming_it() {
    let app = app(config());
    let (status, v) = send(&app, req("POST", "/api/v1/basis", "{\"target\": ")).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(error_kind(&v), "input");
    assert!(error_message(&v).starts_with("malformed JSON"), "{v}");
    let (status, v) =
        post(&app, "/api/v1/basis", &json!({"target": "btc", "allign": "weekly"})).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(error_kind(&v), "input");
    assert!(error_message(&v).contains("unknown field `allign`"), "{v}");
    let (status, v) = post(&app, "/api/v1/basis", &json!({"align": "daily"})).await;
    assert_eq!(status, 422, "{v}");
    assert!(error_message(&v).starts_with("request field `align`"), "{v}");
    // A series that is not in the store is an input error of the job.
    let (status, v) = post(&app, "/api/v1/lags", &json!({"target": "nope", "hedge": "vix"})).await;
    assert_eq!(status, 422, "{v}");
    // Spread inventory without a carry rate, as the CLI's `requires`.
    let (status, v) = post(&app, "/api/v1/price/spread", &json!({"inventory_value": 5})).await;
    assert_eq!(status, 422, "{v}");
    assert!(error_message(&v).contains("carry_rate"), "{v}");
}

#[tokio::test]
async fn bodies_over_the_limits_are_413() {
    let app = app(config());
    let big = format!("{{\"target\": \"{}\"}}", "x".repeat(1 << 20));
    let (status, v) = send(&app, req("POST", "/api/v1/basis", big)).await;
    assert_eq!(status, 413, "{v}");
    assert_eq!(error_kind(&v), "input");
    let mut small = config();
    small.upload_limit = 100;
    let app = common::app(small);
    let (status, v) =
        send(&app, req("POST", "/api/v1/import?series=a=close", "x".repeat(200))).await;
    assert_eq!(status, 413, "{v}");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = app(config());
    let (status, v) = send(&app, req("GET", "/api/v1/nope", "")).await;
    assert_eq!(status, 404);
    assert_eq!(error_message(&v), "no such route");
    let (status, v) = send(&app, req("GET", "/api/v1/basis", "")).await;
    assert_eq!(status, 405, "{v}");
    assert_eq!(error_kind(&v), "input");
    let (status, v) = send(&app, req("GET", "/api/v1/jobs/424242", "")).await;
    assert_eq!(status, 404, "{v}");
}

#[tokio::test]
async fn a_wrong_host_header_is_refused() {
    let app = app(config());
    for host in ["evil.example:8050", "127.0.0.1:9999", "localhost"] {
        let r = Request::builder()
            .uri("/api/v1/series")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        let (status, v) = send(&app, r).await;
        assert_eq!(status, 421, "{host}: {v}");
        assert!(error_message(&v).contains("Host header"), "{v}");
    }
    let r = Request::builder().uri("/api/v1/series").body(Body::empty()).unwrap();
    assert_eq!(send(&app, r).await.0, 421, "no Host header");
    for host in ["localhost:8050", "127.0.0.1:8050", "[::1]:8050"] {
        let r = Request::builder()
            .uri("/api/v1/series")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, r).await.0, 200, "{host}");
    }
}

#[tokio::test]
async fn a_cross_origin_post_is_403_and_the_own_origin_passes() {
    let app = app(config());
    let body = json!({"side": "short", "qty": 1, "entry": 60000, "leverage": 3}).to_string();
    let with_origin = |origin: &str| {
        let mut r = req("POST", "/api/v1/price/perp", body.clone());
        r.headers_mut().insert("origin", origin.parse().unwrap());
        r
    };
    for origin in ["http://evil.example", "null", "http://127.0.0.1:9999", "https://127.0.0.1:8050"]
    {
        let (status, v) = send(&app, with_origin(origin)).await;
        assert_eq!(status, 403, "{origin}: {v}");
        assert!(error_message(&v).contains("cross-origin"), "{v}");
    }
    assert_eq!(send(&app, with_origin("http://127.0.0.1:8050")).await.0, 200);
    assert_eq!(send(&app, with_origin("http://localhost:8050")).await.0, 200);
    // A GET from another origin changes nothing and is answered.
    let mut r = req("GET", "/api/v1/series", "");
    r.headers_mut().insert("origin", "http://evil.example".parse().unwrap());
    assert_eq!(send(&app, r).await.0, 200);
}

#[tokio::test]
async fn a_token_is_required_when_configured() {
    let mut cfg = config();
    cfg.token = Some("s3cret-token".into());
    let app = app(cfg);
    let (status, v) = send(&app, req("GET", "/api/v1/series", "")).await;
    assert_eq!(status, 401, "{v}");
    assert!(error_message(&v).contains("token"), "{v}");
    for auth in ["Bearer wrong", "Bearer s3cret-token-", "s3cret-token", "Basic s3cret-token"] {
        let mut r = req("GET", "/api/v1/series", "");
        r.headers_mut().insert("authorization", auth.parse().unwrap());
        assert_eq!(send(&app, r).await.0, 401, "{auth}");
    }
    let mut r = req("GET", "/", "");
    r.headers_mut().insert("authorization", "Bearer s3cret-token".parse().unwrap());
    assert_eq!(send(&app, r).await.0, 200);
    // Bound to every interface: any address literal with the port is this server, a name is
    // not (DNS rebinding).
    let mut cfg = config();
    cfg.token = Some("s3cret-token".into());
    cfg.bind = "0.0.0.0".parse().unwrap();
    let app = common::app(cfg);
    for (host, want) in
        [("192.168.1.5:8050", 200), ("evil.example:8050", 421), ("10.0.0.1:80", 421)]
    {
        let r = Request::builder()
            .uri("/api/v1/series")
            .header("host", host)
            .header("authorization", "Bearer s3cret-token")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, r).await.0, want, "{host}");
    }
}

#[tokio::test]
async fn a_non_loopback_bind_needs_a_token() {
    let mut cfg = config();
    cfg.bind = "0.0.0.0".parse().unwrap();
    let e = crosshedge_server::serve(cfg.clone(), async {}, |_| {}).await.unwrap_err();
    assert!(e.to_string().contains("--token"), "{e}");
    cfg.token = Some(String::new());
    assert!(cfg.validate().is_err());
    cfg.token = Some("t".into());
    assert!(cfg.validate().is_ok());
}

#[tokio::test]
async fn the_page_assets_and_openapi_are_served() {
    let app = app(config());
    let (status, page) = send_text(&app, req("GET", "/", "")).await;
    assert_eq!(status, 200);
    assert!(page.contains("/api/v1/openapi.json"));
    let (status, css) = send_text(&app, req("GET", "/assets/style.css", "")).await;
    assert_eq!(status, 200);
    assert!(css.contains("font-family"));
    assert_eq!(send(&app, req("GET", "/assets/nope.js", "")).await.0, 404);
    let (status, doc) = send(&app, req("GET", "/api/v1/openapi.json", "")).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let basis = &doc["paths"]["/api/v1/basis"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["properties"];
    assert_eq!(
        basis["bootstrap"]["default"],
        crosshedge_app::basis::BasisRequest::default().bootstrap
    );
    assert!(basis.get("target").is_some(), "{basis}");
    let spread = &doc["paths"]["/api/v1/price/spread"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["properties"];
    for f in ["long", "short", "kind", "spot", "expiry_days", "carry_rate"] {
        assert!(spread.get(f).is_some(), "spread lacks {f}: {spread}");
    }
}

/// Every route of the router is in the OpenAPI document and every operation of the document
/// is answered by a route (not the fallback), probed with a request that changes nothing.
#[tokio::test]
async fn the_openapi_document_covers_every_route_and_only_them() {
    let app = app(config());
    let doc = crosshedge_server::openapi::document();
    let paths = doc["paths"].as_object().unwrap();
    let routes = crosshedge_server::routes();
    let mut in_doc = Vec::new();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            in_doc.push((method.clone(), path.clone()));
        }
    }
    let mut listed: Vec<(String, String)> =
        routes.iter().map(|(m, p)| ((*m).to_string(), p.clone())).collect();
    listed.sort();
    in_doc.sort();
    assert_eq!(listed, in_doc);
    // The routes the router was built with, written out here by hand.
    let by_hand = [
        "post /api/v1/basis",
        "post /api/v1/lags",
        "post /api/v1/episodes",
        "post /api/v1/regimes",
        "post /api/v1/signals",
        "post /api/v1/shocks",
        "post /api/v1/events",
        "post /api/v1/dcc",
        "post /api/v1/hedge",
        "post /api/v1/rolling",
        "post /api/v1/claims",
        "post /api/v1/price/option",
        "post /api/v1/price/spread",
        "post /api/v1/price/condor",
        "post /api/v1/price/vix-curve",
        "post /api/v1/price/perp",
        "post /api/v1/price/lp",
        "post /api/v1/price/parity",
        "post /api/v1/jobs/stress",
        "post /api/v1/jobs/backtest",
        "post /api/v1/jobs/report",
        "post /api/v1/jobs/tournament",
        "post /api/v1/jobs/basis",
        "get /api/v1/series",
        "get /api/v1/series/{name}",
        "get /api/v1/series/{name}/revisions",
        "get /api/v1/imports",
        "post /api/v1/import",
        "post /api/v1/fetch",
        "get /api/v1/jobs/{id}",
        "delete /api/v1/jobs/{id}",
        "get /api/v1/jobs/{id}/events",
        "get /api/v1/openapi.json",
        "get /api/v1/book/default",
        "get /",
        "get /assets/{path}",
    ];
    let mut by_hand: Vec<(String, String)> = by_hand
        .iter()
        .map(|s| {
            let (m, p) = s.split_once(' ').unwrap();
            (m.to_string(), p.to_string())
        })
        .collect();
    by_hand.sort();
    assert_eq!(by_hand, in_doc, "the router's routes and the document differ");
    for (method, path) in &in_doc {
        let uri =
            path.replace("{name}", "vix").replace("{id}", "999999").replace("{path}", "style.css");
        let (uri, body) = match (method.as_str(), uri.as_str()) {
            ("post", "/api/v1/import") => ("/api/v1/import?file=x.csv".to_string(), String::new()),
            ("post", _) => (uri.clone(), json!({"__probe": 1}).to_string()),
            _ => (uri.clone(), String::new()),
        };
        let (status, text) = send_text(&app, req(&method.to_uppercase(), &uri, body)).await;
        assert!(
            status != 405 && !text.contains("no such route"),
            "{method} {uri}: {status} {text}"
        );
        if method == "post" {
            assert_eq!(status, 422, "{method} {uri}: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_job_runs_to_completion_with_progress_events() {
    let app = app(config());
    let (status, v) = post(&app, "/api/v1/jobs/stress", &json!({"paths": 2000, "seed": 4})).await;
    assert_eq!(status, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (status, events) =
        send_text(&app, req("GET", &format!("/api/v1/jobs/{id}/events"), "")).await;
    assert_eq!(status, 200);
    assert!(events.contains("event: end"), "{events}");
    assert!(events.contains("\"state\":\"done\""), "{events}");
    let s = wait(&app, &id).await;
    assert_eq!(s["state"], "done", "{s}");
    assert_eq!(s["kind"], "stress");
    assert!(s["result"].is_object());
    assert!(s["progress"]["total"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(s["progress"]["done"], s["progress"]["total"], "{s}");
    // A finished job cannot be cancelled.
    let (status, v) = send(&app, req("DELETE", &format!("/api/v1/jobs/{id}"), "")).await;
    assert_eq!(status, 409, "{v}");
    // The report, written into a temporary directory.
    let out = tempfile::tempdir().unwrap();
    let body = json!({"out": out.path(), "bootstrap": 50, "paths": 2000, "seed": 5});
    let (status, v) = post(&app, "/api/v1/jobs/report", &body).await;
    assert_eq!(status, 202, "{v}");
    let s = wait(&app, v["id"].as_str().unwrap()).await;
    assert_eq!(s["state"], "done", "{s}");
    assert!(out.path().join("analysis.json").exists());
    // A bad request is refused before it is queued; a job failing on its input ends failed.
    let (status, v) =
        post(&app, "/api/v1/jobs/backtest", &json!({"book": "/no/such/book.toml"})).await;
    assert_eq!(status, 422, "{v}");
    assert!(error_message(&v).contains("`book`"), "{v}");
    let (status, v) =
        post(&app, "/api/v1/jobs/stress", &json!({"crypto": ["nope"], "paths": 100})).await;
    assert_eq!(status, 202, "{v}");
    let s = wait(&app, v["id"].as_str().unwrap()).await;
    assert_eq!(s["state"], "failed", "{s}");
    assert_eq!(s["error"]["kind"], "input", "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_long_job_ends_cancelled_and_too_many_get_429() {
    let mut cfg = config();
    cfg.max_long_jobs = 1;
    let app = app(cfg);
    let (status, v) =
        post(&app, "/api/v1/jobs/stress", &json!({"paths": 5_000_000, "seed": 1})).await;
    assert_eq!(status, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (status, v) = post(&app, "/api/v1/jobs/backtest", &json!({})).await;
    assert_eq!(status, 429, "{v}");
    assert_eq!(error_kind(&v), "input");
    let (status, v) = send(&app, req("DELETE", &format!("/api/v1/jobs/{id}"), "")).await;
    assert_eq!(status, 202, "{v}");
    let s = wait(&app, &id).await;
    assert_eq!(s["state"], "cancelled", "{s}");
    assert_eq!(s["error"]["kind"], "cancelled", "{s}");
    // The slot is free again.
    let (status, v) = post(&app, "/api/v1/jobs/stress", &json!({"paths": 1000, "seed": 1})).await;
    assert_eq!(status, 202, "{v}");
    assert_eq!(wait(&app, v["id"].as_str().unwrap()).await["state"], "done");
}

#[tokio::test]
async fn a_csv_upload_imports_and_a_bad_one_leaves_the_store_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.store = dir.path().join("up.db");
    cfg.data_dir = dir.path().to_path_buf();
    let app = app(cfg);
    let csv = "date,close\n2024-01-01,10\n2024-01-02,11\n2024-01-03,12\n";
    let uri = "/api/v1/import?series=up=close&calendar=crypto&file_name=up.csv\
               &imported_at=2026-01-01T00:00:00Z";
    let (status, v) = send(&app, req("POST", uri, csv)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v[0]["series"], json!([{"name": "up", "new": 3, "unchanged": 0, "conflicts": 0}]));
    let bad = "date,close\n2024-01-04,13\n2024-01-05,abc\n";
    let (status, v) = send(&app, req("POST", uri, bad)).await;
    assert_eq!(status, 422, "{v}");
    let message = error_message(&v);
    assert!(!message.contains('\n') && message.contains("abc"), "{message}");
    // Named as uploaded, not by the server's temporary path.
    assert!(message.starts_with("up.csv: line 3, column 2 (close)"), "{message}");
    let (_, imports) = send(&app, req("GET", "/api/v1/imports", "")).await;
    assert_eq!(imports.as_array().unwrap().len(), 1, "{imports}");
    let (status, shown) = send(&app, req("GET", "/api/v1/series/up", "")).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["observations"].as_array().unwrap().len(), 3);
    let (status, v) = send(&app, req("POST", "/api/v1/import?series=nocolumn", csv)).await;
    assert_eq!(status, 422, "{v}");
    let (status, v) = send(&app, req("GET", "/api/v1/series/up?form=2024-01-01", "")).await;
    assert_eq!(status, 422, "{v}");
    assert!(error_message(&v).contains("form"), "{v}");
}

/// An upload is recorded under the name it was sent with (the query's `file_name` or
/// `filename`, else the `Content-Disposition` file name, else `upload.csv`), never the server's
/// temporary path; a re-upload with a differing value keeps it as a revision, which the
/// revisions route lists with the import that wrote it.
#[tokio::test]
async fn an_upload_is_recorded_by_its_name_and_its_revisions_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.store = dir.path().join("rev.db");
    cfg.data_dir = dir.path().to_path_buf();
    let app = app(cfg);
    let q = "series=x=close&calendar=crypto&imported_at=2026-01-0";
    let first = "date,close\n2024-01-01,10\n2024-01-02,11\n";
    let (status, v) = send(
        &app,
        req("POST", &format!("/api/v1/import?{q}1T00:00:00Z&file_name=a/b/first.csv"), first),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v[0]["file"], "first.csv", "{v}");
    // The second file by the Content-Disposition header, with a revised value on 2024-01-02.
    let second = "date,close\n2024-01-02,11.5\n2024-01-03,12\n";
    let mut r = req("POST", &format!("/api/v1/import?{q}2T00:00:00Z"), second);
    r.headers_mut()
        .insert("content-disposition", "attachment; filename=\"second.csv\"".parse().unwrap());
    let (status, v) = send(&app, r).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v[0]["series"][0]["conflicts"], 1, "{v}");
    // Neither a name nor a header: upload.csv; `filename` is accepted as well.
    let third = "date,close\n2024-01-04,13\n";
    let (status, v) =
        send(&app, req("POST", &format!("/api/v1/import?{q}3T00:00:00Z"), third)).await;
    assert_eq!(status, 200, "{v}");
    let fourth = "date,close\n2024-01-05,14\n";
    let uri = format!("/api/v1/import?{q}4T00:00:00Z&filename=fourth.csv");
    let (status, v) = send(&app, req("POST", &uri, fourth)).await;
    assert_eq!(status, 200, "{v}");
    let (_, imports) = send(&app, req("GET", "/api/v1/imports", "")).await;
    let files: Vec<&str> =
        imports.as_array().unwrap().iter().map(|i| i["file_name"].as_str().unwrap()).collect();
    assert_eq!(files, ["first.csv", "second.csv", "upload.csv", "fourth.csv"], "{imports}");
    let (_, list) = send(&app, req("GET", "/api/v1/series", "")).await;
    assert_eq!(list[0]["source"], "fourth.csv", "{list}");
    // The revisions of the one revised date: the first value current (on_conflict keep).
    let (status, v) =
        send(&app, req("GET", "/api/v1/series/x/revisions?date=2024-01-02", "")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "x");
    let revs = v["revisions"].as_array().unwrap();
    let got: Vec<(i64, f64, bool, &str, &str)> = revs
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["value"].as_f64().unwrap(),
                r["current"].as_bool().unwrap(),
                r["file"].as_str().unwrap(),
                r["imported_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (0, 11.0, true, "first.csv", "2026-01-01T00:00:00Z"),
            (1, 11.5, false, "second.csv", "2026-01-02T00:00:00Z")
        ],
        "{v}"
    );
    // Every date: five values, one of them revised.
    let (status, v) = send(&app, req("GET", "/api/v1/series/x/revisions", "")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["revisions"].as_array().unwrap().len(), 6, "{v}");
    // An unknown query field, a bad date, an unknown series: 422 naming them.
    for (uri, names) in [
        ("/api/v1/series/x/revisions?dat=2024-01-02", "dat"),
        ("/api/v1/series/x/revisions?date=2024-13-01", "date"),
        ("/api/v1/series/nope/revisions", "nope"),
    ] {
        let (status, v) = send(&app, req("GET", uri, "")).await;
        assert_eq!(status, 422, "{uri}: {v}");
        assert!(error_message(&v).contains(names), "{uri}: {v}");
    }
    // A source name in the query is refused: the upload's name is `file_name`.
    let uri = format!("/api/v1/import?{q}5T00:00:00Z&source_name=x.csv");
    let (status, v) = send(&app, req("POST", &uri, fourth)).await;
    assert_eq!(status, 422, "{v}");
}

/// An upload's `scale` multiplies every value on import and is recorded with the import;
/// `format` reads a vendor's raw file; a bad `scale` or `format` is a 422 naming the field
/// and writes nothing.
#[tokio::test]
async fn an_upload_with_scale_and_format_stores_scaled_values_and_records_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.store = dir.path().join("scale.db");
    cfg.data_dir = dir.path().to_path_buf();
    let app = app(cfg);
    let stamp = "&imported_at=2026-01-01T00:00:00Z";
    // A plain CSV of percent rates, scaled into decimals.
    let csv = "date,rate\n2024-01-02,5.25\n2024-01-03,5.5\n2024-01-04,4.75\n";
    let uri = format!(
        "/api/v1/import?series=ff=rate&calendar=us&unit=rate&scale=0.01&file_name=ff.csv{stamp}"
    );
    let (status, v) = send(&app, req("POST", &uri, csv)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v[0]["series"][0]["new"], 3, "{v}");
    let (status, shown) = send(&app, req("GET", "/api/v1/series/ff", "")).await;
    assert_eq!(status, 200, "{shown}");
    // Expected: the file's percent values / 100 (exact decimal inputs; 1e-15 covers the one
    // rounding of the product).
    let want = [("2024-01-02", 0.0525), ("2024-01-03", 0.055), ("2024-01-04", 0.0475)];
    let got = shown["observations"].as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{shown}");
    for (o, (date, value)) in got.iter().zip(want) {
        assert_eq!(o[0], date, "{shown}");
        assert!((o[1].as_f64().unwrap() - value).abs() < 1e-15, "{date}: {shown}");
    }
    let (_, imports) = send(&app, req("GET", "/api/v1/imports", "")).await;
    assert_eq!(imports.as_array().unwrap().len(), 1, "{imports}");
    assert_eq!(imports[0]["scale"], "ff=0.01", "{imports}");
    assert_eq!(imports[0]["file_name"], "ff.csv", "{imports}");
    // A FRED graph download (`.` a missing day), read with format=fred and scaled.
    let fred = "observation_date,DGS3MO\n2024-01-02,5.46\n2024-01-03,.\n2024-01-04,5.44\n";
    let uri = format!(
        "/api/v1/import?series=t3m=DGS3MO&calendar=us&unit=rate&format=fred&scale=0.01\
         &file_name=DGS3MO.csv{stamp}"
    );
    let (status, v) = send(&app, req("POST", &uri, fred)).await;
    assert_eq!(status, 200, "{v}");
    let (_, shown) = send(&app, req("GET", "/api/v1/series/t3m", "")).await;
    let got = shown["observations"].as_array().unwrap();
    assert_eq!(got.len(), 2, "{shown}");
    assert_eq!(got[0][0], "2024-01-02", "{shown}");
    assert!((got[0][1].as_f64().unwrap() - 0.0546).abs() < 1e-15, "{shown}");
    assert_eq!(got[1][0], "2024-01-04", "{shown}");
    assert!((got[1][1].as_f64().unwrap() - 0.0544).abs() < 1e-15, "{shown}");
    // Bad scales and a bad format: 422, one line naming the field, the store unchanged.
    let other = "date,rate\n2024-01-05,5.0\n";
    for (query, field) in [
        ("scale=abc", "scale"),
        ("scale=", "scale"),
        ("scale=0", "scale"),
        ("scale=inf", "scale"),
        ("scale=NaN", "scale"),
        ("format=bloomberg", "format"),
    ] {
        let uri = format!("/api/v1/import?series=ff=rate&calendar=us&unit=rate&{query}{stamp}");
        let (status, v) = send(&app, req("POST", &uri, other)).await;
        assert_eq!(status, 422, "{query}: {v}");
        assert_eq!(error_kind(&v), "input", "{query}: {v}");
        let message = error_message(&v);
        assert!(message.contains(field) && !message.contains('\n'), "{query}: {message}");
    }
    let (_, imports) = send(&app, req("GET", "/api/v1/imports", "")).await;
    assert_eq!(imports.as_array().unwrap().len(), 2, "{imports}");
    let (_, shown) = send(&app, req("GET", "/api/v1/series/ff", "")).await;
    assert_eq!(shown["observations"].as_array().unwrap().len(), 3, "{shown}");
}

#[tokio::test]
async fn the_demo_store_is_shared_by_the_series_routes() {
    let _ = tmp_dir();
    let app = app(config());
    let (status, v) =
        send(&app, req("GET", "/api/v1/series/vix?from=2020-03-02&to=2020-03-06", "")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "vix");
    let (status, v) = send(&app, req("GET", "/api/v1/series/nope", "")).await;
    assert_eq!(status, 422, "{v}");
}

#[tokio::test]
async fn the_dashboard_files_have_types_validators_and_cache_headers() {
    let app = app(config());
    for (path, mime) in [
        ("/", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/vendor/uPlot.iife.min.js", "text/javascript"),
        ("/assets/vendor/uPlot.min.css", "text/css"),
        ("/assets/vendor/uPlot.LICENSE", "text/plain"),
    ] {
        let resp = app.clone().oneshot(req("GET", path, "")).await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let hd = resp.headers();
        assert!(hd["content-type"].to_str().unwrap().starts_with(mime), "{path}");
        assert!(hd.contains_key("cache-control"), "{path}");
        let etag = hd["etag"].to_str().unwrap().to_string();
        let mut again = req("GET", path, "");
        again.headers_mut().insert("if-none-match", etag.parse().unwrap());
        assert_eq!(app.clone().oneshot(again).await.unwrap().status(), 304, "{path}");
    }
    let (status, page) = send_text(&app, req("GET", "/", "")).await;
    assert_eq!(status, 200);
    for needed in ["/assets/app.js", "/assets/vendor/uPlot.iife.min.js", "Basis explorer"] {
        assert!(page.contains(needed), "the page lacks {needed}");
    }
    let (status, book) = send_text(&app, req("GET", "/api/v1/book/default", "")).await;
    assert_eq!(status, 200);
    let parsed = crosshedge_hedging::Book::parse_toml(&book).unwrap();
    assert_eq!(parsed, crosshedge_hedging::Book::default_layered());
}

#[tokio::test]
async fn a_browser_brings_the_token_once_and_then_carries_the_cookie() {
    let mut cfg = config();
    cfg.token = Some("s3cret-token".into());
    let app = app(cfg);
    let resp = app.clone().oneshot(req("GET", "/?token=wrong", "")).await.unwrap();
    assert_eq!(resp.status(), 401);
    let resp = app.clone().oneshot(req("GET", "/?token=s3cret-token", "")).await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    for attr in ["crosshedge_token=s3cret-token", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let mut r = req("GET", "/api/v1/series", "");
    r.headers_mut().insert("cookie", "other=1; crosshedge_token=s3cret-token".parse().unwrap());
    assert_eq!(send(&app, r).await.0, 200);
    let mut r = req("GET", "/api/v1/series", "");
    r.headers_mut().insert("cookie", "crosshedge_token=nope".parse().unwrap());
    assert_eq!(send(&app, r).await.0, 401);
}

#[tokio::test]
async fn a_fetch_through_a_loopback_vendor_stores_the_series_and_refuses_server_paths() {
    use crosshedge_fetch::replay::{ReplayServer, Reply, Route};
    let vix = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.22,14.23,13.10,13.20\n\
               01/03/2024,13.35,14.22,13.33,14.04\n";
    let vendor = ReplayServer::start(vec![Route::new(
        "/api/global/us_indices/daily_prices/VIX_History.csv",
        vec![Reply::ok(vix)],
    )])
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.store = dir.path().join("fetched.db");
    cfg.data_dir = dir.path().to_path_buf();
    let app = app(cfg);
    let body = json!({"specs": ["cboe:VIX=vix"], "to": "2024-01-03",
        "base_urls": {"CBOE": vendor.base_url()}, "fetched_at": "2024-01-04T00:00:00Z"});
    let (status, v) = send(&app, req("POST", "/api/v1/fetch", body.to_string())).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["sources"][0]["name"], "vix", "{v}");
    assert_eq!(vendor.requests(), 1);
    let (status, s) = send(&app, req("GET", "/api/v1/series/vix", "")).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["observations"], json!([["2024-01-02", 13.2], ["2024-01-03", 14.04]]), "{s}");
    // Paths on the server's disk and unknown fields are refused, naming the field.
    for (field, value) in
        [("cache_dir", json!("/tmp/x")), ("manifest", json!("/etc/x.toml")), ("spces", json!([]))]
    {
        let mut b = body.clone();
        b[field] = value;
        let (status, v) = send(&app, req("POST", "/api/v1/fetch", b.to_string())).await;
        assert_eq!(status, 422, "{field}: {v}");
        assert!(error_message(&v).contains(field), "{field}: {v}");
    }
    assert_eq!(vendor.requests(), 1, "a refused request reached the vendor");
}
