//! A series: dated observations of one quantity on one calendar, in one unit.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::units::SeriesUnit;
use crate::CoreError;

/// Dated observations of one quantity (`vix`, `btc`, `funding_btc`).
///
/// # Invariants
/// Dates are strictly increasing, `dates.len() == values.len()`, values are finite, and for
/// prices and index levels strictly positive. [`Series::new`] checks all of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Series name, e.g. `vix`.
    pub name: String,
    /// The calendar the series trades on.
    pub calendar: Calendar,
    /// The unit of the values.
    pub unit: SeriesUnit,
    dates: Vec<NaiveDate>,
    values: Vec<f64>,
}

impl Series {
    /// Builds a checked series.
    ///
    /// # Errors
    /// [`CoreError::LengthMismatch`], [`CoreError::Unsorted`], [`CoreError::NonFinite`] or
    /// [`CoreError::NonPositive`] when an invariant is broken.
    pub fn new(
        name: impl Into<String>,
        calendar: Calendar,
        unit: SeriesUnit,
        dates: Vec<NaiveDate>,
        values: Vec<f64>,
    ) -> Result<Self, CoreError> {
        let name = name.into();
        if dates.len() != values.len() {
            return Err(CoreError::LengthMismatch {
                name,
                dates: dates.len(),
                values: values.len(),
            });
        }
        for w in dates.windows(2) {
            if w[1] <= w[0] {
                return Err(CoreError::Unsorted { name, date: w[1] });
            }
        }
        for (d, &v) in dates.iter().zip(&values) {
            if !v.is_finite() {
                return Err(CoreError::NonFinite { name, date: *d });
            }
            if unit.is_positive_level() && v <= 0.0 {
                return Err(CoreError::NonPositive {
                    name,
                    date: *d,
                    value: v,
                    unit: unit.to_string(),
                });
            }
        }
        Ok(Self { name, calendar, unit, dates, values })
    }

    /// The observation dates.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// The values, one per date.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// True when the series has no observations.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// First and last date, if any.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((*self.dates.first()?, *self.dates.last()?))
    }

    /// The value on `date`, if observed.
    pub fn get(&self, date: NaiveDate) -> Option<f64> {
        self.dates.binary_search(&date).ok().map(|i| self.values[i])
    }

    /// The last observation on or before `date` with its date.
    pub fn as_of(&self, date: NaiveDate) -> Option<(NaiveDate, f64)> {
        let i = self.dates.partition_point(|d| *d <= date);
        (i > 0).then(|| (self.dates[i - 1], self.values[i - 1]))
    }

    /// The sub-series with dates in `[from, to]` (either bound optional).
    pub fn slice(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Self {
        let lo = from.map_or(0, |f| self.dates.partition_point(|d| *d < f));
        let hi = to.map_or(self.dates.len(), |t| self.dates.partition_point(|d| *d <= t));
        let hi = hi.max(lo);
        Self {
            name: self.name.clone(),
            calendar: self.calendar,
            unit: self.unit,
            dates: self.dates[lo..hi].to_vec(),
            values: self.values[lo..hi].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn series_checks() {
        let ok = Series::new(
            "x",
            Calendar::Us,
            SeriesUnit::Price,
            vec![d("2024-01-02"), d("2024-01-03")],
            vec![1.0, 2.0],
        );
        assert!(ok.is_ok());
        let neg =
            Series::new("x", Calendar::Us, SeriesUnit::Price, vec![d("2024-01-02")], vec![-1.0]);
        assert!(matches!(neg, Err(CoreError::NonPositive { .. })));
        let rate =
            Series::new("f", Calendar::Crypto, SeriesUnit::Rate, vec![d("2024-01-02")], vec![-1.0]);
        assert!(rate.is_ok());
        let uns = Series::new(
            "x",
            Calendar::Us,
            SeriesUnit::Price,
            vec![d("2024-01-03"), d("2024-01-02")],
            vec![1.0, 2.0],
        );
        assert!(matches!(uns, Err(CoreError::Unsorted { .. })));
    }

    #[test]
    fn as_of_and_slice() {
        let s = Series::new(
            "x",
            Calendar::Us,
            SeriesUnit::Price,
            vec![d("2024-01-02"), d("2024-01-05"), d("2024-01-08")],
            vec![1.0, 2.0, 3.0],
        )
        .unwrap();
        assert_eq!(s.as_of(d("2024-01-07")), Some((d("2024-01-05"), 2.0)));
        assert_eq!(s.as_of(d("2024-01-01")), None);
        let sl = s.slice(Some(d("2024-01-03")), Some(d("2024-01-08")));
        assert_eq!(sl.values(), &[2.0, 3.0]);
    }
}
