//! Command-line definitions (clap).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use crosshedge_app::backtest::BacktestRequest;
use crosshedge_app::measure::BookSource;
use crosshedge_app::price::lp::LpRequest;
use crosshedge_app::price::parity::ParityRequest;
use crosshedge_app::price::perp::PerpRequest;
use crosshedge_app::price::structure::{CondorRequest, SpreadRequest};
use crosshedge_app::price::{date_flag, ExpiryRequest};
use crosshedge_app::stress::{Drift, StressModel};
use crosshedge_app::AppError;
use crosshedge_core::align::AlignPolicy;
use crosshedge_core::returns::ReturnKind;

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
    /// Fetch vendor data (Cboe, FRED, Binance, Deribit, DefiLlama) into the store through the
    /// importer: incremental, cached, one transaction.
    Fetch(FetchArgs),
    /// List the series in the store, or show one.
    Series(SeriesArgs),
    /// Write an aligned panel of returns (or levels) to CSV.
    Export(ExportArgs),
    /// Basis risk of a target against a hedge: correlation, betas, hedge ratio, effectiveness,
    /// overall and by regime, with bootstrap intervals and correlation-breakdown tests.
    Basis(BasisArgs),
    /// Lead-lag ("time-shifted") relation: the cross-correlation function and the Dimson beta.
    Lags(LagsArgs),
    /// Rolling-window correlation of a target and a hedge with its Fisher-z band, and the
    /// rolling beta: one row per window.
    Rolling(RollingArgs),
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
    Backtest(BacktestArgs),
    /// The whole pipeline as one self-contained HTML report plus the JSON behind it.
    Report(ReportArgs),
    /// Price options, spreads, condors, the VIX futures curve, perpetuals and LP positions.
    Price(PriceArgs),
    /// Size every layer of a hedge book from the measured regime hedge ratios and the
    /// decorrelation factor under its premium budget: positions, premium, greeks, cover.
    Hedge(HedgeArgs),
    /// Regime-switching Monte Carlo stress test of a hedge book (or an episode replay or a user
    /// shock): hedged and unhedged VaR/ES, cover probabilities, 1-in-20 slippage.
    Stress(StressArgs),
    /// The hedge tournament: every candidate (VIX, SPX, vol ETP, BTC options, short perp on a
    /// solvent and a failed venue, short spot, the book) sized to the same cost, through
    /// history and the Monte Carlo on the same paths; ranked, with the frontier and the mix.
    Tournament(TournamentArgs),
    /// Check the method's quantitative claims (correlations, decorrelation factor, 1-in-20
    /// slippage, the Terra and FTX moves) on the store: measured value, interval, verdict.
    Claims(ClaimsArgs),
    /// The local dashboard and its JSON API (`/api/v1`, every job above) on loopback, until
    /// Ctrl-C.
    Serve(ServeArgs),
}

/// `crosshedge regimes`.
#[derive(Debug, Args)]
pub struct RegimesArgs {
    /// The VIX (or other) series for bands and univariate models.
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().series)]
    pub series: String,
    /// bands, markov2, markov3 (switching mean and variance of log changes) or bivariate
    /// (2 states on --target/--hedge returns with switching correlation).
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().model)]
    pub model: crosshedge_app::regimes::RegimeModel,
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
    #[arg(long, value_parser = date)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub to: Option<NaiveDate>,
    /// `--model bands`: calm below this close (the series' units; VIX index points by default).
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().calm_below)]
    pub calm_below: f64,
    /// `--model bands`: stress above this close.
    #[arg(long, default_value_t = crosshedge_app::regimes::RegimesRequest::default().stress_above)]
    pub stress_above: f64,
}

