//! `crosshedge serve` from the command line: the startup line names the loopback URL, the API
//! answers a job with the CLI's `--json`, a non-loopback bind without a token is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

mod common;
use common::{demo_store, run};

#[test]
fn serve_prints_its_url_and_answers_like_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("crosshedge"))
        .current_dir(d)
        .args(["--store", store, "serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let host = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let body = r#"{"target":"btc","hedge":"vix","max_lag":5}"#;
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST /api/v1/lags HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let api: serde_json::Value =
        serde_json::from_str(resp.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let cli = common::json(
        d,
        &[
            "lags",
            "--store",
            store,
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--max-lag",
            "5",
            "--json",
        ],
    );
    assert_eq!(api, cli);
}

#[test]
fn serve_refuses_a_non_loopback_bind_without_a_token() {
    let tmp = tempfile::tempdir().unwrap();
    let (rc, _, err) = run(tmp.path(), &["serve", "--bind", "0.0.0.0", "--port", "0"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("--token"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
