//! The command line's [`Progress`]: an indicatif bar on stderr for long phases (drawn only when
//! stderr is a terminal), Ctrl-C not yet wired (the job runs to its end or its error), except
//! in `crosshedge fetch`, which wraps the bar with a Ctrl-C flag (src/cmd/fetch.rs).

use crosshedge_app::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

/// Draws a bar for phases of at least `min_total` units.
pub struct Bar {
    bar: Mutex<Option<ProgressBar>>,
    min_total: u64,
}

impl Bar {
    /// A bar shown for phases of `min_total` units or more.
    pub fn new(min_total: u64) -> Self {
        Self { bar: Mutex::new(None), min_total }
    }
}

impl Progress for Bar {
    fn start(&self, phase: &str, total: u64) {
        let Ok(mut slot) = self.bar.lock() else { return };
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        if total >= self.min_total {
            let b = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{{spinner}} {phase} {{bar:40}} {{pos}}/{{len}} ({{per_sec}}, eta {{eta}}) {{msg}}"
            )) {
                b.set_style(style);
            }
            *slot = Some(b);
        }
    }
    /// Shown after the bar (e.g. the source being fetched).
    fn message(&self, text: &str) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(b) = slot.as_ref() {
                b.set_message(text.to_string());
            }
        }
    }
    fn inc(&self, n: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(b) = slot.as_ref() {
                b.inc(n);
            }
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(b) = slot.take() {
                b.finish_and_clear();
            }
        }
    }
}