/// `crosshedge dcc`.
#[derive(Debug, Args)]
pub struct DccArgs {
    /// Target, hedge, alignment and sample.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Innovations of the GARCH margins: normal or t.
    #[arg(long, default_value_t = crosshedge_app::dcc::DccRequest::default().dist)]
    pub dist: crosshedge_app::dcc::DccDist,
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
    #[arg(long, value_parser = date)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub to: Option<NaiveDate>,
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
    #[arg(long, default_value_t = crosshedge_app::pair::PairRequest::default().align)]
    pub align: AlignPolicy,
    /// Return kind: log, simple, points (rates always use points).
    #[arg(long, default_value_t = crosshedge_app::pair::PairRequest::default().returns)]
    pub returns: ReturnKind,
    /// Return kind of the hedge when it differs (e.g. points for the VIX).
    #[arg(long)]
    pub hedge_returns: Option<ReturnKind>,
    /// First date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub to: Option<NaiveDate>,
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
            align: self.align,
            returns: self.returns,
            hedge_returns: self.hedge_returns,
            from: self.from,
            to: self.to,
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
    #[arg(long, default_value_t = crosshedge_app::basis::BasisRequest::default().regimes)]
    pub regimes: crosshedge_app::labeling::RegimeSource,
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

/// `crosshedge rolling`.
#[derive(Debug, Args)]
pub struct RollingArgs {
    /// Target, hedge, alignment and sample.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Window length in aligned rows (at least 4).
    #[arg(long, default_value_t = crosshedge_app::rolling::RollingRequest::default().window)]
    pub window: usize,
    /// Confidence level of the band (0.95 = 95 %).
    #[arg(long, default_value_t = crosshedge_app::rolling::RollingRequest::default().level)]
    pub level: f64,
    /// Print only every Nth window in the human table (the JSON always has every window).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u64).range(1..))]
    pub every: u64,
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
    /// Output directory for the demo store, its CSV files and reports. The demo store is
    /// always OUT/crosshedge.db: a global --store naming another path is refused.
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
    /// Replace an existing OUT/crosshedge.db (without it, an existing store is left alone and
    /// demo exits 2).
    #[arg(long)]
    pub force: bool,
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
    /// A chrono date format such as %m/%d/%Y (detected when absent; slash dates where no day
    /// exceeds 12 are ambiguous and need it: %d/%m/%Y or %m/%d/%Y).
    #[arg(long)]
    pub date_format: Option<String>,
    /// Multiply every imported value by this factor, e.g. 0.01 for FRED-style percent rates
    /// into decimals (finite, non-zero; recorded with the import).
    #[arg(long, allow_negative_numbers = true)]
    pub scale: Option<f64>,
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
    /// Read FILE in a vendor's raw format as downloaded: cboe, yahoo, fred, binance-klines,
    /// deribit-dvol (--series then names the normalised columns: close, adj_close, the FRED id).
    #[arg(long, conflicts_with_all = ["futures", "manifest"])]
    pub format: Option<crosshedge_fetch::vendor::VendorFormat>,
}

/// `crosshedge fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// What to fetch: `SOURCE:SYMBOL[=NAME]` (sources: cboe, cboe-vx, fred, binance,
    /// binance-funding, deribit-dvol, deribit-options, defillama-tvl, defillama-stablecoin,
    /// defillama-stablecoin-supply) or a preset (vix, vvix, vx, btc, eth, funding-btc,
    /// dvol-btc, iv30-btc, tvl, usdc, t3m, ...).
    #[arg(required_unless_present = "manifest")]
    pub specs: Vec<String>,
    /// First date (default: from the last stored date minus a 7-day overlap re-checked for
    /// revisions, or the start of the vendor's history).
    #[arg(long, value_parser = date)]
    pub from: Option<NaiveDate>,
    /// Last date (default: yesterday, UTC).
    #[arg(long, value_parser = date)]
    pub to: Option<NaiveDate>,
    /// The raw response cache (default: `.crosshedge-cache` beside the store).
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Serve every response from the cache; make no request.
    #[arg(long)]
    pub offline: bool,
    /// Replace a vendor's scheme and host: SOURCE=URL (CBOE, FRED, BINANCE, BINANCE_FUTURES,
    /// DERIBIT, DEFILLAMA, DEFILLAMA_STABLECOINS), repeatable; else
    /// `CROSSHEDGE_BASE_URL_<SOURCE>`, else the vendor's.
    #[arg(long)]
    pub base_url: Vec<String>,
    /// A TOML file `specs = ["vix", "btc", ...]` fetched too.
    #[arg(long)]
    pub manifest: Option<PathBuf>,
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
        #[arg(long, value_parser = date)]
        from: Option<NaiveDate>,
        /// Last date (YYYY-MM-DD).
        #[arg(long, value_parser = date)]
        to: Option<NaiveDate>,
    },
    /// List the imports recorded in the store (file, SHA-256, rows, time).
    Imports,
    /// List every stored revision of one series' values, with the import of each.
    Revisions {
        /// The series name.
        name: String,
        /// Only this date (YYYY-MM-DD).
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
    },
}

