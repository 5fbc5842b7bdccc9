//! `crosshedge fetch` and `crosshedge import --format` end to end, against the loopback replay
//! server of crosshedge-fetch (127.0.0.1, port 0; no test touches the internet). Fixtures are
//! small and hand-made in each vendor's documented format, with values typed from
//! `../shared/data` (VIX and DGS3MO closes of January 2024; BTC closes of the Yahoo file).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use crosshedge_fetch::replay::{ReplayServer, Reply, Route};

const VIX_PATH: &str = "/api/global/us_indices/daily_prices/VIX_History.csv";

/// Cboe's VIX history (`DATE,OPEN,HIGH,LOW,CLOSE`, `MM/DD/YYYY`): 2024-01-02 .. 2024-01-09.
const VIX_CSV: &str = "DATE,OPEN,HIGH,LOW,CLOSE\n\
01/02/2024,13.22,14.23,13.10,13.20\n\
01/03/2024,13.35,14.22,13.33,14.04\n\
01/04/2024,13.93,14.20,13.64,14.13\n\
01/05/2024,14.24,14.58,13.29,13.35\n\
01/08/2024,14.00,14.18,13.02,13.08\n\
01/09/2024,13.20,13.45,12.74,12.76\n";

/// FRED's `fredgraph.csv` for DGS3MO (percent; `.` = missing on the New Year holiday).
const FRED_CSV: &str = "observation_date,DGS3MO\n2024-01-01,.\n2024-01-02,5.46\n2024-01-03,5.48\n2024-01-04,5.48\n2024-01-05,5.47\n";

/// BTC daily closes typed from the Yahoo file, 2024-01-01 .. 2024-01-09.
const BTC: [(&str, &str); 9] = [
    ("2024-01-01", "44167.33"),
    ("2024-01-02", "44957.97"),
    ("2024-01-03", "42848.18"),
    ("2024-01-04", "44179.92"),
    ("2024-01-05", "44162.69"),
    ("2024-01-06", "43989.20"),
    ("2024-01-07", "43943.10"),
    ("2024-01-08", "46970.50"),
    ("2024-01-09", "46139.73"),
];

fn ms(date: &str) -> i64 {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

/// Binance klines (12-field arrays, epoch-ms open time, decimals as strings) of `rows`.
fn klines(rows: &[(&str, &str)]) -> String {
    let k: Vec<String> = rows
        .iter()
        .map(|(d, c)| {
            let t = ms(d);
            format!(
                r#"[{t},"{c}","{c}","{c}","{c}","1000.5",{},"44000000.1",100000,"500.1","22000000.0","0"]"#,
                t + 86_399_999
            )
        })
        .collect();
    format!("[{}]", k.join(","))
}

/// Runs the binary in `dir` with extra environment variables.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::cargo_bin("crosshedge").unwrap();
    c.current_dir(dir).args(args);
    for v in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
    ] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let (rc, out, err) = run_env(dir, args, env);
    assert_eq!(rc, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

fn server() -> ReplayServer {
    ReplayServer::start(vec![
        Route::new(VIX_PATH, vec![Reply::ok(VIX_CSV)]),
        Route::new("/graph/fredgraph.csv", vec![Reply::ok(FRED_CSV)]).with("id=DGS3MO"),
        Route::new("/api/v3/klines", vec![Reply::ok(klines(&BTC))]).with("symbol=BTCUSDT"),
    ])
    .unwrap()
}

fn series_rows(dir: &Path) -> Vec<(String, u64)> {
    let v = json_ok(dir, &["series", "--json"], &[]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["rows"].as_u64().unwrap()))
        .collect()
}

