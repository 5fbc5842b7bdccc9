#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `fit` recovers the parameters of data simulated from a known model, and the fitted model
//! reproduces the data's regime-conditional correlations (Fisher-z test on the difference of
//! two independent sample correlations, |Δz| < 3.29 SE, i.e. inside the 99.9 % interval).

use crosshedge_simulation::{fit, FactorDay, FitData, FitOptions, Innovations, JointModel};
use crosshedge_stats::corr::pearson;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

struct Columns {
    x: Vec<f64>,
    dx: Vec<f64>,
    r: [Vec<f64>; 4],
    labels: Vec<Option<usize>>,
}

fn columns(days: &[FactorDay], xs: &[f64]) -> Columns {
    Columns {
        x: xs.to_vec(),
        dx: days.iter().map(|d| d.vix_change).collect(),
        r: std::array::from_fn(|k| days.iter().map(|d| d.returns[k]).collect()),
        labels: days.iter().map(|d| Some(d.regime)).collect(),
    }
}

/// The fit inputs of `c` with the NFT column `nft` covering the rows `observed` marks.
fn data_with<'a>(c: &'a Columns, nft: &'a [f64], observed: Option<&'a [bool]>) -> FitData<'a> {
    FitData {
        log_vix_prev: &c.x,
        vix_change: &c.dx,
        spx: Some(&c.r[0]),
        btc: &c.r[1],
        eth: &c.r[2],
        nft,
        nft_observed: observed,
        nft_span: None,
        labels: &c.labels,
    }
}

fn fit_cols(c: &Columns) -> JointModel {
    fit(&data_with(c, &c.r[3], None), &FitOptions::default()).unwrap()
}

fn regime_corr(c: &Columns, s: usize, k: usize) -> (f64, usize) {
    let rows: Vec<usize> = (0..c.dx.len()).filter(|i| c.labels[*i] == Some(s)).collect();
    let a: Vec<f64> = rows.iter().map(|i| c.dx[*i]).collect();
    let b: Vec<f64> = rows.iter().map(|i| c.r[k][*i]).collect();
    (pearson(&a, &b).unwrap(), rows.len())
}

#[test]
fn fit_recovers_a_known_model_and_reproduces_regime_correlations() {
    let mut truth = JointModel::demo();
    truth.innovations = Innovations::Gaussian;
    truth.nft_trade_prob = 1.0;
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let (days, xs) = truth.simulate_factors(&mut rng, 40_000, 1, 20f64.ln()).unwrap();
    let data = columns(&days, &xs);
    let fitted = fit_cols(&data);
    assert!((fitted.kappa - truth.kappa).abs() < 0.01, "kappa {} vs {}", fitted.kappa, truth.kappa);
    for s in 0..3 {
        let (f, t) = (&fitted.regimes[s], &truth.regimes[s]);
        assert!(
            (f.vix_level_log - t.vix_level_log).abs() < 0.1,
            "mu {s}: {} {}",
            f.vix_level_log,
            t.vix_level_log
        );
        assert!((f.vix_vol / t.vix_vol - 1.0).abs() < 0.05, "sigma {s}");
        for k in 0..4 {
            assert!((f.vol[k] / t.vol[k] - 1.0).abs() < 0.05, "vol {s} {k}");
        }
        for i in 0..5 {
            for j in 0..5 {
                assert!(
                    (f.corr[i][j] - t.corr[i][j]).abs() < 0.06,
                    "corr {s} {i} {j}: {} {}",
                    f.corr[i][j],
                    t.corr[i][j]
                );
            }
        }
        for j in 0..3 {
            assert!((fitted.transition[s][j] - truth.transition[s][j]).abs() < 0.02, "P {s} {j}");
        }
    }
    assert_eq!(fitted.innovations, Innovations::Gaussian);
    // Simulate from the fitted model and compare the regime-conditional correlations of the
    // VIX log change with each return to the data's.
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (days2, xs2) = fitted.simulate_factors(&mut rng, 40_000, 1, 20f64.ln()).unwrap();
    let sim = columns(&days2, &xs2);
    for s in 0..3 {
        for k in 0..4 {
            let (r1, n1) = regime_corr(&data, s, k);
            let (r2, n2) = regime_corr(&sim, s, k);
            let se = (1.0 / (n1 as f64 - 3.0) + 1.0 / (n2 as f64 - 3.0)).sqrt();
            let dz = (r1.atanh() - r2.atanh()).abs();
            assert!(
                dz < 3.29 * se,
                "regime {s} factor {k}: data {r1} model {r2} (dz {dz}, se {se})"
            );
        }
    }
}

