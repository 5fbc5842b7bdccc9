//! Streaming statistics: fixed histograms with per-bin sums (exact tail sums for expected
//! shortfall), moments and tail accumulators; memory does not depend on the path count, and
//! merging is in block order so results do not depend on the thread count.

use serde::Serialize;

/// Linear bins of each histogram (over the pilot's range).
pub(crate) const BINS: usize = 4096;
/// Geometric bins on each side beyond the linear range.
pub(crate) const TAIL_BINS: usize = 2048;
/// Every slot: the extreme low slot, the low tail, the linear bins, the high tail and the
/// extreme high slot, in increasing order of value.
pub(crate) const SLOTS: usize = BINS + 2 * TAIL_BINS + 2;
/// Growth rate `c` of the tail bins: bin `k` beyond an edge ends `w·(e^{(k+1)c} − 1)/c` from
/// it, so the first tail bin is about one linear bin wide (`w`) and each next one is `e^c`
/// (2 %) wider; 2,048 of them reach `w · 3·10¹⁹`, about 10¹⁶ times the linear range.
const TAIL_GROWTH: f64 = 0.02;

/// A fixed histogram with per-slot counts and sums: [`BINS`] linear bins over the pilot's
/// range `[lo, lo + BINS·w)` and [`TAIL_BINS`] geometric bins on each side, so a model whose
/// tails run far past the pilot still has its quantiles located to within 2 % of their
/// distance from the range (and its tail sums exact) instead of piling into one overflow.
#[derive(Debug, Clone)]
pub(crate) struct Hist {
    pub(crate) lo: f64,
    pub(crate) width: f64,
    inv_width: f64,
    pub(crate) counts: Vec<u64>,
    pub(crate) sums: Vec<f64>,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

/// `G(k) = (e^{kc} − 1)/c`: the distance, in linear bin widths, from the range edge to the
/// inner edge of tail bin `k`.
fn tail_distance(k: usize) -> f64 {
    (k as f64 * TAIL_GROWTH).exp_m1() / TAIL_GROWTH
}

/// Tail bin of a distance `d ≥ 0` (in bin widths) beyond an edge; `TAIL_BINS` when beyond all.
#[inline]
fn tail_bin(d: f64) -> usize {
    let k = (TAIL_GROWTH * d).ln_1p() / TAIL_GROWTH;
    if k.is_finite() {
        (k as usize).min(TAIL_BINS)
    } else {
        TAIL_BINS
    }
}

impl Hist {
    pub(crate) fn new(lo: f64, hi: f64) -> Self {
        let width = (hi - lo) / BINS as f64;
        Self {
            lo,
            width,
            inv_width: 1.0 / width,
            counts: vec![0; SLOTS],
            sums: vec![0.0; SLOTS],
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    fn hi(&self) -> f64 {
        self.lo + BINS as f64 * self.width
    }

    /// Slot of `v` (NaN goes to the extreme high slot).
    #[inline(always)]
    pub(crate) fn slot(&self, v: f64) -> usize {
        let f = (v - self.lo) * self.inv_width;
        if f >= 0.0 && f < BINS as f64 {
            1 + TAIL_BINS + f as usize
        } else if f < 0.0 {
            TAIL_BINS - tail_bin(-f)
        } else if f >= BINS as f64 {
            let k = tail_bin(f - BINS as f64);
            if k >= TAIL_BINS {
                SLOTS - 1
            } else {
                1 + TAIL_BINS + BINS + k
            }
        } else {
            SLOTS - 1
        }
    }

    /// `[lower, upper)` value edges of slot `s` (the extreme slots end at the minimum and
    /// maximum seen).
    pub(crate) fn edges(&self, s: usize) -> (f64, f64) {
        let w = self.width;
        if s == 0 {
            (self.min, self.lo - w * tail_distance(TAIL_BINS))
        } else if s <= TAIL_BINS {
            let k = TAIL_BINS - s;
            (self.lo - w * tail_distance(k + 1), self.lo - w * tail_distance(k))
        } else if s <= TAIL_BINS + BINS {
            let i = (s - TAIL_BINS - 1) as f64;
            (self.lo + i * w, self.lo + (i + 1.0) * w)
        } else if s < SLOTS - 1 {
            let k = s - TAIL_BINS - BINS - 1;
            (self.hi() + w * tail_distance(k), self.hi() + w * tail_distance(k + 1))
        } else {
            (self.hi() + w * tail_distance(TAIL_BINS), self.max)
        }
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, v: f64) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        let i = self.slot(v);
        self.counts[i] += 1;
        self.sums[i] += v;
    }

    pub(crate) fn merge(&mut self, o: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Lower `alpha`-quantile of the values and the mean of the values at or below it, from
    /// `n` values; `exact` is false when the quantile falls in an extreme slot (more than
    /// ~10¹⁶ ranges out), where it is interpolated towards the minimum.
    ///
    /// # Formula
    /// With `k = α n`, walk the cumulative slot counts to the slot `i` where they reach `k`;
    /// `q = a + f (b − a)` over the slot's edges `[a, b)` with `f = (k − before)/count_i`
    /// (linear within the slot); tail mean `(Σ values in lower slots + f · Σ values in
    /// slot i) / k`. Both are clamped to `[min, max]`, and the tail mean to at most `q`.
    pub(crate) fn lower_tail(&self, alpha: f64, n: u64) -> (f64, f64, bool) {
        let k = alpha * n as f64;
        let mut cum = 0.0;
        let mut sum = 0.0;
        for i in 0..SLOTS {
            let c = self.counts[i] as f64;
            if c > 0.0 && cum + c >= k {
                let f = (k - cum) / c;
                let (a, b) = self.edges(i);
                let q = (a + f * (b - a)).clamp(self.min, self.max);
                sum += f * self.sums[i];
                let mean = if k > 0.0 { (sum / k).clamp(self.min, q) } else { q };
                return (q, mean, i != 0 && i != SLOTS - 1);
            }
            cum += c;
            sum += self.sums[i];
        }
        (self.max, sum / cum.max(1.0), false)
    }

    /// Values below the linear range.
    fn below(&self) -> u64 {
        self.counts[..=TAIL_BINS].iter().sum()
    }

    /// Values above the linear range.
    fn above(&self) -> u64 {
        self.counts[TAIL_BINS + BINS + 1..].iter().sum()
    }

    /// The histogram re-binned to at most `bins` equal bins over the occupied part of the
    /// linear range (for charts); values outside the linear range are counted in `underflow`
    /// and `overflow`.
    pub(crate) fn coarse(&self, bins: usize) -> CoarseHistogram {
        let bins = bins.max(1);
        let linear = &self.counts[TAIL_BINS + 1..=TAIL_BINS + BINS];
        let first = linear.iter().position(|c| *c > 0);
        let last = linear.iter().rposition(|c| *c > 0);
        let (Some(first), Some(last)) = (first, last) else {
            return CoarseHistogram {
                bin_edges: Vec::new(),
                counts: Vec::new(),
                underflow: self.below(),
                overflow: self.above(),
            };
        };
        let span = last - first + 1;
        let group = span.div_ceil(bins);
        let n = span.div_ceil(group);
        let mut counts = vec![0u64; n];
        for (i, c) in linear[first..=last].iter().enumerate() {
            counts[i / group] += c;
        }
        let bin_edges =
            (0..=n).map(|k| self.lo + ((first + k * group) as f64) * self.width).collect();
        CoarseHistogram { bin_edges, counts, underflow: self.below(), overflow: self.above() }
    }

    pub(crate) fn width(&self) -> f64 {
        self.width
    }

    pub(crate) fn min(&self) -> f64 {
        self.min
    }

    pub(crate) fn max(&self) -> f64 {
        self.max
    }
}

/// Sum, sum of squares.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Moments {
    pub(crate) s1: f64,
    pub(crate) s2: f64,
}

impl Moments {
    #[inline(always)]
    pub(crate) fn add(&mut self, v: f64) {
        self.s1 += v;
        self.s2 += v * v;
    }