#[test]
fn fetch_into_a_fresh_store_then_offline_makes_no_request() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = server();
    let base = s.base_url();
    let (cboe, fred) = (format!("CBOE={base}"), format!("FRED={base}"));
    // Binance through the environment variable, the others through --base-url.
    let env = [("CROSSHEDGE_BASE_URL_BINANCE", base.as_str())];
    let args = [
        "fetch",
        "vix",
        "btc",
        "t3m",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-09",
        "--base-url",
        &cboe,
        "--base-url",
        &fred,
        "--json",
    ];
    let v = json_ok(dir, &args, &env);
    assert_eq!(s.requests(), 3, "{:?}", s.log());
    let src = v["sources"].as_array().unwrap();
    let got: Vec<(&str, &str, u64, u64, u64)> = src
        .iter()
        .map(|x| {
            (
                x["source"].as_str().unwrap(),
                x["name"].as_str().unwrap(),
                x["rows_fetched"].as_u64().unwrap(),
                x["rows_new"].as_u64().unwrap(),
                x["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("cboe", "vix", 6, 6, 1), ("binance", "btc", 9, 9, 1), ("fred", "dgs3mo", 4, 4, 1)]
    );
    assert_eq!(
        series_rows(dir),
        [("btc".to_string(), 9), ("dgs3mo".to_string(), 4), ("vix".to_string(), 6)]
    );
    // FRED percent → decimal; the raw payload's SHA-256 recorded.
    let t3m = json_ok(dir, &["series", "show", "dgs3mo", "--json"], &[]);
    let first = &t3m["observations"][0];
    assert_eq!(first[0], "2024-01-02");
    assert!((first[1].as_f64().unwrap() - 0.0546).abs() < 1e-15, "{first}");
    let vix_sha = crosshedge_data::import::sha256_hex(VIX_CSV.as_bytes());
    assert_eq!(src[0]["sha256"], vix_sha.as_str());
    let imports = json_ok(dir, &["series", "imports", "--json"], &[]);
    assert!(imports.to_string().contains(&vix_sha), "{imports}");
    assert!(dir.join(".crosshedge-cache/objects").join(&vix_sha).exists());

    // --offline after a fetch: zero requests, the same rows (unchanged).
    let mut off = args.to_vec();
    off.push("--offline");
    let v = json_ok(dir, &off, &env);
    assert_eq!(s.requests(), 3, "offline made a request: {:?}", s.log());
    for x in v["sources"].as_array().unwrap() {
        assert_eq!(x["requests"], 0);
        assert_eq!(x["cache_hits"], 1);
        assert_eq!(x["rows_new"], 0);
    }
}

#[test]
fn a_changed_column_exits_2_with_one_line_and_leaves_the_store_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let good = server();
    let b = format!("BINANCE={}", good.base_url());
    json_ok(
        dir,
        &["fetch", "btc", "--from", "2024-01-01", "--to", "2024-01-05", "--base-url", &b, "--json"],
        &[],
    );
    let before = series_rows(dir);
    let imports_before = json_ok(dir, &["series", "imports", "--json"], &[]);
    let drifted = ReplayServer::start(vec![
        Route::new(VIX_PATH, vec![Reply::ok(VIX_CSV.replace("CLOSE", "LAST"))]),
        Route::new("/api/v3/klines", vec![Reply::ok(klines(&BTC))]),
    ])
    .unwrap();
    let base = drifted.base_url();
    let (c, b) = (format!("CBOE={base}"), format!("BINANCE={base}"));
    // btc (new rows) first, then the drifted vix: nothing may be written.
    let (rc, out, err) = run_env(
        dir,
        &[
            "fetch",
            "btc",
            "vix",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-09",
            "--base-url",
            &c,
            "--base-url",
            &b,
        ],
        &[],
    );
    assert_eq!(rc, 2, "{out}{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("cboe:VIX") && err.contains("field `close`"), "{err}");
    assert_eq!(series_rows(dir), before, "store untouched");
    assert_eq!(json_ok(dir, &["series", "imports", "--json"], &[]), imports_before);
}

#[test]
fn a_429_with_retry_after_then_success() {
    let tmp = tempfile::tempdir().unwrap();
    let s = ReplayServer::start(vec![Route::new(
        VIX_PATH,
        vec![Reply::status(429, "slow down").header("Retry-After", "1"), Reply::ok(VIX_CSV)],
    )])
    .unwrap();
    let c = format!("CBOE={}", s.base_url());
    let t = std::time::Instant::now();
    let v = json_ok(
        tmp.path(),
        &["fetch", "vix", "--to", "2024-01-09", "--base-url", &c, "--json"],
        &[],
    );
    assert!(t.elapsed() >= std::time::Duration::from_secs(1), "Retry-After honoured");
    assert_eq!(s.requests(), 2);
    assert_eq!(v["sources"][0]["requests"], 2);
    assert_eq!(v["sources"][0]["rows_new"], 6);
}

#[test]
fn a_second_fetch_asks_only_from_the_last_date_minus_the_overlap() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = server();
    let b = format!("BINANCE={}", s.base_url());
    json_ok(
        dir,
        &["fetch", "btc", "--from", "2024-01-01", "--to", "2024-01-05", "--base-url", &b, "--json"],
        &[],
    );
    assert!(s.log()[0].contains(&format!("startTime={}", ms("2024-01-01"))), "{:?}", s.log());
    let v = json_ok(dir, &["fetch", "btc", "--to", "2024-01-09", "--base-url", &b, "--json"], &[]);
    // Last stored 2024-01-05, overlap 7 days: from 2023-12-29.
    assert!(s.log()[1].contains(&format!("startTime={}", ms("2023-12-29"))), "{:?}", s.log());
    let x = &v["sources"][0];
    assert_eq!(
        (x["from"].as_str(), x["rows_new"].as_u64(), x["rows_unchanged"].as_u64()),
        (Some("2023-12-29"), Some(4), Some(5))
    );
    assert_eq!(series_rows(dir), [("btc".to_string(), 9)]);
}

#[test]
fn import_format_reads_each_vendor_file_as_downloaded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("VIX_History.csv"), VIX_CSV).unwrap();
    std::fs::write(dir.join("fredgraph.csv"), FRED_CSV).unwrap();
    std::fs::write(dir.join("klines.json"), klines(&BTC)).unwrap();
    // Yahoo: adjusted close, `null` on a missing day.
    std::fs::write(
        dir.join("SPY.csv"),
        "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,472.16,473.67,470.49,472.65,466.43,123623700\n2024-01-03,470.43,471.19,468.17,468.79,462.62,103585900\n2024-01-04,null,null,null,null,null,null\n",
    )
    .unwrap();
    // Deribit get_volatility_index_data.
    std::fs::write(
        dir.join("dvol.json"),
        format!(
            r#"{{"jsonrpc":"2.0","result":{{"data":[[{},47.1,48.0,46.2,47.62],[{},47.62,49.9,47.0,49.03]],"continuation":null}}}}"#,
            ms("2024-01-02"),
            ms("2024-01-03")
        ),
    )
    .unwrap();
    let cases: [(&str, &str, &str, &[&str], u64); 5] = [
        ("cboe", "VIX_History.csv", "vix=close", &["--unit", "index-level"], 6),
        ("fred", "fredgraph.csv", "dgs3mo=DGS3MO", &["--unit", "rate"], 4),
        ("binance-klines", "klines.json", "btc=close", &["--calendar", "crypto"], 9),
        ("yahoo", "SPY.csv", "spy=adj_close", &[], 2),
        (
            "deribit-dvol",
            "dvol.json",
            "dvol=close",
            &["--calendar", "crypto", "--unit", "index-level"],
            2,
        ),
    ];
    for (format, file, series, extra, rows) in cases {
        let mut args = vec!["import", file, "--format", format, "--series", series, "--json"];
        args.extend_from_slice(extra);
        let v = json_ok(dir, &args, &[]);
        assert_eq!(v[0]["series"][0]["new"], rows, "{format}: {v}");
        let raw = std::fs::read(dir.join(file)).unwrap();
        assert_eq!(v[0]["sha256"], crosshedge_data::import::sha256_hex(&raw).as_str(), "{format}");
    }
    let spy = json_ok(dir, &["series", "show", "spy", "--json"], &[]);
    assert_eq!(spy["observations"][1][1], 462.62);
    // A wrong format: exit 2, one line naming the file and field.
    let (rc, _, err) = run_env(
        dir,
        &["import", "VIX_History.csv", "--format", "binance-klines", "--series", "x=close"],
        &[],
    );
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("VIX_History.csv") && err.trim().lines().count() == 1, "{err}");
}

