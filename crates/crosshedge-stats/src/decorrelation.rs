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
    /// Stationary-bootstrap percentile interval of `k`.
    pub ci95: [f64; 2],
    /// Bootstrap distribution of `k`.
    pub bootstrap: BootstrapInterval,
    /// Minimum-variance hedge ratio in the calm regime.
    pub hedge_ratio_calm: f64,
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
/// are dropped and counted.
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
        2,
        || (),
        |_, rng, out| {
            let (r1, b1) = pc.resample(rng, &sc);
            let (r2, b2) = ps.resample(rng, &ss);
            out[0] = b2 / b1;
            out[1] = if r1.abs() < 1.0 { rrm(r1, r2) } else { f64::NAN };
        },
    );
    let k: Vec<f64> = reps.iter().step_by(2).copied().collect();
    let m: Vec<f64> = reps.iter().skip(1).step_by(2).copied().collect();
    let kb = percentile_interval(&k, cfg.level)?;
    let mb = percentile_interval(&m, cfg.level)?;
    Ok(DecorrelationFactor {
        value: bs / bc,
        ci95: kb.ci,
        bootstrap: kb,
        hedge_ratio_calm: bc,
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