/// `crosshedge export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Series to export.
    #[arg(required = true)]
    pub names: Vec<String>,
    /// Alignment policy: us-close, weekly, crypto-days.
    #[arg(long, default_value_t = crosshedge_app::export::ExportRequest::default().align)]
    pub align: AlignPolicy,
    /// Return kind for prices and index levels: log, simple, points (rates always use points).
    #[arg(long, default_value_t = crosshedge_app::export::ExportRequest::default().returns)]
    pub returns: ReturnKind,
    /// Export aligned levels instead of returns.
    #[arg(long)]
    pub levels: bool,
    /// First date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub to: Option<NaiveDate>,
    /// The CSV file to write (atomically). Never the store or another SQLite file.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite an existing --out file (without it, an existing file is left alone and export
    /// exits 2).
    #[arg(long)]
    pub force: bool,
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

// `crosshedge hedge` and `crosshedge stress`.

/// What `hedge` and `stress` measure in the store.
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// The hedge book (TOML); `default` for the built-in adaptive layered VIX hedge.
    #[arg(long, default_value = "default")]
    pub book: BookSource,
    /// VIX series (bands, hedge ratios, AR(1) of log VIX).
    #[arg(long, default_value = "vix")]
    pub vix: String,
    /// SPX series.
    #[arg(long, default_value = "spx")]
    pub spx: String,
    /// BTC, ETH and NFT index series, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "btc,eth,nft")]
    pub crypto: Vec<String>,
    /// Calm band: VIX below this.
    #[arg(long, default_value_t = 15.0)]
    pub calm_below: f64,
    /// Stress band: VIX above this.
    #[arg(long, default_value_t = 25.0)]
    pub stress_above: f64,
    /// Black-76 implied vol of VIX options (decimal); default: the last VVIX/100 in the store
    /// (at most 7 days before the last VIX close), else 0.9.
    #[arg(long)]
    pub vol_of_vol: Option<f64>,
    /// Risk-free rate (decimal, continuously compounded).
    #[arg(long, default_value_t = 0.04)]
    pub rate: f64,
    /// Perp funding per year received by shorts (decimal).
    #[arg(long, default_value_t = 0.08)]
    pub funding: f64,
    /// Signals that are on (for `signal` triggers); repeatable.
    #[arg(long = "signal")]
    pub signals: Vec<String>,
    /// Horizon of the regime-typical moves in trading days.
    #[arg(long, default_value_t = 21)]
    pub move_days: usize,
    /// The as-of date (YYYY-MM-DD): the measured window ends there and every start value
    /// (VIX, SPX, VVIX, the band) is that day's close; default: the last date VIX, SPX and
    /// the crypto series all share (the last common NYSE day on or before it when given).
    #[arg(long, value_parser = date)]
    pub as_of: Option<NaiveDate>,
    /// The store series of BTC options' implied vol, in vol points (e.g. `dvol`, Deribit's
    /// DVOL or the demo's index), for books with crypto option layers; without one, realised
    /// 30-day vol × --iv-ratio, with a warning.
    #[arg(long)]
    pub crypto_vol: Option<String>,
    /// Put-skew slope of crypto options: sigma(K) = sigma_ATM + skew · ln(F/K).
    #[arg(long, default_value_t = crosshedge_app::crypto_vol::CryptoVolSettings::default().skew)]
    pub skew: f64,
    /// Implied/realised vol ratio of the realised-vol fallback.
    #[arg(long, default_value_t = crosshedge_app::crypto_vol::CryptoVolSettings::default().iv_ratio)]
    pub iv_ratio: f64,
}

/// `crosshedge tournament`.
#[derive(Debug, Args)]
pub struct TournamentArgs {
    /// Store series, rates, crypto vol; `--book` is the `book` candidate.
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// The target: btc, eth or nft.
    #[arg(long, default_value = "btc")]
    pub target: String,
    /// Several targets, comma-separated, each its own tournament (overrides --target).
    #[arg(long, value_delimiter = ',')]
    pub targets: Vec<String>,
    /// The cost every candidate is sized to (decimal of the notional a year; 0.04 = 4 %).
    #[arg(long, default_value_t = crosshedge_app::tournament::TournamentRequest::default().budget)]
    pub budget: f64,
    /// Candidates, comma-separated, or `all`.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub candidates: Vec<String>,
    /// Catalogue episodes, comma-separated, or `all`.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub episodes: Vec<String>,
    /// An episode catalogue (TOML) added to the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Monte Carlo paths.
    #[arg(long, default_value_t = crosshedge_app::tournament::TournamentRequest::default().paths)]
    pub paths: u64,
    /// Stress horizon in trading days.
    #[arg(long, default_value_t = crosshedge_app::tournament::TournamentRequest::default().horizon)]
    pub horizon: usize,
    /// Seed of the Monte Carlo and the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); the result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Bootstrap resamples per episode band.
    #[arg(long, default_value_t = crosshedge_app::tournament::TournamentRequest::default().bootstrap_reps)]
    pub bootstrap_reps: usize,
    /// Budget points of the frontier (0 and the maximum included).
    #[arg(long, default_value_t = crosshedge_app::tournament::TournamentRequest::default().frontier_points)]
    pub frontier_points: usize,
    /// The frontier's largest budget (decimal a year; default 3 × --budget).
    #[arg(long)]
    pub frontier_max_budget: Option<f64>,
    /// USD value of the target held.
    #[arg(long, default_value_t = crosshedge_app::tournament::TournamentRequest::default().notional)]
    pub notional: f64,
    /// The venue that failed (an episode's venue-default) for short-perp-failed-venue.
    #[arg(long, default_value = "ftx")]
    pub failed_venue: String,
}

