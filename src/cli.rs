//! Command-line definitions (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Measure how much of a VIX/SPX hedge of crypto, NFT and DeFi exposure is really there.
#[derive(Debug, Parser)]
#[command(name = "crosshedge", version, about, long_about = None)]
pub struct Cli {
    /// The embedded store (SQLite file).
    #[arg(long, global = true, default_value = "crosshedge.db", env = "CROSSHEDGE_STORE")]
    pub store: PathBuf,
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
}

/// `crosshedge demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output directory for the demo store, its CSV files and reports.
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
    /// Random seed of the demo market.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// `crosshedge import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file to import (omit with --manifest).
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    pub file: Option<PathBuf>,
    /// Series to create: NAME=COLUMN[,NAME=COLUMN...].
    #[arg(long, value_delimiter = ',', required_unless_present = "manifest")]
    pub series: Vec<String>,
    /// Calendar of the series: `us` (NYSE/CFE trading days) or `crypto` (every day).
    #[arg(long, default_value = "us")]
    pub calendar: String,
    /// Unit of the series: price, index-level, rate, count, ratio.
    #[arg(long, default_value = "price")]
    pub unit: String,
    /// The date column (default `date`, else the first column).
    #[arg(long)]
    pub date_column: Option<String>,
    /// A chrono date format such as %m/%d/%Y (detected when absent).
    #[arg(long)]
    pub date_format: Option<String>,
    /// When a value differs from the stored one: keep (stored stays current), replace, fail.
    #[arg(long, default_value = "keep")]
    pub on_conflict: String,
    /// Import every file of a TOML manifest instead of one file.
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
    #[arg(long, default_value = "us-close")]
    pub align: String,
    /// Return kind for prices and index levels: log, simple, points (rates always use points).
    #[arg(long, default_value = "log")]
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
