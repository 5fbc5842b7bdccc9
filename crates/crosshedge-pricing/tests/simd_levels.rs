//! Runtime dispatch of the batch kernels (issue 14): which levels run, what they refuse, and
//! the promise of ARCHITECTURE.md that the two FMA levels agree bit for bit. (That every level
//! agrees with the scalar functions to 1e-13 is `prop_batch_matches_scalar` in conformance.rs.)

#![allow(clippy::unwrap_used)]

use crosshedge_pricing::{
    black76_greeks_batch, black76_greeks_batch_at, Black76Batch, GreeksSoA, OptionKind,
    PricingError, SimdLevel,
};

struct Inputs {
    kind: Vec<OptionKind>,
    f: Vec<f64>,
    k: Vec<f64>,
    vol: Vec<f64>,
    t: Vec<f64>,
    r: Vec<f64>,
}

/// A deterministic spread of options over moneyness, vol and expiry, including cases the fast
/// path hands to the scalar kernel (zero vol, far tails).
fn inputs(n: usize) -> Inputs {
    let mut i = Inputs { kind: vec![], f: vec![], k: vec![], vol: vec![], t: vec![], r: vec![] };
    for j in 0..n {
        let u = (j as f64 * 0.618_033_988_749_894_9).fract();
        let w = (j as f64 * 0.754_877_666_246_692_7).fract();
        i.kind.push(if j % 2 == 0 { OptionKind::Call } else { OptionKind::Put });
        i.f.push(10.0 + 30.0 * u);
        i.k.push(i.f[j] * (3.0 * (w - 0.5)).exp());
        i.vol.push(if j % 97 == 0 { 0.0 } else { 0.05 + 2.0 * w });
        i.t.push(0.005 + 3.0 * u * w);
        i.r.push(0.04 - 0.06 * w);
    }
    i
}

fn batch(i: &Inputs) -> Black76Batch<'_> {
    Black76Batch {
        kind: &i.kind,
        forward: &i.f,
        strike: &i.k,
        vol: &i.vol,
        t_years: &i.t,
        rate: &i.r,
    }
}

/// The levels pulp detects are the ones /proc/cpuinfo lists (Linux x86-64 only).
#[test]
fn detected_levels_match_cpuinfo() {
    let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") else {
        eprintln!("skipped: no /proc/cpuinfo");
        return;
    };
    if !cfg!(target_arch = "x86_64") {
        eprintln!("skipped: not x86-64");
        return;
    }
    let flags: Vec<&str> = cpuinfo
        .lines()
        .find(|l| l.starts_with("flags"))
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    let has = |f: &str| flags.contains(&f);
    eprintln!("available levels: {:?}, detected {}", SimdLevel::available(), SimdLevel::detected());
    assert_eq!(SimdLevel::Avx2Fma.is_available(), has("avx2") && has("fma") && has("bmi2"));
    if SimdLevel::Avx512.is_available() {
        assert!(has("avx512f") && has("avx512vl") && has("avx512dq"));
    }
    if !has("avx512f") {
        assert!(!SimdLevel::Avx512.is_available());
    }
}

#[test]
fn unavailable_level_is_an_error_and_available_ones_run() {
    let i = inputs(100);
    for level in SimdLevel::ALL {
        let mut out = GreeksSoA::default();
        let r = black76_greeks_batch_at(level, &batch(&i), &mut out);
        if level.is_available() {
            r.unwrap();
            assert_eq!(out.price.len(), 100);
        } else {
            assert_eq!(r, Err(PricingError::SimdUnavailable { level }));
            eprintln!("{level}: not on this CPU (checked: refused)");
        }
    }
}

/// AVX2+FMA and AVX-512 run the same fused operations lane by lane: identical bits. The
/// baseline differs from them by the rounding of the fused steps, amplified by up to 32× where
/// the price's two terms cancel (the fast path keeps up to 5 bits of cancellation): inside
/// 1e-13 relative.
#[test]
fn fma_levels_agree_bit_for_bit_and_baseline_within_rounding() {
    let i = inputs(5_003);
    let run = |level| {
        let mut out = GreeksSoA::default();
        black76_greeks_batch_at(level, &batch(&i), &mut out).unwrap();
        out
    };
    let base = run(SimdLevel::Baseline);
    if SimdLevel::Avx2Fma.is_available() && SimdLevel::Avx512.is_available() {
        assert_eq!(run(SimdLevel::Avx2Fma), run(SimdLevel::Avx512));
    } else {
        eprintln!("AVX2+FMA vs AVX-512 bit-identity not checked: this CPU lacks one of them");
    }
    for level in SimdLevel::available() {
        let out = run(level);
        let pairs = [
            (&out.price, &base.price),
            (&out.delta, &base.delta),
            (&out.gamma, &base.gamma),
            (&out.vega, &base.vega),
            (&out.rho, &base.rho),
        ];
        let mut worst: f64 = 0.0;
        for (a, b) in pairs {
            for (x, y) in a.iter().zip(b) {
                let rel = (x - y).abs() / x.abs().max(y.abs()).max(1e-300);
                assert!(rel <= 1e-13, "{level}: {x} vs {y}");
                worst = worst.max(rel);
            }
        }
        eprintln!("{level} vs baseline: worst relative difference {worst:e}");
    }
    // The default entry point runs the detected level.
    let mut out = GreeksSoA::default();
    black76_greeks_batch(&batch(&i), &mut out).unwrap();
    assert_eq!(out, run(SimdLevel::detected()));
}

