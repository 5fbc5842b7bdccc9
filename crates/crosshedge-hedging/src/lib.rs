//! The hedge book for crosshedge: exposures and hedge layers read from TOML, and the sizing of
//! every layer from measured regime-conditional hedge ratios and the decorrelation factor under
//! a premium budget (DESIGN.md §6).
//!
//! # Brief overview
//! - [`Book`] (parsed by [`Book::parse_toml`] with line/column errors; the built-in
//!   [`Book::default_layered`]): [`Exposure`]s (BTC/ETH spot, NFT inventory with carry, perps,
//!   AMM LP ranges) and [`Layer`]s ([`Instrument`], tenor, [`StrikeRule`], [`SizingRule`],
//!   [`Trigger`]) with a budget.
//! - [`size_book`] takes plain-number [`SizingInputs`] and returns a [`HedgePlan`]: positions per
//!   layer ([`LayerPosition`]), premium, expected cost per year, budget scale, greeks
//!   ([`PositionGreeks`], true derivatives) and the expected cover in the calm and stress moves
//!   ([`RegimeCover`]).
//! - [`frontier`]: the optimal mix of hedge candidates (minimum expected shortfall over
//!   simulated scenarios under a carry budget, the Rockafellar–Uryasev programme solved exactly)
//!   and the cost–protection frontier over a budget grid.
//! - Helpers shared with the simulation: [`lp_value`], [`lp_risky_share`], [`expected_vix`],
//!   [`interpolate_curve`].
//!
//! No I/O, clock or randomness.
//!
//! # Example
//! ```
//! use crosshedge_hedging::{size_book, Band, Book, CurvePoint, RegimeMoments, SizingInputs};
//! let book = Book::parse_toml(r#"
//!     name = "btc with vix futures"
//!     budget = 0.05
//!     [[exposure]]
//!     kind = "btc-spot"
//!     value = 1000000.0
//!     [[layer]]
//!     name = "futures"
//!     instrument = "vix-future"
//!     tenor-days = 60
//!     sizing = { rule = "hedge-ratio", regime = "stress", weight = 1.0 }
//! "#)?;
//! let inputs = SizingInputs {
//!     hedge_ratio_calm: -0.05, hedge_ratio_stress: -0.25, decorrelation_factor: 5.0,
//!     spx_hedge_ratio_calm: 0.3, spx_hedge_ratio_stress: 1.2, btc_beta_calm: 1.0, btc_beta_stress: 1.0,
//!     vix: 18.0, vix_curve: vec![CurvePoint { days: 30.0, price: 19.0 }, CurvePoint { days: 60.0, price: 20.0 }],
//!     vix_ar_phi: 0.98, vix_mean_log: 2.87, vix_ar_sd: 0.074, vol_of_vol: 0.9,
//!     spx: 5000.0, spx_vol: 0.18, spx_div_yield: 0.015, rate: 0.04, funding_per_year: 0.08,
//!     band: Band::Normal, signals: vec![],
//!     // Calm and stress: sds over the cover horizon and the correlations with the target.
//!     moments: [
//!         RegimeMoments { vix_mean: 0.0, vix_sd: 0.2, spx_mean: 0.0, spx_sd: 0.03,
//!             target_mean: 0.0, target_sd: 0.1, corr_target_vix: -0.2, corr_target_spx: 0.3,
//!             corr_vix_spx: -0.7 },
//!         RegimeMoments { vix_mean: 0.0, vix_sd: 0.4, spx_mean: 0.0, spx_sd: 0.08,
//!             target_mean: 0.0, target_sd: 0.2, corr_target_vix: -0.5, corr_target_spx: 0.6,
//!             corr_vix_spx: -0.8 },
//!     ],
//!     crypto: Default::default(),
//! };
//! let plan = size_book(&book, &inputs)?;
//! // 0.25 × 1,000,000 USD per unit of log VIX, from futures worth 1000 × 20 × β each,
//! // scaled down so that the expected roll-down cost fits the 5 % budget.
//! let beta = inputs.future_beta(60.0);
//! let unscaled = 250_000.0 / (20_000.0 * beta);
//! assert!((plan.layers[0].quantity - unscaled * plan.budget_scale).abs() < 1e-9);
//! assert!((plan.cost_per_year - 50_000.0).abs() < 1e-6);
//! assert!(plan.cover[1].cover.unwrap() > 0.0);
//! # Ok::<(), crosshedge_hedging::HedgingError>(())
//! ```

pub mod book;
pub mod error;
pub mod frontier;
mod quadrature;
pub mod sizing;

pub use book::{
    Asset, Band, Book, CryptoOptionType, CryptoSettlement, Exposure, Instrument, Layer,
    MacroEventKind, Rebalance, Regime, RollPolicy, SizingRule, StrikeRule, Trigger,
};
pub use error::HedgingError;
pub use sizing::{
    asset_notional, crypto_option_rate, expected_vix, interpolate_curve, lp_risky_share, lp_value,
    size_book, skewed_vol, AssetNotional, CoinMarket, CoinVol, CoverProbability, CryptoInputs,
    CurvePoint, HedgePlan, LayerPosition, PositionGreeks, RegimeCover, RegimeMoments, RegimeMove,
    SizingInputs, DAYS_PER_YEAR, ETP_TENOR_DAYS, MIN_SKEWED_VOL, TRADING_DAYS_PER_YEAR,
};
