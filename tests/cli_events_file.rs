//! `--events-file` with a malformed kind (found by the events_csv fuzz target: a quoted cell
//! spanning lines): one line naming the file, line and column, exit 2.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{demo_store, run};

#[test]
fn a_multiline_quoted_event_kind_is_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let store = demo_store(d);
    std::fs::write(d.join("ev.csv"), "date,kind\n2028-01-31,\"\"\"\n1012-%1-13,c2").unwrap();
    let (rc, out, err) = run(
        d,
        &[
            "--store",
            store,
            "events",
            "--target",
            "btc",
            "--hedge",
            "vix",
            "--events-file",
            "ev.csv",
        ],
    );
    assert_eq!(rc, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("ev.csv: line 2, column 2: invalid event kind"), "{err}");
}
