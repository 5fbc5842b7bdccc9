//! Perpetual futures: funding cash flows, isolated-margin liquidation price, and position P&L
//! along a path of (mark price, funding rate) observations.
//!
//! # Conventions
//! - **Side**: `s = +1` long, `s = -1` short.
//! - **Funding**: a rate per settlement interval (8 h on Binance/Bybit, 1 h on dYdX, …) carried
//!   explicitly in [`FundingRate`]; positive = longs pay shorts. The holder **receives**
//!   `-s × notional at mark × rate` at each settlement (linear contracts, in quote currency) or
//!   `-s × (contracts' USD value / mark) × rate` (inverse contracts, in coin).
//! - **Linear (USDT-margined)**: quantity `Q` in base units, P&L `s Q (P - EP)`, margin in quote.
//! - **Inverse (coin-margined)**: quantity `N` = USD face value of the contracts, P&L
//!   `s N (1/EP - 1/P)` in coin, margin in coin.
//! - **Isolated margin** `M` is the collateral assigned to the position; funding is credited to
//!   or debited from it. The position is liquidated when its equity (margin + unrealised P&L)
//!   falls to the maintenance requirement `(mmr + f) × position value − cum`, with `mmr` the
//!   maintenance margin rate, `f` the estimated closing (taker) fee rate included in the
//!   maintenance requirement as Bybit does, and `cum` Binance's tier "maintenance amount".
//!   With `f = 0` this is Binance's isolated-margin formula for one-way mode.
//!
//! # References
//! Binance Futures, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts";
//! Bybit, "Liquidation Price (USDT Contract, isolated margin)". Both are exchange help pages.

use serde::{Deserialize, Serialize};

use crate::error::{finite, non_negative, positive};
use crate::DefiError;

/// Hours per (365-day) year, for annualising funding.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Direction of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Long: gains when the price rises.
    Long,
    /// Short: gains when the price falls.
    Short,
}

impl Side {
    /// `+1` for long, `-1` for short.
    pub fn sign(self) -> f64 {
        match self {
            Side::Long => 1.0,
            Side::Short => -1.0,
        }
    }
}

/// Contract type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContractKind {
    /// USDT/USDC-margined: quantity in base units, margin and P&L in quote.
    Linear,
    /// Coin-margined: quantity in USD face value, margin and P&L in the base coin.
    Inverse,
}

/// A funding rate per settlement interval, with the interval carried explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FundingRate {
    /// Rate per interval as a fraction of notional (0.0001 = 1 bp); positive = longs pay.
    pub rate: f64,
    /// Settlement interval in hours (8 for Binance/Bybit, 1 for dYdX; 24 for a daily sum).
    pub interval_hours: f64,
}

impl FundingRate {
    /// A rate per interval.
    ///
    /// # Errors
    /// [`DefiError::NotFinite`] for the rate, [`DefiError::NotPositive`] for the interval.
    pub fn new(rate: f64, interval_hours: f64) -> Result<Self, DefiError> {
        Ok(Self {
            rate: finite("rate", rate)?,
            interval_hours: positive("interval_hours", interval_hours)?,
        })
    }

    /// Simple annualised rate: `rate × 8760 / interval_hours`.
    pub fn annualized(&self) -> f64 {
        self.rate * HOURS_PER_YEAR / self.interval_hours
    }

    /// The equivalent simple rate for another interval: `rate × hours / interval_hours`.
    pub fn per_interval(&self, hours: f64) -> f64 {
        self.rate * hours / self.interval_hours
    }
}

/// Funding received by the holder at one settlement (negative = paid).
///
/// # Formula
/// Linear: `-s × Q × mark × rate` (quote). Inverse: `-s × N / mark × rate` (coin).
///
/// # Errors
/// Sign errors for quantity or mark; [`DefiError::NotFinite`] for the rate.
pub fn funding_payment(
    kind: ContractKind,
    side: Side,
    quantity: f64,
    mark_price: f64,
    rate: f64,
) -> Result<f64, DefiError> {
    let q = non_negative("quantity", quantity)?;
    let m = positive("mark_price", mark_price)?;
    let r = finite("rate", rate)?;
    Ok(match kind {
        ContractKind::Linear => -side.sign() * q * m * r,
        ContractKind::Inverse => -side.sign() * q / m * r,
    })
}

