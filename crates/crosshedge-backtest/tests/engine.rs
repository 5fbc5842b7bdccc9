#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Engine correctness: accounting identity, zero hedge = unhedged (bitwise), hand-computed
//! rolls, rolls moved ahead of events, regime weights.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use crosshedge_backtest::engine::{
    FuturePoint, RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer, SpxVol,
    VixCallSpreadLayer, VixFuturesLayer, VolEtpLayer,
};
use crosshedge_backtest::ledger::FlowKind;
use crosshedge_backtest::synthetic::synthetic_market;
use crosshedge_backtest::{
    run_backtest, BacktestConfig, BacktestInputs, BacktestReport, CostModel, Layer, MarketDay,
};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::{EventCalendar, EventKind, MacroEvent};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const ROLL: RollRule = RollRule { min_days_at_open: 25, roll_days_before: 7 };

fn book(scale: f64, weights: &RegimeWeights) -> Vec<Box<dyn Layer>> {
    vec![
        Box::new(VixCallSpreadLayer::new(
            "vix cs",
            0.2 * scale,
            weights.clone(),
            (1.2, 1.8),
            0.9,
            ROLL,
        )),
        Box::new(VixFuturesLayer::new("vx", 0.1 * scale, weights.clone(), ROLL)),
        Box::new(SpxPutSpreadLayer::new(
            "spx ps",
            0.3 * scale,
            weights.clone(),
            (0.85, 0.95),
            SpxVol::FromVix { scale: 1.1 },
        )),
        Box::new(ShortPerpLayer::new("perp", 0, 0.25 * scale, weights.clone())),
        Box::new(VolEtpLayer::new("etp", 0.05 * scale, weights.clone())),
    ]
}

fn run(
    days: &[MarketDay],
    config: &BacktestConfig,
    cal: &EventCalendar,
    layers: &mut [Box<dyn Layer>],
) -> BacktestReport {
    let episodes = Catalogue::builtin();
    let inputs = BacktestInputs { days, config, calendar: cal, episodes: &episodes };
    run_backtest(&inputs, layers).unwrap()
}

fn costs() -> CostModel {
    CostModel {
        commission_per_contract: 1.5,
        slippage_bps: 5.0,
        gas_per_action_usd: 8.0,
        commission_bps: 2.0,
    }
}

#[test]
fn engine_accounting_identity_every_day() {
    let days = synthetic_market(3, d("2017-06-01"), 1700);
    let config = BacktestConfig::new(vec![10_000.0], costs());
    let cal = EventCalendar::builtin_fomc();
    let mut layers = book(1.0, &RegimeWeights::constant(1.0));
    let r = run(&days, &config, &cal, &mut layers);
    assert!(r.all_checks_ok);
    assert_eq!(r.checks.len(), days.len());
    for (i, c) in r.checks.iter().enumerate() {
        assert!(c.ok, "{c:?}");
        assert_eq!(c.equity, c.cash + c.positions_value);
        assert_eq!(r.hedged_equity[i], r.unhedged_equity[i] + c.equity);
    }
    // Every kind of flow occurs, and the hedge changed the curve.
    for kind in [
        FlowKind::Premium,
        FlowKind::Payoff,
        FlowKind::Fee,
        FlowKind::Gas,
        FlowKind::Funding,
        FlowKind::Margin,
    ] {
        assert!(r.cash_flows.iter().any(|f| f.kind == kind), "{kind:?}");
    }
    assert_ne!(r.hedged_equity, r.unhedged_equity);
    assert!(r.xirr.rate.is_some() || r.xirr.error.is_some());
    // Volmageddon 2018, the 2020 crash and the 2022 episodes fall in 2017-2023.
    assert!(!r.episodes.is_empty());
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"all_checks_ok\":true"));
}

