//! Throughput of the demo generator: one 12-year market (2014-2025, 4,383 calendar days,
//! about 3,000 US trading days, 9 series and four futures rows per US day).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use crosshedge_demo::{generate, DemoConfig};

fn bench_generate(c: &mut Criterion) {
    let cfg = DemoConfig::default();
    let days = (cfg.end - cfg.start).num_days() as u64 + 1;
    let mut g = c.benchmark_group("demo");
    g.throughput(Throughput::Elements(days));
    g.bench_function("generate_2014_2025", |b| {
        b.iter(|| generate(black_box(&cfg)).map(|m| m.series.len()).unwrap_or(0))
    });
    g.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
