//! The hedge book of `crosshedge-hedging` as the engine runs it: its layers, sized by
//! [`crosshedge_hedging::size_book`], become engine [`Layer`]s with regime weights from their
//! triggers, and its exposures become an [`ExposureBook`].
//!
//! Day labels (the [`MarketDay::regime`](crate::MarketDay::regime) the weights read) are
//! `<band>[+macd][+rsi][+vix-signal]`: the VIX band of the previous close and the replayed
//! signals on at that close ([`day_labels`]). A trigger is then a set of labels:
//! `always` → weight 1 every day; `vix-band` → 1 on the labels of its bands; `signal` → 1 on
//! the labels containing the signal, for the signals in [`REPLAYED_SIGNALS`].

use crosshedge_hedging::{
    crypto_option_rate, Asset, Band, Book, CoinVol, Exposure, Instrument, LayerPosition,
    MacroEventKind, Rebalance, StrikeRule, Trigger,
};
use crosshedge_labels::episodes::VenueDefault;
use crosshedge_labels::events::EventKind;

use crate::crypto::{CryptoOptionLayer, ShortSpotLayer};

use crate::engine::{
    RegimeWeights, RollRule, ShortPerpLayer, SpxPutSpreadLayer, SpxVol, VixCallSpreadLayer,
    VixFuturesLayer, VolEtpLayer,
};
use crate::exposure::{ExposureBook, ExposureKind, ExposureSpec, Rebalance as EngineRebalance};
use crate::{CostModel, Layer};

/// Signals the backtest replays from the VIX history: `macd` (MACD(12,26,9) above its signal
/// line), `rsi` (Wilder RSI(14) above 70) and `vix-signal` (either).
pub const REPLAYED_SIGNALS: [&str; 3] = ["macd", "rsi", "vix-signal"];

/// Scheduled-roll lead of the backtest's VIX layers: a position is rolled this many calendar
/// days before its expiry.
pub const ROLL_DAYS_BEFORE: i64 = 5;

/// Every day label the backtest can produce: each band alone and with the signal sets that
/// can be on together (`vix-signal` is on whenever `macd` or `rsi` is).
pub fn day_labels() -> Vec<String> {
    let mut out = Vec::new();
    for b in [Band::Calm, Band::Normal, Band::Stress] {
        let b = band_name(b);
        out.push(b.to_string());
        out.push(format!("{b}+macd+vix-signal"));
        out.push(format!("{b}+rsi+vix-signal"));
        out.push(format!("{b}+macd+rsi+vix-signal"));
    }
    out
}

/// The label of a VIX band: `calm`, `normal` or `stress`.
pub fn band_name(b: Band) -> &'static str {
    match b {
        Band::Calm => "calm",
        Band::Normal => "normal",
        Band::Stress => "stress",
    }
}

/// The regime weights of a trigger over [`day_labels`]; `None` for a signal that is not
/// replayed.
pub fn regime_weights(trigger: &Trigger) -> Option<RegimeWeights> {
    let on = |keep: &dyn Fn(&str) -> bool| RegimeWeights {
        default: 0.0,
        by_regime: day_labels().into_iter().filter(|l| keep(l)).map(|l| (l, 1.0)).collect(),
    };
    match trigger {
        Trigger::Always => Some(RegimeWeights::constant(1.0)),
        Trigger::VixBand { bands } => {
            Some(on(&|l: &str| bands.iter().any(|b| l.split('+').next() == Some(band_name(*b)))))
        }
        Trigger::Signal { name } if REPLAYED_SIGNALS.contains(&name.as_str()) => {
            Some(on(&|l: &str| l.split('+').any(|p| p == name)))
        }
        Trigger::Signal { .. } => None,
    }
}

/// The engine's event kind of a book's `[rolls]` event.
pub fn event_kind(e: MacroEventKind) -> EventKind {
    match e {
        MacroEventKind::Fomc => EventKind::Fomc,
        MacroEventKind::Cpi => EventKind::Cpi,
        MacroEventKind::Ppi => EventKind::Ppi,
    }
}

