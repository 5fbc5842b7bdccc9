//! The daily backtest loop and the built-in hedge layers.
//!
//! # Model
//! The unhedged book is either
//! - [`BacktestConfig::book`] = `Some(ExposureBook)`: the book's own exposures (spot, NFT
//!   inventory with carry, perps with funding, AMM LPs with impermanent loss and fees) in
//!   their own [`Ledger`] with a cash account at a stated rate, held buy-and-hold or
//!   rebalanced to constant weights ([`crate::exposure`]); `U_t` is that ledger's equity and
//!   the layers size on the exposures' delta notionals; or
//! - `None` (the plain model): `exposure_units[i]` units of target `i`, worth
//!   `U_t = Σ_i units_i · price_{i,t}`, bought and held.
//!
//! The hedge programme is a second [`Ledger`] starting with zero
//! cash (premiums are financed at a zero rate, so the ledger's equity is the hedge P&L);
//! the hedged curve is `H_t = U_t + E_t` with `E_t` the ledger's equity after day `t`. With
//! no trades the ledger's equity stays exactly `0.0`, so `H_t = U_t` bit for bit.
//!
//! Each day the engine builds a [`Context`] and calls every [`Layer`] in order; a layer
//! marks its positions, books funding, and opens, rolls or closes by its rules. Then the
//! ledger's accounting identity is checked (see [`Ledger::check`]).
//!
//! # Volatility models
//! - VIX options: Black-76 on the VIX future of the option's expiry (never spot VIX), with
//!   the volatility `vol_of_vol` of the day when given (a VVIX-like implied vol of the VIX,
//!   decimal: VVIX / 100), otherwise the layer's constant `vol_of_vol` parameter.
//! - SPX options: Black–Scholes with [`SpxVol::Constant`] or [`SpxVol::FromVix`]
//!   (`scale · VIX / 100`: the VIX is the market's 30-day implied vol of the SPX).
//!
//! # Rolls
//! A position expiring on `T` is due to roll on the first day `d ≥ T − roll_days_before`.
//! When `move_rolls_before_events` is set and an event of the configured kinds (FOMC, CPI,
//! PPI) falls on a date `e` in the window `[S − event_window_days, S]` before the scheduled
//! roll date `S = T − roll_days_before`, with `e > d` and the next trading day on or after
//! `e`, the roll happens on `d`: the last trading day before the event.
//! A position still open on its expiry is cash-settled at intrinsic value against the
//! day's VIX (VIX options and futures) or SPX (SPX options).
//!
//! # Regime weights
//! Layer sizes are multiplied by [`RegimeWeights::weight`] of the day's regime label at each
//! open and roll; the short perp is resized whenever the weighted target size changes.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use chrono::NaiveDate as Date;
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::{EventCalendar, EventKind};
use crosshedge_pricing::{
    black76_price, black_scholes_price, Black76Inputs, BlackScholesInputs, OptionKind,
};
use serde::Serialize;

use crate::error::BacktestError;
use crate::exposure::{ExposureBook, ExposureReport, ExposureRun};
use crate::ledger::{
    AccountingCheck, CashFlow, CommissionBasis, CostModel, FlowKind, Instrument, Ledger,
    PositionId, Quote, Settlement, Venue,
};
use crate::metrics::{
    cost_of_carry, episode_protection, equity_metrics, CarryCost, EpisodeProtection, EquityMetrics,
};
use crate::xirr::{xirr, DatedFlow};

/// One VIX futures settlement on a day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FuturePoint {
    /// Expiry (final settlement) date.
    pub expiry: Date,
    /// Settlement price.
    pub settle: f64,
}

/// The market on one day: plain inputs, no I/O.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarketDay {
    /// Trading date.
    pub date: Date,
    /// Spot VIX (index points).
    pub vix: f64,
    /// VIX futures settlements, sorted by expiry.
    pub vix_futures: Vec<FuturePoint>,
    /// SPX level.
    pub spx: f64,
    /// Prices of the hedged targets (same order as `exposure_units`).
    pub targets: Vec<f64>,
    /// Perpetual funding booked on this market day (decimal of notional, positive: longs pay
    /// shorts): the sum of the daily funding over the calendar days since the previous market
    /// day, `(previous, date]` ([`crate::funding::calendar_day_funding`]).
    pub funding_rate: f64,
    /// Regime label (e.g. `"calm"`, `"stress"`).
    pub regime: String,
    /// Implied vol of the VIX (decimal, VVIX / 100) when known.
    pub vol_of_vol: Option<f64>,
    /// At-the-money implied vol of each target's options (decimal; same order as `targets`,
    /// `None` or missing entries: the crypto option layers' fallback vol).
    pub crypto_vol: Vec<Option<f64>>,
}

impl MarketDay {
    /// Checks the day: VIX, SPX, target prices and futures settlements finite and positive,
    /// futures strictly increasing in expiry, funding and vol of vol finite (vol of vol ≥ 0).
    ///
    /// # Errors
    /// [`BacktestError::InvalidInput`] naming the field, or [`BacktestError::Unsorted`].
    pub fn validate(&self) -> Result<(), BacktestError> {
        let positive = |name: &'static str, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(BacktestError::InvalidInput { name, value, expected: "finite and > 0" })
            }
        };
        positive("vix", self.vix)?;
        positive("spx", self.spx)?;
        for &p in &self.targets {
            positive("target price", p)?;
        }
        for p in &self.vix_futures {
            positive("vix future settle", p.settle)?;
        }
        for w in self.vix_futures.windows(2) {
            if w[1].expiry <= w[0].expiry {
                return Err(BacktestError::Unsorted { previous: w[0].expiry, date: w[1].expiry });
            }
        }
        if !self.funding_rate.is_finite() {
            return Err(BacktestError::InvalidInput {
                name: "funding rate",
                value: self.funding_rate,
                expected: "finite",
            });
        }
        for v in self.crypto_vol.iter().flatten() {
            positive("crypto implied vol", *v)?;
        }
        if let Some(v) = self.vol_of_vol.filter(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(BacktestError::InvalidInput {
                name: "vol of vol",
                value: v,
                expected: "finite and >= 0",
            });
        }
        Ok(())
    }

    /// The price of target `target`, for the layer `layer` (named in the error).
    ///
    /// # Errors
    /// [`BacktestError::BadLength`] when the day has no such target.
    pub fn target_price(&self, target: usize, layer: &'static str) -> Result<f64, BacktestError> {
        self.targets.get(target).copied().ok_or(BacktestError::BadLength {
            name: "targets",
            len: self.targets.len(),
            expected: layer,
        })
    }

    /// The futures settlement of `expiry`, if quoted.
    pub fn future(&self, expiry: Date) -> Option<f64> {
        self.vix_futures.iter().find(|p| p.expiry == expiry).map(|p| p.settle)
    }

    /// The first future with at least `min_days` calendar days to expiry.
    pub fn first_future_after(&self, min_days: i64) -> Option<FuturePoint> {
        self.vix_futures.iter().copied().find(|p| (p.expiry - self.date).num_days() >= min_days)
    }
}

