#![allow(clippy::unwrap_used, clippy::expect_used)]
//! XIRR against scipy brentq / numpy-financial references (`scripts/xirr_golden.py`).

use chrono::NaiveDate;
use crosshedge_backtest::xirr::{xirr, xnpv, DatedFlow};
use serde_json::Value;

fn flows(case: &Value) -> Vec<DatedFlow> {
    case["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| DatedFlow {
            date: NaiveDate::parse_from_str(f["date"].as_str().unwrap(), "%Y-%m-%d").unwrap(),
            amount: f["amount"].as_f64().unwrap(),
        })
        .collect()
}

#[test]
fn xirr_matches_golden_cases() {
    let golden: Value =
        serde_json::from_str(include_str!("golden/xirr.json")).expect("golden json");
    let tol = golden["tolerance"].as_f64().unwrap();
    assert_eq!(tol, 1e-10);
    let cases = golden["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let fl = flows(case);
        let got = xirr(&fl);
        if let Some(msg) = case.get("error").and_then(Value::as_str) {
            let err = got.expect_err(name).to_string();
            assert!(err.starts_with(msg), "{name}: {err} vs {msg}");
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = case["rate"].as_f64().unwrap();
        let scale = want.abs().max(1.0);
        assert!((got.rate - want).abs() <= tol * scale, "{name}: {} vs {want}", got.rate);
        let roots: Vec<f64> =
            case["roots"].as_array().unwrap().iter().map(|r| r.as_f64().unwrap()).collect();
        assert_eq!(got.roots.len(), roots.len(), "{name}: roots {:?} vs {roots:?}", got.roots);
        for (a, b) in got.roots.iter().zip(&roots) {
            assert!((a - b).abs() <= tol * b.abs().max(1.0), "{name}: root {a} vs {b}");
        }
        assert_eq!(got.multiple_roots, roots.len() > 1, "{name}");
        if let Some(npf) = case.get("numpy_financial_daily").and_then(Value::as_f64) {
            // numpy-financial's polynomial root is itself accurate to about 1e-9.
            assert!((got.rate - npf).abs() <= 1e-8 * scale, "{name}: npf {npf}");
        }
        if got.rate < 1e3 {
            let v = xnpv(got.rate, &fl).unwrap();
            let gross: f64 = fl.iter().map(|f| f.amount.abs()).sum();
            assert!(
                v.abs() <= 1e-9 * gross * (1.0 + got.rate).powf(3.0).max(1.0),
                "{name}: npv {v}"
            );
        }
    }
}

#[test]
fn xirr_excel_documented_value() {
    // Microsoft's XIRR help page example prints 0.373362535; Excel's iteration stops at a
    // relative change of 1e-8 ("accurate within 0.000001 percent"), so agreement is to 5e-9.
    let golden: Value = serde_json::from_str(include_str!("golden/xirr.json")).unwrap();
    let case = &golden["cases"][0];
    assert_eq!(case["name"], "excel_doc_example");
    let r = xirr(&flows(case)).unwrap().rate;
    assert!((r - 0.373362535).abs() < 5e-9, "{r}");
}
