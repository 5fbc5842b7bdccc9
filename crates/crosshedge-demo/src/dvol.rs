//! The demo BTC implied-vol index `dvol`: a 30-day implied vol in vol points (60 = 60 %),
//! stored under the name and unit `crosshedge fetch dvol-btc` gives Deribit's DVOL.
//!
//! # Model
//! On every calendar day `k` (the BTC days), with `r_k` the demo BTC log return of the day and
//! `x_k = ln(IV_k)`:
//!
//! ```text
//! m_k = ln(100 P A_k)
//! x_k = x_{k-1} + kappa (m_k - x_{k-1}) + sigma_s eps_k + J_k,    eps_k ~ N(0, 1)
//! J_k = beta (-r_k) E_k  if r_k < -c,  else 0,                     E_k ~ Exp(1)
//! ```
//!
//! - the anchor `A_k` is the trailing 30-day realised vol of the demo BTC (sample sd of the
//!   last [`p::DVOL_RV_WINDOW_DAYS`] daily log returns, `sqrt(365)` annualisation) once 30
//!   returns exist, and before that the regime's expected BTC vol (the band's weekday sd
//!   mixed with the weekend ratio, 5 weekdays and 2 weekend days, annualised), so the level
//!   the index reverts to is tied to the hidden regime through realised vol;
//! - `P` = [`p::DVOL_PREMIUM_RATIO`] is the implied/realised premium, `kappa` =
//!   [`p::DVOL_KAPPA`] the daily reversion speed, `sigma_s` = [`p::DVOL_SIGMA`] the daily
//!   vol-of-vol per VIX band `s` of the latest US close before the day (as the crypto series);
//! - a drawdown day (`r_k` below `-c`, `c` = [`p::DVOL_DRAWDOWN_THRESHOLD`]) adds an upward
//!   jump of mean `beta` = [`p::DVOL_JUMP_BETA`] times the day's log loss;
//! - the index is kept within [`DVOL_BOUNDS`].
//!
//! The draws come from their own ChaCha8 stream ([`DVOL_STREAM`]), one normal and one
//! exponential every day whatever the branch, and the index is computed after every other
//! series from the finished BTC returns: adding it left every other demo series bit-identical.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

use crate::params as p;

/// The stream number of the index's generator (`stream(seed, 9)`; 1-8 are the other series').
pub const DVOL_STREAM: u64 = 9;
/// The name of the demo BTC implied-vol index: the name `crosshedge fetch dvol-btc` stores
/// Deribit's BTC DVOL under (preset `dvol-btc` = `deribit-dvol:BTC=dvol`).
pub const DVOL_SERIES: &str = "dvol";
/// Bounds on the index (vol points), a guard against extreme paths.
pub const DVOL_BOUNDS: (f64, f64) = (10.0, 300.0);

/// The regime's expected annualised BTC vol (decimal): the weekday sd of band `s`, mixed 5:2
/// with the weekend sd ([`p::BTC_WEEKEND_RATIO`]), times `sqrt(365)`.
pub fn regime_btc_vol(s: usize) -> f64 {
    let w = p::BTC_WEEKEND_RATIO;
    p::BTC_SD_WEEKDAY[s] * ((5.0 + 2.0 * w * w) / 7.0).sqrt() * 365f64.sqrt()
}

/// Trailing realised vol (decimal, `sqrt(365)` annualisation) of the `window` log returns
/// ending at index `k` of `r` (`r[0]` is not a return and never used); `None` before `window`
/// returns exist.
fn trailing_vol(r: &[f64], k: usize, window: usize) -> Option<f64> {
    if window < 2 || k < window {
        return None;
    }
    let x = &r[k + 1 - window..=k];
    let n = window as f64;
    let m = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    Some(var.sqrt() * 365f64.sqrt())
}

/// The index on every day: `r_btc[k]` the BTC log return of day `k` (`r_btc[0]` = 0, the
/// first day), `day_band[k]` the VIX band of the latest US close before day `k`.
pub(crate) fn dvol_index(rng: &mut ChaCha8Rng, r_btc: &[f64], day_band: &[usize]) -> Vec<f64> {
    let window = p::DVOL_RV_WINDOW_DAYS as usize;
    let (lo, hi) = (DVOL_BOUNDS.0.ln(), DVOL_BOUNDS.1.ln());
    let anchor = |k: usize| {
        let a = trailing_vol(r_btc, k, window).unwrap_or_else(|| regime_btc_vol(day_band[k]));
        (100.0 * p::DVOL_PREMIUM_RATIO * a).ln()
    };
    let mut out = Vec::with_capacity(r_btc.len());
    let mut x = 0.0;
    for k in 0..r_btc.len() {
        let eps: f64 = StandardNormal.sample(rng);
        let e: f64 = Exp1.sample(rng);
        let m = anchor(k);
        if k == 0 {
            x = m;
        } else {
            let r = r_btc[k];
            let jump =
                if r < -p::DVOL_DRAWDOWN_THRESHOLD { p::DVOL_JUMP_BETA * (-r) * e } else { 0.0 };
            x = (x + p::DVOL_KAPPA * (m - x) + p::DVOL_SIGMA[day_band[k]] * eps + jump)
                .clamp(lo, hi);
        }
        out.push(x.exp());
    }
    out
}
