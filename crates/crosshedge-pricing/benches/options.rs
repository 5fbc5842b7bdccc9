//! Throughput of Black-76 price + greeks (10k and 1M options, every instruction-set level of the
//! CPU) and of Let's-Be-Rational implied volatility (10k and 1M), one core, on the same seeded
//! inputs as `options_peer.py` (numpy/scipy, py_vollib_vectorized, QuantLib).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use crosshedge_pricing::{
    black76_greeks_batch, black76_greeks_batch_at, implied_vol_black76_batch,
    implied_vol_black76_batch_at, Black76Batch, GreeksSoA, ImpliedVolBatch, OptionKind, SimdLevel,
};

/// 64-bit LCG (Knuth MMIX constants), mirrored in `options_peer.py`.
struct Lcg(u64);
impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub struct Inputs {
    pub kind: Vec<OptionKind>,
    pub forward: Vec<f64>,
    pub strike: Vec<f64>,
    pub vol: Vec<f64>,
    pub t_years: Vec<f64>,
    pub rate: Vec<f64>,
}

fn inputs(n: usize) -> Inputs {
    let mut rng = Lcg(42);
    let mut i = Inputs {
        kind: Vec::new(),
        forward: Vec::new(),
        strike: Vec::new(),
        vol: Vec::new(),
        t_years: Vec::new(),
        rate: Vec::new(),
    };
    for j in 0..n {
        let f = 10.0 + 30.0 * rng.uniform();
        let x = -0.5 + rng.uniform();
        i.forward.push(f);
        i.strike.push(f * f64::exp(x));
        i.vol.push(0.3 + 1.2 * rng.uniform());
        i.t_years.push(0.02 + 0.98 * rng.uniform());
        i.rate.push(0.04);
        i.kind.push(if j % 2 == 0 { OptionKind::Call } else { OptionKind::Put });
    }
    i
}

fn batch(inp: &Inputs) -> Black76Batch<'_> {
    Black76Batch {
        kind: &inp.kind,
        forward: &inp.forward,
        strike: &inp.strike,
        vol: &inp.vol,
        t_years: &inp.t_years,
        rate: &inp.rate,
    }
}

/// Black-76 price + 5 greeks on 10k and 1M options, at every instruction-set level this CPU has
/// (`black76/price_and_greeks_<level>/<n>`; the default entry point runs the best one).
fn bench_greeks(c: &mut Criterion) {
    for n in [10_000, 1_000_000] {
        let inp = inputs(n);
        let b = batch(&inp);
        let mut out = GreeksSoA::default();
        black76_greeks_batch(&b, &mut out).unwrap();
        let mut g = c.benchmark_group("black76");
        g.throughput(Throughput::Elements(n as u64));
        if n > 100_000 {
            g.sample_size(20);
        }
        for level in SimdLevel::available() {
            g.bench_with_input(
                BenchmarkId::new(format!("price_and_greeks_{}", level.as_str()), n),
                &b,
                |bench, b| {
                    bench.iter(|| black76_greeks_batch_at(level, black_box(b), &mut out).unwrap())
                },
            );
        }
        // Into a fresh output each time (what a caller without a buffer to reuse pays, e.g.
        // the Python binding, whose arrays go to the user): the allocation and the first
        // touch of its pages on top of the kernel.
        g.bench_with_input(BenchmarkId::new("price_and_greeks_fresh_output", n), &b, |bench, b| {
            bench.iter(|| {
                let mut fresh = GreeksSoA::default();
                black76_greeks_batch(black_box(b), &mut fresh).unwrap();
                fresh
            })
        });
        g.finish();
    }
}

/// Let's-Be-Rational implied volatility on 1M options (and 10k, the earlier headline).
fn bench_implied(c: &mut Criterion) {
    for n in [10_000, 1_000_000] {
        let inp = inputs(n);
        let b = batch(&inp);
        let mut out = GreeksSoA::default();
        black76_greeks_batch(&b, &mut out).unwrap();
        // Deep in the money with a short expiry the time value is below the price's rounding,
        // and a computed price can land an ulp under the discounted intrinsic value
        // `e^{−rT} max(θ(F − K), 0)`, where no volatility exists (PriceOutOfBounds: 1 option of
        // the 1M). Such prices are raised to that bound (volatility 0), as a user would.
        let prices: Vec<f64> = (0..n)
            .map(|j| {
                let lower = (-inp.rate[j] * inp.t_years[j]).exp()
                    * inp.kind[j].payoff(inp.forward[j], inp.strike[j]);
                out.price[j].max(lower)
            })
            .collect();
        let iv = ImpliedVolBatch {
            kind: &inp.kind,
            price: &prices,
            forward: &inp.forward,
            strike: &inp.strike,
            t_years: &inp.t_years,
            rate: &inp.rate,
        };
        let mut vols = vec![0.0; n];
        // Solved once outside the timing, so that the checks below hold whatever criterion's
        // filter selects.
        implied_vol_black76_batch(&iv, &mut vols).unwrap();
        let mut scratch = vec![0.0; n];
        let mut g = c.benchmark_group("black76");
        g.throughput(Throughput::Elements(n as u64));
        if n > 100_000 {
            g.sample_size(10);
        }
        // The default entry point (the detected level) under the historical id, then each level.
        g.bench_with_input(BenchmarkId::new("implied_vol_batch", n), &iv, |bench, iv| {
            bench.iter(|| implied_vol_black76_batch(black_box(iv), &mut scratch).unwrap())
        });
        for level in SimdLevel::available() {
            g.bench_with_input(
                BenchmarkId::new(format!("implied_vol_batch_{}", level.as_str()), n),
                &iv,
                |bench, iv| {
                    bench.iter(|| {
                        implied_vol_black76_batch_at(level, black_box(iv), &mut scratch).unwrap()
                    })
                },
            );
        }
        g.finish();
        // Backward check: the solved vols reprice to the inputs' prices (deep in-the-money
        // inputs are ill-conditioned in volatility, so the check is on the price).
        let rebatch = Black76Batch { vol: &vols, ..b };
        let mut back = GreeksSoA::default();
        black76_greeks_batch(&rebatch, &mut back).unwrap();
        let worst =
            back.price.iter().zip(&prices).map(|(a, b)| (a - b).abs() / b).fold(0.0, f64::max);
        // Kernel prices carry up to ~32 ulp; the volatility round trip s → σ = s/√T → σ√T adds
        // ~2 ulp in s, amplified by s·b′/b (large far out of the money).
        assert!(worst < 1e-13, "benchmark implied vols reprice off by {worst:e}");
        // Forward check where the volatility is well determined (vega·σ/price ≥ 0.5, i.e. a
        // relative price error ε moves σ by at most 2ε): the solved vol against the input's.
        let mut worst_vol: f64 = 0.0;
        for j in 0..n {
            if out.vega[j] * inp.vol[j] >= 0.5 * prices[j] {
                worst_vol = worst_vol.max((vols[j] - inp.vol[j]).abs() / inp.vol[j]);
            }
        }
        assert!(worst_vol < 1e-12, "benchmark implied vols off by {worst_vol:e}");
    }
}

criterion_group!(benches, bench_greeks, bench_implied);
criterion_main!(benches);
