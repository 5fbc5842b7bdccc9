//! The joint distribution of one regime's moves over a horizon, as the model has it: what the
//! `hedge` command's cover table conditions on (`crosshedge_hedging::RegimeMoments`).

use crosshedge_hedging::RegimeMoments;

use crate::model::{JointModel, N_REGIMES};
use crate::SimulationError;

impl JointModel {
    /// The means, sds and correlations of the change of log VIX `X`, the SPX log return `S` and
    /// the log return of a basket `Y = Σ w_j r_j` of BTC, ETH and the NFT index's latent value
    /// (`weights` = their delta-notional shares) over `days` trading days in `regime`, from
    /// `log_vix0`, with the regime held fixed over the horizon.
    ///
    /// # Formula
    /// With daily factor sds `σ`, shock correlations `ρ`, means `μ` and `φ = 1 − κ`:
    /// `X = Σ_{i<d} φ^{d−1−i} σ_v e_i + (1 − φ^d)(m_s − x₀)`, so `E X = (1 − φ^d)(m_s − x₀)`,
    /// `Var X = σ_v² Σ_{i<d} φ^{2i}`; `S`, `Y` are sums of `d` iid daily returns, `E = d μ`,
    /// `Var = d σ²`; `Cov(X, ·) = Cov_daily(e, ·) Σ_{i<d} φ^i`, `Cov(S, Y) = d Cov_daily(S, Y)`.
    /// A normal approximation: the model's Student-t mixing and the NFT's stale marks are left
    /// out (the cover table conditions on the target's own 1-in-20 move, not on a path).
    ///
    /// # Errors
    /// [`SimulationError::InvalidParameter`] for a regime out of range, `days = 0` or a basket
    /// with no variance.
    pub fn horizon_moments(
        &self,
        regime: usize,
        weights: [f64; 3],
        log_vix0: f64,
        days: usize,
    ) -> Result<RegimeMoments, SimulationError> {
        let bad = |name: &str, requirement: &'static str, value: f64| {
            SimulationError::InvalidParameter { name: name.to_string(), requirement, value }
        };
        if regime >= N_REGIMES {
            return Err(bad("regime", "must be 0, 1 or 2", regime as f64));
        }
        if days == 0 {
            return Err(bad("days", "must be at least 1", 0.0));
        }
        let r = &self.regimes[regime];
        let phi = 1.0 - self.kappa;
        let d = days as f64;
        let (mut geo, mut geo2) = (0.0, 0.0);
        for i in 0..days {
            geo += phi.powi(i as i32);
            geo2 += phi.powi(2 * i as i32);
        }
        // Daily covariances: factor 0 is the VIX shock, 1 SPX, 2..4 BTC, ETH, NFT.
        let sd = [r.vix_vol, r.vol[0], r.vol[1], r.vol[2], r.vol[3]];
        let cov = |i: usize, j: usize| sd[i] * sd[j] * r.corr[i][j];
        let basket = |f: usize| -> f64 { (0..3).map(|j| weights[j] * cov(f, 2 + j)).sum() };
        let var_y_daily: f64 = (0..3)
            .map(|i| (0..3).map(|j| weights[i] * weights[j] * cov(2 + i, 2 + j)).sum::<f64>())
            .sum();
        if var_y_daily.is_nan() || var_y_daily <= 0.0 {
            return Err(bad("weights", "must give a basket with variance", var_y_daily));
        }
        let vix_sd = r.vix_vol * geo2.sqrt();
        let spx_sd = r.vol[0] * d.sqrt();
        let target_sd = (var_y_daily * d).sqrt();
        let corr = |c: f64, a: f64, b: f64| {
            if a > 0.0 && b > 0.0 {
                (c / (a * b)).clamp(-1.0, 1.0)
            } else {
                0.0
            }
        };
        Ok(RegimeMoments {
            vix_mean: (1.0 - phi.powi(days as i32)) * (r.vix_level_log - log_vix0),
            vix_sd,
            spx_mean: d * r.mean[0],
            spx_sd,
            target_mean: d * (0..3).map(|j| weights[j] * r.mean[1 + j]).sum::<f64>(),
            target_sd,
            corr_target_vix: corr(basket(0) * geo, vix_sd, target_sd),
            corr_target_spx: corr(basket(1) * d, spx_sd, target_sd),
            corr_vix_spx: corr(cov(0, 1) * geo, vix_sd, spx_sd),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn one_day_moments_are_the_daily_parameters() {
        let m = JointModel::demo();
        let r = &m.regimes[2];
        let x0 = 3.0;
        let h = m.horizon_moments(2, [1.0, 0.0, 0.0], x0, 1).unwrap();
        assert!((h.vix_sd - r.vix_vol).abs() < 1e-15);
        assert!((h.vix_mean - m.kappa * (r.vix_level_log - x0)).abs() < 1e-15);
        assert!((h.target_sd - r.vol[1]).abs() < 1e-15);
        assert!((h.corr_target_vix - r.corr[0][2]).abs() < 1e-12);
        assert!((h.corr_target_spx - r.corr[1][2]).abs() < 1e-12);
        assert!((h.corr_vix_spx - r.corr[0][1]).abs() < 1e-12);
    }

    #[test]
    fn horizon_moments_by_simulation_of_the_same_recursion() {
        // X_d = Σ φ^{d−1−i} σ e_i: Var = σ² (1 − φ^{2d}) / (1 − φ²) in closed form.
        let m = JointModel::demo();
        let d = 21;
        let h = m.horizon_moments(0, [0.5, 0.3, 0.2], m.regimes[0].vix_level_log, d).unwrap();
        let phi = 1.0 - m.kappa;
        let want =
            m.regimes[0].vix_vol * ((1.0 - phi.powi(2 * d as i32)) / (1.0 - phi * phi)).sqrt();
        assert!((h.vix_sd - want).abs() < 1e-12 * want);
        assert_eq!(h.vix_mean, 0.0);
        // A longer horizon weakens the VIX's correlation with the target (mean reversion).
        let h1 = m.horizon_moments(0, [0.5, 0.3, 0.2], 3.0, 1).unwrap();
        assert!(h.corr_target_vix.abs() < h1.corr_target_vix.abs());
        assert!(m.horizon_moments(3, [1.0, 0.0, 0.0], 3.0, 1).is_err());
        assert!(m.horizon_moments(0, [0.0, 0.0, 0.0], 3.0, 1).is_err());
    }
}