/// Layer weights per regime label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegimeWeights {
    /// Weight of labels not listed.
    pub default: f64,
    /// Weight per label.
    pub by_regime: BTreeMap<String, f64>,
}

impl RegimeWeights {
    /// The same weight in every regime.
    pub fn constant(w: f64) -> Self {
        Self { default: w, by_regime: BTreeMap::new() }
    }

    /// The weight of `regime`.
    pub fn weight(&self, regime: &str) -> f64 {
        self.by_regime.get(regime).copied().unwrap_or(self.default)
    }
}

/// What a layer sees besides the market and the ledger.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Index of the day.
    pub day_index: usize,
    /// The next trading date, if any.
    pub next_date: Option<Date>,
    /// Unhedged value per target, `units_i · price_i`.
    pub exposure_values: &'a [f64],
    /// `Σ` of `exposure_values`.
    pub exposure_value: f64,
    /// Continuously compounded rate used in pricing.
    pub rate: f64,
    /// Macro events.
    pub calendar: &'a EventCalendar,
    /// Kinds of events rolls are moved ahead of.
    pub event_kinds: &'a [EventKind],
    /// Whether rolls are moved ahead of events.
    pub move_rolls_before_events: bool,
    /// Calendar days before a scheduled roll in which an event pulls the roll ahead.
    pub event_window_days: i64,
}

impl Context<'_> {
    /// Whether a position with scheduled roll date `scheduled` should roll on `date` (see
    /// the module docs).
    pub fn roll_due(&self, date: Date, scheduled: Date) -> bool {
        if date >= scheduled {
            return true;
        }
        if !self.move_rolls_before_events {
            return false;
        }
        let Some(after) = date.succ_opt() else { return false };
        let next_event = self
            .event_kinds
            .iter()
            .filter_map(|k| self.calendar.next_on_or_after(after, Some(k)).map(|e| e.date))
            .min();
        match next_event {
            Some(e)
                if e <= scheduled
                    && e >= scheduled - chrono::Duration::days(self.event_window_days) =>
            {
                self.next_date.is_none_or(|n| n >= e)
            }
            _ => false,
        }
    }
}

/// A hedge layer driven day by day.
pub trait Layer {
    /// Name used in reports.
    fn name(&self) -> &str;
    /// Marks, books, opens, rolls or closes for `day`.
    ///
    /// # Errors
    /// Pricing or ledger failures.
    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError>;
}

pub(crate) fn pricing_err(
    date: Date,
) -> impl Fn(crosshedge_pricing::PricingError) -> BacktestError {
    move |e| BacktestError::Pricing { date, message: e.to_string() }
}

fn years_between(from: Date, to: Date) -> f64 {
    ((to - from).num_days() as f64 / 365.0).max(0.0)
}

/// Rule shared by the VIX layers: which expiry to hold and when to roll.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RollRule {
    /// Open on the first expiry at least this many calendar days away.
    pub min_days_at_open: i64,
    /// Roll this many calendar days before expiry.
    pub roll_days_before: i64,
}

impl RollRule {
    fn scheduled(&self, expiry: Date) -> Date {
        expiry - chrono::Duration::days(self.roll_days_before)
    }

    /// The future to open on `day`: the first at least `min_days_at_open` calendar days out,
    /// unless its own roll is already due.
    fn contract_to_open(&self, day: &MarketDay, ctx: &Context<'_>) -> Option<FuturePoint> {
        let fp = day.first_future_after(self.min_days_at_open)?;
        (!ctx.roll_due(day.date, self.scheduled(fp.expiry))).then_some(fp)
    }
}

/// Contracts for a hedge notional: `notional / (price · multiplier)`, `None` when that is zero
/// or not finite (nothing to open).
fn contracts(notional: f64, price: f64, multiplier: f64) -> Option<f64> {
    let qty = notional / (price * multiplier);
    (qty != 0.0 && qty.is_finite()).then_some(qty)
}

/// A vertical spread held as two premium-settled legs: long `qty` at `k_long`, short `qty` at
/// `k_short`, both expiring on `expiry`. The bookkeeping both spread layers share.
#[derive(Clone, Copy, Debug, PartialEq)]
struct HeldSpread {
    long: PositionId,
    short: PositionId,
    expiry: Date,
    k_long: f64,
    k_short: f64,
}

impl HeldSpread {
    /// Buys `qty` of the long leg and sells `qty` of the short leg, long first, each at its
    /// mid and the common half-spread.
    #[allow(clippy::too_many_arguments)]
    fn open(
        ledger: &mut Ledger,
        date: Date,
        expiry: Date,
        qty: f64,
        half_spread: f64,
        long: (f64, Instrument, f64),
        short: (f64, Instrument, f64),
    ) -> Result<Self, BacktestError> {
        let (k_long, inst_long, p_long) = long;
        let (k_short, inst_short, p_short) = short;
        let long = ledger.open(date, inst_long, qty, Quote { mid: p_long, half_spread })?;
        let short = ledger.open(date, inst_short, -qty, Quote { mid: p_short, half_spread })?;
        Ok(Self { long, short, expiry, k_long, k_short })
    }

    /// Settles both legs at expiry at `payoff(strike)`.
    fn settle(
        &self,
        ledger: &mut Ledger,
        date: Date,
        payoff: impl Fn(f64) -> f64,
    ) -> Result<(), BacktestError> {
        ledger.settle(date, self.long, payoff(self.k_long))?;
        ledger.settle(date, self.short, payoff(self.k_short))
    }

