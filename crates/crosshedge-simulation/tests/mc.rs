#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Monte Carlo correctness: with one regime and Gaussian shocks the simulated moments, VaR, ES
//! and option values converge to their closed forms (within 4 standard errors, plus the
//! histogram's bin width for quantiles); identical results on 1 and 2 threads; scenario wiring.

use crosshedge_hedging::{size_book, Asset, Book};
use crosshedge_pricing::normal::{inverse_norm_cdf, norm_cdf, norm_pdf};
use crosshedge_pricing::{black76_price, Black76Inputs, OptionKind};
use crosshedge_simulation::{
    revalue_shock, simulate, simulate_with_threads, Episode, EpisodeSet, FuturesModel,
    HedgePosition, Innovations, JointModel, Portfolio, RegimeParams, Scenario, SimulationError,
    StartState, StressConfig, UserShock,
};

mod support;

const MU: f64 = 0.0005;
const SIG: f64 = 0.03;

fn single_regime() -> JointModel {
    let mut corr = [[0.0; 5]; 5];
    for (i, row) in corr.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    corr[0][2] = -0.4;
    corr[2][0] = -0.4;
    corr[0][1] = -0.7;
    corr[1][0] = -0.7;
    let r = RegimeParams {
        vix_level_log: 20f64.ln(),
        vix_vol: 0.06,
        mean: [0.0003, MU, MU, 0.0],
        vol: [0.012, SIG, 0.04, 0.05],
        corr,
        funding_per_day: 0.0003,
        vix_option_vol: 0.9,
    };
    let kappa = 0.05;
    JointModel {
        transition: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        kappa,
        regimes: [r.clone(), r.clone(), r],
        innovations: Innovations::Gaussian,
        nft_trade_prob: 1.0,
        // The futures rule equals the model's own conditional expectation.
        futures: FuturesModel {
            phi: 1.0 - kappa,
            mean_log: 20f64.ln(),
            sd: 0.06,
            premium_a: 0.0,
            premium_tau_days: 1.0,
        },
        rate: 0.03,
        spx_div_yield: 0.0,
    }
}

fn btc_only(model: &JointModel) -> Portfolio {
    let book = Book {
        name: "b".into(),
        budget: 0.0,
        exposures: vec![crosshedge_hedging::Exposure::BtcSpot { value: 1e6 }],
        layers: vec![],
        rolls: Default::default(),
        ..Default::default()
    };
    let plan =
        size_book(&Book { layers: vec![], ..book.clone() }, &support::sizing_inputs()).unwrap();
    Portfolio::new(&book, &plan, model, StartState { vix: 20.0, spx: 5000.0, regime: 1 }).unwrap()
}

fn within(mc: f64, exact: f64, se: f64, extra: f64, what: &str) {
    assert!(
        (mc - exact).abs() <= 4.0 * se + extra,
        "{what}: mc {mc} exact {exact} se {se} extra {extra}"
    );
}

