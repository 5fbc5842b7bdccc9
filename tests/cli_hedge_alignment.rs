//! `hedge` and `stress` align the NFT index as `basis` does, label rows at the start of their
//! return interval, and read every start value on one as-of date (issue 11, items 10, 11, 14).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

mod common;
use common::{demo_store, json, run};

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The demo store, plus `nft_sales`: the demo NFT index on its sale days only (a print is a
/// day its value changed), so its returns span several days and none is a stale zero.
fn demo_with_sales(d: &std::path::Path) {
    demo_store(d);
    let shown = json(d, &["series", "show", "nft", "--store", "out/crosshedge.db", "--json"]);
    let mut csv = String::from("date,close\n");
    let mut last = f64::NAN;
    for o in shown["observations"].as_array().unwrap() {
        let v = f(&o[1]);
        if v != last {
            csv.push_str(&format!("{},{}\n", o[0].as_str().unwrap(), v));
            last = v;
        }
    }
    std::fs::write(d.join("nft_sales.csv"), csv).unwrap();
    let (rc, _, err) = run(
        d,
        &[
            "import",
            "nft_sales.csv",
            "--series",
            "nft_sales=close",
            "--calendar",
            "crypto",
            "--unit",
            "index-level",
            "--store",
            "out/crosshedge.db",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    std::fs::write(
        d.join("nft_book.toml"),
        "name = \"nft only\"\nbudget = 0.03\n[[exposure]]\nkind = \"nft-inventory\"\nvalue = 1000000.0\ncarry-per-year = 0.08\n[[layer]]\nname = \"vix futures\"\ninstrument = \"vix-future\"\ntenor-days = 60\nsizing = { rule = \"hedge-ratio\", regime = \"stress\", weight = 1.0 }\n",
    )
    .unwrap();
}

#[test]
fn nft_hedge_ratios_pair_each_print_with_the_same_interval_as_basis() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo_with_sales(d);
    let store = "out/crosshedge.db";
    let h = json(
        d,
        &[
            "hedge",
            "--store",
            store,
            "--book",
            "nft_book.toml",
            "--crypto",
            "btc,eth,nft_sales",
            "--json",
        ],
    );
    let b = json(
        d,
        &[
            "basis",
            "--store",
            store,
            "--target",
            "nft_sales",
            "--hedge",
            "vix",
            "--returns",
            "log",
            "--bootstrap",
            "20",
            "--json",
        ],
    );
    // An NFT-only book: its basket ratio is the NFT's own, on the intervals between sales,
    // each labelled by the band at its start: exactly `basis --target nft_sales`'s h* per band
    // (the panel of VIX, SPX, BTC and ETH covers every NYSE day).
    for (regime, key) in [("calm", "hedge_ratio_calm"), ("stress", "hedge_ratio_stress")] {
        let want = f(&b["regimes"][regime]["hedge_ratio"]);
        let got = f(&h["inputs"][key]);
        assert!((got - want).abs() <= 1e-10 * want.abs().max(1.0), "{regime}: {got} vs {want}");
    }
    let prints: u64 = h["measured"]["nft_prints_per_band"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let n_basis = b["n"].as_u64().unwrap();
    assert!(prints > 100 && prints <= n_basis, "{prints} prints, basis n {n_basis}");

    // The stress fit sees the same prints: its print probability is prints per covered day,
    // well below 1 for a sales-only index (the demo's sale probability is about 0.6).
    let st = json(
        d,
        &[
            "stress",
            "--store",
            store,
            "--book",
            "nft_book.toml",
            "--crypto",
            "btc,eth,nft_sales",
            "--paths",
            "2000",
            "--json",
        ],
    );
    let p = f(&st["joint_model"]["nft_trade_prob"]);
    assert!(p > 0.3 && p < 0.9, "print probability {p}");
}

#[test]
fn weekly_rows_are_labelled_at_the_start_of_their_week() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = demo_store(d);
    // `weekly` rows run Wednesday to Wednesday: the label is the VIX band of the first
    // Wednesday's close (computed here from the VIX series itself).
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
            "--align",
            "weekly",
            "--bootstrap",
            "20",
            "--json",
        ],
    );
    let vix = json(d, &["series", "show", "vix", "--store", store, "--json"]);
    let closes: Vec<(String, f64)> = vix["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o[0].as_str().unwrap().to_string(), f(&o[1])))
        .collect();
    let export = d.join("weekly.csv");
    let (rc, _, err) = run(
        d,
        &[
            "export",
            "btc",
            "vix",
            "--store",
            store,
            "--align",
            "weekly",
            "--levels",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let text = std::fs::read_to_string(&export).unwrap();
    let dates: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let band_at = |day: &str| -> Option<usize> {
        let k = closes.partition_point(|(d, _)| d.as_str() <= day);
        (k > 0).then(|| {
            let v = closes[k - 1].1;
            if v < 15.0 {
                0
            } else if v > 25.0 {
                2
            } else {
                1
            }
        })
    };
    // Return rows start at the previous level row; count each band by the start's close.
    let mut want = [0u64; 3];
    for w in dates.windows(2) {
        if let Some(s) = band_at(w[0]) {
            want[s] += 1;
        }
    }
    let got: Vec<u64> = ["calm", "normal", "stress"]
        .iter()
        .map(|r| b["n_per_regime"][r].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(got, want.to_vec(), "rows per band, weekly");
}

#[test]
fn start_values_come_from_one_as_of_date() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = demo_store(d);
    let h = json(d, &["hedge", "--store", store, "--json"]);
    let as_of = h["measured"]["as_of"].as_str().unwrap().to_string();
    assert_eq!(h["measured"]["to"].as_str().unwrap(), as_of);
    // An earlier as-of date: the window ends there and the start VIX is that day's close.
    let h = json(d, &["hedge", "--store", store, "--as-of", "2020-03-16", "--json"]);
    assert_eq!(h["measured"]["as_of"], "2020-03-16");
    assert_eq!(h["measured"]["to"], "2020-03-16");
    let vix = json(
        d,
        &[
            "series",
            "show",
            "vix",
            "--store",
            store,
            "--from",
            "2020-03-16",
            "--to",
            "2020-03-16",
            "--json",
        ],
    );
    let close = f(&vix["observations"][0][1]);
    assert_eq!(f(&h["inputs"]["vix"]), close);
    let st = json(
        d,
        &["stress", "--store", store, "--as-of", "2020-03-16", "--paths", "1000", "--json"],
    );
    assert_eq!(f(&st["start"]["vix"]), close);
    assert_eq!(st["measured"]["as_of"], "2020-03-16");
    // A weekend as-of date falls back to the last common close before it, and says so.
    let h = json(d, &["hedge", "--store", store, "--as-of", "2020-03-15", "--json"]);
    assert_eq!(h["measured"]["as_of"], "2020-03-13");
    let (rc, _, err) = run(d, &["hedge", "--store", store, "--as-of", "2020-13-01"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("--as-of"), "{err}");
}
