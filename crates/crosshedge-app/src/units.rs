//! What a job reads a stored series *as*: a price, an index level, a rate. The store records
//! each series' unit (`import --unit`); a job that reads a series in a role checks the unit
//! first, so a count series is never taken for a funding rate and a rate never for a price
//! (issue 15, item 15).

use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;

use crate::AppError;

/// Units a traded price or index level may have (log returns are meaningful).
pub const LEVELS: &[SeriesUnit] = &[SeriesUnit::Price, SeriesUnit::IndexLevel];

/// Units a rate may have (a decimal per period: funding, an interest rate).
pub const RATES: &[SeriesUnit] = &[SeriesUnit::Rate];

/// Checks that `series` has one of the `allowed` units for the `role` it is read in.
///
/// # Errors
/// [`AppError::input`] naming the series, its unit, the role and the units the role takes, with
/// the way out (re-import with `--unit`).
///
/// ```
/// use crosshedge_app::units::{require, RATES};
/// use crosshedge_core::{calendar::Calendar, series::Series, units::SeriesUnit};
/// let d = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
/// let sales = Series::new("sales", Calendar::Crypto, SeriesUnit::Count, vec![d], vec![3.0])?;
/// let e = require(&sales, "the perp funding rate", RATES).unwrap_err();
/// assert!(e.to_string().contains("series 'sales' is a count"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn require(series: &Series, role: &str, allowed: &[SeriesUnit]) -> Result<(), AppError> {
    if allowed.contains(&series.unit) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|u| u.as_str()).collect();
    Err(AppError::input(format!(
        "series '{}' is a {} and cannot be read as {role}, which needs a series in {} \
         (re-import it with `--unit {}` if that is what it holds)",
        series.name,
        series.unit,
        names.join(" or "),
        names[0]
    )))
}
