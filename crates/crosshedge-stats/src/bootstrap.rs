//! Stationary block bootstrap (Politis–Romano 1994) with the automatic block length of
//! Politis–White (2004) as corrected by Patton–Politis–White (2009), percentile intervals, and
//! a deterministic parallel driver.
//!
//! # Determinism
//! Replicates are produced in chunks of [`CHUNK`] resamples. Chunk `c` draws from its own
//! `ChaCha8Rng` seeded with `seed` on stream `c` (`set_stream(c)`), and chunks are written to
//! fixed positions of the output, so results are bit-identical for any number of rayon threads.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::util::{check_finite, check_pair, clamp_corr, mean, percentile_sorted};
use crate::StatsError;

/// Resamples per RNG stream (the unit of parallel work).
pub const CHUNK: usize = 32;

/// Optimal expected block lengths for the stationary and the circular block bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BlockLength {
    /// Expected block length for the stationary bootstrap (in rows).
    pub stationary: f64,
    /// Block length for the circular block bootstrap (in rows).
    pub circular: f64,
}

/// Automatic block length of Politis & White (2004) with the Patton, Politis & White (2009)
/// correction, reproducing `arch.bootstrap.optimal_block_length` (arch 8) step for step.
///
/// # Formula
/// With `ε = x - x̄`, `γ̂_k = n⁻¹ Σ_{t≥k} ε_t ε_{t-k}`, `k_n = max(5, ⌊log10 n⌋)`,
/// `m_max = ⌈√n⌉ + k_n`, `b_max = ⌈min(3√n, n/3)⌉`: `m̂` is the first lag after which `k_n`
/// consecutive absolute autocorrelations are below `2 sqrt(log10(n)/n)` (arch's normalisation
/// `|Σ ε_t ε_{t-i}| / sqrt(Σ_{t>i} ε_t² Σ_{t<n-i-1} ε_t²)`), `M = min(2 max(m̂, 1), m_max)`
/// (or `m_max` when none is found), `λ(s) = 1` for `|s| ≤ 1/2` else `2(1 - |s|)`,
/// `G = Σ_{k=1}^M λ(k/M) 2 k γ̂_k`, `σ̂² = γ̂_0 + Σ_{k=1}^M 2 λ(k/M) γ̂_k`,
/// `D_SB = 2 σ̂⁴`, `D_CB = 4/3 σ̂⁴`, `b = min((2 G² / D)^{1/3} n^{1/3}, b_max)`.
///
/// # Errors
/// Fewer than `m_max + 2` rows (about `√n + 7`; in practice at least 16), non-finite values,
/// or a constant series.
///
/// # References
/// Politis, D. N. & White, H. (2004), "Automatic block-length selection for the dependent
/// bootstrap", *Econometric Reviews* 23(1), 53–70. Patton, A., Politis, D. N. & White, H.
/// (2009), "Correction to ...", *Econometric Reviews* 28(4), 372–375.
pub fn optimal_block_length(x: &[f64]) -> Result<BlockLength, StatsError> {
    check_finite("optimal block length", x)?;
    let nobs = x.len();
    if nobs < 16 {
        return Err(StatsError::TooFewObservations {
            what: "optimal block length",
            n: nobs,
            min: 16,
        });
    }
    let nf = nobs as f64;
    let m0 = mean(x);
    let eps: Vec<f64> = x.iter().map(|v| v - m0).collect();
    let b_max = (3.0 * nf.sqrt()).min(nf / 3.0).ceil();
    let kn = 5usize.max(nf.log10() as usize);
    let m_max = nf.sqrt().ceil() as usize + kn;
    if nobs < m_max + 2 {
        return Err(StatsError::TooFewObservations {
            what: "optimal block length",
            n: nobs,
            min: m_max + 2,
        });
    }
    let cv = 2.0 * (nf.log10() / nf).sqrt();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
    let mut acv = vec![0.0; m_max + 1];
    let mut abs_acorr = vec![0.0; m_max + 1];
    let mut opt_m: Option<usize> = None;
    // Prefix sums of ε² give arch's two partial sums of squares in O(1) per lag.
    let mut sq = Vec::with_capacity(nobs + 1);
    sq.push(0.0);
    for e in &eps {
        sq.push(sq[sq.len() - 1] + e * e);
    }
    for i in 0..=m_max {
        let v1 = sq[nobs] - sq[i + 1];
        let v2 = sq[nobs - (i + 1)];
        let cross = dot(&eps[i..], &eps[..nobs - i]);
        acv[i] = cross / nf;
        abs_acorr[i] = cross.abs() / (v1 * v2).sqrt();
        if i >= kn && opt_m.is_none() && abs_acorr[i - kn..i].iter().all(|&a| a < cv) {
            opt_m = Some(i - kn);
        }
    }
    if acv[0] == 0.0 {
        return Err(StatsError::ZeroVariance { what: "optimal block length" });
    }
    let m = match opt_m {
        Some(o) => (2 * o.max(1)).min(m_max),
        None => m_max,
    };
    let mf = m as f64;
    let mut g = 0.0;
    let mut lr_acv = acv[0];
    for (k, &a) in acv.iter().enumerate().take(m + 1).skip(1) {
        let s = k as f64 / mf;
        let lam = if s <= 0.5 { 1.0 } else { 2.0 * (1.0 - s) };
        g += 2.0 * lam * k as f64 * a;
        lr_acv += 2.0 * lam * a;
    }
    if lr_acv == 0.0 {
        return Err(StatsError::Undefined {
            what: "optimal block length",
            reason: "zero long-run variance",
        });
    }
    let d_sb = 2.0 * lr_acv * lr_acv;
    let d_cb = 4.0 / 3.0 * lr_acv * lr_acv;
    let b_sb = ((2.0 * g * g) / d_sb).powf(1.0 / 3.0) * nf.powf(1.0 / 3.0);
    let b_cb = ((2.0 * g * g) / d_cb).powf(1.0 / 3.0) * nf.powf(1.0 / 3.0);
    Ok(BlockLength { stationary: b_sb.min(b_max), circular: b_cb.min(b_max) })
}

