//! Option structures: any list of legs, vertical spreads and iron condors; payoff at expiry
//! (also over a grid), exact break-evens, maximum gain and loss (possibly unbounded), and the
//! carry-adjusted break-even.
//!
//! # Formula
//! A leg is `quantity` options (positive long, negative short) of a kind and strike, bought at
//! `premium` per option. The net premium is `P = Σ qᵢ premiumᵢ` (positive = debit paid). The
//! P&L at expiry on underlying level `S ≥ 0` is `Σ qᵢ max(θᵢ(S − Kᵢ), 0) − P`: piecewise linear
//! with kinks at the strikes, so break-evens are the exact roots on each linear piece and the
//! extremes are attained at a strike, at `S = 0`, or are unbounded when the slope beyond the
//! last strike (`Σ` call quantities) is non-zero.
//!
//! *Carry-adjusted break-even.* Holding the structure for `T` years with its premium financed
//! at the continuously compounded rate `r` costs `C = P (e^{rT} − 1)` (a credit, `P < 0`, earns
//! the rate and `C < 0`). With `q_inv` units of the same underlying held alongside, bought at
//! `S₀` and financed at the same rate, their P&L `q_inv (S − S₀)` is part of the position and so
//! is their financing: `C = (P + q_inv S₀)(e^{rT} − 1)`. The carry-adjusted P&L is
//! `Σ qᵢ max(θᵢ(S − Kᵢ), 0) + q_inv (S − S₀) − P − C` and its roots are the carry-adjusted
//! break-evens: the underlying levels at expiry where the structure pays for its premium and its
//! own financing.
//!
//! Other inventory the structure hedges, worth `V` and financed at the same rate, costs
//! `C_inv = V (e^{rT} − 1)` (≈ `V r T`). Its own P&L is not modelled, so folding `C_inv` into
//! the structure's P&L would charge the structure for a position whose gains and losses it
//! does not see (a small put spread against a large inventory would show no break-even and a
//! negative maximum gain). `C_inv` is therefore reported beside the break-even
//! ([`CarryAdjusted::inventory_financing_cost`]), never inside it.

use serde::{Deserialize, Serialize};

use crate::black::OptionKind;
use crate::PricingError;
use crosshedge_core::Date;

/// One option leg.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leg {
    /// Call or put.
    pub kind: OptionKind,
    /// Strike (> 0).
    pub strike: f64,
    /// Number of options: positive long, negative short.
    pub quantity: f64,
    /// Expiry.
    pub expiry: Date,
    /// Price paid per option (≥ 0); 0 until priced.
    pub premium: f64,
}

/// A maximum gain or loss over `S ∈ [0, ∞)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Extremum {
    /// Attained at `underlying` with P&L magnitude `value` (a gain for max gain, a loss — as a
    /// positive number when the worst P&L is negative — for max loss).
    Finite {
        /// The magnitude (max gain: the best P&L; max loss: minus the worst P&L).
        value: f64,
        /// An underlying level where it is attained.
        underlying: f64,
    },
    /// Grows without bound as the underlying rises.
    Unbounded,
}

/// What `crosshedge price spread|condor` prints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StructureAnalysis {
    /// Net premium `Σ qᵢ premiumᵢ` (positive = debit).
    pub net_premium: f64,
    /// Underlying levels where the P&L at expiry is zero, ascending.
    pub break_evens: Vec<f64>,
    /// Maximum gain.
    pub max_gain: Extremum,
    /// Maximum loss.
    pub max_loss: Extremum,
}

/// Financing of a held structure (and of the inventory it hedges).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CarryInputs {
    /// Continuously compounded annual financing rate (decimal).
    pub rate: f64,
    /// Holding period in years (≥ 0).
    pub holding_years: f64,
    /// Units of the same underlying held alongside the structure (0 for none).
    pub inventory_quantity: f64,
    /// Entry price of that inventory.
    pub inventory_entry_price: f64,
    /// Value `V` of other financed inventory hedged by the structure, whose own P&L is not
    /// modelled: its financing is reported apart, not in the break-even.
    pub other_financed_value: f64,
}