/// The book's layers as engine layers.
pub struct BookLayers {
    /// The engine layers, in the book's order.
    pub layers: Vec<Box<dyn Layer>>,
    /// Each layer run and its notional per unit of exposure (sized notional over the plan's
    /// target notional).
    pub used: Vec<(String, f64)>,
    /// Layers not run, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl std::fmt::Debug for BookLayers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookLayers")
            .field("used", &self.used)
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

/// Maps each layer of `book`, sized in `positions` (the same order: the
/// [`HedgePlan::layers`](crosshedge_hedging::HedgePlan::layers) of `size_book`, whose
/// `target_notional` is the USD notional hedged), onto an engine layer: notional per unit of
/// exposure = |quantity| × underlying × multiplier / target notional; strikes from
/// the layer's moneyness rule, else the plan's strikes over the underlying, else the defaults
/// (VIX calls 1.0/1.5, SPX puts 0.95/0.85 of spot); VIX layers roll
/// [`ROLL_DAYS_BEFORE`] days before expiry into a future at least ⅔ of the tenor away; VIX
/// options are priced at `vol_of_vol` (decimal) where a day has no vol of its own; SPX puts at
/// VIX/100. A `signal` trigger on a signal that is not replayed skips its layer.
pub fn hedge_layers(
    book: &Book,
    positions: &[LayerPosition],
    target_notional: f64,
    vol_of_vol: f64,
) -> BookLayers {
    hedge_layers_with(
        book,
        positions,
        target_notional,
        &LayerSettings { vol_of_vol, rate: 0.0, venue_defaults: Vec::new() },
    )
}

/// What the engine layers need besides the book and its plan.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSettings {
    /// The VIX options' vol on days without one (decimal).
    pub vol_of_vol: f64,
    /// The USD rate linear crypto options are discounted at (continuously compounded).
    pub rate: f64,
    /// Venues that failed (the episode catalogue's `venue-default`s).
    pub venue_defaults: Vec<VenueDefault>,
}

/// [`hedge_layers`] with the rate of linear crypto options and the venue failures: a perp or
/// crypto option layer whose `venue` failed gets that date (the first failure of the venue on
/// record); crypto options become [`CryptoOptionLayer`]s on their coin's target (btc 0, eth 1)
/// at the plan's strikes over the underlying, its vol as the fallback, the layer's skew and
/// the discount rate of its settlement; short spot a [`ShortSpotLayer`] on BTC.
pub fn hedge_layers_with(
    book: &Book,
    positions: &[LayerPosition],
    target_notional: f64,
    settings: &LayerSettings,
) -> BookLayers {
    let vol_of_vol = settings.vol_of_vol;
    let failed = |venue: &Option<String>| -> Option<chrono::NaiveDate> {
        let v = venue.as_deref()?;
        settings.venue_defaults.iter().filter(|d| d.venue == v).map(|d| d.date).min()
    };
    let target_notional = target_notional.max(f64::MIN_POSITIVE);
    let mut out = BookLayers { layers: Vec::new(), used: Vec::new(), skipped: Vec::new() };
    for (bl, pos) in book.layers.iter().zip(positions) {
        let Some(weights) = regime_weights(&bl.trigger) else {
            if let Trigger::Signal { name } = &bl.trigger {
                out.skipped.push((
                    bl.name.clone(),
                    format!(
                        "signal '{name}' is not replayed (replayed: {})",
                        REPLAYED_SIGNALS.join(", ")
                    ),
                ));
            }
            continue;
        };
        let ratio = pos.quantity.abs() * pos.underlying * pos.multiplier / target_notional;
        let strikes = |default: (f64, f64)| match (bl.strike, pos.strikes) {
            (Some(StrikeRule::Moneyness { long, short }), _) => (long, short),
            (_, Some(k)) if pos.underlying > 0.0 => (k[0] / pos.underlying, k[1] / pos.underlying),
            _ => default,
        };
        let roll = RollRule {
            min_days_at_open: i64::from(bl.tenor_days) * 2 / 3,
            roll_days_before: ROLL_DAYS_BEFORE,
        };
        let layer: Box<dyn Layer> = match bl.instrument {
            Instrument::VixCallSpread => Box::new(VixCallSpreadLayer::new(
                &bl.name,
                ratio,
                weights,
                strikes((1.0, 1.5)),
                vol_of_vol,
                roll,
            )),
            Instrument::VixFuture => Box::new(VixFuturesLayer::new(&bl.name, ratio, weights, roll)),
            Instrument::SpxPutSpread => {
                let (long, short) = strikes((0.95, 0.85));
                Box::new(SpxPutSpreadLayer::new(
                    &bl.name,
                    ratio,
                    weights,
                    (short.min(long), short.max(long)),
                    SpxVol::FromVix { scale: 1.0 },
                ))
            }
            Instrument::ShortPerp => Box::new(
                ShortPerpLayer::new(&bl.name, 0, ratio, weights)
                    .with_venue_default(failed(&bl.venue)),
            ),
            Instrument::ShortSpot => Box::new(ShortSpotLayer::new(&bl.name, 0, ratio, weights)),
            Instrument::BtcPut
            | Instrument::BtcPutSpread
            | Instrument::BtcCall
            | Instrument::EthPut
            | Instrument::EthPutSpread
            | Instrument::EthCall => {
                let Some((asset, ty)) = bl.instrument.crypto_option() else { continue };
                let moneyness = match (pos.strikes, bl.strike) {
                    (Some(k), _) if pos.underlying > 0.0 => {
                        (k[0] / pos.underlying, k[1] / pos.underlying)
                    }
                    (_, Some(StrikeRule::Moneyness { long, short })) => (long, short),
                    _ => (bl.single_moneyness(), 0.7),
                };
                let cv = pos.crypto_vol.unwrap_or(CoinVol { atm: 0.6, skew: 0.0 });
                let rate = crypto_option_rate(bl.settlement.unwrap_or_default(), settings.rate);
                let ratio = pos.quantity.abs() * pos.underlying * pos.multiplier / target_notional;
                Box::new(
                    CryptoOptionLayer::new(
                        &bl.name,
                        &asset_name(asset).to_uppercase(),
                        target_index(asset),
                        ty,
                        moneyness,
                        i64::from(bl.tenor_days),
                        ratio,
                        weights,
                        rate,
                        cv.skew,
                        cv.atm,
                    )
                    .with_venue_default(failed(&bl.venue)),
                )
            }
            Instrument::VolEtp => Box::new(VolEtpLayer::new(&bl.name, ratio, weights)),
        };
        out.used.push((bl.name.clone(), ratio));
        out.layers.push(layer);
    }
    out
}

