//! Exceedance correlation against the threshold quantile.

use plotters::prelude::*;

use super::{
    check_finite, check_increasing, draw_err, draw_legend, padded, FONT, GREY, HEIGHT, VERMILION,
    WIDTH,
};
use crate::{ExceedanceChart, ReportError};

const NAME: &str = "exceedance correlation";

/// Draws the empirical exceedance correlations (line and dots, broken where a threshold has
/// no estimate) and the bivariate-normal benchmark (dashed) against the threshold quantile.
///
/// # Errors
/// No points, quantiles outside (0, 1) or not strictly increasing, non-finite values, or a
/// drawing failure.
pub fn exceedance(chart: &ExceedanceChart) -> Result<String, ReportError> {
    if chart.points.is_empty() {
        return Err(ReportError::Empty { chart: NAME, series: "points".to_owned() });
    }
    let qs: Vec<f64> = chart.points.iter().map(|p| p.quantile).collect();
    let bench: Vec<f64> = chart.points.iter().map(|p| p.benchmark).collect();
    let emp: Vec<f64> = chart.points.iter().filter_map(|p| p.empirical).collect();
    check_finite(NAME, "quantile", &qs)?;
    check_finite(NAME, "benchmark", &bench)?;
    check_finite(NAME, "empirical", &emp)?;
    check_increasing(NAME, "quantile", &qs)?;
    if let Some(i) = qs.iter().position(|q| *q <= 0.0 || *q >= 1.0) {
        return Err(ReportError::Invalid {
            chart: NAME,
            reason: format!("quantile[{i}] = {} is outside (0, 1)", qs[i]),
        });
    }

    let (lo, hi) = super::bounds([bench.as_slice(), emp.as_slice()]);
    let y_range = padded(NAME, lo.min(-0.2), hi.max(1.0))?;
    let (y_lo, y_hi) = (y_range.start, y_range.end);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let mut c = ChartBuilder::on(&root)
            .caption(&chart.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0..1.0, y_range)
            .map_err(draw_err(NAME))?;
        c.configure_mesh()
            .x_labels(11)
            .y_labels(7)
            .x_label_formatter(&|x| format!("{x:.1}"))
            .y_label_formatter(&|y| format!("{y:.2}"))
            .x_desc("threshold quantile (lower tail < 0.5 < upper tail)")
            .y_desc("correlation")
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;

        c.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 0.0)], GREY.stroke_width(1)))
            .map_err(draw_err(NAME))?;
        c.draw_series(LineSeries::new([(0.5, y_lo), (0.5, y_hi)], GREY.mix(0.5).stroke_width(1)))
            .map_err(draw_err(NAME))?;

        c.draw_series(DashedLineSeries::new(
            qs.iter().copied().zip(bench.iter().copied()),
            6,
            4,
            GREY.stroke_width(2),
        ))
        .map_err(draw_err(NAME))?
        .label("bivariate-normal benchmark")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(2)));
        if chart.points.len() == 1 {
            c.draw_series(std::iter::once(Circle::new((qs[0], bench[0]), 3, GREY.filled())))
                .map_err(draw_err(NAME))?;
        }

        // Empirical: one line per run of thresholds that have an estimate.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        for p in &chart.points {
            match p.empirical {
                Some(v) => run.push((p.quantile, v)),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        for r in &runs {
            c.draw_series(LineSeries::new(r.iter().copied(), VERMILION.stroke_width(2)))
                .map_err(draw_err(NAME))?;
        }
        c.draw_series(runs.iter().flatten().map(|p| Circle::new(*p, 3, VERMILION.filled())))
            .map_err(draw_err(NAME))?
            .label("empirical")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], VERMILION.stroke_width(2))
            });

        draw_legend(&mut c, SeriesLabelPosition::UpperMiddle, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