/// Carry-adjusted result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CarryAdjusted {
    /// Financing cost inside the break-even: `C = (P + q_inv S₀)(e^{rT} − 1)`.
    pub financing_cost: f64,
    /// Financing of the premium alone, `P (e^{rT} − 1)` (part of `financing_cost`).
    pub premium_financing_cost: f64,
    /// Financing of the other inventory, `C_inv = V (e^{rT} − 1)`: reported beside the
    /// break-even, not in it (that inventory's P&L is not modelled).
    pub inventory_financing_cost: f64,
    /// Roots of the carry-adjusted P&L, ascending.
    pub break_evens: Vec<f64>,
    /// Maximum gain of the carry-adjusted P&L.
    pub max_gain: Extremum,
    /// Maximum loss of the carry-adjusted P&L.
    pub max_loss: Extremum,
}

/// A list of legs on one underlying.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// The legs.
    pub legs: Vec<Leg>,
}

impl Structure {
    /// A structure from any non-empty list of legs.
    ///
    /// # Errors
    /// [`PricingError::NoLegs`]; domain errors for a non-positive strike, a non-finite quantity
    /// or a negative premium.
    pub fn new(legs: Vec<Leg>) -> Result<Self, PricingError> {
        if legs.is_empty() {
            return Err(PricingError::NoLegs);
        }
        for l in &legs {
            PricingError::positive("strike", l.strike)?;
            PricingError::finite("quantity", l.quantity)?;
            PricingError::non_negative("premium", l.premium)?;
        }
        Ok(Self { legs })
    }

    /// A vertical spread: `quantity` long `kind` options at `long_strike` and as many short at
    /// `short_strike` (a bull call spread has `long_strike < short_strike`, a bear put spread
    /// `long_strike > short_strike`).
    ///
    /// # Errors
    /// [`PricingError::StrikeOrder`] when the strikes are equal; domain errors otherwise.
    pub fn vertical_spread(
        kind: OptionKind,
        long_strike: f64,
        short_strike: f64,
        expiry: Date,
        quantity: f64,
    ) -> Result<Self, PricingError> {
        if long_strike == short_strike {
            return Err(PricingError::StrikeOrder { strikes: vec![long_strike, short_strike] });
        }
        Self::new(vec![
            Leg { kind, strike: long_strike, quantity, expiry, premium: 0.0 },
            Leg { kind, strike: short_strike, quantity: -quantity, expiry, premium: 0.0 },
        ])
    }

    /// A short iron condor on strictly increasing strikes `[K₁, K₂, K₃, K₄]`: long put `K₁`,
    /// short put `K₂`, short call `K₃`, long call `K₄`, `quantity` each (a negative quantity
    /// gives the long condor).
    ///
    /// # Errors
    /// [`PricingError::StrikeOrder`] unless `K₁ < K₂ < K₃ < K₄`; domain errors otherwise.
    pub fn iron_condor(
        strikes: [f64; 4],
        expiry: Date,
        quantity: f64,
    ) -> Result<Self, PricingError> {
        if !strikes.windows(2).all(|w| w[0] < w[1]) {
            return Err(PricingError::StrikeOrder { strikes: strikes.to_vec() });
        }
        let [k1, k2, k3, k4] = strikes;
        Self::new(vec![
            Leg { kind: OptionKind::Put, strike: k1, quantity, expiry, premium: 0.0 },
            Leg { kind: OptionKind::Put, strike: k2, quantity: -quantity, expiry, premium: 0.0 },
            Leg { kind: OptionKind::Call, strike: k3, quantity: -quantity, expiry, premium: 0.0 },
            Leg { kind: OptionKind::Call, strike: k4, quantity, expiry, premium: 0.0 },
        ])
    }

    /// Sets each leg's premium from `price` (e.g. a Black-76 price of the leg).
    ///
    /// # Errors
    /// The first error returned by `price`, or a negative premium.
    pub fn with_premiums<F>(mut self, mut price: F) -> Result<Self, PricingError>
    where
        F: FnMut(&Leg) -> Result<f64, PricingError>,
    {
        for leg in &mut self.legs {
            leg.premium = PricingError::non_negative("premium", price(leg)?)?;
        }
        Ok(self)
    }

