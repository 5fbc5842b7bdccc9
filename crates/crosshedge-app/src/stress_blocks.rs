//! Engine-agnostic scale-out kernels: a `stress` run cut into seed blocks that any worker
//! (a thread, a Dask or Ray task, another machine with the same store) computes on its own,
//! and a combination that gives **exactly** the response of one [`stress::run`](crate::stress::run) — the same
//! JSON, bit for bit, for any sharding; and `basis_scan`, independent `basis` jobs for
//! universe scans.
//!
//! A worker calls [`stress_blocks`]`(ws, req, first_block, n_blocks)` and ships the bytes;
//! the driver calls [`stress_combine`]`(ws, req, &payloads)`. Block `b` of a run always draws
//! from the stream of `(seed, b)` and the combination merges the blocks' statistics in block
//! order (see `crosshedge_simulation::blocks` for why that reproduces every bit), so where
//! and in which order the blocks ran does not matter. The number of blocks is
//! [`stress_block_count`] (`⌈paths / 4096⌉`).
//!
//! Each payload carries a fingerprint of everything the paths depend on (the request without
//! `threads`, the fitted model, the sized book, the start, the crate version): the combination
//! re-prepares the request on its own store and refuses payloads of another request, store or
//! build with a one-line input error, as it refuses damaged, truncated, overlapping or missing
//! blocks.

use std::ops::ControlFlow;

use crosshedge_simulation::{
    block_count, combine_blocks, simulate_blocks, BlockCombiner, BlockRange,
};
use serde::Serialize;

use crate::basis::{BasisRequest, BasisResponse};
use crate::stress::{prepare, sim_error, Prepared, StressRequest, StressResponse};
use crate::{checkpoint, AppError, ErrorKind, Progress, Workspace};

/// The fingerprint of a prepared run: FNV-1a over the request (without `threads`, which
/// never changes a result), the response's context, the model, the portfolio and the crate
/// version.
fn fingerprint(req: &StressRequest, p: &Prepared) -> Result<u64, AppError> {
    let mut r = req.clone();
    r.threads = None;
    let ctx = p.response(req, None, None)?;
    let text = format!(
        "{}\n{}\n{}\n{:?}\n{:?}",
        env!("CARGO_PKG_VERSION"),
        serde_json::to_string(&r)?,
        serde_json::to_string(&ctx)?,
        p.model,
        p.pf
    );
    Ok(crosshedge_simulation::blocks::fnv1a(text.as_bytes()))
}

/// Number of seed blocks of `req`'s run (`⌈paths / block size⌉`): the range
/// [`stress_blocks`] shards.
///
/// # Errors
/// An input error for `paths` or `horizon` of 0.
pub fn stress_block_count(req: &StressRequest) -> Result<u64, AppError> {
    if req.paths == 0 || req.horizon == 0 {
        return Err(AppError::input(format!(
            "--paths and --horizon must be at least 1, got {} and {}",
            req.paths, req.horizon
        )));
    }
    let cfg = crosshedge_simulation::StressConfig {
        paths: req.paths,
        horizon_days: req.horizon,
        seed: req.seed,
        ..crosshedge_simulation::StressConfig::default()
    };
    Ok(block_count(&cfg))
}

fn prepared_sim(
    ws: &Workspace,
    req: &StressRequest,
    progress: &dyn Progress,
) -> Result<Prepared, AppError> {
    let p = prepare(ws, req, progress)?;
    if p.sim_scenario().is_none() {
        return Err(AppError::input(
            "--scenario: a user shock is one deterministic path, not Monte Carlo blocks; run `stress`",
        ));
    }
    Ok(p)
}

