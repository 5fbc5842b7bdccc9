//! The crypto hedge layers: options on BTC and ETH (Deribit convention, inverse or linear),
//! a static short spot position, and the venue-default switch shared with the short perp.
//!
//! # Crypto options ([`CryptoOptionLayer`])
//! European puts, calls or put spreads on target `target` (one option per coin, multiplier 1),
//! opened for `tenor_days` calendar days with strikes at fixed multiples of the day's price
//! (forward = spot: the crypto futures basis is not modelled), sized at the open to
//! `hedge_ratio · w(regime) · exposure / price` coins, held to expiry and settled on the first
//! market day on or after it at the intrinsic value against that day's price (the close stands
//! in for Deribit's 08:00 UTC fixing), then reopened the same day.
//!
//! Each day every leg is marked by Black-76 on the day's price at the day's implied vol for the
//! target ([`MarketDay::crypto_vol`], decimal; the layer's `fallback_vol` on days without one)
//! skewed per leg by [`crosshedge_hedging::skewed_vol`] around the day's price.
//!
//! **Inverse versus linear, for a USD-based holder.** An inverse option's premium `c₀` coins is
//! paid in coin bought at that day's price, so its USD cost is `c₀ S₀ = B₀` (the Black value in
//! USD at zero coin rates); it is marked daily at `c_t S_t`, which with forward = spot is the
//! undiscounted Black value `B_t`; at expiry it pays `payoff / S_T` coins, worth the USD payoff.
//! A linear option is the same in USDC discounted at the USD rate. So the layer books both in
//! USD at Black-76 with rate `0` (inverse) or the run's rate (linear): the USD P&L of the two
//! differ only by that discounting.
//!
//! Costs: a half-spread of half a vol point times the leg's vega plus Deribit's taker fee of
//! 0.03 % of the underlying capped at 12.5 % of the option's price (both folded into the
//! quote's half-spread), plus the run's commission per contract.
//!
//! # Static short spot ([`ShortSpotLayer`])
//! Short `hedge_ratio · exposure / price` coins on the first day with a market (weighted by the
//! regime weight of that day), never resized: borrowed coin sold, carried as a margined position
//! (its P&L reaches cash daily), no funding, no borrow fee (stated: a borrow rate would add a
//! carry), commission in bps of notional on an exchange.
//!
//! # Venue default
//! A layer with `venue_default = Some(date)` (its venue failed that day, from the episode
//! catalogue's `venue-default`) loses, on the first market day on or after `date`, everything
//! held at the venue: an option's marked value; a perp's posted collateral
//! (`collateral_fraction` of its notional) plus its variation margin and funding since the
//! holder last settled the account ([`Ledger::venue_default`], floored at zero). The holder
//! settles a perp's account every [`SWEEP_DAYS`] calendar days (gains withdrawn, losses topped
//! up, collateral reset to the fraction of the current notional), so the venue holds at most
//! about a month of P&L. The holder re-hedges at a solvent venue from the next market day on.

use chrono::NaiveDate as Date;
use crosshedge_hedging::{skewed_vol, CryptoOptionType};
use crosshedge_pricing::{black76_greeks, Black76Inputs, OptionKind};
use serde::Serialize;

use crate::engine::{pricing_err, Context, Layer, MarketDay, RegimeWeights};
use crate::error::BacktestError;
use crate::ledger::{CommissionBasis, Instrument, Ledger, PositionId, Quote, Settlement, Venue};

/// Half the bid–ask spread of a crypto option, in vol points (decimal: 0.005 = half a point).
pub const OPTION_HALF_SPREAD_VOL: f64 = 0.005;

/// Deribit's option taker fee as a fraction of the underlying's price.
pub const DERIBIT_FEE_OF_UNDERLYING: f64 = 0.0003;

/// The cap of Deribit's option fee as a fraction of the option's price.
pub const DERIBIT_FEE_CAP_OF_PRICE: f64 = 0.125;

/// Calendar days between the holder's settlements of a perp account at its venue.
pub const SWEEP_DAYS: i64 = 30;

