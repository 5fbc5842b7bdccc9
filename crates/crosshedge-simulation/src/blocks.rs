//! Scale-out of [`simulate`](crate::simulate): any contiguous range of seed blocks run on its
//! own (another process, machine or engine), its per-block statistics serialised, and the
//! ranges combined into exactly the report of one run.
//!
//! # Why the combination is bit-identical
//! One run merges the blocks' accumulators into a zero total in block order (`total.merge`
//! block 0, 1, 2, ...): every count and every per-slot `f64` sum of the total is the
//! left-to-right sum of the blocks' values. Floating-point addition is not associative, so a
//! shard may not pre-add its blocks; a [`BlockRange`] therefore keeps **every block's own
//! statistics** — per occupied histogram slot its count and exact sum, per occupied tail slot
//! its five sums, the three moment sums, min/max, losing and cover counts — and
//! [`combine_blocks`] replays the same left-to-right merge. The slots a block leaves empty
//! contributed `+0.0` in the single run, which leaves every sum unchanged (a sum of a zero
//! total is never `−0.0`), so skipping them changes no bit. The histogram range comes from
//! the pilot run, which every shard recomputes on its own stream: the ranges must agree bit
//! for bit, and do.
//!
//! Memory: a block's record holds at most one entry per occupied slot (≤ 8,194 per histogram
//! whatever the block size; about 14 bytes per histogram entry and 42 per tail entry); the
//! combination holds one dense total (~0.6 MB).

use std::borrow::Cow;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use crosshedge_stats::bootstrap::derive_seed;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use thiserror::Error;

use crate::accum::{Accum, SLOTS};
use crate::engine::{check_config, make_driver, pilot_range, report, run_block};
use crate::{JointModel, Portfolio, Scenario, SimulationError, StressConfig, StressReport};

/// First bytes of every serialised [`BlockRange`].
const MAGIC: &[u8; 8] = b"CHSBLK\0\0";
/// Version of the serialised layout; a reader refuses any other.
pub const BLOCKS_FORMAT_VERSION: u32 = 1;
/// Blocks run in parallel between two progress/cancellation checks.
const CHUNK_BLOCKS: u64 = 16;

/// A payload that cannot be read or does not belong with the others.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("stress blocks: {0}")]
pub struct PayloadError(pub String);

fn bad<T>(msg: impl Into<String>) -> Result<T, PayloadError> {
    Err(PayloadError(msg.into()))
}

/// One block's statistics: what its accumulator holds, sparse.
#[derive(Debug, Clone, PartialEq)]
struct BlockStats {
    n: u64,
    /// Σ and Σ² of unhedged, hedged and worst daily hedged P&L.
    moments: [f64; 6],
    /// min/max of unhedged, then of hedged.
    extremes: [f64; 4],
    losing: u64,
    covered: Vec<u64>,
    /// (slot, count, sum) of the occupied unhedged slots, slots increasing.
    unhedged: Vec<(u16, u64, f64)>,
    /// The same for hedged.
    hedged: Vec<(u16, u64, f64)>,
    /// (slot, [count, Σu, Σu², Σhedge, Σloss]) of the occupied tail slots.
    tail: Vec<(u16, [f64; 5])>,
}

fn sparse(counts: &[u64], sums: &[f64]) -> Vec<(u16, u64, f64)> {
    counts
        .iter()
        .zip(sums)
        .enumerate()
        .filter(|(_, (c, _))| **c > 0)
        .map(|(s, (c, v))| (s as u16, *c, *v))
        .collect()
}

impl BlockStats {
    fn of(a: &Accum) -> Self {
        Self {
            n: a.n,
            moments: [
                a.m_unhedged.s1,
                a.m_unhedged.s2,
                a.m_hedged.s1,
                a.m_hedged.s2,
                a.m_worst.s1,
                a.m_worst.s2,
            ],
            extremes: [a.unhedged.min, a.unhedged.max, a.hedged.min, a.hedged.max],
            losing: a.losing,
            covered: a.covered.clone(),
            unhedged: sparse(&a.unhedged.counts, &a.unhedged.sums),
            hedged: sparse(&a.hedged.counts, &a.hedged.sums),
            tail: a
                .tail
                .iter()
                .enumerate()
                .filter(|(_, t)| t[0] > 0.0)
                .map(|(s, t)| (s as u16, *t))
                .collect(),
        }
    }

