//! The book's own exposures, backtested as what they are, under an exposure policy.
//!
//! # Model
//! The book starts with a cash account holding its capital `K = Σ` values of the funded
//! exposures (spot, NFT inventory, AMM LP) and buys them at the first day's prices; perps need
//! no capital (daily margined, variation margin through the same cash account). The book is
//! held at the start, so the first purchase pays no costs. Each exposure's target weight is its
//! value (a perp: its signed notional) over `K`. Every later market day `t`, after `Δ` calendar
//! days since the previous one:
//!
//! 1. the cash account earns `cash · (e^{r Δ/365} − 1)` at the stated continuously compounded
//!    `cash_rate` (negative cash pays it);
//! 2. every position is marked: spot and NFT at the target's price, the perp at the price
//!    (variation margin), the LP at its Uniswap v3 value `L · v(P)` on its range
//!    (`crosshedge_defi::v3::ConcentratedPosition`: `v(P) = x(P) P + y(P)` per unit of liquidity,
//!    whitepaper §6.2), so impermanent loss is in the mark;
//! 3. the perp pays the day's funding `−q · P · F_t` (`F_t` the calendar-day sum of
//!    [`crate::funding`]); the NFT inventory pays its carry `c · value · Δ/365`; the LP earns
//!    its fees `a · value · Δ/365` when the price closes inside its range (the stated fee APR
//!    `a`, swept to cash daily);
//! 4. under [`Rebalance::ConstantMix`], every `period_days`-th market day each exposure is
//!    traded back to `w_i · NAV_t` (NAV = cash + marked positions): spot, NFT and perp resized,
//!    the LP withdrawn and re-deposited on its range re-centred on the day's price (the book's
//!    range is a ratio of the current price); every trade pays its half-spread
//!    (`half_spread_bps` of the price), the cost model's slippage and, on-chain, gas. Under
//!    [`Rebalance::BuyAndHold`] the units (and the LP's liquidity and range) never change, so
//!    the weights drift with prices.
//!
//! The accounting identity `equity = cash + Σ marked positions`, `cash = K + Σ flows` is
//! checked every day by [`Ledger::check`].

use std::collections::BTreeMap;

use chrono::NaiveDate as Date;
use crosshedge_defi::v3::ConcentratedPosition;
use serde::Serialize;

use crate::engine::MarketDay;
use crate::error::BacktestError;
use crate::ledger::{
    AccountingCheck, CashFlow, CommissionBasis, CostModel, FlowKind, Instrument, Ledger,
    PositionId, Quote, Settlement, Venue,
};

/// Half-spread of BTC/ETH spot trades (bps of the price): a taker fee plus half the book.
pub const SPOT_HALF_SPREAD_BPS: f64 = 5.0;
/// Half-spread of NFT inventory trades (bps): a 2.5 % marketplace fee on each trade.
pub const NFT_HALF_SPREAD_BPS: f64 = 250.0;
/// Half-spread of perp trades (bps), as the short-perp hedge layer.
pub const PERP_HALF_SPREAD_BPS: f64 = 2.0;
/// Half-spread of LP deposits and withdrawals (bps): none beyond slippage and gas.
pub const LP_HALF_SPREAD_BPS: f64 = 0.0;

/// What an exposure is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ExposureKind {
    /// Spot holding of the target (BTC, ETH).
    Spot,
    /// NFT inventory marked at the target's index, paying `carry_per_year` of its value.
    NftInventory {
        /// Carry cost per year, fraction of value (Act/365 per calendar day).
        carry_per_year: f64,
    },
    /// Perpetual future on the target (signed notional, long > 0), paying funding.
    Perp,
    /// Uniswap v3 LP of the target against a stablecoin on `[range[0] P, range[1] P]`.
    AmmLp {
        /// Range as ratios of the price at the deposit (`lower < 1 < upper`).
        range: [f64; 2],
        /// Fee income per year as a fraction of the LP's value, earned while in range.
        fee_apr: f64,
    },
}

impl ExposureKind {
    /// The kind's name (`spot`, `nft-inventory`, `perp`, `amm-lp`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Spot => "spot",
            Self::NftInventory { .. } => "nft-inventory",
            Self::Perp => "perp",
            Self::AmmLp { .. } => "amm-lp",
        }
    }

    fn venue(&self) -> Venue {
        match self {
            Self::Spot => Venue::Exchange,
            Self::NftInventory { .. } | Self::Perp | Self::AmmLp { .. } => Venue::OnChain,
        }
    }
}