    /// Marks both legs at their model prices.
    fn mark(
        &self,
        ledger: &mut Ledger,
        date: Date,
        p_long: f64,
        p_short: f64,
    ) -> Result<(), BacktestError> {
        ledger.mark(date, self.long, p_long)?;
        ledger.mark(date, self.short, p_short)
    }

    /// Closes both legs at their mids and the common half-spread.
    fn close(
        &self,
        ledger: &mut Ledger,
        date: Date,
        p_long: f64,
        p_short: f64,
        half_spread: f64,
    ) -> Result<(), BacktestError> {
        ledger.close(date, self.long, Quote { mid: p_long, half_spread })?;
        ledger.close(date, self.short, Quote { mid: p_short, half_spread })
    }
}

/// Long VIX call spread (buy `K_lo = F · lower_strike_mult`, sell
/// `K_hi = F · upper_strike_mult`) on the future `F` of the chosen expiry, rolled monthly.
///
/// Size: `notional_ratio · w(regime) · exposure / (F · multiplier)` spreads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VixCallSpreadLayer {
    /// Name.
    pub name: String,
    /// Hedge notional per unit of exposure value.
    pub notional_ratio: f64,
    /// Regime weights.
    pub weights: RegimeWeights,
    /// Long strike as a multiple of the future.
    pub lower_strike_mult: f64,
    /// Short strike as a multiple of the future.
    pub upper_strike_mult: f64,
    /// Constant vol of vol used when the day has none (decimal).
    pub vol_of_vol: f64,
    /// Half bid/ask spread per option (price units).
    pub half_spread: f64,
    /// Contract multiplier (100 for VIX options).
    pub multiplier: f64,
    /// Expiry choice and roll timing.
    pub roll: RollRule,
    /// Open spread (long at the lower strike).
    #[serde(skip)]
    held: Option<HeldSpread>,
}

impl VixCallSpreadLayer {
    /// A layer with no open position.
    pub fn new(
        name: &str,
        notional_ratio: f64,
        weights: RegimeWeights,
        strikes: (f64, f64),
        vol_of_vol: f64,
        roll: RollRule,
    ) -> Self {
        Self {
            name: name.to_string(),
            notional_ratio,
            weights,
            lower_strike_mult: strikes.0,
            upper_strike_mult: strikes.1,
            vol_of_vol,
            half_spread: 0.05,
            multiplier: 100.0,
            roll,
            held: None,
        }
    }

    fn price(
        &self,
        day: &MarketDay,
        f: f64,
        k: f64,
        expiry: Date,
        rate: f64,
    ) -> Result<f64, BacktestError> {
        black76_price(&Black76Inputs {
            kind: OptionKind::Call,
            forward: f,
            strike: k,
            vol: day.vol_of_vol.unwrap_or(self.vol_of_vol),
            t_years: years_between(day.date, expiry),
            rate,
        })
        .map_err(pricing_err(day.date))
    }

    fn instrument(&self, k: f64, expiry: Date) -> Instrument {
        Instrument {
            name: format!("VIX C {k:.2} {expiry}"),
            settlement: Settlement::Premium,
            venue: Venue::Exchange,
            multiplier: self.multiplier,
            commission: CommissionBasis::PerContract,
        }
    }
}

impl Layer for VixCallSpreadLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        if let Some(held) = self.held {
            if day.date >= held.expiry {
                held.settle(ledger, day.date, |k| (day.vix - k).max(0.0))?;
                self.held = None;
            } else {
                // A missing quote keeps yesterday's marks.
                if let Some(f) = day.future(held.expiry) {
                    let p_lo = self.price(day, f, held.k_long, held.expiry, ctx.rate)?;
                    let p_hi = self.price(day, f, held.k_short, held.expiry, ctx.rate)?;
                    held.mark(ledger, day.date, p_lo, p_hi)?;
                    if ctx.roll_due(day.date, self.roll.scheduled(held.expiry)) {
                        held.close(ledger, day.date, p_lo, p_hi, self.half_spread)?;
                        self.held = None;
                    }
                }
            }
        }
        if self.held.is_none() {
            let Some(fp) = self.roll.contract_to_open(day, ctx) else { return Ok(()) };
            let notional =
                self.notional_ratio * self.weights.weight(&day.regime) * ctx.exposure_value;
            let Some(qty) = contracts(notional, fp.settle, self.multiplier) else {
                return Ok(());
            };
            let k_lo = fp.settle * self.lower_strike_mult;
            let k_hi = fp.settle * self.upper_strike_mult;
            let p_lo = self.price(day, fp.settle, k_lo, fp.expiry, ctx.rate)?;
            let p_hi = self.price(day, fp.settle, k_hi, fp.expiry, ctx.rate)?;
            self.held = Some(HeldSpread::open(
                ledger,
                day.date,
                fp.expiry,
                qty,
                self.half_spread,
                (k_lo, self.instrument(k_lo, fp.expiry), p_lo),
                (k_hi, self.instrument(k_hi, fp.expiry), p_hi),
            )?);
        }
        Ok(())
    }
}

/// Long VIX futures of the first expiry at least `min_days_at_open` away, rolled before
/// expiry. Size: `notional_ratio · w(regime) · exposure / (F · multiplier)` contracts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VixFuturesLayer {
    /// Name.
    pub name: String,
    /// Hedge notional per unit of exposure value.
    pub notional_ratio: f64,
    /// Regime weights.
    pub weights: RegimeWeights,
    /// Half bid/ask spread (index points).
    pub half_spread: f64,
    /// Contract multiplier (1000 for VX).
    pub multiplier: f64,
    /// Expiry choice and roll timing.
    pub roll: RollRule,
    #[serde(skip)]
    held: Option<(PositionId, Date)>,
}

impl VixFuturesLayer {
    /// A layer with no open position.
    pub fn new(name: &str, notional_ratio: f64, weights: RegimeWeights, roll: RollRule) -> Self {
        Self {
            name: name.to_string(),
            notional_ratio,
            weights,
            half_spread: 0.025,
            multiplier: 1000.0,
            roll,
            held: None,
        }
    }
}

