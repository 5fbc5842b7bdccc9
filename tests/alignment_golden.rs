//! Alignment policies against an independent pandas reference (tests/golden/gen_alignment.py):
//! exact row dates, stale flags, and returns to 1e-12 absolute (log returns are O(0.1)).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use serde_json::Value;

const TOL: f64 = 1e-12;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn alignment_matches_pandas_reference() {
    let golden: Value = serde_json::from_str(include_str!("golden/alignment.json")).unwrap();
    let mut inputs = BTreeMap::new();
    for (name, s) in golden["inputs"].as_object().unwrap() {
        let dates =
            s["dates"].as_array().unwrap().iter().map(|d| date(d.as_str().unwrap())).collect();
        let series = Series::new(
            name.clone(),
            s["calendar"].as_str().unwrap().parse().unwrap(),
            s["unit"].as_str().unwrap().parse().unwrap(),
            dates,
            floats(&s["values"]),
        )
        .unwrap();
        inputs.insert(name.clone(), series);
    }
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 9);
    for case in cases {
        let policy: AlignPolicy = case["policy"].as_str().unwrap().parse().unwrap();
        let names: Vec<&str> =
            case["names"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        let refs: Vec<&Series> = names.iter().map(|n| &inputs[*n]).collect();
        let panel = align(&refs, policy).unwrap();
        let want_dates: Vec<NaiveDate> =
            case["dates"].as_array().unwrap().iter().map(|d| date(d.as_str().unwrap())).collect();
        assert_eq!(panel.dates, want_dates, "{policy} {names:?}: row dates");
        let log = panel.returns(ReturnKind::Log).unwrap();
        let pts = panel.returns(ReturnKind::Points).unwrap();
        for (j, n) in names.iter().enumerate() {
            for (got, want, what) in [
                (&log.columns[j], floats(&case["log_returns"][n]), "log"),
                (&pts.columns[j], floats(&case["points"][n]), "points"),
            ] {
                assert_eq!(got.len(), want.len());
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        (g - w).abs() <= TOL * w.abs().max(1.0),
                        "{policy} {n} {what} row {i}: {g} vs {w}"
                    );
                }
            }
            if let Some(st) = case.get("stale") {
                let want: Vec<bool> =
                    st[n].as_array().unwrap().iter().map(|b| b.as_bool().unwrap()).collect();
                assert_eq!(panel.stale[j], want, "{policy} {n}: stale flags");
            } else {
                assert!(panel.stale[j].iter().all(|s| !s), "{policy} {n}: us-close never carries");
            }
        }
        assert_eq!(panel.periods_per_year, policy.periods_per_year());
    }
}
