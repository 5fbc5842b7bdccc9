//! Issue 15 item 7: revisions are visible and never pile up; identical re-imports are true
//! no-ops; `series` names as source only a file holding a current value.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec, ParsedImport};
use crosshedge_data::store::{OnConflict, Store};

fn parsed(file: &str, csv: &str) -> ParsedImport {
    let spec = ImportSpec::new(vec![("x".into(), "close".into())], Calendar::Us, SeriesUnit::Price);
    parse_csv(csv.as_bytes(), file, &spec).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const A: &str = "date,close\n2024-01-02,10\n2024-01-03,11\n";
const B: &str = "date,close\n2024-01-03,12\n";

#[test]
fn identical_reimport_writes_no_import_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(&dir.path().join("s.db")).unwrap();
    let a = parsed("a.csv", A);
    let s1 = st.import(&a, "a.csv", "2026-01-01T00:00:00Z", OnConflict::Keep).unwrap();
    assert!(!s1.unchanged);
    assert!(s1.import_id > 0);
    for mode in [OnConflict::Keep, OnConflict::Replace, OnConflict::Fail] {
        let s2 = st.import(&a, "a.csv", "2026-01-02T00:00:00Z", mode).unwrap();
        assert!(s2.unchanged, "{mode:?}");
        assert_eq!(s2.import_id, 0);
        assert_eq!((s2.series[0].new, s2.series[0].unchanged, s2.series[0].conflicts), (0, 2, 0));
        // The JSON says so.
        let j = serde_json::to_value(&s2).unwrap();
        assert_eq!(j["unchanged"], serde_json::Value::Bool(true));
    }
    assert_eq!(st.imports().unwrap().len(), 1);
    // A changing import does not carry the flag in its JSON (existing output unchanged).
    let j = serde_json::to_value(&s1).unwrap();
    assert!(j.get("unchanged").is_none(), "{j}");
}

#[test]
fn rerunning_the_same_changed_file_under_keep_adds_no_duplicate_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(&dir.path().join("s.db")).unwrap();
    st.import(&parsed("a.csv", A), "a.csv", "t1", OnConflict::Keep).unwrap();
    let b = parsed("b.csv", B);
    let s1 = st.import(&b, "b.csv", "t2", OnConflict::Keep).unwrap();
    assert!(!s1.unchanged);
    assert_eq!(s1.series[0].conflicts, 1);
    for _ in 0..3 {
        let s = st.import(&b, "b.csv", "t3", OnConflict::Keep).unwrap();
        // Still reported as differing from the current value, but nothing is written.
        assert_eq!(s.series[0].conflicts, 1);
        assert!(s.unchanged);
    }
    assert_eq!(
        st.revisions("x", d("2024-01-03")).unwrap(),
        vec![(0, 11.0, true), (1, 12.0, false)]
    );
    assert_eq!(st.imports().unwrap().len(), 2);
    // A genuinely new value is still kept as a further revision.
    st.import(&parsed("c.csv", "date,close\n2024-01-03,13\n"), "c.csv", "t4", OnConflict::Keep)
        .unwrap();
    assert_eq!(st.revisions("x", d("2024-01-03")).unwrap().len(), 3);
    assert_eq!(st.load("x", None, None).unwrap().values(), &[10.0, 11.0]);
}

#[test]
fn series_source_is_never_a_file_without_current_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(&dir.path().join("s.db")).unwrap();
    st.import(&parsed("a.csv", A), "a.csv", "t1", OnConflict::Keep).unwrap();
    // b.csv's only value is kept as a non-current revision.
    st.import(&parsed("b.csv", B), "b.csv", "t2", OnConflict::Keep).unwrap();
    assert_eq!(st.list().unwrap()[0].source, "a.csv");
    // Once b.csv's value is made current, b.csv is the source.
    st.import(&parsed("b.csv", B), "b.csv", "t3", OnConflict::Replace).unwrap();
    assert_eq!(st.list().unwrap()[0].source, "b.csv");
}

#[test]
fn revision_history_lists_revisions_with_their_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(&dir.path().join("s.db")).unwrap();
    let a = parsed("a.csv", A);
    let b = parsed("b.csv", B);
    let ia = st.import(&a, "a.csv", "2026-01-01T00:00:00Z", OnConflict::Keep).unwrap().import_id;
    let ib = st.import(&b, "b.csv", "2026-01-02T00:00:00Z", OnConflict::Replace).unwrap().import_id;
    let all = st.revision_history("x", None).unwrap();
    let got: Vec<_> = all
        .iter()
        .map(|r| (r.date, r.revision, r.value, r.current, r.import_id, r.file_name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (d("2024-01-02"), 0, 10.0, true, ia, "a.csv"),
            (d("2024-01-03"), 0, 11.0, false, ia, "a.csv"),
            (d("2024-01-03"), 1, 12.0, true, ib, "b.csv"),
        ]
    );
    assert_eq!(all[2].sha256, b.sha256);
    assert_eq!(all[2].imported_at, "2026-01-02T00:00:00Z");
    let one = st.revision_history("x", Some(d("2024-01-03"))).unwrap();
    assert_eq!(one, all[1..].to_vec());
    assert!(st.revision_history("x", Some(d("2024-01-04"))).unwrap().is_empty());
    let e = st.revision_history("nope", None).unwrap_err().to_string();
    assert!(e.contains("no series 'nope'") && e.contains("known: x"), "{e}");
}