impl Layer for VixFuturesLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        if let Some((id, expiry)) = self.held {
            if day.date >= expiry {
                ledger.settle(day.date, id, day.vix)?;
                self.held = None;
            } else if let Some(f) = day.future(expiry) {
                ledger.mark(day.date, id, f)?;
                if ctx.roll_due(day.date, self.roll.scheduled(expiry)) {
                    ledger.close(day.date, id, Quote { mid: f, half_spread: self.half_spread })?;
                    self.held = None;
                }
            }
        }
        if self.held.is_none() {
            let Some(fp) = self.roll.contract_to_open(day, ctx) else { return Ok(()) };
            let notional =
                self.notional_ratio * self.weights.weight(&day.regime) * ctx.exposure_value;
            let Some(qty) = contracts(notional, fp.settle, self.multiplier) else {
                return Ok(());
            };
            let inst = Instrument {
                name: format!("VX {}", fp.expiry),
                settlement: Settlement::Margined,
                venue: Venue::Exchange,
                multiplier: self.multiplier,
                commission: CommissionBasis::PerContract,
            };
            let id = ledger.open(
                day.date,
                inst,
                qty,
                Quote { mid: fp.settle, half_spread: self.half_spread },
            )?;
            self.held = Some((id, fp.expiry));
        }
        Ok(())
    }
}

/// Long a constant-maturity 30-day VIX futures ETP (the VXX design), held as a USD notional.
///
/// # The ETP
/// Its level starts at [`VolEtpLayer::START_LEVEL`] on the first day the layer sees a curve
/// with two contracts and follows the S&P 500 VIX Short-Term Futures methodology the
/// pricing crate's `etp_proxy` implements: at the close of day `u` the index holds
/// `w₁ = dr/dt` units of month 1 and `w₂ = 1 − w₁` of month 2 (month 1 and 2: the first two
/// expiries after `u`; `dr`/`dt`: business days left / in the roll period), and
///
/// ```text
/// level_t = level_u · (w₁ F₁,t + w₂ F₂,t) / (w₁ F₁,u + w₂ F₂,u) · exp(−fee · Δt)
/// ```
///
/// with the expense ratio `fee` (VXX: 0.89 % a year) accrued over `Δt` calendar days / 365.
/// A leg that has expired is worth its final value, approximated by the VIX close. A day whose
/// curve lacks a needed settlement leaves the level unchanged (stale).
///
/// # Sizing and trading
/// Target notional `notional_ratio · w(regime) · exposure`; shares = notional / level
/// (multiplier 1). The position is bought (premium-settled: a cash purchase carried at its
/// mark), resized with [`Ledger::resize`] when the target moves away from the held notional
/// by more than `rebalance_band` (relative), and sold when the target is zero. Exchange
/// costs: half-spread `half_spread_bps` of the level, the cost model's slippage, and the
/// commission charged on notional ([`CommissionBasis::Notional`]) — a per-share commission
/// would be meaningless on an index that falls by orders of magnitude between reverse splits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VolEtpLayer {
    /// Name.
    pub name: String,
    /// Hedge notional per unit of exposure value.
    pub notional_ratio: f64,
    /// Regime weights.
    pub weights: RegimeWeights,
    /// Half bid/ask spread in basis points of the level (10 000 = 100 %).
    pub half_spread_bps: f64,
    /// Annual expense ratio (decimal, accrued per calendar day).
    pub expense_ratio: f64,
    /// Relative notional drift that triggers a resize (decimal).
    pub rebalance_band: f64,
    #[serde(skip)]
    state: Option<EtpState>,
    #[serde(skip)]
    held: Option<(PositionId, f64)>,
}

/// The ETP's level and the weighted contracts it held at the last close.
#[derive(Clone, Debug, PartialEq)]
struct EtpState {
    date: Date,
    level: f64,
    /// `(expiry, weight)` of month 1 and month 2 held from the last close.
    legs: [(Date, f64); 2],
    /// `Σ wᵢ Fᵢ` at the last close.
    basket: f64,
}

impl VolEtpLayer {
    /// The level of the ETP on its first day.
    pub const START_LEVEL: f64 = 100.0;

    /// A layer with no position: half-spread 2 bps, expense ratio 0.89 %, band 10 %.
    pub fn new(name: &str, notional_ratio: f64, weights: RegimeWeights) -> Self {
        Self {
            name: name.to_string(),
            notional_ratio,
            weights,
            half_spread_bps: 2.0,
            expense_ratio: 0.0089,
            rebalance_band: 0.10,
            state: None,
            held: None,
        }
    }

    /// The ETP level after the last day seen (`None` before the first curve).
    pub fn level(&self) -> Option<f64> {
        self.state.as_ref().map(|s| s.level)
    }

    /// The legs held from the close of `day`: weights of the first two expiries after it.
    fn legs(day: &MarketDay) -> Option<([(Date, f64); 2], f64)> {
        let mut later = day.vix_futures.iter().filter(|p| p.expiry > day.date);
        let (f1, f2) = (later.next()?, later.next()?);
        let w1 = crosshedge_pricing::vix::roll_weight_front(day.date, f1.expiry);
        let w2 = 1.0 - w1;
        Some(([(f1.expiry, w1), (f2.expiry, w2)], w1 * f1.settle + w2 * f2.settle))
    }

    /// Advances the level to `day`.
    fn advance(&mut self, day: &MarketDay) {
        match self.state.as_mut() {
            None => {
                if let Some((legs, basket)) = Self::legs(day) {
                    self.state =
                        Some(EtpState { date: day.date, level: Self::START_LEVEL, legs, basket });
                }
            }
            Some(st) => {
                // Today's value of yesterday's basket: each leg at its settlement; a leg that
                // expired by today and is no longer quoted at its final value, approximated
                // by the VIX close; a leg of weight 0 is not needed.
                let value = st.legs.iter().try_fold(0.0, |acc, &(expiry, w)| {
                    if w == 0.0 {
                        return Some(acc);
                    }
                    let f = day.future(expiry).or((expiry <= day.date).then_some(day.vix))?;
                    Some(acc + w * f)
                });
                let Some(value) = value else { return };
                let years = (day.date - st.date).num_days() as f64 / 365.0;
                st.level *= value / st.basket * (-self.expense_ratio * years).exp();
                st.date = day.date;
                if let Some((legs, basket)) = Self::legs(day) {
                    st.legs = legs;
                    st.basket = basket;
                }
            }
        }
    }
}

