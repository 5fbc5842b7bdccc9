//! Regime-shaded VIX.

use plotters::prelude::*;

use super::{
    bounds, check_dates, check_len, check_values, date_range, day_label, day_x, draw_err,
    draw_legend, padded, BLUE, FONT, HEIGHT, WIDTH,
};
use crate::{RegimeVixChart, ReportError};

const NAME: &str = "regime-shaded VIX";

/// Fixed colours for the usual labels; others cycle through `PALETTE`.
fn regime_color(label: &str, others: &mut Vec<String>) -> RGBColor {
    const PALETTE: [RGBColor; 4] = [
        RGBColor(204, 221, 255),
        RGBColor(230, 210, 255),
        RGBColor(210, 240, 240),
        RGBColor(240, 225, 200),
    ];
    match label {
        "calm" => RGBColor(214, 240, 214),
        "normal" => RGBColor(255, 240, 196),
        "stress" => RGBColor(255, 205, 205),
        other => {
            let i = match others.iter().position(|o| o == other) {
                Some(i) => i,
                None => {
                    others.push(other.to_owned());
                    others.len() - 1
                }
            };
            PALETTE[i % PALETTE.len()]
        }
    }
}

/// Draws VIX over time on bands shaded by regime, with the named episodes marked.
///
/// A band runs from the first date of a run of equal labels to the first date of the next
/// run (the last to the last date).
///
/// # Errors
/// Empty or non-finite `vix`, dates not strictly increasing, `regimes` neither empty nor as long
/// as `dates`, an episode ending before it starts, or a drawing failure.
pub fn regime_vix(chart: &RegimeVixChart) -> Result<String, ReportError> {
    check_dates(NAME, &chart.dates)?;
    check_values(NAME, "vix", &chart.vix)?;
    check_len(NAME, "vix", chart.vix.len(), chart.dates.len())?;
    if !chart.regimes.is_empty() {
        check_len(NAME, "regimes", chart.regimes.len(), chart.dates.len())?;
    }
    for e in &chart.episodes {
        if e.end < e.start {
            return Err(ReportError::Invalid {
                chart: NAME,
                reason: format!("episode {:?} ends before it starts", e.name),
            });
        }
    }

    let x_range = date_range(&chart.dates);
    let (lo, hi) = bounds([chart.vix.as_slice()]);
    let y_range = padded(NAME, lo.min(0.0), hi)?;
    let (y_lo, y_hi) = (y_range.start, y_range.end);

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

        // Regime bands first, under everything else.
        let mut others = Vec::new();
        let mut legend: Vec<(String, RGBColor)> = Vec::new();
        let mut start = 0;
        while start < chart.regimes.len() {
            let label = &chart.regimes[start];
            let mut end = start + 1;
            while end < chart.regimes.len() && chart.regimes[end] == *label {
                end += 1;
            }
            let x0 = day_x(chart.dates[start]);
            let x1 = chart.dates.get(end).map_or(x_range.end, |d| day_x(*d));
            let color = regime_color(label, &mut others);
            if !legend.iter().any(|(l, _)| l == label) {
                legend.push((label.clone(), color));
            }
            c.draw_series(std::iter::once(Rectangle::new(
                [(x0, y_lo), (x1, y_hi)],
                color.filled(),
            )))
            .map_err(draw_err(NAME))?;
            start = end;
        }

        // Legend: calm, normal, stress first, then other labels as they appeared.
        legend.sort_by_key(|(label, _)| {
            ["calm", "normal", "stress"].iter().position(|k| k == label).unwrap_or(3)
        });

        c.configure_mesh()
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&day_label)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc("VIX")
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;

        // Regime legend entries (drawn as zero-size series so they join the legend box).
        for (label, color) in &legend {
            let color = *color;
            c.draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
                .map_err(draw_err(NAME))?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
        }

        // Episode windows: a dark outline and the name at the top.
        for e in &chart.episodes {
            let x0 = day_x(e.start).max(x_range.start);
            let x1 = (day_x(e.end) + 1.0).min(x_range.end);
            if x1 < x0 {
                continue;
            }
            c.draw_series(std::iter::once(Rectangle::new(
                [(x0, y_lo), (x1, y_hi)],
                BLACK.mix(0.08).filled(),
            )))
            .map_err(draw_err(NAME))?;
            c.draw_series(std::iter::once(Text::new(
                e.name.clone(),
                (x0, y_hi),
                (FONT, 11).into_font().color(&BLACK),
            )))
            .map_err(draw_err(NAME))?;
        }

        let points = chart.dates.iter().zip(&chart.vix).map(|(d, v)| (day_x(*d), *v));
        if chart.vix.len() == 1 {
            c.draw_series(points.map(|p| Circle::new(p, 3, BLUE.filled())))
                .map_err(draw_err(NAME))?
                .label("VIX")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(2)));
        } else {
            c.draw_series(LineSeries::new(points, BLUE.stroke_width(1)))
                .map_err(draw_err(NAME))?
                .label("VIX")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(2)));
        }

        draw_legend(&mut c, SeriesLabelPosition::UpperRight, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