#[test]
fn engine_zero_hedge_equals_unhedged_bitwise() {
    let days = synthetic_market(5, d("2010-01-04"), 800);
    let cal = EventCalendar::builtin_fomc();
    // Zero size with zero costs, and zero regime weights with costs: no trade at all.
    let cases = [
        (CostModel::ZERO, book(0.0, &RegimeWeights::constant(1.0))),
        (costs(), book(1.0, &RegimeWeights::constant(0.0))),
    ];
    for (cost, mut layers) in cases {
        let config = BacktestConfig::new(vec![500.0], cost);
        let r = run(&days, &config, &cal, &mut layers);
        assert!(r.cash_flows.is_empty());
        assert_eq!(r.hedged_equity.len(), r.unhedged_equity.len());
        for (h, u) in r.hedged_equity.iter().zip(&r.unhedged_equity) {
            assert_eq!(h.to_bits(), u.to_bits());
        }
        assert_eq!(r.hedged_metrics, r.unhedged_metrics);
        assert!(r.hedged_metrics.metrics.is_some());
        assert_eq!(
            r.xirr.error.as_deref(),
            Some("no rate exists: all flows have the same sign (all zero)")
        );
    }
}

fn hand_day(date: &str, curve: &[(&str, f64)]) -> MarketDay {
    MarketDay {
        date: d(date),
        vix: 18.0,
        vix_futures: curve.iter().map(|&(e, s)| FuturePoint { expiry: d(e), settle: s }).collect(),
        spx: 4000.0,
        targets: vec![100_000.0],
        funding_rate: 0.0,
        regime: "calm".into(),
        vol_of_vol: None,
        crypto_vol: Vec::new(),
    }
}

const E1: &str = "2024-02-14";
const E2: &str = "2024-03-20";

fn hand_days() -> Vec<MarketDay> {
    vec![
        hand_day("2024-01-02", &[(E1, 20.0), (E2, 21.0)]),
        hand_day("2024-01-16", &[(E1, 22.0), (E2, 22.0)]),
        hand_day("2024-02-05", &[(E1, 23.0), (E2, 23.5)]),
        hand_day("2024-02-06", &[(E1, 24.0), (E2, 24.5)]),
        hand_day("2024-02-07", &[(E1, 25.0), (E2, 24.0)]),
        hand_day("2024-02-08", &[(E1, 25.5), (E2, 26.0)]),
    ]
}

#[test]
fn engine_one_roll_vix_futures_by_hand() {
    let days = hand_days();
    let cost = CostModel {
        commission_per_contract: 1.0,
        slippage_bps: 0.0,
        gas_per_action_usd: 99.0,
        commission_bps: 0.0,
    };
    let mut config = BacktestConfig::new(vec![1.0], cost);
    config.move_rolls_before_events = false;
    let cal = EventCalendar::default();
    let mut layers: Vec<Box<dyn Layer>> =
        vec![Box::new(VixFuturesLayer::new("vx", 0.5, RegimeWeights::constant(1.0), ROLL))];
    let r = run(&days, &config, &cal, &mut layers);
    // Open 0.5·100 000/(20·1000) = 2.5 VX of E1 on 01-02; scheduled roll 02-07 = E1 − 7 days:
    // close at 25 and open 0.5·100 000/(24·1000) = 50/24 of E2 at 24; mark 26 on 02-08.
    // Fee per contract: 1000·0.025 (half spread) + 1 commission = 26; no gas (exchange).
    let q1 = 2.5;
    let q2 = 50.0 / 24.0;
    let expected = [
        -q1 * 26.0,
        -q1 * 26.0 + q1 * 1000.0 * 2.0,
        -q1 * 26.0 + q1 * 1000.0 * 3.0,
        -q1 * 26.0 + q1 * 1000.0 * 4.0,
        -q1 * 26.0 + q1 * 1000.0 * 5.0 - q1 * 26.0 - q2 * 26.0,
        -q1 * 26.0 + q1 * 1000.0 * 5.0 - q1 * 26.0 - q2 * 26.0 + q2 * 1000.0 * 2.0,
    ];
    for (i, e) in expected.iter().enumerate() {
        let got = r.hedged_equity[i] - r.unhedged_equity[i];
        assert!((got - e).abs() < 1e-9, "day {i}: {got} vs {e}");
    }
    let fee_dates: Vec<_> =
        r.cash_flows.iter().filter(|f| f.kind == FlowKind::Fee).map(|f| f.date).collect();
    assert_eq!(fee_dates, vec![d("2024-01-02"), d("2024-02-07"), d("2024-02-07")]);
    assert!(r.cash_flows.iter().all(|f| matches!(f.kind, FlowKind::Fee | FlowKind::Margin)));
}