impl Layer for VolEtpLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        self.advance(day);
        let Some(level) = self.level() else { return Ok(()) };
        let quote = Quote { mid: level, half_spread: level * self.half_spread_bps / 1e4 };
        let target = self.notional_ratio * self.weights.weight(&day.regime) * ctx.exposure_value;
        let want = target / level;
        match self.held {
            Some((id, _)) if !(want.is_finite() && want > 0.0) => {
                ledger.close(day.date, id, quote)?;
                self.held = None;
            }
            Some((id, qty)) => {
                ledger.mark(day.date, id, level)?;
                if (want - qty).abs() > self.rebalance_band * qty.abs() {
                    ledger.resize(day.date, id, want, quote)?;
                    self.held = Some((id, want));
                }
            }
            None if want.is_finite() && want > 0.0 => {
                let inst = Instrument {
                    name: format!("{} (30-day VIX futures ETP)", self.name),
                    settlement: Settlement::Premium,
                    venue: Venue::Exchange,
                    multiplier: 1.0,
                    commission: CommissionBasis::Notional,
                };
                let id = ledger.open(day.date, inst, want, quote)?;
                self.held = Some((id, want));
            }
            None => {}
        }
        Ok(())
    }
}

/// The SPX volatility model of [`SpxPutSpreadLayer`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpxVol {
    /// A constant annualised vol (decimal).
    Constant(f64),
    /// `scale · VIX / 100`.
    FromVix {
        /// Multiplier on the VIX-implied vol (e.g. > 1 for the put skew).
        scale: f64,
    },
}

/// Long SPX put spread (buy `K_hi = S · upper_strike_mult`, sell `K_lo = S · lower_strike_mult`)
/// with `tenor_days` to expiry, rolled `roll_days_before` expiry. Black–Scholes pricing with
/// zero dividend yield. Size: `notional_ratio · w(regime) · exposure / (S · multiplier)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpxPutSpreadLayer {
    /// Name.
    pub name: String,
    /// Hedge notional per unit of exposure value.
    pub notional_ratio: f64,
    /// Regime weights.
    pub weights: RegimeWeights,
    /// Long (higher) strike as a multiple of spot.
    pub upper_strike_mult: f64,
    /// Short (lower) strike as a multiple of spot.
    pub lower_strike_mult: f64,
    /// Calendar days to expiry at the open.
    pub tenor_days: i64,
    /// Roll this many calendar days before expiry.
    pub roll_days_before: i64,
    /// Vol model.
    pub vol: SpxVol,
    /// Half bid/ask spread per option (index points).
    pub half_spread: f64,
    /// Contract multiplier (100).
    pub multiplier: f64,
    /// Open spread (long at the upper strike).
    #[serde(skip)]
    held: Option<HeldSpread>,
}

impl SpxPutSpreadLayer {
    /// A layer with no open position.
    pub fn new(
        name: &str,
        notional_ratio: f64,
        weights: RegimeWeights,
        strikes: (f64, f64),
        vol: SpxVol,
    ) -> Self {
        Self {
            name: name.to_string(),
            notional_ratio,
            weights,
            upper_strike_mult: strikes.1,
            lower_strike_mult: strikes.0,
            tenor_days: 63,
            roll_days_before: 21,
            vol,
            half_spread: 0.5,
            multiplier: 100.0,
            held: None,
        }
    }

    fn price(
        &self,
        day: &MarketDay,
        k: f64,
        expiry: Date,
        rate: f64,
    ) -> Result<f64, BacktestError> {
        let vol = match self.vol {
            SpxVol::Constant(v) => v,
            SpxVol::FromVix { scale } => scale * day.vix / 100.0,
        };
        black_scholes_price(&BlackScholesInputs {
            kind: OptionKind::Put,
            spot: day.spx,
            strike: k,
            vol,
            t_years: years_between(day.date, expiry),
            rate,
            div_yield: 0.0,
        })
        .map_err(pricing_err(day.date))
    }

    fn instrument(&self, k: f64, expiry: Date) -> Instrument {
        Instrument {
            name: format!("SPX P {k:.2} {expiry}"),
            settlement: Settlement::Premium,
            venue: Venue::Exchange,
            multiplier: self.multiplier,
            commission: CommissionBasis::PerContract,
        }
    }
}

impl Layer for SpxPutSpreadLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        if let Some(held) = self.held {
            if day.date >= held.expiry {
                held.settle(ledger, day.date, |k| (k - day.spx).max(0.0))?;
                self.held = None;
            } else {
                let p_hi = self.price(day, held.k_long, held.expiry, ctx.rate)?;
                let p_lo = self.price(day, held.k_short, held.expiry, ctx.rate)?;
                held.mark(ledger, day.date, p_hi, p_lo)?;
                let scheduled = held.expiry - chrono::Duration::days(self.roll_days_before);
                if ctx.roll_due(day.date, scheduled) {
                    held.close(ledger, day.date, p_hi, p_lo, self.half_spread)?;
                    self.held = None;
                }
            }
        }
        if self.held.is_none() {
            let notional =
                self.notional_ratio * self.weights.weight(&day.regime) * ctx.exposure_value;
            let Some(qty) = contracts(notional, day.spx, self.multiplier) else {
                return Ok(());
            };
            let expiry = day.date + chrono::Duration::days(self.tenor_days);
            let k_hi = day.spx * self.upper_strike_mult;
            let k_lo = day.spx * self.lower_strike_mult;
            let p_hi = self.price(day, k_hi, expiry, ctx.rate)?;
            let p_lo = self.price(day, k_lo, expiry, ctx.rate)?;
            self.held = Some(HeldSpread::open(
                ledger,
                day.date,
                expiry,
                qty,
                self.half_spread,
                (k_hi, self.instrument(k_hi, expiry), p_hi),
                (k_lo, self.instrument(k_lo, expiry), p_lo),
            )?);
        }
        Ok(())
    }
}