/// Blocks `first_block .. first_block + n_blocks` of `req`'s run, serialised (versioned,
/// checksummed; see `crosshedge_simulation::BlockRange::to_bytes`). Measures, sizes and fits
/// as [`stress::run`](crate::stress::run) does (memoised on `ws`), then simulates only those blocks, in parallel
/// on `req.threads` threads; reports `progress.start("simulating", paths of the range)` and
/// `inc` per block and stops within one block once cancelled.
///
/// # Errors
/// As [`stress::run`](crate::stress::run); an input error for a user-shock scenario or a block range outside
/// `0 .. stress_block_count(req)`.
pub fn stress_blocks(
    ws: &Workspace,
    req: &StressRequest,
    first_block: u64,
    n_blocks: u64,
    progress: &dyn Progress,
) -> Result<Vec<u8>, AppError> {
    let total = stress_block_count(req)?;
    if n_blocks == 0 || first_block.saturating_add(n_blocks) > total {
        return Err(AppError::input(format!(
            "stress blocks {first_block}+{n_blocks}: the run has blocks 0..{total}"
        )));
    }
    let p = prepared_sim(ws, req, progress)?;
    let tag = fingerprint(req, &p)?;
    let Some(scenario) = p.sim_scenario() else {
        return Err(AppError::analysis("stress: no scenario to simulate"));
    };
    let bs = p.cfg.block_size as u64;
    let paths = (first_block + n_blocks).saturating_mul(bs).min(req.paths) - first_block * bs;
    checkpoint(progress)?;
    progress.start("simulating", paths);
    let on_block = |n: u64| {
        progress.inc(n);
        if progress.is_cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let (threads, _) = crate::stress::cap_threads(req.threads);
    let range = simulate_blocks(
        threads,
        &p.model,
        &p.pf,
        scenario,
        &p.cfg,
        tag,
        (first_block, n_blocks),
        &on_block,
    )
    .map_err(sim_error)?;
    Ok(range.to_bytes())
}

/// The response of one [`stress::run`](crate::stress::run) of `req` from payloads of [`stress_blocks`] covering
/// every block once (in any order and any sharding): equal to it field for field and bit for
/// bit. Prepares `req` on `ws` (the model and book the payloads were drawn with; memoised).
///
/// # Errors
/// As [`stress::run`](crate::stress::run)'s preparation; a one-line input error (`stress blocks: ...`) for a
/// damaged, truncated or foreign payload (another request, store or crosshedge build),
/// overlapping or missing blocks, or no payloads.
pub fn stress_combine(
    ws: &Workspace,
    req: &StressRequest,
    payloads: &[Vec<u8>],
) -> Result<StressResponse, AppError> {
    let p = prepared_sim(ws, req, &crate::Silent)?;
    let tag = fingerprint(req, &p)?;
    let mut ranges = Vec::with_capacity(payloads.len());
    for (i, b) in payloads.iter().enumerate() {
        let r =
            BlockRange::from_bytes(b).map_err(|e| AppError::input(format!("payload {i}: {e}")))?;
        ranges.push(r);
    }
    let report =
        combine_blocks(&p.cfg, tag, &ranges).map_err(|e| AppError::input(e.to_string()))?;
    p.response(req, Some(report), None)
}

/// [`stress_combine`] as the payloads arrive: [`push`](Self::push) each one as its task
/// finishes (any order); the payloads next in block order are merged at once and dropped, so
/// the driver holds the run's dense total and the early arrivals only, not the whole run
/// (~75 kB a block: 1.8 GB for 100M paths). [`finish`](Self::finish) gives exactly the
/// response of [`stress_combine`] and of one [`stress::run`](crate::stress::run).
///
/// It holds no workspace: prepare it where the store is, then push from any thread.
pub struct StressCombiner {
    req: StressRequest,
    prepared: Prepared,
    inner: BlockCombiner,
}

impl std::fmt::Debug for StressCombiner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (merged, pending) = self.progress();
        f.debug_struct("StressCombiner")
            .field("paths", &self.req.paths)
            .field("merged_blocks", &merged)
            .field("pending", &pending)
            .finish()
    }
}

impl StressCombiner {
    /// Prepares `req` on `ws` (measure, size, fit; memoised) and starts an empty combination.
    ///
    /// # Errors
    /// As [`stress_combine`]'s preparation (a user-shock scenario is an input error).
    pub fn new(ws: &Workspace, req: &StressRequest) -> Result<Self, AppError> {
        let prepared = prepared_sim(ws, req, &crate::Silent)?;
        let tag = fingerprint(req, &prepared)?;
        let inner = BlockCombiner::new(&prepared.cfg, tag);
        Ok(Self { req: req.clone(), prepared, inner })
    }

    /// Merges one payload of [`stress_blocks`] (and any held ones it makes contiguous).
    ///
    /// # Errors
    /// A one-line input error for a damaged or foreign payload or one overlapping a payload
    /// already pushed; the combination is unchanged by a refused payload.
    pub fn push(&mut self, payload: &[u8]) -> Result<(), AppError> {
        let r = BlockRange::from_bytes(payload).map_err(|e| AppError::input(e.to_string()))?;
        self.inner.push(r).map_err(|e| AppError::input(e.to_string()))
    }

    /// Blocks merged so far and payloads held back (arrived before one in front of them).
    pub fn progress(&self) -> (u64, usize) {
        (self.inner.merged_blocks(), self.inner.pending())
    }

    /// The response once every block has been pushed.
    ///
    /// # Errors
    /// An input error when blocks are missing or nothing was pushed.
    pub fn finish(self) -> Result<StressResponse, AppError> {
        let report = self.inner.finish().map_err(|e| AppError::input(e.to_string()))?;
        self.prepared.response(&self.req, Some(report), None)
    }
}

/// One item of a [`basis_scan`]: the `basis` response, or the error of that pair.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanItem {
    /// The pair's `basis --json`.
    Ok(Box<BasisResponse>),
    /// Why the pair failed.
    Error {
        /// `input`, `analysis` or `cancelled`.
        kind: ErrorKind,
        /// The one-line message.
        message: String,
    },
}

/// `basis` for every request of `pairs` on one workspace (series loaded and pairs aligned
/// once each, memoised): the independent tasks of a universe scan, which a scheduler may
/// split anywhere. A failing pair becomes its [`ScanItem::Error`]; only cancellation stops
/// the scan. `progress.start("pairs", n)` and `inc` per pair.
///
/// # Errors
/// [`AppError::cancelled`] when cancelled.
pub fn basis_scan(
    ws: &Workspace,
    pairs: &[BasisRequest],
    progress: &dyn Progress,
) -> Result<Vec<ScanItem>, AppError> {
    progress.start("pairs", pairs.len() as u64);
    let mut out = Vec::with_capacity(pairs.len());
    for req in pairs {
        checkpoint(progress)?;
        out.push(match crate::basis::run(ws, req, &crate::Silent) {
            Ok(r) => ScanItem::Ok(Box::new(r)),
            Err(e) if e.kind == ErrorKind::Cancelled => return Err(e),
            Err(e) => ScanItem::Error { kind: e.kind, message: e.message },
        });
        progress.inc(1);
    }
    Ok(out)
}
