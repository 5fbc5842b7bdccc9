//! Crash tests of `report --out DIR` and `demo --out DIR --force`: the binary is killed
//! (SIGKILL) after k ms for 8 values of k spread over 1.5 times an uninterrupted run, over a
//! directory holding a complete earlier run. Afterwards the directory is recovered as the next
//! writer would (`crosshedge_app::output_set::recover`: a set past its commit journal is rolled
//! forward, temporaries of one before it are removed), and then:
//! - the store passes `PRAGMA integrity_check` and is a complete store;
//! - the report's three files are all old or all new, with no temporary left;
//! - the demo's whole output (its six data files, its store, judged by the SHA-256 of its
//!   imports, and its report, judged by the seed in its header) is all the old run's or all
//!   the new run's; the only other thing left is an uncommitted staging directory
//!   (`.crosshedge-demo.new/`), and the next uninterrupted run removes it and leaves the
//!   complete new set.
//!
//! A kill between two renames of a commit is rare at these kill points; the app's unit tests
//! (`output_set`) stop a write after each rename deterministically.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crosshedge_data::store::Store;

const KILLS: u64 = 8;
const REPORT_FILES: [&str; 3] = ["report.html", "report.json", "analysis.json"];
const DATA_FILES: [&str; 6] = [
    "data/us_daily.csv",
    "data/crypto_daily.csv",
    "data/crypto_vol_daily.csv",
    "data/vix_futures_contracts.csv",
    "data/episodes.toml",
    "data/manifest.toml",
];

/// The two tests run one at a time, so that the uninterrupted run's duration (which spreads
/// the kill points) is measured under the same load as the killed runs.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The k-th kill point: spread evenly up to 1.5 times the uninterrupted run, so that the last
/// points fall in the writing phase even when the killed run is slower.
fn kill_after(full_ms: u64, step: u64) -> u64 {
    full_ms * 3 * (step + 1) / (2 * KILLS) + 1
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_crosshedge"))
}

fn spawn(cwd: &Path, args: &[&str]) -> std::process::Child {
    Command::new(bin())
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn run_ok(cwd: &Path, args: &[&str]) -> u64 {
    let t0 = Instant::now();
    let st = spawn(cwd, args).wait().unwrap();
    assert!(st.success(), "{args:?} failed: {st}");
    t0.elapsed().as_millis() as u64
}

/// Runs `args` and kills it after `k` ms (it may have finished before).
fn run_killed(cwd: &Path, args: &[&str], k: u64) {
    let mut child = spawn(cwd, args);
    std::thread::sleep(Duration::from_millis(k));
    let _ = child.kill();
    let _ = child.wait();
}

fn demo_args(out: &str, seed: &str) -> Vec<String> {
    ["demo", "--out", out, "--force", "--seed", seed, "--bootstrap", "20", "--stress-paths", "200"]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}

fn report_args(out: &str, seed: &str) -> Vec<String> {
    [
        "--store",
        "store/crosshedge.db",
        "report",
        "--out",
        out,
        "--seed",
        seed,
        "--bootstrap",
        "20",
        "--paths",
        "200",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The number of series of the store at `path`, after `PRAGMA integrity_check` says ok.
fn store_series(path: &Path) -> usize {
    assert!(path.is_file(), "{} is missing", path.display());
    let st = Store::open_existing(path).unwrap();
    assert_eq!(st.integrity_check().unwrap(), "ok", "{}", path.display());
    st.list().unwrap().len()
}

/// Panics unless the report file `name` in `dir` is complete: the JSON parses, the HTML ends
/// with `</html>`.
fn assert_complete(dir: &Path, name: &str, ctx: &str) {
    let bytes =
        std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{ctx}: {name} missing ({e})"));
    if name.ends_with(".json") {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .unwrap_or_else(|e| panic!("{ctx}: {name} is not complete JSON: {e}"));
    } else {
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.trim_end().ends_with("</html>"), "{ctx}: {name} is cut short");
    }
}

/// Whether `dir/name` is byte for byte the file `reference/name`.
fn same(dir: &Path, reference: &Path, name: &str) -> bool {
    std::fs::read(dir.join(name)).ok() == std::fs::read(reference.join(name)).ok()
}

/// Names of the files under `dir` (recursively, relative) that are temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            // A file whose name or any directory above it (a staging directory) starts with
            // a dot.
            let rel = p.strip_prefix(dir).unwrap();
            if rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
                out.push(rel.display().to_string());
            }
        }
    }
    out
}

