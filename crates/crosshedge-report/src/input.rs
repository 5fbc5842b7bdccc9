//! Plain input structs: everything a chart or the report shows, already computed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How the values of a chart axis or a figure are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A decimal fraction shown as a percentage (`0.012` → `1.20 %`).
    #[default]
    Fraction,
    /// US dollars (`-1234.5` → `-$1,235`).
    Usd,
    /// A plain number.
    Plain,
}

/// A named episode window (e.g. "COVID crash"), marked on date charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeWindow {
    /// Name shown on the chart.
    pub name: String,
    /// First day of the window.
    pub start: NaiveDate,
    /// Last day of the window (inclusive; not before `start`).
    pub end: NaiveDate,
}

/// VIX over time with background bands shaded by regime and named episodes marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegimeVixChart {
    /// Chart title.
    pub title: String,
    /// Dates, strictly increasing.
    pub dates: Vec<NaiveDate>,
    /// VIX close on each date (index points).
    pub vix: Vec<f64>,
    /// Regime label of each date (same length as `dates`), or empty for no shading. The labels
    /// `calm`, `normal` and `stress` get fixed colours (green, amber, red); other labels get
    /// colours from a palette in order of first appearance.
    pub regimes: Vec<String>,
    /// Episode windows to mark (may be empty).
    pub episodes: Vec<EpisodeWindow>,
}

/// A rolling correlation with its confidence band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollingCorrelationChart {
    /// Chart title.
    pub title: String,
    /// End date of each window, strictly increasing (drop the warm-up dates: no NaN).
    pub dates: Vec<NaiveDate>,
    /// Correlation estimate of each window.
    pub correlation: Vec<f64>,
    /// Lower bound of the band.
    pub lower: Vec<f64>,
    /// Upper bound of the band.
    pub upper: Vec<f64>,
    /// Legend text for the line, e.g. "63-day Pearson".
    pub line_label: String,
    /// Legend text for the band, e.g. "95 % Fisher-z interval".
    pub band_label: String,
}

/// Which tail an exceedance correlation conditions on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceedanceTail {
    /// Both series below their `q`-quantile thresholds (`q ≤ 0.5`).
    Lower,
    /// Both series above their `q`-quantile thresholds (`q ≥ 0.5`).
    Upper,
}

/// One threshold of an exceedance-correlation plot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExceedancePoint {
    /// Threshold quantile in (0, 1), the x coordinate: in (0, 0.5] for the lower tail, in
    /// [0.5, 1) for the upper tail (a Longin–Solnik upper-tail level `q` is drawn at `1 − q`).
    pub quantile: f64,
    /// The tail of this point (0.5 belongs to both tails, so the quantile alone cannot say).
    pub tail: ExceedanceTail,
    /// Empirical exceedance correlation, `None` where too few joint exceedances exist
    /// (the line is broken there).
    pub empirical: Option<f64>,
    /// The bivariate-normal benchmark at the same threshold.
    pub benchmark: f64,
}

/// Empirical exceedance correlation against the threshold quantile, with the bivariate-normal
/// benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExceedanceChart {
    /// Chart title.
    pub title: String,
    /// Points of both tails (either may be empty); within each tail, quantiles strictly
    /// increasing.
    pub points: Vec<ExceedancePoint>,
}

/// One episode's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeBar {
    /// Episode name (the bar group's label).
    pub name: String,
    /// Return of the hedged target over the episode.
    pub target_return: f64,
    /// P&L of the hedge over the episode.
    pub hedge_pnl: f64,
    /// Net loss of the hedged book as a share of the target notional,
    /// `(target loss − hedge gain) / notional` (positive: the hedged book lost).
    pub net_loss_share_of_notional: f64,
}

/// Grouped bars per episode: target return, hedge P&L and slippage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeBarsChart {
    /// Chart title.
    pub title: String,
    /// Unit of all three values (usually fractions of the target notional).
    pub unit: Unit,
    /// Episodes in display order.
    pub episodes: Vec<EpisodeBar>,
}

