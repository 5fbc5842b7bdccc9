//! Exceedance correlation against the threshold quantile.

use plotters::prelude::*;

use super::{
    check_finite, check_increasing, draw_err, draw_legend, padded, BLUE, FONT, GREY, HEIGHT,
    VERMILION, WIDTH,
};
use crate::{ExceedanceChart, ExceedancePoint, ExceedanceTail, ReportError};

const NAME: &str = "exceedance correlation";

/// Draws both tails on one 0–1 threshold-quantile axis: the lower tail's empirical exceedance
/// correlations left of 0.5 (vermilion), the upper tail's right of it (blue), each a line with
/// dots broken where a threshold has no estimate, and each tail's bivariate-normal benchmark
/// (grey, dashed).
///
/// # Errors
/// No points, a quantile outside (0, 1) or on the wrong side of 0.5 for its tail, quantiles
/// not strictly increasing within a tail, non-finite values, or a drawing failure.
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
    if let Some(i) = qs.iter().position(|q| *q <= 0.0 || *q >= 1.0) {
        return Err(ReportError::Invalid {
            chart: NAME,
            reason: format!("quantile[{i}] = {} is outside (0, 1)", qs[i]),
        });
    }
    let tail = |t: ExceedanceTail| -> Vec<&ExceedancePoint> {
        chart.points.iter().filter(|p| p.tail == t).collect()
    };
    let tails = [
        (tail(ExceedanceTail::Lower), "lower tail (both below)", VERMILION),
        (tail(ExceedanceTail::Upper), "upper tail (both above)", BLUE),
    ];
    for (points, name, _) in &tails {
        let q: Vec<f64> = points.iter().map(|p| p.quantile).collect();
        check_increasing(NAME, name, &q)?;
    }
    if let Some((i, p)) = chart.points.iter().enumerate().find(|(_, p)| match p.tail {
        ExceedanceTail::Lower => p.quantile > 0.5,
        ExceedanceTail::Upper => p.quantile < 0.5,
    }) {
        return Err(ReportError::Invalid {
            chart: NAME,
            reason: format!(
                "quantile[{i}] = {} is on the wrong side of 0.5 for its tail",
                p.quantile
            ),
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
            .x_desc("threshold quantile: lower tail (both below) left of 0.5, upper tail (both above) right of it")
            .y_desc("correlation")
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;

        c.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 0.0)], GREY.stroke_width(1)))
            .map_err(draw_err(NAME))?;
        c.draw_series(LineSeries::new([(0.5, y_lo), (0.5, y_hi)], GREY.mix(0.5).stroke_width(1)))
            .map_err(draw_err(NAME))?;

        for (k, (points, label, color)) in tails.iter().enumerate() {
            let color = *color;
            if points.is_empty() {
                continue;
            }
            let bench = points.iter().map(|p| (p.quantile, p.benchmark));
            let drawn = c
                .draw_series(DashedLineSeries::new(bench, 6, 4, GREY.stroke_width(2)))
                .map_err(draw_err(NAME))?;
            if k == 0 || tails[0].0.is_empty() {
                drawn.label("bivariate-normal benchmark").legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(2))
                });
            }
            if points.len() == 1 {
                c.draw_series(std::iter::once(Circle::new(
                    (points[0].quantile, points[0].benchmark),
                    3,
                    GREY.filled(),
                )))
                .map_err(draw_err(NAME))?;
            }
            // Empirical: one line per run of thresholds that have an estimate.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
            for p in points {
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
                c.draw_series(LineSeries::new(r.iter().copied(), color.stroke_width(2)))
                    .map_err(draw_err(NAME))?;
            }
            c.draw_series(runs.iter().flatten().map(|p| Circle::new(*p, 3, color.filled())))
                .map_err(draw_err(NAME))?
                .label(format!("empirical, {label}"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }

        draw_legend(&mut c, SeriesLabelPosition::UpperMiddle, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
