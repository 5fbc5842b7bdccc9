//! The option chain of `price parity --chain FILE`: `parity::parse_chain_csv` on arbitrary
//! bytes, then every parsed chain scanned against a spot and a futures market.
#![no_main]

use chrono::NaiveDate;
use crosshedge_pricing::parity::{parse_chain_csv, scan_chain, ParityMarket, Underlying};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    match parse_chain_csv(data) {
        Ok(rows) => {
            let as_of = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
            for underlying in [Underlying::Spot { div_yield: 0.01 }, Underlying::Future] {
                let market = ParityMarket {
                    underlying,
                    underlying_bid: 99.9,
                    underlying_ask: 100.1,
                    as_of,
                    borrow_rate: 0.05,
                    lend_rate: 0.04,
                    commission_per_leg: 0.01,
                };
                match scan_chain(&rows, &market) {
                    Ok(v) => assert!(v.iter().all(|x| x.edge.is_finite()), "{v:?}"),
                    Err(e) => check_one_line(&e),
                }
            }
        }
        Err(e) => check_one_line(&e),
    }
});
