//! Put-call parity net of costs: conversion and reversal bounds for a call/put pair, a scanner
//! over an option chain, and a CSV parser for chains.
//!
//! # Formula
//! For one strike `K` and expiry `T` (years), with call and put bid/ask `C_b, C_a, P_b, P_a`,
//! underlying bid/ask `S_b, S_a`, commission `c` per leg (three legs), borrowing rate `r_b` and
//! lending rate `r_l` (continuously compounded):
//!
//! *Spot with dividend yield `q`* (e.g. SPX; parity `C − P = S e^{−qT} − K e^{−rT}`):
//! - conversion (buy underlying at `S_a`, buy put at `P_a`, sell call at `C_b`; locks in `K` at
//!   expiry, financed at `r_b`, dividends received): edge
//!   `E_conv = C_b − P_a − S_a e^{−qT} + K e^{−r_b T} − 3c`;
//! - reversal (short underlying at `S_b`, sell put at `P_b`, buy call at `C_a`; proceeds lent at
//!   `r_l`, dividends paid): edge `E_rev = P_b − C_a + S_b e^{−qT} − K e^{−r_l T} − 3c`.
//!
//! *Futures* (e.g. VIX options on the same-expiry future; parity `C − P = e^{−rT}(F − K)`):
//! `E_conv = C_b − P_a − e^{−r_b T}(F_a − K) − 3c`, `E_rev = P_b − C_a + e^{−r_l T}(F_b − K) − 3c`.
//!
//! No arbitrage means both edges are `≤ 0`, i.e. the traded call-minus-put lies in
//! `[L, U]` with `U = S_a e^{−qT} − K e^{−r_b T} + 3c` bounding `C_b − P_a` and
//! `L = S_b e^{−qT} − K e^{−r_l T} − 3c` bounding `C_a − P_b` from below (futures: replace
//! `S e^{−qT} − K e^{−rT}` by `e^{−rT}(F − K)`). A positive edge is a violation worth that much
//! per unit today.
//!
//! # References
//! H. R. Stoll (1969), "The relationship between put and call option prices", J. Finance 24(5);
//! J. C. Hull, "Options, Futures, and Other Derivatives", ch. 11 (put-call parity with dividends).

use std::io::Read;

use chrono::NaiveDate;
use crosshedge_core::units::YearFrac;
use crosshedge_core::Date;
use serde::{Deserialize, Serialize};

use crate::PricingError;

/// What the options are written on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Underlying {
    /// A spot asset paying a continuous dividend yield.
    Spot {
        /// Continuously compounded dividend yield (decimal).
        div_yield: f64,
    },
    /// A futures contract of the options' expiry.
    Future,
}

/// Market and cost inputs shared by a chain.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParityMarket {
    /// Spot or future.
    pub underlying: Underlying,
    /// Underlying bid.
    pub underlying_bid: f64,
    /// Underlying ask.
    pub underlying_ask: f64,
    /// Valuation date.
    pub as_of: Date,
    /// Borrowing rate (continuously compounded decimal), financing a conversion.
    pub borrow_rate: f64,
    /// Lending rate (continuously compounded decimal), earned by a reversal.
    pub lend_rate: f64,
    /// Commission per leg per unit (three legs per trade).
    pub commission_per_leg: f64,
}

/// One row of an option chain: a strike and expiry with call and put quotes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainRow {
    /// Strike.
    pub strike: f64,
    /// Expiry.
    pub expiry: Date,
    /// Call bid.
    pub call_bid: f64,
    /// Call ask.
    pub call_ask: f64,
    /// Put bid.
    pub put_bid: f64,
    /// Put ask.
    pub put_ask: f64,
}

/// A parity trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParityTrade {
    /// Long underlying, long put, short call.
    Conversion,
    /// Short underlying, short put, long call.
    Reversal,
}