#[test]
fn single_regime_gaussian_moments_var_es_converge() {
    let model = single_regime();
    let pf = btc_only(&model);
    let h = 10usize;
    let n = 40_000u64;
    let cfg = StressConfig {
        paths: n,
        horizon_days: h,
        seed: 11,
        block_size: 4096,
        cover_levels: vec![0.5],
    };
    let r = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
    let nn = 1e6;
    let (m, s) = (h as f64 * MU, (h as f64).sqrt() * SIG);
    let mean = nn * ((m + 0.5 * s * s).exp() - 1.0);
    let sd = nn * (2.0 * m + s * s).exp().sqrt() * ((s * s).exp() - 1.0).sqrt();
    within(r.unhedged.mean, mean, sd / (n as f64).sqrt(), 0.0, "mean");
    // sd: SE ≈ sd·sqrt((κ−1)/(4n)) with the lognormal kurtosis κ ≈ 3 here; use 1/(2n).
    within(r.unhedged.sd, sd, sd / (2.0 * n as f64).sqrt() * 1.2, 0.0, "sd");
    for (alpha, var, es) in
        [(0.05, r.unhedged.var95, r.unhedged.es95), (0.01, r.unhedged.var99, r.unhedged.es99)]
    {
        let z = inverse_norm_cdf(alpha);
        let y = m + s * z;
        let q = nn * (y.exp() - 1.0);
        // Density of the P&L at q: φ(z)/(s · N e^y).
        let dens = norm_pdf(z) / (s * nn * y.exp());
        let se_q = (alpha * (1.0 - alpha) / n as f64).sqrt() / dens;
        within(var, -q, se_q, r.unhedged.bin_width, "VaR");
        // ES: −N(1 − E[e^Y | Y ≤ y]/… ) = −N(e^{m+s²/2} Φ(z − s)/α − 1).
        let tail_mean = nn * ((m + 0.5 * s * s).exp() * norm_cdf(z - s) / alpha - 1.0);
        let tail_var = (sd * 0.6).powi(2); // generous bound on Var(P&L | tail)
        let se_es =
            ((tail_var + (1.0 - alpha) * (tail_mean - q).powi(2)) / (alpha * n as f64)).sqrt();
        within(es, -tail_mean, se_es, r.unhedged.bin_width, "ES");
    }
    assert!(r.unhedged.exact_quantiles);
}

#[test]
fn single_regime_option_values_converge_to_black() {
    let model = single_regime();
    let mut pf = btc_only(&model);
    pf.btc_spot = 0.0;
    let h = 15usize;
    let t = h as f64 / 252.0;
    // x_h | x_0 is normal: mean μ + φʰ(x₀ − μ) = x₀ here, variance s²(1 − φ²ʰ)/(1 − φ²).
    let phi: f64 = 1.0 - model.kappa;
    let v = 0.06f64.powi(2) * (1.0 - phi.powi(2 * h as i32)) / (1.0 - phi * phi);
    let fwd = model.futures.price(20f64.ln(), h as f64);
    assert!((fwd - (20f64.ln() + 0.5 * v).exp()).abs() < 1e-12);
    let undisc = |kind, f: f64, k: f64, vol: f64| {
        black76_price(&Black76Inputs { kind, forward: f, strike: k, vol, t_years: t, rate: 0.0 })
            .unwrap()
    };
    let bvol = (v / t).sqrt();
    let vix_k = [21.0, 26.0];
    let vix_v0 = black76_price(&Black76Inputs {
        kind: OptionKind::Call,
        forward: fwd,
        strike: vix_k[0],
        vol: 0.9,
        t_years: t,
        rate: 0.03,
    })
    .unwrap()
        - black76_price(&Black76Inputs {
            kind: OptionKind::Call,
            forward: fwd,
            strike: vix_k[1],
            vol: 0.9,
            t_years: t,
            rate: 0.03,
        })
        .unwrap();
    // SPX: log return over h days ~ N(h·0.0003, h·0.012²); E[(K − S)^+] = Black with F = E[S].
    let (ms, ss) = (h as f64 * 0.0003, (h as f64).sqrt() * 0.012);
    let spx_f = 5000.0 * (ms + 0.5 * ss * ss).exp();
    let spx_k = [4900.0, 4600.0];
    pf.hedges = vec![
        HedgePosition::VixCallSpread { units: 100.0, strikes: vix_k, expiry: h, v0: vix_v0 },
        HedgePosition::SpxPutSpread { units: 0.0, strikes: spx_k, expiry: h, v0: 0.0 },
    ];
    let n = 40_000u64;
    let cfg =
        StressConfig { paths: n, horizon_days: h, seed: 5, block_size: 4096, cover_levels: vec![] };
    let r = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
    let exact = 100.0
        * (undisc(OptionKind::Call, fwd, vix_k[0], bvol)
            - undisc(OptionKind::Call, fwd, vix_k[1], bvol)
            - vix_v0);
    within(r.hedged.mean, exact, r.hedged.mean_se, 0.0, "vix call spread");
    // The SPX spread alone.
    pf.hedges =
        vec![HedgePosition::SpxPutSpread { units: 100.0, strikes: spx_k, expiry: h, v0: 0.0 }];
    let r = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
    let sv = ss / t.sqrt();
    let exact = 100.0
        * (undisc(OptionKind::Put, spx_f, spx_k[0], sv)
            - undisc(OptionKind::Put, spx_f, spx_k[1], sv));
    within(r.hedged.mean, exact, r.hedged.mean_se, 0.0, "spx put spread");
}