/// One exposure of the book.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExposureSpec {
    /// Label, e.g. `"eth amm-lp"`.
    pub name: String,
    /// Index of its price in [`MarketDay::targets`].
    pub target: usize,
    /// What it is.
    pub kind: ExposureKind,
    /// USD value at the start (spot, NFT, LP: ≥ 0) or signed notional (perp).
    pub value: f64,
    /// Half-spread paid on every trade, bps of the price (10 000 = 100 %).
    pub half_spread_bps: f64,
}

impl ExposureSpec {
    /// An exposure with the default half-spread of its kind.
    pub fn new(name: &str, target: usize, kind: ExposureKind, value: f64) -> Self {
        let half_spread_bps = match kind {
            ExposureKind::Spot => SPOT_HALF_SPREAD_BPS,
            ExposureKind::NftInventory { .. } => NFT_HALF_SPREAD_BPS,
            ExposureKind::Perp => PERP_HALF_SPREAD_BPS,
            ExposureKind::AmmLp { .. } => LP_HALF_SPREAD_BPS,
        };
        Self { name: name.to_string(), target, kind, value, half_spread_bps }
    }

    fn funded(&self) -> bool {
        !matches!(self.kind, ExposureKind::Perp)
    }
}

/// How the exposures are held through time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "policy", rename_all = "kebab-case")]
pub enum Rebalance {
    /// Units bought on the first day and held: weights drift with prices.
    BuyAndHold,
    /// Traded back to the starting weights of NAV every `period_days` market days.
    ConstantMix {
        /// Market days between rebalances (≥ 1).
        period_days: usize,
    },
}

impl Rebalance {
    /// `buy-and-hold` or `constant-mix`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::BuyAndHold => "buy-and-hold",
            Self::ConstantMix { .. } => "constant-mix",
        }
    }
}

/// The book's exposures and how they are held and financed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExposureBook {
    /// The exposures.
    pub exposures: Vec<ExposureSpec>,
    /// Buy and hold or constant mix.
    pub rebalance: Rebalance,
    /// Interest rate of the cash account (decimal a year, continuously compounded, Act/365).
    pub cash_rate: f64,
    /// Slippage, gas and notional commission of the exposures' trades.
    pub costs: CostModel,
}