    pub(crate) fn merge(&mut self, o: &Self) {
        self.s1 += o.s1;
        self.s2 += o.s2;
    }

    pub(crate) fn mean_sd(&self, n: u64) -> (f64, f64) {
        let nf = n as f64;
        let m = self.s1 / nf;
        let v = if n > 1 { ((self.s2 - nf * m * m) / (nf - 1.0)).max(0.0) } else { 0.0 };
        (m, v.sqrt())
    }
}

/// Per-path results fed to the accumulator.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PathResult {
    pub(crate) unhedged: f64,
    pub(crate) hedged: f64,
    pub(crate) worst_hedged: f64,
}

/// Streaming accumulator of one block (or the merged total).
#[derive(Debug, Clone)]
pub(crate) struct Accum {
    pub(crate) n: u64,
    pub(crate) unhedged: Hist,
    pub(crate) hedged: Hist,
    pub(crate) m_unhedged: Moments,
    pub(crate) m_hedged: Moments,
    pub(crate) m_worst: Moments,
    pub(crate) losing: u64,
    pub(crate) covered: Vec<u64>,
    pub(crate) levels: Vec<f64>,
    /// Per unhedged slot for losing paths: count, Σ uncovered share `u = 1 − hedge/loss`, Σ u²,
    /// Σ hedge P&L, Σ loss.
    pub(crate) tail: Vec<[f64; 5]>,
}

impl Accum {
    pub(crate) fn new(lo: f64, hi: f64, levels: &[f64]) -> Self {
        Self {
            n: 0,
            unhedged: Hist::new(lo, hi),
            hedged: Hist::new(lo, hi),
            m_unhedged: Moments::default(),
            m_hedged: Moments::default(),
            m_worst: Moments::default(),
            losing: 0,
            covered: vec![0; levels.len()],
            levels: levels.to_vec(),
            tail: vec![[0.0; 5]; SLOTS],
        }
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, r: PathResult) {
        self.n += 1;
        self.unhedged.add(r.unhedged);
        self.hedged.add(r.hedged);
        self.m_unhedged.add(r.unhedged);
        self.m_hedged.add(r.hedged);
        self.m_worst.add(r.worst_hedged);
        if r.unhedged < 0.0 {
            let loss = -r.unhedged;
            let hedge = r.hedged - r.unhedged;
            self.losing += 1;
            for (c, l) in self.covered.iter_mut().zip(&self.levels) {
                if hedge >= l * loss {
                    *c += 1;
                }
            }
            let uncovered = 1.0 - hedge / loss;
            let t = &mut self.tail[self.unhedged.slot(r.unhedged)];
            t[0] += 1.0;
            t[1] += uncovered;
            t[2] += uncovered * uncovered;
            t[3] += hedge;
            t[4] += loss;
        }
    }