    /// Net premium `Σ qᵢ premiumᵢ` (positive = debit).
    pub fn net_premium(&self) -> f64 {
        self.legs.iter().map(|l| l.quantity * l.premium).sum()
    }

    /// Gross payoff at expiry `Σ qᵢ max(θᵢ(S − Kᵢ), 0)` (premium not deducted).
    pub fn payoff(&self, underlying: f64) -> f64 {
        self.legs.iter().map(|l| l.quantity * l.kind.payoff(underlying, l.strike)).sum()
    }

    /// P&L at expiry: payoff minus net premium.
    pub fn pnl_at_expiry(&self, underlying: f64) -> f64 {
        self.payoff(underlying) - self.net_premium()
    }

    /// P&L at expiry over a grid of underlying levels, written into `out`.
    ///
    /// # Errors
    /// [`PricingError::LengthMismatch`] when `out` and `underlying` differ in length.
    pub fn pnl_grid(&self, underlying: &[f64], out: &mut [f64]) -> Result<(), PricingError> {
        if out.len() != underlying.len() {
            return Err(PricingError::LengthMismatch {
                name: "out",
                len: out.len(),
                expected: underlying.len(),
            });
        }
        let p = self.net_premium();
        out.fill(-p);
        for l in &self.legs {
            let (sign, k, q) = (l.kind.sign(), l.strike, l.quantity);
            for (o, s) in out.iter_mut().zip(underlying) {
                *o += q * (sign * (s - k)).max(0.0);
            }
        }
        Ok(())
    }

    fn single_expiry(&self) -> Result<(), PricingError> {
        let first = self.legs[0].expiry;
        match self.legs.iter().find(|l| l.expiry != first) {
            Some(l) => Err(PricingError::MixedExpiries { first, other: l.expiry }),
            None => Ok(()),
        }
    }

    /// Break-evens, maximum gain and maximum loss of the P&L at expiry.
    ///
    /// # Errors
    /// [`PricingError::MixedExpiries`] when the legs expire on different dates.
    pub fn analyze(&self) -> Result<StructureAnalysis, PricingError> {
        self.single_expiry()?;
        let p = self.net_premium();
        let pl = PiecewiseLinear { structure: self, slope: 0.0, constant: -p };
        let (max_gain, max_loss) = pl.extremes();
        Ok(StructureAnalysis { net_premium: p, break_evens: pl.roots(), max_gain, max_loss })
    }

    /// The carry-adjusted break-evens and extremes, and the inventory financing beside them.
    ///
    /// # Formula
    /// With growth `g = e^{rT} − 1`: `C = (P + q_inv S₀) g` enters the P&L
    /// `payoff(S) + q_inv (S − S₀) − P − C`, whose roots are the break-evens;
    /// `C_inv = V g` is returned apart (see the module docs for why).
    ///
    /// # Errors
    /// [`PricingError::MixedExpiries`]; domain errors for non-finite inputs or a negative
    /// holding period.
    pub fn carry_adjusted(&self, carry: &CarryInputs) -> Result<CarryAdjusted, PricingError> {
        self.single_expiry()?;
        PricingError::finite("rate", carry.rate)?;
        PricingError::non_negative("holding_years", carry.holding_years)?;
        PricingError::finite("inventory_quantity", carry.inventory_quantity)?;
        PricingError::non_negative("inventory_entry_price", carry.inventory_entry_price)?;
        PricingError::finite("other_financed_value", carry.other_financed_value)?;
        let p = self.net_premium();
        let q = carry.inventory_quantity;
        let s0 = carry.inventory_entry_price;
        let growth = (carry.rate * carry.holding_years).exp_m1();
        let financing_cost = (p + q * s0) * growth;
        let pl =
            PiecewiseLinear { structure: self, slope: q, constant: -p - q * s0 - financing_cost };
        let (max_gain, max_loss) = pl.extremes();
        Ok(CarryAdjusted {
            financing_cost,
            premium_financing_cost: p * growth,
            inventory_financing_cost: carry.other_financed_value * growth,
            break_evens: pl.roots(),
            max_gain,
            max_loss,
        })
    }
}

