//! The hedge book (`--book FILE.toml`): `Book::parse_toml` on arbitrary text; a book that
//! parses is valid and survives the TOML round trip.
#![no_main]

use crosshedge_hedging::book::Book;
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Book::parse_toml(text) {
        Ok(book) => {
            book.validate().unwrap_or_else(|e| panic!("parsed book fails validation: {e}"));
            let again = book.to_toml().unwrap_or_else(|e| panic!("to_toml: {e}"));
            let back = Book::parse_toml(&again)
                .unwrap_or_else(|e| panic!("round trip refused: {e}\n{again}"));
            assert_eq!(back, book, "round trip changed the book");
        }
        Err(e) => check_one_line(&e),
    }
});
