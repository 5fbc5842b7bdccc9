//! Streaming statistics: fixed histograms with per-bin sums (exact tail sums for expected
//! shortfall), moments and tail accumulators; memory does not depend on the path count, and
//! merging is in block order so results do not depend on the thread count.

use serde::Serialize;

/// Bins of each histogram.
pub(crate) const BINS: usize = 4096;

#[derive(Debug, Clone)]
pub(crate) struct Hist {
    lo: f64,
    width: f64,
    inv_width: f64,
    counts: Vec<u64>,
    sums: Vec<f64>,
    under: (u64, f64),
    over: (u64, f64),
    min: f64,
    max: f64,
}

impl Hist {
    pub(crate) fn new(lo: f64, hi: f64) -> Self {
        let width = (hi - lo) / BINS as f64;
        Self {
            lo,
            width,
            inv_width: 1.0 / width,
            counts: vec![0; BINS],
            sums: vec![0.0; BINS],
            under: (0, 0.0),
            over: (0, 0.0),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Bin of `v`, `None` outside the range.
    #[inline(always)]
    pub(crate) fn bin(&self, v: f64) -> Option<usize> {
        let f = (v - self.lo) * self.inv_width;
        if f >= 0.0 && f < BINS as f64 {
            Some(f as usize)
        } else {
            None
        }
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, v: f64) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        match self.bin(v) {
            Some(i) => {
                self.counts[i] += 1;
                self.sums[i] += v;
            }
            None if v < self.lo => {
                self.under.0 += 1;
                self.under.1 += v;
            }
            None => {
                self.over.0 += 1;
                self.over.1 += v;
            }
        }
    }

    pub(crate) fn merge(&mut self, o: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
        self.under.0 += o.under.0;
        self.under.1 += o.under.1;
        self.over.0 += o.over.0;
        self.over.1 += o.over.1;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Lower `alpha`-quantile of the values and the mean of the values below it, from `n`
    /// values; `exact` is false when the quantile falls in the underflow (then the quantile is
    /// the minimum).
    ///
    /// # Formula
    /// With `k = α n`, walk the cumulative counts to the bin `i` where they reach `k`;
    /// `q = lo + (i + f) w` with `f = (k − before)/count_i` (linear within the bin); tail mean
    /// `(Σ values in lower bins + f · Σ values in bin i) / k`.
    pub(crate) fn lower_tail(&self, alpha: f64, n: u64) -> (f64, f64, bool) {
        let k = alpha * n as f64;
        let mut cum = self.under.0 as f64;
        let mut sum = self.under.1;
        if cum >= k {
            return (self.min, if cum > 0.0 { sum / cum } else { self.min }, false);
        }
        for i in 0..BINS {
            let c = self.counts[i] as f64;
            if c > 0.0 && cum + c >= k {
                let f = (k - cum) / c;
                let q = self.lo + (i as f64 + f) * self.width;
                sum += f * self.sums[i];
                return (q.max(self.min), sum / k, true);
            }
            cum += c;
            sum += self.sums[i];
        }
        (self.max, sum / cum.max(1.0), false)
    }

    pub(crate) fn lo(&self) -> f64 {
        self.lo
    }

    /// The histogram re-binned to at most `bins` equal bins over the occupied range (for
    /// charts); values outside the fine histogram's range are counted in `underflow` and
    /// `overflow`.
    pub(crate) fn coarse(&self, bins: usize) -> CoarseHistogram {
        let bins = bins.max(1);
        let first = self.counts.iter().position(|c| *c > 0);
        let last = self.counts.iter().rposition(|c| *c > 0);
        let (Some(first), Some(last)) = (first, last) else {
            return CoarseHistogram {
                bin_edges: Vec::new(),
                counts: Vec::new(),
                underflow: self.under.0,
                overflow: self.over.0,
            };
        };
        let span = last - first + 1;
        let group = span.div_ceil(bins);
        let n = span.div_ceil(group);
        let mut counts = vec![0u64; n];
        for (i, c) in self.counts[first..=last].iter().enumerate() {
            counts[i / group] += c;
        }
        let bin_edges =
            (0..=n).map(|k| self.lo + ((first + k * group) as f64) * self.width).collect();
        CoarseHistogram { bin_edges, counts, underflow: self.under.0, overflow: self.over.0 }
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
    /// Per unhedged bin for losing paths: count, Σ slippage, Σ slippage², Σ hedge P&L, Σ loss.
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
            tail: vec![[0.0; 5]; BINS + 2],
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
            let slip = 1.0 - hedge / loss;
            let i = match self.unhedged.bin(r.unhedged) {
                Some(i) => i + 1,
                None if r.unhedged < self.unhedged.lo() => 0,
                None => BINS + 1,
            };
            let t = &mut self.tail[i];
            t[0] += 1.0;
            t[1] += slip;
            t[2] += slip * slip;
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
    /// Whether every quantile fell inside the histogram (false: a tail quantile hit the
    /// underflow and is reported as the minimum).
    pub exact_quantiles: bool,
    /// Histogram bin width (the quantiles' resolution).
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
