//! How a long job reports how far it is and learns that it should stop.
//!
//! A job calls [`Progress::start`] with a total, [`Progress::inc`] as blocks finish and
//! [`Progress::message`] for a phase; between blocks it calls [`checkpoint`], which turns a
//! cancellation into [`AppError::cancelled`]. The CLI draws a bar (indicatif), the server
//! streams events, Python calls back; [`Silent`] does nothing and never cancels.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::AppError;

/// Progress and cancellation of one job. Implementations must be cheap: `inc` may be called
/// from worker threads once per block of work.
pub trait Progress: Sync {
    /// A phase of `total` units (paths, days, resamples) begins.
    fn start(&self, _phase: &str, _total: u64) {}
    /// `n` more units of the current phase are done.
    fn inc(&self, _n: u64) {}
    /// A human-readable note about what the job is doing.
    fn message(&self, _text: &str) {}
    /// True once the job should stop; checked between blocks.
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// No reporting, never cancelled.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {}

/// `Err(AppError::cancelled())` once `progress` is cancelled.
pub fn checkpoint(progress: &dyn Progress) -> Result<(), AppError> {
    if progress.is_cancelled() {
        Err(AppError::cancelled())
    } else {
        Ok(())
    }
}

/// A [`Progress`] that counts what it is told and can be cancelled from another thread: for
/// tests and for front ends that poll (the server's job status).
#[derive(Debug, Default)]
pub struct Counter {
    total: AtomicU64,
    done: AtomicU64,
    cancelled: AtomicBool,
    cancel_after: Option<u64>,
}

impl Counter {
    /// A counter that is never cancelled unless [`Counter::cancel`] is called.
    pub fn new() -> Self {
        Self::default()
    }

    /// A counter that cancels itself once `units` units are done.
    pub fn cancelling_after(units: u64) -> Self {
        Self { cancel_after: Some(units), ..Self::default() }
    }

    /// Asks the job to stop.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Units done in the current phase.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }

    /// The total of the current phase.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }
}

impl Progress for Counter {
    fn start(&self, _phase: &str, total: u64) {
        self.total.store(total, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
    }
    fn inc(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::SeqCst) + n;
        if self.cancel_after.is_some_and(|k| done >= k) {
            self.cancel();
        }
    }
    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_cancels_itself_after_its_budget() {
        let c = Counter::cancelling_after(10);
        c.start("paths", 100);
        c.inc(5);
        assert!(checkpoint(&c).is_ok());
        c.inc(5);
        assert_eq!(checkpoint(&c).unwrap_err(), AppError::cancelled());
        assert_eq!((c.done(), c.total()), (10, 100));
        assert!(checkpoint(&Silent).is_ok());
    }
}
