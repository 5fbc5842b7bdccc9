//! Writing a set of output files (the report's HTML and JSON) so that a reader finds the old
//! set or the new one, never a mix, even when the process is killed at any instant.
//!
//! # Protocol (a roll-forward journal, as a database's redo log)
//! 1. [`recover`] first: an interrupted earlier set is completed (see below).
//! 2. Every file is written and synced under its temporary name `.NAME.partial` beside it.
//! 3. The journal `DIR/.crosshedge-commit.json` listing the set's names is written under a
//!    temporary name, synced and renamed into place: **the commit point**. Before it, the old set
//!    is intact and the temporaries are garbage; after it, the new set is decided.
//! 4. Each temporary is renamed over its final name, the directory is synced, the journal removed.
//!
//! A kill during step 4 leaves the journal and the not-yet-renamed temporaries; the next
//! [`recover`] (run by the next write into the directory, or by anyone reading it through
//! [`recover`]) renames the rest and removes the journal, so the set is the new one. A kill
//! before step 3 leaves only temporaries, which [`recover`] removes. A reader that opens the
//! files between a kill in step 4 and the next recovery can see a mix; the journal's presence
//! says so.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::AppError;

/// The journal's file name inside the set's directory.
pub const JOURNAL: &str = ".crosshedge-commit.json";

/// The journal: the names (relative to the directory) of a set decided but maybe not yet all
/// renamed into place.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    files: Vec<String>,
}

/// The temporary name of `path` while a set is written: `.NAME.partial` beside it.
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.partial"))
}

fn io_err(what: &Path, e: std::io::Error) -> AppError {
    AppError::analysis(format!("writing {}: {e}", what.display()))
}

/// Writes and syncs `bytes` at `path`.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Syncs the directory `dir` (so renames in it are durable); ignored where a directory cannot
/// be opened for syncing.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Completes or discards an interrupted set in `dir`: with a journal, renames every remaining
/// `.NAME.partial` it lists into place and removes the journal (roll forward); without one,
/// removes the temporaries of `names` (a set that never reached its commit point). Returns
/// whether a set was rolled forward.
///
/// # Errors
/// An analysis error naming the journal when it cannot be read or parsed, or a file that
/// cannot be renamed.
pub fn recover(dir: &Path, names: &[&str]) -> Result<bool, AppError> {
    let journal = dir.join(JOURNAL);
    let _ = std::fs::remove_file(partial_path(&journal));
    match std::fs::read(&journal) {
        Ok(bytes) => {
            let j: Journal = serde_json::from_slice(&bytes).map_err(|e| {
                AppError::analysis(format!(
                    "{}: damaged commit journal ({e}); remove it and re-run",
                    journal.display()
                ))
            })?;
            for name in &j.files {
                let path = dir.join(name);
                let tmp = partial_path(&path);
                if tmp.exists() {
                    std::fs::rename(&tmp, &path).map_err(|e| io_err(&path, e))?;
                }
            }
            sync_dir(dir);
            std::fs::remove_file(&journal).map_err(|e| io_err(&journal, e))?;
            sync_dir(dir);
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            for name in names {
                let _ = std::fs::remove_file(partial_path(&dir.join(name)));
            }
            Ok(false)
        }
        Err(e) => Err(io_err(&journal, e)),
    }
}

/// Writes `files` (name relative to `dir`, bytes) into `dir` as one set (see the module
/// documentation). A target that is a directory is refused before anything is written; a
/// failure before the commit point leaves the old set whole and no temporary behind.
///
/// # Errors
/// An analysis error naming the file that could not be written or renamed.
pub fn write_set(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), AppError> {
    write_set_until(dir, files, usize::MAX)
}

