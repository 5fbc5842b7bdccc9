//! `crosshedge claims`: the JSON contract and the consistency of its figures with the jobs it
//! reuses on the demo store, its input errors (a bad claims file: exit 2, one line naming the
//! file, line and column), and the window changes against pandas
//! (`tests/golden/gen_claims.py` → `tests/golden/claims.json`) on the real VIX and BTC closes
//! of ../shared/data (skipped, saying why, when the data is absent).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::{demo_store, json, run};

/// Absolute tolerance of a window change against pandas: one division of the same two
/// closes on both sides (observed differences 0).
const TOL: f64 = 1e-12;

fn rows<'a>(out: &'a Value, id: &str) -> Vec<&'a Value> {
    out["claims"].as_array().unwrap().iter().filter(|r| r["id"] == id).collect()
}

fn one<'a>(out: &'a Value, id: &str, target: Option<&str>) -> &'a Value {
    let want = target.map_or(Value::Null, |t| Value::String(t.into()));
    rows(out, id)
        .into_iter()
        .find(|r| r["target"] == want)
        .unwrap_or_else(|| panic!("no row {id} / {target:?}"))
}

#[test]
fn claims_json_keys_verdicts_and_figures_agree_with_the_jobs_on_the_demo_store() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let out = json(
        d,
        &[
            "claims",
            "--store",
            store,
            "--paths",
            "2000",
            "--bootstrap",
            "100",
            "--seed",
            "7",
            "--json",
        ],
    );
    let claims = out["claims"].as_array().unwrap();
    // 3 per-target claims x 3 targets + 1 per-target history claim x 3 + stress + 4 windows.
    assert_eq!(claims.len(), 3 * 3 + 3 + 1 + 4, "{out}");
    let mut counted = [0usize; 3];
    for r in claims {
        for k in
            ["id", "text", "source", "measured", "low", "high", "verdict", "reason", "interval"]
        {
            assert!(r.get(k).is_some(), "row without `{k}`: {r}");
        }
        let v = r["verdict"].as_str().unwrap();
        let i = ["supported", "contradicted", "not-identified"]
            .iter()
            .position(|x| *x == v)
            .unwrap_or_else(|| panic!("verdict {v}"));
        counted[i] += 1;
        assert!(!r["reason"].as_str().unwrap().is_empty());
        // A contradicted row has an interval disjoint from the claimed range.
        if v == "contradicted" {
            let (lo, hi) =
                (r["claimed_low"].as_f64().unwrap(), r["claimed_high"].as_f64().unwrap());
            let (l, h) = (r["low"].as_f64().unwrap(), r["high"].as_f64().unwrap());
            assert!(h < lo || l > hi, "{r}");
        }
    }
    let c = &out["counts"];
    assert_eq!(
        [c["supported"].as_u64(), c["contradicted"].as_u64(), c["not_identified"].as_u64()],
        counted.map(|n| Some(n as u64))
    );
    for id in ["vix-crypto-correlation-normal", "decorrelation-factor", "slippage-1-in-20-history"]
    {
        assert_eq!(rows(&out, id).len(), 3, "{id}: one row per target");
    }

    // The correlations are basis's regime correlations with the sign flipped (same bootstrap).
    for (id, regimes, state) in [
        ("vix-crypto-correlation-normal", "vix-bands", "normal"),
        ("vix-crypto-correlation-crisis", "shocks", "shock"),
    ] {
        let b = json(
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
                regimes,
                "--bootstrap",
                "100",
                "--seed",
                "7",
                "--json",
            ],
        );
        let reg = &b["regimes"][state];
        let r = one(&out, id, Some("btc"));
        assert_eq!(r["measured"].as_f64().unwrap(), -reg["pearson"].as_f64().unwrap(), "{id}");
        let ci = reg["pearson_ci95_bootstrap"].as_array().unwrap();
        assert_eq!(r["low"].as_f64().unwrap(), -ci[1].as_f64().unwrap());
        assert_eq!(r["high"].as_f64().unwrap(), -ci[0].as_f64().unwrap());
        assert_eq!(r["n"], reg["n"]);
        if id.ends_with("normal") {
            let k = &b["decorrelation_factor"];
            let kr = one(&out, "decorrelation-factor", Some("btc"));
            assert_eq!(kr["measured"], k["value"]);
            if k["identified"] == true {
                assert_eq!(kr["low"], k["ci95"][0]);
                assert_eq!(kr["high"], k["ci95"][1]);
            } else {
                assert_eq!(kr["verdict"], "not-identified");
            }
        }
    }

    // The history slippage aggregates the episodes job's DeFi rows: 1 - sum(gain) / sum(loss),
    // the range of their uncovered shares; the decorrelation details are its multiples.
    let e = json(d, &["episodes", "--store", store, "--target", "eth", "--hedge", "vix", "--json"]);
    let defi: Vec<&Value> = e["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["category"] == "defi" && x["uncovered_share_of_loss"].is_number())
        .collect();
    assert!(defi.len() >= 2, "{e}");
    let loss: f64 = defi.iter().map(|x| x["target_loss"].as_f64().unwrap()).sum();
    let gain: f64 = defi.iter().map(|x| x["hedge_pnl"].as_f64().unwrap()).sum();
    let shares: Vec<f64> =
        defi.iter().map(|x| x["uncovered_share_of_loss"].as_f64().unwrap()).collect();
    let h = one(&out, "slippage-1-in-20-history", Some("eth"));
    assert!((h["measured"].as_f64().unwrap() - (1.0 - gain / loss)).abs() < 1e-12, "{h}");
    assert_eq!(h["low"].as_f64().unwrap(), shares.iter().copied().fold(f64::INFINITY, f64::min));
    assert_eq!(
        h["high"].as_f64().unwrap(),
        shares.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    );
    assert_eq!(h["n"].as_u64().unwrap(), defi.len() as u64);
    let k = one(&out, "decorrelation-factor", Some("eth"));
    let details = k["details"].as_array().unwrap();
    assert_eq!(details.len(), e["episodes"].as_array().unwrap().len());
    for (dr, er) in details.iter().zip(e["episodes"].as_array().unwrap()) {
        assert_eq!(dr["episode"], er["name"]);
        assert_eq!(dr["value"], er["hedge_multiple_needed"]);
    }

    // The stress row is the stress job's 1-in-20 uncovered share at the same paths and seed.
    let s = json(d, &["stress", "--store", store, "--paths", "2000", "--seed", "7", "--json"]);
    let u = &s["report"]["uncovered_share_of_loss_1_in_20"];
    let r = one(&out, "slippage-1-in-20-stress", None);
    assert_eq!(r["measured"], u["mean"]);
    assert_eq!(r["low"], u["ci95"][0]);
    assert_eq!(r["high"], u["ci95"][1]);

    // The human table: percent for the correlations, a multiple for k, one line of counts.
    let (rc, text, err) = run(
        d,
        &["claims", "--store", store, "--paths", "2000", "--bootstrap", "100", "--seed", "7"],
    );
    assert_eq!(rc, 0, "{err}");
    assert!(text.contains("vix-crypto-correlation-normal") && text.contains('%'), "{text}");
    assert!(
        text.contains(&format!("{} supported, {} contradicted", counted[0], counted[1])),
        "{text}"
    );
}