#[test]
fn engine_roll_moved_ahead_of_cpi() {
    let days = hand_days();
    let mut config = BacktestConfig::new(vec![1.0], CostModel::ZERO);
    config.move_rolls_before_events = true;
    let cal = EventCalendar::new(vec![
        // Outside the 5-day window before the 02-07 roll: ignored.
        MacroEvent { date: d("2024-01-16"), kind: EventKind::Fomc },
        MacroEvent { date: d("2024-02-06"), kind: EventKind::Cpi },
    ]);
    let no_spread = || {
        let mut l = VixFuturesLayer::new("vx", 0.5, RegimeWeights::constant(1.0), ROLL);
        l.half_spread = 0.0;
        let layers: Vec<Box<dyn Layer>> = vec![Box::new(l)];
        layers
    };
    let mut layers = no_spread();
    let r = run(&days, &config, &cal, &mut layers);
    assert!(r.cash_flows.iter().all(|f| f.kind == FlowKind::Margin));
    // The CPI print on 02-06 pulls the roll to 02-05, the last trading day before it: the
    // E1 position earns 20 → 23 and the E2 position (50/23.5 contracts) 23.5 → 26.
    let q1 = 2.5;
    let q2 = 0.5 * 100_000.0 / (23.5 * 1000.0);
    let want = q1 * 1000.0 * 3.0 + q2 * 1000.0 * 2.5;
    let got = r.hedged_equity[5] - r.unhedged_equity[5];
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    let margin_e1_last = r.cash_flows.iter().filter(|f| f.position.0 == 0).map(|f| f.date).max();
    assert_eq!(margin_e1_last, Some(d("2024-02-05")));
    // Without the flag, the same calendar changes nothing.
    config.move_rolls_before_events = false;
    let mut layers = no_spread();
    let r2 = run(&days, &config, &cal, &mut layers);
    let last_e1 = r2.cash_flows.iter().filter(|f| f.position.0 == 0).map(|f| f.date).max();
    assert_eq!(last_e1, Some(d("2024-02-07")));
}

#[test]
fn engine_one_roll_vix_call_spread_zero_vol_by_hand() {
    // With a zero vol of vol and a zero rate, Black-76 prices are intrinsic values F − K.
    let days = vec![
        hand_day("2024-01-02", &[(E1, 20.0), (E2, 21.0)]),
        hand_day("2024-02-07", &[(E1, 17.0), (E2, 19.0)]),
    ];
    let cost = CostModel {
        commission_per_contract: 1.0,
        slippage_bps: 0.0,
        gas_per_action_usd: 0.0,
        commission_bps: 0.0,
    };
    let mut config = BacktestConfig::new(vec![1.0], cost);
    config.move_rolls_before_events = false;
    let cal = EventCalendar::default();
    let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(VixCallSpreadLayer::new(
        "cs",
        0.01,
        RegimeWeights::constant(1.0),
        (0.8, 0.9),
        0.0,
        ROLL,
    ))];
    let r = run(&days, &config, &cal, &mut layers);
    // Open q1 = 0.01·100 000/(20·100) = 0.5 spreads of K 16/18 (worth 4 − 2 = 2); on the
    // roll day F = 17: worth 1 − 0 = 1. Fee per leg and contract: 100·0.05 + 1 = 6.
    let q1 = 0.5;
    let q2 = 1000.0 / 1900.0;
    let want0 = -2.0 * q1 * 6.0;
    let want1 = want0 + q1 * 100.0 * (1.0 - 2.0) - 2.0 * q1 * 6.0 - 2.0 * q2 * 6.0;
    let got0 = r.hedged_equity[0] - r.unhedged_equity[0];
    let got1 = r.hedged_equity[1] - r.unhedged_equity[1];
    assert!((got0 - want0).abs() < 1e-9, "{got0} vs {want0}");
    assert!((got1 - want1).abs() < 1e-9, "{got1} vs {want1}");
    // Premium paid at the open: 0.5·100·4 − 0.5·100·2 (received for the short leg).
    let premium0: f64 = r
        .cash_flows
        .iter()
        .filter(|f| f.kind == FlowKind::Premium && f.date == d("2024-01-02"))
        .map(|f| f.amount)
        .sum();
    assert!((premium0 + 100.0).abs() < 1e-9, "{premium0}");
}

