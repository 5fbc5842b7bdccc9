//! The optimal mix and the frontier (`crosshedge_hedging::frontier`): the LP optimum against
//! scipy's linprog (HiGHS), the cutting planes against the direct programme, the mix against
//! every single candidate, the zero budget, and the typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_hedging::frontier::{
    expected_shortfall, frontier, optimal_mix, CandidateLimits, FrontierError, FrontierSettings,
    MixMethod, MixSettings, OneIn20, Scenarios,
};
use proptest::prelude::*;
use serde_json::Value;

mod support;

fn golden() -> Value {
    let text = include_str!("golden/frontier_linprog.json");
    serde_json::from_str(text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn golden_set(set: &Value) -> (Scenarios, Vec<CandidateLimits>) {
    let target = floats(&set["target"]);
    let candidates = set["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), floats(&c["pnl"])))
        .collect();
    let limits = floats(&set["carry_per_unit_per_year"])
        .into_iter()
        .zip(floats(&set["max_units"]))
        .map(|(c, u)| CandidateLimits { carry_per_unit_per_year: c, max_units: u })
        .collect();
    (Scenarios::new(target, candidates).unwrap(), limits)
}

/// Tolerance against HiGHS: 1e-6 in the objective (the programme's values are O(1)); each
/// weight within 1e-6 of its range over the optimal face (a point where the weight is unique).
#[test]
fn optimal_mix_matches_scipy_linprog_highs() {
    let g = golden();
    let mut checked = 0;
    for set in g["sets"].as_array().unwrap() {
        let (sc, limits) = golden_set(set);
        for case in set["cases"].as_array().unwrap() {
            let alpha = case["alpha"].as_f64().unwrap();
            let budget = case["budget"].as_f64().unwrap();
            let objective = case["objective"].as_f64().unwrap();
            let ranges = case["weight_ranges"].as_array().unwrap();
            for method in [MixMethod::CuttingPlane, MixMethod::Direct] {
                let settings = MixSettings { alpha, method, ..MixSettings::default() };
                let mix = optimal_mix(&sc, &limits, budget, &settings).unwrap();
                let label = format!("set {} alpha {alpha} budget {budget} {method:?}", set["name"]);
                assert!((mix.es - objective).abs() <= 1e-6, "{label}: {} vs {objective}", mix.es);
                assert!(
                    mix.es - mix.lower_bound <= 1e-8,
                    "{label}: gap {}",
                    mix.es - mix.lower_bound
                );
                assert!(mix.cost_per_year <= budget + 1e-8, "{label}: cost {}", mix.cost_per_year);
                for (i, (w, r)) in mix.weights.iter().zip(ranges).enumerate() {
                    let r = floats(r);
                    assert!(
                        *w >= r[0] - 1e-6 && *w <= r[1] + 1e-6,
                        "{label}: weight {i} = {w} outside the optimal range {r:?}"
                    );
                    assert!(*w >= 0.0 && *w <= limits[i].max_units);
                }
                // The ES reported is the ES of the weights reported.
                let es = expected_shortfall(&sc.losses(&mix.weights), alpha).unwrap();
                assert!((es - mix.es).abs() <= 1e-12 * es.abs().max(1.0), "{label}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 17);
}

#[test]
fn cutting_planes_equal_the_direct_programme_on_tournament_like_scenarios() {
    let (sc, limits) = support::tournament_like(7, 3000);
    let unhedged: Vec<f64> = sc.target().iter().map(|t| -t).collect();
    let unhedged = expected_shortfall(&unhedged, 0.99).unwrap();
    for budget in [0.0, 5_000.0, 40_000.0, 400_000.0] {
        let cp = optimal_mix(&sc, &limits, budget, &MixSettings::default()).unwrap();
        let direct = optimal_mix(
            &sc,
            &limits,
            budget,
            &MixSettings { method: MixMethod::Direct, ..MixSettings::default() },
        )
        .unwrap();
        // ES in USD of a 1,000,000 USD holding: agreement to 1e-9 of the unhedged ES.
        let tol = 1e-9 * unhedged;
        assert!((cp.es - direct.es).abs() <= tol, "budget {budget}: {} vs {}", cp.es, direct.es);
        assert!(cp.es - cp.lower_bound <= tol);
        assert!(cp.cuts > 0);
        assert!(cp.cost_per_year <= budget + 1e-6);
    }
}

#[test]
fn budget_zero_gives_the_unhedged_expected_shortfall() {
    let (sc, limits) = support::random_set(3, 800, 4);
    assert!(limits.iter().all(|l| l.carry_per_unit_per_year > 0.0));
    let unhedged: Vec<f64> = sc.target().iter().map(|t| -t).collect();
    let es0 = expected_shortfall(&unhedged, 0.99).unwrap();
    for method in [MixMethod::CuttingPlane, MixMethod::Direct] {
        let mix = optimal_mix(&sc, &limits, 0.0, &MixSettings { method, ..MixSettings::default() })
            .unwrap();
        assert!(mix.weights.iter().all(|w| *w == 0.0), "{method:?}: {:?}", mix.weights);
        assert_eq!(mix.es, es0, "{method:?}");
        assert_eq!(mix.cost_per_year, 0.0);
    }
    let f = frontier(
        &sc,
        &limits,
        &FrontierSettings { max_budget: 0.5, ..FrontierSettings::default() },
    )
    .unwrap();
    assert_eq!(f.frontier[0].budget, 0.0);
    assert_eq!(f.frontier[0].es99, es0);
    assert_eq!(f.unhedged_es99, es0);
    assert_eq!(f.frontier[0].es99_reduction, Some(0.0));
}

#[test]
fn expected_shortfall_is_the_mean_of_the_tail_for_an_integer_tail() {
    let losses: Vec<f64> = (0..1000).map(|k| ((k * 7919) % 1000) as f64).collect();
    // K = 10: the losses 990..=999.
    let es = expected_shortfall(&losses, 0.99).unwrap();
    assert!((es - 994.5).abs() < 1e-12, "{es}");
    assert!(matches!(expected_shortfall(&[], 0.99), Err(FrontierError::NoScenarios)));
    assert!(matches!(
        expected_shortfall(&[1.0, f64::NAN], 0.99),
        Err(FrontierError::NonFinite { scenario: 1, .. })
    ));
}

#[test]
fn one_in_20_cover_is_the_hedge_share_of_the_tail_loss() {
    // 40 scenarios: the 2 worst target losses (5 %) are scenarios 3 and 17.
    let mut target = vec![1.0; 40];
    target[3] = -10.0;
    target[17] = -30.0;
    target[5] = -2.0;
    let mut hedge = vec![0.0; 40];
    hedge[3] = 4.0;
    hedge[17] = 6.0;
    hedge[5] = 100.0;
    let sc = Scenarios::new(target, vec![("h".into(), hedge)]).unwrap();
    let cover = OneIn20::new(&sc).cover(&[2.0]).unwrap();
    assert!((cover - 2.0 * 10.0 / 40.0).abs() < 1e-15, "{cover}");
}

#[test]
fn frontier_json_has_the_issue_keys() {
    let (sc, limits) = support::tournament_like(2, 2000);
    let f = frontier(
        &sc,
        &limits,
        &FrontierSettings { max_budget: 50_000.0, points: 6, ..FrontierSettings::default() },
    )
    .unwrap();
    let v = serde_json::to_value(&f).unwrap();
    let p = &v["frontier"][5];
    for key in ["budget", "weights", "es99", "cover_1_in_20", "cost_per_year"] {
        assert!(p.get(key).is_some(), "missing {key}: {p}");
    }
    assert_eq!(p["budget"].as_f64(), Some(50_000.0));
    assert!(p["weights"]["btc-put"].is_number());
    assert_eq!(v["candidates"].as_array().unwrap().len(), 9);
    assert_eq!(v["candidates"][1]["points"].as_array().unwrap().len(), 6);
    // Budgets ascend, the ES never rises with the budget and the cost stays in the budget.
    for w in f.frontier.windows(2) {
        assert!(w[1].budget > w[0].budget);
        assert!(w[1].es99 <= w[0].es99 + 1e-9 * f.unhedged_es99);
    }
    for p in &f.frontier {
        assert!(p.cost_per_year <= p.budget + 1e-6, "{} > {}", p.cost_per_year, p.budget);
    }
    // A candidate alone spends the budget up to its bound: btc-put costs 216 a unit a year.
    let put = &f.candidates[1];
    assert_eq!(put.points[1].units, 10_000.0 / 216.0);
    assert!(f.frontier[5].es99 < f.unhedged_es99);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The mix is never worse than the best single candidate at the same budget, on seeded
    /// random scenario sets.
    #[test]
    fn prop_mix_never_worse_than_the_best_single_candidate(
        seed in any::<u64>(),
        s in 200usize..1500,
        n in 1usize..6,
        max_budget in 0.01f64..3.0,
        alpha in prop::sample::select(vec![0.9, 0.95, 0.99]),
    ) {
        let (sc, limits) = support::random_set(seed, s, n);
        let settings = FrontierSettings {
            max_budget,
            points: 5,
            mix: MixSettings { alpha, ..MixSettings::default() },
        };
        let f = frontier(&sc, &limits, &settings).unwrap();
        for (j, p) in f.frontier.iter().enumerate() {
            let tol = 1e-9 * f.unhedged_es99.abs().max(1.0);
            for c in &f.candidates {
                prop_assert!(
                    p.es99 <= c.points[j].es99 + tol,
                    "budget {}: mix {} worse than {} alone {}", p.budget, p.es99, c.name, c.points[j].es99
                );
            }
            prop_assert!(p.cost_per_year <= p.budget + 1e-9);
            if j > 0 {
                prop_assert!(p.es99 <= f.frontier[j - 1].es99 + tol);
            }
        }
    }
}

fn one(target: Vec<f64>, pnl: Vec<f64>) -> Result<Scenarios, FrontierError> {
    Scenarios::new(target, vec![("a".into(), pnl)])
}

#[test]
fn bad_scenarios_are_refused_with_typed_errors() {
    assert_eq!(Scenarios::new(vec![], vec![("a".into(), vec![])]), Err(FrontierError::NoScenarios));
    assert_eq!(Scenarios::new(vec![1.0], vec![]), Err(FrontierError::NoCandidates));
    assert_eq!(
        one(vec![1.0, 2.0], vec![1.0]),
        Err(FrontierError::LengthMismatch { name: "a".into(), expected: 2, got: 1 })
    );
    let e = one(vec![1.0, 2.0], vec![1.0, f64::NAN]).unwrap_err();
    assert!(
        matches!(&e, FrontierError::NonFinite { series, scenario: 1, .. } if series == "candidate 'a'"),
        "{e}"
    );
    assert_eq!(e.to_string(), "candidate 'a' scenario 1 (0-based) is not a finite number: NaN");
    let e = one(vec![f64::INFINITY, 2.0], vec![1.0, 1.0]).unwrap_err();
    assert!(
        matches!(&e, FrontierError::NonFinite { series, scenario: 0, .. } if series == "target")
    );
    let dup = Scenarios::new(vec![1.0], vec![("a".into(), vec![1.0]), ("a".into(), vec![2.0])]);
    assert_eq!(dup, Err(FrontierError::DuplicateName { name: "a".into() }));
}

#[test]
fn bad_limits_budgets_and_settings_are_refused_with_typed_errors() {
    let sc = one(vec![1.0, -2.0, 0.5], vec![0.0, 1.0, 0.0]).unwrap();
    let ok = [CandidateLimits { carry_per_unit_per_year: 1.0, max_units: 1.0 }];
    let s = MixSettings::default();
    let field = |e: FrontierError| match e {
        FrontierError::InvalidParameter { field, .. } => field,
        other => panic!("not an invalid parameter: {other}"),
    };
    assert_eq!(field(optimal_mix(&sc, &ok, -1.0, &s).unwrap_err()), "budget");
    assert_eq!(field(optimal_mix(&sc, &ok, f64::NAN, &s).unwrap_err()), "budget");
    assert_eq!(
        optimal_mix(&sc, &[], 1.0, &s).unwrap_err(),
        FrontierError::LimitsMismatch { expected: 1, got: 0 }
    );
    let nan_carry = [CandidateLimits { carry_per_unit_per_year: f64::NAN, max_units: 1.0 }];
    assert_eq!(
        field(optimal_mix(&sc, &nan_carry, 1.0, &s).unwrap_err()),
        "candidate 'a' carry_per_unit_per_year"
    );
    let unbounded = [CandidateLimits { carry_per_unit_per_year: 1.0, max_units: f64::INFINITY }];
    assert_eq!(
        field(optimal_mix(&sc, &unbounded, 1.0, &s).unwrap_err()),
        "candidate 'a' max_units"
    );
    let negative = [CandidateLimits { carry_per_unit_per_year: 1.0, max_units: -1.0 }];
    assert_eq!(field(optimal_mix(&sc, &negative, 1.0, &s).unwrap_err()), "candidate 'a' max_units");
    for alpha in [0.0, 1.0, f64::NAN] {
        let bad = MixSettings { alpha, ..MixSettings::default() };
        assert_eq!(field(optimal_mix(&sc, &ok, 1.0, &bad).unwrap_err()), "alpha");
    }
    for max_budget in [0.0, -1.0, f64::INFINITY] {
        let bad = FrontierSettings { max_budget, ..FrontierSettings::default() };
        assert_eq!(field(frontier(&sc, &ok, &bad).unwrap_err()), "max_budget");
    }
    let bad = FrontierSettings { points: 1, ..FrontierSettings::default() };
    assert_eq!(field(frontier(&sc, &ok, &bad).unwrap_err()), "points");
    let e = optimal_mix(&sc, &ok, -1.0, &s).unwrap_err();
    assert_eq!(e.to_string(), "budget must be finite and at least 0, got -1");
}

#[test]
fn a_candidate_without_room_is_held_at_zero() {
    let sc = one(vec![1.0, -2.0, 0.5, -1.0], vec![0.0, 2.0, 0.0, 1.0]).unwrap();
    let none = [CandidateLimits { carry_per_unit_per_year: 1.0, max_units: 0.0 }];
    let mix = optimal_mix(&sc, &none, 5.0, &MixSettings::default()).unwrap();
    assert_eq!(mix.weights, vec![0.0]);
    assert_eq!(mix.es, expected_shortfall(&[-1.0, 2.0, -0.5, 1.0], 0.99).unwrap());
}