/// [`write_set`], stopping (as a kill would) after `renames` renames of step 4: the crash
/// point the tests choose.
fn write_set_until(dir: &Path, files: &[(&str, Vec<u8>)], renames: usize) -> Result<(), AppError> {
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    recover(dir, &names)?;
    for (name, _) in files {
        let path = dir.join(name);
        if path.is_dir() {
            return Err(AppError::analysis(format!(
                "writing {}: a directory is in the way",
                path.display()
            )));
        }
    }
    let cleanup = || {
        for (name, _) in files {
            let _ = std::fs::remove_file(partial_path(&dir.join(name)));
        }
    };
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Err(e) = write_synced(&partial_path(&path), bytes) {
            cleanup();
            return Err(io_err(&path, e));
        }
    }
    let journal = dir.join(JOURNAL);
    let text =
        serde_json::to_vec(&Journal { files: names.iter().map(|n| n.to_string()).collect() })?;
    if let Err(e) = write_synced(&partial_path(&journal), &text)
        .and_then(|()| std::fs::rename(partial_path(&journal), &journal))
    {
        let _ = std::fs::remove_file(partial_path(&journal));
        cleanup();
        return Err(io_err(&journal, e));
    }
    sync_dir(dir);
    // Committed: from here on the new set is decided, and an error is finished by `recover`.
    for (done, (name, _)) in files.iter().enumerate() {
        if done == renames {
            return Ok(());
        }
        let path = dir.join(name);
        std::fs::rename(partial_path(&path), &path).map_err(|e| io_err(&path, e))?;
    }
    sync_dir(dir);
    std::fs::remove_file(&journal).map_err(|e| io_err(&journal, e))?;
    sync_dir(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    const NAMES: [&str; 3] = ["report.json", "analysis.json", "report.html"];

    fn files(tag: &str) -> Vec<(&'static str, Vec<u8>)> {
        NAMES.iter().map(|n| (*n, format!("{tag} {n}").into_bytes())).collect()
    }

    fn contents(dir: &Path) -> Vec<String> {
        NAMES.iter().map(|n| std::fs::read_to_string(dir.join(n)).unwrap()).collect()
    }

    #[test]
    fn report_files_are_written_as_a_set() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write_set(d, &files("old")).unwrap();
        assert_eq!(listing(d), ["analysis.json", "report.html", "report.json"]);
        // A write that cannot complete (here the HTML's name is taken by a directory) leaves
        // every old file whole and no temporary file behind.
        std::fs::remove_file(d.join("report.html")).unwrap();
        std::fs::create_dir(d.join("report.html")).unwrap();
        assert!(write_set(d, &files("new")).is_err());
        assert_eq!(std::fs::read_to_string(d.join("report.json")).unwrap(), "old report.json");
        assert_eq!(listing(d), ["analysis.json", "report.html", "report.json"]);
        // A failure while writing the temporaries removes those already written.
        std::fs::remove_dir(d.join("report.html")).unwrap();
        let mut bad = files("new");
        bad.push(("missing-dir/x.json", b"x".to_vec()));
        assert!(write_set(d, &bad).is_err());
        assert_eq!(std::fs::read_to_string(d.join("report.json")).unwrap(), "old report.json");
        assert_eq!(listing(d), ["analysis.json", "report.json"]);
        write_set(d, &files("new")).unwrap();
        assert_eq!(std::fs::read_to_string(d.join("report.html")).unwrap(), "new report.html");
        assert_eq!(listing(d), ["analysis.json", "report.html", "report.json"]);
    }

    #[test]
    fn a_kill_between_renames_is_rolled_forward_to_the_new_set() {
        for renames in 0..=NAMES.len() {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            write_set(d, &files("old")).unwrap();
            write_set_until(d, &files("new"), renames).unwrap();
            if renames < NAMES.len() {
                // The mix a reader could see now is flagged by the journal.
                assert!(d.join(JOURNAL).exists(), "renames {renames}");
            }
            assert_eq!(recover(d, &NAMES).unwrap(), renames < NAMES.len(), "renames {renames}");
            assert_eq!(
                contents(d),
                files("new")
                    .iter()
                    .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
                    .collect::<Vec<_>>(),
                "renames {renames}"
            );
            assert_eq!(
                listing(d),
                ["analysis.json", "report.html", "report.json"],
                "renames {renames}"
            );
        }
    }

    #[test]
    fn temporaries_of_a_set_killed_before_its_commit_are_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write_set(d, &files("old")).unwrap();
        for n in NAMES {
            std::fs::write(partial_path(&d.join(n)), "half").unwrap();
        }
        assert!(!recover(d, &NAMES).unwrap());
        assert_eq!(contents(d)[0], "old report.json");
        assert_eq!(listing(d), ["analysis.json", "report.html", "report.json"]);
    }

    #[test]
    fn a_damaged_journal_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(JOURNAL), "{").unwrap();
        let e = recover(dir.path(), &NAMES).unwrap_err();
        assert!(
            e.message.contains(".crosshedge-commit.json: damaged commit journal"),
            "{}",
            e.message
        );
        assert!(!e.message.contains('\n'));
    }
}
