//! Long jobs in the background: a bounded number run at once on tokio's blocking pool, each
//! with a [`JobProgress`] the API reads and cancels; finished jobs are kept for a bounded time
//! and count.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crosshedge_app::{AppError, Progress};
use serde::Serialize;
use serde_json::Value;

/// Progress of one background job: atomics the job writes from any thread and the API reads.
#[derive(Debug, Default)]
pub struct JobProgress {
    total: AtomicU64,
    done: AtomicU64,
    cancelled: AtomicBool,
    message: Mutex<String>,
}

impl JobProgress {
    /// Asks the job to stop at its next block.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// `(done, total, message)` now.
    pub fn snapshot(&self) -> ProgressView {
        ProgressView {
            done: self.done.load(Ordering::SeqCst),
            total: self.total.load(Ordering::SeqCst),
            message: self.message.lock().unwrap_or_else(PoisonError::into_inner).clone(),
        }
    }
}

impl Progress for JobProgress {
    fn start(&self, phase: &str, total: u64) {
        self.total.store(total, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
        phase.clone_into(&mut self.message.lock().unwrap_or_else(PoisonError::into_inner));
    }
    fn inc(&self, n: u64) {
        self.done.fetch_add(n, Ordering::SeqCst);
    }
    fn message(&self, text: &str) {
        text.clone_into(&mut self.message.lock().unwrap_or_else(PoisonError::into_inner));
    }
    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// The progress as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgressView {
    /// Units done in the current phase.
    pub done: u64,
    /// Units of the current phase (0 before the job starts one).
    pub total: u64,
    /// The current phase or note.
    pub message: String,
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Accepted, waiting for a thread.
    Queued,
    /// Running.
    Running,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
    /// Stopped by a cancellation.
    Cancelled,
}

impl JobState {
    /// True once the job has ended.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }
}

/// What a job has produced so far.
#[derive(Debug)]
struct Outcome {
    state: JobState,
    result: Option<Value>,
    error: Option<AppError>,
    finished: Option<Instant>,
}

/// One background job.
#[derive(Debug)]
pub struct Job {
    /// Its id.
    pub id: u64,
    /// The long job's name (`stress`, `backtest`, `report`, `basis`).
    pub kind: &'static str,
    /// Its progress and cancellation flag.
    pub progress: JobProgress,
    outcome: Mutex<Outcome>,
}

impl Job {
    fn outcome(&self) -> std::sync::MutexGuard<'_, Outcome> {
        self.outcome.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The job's state now.
    pub fn state(&self) -> JobState {
        self.outcome().state
    }

    /// Marks the job running.
    pub(crate) fn set_running(&self) {
        let mut o = self.outcome();
        if o.state == JobState::Queued {
            o.state = JobState::Running;
        }
    }

    /// Records the job's end.
    pub(crate) fn finish(&self, r: Result<Value, AppError>) {
        let mut o = self.outcome();
        match r {
            Ok(v) => {
                o.state = JobState::Done;
                o.result = Some(v);
            }
            Err(e) => {
                o.state = if e.kind == crosshedge_app::ErrorKind::Cancelled {
                    JobState::Cancelled
                } else {
                    JobState::Failed
                };
                o.error = Some(e);
            }
        }
        o.finished = Some(Instant::now());
    }

    /// `{id, kind, state, progress, result?, error?}`.
    pub fn status(&self) -> Value {
        let o = self.outcome();
        let mut v = serde_json::json!({
            "id": self.id.to_string(),
            "kind": self.kind,
            "state": o.state,
            "progress": self.progress.snapshot(),
        });
        if let Some(r) = &o.result {
            v["result"] = r.clone();
        }
        if let Some(e) = &o.error {
            v["error"] = serde_json::json!({"kind": e.kind, "message": e.message});
        }
        v
    }
}

/// The jobs of one server.
#[derive(Debug)]
pub struct Jobs {
    jobs: Mutex<BTreeMap<u64, Arc<Job>>>,
    next: AtomicU64,
    active: AtomicUsize,
    max_active: usize,
    keep_for: Duration,
    keep_count: usize,
}

/// A slot among the running jobs, given back when dropped.
#[derive(Debug)]
pub struct Slot(Arc<Jobs>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Jobs {
    /// At most `max_active` jobs queued or running; finished ones kept `keep_for` and at most
    /// `keep_count` of them.
    pub fn new(max_active: usize, keep_for: Duration, keep_count: usize) -> Self {
        Self {
            jobs: Mutex::new(BTreeMap::new()),
            next: AtomicU64::new(1),
            active: AtomicUsize::new(0),
            max_active,
            keep_for,
            keep_count,
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new queued job and its slot, or `None` when `max_active` are already queued or running.
    pub fn admit(self: &Arc<Self>, kind: &'static str) -> Option<(Arc<Job>, Slot)> {
        let mut n = self.active.load(Ordering::SeqCst);
        loop {
            if n >= self.max_active {
                return None;
            }
            match self.active.compare_exchange(n, n + 1, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(m) => n = m,
            }
        }
        let slot = Slot(Arc::clone(self));
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let job = Arc::new(Job {
            id,
            kind,
            progress: JobProgress::default(),
            outcome: Mutex::new(Outcome {
                state: JobState::Queued,
                result: None,
                error: None,
                finished: None,
            }),
        });
        let mut map = self.map();
        Self::prune(&mut map, self.keep_for, self.keep_count);
        map.insert(id, Arc::clone(&job));
        Some((job, slot))
    }

    /// The job of `id`, if it is kept.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        let mut map = self.map();
        Self::prune(&mut map, self.keep_for, self.keep_count);
        map.get(&id).cloned()
    }

    /// Cancels every job (at shutdown).
    pub fn cancel_all(&self) {
        for j in self.map().values() {
            j.progress.cancel();
        }
    }

    /// Drops finished jobs older than `keep_for`, then the oldest beyond `keep_count`.
    fn prune(map: &mut BTreeMap<u64, Arc<Job>>, keep_for: Duration, keep_count: usize) {
        map.retain(|_, j| j.outcome().finished.is_none_or(|t| t.elapsed() <= keep_for));
        let finished: Vec<u64> =
            map.iter().filter(|(_, j)| j.state().is_final()).map(|(id, _)| *id).collect();
        let excess = finished.len().saturating_sub(keep_count);
        for id in finished.into_iter().take(excess) {
            map.remove(&id);
        }
    }
}
