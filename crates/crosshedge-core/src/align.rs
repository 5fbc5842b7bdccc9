//! Alignment of series on different calendars into one [`Panel`].
//!
//! Crypto trades every day and its daily close is 00:00 UTC, about four hours after the US close
//! of the same date; US series trade on NYSE/CFE days. Three policies are offered, and the policy
//! and its annualisation factor travel with every panel:
//!
//! - [`AlignPolicy::UsClose`] (default): rows are NYSE trading days. Each series is sampled on the
//!   row's date; a crypto move over a weekend or holiday is folded into the next trading day's
//!   return (Monday's BTC return is `ln(close_Mon / close_Fri)`), never dropped. A row where any
//!   series has no observation is dropped, so its move folds into the next row. 252 per year.
//! - [`AlignPolicy::Weekly`]: rows are Wednesdays; each series takes its last observation on or
//!   before the Wednesday (at most 6 days old; a holiday Wednesday takes Tuesday's US close).
//!   Wednesday-to-Wednesday returns remove most of the close-time asynchrony. 52 per year.
//! - [`AlignPolicy::CryptoDays`]: rows are every calendar day; US series are carried over
//!   non-trading days (at most 10 days) and flagged stale. 365 per year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::calendar::Calendar;
use crate::returns::ReturnKind;
use crate::series::Series;
use crate::units::SeriesUnit;
use crate::CoreError;

/// How series on different calendars are put on one calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AlignPolicy {
    /// Sample at each US trading day; fold weekend and holiday crypto moves into the next day.
    #[default]
    UsClose,
    /// Wednesday to Wednesday.
    Weekly,
    /// Every calendar day; US series carried forward and flagged stale.
    CryptoDays,
}

/// Longest carry (days) of a US value over non-trading days under `crypto-days`.
pub const MAX_CARRY_DAYS: i64 = 10;
/// Oldest observation (days) accepted for a Wednesday under `weekly`.
pub const MAX_WEEKLY_AGE_DAYS: i64 = 6;

impl AlignPolicy {
    /// Periods per year used to annualise statistics on panels of this policy.
    pub fn periods_per_year(self) -> f64 {
        match self {
            Self::UsClose => 252.0,
            Self::Weekly => 52.0,
            Self::CryptoDays => 365.0,
        }
    }
    /// The command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UsClose => "us-close",
            Self::Weekly => "weekly",
            Self::CryptoDays => "crypto-days",
        }
    }
}

impl fmt::Display for AlignPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AlignPolicy {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "us-close" => Ok(Self::UsClose),
            "weekly" => Ok(Self::Weekly),
            "crypto-days" => Ok(Self::CryptoDays),
            _ => Err(CoreError::Unknown {
                what: "alignment policy",
                value: s.to_string(),
                expected: "us-close, weekly, crypto-days",
            }),
        }
    }
}

/// Several series' levels on one calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    /// The policy that built the panel.
    pub policy: AlignPolicy,
    /// Periods per year for annualisation (252, 52 or 365).
    pub periods_per_year: f64,
    /// Row dates.
    pub dates: Vec<NaiveDate>,
    /// Series names, one per column.
    pub names: Vec<String>,
    /// Series units, one per column.
    pub units: Vec<SeriesUnit>,
    /// Levels: `levels[col][row]`.
    pub levels: Vec<Vec<f64>>,
    /// `stale[col][row]` is true when the level was carried from an earlier date.
    pub stale: Vec<Vec<bool>>,
}

/// Changes between consecutive panel rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnPanel {
    /// The alignment policy of the levels.
    pub policy: AlignPolicy,
    /// Periods per year for annualisation.
    pub periods_per_year: f64,
    /// The date each return ends on (row `i` is from `dates[i-1]` of the level panel to this).
    pub dates: Vec<NaiveDate>,
    /// The date each return starts on.
    pub start_dates: Vec<NaiveDate>,
    /// Series names.
    pub names: Vec<String>,
    /// The return kind of each column (non-level units always use points).
    pub kinds: Vec<ReturnKind>,
    /// Returns: `columns[col][row]`.
    pub columns: Vec<Vec<f64>>,
    /// True when the end level of the return was carried (a zero, stale return).
    pub stale: Vec<Vec<bool>>,
}

