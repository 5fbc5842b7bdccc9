//! Rolling correlation with its confidence band.

use plotters::prelude::*;

use super::{
    bounds, check_dates, check_len, check_values, date_range, day_label, day_x, draw_err,
    draw_legend, padded, BLUE, FONT, GREY, HEIGHT, WIDTH,
};
use crate::{ReportError, RollingCorrelationChart};

const NAME: &str = "rolling correlation";

/// Draws the rolling correlation as a line over its band (lower to upper), with a zero line.
///
/// The y axis covers at least −1…1 around the data's own range when that is narrower, so that
/// the size of a correlation reads the same on every report.
///
/// # Errors
/// Empty or non-finite series, mismatched lengths, dates not strictly increasing, a lower bound
/// above its upper bound, or a drawing failure.
pub fn rolling_correlation(chart: &RollingCorrelationChart) -> Result<String, ReportError> {
    check_dates(NAME, &chart.dates)?;
    let n = chart.dates.len();
    for (name, s) in
        [("correlation", &chart.correlation), ("lower", &chart.lower), ("upper", &chart.upper)]
    {
        check_values(NAME, name, s)?;
        check_len(NAME, name, s.len(), n)?;
    }
    if let Some(i) = chart.lower.iter().zip(&chart.upper).position(|(lo, hi)| lo > hi) {
        return Err(ReportError::Invalid {
            chart: NAME,
            reason: format!("lower[{i}] is above upper[{i}]"),
        });
    }

    let x_range = date_range(&chart.dates);
    let (lo, hi) =
        bounds([chart.correlation.as_slice(), chart.lower.as_slice(), chart.upper.as_slice()]);
    let y_range = padded(NAME, lo.min(-1.0), hi.max(1.0))?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let mut c = ChartBuilder::on(&root)
            .caption(&chart.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(x_range.clone(), y_range)
            .map_err(draw_err(NAME))?;
        c.configure_mesh()
            .x_labels(8)
            .y_labels(9)
            .x_label_formatter(&day_label)
            .y_label_formatter(&|y| format!("{y:.2}"))
            .y_desc("correlation")
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;

        let xs: Vec<f64> = chart.dates.iter().map(|d| day_x(*d)).collect();
        let band_style = BLUE.mix(0.2).filled();
        if n == 1 {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(xs[0], chart.lower[0]), (xs[0], chart.upper[0])],
                BLUE.mix(0.4).stroke_width(6),
            )))
        } else {
            let outline: Vec<(f64, f64)> = xs
                .iter()
                .zip(&chart.upper)
                .map(|(x, y)| (*x, *y))
                .chain(xs.iter().zip(&chart.lower).rev().map(|(x, y)| (*x, *y)))
                .collect();
            c.draw_series(std::iter::once(Polygon::new(outline, band_style)))
        }
        .map_err(draw_err(NAME))?
        .label(chart.band_label.as_str())
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], band_style));

        c.draw_series(LineSeries::new(
            [(x_range.start, 0.0), (x_range.end, 0.0)],
            GREY.stroke_width(1),
        ))
        .map_err(draw_err(NAME))?;

        let points = xs.iter().zip(&chart.correlation).map(|(x, y)| (*x, *y));
        if n == 1 {
            c.draw_series(points.map(|p| Circle::new(p, 3, BLUE.filled())))
        } else {
            c.draw_series(LineSeries::new(points, BLUE.stroke_width(2)))
        }
        .map_err(draw_err(NAME))?
        .label(chart.line_label.as_str())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(2)));

        draw_legend(&mut c, SeriesLabelPosition::LowerLeft, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
