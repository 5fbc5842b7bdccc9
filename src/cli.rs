//! Command-line definitions (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod backtest;
pub mod price;

/// Measure how much of a VIX/SPX hedge of crypto, NFT and DeFi exposure is really there.
#[derive(Debug, Parser)]
#[command(name = "crosshedge", version, about, long_about = None)]
pub struct Cli {
    /// The embedded store (SQLite file).
    #[arg(long, global = true, default_value = "crosshedge.db", env = "CROSSHEDGE_STORE")]
    pub store: PathBuf,
    /// The directory of vendor data files (e.g. the VIX futures settlements the backtest uses
    /// when no `--contracts` is given).
    #[arg(long, global = true, default_value = crosshedge_app::DEFAULT_DATA_DIR, env = "CROSSHEDGE_DATA_DIR")]
    pub data_dir: PathBuf,
    /// Emit machine-readable JSON on stdout instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate the calibrated demo market into a fresh store and run every analysis on it.
    Demo(DemoArgs),
    /// Import CSV columns as series (or a whole manifest) into the store.
    Import(ImportArgs),
    /// List the series in the store, or show one.
    Series(SeriesArgs),
    /// Write an aligned panel of returns (or levels) to CSV.
    Export(ExportArgs),
    /// Basis risk of a target against a hedge: correlation, betas, hedge ratio, effectiveness,
    /// overall and by regime, with bootstrap intervals and correlation-breakdown tests.
    Basis(BasisArgs),
    /// Lead-lag ("time-shifted") relation: the cross-correlation function and the Dimson beta.
    Lags(LagsArgs),
    /// Hedge slippage through the named shock episodes, with the hedge sized in calm markets.
    Episodes(EpisodesArgs),
    /// MACD and RSI signals on the VIX and how early they warn of a move into stress.
    Signals(SignalsArgs),
    /// Detect DeFi liquidity shocks from crypto drawdowns, depegs, TVL outflows and funding.
    Shocks(ShocksArgs),
    /// FOMC/CPI/PPI event windows: VIX and crypto moves and correlation around macro events.
    Events(EventsArgs),
    /// Which regime the market is in: VIX bands or a Markov-switching model, with probabilities.
    Regimes(RegimesArgs),
    /// GARCH(1,1) volatilities and DCC(1,1) dynamic correlation and hedge ratio.
    Dcc(DccArgs),
    /// Run the hedge book daily through history, net of costs (equity, drawdowns, carry, XIRR).
    Backtest(backtest::BacktestArgs),
    /// The whole pipeline as one self-contained HTML report plus the JSON behind it.
    Report(ReportArgs),
    /// Price options, spreads, condors, the VIX futures curve, perpetuals and LP positions.
    Price(price::PriceArgs),
    /// Size every layer of a hedge book from the measured regime hedge ratios and the
    /// decorrelation factor under its premium budget: positions, premium, greeks, cover.
    Hedge(crate::cmd::hedge::HedgeArgs),
    /// Regime-switching Monte Carlo stress test of a hedge book (or an episode replay or a user
    /// shock): hedged and unhedged VaR/ES, cover probabilities, 1-in-20 slippage.
    Stress(crate::cmd::stress::StressArgs),
}

/// `crosshedge regimes`.
#[derive(Debug, Args)]
pub struct RegimesArgs {
    /// The VIX (or other) series for bands and univariate models.
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().series)]
    pub series: String,
    /// bands, markov2, markov3 (switching mean and variance of log changes) or bivariate
    /// (2 states on --target/--hedge returns with switching correlation).
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().model.to_string())]
    pub model: String,
    /// Target of the bivariate model.
    #[arg(long)]
    pub target: Option<String>,
    /// Hedge of the bivariate model.
    #[arg(long)]
    pub hedge: Option<String>,
    /// Let the VIX level drive the transition probabilities (logistic).
    #[arg(long)]
    pub tvtp: bool,
    /// Number of random starts of the optimiser.
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().starts)]
    pub starts: usize,
    /// Seed of the random starts.
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().seed)]
    pub seed: u64,
    /// First date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
}

