//! The cost–protection frontier: protection bought against carry per year.

use plotters::prelude::*;

use super::{check_finite, draw_err, draw_legend, padded, FONT, HEIGHT, WIDTH};
use crate::{FrontierChart, ReportError};

const NAME: &str = "frontier";

/// Okabe–Ito and two greys: one colour per candidate curve, in order (then repeated, dashed).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(240, 228, 66),
    RGBColor(110, 110, 110),
];

/// Draws every curve as a line with dots, x = carry per year (percent of the notional), y = the
/// protection measure (percent); the emphasised curve (the optimal mix) thick and black, on top.
///
/// # Errors
/// No curve, a curve without points, non-finite values, or a drawing failure.
pub fn frontier(chart: &FrontierChart) -> Result<String, ReportError> {
    if chart.curves.is_empty() {
        return Err(ReportError::Empty { chart: NAME, series: "curves".to_owned() });
    }
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for c in &chart.curves {
        if c.points.is_empty() {
            return Err(ReportError::Empty { chart: NAME, series: c.label.clone() });
        }
        xs.extend(c.points.iter().map(|p| p.0));
        ys.extend(c.points.iter().map(|p| p.1));
    }
    check_finite(NAME, "carry", &xs)?;
    check_finite(NAME, "protection", &ys)?;
    let (x_lo, x_hi) = super::bounds([xs.as_slice()]);
    let (y_lo, y_hi) = super::bounds([ys.as_slice()]);
    let x_range = padded(NAME, x_lo.min(0.0), x_hi.max(0.0))?;
    let y_range = padded(NAME, y_lo.min(0.0), y_hi.max(0.1))?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let mut c = ChartBuilder::on(&root)
            .caption(&chart.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range.clone(), y_range)
            .map_err(draw_err(NAME))?;
        c.configure_mesh()
            .x_labels(9)
            .y_labels(7)
            .x_label_formatter(&|x| format!("{:.1}%", 100.0 * x))
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .x_desc("carry per year (share of the notional)")
            .y_desc(chart.y_label.as_str())
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;
        c.draw_series(LineSeries::new(
            [(x_range.start, 0.0), (x_range.end, 0.0)],
            RGBColor(110, 110, 110).stroke_width(1),
        ))
        .map_err(draw_err(NAME))?;
        let mut k = 0;
        for curve in chart.curves.iter().filter(|c| !c.emphasis) {
            let color = PALETTE[k % PALETTE.len()];
            let width = 2;
            k += 1;
            let pts = curve.points.clone();
            if k > PALETTE.len() {
                c.draw_series(DashedLineSeries::new(pts.clone(), 6, 4, color.stroke_width(width)))
                    .map_err(draw_err(NAME))?;
            } else {
                c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(width)))
                    .map_err(draw_err(NAME))?;
            }
            c.draw_series(pts.iter().map(|p| Circle::new(*p, 3, color.filled())))
                .map_err(draw_err(NAME))?
                .label(curve.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }
        for curve in chart.curves.iter().filter(|c| c.emphasis) {
            let pts = curve.points.clone();
            c.draw_series(LineSeries::new(pts.clone(), BLACK.stroke_width(4)))
                .map_err(draw_err(NAME))?;
            c.draw_series(pts.iter().map(|p| Circle::new(*p, 4, BLACK.filled())))
                .map_err(draw_err(NAME))?
                .label(curve.label.clone())
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(4))
                });
        }
        draw_legend(&mut c, SeriesLabelPosition::UpperRight, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
