//! The user-shock text (`stress --scenario "VIX +60%, NFT -70% over 10 days"`):
//! `UserShock::parse` on arbitrary text; a parsed shock has finite moves and at least a day.
#![no_main]

use crosshedge_simulation::UserShock;
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match UserShock::parse(text) {
        Ok(s) => {
            assert!(s.days >= 1);
            assert!(s.log_moves.iter().all(|m| m.is_finite()), "{s:?}");
            assert!(s.specified.iter().any(|b| *b));
        }
        Err(e) => check_one_line(&e),
    }
});