/// `crosshedge hedge`.
#[derive(Debug, Args)]
pub struct HedgeArgs {
    /// Book and measurement settings.
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// A `YYYY-MM-DD` flag value.
fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("'{s}' is not a date YYYY-MM-DD"))
}

/// `crosshedge claims`.
#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// Targets of the per-target claims, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = crosshedge_app::claims::ClaimsRequest::default().targets)]
    pub targets: Vec<String>,
    /// The hedge series the correlations and the decorrelation factor are measured against.
    #[arg(long, default_value_t = crosshedge_app::claims::ClaimsRequest::default().hedge)]
    pub hedge: String,
    /// Alignment policy: us-close (default), weekly, crypto-days.
    #[arg(long, default_value_t = crosshedge_app::claims::ClaimsRequest::default().align)]
    pub align: AlignPolicy,
    /// The VIX series behind the vix-bands regimes.
    #[arg(long, default_value_t = crosshedge_app::claims::ClaimsRequest::default().vix)]
    pub vix: String,
    /// A TOML claims file added to the built-in claims (a claim with a built-in id replaces it).
    #[arg(long)]
    pub claims: Option<PathBuf>,
    /// Check only the --claims file, not the built-in claims.
    #[arg(long, requires = "claims")]
    pub no_builtin_claims: bool,
    /// A TOML catalogue of episodes added to the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Use only the --catalogue file, not the built-in catalogue of real episodes.
    #[arg(long, requires = "catalogue")]
    pub no_builtin: bool,
    /// Stationary-bootstrap resamples per interval.
    #[arg(long, default_value_t = crosshedge_app::claims::ClaimsRequest::default().bootstrap)]
    pub bootstrap: usize,
    /// Seed of the bootstrap and of the stress paths.
    #[arg(long, default_value_t = crosshedge_app::claims::ClaimsRequest::default().seed)]
    pub seed: u64,
    /// Monte Carlo paths of the stress claim.
    #[arg(long, default_value_t = crosshedge_app::claims::ClaimsRequest::default().paths)]
    pub paths: u64,
}

/// `crosshedge stress`.
#[derive(Debug, Args)]
pub struct StressArgs {
    /// Book and measurement settings.
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Number of Monte Carlo paths.
    #[arg(long, default_value_t = 100_000)]
    pub paths: u64,
    /// Horizon in trading days.
    #[arg(long, default_value_t = 21)]
    pub horizon: usize,
    /// A named episode of the built-in catalogue (block-bootstrap replay), a shock such as
    /// "VIX +60%, NFT -70% over 10 days", or a file holding such a shock.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores; at most 256); the result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// The joint model: fit (to the store, default) or demo (the demo calibration).
    #[arg(long, default_value = "fit")]
    pub model: StressModel,
    /// Mean block length (days) of the episode replay.
    #[arg(long, default_value_t = 5.0)]
    pub block_len: f64,
    /// Drift of SPX and the crypto assets in the model: `zero` (default: zero expected return,
    /// daily mean log return −ln E[e^{σz}] per regime, exact for the capped Student-t shocks,
    /// the short-horizon risk convention) or `fitted`
    /// (the sample's per-regime means).
    #[arg(long, default_value = "zero")]
    pub drift: Drift,
}

// `crosshedge backtest` command-line definitions (clap): the hedge book run daily through the
// store's history, net of costs. Defaults come from [`BacktestRequest::default`].

