//! Cash and positions accounting for a hedge programme.
//!
//! The ledger holds cash and open positions. Every change of cash is a dated, typed
//! [`CashFlow`] (premium, payoff, fee, gas, funding, margin), so the hedge programme's XIRR
//! can be computed from the log alone.
//!
//! # Accounting rules
//! - **Premium-settled** instruments (options; also the book's spot, NFT and LP holdings,
//!   bought for cash and carried at their mark): opening `q` contracts at mid `p` pays the
//!   premium `−q · mult · p`; the position is worth `q · mult · mark`; closing receives the
//!   payoff `q · mult · p_close`.
//! - **Margined** instruments (futures, perpetuals): no premium; every mark at `p` pays the
//!   variation margin `q · mult · (p − mark_prev)` in cash, so the position itself is worth
//!   zero after each mark (it is settled daily).
//! - **Costs** of a trade of `|q|` contracts at mid `p` with half-spread `h` (price units):
//!   `fee = −|q| · (mult · (h + p · slippage_bps / 10 000) + c)` on an exchange, with the
//!   commission `c = commission_per_contract` for contracts (options, futures) and
//!   `c = mult · p · commission_bps / 10 000` for instruments charged on notional (ETP
//!   shares: a broker's per-share fee divided by the share price, whatever the split
//!   history); on-chain there is no commission (a venue's taker fee belongs in the
//!   half-spread) but `gas = −gas_per_action_usd` per open or close.
//! - **Resizing** a position from `q` to `q'` trades `Δ = q' − q` at the quote: premium
//!   `−Δ · mult · p` (a [`FlowKind::Premium`] when buying, a [`FlowKind::Payoff`] when
//!   selling) for premium-settled instruments, a mark first for margined ones, and the costs
//!   of `|Δ|`.
//! - **Funding** of a perpetual at rate `f` (per funding period, decimal):
//!   `−q · mult · mark · f` — a short receives when `f > 0`.
//! - **Accruals** over `Δ` calendar days (Act/365): a position's carry at `c` a year
//!   `−q · mult · mark · c · Δ/365` ([`FlowKind::Carry`]) and its fee income at `a` a year
//!   `+q · mult · mark · a · Δ/365` ([`FlowKind::FeeIncome`]); the cash account's interest at the
//!   continuously compounded rate `r`: `cash · (e^{r Δ/365} − 1)` ([`FlowKind::Interest`],
//!   booked against [`PositionId::CASH`]; negative cash pays it).
//!
//! # Invariant
//! `equity = cash + Σ marked positions` and `cash = initial cash + Σ logged flows`;
//! [`Ledger::check`] verifies both with a relative tolerance of [`CHECK_TOLERANCE`].
//! Flows of exactly zero are not logged (a zero-size, zero-cost programme leaves an empty
//! log and an untouched cash balance).

use chrono::NaiveDate as Date;
use serde::Serialize;

use crate::error::BacktestError;

/// Relative tolerance of the accounting check (scaled by the largest absolute balance).
pub const CHECK_TOLERANCE: f64 = 1e-9;

/// Identifier of a position, unique within one ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PositionId(pub u64);

impl PositionId {
    /// The cash account itself: the position id of flows that belong to no position (interest).
    pub const CASH: Self = Self(u64::MAX);
}

/// How an instrument's gains reach cash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// Premium paid up front, position carried at its mark (options).
    Premium,
    /// Daily variation margin, position worth zero after each mark (futures, perpetuals).
    Margined,
}

/// Where an instrument trades, which decides whether gas is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Venue {
    /// A listed exchange: commission and spread, no gas.
    Exchange,
    /// On-chain: gas on every open and close.
    OnChain,
}

/// What an exchange commission is charged on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommissionBasis {
    /// [`CostModel::commission_per_contract`] per contract (options, futures).
    #[default]
    PerContract,
    /// [`CostModel::commission_bps`] of the traded notional (ETP shares).
    Notional,
}

/// A tradable contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instrument {
    /// Human label, e.g. `"VIX C 25 2024-03-20"`.
    pub name: String,
    /// Premium or margined.
    pub settlement: Settlement,
    /// Exchange or on-chain.
    pub venue: Venue,
    /// Contract multiplier (USD per price point per contract).
    pub multiplier: f64,
    /// What the exchange commission is charged on.
    pub commission: CommissionBasis,
}

