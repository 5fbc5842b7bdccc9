#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The vol-ETP layer: its index against the pricing crate's constant-maturity proxy, a
//! hand-computed two-day case, resizing inside a run, and the accounting identity.

use chrono::NaiveDate;
use crosshedge_backtest::engine::{FuturePoint, RegimeWeights, VolEtpLayer};
use crosshedge_backtest::ledger::{CostModel, FlowKind, Ledger};
use crosshedge_backtest::synthetic::synthetic_market;
use crosshedge_backtest::{
    run_backtest, BacktestConfig, BacktestInputs, Context, Layer, MarketDay,
};
use crosshedge_core::calendar::nyse_is_trading_day;
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;
use crosshedge_pricing::vix::{etp_proxy, roll_weight_front, ProxyWeighting, VixFuturesRow};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Drives `layer` over `days` with exposure value `exposure`, returning the level after each
/// day and the ledger.
fn drive(layer: &mut VolEtpLayer, days: &[MarketDay], exposure: f64) -> (Vec<f64>, Ledger) {
    let cal = EventCalendar::default();
    let mut ledger = Ledger::new(0.0, CostModel::ZERO).unwrap();
    let values = [exposure];
    let mut levels = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let ctx = Context {
            day_index: i,
            next_date: days.get(i + 1).map(|x| x.date),
            exposure_values: &values,
            exposure_value: exposure,
            rate: 0.0,
            calendar: &cal,
            event_kinds: &[],
            move_rolls_before_events: false,
            event_window_days: 0,
        };
        layer.on_day(day, &mut ledger, &ctx).unwrap();
        assert!(ledger.check(day.date).ok);
        levels.push(layer.level().unwrap());
    }
    (levels, ledger)
}

#[test]
fn vol_etp_index_matches_the_pricing_crates_proxy() {
    // NYSE trading days only, so both count business days the same way.
    let days: Vec<MarketDay> = synthetic_market(11, d("2016-01-04"), 900)
        .into_iter()
        .filter(|m| nyse_is_trading_day(m.date))
        .collect();
    let mut layer = VolEtpLayer::new("etp", 0.1, RegimeWeights::constant(1.0));
    layer.expense_ratio = 0.0;
    let (levels, _) = drive(&mut layer, &days, 1e6);
    let rows: Vec<VixFuturesRow> = days
        .iter()
        .flat_map(|m| {
            m.vix_futures.iter().map(|f| VixFuturesRow {
                date: m.date,
                expiry: f.expiry,
                settle: f.settle,
            })
        })
        .collect();
    let proxy = etp_proxy(&rows, ProxyWeighting::ContractUnits).unwrap();
    assert!(proxy.skipped.is_empty(), "{:?}", proxy.skipped);
    assert_eq!(proxy.level.len(), days.len());
    for (i, (a, b)) in levels.iter().zip(&proxy.level).enumerate() {
        let want = VolEtpLayer::START_LEVEL * b;
        assert!((a - want).abs() <= 1e-11 * want, "day {i} {}: {a} vs {want}", days[i].date);
    }
    // The index lost value in contango over the run, as the real VXX does.
    assert!(levels.last().unwrap() < &levels[0]);
}

fn day(date: &str, vix: f64, curve: &[(&str, f64)]) -> MarketDay {
    MarketDay {
        date: d(date),
        vix,
        vix_futures: curve.iter().map(|(e, s)| FuturePoint { expiry: d(e), settle: *s }).collect(),
        spx: 4000.0,
        targets: vec![100.0],
        funding_rate: 0.0,
        regime: "calm".into(),
        vol_of_vol: None,
        crypto_vol: Vec::new(),
    }
}

#[test]
fn vol_etp_two_days_by_hand() {
    // Month 1 expires 2024-03-20, month 2 2024-04-17.
    let days = [
        day("2024-03-04", 14.0, &[("2024-03-20", 15.0), ("2024-04-17", 16.0)]),
        day("2024-03-05", 15.0, &[("2024-03-20", 15.6), ("2024-04-17", 16.4)]),
    ];
    let mut layer = VolEtpLayer::new("etp", 0.05, RegimeWeights::constant(1.0));
    let (levels, ledger) = drive(&mut layer, &days, 1e6);
    let w1 = roll_weight_front(d("2024-03-04"), d("2024-03-20"));
    assert!(w1 > 0.0 && w1 < 1.0);
    let ratio = (w1 * 15.6 + (1.0 - w1) * 16.4) / (w1 * 15.0 + (1.0 - w1) * 16.0);
    let fee = (-0.0089f64 / 365.0).exp();
    assert_eq!(levels[0], 100.0);
    assert!((levels[1] - 100.0 * ratio * fee).abs() < 1e-12);
    // Bought 50 000 USD on day 1 (500 shares at 100); a +3.2 % move stays inside the 10 %
    // band, so day 2 only marks.
    let pos = &ledger.positions[0];
    assert!((pos.quantity - 500.0).abs() < 1e-9);
    // Equity: the price gain less the 2 bps half-spread paid on the 50 000 USD purchase.
    assert!((ledger.equity() - (500.0 * (levels[1] - 100.0) - 50_000.0 * 2e-4)).abs() < 1e-9);
    assert_eq!(ledger.flows.iter().filter(|f| f.kind == FlowKind::Premium).count(), 1);
}

#[test]
fn vol_etp_resizes_on_drift_and_sells_when_switched_off() {
    let days: Vec<MarketDay> = synthetic_market(5, d("2018-01-02"), 400);
    let mut weights = RegimeWeights::constant(1.0);
    weights.by_regime.insert("stress".into(), 0.0);
    let cal = EventCalendar::default();
    let episodes = Catalogue::builtin();
    let costs = CostModel { commission_bps: 2.0, slippage_bps: 1.0, ..CostModel::ZERO };
    let config = BacktestConfig::new(vec![10_000.0], costs);
    let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(VolEtpLayer::new("etp", 0.1, weights))];
    let r = run_backtest(
        &BacktestInputs { days: &days, config: &config, calendar: &cal, episodes: &episodes },
        &mut layers,
    )
    .unwrap();
    assert!(r.all_checks_ok);
    let buys = r.cash_flows.iter().filter(|f| f.kind == FlowKind::Premium).count();
    let sells = r.cash_flows.iter().filter(|f| f.kind == FlowKind::Payoff).count();
    assert!(buys > 1 && sells > 0, "buys {buys} sells {sells}");
    // Fees: half-spread 2 bps + slippage 1 bp + commission 2 bps = 5 bps of each trade.
    let traded: f64 = r
        .cash_flows
        .iter()
        .filter(|f| matches!(f.kind, FlowKind::Premium | FlowKind::Payoff))
        .map(|f| f.amount.abs())
        .sum();
    let fees: f64 = r.cash_flows.iter().filter(|f| f.kind == FlowKind::Fee).map(|f| f.amount).sum();
    assert!((fees + traded * 5e-4).abs() <= 1e-9 * traded, "{fees} vs {traded}");
}