/// How the book's exposures are held and financed, resolved (flags, book, defaults) by the
/// caller.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExposurePolicy {
    /// Buy and hold or constant mix.
    pub rebalance: Rebalance,
    /// Market days between constant-mix rebalances (≥ 1).
    pub rebalance_days: u32,
    /// Cash account rate (decimal a year, continuously compounded, Act/365).
    pub cash_rate: f64,
    /// Fee income of AMM LPs (fraction of value a year, in range).
    pub lp_fee_apr: f64,
    /// Slippage of the exposures' trades (bps of the price).
    pub slippage_bps: f64,
    /// Gas per on-chain trade (USD).
    pub gas_per_action_usd: f64,
}

/// The index of an asset's price among the targets: btc 0, eth 1, nft 2.
pub fn target_index(asset: Asset) -> usize {
    match asset {
        Asset::Btc => 0,
        Asset::Eth => 1,
        Asset::Nft => 2,
    }
}

/// The lower-case name of an asset: `btc`, `eth` or `nft`.
pub fn asset_name(asset: Asset) -> &'static str {
    match asset {
        Asset::Btc => "btc",
        Asset::Eth => "eth",
        Asset::Nft => "nft",
    }
}

/// Maps the book's exposures onto an [`ExposureBook`] under `policy`, with `targets` prices
/// per day (btc, eth, nft in this order, see [`target_index`]). Exposures are named
/// `exposure <n> (<asset> <kind>)`; those whose asset has no target are returned with their
/// asset instead (not run).
pub fn exposure_book(
    book: &Book,
    targets: usize,
    policy: &ExposurePolicy,
) -> (ExposureBook, Vec<(String, Asset)>) {
    let mut specs = Vec::new();
    let mut skipped = Vec::new();
    for (i, e) in book.exposures.iter().enumerate() {
        let (asset, kind, value) = match e {
            Exposure::BtcSpot { value } => (Asset::Btc, ExposureKind::Spot, *value),
            Exposure::EthSpot { value } => (Asset::Eth, ExposureKind::Spot, *value),
            Exposure::NftInventory { value, carry_per_year } => {
                (Asset::Nft, ExposureKind::NftInventory { carry_per_year: *carry_per_year }, *value)
            }
            Exposure::Perp { asset, notional } => (*asset, ExposureKind::Perp, *notional),
            Exposure::AmmLp { asset, value, range } => {
                (*asset, ExposureKind::AmmLp { range: *range, fee_apr: policy.lp_fee_apr }, *value)
            }
        };
        let name = format!("exposure {} ({} {})", i + 1, asset_name(asset), kind.as_str());
        let target = target_index(asset);
        if target >= targets {
            skipped.push((name, asset));
            continue;
        }
        specs.push(ExposureSpec::new(&name, target, kind, value));
    }
    let costs = CostModel {
        commission_per_contract: 0.0,
        slippage_bps: policy.slippage_bps,
        gas_per_action_usd: policy.gas_per_action_usd,
        commission_bps: 0.0,
    };
    let book = ExposureBook {
        exposures: specs,
        rebalance: match policy.rebalance {
            Rebalance::BuyAndHold => EngineRebalance::BuyAndHold,
            Rebalance::ConstantMix => {
                EngineRebalance::ConstantMix { period_days: policy.rebalance_days as usize }
            }
        },
        cash_rate: policy.cash_rate,
        costs,
    };
    (book, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ExposurePolicy {
        ExposurePolicy {
            rebalance: Rebalance::ConstantMix,
            rebalance_days: 21,
            cash_rate: 0.04,
            lp_fee_apr: 0.23,
            slippage_bps: 2.0,
            gas_per_action_usd: 5.0,
        }
    }

    #[test]
    fn day_labels_cover_every_band_and_signal_set() {
        let l = day_labels();
        assert_eq!(l.len(), 12);
        assert!(l.contains(&"normal+macd+rsi+vix-signal".to_string()));
        assert!(l
            .iter()
            .all(|x| ["calm", "normal", "stress"].contains(&x.split('+').next().unwrap())));
    }

    #[test]
    fn triggers_become_weights_on_their_labels() {
        let w = regime_weights(&Trigger::VixBand { bands: vec![Band::Stress] }).unwrap();
        assert_eq!(w.weight("stress+rsi+vix-signal"), 1.0);
        assert_eq!(w.weight("normal"), 0.0);
        let w = regime_weights(&Trigger::Signal { name: "macd".into() }).unwrap();
        assert_eq!(w.weight("calm+macd+vix-signal"), 1.0);
        assert_eq!(w.weight("calm+rsi+vix-signal"), 0.0);
        assert_eq!(regime_weights(&Trigger::Always).unwrap().weight("anything"), 1.0);
        assert!(regime_weights(&Trigger::Signal { name: "ftx".into() }).is_none());
    }

    #[test]
    fn the_default_book_maps_every_layer_with_its_notional_ratio() {
        use crosshedge_hedging::PositionGreeks;
        let mut book = Book::default_layered();
        book.layers[0].trigger = Trigger::Signal { name: "not-replayed".into() };
        let positions: Vec<LayerPosition> = book
            .layers
            .iter()
            .map(|l| LayerPosition {
                name: l.name.clone(),
                instrument: l.instrument,
                active: true,
                tenor_days: l.tenor_days,
                underlying: 20.0,
                strikes: None,
                multiplier: 100.0,
                unit_price: 1.0,
                required_exposure: 0.0,
                unit_sensitivity: 0.0,
                quantity: -10.0,
                premium: 0.0,
                cost_per_year: 0.0,
                greeks: PositionGreeks::default(),
                crypto_vol: None,
            })
            .collect();
        let m = hedge_layers(&book, &positions, 1_000_000.0, 0.9);
        assert_eq!(m.layers.len(), book.layers.len() - 1);
        assert_eq!(m.used.len(), m.layers.len());
        assert_eq!(m.skipped.len(), 1);
        assert_eq!(m.skipped[0].0, book.layers[0].name);
        assert!(m.skipped[0].1.starts_with("signal 'not-replayed' is not replayed"));
        for ((name, ratio), l) in m.used.iter().zip(&m.layers) {
            assert_eq!(name, l.name());
            assert!((ratio - 10.0 * 20.0 * 100.0 / 1e6).abs() < 1e-15);
        }
    }

    #[test]
    fn exposures_without_a_target_are_returned_not_run() {
        let book = Book {
            exposures: vec![
                Exposure::BtcSpot { value: 100.0 },
                Exposure::NftInventory { value: 50.0, carry_per_year: 0.1 },
            ],
            ..Book::default()
        };
        let (x, skipped) = exposure_book(&book, 2, &policy());
        assert_eq!(x.exposures.len(), 1);
        assert_eq!(x.exposures[0].name, "exposure 1 (btc spot)");
        assert_eq!(skipped, vec![("exposure 2 (nft nft-inventory)".to_string(), Asset::Nft)]);
        assert_eq!(x.rebalance, EngineRebalance::ConstantMix { period_days: 21 });
        assert_eq!(x.costs.slippage_bps, 2.0);
        assert_eq!(event_kind(MacroEventKind::Cpi), EventKind::Cpi);
    }
}