/// The rows of 2023 of `file` in ../shared/data as `(date, column's text)`; `None` when the
/// data is absent.
fn shared_rows(file: &str, column: &str) -> Option<Vec<(String, String)>> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")).join(file);
    let text = std::fs::read_to_string(p).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    let k = header.iter().position(|h| *h == column)?;
    Some(
        lines
            .filter(|l| l.starts_with("2023-"))
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (!f[k].is_empty()).then(|| (f[0].to_string(), f[k].to_string()))
            })
            .collect(),
    )
}

#[test]
fn fetched_data_gives_the_same_basis_as_the_same_data_imported_from_files() {
    let (Some(vix), Some(btc)) = (
        shared_rows("vix_daily.csv", "close"),
        shared_rows("crypto_ohlcv_yahoo_daily.csv", "btc_close"),
    ) else {
        eprintln!("skipping: ../shared/data not found (the round trip needs it beside the repo)");
        return;
    };
    // The same 2023 values in the vendors' formats, built in memory (no vendor file is copied
    // into the repo): Cboe MM/DD/YYYY CSV and Binance klines.
    let mut cboe = String::from("DATE,OPEN,HIGH,LOW,CLOSE\n");
    for (d, c) in &vix {
        let dt = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        cboe.push_str(&format!("{},{c},{c},{c},{c}\n", dt.format("%m/%d/%Y")));
    }
    let pairs: Vec<(&str, &str)> = btc.iter().map(|(d, c)| (d.as_str(), c.as_str())).collect();
    let s = ReplayServer::start(vec![
        Route::new(VIX_PATH, vec![Reply::ok(cboe)]),
        Route::new("/api/v3/klines", vec![Reply::ok(klines(&pairs))]),
    ])
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let (c, k) = (format!("CBOE={}", s.base_url()), format!("BINANCE={}", s.base_url()));
    let win = ["--from", "2023-01-01", "--to", "2023-12-31"];
    let mut args = vec!["fetch", "vix", "btc", "--base-url", &c, "--base-url", &k, "--json"];
    args.extend_from_slice(&win);
    json_ok(&a, &args, &[]);
    // The same data imported from the shared files.
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
    let vix_file = format!("{data}/vix_daily.csv");
    let btc_file = format!("{data}/crypto_ohlcv_yahoo_daily.csv");
    json_ok(
        &b,
        &["import", &vix_file, "--series", "vix=close", "--unit", "index-level", "--json"],
        &[],
    );
    json_ok(
        &b,
        &["import", &btc_file, "--series", "btc=btc_close", "--calendar", "crypto", "--json"],
        &[],
    );
    let mut basis =
        vec!["basis", "--target", "btc", "--hedge", "vix", "--bootstrap", "50", "--json"];
    basis.extend_from_slice(&win);
    let (x, y) = (json_ok(&a, &basis, &[]), json_ok(&b, &basis, &[]));
    // A year of aligned NYSE days (Cboe's holiday prints are not NYSE days).
    assert!(x["n"].as_u64().unwrap() > 240, "{x}");
    assert_eq!(x, y, "basis on fetched data differs from basis on imported files");
}