/// `crosshedge backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Book and measurement settings (as for `hedge`).
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// VIX futures settlements (`date,expiry,settle`); default: the store's `vx` futures
    /// (imported with `import --futures vx` or a manifest), else `data/vix_futures_contracts.csv`
    /// beside the store, else `vix_futures_contracts_daily.csv` in --data-dir.
    #[arg(long)]
    pub contracts: Option<PathBuf>,
    /// Commission per exchange contract (USD).
    #[arg(long, default_value_t = BacktestRequest::default().commission)]
    pub commission: f64,
    /// Slippage in basis points of each trade's price.
    #[arg(long, default_value_t = BacktestRequest::default().slippage_bps)]
    pub slippage_bps: f64,
    /// Gas per on-chain action (USD).
    #[arg(long, default_value_t = BacktestRequest::default().gas)]
    pub gas: f64,
    /// Commission on vol-ETP trades in basis points of the traded notional (a $0.005
    /// per-share fee on a $25 share is 2 bps).
    #[arg(long, default_value_t = BacktestRequest::default().etp_commission_bps)]
    pub etp_commission_bps: f64,
    /// Do not move rolls ahead of FOMC/CPI/PPI dates (overrides the book's `[rolls]`).
    #[arg(long)]
    pub no_event_rolls: bool,
    /// Include the cash flows and daily checks in --json.
    #[arg(long)]
    pub full: bool,
    /// A TOML catalogue of episodes added to the built-in one (protection per episode).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Use only the --catalogue file, not the built-in catalogue.
    #[arg(long, requires = "catalogue")]
    pub no_builtin: bool,
    /// How the book's exposures are held and financed.
    #[command(flatten)]
    pub exposure: ExposureArgs,
}

/// The exposure policy of `backtest` (each flag overrides the book's field of the same name).
#[derive(Debug, Clone, Default, Args)]
pub struct ExposureArgs {
    /// `constant-mix` (traded back to the starting weights every --rebalance-days market days)
    /// or `buy-and-hold`; default: the book's `rebalance`, else constant-mix.
    #[arg(long, value_parser = ["constant-mix", "buy-and-hold"])]
    pub rebalance: Option<String>,
    /// Market days between constant-mix rebalances; default: the book's `rebalance-days`,
    /// else 21.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub rebalance_days: Option<u32>,
    /// Interest rate of the cash account (decimal a year, continuously compounded); default:
    /// the book's `cash-rate`, else --rate.
    #[arg(long)]
    pub cash_rate: Option<f64>,
    /// Fee income of AMM LP exposures (fraction of value a year, while in range); default:
    /// the book's `lp-fee-apr`, else 0.23.
    #[arg(long)]
    pub lp_fee_apr: Option<f64>,
}

// `crosshedge price` command-line definitions (clap): options (Black–Scholes, Black-76, VIX
// options on the VIX future), vertical spreads and iron condors, the VIX futures curve on a
// date, perpetual futures, AMM liquidity positions and a put-call parity scan of a chain.
//
// Every subcommand prints a compact table, or every number as JSON with `--json`. JSON holds
// decimals (0.25 = 25 %); keys name the unit where a raw number leaves a newtype (`_ann` per
// year, `_days` calendar days, `vega_per_vol_point`, `theta_per_day`). Bad flags exit 2 with one
// line; analysis failures (e.g. no implied volatility reproduces a price) exit 1.

/// `crosshedge price`.
#[derive(Debug, Args)]
pub struct PriceArgs {
    /// What to price.
    #[command(subcommand)]
    pub what: PriceCommand,
}

/// The `price` subcommands.
#[derive(Debug, Subcommand)]
pub enum PriceCommand {
    /// One option: price and greeks (true derivatives plus vega per vol point and theta per
    /// day), or the implied volatility of a price. `--vix` prices a VIX option on the VIX future
    /// of its expiry.
    Option(OptionArgs),
    /// A vertical call or put spread: legs, net premium, payoff at expiry, break-evens, max
    /// gain/loss and the carry-adjusted break-even.
    Spread(SpreadArgs),
    /// A short iron condor on four strikes (long put K1, short put K2, short call K3, long call
    /// K4): the same analysis as `spread`.
    Condor(CondorArgs),
    /// The VIX futures curve on a date: contracts, 30-day constant maturity, roll yield, slope,
    /// contango or backwardation.
    VixCurve(CurveArgs),
    /// An isolated-margin perpetual future: liquidation price, margin, P&L at mark, funding.
    Perp(PerpArgs),
    /// A Uniswap v2 (constant product) or v3 (concentrated range) LP position: amounts, value,
    /// delta/gamma, impermanent loss, LVR and the break-even fee APR.
    Lp(LpArgs),
    /// Put-call parity over an option chain CSV: conversion/reversal violations net of costs.
    Parity(ParityArgs),
}

