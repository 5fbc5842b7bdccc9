//! Issue 15's messages: `--events-file` with a malformed kind (found by the events_csv fuzz
//! target: a quoted cell spanning lines) is one line naming the file, line and column, exit 2;
//! the Markov model's error names the user's series.

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

/// Issue 15 item 14: the Markov model's message names the user's series, not an internal `y`.
#[test]
fn a_constant_series_names_itself_in_the_markov_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut csv = String::from("date,v\n");
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for i in 0..300 {
        csv.push_str(&format!("{},5\n", start + chrono::Duration::days(i)));
    }
    std::fs::write(d.join("k.csv"), csv).unwrap();
    let (rc, _, err) = run(
        d,
        &[
            "--store",
            "k.db",
            "import",
            "k.csv",
            "--series",
            "k=v",
            "--calendar",
            "crypto",
            "--unit",
            "index-level",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let (rc, out, err) =
        run(d, &["--store", "k.db", "regimes", "--model", "markov2", "--series", "k"]);
    assert_eq!(rc, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("the log changes of series `k` are constant"), "{err}");
    assert!(!err.contains("`y`"), "{err}");
}