#[test]
fn a_bad_claims_file_or_target_exits_2_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    let cases: [(&str, &str); 4] = [
        (
            "metric.toml",
            "[[claim]]\nid = \"a\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"vibes\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\n",
        ),
        (
            "range.toml",
            "[[claim]]\nid = \"a\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"stress-slippage\"\nrange = [0.4, 0.2]\nidentification_width = 0.1\n",
        ),
        ("syntax.toml", "[[claim]]\nid = \n"),
        (
            "field.toml",
            "[[claim]]\nid = \"a\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"stress-slippage\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\nthreshold = 3\n",
        ),
    ];
    let want = ["line 5, column 10", "line 6, column 9", "line 2, column", "line 8, column 1"];
    for ((name, text), want) in cases.iter().zip(want) {
        std::fs::write(d.join(name), text).unwrap();
        let (rc, out, err) = run(d, &["claims", "--store", store, "--claims", name, "--json"]);
        assert_eq!(rc, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}: nothing on stdout: {out}");
        let line = err.trim_end();
        assert!(!line.contains('\n'), "{name}: one line: {err:?}");
        assert!(line.contains(name) && line.contains(want), "{name}: {line}");
    }
    let (rc, _, err) = run(d, &["claims", "--store", store, "--targets", "btc,doge", "--json"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("--targets") && err.contains("doge"), "{err}");
    let (rc, _, err) = run(d, &["claims", "--store", store, "--claims", "nowhere.toml"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("nowhere.toml"), "{err}");
}

fn data_dir() -> Option<&'static Path> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if p.join("vix_daily.csv").exists() && p.join("crypto_ohlcv_yahoo_daily.csv").exists() {
        Some(p)
    } else {
        eprintln!(
            "skipping: ../shared/data not found (the claims golden needs its BTC and VIX files)"
        );
        None
    }
}