#[test]
fn engine_regime_weights_switch_the_perp_on() {
    let mut days = hand_days();
    for (i, day) in days.iter_mut().enumerate() {
        day.regime = if i < 3 { "calm".into() } else { "stress".into() };
        day.funding_rate = 0.001;
        day.targets = vec![100_000.0 + 1000.0 * i as f64];
    }
    let cost = CostModel {
        commission_per_contract: 0.0,
        slippage_bps: 0.0,
        gas_per_action_usd: 10.0,
        commission_bps: 0.0,
    };
    let config = BacktestConfig::new(vec![2.0], cost);
    let weights =
        RegimeWeights { default: 0.0, by_regime: BTreeMap::from([("stress".to_string(), 1.0)]) };
    let mut perp = ShortPerpLayer::new("perp", 0, 0.5, weights);
    perp.half_spread_bps = 0.0;
    let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(perp)];
    let r = run(&days, &config, &EventCalendar::default(), &mut layers);
    // Calm days: nothing. Day 3 (stress): short 0.5·2 = 1 unit at 103 000, gas 10. Day 4:
    // the price rises by 1000 (margin −1000), funding +0.001·104 000 = 104, and the size
    // target is unchanged (−1 unit), so no trade.
    for i in 0..3 {
        assert_eq!(r.hedged_equity[i], r.unhedged_equity[i]);
    }
    let hedge: Vec<f64> =
        r.hedged_equity.iter().zip(&r.unhedged_equity).map(|(h, u)| h - u).collect();
    assert!((hedge[3] + 10.0).abs() < 1e-9, "{}", hedge[3]);
    assert!((hedge[4] - (-10.0 - 1000.0 + 104.0)).abs() < 1e-9, "{}", hedge[4]);
    assert!((hedge[5] - (-10.0 - 2000.0 + 104.0 + 105.0)).abs() < 1e-9, "{}", hedge[5]);
    assert_eq!(r.cash_flows.iter().filter(|f| f.kind == FlowKind::Gas).count(), 1);
}

#[test]
fn engine_rejects_unsorted_and_short_inputs() {
    let days = hand_days();
    let config = BacktestConfig::new(vec![1.0], CostModel::ZERO);
    let cal = EventCalendar::default();
    let episodes = Catalogue::builtin();
    let mut rev = days.clone();
    rev.swap(0, 1);
    let mut layers: Vec<Box<dyn Layer>> = Vec::new();
    let inputs =
        BacktestInputs { days: &rev, config: &config, calendar: &cal, episodes: &episodes };
    assert!(run_backtest(&inputs, &mut layers).is_err());
    let inputs =
        BacktestInputs { days: &days[..1], config: &config, calendar: &cal, episodes: &episodes };
    assert!(run_backtest(&inputs, &mut layers).is_err());
    let mut nan = days.clone();
    nan[2].spx = f64::NAN;
    let inputs =
        BacktestInputs { days: &nan, config: &config, calendar: &cal, episodes: &episodes };
    assert!(run_backtest(&inputs, &mut layers).is_err());
    let mut unsorted_curve = days.clone();
    unsorted_curve[1].vix_futures.reverse();
    let inputs = BacktestInputs {
        days: &unsorted_curve,
        config: &config,
        calendar: &cal,
        episodes: &episodes,
    };
    assert!(run_backtest(&inputs, &mut layers).is_err());
    let bad = BacktestConfig::new(vec![1.0, 2.0], CostModel::ZERO);
    let inputs = BacktestInputs { days: &days, config: &bad, calendar: &cal, episodes: &episodes };
    assert!(run_backtest(&inputs, &mut layers).is_err());
}

#[test]
fn engine_day_vol_of_vol_overrides_the_constant() {
    // The layer's constant vol of vol is 5.0, but the days carry 0.0: prices must be the
    // zero-vol intrinsic values of the hand case above.
    let mut days = vec![
        hand_day("2024-01-02", &[(E1, 20.0), (E2, 21.0)]),
        hand_day("2024-02-07", &[(E1, 17.0), (E2, 19.0)]),
    ];
    for day in &mut days {
        day.vol_of_vol = Some(0.0);
    }
    let mut config = BacktestConfig::new(vec![1.0], CostModel::ZERO);
    config.move_rolls_before_events = false;
    let mut layer =
        VixCallSpreadLayer::new("cs", 0.01, RegimeWeights::constant(1.0), (0.8, 0.9), 5.0, ROLL);
    layer.half_spread = 0.0;
    let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(layer)];
    let r = run(&days, &config, &EventCalendar::default(), &mut layers);
    let got = r.hedged_equity[1] - r.unhedged_equity[1];
    assert!((got - 0.5 * 100.0 * (1.0 - 2.0)).abs() < 1e-9, "{got}");
}