/// Time to expiry: calendar days, or an expiry and a valuation date.
#[derive(Debug, Args, Clone)]
pub struct ExpiryArgs {
    /// Calendar days to expiry (Actual/365; fractions allowed).
    #[arg(long, allow_negative_numbers = true, conflicts_with_all = ["expiry", "as_of"])]
    pub expiry_days: Option<f64>,
    /// Expiry date YYYY-MM-DD (with --as-of).
    #[arg(long, requires = "as_of")]
    pub expiry: Option<String>,
    /// Valuation date YYYY-MM-DD (with --expiry).
    #[arg(long, requires = "expiry")]
    pub as_of: Option<String>,
}

impl ExpiryArgs {
    /// The request of the flags: the dates parsed (only when no `--expiry-days` is given),
    /// every value checked by the job.
    ///
    /// # Errors
    /// An input error naming the flag when a date is not `YYYY-MM-DD`.
    pub fn request(&self) -> Result<ExpiryRequest, AppError> {
        let date = |flag: &str, v: &Option<String>| match self.expiry_days {
            Some(_) => Ok(None),
            None => v.as_deref().map(|s| date_flag(flag, s)).transpose(),
        };
        Ok(ExpiryRequest {
            expiry_days: self.expiry_days,
            expiry: date("expiry", &self.expiry)?,
            as_of: date("as-of", &self.as_of)?,
        })
    }
}

/// `crosshedge price option`.
#[derive(Debug, Args)]
pub struct OptionArgs {
    /// bs (Black–Scholes on spot with a dividend yield) or black76 (on a forward/futures price);
    /// inferred from --spot / --forward when absent.
    #[arg(long)]
    pub model: Option<String>,
    /// call or put.
    #[arg(long)]
    pub kind: String,
    /// Spot price (Black–Scholes).
    #[arg(long, allow_negative_numbers = true)]
    pub spot: Option<f64>,
    /// Forward or futures price of the option's expiry (Black-76); `--future` is the same flag.
    #[arg(long, allow_negative_numbers = true, alias = "future")]
    pub forward: Option<f64>,
    /// Strike.
    #[arg(long, allow_negative_numbers = true)]
    pub strike: f64,
    /// Time to expiry.
    #[command(flatten)]
    pub expiry: ExpiryArgs,
    /// Annualised volatility, decimal (0.2 = 20 %); omit with --price.
    #[arg(
        long,
        allow_negative_numbers = true,
        required_unless_present = "price",
        conflicts_with = "price"
    )]
    pub vol: Option<f64>,
    /// Option price: solve for the implied volatility instead of pricing.
    #[arg(long, allow_negative_numbers = true)]
    pub price: Option<f64>,
    /// Continuously compounded risk-free rate, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub rate: f64,
    /// Continuous dividend yield, decimal (Black–Scholes only).
    #[arg(long, allow_negative_numbers = true)]
    pub div_yield: Option<f64>,
    /// A VIX option: Black-76 on the VIX future of the same expiry (never on spot VIX).
    #[arg(long)]
    pub vix: bool,
    /// With --vix, --expiry and --as-of but no --future: the futures settlement file to take
    /// the future of the option's expiry from (settle on the --as-of date)
    /// [default: vix_futures_contracts_daily.csv in the data directory].
    #[arg(long)]
    pub contracts: Option<PathBuf>,
    /// An inverse (coin-settled) crypto option on the Deribit convention: Black-76 on the USD
    /// --forward, the coin premium `price_coin` (USD value / (D·F), = / F at --rate 0) printed
    /// beside the USD value; --price is then the coin premium.
    #[arg(long, conflicts_with_all = ["vix", "spot"])]
    pub inverse: bool,
}

/// The market every leg is priced in: Black–Scholes on --spot or Black-76 on --forward.
#[derive(Debug, Args)]
pub struct LegMarketArgs {
    /// Spot price (Black–Scholes with --div-yield).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "forward")]
    pub spot: Option<f64>,
    /// Forward or futures price of the expiry (Black-76; VIX structures on the VIX future);
    /// `--future` is the same flag.
    #[arg(long, allow_negative_numbers = true, alias = "future")]
    pub forward: Option<f64>,
    /// Continuous dividend yield, decimal (with --spot).
    #[arg(long, allow_negative_numbers = true, requires = "spot")]
    pub div_yield: Option<f64>,
    /// Annualised volatility of every leg, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub vol: f64,
    /// Continuously compounded risk-free rate, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub rate: f64,
    /// Time to expiry.
    #[command(flatten)]
    pub expiry: ExpiryArgs,
}

