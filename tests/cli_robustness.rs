//! Issue 15 at the command line: nothing a user types loses their data, and absurd values are
//! one-line usage errors (exit 2), never a panic (exit 101) or a NaN with exit 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{demo_store, json, run};

/// Asserts exit 2 with a single `error: ...` line on stderr and no panic.
fn assert_usage_error(rc: i32, err: &str, needle: &str) {
    assert_eq!(rc, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
}

#[test]
fn demo_out_dot_does_not_replace_an_existing_store() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("crosshedge.db"), "a real store").unwrap();
    let (rc, _, err) = run(d, &["demo", "--out", "."]);
    assert_usage_error(rc, &err, "--force");
    assert_eq!(std::fs::read_to_string(d.join("crosshedge.db")).unwrap(), "a real store");
    assert!(!d.join("data").exists());
}

#[test]
fn demo_refuses_a_store_it_would_ignore() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (rc, _, err) = run(d, &["--store", "mine.db", "demo", "--out", "o"]);
    assert_usage_error(rc, &err, "--store mine.db is not used by demo");
    assert!(!d.join("o").exists() && !d.join("mine.db").exists());
}

#[test]
fn export_never_overwrites_the_store_or_an_existing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let before = std::fs::read(d.join(store)).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut a = vec!["export", "vix", "btc", "--store", store, "--out", store];
        a.extend(extra);
        let (rc, _, err) = run(d, &a);
        assert_usage_error(rc, &err, "is the store");
    }
    assert_eq!(std::fs::read(d.join(store)).unwrap(), before);
    let (rc, _, err) = run(d, &["series", "--store", store]);
    assert_eq!(rc, 0, "{err}");
    // An existing file needs --force.
    std::fs::write(d.join("p.csv"), "precious").unwrap();
    let (rc, _, err) = run(d, &["export", "vix", "btc", "--store", store, "--out", "p.csv"]);
    assert_usage_error(rc, &err, "already exists");
    assert_eq!(std::fs::read_to_string(d.join("p.csv")).unwrap(), "precious");
    let (rc, _, err) =
        run(d, &["export", "vix", "btc", "--store", store, "--out", "p.csv", "--force"]);
    assert_eq!(rc, 0, "{err}");
    // Absurd values on the same store: a book value of 1e308, a misspelt signal, 10,000
    // threads.
    let book = "name = \"big\"\nbudget = 0.03\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 1e308\n";
    std::fs::write(d.join("big.toml"), book).unwrap();
    for cmd in ["hedge", "stress", "backtest"] {
        let (rc, _, err) = run(d, &[cmd, "--store", store, "--book", "big.toml"]);
        assert_usage_error(rc, &err, "big.toml: book line 5, column 9: exposure 1: value");
    }
    let signal = "name = \"s\"\nbudget = 0.03\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 1e6\n\
                  [[layer]]\nname = \"f\"\ninstrument = \"vix-future\"\ntenor-days = 30\n\
                  sizing = { rule = \"notional\", fraction = 0.1 }\n\
                  trigger = { kind = \"signal\", name = \"macdd\" }\n";
    std::fs::write(d.join("signal.toml"), signal).unwrap();
    let (rc, _, err) = run(d, &["hedge", "--store", store, "--book", "signal.toml"]);
    assert_usage_error(rc, &err, "line 11, column 37: layer 1 \"f\": trigger.name 'macdd'");
    let (rc, _, err) = run(d, &["stress", "--store", store, "--threads", "10000"]);
    assert_usage_error(rc, &err, "--threads must be at most 256");
}