    /// `total.merge(block)` of the single run, term for term.
    fn merge_into(&self, total: &mut Accum) {
        total.n += self.n;
        let h = |hist: &mut crate::accum::Hist, e: &[(u16, u64, f64)], min: f64, max: f64| {
            for (s, c, v) in e {
                hist.counts[*s as usize] += c;
                hist.sums[*s as usize] += v;
            }
            hist.min = hist.min.min(min);
            hist.max = hist.max.max(max);
        };
        h(&mut total.unhedged, &self.unhedged, self.extremes[0], self.extremes[1]);
        h(&mut total.hedged, &self.hedged, self.extremes[2], self.extremes[3]);
        let m = &self.moments;
        total.m_unhedged.s1 += m[0];
        total.m_unhedged.s2 += m[1];
        total.m_hedged.s1 += m[2];
        total.m_hedged.s2 += m[3];
        total.m_worst.s1 += m[4];
        total.m_worst.s2 += m[5];
        total.losing += self.losing;
        for (a, b) in total.covered.iter_mut().zip(&self.covered) {
            *a += b;
        }
        for (s, t) in &self.tail {
            let a = &mut total.tail[*s as usize];
            for k in 0..5 {
                a[k] += t[k];
            }
        }
    }
}

/// The statistics of blocks `first_block .. first_block + n` of a run, each block's kept
/// apart (see the module documentation); serialised by [`BlockRange::to_bytes`].
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRange {
    /// A caller's fingerprint of everything the run depends on beyond `cfg` (the app puts a
    /// hash of the request and of the fitted model here); [`combine_blocks`] requires one value.
    pub tag: u64,
    /// The run's settings.
    pub cfg: StressConfig,
    /// The histograms' range from the pilot.
    pub range: (f64, f64),
    /// Index of the first block.
    pub first_block: u64,
    blocks: Vec<BlockStats>,
}

/// Number of seed blocks of a run: `⌈paths / block_size⌉`.
pub fn block_count(cfg: &StressConfig) -> u64 {
    cfg.paths.div_ceil(cfg.block_size.max(1) as u64)
}

impl BlockRange {
    /// Number of blocks held.
    pub fn len(&self) -> u64 {
        self.blocks.len() as u64
    }

    /// Whether no block is held.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Paths held (the sum of the blocks' path counts).
    pub fn paths(&self) -> u64 {
        self.blocks.iter().map(|b| b.n).sum()
    }
}

/// Runs blocks `first_block .. first_block + n_blocks` of the run `cfg` exactly as
/// [`simulate`](crate::simulate) runs them (block `b` on
/// `ChaCha8Rng::seed_from_u64(derive_seed(seed, b))`, the pilot's histogram range), in
/// parallel on a pool of `threads` threads (`None`: the caller's rayon pool); `on_block(paths)` after every block, as in
/// [`simulate_with_threads`](crate::simulate_with_threads).
///
/// # Errors
/// As [`simulate`](crate::simulate); [`SimulationError::InvalidSetting`] for a range beyond
/// the run's [`block_count`] or an empty one; [`SimulationError::Cancelled`] once `on_block`
/// breaks.
#[allow(clippy::too_many_arguments)]
pub fn simulate_blocks(
    threads: Option<usize>,
    model: &JointModel,
    portfolio: &Portfolio,
    scenario: Scenario<'_>,
    cfg: &StressConfig,
    tag: u64,
    (first_block, n_blocks): (u64, u64),
    on_block: &(dyn Fn(u64) -> ControlFlow<()> + Sync),
) -> Result<BlockRange, SimulationError> {
    let run = || run_range(model, portfolio, scenario, cfg, tag, first_block, n_blocks, on_block);
    crate::engine::in_pool(threads, run)
}

