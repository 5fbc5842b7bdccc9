//! The events files (`events --events FILE`, `--fomc`, `--cpi`, `--ppi`): the three parsers of
//! `crosshedge_labels::events` on arbitrary bytes, chosen by the first byte.
#![no_main]

use crosshedge_labels::events::{
    parse_date_csv, parse_fomc_csv, parse_user_events, EventKind, FomcFilter,
};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let r = match sel % 4 {
        0 => parse_user_events(body, "e.csv"),
        1 => parse_fomc_csv(body, "e.csv", FomcFilter::All),
        2 => parse_fomc_csv(body, "e.csv", FomcFilter::Scheduled),
        _ => parse_date_csv(body, "e.csv", EventKind::Cpi),
    };
    match r {
        Ok(cal) => {
            for k in cal.kinds() {
                let d = cal.dates_of(&k);
                assert!(d.windows(2).all(|w| w[0] <= w[1]));
            }
        }
        Err(e) => check_one_line(&e),
    }
});