fn demo_portfolio(model: &JointModel) -> Portfolio {
    let book = Book::default_layered();
    let plan = size_book(&book, &support::sizing_inputs()).unwrap();
    assert!(plan.layers.iter().all(|l| l.active && l.quantity > 0.0));
    Portfolio::new(&book, &plan, model, StartState { vix: 20.0, spx: 5000.0, regime: 1 }).unwrap()
}

#[test]
fn identical_on_one_and_two_threads() {
    let model = JointModel::demo();
    let pf = demo_portfolio(&model);
    assert_eq!(pf.hedges.len(), 3);
    let cfg = StressConfig {
        paths: 9_000,
        horizon_days: 21,
        seed: 42,
        block_size: 1024,
        cover_levels: vec![0.5, 1.0],
    };
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap())
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(a.paths, 9_000);
    let c =
        simulate(&model, &pf, Scenario::Model, &StressConfig { seed: 43, ..cfg.clone() }, &|_| {})
            .unwrap();
    assert_ne!(a.unhedged.mean, c.unhedged.mean);
    // The hedge lowers the 99 % VaR of this crypto book, and the tail is consistent.
    assert!(a.hedged.var99 < a.unhedged.var99, "{} {}", a.hedged.var99, a.unhedged.var99);
    let s = a.uncovered_share_of_loss_1_in_20.unwrap();
    assert!(s.paths >= 9_000 / 20 && s.paths < 9_000 / 10, "{}", s.paths);
    assert!(s.ci95[0] <= s.mean && s.mean <= s.ci95[1]);
    assert!(a.cover[0].probability >= a.cover[1].probability);
}

#[test]
fn the_block_hook_counts_every_path_and_breaking_it_stops_the_run() {
    use std::ops::ControlFlow;
    use std::sync::atomic::{AtomicU64, Ordering};
    let model = single_regime();
    let pf = btc_only(&model);
    let cfg = StressConfig {
        paths: 5_000,
        horizon_days: 2,
        seed: 1,
        block_size: 100,
        cover_levels: vec![],
    };
    let plain = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
    for threads in [1, 2] {
        let done = AtomicU64::new(0);
        let count = |n: u64| {
            done.fetch_add(n, Ordering::SeqCst);
            ControlFlow::Continue(())
        };
        let r = simulate_with_threads(Some(threads), &model, &pf, Scenario::Model, &cfg, &count)
            .unwrap();
        assert_eq!(r, plain, "the hook does not change the report");
        assert_eq!(done.load(Ordering::SeqCst), 5_000);
        // Break after the first block: no further block starts.
        let done = AtomicU64::new(0);
        let stop = |n: u64| {
            done.fetch_add(n, Ordering::SeqCst);
            ControlFlow::Break(())
        };
        let e = simulate_with_threads(Some(threads), &model, &pf, Scenario::Model, &cfg, &stop)
            .unwrap_err();
        assert_eq!(e, SimulationError::Cancelled);
        assert!(done.load(Ordering::SeqCst) <= 100 * threads as u64);
    }
}

#[test]
fn progress_reports_every_group_and_ends_at_the_path_count() {
    let model = single_regime();
    let pf = btc_only(&model);
    let seen = std::cell::RefCell::new(Vec::new());
    let cfg = StressConfig {
        paths: 5_000,
        horizon_days: 2,
        seed: 1,
        block_size: 100,
        cover_levels: vec![],
    };
    simulate(&model, &pf, Scenario::Model, &cfg, &|d| seen.borrow_mut().push(d)).unwrap();
    let seen = seen.into_inner();
    assert_eq!(seen, vec![1600, 3200, 4800, 5000]);
}

