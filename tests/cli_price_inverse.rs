//! `crosshedge price option --inverse`: the coin premium `price_coin` beside the USD value
//! `price` (Deribit's inverse convention), its `--json` snapshot, and its bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crosshedge_pricing::inverse::{coin_greeks, CryptoOptionInputs, Settlement};
use crosshedge_pricing::OptionKind;

mod common;
use common::{compare_snapshot, run};

const ARGS: &[&str] = &[
    "price",
    "option",
    "--model",
    "black76",
    "--inverse",
    "--kind",
    "put",
    "--forward",
    "60000",
    "--strike",
    "50000",
    "--expiry-days",
    "30",
    "--vol",
    "0.6",
    "--rate",
    "0",
];

#[test]
fn inverse_put_prints_coin_premium_beside_usd_value() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = ARGS.to_vec();
    a.push("--json");
    let (rc, out, err) = run(tmp.path(), &a);
    assert_eq!(rc, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let usd = v["price"].as_f64().unwrap();
    let coin = v["price_coin"].as_f64().unwrap();
    // At rate 0 the coin premium is the USD value over the forward (1e-15 relative).
    assert!((coin - usd / 60_000.0).abs() <= 1e-15 * coin, "{coin} vs {usd}");
    let want = coin_greeks(&CryptoOptionInputs {
        kind: OptionKind::Put,
        settlement: Settlement::Inverse,
        forward: 60_000.0,
        strike: 50_000.0,
        vol: 0.6,
        t_years: 30.0 / 365.0,
        rate: 0.0,
    })
    .unwrap();
    // serde_json's default float parsing may differ from the printed value by an ulp.
    assert!((coin - want.price_coin).abs() <= 1e-15 * coin);
    assert_eq!(v["settlement"], "inverse");
    let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/price_option_inverse_put.json");
    let mut failures = Vec::new();
    compare_snapshot("price_option_inverse_put", &path, &text, &mut failures);
    assert!(failures.is_empty(), "{failures:?}");
    // The human table shows both.
    let (rc, table, _) = run(tmp.path(), ARGS);
    assert_eq!(rc, 0);
    assert!(table.contains("price (coin)") && table.contains("inverse"), "{table}");
}

#[test]
fn inverse_refuses_spot_and_vix() {
    let tmp = tempfile::tempdir().unwrap();
    for extra in [["--vix"].as_slice(), ["--spot", "60000"].as_slice()] {
        let mut a: Vec<&str> =
            ARGS.iter().copied().filter(|s| *s != "--forward" && *s != "60000").collect();
        a.extend(extra);
        let (rc, _, err) = run(tmp.path(), &a);
        assert_eq!(rc, 2, "{a:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}