/// VaR and ES at one confidence level, as positive losses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskMarker {
    /// Confidence level, e.g. `0.95`.
    pub level: f64,
    /// Value at risk: `−q(1−level)` of the P&L (a positive number is a loss; drawn at `−var`).
    pub var: f64,
    /// Expected shortfall beyond the VaR (positive = loss; drawn at `−es`).
    pub es: f64,
}

/// A P&L distribution already binned by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PnlHistogram {
    /// Legend label, e.g. "unhedged".
    pub label: String,
    /// Bin edges, strictly increasing, one more than `counts`.
    pub bin_edges: Vec<f64>,
    /// Height of each bin (count or density; drawn as given, not negative).
    pub counts: Vec<f64>,
    /// VaR/ES markers (may be empty).
    pub markers: Vec<RiskMarker>,
}

/// Unhedged against hedged P&L distributions with VaR/ES markers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StressDistributionChart {
    /// Chart title.
    pub title: String,
    /// Unit of the P&L axis.
    pub unit: Unit,
    /// The unhedged distribution.
    pub unhedged: PnlHistogram,
    /// The hedged distribution.
    pub hedged: PnlHistogram,
}

/// Hedged and unhedged equity curves with a drawdown panel. The equity axis is logarithmic
/// (and says so) when every value is positive and the largest exceeds the smallest more than
/// [`crate::charts::LOG_AXIS_RATIO`] times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquityChart {
    /// Chart title.
    pub title: String,
    /// Unit of the equity axis.
    pub unit: Unit,
    /// Dates, strictly increasing.
    pub dates: Vec<NaiveDate>,
    /// Unhedged equity on each date.
    pub unhedged: Vec<f64>,
    /// Hedged equity on each date.
    pub hedged: Vec<f64>,
    /// Unhedged drawdown on each date, a decimal fraction (`-0.25` = 25 % below the peak).
    pub unhedged_drawdown: Vec<f64>,
    /// Hedged drawdown on each date, same convention.
    pub hedged_drawdown: Vec<f64>,
}

/// One curve of a cost–protection frontier: points `(carry, protection)` in the order drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierCurve {
    /// Legend label (a candidate's name, or the optimal mix).
    pub label: String,
    /// `(carry per year, protection)` points, both decimals (carry as a share of the notional).
    pub points: Vec<(f64, f64)>,
    /// Drawn thick and black (the optimal mix).
    pub emphasis: bool,
}

/// Protection bought against carry per year: a curve per candidate and the optimal mix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierChart {
    /// Chart title.
    pub title: String,
    /// The protection measure on the y axis, e.g. "ES99 reduction".
    pub y_label: String,
    /// The curves.
    pub curves: Vec<FrontierCurve>,
}

/// A table of decimals drawn as coloured cells: rows × columns, `None` for no value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapChart {
    /// Chart title.
    pub title: String,
    /// Row labels (top to bottom).
    pub rows: Vec<String>,
    /// Column labels (left to right).
    pub columns: Vec<String>,
    /// `cells[row][column]`: a decimal (1.0 = 100 %), `None` where undefined.
    pub cells: Vec<Vec<Option<f64>>>,
    /// What a cell means, under the chart.
    pub legend: String,
}

/// Any chart of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChartSpec {
    /// Regime-shaded VIX.
    RegimeVix(RegimeVixChart),
    /// Rolling correlation with bands.
    RollingCorrelation(RollingCorrelationChart),
    /// Exceedance correlation.
    Exceedance(ExceedanceChart),
    /// Episode bars.
    EpisodeBars(EpisodeBarsChart),
    /// Stress P&L distributions.
    StressDistribution(StressDistributionChart),
    /// Equity curves and drawdowns.
    Equity(EquityChart),
    /// The cost–protection frontier.
    Frontier(FrontierChart),
    /// A coloured table (candidates × episodes cover).
    Heatmap(HeatmapChart),
}