#[allow(clippy::too_many_arguments)]
fn run_range(
    model: &JointModel,
    portfolio: &Portfolio,
    scenario: Scenario<'_>,
    cfg: &StressConfig,
    tag: u64,
    first_block: u64,
    n_blocks: u64,
    on_block: &(dyn Fn(u64) -> ControlFlow<()> + Sync),
) -> Result<BlockRange, SimulationError> {
    check_config(cfg)?;
    let total = block_count(cfg);
    if n_blocks == 0 {
        return Err(SimulationError::InvalidSetting {
            name: "n_blocks",
            requirement: "must be at least 1",
            value: 0.0,
        });
    }
    if first_block.checked_add(n_blocks).is_none_or(|end| end > total) {
        return Err(SimulationError::InvalidSetting {
            name: "first_block + n_blocks",
            requirement: "must be at most the run's block count ⌈paths/block_size⌉",
            value: first_block.saturating_add(n_blocks) as f64,
        });
    }
    let driver = make_driver(model, scenario)?;
    let (lo, hi) = pilot_range(model, &driver, portfolio, cfg)?;
    let bs = cfg.block_size as u64;
    let stop = AtomicBool::new(false);
    let mut blocks = Vec::with_capacity(n_blocks as usize);
    let end = first_block + n_blocks;
    let mut first = first_block;
    while first < end {
        let last = (first + CHUNK_BLOCKS).min(end);
        let parts: Vec<Result<BlockStats, SimulationError>> = (first..last)
            .into_par_iter()
            .map(|bi| {
                if stop.load(Ordering::SeqCst) {
                    return Err(SimulationError::Cancelled);
                }
                let n = (cfg.paths - bi * bs).min(bs) as usize;
                let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(cfg.seed, bi));
                let mut acc = Accum::new(lo, hi, &cfg.cover_levels);
                run_block(
                    model,
                    &driver,
                    portfolio,
                    n,
                    cfg.horizon_days,
                    &mut rng,
                    |r| acc.add(r),
                    None,
                )?;
                if on_block(n as u64).is_break() {
                    stop.store(true, Ordering::SeqCst);
                }
                Ok(BlockStats::of(&acc))
            })
            .collect();
        if stop.load(Ordering::SeqCst) {
            return Err(SimulationError::Cancelled);
        }
        for p in parts {
            blocks.push(p?);
        }
        first = last;
    }
    Ok(BlockRange { tag, cfg: cfg.clone(), range: (lo, hi), first_block, blocks })
}

/// The report of one [`simulate`](crate::simulate) run of `cfg` from block ranges covering
/// its blocks `0 .. block_count(cfg)` exactly once (in any order; merged in block order).
///
/// # Errors
/// A [`PayloadError`] when a range belongs to another run (tag, settings or pilot range
/// differ), ranges overlap or leave a gap, or there are none.
pub fn combine_blocks(
    cfg: &StressConfig,
    tag: u64,
    ranges: &[BlockRange],
) -> Result<StressReport, PayloadError> {
    let mut combiner = BlockCombiner::new(cfg, tag);
    // Every payload checked first, so a foreign one is named by its index in `ranges`.
    for (i, r) in ranges.iter().enumerate() {
        combiner.check(i, r)?;
    }
    // Then in block order: each range is merged where it lies, never copied.
    let mut order: Vec<&BlockRange> = ranges.iter().collect();
    order.sort_by_key(|r| r.first_block);
    for r in order {
        combiner.take(Cow::Borrowed(r), false)?;
    }
    combiner.finish()
}

/// [`combine_blocks`] as the ranges arrive: each [`push`](Self::push) merges every range that
/// is next in block order into the run's total and keeps only the ones that arrived early, so
/// a driver holds the dense total (~0.6 MB) and the out-of-order ranges, never the whole run.
/// The merge is the same left-to-right block-order merge, so the report is bit-identical to
/// [`combine_blocks`] and to one [`simulate`](crate::simulate) run, whatever the arrival order.
#[derive(Debug)]
pub struct BlockCombiner {
    cfg: StressConfig,
    tag: u64,
    /// The pilot's histogram range (of the first range pushed; every other must agree).
    range: Option<(f64, f64)>,
    total: Option<Accum>,
    /// The first block not merged yet.
    next: u64,
    /// Ranges that arrived before the ones in front of them, by first block.
    pending: std::collections::BTreeMap<u64, BlockRange>,
    /// Ranges pushed so far (the index a message names).
    pushed: usize,
}

impl BlockCombiner {
    /// A combiner of the run `cfg` whose payloads carry `tag`.
    pub fn new(cfg: &StressConfig, tag: u64) -> Self {
        Self {
            cfg: cfg.clone(),
            tag,
            range: None,
            total: None,
            next: 0,
            pending: std::collections::BTreeMap::new(),
            pushed: 0,
        }
    }

    /// Blocks merged so far (`0 .. merged_blocks()`).
    pub fn merged_blocks(&self) -> u64 {
        self.next
    }