#[test]
fn replay_of_a_constant_episode_is_exact() {
    let model = single_regime();
    let pf = btc_only(&model);
    let n = 30;
    let z = vec![0.0; n];
    let btc: Vec<f64> = (0..n).map(|i| if i < 10 { -0.01 } else { 0.02 }).collect();
    let set = EpisodeSet::new(
        [&z, &z, &btc, &z, &z],
        &vec![Some(2); n],
        vec![
            Episode { name: "crash".into(), start: 0, end: 10 },
            Episode { name: "rally".into(), start: 10, end: 30 },
        ],
    )
    .unwrap();
    let cfg = StressConfig {
        paths: 3_000,
        horizon_days: 7,
        seed: 3,
        block_size: 512,
        cover_levels: vec![],
    };
    let r = simulate(
        &model,
        &pf,
        Scenario::Replay { episodes: &set, name: "crash", block_len: 3.0 },
        &cfg,
        &|_| {},
    )
    .unwrap();
    let exact = 1e6 * ((-0.07f64).exp() - 1.0);
    assert!((r.unhedged.min - exact).abs() < 1e-6 && (r.unhedged.max - exact).abs() < 1e-6);
    assert!((r.unhedged.var99 + exact).abs() <= r.unhedged.bin_width + 1e-6);
    let e = simulate(
        &model,
        &pf,
        Scenario::Replay { episodes: &set, name: "nope", block_len: 3.0 },
        &cfg,
        &|_| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("crash, rally"), "{e}");
}

#[test]
fn user_shock_revalues_futures_and_perps_exactly() {
    let model = single_regime();
    let mut pf = btc_only(&model);
    let f0 = model.futures.price(20f64.ln(), 30.0);
    pf.hedges = vec![
        HedgePosition::VixFuture { units: 10_000.0, expiry: 30, f0 },
        HedgePosition::ShortPerp { units: 500_000.0 },
    ];
    pf.perps = vec![(Asset::Eth, 100_000.0)];
    let shock =
        UserShock::parse("VIX +60%, BTC -30%, ETH -40%, SPX -10%, NFT -70% over 5 days").unwrap();
    let r = revalue_shock(&model, &pf, &shock, 2, 5).unwrap();
    let fund = 5.0 * 0.0003;
    let unhedged = 1e6 * -0.3 + 100_000.0 * -0.4 - 100_000.0 * fund;
    assert!((r.unhedged - unhedged).abs() < 1e-6, "{} {unhedged}", r.unhedged);
    let fut = 10_000.0 * (model.futures.price(20f64.ln() + 1.6f64.ln(), 25.0) - f0);
    let perp = 500_000.0 * 0.3 + 500_000.0 * fund;
    assert!((r.hedge_pnl - fut - perp).abs() < 1e-6);
    assert!((r.cover.unwrap() - (fut + perp) / -unhedged).abs() < 1e-12);
    assert_eq!(r.daily.len(), 5);
    assert!((r.daily[4].1 - r.hedged).abs() < 1e-9);
}

#[test]
fn bad_settings_are_errors() {
    let model = single_regime();
    let pf = btc_only(&model);
    let cfg = StressConfig { paths: 0, ..StressConfig::default() };
    assert!(simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).is_err());
    let mut bad = model.clone();
    bad.transition[0] = [0.5, 0.6, 0.0];
    assert!(simulate(&bad, &pf, Scenario::Model, &StressConfig::default(), &|_| {})
        .unwrap_err()
        .to_string()
        .contains("sum to 1"));
}

#[test]
fn zero_drift_makes_the_spot_pnl_a_martingale() {
    let model = single_regime().with_zero_drift();
    assert_eq!(model.regimes[0].mean[1], -0.5 * SIG * SIG);
    let pf = btc_only(&model);
    let (h, n) = (10usize, 40_000u64);
    let cfg =
        StressConfig { paths: n, horizon_days: h, seed: 5, block_size: 4096, cover_levels: vec![] };
    let r = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
    // E[P&L] = N (e^{h(−σ²/2) + hσ²/2} − 1) = 0.
    let s = (h as f64).sqrt() * SIG;
    let sd = 1e6 * ((s * s).exp() - 1.0).sqrt();
    within(r.unhedged.mean, 0.0, sd / (n as f64).sqrt(), 0.0, "mean");
}

