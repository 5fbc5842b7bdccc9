//! Grouped bars per episode.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    check_finite, draw_err, draw_legend, padded, BLUE, FONT, GREY, HEIGHT, ORANGE, VERMILION, WIDTH,
};
use crate::format::tick;
use crate::{EpisodeBarsChart, ReportError};

const NAME: &str = "episode bars";

/// Shortens `name` to at most `max` characters, marking the cut with an ellipsis.
fn fit(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_owned()
    } else {
        let keep: String = name.chars().take(max.saturating_sub(1).max(1)).collect();
        format!("{keep}…")
    }
}

/// Draws, per episode, three bars from zero: the target's return, the hedge's P&L and the
/// hedged book's net loss as a share of notional, with the episode's name under the group (names alternate between two rows when
/// there are many, and are shortened with "…" only when even that leaves no room).
///
/// # Errors
/// No episodes, a non-finite value, or a drawing failure.
pub fn episode_bars(chart: &EpisodeBarsChart) -> Result<String, ReportError> {
    if chart.episodes.is_empty() {
        return Err(ReportError::Empty { chart: NAME, series: "episodes".to_owned() });
    }
    let series: [(&str, Vec<f64>, RGBColor); 3] = [
        ("target return", chart.episodes.iter().map(|e| e.target_return).collect(), VERMILION),
        ("hedge P&L", chart.episodes.iter().map(|e| e.hedge_pnl).collect(), BLUE),
        (
            "net loss / notional",
            chart.episodes.iter().map(|e| e.net_loss_share_of_notional).collect(),
            ORANGE,
        ),
    ];
    for (name, values, _) in &series {
        check_finite(NAME, name, values)?;
    }

    let n = chart.episodes.len();
    // Exact: episode counts are far below 2^53.
    #[allow(clippy::cast_precision_loss)]
    let n_f = n as f64;
    let (lo, hi) = super::bounds(series.iter().map(|(_, v, _)| v.as_slice()));
    let y_range = padded(NAME, lo.min(0.0), hi.max(0.0))?;
    let unit = chart.unit;
    let axis = y_range.clone();
    let y_fmt = move |y: &f64| tick(*y, unit, &axis);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(NAME))?;
        let mut c = ChartBuilder::on(&root)
            .caption(&chart.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..n_f - 0.5, y_range.clone())
            .map_err(draw_err(NAME))?;
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels(2)
            .x_label_formatter(&|_| String::new())
            .y_labels(7)
            .y_label_formatter(&y_fmt)
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(draw_err(NAME))?;

        for (k, (label, values, color)) in series.iter().enumerate() {
            let color = *color;
            // Offsets −0.375, −0.125, 0.125 for the three bars of width 0.25.
            #[allow(clippy::cast_precision_loss)]
            let offset = -0.375 + 0.25 * k as f64;
            c.draw_series(values.iter().enumerate().map(|(i, v)| {
                #[allow(clippy::cast_precision_loss)]
                let x0 = i as f64 + offset;
                Rectangle::new([(x0 + 0.02, 0.0), (x0 + 0.23, *v)], color.filled())
            }))
            .map_err(draw_err(NAME))?
            .label(*label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
        }
        c.draw_series(LineSeries::new([(-0.5, 0.0), (n_f - 0.5, 0.0)], GREY.stroke_width(1)))
            .map_err(draw_err(NAME))?;

        // Names under the groups, in pixels on the root area.
        let plot_w = f64::from(WIDTH - 12 * 2 - 64);
        let stagger = n > 6;
        let room_px = plot_w / n_f * if stagger { 2.0 } else { 1.0 };
        // About 6.5 px per character at 11 px.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let max_chars = ((room_px / 6.5).floor() as usize).max(3);
        let style = TextStyle::from((FONT, 11).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (i, e) in chart.episodes.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let (px, py) = c.backend_coord(&(i as f64, y_range.start));
            let row = if stagger && i % 2 == 1 { 14 } else { 0 };
            root.draw(&Text::new(fit(&e.name, max_chars), (px, py + 6 + row), &style))
                .map_err(draw_err(NAME))?;
        }

        draw_legend(&mut c, SeriesLabelPosition::UpperRight, NAME)?;
        root.present().map_err(draw_err(NAME))?;
    }
    Ok(svg)
}