/// The joint expected block length used when a target and a hedge are resampled together:
/// the mean of the two series' stationary lengths (as in arch's documentation example), floored
/// at 1 row.
///
/// # Errors
/// As [`optimal_block_length`].
pub fn joint_block_length(target: &[f64], hedge: &[f64]) -> Result<f64, StatsError> {
    let a = optimal_block_length(target)?.stationary;
    let b = optimal_block_length(hedge)?.stationary;
    Ok((0.5 * (a + b)).max(1.0))
}

/// Draw one stationary-bootstrap index vector into `out` (length `n`).
///
/// # Formula
/// `I_0 ~ U{0..n-1}`; for `t ≥ 1`, with probability `p = 1/b` a new block starts at
/// `I_t ~ U{0..n-1}`, otherwise `I_t = (I_{t-1} + 1) mod n` (wrap-around), so block lengths are
/// geometric with mean `b`. Same process as `arch.bootstrap.StationaryBootstrap` (arch draws a
/// start for every row and keeps it only when a block starts; this draws it only then).
///
/// # References
/// Politis, D. N. & Romano, J. P. (1994), "The stationary bootstrap", *JASA* 89(428), 1303–1313.
pub fn stationary_indices<R: Rng + ?Sized>(
    rng: &mut R,
    n: usize,
    expected_block: f64,
    out: &mut [usize],
) {
    let sampler = BlockSampler::new(n, expected_block);
    let mut t = 0;
    sampler.for_each_block(rng, out.len(), |start, len| {
        let mut cur = start;
        for o in &mut out[t..t + len] {
            *o = cur;
            cur += 1;
            if cur == n {
                cur = 0;
            }
        }
        t += len;
    });
}

