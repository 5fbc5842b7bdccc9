#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The crypto layers: an exact linear hedge covers 100 % of every episode; options are marked
//! by Black-76 and settle at intrinsic value; a failed venue takes the layer's collateral and
//! its P&L since the open.

use chrono::NaiveDate;
use crosshedge_backtest::crypto::{CryptoOptionLayer, ShortSpotLayer};
use crosshedge_backtest::engine::{RegimeWeights, ShortPerpLayer};
use crosshedge_backtest::ledger::FlowKind;
use crosshedge_backtest::{
    run_backtest, BacktestConfig, BacktestInputs, BacktestReport, CostModel, Layer, MarketDay,
};
use crosshedge_hedging::CryptoOptionType;
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;
use crosshedge_pricing::{black76_price, Black76Inputs, OptionKind};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn zero_costs() -> CostModel {
    CostModel {
        commission_per_contract: 0.0,
        slippage_bps: 0.0,
        gas_per_action_usd: 0.0,
        commission_bps: 0.0,
    }
}

/// Every calendar day from `from` for `n` days, BTC following `price(i)`.
fn days(from: &str, n: usize, price: impl Fn(usize) -> f64, vol: Option<f64>) -> Vec<MarketDay> {
    (0..n)
        .map(|i| MarketDay {
            date: d(from) + chrono::Duration::days(i as i64),
            vix: 20.0,
            vix_futures: vec![],
            spx: 4000.0,
            targets: vec![price(i)],
            funding_rate: 0.0,
            regime: "normal".into(),
            vol_of_vol: None,
            crypto_vol: vec![vol],
        })
        .collect()
}

fn run(days: &[MarketDay], costs: CostModel, layers: &mut [Box<dyn Layer>]) -> BacktestReport {
    let config = BacktestConfig::new(vec![2.0], costs);
    let episodes = Catalogue::builtin();
    let cal = EventCalendar::default();
    let inputs = BacktestInputs { days, config: &config, calendar: &cal, episodes: &episodes };
    run_backtest(&inputs, layers).unwrap()
}

/// A wiggly BTC path through 2022 (Terra in May, FTX in November) with large falls.
fn btc(i: usize) -> f64 {
    let x = i as f64;
    40_000.0 * (1.0 + 0.3 * (x / 37.0).sin() - 0.2 * (x / 11.0).cos() * (x / 200.0))
}

#[test]
fn an_exact_linear_hedge_at_the_true_ratio_covers_every_episode_in_full() {
    let market = days("2022-01-01", 365, btc, None);
    let mut spot = ShortSpotLayer::new("short spot", 0, 1.0, RegimeWeights::constant(1.0));
    spot.half_spread_bps = 0.0;
    let mut perp = ShortPerpLayer::new("short perp", 0, 1.0, RegimeWeights::constant(1.0));
    perp.half_spread_bps = 0.0;
    for layer in [Box::new(spot) as Box<dyn Layer>, Box::new(perp)] {
        let mut layers = vec![layer];
        let r = run(&market, zero_costs(), &mut layers);
        let lost: Vec<_> = r.episodes.iter().filter(|e| e.unhedged_pnl < 0.0).collect();
        assert!(lost.len() >= 2, "{:?}", r.episodes);
        for e in &r.episodes {
            // The hedged book is flat: every loss is offset exactly.
            assert!(e.hedged_pnl.abs() <= 1e-9 * e.unhedged_pnl.abs().max(1.0), "{e:?}");
            if let Some(c) = e.share_offset {
                assert!((c - 1.0).abs() < 1e-12, "{} covers {c}", e.name);
            }
        }
    }
}

#[test]
fn a_put_is_marked_by_black76_and_settles_at_intrinsic_value() {
    // BTC falls 1 % a day for 40 days at 60 % vol: a 30-day 0.9 put opened on day 0.
    let market = days("2023-01-01", 40, |i| 30_000.0 * 0.99f64.powi(i as i32), Some(0.6));
    let layer = CryptoOptionLayer::new(
        "put",
        "BTC",
        0,
        CryptoOptionType::Put,
        (0.9, 0.0),
        30,
        1.0,
        RegimeWeights::constant(1.0),
        0.0,
        0.0,
        0.5,
    );
    let mut layers: Vec<Box<dyn Layer>> = vec![Box::new(layer)];
    let r = run(&market, zero_costs(), &mut layers);
    // Exposure 2 BTC at 30 000: 2 puts at K = 27 000.
    let k = 27_000.0;
    let p0 = black76_price(&Black76Inputs {
        kind: OptionKind::Put,
        forward: 30_000.0,
        strike: k,
        vol: 0.6,
        t_years: 30.0 / 365.0,
        rate: 0.0,
    })
    .unwrap();
    let premium: f64 = r
        .cash_flows
        .iter()
        .filter(|f| f.kind == FlowKind::Premium && f.date == d("2023-01-01"))
        .map(|f| f.amount)
        .sum();
    // Half a vol point of vega plus the capped Deribit fee is the only cost: no flows are Fee
    // at zero costs except that half-spread.
    assert!((premium + 2.0 * p0).abs() < 1e-9, "{premium} vs {}", -2.0 * p0);
    let s_t = 30_000.0 * 0.99f64.powi(30);
    let payoff: f64 = r
        .cash_flows
        .iter()
        .filter(|f| f.kind == FlowKind::Payoff && f.date == d("2023-01-31"))
        .map(|f| f.amount)
        .sum();
    assert!((payoff - 2.0 * (k - s_t)).abs() < 1e-9, "{payoff}");
    assert!(r.all_checks_ok);
}

#[test]
fn a_failed_venue_takes_the_collateral_and_the_pnl_since_the_open() {
    // FTX fails on 2022-11-08 (the built-in catalogue). BTC falls from 21 000 to 16 000 over
    // the window, so the short perp had gained when the venue took it.
    let market = days("2022-11-01", 20, |i| 21_000.0 - 300.0 * i as f64, None);
    let mk = |default: Option<NaiveDate>| {
        let mut p = ShortPerpLayer::new("perp", 0, 1.0, RegimeWeights::constant(1.0))
            .with_venue_default(default);
        p.half_spread_bps = 0.0;
        p.rebalance_band = 10.0;
        vec![Box::new(p) as Box<dyn Layer>]
    };
    let solvent = run(&market, zero_costs(), &mut mk(None));
    let failed = run(&market, zero_costs(), &mut mk(Some(d("2022-11-08"))));
    let lost: Vec<_> =
        failed.cash_flows.iter().filter(|f| f.kind == FlowKind::VenueDefault).collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].date, d("2022-11-08"));
    // Opened on 11-01 at 21 000 short 2 BTC; marked down to 18 900 on 11-08: a 4 200 USD gain
    // held at the venue, plus 50 % collateral of 42 000 USD.
    assert!((lost[0].amount + (21_000.0 + 4_200.0)).abs() < 1e-9, "{}", lost[0].amount);
    // The holder re-hedges the next day; the failed-venue programme ends exactly that loss
    // below the solvent one... less the gain the solvent one kept from 11-08 to 11-09 on the
    // size it held versus the new size.
    let eq = |r: &BacktestReport, date: &str| {
        let i = r.dates.iter().position(|x| *x == d(date)).unwrap();
        r.hedged_equity[i] - r.unhedged_equity[i]
    };
    assert!((eq(&solvent, "2022-11-08") - eq(&failed, "2022-11-08") - 25_200.0).abs() < 1e-9);
    assert!(failed.all_checks_ok);
}
