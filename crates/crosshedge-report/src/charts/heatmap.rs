//! A coloured table of decimals: the candidates × episodes cover heatmap.

use plotters::prelude::*;

use super::{draw_err, FONT, WIDTH};
use crate::{HeatmapChart, ReportError};

const NAME: &str = "heatmap";

/// Height of one row in pixels.
const ROW: i32 = 26;

/// The colour of a cover `v`: white at 0, blue towards 100 % and beyond, vermilion below 0
/// (the hedge lost money with the target); grey for no value.
fn colour(v: Option<f64>) -> RGBColor {
    let mix = |a: (f64, f64, f64), t: f64| {
        let t = t.clamp(0.0, 1.0);
        let c = |w: f64, x: f64| (255.0 + (x - 255.0) * w).round() as u8;
        RGBColor(c(t, a.0), c(t, a.1), c(t, a.2))
    };
    match v {
        None => RGBColor(225, 225, 225),
        Some(x) if x >= 0.0 => mix((0.0, 114.0, 178.0), x),
        Some(x) => mix((213.0, 94.0, 0.0), -x),
    }
}

/// Draws one cell per (row, column) with its value in percent; rows are labelled on the left,
/// columns along the top.
///
/// # Errors
/// No rows or columns, a row whose length is not the column count, a non-finite value, or a
/// drawing failure.
pub fn heatmap(chart: &HeatmapChart) -> Result<String, ReportError> {
    if chart.rows.is_empty() || chart.columns.is_empty() {
        return Err(ReportError::Empty { chart: NAME, series: "rows or columns".to_owned() });
    }
    if chart.cells.len() != chart.rows.len() {
        return Err(ReportError::LengthMismatch {
            chart: NAME,
            series: "cells".to_owned(),
            len: chart.cells.len(),
            expected: chart.rows.len(),
        });
    }
    for (i, r) in chart.cells.iter().enumerate() {
        if r.len() != chart.columns.len() {
            return Err(ReportError::LengthMismatch {
                chart: NAME,
                series: format!("cells[{i}]"),
                len: r.len(),
                expected: chart.columns.len(),
            });
        }
        let vals: Vec<f64> = r.iter().flatten().copied().collect();
        super::check_finite(NAME, "cells", &vals)?;
    }
    let label_w = 200i32;
    let top = 120i32;
    let n_cols = chart.columns.len() as i32;
    let cell_w = ((WIDTH as i32 - label_w - 16) / n_cols).max(40);
    let height = (top + ROW * chart.rows.len() as i32 + 40) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let title = TextStyle::from((FONT, 18).into_font()).color(&BLACK);
        root.draw_text(&chart.title, &title, (12, 8)).map_err(draw_err(NAME))?;
        let small = TextStyle::from((FONT, 12).into_font()).color(&BLACK);
        // Column labels, rotated so long episode names fit.
        let rotated = TextStyle::from((FONT, 12).into_font().transform(FontTransform::Rotate270))
            .color(&BLACK);
        for (j, name) in chart.columns.iter().enumerate() {
            let x = label_w + j as i32 * cell_w + cell_w / 2 - 6;
            root.draw_text(name, &rotated, (x, top - 6)).map_err(draw_err(NAME))?;
        }
        for (i, (name, row)) in chart.rows.iter().zip(&chart.cells).enumerate() {
            let y = top + i as i32 * ROW;
            root.draw_text(name, &small, (12, y + 7)).map_err(draw_err(NAME))?;
            for (j, v) in row.iter().enumerate() {
                let x = label_w + j as i32 * cell_w;
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w - 2, y + ROW - 2)],
                    colour(*v).filled(),
                ))
                .map_err(draw_err(NAME))?;
                // Whole percent, without a "-0%" for a small negative.
                let text = v.map_or_else(
                    || "-".to_string(),
                    |v| {
                        let p = (100.0 * v).round();
                        format!("{:.0}%", if p == 0.0 { 0.0 } else { p })
                    },
                );
                let dark = v.is_some_and(|v| v.abs() > 0.6);
                let style = TextStyle::from((FONT, 12).into_font()).color(if dark {
                    &WHITE
                } else {
                    &BLACK
                });
                root.draw_text(&text, &style, (x + 6, y + 7)).map_err(draw_err(NAME))?;
            }
        }
        let y = top + ROW * chart.rows.len() as i32 + 12;
        root.draw_text(&chart.legend, &small, (12, y)).map_err(draw_err(NAME))?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