/// Collateral a short perp hedge posts at its venue, as a fraction of its notional (2×
/// leverage: a 50 % rally before the position is at risk of liquidation).
pub const DEFAULT_COLLATERAL_FRACTION: f64 = 0.5;

/// One held option leg.
#[derive(Clone, Copy, Debug, PartialEq)]
struct HeldLeg {
    id: PositionId,
    strike: f64,
    kind: OptionKind,
}

/// Long crypto options (single puts or calls, or put spreads) on one target; see the module
/// docs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CryptoOptionLayer {
    /// Name.
    pub name: String,
    /// Index of the coin's price in `MarketDay::targets`.
    pub target: usize,
    /// Put, call or put spread.
    pub option: CryptoOptionType,
    /// Strike / price of the long leg (and of the short leg of a put spread).
    pub moneyness: (f64, f64),
    /// Calendar days from open to expiry (≥ 1).
    pub tenor_days: i64,
    /// Coins per unit of exposure value / price.
    pub hedge_ratio: f64,
    /// Regime weights.
    pub weights: RegimeWeights,
    /// The discount rate of the legs: 0 for inverse options, the USD rate for linear ones.
    pub rate: f64,
    /// Put-skew slope ([`crosshedge_hedging::skewed_vol`]).
    pub skew: f64,
    /// At-the-money vol on days without one of their own (decimal).
    pub fallback_vol: f64,
    /// The date the layer's venue failed, if it did.
    pub venue_default: Option<Date>,
    /// The option contract's label (`BTC`, `ETH`).
    pub coin: String,
    #[serde(skip)]
    held: Vec<(HeldLeg, f64)>,
    #[serde(skip)]
    expiry: Option<Date>,
    #[serde(skip)]
    defaulted: bool,
}

impl CryptoOptionLayer {
    /// A layer with nothing open.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: &str,
        coin: &str,
        target: usize,
        option: CryptoOptionType,
        moneyness: (f64, f64),
        tenor_days: i64,
        hedge_ratio: f64,
        weights: RegimeWeights,
        rate: f64,
        skew: f64,
        fallback_vol: f64,
    ) -> Self {
        Self {
            name: name.to_string(),
            target,
            option,
            moneyness,
            tenor_days: tenor_days.max(1),
            hedge_ratio,
            weights,
            rate,
            skew,
            fallback_vol,
            venue_default: None,
            coin: coin.to_string(),
            held: Vec::new(),
            expiry: None,
            defaulted: false,
        }
    }

    /// The layer on a venue that fails on `date`.
    #[must_use]
    pub fn with_venue_default(mut self, date: Option<Date>) -> Self {
        self.venue_default = date;
        self
    }

    fn vol(&self, day: &MarketDay) -> f64 {
        day.crypto_vol.get(self.target).copied().flatten().unwrap_or(self.fallback_vol)
    }

    /// Value and vega of a leg on `day` at spot `s`.
    fn leg_value(
        &self,
        day: &MarketDay,
        s: f64,
        strike: f64,
        kind: OptionKind,
        expiry: Date,
    ) -> Result<(f64, f64), BacktestError> {
        let t = ((expiry - day.date).num_days() as f64 / 365.0).max(0.0);
        if t == 0.0 {
            return Ok((kind.payoff(s, strike), 0.0));
        }
        let g = black76_greeks(&Black76Inputs {
            kind,
            forward: s,
            strike,
            vol: skewed_vol(self.vol(day), self.skew, s, strike),
            t_years: t,
            rate: self.rate,
        })
        .map_err(pricing_err(day.date))?;
        Ok((g.price, g.vega))
    }

    fn quote(price: f64, vega: f64, s: f64) -> Quote {
        let fee = (DERIBIT_FEE_OF_UNDERLYING * s).min(DERIBIT_FEE_CAP_OF_PRICE * price);
        Quote { mid: price, half_spread: OPTION_HALF_SPREAD_VOL * vega + fee }
    }

    fn legs(&self, s: f64) -> Vec<(f64, OptionKind, f64)> {
        match self.option {
            CryptoOptionType::Put => vec![(self.moneyness.0 * s, OptionKind::Put, 1.0)],
            CryptoOptionType::Call => vec![(self.moneyness.0 * s, OptionKind::Call, 1.0)],
            CryptoOptionType::PutSpread => vec![
                (self.moneyness.0 * s, OptionKind::Put, 1.0),
                (self.moneyness.1 * s, OptionKind::Put, -1.0),
            ],
        }
    }
}