/// Draws the blocks of a stationary bootstrap of `n` rows: starts uniform on `0..n` and
/// geometric lengths, `P(L > k) = (1 - p)^k` with `p = 1/b` — the same process as arch's row-by-row
/// decision to start a new block with probability `p`.
///
/// Each block takes a 32-bit draw `V` for its start `⌊V n / 2³²⌋` (multiply-shift; the start
/// probabilities differ from `1/n` by less than `n/2³²`, below 1e-6 for any realistic sample) and
/// a 32-bit uniform `U` for its length, inverting the geometric law:
/// `L = 1 + #{k ≥ 1 : U < T_k}` with tail thresholds `T_k = ⌈2³² (1-p)^k⌉` (exact up to their
/// 2⁻³² resolution). The top byte of `U` is drawn first (eight per 64-bit draw) and looked up in a
/// 256-bucket table; only when that bucket straddles a threshold are the low 24 bits of `U` drawn
/// and the thresholds counted. This is an exact draw of `U` that usually consumes 8 bits.
#[derive(Debug, Clone)]
pub(crate) struct BlockSampler {
    n: u64,
    tail: Vec<u64>,
    bucket: [u32; 256],
}

impl BlockSampler {
    pub(crate) fn new(n: usize, expected_block: f64) -> Self {
        let q = 1.0 - 1.0 / expected_block.max(1.0);
        let mut tail = Vec::new();
        let mut qk = q;
        // Lengths beyond n are never used (every block is capped at the rows left), so the table
        // stops at n thresholds even for a huge expected block.
        while qk * 4_294_967_296.0 >= 1.0 && tail.len() < n {
            tail.push((qk * 4_294_967_296.0).ceil() as u64);
            qk *= q;
        }
        let mut s = Self { n: n as u64, tail, bucket: [0; 256] };
        for i in 0..256u64 {
            let lo = s.count(i << 24);
            let hi = s.count(((i + 1) << 24) - 1);
            s.bucket[i as usize] = if lo == hi { lo as u32 } else { 0 };
        }
        s
    }

    #[inline]
    fn count(&self, u: u64) -> usize {
        1 + self.tail.iter().take_while(|&&t| u < t).count()
    }

    /// One geometric block length.
    #[cfg(test)]
    fn length<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        BlockStream::new(self, rng).next(usize::MAX).1
    }

    /// Call `f(start, len)` for consecutive blocks whose lengths sum to `total`.
    #[inline]
    pub(crate) fn for_each_block<R: Rng + ?Sized, F: FnMut(usize, usize)>(
        &self,
        rng: &mut R,
        total: usize,
        mut f: F,
    ) {
        let mut stream = BlockStream::new(self, rng);
        let mut t = 0;
        while t < total {
            let (start, len) = stream.next(total - t);
            f(start, len);
            t += len;
        }
    }
}

/// A stream of blocks from a [`BlockSampler`] and a generator, with a pool of random bytes for
/// the length draws.
pub(crate) struct BlockStream<'a, R: ?Sized> {
    s: &'a BlockSampler,
    rng: &'a mut R,
    pool: u64,
    avail: u32,
}

impl<'a, R: Rng + ?Sized> BlockStream<'a, R> {
    /// A new stream (its byte pool starts empty).
    pub(crate) fn new(s: &'a BlockSampler, rng: &'a mut R) -> Self {
        Self { s, rng, pool: 0, avail: 0 }
    }

    /// The next block `(start, len)`, its length capped at `remaining`.
    #[inline(always)]
    pub(crate) fn next(&mut self, remaining: usize) -> (usize, usize) {
        let v = self.rng.next_u32();
        let start = ((u128::from(v) * u128::from(self.s.n)) >> 32) as usize;
        if self.avail == 0 {
            self.pool = self.rng.next_u64();
            self.avail = 8;
        }
        let top = (self.pool & 0xFF) as u32;
        self.pool >>= 8;
        self.avail -= 1;
        let len = match self.s.bucket[top as usize] {
            0 => self.s.count(u64::from((top << 24) | (self.rng.next_u32() >> 8))),
            l => l as usize,
        };
        (start, len.min(remaining))
    }
}