#[test]
fn vx_contracts_go_to_the_futures_table_and_the_table_names_each_spec() {
    let jan = "CFE data is compiled for the convenience of site visitors and is furnished without responsibility for accuracy.\n\
Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n\
2024-01-02,F (Jan 2024),13.9,14.5,13.8,14.4,14.3750,0.3,60000,10,150000,\n\
2024-01-03,F (Jan 2024),0,0,0,0,0,0,0,0,0,\n";
    let feb =
        "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n\
2024-01-02,G (Feb 2024),15.2,15.6,15.1,15.5,15.4250,0.2,30000,0,80000,\n";
    let vx = "/data/us/futures/market_statistics/historical_data/VX/";
    let s = ReplayServer::start(vec![
        Route::new(&format!("{vx}VX_2024-01-17.csv"), vec![Reply::ok(jan)]),
        Route::new(&format!("{vx}VX_2024-02-14.csv"), vec![Reply::ok(feb)]),
    ])
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let base = s.base_url();
    let env = [("CROSSHEDGE_BASE_URL_CBOE", base.as_str())];
    let (rc, out, err) = run_env(
        tmp.path(),
        &["fetch", "cboe-vx", "--from", "2024-01-02", "--to", "2024-01-03"],
        &env,
    );
    assert_eq!(rc, 0, "{err}");
    // January .. October 2024 asked for, eight months not listed (404): one warning.
    assert_eq!(s.requests(), 10);
    assert!(err.contains("warning: cboe-vx:VX: 8 contract files not listed"), "{err}");
    let row = out.lines().find(|l| l.contains("cboe-vx")).unwrap_or_else(|| panic!("{out}"));
    assert!(row.contains(" vx ") && row.contains("2024-01-02") && row.contains(" 2 "), "{row}");
    assert!(out.contains("raw cache: ") && out.contains(".crosshedge-cache"), "{out}");
}

