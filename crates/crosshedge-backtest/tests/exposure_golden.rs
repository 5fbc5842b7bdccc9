#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The book's exposures against the independent loop of `tests/golden/exposure_golden.py`:
//! constant-mix rebalancing (every 3rd market day) and buy-and-hold of spot, NFT inventory with
//! carry, a Uniswap v3 LP with fees and a perp with funding, financed by a cash account at 5 %;
//! and the LP's value path and impermanent loss against the whitepaper's closed form.

use chrono::NaiveDate;
use crosshedge_backtest::exposure::{ExposureBook, ExposureKind, ExposureSpec, Rebalance};
use crosshedge_backtest::ledger::FlowKind;
use crosshedge_backtest::{
    run_backtest, BacktestConfig, BacktestInputs, BacktestReport, CostModel, Layer, MarketDay,
};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventCalendar;

fn golden() -> serde_json::Value {
    serde_json::from_str(include_str!("golden/exposure.json")).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn market(g: &serde_json::Value) -> Vec<MarketDay> {
    let (eth, nft, funding) = (floats(&g["eth"]), floats(&g["nft"]), floats(&g["funding"]));
    g["dates"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, d)| MarketDay {
            date: NaiveDate::parse_from_str(d.as_str().unwrap(), "%Y-%m-%d").unwrap(),
            vix: 20.0,
            vix_futures: vec![],
            spx: 5000.0,
            targets: vec![eth[i], nft[i]],
            funding_rate: funding[i],
            regime: "calm".into(),
            vol_of_vol: None,
            crypto_vol: Vec::new(),
        })
        .collect()
}

fn book(g: &serde_json::Value, rebalance: Rebalance, only_lp: bool) -> ExposureBook {
    let hs = &g["half_spread_bps"];
    let range = floats(&g["lp_range"]);
    let lp = ExposureKind::AmmLp {
        range: [range[0], range[1]],
        fee_apr: if only_lp { 0.0 } else { g["lp_fee_apr"].as_f64().unwrap() },
    };
    let mut specs = vec![
        ExposureSpec::new("eth", 0, ExposureKind::Spot, 600.0),
        ExposureSpec::new(
            "nft",
            1,
            ExposureKind::NftInventory { carry_per_year: g["carry"].as_f64().unwrap() },
            300.0,
        ),
        ExposureSpec::new("lp", 0, lp, 100.0),
        ExposureSpec::new("perp", 0, ExposureKind::Perp, 200.0),
    ];
    // The defaults the golden states.
    for (s, k) in specs.iter().zip(["spot", "nft", "lp", "perp"]) {
        assert_eq!(s.half_spread_bps, hs[k].as_f64().unwrap(), "{k}");
    }
    if only_lp {
        specs = vec![specs.remove(2)];
    }
    ExposureBook {
        exposures: specs,
        rebalance,
        cash_rate: if only_lp { 0.0 } else { g["cash_rate"].as_f64().unwrap() },
        costs: CostModel {
            commission_per_contract: 0.0,
            slippage_bps: g["slippage_bps"].as_f64().unwrap(),
            gas_per_action_usd: g["gas"].as_f64().unwrap(),
            commission_bps: 0.0,
        },
    }
}

fn run(days: &[MarketDay], b: ExposureBook) -> BacktestReport {
    let mut config = BacktestConfig::new(vec![], CostModel::ZERO);
    config.book = Some(b);
    let calendar = EventCalendar::builtin_fomc();
    let episodes = Catalogue::builtin();
    let mut layers: Vec<Box<dyn Layer>> = vec![];
    let inputs = BacktestInputs { days, config: &config, calendar: &calendar, episodes: &episodes };
    run_backtest(&inputs, &mut layers).unwrap()
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol * b.abs().max(1.0), "{what}: {a} vs {b}");
}