fn assert_known_temp(files: &[String], ctx: &str) {
    for f in files {
        let name = Path::new(f).file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".partial") || name.starts_with(".crosshedge-"),
            "{ctx}: unexpected file {f}"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn report_killed_at_any_point_leaves_complete_files_and_an_intact_store() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    run_ok(root, &strs(&demo_args("store", "1")));
    let series = store_series(&root.join("store/crosshedge.db"));
    run_ok(root, &strs(&report_args("old", "1")));
    let full_ms = run_ok(root, &strs(&report_args("timing", "2")));
    let (mut mixed, mut left_temp, mut all_old) = (0, 0, 0);
    for step in 0..KILLS {
        let k = kill_after(full_ms, step);
        let out = format!("k{step}");
        let ctx = format!("report killed after {k} ms");
        copy_dir(&root.join("old"), &root.join(&out));
        run_killed(root, &strs(&report_args(&out, "2")), k);
        let dir = root.join(&out);
        assert_eq!(store_series(&root.join("store/crosshedge.db")), series, "{ctx}");
        if crosshedge_app::output_set::recover(&dir, &REPORT_FILES).unwrap() {
            eprintln!("{ctx}: a committed set was rolled forward");
        }
        let old: Vec<bool> = REPORT_FILES
            .iter()
            .map(|f| {
                assert_complete(&dir, f, &ctx);
                same(&dir, &root.join("old"), f)
            })
            .collect();
        if old.iter().all(|o| *o) {
            all_old += 1;
        } else if old.iter().any(|o| *o) {
            mixed += 1;
        }
        assert_eq!(mixed, 0, "{ctx}: old and new report files side by side: {old:?}");
        let temp = temp_files(&dir);
        assert_known_temp(&temp, &ctx);
        if !temp.is_empty() {
            left_temp += 1;
        }
        assert_eq!(left_temp, 0, "{ctx}: temporary files left after recovery: {temp:?}");
        // The next run completes the new set and removes the temporary files.
        run_ok(root, &strs(&report_args(&out, "2")));
        assert!(temp_files(&dir).is_empty(), "{ctx}: rerun left {:?}", temp_files(&dir));
        for f in REPORT_FILES {
            assert_complete(&dir, f, &ctx);
        }
        assert!(!same(&dir, &root.join("old"), "report.json"), "{ctx}: rerun kept the old JSON");
    }
    eprintln!(
        "report: {KILLS} kills over {full_ms} ms: {all_old} old sets, {mixed} mixed sets, \
         {left_temp} with temporary files"
    );
}

/// The SHA-256 of every import of the store at `path`, in order: the store's identity (the
/// import times differ between runs, the files imported do not).
fn store_imports(path: &Path) -> Vec<String> {
    let st = Store::open_existing(path).unwrap();
    st.imports().unwrap().into_iter().map(|i| i.sha256).collect()
}

/// Whether the report in `dir` is the one of seed `old_seed` (`Some(true)`), of another seed
/// (`Some(false)`): its header records the seed.
fn report_is_old(dir: &Path, old_seed: u64, ctx: &str) -> bool {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    let seed = v["header"]["seed"].as_u64().unwrap_or_else(|| panic!("{ctx}: no header.seed"));
    seed == old_seed
}

