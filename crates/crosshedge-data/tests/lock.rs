//! Issue 15 item 14: a write lock held by another process for longer than the store's 5 s busy
//! timeout fails with one message that says what happened and what to do, the SQLite text not
//! repeated, and the store unchanged.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec};
use crosshedge_data::store::{OnConflict, Store};

#[test]
fn a_lock_held_past_the_busy_timeout_is_one_clear_message_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let spec = ImportSpec::new(vec![("x".into(), "close".into())], Calendar::Us, SeriesUnit::Price);
    let a = parse_csv("date,close\n2024-01-02,10\n".as_bytes(), "a.csv", &spec).unwrap();
    let b = parse_csv("date,close\n2024-01-03,11\n".as_bytes(), "b.csv", &spec).unwrap();
    let mut st = Store::open(&path).unwrap();
    st.import(&a, "a.csv", "t1", OnConflict::Keep).unwrap();
    // Another process (here: another connection) holds the write lock.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let e = st.import(&b, "b.csv", "t2", OnConflict::Keep).unwrap_err().to_string();
    other.execute_batch("ROLLBACK").unwrap();
    assert!(e.contains("database is locked: another process has been writing to it"), "{e}");
    assert!(e.contains("retry"), "{e}");
    assert_eq!(e.matches("database is locked").count(), 1, "{e}");
    assert_eq!(e.lines().count(), 1);
    // Nothing was written.
    assert_eq!(st.imports().unwrap().len(), 1);
}
