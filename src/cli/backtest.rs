//! `crosshedge backtest` command-line definitions (clap): the hedge book run daily through the
//! store's history, net of costs. Defaults come from [`BacktestRequest::default`].

use std::path::PathBuf;

use clap::Args;
use crosshedge_app::backtest::BacktestRequest;

use crate::cmd::hedge::MeasureArgs;

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