#[test]
fn engine_spx_put_spread_zero_vol_and_expiry_settlement() {
    // Constant zero vol: puts are worth max(K − S, 0). Tenor 10 days, no early roll: the
    // spread is held to expiry and settled at intrinsic against the day's SPX.
    let mk = |date: &str, spx: f64| {
        let mut day = hand_day(date, &[(E1, 20.0)]);
        day.spx = spx;
        day
    };
    let days = vec![mk("2024-01-02", 4000.0), mk("2024-01-05", 3700.0), mk("2024-01-12", 3500.0)];
    let mut config = BacktestConfig::new(vec![1.0], CostModel::ZERO);
    config.move_rolls_before_events = false;
    let mut layer = SpxPutSpreadLayer::new(
        "ps",
        0.4,
        RegimeWeights::constant(1.0),
        (0.9, 0.95),
        SpxVol::Constant(0.0),
    );
    layer.tenor_days = 10;
    layer.roll_days_before = 0;
    layer.half_spread = 0.0;
    let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(layer)];
    let r = run(&days, &config, &EventCalendar::default(), &mut layers);
    // q = 0.4·100 000/(4000·100) = 0.1 spreads of K 3800/3600, worth 0 at the open.
    // 01-05 (S = 3700): 100 − 0 = 100 per unit → 0.1·100·100 = 1000.
    // 01-12 ≥ expiry 01-12: settled at 3800 − 3500 = 300 and 3600 − 3500 = 100 → 200 per unit.
    let hedge: Vec<f64> =
        r.hedged_equity.iter().zip(&r.unhedged_equity).map(|(h, u)| h - u).collect();
    assert!(hedge[0].abs() < 1e-9, "{}", hedge[0]);
    assert!((hedge[1] - 1000.0).abs() < 1e-9, "{}", hedge[1]);
    // A new spread is opened on 01-12 at S = 3500 (worth 0 at zero vol), so equity = 2000.
    assert!((hedge[2] - 2000.0).abs() < 1e-9, "{}", hedge[2]);
    let payoff: f64 =
        r.cash_flows.iter().filter(|f| f.kind == FlowKind::Payoff).map(|f| f.amount).sum();
    assert!((payoff - 2000.0).abs() < 1e-9, "{payoff}");
}

#[test]
fn engine_block_hook_sees_every_day_and_can_stop_the_run() {
    use std::ops::ControlFlow;

    use crosshedge_backtest::engine::DAYS_PER_BLOCK;
    use crosshedge_backtest::{run_backtest_with, BacktestError};
    let days = synthetic_market(5, d("2018-01-02"), 600);
    let config = BacktestConfig::new(vec![10_000.0], costs());
    let cal = EventCalendar::builtin_fomc();
    let episodes = Catalogue::builtin();
    let inputs =
        BacktestInputs { days: &days, config: &config, calendar: &cal, episodes: &episodes };
    // A hook that never breaks: blocks of DAYS_PER_BLOCK days and the rest, the same report.
    let mut blocks = Vec::new();
    let mut layers = book(1.0, &RegimeWeights::constant(1.0));
    let with = run_backtest_with(&inputs, &mut layers, &mut |n| {
        blocks.push(n);
        ControlFlow::Continue(())
    })
    .unwrap();
    let b = DAYS_PER_BLOCK as u64;
    assert_eq!(blocks, vec![b, b, 600 - 2 * b]);
    let plain = run(&days, &config, &cal, &mut book(1.0, &RegimeWeights::constant(1.0)));
    assert_eq!(with.hedged_equity, plain.hedged_equity);
    // Breaking after the first block stops the run there.
    let mut calls = 0;
    let mut layers = book(1.0, &RegimeWeights::constant(1.0));
    let err = run_backtest_with(&inputs, &mut layers, &mut |_| {
        calls += 1;
        ControlFlow::Break(())
    })
    .unwrap_err();
    assert_eq!(err, BacktestError::Cancelled);
    assert_eq!(calls, 1);
}