    /// Ranges held back because an earlier one has not arrived.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Checks that range `r` (the `i`-th payload) belongs to this run: tag, settings and
    /// the pilot's histogram range (against the first range checked or pushed).
    fn check(&mut self, i: usize, r: &BlockRange) -> Result<(), PayloadError> {
        let cfg = &self.cfg;
        if r.tag != self.tag {
            return bad(format!(
                "payload {i} is from another request or store (fingerprint {:016x}, expected {:016x})",
                r.tag, self.tag
            ));
        }
        if r.cfg != *cfg {
            return bad(format!(
                "payload {i} has other settings (paths {}, horizon {}, seed {}, block size {}; expected {}, {}, {}, {})",
                r.cfg.paths, r.cfg.horizon_days, r.cfg.seed, r.cfg.block_size,
                cfg.paths, cfg.horizon_days, cfg.seed, cfg.block_size
            ));
        }
        let (lo, hi) = *self.range.get_or_insert(r.range);
        if r.range.0.to_bits() != lo.to_bits() || r.range.1.to_bits() != hi.to_bits() {
            return bad(format!("payload {i} has another histogram range than payload 0"));
        }
        Ok(())
    }

    /// Takes the next payload (any order): merges it, and every held range it makes
    /// contiguous, into the total.
    ///
    /// # Errors
    /// A [`PayloadError`] for a range of another run, or one that overlaps a range already
    /// pushed; the combiner is unchanged by a refused range.
    pub fn push(&mut self, r: BlockRange) -> Result<(), PayloadError> {
        self.take(Cow::Owned(r), true)
    }

    /// [`push`](Self::push) of a borrowed or owned range, `check`ing it against the run first
    /// unless the caller has; a range next in block order is merged without being copied, an
    /// early one is kept (owned) until its turn.
    fn take(&mut self, r: Cow<'_, BlockRange>, check: bool) -> Result<(), PayloadError> {
        let i = self.pushed;
        if check {
            self.check(i, &r)?;
        }
        if r.is_empty() {
            return bad(format!("payload {i} holds no blocks"));
        }
        let (start, end) = (r.first_block, r.first_block + r.len());
        let overlap = || bad(format!("blocks {start}..{end} overlap an earlier payload"));
        if start < self.next {
            return overlap();
        }
        if let Some((&s, before)) = self.pending.range(..=start).next_back() {
            if s == start || s + before.len() > start {
                return overlap();
            }
        }
        if let Some((&s, _)) = self.pending.range(start..).next() {
            if s < end {
                return overlap();
            }
        }
        self.pushed += 1;
        if start == self.next {
            self.merge(&r);
        } else {
            self.pending.insert(start, r.into_owned());
        }
        while let Some(r) = self.pending.remove(&self.next) {
            self.merge(&r);
        }
        Ok(())
    }

    /// Merges the range that starts at the next block into the total.
    fn merge(&mut self, r: &BlockRange) {
        let (lo, hi) = r.range;
        let total = self.total.get_or_insert_with(|| Accum::new(lo, hi, &self.cfg.cover_levels));
        for b in &r.blocks {
            b.merge_into(total);
        }
        self.next += r.len();
    }

    /// The run's report once every block has been pushed.
    ///
    /// # Errors
    /// A [`PayloadError`] when nothing was pushed or blocks are missing.
    pub fn finish(self) -> Result<StressReport, PayloadError> {
        if self.pushed == 0 {
            return bad("no payloads to combine");
        }
        let total_blocks = block_count(&self.cfg);
        let next = self.next;
        if let Some(&s) = self.pending.keys().next() {
            return bad(format!("blocks {next}..{s} are missing"));
        }
        if next != total_blocks {
            return bad(format!("blocks {next}..{total_blocks} are missing"));
        }
        let Some(total) = self.total else { return bad("no payloads to combine") };
        Ok(report(&total, &self.cfg))
    }
}

/// FNV-1a, 64 bit: the payload's checksum (detects damage, not tampering).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct Writer(Vec<u8>);

