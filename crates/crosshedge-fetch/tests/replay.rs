//! The fetch client and every source against a loopback replay server: pagination, 429 with
//! `Retry-After`, a 500 then success, a truncated body, a changed column, an empty page, HTML
//! instead of CSV, the raw cache and `--offline` (zero requests), request counts bounded.
//! No test touches the internet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use chrono::NaiveDate;
use crosshedge_fetch::cache::RawCache;
use crosshedge_fetch::http::{Client, HttpConfig};
use crosshedge_fetch::replay::{ReplayServer, Reply, Route};
use crosshedge_fetch::source::{fetch, Host, Spec, Window};
use crosshedge_fetch::FetchError;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn window(from: &str, to: &str) -> Window {
    Window { from: d(from), to: d(to), to_given: true }
}

/// A client on `server` for every host, no pacing, waits recorded instead of slept.
fn client(
    server: &ReplayServer,
    cache: Option<RawCache>,
    offline: bool,
) -> (Client, Rc<RefCell<Vec<Duration>>>) {
    let bases: HashMap<Host, String> =
        Host::ALL.into_iter().map(|h| (h, server.base_url())).collect();
    let cfg = HttpConfig {
        min_interval: Some(Duration::ZERO),
        backoff_base: Duration::from_millis(200),
        timeout: Duration::from_secs(10),
        offline,
        ..HttpConfig::default()
    };
    let slept = Rc::new(RefCell::new(Vec::new()));
    let s = slept.clone();
    (Client::new(cfg, cache, bases).with_sleep(move |d| s.borrow_mut().push(d)), slept)
}

/// A Binance daily kline opened on `date` closing at `close`.
fn kline(date: &str, close: &str) -> String {
    let ms = d(date).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis();
    format!(
        r#"[{ms},"{close}","{close}","{close}","{close}","100.5",{},"4000000.1",1000,"50.1","2000000.0","0"]"#,
        ms + 86_399_999
    )
}

fn ms(date: &str) -> i64 {
    d(date).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis()
}

#[test]
fn binance_klines_paginate_until_a_short_page() {
    // limit=2: pages of 2, 2, then 1 (short: the last).
    let server = ReplayServer::start(vec![
        Route::new(
            "/api/v3/klines",
            vec![Reply::ok(format!(
                "[{},{}]",
                kline("2024-01-01", "44179.55"),
                kline("2024-01-02", "44946.91")
            ))],
        )
        .with(&format!("startTime={}", ms("2024-01-01"))),
        Route::new(
            "/api/v3/klines",
            vec![Reply::ok(format!(
                "[{},{}]",
                kline("2024-01-03", "42845.23"),
                kline("2024-01-04", "44151.10")
            ))],
        )
        .with(&format!("startTime={}", ms("2024-01-02") + 1)),
        Route::new(
            "/api/v3/klines",
            vec![Reply::ok(format!("[{}]", kline("2024-01-05", "44162.69")))],
        )
        .with(&format!("startTime={}", ms("2024-01-04") + 1)),
    ])
    .unwrap();
    let (c, _) = client(&server, None, false);
    let spec: Spec = "btc".parse().unwrap();
    let f = fetch(&c, &spec, window("2024-01-01", "2024-01-10"), 2).unwrap();
    assert_eq!(server.requests(), 3, "{:?}", server.log());
    assert!(server.log().iter().all(|t| t.contains("symbol=BTCUSDT&interval=1d")
        && t.contains("limit=2")
        && t.contains("endTime=")));
    let closes: Vec<f64> = f.table.rows.iter().map(|r| r.values[3].unwrap()).collect();
    assert_eq!(closes, [44179.55, 44946.91, 42845.23, 44151.10, 44162.69]);
    assert_eq!(f.pages.len(), 3);
}

#[test]
fn an_empty_page_ends_the_pagination() {
    let server = ReplayServer::start(vec![
        Route::new("/fapi/v1/fundingRate", vec![Reply::ok(format!(
            r#"[{{"symbol":"BTCUSDT","fundingTime":{},"fundingRate":"0.00010000"}},{{"symbol":"BTCUSDT","fundingTime":{},"fundingRate":"0.00020000"}}]"#,
            ms("2024-01-01"),
            ms("2024-01-01") + 8 * 3_600_000
        ))])
        .with(&format!("startTime={}", ms("2024-01-01"))),
        Route::new("/fapi/v1/fundingRate", vec![Reply::ok("[]")]),
    ])
    .unwrap();
    let (c, _) = client(&server, None, false);
    let f =
        fetch(&c, &"funding-btc".parse().unwrap(), window("2024-01-01", "2024-01-31"), 2).unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(f.table.rows.len(), 1);
    assert!((f.table.rows[0].values[0].unwrap() - 0.0003).abs() < 1e-15);
}