/// The type of a cash flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// Option premium paid (negative) or received on a sale to open (positive); the purchase
    /// price of a premium-settled holding (spot, NFT, LP deposit).
    Premium,
    /// Proceeds of a close, a sale or an expiry settlement of a premium-settled position.
    Payoff,
    /// Commission, half-spread and slippage.
    Fee,
    /// On-chain gas.
    Gas,
    /// Perpetual funding.
    Funding,
    /// Variation margin of a margined position.
    Margin,
    /// Interest on the cash balance (negative when cash is borrowed).
    Interest,
    /// Carry cost of a held position (financing, storage, insurance of NFT inventory).
    Carry,
    /// Fee income of a held position (an AMM LP's share of the swap fees).
    FeeIncome,
    /// Balance lost at a failed venue: the collateral posted there and the position's realised
    /// variation margin and funding since it was opened.
    VenueDefault,
}

/// One dated, typed cash flow; positive is cash received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CashFlow {
    /// Value date.
    pub date: Date,
    /// Type.
    pub kind: FlowKind,
    /// Amount in USD (positive inflow).
    pub amount: f64,
    /// The position it belongs to.
    pub position: PositionId,
}

/// Trading costs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CostModel {
    /// Commission per contract traded on an exchange (USD, ≥ 0; none on-chain).
    pub commission_per_contract: f64,
    /// Slippage in basis points of the mid (10 000 = 100 %, ≥ 0).
    pub slippage_bps: f64,
    /// Gas per on-chain open or close (USD, ≥ 0).
    pub gas_per_action_usd: f64,
    /// Commission in basis points of the traded notional for instruments charged on notional
    /// (ETP shares; ≥ 0). A $0.005 per-share fee on a $25 share is 2 bps.
    pub commission_bps: f64,
}

impl CostModel {
    /// No costs at all.
    pub const ZERO: Self = Self {
        commission_per_contract: 0.0,
        slippage_bps: 0.0,
        gas_per_action_usd: 0.0,
        commission_bps: 0.0,
    };

    /// Checks every field is finite and non-negative.
    ///
    /// # Errors
    /// [`BacktestError::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<(), BacktestError> {
        non_negative("commission_per_contract", self.commission_per_contract)?;
        non_negative("slippage_bps", self.slippage_bps)?;
        non_negative("gas_per_action_usd", self.gas_per_action_usd)?;
        non_negative("commission_bps", self.commission_bps)
    }
}

fn non_negative(name: &'static str, value: f64) -> Result<(), BacktestError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(BacktestError::InvalidInput { name, value, expected: "finite and >= 0" })
    }
}

fn finite(name: &'static str, value: f64) -> Result<(), BacktestError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(BacktestError::InvalidInput { name, value, expected: "finite" })
    }
}

/// A price with its half bid/ask spread, both in price units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Quote {
    /// Mid price (≥ 0).
    pub mid: f64,
    /// Half the bid/ask spread (≥ 0).
    pub half_spread: f64,
}

/// An open position.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Position {
    /// Identifier.
    pub id: PositionId,
    /// The contract.
    pub instrument: Instrument,
    /// Signed number of contracts (negative is short).
    pub quantity: f64,
    /// Mid price at the open.
    pub entry_price: f64,
    /// Last mark.
    pub mark: f64,
    /// Opening date.
    pub opened: Date,
}

impl Position {
    /// The position's contribution to equity: `q · mult · mark` if premium-settled, zero if
    /// margined (settled in cash at every mark).
    pub fn value(&self) -> f64 {
        match self.instrument.settlement {
            Settlement::Premium => self.quantity * self.instrument.multiplier * self.mark,
            Settlement::Margined => 0.0,
        }
    }
}

/// The result of one accounting check.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AccountingCheck {
    /// Day checked.
    pub date: Date,
    /// Cash balance.
    pub cash: f64,
    /// `Σ` marked position values.
    pub positions_value: f64,
    /// `cash + positions_value`.
    pub equity: f64,
    /// `initial cash + Σ` logged flows, summed independently of the cash balance.
    pub cash_from_flows: f64,
    /// `cash − cash_from_flows`.
    pub residual: f64,
    /// `|residual| ≤ CHECK_TOLERANCE · max(1, |cash|, Σ|flows|)` and everything finite.
    pub ok: bool,
}