/// Short perpetual on target `target`, marked to the target's price, paying or receiving the
/// day's funding, traded on-chain (gas on every open and close). Size:
/// `−hedge_ratio · w(regime) · exposure_value / price` contracts of multiplier 1 (the whole
/// book's exposure value, the base of the plan's ratio),
/// resized (close and reopen) when that size moves away from the held size by more than
/// `rebalance_band · |held|` (a band, so rounding noise and small drifts do not trade).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShortPerpLayer {
    /// Name.
    pub name: String,
    /// Index of the target in `MarketDay::targets`.
    pub target: usize,
    /// Fraction of the target's value hedged.
    pub hedge_ratio: f64,
    /// Regime weights.
    pub weights: RegimeWeights,
    /// Half spread in basis points of the price (10 000 = 100 %).
    pub half_spread_bps: f64,
    /// Relative size change that triggers a resize (decimal, default 0.05).
    pub rebalance_band: f64,
    /// The date the perp's venue failed, if it did (see [`crate::crypto`]).
    pub venue_default: Option<Date>,
    /// Collateral posted at the venue as a fraction of the notional at each open
    /// ([`crate::crypto::DEFAULT_COLLATERAL_FRACTION`]).
    pub collateral_fraction: f64,
    #[serde(skip)]
    held: Option<(PositionId, f64)>,
    #[serde(skip)]
    collateral: f64,
    #[serde(skip)]
    swept: Option<Date>,
    #[serde(skip)]
    defaulted: bool,
}

impl ShortPerpLayer {
    /// A layer with no open position.
    pub fn new(name: &str, target: usize, hedge_ratio: f64, weights: RegimeWeights) -> Self {
        Self {
            name: name.to_string(),
            target,
            hedge_ratio,
            weights,
            half_spread_bps: 2.0,
            rebalance_band: 0.05,
            venue_default: None,
            collateral_fraction: crate::crypto::DEFAULT_COLLATERAL_FRACTION,
            held: None,
            collateral: 0.0,
            swept: None,
            defaulted: false,
        }
    }

    /// The layer on a venue that fails on `date`.
    #[must_use]
    pub fn with_venue_default(mut self, date: Option<Date>) -> Self {
        self.venue_default = date;
        self
    }
}

impl Layer for ShortPerpLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_day(
        &mut self,
        day: &MarketDay,
        ledger: &mut Ledger,
        ctx: &Context<'_>,
    ) -> Result<(), BacktestError> {
        let price = day.target_price(self.target, "more than the perp layer's target index")?;
        let quote = Quote { mid: price, half_spread: price * self.half_spread_bps / 1e4 };
        // Sized on the whole book's exposure value, as the plan's ratio is (sized notional /
        // the book's delta notional): a BTC perp hedging an NFT or ETH book holds its size.
        let want =
            -self.hedge_ratio * self.weights.weight(&day.regime) * ctx.exposure_value / price;
        if !self.defaulted && self.venue_default.is_some_and(|d| day.date >= d) {
            // The venue failed: the mark it last paid is its last; the collateral and the
            // P&L since the open are lost, and the holder re-hedges elsewhere the next day.
            self.defaulted = true;
            if let Some((id, _)) = self.held.take() {
                ledger.mark(day.date, id, price)?;
                ledger.funding(day.date, id, day.funding_rate)?;
                ledger.venue_default(day.date, id, self.collateral, self.swept)?;
            }
            return Ok(());
        }
        if let Some((_, qty)) = self.held {
            // The holder settles the venue account every SWEEP_DAYS: the P&L so far leaves the
            // venue and the collateral is reset to its share of the current notional.
            let due =
                self.swept.is_some_and(|s| (day.date - s).num_days() >= crate::crypto::SWEEP_DAYS);
            if due && self.venue_default.is_some() {
                self.swept = Some(day.date);
                self.collateral = self.collateral_fraction * (qty * price).abs();
            }
        }
        if let Some((id, qty)) = self.held {
            ledger.mark(day.date, id, price)?;
            ledger.funding(day.date, id, day.funding_rate)?;
            if (want - qty).abs() > self.rebalance_band * qty.abs() {
                ledger.close(day.date, id, quote)?;
                self.held = None;
            }
        }
        if self.held.is_none() && want != 0.0 && want.is_finite() {
            let inst = Instrument {
                name: format!("PERP target {}", self.target),
                settlement: Settlement::Margined,
                venue: Venue::OnChain,
                multiplier: 1.0,
                commission: CommissionBasis::PerContract,
            };
            let id = ledger.open(day.date, inst, want, quote)?;
            self.held = Some((id, want));
            self.collateral = self.collateral_fraction * (want * price).abs();
            self.swept = Some(day.date);
        }
        Ok(())
    }
}

/// Settings of a backtest run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestConfig {
    /// Units held of each target (the plain unhedged book; ignored when `book` is set).
    pub exposure_units: Vec<f64>,
    /// The book's exposures under an exposure policy (see the module docs); `None`: the plain
    /// buy-and-hold units of `exposure_units`.
    pub book: Option<ExposureBook>,
    /// Trading costs.
    pub costs: CostModel,
    /// Continuously compounded rate used in option pricing.
    pub rate: f64,
    /// Move rolls ahead of events.
    pub move_rolls_before_events: bool,
    /// Event kinds that rolls are moved ahead of.
    pub event_kinds: Vec<EventKind>,
    /// Calendar days before a scheduled roll in which an event pulls the roll ahead.
    pub event_window_days: i64,
    /// Periods per year for the metrics.
    pub periods_per_year: f64,
}

impl BacktestConfig {
    /// Defaults: zero rate, rolls moved ahead of FOMC, CPI and PPI falling up to 5 calendar
    /// days before the scheduled roll, 252 periods per year.
    pub fn new(exposure_units: Vec<f64>, costs: CostModel) -> Self {
        Self {
            exposure_units,
            book: None,
            costs,
            rate: 0.0,
            move_rolls_before_events: true,
            event_kinds: vec![EventKind::Fomc, EventKind::Cpi, EventKind::Ppi],
            event_window_days: 5,
            periods_per_year: crate::metrics::TRADING_DAYS_PER_YEAR,
        }
    }
}