impl Panel {
    /// The levels of the column named `name`.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names.iter().position(|n| n == name).map(|i| self.levels[i].as_slice())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// True when the panel has no rows.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// Changes between consecutive rows. Prices and index levels use `kind`; rates, ratios and
    /// counts always use point changes, and the column's kind is recorded in
    /// [`ReturnPanel::kinds`].
    ///
    /// # Errors
    /// [`CoreError::EmptyPanel`] when the panel has fewer than two rows.
    pub fn returns(&self, kind: ReturnKind) -> Result<ReturnPanel, CoreError> {
        if self.dates.len() < 2 {
            return Err(CoreError::EmptyPanel {
                names: self.names.join(","),
                policy: self.policy.to_string(),
            });
        }
        let kinds: Vec<ReturnKind> = self
            .units
            .iter()
            .map(|u| if u.is_positive_level() { kind } else { ReturnKind::Points })
            .collect();
        let columns =
            self.levels.iter().zip(&kinds).map(|(lv, k)| crate::returns::changes(lv, *k)).collect();
        let stale = self.stale.iter().map(|s| s[1..].to_vec()).collect();
        Ok(ReturnPanel {
            policy: self.policy,
            periods_per_year: self.periods_per_year,
            dates: self.dates[1..].to_vec(),
            start_dates: self.dates[..self.dates.len() - 1].to_vec(),
            names: self.names.clone(),
            kinds,
            columns,
            stale,
        })
    }
}

impl ReturnPanel {
    /// The returns of the column named `name`.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names.iter().position(|n| n == name).map(|i| self.columns[i].as_slice())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }
}