/// Cash, open positions and the flow log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ledger {
    /// Starting cash.
    pub initial_cash: f64,
    /// Current cash.
    pub cash: f64,
    /// Open positions in opening order.
    pub positions: Vec<Position>,
    /// Every cash flow, in booking order.
    pub flows: Vec<CashFlow>,
    /// Costs applied to trades.
    pub costs: CostModel,
    #[serde(skip)]
    next_id: u64,
    #[serde(skip)]
    checked_upto: usize,
    #[serde(skip)]
    flows_sum: f64,
    #[serde(skip)]
    flows_abs_sum: f64,
}

impl Ledger {
    /// An empty ledger with `initial_cash`.
    ///
    /// # Errors
    /// Non-finite cash or invalid costs.
    pub fn new(initial_cash: f64, costs: CostModel) -> Result<Self, BacktestError> {
        finite("initial_cash", initial_cash)?;
        costs.validate()?;
        Ok(Self {
            initial_cash,
            cash: initial_cash,
            positions: Vec::new(),
            flows: Vec::new(),
            costs,
            next_id: 0,
            checked_upto: 0,
            flows_sum: 0.0,
            flows_abs_sum: 0.0,
        })
    }

    /// `cash + Σ` position values.
    pub fn equity(&self) -> f64 {
        self.cash + self.positions_value()
    }

    /// `Σ` position values (see [`Position::value`]).
    pub fn positions_value(&self) -> f64 {
        self.positions.iter().map(Position::value).sum()
    }

    /// The open position `id`.
    pub fn position(&self, id: PositionId) -> Option<&Position> {
        self.positions.iter().find(|p| p.id == id)
    }

    fn index(&self, id: PositionId) -> Result<usize, BacktestError> {
        self.positions
            .iter()
            .position(|p| p.id == id)
            .ok_or(BacktestError::UnknownPosition { id: id.0 })
    }

    fn book(&mut self, date: Date, kind: FlowKind, amount: f64, position: PositionId) {
        if amount != 0.0 {
            self.cash += amount;
            self.flows.push(CashFlow { date, kind, amount, position });
        }
    }

    fn trade_costs(&mut self, date: Date, inst: &Instrument, qty: f64, q: Quote, id: PositionId) {
        let commission = match (inst.venue, inst.commission) {
            (Venue::OnChain, _) => 0.0,
            (Venue::Exchange, CommissionBasis::PerContract) => self.costs.commission_per_contract,
            (Venue::Exchange, CommissionBasis::Notional) => {
                inst.multiplier * q.mid * self.costs.commission_bps / 1e4
            }
        };
        let per_contract =
            inst.multiplier * (q.half_spread + q.mid * self.costs.slippage_bps / 1e4) + commission;
        self.book(date, FlowKind::Fee, -qty.abs() * per_contract, id);
        if inst.venue == Venue::OnChain {
            self.book(date, FlowKind::Gas, -self.costs.gas_per_action_usd, id);
        }
    }

    /// Opens `quantity` contracts of `instrument` at `quote`, paying premium (if
    /// premium-settled) and costs.
    ///
    /// # Errors
    /// Non-finite or zero quantity, negative or non-finite prices or multiplier.
    pub fn open(
        &mut self,
        date: Date,
        instrument: Instrument,
        quantity: f64,
        quote: Quote,
    ) -> Result<PositionId, BacktestError> {
        finite("quantity", quantity)?;
        if quantity == 0.0 {
            return Err(BacktestError::InvalidInput {
                name: "quantity",
                value: quantity,
                expected: "non-zero",
            });
        }
        non_negative("mid", quote.mid)?;
        non_negative("half_spread", quote.half_spread)?;
        non_negative("multiplier", instrument.multiplier)?;
        let id = PositionId(self.next_id);
        self.next_id += 1;
        if instrument.settlement == Settlement::Premium {
            self.book(date, FlowKind::Premium, -quantity * instrument.multiplier * quote.mid, id);
        }
        self.trade_costs(date, &instrument, quantity, quote, id);
        self.positions.push(Position {
            id,
            instrument,
            quantity,
            entry_price: quote.mid,
            mark: quote.mid,
            opened: date,
        });
        Ok(id)
    }

