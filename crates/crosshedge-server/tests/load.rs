//! Load on a real loopback socket: 200 concurrent small API requests are all answered, and a
//! flood of long jobs beyond the limit gets 429s, not a crash. Bounded in count and time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request over a fresh connection: the status and the body.
async fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

/// Resident memory of this process, KiB (Linux; 0 elsewhere).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_are_all_answered_and_a_job_flood_gets_429() {
    let mut cfg = common::config();
    cfg.port = 0;
    cfg.max_long_jobs = 2;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel::<String>();
    let server = tokio::spawn(crosshedge_server::serve(
        cfg,
        async {
            let _ = rx.await;
        },
        move |url| addr_tx.send(url.to_string()).unwrap(),
    ));
    let url = tokio::task::spawn_blocking(move || addr_rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .unwrap();
    let addr: SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    assert!(addr.ip().is_loopback());
    let work = async {
        let before = rss_kib();
        let perp = json!({"side": "short", "qty": 1, "entry": 60000, "leverage": 3}).to_string();
        let mut tasks = Vec::new();
        for i in 0..200 {
            let perp = perp.clone();
            tasks.push(tokio::spawn(async move {
                match i % 3 {
                    0 => http(addr, "POST", "/api/v1/price/perp", &perp).await,
                    1 => http(addr, "GET", "/api/v1/series", "").await,
                    _ => {
                        http(addr, "GET", "/api/v1/series/vix?from=2020-03-02&to=2020-03-31", "")
                            .await
                    }
                }
            }));
        }
        let mut ok = 0;
        for t in tasks {
            let (status, body) = t.await.unwrap();
            assert_eq!(status, 200, "{body}");
            assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
            ok += 1;
        }
        assert_eq!(ok, 200);
        let grown_mib = rss_kib().saturating_sub(before) / 1024;
        assert!(grown_mib < 512, "memory grew by {grown_mib} MiB");
        // A flood of long jobs: two are admitted, the rest refused with 429.
        let big = json!({"paths": 5_000_000, "seed": 1}).to_string();
        let mut flood = Vec::new();
        for _ in 0..20 {
            let big = big.clone();
            flood.push(tokio::spawn(async move {
                http(addr, "POST", "/api/v1/jobs/stress", &big).await
            }));
        }
        let mut ids = Vec::new();
        let mut refused = 0;
        for t in flood {
            let (status, body) = t.await.unwrap();
            let v: Value = serde_json::from_str(&body).unwrap();
            match status {
                202 => ids.push(v["id"].as_str().unwrap().to_string()),
                429 => {
                    assert_eq!(v["error"]["kind"], "input");
                    refused += 1;
                }
                s => panic!("{s}: {body}"),
            }
        }
        assert_eq!((ids.len(), refused), (2, 18));
        for id in &ids {
            assert_eq!(http(addr, "DELETE", &format!("/api/v1/jobs/{id}"), "").await.0, 202);
        }
        for id in &ids {
            for _ in 0..600 {
                let (_, body) = http(addr, "GET", &format!("/api/v1/jobs/{id}"), "").await;
                let v: Value = serde_json::from_str(&body).unwrap();
                if v["state"] == "cancelled" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        // The server still answers.
        assert_eq!(http(addr, "GET", "/api/v1/openapi.json", "").await.0, 200);
    };
    tokio::time::timeout(Duration::from_secs(120), work)
        .await
        .expect("the load test took too long");
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("graceful shutdown took too long")
        .unwrap()
        .unwrap();
}