#[test]
fn window_changes_match_pandas_on_real_vix_and_btc() {
    let Some(data) = data_dir() else { return };
    let golden: Value = serde_json::from_str(include_str!("golden/claims.json")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let vix = data.join("vix_daily.csv");
    let btc = data.join("crypto_ohlcv_yahoo_daily.csv");
    for args in [
        vec![
            "import",
            vix.to_str().unwrap(),
            "--series",
            "vix=close",
            "--calendar",
            "us",
            "--unit",
            "index-level",
        ],
        vec!["import", btc.to_str().unwrap(), "--series", "btc=btc_close", "--calendar", "crypto"],
    ] {
        let (rc, _, err) = run(d, &args);
        assert_eq!(rc, 0, "{args:?}: {err}");
    }
    // The built-in claims plus one window claim per series, episode and extreme.
    let mut user = String::new();
    for w in golden["windows"].as_array().unwrap() {
        for ext in ["max", "min", "end"] {
            user.push_str(&format!(
                "[[claim]]\nid = \"{s}-{e}-{ext}\"\ntext = \"t\"\nsource = \"gen_claims.py\"\nmetric = \"window-change\"\nseries = \"{s}\"\nepisode = \"{e}\"\nextreme = \"{ext}\"\nrange = [-1.0, 10.0]\nidentification_width = 0\n",
                s = w["series"].as_str().unwrap(),
                e = w["episode"].as_str().unwrap(),
            ));
        }
    }
    std::fs::write(d.join("mine.toml"), user).unwrap();
    let out = json(
        d,
        &[
            "claims",
            "--targets",
            "btc",
            "--claims",
            "mine.toml",
            "--paths",
            "200",
            "--bootstrap",
            "50",
            "--json",
        ],
    );
    let mut checked = 0;
    for w in golden["windows"].as_array().unwrap() {
        let (s, e) = (w["series"].as_str().unwrap(), w["episode"].as_str().unwrap());
        for ext in ["max", "min", "end"] {
            let r = one(&out, &format!("{s}-{e}-{ext}"), None);
            let want = w[ext]["change"].as_f64().unwrap();
            let got = r["measured"].as_f64().unwrap();
            assert!((got - want).abs() < TOL, "{s} {e} {ext}: {got} vs pandas {want}");
            assert_eq!(r["low"], r["measured"]);
            assert_eq!(r["high"], r["measured"]);
            assert_eq!(r["window"]["before_date"], w["before_date"]);
            assert_eq!(r["window"]["extreme_date"], w[ext]["date"]);
            assert_eq!(r["n"], w["rows"]);
            assert_eq!(r["verdict"], "supported", "{r}");
            checked += 1;
        }
        if s == "vix" {
            // The built-in claim reads the same window: VIX up 40-60 % is contradicted.
            let id = if e.starts_with("terra") { "terra-vix-up" } else { "ftx-vix-up" };
            let r = one(&out, id, None);
            assert!(
                (r["measured"].as_f64().unwrap() - w["max"]["change"].as_f64().unwrap()).abs()
                    < TOL
            );
            assert_eq!(r["verdict"], "contradicted", "{r}");
        }
    }
    assert_eq!(checked, 12);
    // No NFT series and no book series in this store: those claims are not identified, the
    // others still run.
    for id in ["terra-nft-down", "ftx-nft-down", "slippage-1-in-20-stress"] {
        let r = one(&out, id, None);
        assert_eq!(r["verdict"], "not-identified", "{r}");
        assert!(r["measured"].is_null(), "{r}");
    }
}
