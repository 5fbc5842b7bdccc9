//! The data manifest (`crosshedge import --manifest FILE`): `Manifest::parse` on arbitrary
//! text; a manifest that parses yields an import spec for every file.
#![no_main]

use crosshedge_data::manifest::Manifest;
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Manifest::parse(text, "m.toml") {
        Ok(m) => {
            for f in &m.files {
                f.spec().unwrap_or_else(|e| panic!("parsed manifest file has no spec: {e}"));
            }
        }
        Err(e) => check_message(&e),
    }
});