/// `crosshedge dcc`.
#[derive(Debug, Args)]
pub struct DccArgs {
    /// Target, hedge, alignment and sample.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Innovations of the GARCH margins: normal or t.
    #[arg(long, default_value = "normal")]
    pub dist: String,
    /// Include the full daily correlation and hedge-ratio paths in --json.
    #[arg(long)]
    pub paths: bool,
}

/// `crosshedge signals`.
#[derive(Debug, Args)]
pub struct SignalsArgs {
    /// The VIX series.
    #[arg(long, default_value_t = crosshedge_app::signals::SignalsRequest::default().series)]
    pub series: String,
    /// A signal is a hit when a stress entry follows within this many trading days.
    #[arg(long, default_value_t = crosshedge_app::signals::SignalsRequest::default().horizon)]
    pub horizon: usize,
    /// Stress threshold of the VIX close.
    #[arg(long, default_value_t = crosshedge_app::signals::SignalsRequest::default().stress_above)]
    pub stress_above: f64,
    /// Signal events listed (the most recent).
    #[arg(long, default_value_t = crosshedge_app::signals::SignalsRequest::default().last)]
    pub last: usize,
}

/// Which store series feed the shock detector.
#[derive(Debug, Args, Clone)]
pub struct ShockSources {
    /// Crypto price for the drawdown component.
    #[arg(long, default_value_t = crosshedge_app::shocks::ShockSources::default().crypto)]
    pub crypto: String,
    /// Stablecoin prices for the depeg component (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "ust,usdc")]
    pub stablecoins: Vec<String>,
    /// DeFi TVL for the outflow component.
    #[arg(long, default_value_t = crosshedge_app::shocks::ShockSources::default().tvl)]
    pub tvl: String,
    /// Perpetual funding rate for the funding component.
    #[arg(long, default_value_t = crosshedge_app::shocks::ShockSources::default().funding)]
    pub funding: String,
}

/// `crosshedge shocks`.
#[derive(Debug, Args)]
pub struct ShocksArgs {
    /// The series behind the components (missing ones are skipped and named).
    #[command(flatten)]
    pub sources: ShockSources,
    /// First date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Days of tolerance when matching detections to catalogue episodes.
    #[arg(long, default_value_t = crosshedge_app::shocks::ShocksRequest::default().tolerance)]
    pub tolerance: i64,
}

/// Where macro-event dates come from.
#[derive(Debug, Args, Clone)]
pub struct EventSources {
    /// Directory with us_cpi_release_dates.csv / us_ppi_release_dates.csv / fomc_meetings.csv
    /// (used when present; the built-in FOMC schedule 2000-2026 is always available).
    #[arg(long, default_value = "../shared/data")]
    pub data_dir: PathBuf,
    /// A CSV of user events with columns date,kind.
    #[arg(long)]
    pub events_file: Option<PathBuf>,
    /// Trading days before each event in its window.
    #[arg(long, default_value_t = crosshedge_app::events::EventSources::default().pre)]
    pub pre: usize,
    /// Trading days after each event in its window.
    #[arg(long, default_value_t = crosshedge_app::events::EventSources::default().post)]
    pub post: usize,
}

/// `crosshedge events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Target (crypto) and hedge (VIX) series and alignment.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Event sources and window.
    #[command(flatten)]
    pub sources: EventSources,
}

/// The pair every basis-type command analyses.
#[derive(Debug, Args, Clone)]
pub struct PairArgs {
    /// What is hedged (a series name, e.g. btc).
    #[arg(long)]
    pub target: String,
    /// The hedge (a series name, e.g. vix, vx1, spx).
    #[arg(long)]
    pub hedge: String,
    /// Alignment policy: us-close (default), weekly, crypto-days.
    #[arg(long, default_value_t = crosshedge_app::pair::PairRequest::default().align.to_string())]
    pub align: String,
    /// Return kind: log, simple, points (rates always use points).
    #[arg(long, default_value_t = crosshedge_app::pair::PairRequest::default().returns.to_string())]
    pub returns: String,
    /// Return kind of the hedge when it differs (e.g. points for the VIX).
    #[arg(long)]
    pub hedge_returns: Option<String>,
    /// First date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// The VIX series used for the vix-bands regimes (default `vix`).
    #[arg(long, default_value_t = crosshedge_app::pair::PairRequest::default().vix)]
    pub vix: String,
}

