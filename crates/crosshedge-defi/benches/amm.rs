//! AMM throughput: swaps per second (v2 and single-range v3) and LP valuations per second.
//!
//! Inputs are built from a seeded linear-congruential sequence outside the timed closures.

#![allow(clippy::unwrap_used, missing_docs)] // Benchmark inputs are valid by construction.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use crosshedge_defi::{ConcentratedPool, ConcentratedPosition, ConstantProductPool};

const N: usize = 10_000;

/// Deterministic uniforms in [0, 1) (a 64-bit LCG; good enough for benchmark inputs).
fn uniforms(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn bench_swaps(c: &mut Criterion) {
    let u = uniforms(42, N);
    // Alternate directions so the pool stays near its start; sizes up to 0.1 % of reserves.
    let sizes: Vec<f64> = u.iter().map(|v| 0.001 + 0.099 * v).collect();
    let mut g = c.benchmark_group("amm_swaps");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("v2_sequential_swaps", |b| {
        b.iter_batched(
            || ConstantProductPool::new(100.0, 200_000.0, 0.003).unwrap(),
            |mut pool| {
                for (i, &dx) in sizes.iter().enumerate() {
                    if i % 2 == 0 {
                        black_box(pool.swap_x_for_y(dx).unwrap());
                    } else {
                        black_box(pool.swap_y_for_x(dx * 2000.0).unwrap());
                    }
                }
                pool
            },
            BatchSize::SmallInput,
        );
    });
    g.bench_function("v3_sequential_swaps_in_range", |b| {
        b.iter_batched(
            || ConcentratedPool::new(1e5, 2000.0, 1000.0, 4000.0, 0.0005).unwrap(),
            |mut pool| {
                for (i, &dx) in sizes.iter().enumerate() {
                    if i % 2 == 0 {
                        black_box(pool.swap_x_for_y(dx).unwrap());
                    } else {
                        black_box(pool.swap_y_for_x(dx * 2000.0).unwrap());
                    }
                }
                pool
            },
            BatchSize::SmallInput,
        );
    });
    let pool = ConstantProductPool::new(100.0, 200_000.0, 0.003).unwrap();
    g.bench_function("v2_independent_quotes", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for &dx in &sizes {
                acc += black_box(&pool).quote_x_for_y(dx).unwrap();
            }
            acc
        });
    });
    g.finish();
}

fn bench_valuations(c: &mut Criterion) {
    let u = uniforms(7, N);
    let prices: Vec<f64> = u.iter().map(|v| 500.0 + 4500.0 * v).collect();
    let pos = ConcentratedPosition::new(1e5, 1000.0, 4000.0).unwrap();
    let mut g = c.benchmark_group("lp_valuations");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("v3_valuation_amounts_value_greeks", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for &p in &prices {
                let v = black_box(&pos).valuation(p).unwrap();
                acc += v.value + v.delta + v.gamma;
            }
            acc
        });
    });
    g.finish();
}

criterion_group!(benches, bench_swaps, bench_valuations);
criterion_main!(benches);