/// Prefix sums of the centred pair `(T, H)`: `[ΣT, ΣH, ΣT², ΣH², ΣTH]` over rows `< i`, so that
/// the sums over a block of any length cost O(1).
pub(crate) struct PairPrefix {
    p: Vec<[f64; 5]>,
    n: usize,
}

impl PairPrefix {
    /// Build from centred series (equal lengths).
    pub(crate) fn new(t: &[f64], h: &[f64]) -> Self {
        let mut p = Vec::with_capacity(t.len() + 1);
        let mut acc = [0.0; 5];
        p.push(acc);
        for (a, b) in t.iter().zip(h) {
            acc[0] += a;
            acc[1] += b;
            acc[2] += a * a;
            acc[3] += b * b;
            acc[4] += a * b;
            p.push(acc);
        }
        Self { p, n: t.len() }
    }

    /// Correlation and beta of one stationary-bootstrap resample of length `n`, drawn with the
    /// same blocks as [`stationary_indices`] would draw from the same generator state.
    #[inline]
    pub(crate) fn resample<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        sampler: &BlockSampler,
    ) -> (f64, f64) {
        let n = self.n;
        let p = &self.p;
        // Five local accumulators (kept in registers).
        let (mut a0, mut a1, mut a2, mut a3, mut a4) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut add = |a: usize, b: usize| {
            let (hi, lo) = (&p[b], &p[a]);
            a0 += hi[0] - lo[0];
            a1 += hi[1] - lo[1];
            a2 += hi[2] - lo[2];
            a3 += hi[3] - lo[3];
            a4 += hi[4] - lo[4];
        };
        let mut stream = BlockStream::new(sampler, rng);
        let mut t = 0;
        while t < n {
            let (s, len) = stream.next(n - t);
            if s + len <= n {
                add(s, s + len);
            } else {
                add(s, n);
                add(0, s + len - n);
            }
            t += len;
        }
        corr_beta_from_sums([a0, a1, a2, a3, a4], n as f64)
    }
}

/// Correlation and beta `Cov(T,H)/Var(H)` from raw sums `[ΣT, ΣH, ΣT², ΣH², ΣTH]`.
#[inline]
fn corr_beta_from_sums(s: [f64; 5], n: f64) -> (f64, f64) {
    let vt = s[2] - s[0] * s[0] / n;
    let vh = s[3] - s[1] * s[1] / n;
    let c = s[4] - s[0] * s[1] / n;
    if vt <= 0.0 || vh <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    (clamp_corr(c / (vt.sqrt() * vh.sqrt())), c / vh)
}

/// Mix a seed with a tag (SplitMix64 finaliser) to give independent tasks their own seeds.
pub fn derive_seed(seed: u64, tag: u64) -> u64 {
    let mut z = seed ^ tag.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Run `resamples` replicates of a statistic with `k` outputs in parallel and deterministically.
///
/// `init` builds per-chunk scratch space; `f(scratch, rng, out)` fills one replicate's `k`
/// outputs (non-finite outputs mark an undefined replicate). Returns the row-major
/// `resamples × k` matrix.
pub fn parallel_replicates<S, I, F>(
    resamples: usize,
    seed: u64,
    k: usize,
    init: I,
    f: F,
) -> Vec<f64>
where
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, &mut ChaCha8Rng, &mut [f64]) + Sync + Send,
{
    let mut out = vec![0.0; resamples * k];
    if k == 0 {
        return out;
    }
    out.par_chunks_mut(CHUNK * k).enumerate().for_each(|(c, chunk)| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(c as u64);
        let mut scratch = init();
        for rep in chunk.chunks_mut(k) {
            f(&mut scratch, &mut rng, rep);
        }
    });
    out
}

/// A bootstrap percentile interval and the bootstrap distribution's moments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BootstrapInterval {
    /// Percentile interval `[q_{(1-level)/2}, q_{(1+level)/2}]` (numpy `linear` percentiles).
    pub ci: [f64; 2],
    /// Median of the bootstrap replicates.
    pub median: f64,
    /// Mean of the bootstrap replicates.
    pub mean: f64,
    /// Standard deviation of the bootstrap replicates (divisor `B - 1`).
    pub sd: f64,
    /// Replicates that were defined (finite) and used.
    pub resamples_used: usize,
    /// Replicates dropped as undefined (e.g. a resample with zero variance).
    pub resamples_dropped: usize,
}

