//! The analysis commands end to end on the demo market: the JSON contract of `basis`, the
//! `lags` and `episodes` commands, determinism, and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

mod common;
use common::{json, run};

const BASIS_KEYS: &[&str] = &[
    "n",
    "pearson",
    "pearson_ci95",
    "spearman",
    "kendall",
    "beta",
    "beta_se_hac",
    "hedge_ratio",
    "r2",
    "dimson_beta",
];

fn check_basis_keys(v: &Value) {
    for k in BASIS_KEYS {
        assert!(v.get(k).is_some(), "missing key {k}");
    }
    assert_eq!(v["pearson_ci95"].as_array().unwrap().len(), 2);
    let p = v["pearson"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&p));
}

/// `episodes` with the sample ending inside or at the end of an episode (the built-in
/// Volmageddon window, 2018-02-02 .. 2018-02-09): no panic, the last in-sample date as `end`,
/// a cut episode marked truncated; spot VIX asked for explicitly is warned about.
fn episodes_at_the_sample_end(d: &std::path::Path, store: &str) {
    let ep = |extra: &[&str]| {
        let mut args = vec!["episodes", "--store", store, "--target", "btc", "--json"];
        args.extend_from_slice(extra);
        let v = json(d, &args);
        let volm = v["episodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == "volmageddon-2018")
            .cloned()
            .expect("volmageddon in the sample");
        (v, volm)
    };
    // The whole sample: the episode ends on its last day, not on the next trading day.
    let (out, v) = ep(&[]);
    // The default hedge is tradable: the constant-maturity VIX futures proxy, said so.
    assert_eq!(out["hedge"], "vx-cm30");
    assert!(out["hedge_instrument"].as_str().unwrap().contains("constant-maturity"));
    assert_eq!((v["start"].as_str(), v["end"].as_str()), (Some("2018-02-02"), Some("2018-02-09")));
    assert_eq!(v["truncated"], false);
    // The sample ends on the episode's last day (exited 101 before).
    let (out, v) = ep(&["--to", "2018-02-09"]);
    assert_eq!(out["to"], "2018-02-09");
    assert_eq!(v["end"], "2018-02-09");
    assert_eq!(v["truncated"], false);
    // The sample ends inside the episode: its last in-sample date, marked truncated.
    let (_, v) = ep(&["--to", "2018-02-07"]);
    assert_eq!(v["end"], "2018-02-07");
    assert_eq!(v["catalogue_end"], "2018-02-09");
    assert_eq!(v["truncated"], true);
    assert_eq!(v["n"], 4);
    // Spot VIX stays possible when asked for, with a warning.
    let (out, _) = ep(&["--hedge", "vix"]);
    assert_eq!(out["hedge"], "vix");
    let w: Vec<&str> =
        out["warnings"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    assert!(w.iter().any(|x| x.contains("spot VIX is not tradable")), "{w:?}");
    // The human table says it too.
    let (rc, text, _) =
        run(d, &["episodes", "--store", store, "--target", "btc", "--to", "2018-02-07"]);
    assert_eq!(rc, 0);
    assert!(text.contains("truncated (window 2018-02-02..2018-02-09)"), "{text}");
    assert!(text.contains("net loss / notional") && text.contains("uncovered / loss"));
}

#[test]
fn demo_then_basis_lags_episodes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let demo = json(
        d,
        &[
            "demo",
            "--out",
            "out",
            "--seed",
            "3",
            "--bootstrap",
            "200",
            "--stress-paths",
            "5000",
            "--json",
        ],
    );
    // The demo writes the full HTML report and the JSON behind it.
    let html = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    assert!(html.matches("<svg").count() >= 5, "charts missing");
    assert!(html.contains("The answer") && html.contains("us-close"));
    let input: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/report.json")).unwrap()).unwrap();
    assert_eq!(input["header"]["seed"], 3);
    for f in input["header"]["inputs"].as_array().unwrap() {
        assert_eq!(f["sha256"].as_str().unwrap().len(), 64);
    }
    // The demo runs a stress test of the default layered book.
    let rep = &demo["stress"]["report"];
    assert_eq!(rep["paths"], 5000, "{rep}");
    assert_eq!(demo["stress"]["drift"], "zero");
    assert_eq!(demo["summary"]["seed"], 3);
    assert!(d.join("out/crosshedge.db").exists());
    assert!(d.join("out/data/us_daily.csv").exists());
    let b = &demo["basis"][0];
    assert_eq!(b["target"], "btc");
    check_basis_keys(b);

    let store = "out/crosshedge.db";
    let args = [
        "basis",
        "--store",
        store,
        "--target",
        "btc",
        "--hedge",
        "vix",
        "--bootstrap",
        "200",
        "--seed",
        "9",
        "--json",
    ];
    let v = json(d, &args);
    check_basis_keys(&v);
    assert_eq!(v["alignment"], "us-close");
    assert_eq!(v["periods_per_year"], 252.0);
    assert_eq!(v["seed"], 9);
    assert_eq!(v["regime_labeling"], "vix-bands");
    for regime in ["calm", "normal", "stress"] {
        check_basis_keys(&v["regimes"][regime]);
        assert_eq!(v["regimes"][regime]["n"], v["n_per_regime"][regime]);
    }
    let n: u64 =
        ["calm", "normal", "stress"].iter().map(|r| v["n_per_regime"][r].as_u64().unwrap()).sum();
    assert!(n <= v["n"].as_u64().unwrap());
    for k in ["value", "ci95"] {
        assert!(v["decorrelation_factor"].get(k).is_some(), "decorrelation_factor.{k}");
    }
    for k in ["rho_adjusted", "p_value"] {
        assert!(v["forbes_rigobon"].get(k).is_some(), "forbes_rigobon.{k}");
    }
    // Same seed, same numbers.
    assert_eq!(json(d, &args), v);
    // The demo reproduces the broad fact of the real data: BTC-VIX correlation is negative and
    // stronger in stress than in calm.
    let rc = v["regimes"]["calm"]["pearson"].as_f64().unwrap();
    let rs = v["regimes"]["stress"]["pearson"].as_f64().unwrap();
    assert!(rs < rc && rs < -0.2, "calm {rc}, stress {rs}");

    let l = json(
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
            "3",
            "--json",
        ],
    );
    assert_eq!(l["ccf"]["lags"].as_array().unwrap().len(), 7);
    assert!(l["dimson"]["beta"].as_f64().is_some());

    let e = json(
        d,
        &[
            "episodes",
            "--store",
            store,
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--catalogue",
            "out/data/episodes.toml",
            "--no-builtin",
            "--json",
        ],
    );
    let eps = e["episodes"].as_array().unwrap();
    let shock =
        eps.iter().find(|x| x["name"] == "demo-defi-liquidity-shock").expect("the scripted shock");
    assert!(shock["target_cum_return"].as_f64().unwrap() < -0.3);
    assert!(shock.get("slippage").is_none(), "renamed: two meanings of slippage");
    // Two quantities, two names: the net loss as a share of notional, and the share of the loss
    // left uncovered (1 - hedge gain / loss).
    let net = shock["net_loss_share_of_notional"].as_f64().unwrap();
    let pnl = shock["hedge_pnl"].as_f64().unwrap();
    let loss = -shock["target_cum_return"].as_f64().unwrap();
    assert!((net - (loss - pnl)).abs() < 1e-12);
    let unc = shock["uncovered_share_of_loss"].as_f64().unwrap();
    assert!((unc - (1.0 - pnl / loss)).abs() < 1e-12);
    assert_eq!(e["protective_sign"], -1);

    episodes_at_the_sample_end(d, store);

    // Regimes: the demo's current regime with probabilities, and the models on the store.
    assert!(demo["regime"]["markov_probabilities"].as_array().unwrap().len() == 2);
    let m = json(d, &["regimes", "--store", store, "--model", "markov2", "--json"]);
    let p: f64 =
        m["current_probabilities"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).sum();
    assert!((p - 1.0).abs() < 1e-9);
    assert_eq!(m["transition"].as_array().unwrap().len(), 2);
    let bands = json(d, &["regimes", "--store", store, "--model", "bands", "--json"]);
    assert_eq!(bands["stats"].as_array().unwrap().len(), 3);
    let dcc = json(d, &["dcc", "--store", store, "--target", "btc", "--hedge", "vix", "--json"]);
    let (a, b) = (dcc["a"].as_f64().unwrap(), dcc["b"].as_f64().unwrap());
    assert!(a >= 0.0 && b >= 0.0 && a + b < 1.0);
    let mk = json(
        d,
        &[
            "basis",
            "--store",
            store,
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--regimes",
            "markov2",
            "--bootstrap",
            "100",
            "--json",
        ],
    );
    assert_eq!(mk["regime_labeling"], "markov2");
    check_basis_keys(&mk["regimes"]["stress"]);

    // Human output answers on one screen and names the alignment.
    let (rc, out, _) = run(
        d,
        &["basis", "--store", store, "--target", "btc", "--hedge", "vix", "--bootstrap", "100"],
    );
    assert_eq!(rc, 0);
    assert!(out.contains("alignment us-close") && out.contains("decorrelation factor"), "{out}");

    // `report` on the store: files written, the same sections.
    let w = json(
        d,
        &[
            "report",
            "--store",
            store,
            "--out",
            "rep",
            "--bootstrap",
            "100",
            "--paths",
            "2000",
            "--json",
        ],
    );
    let html = std::fs::read_to_string(d.join(w["html"].as_str().unwrap())).unwrap();
    assert!(html.matches("<svg").count() >= 5);
    // The exceedance chart gets both tails (the upper one at 1 - q), not the lower one twice.
    let rep: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join(w["json"].as_str().unwrap())).unwrap(),
    )
    .unwrap();
    let ex = rep["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["spec"]["kind"] == "exceedance")
        .expect("an exceedance chart");
    let pts = ex["spec"]["points"].as_array().unwrap();
    let q = |p: &Value| p["quantile"].as_f64().unwrap();
    let upper: Vec<f64> = pts.iter().filter(|p| p["tail"] == "upper").map(q).collect();
    assert!(upper.len() >= 5 && upper.iter().all(|x| *x >= 0.5) && upper.iter().any(|x| *x > 0.9));
    assert!(pts.iter().filter(|p| p["tail"] == "lower").all(|p| q(p) <= 0.5));
    // The headline's decorrelation factor carries whether it is identified.
    assert!(rep["headline"]["decorrelation_factor"]["identified"].is_boolean());

    // The backtest of the default book through the demo history: the accounting identity
    // holds every day and the curves cover every day run.
    let bt = json(
        d,
        &[
            "backtest",
            "--store",
            store,
            "--catalogue",
            "out/data/episodes.toml",
            "--no-builtin",
            "--json",
            "--full",
        ],
    );
    assert_eq!(bt["report"]["all_checks_ok"], true);
    let n = bt["days"].as_u64().unwrap() as usize;
    assert!(n > 2500, "{n} days");
    assert_eq!(bt["report"]["hedged_equity"].as_array().unwrap().len(), n);
    assert_eq!(bt["report"]["unhedged_equity"].as_array().unwrap().len(), n);
    assert!(!bt["report"]["cash_flows"].as_array().unwrap().is_empty());
    let eps: Vec<&str> = bt["report"]["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(eps.contains(&"demo-defi-liquidity-shock"), "{eps:?}");
    assert_eq!(bt["rolls_before_events"], true);
    // Every layer of the default book runs, the signal-triggered SPX put spreads included.
    assert_eq!(bt["layers"].as_array().unwrap().len(), 3, "{}", bt["skipped_layers"]);
    assert!(bt["skipped_layers"].as_array().unwrap().is_empty());
    assert_eq!(bt["roll_events"], serde_json::json!(["fomc", "cpi", "ppi"]));
    // A book that says not to move rolls ahead of events.
    let book = "name = \"only futures\"\nbudget = 0.02\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 1000000.0\n[[layer]]\nname = \"vx\"\ninstrument = \"vix-future\"\ntenor-days = 60\nsizing = { rule = \"hedge-ratio\", regime = \"stress\", weight = 1.0 }\n[rolls]\nmove-before-events = false\n";
    std::fs::write(d.join("book.toml"), book).unwrap();
    let bt2 = json(d, &["backtest", "--store", store, "--book", "book.toml", "--json"]);
    assert_eq!(bt2["rolls_before_events"], false);
    assert_eq!(bt2["report"]["all_checks_ok"], true);
    // A vol-ETP layer runs (bought, marked, resized, its fees charged on notional) and its
    // programme XIRR is dated on the realised basis.
    let etp = "name = \"etp\"\nbudget = 0.02\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 1000000.0\n[[layer]]\nname = \"vxx\"\ninstrument = \"vol-etp\"\ntenor-days = 30\nsizing = { rule = \"hedge-ratio\", regime = \"stress\", weight = 1.0 }\n";
    std::fs::write(d.join("etp.toml"), etp).unwrap();
    let bt3 = json(d, &["backtest", "--store", store, "--book", "etp.toml", "--json", "--full"]);
    assert_eq!(bt3["report"]["all_checks_ok"], true);
    assert!(bt3["skipped_layers"].as_array().unwrap().is_empty(), "{}", bt3["skipped_layers"]);
    assert_eq!(bt3["layers"][0][0], "vxx");
    let kinds: Vec<&str> = bt3["report"]["cash_flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"premium") && kinds.contains(&"fee"), "{kinds:?}");
    assert!(bt3["report"]["xirr"]["basis"].as_str().unwrap().contains("realised"));

    // An NFT index covering only ~4 months: sizing and the stress fit use it on the days it
    // covers (bands it barely covers borrow the pooled NFT rows) and the rest on all days.
    let shown = json(
        d,
        &[
            "series",
            "show",
            "nft",
            "--store",
            store,
            "--from",
            "2020-01-01",
            "--to",
            "2020-04-30",
            "--json",
        ],
    );
    let mut csv = String::from("date,close\n");
    for o in shown["observations"].as_array().unwrap() {
        csv.push_str(&format!("{},{}\n", o[0].as_str().unwrap(), o[1].as_f64().unwrap()));
    }
    std::fs::write(d.join("nft_short.csv"), csv).unwrap();
    let (rc, _, err) = run(
        d,
        &[
            "import",
            "nft_short.csv",
            "--series",
            "nft_short=close",
            "--calendar",
            "crypto",
            "--unit",
            "index-level",
            "--store",
            store,
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let h = json(d, &["hedge", "--store", store, "--crypto", "btc,eth,nft_short", "--json"]);
    let m = &h["measured"];
    let covered: u64 =
        m["nft_rows_per_band"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
    let all: u64 = m["rows_per_band"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
    assert!(covered > 30 && covered < 120 && all > 2500, "{m}");
    let st = json(
        d,
        &["stress", "--store", store, "--crypto", "btc,eth,nft_short", "--paths", "2000", "--json"],
    );
    assert!(st["report"]["hedged"]["var99"].as_f64().unwrap() > 0.0);

    // Without enough VX settlements to fit the futures term premium, sizing falls back to the
    // demo calibration's premium and says why; with none it says so too.
    let manifest = std::fs::read_to_string(d.join("out/data/manifest.toml")).unwrap();
    let cut = manifest.find("[[futures]]").unwrap();
    std::fs::write(d.join("out/data/nofut.toml"), &manifest[..cut]).unwrap();
    let (rc, _, err) =
        run(d, &["import", "--manifest", "out/data/nofut.toml", "--store", "nofut.db"]);
    assert_eq!(rc, 0, "{err}");
    let h = json(d, &["hedge", "--store", "nofut.db", "--json"]);
    let src = h["measured"]["curve_source"].as_str().unwrap();
    assert!(src.contains("no vx settlements stored"), "{src}");
    std::fs::write(
        d.join("few_vx.csv"),
        "date,expiry,settle\n2020-01-02,2020-01-22,14.2\n2020-01-02,2020-02-19,15.1\n2020-01-03,2020-01-22,14.9\n",
    )
    .unwrap();
    let (rc, _, err) = run(d, &["import", "few_vx.csv", "--futures", "vx", "--store", "nofut.db"]);
    assert_eq!(rc, 0, "{err}");
    let h = json(d, &["hedge", "--store", "nofut.db", "--json"]);
    let src = h["measured"]["curve_source"].as_str().unwrap();
    assert!(
        src.contains("demo calibration's term premium") && src.contains("could not be fitted"),
        "{src}"
    );

    // The stress test with the sample's drift, and a bad --drift.
    let st =
        json(d, &["stress", "--store", store, "--paths", "2000", "--drift", "fitted", "--json"]);
    assert_eq!(st["drift"], "fitted");
    let st0 = json(d, &["stress", "--store", store, "--paths", "2000", "--json"]);
    assert_ne!(st["report"]["unhedged"]["mean"], st0["report"]["unhedged"]["mean"]);
    // The model as simulated: the capped Student-t (ν, cap) and, under zero drift, the exact
    // log-mgf means; the 1-in-20 tail as the uncovered share of the loss.
    let jm = &st0["joint_model"];
    assert_eq!(jm["innovations"], "student_t_capped_mixing", "{jm}");
    assert!(jm["nu"].as_f64().unwrap() > 2.0 && jm["mixing_cap"].as_f64().unwrap() > 0.0);
    let p = jm["mixing_cap_probability"].as_f64().unwrap();
    assert!(p > 0.0 && p < 0.01, "{p}");
    for (r, rf) in jm["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .zip(st["joint_model"]["regimes"].as_array().unwrap())
    {
        assert_eq!(r["mean"], r["zero_drift_mean"]);
        assert_ne!(rf["mean"], rf["zero_drift_mean"], "--drift fitted keeps the sample means");
        assert!(r["vix"]["level"].as_f64().unwrap() > 5.0);
    }
    let u = &st0["report"]["uncovered_share_of_loss_1_in_20"];
    assert!(u["mean"].as_f64().unwrap() <= 1.5 && u["paths"].as_u64().unwrap() >= 50, "{u}");
    assert!(st0["report"].get("slippage_1_in_20").is_none());
    let (rc, _, err) = run(d, &["stress", "--store", store, "--drift", "up"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("unknown --drift 'up'"), "{err}");

    // Bad usage and unknown names exit 2 with one line.
    for bad in [
        vec!["basis", "--store", store, "--target", "nope", "--hedge", "vix"],
        vec!["basis", "--store", store, "--target", "btc", "--hedge", "vix", "--align", "hourly"],
        vec!["basis", "--store", store, "--target", "btc", "--hedge", "vix", "--regimes", "moon"],
        vec!["basis", "--store", "missing.db", "--target", "btc", "--hedge", "vix"],
    ] {
        let (rc, _, err) = run(d, &bad);
        assert_eq!(rc, 2, "{bad:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
