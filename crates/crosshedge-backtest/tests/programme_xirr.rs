#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The programme XIRR realises each margined position's variation margin on its close date
//! (or the last day while open) and keeps every other flow on its own date.

use chrono::NaiveDate;
use crosshedge_backtest::engine::{programme_xirr, XIRR_BASIS};
use crosshedge_backtest::ledger::{CashFlow, FlowKind, PositionId};
use crosshedge_backtest::xirr::{xirr, DatedFlow};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn flow(date: &str, kind: FlowKind, amount: f64, pos: u64) -> CashFlow {
    CashFlow { date: d(date), kind, amount, position: PositionId(pos) }
}

#[test]
fn margin_is_realised_at_close_and_other_flows_keep_their_dates() {
    let flows = vec![
        // Position 1: a future opened, margined daily, closed on 2024-03-15.
        flow("2024-01-02", FlowKind::Fee, -10.0, 1),
        flow("2024-01-03", FlowKind::Margin, 400.0, 1),
        flow("2024-01-04", FlowKind::Margin, -700.0, 1),
        flow("2024-03-15", FlowKind::Margin, 380.0, 1),
        flow("2024-03-15", FlowKind::Fee, -10.0, 1),
        // Position 2: an option bought and sold.
        flow("2024-01-02", FlowKind::Premium, -1000.0, 2),
        flow("2024-06-03", FlowKind::Payoff, 1150.0, 2),
        // Position 3: a perp still open on the last day, with funding.
        flow("2024-02-01", FlowKind::Margin, -50.0, 3),
        flow("2024-02-01", FlowKind::Funding, -2.0, 3),
        flow("2024-04-01", FlowKind::Margin, 20.0, 3),
    ];
    let last = d("2024-12-31");
    let got = programme_xirr(&flows, 25.0, last, &[PositionId(3)]);
    let by_hand = [
        DatedFlow { date: d("2024-01-02"), amount: -1010.0 },
        DatedFlow { date: d("2024-02-01"), amount: -2.0 },
        DatedFlow { date: d("2024-03-15"), amount: 400.0 - 700.0 + 380.0 - 10.0 },
        DatedFlow { date: d("2024-06-03"), amount: 1150.0 },
        DatedFlow { date: last, amount: -50.0 + 20.0 + 25.0 },
    ];
    let want = xirr(&by_hand).unwrap();
    assert_eq!(got.rate, Some(want.rate));
    assert_eq!(got.roots, want.roots);
    assert_eq!(got.basis, XIRR_BASIS);
    assert!(got.error.is_none());
}

#[test]
fn a_programme_that_never_earns_back_says_so() {
    let flows = vec![
        flow("2024-01-02", FlowKind::Premium, -1000.0, 1),
        flow("2024-06-03", FlowKind::Payoff, 100.0, 1),
        flow("2024-07-01", FlowKind::Premium, -1000.0, 2),
    ];
    let got = programme_xirr(&flows, 0.0, d("2024-12-31"), &[]);
    assert!(got.rate.is_none());
    let e = got.error.unwrap();
    assert!(e.starts_with("no rate exists: the net present value of the flows is negative"), "{e}");
    assert!(e.contains("undiscounted net -1900.00"), "{e}");
}