/// What the run reads besides the layers.
#[derive(Clone, Copy, Debug)]
pub struct BacktestInputs<'a> {
    /// Market days, strictly increasing dates.
    pub days: &'a [MarketDay],
    /// Settings.
    pub config: &'a BacktestConfig,
    /// Macro events.
    pub calendar: &'a EventCalendar,
    /// Named shock episodes.
    pub episodes: &'a Catalogue,
}

/// The XIRR of the hedge programme, or why none exists.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct XirrOutcome {
    /// The rate (decimal, Act/365), when one exists.
    pub rate: Option<f64>,
    /// All roots found.
    pub roots: Vec<f64>,
    /// The error text when no rate exists.
    pub error: Option<String>,
    /// How the flows were dated ([`XIRR_BASIS`]).
    pub basis: String,
    /// The dated flows the rate solves `XNPV = 0` on (one per date, the terminal value on the
    /// last day included), so any XIRR implementation can check it; `backtest --json` drops
    /// them unless `--full`.
    pub dated_flows: Vec<DatedFlow>,
}

/// The metrics of one curve, or the error text when they are undefined.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsOutcome {
    /// The metrics when every value is positive.
    pub metrics: Option<EquityMetrics>,
    /// The error text otherwise.
    pub error: Option<String>,
}

impl MetricsOutcome {
    fn from_result(r: Result<EquityMetrics, BacktestError>) -> Self {
        match r {
            Ok(m) => Self { metrics: Some(m), error: None },
            Err(e) => Self { metrics: None, error: Some(e.to_string()) },
        }
    }
}

/// Everything a backtest produces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestReport {
    /// Layer names in call order.
    pub layers: Vec<String>,
    /// Dates.
    pub dates: Vec<Date>,
    /// `U_t`.
    pub unhedged_equity: Vec<f64>,
    /// `H_t = U_t + E_t`.
    pub hedged_equity: Vec<f64>,
    /// Metrics of the unhedged curve, or why they do not exist.
    pub unhedged_metrics: MetricsOutcome,
    /// Metrics of the hedged curve, or why they do not exist (e.g. the hedged equity fell
    /// to zero or below, so returns are undefined).
    pub hedged_metrics: MetricsOutcome,
    /// Cost of carry of the hedge.
    pub cost_of_carry: CarryCost,
    /// Protection per episode overlapping the run.
    pub episodes: Vec<EpisodeProtection>,
    /// Every dated, typed cash flow of the hedge programme.
    pub cash_flows: Vec<CashFlow>,
    /// Value of positions still open on the last day (included in the XIRR as a final flow).
    pub terminal_positions_value: f64,
    /// XIRR of the programme's flows plus the terminal value.
    pub xirr: XirrOutcome,
    /// The accounting check of every day.
    pub checks: Vec<AccountingCheck>,
    /// Whether every check passed (the hedge ledger's and, with a book, the book ledger's).
    pub all_checks_ok: bool,
    /// The book's exposures (policy, cash rate, weights at start and end, flows, daily checks)
    /// when [`BacktestConfig::book`] is set.
    pub exposure: Option<ExposureReport>,
}

/// Runs the daily loop.
///
/// # Errors
/// Fewer than two days, unsorted dates, an invalid day ([`MarketDay::validate`]),
/// mismatched target counts, invalid costs or
/// periods per year, a non-finite equity value, or any layer error. Equity curves that
/// reach zero or below are reported with their metrics' error text instead.
pub fn run_backtest(
    inputs: &BacktestInputs<'_>,
    layers: &mut [Box<dyn Layer>],
) -> Result<BacktestReport, BacktestError> {
    run_backtest_with(inputs, layers, &mut |_| ControlFlow::Continue(()))
}

/// Market days between two calls of [`run_backtest_with`]'s hook (about a year of US trading
/// days).
pub const DAYS_PER_BLOCK: usize = 250;

