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
use crosshedge_fetch::http::{Client, HttpConfig, ProxyEnv, USER_AGENT};
use crosshedge_fetch::replay::{ReplayServer, Reply, Route};
use crosshedge_fetch::source::{fetch, Host, SourceKind, Spec, Window, PRESETS};
use crosshedge_fetch::vendor::column_key;
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
) -> (Client<'static>, Rc<RefCell<Vec<Duration>>>) {
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
    let e = fetch(&c, &"btc".parse().unwrap(), w, 1000).unwrap_err();
    let m = e.to_string();
    // Retried (a transfer cut short may be the network's), then schema drift with an excerpt
    // of the bytes that did come.
    assert!(e.is_input(), "{m}");
    assert!(
        m.starts_with("binance:BTCUSDT: field `body`: truncated: ")
            && m.contains("after 5 attempts")
            && m.contains(&format!("(got '{}", &body[..20])),
        "{m}"
    );
    assert_eq!(m.lines().count(), 1);
    assert_eq!(server.requests(), 5, "the default 4 retries");
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

#[test]
fn every_request_carries_the_user_agent_naming_tool_and_version() {
    let csv = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.21,14.23,13.1,13.2\n";
    let server = ReplayServer::start(vec![Route::new(
        "/api/global/us_indices/daily_prices/VIX_History.csv",
        vec![Reply::status(500, "oops"), Reply::ok(csv)],
    )])
    .unwrap();
    let (c, _) = client(&server, None, false);
    fetch(&c, &"vix".parse().unwrap(), window("2024-01-01", "2024-01-31"), 1000).unwrap();
    let want = format!("crosshedge/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(USER_AGENT, want);
    assert_eq!(server.header_values("User-Agent"), [Some(want.clone()), Some(want)], "retry too");
}

#[test]
fn the_rate_limiter_spaces_requests_to_one_host_and_not_across_hosts() {
    let kl = format!("[{}]", kline("2024-01-01", "44179.55"));
    let csv = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.21,14.23,13.1,13.2\n";
    let server = ReplayServer::start(vec![
        Route::new("/api/v3/klines", vec![Reply::ok(kl)]),
        Route::new("/api/global/us_indices/daily_prices/VIX_History.csv", vec![Reply::ok(csv)]),
    ])
    .unwrap();
    let bases: HashMap<Host, String> =
        Host::ALL.into_iter().map(|h| (h, server.base_url())).collect();
    let gap = Duration::from_secs(10);
    let cfg = HttpConfig { min_interval: Some(gap), ..HttpConfig::default() };
    let slept = Rc::new(RefCell::new(Vec::new()));
    let s = slept.clone();
    let c = Client::new(cfg, None, bases).with_sleep(move |d| s.borrow_mut().push(d));
    let w = window("2024-01-01", "2024-01-01");
    let btc: Spec = "btc".parse().unwrap();
    fetch(&c, &btc, w, 1000).unwrap(); // Binance: first request, no wait
    fetch(&c, &"vix".parse().unwrap(), w, 1000).unwrap(); // Cboe: another host, no wait
    assert!(slept.borrow().is_empty(), "{:?}", slept.borrow());
    fetch(&c, &btc, w, 1000).unwrap(); // Binance again: waits out the interval
    fetch(&c, &btc, w, 1000).unwrap();
    let waits = slept.borrow().clone();
    assert_eq!(waits.len(), 2, "{waits:?}");
    // The clock runs only for the real request times (the sleeps are recorded, not slept),
    // so each wait is the interval less a few milliseconds of loopback round trips.
    for w in &waits {
        assert!(*w <= gap && *w > gap - Duration::from_secs(1), "{w:?}");
    }
    assert_eq!(c.stats().retries, 0, "pacing is not a retry");
    // The default pacing of Binance is its documented shared limit, 500 requests / 5 min / IP.
    assert_eq!(Host::Binance.min_interval(), Duration::from_secs(5 * 60) / 500);
    assert_eq!(Host::BinanceFutures.min_interval(), Duration::from_secs(5 * 60) / 500);
}

#[test]
fn a_proxy_from_the_environment_tunnels_vendor_requests_and_no_proxy_bypasses_it() {
    // The replay server plays the proxy: it accepts the CONNECT and serves the request sent
    // through the tunnel. The vendor's host (`.invalid`, never resolvable) is resolved by
    // the proxy only, so nothing leaves the loopback interface.
    let tvl = r#"[{"date":1704153600,"tvl":54770861270},{"date":1704240000,"tvl":54630763766}]"#;
    let proxy =
        ReplayServer::start(vec![Route::new("/v2/historicalChainTvl", vec![Reply::ok(tvl)])])
            .unwrap();
    let env: HashMap<&str, String> = [
        ("http_proxy", proxy.base_url()),
        ("HTTPS_PROXY", "http://127.0.0.1:9".to_string()),
        ("NO_PROXY", "stablecoins.llama.invalid, .internal".to_string()),
    ]
    .into_iter()
    .collect();
    let penv = ProxyEnv::from_lookup(|k| env.get(k).cloned());
    assert_eq!(penv.http.as_deref(), Some(proxy.base_url().as_str()));
    assert_eq!(penv.proxy_for("http://api.llama.invalid/v2"), Some(proxy.base_url().as_str()));
    assert_eq!(penv.proxy_for("https://api.llama.invalid/v2"), Some("http://127.0.0.1:9"));
    assert_eq!(penv.proxy_for("http://stablecoins.llama.invalid/x"), None, "NO_PROXY");
    assert_eq!(penv.proxy_for("http://a.internal/x"), None, "NO_PROXY suffix");
    assert_eq!(penv.proxy_for(&format!("{}/x", proxy.base_url())), None, "loopback");
    let bases: HashMap<Host, String> =
        [(Host::Defillama, "http://api.llama.invalid".to_string())].into_iter().collect();
    let cfg =
        HttpConfig { min_interval: Some(Duration::ZERO), retries: 0, ..HttpConfig::default() };
    let c = Client::new(cfg, None, bases).with_proxy_env(penv);
    let f = fetch(&c, &"tvl".parse().unwrap(), window("2024-01-02", "2024-01-03"), 1000).unwrap();
    assert_eq!(proxy.connects(), ["api.llama.invalid:80"]);
    assert_eq!(proxy.log(), ["/v2/historicalChainTvl"]);
    assert_eq!(proxy.header_values("user-agent"), [Some(USER_AGENT.to_string())]);
    let tvls: Vec<f64> = f.table.rows.iter().map(|r| r.values[0].unwrap()).collect();
    assert_eq!(tvls, [54_770_861_270.0, 54_630_763_766.0]);
    // A proxy variable that is not a proxy URL is a one-line request error naming the source.
    let bad = ProxyEnv::from_lookup(|k| (k == "ALL_PROXY").then(|| "http://[bad".to_string()));
    let bases: HashMap<Host, String> =
        [(Host::Defillama, "http://api.llama.invalid".to_string())].into_iter().collect();
    let c = Client::new(HttpConfig::default(), None, bases).with_proxy_env(bad);
    let e =
        fetch(&c, &"tvl".parse().unwrap(), window("2024-01-02", "2024-01-03"), 1000).unwrap_err();
    assert!(
        e.is_input() && e.to_string().starts_with("defillama-tvl:all: proxy 'http://[bad'"),
        "{e}"
    );
}

#[test]
fn cancelling_stops_before_the_next_request_and_inside_a_retry_after_wait() {
    let server = ReplayServer::start(vec![Route::new(
        "/api/v3/klines",
        ["01", "03", "05", "07"]
            .map(|day| {
                let next = format!("2024-01-{:02}", day.parse::<u32>().unwrap() + 1);
                Reply::ok(format!(
                    "[{},{}]",
                    kline(&format!("2024-01-{day}"), "44179.55"),
                    kline(&next, "44946.91")
                ))
            })
            .to_vec(),
    )])
    .unwrap();
    let (c, slept) = client(&server, None, false);
    // Cancelled once the server has seen 2 requests: limit=2 pages never end by themselves.
    let c = c.with_cancel(|| server.requests() >= 2);
    let e = fetch(&c, &"btc".parse().unwrap(), window("2024-01-01", "2024-12-31"), 2).unwrap_err();
    assert!(matches!(e, FetchError::Cancelled) && !e.is_input(), "{e}");
    assert_eq!(server.requests(), 2);
    // A 100 s Retry-After is cut at the first 100 ms slice once cancelled.
    let flag = std::cell::Cell::new(false);
    let server2 = ReplayServer::start(vec![Route::new(
        "/api/global/us_indices/daily_prices/VIX_History.csv",
        vec![Reply::status(429, "slow down").header("Retry-After", "100")],
    )])
    .unwrap();
    let (c2, slept2) = client(&server2, None, false);
    let flag_ref = &flag;
    let s2 = slept2.clone();
    let c2 = c2.with_cancel(move || {
        // Cancel after one slice of the wait has been slept.
        if !s2.borrow().is_empty() {
            flag_ref.set(true);
        }
        flag_ref.get()
    });
    let e =
        fetch(&c2, &"vix".parse().unwrap(), window("2024-01-01", "2024-01-31"), 1000).unwrap_err();
    assert!(matches!(e, FetchError::Cancelled), "{e}");
    assert_eq!(*slept2.borrow(), [Duration::from_millis(100)], "one slice, not 100 s");
    assert_eq!(server2.requests(), 1);
    assert!(slept.borrow().is_empty());
}

/// The fixtures of every preset, in each vendor's documented format, with the real values of
/// 2024-01-02 and 2024-01-03 from ../shared/data (cboe_vol_indices_daily, fred_daily,
/// crypto_ohlcv_yahoo_daily closes, funding_rates_daily Binance sums split into three 8-hour
/// events, defi_tvl_defillama_daily, stablecoin_supply_defillama_daily, stablecoins_depeg_daily
/// Yahoo closes); DVOL hand-made (no DVOL file there).
fn every_vendor() -> (Vec<Route>, HashMap<&'static str, [f64; 2]>) {
    let cboe = |sym: &str, header: &str, a: f64, b: f64| {
        Route::new(
            &format!("/api/global/us_indices/daily_prices/{sym}_History.csv"),
            vec![Reply::ok(format!("{header}\n01/02/2024,{a}\n01/03/2024,{b}\n"))],
        )
    };
    let ohlc = |sym: &str, a: f64, b: f64| {
        Route::new(
            &format!("/api/global/us_indices/daily_prices/{sym}_History.csv"),
            vec![Reply::ok(format!(
                "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,{a},{a},{a},{a}\n01/03/2024,{b},{b},{b},{b}\n"
            ))],
        )
    };
    let klines = |sym: &str, a: &str, b: &str| {
        Route::new(
            "/api/v3/klines",
            vec![Reply::ok(format!("[{},{}]", kline("2024-01-02", a), kline("2024-01-03", b)))],
        )
        .with(&format!("symbol={sym}&"))
    };
    let funding = |sym: &str, a: &str, b: &str| {
        let ev: Vec<String> = [("2024-01-02", a), ("2024-01-03", b)]
            .iter()
            .flat_map(|(day, r)| {
                (0..3).map(move |k| {
                    format!(
                        r#"{{"symbol":"{sym}","fundingTime":{},"fundingRate":"{r}","markPrice":"1"}}"#,
                        ms(day) + k * 8 * 3_600_000
                    )
                })
            })
            .collect();
        Route::new("/fapi/v1/fundingRate", vec![Reply::ok(format!("[{}]", ev.join(",")))])
            .with(&format!("symbol={sym}&"))
    };
    let dvol = |cur: &str, a: f64, b: f64| {
        Route::new("/api/v2/public/get_volatility_index_data", vec![Reply::ok(format!(
            r#"{{"jsonrpc":"2.0","result":{{"data":[[{},{a},{a},{a},{a}],[{},{b},{b},{b},{b}]],"continuation":null}}}}"#,
            ms("2024-01-02"),
            ms("2024-01-03")
        ))])
        .with(&format!("currency={cur}&"))
    };
    let fred = |id: &str, a: f64, b: f64| {
        Route::new(
            "/graph/fredgraph.csv",
            vec![Reply::ok(format!("observation_date,{id}\n2024-01-02,{a}\n2024-01-03,{b}\n"))],
        )
        .with(&format!("id={id}&"))
    };
    let (d2, d3) = (1_704_153_600, 1_704_240_000);
    let supply = |id: &str, a: f64, b: f64| {
        Route::new("/stablecoincharts/all", vec![Reply::ok(format!(
            r#"[{{"date":"{d2}","totalCirculatingUSD":{{"peggedUSD":{a}}}}},{{"date":"{d3}","totalCirculatingUSD":{{"peggedUSD":{b}}}}}]"#
        ))])
        .with(&format!("stablecoin={id}"))
    };
    let routes = vec![
        ohlc("VIX", 13.2, 14.04),
        ohlc("VIX9D", 12.59, 13.24),
        ohlc("VIX3M", 15.48, 16.04),
        cboe("VVIX", "DATE,VVIX", 88.09, 89.65),
        cboe("SKEW", "DATE,SKEW", 134.8, 134.23),
        Route::new(
            "/data/us/futures/market_statistics/historical_data/VX/VX_2024-01-17.csv",
            vec![Reply::ok(
                "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n\
2024-01-02,F (Jan 2024),13.9,14.5,13.8,14.4,14.3750,0.3,60000,10,150000,\n\
2024-01-03,F (Jan 2024),14.4,15.1,14.3,15.0,14.9250,0.55,70000,0,149000,\n",
            )],
        ),
        klines("BTCUSDT", "44957.96875", "42848.17578125"),
        klines("ETHUSDT", "2355.83642578", "2210.76196289"),
        klines("SOLUSDT", "106.61122131", "98.59443665"),
        funding("BTCUSDT", "0.00051585", "0.00016094"),
        funding("ETHUSDT", "0.00010000", "0.00008000"),
        dvol("BTC", 56.43, 61.77),
        dvol("ETH", 52.1, 58.3),
        Route::new(
            "/api/v2/public/get_book_summary_by_currency",
            vec![Reply::ok(std::fs::read(golden_dir().join("deribit_book_summary_btc.json")).unwrap())],
        )
        .with("kind=option"),
        // Per chain (DefiLlama's Ethereum TVL; before the total, whose path is its prefix).
        Route::new("/v2/historicalChainTvl/Ethereum", vec![Reply::ok(format!(
            r#"[{{"date":{d2},"tvl":30312345678}},{{"date":{d3},"tvl":30187654321}}]"#
        ))]),
        Route::new("/v2/historicalChainTvl", vec![Reply::ok(format!(
            r#"[{{"date":{d2},"tvl":54770861270}},{{"date":{d3},"tvl":54630763766}}]"#
        ))]),
        Route::new("/stablecoinprices", vec![Reply::ok(format!(
            r#"[{{"date":{d2},"prices":{{"usd-coin":1.00016296,"tether":1.000507,"dai":0.99987}}}},{{"date":{d3},"prices":{{"usd-coin":1.00018203,"tether":1.00065696,"dai":null}}}}]"#
        ))]),
        supply("1", 91_682_127_370.0, 92_020_117_112.0),
        supply("2", 23_950_386_290.0, 24_114_881_441.0),
        fred("DGS3MO", 5.46, 5.48),
        fred("DFF", 5.33, 5.33),
        fred("SOFR", 5.4, 5.39),
    ];
    let want: HashMap<&str, [f64; 2]> = [
        ("vix", [13.2, 14.04]),
        ("vix9d", [12.59, 13.24]),
        ("vix3m", [15.48, 16.04]),
        ("vvix", [88.09, 89.65]),
        ("skew", [134.8, 134.23]),
        ("vx", [14.375, 14.925]),
        ("btc", [44957.96875, 42848.17578125]),
        ("eth", [2355.83642578, 2210.76196289]),
        ("sol", [106.61122131, 98.59443665]),
        // funding_rates_daily: binance_btcusdt_daily_sum 0.00154755, 0.00048282 (n = 3).
        ("funding-btc", [0.00154755, 0.00048282]),
        ("funding-eth", [0.0003, 0.00024]),
        ("dvol", [56.43, 61.77]),
        ("dvol-btc", [56.43, 61.77]),
        ("dvol-eth", [52.1, 58.3]),
        ("tvl", [54_770_861_270.0, 54_630_763_766.0]),
        ("usdc", [1.00016296, 1.00018203]),
        ("usdt", [1.000507, 1.00065696]),
        ("dai", [0.99987, f64::NAN]),
        ("usdt-mcap", [91_682_127_370.0, 92_020_117_112.0]),
        ("usdc-mcap", [23_950_386_290.0, 24_114_881_441.0]),
        ("t3m", [5.46, 5.48]),
        ("dff", [5.33, 5.33]),
        ("sofr", [5.4, 5.39]),
    ]
    .into_iter()
    .collect();
    (routes, want)
}

#[test]
fn every_preset_and_the_issues_specs_fetch_against_the_replay_server() {
    let (routes, want) = every_vendor();
    let server = ReplayServer::start(routes).unwrap();
    let (c, _) = client(&server, None, false);
    let w = window("2024-01-02", "2024-01-03");
    let mut kinds = std::collections::HashSet::new();
    for (preset, spec_text) in PRESETS {
        let spec: Spec = preset.parse().unwrap();
        assert_eq!(spec, spec_text.parse::<Spec>().unwrap(), "{preset}");
        kinds.insert(spec.kind);
        if *preset == "vro" {
            // Settlement days only: its own test below.
            continue;
        }
        let before = server.requests();
        let f = fetch(&c, &spec, w, 1000).unwrap_or_else(|e| panic!("{preset}: {e}"));
        if spec.kind == SourceKind::DeribitOptions {
            // A snapshot: one row (its values: the golden test below).
            assert_eq!(f.table.rows.len(), 1, "{preset}");
            assert_eq!(server.requests() - before, 1);
            continue;
        }
        let got: Vec<f64> = if spec.kind == SourceKind::CboeVx {
            f.futures.iter().map(|r| r.settle).collect()
        } else {
            let k = f
                .table
                .columns
                .iter()
                .position(|c| column_key(c) == column_key(&spec.column()))
                .unwrap_or_else(|| panic!("{preset}: no column {}", spec.column()));
            f.table.rows.iter().map(|r| r.values[k].unwrap_or(f64::NAN)).collect()
        };
        let dates: Vec<NaiveDate> = if spec.kind == SourceKind::CboeVx {
            f.futures.iter().map(|r| r.date).collect()
        } else {
            f.table.rows.iter().map(|r| r.date).collect()
        };
        assert_eq!(dates, [d("2024-01-02"), d("2024-01-03")], "{preset}");
        let exp = want[preset];
        for (g, e) in got.iter().zip(exp) {
            // Exact for parsed numbers; funding is a sum of three decimals (1 ulp-scale).
            assert!(
                (g.is_nan() && e.is_nan()) || (g - e).abs() <= 1e-15 * e.abs().max(1.0),
                "{preset}: {got:?} vs {exp:?}"
            );
        }
        assert_eq!(got.len(), 2, "{preset}");
        let n = server.requests() - before;
        let max = if spec.kind == SourceKind::CboeVx { 10 } else { 1 };
        assert!(n >= 1 && n <= max, "{preset}: {n} requests");
    }
    assert_eq!(kinds.len(), SourceKind::ALL.len(), "the presets cover every source");
    // The issue's own spec strings.
    for s in [
        "cboe:VIX=vix",
        "cboe-vx",
        "fred:DGS3MO=t3m",
        "binance:BTCUSDT=btc",
        "binance-funding:BTCUSDT=funding_btc",
        "deribit-dvol:BTC=dvol",
        "defillama-tvl:all=tvl",
        "defillama-stablecoin:USDC=usdc",
    ] {
        let spec: Spec = s.parse().unwrap();
        let f = fetch(&c, &spec, w, 1000).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert!(f.table.rows.len() == 2 || f.futures.len() == 2, "{s}");
    }
    let eth: Spec = "defillama-tvl:Ethereum=tvl_eth".parse().unwrap();
    let f = fetch(&c, &eth, w, 1000).unwrap();
    assert_eq!(server.log().last().unwrap(), "/v2/historicalChainTvl/Ethereum");
    let tvls: Vec<f64> = f.table.rows.iter().map(|r| r.values[0].unwrap()).collect();
    assert_eq!(tvls, [30_312_345_678.0, 30_187_654_321.0]);
}

#[test]
fn a_server_that_never_answers_times_out_within_the_configured_timeout() {
    // Accepts the connection and says nothing.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(2).filter_map(Result::ok).collect();
        std::thread::sleep(Duration::from_secs(3));
        drop(conns);
    });
    let bases: HashMap<Host, String> =
        [(Host::Fred, format!("http://{addr}"))].into_iter().collect();
    let cfg = HttpConfig {
        timeout: Duration::from_millis(300),
        retries: 1,
        min_interval: Some(Duration::ZERO),
        ..HttpConfig::default()
    };
    let c = Client::new(cfg, None, bases).with_sleep(|_| {});
    let t = std::time::Instant::now();
    let e =
        fetch(&c, &"t3m".parse().unwrap(), window("2024-01-02", "2024-01-03"), 1000).unwrap_err();
    let took = t.elapsed();
    assert!(matches!(e, FetchError::Transport { .. }) && !e.is_input(), "{e}");
    let m = e.to_string();
    assert!(
        m.starts_with("fred:DGS3MO: http://127.0.0.1:") && m.contains("after 2 attempts"),
        "{m}"
    );
    assert!(took >= Duration::from_millis(600) && took < Duration::from_secs(3), "{took:?}");
    hold.join().unwrap();
}