/// Annualised funding carry of a constant-notional position, as a fraction of notional per
/// year: `-s × Σ rate_i / (Σ interval_hours_i / 8760)`.
///
/// For a year of daily sums this is the year's summed rate with the side's sign.
///
/// # Errors
/// [`DefiError::Empty`] for no rates.
pub fn annualized_funding_carry(side: Side, rates: &[FundingRate]) -> Result<f64, DefiError> {
    if rates.is_empty() {
        return Err(DefiError::Empty { what: "funding rates" });
    }
    let total: f64 = rates.iter().map(|r| r.rate).sum();
    let hours: f64 = rates.iter().map(|r| r.interval_hours).sum();
    Ok(-side.sign() * total * HOURS_PER_YEAR / hours)
}

/// Maintenance-margin parameters of a venue tier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MarginParams {
    /// Maintenance margin rate (0.004 = 0.4 %, Binance BTCUSDT tier 1).
    pub maintenance_margin_rate: f64,
    /// Tier maintenance amount `cum` (Binance), in margin currency; 0 for tier 1.
    pub maintenance_amount: f64,
    /// Closing fee rate reserved in the maintenance requirement (Bybit style); 0 for Binance.
    pub close_fee_rate: f64,
}

impl MarginParams {
    /// Validated parameters with `mmr + fee < 1`.
    ///
    /// # Errors
    /// [`DefiError::OutOfRange`] unless `0 <= mmr`, `0 <= fee` and `mmr + fee < 1`;
    /// [`DefiError::Negative`] for the maintenance amount.
    pub fn new(
        maintenance_margin_rate: f64,
        maintenance_amount: f64,
        close_fee_rate: f64,
    ) -> Result<Self, DefiError> {
        let mmr = non_negative("maintenance_margin_rate", maintenance_margin_rate)?;
        let f = non_negative("close_fee_rate", close_fee_rate)?;
        if mmr + f >= 1.0 {
            return Err(DefiError::OutOfRange {
                what: "mmr + close fee",
                value: mmr + f,
                min: 0.0,
                max: 1.0,
            });
        }
        Ok(Self {
            maintenance_margin_rate: mmr,
            maintenance_amount: non_negative("maintenance_amount", maintenance_amount)?,
            close_fee_rate: f,
        })
    }
}

/// An isolated-margin perpetual position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerpPosition {
    /// Linear or inverse.
    pub kind: ContractKind,
    /// Long or short.
    pub side: Side,
    /// Linear: base units; inverse: USD face value.
    pub quantity: f64,
    /// Entry price (quote per base).
    pub entry_price: f64,
    /// Isolated margin (quote for linear, coin for inverse).
    pub margin: f64,
}

impl PerpPosition {
    /// A position with explicit isolated margin.
    ///
    /// # Errors
    /// Sign errors for quantity, entry price and margin.
    pub fn new(
        kind: ContractKind,
        side: Side,
        quantity: f64,
        entry_price: f64,
        margin: f64,
    ) -> Result<Self, DefiError> {
        Ok(Self {
            kind,
            side,
            quantity: positive("quantity", quantity)?,
            entry_price: positive("entry_price", entry_price)?,
            margin: non_negative("margin", margin)?,
        })
    }

    /// A position opened at `leverage`: initial margin = entry value / leverage (entry value =
    /// `Q × EP` for linear, `N / EP` coin for inverse).
    ///
    /// The opening (taker) fee is paid from the wallet, not from the isolated margin, on
    /// Binance and Bybit, so it does not enter the margin; the closing fee enters the
    /// liquidation condition through [`MarginParams::close_fee_rate`]. To model a venue that
    /// takes the opening fee out of the margin, build the position with [`PerpPosition::new`]
    /// and the reduced margin.
    ///
    /// # Errors
    /// Sign errors, including a non-positive leverage.
    pub fn with_leverage(
        kind: ContractKind,
        side: Side,
        quantity: f64,
        entry_price: f64,
        leverage: f64,
    ) -> Result<Self, DefiError> {
        let mut p = Self::new(kind, side, quantity, entry_price, 0.0)?;
        p.margin = p.position_value(entry_price) / positive("leverage", leverage)?;
        Ok(p)
    }