#[test]
fn price_option_expiry_days_1e7_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "price",
        "option",
        "--kind",
        "call",
        "--spot",
        "5000",
        "--strike",
        "5100",
        "--expiry-days",
        "1e7",
        "--vol",
        "0.18",
        "--rate",
        "0.045",
        "--json",
    ];
    let (rc, out, err) = run(tmp.path(), &args);
    assert_usage_error(rc, &err, "--expiry-days must be at most 36500");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // The demo checks its values before it writes anything.
    for (args, needle) in [
        (&["demo", "--out", "d", "--bootstrap", "0"][..], "--bootstrap must be at least 2"),
        (&["demo", "--out", "d", "--stress-paths", "0"][..], "--stress-paths must be at least 1"),
    ] {
        let (rc, _, err) = run(d, args);
        assert_usage_error(rc, &err, needle);
        assert!(!d.join("d").exists(), "{args:?} wrote files");
    }
    let store = demo_store(d);
    for (args, needle) in [
        (&["stress", "--horizon", "0"][..], "--horizon must be at least 1"),
        (&["stress", "--paths", "0"][..], "--paths must be at least 1"),
        (&["hedge", "--rate", "nan"][..], "--rate must be a finite decimal"),
        (&["hedge", "--vol-of-vol", "0"][..], "--vol-of-vol must be a finite decimal"),
        (&["hedge", "--signal", "macdd"][..], "--signal 'macdd' is not a signal"),
        (&["report", "--out", "r", "--bootstrap", "0"][..], "--bootstrap must be at least 2"),
        (&["report", "--out", "r", "--paths", "0"][..], "--paths must be at least 1"),
    ] {
        let mut a = args.to_vec();
        a.extend(["--store", store]);
        let (rc, _, err) = run(d, &a);
        assert_usage_error(rc, &err, needle);
    }
    assert!(!d.join("r").exists());
}

#[test]
fn basis_bootstrap_0_and_hedge_move_days_0_are_usage_errors_not_exit_1_or_clamped() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    for (args, needle) in [
        (
            &["basis", "--target", "btc", "--hedge", "vix", "--bootstrap", "0"][..],
            "--bootstrap must be at least 2, got 0",
        ),
        (
            &["basis", "--target", "btc", "--hedge", "vix", "--bootstrap", "1"][..],
            "--bootstrap must be at least 2, got 1",
        ),
        (&["hedge", "--move-days", "0"][..], "--move-days must be between 1 and 2520"),
        (&["hedge", "--move-days", "100000000"][..], "--move-days must be between 1 and 2520"),
        (&["stress", "--move-days", "0"][..], "--move-days must be between 1 and 2520"),
        (&["stress", "--horizon", "1000000000"][..], "--horizon must be at most 2520"),
        (
            &["regimes", "--model", "bands", "--calm-below", "30", "--stress-above", "20"][..],
            "vix bands:",
        ),
    ] {
        let mut a = args.to_vec();
        a.extend(["--store", store]);
        let (rc, out, err) = run(d, &a);
        assert_usage_error(rc, &err, needle);
        assert!(out.is_empty(), "{args:?}: {out}");
    }
    // --move-days 1 is the smallest horizon and is what the cover table reports.
    let (rc, out, err) = run(d, &["hedge", "--move-days", "1", "--store", store, "--json"]);
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["measured"]["move_days"], 1);
}

#[test]
fn stress_threads_above_the_cores_are_capped_with_a_warning_and_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let stress = |threads: &str| {
        run(d, &["stress", "--store", store, "--paths", "3000", "--threads", threads, "--json"])
    };
    let (rc, one, err1) = stress("1");
    assert_eq!(rc, 0, "{err1}");
    assert!(!err1.contains("warning: --threads"), "{err1}");
    let max = "256";
    let (rc, many, err) = stress(max);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(one, many, "the result depends on the thread count");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if cores < 256 {
        assert!(
            err.contains(&format!(
                "warning: --threads 256 is more than the {cores} core(s) available: using {cores}"
            )),
            "{err}"
        );
    } else {
        println!("skipping the warning check: this machine has {cores} cores");
    }
}