impl Writer {
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], PayloadError> {
        match self.b.get(self.at..self.at.saturating_add(n)) {
            Some(s) if self.at.checked_add(n).is_some() => {
                self.at += n;
                Ok(s)
            }
            _ => bad(format!("truncated at byte {} (reading {what})", self.at)),
        }
    }
    fn u16(&mut self, what: &str) -> Result<u16, PayloadError> {
        let s = self.take(2, what)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self, what: &str) -> Result<u32, PayloadError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4, what)?);
        Ok(u32::from_le_bytes(a))
    }
    fn u64(&mut self, what: &str) -> Result<u64, PayloadError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_le_bytes(a))
    }
    fn f64(&mut self, what: &str) -> Result<f64, PayloadError> {
        Ok(f64::from_bits(self.u64(what)?))
    }
    /// A count that cannot exceed `max` (so a damaged length cannot allocate the machine).
    fn len(&mut self, what: &str, max: usize) -> Result<usize, PayloadError> {
        let n = self.u32(what)? as usize;
        if n > max {
            return bad(format!("{what} {n} exceeds {max}"));
        }
        Ok(n)
    }
}

impl BlockRange {
    /// The little-endian serialisation: magic `CHSBLK\0\0`, [`BLOCKS_FORMAT_VERSION`], the
    /// tag, the settings, the pilot range, the block records, and an FNV-1a checksum of all
    /// bytes before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + self.blocks.len() * 16_384));
        w.0.extend_from_slice(MAGIC);
        w.u32(BLOCKS_FORMAT_VERSION);
        w.u64(self.tag);
        let c = &self.cfg;
        w.u64(c.paths);
        w.u64(c.horizon_days as u64);
        w.u64(c.seed);
        w.u64(c.block_size as u64);
        w.u32(c.cover_levels.len() as u32);
        for l in &c.cover_levels {
            w.f64(*l);
        }
        w.f64(self.range.0);
        w.f64(self.range.1);
        w.u64(self.first_block);
        w.u64(self.blocks.len() as u64);
        for b in &self.blocks {
            w.u64(b.n);
            for v in b.moments.iter().chain(&b.extremes) {
                w.f64(*v);
            }
            w.u64(b.losing);
            for c in &b.covered {
                w.u64(*c);
            }
            for e in [&b.unhedged, &b.hedged] {
                w.u32(e.len() as u32);
                for (s, c, v) in e {
                    w.u16(*s);
                    w.u64(*c);
                    w.f64(*v);
                }
            }
            w.u32(b.tail.len() as u32);
            for (s, t) in &b.tail {
                w.u16(*s);
                for v in t {
                    w.f64(*v);
                }
            }
        }
        let sum = fnv1a(&w.0);
        w.u64(sum);
        w.0
    }

    /// Reads [`BlockRange::to_bytes`]'s layout back, checking the magic, the version, the
    /// checksum, every length and slot, that each block's slot counts add up to its paths,
    /// and that nothing follows.
    ///
    /// # Errors
    /// A one-line [`PayloadError`] saying what is wrong and where.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PayloadError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return bad("not a crosshedge stress-blocks payload (bad magic)");
        }
        let mut r = Reader { b: bytes, at: MAGIC.len() };
        let version = r.u32("version")?;
        if version != BLOCKS_FORMAT_VERSION {
            return bad(format!(
                "payload format version {version}, this build reads {BLOCKS_FORMAT_VERSION} (mixed crosshedge versions?)"
            ));
        }
        if bytes.len() < r.at + 8 {
            return bad("truncated payload");
        }
        let body = &bytes[..bytes.len() - 8];
        let mut tail8 = [0u8; 8];
        tail8.copy_from_slice(&bytes[bytes.len() - 8..]);
        if fnv1a(body) != u64::from_le_bytes(tail8) {
            return bad("checksum mismatch (payload damaged in transit?)");
        }
        let mut r = Reader { b: body, at: r.at };
        let tag = r.u64("tag")?;
        let paths = r.u64("paths")?;
        let horizon_days = r.u64("horizon")? as usize;
        let seed = r.u64("seed")?;
        let block_size = r.u64("block size")? as usize;
        let n_levels = r.len("cover level count", 1024)?;
        let mut cover_levels = Vec::with_capacity(n_levels);
        for _ in 0..n_levels {
            cover_levels.push(r.f64("cover level")?);
        }
        let cfg = StressConfig { paths, horizon_days, seed, block_size, cover_levels };
        let range = (r.f64("range")?, r.f64("range")?);
        let first_block = r.u64("first block")?;
        let n_blocks = r.u64("block count")?;
        if n_blocks == 0 || first_block.saturating_add(n_blocks) > block_count(&cfg) {
            return bad(format!(
                "blocks {first_block}+{n_blocks} outside the run's {} blocks",
                block_count(&cfg)
            ));
        }
        let bs = block_size as u64;
        let mut blocks = Vec::with_capacity(n_blocks.min(1 << 20) as usize);
        for bi in first_block..first_block + n_blocks {
            let n = r.u64("block paths")?;
            let want = (paths - bi * bs).min(bs);
            if n != want {
                return bad(format!("block {bi} holds {n} paths, the run has {want} there"));
            }
            let mut f = [0.0; 10];
            for v in &mut f {
                *v = r.f64("moments")?;
            }
            let losing = r.u64("losing")?;
            let mut covered = Vec::with_capacity(n_levels);
            for _ in 0..n_levels {
                covered.push(r.u64("cover count")?);
            }
            let mut hists = [Vec::new(), Vec::new()];
            for (k, h) in hists.iter_mut().enumerate() {
                let what = if k == 0 { "unhedged slots" } else { "hedged slots" };
                let m = r.len(what, SLOTS)?;
                let mut prev = None;
                let mut count = 0u64;
                for _ in 0..m {
                    let s = r.u16(what)?;
                    let c = r.u64(what)?;
                    let v = r.f64(what)?;
                    if usize::from(s) >= SLOTS || prev.is_some_and(|p| s <= p) || c == 0 {
                        return bad(format!("block {bi}: bad {what} entry (slot {s}, count {c})"));
                    }
                    prev = Some(s);
                    count = count.saturating_add(c);
                    h.push((s, c, v));
                }
                if count != n {
                    return bad(format!("block {bi}: {what} count {count} paths, expected {n}"));
                }
            }
            let m = r.len("tail slots", SLOTS)?;
            let mut tail = Vec::with_capacity(m);
            let mut prev = None;
            for _ in 0..m {
                let s = r.u16("tail slots")?;
                let mut t = [0.0; 5];
                for v in &mut t {
                    *v = r.f64("tail slots")?;
                }
                if usize::from(s) >= SLOTS || prev.is_some_and(|p| s <= p) {
                    return bad(format!("block {bi}: bad tail entry (slot {s})"));
                }
                prev = Some(s);
                tail.push((s, t));
            }
            let [unhedged, hedged] = hists;
            blocks.push(BlockStats {
                n,
                moments: [f[0], f[1], f[2], f[3], f[4], f[5]],
                extremes: [f[6], f[7], f[8], f[9]],
                losing,
                covered,
                unhedged,
                hedged,
                tail,
            });
        }
        if r.at != body.len() {
            return bad(format!("{} unexpected bytes after the last block", body.len() - r.at));
        }
        Ok(Self { tag, cfg, range, first_block, blocks })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{simulate, StartState};
    use crosshedge_hedging::{Book, Exposure, HedgePlan};

    fn setup() -> (JointModel, Portfolio) {
        let model = JointModel::demo();
        let book = Book {
            name: "btc".into(),
            budget: 0.0,
            exposures: vec![Exposure::BtcSpot { value: 1e6 }],
            layers: vec![],
            rolls: Default::default(),
            ..Default::default()
        };
        let plan = HedgePlan {
            book: "btc".into(),
            asset_notional: Default::default(),
            target_notional: 1e6,
            nft_carry_per_year: 0.0,
            layers: vec![],
            premium: 0.0,
            cost_per_year: 0.0,
            budget_per_year: 0.0,
            budget_scale: 1.0,
            requirement_cost_per_year: 0.0,
            greeks: Default::default(),
            cover: vec![],
        };
        let start = StartState { vix: 20.0, spx: 5000.0, regime: 1 };
        let pf = Portfolio::new(&book, &plan, &model, start).unwrap();
        (model, pf)
    }

    #[test]
    fn any_split_gives_the_single_run_bit_for_bit() {
        let (model, pf) = setup();
        let cfg = StressConfig {
            paths: 2_500,
            horizon_days: 5,
            seed: 9,
            block_size: 300,
            ..StressConfig::default()
        };
        let one = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
        let go = |_: u64| ControlFlow::Continue(());
        for split in [vec![9u64], vec![1, 8], vec![4, 1, 1, 3]] {
            let mut ranges = Vec::new();
            let mut at = 0;
            for n in split {
                let r = simulate_blocks(None, &model, &pf, Scenario::Model, &cfg, 7, (at, n), &go)
                    .unwrap();
                ranges.push(BlockRange::from_bytes(&r.to_bytes()).unwrap());
                at += n;
            }
            ranges.reverse();
            let combined = combine_blocks(&cfg, 7, &ranges).unwrap();
            assert_eq!(format!("{combined:?}"), format!("{one:?}"));
        }
    }

    #[test]
    fn the_streaming_combiner_gives_the_single_run_in_any_arrival_order() {
        let (model, pf) = setup();
        let cfg = StressConfig {
            paths: 2_500,
            horizon_days: 5,
            seed: 9,
            block_size: 300,
            ..StressConfig::default()
        };
        let one = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
        let go = |_: u64| ControlFlow::Continue(());
        let split = [(0u64, 2u64), (2, 1), (3, 4), (7, 2)];
        let ranges: Vec<BlockRange> = split
            .iter()
            .map(|&r| simulate_blocks(None, &model, &pf, Scenario::Model, &cfg, 7, r, &go).unwrap())
            .collect();
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]] {
            let mut c = BlockCombiner::new(&cfg, 7);
            for (k, &i) in order.iter().enumerate() {
                c.push(ranges[i].clone()).unwrap();
                // Only what cannot be merged yet is held.
                let merged = split
                    .iter()
                    .take_while(|(f, _)| order[..=k].iter().any(|&j| split[j].0 == *f))
                    .map(|(_, n)| n)
                    .sum::<u64>();
                assert_eq!(c.merged_blocks(), merged, "{order:?} after {k}");
            }
            assert_eq!(c.pending(), 0);
            assert_eq!(format!("{:?}", c.finish().unwrap()), format!("{one:?}"), "{order:?}");
        }
        // Overlaps, foreign payloads and gaps are refused; a refused push changes nothing.
        let mut c = BlockCombiner::new(&cfg, 7);
        c.push(ranges[2].clone()).unwrap();
        let e = c.push(ranges[2].clone()).unwrap_err().to_string();
        assert!(e.contains("blocks 3..7 overlap an earlier payload"), "{e}");
        let wide =
            simulate_blocks(None, &model, &pf, Scenario::Model, &cfg, 7, (2, 2), &go).unwrap();
        let e = c.push(wide).unwrap_err().to_string();
        assert!(e.contains("blocks 2..4 overlap"), "{e}");
        let other =
            simulate_blocks(None, &model, &pf, Scenario::Model, &cfg, 8, (0, 2), &go).unwrap();
        assert!(c.push(other).unwrap_err().to_string().contains("another request or store"));
        c.push(ranges[0].clone()).unwrap();
        assert_eq!((c.merged_blocks(), c.pending()), (2, 1));
        let e = c.finish().unwrap_err().to_string();
        assert!(e.contains("blocks 2..3 are missing"), "{e}");
        let e = BlockCombiner::new(&cfg, 7).finish().unwrap_err().to_string();
        assert!(e.contains("no payloads"), "{e}");
    }

    #[test]
    fn damaged_payloads_are_refused_with_one_line() {
        let (model, pf) = setup();
        let cfg = StressConfig {
            paths: 500,
            horizon_days: 3,
            block_size: 200,
            ..StressConfig::default()
        };
        let go = |_: u64| ControlFlow::Continue(());
        let bytes = simulate_blocks(Some(2), &model, &pf, Scenario::Model, &cfg, 1, (0, 3), &go)
            .unwrap()
            .to_bytes();
        let mut flipped = bytes.clone();
        flipped[100] ^= 1;
        let e = BlockRange::from_bytes(&flipped).unwrap_err().to_string();
        assert!(e.contains("checksum"), "{e}");
        let e = BlockRange::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err().to_string();
        assert!(e.contains("checksum") || e.contains("truncated"), "{e}");
        let e = BlockRange::from_bytes(b"PK\x03\x04 not ours").unwrap_err().to_string();
        assert!(e.contains("magic"), "{e}");
        let mut v2 = bytes.clone();
        v2[8] = 2;
        let e = BlockRange::from_bytes(&v2).unwrap_err().to_string();
        assert!(e.contains("version 2"), "{e}");
        assert!(!e.contains('\n'));
        assert!(simulate_blocks(None, &model, &pf, Scenario::Model, &cfg, 1, (2, 2), &go).is_err());
    }
}
