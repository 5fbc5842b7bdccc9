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
//!
//! # Staged sets (the demo's output)
//! A set whose files must be made by other code first (a SQLite store built by the importer,
//! the report written by [`crate::report::write`]) is built in a staging directory inside the
//! set's directory ([`Staged`]: `DIR/.crosshedge-<name>.new/`, same layout as `DIR`) and
//! committed by the same journal, which then names the staging directory: every file is
//! synced, the journal renamed in (the commit point), every staged file renamed over its
//! final name (a store's old `-wal`/`-shm` files are removed first: they belong to the
//! replaced store), the staging directory and the journal removed. Before the commit point
//! the staging directory is garbage ([`Staged::begin`] and dropping an uncommitted
//! [`Staged`] remove it); after it, [`recover`] rolls the set forward as above.

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
    /// The staging directory (relative to the set's directory) the files are moved from;
    /// absent: each file's `.NAME.partial` beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    staging: Option<String>,
    /// The SQLite databases among `files`: the `-wal` and `-shm` files beside the final name
    /// are removed before the rename (they belong to the database being replaced).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    databases: Vec<String>,
}

impl Journal {
    /// Where the new version of `name` waits until it is renamed into place.
    fn source(&self, dir: &Path, name: &str) -> PathBuf {
        match &self.staging {
            Some(s) => dir.join(s).join(name),
            None => partial_path(&dir.join(name)),
        }
    }
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
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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

/// Step 4 of a committed set: renames each remaining temporary of `j` over its final name
/// (a database's old `-wal`/`-shm` removed first), syncs the directories, removes the staging
/// directory and the journal. Stops (as a kill would) after `renames` renames: the crash
/// point the tests choose. Idempotent, so a kill anywhere in it is finished by the next call.
fn roll_forward(dir: &Path, j: &Journal, renames: usize) -> Result<(), AppError> {
    let mut parents: Vec<PathBuf> = vec![dir.to_path_buf()];
    let mut done = 0;
    for name in &j.files {
        let path = dir.join(name);
        let from = j.source(dir, name);
        if std::fs::symlink_metadata(&from).is_err() {
            continue;
        }
        if done == renames {
            return Ok(());
        }
        if j.databases.iter().any(|d| d == name) {
            for ext in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{ext}", path.display()));
                match std::fs::remove_file(&side) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err(&side, e)),
                }
            }
        }
        std::fs::rename(&from, &path).map_err(|e| io_err(&path, e))?;
        done += 1;
        if let Some(p) = path.parent() {
            if !parents.iter().any(|q| q == p) {
                parents.push(p.to_path_buf());
            }
        }
    }
    for p in &parents {
        sync_dir(p);
    }
    if let Some(s) = &j.staging {
        let staging = dir.join(s);
        match std::fs::remove_dir_all(&staging) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&staging, e)),
        }
    }
    let journal = dir.join(JOURNAL);
    std::fs::remove_file(&journal).map_err(|e| io_err(&journal, e))?;
    sync_dir(dir);
    Ok(())
}

/// Completes or discards an interrupted set in `dir`: with a journal, renames every remaining
/// temporary it lists (`.NAME.partial`, or the file in its staging directory) into place and
/// removes the journal and the staging directory (roll forward); without one, removes the
/// temporaries of `names` (a set that never reached its commit point). Returns whether a set
/// was rolled forward.
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
            roll_forward(dir, &j, usize::MAX)?;
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
    let journal = Journal {
        files: names.iter().map(|n| n.to_string()).collect(),
        staging: None,
        databases: Vec::new(),
    };
    if let Err(e) = commit_journal(dir, &journal) {
        cleanup();
        return Err(e);
    }
    // Committed: from here on the new set is decided, and an error is finished by `recover`.
    roll_forward(dir, &journal, renames)
}

/// Step 3: writes the journal under a temporary name, syncs it and renames it into place (the
/// commit point), then syncs the directory. On an error nothing is committed and the
/// journal's temporary is removed.
fn commit_journal(dir: &Path, j: &Journal) -> Result<(), AppError> {
    let journal = dir.join(JOURNAL);
    let text = serde_json::to_vec(j)?;
    if let Err(e) = write_synced(&partial_path(&journal), &text)
        .and_then(|()| std::fs::rename(partial_path(&journal), &journal))
    {
        let _ = std::fs::remove_file(partial_path(&journal));
        return Err(io_err(&journal, e));
    }
    sync_dir(dir);
    Ok(())
}