#[test]
fn regime_tools_warn_on_a_series_that_is_not_vix_points_and_take_thresholds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    // BTC in USD is not VIX points: the default VIX bands would call every day stress.
    let (rc, out, err) =
        run(d, &["regimes", "--model", "bands", "--series", "btc", "--store", store, "--json"]);
    assert_eq!(rc, 0, "{err}");
    assert!(err.contains("warning: series 'btc' does not look like VIX index points"), "{err}");
    assert!(err.contains("--calm-below"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["config"]["calm_below"], 15.0);
    // Thresholds in the series' own units: no warning, and they are the ones applied.
    let (rc, out, err) = run(
        d,
        &[
            "regimes",
            "--model",
            "bands",
            "--series",
            "btc",
            "--calm-below",
            "20000",
            "--stress-above",
            "60000",
            "--store",
            store,
            "--json",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["config"]["calm_below"], 20000.0);
    assert_eq!(v["config"]["stress_above"], 60000.0);
    // The VIX itself: no warning.
    let (rc, _, err) = run(d, &["regimes", "--model", "bands", "--store", store, "--json"]);
    assert_eq!(rc, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    // basis labels by the bands of --vix: the same warning when --vix is not VIX points.
    let (rc, _, err) = run(
        d,
        &[
            "basis",
            "--target",
            "btc",
            "--hedge",
            "spx",
            "--vix",
            "eth",
            "--bootstrap",
            "50",
            "--store",
            store,
            "--json",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    assert!(err.contains("warning: series 'eth' does not look like VIX index points"), "{err}");
}

/// Issue 15, item 8: `hedge`, `stress` and `backtest` run without an SPX series for a book
/// without SPX layers (saying so), refuse a book with one, and a misspelt `--spx` is not taken
/// for "no SPX data".
#[test]
fn hedge_stress_backtest_need_no_spx_for_a_book_without_spx_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    demo_store(d);
    let manifest = "data_dir = \"out/data\"\n\
        [[file]]\npath = \"us_daily.csv\"\ncalendar = \"us\"\nunit = \"index-level\"\nseries = { vix = \"vix\" }\n\
        [[file]]\npath = \"crypto_daily.csv\"\ncalendar = \"crypto\"\n\
        series = { btc = \"btc\", eth = \"eth\", nft = \"nft\" }\nunits = { nft = \"index-level\" }\n\
        [[file]]\npath = \"crypto_daily.csv\"\ncalendar = \"crypto\"\nunit = \"rate\"\n\
        series = { funding_btc = \"funding_btc\" }\n\
        [[futures]]\npath = \"vix_futures_contracts.csv\"\nroot = \"vx\"\n";
    std::fs::write(d.join("nospx.toml"), manifest).unwrap();
    let (rc, _, err) = run(d, &["import", "--manifest", "nospx.toml", "--store", "nospx.db"]);
    assert_eq!(rc, 0, "{err}");
    let vix_book =
        "name = \"vix-only\"\nbudget = 0.03\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 1e6\n\
                    [[layer]]\nname = \"f\"\ninstrument = \"vix-future\"\ntenor-days = 30\n\
                    sizing = { rule = \"notional\", fraction = 0.1 }\n";
    std::fs::write(d.join("vix.toml"), vix_book).unwrap();
    let base = ["--store", "nospx.db", "--book", "vix.toml", "--json"];
    for cmd in [&["hedge"][..], &["stress", "--paths", "2000"], &["backtest"]] {
        let mut a = cmd.to_vec();
        a.extend(base);
        let (rc, out, err) = run(d, &a);
        assert_eq!(rc, 0, "{a:?}: {err}");
        assert!(
            err.contains(
                "warning: no SPX series 'spx' in the store, so the SPX factor is not measured"
            ),
            "{err}"
        );
        // In the JSON's warnings too, except stress's (whose JSON never carries them).
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        if cmd[0] != "stress" {
            let w = v["warnings"].as_array().unwrap_or_else(|| panic!("{cmd:?}: no warnings"));
            assert!(w.iter().any(|w| w.as_str().unwrap().contains("SPX factor is not measured")));
        }
    }
    // The VIX-future layer's size and the BTC numbers do not depend on the SPX placeholder:
    // the same book on the demo store (with SPX) sizes the same future to the contract.
    let with = json(d, &["hedge", "--store", "out/crosshedge.db", "--book", "vix.toml", "--json"]);
    let without = json(d, &["hedge", "--store", "nospx.db", "--book", "vix.toml", "--json"]);
    assert_eq!(with["inputs"]["hedge_ratio_calm"], without["inputs"]["hedge_ratio_calm"]);
    assert_eq!(with["inputs"]["vix"], without["inputs"]["vix"]);
    assert_eq!(without["inputs"]["spx_hedge_ratio_calm"], 0.0);
    assert!(!without["measured"]["series"].as_array().unwrap().iter().any(|s| s == "spx"));
    // A book with an SPX layer (the built-in one) is refused, naming the layer.
    for cmd in ["hedge", "stress", "backtest"] {
        let (rc, _, err) = run(d, &[cmd, "--store", "nospx.db"]);
        assert_usage_error(rc, &err, "has an SPX layer");
        assert!(err.contains("spx-put-spread") && err.contains("no series 'spx'"), "{err}");
    }
    // The tournament leaves its SPX candidate out (said), and refuses it by name.
    let t = [
        "tournament",
        "--store",
        "nospx.db",
        "--paths",
        "2000",
        "--bootstrap-reps",
        "100",
        "--frontier-points",
        "3",
        "--json",
    ];
    let (rc, out, err) = run(d, &t);
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let w: Vec<&str> =
        v["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(w.iter().any(|w| w.starts_with("spx-put-spread left out")), "{w:?}");
    assert!(w.iter().any(|w| w.starts_with("book left out: the book's SPX layer")), "{w:?}");
    let names: Vec<&str> =
        v["candidates"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(!names.contains(&"spx-put-spread") && names.contains(&"vix-future"), "{names:?}");
    let mut named = t.to_vec();
    named.extend(["--candidates", "spx-put-spread,btc-put"]);
    let (rc, _, err) = run(d, &named);
    assert_usage_error(rc, &err, "--candidates spx-put-spread: spx-put-spread needs an SPX series");
    // The report is written: the parts that need SPX are left out naming the layer, the rest
    // run, and the page says which part was measured without SPX.
    let (rc, out, err) = run(
        d,
        &[
            "report",
            "--store",
            "nospx.db",
            "--out",
            "rep",
            "--bootstrap",
            "100",
            "--paths",
            "2000",
            "--json",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let notes: Vec<&str> =
        v["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("stress test: the book") && n.contains("spx-put-spread")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.starts_with("hedge tournament: no SPX series 'spx'")),
        "{notes:?}"
    );
    let html = std::fs::read_to_string(d.join("rep/report.html")).unwrap();
    assert!(html.contains("hedge tournament: no SPX series"), "the page says it");
    // A misspelt --spx is an error, not "no SPX data".
    let (rc, _, err) =
        run(d, &["hedge", "--store", "nospx.db", "--book", "vix.toml", "--spx", "sxp"]);
    assert_usage_error(rc, &err, "no series 'sxp' in the store (--spx)");
}

/// Issue 15, item 15: a count series is not read as a funding rate (nor a rate as a price).
#[test]
fn a_count_series_is_not_read_as_a_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    std::fs::write(d.join("sales.csv"), "date,n\n2024-01-01,3\n2024-01-02,5\n2024-01-03,4\n")
        .unwrap();
    let (rc, _, err) = run(
        d,
        &[
            "import",
            "sales.csv",
            "--series",
            "sales=n",
            "--calendar",
            "crypto",
            "--unit",
            "count",
            "--store",
            store,
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let (rc, _, err) = run(d, &["shocks", "--funding", "sales", "--store", store, "--json"]);
    assert_usage_error(
        rc,
        &err,
        "series 'sales' is a count and cannot be read as the perp funding rate",
    );
    assert!(err.contains("--unit rate"), "{err}");
    // funding_btc (a rate) read as the BTC price.
    let (rc, _, err) = run(d, &["hedge", "--store", store, "--crypto", "funding_btc,eth,nft"]);
    assert_usage_error(
        rc,
        &err,
        "series 'funding_btc' is a rate and cannot be read as the BTC price",
    );
}
