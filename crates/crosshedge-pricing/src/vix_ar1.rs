//! The AR(1) of daily log VIX and the VIX futures price it implies.
//!
//! [`LogVixAr1`] is the one copy of the model behind the demo market's futures settlements
//! (`crosshedge_demo::future_price`), the stress model's futures rule
//! (`crosshedge_simulation::FuturesModel`), the hedge sizing's expected roll-down
//! (`crosshedge_hedging::expected_vix`) and the measured AR(1) of the stored VIX closes.
//!
//! # Formula
//! `x_{t+1} = c + φ x_t + ε_t`, `ε_t ~ N(0, s²)`, with `x = ln VIX` on US trading days and
//! mean `m = c/(1 − φ)`. Conditional on `x_0 = x`, `x_h` is normal with mean
//! `m + φʰ (x − m)` and variance `v_h = s² (1 − φ²ʰ)/(1 − φ²)`, so
//! `E[VIX_h | ln VIX = x] = exp(m + φʰ (x − m) + ½ v_h)` (the lognormal mean). The futures
//! price adds the term premium `a (1 − e^{−h/τ})` in logs:
//! `F(x, h) = exp(m + φʰ (x − m) + ½ v_h + a (1 − e^{−h/τ}))`, the curve the demo calibration
//! fits to CBOE VX settlements (`crates/crosshedge-demo/calibration/calibrate.py` §8).

use crate::PricingError;

/// Fewest closes [`LogVixAr1::fit`] accepts: 30.
pub const MIN_AR1_CLOSES: usize = 30;

/// The AR(1) of daily log VIX: `x_{t+1} − m = φ (x_t − m) + ε_t`, `sd(ε) = s`.
///
/// Plain parameters, unchecked: [`LogVixAr1::fit`] only returns `0 < φ < 1`; hand-built
/// values outside it give non-finite or meaningless moments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogVixAr1 {
    /// AR(1) coefficient per US trading day (`φ`, in (0, 1) when stationary).
    pub phi: f64,
    /// Long-run mean of log VIX (`m`, log VIX points: ln 20 ≈ 3.0).
    pub mean_log: f64,
    /// Residual sd of the daily log change (`s`, decimal: 0.07 = 7 % a day).
    pub sd: f64,
}

impl LogVixAr1 {
    /// Least-squares fit of the AR(1) on consecutive values of `log_vix` (daily log VIX
    /// closes, oldest first).
    ///
    /// # Formula
    /// With `a = x[..n−1]`, `b = x[1..]` and their means `ā`, `b̄`:
    /// `φ = Σ (a − ā)(b − b̄) / Σ (a − ā)²`, `c = b̄ − φ ā`, `m = c/(1 − φ)`,
    /// `s = √(Σ (b − c − φ a)² / (n − 3))` (`n − 1` pairs less two fitted parameters).
    ///
    /// # Errors
    /// [`PricingError::TooFewCloses`] with fewer than [`MIN_AR1_CLOSES`] values;
    /// [`PricingError::NotStationary`] unless `0 < φ < 1` (also for a constant series, whose
    /// `φ` is NaN).
    pub fn fit(log_vix: &[f64]) -> Result<Self, PricingError> {
        let x = log_vix;
        let n = x.len();
        if n < MIN_AR1_CLOSES {
            return Err(PricingError::TooFewCloses { len: n, need: MIN_AR1_CLOSES });
        }
        let (a, b) = (&x[..n - 1], &x[1..]);
        let m = (n - 1) as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / m, b.iter().sum::<f64>() / m);
        let sab: f64 = a.iter().zip(b).map(|(p, q)| (p - ma) * (q - mb)).sum();
        let saa: f64 = a.iter().map(|p| (p - ma) * (p - ma)).sum();
        let phi = sab / saa;
        let c = mb - phi * ma;
        let sse: f64 = a.iter().zip(b).map(|(p, q)| (q - c - phi * p).powi(2)).sum();
        if !(phi > 0.0 && phi < 1.0) {
            return Err(PricingError::NotStationary { phi });
        }
        Ok(Self { phi, mean_log: c / (1.0 - phi), sd: (sse / (m - 2.0)).sqrt() })
    }

    /// `(φʰ, v_h)` for `h` trading days ahead: the weight of today's log VIX in the
    /// conditional mean and the conditional variance `v_h = s² (1 − φ²ʰ)/(1 − φ²)` of
    /// `ln VIX_h`.
    pub fn horizon(&self, h: f64) -> (f64, f64) {
        let ph = self.phi.powf(h);
        let var = self.sd * self.sd * (1.0 - ph * ph) / (1.0 - self.phi * self.phi);
        (ph, var)
    }

    /// `ln E[VIX_h | ln VIX = x] = m + φʰ (x − m) + ½ v_h`, `h` trading days ahead.
    pub fn log_expected_vix(&self, x: f64, h: f64) -> f64 {
        let (ph, var) = self.horizon(h);
        self.mean_log + ph * (x - self.mean_log) + 0.5 * var
    }

    /// `E[VIX_h | ln VIX = x] = exp(m + φʰ (x − m) + ½ s² (1 − φ²ʰ)/(1 − φ²))` in VIX points,
    /// `h` trading days ahead (the lognormal mean of the AR(1)'s `h`-step-ahead distribution).
    pub fn expected_vix(&self, x: f64, h: f64) -> f64 {
        self.log_expected_vix(x, h).exp()
    }

    /// The VIX future `h` trading days before expiry at log VIX `x`, in VIX points:
    /// `exp(m + φʰ (x − m) + ½ v_h + a (1 − e^{−h/τ}))`, the expected VIX at expiry times the
    /// term premium [`term_premium`] (`premium_a` = `a` in logs, `premium_tau_days` = `τ` in
    /// trading days, `> 0`).
    pub fn future_price(&self, x: f64, h: f64, premium_a: f64, premium_tau_days: f64) -> f64 {
        (self.log_expected_vix(x, h) + term_premium(premium_a, premium_tau_days, h)).exp()
    }
}