#[test]
fn a_429_waits_its_retry_after_and_a_500_is_retried_with_backoff() {
    let csv = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.21,14.23,13.1,13.2\n01/03/2024,13.38,14.22,13.36,14.04\n";
    let server = ReplayServer::start(vec![Route::new(
        "/api/global/us_indices/daily_prices/VIX_History.csv",
        vec![
            Reply::status(429, "slow down").header("Retry-After", "3"),
            Reply::status(500, "oops"),
            Reply::ok(csv),
        ],
    )])
    .unwrap();
    let (c, slept) = client(&server, None, false);
    let f = fetch(&c, &"vix".parse().unwrap(), window("2024-01-01", "2024-01-31"), 1000).unwrap();
    assert_eq!(server.requests(), 3);
    assert_eq!(f.table.rows.len(), 2);
    let waits = c.stats().waits;
    assert_eq!(waits.len(), 2);
    assert_eq!(waits[0], Duration::from_secs(3), "Retry-After honoured");
    assert!(
        waits[1] >= Duration::from_millis(200) && waits[1] < Duration::from_millis(400),
        "backoff 2 x 200 ms with jitter: {:?}",
        waits[1]
    );
    assert_eq!(*slept.borrow(), waits);
    assert_eq!(c.stats().retries, 2);
}

#[test]
fn a_418_stops_at_once_and_a_persistent_500_gives_up_after_the_retries() {
    let server = ReplayServer::start(vec![
        Route::new("/api/v3/klines", vec![Reply::status(418, "banned")]),
        Route::new("/graph/fredgraph.csv", vec![Reply::status(503, "down")]),
    ])
    .unwrap();
    let (c, _) = client(&server, None, false);
    let e =
        fetch(&c, &"btc".parse().unwrap(), window("2024-01-01", "2024-01-31"), 1000).unwrap_err();
    assert!(
        matches!(e, FetchError::Http { status: 418, .. })
            && e.to_string().contains("banned this IP"),
        "{e}"
    );
    assert_eq!(server.requests(), 1);
    let e =
        fetch(&c, &"t3m".parse().unwrap(), window("2024-01-01", "2024-01-31"), 1000).unwrap_err();
    assert!(
        e.to_string().contains("HTTP 503") && e.to_string().contains("after 5 attempts"),
        "{e}"
    );
    assert_eq!(server.requests(), 1 + 5, "the default 4 retries bound the requests");
    assert!(!e.is_input());
}

#[test]
fn truncated_bodies_changed_columns_and_html_are_one_line_schema_errors() {
    let body = format!("[{},{}]", kline("2024-01-01", "44179.55"), kline("2024-01-02", "44946.91"));
    let server = ReplayServer::start(vec![
        // A transfer cut short, every time.
        Route::new("/api/v3/klines", vec![Reply::ok(body.clone()).cut(body.len() / 2)])
            .with("symbol=BTCUSDT"),
        // A complete response whose JSON is cut (the vendor's own truncation).
        Route::new("/api/v3/klines", vec![Reply::ok(body[..body.len() / 2].to_string())])
            .with("symbol=ETHUSDT"),
        Route::new(
            "/fapi/v1/fundingRate",
            vec![Reply::ok(
                r#"[{"symbol":"BTCUSDT","fundingTime":1704067200000,"rate":"0.0001"}]"#,
            )],
        ),
        Route::new(
            "/api/global/us_indices/daily_prices/VIX_History.csv",
            vec![Reply::ok("<!DOCTYPE html><html><body>Access Denied</body></html>")],
        ),
        Route::new(
            "/api/global/us_indices/daily_prices/VVIX_History.csv",
            vec![Reply::ok("DATE,VVIX\n01/02/2024,eighty\n")],
        ),
    ])
    .unwrap();
    let (c, _) = client(&server, None, false);
    let w = window("2024-01-01", "2024-01-31");
    let e = fetch(&c, &"btc".parse().unwrap(), w, 1000).unwrap_err().to_string();
    assert!(
        e.starts_with("binance:BTCUSDT: http://127.0.0.1:")
            && e.contains("truncated or unreadable body"),
        "{e}"
    );
    let e = fetch(&c, &"eth".parse().unwrap(), w, 1000).unwrap_err();
    assert!(
        e.is_input()
            && e.to_string().starts_with("binance:ETHUSDT: field `body`: truncated JSON body"),
        "{e}"
    );
    let e = fetch(&c, &"funding-btc".parse().unwrap(), w, 1000).unwrap_err().to_string();
    assert!(e.starts_with("binance-funding:BTCUSDT: field `fundingRate`: event 1: missing or not a decimal (got '{\"fundingTime\""), "{e}");
    let e = fetch(&c, &"vix".parse().unwrap(), w, 1000).unwrap_err().to_string();
    assert_eq!(e, "cboe:VIX: field `body`: HTML instead of CSV (got '<!DOCTYPE html><html><body>Access Denied</body></html>')");
    let e = fetch(&c, &"vvix".parse().unwrap(), w, 1000).unwrap_err().to_string();
    assert_eq!(e, "cboe:VVIX: field `VVIX`: line 2: not a number (got 'eighty')");
    assert_eq!(e.lines().count(), 1);
    assert!(server.requests() <= 5 + 4 + 4, "bounded: {}", server.requests());
}