impl Layer for CryptoOptionLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        let s =
            day.target_price(self.target, "more than the crypto option layer's target index")?;
        if !self.defaulted && self.venue_default.is_some_and(|d| day.date >= d) {
            for (leg, _) in self.held.drain(..) {
                ledger.venue_default(day.date, leg.id, 0.0, None)?;
            }
            self.expiry = None;
            self.defaulted = true;
            // The holder re-hedges at a solvent venue from the next market day.
            return Ok(());
        }
        if let Some(expiry) = self.expiry {
            if day.date >= expiry {
                for (leg, _) in self.held.drain(..) {
                    ledger.settle(day.date, leg.id, leg.kind.payoff(s, leg.strike))?;
                }
                self.expiry = None;
            } else {
                for (leg, _) in &self.held {
                    let (p, _) = self.leg_value(day, s, leg.strike, leg.kind, expiry)?;
                    ledger.mark(day.date, leg.id, p)?;
                }
            }
        }
        if self.expiry.is_none() {
            let qty = self.hedge_ratio * self.weights.weight(&day.regime) * ctx.exposure_value / s;
            if qty == 0.0 || !qty.is_finite() {
                return Ok(());
            }
            let expiry = day.date + chrono::Duration::days(self.tenor_days);
            for (strike, kind, sign) in self.legs(s) {
                let (p, vega) = self.leg_value(day, s, strike, kind, expiry)?;
                let tag = if kind == OptionKind::Put { "P" } else { "C" };
                let inst = Instrument {
                    name: format!("{} {tag} {strike:.0} {expiry}", self.coin),
                    settlement: Settlement::Premium,
                    venue: Venue::Exchange,
                    multiplier: 1.0,
                    commission: CommissionBasis::PerContract,
                };
                let id = ledger.open(day.date, inst, sign * qty, Self::quote(p, vega, s))?;
                self.held.push((HeldLeg { id, strike, kind }, sign * qty));
            }
            self.expiry = Some(expiry);
        }
        Ok(())
    }
}

/// Static short spot on one target; see the module docs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShortSpotLayer {
    /// Name.
    pub name: String,
    /// Index of the target in `MarketDay::targets`.
    pub target: usize,
    /// Fraction of the target's value sold short.
    pub hedge_ratio: f64,
    /// Regime weights (read on the opening day only).
    pub weights: RegimeWeights,
    /// Half spread in basis points of the price.
    pub half_spread_bps: f64,
    #[serde(skip)]
    held: Option<PositionId>,
    #[serde(skip)]
    opened: bool,
}

impl ShortSpotLayer {
    /// A layer with nothing open.
    pub fn new(name: &str, target: usize, hedge_ratio: f64, weights: RegimeWeights) -> Self {
        Self {
            name: name.to_string(),
            target,
            hedge_ratio,
            weights,
            half_spread_bps: 2.0,
            held: None,
            opened: false,
        }
    }
}

impl Layer for ShortSpotLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        let price =
            day.target_price(self.target, "more than the short spot layer's target index")?;
        if let Some(id) = self.held {
            return ledger.mark(day.date, id, price);
        }
        if self.opened {
            return Ok(());
        }
        self.opened = true;
        let qty = -self.hedge_ratio * self.weights.weight(&day.regime) * ctx.exposure_value / price;
        if qty != 0.0 && qty.is_finite() {
            let inst = Instrument {
                name: format!("SHORT SPOT target {}", self.target),
                settlement: Settlement::Margined,
                venue: Venue::Exchange,
                multiplier: 1.0,
                commission: CommissionBasis::Notional,
            };
            let quote = Quote { mid: price, half_spread: price * self.half_spread_bps / 1e4 };
            self.held = Some(ledger.open(day.date, inst, qty, quote)?);
        }
        Ok(())
    }
}