/// A deterministic synthetic market over the NYSE and crypto days of `from..=to`: a VIX that
/// swings through the calm (< 15) and stress (> 25) bands, a BTC that falls when the VIX rises
/// (plus LCG noise), an 8-hourly funding rate and a DVOL. Returned in the vendors' formats:
/// (Cboe CSV, Binance klines, Binance funding JSON, Deribit DVOL JSON).
fn synthetic_vendor_market(from: &str, to: &str) -> (String, String, String, String) {
    let (mut d, end) = (
        NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap(),
        NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap(),
    );
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut noise = || {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let mut cboe = String::from("DATE,OPEN,HIGH,LOW,CLOSE\n");
    let (mut btc_rows, mut funding, mut dvol) = (Vec::new(), Vec::new(), Vec::new());
    let (mut t, mut btc, mut vix_prev) = (0.0_f64, 30_000.0_f64, 20.0_f64);
    while d <= end {
        let vix = 20.0 + 9.0 * (t / 25.0).sin() + 2.0 * noise();
        btc *= 1.0 - 0.004 * (vix - vix_prev) + 0.03 * noise();
        vix_prev = vix;
        t += 1.0;
        let weekday = chrono::Datelike::weekday(&d).number_from_monday();
        if weekday <= 5 {
            let c = format!("{vix:.2}");
            cboe.push_str(&format!("{},{c},{c},{c},{c}\n", d.format("%m/%d/%Y")));
        }
        let day = d.format("%Y-%m-%d").to_string();
        btc_rows.push((day.clone(), format!("{btc:.2}")));
        for h in [0, 8, 16] {
            let rate = 0.0001 + 0.0001 * noise();
            funding.push(format!(
                r#"{{"symbol":"BTCUSDT","fundingTime":{},"fundingRate":"{rate:.8}","markPrice":"{btc:.2}"}}"#,
                ms(&day) + h * 3_600_000
            ));
        }
        let v = 2.2 * vix;
        dvol.push(format!("[{},{v:.2},{v:.2},{v:.2},{v:.2}]", ms(&day)));
        d = d.succ_opt().unwrap();
    }
    let pairs: Vec<(&str, &str)> = btc_rows.iter().map(|(d, c)| (d.as_str(), c.as_str())).collect();
    (
        cboe,
        klines(&pairs),
        format!("[{}]", funding.join(",")),
        format!(
            r#"{{"jsonrpc":"2.0","result":{{"data":[{}],"continuation":null}}}}"#,
            dvol.join(",")
        ),
    )
}

/// The README's set-up, `crosshedge fetch vix btc funding-btc dvol-btc` then `crosshedge
/// report`, exactly: the report is written from fetched data alone, and the page says what it
/// left out and why (no `vx` settlements for the episodes' tradable hedge, no NFT index for
/// the stress test and the backtest).
#[test]
fn the_readme_set_up_fetch_then_report_writes_a_page_that_says_what_is_missing() {
    let (from, to) = ("2023-01-01", "2023-10-31");
    let (cboe, btc, funding, dvol) = synthetic_vendor_market(from, to);
    let s = ReplayServer::start(vec![
        Route::new(VIX_PATH, vec![Reply::ok(cboe)]),
        Route::new("/api/v3/klines", vec![Reply::ok(btc)]).with("symbol=BTCUSDT"),
        Route::new("/fapi/v1/fundingRate", vec![Reply::ok(funding)]).with("symbol=BTCUSDT"),
        Route::new("/api/v2/public/get_volatility_index_data", vec![Reply::ok(dvol)])
            .with("currency=BTC"),
    ])
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let base = s.base_url();
    let env = [
        ("CROSSHEDGE_BASE_URL_CBOE", base.as_str()),
        ("CROSSHEDGE_BASE_URL_BINANCE", base.as_str()),
        ("CROSSHEDGE_BASE_URL_BINANCE_FUTURES", base.as_str()),
        ("CROSSHEDGE_BASE_URL_DERIBIT", base.as_str()),
    ];
    let store = dir.join("set-up.db");
    let store = store.to_str().unwrap();
    let fetch = [
        "--store",
        store,
        "fetch",
        "vix",
        "btc",
        "funding-btc",
        "dvol-btc",
        "--from",
        from,
        "--to",
        to,
        "--json",
    ];
    let v = json_ok(dir, &fetch, &env);
    let names: Vec<&str> =
        v["sources"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["vix", "btc", "funding_btc", "dvol"], "{v}");
    assert_eq!(s.requests(), 4, "{:?}", s.log());

    let out = dir.join("report");
    let (rc, stdout, err) = run_env(
        dir,
        &["--store", store, "report", "--out", out.to_str().unwrap(), "--bootstrap", "50"],
        &env,
    );
    assert_eq!(rc, 0, "{stdout}{err}");
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("analysis.json")).unwrap()).unwrap();
    // Only btc of the default targets (btc, eth, nft, punks) was fetched; its basis is the
    // only one. 2023-01-01 .. 2023-10-31 has 217 weekdays, less 8 NYSE holidays (Jan 2, Jan 16,
    // Feb 20, Apr 7, May 29, Jun 19, Jul 4, Sep 4): 209 US closes, 208 aligned daily returns,
    // and the synthetic VIX visits every band.
    let basis = a["basis"].as_array().unwrap();
    assert_eq!(basis.len(), 1, "{a}");
    assert_eq!(basis[0]["target"], "btc");
    assert_eq!(basis[0]["hedge"], "vix");
    let n: BTreeMap<String, u64> =
        serde_json::from_value(basis[0]["n_per_regime"].clone()).unwrap();
    assert_eq!(n.values().sum::<u64>(), 208, "{n:?}");
    assert!(n.len() == 3 && n.values().all(|k| *k > 20), "{n:?}");
    for part in ["episodes", "stress", "backtest"] {
        assert!(a[part].is_null(), "{part} ran without its data: {}", a[part]);
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("</html>") && html.contains("btc"), "{html}");
    // What was left out, and why, in the page itself and on stderr.
    for why in [
        "episodes: --hedge: no tradable VIX hedge in the store (no vx futures settlements, no vx1 series)",
        "the stress test needs btc, eth and a daily NFT index `nft` in the store; skipped",
        "the backtest needs btc, eth and an NFT index (nft or punks) in the store; skipped",
    ] {
        assert!(html.contains(why), "the page does not say: {why}");
        assert!(err.contains(why), "stderr does not say: {why}\n{err}");
    }
}

