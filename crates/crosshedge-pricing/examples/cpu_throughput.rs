//! Throughput per CPU-second (user + system time of this process from `/proc/self/stat`), a
//! steadier figure than wall-clock time on a shared machine. Same inputs as `benches/options.rs`.
//! Run: `cargo run --release -p crosshedge-pricing --example cpu_throughput`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use crosshedge_pricing::{
    black76_greeks_batch, implied_vol_black76, implied_vol_black76_batch,
    implied_vol_black76_batch_at, Black76Batch, GreeksSoA, ImpliedVolBatch, ImpliedVolInputs,
    OptionKind, SimdLevel,
};

struct Lcg(u64);
impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Process CPU seconds (utime + stime) from /proc/self/stat, in clock ticks of 1/100 s.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat are utime and stime; `after` starts at field 3.
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn measure(label: &str, n: usize, mut f: impl FnMut()) {
    let (c0, w0) = (cpu_seconds(), Instant::now());
    let mut reps = 0usize;
    while cpu_seconds() - c0 < 3.0 {
        for _ in 0..20 {
            f();
        }
        reps += 20;
    }
    let (cpu, wall) = (cpu_seconds() - c0, w0.elapsed().as_secs_f64());
    let total = (reps * n) as f64;
    println!("{label:40} {:8.2} M/CPU-s   {:8.2} M/wall-s", total / cpu / 1e6, total / wall / 1e6);
}

fn main() {
    let n = 10_000;
    let mut rng = Lcg(42);
    let (mut kind, mut fwd, mut strike, mut vol, mut t, mut rate) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for j in 0..n {
        let f = 10.0 + 30.0 * rng.uniform();
        let x = -0.5 + rng.uniform();
        fwd.push(f);
        strike.push(f * f64::exp(x));
        vol.push(0.3 + 1.2 * rng.uniform());
        t.push(0.02 + 0.98 * rng.uniform());
        rate.push(0.04);
        kind.push(if j % 2 == 0 { OptionKind::Call } else { OptionKind::Put });
    }
    let batch = Black76Batch {
        kind: &kind,
        forward: &fwd,
        strike: &strike,
        vol: &vol,
        t_years: &t,
        rate: &rate,
    };
    let mut out = GreeksSoA::default();
    black76_greeks_batch(&batch, &mut out).unwrap();
    let prices = out.price.clone();
    measure("black76 price + 5 greeks", n, || {
        black76_greeks_batch(std::hint::black_box(&batch), &mut out).unwrap()
    });
    let iv = ImpliedVolBatch {
        kind: &kind,
        price: &prices,
        forward: &fwd,
        strike: &strike,
        t_years: &t,
        rate: &rate,
    };
    let mut vols = vec![0.0; n];
    measure("implied vol batch (detected level)", n, || {
        implied_vol_black76_batch(std::hint::black_box(&iv), &mut vols).unwrap()
    });
    for level in SimdLevel::available() {
        measure(&format!("implied vol batch {level}"), n, || {
            implied_vol_black76_batch_at(level, std::hint::black_box(&iv), &mut vols).unwrap()
        });
    }
    // The scalar Let's Be Rational per option: what the batch ran before issue 14.
    let inputs: Vec<ImpliedVolInputs> = (0..n)
        .map(|j| ImpliedVolInputs {
            kind: kind[j],
            price: prices[j],
            forward: fwd[j],
            strike: strike[j],
            t_years: t[j],
            rate: rate[j],
        })
        .collect();
    measure("implied vol scalar, per option", n, || {
        for (v, i) in vols.iter_mut().zip(std::hint::black_box(&inputs)) {
            *v = implied_vol_black76(i).unwrap();
        }
    });
}
