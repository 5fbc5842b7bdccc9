//! Headless Chromium for the report tests: shared by this crate's `tests/render.rs` and the
//! root package's `tests/report_chromium.rs` (included there with `#[path]`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The Chromium binary: `$CHROMIUM`, else Debian's `/usr/bin/chromium`, else
/// `/usr/bin/chromium-browser`; `None` when none exists.
pub(crate) fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMIUM").ok(),
        Some("/usr/bin/chromium".into()),
        Some("/usr/bin/chromium-browser".into()),
    ];
    candidates.into_iter().flatten().map(PathBuf::from).find(|p| p.exists())
}

/// Runs Chromium headless with `args` and a fresh profile (the flags keep it off this
/// machine's closed network); killed after two minutes.
///
/// # Panics
/// When Chromium does not start or does not finish in time.
pub(crate) fn run_chromium(bin: &Path, args: &[&str]) -> Output {
    let profile = tempfile::tempdir().expect("temporary profile directory");
    let child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts (set CHROMIUM to its path)");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(120)) {
        Ok(out) => out.expect("chromium output"),
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("chromium did not finish in 120 s");
        }
    }
}