/// `payoff(S) + slope·S + constant`.
struct PiecewiseLinear<'a> {
    structure: &'a Structure,
    slope: f64,
    constant: f64,
}

impl PiecewiseLinear<'_> {
    fn eval(&self, s: f64) -> f64 {
        self.structure.payoff(s) + self.slope * s + self.constant
    }

    /// Nodes `0 < K…` sorted and deduplicated, with 0 first.
    fn nodes(&self) -> Vec<f64> {
        let mut n: Vec<f64> =
            std::iter::once(0.0).chain(self.structure.legs.iter().map(|l| l.strike)).collect();
        n.sort_by(f64::total_cmp);
        n.dedup();
        n
    }

    /// Slope beyond the last strike.
    fn tail_slope(&self) -> f64 {
        self.slope
            + self
                .structure
                .legs
                .iter()
                .filter(|l| l.kind == OptionKind::Call)
                .map(|l| l.quantity)
                .sum::<f64>()
    }

    fn roots(&self) -> Vec<f64> {
        let nodes = self.nodes();
        let vals: Vec<f64> = nodes.iter().map(|&s| self.eval(s)).collect();
        let mut roots = Vec::new();
        for i in 0..nodes.len() {
            if vals[i] == 0.0 {
                roots.push(nodes[i]);
            }
            if i + 1 < nodes.len() && vals[i] * vals[i + 1] < 0.0 {
                let (a, b) = (nodes[i], nodes[i + 1]);
                roots.push(a - vals[i] * (b - a) / (vals[i + 1] - vals[i]));
            }
        }
        let (last, v) = (nodes[nodes.len() - 1], vals[vals.len() - 1]);
        let m = self.tail_slope();
        if v != 0.0 && m != 0.0 && v * m < 0.0 {
            roots.push(last - v / m);
        }
        roots.sort_by(f64::total_cmp);
        roots.dedup();
        roots
    }

    fn extremes(&self) -> (Extremum, Extremum) {
        let nodes = self.nodes();
        let m = self.tail_slope();
        let mut best = (f64::NEG_INFINITY, 0.0);
        let mut worst = (f64::INFINITY, 0.0);
        for &s in &nodes {
            let v = self.eval(s);
            if v > best.0 {
                best = (v, s);
            }
            if v < worst.0 {
                worst = (v, s);
            }
        }
        let gain = if m > 0.0 {
            Extremum::Unbounded
        } else {
            Extremum::Finite { value: best.0, underlying: best.1 }
        };
        let loss = if m < 0.0 {
            Extremum::Unbounded
        } else {
            Extremum::Finite { value: -worst.0, underlying: worst.1 }
        };
        (gain, loss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Date {
        Date::from_ymd_opt(2024, 3, 20).unwrap()
    }

    #[test]
    fn bull_call_spread() {
        let s = Structure::vertical_spread(OptionKind::Call, 20.0, 25.0, d(), 1.0)
            .unwrap()
            .with_premiums(|l| Ok(if l.strike == 20.0 { 3.0 } else { 1.0 }))
            .unwrap();
        assert_eq!(s.net_premium(), 2.0);
        let a = s.analyze().unwrap();
        assert_eq!(a.break_evens, vec![22.0]);
        assert_eq!(a.max_gain, Extremum::Finite { value: 3.0, underlying: 25.0 });
        assert_eq!(a.max_loss, Extremum::Finite { value: 2.0, underlying: 0.0 });
        let grid = [0.0, 21.0, 22.0, 30.0];
        let mut out = [0.0; 4];
        s.pnl_grid(&grid, &mut out).unwrap();
        assert_eq!(out, [-2.0, -1.0, 0.0, 3.0]);
    }

    #[test]
    fn short_iron_condor() {
        let s = Structure::iron_condor([80.0, 90.0, 110.0, 120.0], d(), 1.0)
            .unwrap()
            .with_premiums(|l| {
                Ok(match l.strike as i64 {
                    80 => 0.5,
                    90 => 2.0,
                    110 => 2.5,
                    _ => 1.0,
                })
            })
            .unwrap();
        // Credit 3.0.
        assert!((s.net_premium() + 3.0).abs() < 1e-15);
        let a = s.analyze().unwrap();
        assert_eq!(a.break_evens, vec![87.0, 113.0]);
        assert_eq!(a.max_gain, Extremum::Finite { value: 3.0, underlying: 90.0 });
        match a.max_loss {
            Extremum::Finite { value, .. } => assert!((value - 7.0).abs() < 1e-12),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn naked_short_call_has_unbounded_loss() {
        let s = Structure::new(vec![Leg {
            kind: OptionKind::Call,
            strike: 20.0,
            quantity: -1.0,
            expiry: d(),
            premium: 1.5,
        }])
        .unwrap();
        let a = s.analyze().unwrap();
        assert_eq!(a.max_loss, Extremum::Unbounded);
        assert_eq!(a.break_evens, vec![21.5]);
        let long = Structure::new(vec![Leg {
            kind: OptionKind::Call,
            strike: 20.0,
            quantity: 2.0,
            expiry: d(),
            premium: 1.5,
        }])
        .unwrap();
        assert_eq!(long.analyze().unwrap().max_gain, Extremum::Unbounded);
    }

    #[test]
    fn carry_adjusted_break_even_moves_by_financing() {
        let s = Structure::vertical_spread(OptionKind::Call, 20.0, 25.0, d(), 1.0)
            .unwrap()
            .with_premiums(|l| Ok(if l.strike == 20.0 { 3.0 } else { 1.0 }))
            .unwrap();
        let carry = CarryInputs {
            rate: 0.05,
            holding_years: 0.5,
            inventory_quantity: 0.0,
            inventory_entry_price: 0.0,
            other_financed_value: 10.0,
        };
        let c = s.carry_adjusted(&carry).unwrap();
        // Only the premium (2.0) is financed inside the break-even; the other inventory (10.0)
        // is financed beside it.
        let growth = (0.025f64).exp_m1();
        let cost = 2.0 * growth;
        assert!((c.financing_cost - cost).abs() < 1e-15);
        assert!((c.premium_financing_cost - cost).abs() < 1e-15);
        assert!((c.inventory_financing_cost - 10.0 * growth).abs() < 1e-14);
        assert_eq!(c.break_evens.len(), 1);
        assert!((c.break_evens[0] - (22.0 + cost)).abs() < 1e-12);
        match c.max_gain {
            Extremum::Finite { value, underlying } => {
                assert!((value - (3.0 - cost)).abs() < 1e-14, "{value}");
                assert_eq!(underlying, 25.0);
            }
            other => panic!("{other:?}"),
        }
        // With a protective put on held inventory: P&L = (S − S₀) + put − P − C.
        let put = Structure::new(vec![Leg {
            kind: OptionKind::Put,
            strike: 95.0,
            quantity: 1.0,
            expiry: d(),
            premium: 2.0,
        }])
        .unwrap();
        let carry = CarryInputs {
            inventory_quantity: 1.0,
            inventory_entry_price: 100.0,
            other_financed_value: 0.0,
            ..carry
        };
        let c = put.carry_adjusted(&carry).unwrap();
        let cost = 102.0 * (0.025f64).exp_m1();
        assert!((c.break_evens[0] - (102.0 + cost)).abs() < 1e-12, "{c:?}");
        assert_eq!(c.max_gain, Extremum::Unbounded);
        match c.max_loss {
            Extremum::Finite { value, .. } => assert!((value - (7.0 + cost)).abs() < 1e-12),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_bad_structures() {
        assert!(matches!(Structure::new(vec![]), Err(PricingError::NoLegs)));
        assert!(matches!(
            Structure::iron_condor([80.0, 90.0, 90.0, 120.0], d(), 1.0),
            Err(PricingError::StrikeOrder { .. })
        ));
        let mut s = Structure::vertical_spread(OptionKind::Put, 100.0, 90.0, d(), 1.0).unwrap();
        s.legs[1].expiry = Date::from_ymd_opt(2024, 4, 17).unwrap();
        assert!(matches!(s.analyze(), Err(PricingError::MixedExpiries { .. })));
    }
}