/// `series --json` and `series imports --json` of the store in `dir`: what a failed fetch must
/// leave as it was.
fn store_state(dir: &Path) -> (serde_json::Value, serde_json::Value) {
    (json_ok(dir, &["series", "--json"], &[]), json_ok(dir, &["series", "imports", "--json"], &[]))
}

#[test]
fn every_kind_of_schema_drift_exits_2_on_one_line_naming_source_field_and_excerpt() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let good = server();
    let b = format!("BINANCE={}", good.base_url());
    json_ok(
        dir,
        &["fetch", "btc", "--from", "2024-01-01", "--to", "2024-01-05", "--base-url", &b, "--json"],
        &[],
    );
    let before = store_state(dir);
    let kl = klines(&BTC[..3]);
    // (spec, route, body, source named, field named, excerpt shown)
    let cases: [(&str, &str, String, &str, &str, &str); 7] = [
        (
            "vix",
            VIX_PATH,
            "<!DOCTYPE html><html><body>Access Denied</body></html>".into(),
            "cboe:VIX",
            "body",
            "(got '<!DOCTYPE html><html>",
        ),
        (
            "vix",
            VIX_PATH,
            VIX_CSV.replace("CLOSE", "LAST"),
            "cboe:VIX",
            "close",
            "(got 'open,high,low,last",
        ),
        (
            "vro",
            "/api/global/us_indices/daily_prices/VRO_History.csv",
            "DATE,SETTLEMENT\n01/03/2024,15.130000\n".into(),
            "cboe:VRO",
            "vro",
            "(got 'settlement",
        ),
        (
            "funding-btc",
            "/fapi/v1/fundingRate",
            format!(
                r#"[{{"symbol":"BTCUSDT","fundingTime":{},"rate":"0.0001"}}]"#,
                ms("2024-01-02")
            ),
            "binance-funding:BTCUSDT",
            "fundingRate",
            "(got '{\"fundingTime\"",
        ),
        (
            "eth",
            "/api/v3/klines",
            kl[..kl.len() - 40].to_string(),
            "binance:ETHUSDT",
            "body",
            // The excerpt of a cut body is its end, where it was cut.
            "(got '\"42848.18\",\"1000.5\",",
        ),
        (
            "usdc",
            "/stablecoinprices",
            "  \n".into(),
            "defillama-stablecoin:USDC",
            "body",
            "(got '')",
        ),
        (
            "t3m",
            "/graph/fredgraph.csv",
            "observation_date,DGS3MO\n2024-01-02,5.46\n2024-01-03,5.48%\n".into(),
            "fred:DGS3MO",
            "DGS3MO",
            "(got '5.48%')",
        ),
    ];
    for (spec, path, body, source, field, got) in cases {
        let s = ReplayServer::start(vec![
            Route::new("/api/v3/klines", vec![Reply::ok(klines(&BTC))]).with("symbol=BTCUSDT"),
            Route::new(path, vec![Reply::ok(body)]),
        ])
        .unwrap();
        let env = [
            ("CROSSHEDGE_BASE_URL_CBOE", s.base_url()),
            ("CROSSHEDGE_BASE_URL_BINANCE", s.base_url()),
            ("CROSSHEDGE_BASE_URL_BINANCE_FUTURES", s.base_url()),
            ("CROSSHEDGE_BASE_URL_DEFILLAMA_STABLECOINS", s.base_url()),
            ("CROSSHEDGE_BASE_URL_FRED", s.base_url()),
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // btc (new rows) first, then the drifted spec: nothing may be written.
        let (rc, out, err) = run_env(
            dir,
            &["fetch", "btc", spec, "--from", "2024-01-01", "--to", "2024-01-09"],
            &env,
        );
        assert_eq!(rc, 2, "{spec}: {out}{err}");
        assert_eq!(err.trim().lines().count(), 1, "{spec}: {err}");
        let line = err.trim();
        assert!(line.starts_with(&format!("error: {source}: field `{field}`: ")), "{spec}: {line}");
        assert!(line.contains(got) && line.chars().count() < 240, "{spec}: {line}");
        assert_eq!(store_state(dir), before, "{spec}: store untouched");
        assert!(s.requests() <= 3, "{spec}: {:?}", s.log());
    }
}