/// Financing of the held structure and the inventory it hedges.
#[derive(Debug, Args)]
pub struct CarryArgs {
    /// Financing rate (continuously compounded, decimal) for the carry-adjusted break-even.
    #[arg(long, allow_negative_numbers = true)]
    pub carry_rate: Option<f64>,
    /// Value of other financed inventory the structure hedges (its own P&L not modelled): its
    /// financing is reported beside the carry-adjusted break-even, not in it.
    #[arg(long, allow_negative_numbers = true, requires = "carry_rate")]
    pub inventory_value: Option<f64>,
    /// Units of the same underlying held alongside, bought at the current spot/forward.
    #[arg(long, requires = "carry_rate", allow_negative_numbers = true)]
    pub inventory_qty: Option<f64>,
}

/// `crosshedge price spread`.
#[derive(Debug, Args)]
pub struct SpreadArgs {
    /// call or put.
    #[arg(long)]
    pub kind: String,
    /// Strike of the long leg.
    #[arg(long, allow_negative_numbers = true)]
    pub long: f64,
    /// Strike of the short leg.
    #[arg(long, allow_negative_numbers = true)]
    pub short: f64,
    /// Number of spreads (> 0).
    #[arg(long, allow_negative_numbers = true, default_value_t = SpreadRequest::default().quantity)]
    pub quantity: f64,
    /// Market.
    #[command(flatten)]
    pub market: LegMarketArgs,
    /// Carry.
    #[command(flatten)]
    pub carry: CarryArgs,
}

/// `crosshedge price condor`.
#[derive(Debug, Args)]
pub struct CondorArgs {
    /// K1,K2,K3,K4 strictly increasing: long put K1, short put K2, short call K3, long call K4.
    #[arg(long, allow_negative_numbers = true, value_delimiter = ',', num_args = 1)]
    pub strikes: Vec<f64>,
    /// Number of condors; negative buys the condor (long iron condor).
    #[arg(long, default_value_t = CondorRequest::default().quantity, allow_negative_numbers = true)]
    pub quantity: f64,
    /// Market.
    #[command(flatten)]
    pub market: LegMarketArgs,
    /// Carry.
    #[command(flatten)]
    pub carry: CarryArgs,
}

/// `crosshedge price vix-curve`.
#[derive(Debug, Args)]
pub struct CurveArgs {
    /// The curve date YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// A CSV with at least date, expiry, settle columns (one row per contract and day)
    /// [default: vix_futures_contracts_daily.csv in the data directory].
    #[arg(long)]
    pub contracts: Option<PathBuf>,
}

/// `crosshedge price perp`.
#[derive(Debug, Args)]
pub struct PerpArgs {
    /// long or short.
    #[arg(long)]
    pub side: String,
    /// Quantity: base units (linear) or USD face value (inverse).
    #[arg(long, allow_negative_numbers = true)]
    pub qty: f64,
    /// Entry price (quote per base).
    #[arg(long, allow_negative_numbers = true)]
    pub entry: f64,
    /// Leverage: initial isolated margin = entry value / leverage.
    #[arg(long, allow_negative_numbers = true)]
    pub leverage: f64,
    /// linear (USDT-margined) or inverse (coin-margined).
    #[arg(long, default_value = "linear")]
    pub kind: String,
    /// Maintenance margin rate, decimal (Binance BTCUSDT tier 1: 0.004).
    #[arg(long, allow_negative_numbers = true, default_value_t = PerpRequest::default().mmr)]
    pub mmr: f64,
    /// Tier maintenance amount (Binance `cum`), margin currency.
    #[arg(long, allow_negative_numbers = true, default_value_t = PerpRequest::default().maint_amount)]
    pub maint_amount: f64,
    /// Closing fee rate reserved in the maintenance requirement (Bybit style), decimal.
    #[arg(long, allow_negative_numbers = true, default_value_t = PerpRequest::default().close_fee)]
    pub close_fee: f64,
    /// Funding rate per settlement interval, decimal (0.0001 = 1 bp; positive: longs pay).
    #[arg(long, allow_negative_numbers = true)]
    pub funding: Option<f64>,
    /// Hours between funding settlements.
    #[arg(long, allow_negative_numbers = true, default_value_t = PerpRequest::default().interval_hours)]
    pub interval_hours: f64,
    /// Mark price for the P&L and funding (default: the entry price).
    #[arg(long, allow_negative_numbers = true)]
    pub mark: Option<f64>,
}