    /// Position value at a price, in margin currency: `Q P` (linear) or `N / P` (inverse).
    pub fn position_value(&self, price: f64) -> f64 {
        match self.kind {
            ContractKind::Linear => self.quantity * price,
            ContractKind::Inverse => self.quantity / price,
        }
    }

    /// Unrealised P&L at `mark`, in margin currency.
    ///
    /// # Formula
    /// Linear `s Q (P - EP)`; inverse `s N (1/EP - 1/P)`.
    pub fn unrealized_pnl(&self, mark: f64) -> f64 {
        let s = self.side.sign();
        match self.kind {
            ContractKind::Linear => s * self.quantity * (mark - self.entry_price),
            ContractKind::Inverse => s * self.quantity * (1.0 / self.entry_price - 1.0 / mark),
        }
    }

    /// Leverage: entry value / isolated margin (`∞` with no margin).
    pub fn leverage(&self) -> f64 {
        self.position_value(self.entry_price) / self.margin
    }

    /// The leverage cap `1/mm`: entry value / maintenance requirement at entry, the leverage at
    /// which the initial margin only just equals the maintenance requirement (liquidation on
    /// opening). `None` when the requirement at entry is 0 (no cap).
    ///
    /// # Formula
    /// `mm = (mmr + f) − cum / V(EP)`, cap `= 1/mm = V(EP) / ((mmr + f) V(EP) − cum)` with
    /// `V(EP) = Q EP` (linear) or `N / EP` (inverse); with `cum = f = 0` it is `1/mmr`
    /// (250× at Binance's tier-1 0.4 %). A venue's own limit for the tier (125× on Binance
    /// BTCUSDT tier 1) lies below it.
    pub fn max_leverage(&self, params: &MarginParams) -> Option<f64> {
        let maintenance = self.maintenance_margin(params, self.entry_price);
        (maintenance > 0.0).then(|| self.position_value(self.entry_price) / maintenance)
    }

    /// Maintenance requirement at `mark`: `(mmr + f) × position value − cum` (floored at 0).
    pub fn maintenance_margin(&self, params: &MarginParams, mark: f64) -> f64 {
        ((params.maintenance_margin_rate + params.close_fee_rate) * self.position_value(mark)
            - params.maintenance_amount)
            .max(0.0)
    }

    /// The isolated-margin liquidation price: where margin + unrealised P&L equals the
    /// maintenance requirement.
    ///
    /// # Formula
    /// With `m = mmr + f`:
    /// - linear: `LP = (s Q EP − M − cum) / (Q (s − m))`, i.e. long
    ///   `(Q EP − M − cum) / (Q (1 − m))`, short `(Q EP + M + cum) / (Q (1 + m))`;
    ///   with `M = Q EP / lev`, `cum = f = 0`: long `EP (1 − 1/lev) / (1 − mmr)`, short
    ///   `EP (1 + 1/lev) / (1 + mmr)` (Binance, one-way isolated);
    /// - inverse: `LP = N (s + m) / (M + cum + s N / EP)`.
    ///
    /// The formula needs the margin to exceed the maintenance requirement at entry; below it
    /// (leverage above [`PerpPosition::max_leverage`]) the formula's root lies on the winning
    /// side of the entry, which is no liquidation price at all: the position would be
    /// liquidated on opening, and Binance and Bybit refuse to open it (their tier leverage
    /// limits sit below `1/mm`). That case is an error.
    ///
    /// # Errors
    /// [`DefiError::LeverageAboveCap`] when `0 < (mmr + f) × entry value − cum >= M` (equity
    /// already at the requirement on opening);
    /// [`DefiError::NoLiquidationPrice`] when the margin covers every loss (a linear long with
    /// `M + cum >= Q EP`, an inverse short with `M + cum >= N / EP`).
    pub fn liquidation_price(&self, params: &MarginParams) -> Result<f64, DefiError> {
        let maintenance = self.maintenance_margin(params, self.entry_price);
        if maintenance > 0.0 && self.margin <= maintenance {
            return Err(DefiError::LeverageAboveCap {
                leverage: self.leverage(),
                cap: self.max_leverage(params).unwrap_or(f64::INFINITY),
            });
        }
        let s = self.side.sign();
        let m = params.maintenance_margin_rate + params.close_fee_rate;
        let (q, ep) = (self.quantity, self.entry_price);
        let extra = self.margin + params.maintenance_amount;
        let lp = match self.kind {
            ContractKind::Linear => (s * q * ep - extra) / (q * (s - m)),
            ContractKind::Inverse => q * (s + m) / (extra + s * q / ep),
        };
        if lp.is_finite() && lp > 0.0 {
            Ok(lp)
        } else {
            Err(DefiError::NoLiquidationPrice {
                reason: "the isolated margin covers any price move in the losing direction",
            })
        }
    }
}

