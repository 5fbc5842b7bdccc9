//! Fixtures shared by the Monte Carlo tests (`tests/mc.rs`) and benchmark (`benches/mc.rs`,
//! included there with `#[path]`).

use crosshedge_hedging::{Band, CurvePoint, RegimeMove, SizingInputs};

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
        moves: [
            RegimeMove { vix_log: 0.1, spx_log: -0.01, target_log: -0.02 },
            RegimeMove { vix_log: 0.6, spx_log: -0.12, target_log: -0.2 },
        ],
    }
}