#[test]
fn demo_force_killed_at_any_point_leaves_the_old_output_or_the_new_one() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    run_ok(root, &strs(&demo_args("old", "1")));
    let full_ms = run_ok(root, &strs(&demo_args("new", "2")));
    let series = store_series(&root.join("old/crosshedge.db"));
    assert_eq!(store_series(&root.join("new/crosshedge.db")), series);
    let (old_store, new_store) = (
        store_imports(&root.join("old/crosshedge.db")),
        store_imports(&root.join("new/crosshedge.db")),
    );
    assert_ne!(old_store, new_store, "seeds 1 and 2 give the same store");
    for f in DATA_FILES.iter().chain(&["analysis.json"]) {
        assert!(root.join("old").join(f).is_file(), "the demo did not write {f}");
    }
    assert!(
        !same(&root.join("old"), &root.join("new"), DATA_FILES[0]),
        "seeds 1 and 2 give the same data: the test could not tell old from new"
    );
    let (mut all_old, mut all_new) = (0, 0);
    for step in 0..KILLS {
        let k = kill_after(full_ms, step);
        let out = format!("k{step}");
        let ctx = format!("demo killed after {k} ms");
        let dir = root.join(&out);
        copy_dir(&root.join("old"), &dir);
        run_killed(root, &strs(&demo_args(&out, "2")), k);
        // Recovered as the next writer into the directory would (the next demo or report):
        // a set past its commit point is rolled forward.
        if crosshedge_app::output_set::recover(&dir, &[]).unwrap() {
            eprintln!("{ctx}: a committed set was rolled forward");
        }
        assert!(!dir.join(crosshedge_app::output_set::JOURNAL).exists(), "{ctx}");
        assert_eq!(store_series(&dir.join("crosshedge.db")), series, "{ctx}");
        // Each file says whether it is the old run's or the new one's (`None`: the two runs
        // write it alike, so it tells nothing).
        let mut verdicts: Vec<(String, bool)> = Vec::new();
        let imports = store_imports(&dir.join("crosshedge.db"));
        assert!(imports == old_store || imports == new_store, "{ctx}: a store that is neither");
        verdicts.push(("crosshedge.db".into(), imports == old_store));
        for f in DATA_FILES.iter().chain(&["analysis.json"]) {
            let is_old = same(&dir, &root.join("old"), f);
            let is_new = same(&dir, &root.join("new"), f);
            assert!(is_old || is_new, "{ctx}: {f} is neither old nor new");
            if is_old != is_new {
                verdicts.push(((*f).to_string(), is_old));
            }
        }
        for f in REPORT_FILES {
            assert_complete(&dir, f, &ctx);
        }
        verdicts.push(("report.json".into(), report_is_old(&dir, 1, &ctx)));
        verdicts.push(("report.html".into(), same(&dir, &root.join("old"), "report.html")));
        let old = verdicts.iter().filter(|(_, o)| *o).count();
        assert!(
            old == 0 || old == verdicts.len(),
            "{ctx}: old and new files side by side: {verdicts:?}"
        );
        if old == 0 {
            all_new += 1;
        } else {
            all_old += 1;
        }
        // What is left besides the set is only an uncommitted staging directory, which the
        // next run removes.
        for f in temp_files(&dir) {
            assert!(f.starts_with(".crosshedge-demo.new/"), "{ctx}: unexpected file {f}");
        }
        run_ok(root, &strs(&demo_args(&out, "2")));
        assert!(temp_files(&dir).is_empty(), "{ctx}: rerun left {:?}", temp_files(&dir));
        for f in DATA_FILES {
            assert!(same(&dir, &root.join("new"), f), "{ctx}: rerun did not write the new {f}");
        }
        assert_eq!(store_imports(&dir.join("crosshedge.db")), new_store, "{ctx}");
        assert!(!report_is_old(&dir, 1, &ctx), "{ctx}: rerun kept the old report");
    }
    eprintln!("demo: {KILLS} kills over {full_ms} ms: {all_old} old sets, {all_new} new sets");
}