#[test]
fn fit_detects_heavy_tails_and_stale_nft_prints() {
    let truth = JointModel::demo();
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let (days, xs) = truth.simulate_factors(&mut rng, 30_000, 1, 20f64.ln()).unwrap();
    let mut data = columns(&days, &xs);
    // Observed NFT returns: zero on days without a print, the accumulated move on print days.
    let mut pending = 0.0;
    for (d, r) in days.iter().zip(data.r[3].iter_mut()) {
        pending += *r;
        if d.nft_print {
            *r = pending;
            pending = 0.0;
        } else {
            *r = 0.0;
        }
    }
    let fitted = fit_cols(&data);
    match fitted.innovations {
        Innovations::StudentT { nu, cap } => {
            assert!(nu > 2.0 && nu < 30.0, "nu {nu}");
            assert_eq!(cap, crosshedge_simulation::MIXING_CAP);
        }
        Innovations::Gaussian => panic!("heavy tails not detected"),
    }
    assert!((fitted.nft_trade_prob - truth.nft_trade_prob).abs() < 0.02);
}

#[test]
fn fit_rejects_short_regimes() {
    let c = Columns {
        x: vec![3.0; 50],
        dx: vec![0.0; 50],
        r: std::array::from_fn(|_| vec![0.0; 50]),
        labels: vec![Some(0); 50],
    };
    let data = FitData {
        log_vix_prev: &c.x,
        vix_change: &c.dx,
        spx: Some(&c.r[0]),
        btc: &c.r[1],
        eth: &c.r[2],
        nft: &c.r[3],
        nft_observed: None,
        nft_span: None,
        labels: &c.labels,
    };
    assert!(fit(&data, &FitOptions::default())
        .unwrap_err()
        .to_string()
        .contains("the normal VIX band (regime 1) has 0 rows"));
}

#[test]
fn fit_uses_only_the_rows_the_nft_index_covers() {
    let mut truth = JointModel::demo();
    truth.innovations = Innovations::Gaussian;
    truth.nft_trade_prob = 1.0;
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let (days, xs) = truth.simulate_factors(&mut rng, 20_000, 1, 20f64.ln()).unwrap();
    let c = columns(&days, &xs);
    let n = c.dx.len();
    // The NFT index covers only the last 30 % of the rows; before that its column holds junk
    // that must not matter.
    let start = n * 7 / 10;
    let observed: Vec<bool> = (0..n).map(|t| t >= start).collect();
    let mut junk = c.r[3].clone();
    for (t, v) in junk.iter_mut().enumerate().take(start) {
        *v = if t % 2 == 0 { 5.0 } else { -3.0 };
    }
    let fit_with =
        |nft: &[f64]| fit(&data_with(&c, nft, Some(&observed)), &FitOptions::default()).unwrap();
    let a = fit_with(&junk);
    let b = fit_with(&c.r[3]);
    assert_eq!(a, b, "rows outside the NFT window changed the fit");
    let full = fit_cols(&c);
    for s in 0..3 {
        let rows: Vec<usize> = (start..n).filter(|&t| c.labels[t] == Some(s)).collect();
        assert!(rows.len() >= 30, "regime {s}: {} covered rows", rows.len());
        let x: Vec<f64> = rows.iter().map(|&t| c.r[3][t]).collect();
        let m = x.iter().sum::<f64>() / x.len() as f64;
        let sd = (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt();
        assert!((a.regimes[s].vol[3] - sd).abs() < 1e-15, "regime {s}");
        assert!((a.regimes[s].mean[3] - m).abs() < 1e-15, "regime {s}");
        let btc: Vec<f64> = rows.iter().map(|&t| c.r[1][t]).collect();
        let rho = pearson(&x, &btc).unwrap();
        assert!((a.regimes[s].corr[4][2] - rho).abs() < 1e-12, "regime {s}");
        // The other factors still use every row of the regime.
        assert_eq!(a.regimes[s].vol[..3], full.regimes[s].vol[..3]);
        assert_eq!(a.regimes[s].corr[1][2], full.regimes[s].corr[1][2]);
    }
    // Too few covered rows is an error that says so.
    let few: Vec<bool> = (0..n).map(|t| t >= n - 20).collect();
    let data = data_with(&c, &c.r[3], Some(&few));
    let e = fit(&data, &FitOptions::default()).unwrap_err().to_string();
    assert!(e.contains("NFT index covers 20 labelled rows"), "{e}");
}