/// [`run_backtest`] with a hook after every block of [`DAYS_PER_BLOCK`] market days and
/// after the last (shorter) block: `on_block(days)` gets the number of days just run; once it
/// returns `ControlFlow::Break`, no further day is run and the call returns
/// [`BacktestError::Cancelled`]. A run the hook never breaks gives exactly [`run_backtest`]'s
/// report.
///
/// # Errors
/// As [`run_backtest`]; [`BacktestError::Cancelled`] when the hook breaks.
pub fn run_backtest_with(
    inputs: &BacktestInputs<'_>,
    layers: &mut [Box<dyn Layer>],
    on_block: &mut dyn FnMut(u64) -> ControlFlow<()>,
) -> Result<BacktestReport, BacktestError> {
    let BacktestInputs { days, config, calendar, episodes } = *inputs;
    if days.len() < 2 {
        return Err(BacktestError::BadLength {
            name: "market days",
            len: days.len(),
            expected: ">= 2",
        });
    }
    for w in days.windows(2) {
        if w[1].date <= w[0].date {
            return Err(BacktestError::Unsorted { previous: w[0].date, date: w[1].date });
        }
    }
    let mut ledger = Ledger::new(0.0, config.costs)?;
    let n = days.len();
    let mut dates = Vec::with_capacity(n);
    let mut unhedged = Vec::with_capacity(n);
    let mut hedged = Vec::with_capacity(n);
    let mut checks = Vec::with_capacity(n);
    let mut book = match &config.book {
        Some(b) => Some(ExposureRun::start(b, &days[0])?),
        None => None,
    };
    let n_targets =
        if book.is_some() { days[0].targets.len() } else { config.exposure_units.len() };
    let mut exposure_values = vec![0.0; n_targets];
    for (i, day) in days.iter().enumerate() {
        day.validate()?;
        if day.targets.len() != n_targets {
            return Err(BacktestError::BadLength {
                name: "targets",
                len: day.targets.len(),
                expected: "one price per exposure unit (the first day's count with a book)",
            });
        }
        let book_value = match book.as_mut() {
            Some(run) => {
                if i > 0 {
                    run.on_day(day)?;
                }
                run.exposure_values(day, &mut exposure_values)?;
                Some(run.check(day.date))
            }
            None => {
                for (v, (u, p)) in
                    exposure_values.iter_mut().zip(config.exposure_units.iter().zip(&day.targets))
                {
                    *v = u * p;
                }
                None
            }
        };
        let exposure_value: f64 = exposure_values.iter().sum();
        let ctx = Context {
            day_index: i,
            next_date: days.get(i + 1).map(|d| d.date),
            exposure_values: &exposure_values,
            exposure_value,
            rate: config.rate,
            calendar,
            event_kinds: &config.event_kinds,
            move_rolls_before_events: config.move_rolls_before_events,
            event_window_days: config.event_window_days,
        };
        for layer in layers.iter_mut() {
            layer.on_day(day, &mut ledger, &ctx)?;
        }
        let check = ledger.check(day.date);
        // With a book, U_t is its ledger's equity (cash + marked positions), not the delta
        // notional the layers size on.
        let u = book_value.map_or(exposure_value, |c| c.equity);
        if !u.is_finite() {
            return Err(BacktestError::InvalidInput {
                name: "unhedged equity",
                value: u,
                expected: "finite",
            });
        }
        dates.push(day.date);
        unhedged.push(u);
        hedged.push(u + check.equity);
        checks.push(check);
        let done = i + 1;
        if done % DAYS_PER_BLOCK == 0 || done == n {
            let block = done - (done - 1) / DAYS_PER_BLOCK * DAYS_PER_BLOCK;
            if on_block(block as u64).is_break() {
                return Err(BacktestError::Cancelled);
            }
        }
    }
    let exposure = match book {
        Some(run) => Some(run.finish(&days[n - 1])?),
        None => None,
    };
    let ppy = config.periods_per_year;
    if !(ppy.is_finite() && ppy > 0.0) {
        return Err(BacktestError::InvalidInput {
            name: "periods_per_year",
            value: ppy,
            expected: "finite and > 0",
        });
    }
    let unhedged_metrics = MetricsOutcome::from_result(equity_metrics(&dates, &unhedged, ppy));
    let hedged_metrics = MetricsOutcome::from_result(equity_metrics(&dates, &hedged, ppy));
    let carry = cost_of_carry(&dates, &unhedged, &hedged, &ledger.flows, &episodes.episodes, ppy)?;
    let protection = episode_protection(&dates, &unhedged, &hedged, &episodes.episodes)?;
    let terminal = ledger.positions_value();
    let open: Vec<PositionId> = ledger.positions.iter().map(|p| p.id).collect();
    let xirr = programme_xirr(&ledger.flows, terminal, dates[n - 1], &open);
    let all_checks_ok =
        checks.iter().all(|c| c.ok) && exposure.as_ref().is_none_or(|x| x.all_checks_ok);
    Ok(BacktestReport {
        layers: layers.iter().map(|l| l.name().to_string()).collect(),
        dates,
        unhedged_equity: unhedged,
        hedged_equity: hedged,
        unhedged_metrics,
        hedged_metrics,
        cost_of_carry: carry,
        episodes: protection,
        cash_flows: ledger.flows,
        terminal_positions_value: terminal,
        xirr,
        checks,
        all_checks_ok,
        exposure,
    })
}

/// The XIRR of the programme: every flow summed per date, plus `terminal` (the value of the
/// positions still open, whose ids are `open`) on `last`, with the **variation margin of each margined position
/// (futures, perps) realised on the date the position closes** (or on `last` while it is
/// still open) instead of day by day.
///
/// Why: daily variation margin turns a futures layer into thousands of sign changes of
/// similar size, and the XNPV of such a stream has several far-apart roots (seen on the demo
/// book: −99.9 % and +10⁶ %), none of them the programme's return. Realising each position's
/// margin at its close is the economics a treasury books (the futures P&L of a roll), keeps
/// premiums, fees, gas, funding and option payoffs on their own dates, and leaves the total
/// of the flows unchanged. The per-day cash flows in [`BacktestReport::cash_flows`] stay the
/// exact daily accounting.
pub fn programme_xirr(
    flows: &[CashFlow],
    terminal: f64,
    last: Date,
    open: &[PositionId],
) -> XirrOutcome {
    if flows.is_empty() && terminal == 0.0 {
        let e = BacktestError::NoSignChange { sign: "all zero" };
        return XirrOutcome {
            rate: None,
            roots: Vec::new(),
            error: Some(e.to_string()),
            basis: XIRR_BASIS.to_string(),
            dated_flows: Vec::new(),
        };
    }
    // The date each position closed: its last flow, or `last` while it is still open.
    let mut closed_on: BTreeMap<PositionId, Date> = BTreeMap::new();
    for f in flows {
        let e = closed_on.entry(f.position).or_insert(f.date);
        *e = (*e).max(f.date);
    }
    for id in open {
        closed_on.insert(*id, last);
    }
    let mut by_date: BTreeMap<Date, f64> = BTreeMap::new();
    for f in flows {
        let date = if f.kind == FlowKind::Margin { closed_on[&f.position] } else { f.date };
        *by_date.entry(date).or_insert(0.0) += f.amount;
    }
    *by_date.entry(last).or_insert(0.0) += terminal;
    let dated: Vec<DatedFlow> =
        by_date.into_iter().map(|(date, amount)| DatedFlow { date, amount }).collect();
    match xirr(&dated) {
        Ok(x) => XirrOutcome {
            rate: Some(x.rate),
            roots: x.roots,
            error: None,
            basis: XIRR_BASIS.to_string(),
            dated_flows: dated,
        },
        Err(e) => XirrOutcome {
            rate: None,
            roots: Vec::new(),
            error: Some(e.to_string()),
            basis: XIRR_BASIS.to_string(),
            dated_flows: dated,
        },
    }
}

/// How [`programme_xirr`] dates the flows (carried in every [`XirrOutcome`]).
pub const XIRR_BASIS: &str = "premiums, payoffs, fees, gas and funding on their dates; futures and perp variation margin realised when the position closes; open positions at their value on the last day";

/// Sums of the flows per kind.
pub fn flow_totals(flows: &[CashFlow]) -> BTreeMap<FlowKind, f64> {
    let mut out = BTreeMap::new();
    for f in flows {
        *out.entry(f.kind).or_insert(0.0) += f.amount;
    }
    out
}