#[test]
fn a_500_or_a_cut_transfer_then_success_and_an_empty_page_write_what_they_should() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = ReplayServer::start(vec![
        Route::new(VIX_PATH, vec![Reply::status(500, "Internal Server Error"), Reply::ok(VIX_CSV)]),
        Route::new(
            "/graph/fredgraph.csv",
            vec![Reply::ok(FRED_CSV).cut(FRED_CSV.len() / 2), Reply::ok(FRED_CSV)],
        ),
        Route::new("/fapi/v1/fundingRate", vec![Reply::ok("[]")]),
    ])
    .unwrap();
    let env = [
        ("CROSSHEDGE_BASE_URL_CBOE", s.base_url()),
        ("CROSSHEDGE_BASE_URL_FRED", s.base_url()),
        ("CROSSHEDGE_BASE_URL_BINANCE_FUTURES", s.base_url()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (rc, out, err) = run_env(
        dir,
        &[
            "fetch",
            "vix",
            "t3m",
            "funding-btc",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-09",
            "--json",
        ],
        &env,
    );
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(u64, u64)> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["requests"].as_u64().unwrap(), x["rows_new"].as_u64().unwrap()))
        .collect();
    // vix: 500 then 200; t3m: a cut transfer then 200; funding: one empty page, no rows.
    assert_eq!(got, [(2, 6), (2, 4), (1, 0)]);
    assert!(
        err.contains("warning: binance-funding:BTCUSDT: no rows from 2024-01-01 to 2024-01-09"),
        "{err}"
    );
    assert_eq!(series_rows(dir), [("dgs3mo".to_string(), 4), ("vix".to_string(), 6)]);
    // The raw SHA-256 is the whole file's, not the cut one's.
    assert_eq!(
        v["sources"][1]["sha256"],
        crosshedge_data::import::sha256_hex(FRED_CSV.as_bytes()).as_str()
    );
    // Every request, retries too, named the tool and its version.
    let ua = format!("crosshedge/{}", env!("CARGO_PKG_VERSION"));
    let uas = s.header_values("user-agent");
    assert_eq!(uas.len(), 5);
    assert!(uas.iter().all(|u| u.as_deref() == Some(ua.as_str())), "{uas:?}");
}

