//! Behaviour of `basis_analysis` at its edges: absent regimes, too-small regimes, bad labels,
//! determinism of the whole report.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_stats::basis::{basis_analysis, BasisConfig, RegimeStats};
use crosshedge_stats::StatsError;

fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let h: Vec<f64> = (0..n).map(|i| ((i * 7919 % 211) as f64 / 211.0 - 0.5) * 0.1).collect();
    let t: Vec<f64> = h
        .iter()
        .enumerate()
        .map(|(i, v)| -0.6 * v + ((i * 104_729 % 97) as f64 / 97.0 - 0.5) * 0.05)
        .collect();
    (t, h)
}

fn cfg() -> BasisConfig {
    BasisConfig { bootstrap_resamples: 200, seed: 5, ..BasisConfig::default() }
}

#[test]
fn small_regime_is_reported_unavailable_not_nan() {
    let (t, h) = data(400);
    // "stress" has 10 rows only.
    let labels: Vec<Option<usize>> =
        (0..400).map(|i| Some(if i % 40 == 0 { 1 } else { 0 })).collect();
    let states = vec!["calm".to_string(), "stress".to_string()];
    let r = basis_analysis(&t, &h, Some((&labels, &states)), &cfg()).unwrap();
    match &r.regimes["stress"] {
        RegimeStats::Unavailable { n, error } => {
            assert_eq!(*n, 10);
            assert!(error.contains("too few"), "{error}");
        }
        RegimeStats::Available(_) => panic!("stress should be unavailable"),
    }
    assert!(matches!(r.regimes["calm"], RegimeStats::Available(_)));
    assert!(r.decorrelation_factor.is_none() && r.forbes_rigobon.is_none());
    assert!(!r.notes.is_empty());
    let j = serde_json::to_value(&r).unwrap();
    assert!(j["decorrelation_factor"].is_null());
    assert_eq!(j["regimes"]["stress"]["n"], 10);
    assert!(!serde_json::to_string(&r).unwrap().contains("NaN"));
}

#[test]
fn unknown_state_names_leave_breakdown_absent() {
    let (t, h) = data(300);
    let labels: Vec<Option<usize>> = (0..300).map(|i| Some(i % 2)).collect();
    let states = vec!["low".to_string(), "high".to_string()];
    let r = basis_analysis(&t, &h, Some((&labels, &states)), &cfg()).unwrap();
    assert_eq!(r.regimes.len(), 2);
    assert!(r.decorrelation_factor.is_none());
    assert!(r.notes.iter().any(|n| n.contains("calm")));
    let named = BasisConfig { calm_state: "low".into(), stress_state: "high".into(), ..cfg() };
    let r = basis_analysis(&t, &h, Some((&labels, &states)), &named).unwrap();
    assert!(
        r.decorrelation_factor.is_some() && r.forbes_rigobon.is_some() && r.fisher_z_test.is_some()
    );
}

#[test]
fn bad_inputs_are_errors() {
    let (t, h) = data(100);
    let states = vec!["calm".to_string()];
    let short = vec![Some(0); 99];
    assert!(matches!(
        basis_analysis(&t, &h, Some((&short, &states)), &cfg()),
        Err(StatsError::LengthMismatch { .. })
    ));
    let out_of_range = vec![Some(3); 100];
    assert!(matches!(
        basis_analysis(&t, &h, Some((&out_of_range, &states)), &cfg()),
        Err(StatsError::LabelOutOfRange { .. })
    ));
    let mut nan = t.clone();
    nan[5] = f64::NAN;
    assert!(matches!(
        basis_analysis(&nan, &h, None, &cfg()),
        Err(StatsError::NonFinite { row: 5, .. })
    ));
    assert!(matches!(
        basis_analysis(&t[..10], &h[..10], None, &cfg()),
        Err(StatsError::TooFewObservations { .. })
    ));
}

#[test]
fn report_is_deterministic_for_a_seed() {
    let (t, h) = data(300);
    let labels: Vec<Option<usize>> =
        (0..300).map(|i| if i % 3 == 0 { None } else { Some(i % 2) }).collect();
    let states = vec!["calm".to_string(), "stress".to_string()];
    let a = basis_analysis(&t, &h, Some((&labels, &states)), &cfg()).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let b = pool.install(|| basis_analysis(&t, &h, Some((&labels, &states)), &cfg()).unwrap());
    assert_eq!(a, b);
    assert_eq!(a.seed, 5);
}