/// One observation of a path: the mark price, the funding rate settled at this time if any,
/// and optionally the worst mark since the previous observation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerpObservation {
    /// Mark price (quote per base).
    pub mark_price: f64,
    /// Funding settled at this observation (paid at this mark), if any: the rate per its
    /// settlement interval.
    pub funding: Option<FundingRate>,
    /// The most adverse mark for the position since the previous observation (the day's low
    /// for a long, the high for a short), if known; liquidation is checked there first.
    pub adverse_price: Option<f64>,
}

impl PerpObservation {
    /// An observation with only a mark price and an optional funding settlement.
    pub fn new(mark_price: f64, funding: Option<FundingRate>) -> Self {
        Self { mark_price, funding, adverse_price: None }
    }
}

/// The state of a position after one observation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerpPathPoint {
    /// Index of the observation.
    pub index: usize,
    /// Mark price.
    pub mark_price: f64,
    /// Funding received at this observation (negative = paid).
    pub funding_payment: f64,
    /// Funding received so far (realised).
    pub cumulative_funding: f64,
    /// Unrealised P&L at the mark.
    pub unrealized_pnl: f64,
    /// Isolated margin after funding: initial margin + cumulative funding.
    pub margin: f64,
    /// Equity: margin + unrealised P&L.
    pub equity: f64,
    /// Maintenance requirement at the mark.
    pub maintenance_margin: f64,
    /// Margin ratio `maintenance / equity` (liquidation at >= 1); `None` when equity <= 0.
    pub margin_ratio: Option<f64>,
}

/// A liquidation found on a path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LiquidationEvent {
    /// Index of the first observation at which equity <= maintenance.
    pub index: usize,
    /// Mark price there.
    pub mark_price: f64,
    /// Equity there (what the exchange keeps: it goes to the insurance fund).
    pub equity: f64,
    /// True when the breach was found at the observation's `adverse_price` (between two
    /// observations) rather than at its mark.
    pub intraday: bool,
}

/// P&L of a position along a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerpPathResult {
    /// One point per observation up to and including a liquidation.
    pub points: Vec<PerpPathPoint>,
    /// The first liquidation, if any.
    pub liquidation: Option<LiquidationEvent>,
    /// Realised funding received over the path (up to liquidation).
    pub realized_funding: f64,
    /// Number of funding settlements applied.
    pub funding_settlements: usize,
    /// Hours covered by the applied settlements (sum of their intervals).
    pub funding_hours: f64,
    /// Final equity (0 after a liquidation: the isolated margin is forfeited).
    pub final_equity: f64,
    /// Total P&L: final equity − initial margin.
    pub total_pnl: f64,
}

