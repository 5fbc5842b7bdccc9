//! Writes the synthetic market used by `tests/engine_golden.rs` as JSON on stdout, for
//! `scripts/engine_golden.py`: `cargo run -p crosshedge-backtest --example export_market > /tmp/market.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use crosshedge_backtest::synthetic::synthetic_market;

fn main() {
    let days = synthetic_market(11, NaiveDate::from_ymd_opt(2019, 1, 2).unwrap(), 500);
    println!("{}", serde_json::to_string(&days).unwrap());
}
