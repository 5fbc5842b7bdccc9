//! DeFi instrument models for crosshedge: perpetual futures, Uniswap v2/v3 liquidity, LVR and
//! LP break-even.
//!
//! # Brief overview
//! - [`perp`]: [`PerpPosition`] (linear or inverse, isolated margin) with
//!   [`PerpPosition::liquidation_price`], [`funding_payment`], [`FundingRate`] (rate per
//!   settlement interval, interval carried explicitly) and [`simulate_path`] for funding,
//!   unrealised P&L, equity, margin ratio and liquidation along a path.
//! - [`v2`]: [`ConstantProductPool`] (swaps with fees), [`ConstantProductPosition`] and
//!   [`impermanent_loss_v2`].
//! - [`v3`]: [`ConcentratedPosition`] (amounts, value, delta/gamma, liquidity from amounts,
//!   impermanent loss) and [`ConcentratedPool`] (swaps within one range).
//! - [`tick`]: exact `TickMath` ([`sqrt_ratio_at_tick`], [`tick_at_sqrt_ratio`]) and `f64`
//!   tick/price/`sqrtPriceX96` conversions with token decimals.
//! - [`fees`]: fee income from `feeGrowthGlobal{0,1}X128` (or `feeGrowthInside`, see
//!   [`fee_growth_inside`]) deltas ([`fee_income`]).
//! - [`lvr`]: loss-versus-rebalancing, `σ²/8` of value for constant product and
//!   `(σ²/4) L sqrt(P)` in range for concentrated liquidity.
//! - [`options_amm`]: [`OptionsAmmBook`], an options-AMM LP position as a short option book
//!   (NAV, aggregated greeks, break-even realised volatility), priced with `crosshedge-pricing`.
//! - [`breakeven`]: [`lp_break_even`], the fee APR an LP needs after LVR, IL and hedge cost.
//! - [`U256`]: the minimal 256-bit integer used for exact on-chain quantities.
//!
//! Prices in the AMM modules are `P = y / x` (token1 per token0); values are in units of y.
//! Rates are decimals (0.01 = 1 %), never percent.
//!
//! # Example
//! ```
//! use crosshedge_defi::{
//!     impermanent_loss_v2, lvr_rate_constant_product, ConcentratedPosition, ContractKind,
//!     MarginParams, PerpPosition, Side,
//! };
//!
//! // A 10x long BTC perp at 50,000 with a 0.4 % maintenance margin rate.
//! let pos = PerpPosition::with_leverage(ContractKind::Linear, Side::Long, 1.0, 50_000.0, 10.0)?;
//! let liq = pos.liquidation_price(&MarginParams::new(0.004, 0.0, 0.0)?)?;
//! assert!((liq - 45_000.0 / 0.996).abs() < 1e-9);
//!
//! // Impermanent loss of a constant-product LP when the price quadruples: -20 %.
//! assert!((impermanent_loss_v2(1.0, 4.0)? + 0.2).abs() < 1e-15);
//! // LVR at 80 % volatility: 8 % of pool value per year.
//! assert!((lvr_rate_constant_product(0.8)? - 0.08).abs() < 1e-15);
//!
//! // A Uniswap v3 range position: token amounts at the current price.
//! let lp = ConcentratedPosition::new(1_000.0, 1.0, 4.0)?;
//! let amounts = lp.amounts_at_sqrt_price(1.5);
//! assert!((amounts.y - 500.0).abs() < 1e-12);
//! # Ok::<(), crosshedge_defi::DefiError>(())
//! ```

pub mod breakeven;
mod error;
pub mod fees;
pub mod lvr;
pub mod options_amm;
pub mod perp;
pub mod tick;
mod u256;
pub mod v2;
pub mod v3;

pub use breakeven::{lp_break_even, BreakEvenInputs, BreakEvenResult, LpShape, PriceScenario};
pub use crosshedge_pricing::OptionKind;
pub use error::DefiError;
pub use fees::{
    fee_growth_inside, fee_income, implied_in_range_liquidity, FeeGrowth, FeeIncome,
    TickFeeGrowthOutside, TokenDecimals,
};
pub use lvr::{
    lvr_concentrated, lvr_concentrated_rate, lvr_constant_product, lvr_rate_constant_product,
    LvrResult,
};
pub use options_amm::{
    BookGreeks, LegValuation, OptionsAmmBook, OptionsAmmValuation, ShortOptionLeg, UnderlyingQuote,
};
pub use perp::{
    annualized_funding_carry, funding_payment, simulate_path, ContractKind, FundingRate,
    LiquidationEvent, MarginParams, PerpObservation, PerpPathPoint, PerpPathResult, PerpPosition,
    Side,
};
pub use tick::{
    price_at_tick, price_from_sqrt_price_x96, sqrt_price_x96_from_price, sqrt_ratio_at_tick,
    tick_at_price, tick_at_sqrt_ratio,
};
pub use u256::U256;
pub use v2::{
    impermanent_loss_v2, ConstantProductPool, ConstantProductPosition, LpValuation, SwapResult,
    TokenAmounts,
};
pub use v3::{ConcentratedPool, ConcentratedPosition};