impl PairArgs {
    /// The app's request for this pair; the flags are parsed here (a bad value is a usage
    /// error, exit 2, with the message the command has always printed).
    pub fn request(&self) -> anyhow::Result<crosshedge_app::pair::PairRequest> {
        if self.target == self.hedge {
            return Err(crate::exit::UsageError(format!(
                "--target and --hedge are both '{}'",
                self.target
            ))
            .into());
        }
        Ok(crosshedge_app::pair::PairRequest {
            target: self.target.clone(),
            hedge: self.hedge.clone(),
            align: self.align.parse()?,
            returns: self.returns.parse()?,
            hedge_returns: self.hedge_returns.as_deref().map(str::parse).transpose()?,
            from: crate::cmd::parse_date_flag("from", &self.from)?,
            to: crate::cmd::parse_date_flag("to", &self.to)?,
            vix: self.vix.clone(),
        })
    }
}

/// `crosshedge basis`.
#[derive(Debug, Args)]
pub struct BasisArgs {
    /// Target, hedge, alignment and sample.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Regime labeling: vix-bands (default), markov2, markov3, episodes, shocks, events, none.
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().regimes.to_string())]
    pub regimes: String,
    /// Series behind the `shocks` labeling.
    #[command(flatten)]
    pub shock_sources: ShockSources,
    /// Sources and window of the `events` labeling.
    #[command(flatten)]
    pub event_sources: EventSources,
    /// Stationary-bootstrap resamples per interval.
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().bootstrap)]
    pub bootstrap: usize,
    /// Random seed of the bootstrap.
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().seed)]
    pub seed: u64,
    /// Newey-West lags (default floor(4 (T/100)^(2/9))).
    #[arg(long)]
    pub hac_lags: Option<usize>,
    /// Leads and lags in the Dimson beta.
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().dimson_lags)]
    pub dimson_lags: usize,
    /// VIX band thresholds calm<LOW, stress>HIGH.
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().calm_below)]
    pub calm_below: f64,
    /// VIX stress threshold.
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().stress_above)]
    pub stress_above: f64,
}

/// `crosshedge lags`.
#[derive(Debug, Args)]
pub struct LagsArgs {
    /// Target, hedge, alignment and sample.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Largest lead/lag K (the CCF covers -K..K).
    #[arg(long, default_value_t = crosshedge_app::lags::LagsRequest::default().max_lag)]
    pub max_lag: usize,
}

/// `crosshedge episodes`.
#[derive(Debug, Args)]
#[command(mut_arg("hedge", |a| a
    .required(false)
    .default_value(crosshedge_app::episodes::AUTO_HEDGE)
    .help("The hedge: auto (default) = a tradable VIX hedge, the 30-day constant-maturity VIX futures proxy from the stored vx settlements (else the front future vx1); or a series name (vix = spot VIX, not tradable: warned)")))]
pub struct EpisodesArgs {
    /// Target, hedge, alignment and sample.
    #[command(flatten)]
    pub pair: PairArgs,
    /// A TOML catalogue of episodes added to the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Use only the --catalogue file, not the built-in catalogue of real episodes.
    #[arg(long, requires = "catalogue")]
    pub no_builtin: bool,
}

/// `crosshedge demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output directory for the demo store, its CSV files and reports.
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
    /// Random seed of the demo market.
    #[arg(long, default_value_t = crosshedge_app::demo::DemoRequest::default().seed)]
    pub seed: u64,
    /// Stationary-bootstrap resamples of the basis analyses.
    #[arg(long, default_value_t = crosshedge_app::demo::DemoRequest::default().bootstrap)]
    pub bootstrap: usize,
    /// Monte Carlo paths of the demo stress test.
    #[arg(long, default_value_t = crosshedge_app::demo::DemoRequest::default().stress_paths)]
    pub stress_paths: u64,
}