impl ExposureBook {
    /// Checks the exposures and the policy.
    ///
    /// # Errors
    /// [`BacktestError::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<(), BacktestError> {
        let bad =
            |name, value, expected| Err(BacktestError::InvalidInput { name, value, expected });
        if !self.cash_rate.is_finite() {
            return bad("cash_rate", self.cash_rate, "finite");
        }
        if let Rebalance::ConstantMix { period_days: 0 } = self.rebalance {
            return bad("rebalance period", 0.0, ">= 1 market day");
        }
        self.costs.validate()?;
        for e in &self.exposures {
            if !e.value.is_finite() || (e.funded() && e.value < 0.0) {
                return bad("exposure value", e.value, "finite, and >= 0 unless a perp");
            }
            if !(e.half_spread_bps.is_finite() && e.half_spread_bps >= 0.0) {
                return bad("half_spread_bps", e.half_spread_bps, "finite and >= 0");
            }
            match e.kind {
                ExposureKind::NftInventory { carry_per_year } if !carry_per_year.is_finite() => {
                    return bad("carry_per_year", carry_per_year, "finite");
                }
                ExposureKind::AmmLp { range, fee_apr } => {
                    if !(range[0] > 0.0 && range[0] < 1.0 && range[1] > 1.0 && range[1].is_finite())
                    {
                        return bad("lp range", range[0], "0 < lower < 1 < upper, finite");
                    }
                    if !(fee_apr.is_finite() && fee_apr >= 0.0) {
                        return bad("lp fee_apr", fee_apr, "finite and >= 0");
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// One exposure's weights and values at the start and the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExposureSummary {
    /// Label.
    pub name: String,
    /// `spot`, `nft-inventory`, `perp` or `amm-lp`.
    pub kind: String,
    /// Index of its target.
    pub target: usize,
    /// Target weight (value or notional over the starting NAV).
    pub weight_target: f64,
    /// Weight after the first day (value or notional / NAV).
    pub weight_start: f64,
    /// Weight after the last day.
    pub weight_end: f64,
    /// Value (perp: notional) after the first day (USD).
    pub value_start: f64,
    /// Value (perp: notional) after the last day (USD).
    pub value_end: f64,
}

/// What the exposure simulation reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExposureReport {
    /// Buy and hold or constant mix (with its period).
    pub rebalance: Rebalance,
    /// The cash account's rate (decimal a year, continuously compounded).
    pub cash_rate: f64,
    /// Capital: the funded exposures' value at the start (USD).
    pub capital: f64,
    /// Per exposure: weights and values at the start and the end.
    pub exposures: Vec<ExposureSummary>,
    /// Cash over NAV after the first day.
    pub cash_weight_start: f64,
    /// Cash over NAV after the last day.
    pub cash_weight_end: f64,
    /// Rebalancing days.
    pub rebalances: usize,
    /// Sum of the book's flows per kind (interest, carry, fee income, funding, fees, gas, …).
    pub flow_totals: BTreeMap<FlowKind, f64>,
    /// Every cash flow of the book (purchases, sales, margin, accruals, costs).
    pub cash_flows: Vec<CashFlow>,
    /// The book ledger's accounting check of every day.
    pub checks: Vec<AccountingCheck>,
    /// Whether every check passed.
    pub all_checks_ok: bool,
}

#[derive(Clone, Copy, Debug)]
struct Held {
    id: PositionId,
    qty: f64,
    /// The LP's unit-liquidity position on its current range.
    lp: Option<ConcentratedPosition>,
}

/// The book's ledger and positions, advanced one market day at a time.
#[derive(Clone, Debug)]
pub struct ExposureRun {
    book: ExposureBook,
    ledger: Ledger,
    held: Vec<Option<Held>>,
    weights: Vec<f64>,
    capital: f64,
    prev: Date,
    day_index: usize,
    rebalances: usize,
    start: Option<(Vec<f64>, Vec<f64>, f64)>,
    checks: Vec<AccountingCheck>,
}

fn defi_err(date: Date) -> impl Fn(crosshedge_defi::DefiError) -> BacktestError {
    move |e| BacktestError::Pricing { date, message: e.to_string() }
}

/// The unit-liquidity v3 position on `[lo · P, hi · P]`.
fn unit_lp(range: [f64; 2], price: f64, date: Date) -> Result<ConcentratedPosition, BacktestError> {
    ConcentratedPosition::new(1.0, range[0] * price, range[1] * price).map_err(defi_err(date))
}

/// Value of one unit of liquidity at `price`: `x(P) P + y(P)`.
fn unit_value(lp: &ConcentratedPosition, price: f64, date: Date) -> Result<f64, BacktestError> {
    Ok(lp.valuation(price).map_err(defi_err(date))?.value)
}

impl ExposureRun {
    /// Opens the book on `day` (no costs: the book is held at the start).
    ///
    /// # Errors
    /// An invalid book ([`ExposureBook::validate`]), a target index beyond the day's prices,
    /// or a constant-mix book without capital.
    pub fn start(book: &ExposureBook, day: &MarketDay) -> Result<Self, BacktestError> {
        book.validate()?;
        day.validate()?;
        let capital: f64 = book.exposures.iter().filter(|e| e.funded()).map(|e| e.value).sum();
        if matches!(book.rebalance, Rebalance::ConstantMix { .. }) && capital <= 0.0 {
            return Err(BacktestError::InvalidInput {
                name: "capital (funded exposures' value)",
                value: capital,
                expected: "> 0 for a constant-mix book",
            });
        }
        let mut ledger = Ledger::new(capital, CostModel::ZERO)?;
        let mut held = Vec::with_capacity(book.exposures.len());
        for e in &book.exposures {
            let price = target_price(day, e.target)?;
            held.push(open(&mut ledger, day, e, price, e.value, 0.0)?);
        }
        ledger.costs = book.costs;
        let weights = book
            .exposures
            .iter()
            .map(|e| if capital > 0.0 { e.value / capital } else { 0.0 })
            .collect();
        let mut run = Self {
            book: book.clone(),
            ledger,
            held,
            weights,
            capital,
            prev: day.date,
            day_index: 0,
            rebalances: 0,
            start: None,
            checks: Vec::new(),
        };
        let (values, nav) = run.values(day)?;
        run.start = Some((values, run.weights_of(day)?, nav));
        Ok(run)
    }

    /// Advances the book to `day` (a later market day than the previous one): interest,
    /// marks, funding, carry, LP fees, and the rebalance when due.
    ///
    /// # Errors
    /// Dates out of order, a missing target price, pricing or ledger failures.
    pub fn on_day(&mut self, day: &MarketDay) -> Result<(), BacktestError> {
        if day.date <= self.prev {
            return Err(BacktestError::Unsorted { previous: self.prev, date: day.date });
        }
        let days = (day.date - self.prev).num_days() as f64;
        self.ledger.interest(day.date, self.book.cash_rate, days)?;
        for (e, h) in self.book.exposures.iter().zip(&self.held) {
            let Some(h) = h else { continue };
            let price = target_price(day, e.target)?;
            match (e.kind, h.lp) {
                (ExposureKind::AmmLp { fee_apr, .. }, Some(lp)) => {
                    self.ledger.mark(day.date, h.id, unit_value(&lp, price, day.date)?)?;
                    if lp.in_range(price.sqrt()) {
                        self.ledger.fee_income(day.date, h.id, fee_apr, days)?;
                    }
                }
                (ExposureKind::NftInventory { carry_per_year }, _) => {
                    self.ledger.mark(day.date, h.id, price)?;
                    self.ledger.carry(day.date, h.id, carry_per_year, days)?;
                }
                (ExposureKind::Perp, _) => {
                    self.ledger.mark(day.date, h.id, price)?;
                    self.ledger.funding(day.date, h.id, day.funding_rate)?;
                }
                _ => self.ledger.mark(day.date, h.id, price)?,
            }
        }
        self.day_index += 1;
        self.prev = day.date;
        if let Rebalance::ConstantMix { period_days } = self.book.rebalance {
            if self.day_index % period_days == 0 {
                self.rebalance(day)?;
            }
        }
        Ok(())
    }

    /// Trades every exposure back to its target weight of NAV (see the module docs).
    fn rebalance(&mut self, day: &MarketDay) -> Result<(), BacktestError> {
        let nav = self.ledger.equity();
        if !(nav.is_finite() && nav > 0.0) {
            return Ok(());
        }
        self.rebalances += 1;
        for k in 0..self.book.exposures.len() {
            let e = self.book.exposures[k].clone();
            let price = target_price(day, e.target)?;
            let target = self.weights[k] * nav;
            let held = self.held[k];
            match (e.kind, held) {
                (ExposureKind::AmmLp { .. }, Some(h)) => {
                    if let Some(lp) = h.lp {
                        let v = unit_value(&lp, price, day.date)?;
                        self.ledger.close(day.date, h.id, quote(v, e.half_spread_bps))?;
                    }
                    self.held[k] =
                        open(&mut self.ledger, day, &e, price, target, e.half_spread_bps)?;
                }
                (_, Some(h)) => {
                    let want = target / price;
                    let q = quote(price, e.half_spread_bps);
                    if want == 0.0 {
                        self.ledger.close(day.date, h.id, q)?;
                        self.held[k] = None;
                    } else if want != h.qty {
                        self.ledger.resize(day.date, h.id, want, q)?;
                        self.held[k] = Some(Held { qty: want, ..h });
                    }
                }
                (_, None) => {
                    self.held[k] =
                        open(&mut self.ledger, day, &e, price, target, e.half_spread_bps)?;
                }
            }
        }
        Ok(())
    }

    /// Value (perp: signed notional) of each exposure at `day`'s prices, and NAV.
    fn values(&self, day: &MarketDay) -> Result<(Vec<f64>, f64), BacktestError> {
        let mut out = Vec::with_capacity(self.held.len());
        for (e, h) in self.book.exposures.iter().zip(&self.held) {
            out.push(match h {
                None => 0.0,
                Some(h) => {
                    let price = target_price(day, e.target)?;
                    match h.lp {
                        Some(lp) => h.qty * unit_value(&lp, price, day.date)?,
                        None => h.qty * price,
                    }
                }
            });
        }
        Ok((out, self.ledger.equity()))
    }

    fn weights_of(&self, day: &MarketDay) -> Result<Vec<f64>, BacktestError> {
        let (values, nav) = self.values(day)?;
        Ok(values.iter().map(|v| if nav != 0.0 { v / nav } else { 0.0 }).collect())
    }

    /// The delta notional per target at `day`'s prices into `out` (zeroed first): spot, NFT:
    /// value; perp: `q · P`; LP: its risky holding `L · x(P) · P`.
    ///
    /// # Errors
    /// A target index beyond `out` or the day's prices, or an LP pricing failure.
    pub fn exposure_values(&self, day: &MarketDay, out: &mut [f64]) -> Result<(), BacktestError> {
        out.iter_mut().for_each(|v| *v = 0.0);
        for (e, h) in self.book.exposures.iter().zip(&self.held) {
            let Some(h) = h else { continue };
            let price = target_price(day, e.target)?;
            let delta = match h.lp {
                Some(lp) => {
                    h.qty * lp.valuation(price).map_err(defi_err(day.date))?.amounts.x * price
                }
                None => h.qty * price,
            };
            let len = out.len();
            *out.get_mut(e.target).ok_or(BacktestError::BadLength {
                name: "exposure values",
                len,
                expected: "more than every exposure's target index",
            })? += delta;
        }
        Ok(())
    }

    /// The book ledger's accounting check after the day's bookings (kept for the report).
    pub fn check(&mut self, date: Date) -> AccountingCheck {
        let c = self.ledger.check(date);
        self.checks.push(c);
        c
    }

    /// The book's ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The report after the last day `day`.
    ///
    /// # Errors
    /// A missing target price or an LP pricing failure.
    pub fn finish(self, day: &MarketDay) -> Result<ExposureReport, BacktestError> {
        let (values_end, nav_end) = self.values(day)?;
        let weights_end = self.weights_of(day)?;
        let (values_start, weights_start, nav_start) = self
            .start
            .clone()
            .unwrap_or_else(|| (values_end.clone(), weights_end.clone(), nav_end));
        let cash_share = |values: &[f64], nav: f64| {
            let funded: f64 = self
                .book
                .exposures
                .iter()
                .zip(values)
                .filter(|(e, _)| e.funded())
                .map(|(_, v)| v)
                .sum();
            if nav != 0.0 {
                (nav - funded) / nav
            } else {
                0.0
            }
        };
        let exposures = self
            .book
            .exposures
            .iter()
            .enumerate()
            .map(|(k, e)| ExposureSummary {
                name: e.name.clone(),
                kind: e.kind.as_str().to_string(),
                target: e.target,
                weight_target: self.weights[k],
                weight_start: weights_start[k],
                weight_end: weights_end[k],
                value_start: values_start[k],
                value_end: values_end[k],
            })
            .collect();
        let all_checks_ok = self.checks.iter().all(|c| c.ok);
        Ok(ExposureReport {
            rebalance: self.book.rebalance,
            cash_rate: self.book.cash_rate,
            capital: self.capital,
            exposures,
            cash_weight_start: cash_share(&values_start, nav_start),
            cash_weight_end: cash_share(&values_end, nav_end),
            rebalances: self.rebalances,
            flow_totals: crate::engine::flow_totals(&self.ledger.flows),
            cash_flows: self.ledger.flows,
            checks: self.checks,
            all_checks_ok,
        })
    }
}

fn target_price(day: &MarketDay, target: usize) -> Result<f64, BacktestError> {
    day.targets.get(target).copied().ok_or(BacktestError::BadLength {
        name: "targets",
        len: day.targets.len(),
        expected: "more than every exposure's target index",
    })
}

fn quote(mid: f64, half_spread_bps: f64) -> Quote {
    Quote { mid, half_spread: mid * half_spread_bps / 1e4 }
}

/// Opens `e` worth `value` (perp: notional) at `price` with a half-spread of
/// `half_spread_bps`; `None` when there is nothing to hold.
fn open(
    ledger: &mut Ledger,
    day: &MarketDay,
    e: &ExposureSpec,
    price: f64,
    value: f64,
    half_spread_bps: f64,
) -> Result<Option<Held>, BacktestError> {
    if value == 0.0 {
        return Ok(None);
    }
    let (lp, mid) = match e.kind {
        ExposureKind::AmmLp { range, .. } => {
            let lp = unit_lp(range, price, day.date)?;
            let v = unit_value(&lp, price, day.date)?;
            (Some(lp), v)
        }
        _ => (None, price),
    };
    let qty = value / mid;
    if !(qty.is_finite() && qty != 0.0) {
        return Ok(None);
    }
    let inst = Instrument {
        name: e.name.clone(),
        settlement: if e.funded() { Settlement::Premium } else { Settlement::Margined },
        venue: e.kind.venue(),
        multiplier: 1.0,
        commission: CommissionBasis::Notional,
    };
    let id = ledger.open(day.date, inst, qty, quote(mid, half_spread_bps))?;
    Ok(Some(Held { id, qty, lp }))
}