    pub(crate) fn merge(&mut self, o: &Self) {
        self.n += o.n;
        self.unhedged.merge(&o.unhedged);
        self.hedged.merge(&o.hedged);
        self.m_unhedged.merge(&o.m_unhedged);
        self.m_hedged.merge(&o.m_hedged);
        self.m_worst.merge(&o.m_worst);
        self.losing += o.losing;
        for (a, b) in self.covered.iter_mut().zip(&o.covered) {
            *a += b;
        }
        for (a, b) in self.tail.iter_mut().zip(&o.tail) {
            for k in 0..5 {
                a[k] += b[k];
            }
        }
    }
}

/// A P&L histogram for charts: `counts[i]` values fell in `[bin_edges[i], bin_edges[i+1])`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoarseHistogram {
    /// Bin edges (USD), one more than the counts.
    pub bin_edges: Vec<f64>,
    /// Paths per bin.
    pub counts: Vec<u64>,
    /// Paths below the first edge.
    pub underflow: u64,
    /// Paths above the last edge.
    pub overflow: u64,
}

/// Summary of one P&L distribution (USD; losses negative).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PnlSummary {
    /// Mean P&L.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// Standard error of the mean, `sd/√n`.
    pub mean_se: f64,
    /// Smallest P&L.
    pub min: f64,
    /// Largest P&L.
    pub max: f64,
    /// Value at risk at 95 %: `−q₀.₀₅(P&L)` (a positive number is a loss).
    pub var95: f64,
    /// Value at risk at 99 %.
    pub var99: f64,
    /// Expected shortfall at 95 %: `−E[P&L | P&L ≤ q₀.₀₅]`.
    pub es95: f64,
    /// Expected shortfall at 99 %.
    pub es99: f64,
    /// Whether every quantile was located by a bin (false: a tail quantile lay more than
    /// ~10¹⁶ ranges beyond the pilot's range and is interpolated towards the minimum).
    pub exact_quantiles: bool,
    /// Linear bin width (the quantiles' resolution inside the pilot's range; beyond it the
    /// tail bins grow by 2 % each).
    pub bin_width: f64,
}