fn check_policy(key: &str, rebalance: Rebalance) {
    let g = golden();
    let days = market(&g);
    let r = run(&days, book(&g, rebalance, false));
    let want = &g[key];
    assert!(r.all_checks_ok);
    let x = r.exposure.as_ref().unwrap();
    assert!(x.all_checks_ok);
    assert_eq!(x.checks.len(), days.len());
    // Tolerance 1e-12 relative: the same arithmetic in a different order.
    for (i, ((nav, c), (wn, wc))) in r
        .unhedged_equity
        .iter()
        .zip(&x.checks)
        .zip(floats(&want["nav"]).iter().zip(floats(&want["cash"])))
        .enumerate()
    {
        close(*nav, *wn, 1e-12, &format!("{key} NAV day {i}"));
        close(c.cash, wc, 1e-12, &format!("{key} cash day {i}"));
        assert_eq!(c.equity, c.cash + c.positions_value);
        // No hedge layers: hedged = unhedged.
        assert_eq!(r.hedged_equity[i], *nav);
    }
    assert_eq!(x.rebalances as u64, want["rebalances"].as_u64().unwrap());
    for (e, (w, v)) in
        x.exposures.iter().zip(floats(&want["weights_end"]).iter().zip(floats(&want["values_end"])))
    {
        close(e.weight_end, *w, 1e-12, &format!("{key} weight of {}", e.name));
        close(e.value_end, v, 1e-12, &format!("{key} value of {}", e.name));
    }
    let kinds = [
        ("interest", FlowKind::Interest),
        ("carry", FlowKind::Carry),
        ("fee_income", FlowKind::FeeIncome),
        ("funding", FlowKind::Funding),
        ("margin", FlowKind::Margin),
        ("fee", FlowKind::Fee),
        ("gas", FlowKind::Gas),
        ("premium", FlowKind::Premium),
        ("payoff", FlowKind::Payoff),
    ];
    for (name, kind) in kinds {
        let got = x.flow_totals.get(&kind).copied().unwrap_or(0.0);
        let w = want["flow_totals"].get(name).and_then(|v| v.as_f64()).unwrap_or(0.0);
        close(got, w, 1e-12, &format!("{key} {name} total"));
    }
}

#[test]
fn constant_mix_matches_the_independent_loop() {
    check_policy("constant_mix", Rebalance::ConstantMix { period_days: 3 });
    // Weights after the first day are the book's.
    let g = golden();
    let r = run(&market(&g), book(&g, Rebalance::ConstantMix { period_days: 3 }, false));
    let x = r.exposure.unwrap();
    for (e, w) in x.exposures.iter().zip([0.6, 0.3, 0.1, 0.2]) {
        close(e.weight_start, w, 1e-12, &e.name);
        assert_eq!(e.weight_target, w);
    }
    assert!(x.cash_weight_start.abs() < 1e-12);
}

#[test]
fn buy_and_hold_matches_the_independent_loop() {
    check_policy("buy_and_hold", Rebalance::BuyAndHold);
}

#[test]
fn lp_value_path_and_impermanent_loss_match_the_closed_form() {
    let g = golden();
    let days = market(&g);
    let r = run(&days, book(&g, Rebalance::BuyAndHold, true));
    let x = r.exposure.unwrap();
    let want = &g["lp_only"];
    let (v, hold, il) =
        (floats(&want["value"]), floats(&want["hold_value"]), floats(&want["impermanent_loss"]));
    for (i, c) in x.checks.iter().enumerate() {
        // No fees, no interest: the cash stays 0 and the LP is the whole NAV.
        assert_eq!(c.cash, 0.0);
        close(c.positions_value, v[i], 1e-12, &format!("LP value day {i}"));
        let got_il = c.positions_value / hold[i] - 1.0;
        assert!((got_il - il[i]).abs() <= 1e-12, "IL day {i}: {got_il} vs {}", il[i]);
    }
    // The path leaves the range above (day 5: 131 > 125) and below (day 7: 78 < 80).
    assert!(il.iter().all(|x| *x <= 1e-15));
    assert!(il[5] < -0.05 && il[7] < -0.05);
}

#[test]
fn a_constant_mix_book_needs_capital() {
    let g = golden();
    let days = market(&g);
    let mut b = book(&g, Rebalance::ConstantMix { period_days: 3 }, false);
    b.exposures.retain(|e| e.kind == ExposureKind::Perp);
    let mut config = BacktestConfig::new(vec![], CostModel::ZERO);
    config.book = Some(b);
    let calendar = EventCalendar::builtin_fomc();
    let episodes = Catalogue::builtin();
    let inputs =
        BacktestInputs { days: &days, config: &config, calendar: &calendar, episodes: &episodes };
    assert!(run_backtest(&inputs, &mut []).is_err());
}
