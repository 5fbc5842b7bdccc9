//! Shared by the server's tests: the seed-3 demo store (as the CLI's snapshots use) built once
//! per test binary in `<tmp>/out`, and helpers to send requests without a socket.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use crosshedge_server::{router, AppState, ServerConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The temporary directory; the demo store is `out/crosshedge.db` in it, its data `out/data`.
pub fn tmp_dir() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cfg = crosshedge_demo::DemoConfig { seed: 3, ..crosshedge_demo::DemoConfig::default() };
        let market = crosshedge_demo::generate(&cfg).unwrap();
        crosshedge_app::demo::build_store(&dir.path().join("out"), &market, "2026-01-01T00:00:00Z")
            .unwrap();
        dir
    })
    .path()
    .to_path_buf()
}

/// A loopback configuration on the demo store, port 8050.
pub fn config() -> ServerConfig {
    let out = tmp_dir().join("out");
    ServerConfig::local(out.join("crosshedge.db"), out.join("data"), 8050)
}

/// The router of `config`.
pub fn app(config: ServerConfig) -> axum::Router {
    router(AppState::new(config))
}

/// A request with the right Host header.
pub fn req(method: &str, uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:8050")
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

/// Sends `r` and returns the status and the body parsed as JSON (`Value::Null` when not JSON).
pub async fn send(app: &axum::Router, r: Request<Body>) -> (StatusCode, Value) {
    let (status, text) = send_text(app, r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sends `r` and returns the status and the body as text.
pub async fn send_text(app: &axum::Router, r: Request<Body>) -> (StatusCode, String) {
    let resp = app.clone().oneshot(r).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// POSTs the JSON `body` to `uri`.
pub async fn post(app: &axum::Router, uri: &str, body: &Value) -> (StatusCode, Value) {
    send(app, req("POST", uri, body.to_string())).await
}

/// Shares one router between tasks.
pub fn shared(config: ServerConfig) -> Arc<axum::Router> {
    Arc::new(app(config))
}
