//! The demo's HTML report opened in headless Chromium: every chart rendered (its SVG survives
//! parsing with its drawing) and nothing was logged to the console. `.ci/run` installs
//! Chromium; elsewhere the test skips with a printed reason unless `CI` is set, where a missing
//! browser is a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command as Cmd;

#[path = "../crates/crosshedge-report/tests/support/chromium.rs"]
mod support;

use support::{chromium, run_chromium};

#[test]
fn demo_report_renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium (.ci/run installs it)");
        eprintln!("skipping: chromium not found (set CHROMIUM or apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = Cmd::cargo_bin("crosshedge")
        .unwrap()
        .current_dir(tmp.path())
        .args(["demo", "--out", "out", "--bootstrap", "100", "--stress-paths", "5000", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = tmp.path().join("out/report.html");
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    let charts = input["charts"].as_array().unwrap().len();
    assert!(charts >= 5);
    let url = format!("file://{}", page.display());
    let dom = run_chromium(&bin, &["--dump-dom", &url]);
    assert!(dom.status.success(), "chromium failed: {dom:?}");
    let text = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(text.matches("<svg").count(), charts, "every chart's SVG is in the rendered DOM");
    assert_eq!(text.matches("</svg>").count(), charts);
    assert!(text.matches("<polyline").count() >= 3, "plotted lines survived parsing");
    assert!(text.contains("The answer"));
    assert!(!text.contains("<script"), "the report carries no script");
    let log = String::from_utf8_lossy(&dom.stderr);
    for line in log.lines() {
        assert!(!(line.contains("CONSOLE") || line.contains("Uncaught")), "console output: {line}");
    }
    let shot = tmp.path().join("report.png");
    let out = run_chromium(
        &bin,
        &[&format!("--screenshot={}", shot.display()), "--window-size=1100,3400", &url],
    );
    assert!(out.status.success(), "screenshot failed: {out:?}");
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{} bytes", png.len());
}