/// Runs a position along a path of observations.
///
/// At each observation: if an `adverse_price` is given, liquidation is first checked there with
/// the margin before this observation's funding (a breach between observations); then the mark
/// moves, the funding (if any) is settled at that mark into the isolated margin, and
/// liquidation is checked at the mark (`equity <= maintenance`). Without adverse prices a breach
/// between two observations that reverses is not seen, so daily closes under-detect intraday
/// liquidations: pass the day's low (long) or high (short) as `adverse_price`.
///
/// # Errors
/// [`DefiError::Empty`] for an empty path; sign errors for prices; [`DefiError::NotFinite`] for
/// rates.
pub fn simulate_path(
    position: &PerpPosition,
    params: &MarginParams,
    observations: &[PerpObservation],
) -> Result<PerpPathResult, DefiError> {
    if observations.is_empty() {
        return Err(DefiError::Empty { what: "observations" });
    }
    let mut points = Vec::with_capacity(observations.len());
    let mut cumulative = 0.0;
    let mut funding_hours = 0.0;
    let mut settlements = 0;
    let mut liquidation = None;
    let point = |index: usize, mark: f64, funding: f64, cumulative: f64| {
        let upnl = position.unrealized_pnl(mark);
        let margin = position.margin + cumulative;
        let equity = margin + upnl;
        let mm = position.maintenance_margin(params, mark);
        PerpPathPoint {
            index,
            mark_price: mark,
            funding_payment: funding,
            cumulative_funding: cumulative,
            unrealized_pnl: upnl,
            margin,
            equity,
            maintenance_margin: mm,
            margin_ratio: if equity > 0.0 { Some(mm / equity) } else { None },
        }
    };
    for (index, obs) in observations.iter().enumerate() {
        let mark = positive("mark_price", obs.mark_price)?;
        if let Some(adverse) = obs.adverse_price {
            let adverse = positive("adverse_price", adverse)?;
            let p = point(index, adverse, 0.0, cumulative);
            if p.equity <= p.maintenance_margin {
                liquidation = Some(LiquidationEvent {
                    index,
                    mark_price: adverse,
                    equity: p.equity,
                    intraday: true,
                });
                points.push(p);
                break;
            }
        }
        let funding = match obs.funding {
            Some(r) => {
                funding_hours += r.interval_hours;
                settlements += 1;
                funding_payment(position.kind, position.side, position.quantity, mark, r.rate)?
            }
            None => 0.0,
        };
        cumulative += funding;
        let p = point(index, mark, funding, cumulative);
        let breached = p.equity <= p.maintenance_margin;
        points.push(p);
        if breached {
            liquidation = Some(LiquidationEvent {
                index,
                mark_price: mark,
                equity: p.equity,
                intraday: false,
            });
            break;
        }
    }
    let final_equity = match (liquidation, points.last()) {
        (Some(_), _) | (None, None) => 0.0,
        (None, Some(p)) => p.equity,
    };
    Ok(PerpPathResult {
        points,
        liquidation,
        realized_funding: cumulative,
        funding_settlements: settlements,
        funding_hours,
        final_equity,
        total_pnl: final_equity - position.margin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binance() -> MarginParams {
        MarginParams::new(0.004, 0.0, 0.0).unwrap()
    }

    #[test]
    fn funding_sign_convention() {
        // Positive rate: longs pay shorts. 2 BTC at 30000, 1 bp.
        let long = funding_payment(ContractKind::Linear, Side::Long, 2.0, 30_000.0, 1e-4).unwrap();
        let short =
            funding_payment(ContractKind::Linear, Side::Short, 2.0, 30_000.0, 1e-4).unwrap();
        assert!((long + 6.0).abs() < 1e-12);
        assert!((short - 6.0).abs() < 1e-12);
        // Inverse: 60000 USD face at 30000: 2 BTC notional, 1 bp -> 0.0002 BTC.
        let inv =
            funding_payment(ContractKind::Inverse, Side::Short, 60_000.0, 30_000.0, 1e-4).unwrap();
        assert!((inv - 2e-4).abs() < 1e-16);
    }

    #[test]
    fn funding_rate_interval() {
        let r = FundingRate::new(1e-4, 8.0).unwrap();
        assert!((r.annualized() - 0.1095).abs() < 1e-15);
        assert!((r.per_interval(1.0) - 1.25e-5).abs() < 1e-18);
        assert!(FundingRate::new(1e-4, 0.0).is_err());
        let carry = annualized_funding_carry(Side::Short, &[r, r, r]).unwrap();
        assert!((carry - 0.1095).abs() < 1e-15);
    }

    #[test]
    fn liquidation_price_binance_hand_cases() {
        // Long 1 BTC at 50000, 10x, mmr 0.4 %: 50000 * 0.9 / 0.996.
        let long =
            PerpPosition::with_leverage(ContractKind::Linear, Side::Long, 1.0, 50_000.0, 10.0)
                .unwrap();
        let lp = long.liquidation_price(&binance()).unwrap();
        assert!((lp - 45_000.0 / 0.996).abs() < 1e-9);
        // Short: 50000 * 1.1 / 1.004.
        let short =
            PerpPosition::with_leverage(ContractKind::Linear, Side::Short, 1.0, 50_000.0, 10.0)
                .unwrap();
        let lp = short.liquidation_price(&binance()).unwrap();
        assert!((lp - 55_000.0 / 1.004).abs() < 1e-9);
        // At the liquidation price equity equals maintenance.
        let eq = short.margin + short.unrealized_pnl(lp);
        assert!((eq - short.maintenance_margin(&binance(), lp)).abs() < 1e-8);
        // A fully collateralised long cannot be liquidated.
        let safe =
            PerpPosition::new(ContractKind::Linear, Side::Long, 1.0, 50_000.0, 60_000.0).unwrap();
        assert!(matches!(
            safe.liquidation_price(&binance()),
            Err(DefiError::NoLiquidationPrice { .. })
        ));
    }

    /// r11 item 6 (issue 11): a 300× long at 60,000 with mmr 0.4 % (cap 1/mmr = 250×) used to
    /// report a liquidation price of 60,040, above the entry, with no note.
    #[test]
    fn leverage_at_or_above_the_cap_has_no_liquidation_price() {
        let p = binance();
        for kind in [ContractKind::Linear, ContractKind::Inverse] {
            for side in [Side::Long, Side::Short] {
                let pos = PerpPosition::with_leverage(kind, side, 1.0, 60_000.0, 300.0).unwrap();
                assert!((pos.max_leverage(&p).unwrap() - 250.0).abs() < 1e-9);
                match pos.liquidation_price(&p) {
                    Err(DefiError::LeverageAboveCap { leverage, cap }) => {
                        assert!((leverage - 300.0).abs() < 1e-9);
                        assert!((cap - 250.0).abs() < 1e-9);
                    }
                    other => panic!("{kind:?} {side:?}: {other:?}"),
                }
                // Just below the cap the liquidation price lies on the losing side, close by.
                let pos = PerpPosition::with_leverage(kind, side, 1.0, 60_000.0, 249.0).unwrap();
                let lp = pos.liquidation_price(&p).unwrap();
                let losing = if side == Side::Long { lp < 60_000.0 } else { lp > 60_000.0 };
                assert!(losing && (lp / 60_000.0 - 1.0).abs() < 1e-4, "{kind:?} {side:?} {lp}");
            }
        }
        // A tier maintenance amount raises the cap: 1/(mmr + f − cum/V).
        let params = MarginParams::new(0.005, 50.0, 0.0006).unwrap();
        let pos =
            PerpPosition::with_leverage(ContractKind::Linear, Side::Long, 3.0, 40_000.0, 20.0)
                .unwrap();
        let cap = pos.max_leverage(&params).unwrap();
        assert!((cap - 1.0 / (0.0056 - 50.0 / 120_000.0)).abs() < 1e-9, "{cap}");
        // No maintenance requirement at entry: no cap.
        let none = MarginParams::new(0.0, 0.0, 0.0).unwrap();
        assert_eq!(pos.max_leverage(&none), None);
    }

    #[test]
    fn liquidation_price_with_fee_and_tier_amount() {
        let params = MarginParams::new(0.005, 50.0, 0.0006).unwrap();
        for side in [Side::Long, Side::Short] {
            let pos = PerpPosition::with_leverage(ContractKind::Linear, side, 3.0, 40_000.0, 20.0)
                .unwrap();
            let lp = pos.liquidation_price(&params).unwrap();
            let eq = pos.margin + pos.unrealized_pnl(lp);
            let mm = 0.0056 * 3.0 * lp - 50.0;
            assert!((eq - mm).abs() < 1e-8, "{side:?}");
        }
    }

    #[test]
    fn liquidation_price_inverse() {
        // Long 100000 USD at 50000, 10x: margin 0.2 BTC; LP = 50000 (1 + mmr) / 1.1.
        let pos = PerpPosition::with_leverage(
            ContractKind::Inverse,
            Side::Long,
            100_000.0,
            50_000.0,
            10.0,
        )
        .unwrap();
        assert!((pos.margin - 0.2).abs() < 1e-15);
        let lp = pos.liquidation_price(&binance()).unwrap();
        assert!((lp - 50_000.0 * 1.004 / 1.1).abs() < 1e-8);
        let short = PerpPosition::with_leverage(
            ContractKind::Inverse,
            Side::Short,
            100_000.0,
            50_000.0,
            10.0,
        )
        .unwrap();
        let lp = short.liquidation_price(&binance()).unwrap();
        assert!((lp - 50_000.0 * 0.996 / 0.9).abs() < 1e-8);
        // A 1x inverse short is fully hedged in coin and cannot be liquidated.
        let hedge = PerpPosition::with_leverage(
            ContractKind::Inverse,
            Side::Short,
            100_000.0,
            50_000.0,
            1.0,
        )
        .unwrap();
        assert!(hedge.liquidation_price(&binance()).is_err());
    }

    #[test]
    fn path_hand_case_with_liquidation() {
        let pos =
            PerpPosition::with_leverage(ContractKind::Linear, Side::Long, 1.0, 100.0, 5.0).unwrap();
        let obs = [
            PerpObservation::new(101.0, Some(FundingRate::new(1e-3, 8.0).unwrap())),
            PerpObservation::new(95.0, None),
            PerpObservation::new(80.0, Some(FundingRate::new(1e-3, 8.0).unwrap())),
            PerpObservation::new(120.0, None),
        ];
        let r = simulate_path(&pos, &binance(), &obs).unwrap();
        assert!((r.points[0].funding_payment + 0.101).abs() < 1e-14);
        assert!((r.points[1].equity - (20.0 - 0.101 - 5.0)).abs() < 1e-12);
        let liq = r.liquidation.unwrap();
        assert_eq!(liq.index, 2);
        assert_eq!(r.points.len(), 3);
        assert_eq!(r.final_equity, 0.0);
        assert!((r.total_pnl + 20.0).abs() < 1e-12);
        assert!((r.realized_funding + 0.101 + 0.08).abs() < 1e-14);
        assert!(!liq.intraday);
        assert_eq!(r.funding_settlements, 2);
        assert_eq!(r.funding_hours, 16.0);
        assert!(simulate_path(&pos, &binance(), &[]).is_err());
    }

    #[test]
    fn path_intraday_adverse_price_liquidates() {
        // 5x long at 100: liquidation price 80 / 0.996 ≈ 80.32. The close at 90 survives, but
        // the day's low of 80 breaches.
        let pos =
            PerpPosition::with_leverage(ContractKind::Linear, Side::Long, 1.0, 100.0, 5.0).unwrap();
        let close_only = [PerpObservation::new(90.0, None)];
        assert!(simulate_path(&pos, &binance(), &close_only).unwrap().liquidation.is_none());
        let with_low =
            [PerpObservation { mark_price: 90.0, funding: None, adverse_price: Some(80.0) }];
        let r = simulate_path(&pos, &binance(), &with_low).unwrap();
        let liq = r.liquidation.unwrap();
        assert!(liq.intraday);
        assert_eq!(liq.mark_price, 80.0);
        assert_eq!(r.final_equity, 0.0);
        // A low above the liquidation price does not trigger.
        let mild = [PerpObservation { mark_price: 90.0, funding: None, adverse_price: Some(81.0) }];
        assert!(simulate_path(&pos, &binance(), &mild).unwrap().liquidation.is_none());
    }
}
