//! Stress P&L distributions with VaR/ES markers.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    check_finite, check_increasing, check_len, draw_err, draw_legend, padded, BLUE, FONT, HEIGHT,
    VERMILION, WIDTH,
};
use crate::format::{percent, tick};
use crate::{PnlHistogram, ReportError, StressDistributionChart};

const NAME: &str = "stress P&L distributions";

fn check_histogram(h: &PnlHistogram, which: &str) -> Result<(), ReportError> {
    if h.counts.is_empty() {
        return Err(ReportError::Empty { chart: NAME, series: format!("{which}.counts") });
    }
    check_len(NAME, &format!("{which}.bin_edges"), h.bin_edges.len(), h.counts.len() + 1)?;
    check_finite(NAME, &format!("{which}.bin_edges"), &h.bin_edges)?;
    check_finite(NAME, &format!("{which}.counts"), &h.counts)?;
    check_increasing(NAME, &format!("{which}.bin_edges"), &h.bin_edges)?;
    if let Some(i) = h.counts.iter().position(|c| *c < 0.0) {
        return Err(ReportError::Invalid {
            chart: NAME,
            reason: format!("{which}.counts[{i}] is negative"),
        });
    }
    for (i, m) in h.markers.iter().enumerate() {
        check_finite(NAME, &format!("{which}.markers[{i}]"), &[m.level, m.var, m.es])?;
    }
    Ok(())
}

/// Draws both histograms as translucent bars on one P&L axis, with a solid line at `−VaR`
/// and a dashed line at `−ES` for every marker, in the distribution's colour.
///
/// # Errors
/// An empty histogram, edges not one more than counts or not strictly increasing, negative or
/// non-finite values, or a drawing failure.
pub fn stress_distribution(chart: &StressDistributionChart) -> Result<String, ReportError> {
    check_histogram(&chart.unhedged, "unhedged")?;
    check_histogram(&chart.hedged, "hedged")?;
    let hists = [(&chart.unhedged, VERMILION), (&chart.hedged, BLUE)];

    let marker_xs: Vec<f64> =
        hists.iter().flat_map(|(h, _)| h.markers.iter().flat_map(|m| [-m.var, -m.es])).collect();
    let (x_lo, x_hi) = super::bounds([
        chart.unhedged.bin_edges.as_slice(),
        chart.hedged.bin_edges.as_slice(),
        marker_xs.as_slice(),
    ]);
    let x_range = padded(NAME, x_lo, x_hi)?;
    let (_, c_hi) =
        super::bounds([chart.unhedged.counts.as_slice(), chart.hedged.counts.as_slice()]);
    if c_hi > 1e300 {
        return Err(ReportError::Invalid {
            chart: NAME,
            reason: format!("a bin height of {c_hi} is too large to draw"),
        });
    }
    let y_hi = if c_hi > 0.0 { c_hi * 1.15 } else { 1.0 };
    let unit = chart.unit;
    let axis = x_range.clone();
    let x_fmt = move |x: &f64| tick(*x, unit, &axis);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let mut c = ChartBuilder::on(&root)
            .caption(&chart.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range, 0.0..y_hi)
            .map_err(draw_err(NAME))?;
        c.configure_mesh()
            .x_labels(9)
            .y_labels(5)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|y| tick(*y, crate::Unit::Plain, &(0.0..y_hi)))
            .x_desc("P&L (losses to the left)")
            .y_desc("frequency")
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;

        for (h, color) in hists {
            let fill = color.mix(0.35).filled();
            c.draw_series(
                h.bin_edges
                    .windows(2)
                    .zip(&h.counts)
                    .filter(|(_, count)| **count > 0.0)
                    .map(|(e, count)| Rectangle::new([(e[0], 0.0), (e[1], *count)], fill)),
            )
            .map_err(draw_err(NAME))?
            .label(h.label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], fill));
        }

        let label_style =
            TextStyle::from((FONT, 11).into_font()).pos(Pos::new(HPos::Left, VPos::Top));
        for (k, (h, color)) in hists.iter().enumerate() {
            for (j, m) in h.markers.iter().enumerate() {
                c.draw_series(LineSeries::new(
                    [(-m.var, 0.0), (-m.var, y_hi)],
                    color.stroke_width(2),
                ))
                .map_err(draw_err(NAME))?;
                c.draw_series(DashedLineSeries::new(
                    [(-m.es, 0.0), (-m.es, y_hi)],
                    5,
                    4,
                    color.stroke_width(2),
                ))
                .map_err(draw_err(NAME))?;
                // Labels stacked down from the top so markers of both curves stay readable.
                #[allow(clippy::cast_precision_loss)]
                let row = (2 * (k * h.markers.len().max(1) + j)) as f64;
                let lvl = percent(m.level, 0);
                let style = label_style.color(color);
                c.draw_series([
                    Text::new(
                        format!(" VaR {lvl}"),
                        (-m.var, y_hi * (1.0 - 0.05 * row)),
                        style.clone(),
                    ),
                    Text::new(
                        format!(" ES {lvl}"),
                        (-m.es, y_hi * (1.0 - 0.05 * (row + 1.0))),
                        style.clone(),
                    ),
                ])
                .map_err(draw_err(NAME))?;
            }
        }

        draw_legend(&mut c, SeriesLabelPosition::UpperRight, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