/// Percentile interval of replicates (non-finite ones are dropped).
///
/// # Errors
/// `level` outside (0, 1), or fewer than half of the replicates (or fewer than 2) defined.
pub fn percentile_interval(values: &[f64], level: f64) -> Result<BootstrapInterval, StatsError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(StatsError::InvalidParameter {
            name: "level",
            value: level,
            reason: "must be in (0, 1)",
        });
    }
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let dropped = values.len() - v.len();
    if v.len() < 2 || v.len() * 2 < values.len() {
        return Err(StatsError::Undefined {
            what: "bootstrap interval",
            reason: "fewer than half of the replicates are defined",
        });
    }
    v.sort_by(f64::total_cmp);
    let m = mean(&v);
    let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt();
    let a = 0.5 * (1.0 - level);
    Ok(BootstrapInterval {
        ci: [percentile_sorted(&v, a), percentile_sorted(&v, 1.0 - a)],
        median: percentile_sorted(&v, 0.5),
        mean: m,
        sd,
        resamples_used: v.len(),
        resamples_dropped: dropped,
    })
}

/// Settings of a stationary bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BootstrapConfig {
    /// Number of resamples `B`.
    pub resamples: usize,
    /// Seed of the ChaCha8 generator.
    pub seed: u64,
    /// Expected block length in rows; `None` chooses it with [`joint_block_length`].
    pub block_length: Option<f64>,
    /// Confidence level of the percentile interval (0.95).
    pub level: f64,
}

impl Default for BootstrapConfig {
    fn default() -> Self {
        Self { resamples: 2000, seed: 0, block_length: None, level: 0.95 }
    }
}

/// Bootstrap of the correlation and the hedge beta of a target on a hedge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrBetaBootstrap {
    /// Expected block length used (rows).
    pub block_length: f64,
    /// Pearson correlation interval.
    pub correlation: BootstrapInterval,
    /// Beta (= minimum-variance hedge ratio `Cov(T,H)/Var(H)`) interval.
    pub beta: BootstrapInterval,
}

/// Correlation and beta of one index set, computed on data pre-centred at the sample means.
#[inline]
pub(crate) fn corr_beta_at(t: &[f64], h: &[f64], idx: &[usize]) -> (f64, f64) {
    let mut acc = [0.0; 5];
    for &i in idx {
        let (a, b) = (t[i], h[i]);
        acc[0] += a;
        acc[1] += b;
        acc[2] += a * a;
        acc[3] += b * b;
        acc[4] += a * b;
    }
    corr_beta_from_sums(acc, idx.len() as f64)
}

