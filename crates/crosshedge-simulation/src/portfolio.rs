//! The book in the form the engine revalues: exposures and sized hedge positions.

use crosshedge_hedging::{
    crypto_option_rate, lp_value, skewed_vol, Asset, Book, CryptoOptionType, Exposure, HedgePlan,
    Instrument, LayerPosition,
};
use crosshedge_pricing::{black76_price, Black76Inputs, OptionKind};
use serde::Serialize;

use crate::model::{JointModel, TRADING_DAYS};
use crate::SimulationError;

/// Levels the simulation starts from (crypto and NFT exposures are in USD, so only their
/// returns matter).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StartState {
    /// Spot VIX (> 0).
    pub vix: f64,
    /// SPX level (> 0); must be the level the plan's SPX strikes were set at.
    pub spx: f64,
    /// Initial regime (0 calm, 1 normal, 2 stress).
    pub regime: usize,
}

/// A sized hedge position as the engine revalues it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum HedgePosition {
    /// Long `q` VIX futures (USD per point `q × 1000` folded into `units`).
    VixFuture {
        /// Contracts × multiplier.
        units: f64,
        /// Expiry in trading days from the start.
        expiry: usize,
        /// Model futures price at the start.
        f0: f64,
    },
    /// Long VIX call spreads.
    VixCallSpread {
        /// Spreads × multiplier.
        units: f64,
        /// `[long, short]` strikes.
        strikes: [f64; 2],
        /// Expiry in trading days.
        expiry: usize,
        /// Value of one spread per point at the start.
        v0: f64,
    },
    /// Long a constant-maturity VIX futures ETP.
    VolEtp {
        /// USD notional.
        units: f64,
    },
    /// Short a BTC perp.
    ShortPerp {
        /// USD notional.
        units: f64,
    },
    /// Static short BTC spot (no funding, never resized).
    ShortSpot {
        /// USD notional.
        units: f64,
    },
    /// Long crypto options (a single put or call, or a put spread) on BTC or ETH, priced by
    /// Black-76 on the coin's simulated price (forward = spot) at a vol that follows the
    /// regime: `σ_t = σ₀ · vol_r(coin) / vol_{r₀}(coin)` at the money, each leg at its skewed
    /// vol ([`crosshedge_hedging::skewed_vol`] around the simulated forward).
    CryptoOption {
        /// Coins (options on one coin each).
        units: f64,
        /// The coin's factor: 1 BTC, 2 ETH.
        factor: usize,
        /// `+1` calls, `−1` puts.
        theta: f64,
        /// Strikes (USD) of the legs; a single option's second leg has weight 0.
        strikes: [f64; 2],
        /// Weights of the legs: `[1, 0]` single, `[1, −1]` spread.
        weights: [f64; 2],
        /// Expiry in trading days.
        expiry: usize,
        /// Coin spot at the start.
        spot0: f64,
        /// At-the-money vol at the start (decimal).
        vol0: f64,
        /// Put-skew slope.
        skew: f64,
        /// The vol multiplier of each regime, `vol_r(coin) / vol_{r₀}(coin)`.
        regime_scale: [f64; 3],
        /// Discount rate (the USD rate for linear options, 0 for inverse).
        rate: f64,
        /// Value of one unit at the start (USD).
        v0: f64,
    },
    /// Long SPX put spreads.
    SpxPutSpread {
        /// Spreads × multiplier.
        units: f64,
        /// `[long, short]` strikes.
        strikes: [f64; 2],
        /// Expiry in trading days.
        expiry: usize,
        /// Value of one spread per point at the start.
        v0: f64,
    },
}

/// Exposures and hedges of a book, ready to revalue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Portfolio {
    /// BTC spot USD value.
    pub btc_spot: f64,
    /// ETH spot USD value.
    pub eth_spot: f64,
    /// NFT inventory USD value.
    pub nft_value: f64,
    /// NFT carry cost per year (USD).
    pub nft_carry_per_year: f64,
    /// Perps: asset and signed USD notional.
    pub perps: Vec<(Asset, f64)>,
    /// LPs: asset, USD value, range.
    pub lps: Vec<(Asset, f64, [f64; 2])>,
    /// Hedge positions (inactive or zero-size layers are left out).
    pub hedges: Vec<HedgePosition>,
    /// Starting levels.
    pub start: StartState,
}

/// Expiry in trading days of a tenor in calendar days: `max(1, round(τ · 252/365))`.
pub fn expiry_steps(tenor_days: u32) -> usize {
    ((f64::from(tenor_days) * TRADING_DAYS / 365.0).round() as usize).max(1)
}

pub(crate) fn spread_value(
    kind: OptionKind,
    f: f64,
    k: [f64; 2],
    vol: f64,
    t: f64,
    rate: f64,
) -> Result<f64, SimulationError> {
    let leg =
        |strike| black76_price(&Black76Inputs { kind, forward: f, strike, vol, t_years: t, rate });
    Ok(leg(k[0])? - leg(k[1])?)
}