    /// Marks position `id` at `price`; a margined position pays the variation margin.
    ///
    /// # Errors
    /// Unknown id or a negative / non-finite price.
    pub fn mark(&mut self, date: Date, id: PositionId, price: f64) -> Result<(), BacktestError> {
        non_negative("mark price", price)?;
        let i = self.index(id)?;
        let p = &self.positions[i];
        if p.instrument.settlement == Settlement::Margined {
            let vm = p.quantity * p.instrument.multiplier * (price - p.mark);
            self.book(date, FlowKind::Margin, vm, id);
        }
        self.positions[i].mark = price;
        Ok(())
    }

    /// Books funding at `rate` (decimal per period) on a position: `−q · mult · mark · rate`.
    ///
    /// # Errors
    /// Unknown id or non-finite rate.
    pub fn funding(&mut self, date: Date, id: PositionId, rate: f64) -> Result<(), BacktestError> {
        finite("funding rate", rate)?;
        let i = self.index(id)?;
        let p = &self.positions[i];
        let amount = -p.quantity * p.instrument.multiplier * p.mark * rate;
        self.book(date, FlowKind::Funding, amount, id);
        Ok(())
    }

    /// Books interest on the cash balance over `days` calendar days at the continuously
    /// compounded annual rate `rate`: `cash · (e^{rate · days/365} − 1)` (Act/365), against
    /// [`PositionId::CASH`].
    ///
    /// # Errors
    /// Non-finite rate or negative / non-finite days.
    pub fn interest(&mut self, date: Date, rate: f64, days: f64) -> Result<(), BacktestError> {
        finite("cash rate", rate)?;
        non_negative("accrual days", days)?;
        let amount = self.cash * (rate * days / 365.0).exp_m1();
        self.book(date, FlowKind::Interest, amount, PositionId::CASH);
        Ok(())
    }

    /// Books the carry of position `id` over `days` calendar days at `rate_per_year` of its
    /// marked value: `−q · mult · mark · rate · days/365` (Act/365; a cost when `rate > 0`).
    ///
    /// # Errors
    /// Unknown id, a non-finite rate or negative / non-finite days.
    pub fn carry(
        &mut self,
        date: Date,
        id: PositionId,
        rate_per_year: f64,
        days: f64,
    ) -> Result<(), BacktestError> {
        self.accrue(date, id, FlowKind::Carry, -rate_per_year, days)
    }

    /// Books the fee income of position `id` over `days` calendar days at `apr` of its marked
    /// value: `+q · mult · mark · apr · days/365` (Act/365).
    ///
    /// # Errors
    /// Unknown id, a non-finite rate or negative / non-finite days.
    pub fn fee_income(
        &mut self,
        date: Date,
        id: PositionId,
        apr: f64,
        days: f64,
    ) -> Result<(), BacktestError> {
        self.accrue(date, id, FlowKind::FeeIncome, apr, days)
    }

    fn accrue(
        &mut self,
        date: Date,
        id: PositionId,
        kind: FlowKind,
        rate: f64,
        days: f64,
    ) -> Result<(), BacktestError> {
        finite("accrual rate", rate)?;
        non_negative("accrual days", days)?;
        let i = self.index(id)?;
        let p = &self.positions[i];
        let amount = p.quantity * p.instrument.multiplier * p.mark * rate * days / 365.0;
        self.book(date, kind, amount, id);
        Ok(())
    }

    /// Closes position `id` at `quote`, paying costs.
    ///
    /// # Errors
    /// Unknown id or invalid prices.
    pub fn close(&mut self, date: Date, id: PositionId, quote: Quote) -> Result<(), BacktestError> {
        non_negative("half_spread", quote.half_spread)?;
        self.close_inner(date, id, quote, true)
    }

    /// Settles position `id` at expiry at `price` (cash settlement: no spread, commission or
    /// gas).
    ///
    /// # Errors
    /// Unknown id or an invalid price.
    pub fn settle(&mut self, date: Date, id: PositionId, price: f64) -> Result<(), BacktestError> {
        self.close_inner(date, id, Quote { mid: price, half_spread: 0.0 }, false)
    }