/// Stationary-bootstrap percentile intervals of the correlation and the beta of `target` on
/// `hedge`, resampling the pairs jointly (the same indices for both series).
///
/// # Errors
/// Too few rows (16) for the block-length rule, invalid settings, or a bootstrap in which most
/// replicates are undefined.
///
/// # References
/// Politis & Romano (1994); Politis & White (2004); Patton, Politis & White (2009).
pub fn bootstrap_corr_beta(
    target: &[f64],
    hedge: &[f64],
    cfg: &BootstrapConfig,
) -> Result<CorrBetaBootstrap, StatsError> {
    check_pair("bootstrap", target, hedge, 16)?;
    if cfg.resamples < 2 {
        return Err(StatsError::InvalidParameter {
            name: "resamples",
            value: cfg.resamples as f64,
            reason: "must be at least 2",
        });
    }
    let block = match cfg.block_length {
        Some(b) if b.is_finite() && b >= 1.0 => b,
        Some(b) => {
            return Err(StatsError::InvalidParameter {
                name: "block_length",
                value: b,
                reason: "must be >= 1",
            })
        }
        None => joint_block_length(target, hedge)?,
    };
    let n = target.len();
    let mt = mean(target);
    let mh = mean(hedge);
    let t: Vec<f64> = target.iter().map(|v| v - mt).collect();
    let h: Vec<f64> = hedge.iter().map(|v| v - mh).collect();
    let prefix = PairPrefix::new(&t, &h);
    let sampler = BlockSampler::new(n, block);
    let reps = parallel_replicates(
        cfg.resamples,
        cfg.seed,
        2,
        || (),
        |_, rng, out| {
            let (r, b) = prefix.resample(rng, &sampler);
            out[0] = r;
            out[1] = b;
        },
    );
    let corr: Vec<f64> = reps.iter().step_by(2).copied().collect();
    let beta: Vec<f64> = reps.iter().skip(1).step_by(2).copied().collect();
    Ok(CorrBetaBootstrap {
        block_length: block,
        correlation: percentile_interval(&corr, cfg.level)?,
        beta: percentile_interval(&beta, cfg.level)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_in_range_and_mostly_consecutive() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut idx = vec![0; 1000];
        stationary_indices(&mut rng, 1000, 10.0, &mut idx);
        assert!(idx.iter().all(|&i| i < 1000));
        let jumps = idx.windows(2).filter(|w| w[1] != (w[0] + 1) % 1000).count();
        // Expected about 1000 / 10 block starts.
        assert!((50..160).contains(&jumps), "jumps {jumps}");
    }

    #[test]
    fn prefix_resample_equals_index_resample() {
        let t: Vec<f64> = (0..97).map(|i| ((i * 37 % 23) as f64) - 11.0).collect();
        let h: Vec<f64> = (0..97).map(|i| ((i * 11 % 19) as f64) - 9.0 + 0.3 * t[i]).collect();
        let prefix = PairPrefix::new(&t, &h);
        for block in [1.0, 2.5, 10.0, 200.0] {
            let sampler = BlockSampler::new(97, block);
            let mut a = ChaCha8Rng::seed_from_u64(3);
            let mut b = ChaCha8Rng::seed_from_u64(3);
            let mut idx = vec![0; 97];
            for _ in 0..20 {
                stationary_indices(&mut a, 97, block, &mut idx);
                let (r1, b1) = corr_beta_at(&t, &h, &idx);
                let (r2, b2) = prefix.resample(&mut b, &sampler);
                assert!((r1 - r2).abs() < 1e-12 && (b1 - b2).abs() < 1e-12, "{r1} {r2} {b1} {b2}");
            }
        }
    }

    #[test]
    fn block_lengths_are_geometric() {
        let s = BlockSampler::new(1000, 4.0);
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let draws: Vec<usize> = (0..200_000).map(|_| s.length(&mut rng)).collect();
        let m = draws.iter().sum::<usize>() as f64 / draws.len() as f64;
        // Mean 4, sd sqrt(12): standard error 0.0077.
        assert!((m - 4.0).abs() < 0.04, "mean {m}");
        let p1 = draws.iter().filter(|&&l| l == 1).count() as f64 / draws.len() as f64;
        assert!((p1 - 0.25).abs() < 0.005, "P(L=1) {p1}");
        assert!(BlockSampler::new(10, 1.0).tail.is_empty());
        // A huge expected block does not build a huge table, and still gives whole-sample blocks.
        let big = BlockSampler::new(50, 1e12);
        assert_eq!(big.tail.len(), 50);
        let mut idx = vec![0; 50];
        stationary_indices(&mut rng, 50, 1e12, &mut idx);
        assert!(idx.windows(2).all(|w| w[1] == (w[0] + 1) % 50));
    }

    #[test]
    fn replicates_independent_of_threads() {
        let f = |_: &mut (), rng: &mut ChaCha8Rng, out: &mut [f64]| out[0] = rng.random::<f64>();
        let a = parallel_replicates(100, 7, 1, || (), f);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let b = pool.install(|| parallel_replicates(100, 7, 1, || (), f));
        assert_eq!(a, b);
    }
}