pub(crate) fn summarise(h: &Hist, m: &Moments, n: u64) -> PnlSummary {
    let (mean, sd) = m.mean_sd(n);
    let (q95, t95, e1) = h.lower_tail(0.05, n);
    let (q99, t99, e2) = h.lower_tail(0.01, n);
    PnlSummary {
        mean,
        sd,
        mean_se: sd / (n as f64).sqrt(),
        min: h.min(),
        max: h.max(),
        var95: -q95,
        var99: -q99,
        es95: -t95,
        es99: -t99,
        exact_quantiles: e1 && e2,
        bin_width: h.width(),
    }
}

/// Wilson score interval for `k` successes out of `n` at 95 %.
///
/// # References
/// Wilson (1927), *JASA* 22, 209–212.
pub fn wilson95(k: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let z = 1.959_963_984_540_054;
    let nf = n as f64;
    let p = k as f64 / nf;
    let d = 1.0 + z * z / nf;
    let c = (p + z * z / (2.0 * nf)) / d;
    let h = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / d;
    [(c - h).max(0.0), (c + h).min(1.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact lower quantile (type 1 on `k = ⌈α n⌉`) and the mean of the `α n` smallest.
    fn exact_tail(v: &[f64], alpha: f64) -> (f64, f64) {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let k = alpha * s.len() as f64;
        let q = s[(k.ceil() as usize).max(1) - 1];
        (q, s[..k as usize].iter().sum::<f64>() / k)
    }

    #[test]
    fn heavy_tails_beyond_the_pilot_range_keep_their_quantiles() {
        // A Pareto-like left tail (index 0.7, infinite mean) reaching ~1e10 while the range
        // is set for ±10: 5 % and 1 % of the values lie far outside it.
        let n = 200_000usize;
        let mut v = Vec::with_capacity(n);
        let mut h = Hist::new(-10.0, 10.0);
        for i in 0..n {
            let u = (i as f64 + 0.5) / n as f64;
            let x = if u < 0.1 { -(u / 0.1).powf(-1.0 / 0.7) * 8.0 } else { 20.0 * (u - 0.55) };
            v.push(x);
            h.add(x);
        }
        for alpha in [0.05, 0.01] {
            let (q, es, exact) = h.lower_tail(alpha, n as u64);
            let (q0, es0) = exact_tail(&v, alpha);
            assert!(exact);
            assert!((q - q0).abs() <= 0.02 * (q0.abs() - 10.0), "alpha {alpha}: {q} vs {q0}");
            assert!((es - es0).abs() <= 0.02 * es0.abs(), "alpha {alpha}: {es} vs {es0}");
            assert!(es <= q, "expected shortfall beyond the quantile: {es} vs {q}");
        }
        assert_eq!(h.counts.iter().sum::<u64>(), n as u64);
    }

    #[test]
    fn slots_are_monotone_and_contain_their_values() {
        let h = Hist::new(-3.0, 5.0);
        // Sorted values from -1e20 to 1e20: magnitudes 1.3^k on both sides and the range.
        let mut vals: Vec<f64> = (0..180).map(|k| -(1.3f64.powi(k))).collect();
        vals.extend((0..=80).map(|i| -4.0 + 0.1 * f64::from(i)));
        vals.extend((0..180).map(|k| 1.3f64.powi(k)));
        vals.sort_by(f64::total_cmp);
        let mut prev = 0;
        for v in vals {
            let s = h.slot(v);
            assert!(s >= prev, "{v}: slot {s} after {prev}");
            prev = s;
            if s != 0 && s != SLOTS - 1 {
                let (a, b) = h.edges(s);
                assert!(a <= v && v <= b, "{v} in slot {s} [{a}, {b}]");
            }
        }
        assert_eq!(h.slot(f64::NEG_INFINITY), 0);
        assert_eq!(h.slot(f64::INFINITY), SLOTS - 1);
        assert_eq!(h.slot(f64::NAN), SLOTS - 1);
    }

    #[test]
    fn coarse_histogram_keeps_every_count() {
        let mut h = Hist::new(-10.0, 10.0);
        for i in 0..1000 {
            h.add(-3.0 + 6.0 * f64::from(i) / 1000.0);
        }
        h.add(-50.0);
        let c = h.coarse(64);
        assert!(c.counts.len() <= 64 && c.bin_edges.len() == c.counts.len() + 1);
        assert_eq!(c.counts.iter().sum::<u64>(), 1000);
        assert_eq!(c.underflow, 1);
        assert!(c.bin_edges[0] <= -3.0 && *c.bin_edges.last().unwrap() >= 3.0);
    }
}
