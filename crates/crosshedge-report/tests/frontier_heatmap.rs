#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The frontier chart and the cover heatmap: what they draw and what they refuse.

use crosshedge_report::charts::{frontier, heatmap};
use crosshedge_report::{FrontierChart, FrontierCurve, HeatmapChart, ReportError};

fn chart() -> FrontierChart {
    FrontierChart {
        title: "btc: protection against carry".into(),
        y_label: "ES99 reduction".into(),
        curves: vec![
            FrontierCurve {
                label: "btc-put".into(),
                points: vec![(0.0, 0.0), (0.02, 0.05), (0.04, 0.09)],
                emphasis: false,
            },
            FrontierCurve {
                label: "optimal mix".into(),
                points: vec![(0.0, 0.0), (0.02, 0.3), (0.04, 0.5)],
                emphasis: true,
            },
        ],
    }
}

#[test]
fn the_frontier_draws_every_curve_with_its_label_and_refuses_bad_points() {
    let svg = frontier(&chart()).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("btc-put") && svg.contains("optimal mix"));
    assert!(svg.contains("carry per year") && svg.contains("ES99 reduction"));
    let mut bad = chart();
    bad.curves[0].points[1].1 = f64::NAN;
    assert!(matches!(frontier(&bad), Err(ReportError::NonFinite { .. })));
    let mut empty = chart();
    empty.curves[1].points.clear();
    assert!(matches!(frontier(&empty), Err(ReportError::Empty { .. })));
    assert!(frontier(&FrontierChart { curves: vec![], ..chart() }).is_err());
}

#[test]
fn the_heatmap_prints_each_cell_in_percent_and_checks_its_shape() {
    let h = HeatmapChart {
        title: "cover".into(),
        rows: vec!["short-spot".into(), "btc-put".into()],
        columns: vec!["terra-ust-2022".into(), "ftx-2022".into()],
        cells: vec![vec![Some(1.0), None], vec![Some(0.02), Some(-0.4)]],
        legend: "cells: cover".into(),
    };
    let svg = heatmap(&h).unwrap();
    for text in ["100%", "2%", "-40%", "terra-ust-2022", "short-spot", "cells: cover"] {
        assert!(svg.contains(text), "{text}");
    }
    let mut ragged = h.clone();
    ragged.cells[1].pop();
    assert!(matches!(heatmap(&ragged), Err(ReportError::LengthMismatch { .. })));
    let mut short = h.clone();
    short.cells.pop();
    assert!(matches!(heatmap(&short), Err(ReportError::LengthMismatch { .. })));
    let mut nan = h;
    nan.cells[0][0] = Some(f64::INFINITY);
    assert!(matches!(heatmap(&nan), Err(ReportError::NonFinite { .. })));
}
