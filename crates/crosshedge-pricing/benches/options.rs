//! Throughput of Black-76 price + greeks and of Let's-Be-Rational implied volatility, on the
//! same seeded inputs as `options_peer.py` (QuantLib, numpy/scipy, py_vollib_vectorized).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use crosshedge_pricing::{
    black76_greeks_batch, implied_vol_black76_batch, Black76Batch, GreeksSoA, ImpliedVolBatch,
    OptionKind,
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

fn bench(c: &mut Criterion) {
    let n = 10_000;
    let inp = inputs(n);
    let batch = Black76Batch {
        kind: &inp.kind,
        forward: &inp.forward,
        strike: &inp.strike,
        vol: &inp.vol,
        t_years: &inp.t_years,
        rate: &inp.rate,
    };
    let mut out = GreeksSoA::default();
    black76_greeks_batch(&batch, &mut out).unwrap();
    let prices = out.price.clone();

    let mut g = c.benchmark_group("black76");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("price_and_greeks_batch_10k", |b| {
        b.iter(|| black76_greeks_batch(black_box(&batch), &mut out).unwrap())
    });
    let iv = ImpliedVolBatch {
        kind: &inp.kind,
        price: &prices,
        forward: &inp.forward,
        strike: &inp.strike,
        t_years: &inp.t_years,
        rate: &inp.rate,
    };
    let mut vols = vec![0.0; n];
    g.bench_function("implied_vol_batch_10k", |b| {
        b.iter(|| implied_vol_black76_batch(black_box(&iv), &mut vols).unwrap())
    });
    g.finish();
    // Backward check: the solved vols reprice to the inputs' prices (deep in-the-money inputs
    // are ill-conditioned in volatility, so the check is on the price).
    let rebatch = Black76Batch { vol: &vols, ..batch };
    let mut back = GreeksSoA::default();
    black76_greeks_batch(&rebatch, &mut back).unwrap();
    let worst = back.price.iter().zip(&prices).map(|(a, b)| (a - b).abs() / b).fold(0.0, f64::max);
    // Kernel prices carry up to ~32 ulp; the volatility round trip s → σ = s/√T → σ√T adds ~2 ulp
    // in s, amplified by s·b′/b (large far out of the money).
    assert!(worst < 1e-13, "benchmark implied vols reprice off by {worst:e}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
