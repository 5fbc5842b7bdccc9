//! Seeded scenario sets for the frontier's tests and benchmark (shared by `tests/frontier.rs`
//! and `benches/frontier.rs`).
#![allow(dead_code, unreachable_pub)]

use crosshedge_hedging::frontier::{CandidateLimits, Scenarios};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// The nine tournament-like candidates (names as in issue 13) on `s` seeded scenarios of a
/// 1,000,000 USD holding, half BTC and half NFTs (1.4 × the BTC move plus their own noise),
/// over a month: a calm/stress mixture (10 % stress), BTC, VIX and
/// SPX moves with the weak VIX–crypto link of the method, and per-unit P&L of short spot, BTC
/// puts and put spreads, VIX calls and futures, a vol ETP, SPX put spreads and short perps on a
/// solvent and on a failing venue. Carries per unit per year are the premiums (options) or the
/// expected carry (linear hedges) times 12; the bounds allow up to twice the notional.
pub fn tournament_like(seed: u64, s: usize) -> (Scenarios, Vec<CandidateLimits>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut target = Vec::with_capacity(s);
    let mut cols: Vec<Vec<f64>> = (0..9).map(|_| Vec::with_capacity(s)).collect();
    for _ in 0..s {
        let stress = rng.random::<f64>() < 0.1;
        let (mu, sd, rho) = if stress { (-0.12, 0.25, 0.15) } else { (0.01, 0.08, 0.35) };
        let z = normal(&mut rng);
        let r = mu + sd * z;
        let v = (if stress { 0.3 } else { 0.0 })
            + 0.25 * (-rho * z + (1.0 - rho * rho).sqrt() * normal(&mut rng));
        let x = 0.4 * r + 0.04 * normal(&mut rng);
        let btc = r.exp();
        let vix = 18.0 * v.exp();
        let spx = x.exp();
        let nft = (1.4 * r + (if stress { 0.3 } else { 0.12 }) * normal(&mut rng)).exp();
        target.push(500_000.0 * (btc - 1.0) + 500_000.0 * (nft - 1.0));
        // Units: 1,000 USD of notional (linear and BTC options), 100 VIX points, 1,000 SPX.
        cols[0].push(-1000.0 * (btc - 1.0));
        cols[1].push(1000.0 * ((0.9 - btc).max(0.0) - 0.018));
        cols[2].push(1000.0 * ((0.9 - btc).max(0.0) - (0.7 - btc).max(0.0) - 0.012));
        cols[3].push(100.0 * ((vix - 25.0).max(0.0) - 0.6));
        cols[4].push(100.0 * (vix - 19.5));
        cols[5].push(100.0 * (0.6 * (vix / 18.0 - 1.0) - 0.05));
        cols[6].push(1000.0 * ((0.95 - spx).max(0.0) - (0.85 - spx).max(0.0) - 0.006));
        let funding = 0.006 + 0.004 * normal(&mut rng);
        cols[7].push(-1000.0 * (btc - 1.0) + 1000.0 * funding);
        let failed = stress && rng.random::<f64>() < 0.3;
        cols[8].push(if failed { -150.0 } else { -1000.0 * (btc - 1.0) + 1000.0 * funding });
    }
    let names = [
        "short-spot",
        "btc-put",
        "btc-put-spread",
        "vix-call-spread",
        "vix-future",
        "vol-etp",
        "spx-put-spread",
        "short-perp",
        "short-perp-failed-venue",
    ];
    let carry = [0.4, 216.0, 144.0, 720.0, 180.0, 60.0, 72.0, -72.0, -72.0];
    let max_units = [2000.0, 2000.0, 2000.0, 400.0, 400.0, 2000.0, 2000.0, 2000.0, 2000.0];
    let candidates = names.iter().map(|n| n.to_string()).zip(cols).collect();
    let limits = carry
        .iter()
        .zip(max_units)
        .map(|(c, u)| CandidateLimits { carry_per_unit_per_year: *c, max_units: u })
        .collect();
    (Scenarios::new(target, candidates).unwrap(), limits)
}

/// A random scenario set for property tests: `n` candidates whose P&L per unit mixes a linear
/// and an option-like (hockey-stick) response to the target's loss with idiosyncratic noise,
/// random positive carries and bounds.
pub fn random_set(seed: u64, s: usize, n: usize) -> (Scenarios, Vec<CandidateLimits>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut target = Vec::with_capacity(s);
    let loadings: Vec<(f64, f64, f64, f64)> = (0..n)
        .map(|_| {
            (
                rng.random_range(-0.5..1.5),
                rng.random_range(0.0..2.0),
                rng.random_range(-0.5..1.5),
                rng.random_range(0.05..1.0),
            )
        })
        .collect();
    let mut cols: Vec<Vec<f64>> = (0..n).map(|_| Vec::with_capacity(s)).collect();
    for _ in 0..s {
        let jump = if rng.random::<f64>() < 0.05 { -3.0 * rng.random::<f64>() } else { 0.0 };
        let t = normal(&mut rng) + jump;
        target.push(t);
        for (col, (lin, opt, strike, noise)) in cols.iter_mut().zip(&loadings) {
            let h =
                lin * (-t) + opt * ((-t) - strike).max(0.0) + noise * normal(&mut rng) - 0.1 * opt;
            col.push(h);
        }
    }
    let limits = (0..n)
        .map(|_| CandidateLimits {
            carry_per_unit_per_year: rng.random_range(0.01..1.0),
            max_units: rng.random_range(0.2..3.0),
        })
        .collect();
    let candidates = (0..n).map(|i| format!("c{i}")).zip(cols).collect();
    (Scenarios::new(target, candidates).unwrap(), limits)
}