/// The parity check of one chain row.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParityCheck {
    /// Strike.
    pub strike: f64,
    /// Expiry.
    pub expiry: Date,
    /// Years to expiry (Actual/365).
    pub t_years: f64,
    /// Lower no-arbitrage bound `L` on call minus put.
    pub lower_bound: f64,
    /// Upper no-arbitrage bound `U` on call minus put.
    pub upper_bound: f64,
    /// `E_conv`, net of costs (positive = arbitrage).
    pub conversion_edge: f64,
    /// `E_rev`, net of costs (positive = arbitrage).
    pub reversal_edge: f64,
}

impl ParityCheck {
    /// The violated trade with its edge, if any.
    pub fn violation(&self) -> Option<(ParityTrade, f64)> {
        if self.conversion_edge > 0.0 && self.conversion_edge >= self.reversal_edge {
            Some((ParityTrade::Conversion, self.conversion_edge))
        } else if self.reversal_edge > 0.0 {
            Some((ParityTrade::Reversal, self.reversal_edge))
        } else {
            None
        }
    }
}

/// A parity violation found by [`scan_chain`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParityViolation {
    /// The trade that earns the edge.
    pub trade: ParityTrade,
    /// Edge per unit today, net of costs.
    pub edge: f64,
    /// The full check.
    pub check: ParityCheck,
}

impl ParityMarket {
    fn validate(&self) -> Result<(), PricingError> {
        PricingError::positive("underlying_bid", self.underlying_bid)?;
        PricingError::positive("underlying_ask", self.underlying_ask)?;
        PricingError::finite("borrow_rate", self.borrow_rate)?;
        PricingError::finite("lend_rate", self.lend_rate)?;
        PricingError::non_negative("commission_per_leg", self.commission_per_leg)?;
        if let Underlying::Spot { div_yield } = self.underlying {
            PricingError::finite("div_yield", div_yield)?;
        }
        Ok(())
    }

    /// Conversion and reversal bounds and edges for one row.
    ///
    /// # Errors
    /// Domain errors for invalid market or row inputs; [`PricingError::Expired`] when the row's
    /// expiry is before `as_of`.
    pub fn check(&self, row: &ChainRow) -> Result<ParityCheck, PricingError> {
        self.validate()?;
        PricingError::positive("strike", row.strike)?;
        for (n, v) in [
            ("call_bid", row.call_bid),
            ("call_ask", row.call_ask),
            ("put_bid", row.put_bid),
            ("put_ask", row.put_ask),
        ] {
            PricingError::non_negative(n, v)?;
        }
        if row.expiry < self.as_of {
            return Err(PricingError::Expired { as_of: self.as_of, expiry: row.expiry });
        }
        let t = YearFrac::act365(self.as_of, row.expiry).0;
        let k = row.strike;
        let costs = 3.0 * self.commission_per_leg;
        let (db, dl) = ((-self.borrow_rate * t).exp(), (-self.lend_rate * t).exp());
        // Parity value of call minus put at the ask (conversion side) and bid (reversal side).
        let (fair_conv, fair_rev) = match self.underlying {
            Underlying::Spot { div_yield } => {
                let dq = (-div_yield * t).exp();
                (self.underlying_ask * dq - k * db, self.underlying_bid * dq - k * dl)
            }
            Underlying::Future => (db * (self.underlying_ask - k), dl * (self.underlying_bid - k)),
        };
        let upper = fair_conv + costs;
        let lower = fair_rev - costs;
        Ok(ParityCheck {
            strike: k,
            expiry: row.expiry,
            t_years: t,
            lower_bound: lower,
            upper_bound: upper,
            conversion_edge: (row.call_bid - row.put_ask) - upper,
            reversal_edge: lower - (row.call_ask - row.put_bid),
        })
    }
}

/// Checks every row of a chain and returns the violations (positive edge net of costs),
/// largest edge first.
///
/// # Errors
/// The first row that cannot be checked (see [`ParityMarket::check`]).
pub fn scan_chain(
    rows: &[ChainRow],
    market: &ParityMarket,
) -> Result<Vec<ParityViolation>, PricingError> {
    let mut out = Vec::new();
    for row in rows {
        let check = market.check(row)?;
        if let Some((trade, edge)) = check.violation() {
            out.push(ParityViolation { trade, edge, check });
        }
    }
    out.sort_by(|a, b| b.edge.total_cmp(&a.edge));
    Ok(out)
}

