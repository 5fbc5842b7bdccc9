//! A seeded synthetic market for tests, examples and benchmarks.
//!
//! # Model
//! On weekdays from `start`: log VIX follows a discrete Ornstein–Uhlenbeck process
//! `ln V_{t+1} = ln V_t + κ (ln 18 − ln V_t) Δ + ν √Δ z_1` (κ = 5, ν = 1.2, Δ = 1/252);
//! SPX log returns are `−(σ²/2)Δ + σ √Δ (ρ z_1 + √(1−ρ²) z_2)` with `σ = V/100`, `ρ = −0.7`;
//! the single target (a crypto asset) has log return
//! `1.5 · r_SPX + 0.0004 − 0.02²/2 + 0.02 z_3`. VIX futures
//! expire on the 18th of each month (moved back to a Friday when on a weekend) for the next
//! eight months, priced `F = 18 + (V − 18) e^{−κ τ}`; funding is `0.0001 + 0.0002 z_4` per
//! day; the regime label is `"calm"` (VIX < 20), `"elevated"` (< 30) or `"stress"`; the vol
//! of vol is `0.8 + 0.02 (V − 18)` floored at 0.4. Draws come from `ChaCha8Rng(seed)`.
//!
//! [`reference_book`] and [`reference_costs`] are the 3-layer book the engine golden
//! (`scripts/engine_golden.py`), the benchmark and its Python peer (`scripts/bench_peer.py`)
//! and `examples/summary.rs` all run on this market.

use chrono::{Datelike, NaiveDate as Date, Weekday};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::engine::{
    FuturePoint, Layer, MarketDay, RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer,
    SpxVol, VixCallSpreadLayer,
};
use crate::ledger::CostModel;

/// The reference 3-layer book: VIX call spreads (20 % of the exposure, strikes 1.2/1.8 × F,
/// vol of vol 0.9 when the day has none, rolled 7 days before an expiry at least 25 days
/// out), SPX put spreads (30 %, strikes 0.85/0.95 × S, vol 1.1 · VIX/100) and a short perp on
/// target 0 (25 %); every layer weighted 1.5 in `"stress"`, 0.75 in `"calm"`, 1 otherwise.
pub fn reference_book() -> Vec<Box<dyn Layer>> {
    let w = RegimeWeights {
        default: 1.0,
        by_regime: [("stress".to_string(), 1.5), ("calm".to_string(), 0.75)].into(),
    };
    let roll = RollRule { min_days_at_open: 25, roll_days_before: 7 };
    vec![
        Box::new(VixCallSpreadLayer::new("vix cs", 0.2, w.clone(), (1.2, 1.8), 0.9, roll)),
        Box::new(SpxPutSpreadLayer::new(
            "spx ps",
            0.3,
            w.clone(),
            (0.85, 0.95),
            SpxVol::FromVix { scale: 1.1 },
        )),
        Box::new(ShortPerpLayer::new("perp", 0, 0.25, w)),
    ]
}

/// The reference costs: 1.5 USD per exchange contract, 5 bps slippage, 8 USD gas per on-chain
/// action, no notional commission.
pub fn reference_costs() -> CostModel {
    CostModel {
        commission_per_contract: 1.5,
        slippage_bps: 5.0,
        gas_per_action_usd: 8.0,
        commission_bps: 0.0,
    }
}

fn expiry_of(year: i32, month: u32) -> Option<Date> {
    let d = Date::from_ymd_opt(year, month, 18)?;
    Some(match d.weekday() {
        Weekday::Sat => d - chrono::Duration::days(1),
        Weekday::Sun => d - chrono::Duration::days(2),
        _ => d,
    })
}

/// `n_days` weekdays of synthetic market data from `start` (see the module docs).
pub fn synthetic_market(seed: u64, start: Date, n_days: usize) -> Vec<MarketDay> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dt = 1.0 / 252.0;
    let (kappa, nu, rho, mean) = (5.0, 1.2, -0.7, 18.0f64);
    let mut ln_v = mean.ln();
    let (mut spx, mut target) = (1200.0f64, 100.0f64);
    let mut out = Vec::with_capacity(n_days);
    let mut date = start;
    while out.len() < n_days {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            date = date.succ_opt().unwrap_or(date);
            continue;
        }
        let vix = ln_v.exp();
        let mut futs = Vec::with_capacity(8);
        let (mut y, mut m) = (date.year(), date.month());
        while futs.len() < 8 {
            if let Some(e) = expiry_of(y, m) {
                if e >= date {
                    let tau = (e - date).num_days() as f64 / 365.0;
                    futs.push(FuturePoint {
                        expiry: e,
                        settle: mean + (vix - mean) * (-kappa * tau).exp(),
                    });
                }
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        let z: [f64; 4] = std::array::from_fn(|_| StandardNormal.sample(&mut rng));
        let regime = if vix < 20.0 {
            "calm"
        } else if vix < 30.0 {
            "elevated"
        } else {
            "stress"
        };
        out.push(MarketDay {
            date,
            vix,
            vix_futures: futs,
            spx,
            targets: vec![target],
            funding_rate: 0.0001 + 0.0002 * z[3],
            regime: regime.to_string(),
            vol_of_vol: Some((0.8 + 0.02 * (vix - mean)).max(0.4)),
            crypto_vol: Vec::new(),
        });
        let sigma = vix / 100.0;
        let r_spx = -0.5 * sigma * sigma * dt
            + sigma * dt.sqrt() * (rho * z[0] + (1.0 - rho * rho).sqrt() * z[1]);
        spx *= r_spx.exp();
        target *= (1.5 * r_spx + 0.0004 - 0.5 * 0.02 * 0.02 + 0.02 * z[2]).exp();
        ln_v += kappa * (mean.ln() - ln_v) * dt + nu * dt.sqrt() * z[0];
        date = date.succ_opt().unwrap_or(date);
    }
    out
}