impl Portfolio {
    /// Builds the revaluable portfolio from a book and its sized plan, pricing the hedges at
    /// the start with the model (futures by [`crate::FuturesModel::price`], VIX options by
    /// Black-76 at the initial regime's implied vol, SPX options by Black–Scholes at VIX/100).
    ///
    /// # Errors
    /// [`SimulationError::InvalidSetting`] for a bad start state or a plan that does not match
    /// the book; pricing errors.
    pub fn new(
        book: &Book,
        plan: &HedgePlan,
        model: &JointModel,
        start: StartState,
    ) -> Result<Self, SimulationError> {
        if !(start.vix > 0.0 && start.vix.is_finite()) {
            return Err(SimulationError::InvalidSetting {
                name: "start.vix",
                requirement: "must be positive",
                value: start.vix,
            });
        }
        if !(start.spx > 0.0 && start.spx.is_finite()) {
            return Err(SimulationError::InvalidSetting {
                name: "start.spx",
                requirement: "must be positive",
                value: start.spx,
            });
        }
        if start.regime > 2 {
            return Err(SimulationError::InvalidSetting {
                name: "start.regime",
                requirement: "must be 0, 1 or 2",
                value: start.regime as f64,
            });
        }
        if plan.layers.len() != book.layers.len() {
            return Err(SimulationError::InvalidSetting {
                name: "plan.layers",
                requirement: "must match the book's layers",
                value: plan.layers.len() as f64,
            });
        }
        let mut p = Self {
            btc_spot: 0.0,
            eth_spot: 0.0,
            nft_value: 0.0,
            nft_carry_per_year: 0.0,
            perps: Vec::new(),
            lps: Vec::new(),
            hedges: Vec::new(),
            start,
        };
        for e in &book.exposures {
            match e {
                Exposure::BtcSpot { value } => p.btc_spot += value,
                Exposure::EthSpot { value } => p.eth_spot += value,
                Exposure::NftInventory { value, carry_per_year } => {
                    p.nft_value += value;
                    p.nft_carry_per_year += value * carry_per_year;
                }
                Exposure::Perp { asset, notional } => p.perps.push((*asset, *notional)),
                Exposure::AmmLp { asset, value, range } => p.lps.push((*asset, *value, *range)),
            }
        }
        let x0 = start.vix.ln();
        let vov = model.regimes[start.regime].vix_option_vol;
        for l in &plan.layers {
            if !l.active || l.quantity == 0.0 {
                continue;
            }
            let expiry = expiry_steps(l.tenor_days);
            let t = expiry as f64 / TRADING_DAYS;
            let units = l.quantity * l.multiplier;
            let k = l.strikes.unwrap_or([1.0, 1.0]);
            p.hedges.push(match l.instrument {
                Instrument::VixFuture => HedgePosition::VixFuture {
                    units,
                    expiry,
                    f0: model.futures.price(x0, expiry as f64),
                },
                Instrument::VixCallSpread => {
                    let f = model.futures.price(x0, expiry as f64);
                    HedgePosition::VixCallSpread {
                        units,
                        strikes: k,
                        expiry,
                        v0: spread_value(OptionKind::Call, f, k, vov, t, model.rate)?,
                    }
                }
                Instrument::VolEtp => HedgePosition::VolEtp { units },
                Instrument::ShortPerp => HedgePosition::ShortPerp { units },
                Instrument::ShortSpot => HedgePosition::ShortSpot { units },
                Instrument::BtcPut
                | Instrument::BtcPutSpread
                | Instrument::BtcCall
                | Instrument::EthPut
                | Instrument::EthPutSpread
                | Instrument::EthCall => {
                    crypto_position(book, l, model, start.regime, expiry, units)?
                }
                Instrument::SpxPutSpread => {
                    let fwd = start.spx * ((model.rate - model.spx_div_yield) * t).exp();
                    HedgePosition::SpxPutSpread {
                        units,
                        strikes: k,
                        expiry,
                        v0: spread_value(
                            OptionKind::Put,
                            fwd,
                            k,
                            start.vix / 100.0,
                            t,
                            model.rate,
                        )?,
                    }
                }
            });
        }
        Ok(p)
    }

