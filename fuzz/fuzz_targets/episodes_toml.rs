//! A user episode catalogue (`episodes --catalogue FILE`): `Catalogue::parse_toml` on
//! arbitrary text; every parsed episode has start <= end.
#![no_main]

use crosshedge_labels::episodes::Catalogue;
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Catalogue::parse_toml(text) {
        Ok(c) => {
            for n in c.names() {
                let e = c.get(n).unwrap_or_else(|e| panic!("{e}"));
                assert!(e.start <= e.end);
            }
        }
        Err(e) => check_one_line(&e),
    }
});