/// An invalid option in a later block is named by its own index at every level (the kernel
/// validates block by block).
#[test]
fn invalid_option_in_a_later_block_is_named() {
    let mut i = inputs(3_000);
    i.vol[2_500] = f64::NAN;
    for level in SimdLevel::available() {
        let mut out = GreeksSoA::default();
        match black76_greeks_batch_at(level, &batch(&i), &mut out) {
            Err(PricingError::BatchItem { index, source }) => {
                assert_eq!(index, 2_500, "{level}");
                assert!(matches!(*source, PricingError::Negative { name: "vol", .. }), "{source}");
            }
            other => panic!("{level}: {other:?}"),
        }
    }
}

/// The implied-volatility batch (issue 14: options in SIMD lanes, Householder steps on the
/// fast kernels, the scalar Let's Be Rational for the lanes it leaves) gives the same bits at
/// the two FMA levels (the same lane-wise fused operations); the baseline rounds the unfused
/// steps differently and agrees with them to 1e-13 relative where the volatility is well
/// determined (vega·σ/price ≥ 0.5); at every level the solved vols reprice their inputs.
#[test]
fn implied_vol_batch_fma_levels_identical_and_baseline_within_rounding() {
    use crosshedge_pricing::{implied_vol_black76_batch_at, ImpliedVolBatch};
    let mut i = inputs(4_000);
    for v in &mut i.vol {
        *v = v.max(0.05);
    }
    let mut g = GreeksSoA::default();
    black76_greeks_batch_at(SimdLevel::Baseline, &batch(&i), &mut g).unwrap();
    let iv = ImpliedVolBatch {
        kind: &i.kind,
        price: &g.price,
        forward: &i.f,
        strike: &i.k,
        t_years: &i.t,
        rate: &i.r,
    };
    let solve = |level| {
        let mut vols = vec![0.0; i.f.len()];
        implied_vol_black76_batch_at(level, &iv, &mut vols).map(|()| vols)
    };
    let base = solve(SimdLevel::Baseline).unwrap();
    if SimdLevel::Avx2Fma.is_available() && SimdLevel::Avx512.is_available() {
        let (a, b) = (solve(SimdLevel::Avx2Fma).unwrap(), solve(SimdLevel::Avx512).unwrap());
        let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "AVX2+FMA and AVX-512 implied vols differ");
    } else {
        eprintln!("AVX2+FMA vs AVX-512 bit-identity not checked: this CPU lacks one of them");
    }
    for level in SimdLevel::ALL {
        let r = solve(level);
        if !level.is_available() {
            assert_eq!(r, Err(PricingError::SimdUnavailable { level }));
            continue;
        }
        let vols = r.unwrap();
        let mut worst: f64 = 0.0;
        for j in 0..vols.len() {
            if g.vega[j] * i.vol[j] >= 0.5 * g.price[j] {
                let rel = (vols[j] - base[j]).abs() / base[j].max(1e-300);
                assert!(rel <= 1e-13, "{level} j={j}: {} vs baseline {}", vols[j], base[j]);
                worst = worst.max(rel);
            }
        }
        eprintln!("{level} vs baseline (well-posed): worst relative difference {worst:e}");
        // Backward check (far out of the money some prices underflow the volatility's
        // resolution; those reprice within their own rounding).
        let rebatch = Black76Batch { vol: &vols, ..batch(&i) };
        let mut back = GreeksSoA::default();
        black76_greeks_batch_at(SimdLevel::Baseline, &rebatch, &mut back).unwrap();
        for (j, (a, b)) in back.price.iter().zip(&g.price).enumerate() {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-300), "{level} j={j}: {a} vs {b}");
        }
    }
}
