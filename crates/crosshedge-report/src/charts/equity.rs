//! Equity curves with a drawdown panel.

use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;

use super::{
    bounds, check_dates, check_len, check_values, date_range, day_label, day_x, draw_err,
    draw_legend, padded, BLUE, EQUITY_HEIGHT, FONT, GREY, VERMILION, WIDTH,
};
use crate::format::tick;
use crate::{EquityChart, ReportError, Unit};

const NAME: &str = "equity curves";

/// Draws unhedged (vermilion) and hedged (blue) equity on top, and their drawdowns below as
/// areas from zero, on a shared date axis.
///
/// The equity axis is logarithmic when every equity value is positive and the largest is more
/// than [`super::LOG_AXIS_RATIO`] times the smallest (a book that grew 480× would otherwise show
/// its first years as a flat line); its description then reads "equity (log scale)".
///
/// # Errors
/// Empty or non-finite series, mismatched lengths, dates not strictly increasing, or a drawing
/// failure.
pub fn equity_curves(chart: &EquityChart) -> Result<String, ReportError> {
    check_dates(NAME, &chart.dates)?;
    let n = chart.dates.len();
    let series = [
        ("unhedged", &chart.unhedged),
        ("hedged", &chart.hedged),
        ("unhedged_drawdown", &chart.unhedged_drawdown),
        ("hedged_drawdown", &chart.hedged_drawdown),
    ];
    for (name, s) in series {
        check_values(NAME, name, s)?;
        check_len(NAME, name, s.len(), n)?;
    }

    let x_range = date_range(&chart.dates);
    let xs: Vec<f64> = chart.dates.iter().map(|d| day_x(*d)).collect();
    let (lo, hi) = bounds([chart.unhedged.as_slice(), chart.hedged.as_slice()]);
    // Validates the magnitudes (±1e300) on either axis kind.
    let linear = padded(NAME, lo, hi)?;
    // 5 % of the decades either side; a padded range that leaves f64 stays linear.
    let pad = (hi / lo).powf(0.05);
    let log_axis = lo > 0.0
        && hi / lo > super::LOG_AXIS_RATIO
        && (lo / pad) > f64::MIN_POSITIVE
        && (hi * pad).is_finite();
    let eq_range = if log_axis { lo / pad..hi * pad } else { linear };
    let eq_axis = eq_range.clone();
    let (dd_lo, dd_hi) =
        bounds([chart.unhedged_drawdown.as_slice(), chart.hedged_drawdown.as_slice()]);
    let dd_range = padded(NAME, dd_lo.min(0.0), dd_hi.max(0.0))?;
    let dd_axis = dd_range.clone();
    let unit = chart.unit;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, EQUITY_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let (top, bottom) = root.split_vertically(EQUITY_HEIGHT * 68 / 100);

        let mut builder = ChartBuilder::on(&top);
        builder
            .caption(&chart.title, (FONT, 18))
            .margin(12)
            .margin_bottom(4)
            .x_label_area_size(8)
            .y_label_area_size(72);
        // The two axis kinds have different coordinate types: one body, two instantiations.
        macro_rules! draw_equity {
            ($c:expr, $desc:expr, $fmt:expr) => {{
                let mut c = $c;
                let eq_fmt = $fmt;
                c.configure_mesh()
                    .x_labels(8)
                    .x_label_formatter(&|_| String::new())
                    .y_labels(6)
                    .y_label_formatter(&eq_fmt)
                    .y_desc($desc)
                    .light_line_style(WHITE.mix(0.0))
                    .bold_line_style(BLACK.mix(0.08))
                    .draw()
                    .map_err(draw_err(NAME))?;
                for (label, values, color) in
                    [("unhedged", &chart.unhedged, VERMILION), ("hedged", &chart.hedged, BLUE)]
                {
                    let points = xs.iter().copied().zip(values.iter().copied());
                    if n == 1 {
                        c.draw_series(points.map(|p| Circle::new(p, 3, color.filled())))
                    } else {
                        c.draw_series(LineSeries::new(points, color.stroke_width(2)))
                    }
                    .map_err(draw_err(NAME))?
                    .label(label)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                    });
                }
                draw_legend(&mut c, SeriesLabelPosition::UpperLeft, NAME)?;
            }};
        }
        if log_axis {
            // Each tick is formatted on its own scale: ticks a decade apart share no unit.
            let fmt = move |y: &f64| tick(*y, unit, &(0.0..*y));
            draw_equity!(
                builder
                    .build_cartesian_2d(x_range.clone(), eq_range.log_scale())
                    .map_err(draw_err(NAME))?,
                "equity (log scale)",
                fmt
            );
        } else {
            let fmt = move |y: &f64| tick(*y, unit, &eq_axis);
            draw_equity!(
                builder.build_cartesian_2d(x_range.clone(), eq_range).map_err(draw_err(NAME))?,
                "equity",
                fmt
            );
        }

        let mut d = ChartBuilder::on(&bottom)
            .margin(12)
            .margin_top(4)
            .x_label_area_size(32)
            .y_label_area_size(72)
            .build_cartesian_2d(x_range.clone(), dd_range)
            .map_err(draw_err(NAME))?;
        let dd_fmt = move |y: &f64| tick(*y, Unit::Fraction, &dd_axis);
        d.configure_mesh()
            .x_labels(8)
            .x_label_formatter(&day_label)
            .y_labels(4)
            .y_label_formatter(&dd_fmt)
            .y_desc("drawdown")
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;
        for (values, color) in
            [(&chart.unhedged_drawdown, VERMILION), (&chart.hedged_drawdown, BLUE)]
        {
            let points = xs.iter().copied().zip(values.iter().copied());
            if n == 1 {
                d.draw_series(points.map(|p| Circle::new(p, 3, color.filled())))
                    .map_err(draw_err(NAME))?;
            } else {
                d.draw_series(
                    AreaSeries::new(points, 0.0, color.mix(0.25))
                        .border_style(color.stroke_width(1)),
                )
                .map_err(draw_err(NAME))?;
            }
        }
        d.draw_series(LineSeries::new(
            [(x_range.start, 0.0), (x_range.end, 0.0)],
            GREY.stroke_width(1),
        ))
        .map_err(draw_err(NAME))?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