#[test]
fn user_shock_revalues_crypto_options_and_short_spot_against_exact_black76() {
    let model = single_regime();
    let mut pf = btc_only(&model);
    let mut put = HedgePosition::CryptoOption {
        units: 10.0,
        factor: 1,
        theta: -1.0,
        strikes: [54_000.0, 42_000.0],
        weights: [1.0, -1.0],
        expiry: 21,
        spot0: 60_000.0,
        vol0: 0.6,
        skew: 0.15,
        regime_scale: [0.8, 1.0, 1.5],
        rate: 0.0,
        v0: 0.0,
    };
    let v0 = Portfolio::crypto_unit_value(&put, &[0.0; 4], 1, 0);
    if let HedgePosition::CryptoOption { v0: slot, .. } = &mut put {
        *slot = v0;
    }
    pf.hedges = vec![put, HedgePosition::ShortSpot { units: 200_000.0 }];
    let shock = UserShock::parse("BTC -30%, VIX +50% over 5 days").unwrap();
    // Shock regime 2: the option's vol is 1.5 × 0.6 at the money, skewed per leg.
    let r = revalue_shock(&model, &pf, &shock, 2, 5).unwrap();
    let l = [r.shock.log_moves[1], 0.7f64.ln(), r.shock.log_moves[3], r.shock.log_moves[4]];
    let exact_put = 10.0 * (Portfolio::crypto_unit_value(&put, &l, 2, 5) - v0);
    let exact_spot = 200_000.0 * 0.3;
    assert!(exact_put > 0.0);
    let err = (r.hedge_pnl - exact_put - exact_spot).abs();
    // The engine's fast normal cdf (|error| < 7.5e-8) on 10 options on a 60 000 USD coin.
    assert!(
        err < 10.0 * 60_000.0 * 2.0 * 7.5e-8,
        "{} vs {}: {err}",
        r.hedge_pnl,
        exact_put + exact_spot
    );
    // Past expiry the spread pays its intrinsic value.
    let r = revalue_shock(&model, &pf, &shock, 2, 30).unwrap();
    let s = 60_000.0 * 0.7;
    let intrinsic = (54_000.0f64 - s).max(0.0) - (42_000.0f64 - s).max(0.0);
    assert!((r.hedge_pnl - 10.0 * (intrinsic - v0) - exact_spot).abs() < 1e-6);
}

#[test]
fn the_path_matrix_is_simulates_paths_for_any_thread_count() {
    use crosshedge_simulation::simulate_paths;
    let model = single_regime();
    let mut pf = btc_only(&model);
    let f0 = model.futures.price(20f64.ln(), 30.0);
    pf.hedges = vec![
        HedgePosition::VixFuture { units: 10_000.0, expiry: 30, f0 },
        HedgePosition::ShortSpot { units: 300_000.0 },
    ];
    let cfg = StressConfig { paths: 3000, horizon_days: 10, seed: 11, ..StressConfig::default() };
    let m1 = simulate_paths(Some(1), &model, &pf, Scenario::Model, &cfg, &|_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    let m2 = simulate_paths(Some(2), &model, &pf, Scenario::Model, &cfg, &|_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(m1, m2);
    assert_eq!(m1.len(), 3000);
    let r = simulate(&model, &pf, Scenario::Model, &cfg, &|_| {}).unwrap();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let hedged: Vec<f64> = (0..m1.len())
        .map(|i| m1.unhedged[i] + m1.hedge_pnl[2 * i] + m1.hedge_pnl[2 * i + 1])
        .collect();
    assert!((mean(&m1.unhedged) - r.unhedged.mean).abs() < 1e-9 * r.unhedged.sd);
    assert!((mean(&hedged) - r.hedged.mean).abs() < 1e-9 * r.hedged.sd);
    // The short spot's P&L is exactly minus its share of the BTC exposure's.
    let spot = m1.hedge(1);
    for (u, s) in m1.unhedged.iter().zip(&spot) {
        assert!((s + 0.3 * u).abs() < 1e-6, "{s} {u}");
    }
}
