//! A 2 GB file of garbage is rejected after reading a bounded prefix: memory stays flat because
//! the importer streams and refuses over-long lines. The "file" is a generated stream, so the
//! test writes nothing to disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec, MAX_LINE_BYTES};

/// Yields `len` pseudo-random bytes (xorshift), counting how many were read.
struct Garbage {
    left: u64,
    state: u64,
    read: u64,
    newlines: bool,
}

impl Read for Garbage {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        for b in &mut buf[..n] {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            let mut x = (self.state >> 24) as u8;
            if !self.newlines && x == b'\n' {
                x = b'x';
            }
            *b = x;
        }
        self.left -= n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

const TWO_GB: u64 = 2 << 30;

fn spec() -> ImportSpec {
    ImportSpec::new(vec![("x".into(), "close".into())], Calendar::Us, SeriesUnit::Price)
}

#[test]
fn garbage_without_line_breaks_stops_at_the_line_limit() {
    let mut g = Garbage { left: TWO_GB, state: 0x9E37_79B9_7F4A_7C15, read: 0, newlines: false };
    let err = parse_csv(&mut g, "garbage.csv", &spec()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("garbage.csv: "), "{msg}");
    assert!(err.is_input());
    assert!(g.read < 4 * MAX_LINE_BYTES as u64, "read {} bytes of a 2 GB stream", g.read);
}

#[test]
fn garbage_with_line_breaks_fails_on_an_early_line() {
    let mut g = Garbage { left: TWO_GB, state: 0x2545_F491_4F6C_DD1D, read: 0, newlines: true };
    let err = parse_csv(&mut g, "garbage.csv", &spec()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("garbage.csv: "), "{msg}");
    assert!(err.is_input());
    assert!(g.read < 4 * MAX_LINE_BYTES as u64, "read {} bytes of a 2 GB stream", g.read);
}