#[test]
fn deribit_walks_backwards_with_continuation() {
    let (a, b, c0) = (ms("2024-01-01"), ms("2024-01-02"), ms("2024-01-03"));
    let end = ms("2024-01-03") + 86_399_999;
    let server = ReplayServer::start(vec![
        Route::new("/api/v2/public/get_volatility_index_data", vec![Reply::ok(format!(
            r#"{{"jsonrpc":"2.0","result":{{"data":[[{b},47.1,48.0,46.2,47.62],[{c0},47.62,49.9,47.0,49.03]],"continuation":{b}}}}}"#
        ))])
        .with(&format!("end_timestamp={end}")),
        Route::new("/api/v2/public/get_volatility_index_data", vec![Reply::ok(format!(
            r#"{{"jsonrpc":"2.0","result":{{"data":[[{a},45.0,47.5,44.9,47.1],[{b},47.1,48.0,46.2,47.62]],"continuation":null}}}}"#
        ))])
        .with(&format!("end_timestamp={b}")),
    ])
    .unwrap();
    let (cl, _) = client(&server, None, false);
    let f =
        fetch(&cl, &"dvol-btc".parse().unwrap(), window("2024-01-01", "2024-01-03"), 1000).unwrap();
    assert_eq!(server.requests(), 2, "{:?}", server.log());
    assert!(server.log()[0].contains("currency=BTC") && server.log()[0].contains("resolution=1D"));
    let closes: Vec<(NaiveDate, f64)> =
        f.table.rows.iter().map(|r| (r.date, r.values[3].unwrap())).collect();
    assert_eq!(
        closes,
        [(d("2024-01-01"), 47.1), (d("2024-01-02"), 47.62), (d("2024-01-03"), 49.03)]
    );
}

#[test]
fn vx_contracts_skip_unlisted_months() {
    let jan = "CFE data is compiled for the convenience of site visitors and is furnished without responsibility for accuracy.\n\
Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n\
2024-01-02,F (Jan 2024),13.9,14.5,13.8,14.4,14.3750,0.3,60000,10,150000,\n\
2024-01-03,F (Jan 2024),0,0,0,0,0,0,0,0,0,\n";
    let feb =
        "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n\
2024-01-02,G (Feb 2024),15.2,15.6,15.1,15.5,15.4250,0.2,30000,0,80000,\n";
    let server = ReplayServer::start(vec![
        Route::new(
            "/data/us/futures/market_statistics/historical_data/VX/VX_2024-01-17.csv",
            vec![Reply::ok(jan)],
        ),
        Route::new(
            "/data/us/futures/market_statistics/historical_data/VX/VX_2024-02-14.csv",
            vec![Reply::ok(feb)],
        ),
    ])
    .unwrap();
    let (c, _) = client(&server, None, false);
    let f = fetch(&c, &"vx".parse().unwrap(), window("2024-01-02", "2024-01-03"), 1000).unwrap();
    // January 2024 .. October 2024: ten monthly expiries asked for, eight not listed.
    assert_eq!(server.requests(), 10);
    assert_eq!(f.not_listed.len(), 8);
    let rows: Vec<(NaiveDate, NaiveDate, f64)> =
        f.futures.iter().map(|r| (r.date, r.expiry, r.settle)).collect();
    assert_eq!(
        rows,
        [(d("2024-01-02"), d("2024-01-17"), 14.375), (d("2024-01-02"), d("2024-02-14"), 15.425)]
    );
}

#[test]
fn offline_after_a_fetch_makes_no_request_and_a_miss_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = RawCache::new(tmp.path().join("cache"));
    let tvl = r#"[{"date":1704067200,"tvl":52123456789.5},{"date":1704153600,"tvl":53000000000}]"#;
    let server =
        ReplayServer::start(vec![Route::new("/v2/historicalChainTvl", vec![Reply::ok(tvl)])])
            .unwrap();
    let spec: Spec = "tvl".parse().unwrap();
    let w = window("2024-01-01", "2024-01-02");
    let (online, _) = client(&server, Some(cache.clone()), false);
    let first = fetch(&online, &spec, w, 1000).unwrap();
    assert_eq!(server.requests(), 1);
    let (offline, _) = client(&server, Some(cache.clone()), true);
    let again = fetch(&offline, &spec, w, 1000).unwrap();
    assert_eq!(server.requests(), 1, "offline: zero requests");
    assert_eq!(again, first);
    assert_eq!(offline.stats().cache_hits, 1);
    // Served from the cache whatever the base URL: the key is the vendor's path.
    let bases: HashMap<Host, String> = HashMap::new();
    let plain =
        Client::new(HttpConfig { offline: true, ..HttpConfig::default() }, Some(cache), bases);
    assert_eq!(fetch(&plain, &spec, w, 1000).unwrap(), first);
    let e = fetch(&plain, &"usdc".parse().unwrap(), w, 1000).unwrap_err();
    assert!(e.is_input());
    assert_eq!(e.to_string(), "defillama-stablecoin:USDC: offline and no cached response for https://stablecoins.llama.fi/stablecoinprices (fetch once without --offline)");
}
