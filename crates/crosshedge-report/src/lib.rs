//! Rendering of crosshedge results: SVG charts drawn with `plotters` and one self-contained
//! HTML report.
//!
//! The crate formats and draws what it is given and computes nothing: every correlation,
//! interval, VaR, drawdown and histogram count arrives in a plain input struct (all
//! `Serialize + Deserialize`, so the JSON behind a report is the same data). It reads no
//! clock: the caller passes the generation time and the version.
//!
//! - Charts ([`charts`]): one function per chart, each taking a plain struct and returning the
//!   SVG document as a `String` — [`charts::regime_vix`], [`charts::rolling_correlation`],
//!   [`charts::exceedance`], [`charts::episode_bars`], [`charts::stress_distribution`],
//!   [`charts::equity_curves`]. Input is validated first: empty series, mismatched lengths,
//!   non-finite values and unordered dates are errors, never a garbled drawing.
//! - HTML ([`render_html`]): the header (version, seed, alignment policy, SHA-256 of every
//!   input), the answer first (the headline figures), the charts with captions, then the tables.
//!   Inline CSS only; every string from the data is HTML-escaped.
//!
//! Decimals stay decimals until this display edge: a return of `0.012` is printed `1.20 %`.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use crosshedge_report::{
//!     render_html, Chart, ChartSpec, Estimate, ExceedanceChart, ExceedancePoint, ExceedanceTail,
//!     Headline, InputFile, ReportHeader, ReportInput, Table,
//! };
//!
//! let input = ReportInput {
//!     title: "BTC vs VIX hedge".to_owned(),
//!     header: ReportHeader {
//!         version: "0.1.0".to_owned(),
//!         git_revision: None,
//!         generated_at: Utc.with_ymd_and_hms(2026, 1, 30, 12, 0, 0).unwrap(),
//!         seed: 42,
//!         alignment_policy: "us-close".to_owned(),
//!         inputs: vec![InputFile {
//!             name: "vix.csv".to_owned(),
//!             sha256: "ab".repeat(32),
//!         }],
//!         config: Default::default(),
//!     },
//!     headline: Headline {
//!         uncovered_share_of_loss_1_in_20: Some(Estimate { value: 0.383, interval: None }),
//!         ..Headline::default()
//!     },
//!     charts: vec![Chart {
//!         caption: "Exceedance correlation".to_owned(),
//!         spec: ChartSpec::Exceedance(ExceedanceChart {
//!             title: "Exceedance correlation".to_owned(),
//!             points: vec![
//!                 ExceedancePoint {
//!                     quantile: 0.1,
//!                     tail: ExceedanceTail::Lower,
//!                     empirical: Some(0.45),
//!                     benchmark: 0.21,
//!                 },
//!                 ExceedancePoint {
//!                     quantile: 0.9,
//!                     tail: ExceedanceTail::Upper,
//!                     empirical: None,
//!                     benchmark: 0.21,
//!                 },
//!             ],
//!         }),
//!     }],
//!     tables: vec![Table {
//!         title: "Regimes".to_owned(),
//!         caption: None,
//!         header: vec!["regime".to_owned(), "days".to_owned()],
//!         rows: vec![vec!["calm".to_owned(), "1087".to_owned()]],
//!     }],
//! };
//! let html = render_html(&input)?;
//! assert!(html.contains("<svg"));
//! assert!(html.contains("38.3 %"));
//! # Ok::<(), crosshedge_report::ReportError>(())
//! ```

pub mod charts;
mod error;
pub mod format;
mod html;
mod input;

pub use error::ReportError;
pub use html::{escape_html, render_html};
pub use input::{
    Amount, Chart, ChartSpec, CorrelationBreak, DecorrelationFigure, EpisodeBar, EpisodeBarsChart,
    EpisodeWindow, EquityChart, Estimate, ExceedanceChart, ExceedancePoint, ExceedanceTail,
    FrontierChart, FrontierCurve, Headline, HeatmapChart, InputFile, Interval, PnlHistogram,
    RegimeVixChart, ReportHeader, ReportInput, RiskMarker, RollingCorrelationChart,
    StressDistributionChart, Table, Unit,
};