/// Aligns `series` under `policy` over the span all of them cover.
///
/// # Errors
/// [`CoreError::EmptyPanel`] when the series share no date.
pub fn align(series: &[&Series], policy: AlignPolicy) -> Result<Panel, CoreError> {
    let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let empty = || CoreError::EmptyPanel { names: names.join(","), policy: policy.to_string() };
    let mut start = NaiveDate::MIN;
    let mut end = NaiveDate::MAX;
    for s in series {
        let (a, b) = s.span().ok_or_else(empty)?;
        start = start.max(a);
        end = end.min(b);
    }
    if series.is_empty() || start > end {
        return Err(empty());
    }
    let candidates: Vec<NaiveDate> = match policy {
        AlignPolicy::UsClose => Calendar::Us.trading_days(start, end),
        AlignPolicy::CryptoDays => Calendar::Crypto.trading_days(start, end),
        AlignPolicy::Weekly => {
            let mut d = start;
            while d.weekday() != Weekday::Wed {
                d += Duration::days(1);
            }
            let mut v = Vec::new();
            while d <= end {
                v.push(d);
                d += Duration::days(7);
            }
            v
        }
    };
    let k = series.len();
    let mut dates = Vec::with_capacity(candidates.len());
    let mut levels = vec![Vec::with_capacity(candidates.len()); k];
    let mut stale = vec![Vec::with_capacity(candidates.len()); k];
    // One cursor per series: every policy walks the candidate dates in order.
    let mut cursors = vec![0usize; k];
    let mut row = vec![(0.0, false); k];
    'dates: for &date in &candidates {
        for (j, s) in series.iter().enumerate() {
            let ds = s.dates();
            let c = &mut cursors[j];
            while *c < ds.len() && ds[*c] <= date {
                *c += 1;
            }
            // ds[*c - 1] is the last observation on or before `date`.
            if *c == 0 {
                continue 'dates;
            }
            let (obs_date, v) = (ds[*c - 1], s.values()[*c - 1]);
            let age = (date - obs_date).num_days();
            let accept = match policy {
                AlignPolicy::UsClose => age == 0,
                AlignPolicy::Weekly => age <= MAX_WEEKLY_AGE_DAYS,
                AlignPolicy::CryptoDays => match s.calendar {
                    Calendar::Crypto => age == 0,
                    Calendar::Us => age <= MAX_CARRY_DAYS,
                },
            };
            if !accept {
                continue 'dates;
            }
            row[j] = (v, age > 0);
        }
        dates.push(date);
        for j in 0..k {
            levels[j].push(row[j].0);
            stale[j].push(row[j].1);
        }
    }
    if dates.is_empty() {
        return Err(empty());
    }
    Ok(Panel {
        policy,
        periods_per_year: policy.periods_per_year(),
        dates,
        names,
        units: series.iter().map(|s| s.unit).collect(),
        levels,
        stale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn crypto(days: &[(&str, f64)]) -> Series {
        Series::new(
            "btc",
            Calendar::Crypto,
            SeriesUnit::Price,
            days.iter().map(|x| d(x.0)).collect(),
            days.iter().map(|x| x.1).collect(),
        )
        .unwrap()
    }

    fn us(days: &[(&str, f64)]) -> Series {
        Series::new(
            "vix",
            Calendar::Us,
            SeriesUnit::IndexLevel,
            days.iter().map(|x| d(x.0)).collect(),
            days.iter().map(|x| x.1).collect(),
        )
        .unwrap()
    }

    #[test]
    fn us_close_folds_weekend_and_holiday() {
        // 2024-03-28 Thu, 03-29 Good Friday, 03-30/31 weekend, 04-01 Mon.
        let btc = crypto(&[
            ("2024-03-28", 100.0),
            ("2024-03-29", 101.0),
            ("2024-03-30", 99.0),
            ("2024-03-31", 105.0),
            ("2024-04-01", 104.0),
        ]);
        let vix = us(&[("2024-03-28", 13.0), ("2024-04-01", 13.6)]);
        let p = align(&[&btc, &vix], AlignPolicy::UsClose).unwrap();
        assert_eq!(p.dates, vec![d("2024-03-28"), d("2024-04-01")]);
        let r = p.returns(ReturnKind::Log).unwrap();
        assert!((r.column("btc").unwrap()[0] - (104.0f64 / 100.0).ln()).abs() < 1e-15);
        assert_eq!(r.periods_per_year, 252.0);
    }

    #[test]
    fn us_close_missing_value_folds_into_next_row() {
        let btc = crypto(&[("2024-01-02", 1.0), ("2024-01-03", 2.0), ("2024-01-04", 4.0)]);
        let vix = us(&[("2024-01-02", 10.0), ("2024-01-04", 12.0)]);
        let p = align(&[&btc, &vix], AlignPolicy::UsClose).unwrap();
        assert_eq!(p.dates, vec![d("2024-01-02"), d("2024-01-04")]);
        let r = p.returns(ReturnKind::Simple).unwrap();
        assert_eq!(r.column("btc").unwrap(), &[3.0]);
    }

    #[test]
    fn crypto_days_carries_and_flags() {
        let btc = crypto(&[
            ("2024-01-05", 1.0),
            ("2024-01-06", 2.0),
            ("2024-01-07", 3.0),
            ("2024-01-08", 4.0),
        ]);
        let vix = us(&[("2024-01-05", 10.0), ("2024-01-08", 12.0)]);
        let p = align(&[&btc, &vix], AlignPolicy::CryptoDays).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(p.column("vix").unwrap(), &[10.0, 10.0, 10.0, 12.0]);
        assert_eq!(p.stale[1], vec![false, true, true, false]);
        let r = p.returns(ReturnKind::Points).unwrap();
        assert_eq!(r.column("vix").unwrap(), &[0.0, 0.0, 2.0]);
        assert_eq!(r.stale[1], vec![true, true, false]);
    }

    #[test]
    fn weekly_uses_wednesdays_and_tuesday_on_holiday() {
        // 2024-12-25 is a Wednesday holiday: the US value comes from Tuesday 12-24.
        let btc = crypto(&[("2024-12-18", 1.0), ("2024-12-24", 1.5), ("2024-12-25", 2.0)]);
        let vix = us(&[("2024-12-18", 10.0), ("2024-12-24", 11.0)]);
        let p = align(&[&btc, &vix], AlignPolicy::Weekly).unwrap();
        assert_eq!(p.dates, vec![d("2024-12-18")]);
        let btc2 = crypto(&[("2024-12-18", 1.0), ("2024-12-25", 2.0), ("2024-12-26", 2.0)]);
        let vix2 = us(&[("2024-12-18", 10.0), ("2024-12-24", 11.0), ("2024-12-26", 11.0)]);
        let p2 = align(&[&btc2, &vix2], AlignPolicy::Weekly).unwrap();
        assert_eq!(p2.dates, vec![d("2024-12-18"), d("2024-12-25")]);
        assert_eq!(p2.column("vix").unwrap(), &[10.0, 11.0]);
        assert!(p2.stale[1][1]);
        assert_eq!(p2.periods_per_year, 52.0);
    }

    #[test]
    fn rates_use_points() {
        let f = Series::new(
            "funding",
            Calendar::Crypto,
            SeriesUnit::Rate,
            vec![d("2024-01-02"), d("2024-01-03")],
            vec![0.001, -0.002],
        )
        .unwrap();
        let p = align(&[&f], AlignPolicy::CryptoDays).unwrap();
        let r = p.returns(ReturnKind::Log).unwrap();
        assert_eq!(r.kinds, vec![ReturnKind::Points]);
        assert!((r.columns[0][0] + 0.003).abs() < 1e-15);
    }

    #[test]
    fn disjoint_is_error() {
        let a = crypto(&[("2024-01-02", 1.0)]);
        let b = us(&[("2025-01-02", 1.0)]);
        assert!(matches!(
            align(&[&a, &b], AlignPolicy::UsClose),
            Err(CoreError::EmptyPanel { .. })
        ));
    }
}
