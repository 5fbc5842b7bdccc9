//! The decorrelation factor and the residual-risk multiple between a calm and a stress regime,
//! with stationary-bootstrap intervals.

use serde::Serialize;

use crate::bootstrap::{
    corr_beta_at, joint_block_length, parallel_replicates, percentile_interval, BlockSampler,
    BootstrapConfig, BootstrapInterval, PairPrefix,
};
use crate::util::{check_pair, mean};
use crate::StatsError;

/// Decorrelation factor `k = h*_stress / h*_calm` and residual-risk multiple.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecorrelationFactor {
    /// `k = h*_stress / h*_calm`.
    pub value: f64,
    /// Whether `k` is identified: the calm hedge ratio's bootstrap interval excludes zero (see
    /// [`is_identified`]). When it does not, `k`'s replicates pass through ±∞ and `ci95` is
    /// `None`.
    pub identified: bool,
    /// Stationary-bootstrap percentile interval of `k`; `None` when `k` is not identified (the
    /// percentile interval of a ratio whose denominator straddles zero is no confidence set).
    pub ci95: Option<[f64; 2]>,
    /// Bootstrap distribution of `k` (its `ci` is diagnostic only when `identified` is false).
    pub bootstrap: BootstrapInterval,
    /// Minimum-variance hedge ratio in the calm regime.
    pub hedge_ratio_calm: f64,
    /// Stationary-bootstrap percentile interval of the calm hedge ratio (the same calm resamples
    /// as `k`'s).
    pub hedge_ratio_calm_ci95: [f64; 2],
    /// Minimum-variance hedge ratio in the stress regime.
    pub hedge_ratio_stress: f64,
    /// Correlation in the calm regime.
    pub rho_calm: f64,
    /// Correlation in the stress regime.
    pub rho_stress: f64,
    /// `sqrt(1 - ρ_s²) / sqrt(1 - ρ_c²)`: how much larger the unhedgeable share of the target's
    /// volatility is in stress than in calm.
    pub residual_risk_multiple: f64,
    /// Stationary-bootstrap percentile interval of the residual-risk multiple.
    pub residual_risk_multiple_ci95: [f64; 2],
    /// Bootstrap distribution of the residual-risk multiple.
    pub residual_risk_bootstrap: BootstrapInterval,
    /// Expected block lengths used in the calm and the stress regime.
    pub block_length: [f64; 2],
    /// Rows in the calm and the stress regime.
    pub n: [usize; 2],
}

/// Why an unidentified `k` gets no interval (the sentence the command line and the report show).
pub const NOT_IDENTIFIED: &str =
    "not identified: the calm hedge ratio is indistinguishable from zero";

/// The identification rule of a ratio `k = a / b`: identified when the confidence interval
/// `[lo, hi]` of the denominator `b` excludes zero (`lo > 0` or `hi < 0`). An interval touching
/// or containing zero means `b` is indistinguishable from zero, so `1/b` (and every percentile
/// of `a/b`) is unbounded and no interval of `k` is reported. A non-finite bound is not
/// identified.
pub fn is_identified(denominator_ci: [f64; 2]) -> bool {
    let [lo, hi] = denominator_ci;
    lo.is_finite() && hi.is_finite() && (lo > 0.0 || hi < 0.0)
}

/// Expected block length for a regime subset: the automatic rule, or `n^{1/3}` (floored at 1)
/// when the subset is too short for it.
pub(crate) fn subset_block_length(t: &[f64], h: &[f64]) -> f64 {
    joint_block_length(t, h).unwrap_or_else(|_| (t.len() as f64).cbrt().max(1.0))
}