#[test]
fn the_proxy_environment_variable_is_honoured_by_the_binary() {
    // The vendor host is a `.invalid` name only the loopback "proxy" (the replay server,
    // accepting CONNECT) resolves: the fetch can only succeed through the proxy.
    let tmp = tempfile::tempdir().unwrap();
    let s = server();
    let proxy = s.base_url();
    let env = [("CROSSHEDGE_BASE_URL_CBOE", "http://cdn.cboe.invalid"), ("HTTP_PROXY", &proxy)];
    let v = json_ok(tmp.path(), &["fetch", "vix", "--to", "2024-01-09", "--json"], &env);
    assert_eq!(v["sources"][0]["rows_new"], 6);
    assert_eq!(s.connects(), ["cdn.cboe.invalid:80"]);
    assert_eq!(s.log(), [VIX_PATH]);
    // A loopback vendor is never proxied (the replay server of every other test).
    let vendor = server();
    let env = [("CROSSHEDGE_BASE_URL_CBOE", vendor.base_url()), ("HTTP_PROXY", proxy.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let tmp2 = tempfile::tempdir().unwrap();
    let v = json_ok(tmp2.path(), &["fetch", "vix", "--to", "2024-01-09", "--json"], &env);
    assert_eq!(v["sources"][0]["rows_new"], 6);
    assert_eq!((s.connects().len(), s.requests(), vendor.requests()), (1, 1, 1));
}

#[test]
fn ctrl_c_stops_the_fetch_with_130_and_leaves_the_store_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = ReplayServer::start(vec![Route::new(
        VIX_PATH,
        vec![Reply::ok(VIX_CSV), Reply::ok(VIX_CSV.replace("13.20", "13.25"))],
    )])
    .unwrap();
    let c = format!("CBOE={}", s.base_url());
    json_ok(dir, &["fetch", "vix", "--to", "2024-01-09", "--base-url", &c, "--json"], &[]);
    let before = store_state(dir);
    // A revised vix, then every VX contract since 2015 (~120 files at Cboe's 200 ms pacing,
    // all 404): Ctrl-C arrives in the middle.
    let bin = assert_cmd::cargo::cargo_bin("crosshedge");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir)
        .args([
            "fetch",
            "vix",
            "vx",
            "--from",
            "2015-01-01",
            "--to",
            "2024-01-09",
            "--base-url",
            &c,
        ])
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    while s.requests() < 4 {
        assert!(t.elapsed() < std::time::Duration::from_secs(30), "{:?}", s.log());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let at_kill = s.requests();
    let t = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(t.elapsed() < std::time::Duration::from_secs(10), "no exit after Ctrl-C");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted: stopping the fetch"), "{err}");
    assert!(err.trim_end().ends_with("error: cancelled"), "{err}");
    assert!(s.requests() <= at_kill + 1, "at most the request under way: {:?}", s.log());
    assert!(s.requests() < 20);
    assert_eq!(store_state(dir), before, "store untouched");
}

#[test]
fn a_manifest_fetches_its_specs_and_a_bad_one_is_one_line_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = server();
    std::fs::write(dir.join("fetch.toml"), "specs = [\"vix\", \"fred:DGS3MO=t3m\"]\n").unwrap();
    let env =
        [("CROSSHEDGE_BASE_URL_CBOE", s.base_url()), ("CROSSHEDGE_BASE_URL_FRED", s.base_url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Specs on the command line come first, then the manifest's.
    let v = json_ok(
        dir,
        &["fetch", "btc", "--manifest", "fetch.toml", "--to", "2024-01-09", "--json"],
        &[&env[..], &[("CROSSHEDGE_BASE_URL_BINANCE", s.base_url().as_str())]].concat(),
    );
    let names: Vec<&str> =
        v["sources"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["btc", "vix", "t3m"]);
    assert_eq!(
        series_rows(dir),
        [("btc".to_string(), 9), ("t3m".to_string(), 4), ("vix".to_string(), 6)]
    );
    let before = store_state(dir);
    std::fs::write(dir.join("bad.toml"), "specs = [\"vix\", \"kraken:XBT\"]\n").unwrap();
    std::fs::write(dir.join("typo.toml"), "spec = [\"vix\"]\n").unwrap();
    for (file, want) in
        [("bad.toml", "spec 'kraken:XBT': unknown source"), ("typo.toml", "typo.toml")]
    {
        let n = s.requests();
        let (rc, _, err) = run_env(dir, &["fetch", "--manifest", file], &env);
        assert_eq!(rc, 2, "{file}: {err}");
        assert!(err.trim().lines().count() == 1 && err.contains(want), "{file}: {err}");
        assert_eq!(s.requests(), n, "{file}: checked before any request");
    }
    assert_eq!(store_state(dir), before);
}

#[test]
fn a_deribit_option_snapshot_is_stored_as_one_point_of_the_30_day_atm_vol() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let raw = std::fs::read(golden.join("deribit_book_summary_btc.json")).unwrap();
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden.join("deribit_snapshot.json")).unwrap(),
    )
    .unwrap();
    let s = ReplayServer::start(vec![Route::new(
        "/api/v2/public/get_book_summary_by_currency",
        vec![Reply::ok(raw.clone())],
    )])
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let d = format!("DERIBIT={}", s.base_url());
    let v = json_ok(dir, &["fetch", "iv30-btc", "--base-url", &d, "--json"], &[]);
    assert_eq!(v["sources"][0]["rows_new"], 1);
    assert_eq!(v["sources"][0]["sha256"], crosshedge_data::import::sha256_hex(&raw).as_str());
    let show = json_ok(dir, &["series", "show", "iv30_btc", "--json"], &[]);
    let obs = &show["observations"][0];
    assert_eq!(obs[0], want["date"]);
    let (got, exp) = (obs[1].as_f64().unwrap(), want["atm_iv_30d"].as_f64().unwrap());
    assert!((got - exp).abs() <= 1e-12 * exp, "{got} vs {exp} (numpy golden)");
}