/// A set of files built by other code in a staging directory inside the set's directory, then
/// committed as one set (see "Staged sets" in the module documentation). Dropped without
/// [`Staged::commit`] (an error, a cancellation), it removes the staging directory and
/// leaves the old set as it was.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    name: String,
    committed: bool,
}

impl Staged {
    /// Starts a staged set in `dir` (created if missing): an interrupted earlier set is
    /// recovered first ([`recover`]), a staging directory left by a killed run is removed,
    /// and the empty staging directory `dir/.crosshedge-<tag>.new` is created.
    ///
    /// # Errors
    /// An analysis error naming the directory that cannot be created or cleared, or the
    /// journal's when recovery fails.
    pub fn begin(dir: &Path, tag: &str) -> Result<Self, AppError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        recover(dir, &[])?;
        let name = format!(".crosshedge-{tag}.new");
        let staging = dir.join(&name);
        match std::fs::remove_dir_all(&staging) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&staging, e)),
        }
        std::fs::create_dir_all(&staging).map_err(|e| io_err(&staging, e))?;
        Ok(Self { dir: dir.to_path_buf(), name, committed: false })
    }

    /// The staging directory: write the new set's files here, under their final relative
    /// names.
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    /// Commits the staged `files` (names relative to the set's directory, each a file in the
    /// staging directory; `databases` those among them that are SQLite stores whose old
    /// `-wal`/`-shm` must go): every file is synced, the journal renamed in (the commit
    /// point), the files renamed into place, the staging directory and journal removed.
    ///
    /// # Errors
    /// An analysis error naming a staged file that is missing or cannot be synced, a final
    /// name taken by a directory (both before the commit point: the old set stays whole), or
    /// a rename that fails after it (the next [`recover`] finishes the set).
    pub fn commit(self, files: &[&str], databases: &[&str]) -> Result<(), AppError> {
        self.commit_until(files, databases, usize::MAX)
    }

    /// [`Staged::commit`], stopping (as a kill would) after `renames` renames.
    fn commit_until(
        mut self,
        files: &[&str],
        databases: &[&str],
        renames: usize,
    ) -> Result<(), AppError> {
        let staging = self.path();
        let mut dirs: Vec<PathBuf> = vec![staging.clone()];
        for name in files {
            let from = staging.join(name);
            let synced = std::fs::File::open(&from).and_then(|f| {
                if f.metadata()?.is_file() {
                    f.sync_all()
                } else {
                    Err(std::io::Error::other("not a file"))
                }
            });
            synced.map_err(|e| io_err(&from, e))?;
            let path = self.dir.join(name);
            if path.is_dir() {
                return Err(AppError::analysis(format!(
                    "writing {}: a directory is in the way",
                    path.display()
                )));
            }
            for d in [from.parent(), path.parent()].into_iter().flatten() {
                if !dirs.iter().any(|q| q == d) {
                    dirs.push(d.to_path_buf());
                }
            }
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(|e| io_err(p, e))?;
            }
        }
        for d in &dirs {
            sync_dir(d);
        }
        let journal = Journal {
            files: files.iter().map(|n| n.to_string()).collect(),
            staging: Some(self.name.clone()),
            databases: databases.iter().map(|n| n.to_string()).collect(),
        };
        commit_journal(&self.dir, &journal)?;
        // Committed: the staging directory now belongs to the journal (`recover` finishes it).
        self.committed = true;
        roll_forward(&self.dir, &journal, renames)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(self.path());
        }
    }
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

    /// Every file under `dir`, recursively, relative, sorted.
    fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p.strip_prefix(dir).unwrap().display().to_string());
                }
            }
        }
        out.sort();
        out
    }

    const STAGED: [&str; 3] = ["data/a.csv", "store.db", "report.html"];

    /// Stages the set tagged `tag` in `d` (plus a `-shm` beside the store, as a read-only
    /// reader leaves) and returns it uncommitted.
    fn stage(d: &Path, tag: &str) -> Staged {
        let s = Staged::begin(d, "t").unwrap();
        std::fs::create_dir_all(s.path().join("data")).unwrap();
        for n in STAGED {
            std::fs::write(s.path().join(n), format!("{tag} {n}")).unwrap();
        }
        std::fs::write(s.path().join("store.db-shm"), "reader").unwrap();
        s
    }

    fn staged_contents(d: &Path) -> Vec<String> {
        STAGED.iter().map(|n| std::fs::read_to_string(d.join(n)).unwrap()).collect()
    }

    fn tagged(tag: &str) -> Vec<String> {
        STAGED.iter().map(|n| format!("{tag} {n}")).collect()
    }

    #[test]
    fn a_staged_set_replaces_the_old_one_and_the_old_store_sidecars() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        stage(d, "old").commit(&STAGED, &["store.db"]).unwrap();
        assert_eq!(staged_contents(d), tagged("old"));
        assert_eq!(tree(d), ["data/a.csv", "report.html", "store.db"]);
        // The old store's WAL files must not be applied to the new store.
        std::fs::write(d.join("store.db-wal"), "old wal").unwrap();
        std::fs::write(d.join("store.db-shm"), "old shm").unwrap();
        std::fs::write(d.join("user.txt"), "kept").unwrap();
        stage(d, "new").commit(&STAGED, &["store.db"]).unwrap();
        assert_eq!(staged_contents(d), tagged("new"));
        assert_eq!(tree(d), ["data/a.csv", "report.html", "store.db", "user.txt"]);
    }

    #[test]
    fn a_staged_set_killed_between_renames_is_rolled_forward() {
        for renames in 0..=STAGED.len() {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            stage(d, "old").commit(&STAGED, &["store.db"]).unwrap();
            std::fs::write(d.join("store.db-wal"), "old wal").unwrap();
            stage(d, "new").commit_until(&STAGED, &["store.db"], renames).unwrap();
            let ctx = format!("renames {renames}");
            if renames < STAGED.len() {
                assert!(d.join(JOURNAL).exists(), "{ctx}");
                let old = staged_contents(d).iter().filter(|c| c.starts_with("old")).count();
                assert_eq!(old, STAGED.len() - renames, "{ctx}");
            }
            // Any later writer's recovery (the report's `write_set`, the next demo's `begin`)
            // finishes the set, whatever names it passes.
            assert_eq!(recover(d, &NAMES).unwrap(), renames < STAGED.len(), "{ctx}");
            assert_eq!(staged_contents(d), tagged("new"), "{ctx}");
            assert_eq!(tree(d), ["data/a.csv", "report.html", "store.db"], "{ctx}");
        }
    }

    #[test]
    fn an_uncommitted_staged_set_leaves_the_old_set() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        stage(d, "old").commit(&STAGED, &["store.db"]).unwrap();
        // Dropped before the commit (an error or a cancellation): the staging is removed.
        drop(stage(d, "new"));
        assert_eq!(staged_contents(d), tagged("old"));
        assert_eq!(tree(d), ["data/a.csv", "report.html", "store.db"]);
        // Killed before the commit (nothing dropped): the next `begin` removes the staging.
        std::mem::forget(stage(d, "new"));
        assert!(tree(d).iter().any(|f| f.starts_with(".crosshedge-t.new/")));
        assert_eq!(staged_contents(d), tagged("old"));
        let again = Staged::begin(d, "t").unwrap();
        assert_eq!(tree(d), ["data/a.csv", "report.html", "store.db"]);
        assert_eq!(std::fs::read_dir(again.path()).unwrap().count(), 0);
        drop(again);
        assert_eq!(tree(d), ["data/a.csv", "report.html", "store.db"]);
        // A staged file that is missing or a final name taken by a directory is refused
        // before the commit point: the old set stays whole, nothing staged is left.
        let s = stage(d, "new");
        assert!(s.commit(&["data/a.csv", "missing.csv"], &[]).is_err());
        std::fs::remove_file(d.join("report.html")).unwrap();
        std::fs::create_dir(d.join("report.html")).unwrap();
        let e = stage(d, "new").commit(&STAGED, &["store.db"]).unwrap_err();
        assert!(e.message.contains("a directory is in the way"), "{}", e.message);
        assert!(!d.join(JOURNAL).exists());
        assert_eq!(std::fs::read_to_string(d.join("data/a.csv")).unwrap(), "old data/a.csv");
        assert_eq!(tree(d), ["data/a.csv", "store.db"]);
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