    fn close_inner(
        &mut self,
        date: Date,
        id: PositionId,
        quote: Quote,
        costs: bool,
    ) -> Result<(), BacktestError> {
        self.mark(date, id, quote.mid)?;
        let i = self.index(id)?;
        let p = self.positions.remove(i);
        if p.instrument.settlement == Settlement::Premium {
            self.book(date, FlowKind::Payoff, p.quantity * p.instrument.multiplier * quote.mid, id);
        }
        if costs {
            self.trade_costs(date, &p.instrument, p.quantity, quote, id);
        }
        Ok(())
    }

    /// Writes position `id` off because its venue failed on `date`: the position is removed
    /// with no payoff (a premium-settled position's marked value is lost) and, for a margined
    /// one, the balance held at the venue is booked as lost ([`FlowKind::VenueDefault`]): the
    /// `collateral` posted for it plus its variation margin and funding after `since` (the
    /// last time the holder settled the account; `None`: since it was opened), floored at zero (a balance below zero would have
    /// been liquidated). Returns the loss to equity (≥ 0).
    ///
    /// # Errors
    /// Unknown id, or a negative / non-finite collateral.
    pub fn venue_default(
        &mut self,
        date: Date,
        id: PositionId,
        collateral: f64,
        since: Option<Date>,
    ) -> Result<f64, BacktestError> {
        non_negative("collateral", collateral)?;
        let i = self.index(id)?;
        let p = self.positions.remove(i);
        let lost = match p.instrument.settlement {
            Settlement::Premium => p.value(),
            Settlement::Margined => {
                let held: f64 = self
                    .flows
                    .iter()
                    .filter(|f| {
                        f.position == id
                            && matches!(f.kind, FlowKind::Margin | FlowKind::Funding)
                            && since.is_none_or(|d| f.date > d)
                    })
                    .map(|f| f.amount)
                    .sum();
                // The balance at the venue cannot be negative: a position whose losses
                // exceeded its collateral would have been liquidated before (the holder then
                // owed nothing more), so the loss is at least zero.
                let lost = (collateral + held).max(0.0);
                self.book(date, FlowKind::VenueDefault, -lost, id);
                lost
            }
        };
        Ok(lost)
    }

    /// Resizes position `id` to `quantity` contracts by trading the difference at `quote`
    /// (see the module docs); a margined position is marked at the quote's mid first.
    ///
    /// # Errors
    /// Unknown id, a non-finite or zero target quantity (use [`Ledger::close`]), or invalid
    /// prices.
    pub fn resize(
        &mut self,
        date: Date,
        id: PositionId,
        quantity: f64,
        quote: Quote,
    ) -> Result<(), BacktestError> {
        finite("quantity", quantity)?;
        if quantity == 0.0 {
            return Err(BacktestError::InvalidInput {
                name: "quantity",
                value: quantity,
                expected: "non-zero (close the position instead)",
            });
        }
        non_negative("mid", quote.mid)?;
        non_negative("half_spread", quote.half_spread)?;
        self.mark(date, id, quote.mid)?;
        let i = self.index(id)?;
        let delta = quantity - self.positions[i].quantity;
        if delta == 0.0 {
            return Ok(());
        }
        let inst = self.positions[i].instrument.clone();
        if inst.settlement == Settlement::Premium {
            let kind = if delta > 0.0 { FlowKind::Premium } else { FlowKind::Payoff };
            self.book(date, kind, -delta * inst.multiplier * quote.mid, id);
        }
        self.trade_costs(date, &inst, delta, quote, id);
        self.positions[i].quantity = quantity;
        Ok(())
    }

    /// Closes `old` and opens `quantity` of `instrument`: a roll.
    ///
    /// # Errors
    /// As [`Ledger::close`] and [`Ledger::open`].
    pub fn roll(
        &mut self,
        date: Date,
        old: PositionId,
        close_quote: Quote,
        instrument: Instrument,
        quantity: f64,
        open_quote: Quote,
    ) -> Result<PositionId, BacktestError> {
        self.close(date, old, close_quote)?;
        self.open(date, instrument, quantity, open_quote)
    }