/// `crosshedge import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file to import (omit with --manifest).
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    pub file: Option<PathBuf>,
    /// Series to create: NAME=COLUMN[,NAME=COLUMN...].
    #[arg(long, value_delimiter = ',', required_unless_present_any = ["manifest", "futures"])]
    pub series: Vec<String>,
    /// Import FILE as futures settlements (`date,expiry,settle`, one row per date and contract)
    /// of this contract root, e.g. `vx`.
    #[arg(long, conflicts_with = "series")]
    pub futures: Option<String>,
    /// Calendar of the series: `us` (NYSE/CFE trading days) or `crypto` (every day).
    #[arg(long, default_value_t = crosshedge_app::import::ImportRequest::default().calendar.to_string())]
    pub calendar: String,
    /// Unit of the series: price, index-level, rate, count, ratio.
    #[arg(long, default_value_t = crosshedge_app::import::ImportRequest::default().unit.to_string())]
    pub unit: String,
    /// The date column (default `date`, else the first column).
    #[arg(long)]
    pub date_column: Option<String>,
    /// A chrono date format such as %m/%d/%Y (detected when absent).
    #[arg(long)]
    pub date_format: Option<String>,
    /// When a value differs from the stored one: keep (stored stays current), replace, fail.
    #[arg(long, default_value_t = crate::output::serde_name(&crosshedge_app::import::ImportRequest::default().on_conflict))]
    pub on_conflict: String,
    /// Import every file of a TOML manifest instead of one file.
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Futures files whose contracts contradict their expiry (a row dated after its
    /// contract's expiry; for `vx`, an expiry that is not a monthly VIX expiry date) are
    /// refused by default; with this flag such rows are dropped, off-rule contracts kept as
    /// given, and one warning counts them.
    #[arg(long)]
    pub allow_bad_expiry: bool,
}

/// `crosshedge series`.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    /// `show NAME` prints one series; nothing lists all.
    #[command(subcommand)]
    pub action: Option<SeriesAction>,
}

/// `crosshedge series show`.
#[derive(Debug, Subcommand)]
pub enum SeriesAction {
    /// Print the observations of one series.
    Show {
        /// The series name.
        name: String,
        /// First date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Last date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
    /// List the imports recorded in the store (file, SHA-256, rows, time).
    Imports,
}

/// `crosshedge export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Series to export.
    #[arg(required = true)]
    pub names: Vec<String>,
    /// Alignment policy: us-close, weekly, crypto-days.
    #[arg(long, default_value_t = crosshedge_app::export::ExportRequest::default().align.to_string())]
    pub align: String,
    /// Return kind for prices and index levels: log, simple, points (rates always use points).
    #[arg(long, default_value_t = crosshedge_app::export::ExportRequest::default().returns.to_string())]
    pub returns: String,
    /// Export aligned levels instead of returns.
    #[arg(long)]
    pub levels: bool,
    /// First date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// The CSV file to write (atomically).
    #[arg(long)]
    pub out: PathBuf,
}

/// `crosshedge report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output directory for report.html, report.json and analysis.json.
    #[arg(long)]
    pub out: PathBuf,
    /// The hedge book (TOML); `default` for the built-in adaptive layered VIX hedge.
    #[arg(long, default_value = "default")]
    pub book: String,
    /// Targets analysed against the hedge (those present in the store are used).
    #[arg(long, value_delimiter = ',', default_value = "btc,eth,nft,punks")]
    pub targets: Vec<String>,
    /// The hedge series.
    #[arg(long, default_value_t = crosshedge_app::report::ReportRequest::default().hedge)]
    pub hedge: String,
    /// A TOML catalogue of episodes added to the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Use only the --catalogue file, not the built-in catalogue.
    #[arg(long, requires = "catalogue")]
    pub no_builtin: bool,
    /// Stationary-bootstrap resamples.
    #[arg(long, default_value_t = crosshedge_app::report::ReportRequest::default().bootstrap)]
    pub bootstrap: usize,
    /// Monte Carlo paths of the stress test.
    #[arg(long, default_value_t = crosshedge_app::report::ReportRequest::default().paths)]
    pub paths: u64,
    /// Seed of the bootstrap and the Monte Carlo.
    #[arg(long, default_value_t = crosshedge_app::report::ReportRequest::default().seed)]
    pub seed: u64,
    /// Rolling-correlation window in trading days.
    #[arg(long, default_value_t = crosshedge_app::report::ReportRequest::default().window)]
    pub window: usize,
}