const CHAIN_COLUMNS: [&str; 6] = ["strike", "expiry", "call_bid", "call_ask", "put_bid", "put_ask"];

/// Parses a chain from CSV text with a header naming (in any order, extra columns ignored)
/// `strike, expiry, call_bid, call_ask, put_bid, put_ask`; `expiry` is an ISO date.
///
/// # Errors
/// [`PricingError::Csv`] with the 1-based line and column of the first bad field (column 0 for
/// a malformed record or a missing header column); a bid above its ask is an error.
pub fn parse_chain_csv<R: Read>(reader: R) -> Result<Vec<ChainRow>, PricingError> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(reader);
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(0, csv::Position::line);
        PricingError::Csv { line, column: 0, message: e.to_string() }
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let mut idx = [0usize; 6];
    for (i, name) in CHAIN_COLUMNS.iter().enumerate() {
        idx[i] = headers.iter().position(|h| h.eq_ignore_ascii_case(name)).ok_or_else(|| {
            PricingError::Csv {
                line: 1,
                column: 0,
                message: format!("missing column {name:?} (need {})", CHAIN_COLUMNS.join(", ")),
            }
        })?;
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, csv::Position::line);
        let field = |i: usize| rec.get(idx[i]).unwrap_or("");
        let bad =
            |i: usize, message: String| PricingError::Csv { line, column: idx[i] + 1, message };
        let num = |i: usize| -> Result<f64, PricingError> {
            let s = field(i);
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                Ok(v) => Err(bad(
                    i,
                    format!("{} must be finite and non-negative, got {v}", CHAIN_COLUMNS[i]),
                )),
                Err(_) => Err(bad(i, format!("{} is not a number: {s:?}", CHAIN_COLUMNS[i]))),
            }
        };
        let strike = num(0)?;
        if strike <= 0.0 {
            return Err(bad(0, format!("strike must be positive, got {strike}")));
        }
        let expiry = NaiveDate::parse_from_str(field(1), "%Y-%m-%d")
            .map_err(|e| bad(1, format!("expiry is not an ISO date ({e}): {:?}", field(1))))?;
        let (cb, ca, pb, pa) = (num(2)?, num(3)?, num(4)?, num(5)?);
        if cb > ca {
            return Err(bad(2, format!("call bid {cb} above ask {ca}")));
        }
        if pb > pa {
            return Err(bad(4, format!("put bid {pb} above ask {pa}")));
        }
        rows.push(ChainRow {
            strike,
            expiry,
            call_bid: cb,
            call_ask: ca,
            put_bid: pb,
            put_ask: pa,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn market() -> ParityMarket {
        ParityMarket {
            underlying: Underlying::Spot { div_yield: 0.0 },
            underlying_bid: 99.99,
            underlying_ask: 100.01,
            as_of: d("2024-01-01"),
            borrow_rate: 0.05,
            lend_rate: 0.05,
            commission_per_leg: 0.01,
        }
    }

    #[test]
    fn bounds_follow_the_formula() {
        let row = ChainRow {
            strike: 100.0,
            expiry: d("2025-01-01"),
            call_bid: 6.0,
            call_ask: 6.2,
            put_bid: 1.0,
            put_ask: 1.2,
        };
        let c = market().check(&row).unwrap();
        let t: f64 = 366.0 / 365.0;
        let df = (-0.05 * t).exp();
        assert!((c.upper_bound - (100.01 - 100.0 * df + 0.03)).abs() < 1e-12);
        assert!((c.lower_bound - (99.99 - 100.0 * df - 0.03)).abs() < 1e-12);
        assert!((c.conversion_edge - ((6.0 - 1.2) - c.upper_bound)).abs() < 1e-12);
        assert!((c.reversal_edge - (c.lower_bound - (6.2 - 1.0))).abs() < 1e-12);
        // C − P ≈ 4.88 fair: 6.0 − 1.2 = 4.8 within the bounds → no violation.
        assert!(c.violation().is_none(), "{c:?}");
    }

    #[test]
    fn scanner_finds_a_rich_call() {
        let rows = [
            ChainRow {
                strike: 100.0,
                expiry: d("2025-01-01"),
                call_bid: 6.0,
                call_ask: 6.2,
                put_bid: 1.0,
                put_ask: 1.2,
            },
            ChainRow {
                strike: 95.0,
                expiry: d("2025-01-01"),
                call_bid: 12.0,
                call_ask: 12.2,
                put_bid: 0.5,
                put_ask: 0.6,
            },
            ChainRow {
                strike: 105.0,
                expiry: d("2025-01-01"),
                call_bid: 1.0,
                call_ask: 1.1,
                put_bid: 6.5,
                put_ask: 6.6,
            },
        ];
        let v = scan_chain(&rows, &market()).unwrap();
        assert_eq!(v.len(), 2, "{v:?}");
        // K = 105: C_a − P_b = −5.4 against a lower bound near +0.09 → reversal.
        assert_eq!(v[0].check.strike, 105.0);
        assert_eq!(v[0].trade, ParityTrade::Reversal);
        let df = (-0.05 * 366.0 / 365.0f64).exp();
        assert!((v[0].edge - ((99.99 - 105.0 * df - 0.03) + 5.4)).abs() < 1e-12, "{:?}", v[0]);
        // K = 95: C_b − P_a = 11.4 against an upper bound near 9.7 → conversion.
        assert_eq!(v[1].check.strike, 95.0);
        assert_eq!(v[1].trade, ParityTrade::Conversion);
        assert!((v[1].edge - (11.4 - (100.01 - 95.0 * df + 0.03))).abs() < 1e-12, "{:?}", v[1]);
    }

    #[test]
    fn futures_parity() {
        let m = ParityMarket {
            underlying: Underlying::Future,
            underlying_bid: 19.95,
            underlying_ask: 20.05,
            ..market()
        };
        let row = ChainRow {
            strike: 18.0,
            expiry: d("2024-02-14"),
            call_bid: 3.0,
            call_ask: 3.1,
            put_bid: 0.9,
            put_ask: 1.0,
        };
        let c = m.check(&row).unwrap();
        let df = (-0.05 * 44.0 / 365.0f64).exp();
        assert!((c.upper_bound - (df * 2.05 + 0.03)).abs() < 1e-12);
        assert!((c.lower_bound - (df * 1.95 - 0.03)).abs() < 1e-12);
    }

    #[test]
    fn csv_parses_and_reports_positions() {
        let text = "expiry,strike,call_bid,call_ask,put_bid,put_ask,note\n2025-01-01,100,6,6.2,1,1.2,x\n2025-01-01, 95 ,12,12.2,0.5,0.6,\n";
        let rows = parse_chain_csv(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].strike, 95.0);
        let bad = "strike,expiry,call_bid,call_ask,put_bid,put_ask\n100,2025-01-01,6,6.2,1,1.2\n95,2025-13-01,1,2,1,2\n";
        match parse_chain_csv(bad.as_bytes()).unwrap_err() {
            PricingError::Csv { line, column, message } => {
                assert_eq!((line, column), (3, 2), "{message}");
                assert!(message.contains("expiry"));
            }
            other => panic!("{other:?}"),
        }
        let bad = "strike,expiry,call_bid,call_ask,put_bid,put_ask\n100,2025-01-01,6,abc,1,1.2\n";
        let e = parse_chain_csv(bad.as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "csv line 2, column 4: call_ask is not a number: \"abc\"");
        let bad = "strike,expiry,call_bid,call_ask,put_bid,put_ask\n100,2025-01-01,7,6,1,1.2\n";
        assert!(parse_chain_csv(bad.as_bytes()).unwrap_err().to_string().contains("above ask"));
        let bad = "strike,expiry,call_bid\n";
        assert!(parse_chain_csv(bad.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("missing column"));
        let bad = "strike,expiry,call_bid,call_ask,put_bid,put_ask\n100,2025-01-01,6\n";
        assert!(matches!(
            parse_chain_csv(bad.as_bytes()).unwrap_err(),
            PricingError::Csv { line: 2, .. }
        ));
    }
}