    /// Value (USD, per coin) of one unit of a [`HedgePosition::CryptoOption`] after `t` trading
    /// days, where the cumulative log returns are `l = [spx, btc, eth, nft latent]` and the
    /// regime is `regime`, by Black-76 with the exact normal cdf (the reference the engine's
    /// fast revaluation is tested against); NaN for any other position.
    pub fn crypto_unit_value(h: &HedgePosition, l: &[f64; 4], regime: usize, t: usize) -> f64 {
        match *h {
            HedgePosition::CryptoOption {
                factor,
                theta,
                strikes,
                weights,
                expiry,
                spot0,
                vol0,
                skew,
                regime_scale,
                rate,
                ..
            } => {
                let s = spot0 * l[factor].exp();
                if t >= expiry {
                    return weights[0] * (theta * (s - strikes[0])).max(0.0)
                        + weights[1] * (theta * (s - strikes[1])).max(0.0);
                }
                let tau = (expiry - t) as f64 / TRADING_DAYS;
                let atm = vol0 * regime_scale[regime];
                let kind = if theta > 0.0 { OptionKind::Call } else { OptionKind::Put };
                let leg = |k: f64| {
                    black76_price(&Black76Inputs {
                        kind,
                        forward: s,
                        strike: k,
                        vol: skewed_vol(atm, skew, s, k),
                        t_years: tau,
                        rate,
                    })
                    .unwrap_or(f64::NAN)
                };
                weights[0] * leg(strikes[0])
                    + if weights[1] != 0.0 { weights[1] * leg(strikes[1]) } else { 0.0 }
            }
            _ => f64::NAN,
        }
    }

    /// P&L of the exposures (no hedges) after `t` trading days, from cumulative log returns
    /// `l = [spx, btc, eth, nft latent]`, the NFT mark's cumulative log return and the
    /// cumulative funding per unit notional.
    ///
    /// # Formula
    /// `B(e^{l_btc} − 1) + E(e^{l_eth} − 1) + V_nft(e^{mark} − 1) − carry · t/252
    ///  + Σ perps N (e^{l_a} − 1) − N · funding + Σ LPs (lp_value(V, range, e^{l_a}) − V)`.
    #[inline(always)]
    pub(crate) fn exposure_pnl(&self, gb: f64, ge: f64, gn: f64, fund: f64, t: usize) -> f64 {
        let mut v =
            self.btc_spot * (gb - 1.0) + self.eth_spot * (ge - 1.0) + self.nft_value * (gn - 1.0)
                - self.nft_carry_per_year * t as f64 / TRADING_DAYS;
        for (a, n) in &self.perps {
            let g = match a {
                Asset::Btc => gb,
                Asset::Eth => ge,
                Asset::Nft => gn,
            };
            v += n * (g - 1.0) - n * fund;
        }
        for (a, val, range) in &self.lps {
            let g = match a {
                Asset::Btc => gb,
                Asset::Eth => ge,
                Asset::Nft => gn,
            };
            v += lp_value(*val, *range, g) - val;
        }
        v
    }
}

/// The simulated form of a sized crypto option layer: strikes from the plan, the vol it was
/// priced at, the regime scaling of the model's coin vol.
fn crypto_position(
    book: &Book,
    l: &LayerPosition,
    model: &JointModel,
    start_regime: usize,
    expiry: usize,
    units: f64,
) -> Result<HedgePosition, SimulationError> {
    let Some((asset, ty)) = l.instrument.crypto_option() else {
        return Err(SimulationError::InvalidSetting {
            name: "plan.layers.instrument",
            requirement: "must be a crypto option",
            value: f64::NAN,
        });
    };
    let layer = book.layers.iter().find(|b| b.name == l.name && b.instrument == l.instrument);
    let settlement = layer.and_then(|b| b.settlement).unwrap_or_default();
    let rate = crypto_option_rate(settlement, model.rate);
    let factor = if asset == Asset::Eth { 2 } else { 1 };
    let cv = l.crypto_vol.ok_or(SimulationError::InvalidSetting {
        name: "plan.layers.crypto_vol",
        requirement: "must be set for a crypto option layer",
        value: f64::NAN,
    })?;
    let k = l.strikes.unwrap_or([l.underlying, l.underlying]);
    let (theta, weights) = match ty {
        CryptoOptionType::Put => (-1.0, [1.0, 0.0]),
        CryptoOptionType::Call => (1.0, [1.0, 0.0]),
        CryptoOptionType::PutSpread => (-1.0, [1.0, -1.0]),
    };
    let base = model.regimes[start_regime].vol[factor];
    let regime_scale: [f64; 3] =
        std::array::from_fn(|r| if base > 0.0 { model.regimes[r].vol[factor] / base } else { 1.0 });
    let mut h = HedgePosition::CryptoOption {
        units,
        factor,
        theta,
        strikes: k,
        weights,
        expiry,
        spot0: l.underlying,
        vol0: cv.atm,
        skew: cv.skew,
        regime_scale,
        rate,
        v0: 0.0,
    };
    let v0 = Portfolio::crypto_unit_value(&h, &[0.0; 4], start_regime, 0);
    if !v0.is_finite() {
        return Err(SimulationError::InvalidSetting {
            name: "crypto option value",
            requirement: "must be finite",
            value: v0,
        });
    }
    if let HedgePosition::CryptoOption { v0: slot, .. } = &mut h {
        *slot = v0;
    }
    Ok(h)
}
