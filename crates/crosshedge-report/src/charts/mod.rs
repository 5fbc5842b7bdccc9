//! SVG charts drawn with `plotters`' SVG backend (text as `<text>` elements: no font files).
//!
//! Each function validates its input, then returns one complete `<svg>` document.

mod episodes;
mod equity;
mod exceedance;
mod frontier;
mod heatmap;
mod rolling;
mod stress;
mod vix;

pub use episodes::episode_bars;
pub use equity::equity_curves;
pub use exceedance::exceedance;
pub use frontier::frontier;
pub use heatmap::heatmap;
pub use rolling::rolling_correlation;
pub use stress::stress_distribution;
pub use vix::regime_vix;

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use plotters::chart::{ChartContext, SeriesLabelPosition};
use plotters::coord::CoordTranslate;
use plotters::prelude::SVGBackend;
use plotters::style::{Color, RGBColor, BLACK, WHITE};

use crate::ReportError;

/// Width of every chart in pixels.
pub const WIDTH: u32 = 960;
/// Height of a single-panel chart in pixels.
pub const HEIGHT: u32 = 420;
/// Equity curves whose largest value exceeds the smallest more than this many times (all
/// positive) are drawn on a logarithmic axis.
pub const LOG_AXIS_RATIO: f64 = 10.0;
/// Height of the two-panel equity chart in pixels.
pub const EQUITY_HEIGHT: u32 = 560;

pub(crate) const FONT: &str = "sans-serif";

/// Series colours (Okabe–Ito, colour-blind safe).
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(crate) const VERMILION: RGBColor = RGBColor(213, 94, 0);
pub(crate) const GREY: RGBColor = RGBColor(110, 110, 110);

/// Draws the series legend at `position` in the charts' common style (translucent white box,
/// light border, 12 px text).
pub(crate) fn draw_legend<'a, CT: CoordTranslate>(
    c: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    position: SeriesLabelPosition,
    chart: &'static str,
) -> Result<(), ReportError> {
    c.configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 12))
        .draw()
        .map_err(draw_err(chart))
}

/// Maps a plotters error to [`ReportError::Draw`].
pub(crate) fn draw_err<E: std::fmt::Display>(chart: &'static str) -> impl Fn(E) -> ReportError {
    move |e| ReportError::Draw { chart, message: e.to_string() }
}

/// Fails unless `values` is non-empty and finite.
pub(crate) fn check_values(
    chart: &'static str,
    series: &str,
    values: &[f64],
) -> Result<(), ReportError> {
    if values.is_empty() {
        return Err(ReportError::Empty { chart, series: series.to_owned() });
    }
    check_finite(chart, series, values)
}

/// Fails on the first NaN or infinity.
pub(crate) fn check_finite(
    chart: &'static str,
    series: &str,
    values: &[f64],
) -> Result<(), ReportError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(ReportError::NonFinite {
            chart,
            series: series.to_owned(),
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Fails unless `len == expected`.
pub(crate) fn check_len(
    chart: &'static str,
    series: &str,
    len: usize,
    expected: usize,
) -> Result<(), ReportError> {
    if len == expected {
        Ok(())
    } else {
        Err(ReportError::LengthMismatch { chart, series: series.to_owned(), len, expected })
    }
}

/// Fails unless `dates` is non-empty and strictly increasing.
pub(crate) fn check_dates(chart: &'static str, dates: &[NaiveDate]) -> Result<(), ReportError> {
    if dates.is_empty() {
        return Err(ReportError::Empty { chart, series: "dates".to_owned() });
    }
    match dates.windows(2).position(|w| w[1] <= w[0]) {
        Some(i) => {
            Err(ReportError::NotIncreasing { chart, series: "dates".to_owned(), index: i + 1 })
        }
        None => Ok(()),
    }
}

/// Fails unless `xs` is strictly increasing.
pub(crate) fn check_increasing(
    chart: &'static str,
    series: &str,
    xs: &[f64],
) -> Result<(), ReportError> {
    match xs.windows(2).position(|w| w[1] <= w[0]) {
        Some(i) => {
            Err(ReportError::NotIncreasing { chart, series: series.to_owned(), index: i + 1 })
        }
        None => Ok(()),
    }
}

/// A date as an x coordinate (days since 1 January of year 1).
pub(crate) fn day_x(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

/// Formats an x coordinate made by [`day_x`] as `YYYY-MM-DD`.
pub(crate) fn day_label(x: &f64) -> String {
    let days = x.round();
    if days.is_finite() && days.abs() < f64::from(i32::MAX) {
        // Exact: the value is an integer inside i32's range.
        #[allow(clippy::cast_possible_truncation)]
        let d = days as i32;
        if let Some(date) = NaiveDate::from_num_days_from_ce_opt(d) {
            return date.format("%Y-%m-%d").to_string();
        }
    }
    String::new()
}

/// The x range of a date axis, one day either side when there is a single date.
pub(crate) fn date_range(dates: &[NaiveDate]) -> Range<f64> {
    let (first, last) = match (dates.first(), dates.last()) {
        (Some(f), Some(l)) => (day_x(*f), day_x(*l)),
        _ => (0.0, 1.0),
    };
    if last > first {
        first..last
    } else {
        first - 1.0..last + 1.0
    }
}

/// Smallest and largest of several finite series (callers have checked they are non-empty).
pub(crate) fn bounds<'a>(series: impl IntoIterator<Item = &'a [f64]>) -> (f64, f64) {
    series
        .into_iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

/// Values beyond this magnitude are rejected: the padded axis must stay finite.
const MAX_MAGNITUDE: f64 = 1e300;

/// `lo..hi` padded by 5 % each side; a zero-width range gets a width of its own so that
/// all-equal values still draw.
///
/// # Errors
/// [`ReportError::Invalid`] when a bound exceeds ±1e300 (the axis would overflow).
pub(crate) fn padded(chart: &'static str, lo: f64, hi: f64) -> Result<Range<f64>, ReportError> {
    if !(lo.abs() <= MAX_MAGNITUDE && hi.abs() <= MAX_MAGNITUDE) {
        return Err(ReportError::Invalid {
            chart,
            reason: format!("values from {lo} to {hi} are too large to draw"),
        });
    }
    let span = hi - lo;
    // A span too small to split into pixels reads as all-equal.
    if span > lo.abs().max(hi.abs()) * 1e-9 {
        let pad = span * 0.05;
        Ok(lo - pad..hi + pad)
    } else {
        let mid = lo + span / 2.0;
        let pad = if mid == 0.0 { 1.0 } else { mid.abs() * 0.1 };
        Ok(mid - pad..mid + pad)
    }
}