    /// Checks the accounting identity after the day's bookings; the flows logged since the
    /// previous check are summed into a running total kept apart from the cash balance.
    pub fn check(&mut self, date: Date) -> AccountingCheck {
        for f in &self.flows[self.checked_upto..] {
            self.flows_sum += f.amount;
            self.flows_abs_sum += f.amount.abs();
        }
        self.checked_upto = self.flows.len();
        let positions_value = self.positions_value();
        let equity = self.cash + positions_value;
        let cash_from_flows = self.initial_cash + self.flows_sum;
        let residual = self.cash - cash_from_flows;
        let scale = 1f64.max(self.cash.abs()).max(self.flows_abs_sum).max(self.initial_cash.abs());
        let ok = equity.is_finite() && residual.abs() <= CHECK_TOLERANCE * scale;
        AccountingCheck {
            date,
            cash: self.cash,
            positions_value,
            equity,
            cash_from_flows,
            residual,
            ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn option() -> Instrument {
        Instrument {
            name: "VIX C 20".into(),
            settlement: Settlement::Premium,
            venue: Venue::Exchange,
            multiplier: 100.0,
            commission: CommissionBasis::PerContract,
        }
    }

    #[test]
    fn ledger_option_round_trip_by_hand() {
        let costs = CostModel {
            commission_per_contract: 1.0,
            slippage_bps: 100.0,
            gas_per_action_usd: 5.0,
            commission_bps: 0.0,
        };
        let mut l = Ledger::new(10_000.0, costs).unwrap();
        let id =
            l.open(d("2024-01-02"), option(), 2.0, Quote { mid: 1.5, half_spread: 0.05 }).unwrap();
        // Premium 2·100·1.5 = 300; fee 2·(100·(0.05 + 0.015) + 1) = 15.
        assert!((l.cash - (10_000.0 - 300.0 - 15.0)).abs() < 1e-9);
        assert!((l.equity() - (10_000.0 - 15.0)).abs() < 1e-9);
        l.mark(d("2024-01-03"), id, 2.5).unwrap();
        assert!((l.equity() - (10_000.0 - 15.0 + 200.0)).abs() < 1e-9);
        l.settle(d("2024-01-04"), id, 3.0).unwrap();
        assert!((l.cash - (10_000.0 - 315.0 + 600.0)).abs() < 1e-9);
        assert!(l.positions.is_empty());
        assert!(l.check(d("2024-01-04")).ok);
        assert_eq!(l.flows.iter().filter(|f| f.kind == FlowKind::Gas).count(), 0);
    }

    #[test]
    fn ledger_short_perp_margin_funding_gas() {
        let costs = CostModel { gas_per_action_usd: 5.0, ..CostModel::ZERO };
        let mut l = Ledger::new(0.0, costs).unwrap();
        let perp = Instrument {
            name: "ETH-PERP".into(),
            settlement: Settlement::Margined,
            venue: Venue::OnChain,
            multiplier: 1.0,
            commission: CommissionBasis::PerContract,
        };
        let id =
            l.open(d("2024-01-02"), perp, -3.0, Quote { mid: 2000.0, half_spread: 0.0 }).unwrap();
        assert_eq!(l.cash, -5.0);
        l.mark(d("2024-01-03"), id, 1900.0).unwrap();
        assert!((l.cash - (-5.0 + 300.0)).abs() < 1e-12);
        l.funding(d("2024-01-03"), id, 0.0001).unwrap();
        assert!((l.cash - (295.0 + 3.0 * 1900.0 * 0.0001)).abs() < 1e-12);
        assert_eq!(l.positions_value(), 0.0);
        l.close(d("2024-01-04"), id, Quote { mid: 1900.0, half_spread: 0.0 }).unwrap();
        assert!((l.cash - (295.0 + 0.57 - 5.0)).abs() < 1e-12);
        assert!(l.check(d("2024-01-04")).ok);
    }

    #[test]
    fn ledger_unknown_position_and_bad_inputs_are_err() {
        let mut l = Ledger::new(0.0, CostModel::ZERO).unwrap();
        assert!(l.mark(d("2024-01-02"), PositionId(7), 1.0).is_err());
        assert!(l
            .open(d("2024-01-02"), option(), 0.0, Quote { mid: 1.0, half_spread: 0.0 })
            .is_err());
        assert!(l
            .open(d("2024-01-02"), option(), 1.0, Quote { mid: -1.0, half_spread: 0.0 })
            .is_err());
        assert!(Ledger::new(f64::NAN, CostModel::ZERO).is_err());
    }

    #[test]
    fn ledger_check_detects_unlogged_cash() {
        let mut l = Ledger::new(100.0, CostModel::ZERO).unwrap();
        l.cash += 1.0;
        assert!(!l.check(d("2024-01-02")).ok);
    }
}
