//! `crosshedge price` command-line definitions (clap): options (Black–Scholes, Black-76, VIX
//! options on the VIX future), vertical spreads and iron condors, the VIX futures curve on a
//! date, perpetual futures, AMM liquidity positions and a put-call parity scan of a chain.
//!
//! Every subcommand prints a compact table, or every number as JSON with `--json`. JSON holds
//! decimals (0.25 = 25 %); keys name the unit where a raw number leaves a newtype (`_ann` per
//! year, `_days` calendar days, `vega_per_vol_point`, `theta_per_day`). Bad flags exit 2 with one
//! line; analysis failures (e.g. no implied volatility reproduces a price) exit 1.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use crosshedge_app::price::lp::LpRequest;
use crosshedge_app::price::parity::ParityRequest;
use crosshedge_app::price::perp::PerpRequest;
use crosshedge_app::price::structure::{CondorRequest, SpreadRequest};
use crosshedge_app::price::{date_flag, ExpiryRequest};
use crosshedge_app::AppError;

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
