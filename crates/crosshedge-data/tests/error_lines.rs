//! Property: on an arbitrarily mutated CSV file (bytes inserted, deleted or replaced in a
//! valid file, every date format and spec), every importer error is ONE line shorter than
//! 300 characters, and neither the series nor the futures importer panics.

use std::collections::BTreeMap;

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::futures::{parse_futures_csv_with, FuturesOptions};
use crosshedge_data::import::{parse_csv, ImportSpec};
use proptest::prelude::*;

/// Valid files the mutations start from: ISO, both slash orders, offsets, futures rows.
const SEEDS: &[&str] = &[
    "date,close,open\n2024-01-02,10,9\n2024-01-03,11,10\n2024-01-04,,11\n",
    "date,close,open\n02/01/2024,10,9\n25/01/2024,11,10\n",
    "date,close,open\n01/25/2024,10,9\n02/01/2024,11,10\n",
    "date,close,open\n2024-01-02T23:30:00-05:00,10,9\n2024-01-04T10:00:00Z,11,10\n",
    "date,expiry,settle\n2024-01-02,2024-01-17,13.5\n2024-01-02,2024-02-14,14.1\n",
    "\"date\",\"close\",open\n\"2024-01-02\",\"10\",9\n",
];

/// One edit of a file: at a position (a fraction of its length), delete `del` bytes and
/// insert `ins`.
fn edit() -> impl Strategy<Value = (f64, usize, Vec<u8>)> {
    let byte = prop_oneof![
        Just(b'"'),
        Just(b','),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'/'),
        Just(b'-'),
        Just(b'Z'),
        Just(b'+'),
        Just(b'9'),
        Just(b'1'),
        any::<u8>(),
    ];
    let chunk = prop_oneof![
        4 => proptest::collection::vec(byte, 0..4),
        1 => Just(b"NaN".to_vec()),
        1 => Just(b"inf".to_vec()),
        1 => Just(b"13/13/2024".to_vec()),
        1 => Just(b"2024-01-06".to_vec()),
        1 => Just(vec![b'x'; 600]),
        1 => Just("é\u{0}\t".as_bytes().to_vec()),
    ];
    (0.0..=1.0f64, 0usize..6, chunk)
}

fn mutate(seed: &str, edits: &[(f64, usize, Vec<u8>)]) -> Vec<u8> {
    let mut b = seed.as_bytes().to_vec();
    for (at, del, ins) in edits {
        let i = ((b.len() as f64) * at) as usize;
        let i = i.min(b.len());
        let j = (i + del).min(b.len());
        b.splice(i..j, ins.iter().copied());
    }
    b
}

fn specs() -> Vec<ImportSpec> {
    let pairs = vec![("x".to_string(), "close".to_string()), ("o".to_string(), "open".to_string())];
    let mut scaled = ImportSpec::new(pairs.clone(), Calendar::Crypto, SeriesUnit::Rate);
    scaled.scale = BTreeMap::from([("x".to_string(), 0.01)]);
    let mut stated = ImportSpec::new(pairs.clone(), Calendar::Us, SeriesUnit::IndexLevel);
    stated.date_format = Some("%d/%m/%Y".into());
    vec![ImportSpec::new(pairs, Calendar::Us, SeriesUnit::Price), scaled, stated]
}

fn check(what: &str, m: &str) -> Result<(), TestCaseError> {
    prop_assert!(m.lines().count() == 1, "{}: not one line: {:?}", what, m);
    prop_assert!(m.chars().count() < 300, "{}: {} chars: {:?}", what, m.chars().count(), m);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_error_on_a_mutated_csv_is_one_short_line(
        seed in 0..SEEDS.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let csv = mutate(SEEDS[seed], &edits);
        for spec in specs() {
            if let Err(e) = parse_csv(csv.as_slice(), "mutated.csv", &spec) {
                check("series", &e.to_string())?;
            }
        }
        for allow in [false, true] {
            let opts = FuturesOptions { allow_bad_expiry: allow, ..FuturesOptions::default() };
            if let Err(e) = parse_futures_csv_with(csv.as_slice(), "mutated.csv", &opts) {
                check("futures", &e.to_string())?;
            }
        }
    }
}

#[test]
fn the_seeds_are_valid_so_the_mutations_start_from_accepted_files() {
    for (k, s) in SEEDS.iter().enumerate() {
        if k == 4 {
            assert!(
                parse_futures_csv_with(s.as_bytes(), "f.csv", &FuturesOptions::default()).is_ok()
            );
            continue;
        }
        let spec = ImportSpec::new(
            vec![("x".into(), "close".into()), ("o".into(), "open".into())],
            Calendar::Crypto,
            SeriesUnit::Price,
        );
        if let Err(e) = parse_csv(s.as_bytes(), "f.csv", &spec) {
            panic!("seed {k}: {e}");
        }
    }
}
