//! The crate's error type.

/// Why a chart or a report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A series that must have at least one value is empty.
    #[error("{chart}: {series} is empty")]
    Empty {
        /// The chart (or report part) being rendered.
        chart: &'static str,
        /// The offending series.
        series: String,
    },
    /// Two series that must line up have different lengths.
    #[error("{chart}: {series} has {len} values but {expected} were expected")]
    LengthMismatch {
        /// The chart (or report part) being rendered.
        chart: &'static str,
        /// The offending series.
        series: String,
        /// Its length.
        len: usize,
        /// The length it must have.
        expected: usize,
    },
    /// A value is NaN or infinite.
    #[error("{chart}: {series}[{index}] is not finite ({value})")]
    NonFinite {
        /// The chart (or report part) being rendered.
        chart: &'static str,
        /// The offending series.
        series: String,
        /// Position of the value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Dates (or another x coordinate) are not strictly increasing.
    #[error("{chart}: {series} is not strictly increasing at index {index}")]
    NotIncreasing {
        /// The chart (or report part) being rendered.
        chart: &'static str,
        /// The offending series.
        series: String,
        /// First position where the order breaks.
        index: usize,
    },
    /// Any other invalid input, described.
    #[error("{chart}: {reason}")]
    Invalid {
        /// The chart (or report part) being rendered.
        chart: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The plotting backend failed.
    #[error("drawing {chart}: {message}")]
    Draw {
        /// The chart being drawn.
        chart: &'static str,
        /// The backend's message.
        message: String,
    },
    /// A chart of the report failed; `source` says why.
    #[error("chart {index} ({caption:?})")]
    Chart {
        /// Position of the chart in [`ReportInput::charts`](crate::ReportInput::charts).
        index: usize,
        /// Its caption.
        caption: String,
        /// The chart's error.
        #[source]
        source: Box<ReportError>,
    },
}
