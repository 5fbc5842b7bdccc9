//! The futures settlement importer (`crosshedge import --futures`): `futures::parse_futures_csv_with`
//! on arbitrary bytes, strict VX, any root, and `--allow-bad-expiry`, chosen by the first byte.
#![no_main]

use crosshedge_data::futures::{parse_futures_csv_with, ExpiryRule, FuturesOptions};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let opts = FuturesOptions {
        rule: if sel & 1 == 0 { ExpiryRule::Vix } else { ExpiryRule::Any },
        allow_bad_expiry: sel & 2 != 0,
        allow_hint: (sel & 4 != 0).then(|| "--allow-bad-expiry".to_string()),
    };
    match parse_futures_csv_with(body, "f.csv", &opts) {
        Ok(p) => {
            assert!(p.rows.iter().all(|r| r.settle.is_finite() && r.settle > 0.0));
            assert!(p.rows.windows(2).all(|w| (w[0].date, w[0].expiry) < (w[1].date, w[1].expiry)));
            for w in &p.warnings {
                check_one_line(w);
            }
        }
        Err(e) => check_message(&e),
    }
});