/// Decorrelation factor with bootstrap intervals, resampling within each regime independently.
///
/// # Formula
/// `h*_r = Cov_r(T,H)/Var_r(H)`, `k = h*_stress/h*_calm`,
/// `RRM = sqrt(1 - ρ²_stress)/sqrt(1 - ρ²_calm)`. Each replicate draws a stationary-bootstrap
/// resample of the calm rows and, independently, of the stress rows (pairs resampled jointly,
/// each regime's own automatic block length, see [`crate::bootstrap::joint_block_length`];
/// `n^{1/3}` for a regime shorter than the rule needs) and recomputes both quantities;
/// percentile intervals (`cfg.resamples`, `cfg.seed`, `cfg.level`; `cfg.block_length`, when set,
/// is used for both regimes). Replicates where a ratio is undefined (zero calm hedge ratio or variance)
/// are dropped and counted. The calm hedge ratio's percentile interval comes from the same calm
/// resamples; `k` gets an interval only when that interval excludes zero ([`is_identified`]).
///
/// # Errors
/// Either regime with fewer than 4 rows, a constant series, `h*_calm = 0`, `|ρ_calm| = 1`, or a
/// bootstrap where most replicates are undefined.
///
/// # References
/// Politis & Romano (1994) for the resampling; the factor itself is this project's definition
/// (DESIGN.md §3).
pub fn decorrelation_factor(
    t_calm: &[f64],
    h_calm: &[f64],
    t_stress: &[f64],
    h_stress: &[f64],
    cfg: &BootstrapConfig,
) -> Result<DecorrelationFactor, StatsError> {
    check_pair("decorrelation calm", t_calm, h_calm, 4)?;
    check_pair("decorrelation stress", t_stress, h_stress, 4)?;
    let centre = |x: &[f64]| {
        let m = mean(x);
        x.iter().map(|v| v - m).collect::<Vec<f64>>()
    };
    let (tc, hc, ts, hs) = (centre(t_calm), centre(h_calm), centre(t_stress), centre(h_stress));
    let all_c: Vec<usize> = (0..tc.len()).collect();
    let all_s: Vec<usize> = (0..ts.len()).collect();
    let (rc, bc) = corr_beta_at(&tc, &hc, &all_c);
    let (rs, bs) = corr_beta_at(&ts, &hs, &all_s);
    if !rc.is_finite() || !rs.is_finite() {
        return Err(StatsError::ZeroVariance { what: "decorrelation factor" });
    }
    if bc == 0.0 {
        return Err(StatsError::Undefined {
            what: "decorrelation factor",
            reason: "calm hedge ratio is zero",
        });
    }
    if rc.abs() >= 1.0 {
        return Err(StatsError::Undefined {
            what: "residual-risk multiple",
            reason: "calm correlation is ±1",
        });
    }
    let rrm = |a: f64, b: f64| (1.0 - b * b).sqrt() / (1.0 - a * a).sqrt();
    let (blc, bls) = match cfg.block_length {
        Some(b) if b.is_finite() && b >= 1.0 => (b, b),
        Some(b) => {
            return Err(StatsError::InvalidParameter {
                name: "block_length",
                value: b,
                reason: "must be >= 1",
            })
        }
        None => (subset_block_length(t_calm, h_calm), subset_block_length(t_stress, h_stress)),
    };
    let (nc, ns) = (tc.len(), ts.len());
    let (pc, ps) = (PairPrefix::new(&tc, &hc), PairPrefix::new(&ts, &hs));
    let (sc, ss) = (BlockSampler::new(nc, blc), BlockSampler::new(ns, bls));
    let reps = parallel_replicates(
        cfg.resamples,
        cfg.seed,
        3,
        || (),
        |_, rng, out| {
            let (r1, b1) = pc.resample(rng, &sc);
            let (r2, b2) = ps.resample(rng, &ss);
            out[0] = b2 / b1;
            out[1] = if r1.abs() < 1.0 { rrm(r1, r2) } else { f64::NAN };
            out[2] = b1;
        },
    );
    let k: Vec<f64> = reps.iter().step_by(3).copied().collect();
    let m: Vec<f64> = reps.iter().skip(1).step_by(3).copied().collect();
    let b: Vec<f64> = reps.iter().skip(2).step_by(3).copied().collect();
    let kb = percentile_interval(&k, cfg.level)?;
    let mb = percentile_interval(&m, cfg.level)?;
    let bb = percentile_interval(&b, cfg.level)?;
    let identified = is_identified(bb.ci);
    Ok(DecorrelationFactor {
        value: bs / bc,
        identified,
        ci95: identified.then_some(kb.ci),
        bootstrap: kb,
        hedge_ratio_calm: bc,
        hedge_ratio_calm_ci95: bb.ci,
        hedge_ratio_stress: bs,
        rho_calm: rc,
        rho_stress: rs,
        residual_risk_multiple: rrm(rc, rs),
        residual_risk_multiple_ci95: mb.ci,
        residual_risk_bootstrap: mb,
        block_length: [blc, bls],
        n: [nc, ns],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `n` rows of `t = beta · h + noise` with standard normal-ish `h` and noise.
    fn rows(n: usize, beta: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut z = || (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
        let mut t = Vec::with_capacity(n);
        let mut h = Vec::with_capacity(n);
        for _ in 0..n {
            let x = z();
            h.push(x);
            t.push(beta * x + z());
        }
        (t, h)
    }

    #[test]
    fn identification_rule() {
        assert!(is_identified([0.1, 0.5]));
        assert!(is_identified([-0.5, -0.01]));
        assert!(!is_identified([-0.1, 0.5]));
        assert!(!is_identified([0.0, 0.5]), "an interval touching zero does not exclude it");
        assert!(!is_identified([-0.5, 0.0]));
        assert!(!is_identified([f64::NEG_INFINITY, -1.0]));
        assert!(!is_identified([f64::NAN, 1.0]));
    }

    #[test]
    fn k_gets_an_interval_only_when_the_calm_ratio_is_distinguishable_from_zero() {
        let cfg = BootstrapConfig { resamples: 400, seed: 7, ..BootstrapConfig::default() };
        let (ts, hs) = rows(300, -0.8, 2);
        // Calm: a clear negative hedge ratio.
        let (tc, hc) = rows(600, -0.5, 1);
        let d = decorrelation_factor(&tc, &hc, &ts, &hs, &cfg).unwrap();
        assert!(d.identified && d.hedge_ratio_calm_ci95[1] < 0.0, "{d:?}");
        let ci = d.ci95.unwrap();
        assert!(ci[0] < d.value && d.value < ci[1]);
        // Calm: no relation at all; the noise is projected off the hedge so that the sample
        // calm h* is zero up to rounding and its resamples scatter on both sides of zero.
        let (mut tc, hc) = rows(600, 0.0, 3);
        let m = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        let (mt, mh) = (m(&tc), m(&hc));
        let cov: f64 = tc.iter().zip(&hc).map(|(t, h)| (t - mt) * (h - mh)).sum();
        let var: f64 = hc.iter().map(|h| (h - mh) * (h - mh)).sum();
        for (t, h) in tc.iter_mut().zip(&hc) {
            *t -= cov / var * (h - mh);
        }
        let d = decorrelation_factor(&tc, &hc, &ts, &hs, &cfg);
        // An exactly zero calm h* is refused outright; rounding leaves a tiny one.
        let Ok(d) = d else { panic!("{d:?}") };
        assert!(d.hedge_ratio_calm.abs() < 1e-12);
        let [lo, hi] = d.hedge_ratio_calm_ci95;
        assert!(lo < 0.0 && 0.0 < hi, "{lo} {hi}");
        assert!(!d.identified && d.ci95.is_none());
        // The point estimate and the raw replicate distribution are still reported.
        assert!(d.value.is_finite() && d.bootstrap.resamples_used > 0);
    }
}