/// `crosshedge price lp`.
#[derive(Debug, Args)]
pub struct LpArgs {
    /// v2 (constant product) or v3 (concentrated range, with --lower and --upper).
    #[arg(long)]
    pub model: String,
    /// Current price P = y/x (token y per token x, e.g. USDC per ETH).
    #[arg(long, allow_negative_numbers = true)]
    pub price: f64,
    /// Lower price bound of a v3 range.
    #[arg(long, allow_negative_numbers = true)]
    pub lower: Option<f64>,
    /// Upper price bound of a v3 range.
    #[arg(long, allow_negative_numbers = true)]
    pub upper: Option<f64>,
    /// Position value in units of y.
    #[arg(long, allow_negative_numbers = true)]
    pub value: f64,
    /// Annualised volatility of ln P, decimal, for LVR and the break-even.
    #[arg(long, allow_negative_numbers = true)]
    pub vol: Option<f64>,
    /// Fee APR the position earns, decimal.
    #[arg(long, allow_negative_numbers = true, default_value_t = LpRequest::default().fee_apr)]
    pub fee_apr: f64,
    /// Hedge and other running costs per year, fraction of value.
    #[arg(long, default_value_t = LpRequest::default().hedge_cost, allow_negative_numbers = true)]
    pub hedge_cost: f64,
    /// Relative price move for the impermanent loss (0.5 = +50 %, -0.3 = -30 %); a table of
    /// moves when absent.
    #[arg(long, allow_negative_numbers = true)]
    pub r#move: Option<f64>,
    /// Horizon of --move in days: adds the unhedged break-even fee APR of that scenario.
    #[arg(long, allow_negative_numbers = true, requires = "move")]
    pub horizon_days: Option<f64>,
}

/// `crosshedge price parity`.
#[derive(Debug, Args)]
pub struct ParityArgs {
    /// Chain CSV with columns strike, expiry, call_bid, call_ask, put_bid, put_ask.
    #[arg(long)]
    pub chain: PathBuf,
    /// Spot price (both sides; see --spot-bid/--spot-ask).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "future")]
    pub spot: Option<f64>,
    /// Spot bid (with --spot-ask, instead of --spot).
    #[arg(long, allow_negative_numbers = true, requires = "spot_ask", conflicts_with_all = ["spot", "future"])]
    pub spot_bid: Option<f64>,
    /// Spot ask.
    #[arg(long, allow_negative_numbers = true, requires = "spot_bid")]
    pub spot_ask: Option<f64>,
    /// Futures price of the chain's expiry (options on a future, e.g. VIX), instead of spot.
    #[arg(long, allow_negative_numbers = true)]
    pub future: Option<f64>,
    /// Continuously compounded rate for both borrowing and lending, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub rate: f64,
    /// Borrowing rate of a conversion when it differs from --rate.
    #[arg(long, allow_negative_numbers = true)]
    pub borrow_rate: Option<f64>,
    /// Lending rate of a reversal when it differs from --rate.
    #[arg(long, allow_negative_numbers = true)]
    pub lend_rate: Option<f64>,
    /// Continuous dividend yield, decimal (spot underlyings).
    #[arg(long, allow_negative_numbers = true, default_value_t = ParityRequest::default().div_yield)]
    pub div_yield: f64,
    /// Valuation date YYYY-MM-DD.
    #[arg(long, conflicts_with = "expiry_days")]
    pub as_of: Option<String>,
    /// Days to expiry (a chain with a single expiry; sets the valuation date that many days
    /// before it).
    #[arg(long, allow_negative_numbers = true)]
    pub expiry_days: Option<i64>,
    /// Commission per leg per unit (three legs per trade).
    #[arg(long, allow_negative_numbers = true, default_value_t = ParityRequest::default().commission)]
    pub commission: f64,
}

/// `crosshedge serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port (0: any free port; the startup line names it).
    #[arg(long, default_value_t = 8050)]
    pub port: u16,
    /// The address to bind: loopback by default; any other address needs --token.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// A secret every request must send as `Authorization: Bearer <token>`.
    #[arg(long)]
    pub token: Option<String>,
    /// Open the dashboard in the default browser (best effort).
    #[arg(long)]
    pub open: bool,
}
