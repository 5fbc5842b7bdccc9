//! End to end in headless Chromium (Debian's `chromium`; skipped, saying why, when it is not
//! installed): the server on a free loopback port with the seed-3 demo store, the browser driven
//! over the DevTools protocol through `--remote-debugging-pipe` (fds 3 and 4, NUL-separated
//! JSON; `sh` maps our stdin/stdout pipes onto them, so neither a websocket crate nor `unsafe`
//! is needed). Every view is loaded, a basis-explorer control is changed and the chart must
//! redraw with new data, a small stress job runs to completion, a bad CSV upload must show its
//! one-line error, a book with a typo must show its inline line/column error, a big stress job
//! must stop when cancelled, a chart's CSV export must hold the chart's data, the backtest's
//! drawdown chart must bottom at the job's maximum drawdown, an upload's revisions must be
//! listed, the upload form's unit, format, scale and date-format fields must reach the import
//! (a FRED file stored ×0.01, day-first dates read day-first). The first paint of the overview and a basis-explorer change round trip are printed
//! (`timing: ...`), not asserted. Any exception, console error, failed request or unexpected HTTP status >= 400
//! fails the test. A screenshot of each view is saved under `target/dashboard-screenshots/`.
//! Every step has a timeout and the whole test a deadline: it always stops by itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The longest any one step (a command, a view loading, the stress job) may take.
const STEP: Duration = Duration::from_secs(20);
/// The longest the whole test may take.
const WHOLE: Duration = Duration::from_secs(300);

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Standard base64 (as `Page.captureScreenshot` returns it) to bytes.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= val(*c) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// One browser tab over the DevTools pipe, with the problems seen on the page.
struct Browser {
    child: Child,
    to_browser: ChildStdin,
    from_browser: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    /// requestId -> (url, resource type).
    requests: HashMap<String, (String, String)>,
    /// Exceptions, console errors, failed requests, unexpected statuses.
    problems: Vec<String>,
    /// The failing requests the current step provokes: (a part of the URL, the status).
    allowed: Vec<(String, i64)>,
    started: Instant,
    log: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True for a failing request the test provokes: the bad CSV refused with 422, or one of
/// `allowed` (a part of the URL, the status).
fn expected_failure(allowed: &[(String, i64)], url: &str, status: &str) -> bool {
    (url.contains("/api/v1/import?") && status.contains("422"))
        || allowed.iter().any(|(u, s)| url.contains(u.as_str()) && status.contains(&s.to_string()))
}

impl Browser {
    fn start(chromium: &Path, profile: &Path) -> Browser {
        let log = profile.join("chromium.log");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 1>&2"#)
            .arg(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.join("profile").display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start chromium");
        let to_browser = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, from_browser) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match r.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if buf.last() == Some(&0) {
                            buf.pop();
                        }
                        match serde_json::from_slice::<Value>(&buf) {
                            Ok(v) => {
                                if tx.send(v).is_err() {
                                    return;
                                }
                            }
                            Err(e) => eprintln!("unparsable DevTools message: {e}"),
                        }
                    }
                }
            }
        });
        Browser {
            child,
            to_browser,
            from_browser,
            next_id: 0,
            session: None,
            requests: HashMap::new(),
            problems: Vec::new(),
            allowed: Vec::new(),
            started: Instant::now(),
            log,
        }
    }

    fn deadline(&self, step: Duration) -> Instant {
        (Instant::now() + step).min(self.started + WHOLE)
    }

    fn fail(&self, what: &str) -> ! {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: String = log
            .lines()
            .filter(|l| !l.contains("dbus"))
            .rev()
            .take(15)
            .collect::<Vec<_>>()
            .join("\n");
        panic!(
            "{what}\nproblems on the page: {:#?}\nchromium log (last lines, reversed):\n{tail}",
            self.problems
        );
    }

    fn on_event(&mut self, v: &Value) {
        let p = &v["params"];
        match v["method"].as_str().unwrap_or("") {
            "Runtime.exceptionThrown" => {
                let d = &p["exceptionDetails"];
                self.problems.push(format!(
                    "exception: {} {}",
                    d["text"].as_str().unwrap_or(""),
                    d["exception"]["description"].as_str().unwrap_or("")
                ));
            }
            "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => {
                self.problems.push(format!("console.{}: {}", p["type"], p["args"]));
            }
            "Log.entryAdded" if p["entry"]["level"] == "error" => {
                let e = &p["entry"];
                let url = e["url"].as_str().unwrap_or("");
                let expected = e["source"] == "network"
                    && expected_failure(&self.allowed, url, e["text"].as_str().unwrap_or(""));
                if !expected {
                    self.problems.push(format!("log error: {} ({url})", e["text"]));
                }
            }
            "Network.requestWillBeSent" => {
                self.requests.insert(
                    p["requestId"].as_str().unwrap_or("").to_string(),
                    (
                        p["request"]["url"].as_str().unwrap_or("").to_string(),
                        p["type"].as_str().unwrap_or("").to_string(),
                    ),
                );
            }
            "Network.responseReceived" => {
                let status = p["response"]["status"].as_i64().unwrap_or(0);
                let url = p["response"]["url"].as_str().unwrap_or("");
                if status >= 400 && !expected_failure(&self.allowed, url, &status.to_string()) {
                    self.problems.push(format!("HTTP {status} for {url}"));
                }
            }
            "Network.loadingFailed" => {
                let id = p["requestId"].as_str().unwrap_or("");
                let (url, kind) = self.requests.get(id).cloned().unwrap_or_default();
                // The page closes a job's event stream itself once the job has ended.
                let closed_stream = p["canceled"] == true && kind == "EventSource";
                if !closed_stream {
                    self.problems
                        .push(format!("request failed: {url} ({kind}): {}", p["errorText"]));
                }
            }
            _ => {}
        }
    }

    /// Sends `method` (to the attached tab once there is one) and waits for its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        if let Err(e) = self.to_browser.write_all(&bytes).and_then(|()| self.to_browser.flush()) {
            self.fail(&format!("writing {method} to chromium: {e}"));
        }
        let deadline = self.deadline(STEP);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from_browser.recv_timeout(left) {
                Ok(v) if v["id"] == id => {
                    if !v["error"].is_null() {
                        self.fail(&format!("{method} failed: {}", v["error"]));
                    }
                    return v["result"].clone();
                }
                Ok(v) => self.on_event(&v),
                Err(RecvTimeoutError::Timeout) => {
                    self.fail(&format!("no answer to {method} in time"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail(&format!("chromium exited during {method}"))
                }
            }
        }
    }

    /// Handles the events that arrived so far.
    fn drain(&mut self) {
        while let Ok(v) = self.from_browser.try_recv() {
            self.on_event(&v);
        }
    }

    /// The value of the JavaScript expression `expr` (promises awaited).
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if !r["exceptionDetails"].is_null() {
            self.fail(&format!("evaluating `{expr}` threw: {}", r["exceptionDetails"]));
        }
        r["result"]["value"].clone()
    }

    /// Waits until `cond` (JavaScript) is true, failing on a timeout or a problem on the page.
    fn wait_for(&mut self, what: &str, cond: &str, step: Duration) {
        let deadline = self.deadline(step);
        loop {
            let cond_js = format!(
                "(() => {{ try {{ return !!({cond}); }} catch (_) {{ return false; }} }})()"
            );
            if self.eval(&cond_js) == json!(true) {
                self.drain();
                self.assert_no_problems(what);
                return;
            }
            self.assert_no_problems(what);
            if Instant::now() > deadline {
                let state = self.eval(
                    "JSON.stringify({href: location.href, ready: document.readyState, main: (document.querySelector('#main')?.innerText || '').slice(0, 300), view: document.body.dataset.view, loads: document.body.dataset.loads, \
                     pending: window.__ch && __ch.pending, job: document.body.dataset.job, \
                     errors: [...document.querySelectorAll('.error')].map((e) => e.textContent)})",
                );
                self.fail(&format!("timed out waiting for {what} ({cond}); page state {state}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn assert_no_problems(&self, what: &str) {
        if !self.problems.is_empty() {
            self.fail(&format!("problem on the page during {what}"));
        }
    }

    fn loads(&mut self) -> i64 {
        self.eval("+(document.body.dataset.loads || 0)").as_i64().unwrap_or(0)
    }

    /// Waits for view `view` to have loaded after `before` loads, with no request open.
    fn wait_loaded(&mut self, view: &str, before: i64, step: Duration) {
        self.wait_for(
            &format!("the {view} view"),
            &format!(
                "document.body.dataset.view === '{view}' && +document.body.dataset.loads > {before} \
                 && !!window.__ch && window.__ch.pending === 0"
            ),
            step,
        );
        // Let the charts size themselves from their laid-out cards (ResizeObserver, rAF).
        self.eval("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
        let overflowing = self.eval(
            "[...document.querySelectorAll('.card.chart')].filter((c) => { const u = c.querySelector('.uplot'); \
             return u && u.getBoundingClientRect().right > c.getBoundingClientRect().right + 1; }).map((c) => c.id)",
        );
        if overflowing != json!([]) {
            self.fail(&format!("charts wider than their cards in {view}: {overflowing}"));
        }
        let cut = self.eval(
            "[...document.querySelectorAll('.tablewrap')].filter((t) => t.scrollWidth > t.clientWidth + 1)\
             .map((t) => `${t.closest('.card')?.querySelector('h3')?.textContent} (${t.scrollWidth} > ${t.clientWidth} px)`)",
        );
        if cut != json!([]) {
            self.fail(&format!("tables wider than their cards in {view} (at 1400 px): {cut}"));
        }
        let errors =
            self.eval("[...document.querySelectorAll('#main .error')].map((e) => e.textContent)");
        if errors != json!([]) {
            self.fail(&format!("error boxes in {view}: {errors}"));
        }
    }

    fn screenshot(&mut self, dir: &Path, name: &str) {
        let m = self.call("Page.getLayoutMetrics", json!({}));
        let w = m["cssContentSize"]["width"].as_f64().unwrap_or(1400.0);
        let h = m["cssContentSize"]["height"].as_f64().unwrap_or(1000.0).min(8000.0);
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}),
        );
        let png = base64_decode(shot["data"].as_str().unwrap_or(""));
        assert!(png.starts_with(b"\x89PNG"), "screenshot of {name} is not a PNG");
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"), PathBuf::from);
    let dir = target.join("dashboard-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_view_works_in_headless_chromium() {
    let Some(chromium) = find_chromium() else {
        println!("skipped: no `chromium` on PATH (Debian's chromium package) nor at $CHROMIUM");
        return;
    };

    // The server, on its own runtime, on a free loopback port.
    let mut cfg = common::config();
    cfg.port = 0;
    let (url_tx, url_rx) = channel::<String>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(crosshedge_server::serve(
            cfg,
            async {
                let _ = stop_rx.await;
            },
            move |u| {
                let _ = url_tx.send(u.to_string());
            },
        ))
        .unwrap();
    });
    let base = url_rx.recv_timeout(STEP).expect("the server did not start");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let profile = tempfile::tempdir().unwrap();
    let shots = screenshot_dir();
    let mut b = Browser::start(&chromium, profile.path());
    let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
    let target_id = target["targetId"].as_str().unwrap().to_string();
    let attached = b.call("Target.attachToTarget", json!({"targetId": target_id, "flatten": true}));
    b.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    for domain in ["Runtime", "Log", "Network", "Page"] {
        b.call(&format!("{domain}.enable"), json!({}));
    }
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    );

    b.call("Page.navigate", json!({"url": format!("{base}#view=overview")}));
    b.wait_loaded("overview", 0, STEP);
    let first_paint =
        b.eval("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1");
    let overview_ready = b.eval("__ch.firstLoadedAt");
    b.screenshot(&shots, "overview");
    let mut basis_change = json!(-1);

    for view in ["basis", "episodes", "book", "stress", "backtest", "compare", "data"] {
        let before = b.loads();
        b.eval(&format!("document.querySelector('#nav a[data-view=\"{view}\"]').click()"));
        b.wait_loaded(view, before, STEP);
        match view {
            "basis" => {
                // Change the target: the levels chart must redraw with other data.
                let old = b.eval("JSON.stringify(__ch.charts.levels.u.data)");
                let before = b.loads();
                let chosen = b.eval(
                    "(() => { const s = document.querySelector('#ctl-target'); \
                     const hedge = document.querySelector('#ctl-hedge').value; \
                     const o = [...s.options].map((o) => o.value).find((v) => v !== s.value && v !== hedge); \
                     s.value = o; __ch.t0 = performance.now(); \
                     s.dispatchEvent(new Event('change', { bubbles: true })); return o; })()",
                );
                let chosen = chosen.as_str().expect("a second series to choose").to_string();
                b.wait_loaded("basis", before, STEP);
                basis_change = b.eval("__ch.loadedAt - __ch.t0");
                let new = b.eval("JSON.stringify(__ch.charts.levels.u.data)");
                assert_ne!(
                    old, new,
                    "the levels chart kept its data after the target changed to {chosen}"
                );
                let hash = b.eval("location.hash");
                assert!(
                    hash.as_str().unwrap_or("").contains(&format!("target={chosen}")),
                    "the address does not keep the control: {hash}"
                );
                // The rolling correlation is drawn with its band around it.
                let band = b.eval(
                    "(() => { const d = __ch.charts.rolling.u.data; const n = d[0].length; \
                     let ok = n > 0; for (let i = 0; i < n; i++) ok = ok && d[2][i] <= d[1][i] && d[1][i] <= d[3][i]; \
                     return [n, ok]; })()",
                );
                assert!(
                    band[0].as_u64().unwrap_or(0) > 0 && band[1].as_bool() == Some(true),
                    "the rolling-correlation chart has no points or a band not around them: {band}"
                );
                b.screenshot(&shots, "basis-changed");
                check_csv_export(&mut b, "rolling");
                // The original target back, for the screenshot of the view as it opens.
                let before = b.loads();
                b.eval(
                    "(() => { const s = document.querySelector('#ctl-target'); s.value = 'btc'; \
                     s.dispatchEvent(new Event('change', { bubbles: true })); })()",
                );
                b.wait_loaded("basis", before, STEP);
            }
            "episodes" => {
                // Click the first episode of the table: the levels chart zooms to it.
                b.screenshot(&shots, "episodes-unzoomed");
                let full = b.eval("(() => { const s = __ch.charts['episode-levels'].u.scales.x; return s.max - s.min; })()");
                let name = b.eval(
                    "(() => { const r = document.querySelector('#episode-table tbody tr'); r.click(); \
                     return r.cells[0].textContent; })()",
                );
                b.wait_for(
                    "the zoom to the episode",
                    &format!("document.body.dataset.zoomed === {name}"),
                    STEP,
                );
                let span = b.eval("(() => { const s = __ch.charts['episode-levels'].u.scales.x; return s.max - s.min; })()");
                let (full, span) = (full.as_f64().unwrap(), span.as_f64().unwrap());
                assert!(span > 0.0 && span < full / 10.0, "no zoom: {span} s of {full} s shown");
                let hash = b.eval("location.hash");
                assert!(hash.as_str().unwrap().contains("episode="), "{hash}");
                let selected = b.eval(
                    "document.querySelector('#episode-table tbody tr.selected')?.cells[0].textContent ?? null",
                );
                assert_eq!(selected, name, "the clicked row is not marked");
            }
            "stress" => {
                // A run with many paths, cancelled while it runs: it ends cancelled.
                b.eval(
                    "(() => { document.querySelector('#ctl-paths').value = '5000000'; \
                     document.querySelector('#run').click(); })()",
                );
                b.wait_for(
                    "the big stress job to run",
                    "document.body.dataset.job === 'running'",
                    STEP,
                );
                b.eval("document.querySelector('#cancel').click()");
                b.wait_for(
                    "the stress job to be cancelled",
                    "document.body.dataset.job === 'cancelled' && __ch.pending === 0 \
                     && !!document.querySelector('#main .error')",
                    STEP,
                );
                let shown = b.eval("document.querySelector('#main .error').textContent");
                assert!(
                    shown.as_str().unwrap_or("").contains("cancel"),
                    "no cancellation shown: {shown}"
                );
                assert_eq!(b.eval("document.querySelector('#run').disabled"), json!(false));
                let before = b.loads();
                b.eval(
                    "(() => { document.querySelector('#ctl-paths').value = '300'; \
                     document.querySelector('#ctl-horizon').value = '10'; \
                     document.querySelector('#run').click(); })()",
                );
                b.wait_loaded("stress", before, STEP);
                let state = b.eval("document.body.dataset.job");
                assert_eq!(state, json!("done"), "the stress job did not finish");
                let summary = b.eval("document.querySelector('#stress-summary h3').textContent");
                assert!(
                    summary.as_str().unwrap_or("").starts_with("300 paths over 10 days"),
                    "{summary}"
                );
                let bar = b.eval("document.querySelector('#progress span').style.width");
                assert_eq!(bar, json!("100%"), "the progress bar did not reach the end");
                assert!(
                    b.eval("!!__ch.charts['pnl-hedged']") == json!(true),
                    "no hedged P&L histogram"
                );
            }
            "book" => {
                // A typo on line 2: the one-line error with its line and column, the line
                // shown under it with a caret at the column.
                b.allowed.push(("/api/v1/hedge".to_string(), 422));
                b.eval(
                    "(() => { const a = document.querySelector('#book'); const l = a.value.split('\\n'); \
                     l.splice(1, 0, 'budget_typo = '); a.value = l.join('\\n'); \
                     document.querySelector('#size').click(); })()",
                );
                b.wait_for(
                    "the book's inline error",
                    "!!document.querySelector('#book-error-line') && __ch.pending === 0",
                    STEP,
                );
                let msg = b.eval("document.querySelector('#main .error').textContent");
                let msg = msg.as_str().unwrap_or("").to_string();
                assert!(!msg.contains('\n') && msg.contains("line 2, column "), "{msg:?}");
                let column: usize = msg
                    .split("line 2, column ")
                    .nth(1)
                    .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|c| c.parse().ok())
                    .unwrap_or_else(|| b.fail(&format!("no column in {msg:?}")));
                let shown = b.eval("document.querySelector('#book-error-line').textContent");
                let shown = shown.as_str().unwrap_or("");
                let (line, caret) = shown.split_once('\n').unwrap_or((shown, ""));
                assert!(line.starts_with("2 | budget_typo ="), "{shown:?}");
                assert_eq!(
                    caret.len(),
                    "2 | ".len() + column,
                    "the caret is not at the column: {shown:?}"
                );
                assert!(caret.ends_with('^'), "{shown:?}");
                b.screenshot(&shots, "book-error");
                b.allowed.clear();
                // Back to the default book (and out of the address) for the other views.
                let before = b.loads();
                b.eval(
                    "[...document.querySelectorAll('#main button')].find((x) => x.textContent.startsWith('Reset')).click()",
                );
                b.wait_loaded("book", before, STEP);
                let hash = b.eval("location.hash");
                assert!(!hash.as_str().unwrap_or("").contains("book="), "{hash}");
            }
            "backtest" => {
                // The drawdown chart, from the job's equity, bottoms at the job's maximum
                // drawdown (the backtest crate's metric), hedged and unhedged.
                let dd = b.eval(
                    "(() => { const d = __ch.charts.drawdown.u.data; const r = __ch.backtest.report; \
                     const low = (a) => Math.min(...a.filter((x) => x !== null)); \
                     return [d[0].length, r.dates.length, low(d[1]), -r.hedged_metrics.metrics.max_drawdown.max_drawdown, \
                             low(d[2]), -r.unhedged_metrics.metrics.max_drawdown.max_drawdown]; })()",
                );
                let f = |i: usize| dd[i].as_f64().unwrap_or(f64::NAN);
                assert!(
                    f(0) > 100.0 && f(0) == f(1),
                    "the drawdown chart has not the job's days: {dd}"
                );
                for (got, want) in [(f(2), f(3)), (f(4), f(5))] {
                    assert!(
                        want < 0.0 && (got - want).abs() < 1e-12,
                        "drawdown low {got} vs the job's {want}: {dd}"
                    );
                }
                for id in ["episode-protection", "backtest-metrics"] {
                    assert_eq!(
                        b.eval(&format!("!!document.querySelector('#{id} tbody tr')")),
                        json!(true),
                        "{id}"
                    );
                }
            }
            "data" => {
                b.eval(
                    "(() => { document.querySelector('#csv').value = 'date,close\\n2024-01-02,100.5\\n2024-01-03,abc\\n'; \
                     document.querySelector('#csv-series').value = 'mine=close'; \
                     document.querySelector('#import').click(); })()",
                );
                b.wait_for(
                    "the import to be refused",
                    "document.body.dataset.imported && !!window.__ch && window.__ch.pending === 0",
                    STEP,
                );
                let msg =
                    b.eval("document.querySelector('#import-result .error')?.textContent ?? null");
                let msg = msg.as_str().unwrap_or_else(|| b.fail("no error shown for the bad CSV"));
                assert!(!msg.trim().is_empty() && !msg.contains('\n'), "not one line: {msg:?}");
                assert_eq!(msg, "pasted.csv: line 3, column 2 (close): invalid number 'abc'");
                println!("bad CSV refused with: {msg}");
                let imported = b.eval("!!document.querySelector('#import-ok')");
                assert_eq!(imported, json!(false));
                // Two good files, the second revising 2024-01-03: the revisions are listed.
                for text in [
                    "date,close\\n2024-01-02,100.5\\n2024-01-03,101\\n",
                    "date,close\\n2024-01-03,102\\n",
                ] {
                    b.eval(&format!(
                        "(() => {{ document.body.dataset.imported = ''; \
                         document.querySelector('#csv').value = '{text}'; \
                         document.querySelector('#import').click(); }})()"
                    ));
                    b.wait_for(
                        "a good import",
                        "document.body.dataset.imported && __ch.pending === 0 && !!document.querySelector('#import-ok')",
                        STEP,
                    );
                }
                b.eval(
                    "[...document.querySelectorAll('#series-list tbody tr')].find((r) => r.cells[0].textContent === 'mine').click()",
                );
                b.wait_for(
                    "the revisions of the upload",
                    "document.body.dataset.plotted === 'mine' && __ch.pending === 0",
                    STEP,
                );
                let rows = b.eval(
                    "[...document.querySelectorAll('#revisions tbody tr')].map((r) => [...r.cells].map((c) => c.textContent).slice(0, 6))",
                );
                assert_eq!(
                    rows,
                    json!([
                        ["2024-01-03", "0", "101", "current", rows[0][4], "pasted.csv"],
                        ["2024-01-03", "1", "102", "", rows[1][4], "pasted.csv"]
                    ]),
                    "the revisions table"
                );
                // The form's unit, format and scale reach the import: a FRED graph download of
                // percent rates (`.` a missing day), read as `fred` and scaled by 0.01, is
                // stored as decimal rates (the file's values / 100; 1e-15 covers the one
                // rounding of the product) and the import records the scale.
                b.eval(
                    "(() => { document.body.dataset.imported = ''; \
                     document.querySelector('#csv').value = 'observation_date,DGS3MO\\n2024-01-02,5.46\\n2024-01-03,.\\n2024-01-04,5.44\\n'; \
                     document.querySelector('#csv-series').value = 't3m=DGS3MO'; \
                     document.querySelector('#csv-unit').value = 'rate'; \
                     document.querySelector('#csv-format').value = 'fred'; \
                     document.querySelector('#csv-scale').value = '0.01'; \
                     document.querySelector('#import').click(); })()",
                );
                b.wait_for(
                    "the FRED upload",
                    "document.body.dataset.imported && __ch.pending === 0 && !!document.querySelector('#import-ok')",
                    STEP,
                );
                let t3m = b.eval("get('/api/v1/series/t3m')");
                assert_eq!(t3m["unit"], "rate", "{t3m}");
                let obs = t3m["observations"].as_array().cloned().unwrap_or_default();
                let want = [("2024-01-02", 0.0546), ("2024-01-04", 0.0544)];
                assert_eq!(obs.len(), want.len(), "{t3m}");
                for (o, (date, value)) in obs.iter().zip(want) {
                    assert_eq!(o[0], date, "{t3m}");
                    assert!((o[1].as_f64().unwrap() - value).abs() < 1e-15, "{date}: {t3m}");
                }
                let scales = b.eval(
                    "get('/api/v1/imports').then((v) => v.filter((i) => i.series === 't3m').map((i) => i.scale))",
                );
                assert_eq!(scales, json!(["t3m=0.01"]), "the upload's recorded scale");
                // The date format reaches the import: day-first dates whose days are all <= 12
                // are refused as ambiguous without it, and read day-first with it.
                b.eval(
                    "(() => { document.body.dataset.imported = ''; \
                     document.querySelector('#csv').value = 'date,close\\n03/01/2024,10\\n04/01/2024,11\\n'; \
                     document.querySelector('#csv-series').value = 'dm=close'; \
                     document.querySelector('#csv-unit').value = 'price'; \
                     document.querySelector('#csv-format').value = ''; \
                     document.querySelector('#csv-scale').value = ''; \
                     document.querySelector('#csv-date-format').value = '%d/%m/%Y'; \
                     document.querySelector('#import').click(); })()",
                );
                b.wait_for(
                    "the day-first upload",
                    "document.body.dataset.imported && __ch.pending === 0 && !!document.querySelector('#import-ok')",
                    STEP,
                );
                let dm = b.eval("get('/api/v1/series/dm').then((s) => s.observations)");
                let got: Vec<(String, f64)> = dm
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|o| {
                                (
                                    o[0].as_str().unwrap_or("").to_string(),
                                    o[1].as_f64().unwrap_or(f64::NAN),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(
                    got,
                    [("2024-01-03".to_string(), 10.0), ("2024-01-04".to_string(), 11.0)],
                    "{dm}"
                );
            }
            _ => {}
        }
        b.screenshot(&shots, view);
    }
    // The speed goal "a rolling-correlation chart of 9,000 days pans and zooms smoothly": the
    // dashboard's own chart() with the rolling chart's series shape (date, ρ, band, band, β)
    // over 9,000 days, off to the side of the page, then 60 pans and 20 zooms, each awaited
    // until uPlot has redrawn (its commit runs in a microtask). Printed, not asserted.
    let frames = b.eval(
        "(async () => { const n = 9000, t0 = Date.UTC(2001, 0, 1) / 1000; \
         const xs = Array.from({ length: n }, (_, i) => t0 + i * 86400); \
         const r = xs.map((_, i) => Math.sin(i / 50) * 0.4); \
         const holder = document.createElement('div'); holder.style.width = '1200px'; \
         document.body.append(holder); \
         const u = chart(holder, { id: 'speed-9000', time: true, title: '9,000 days', \
           labels: ['date', 'correlation', 'band low', 'band high', 'beta'], \
           data: [xs, r, r.map((v) => v - 0.2), r.map((v) => v + 0.2), r.map((v) => v / 3)], \
           series: [{}, {}, {}, { scale: 'b' }], scales: { b: {} } }); \
         await new Promise((ok) => requestAnimationFrame(ok)); \
         const span = 2000 * 86400; let t = performance.now(); \
         for (let i = 0; i < 60; i++) { const lo = xs[0] + i * 100 * 86400; \
           u.setScale('x', { min: lo, max: lo + span }); await null; } \
         const pan = (performance.now() - t) / 60; t = performance.now(); \
         for (let i = 0; i < 20; i++) { const w = (n - i * 400) * 86400; \
           u.setScale('x', { min: xs[0], max: xs[0] + w }); await null; } \
         const zoom = (performance.now() - t) / 20; \
         const drawn = u.data[0].length; delete __ch.charts['speed-9000']; holder.remove(); \
         return [pan, zoom, drawn]; })()",
    );
    assert_eq!(frames[2].as_u64(), Some(9000), "the 9,000-day chart was not built: {frames}");
    b.drain();
    b.assert_no_problems("the whole run");
    println!(
        "timing: overview first paint {} ms; basis change {} ms (overview ready {} ms); \
         9,000-day chart {:.1} ms a pan, {:.1} ms a zoom",
        ms(&first_paint),
        ms(&basis_change),
        ms(&overview_ready),
        frames[0].as_f64().unwrap_or(f64::NAN),
        frames[1].as_f64().unwrap_or(f64::NAN)
    );
    drop(b);
    let _ = stop_tx.send(());
    server.join().unwrap();
    println!("screenshots in {}", shots.display());
}

/// A JavaScript number of milliseconds, rounded, for the timing line.
fn ms(v: &Value) -> String {
    v.as_f64().map_or_else(|| "?".to_string(), |x| format!("{x:.0}"))
}

/// Clicks the CSV button of chart `id` with the download intercepted (the Blob handed to
/// `URL.createObjectURL` kept, the link's click swallowed) and checks the file against the
/// chart's drawn data: the header, one row per point, each date and value as drawn.
fn check_csv_export(b: &mut Browser, id: &str) {
    let got = b.eval(&format!(
        "(async () => {{ const blobs = [], names = []; const create = URL.createObjectURL; \
         const click = HTMLAnchorElement.prototype.click; \
         URL.createObjectURL = (x) => {{ blobs.push(x); return create.call(URL, x); }}; \
         HTMLAnchorElement.prototype.click = function () {{ names.push(this.download); }}; \
         try {{ document.querySelector('#chart-{id} .tools button').click(); }} \
         finally {{ URL.createObjectURL = create; HTMLAnchorElement.prototype.click = click; }} \
         return {{ name: names[0], type: blobs[0].type, text: await blobs[0].text(), \
                  labels: __ch.charts['{id}'].labels, data: __ch.charts['{id}'].u.data }}; }})()"
    ));
    assert_eq!(got["name"], json!(format!("{id}.csv")), "the download's name");
    assert_eq!(got["type"], json!("text/csv"));
    let text = got["text"].as_str().unwrap_or("");
    let data = got["data"].as_array().unwrap_or_else(|| b.fail("no chart data"));
    let mut lines = text.lines();
    let labels: Vec<&str> =
        got["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lines.next(), Some(labels.join(",").as_str()), "the CSV header");
    let n = data[0].as_array().unwrap().len();
    assert!(n > 100, "{id} has {n} points");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), n, "one CSV row per point of {id}");
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), data.len(), "row {i}: {row}");
        let secs = data[0][i].as_i64().unwrap();
        let date = chrono::DateTime::from_timestamp(secs, 0).unwrap().date_naive().to_string();
        assert_eq!(cells[0], date, "row {i}: the date");
        for (j, col) in data.iter().enumerate().skip(1) {
            match col[i].as_f64() {
                None => assert_eq!(cells[j], "", "row {i}, {}: no value drawn", labels[j]),
                // Within one unit in the last place: serde_json's float parsing (without its
                // `float_roundtrip` feature) may round the DevTools JSON one ulp off.
                Some(v) => {
                    let got = cells[j].parse::<f64>().unwrap_or(f64::NAN);
                    assert!(
                        (got - v).abs() <= f64::EPSILON * v.abs(),
                        "row {i}, {}: {got} in the CSV, {v} drawn",
                        labels[j]
                    );
                }
            }
        }
    }
    println!("{id}.csv: {n} rows, as drawn");
}