fn golden_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

#[test]
fn a_deribit_option_snapshot_gives_the_30_day_atm_vol_of_the_numpy_golden() {
    // tests/golden/gen_deribit_snapshot.py wrote the response and, with numpy.polyfit and its
    // own interpolation, the expected values.
    let raw = std::fs::read(golden_dir().join("deribit_book_summary_btc.json")).unwrap();
    let golden: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden_dir().join("deribit_snapshot.json")).unwrap(),
    )
    .unwrap();
    let tol = golden["tolerance"].as_f64().unwrap();
    let server = ReplayServer::start(vec![Route::new(
        "/api/v2/public/get_book_summary_by_currency",
        vec![Reply::ok(raw.clone())],
    )
    .with("currency=BTC&kind=option")])
    .unwrap();
    let (c, _) = client(&server, None, false);
    // The window ends before the snapshot: a snapshot is kept whatever the window.
    let f =
        fetch(&c, &"iv30-btc".parse().unwrap(), window("2023-12-01", "2024-01-01"), 1000).unwrap();
    assert_eq!(
        server.log(),
        ["/api/v2/public/get_book_summary_by_currency?currency=BTC&kind=option"]
    );
    assert_eq!(f.table.columns, ["atm_iv_30d", "skew_30d"]);
    let row = &f.table.rows[0];
    assert_eq!(row.date, d(golden["date"].as_str().unwrap()));
    let (atm, skew) = (row.values[0].unwrap(), row.values[1].unwrap());
    let want = (golden["atm_iv_30d"].as_f64().unwrap(), golden["skew_30d"].as_f64().unwrap());
    assert!((atm - want.0).abs() <= tol * want.0, "{atm} vs {}", want.0);
    assert!((skew - want.1).abs() <= tol, "{skew} vs {}", want.1);
    // Every smile of the golden, expiry by expiry.
    let marks = crosshedge_fetch::vendor::deribit::parse_book_summary(&raw, "t").unwrap();
    let now = marks.iter().map(|m| m.time_ms).max().unwrap();
    let sm = crosshedge_fetch::vendor::deribit::smiles(&marks, now);
    let gs = golden["smiles"].as_array().unwrap();
    assert_eq!(sm.len(), gs.len());
    for (s, g) in sm.iter().zip(gs) {
        assert_eq!(s.n as u64, g["n"].as_u64().unwrap());
        assert!((s.years - g["years"].as_f64().unwrap()).abs() <= 1e-15);
        assert!((s.atm - g["atm"].as_f64().unwrap()).abs() <= tol, "{s:?} {g}");
        assert!((s.skew - g["skew"].as_f64().unwrap()).abs() <= tol, "{s:?} {g}");
    }
}

