#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 11 item 13: with the capped Student-t mixing the price relatives have finite
//! exponential moments, so under zero drift `E[S_{t+1}/S_t] = 1` exactly, the P&L mean and sd
//! are stable across seeds, and the drift correction `−ln E[e^{σz}]` matches scipy
//! (`tests/golden/gen_mixing.py` → `mixing.json`).

use crosshedge_hedging::{size_book, Book};
use crosshedge_simulation::{
    simulate, CappedMixing, Innovations, JointModel, Portfolio, Scenario, StartState, StressConfig,
    MIXING_CAP,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

mod support;

fn golden() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/mixing.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Scale, cap probability, kurtosis and log-mgf of the capped mixing agree with scipy's
/// chi-square CDF + `quad` (relative 1e-9; the cap probability, down to 4e-19, relative 1e-7).
#[test]
fn capped_mixing_matches_scipy() {
    let g = golden();
    for c in g["cases"].as_array().unwrap() {
        let (nu, cap) = (c["nu"].as_f64().unwrap(), c["cap"].as_f64().unwrap());
        let m = CappedMixing::new(nu, cap).unwrap();
        let what = format!("nu {nu} cap {cap}");
        assert!(rel(m.scale, c["scale"].as_f64().unwrap()) < 1e-9, "{what}: scale {}", m.scale);
        let p = c["cap_probability"].as_f64().unwrap();
        assert!(rel(m.cap_probability, p) < 1e-7, "{what}: P(cap) {} vs {p}", m.cap_probability);
        let k = c["kurtosis"].as_f64().unwrap();
        assert!(rel(m.kurtosis(), k) < 1e-9, "{what}: kurtosis {} vs {k}", m.kurtosis());
        let sig = c["sigmas"].as_array().unwrap();
        for (s, want) in sig.iter().zip(c["log_mgf"].as_array().unwrap()) {
            let (s, want) = (s.as_f64().unwrap(), want.as_f64().unwrap());
            let got = m.log_mgf(s);
            assert!(rel(got, want) < 1e-9, "{what} sigma {s}: log mgf {got} vs {want}");
            // The capped t's correction differs from the normal compensator σ²/2.
            assert!(got > 0.5 * s * s);
        }
    }
}

/// The zero-drift means are the golden log-mgf's negatives (the demo's ν, cap 6).
#[test]
fn zero_drift_means_are_the_exact_log_mgf() {
    let g = golden();
    let case = &g["cases"][0];
    let mut model = JointModel::demo();
    assert_eq!(
        model.innovations,
        Innovations::StudentT { nu: case["nu"].as_f64().unwrap(), cap: MIXING_CAP }
    );
    let sig: Vec<f64> =
        case["sigmas"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    model.regimes[2].vol = [sig[0], sig[1], sig[2], sig[3]];
    let z = model.with_zero_drift();
    for k in 0..4 {
        let want = -case["log_mgf"][k].as_f64().unwrap();
        assert!(rel(z.regimes[2].mean[k], want) < 1e-9, "{k}: {} vs {want}", z.regimes[2].mean[k]);
    }
    let s = z.summary().unwrap();
    assert_eq!(s.nu, Some(case["nu"].as_f64().unwrap()));
    assert_eq!(s.mixing_cap, Some(MIXING_CAP));
    assert!(rel(s.shock_kurtosis, case["kurtosis"].as_f64().unwrap()) < 1e-9);
    assert_eq!(s.regimes[2].zero_drift_mean, z.regimes[2].mean);
}

/// One simulated day: every price relative `e^{r}` has mean 1 (within 4 standard errors over
/// 2,000,000 days of a regime-switching path; the relatives are martingale differences, so the
/// plain standard error applies). The demo model's daily vols are set to 0.1, 0.2, 0.3 and
/// 0.4 in every regime so that the exact correction matters: with the normal compensator
/// `−σ²/2` the 0.4 factor's mean relative is off by about 13 standard errors (checked too, so
/// the test has power). (At a daily sd of 0.6 the mean relative would be dominated by the
/// ~70 capped days in 2·10⁶, `e^{σ²c²/2} ≈ 660`, and no longer measurable this way.)
#[test]
fn one_day_price_relatives_have_mean_one() {
    let mut model = JointModel::demo();
    for r in &mut model.regimes {
        r.vol = [0.1, 0.2, 0.3, 0.4];
    }
    let model = model.with_zero_drift();
    let n = 2_000_000;
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let (days, _) = model.simulate_factors(&mut rng, n, 1, 20f64.ln()).unwrap();
    let mut biased_rejected = Vec::new();
    for k in 0..4 {
        let stats = |shift: &dyn Fn(usize) -> f64| {
            let (mut s1, mut s2) = (0.0, 0.0);
            for d in &days {
                let g = (d.returns[k] + shift(d.regime)).exp();
                s1 += g;
                s2 += g * g;
            }
            let m = s1 / n as f64;
            (m, ((s2 / n as f64 - m * m) / n as f64).sqrt())
        };
        let (m, se) = stats(&|_| 0.0);
        assert!((m - 1.0).abs() <= 4.0 * se, "factor {k}: mean relative {m}, se {se}");
        // The old compensator −σ²/2 instead of −ln E[e^{σz}].
        let (mo, seo) = stats(&|s| {
            let v = model.regimes[s].vol[k];
            -0.5 * v * v - model.regimes[s].mean[k]
        });
        if (mo - 1.0).abs() > 4.0 * seo {
            biased_rejected.push(k);
        }
    }
    assert!(biased_rejected.contains(&3), "the −σ²/2 compensator was not detected");
}

fn spot_portfolio(model: &JointModel, btc: f64, eth: f64, nft: f64) -> Portfolio {
    let book = Book::default_layered();
    let plan = size_book(&book, &support::sizing_inputs()).unwrap();
    let mut pf =
        Portfolio::new(&book, &plan, model, StartState { vix: 20.0, spx: 5000.0, regime: 1 })
            .unwrap();
    pf.btc_spot = btc;
    pf.eth_spot = eth;
    pf.nft_value = nft;
    pf.nft_carry_per_year = 0.0;
    pf.perps.clear();
    pf.lps.clear();
    pf.hedges.clear();
    pf
}

/// Over 21 days of the regime-switching demo model, a spot BTC, ETH or NFT position (the NFT
/// marked stale between prints) has zero expected P&L: the mean is 0 within 4 standard errors.
#[test]
fn spot_books_have_zero_mean_pnl_under_zero_drift() {
    let model = JointModel::demo().with_zero_drift();
    let cfg = StressConfig { paths: 60_000, horizon_days: 21, seed: 8, ..StressConfig::default() };
    for (name, btc, eth, nft) in
        [("btc", 1e6, 0.0, 0.0), ("eth", 0.0, 1e6, 0.0), ("nft", 0.0, 0.0, 1e6)]
    {
        let pf = spot_portfolio(&model, btc, eth, nft);
        let r = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
        let u = r.unhedged;
        assert!(u.mean.abs() <= 4.0 * u.mean_se, "{name}: mean {} se {}", u.mean, u.mean_se);
        assert!(u.sd > 0.0 && u.max < 1e6 * 20.0, "{name}: sd {} max {}", u.sd, u.max);
    }
}

/// The layered demo book's P&L mean and sd do not depend on the seed: seeds 1..5 give means
/// within 4 standard errors of their pooled mean and sds within 15 % of each other. The model
/// is a harsh one — the demo's vols doubled and `ν = 4.05` (what `fit` gives for a pooled
/// excess kurtosis near 40) — where the uncapped t with the `−σ²/2` compensator was a seed
/// lottery: on the same seeds its sds ranged from 1.00 M to 1.45 M (seed 4, maximum +123 M),
/// against 0.96 M to 1.02 M here.
#[test]
fn pnl_mean_and_sd_are_stable_across_seeds() {
    let mut model = JointModel::demo();
    for r in &mut model.regimes {
        for v in &mut r.vol {
            *v *= 2.0;
        }
    }
    model.innovations = Innovations::student_t(4.05);
    let model = model.with_zero_drift();
    let book = Book::default_layered();
    let plan = size_book(&book, &support::sizing_inputs()).unwrap();
    let pf = Portfolio::new(&book, &plan, &model, StartState { vix: 20.0, spx: 5000.0, regime: 1 })
        .unwrap();
    let runs: Vec<_> = (1..=5u64)
        .map(|seed| {
            let cfg =
                StressConfig { paths: 20_000, horizon_days: 21, seed, ..StressConfig::default() };
            simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap()
        })
        .collect();
    for side in [
        |r: &crosshedge_simulation::StressReport| r.unhedged,
        |r: &crosshedge_simulation::StressReport| r.hedged,
    ] {
        let s: Vec<_> = runs.iter().map(side).collect();
        let pooled = s.iter().map(|p| p.mean).sum::<f64>() / s.len() as f64;
        let (lo, hi) =
            s.iter().fold((f64::INFINITY, 0.0f64), |(a, b), p| (a.min(p.sd), b.max(p.sd)));
        for (i, p) in s.iter().enumerate() {
            assert!(
                (p.mean - pooled).abs() <= 4.0 * p.mean_se,
                "seed {}: mean {} pooled {pooled} se {}",
                i + 1,
                p.mean,
                p.mean_se
            );
        }
        assert!(hi / lo < 1.15, "sds across seeds {lo} .. {hi}");
    }
}