/// The log term premium of a VIX future `h` trading days before expiry: `a (1 − e^{−h/τ})`,
/// rising from 0 at expiry to `a` (`τ` in trading days, `> 0`).
pub fn term_premium(a: f64, tau_days: f64, h: f64) -> f64 {
    a * (1.0 - (-h / tau_days).exp())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A deterministic AR(1) path driven by a small LCG and Box-Muller.
    fn simulate(ar: LogVixAr1, n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        let mut uniform = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let mut x = ar.mean_log;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(x);
            let (u1, u2) = (uniform(), uniform());
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            x = ar.mean_log + ar.phi * (x - ar.mean_log) + ar.sd * z;
        }
        out
    }

    #[test]
    fn fit_recovers_a_simulated_ar1() {
        let truth = LogVixAr1 { phi: 0.97, mean_log: 20f64.ln(), sd: 0.07 };
        let x = simulate(truth, 20_000, 7);
        let fit = LogVixAr1::fit(&x).unwrap();
        assert!((fit.phi - truth.phi).abs() < 0.01, "{fit:?}");
        assert!((fit.mean_log - truth.mean_log).abs() < 0.1, "{fit:?}");
        assert!((fit.sd - truth.sd).abs() < 0.002, "{fit:?}");
    }

    #[test]
    fn fit_refuses_short_and_non_stationary_series() {
        let e = LogVixAr1::fit(&[3.0; 29]).unwrap_err();
        assert_eq!(e.to_string(), "the VIX series has 29 closes, need at least 30");
        let e = LogVixAr1::fit(&[3.0; 40]).unwrap_err();
        assert!(matches!(e, PricingError::NotStationary { .. }), "{e}");
        let trend: Vec<f64> = (0..40).map(|i| 2.0 + 0.01 * i as f64 * i as f64).collect();
        let e = LogVixAr1::fit(&trend).unwrap_err();
        assert!(e.to_string().starts_with("the AR(1) of log VIX is not stationary (phi = "), "{e}");
    }

    #[test]
    fn expected_vix_is_today_at_zero_and_the_stationary_mean_far_out() {
        let ar = LogVixAr1 { phi: 0.98, mean_log: 19f64.ln(), sd: 0.075 };
        let x = 30f64.ln();
        assert_eq!(ar.expected_vix(x, 0.0), x.exp());
        let stationary = (ar.mean_log + 0.5 * ar.sd * ar.sd / (1.0 - ar.phi * ar.phi)).exp();
        assert!((ar.expected_vix(x, 5000.0) - stationary).abs() < 1e-9 * stationary);
        // Monotone from today's level towards the stationary mean.
        assert!(ar.expected_vix(x, 10.0) < x.exp());
        assert!(ar.expected_vix(x, 10.0) > stationary);
    }

    #[test]
    fn future_price_is_the_expectation_times_the_term_premium() {
        let ar = LogVixAr1 { phi: 0.98, mean_log: 19f64.ln(), sd: 0.075 };
        let x = 15f64.ln();
        assert_eq!(ar.future_price(x, 0.0, 0.1, 40.0), x.exp());
        assert_eq!(term_premium(0.1, 40.0, 0.0), 0.0);
        assert!((term_premium(0.1, 40.0, 1e6) - 0.1).abs() < 1e-15);
        let f = ar.future_price(x, 21.0, 0.1, 40.0);
        let want = ar.expected_vix(x, 21.0) * term_premium(0.1, 40.0, 21.0).exp();
        assert!((f - want).abs() < 1e-12 * want);
    }
}