/// VRO: Cboe's VIX final-settlement values (`VRO_History.csv`, `DATE,VRO`, `MM/DD/YYYY`, one
/// print per settlement day), the values of the Dec 2023 – Feb 2024 monthly settlements as
/// ../shared/data's contracts file has them on their expiry rows.
#[test]
fn vro_final_settlement_values_fetch_as_a_settlement_day_series() {
    let path = "/api/global/us_indices/daily_prices/VRO_History.csv";
    let body = "DATE,VRO\n11/15/2023,14.270000\n12/20/2023,12.310000\n01/17/2024,15.130000\n02/14/2024,14.320000\n";
    let server = ReplayServer::start(vec![Route::new(path, vec![Reply::ok(body)])]).unwrap();
    let (c, _) = client(&server, None, false);
    let spec: Spec = "vro".parse().unwrap();
    assert_eq!(spec, "cboe:VRO=vro".parse::<Spec>().unwrap());
    let f = fetch(&c, &spec, window("2023-12-01", "2024-02-29"), 1000).unwrap();
    let k = f.table.columns.iter().position(|c| column_key(c) == "vro").unwrap();
    let got: Vec<(NaiveDate, f64)> =
        f.table.rows.iter().map(|r| (r.date, r.values[k].unwrap())).collect();
    assert_eq!(got, [(d("2023-12-20"), 12.31), (d("2024-01-17"), 15.13), (d("2024-02-14"), 14.32)]);
    // Every print is on a VIX settlement day (these three: the monthly rule).
    assert!(got.iter().all(|(d, _)| crosshedge_core::calendar::is_vix_expiry(*d)));
    // (A renamed value column is schema drift: tests/cli_fetch.rs.)
}
