//! Fixtures shared by the Monte Carlo tests (`tests/mc.rs`) and benchmark (`benches/mc.rs`,
//! included there with `#[path]`).

use crosshedge_hedging::{Band, CurvePoint, RegimeMoments, SizingInputs};

/// Sizing inputs of a stressed market (VIX 20 in the stress band, hedge ratio −0.3 in stress,
/// decorrelation factor 6): every layer of the default book is on.
pub(crate) fn sizing_inputs() -> SizingInputs {
    SizingInputs {
        hedge_ratio_calm: -0.05,
        hedge_ratio_stress: -0.3,
        decorrelation_factor: 6.0,
        spx_hedge_ratio_calm: 0.3,
        spx_hedge_ratio_stress: 1.5,
        btc_beta_calm: 1.0,
        btc_beta_stress: 1.0,
        vix: 20.0,
        vix_curve: vec![
            CurvePoint { days: 30.0, price: 21.0 },
            CurvePoint { days: 90.0, price: 22.5 },
        ],
        vix_ar_phi: 0.978,
        vix_mean_log: 2.87,
        vix_ar_sd: 0.074,
        vol_of_vol: 0.9,
        spx: 5000.0,
        spx_vol: 0.2,
        spx_div_yield: 0.015,
        rate: 0.04,
        funding_per_year: 0.08,
        band: Band::Stress,
        signals: vec!["vix-signal".into()],
        // Cover-table moments over 21 days (calm, stress); the Monte Carlo does not use them.
        moments: [
            RegimeMoments {
                vix_mean: 0.0,
                vix_sd: 0.25,
                spx_mean: 0.0,
                spx_sd: 0.035,
                target_mean: 0.0,
                target_sd: 0.12,
                corr_target_vix: -0.2,
                corr_target_spx: 0.3,
                corr_vix_spx: -0.7,
            },
            RegimeMoments {
                vix_mean: 0.0,
                vix_sd: 0.45,
                spx_mean: 0.0,
                spx_sd: 0.08,
                target_mean: 0.0,
                target_sd: 0.25,
                corr_target_vix: -0.4,
                corr_target_spx: 0.5,
                corr_vix_spx: -0.8,
            },
        ],
        crypto: Default::default(),
    }
}