/// A chart with the caption printed under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Caption (plain text; escaped).
    pub caption: String,
    /// The chart's data.
    pub spec: ChartSpec,
}

/// A table of already formatted cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Table title.
    pub title: String,
    /// Optional caption under the title.
    pub caption: Option<String>,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows, each as long as `header`.
    pub rows: Vec<Vec<String>>,
}

/// An input file and its checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// File name or series id.
    pub name: String,
    /// SHA-256 of its bytes, 64 hex digits.
    pub sha256: String,
}

/// What the report was made from: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportHeader {
    /// Program version.
    pub version: String,
    /// Git revision, when known.
    pub git_revision: Option<String>,
    /// When the report was generated (passed in; the crate reads no clock).
    pub generated_at: DateTime<Utc>,
    /// Seed of every random stream behind the figures.
    pub seed: u64,
    /// Alignment policy of the return panel, e.g. "us-close".
    pub alignment_policy: String,
    /// Every input with its SHA-256.
    pub inputs: Vec<InputFile>,
    /// Other settings worth recording (book file, regime method, ...), printed in key order.
    pub config: BTreeMap<String, String>,
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Confidence level, e.g. `0.95`.
    pub level: f64,
}

/// A point estimate with its interval when one was computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Its interval, if any.
    pub interval: Option<Interval>,
}

/// An amount in a stated unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// The value.
    pub value: f64,
    /// Its unit (`Fraction`: of the target notional).
    pub unit: Unit,
}

/// Correlation in calm markets against correlation in stress. The headline's words follow the
/// change: "strengthens" when the stress correlation has the calm one's sign and a larger
/// magnitude, "breaks" (weakens) when a smaller one, "flips sign" when the signs differ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CorrelationBreak {
    /// Correlation in the calm regime.
    pub calm: f64,
    /// Correlation in the stress regime.
    pub stress: f64,
    /// p-value of the test that they are equal, when one was run.
    pub p_value: Option<f64>,
}

/// The decorrelation factor `k = h*_stress / h*_calm` as the headline shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecorrelationFigure {
    /// Point estimate of `k`.
    pub value: f64,
    /// Its interval; `None` when `k` is not identified.
    pub interval: Option<Interval>,
    /// False when the calm hedge ratio is indistinguishable from zero (its interval contains
    /// 0): the headline then says "not identified" and shows no interval.
    pub identified: bool,
    /// The calm hedge ratio (the denominator).
    pub hedge_ratio_calm: f64,
    /// The stress hedge ratio (the numerator).
    pub hedge_ratio_stress: f64,
}

/// The answer first: the key figures, each optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Headline {
    /// How correlation changes between calm and stress.
    pub correlation_break: Option<CorrelationBreak>,
    /// The decorrelation factor `k = h*_stress / h*_calm` with its interval when identified.
    pub decorrelation_factor: Option<DecorrelationFigure>,
    /// The 1-in-20 uncovered share of loss: the share of the loss in the 1-in-20 shock that the
    /// hedge leaves uncovered (`1 − hedge P&L / loss`, a decimal; `crosshedge-simulation`'s
    /// `uncovered_share_of_loss_1_in_20`).
    pub uncovered_share_of_loss_1_in_20: Option<Estimate>,
    /// The cost of the hedge per year (a `Fraction` of the target notional, or dollars).
    pub hedge_cost_per_year: Option<Amount>,
    /// Further sentences shown under the figures (plain text; escaped).
    pub notes: Vec<String>,
}

/// Everything one HTML report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    /// Report title.
    pub title: String,
    /// Provenance header.
    pub header: ReportHeader,
    /// The answer first.
    pub headline: Headline,
    /// Charts in display order.
    pub charts: Vec<Chart>,
    /// Tables in display order.
    pub tables: Vec<Table>,
}
