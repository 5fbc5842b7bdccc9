//! Option pricing, option structures, put-call parity and the VIX futures curve for crosshedge.
//!
//! # Brief overview
//! - [`black`]: [`Black76Inputs`] (options on a futures price) and [`BlackScholesInputs`] (spot
//!   with a continuous dividend yield — SPX options); [`black76_greeks`] /
//!   [`black_scholes_greeks`] return [`Greeks`] (true derivatives per 1.0 of vol and per year,
//!   plus `vega_per_vol_point` and `theta_per_day` on a 365-day basis).
//! - [`vix`]: VIX options through [`vix::VixOptionInputs`], which takes the VIX *future* of the
//!   option's own expiry and refuses any other ([`PricingError::ExpiryMismatch`]); the futures
//!   curve [`vix::VixCurve`] (30-day constant maturity, roll yield, contango/backwardation) and
//!   the constant-maturity ETP proxy [`vix::etp_proxy`].
//! - [`vix_ar1`]: the AR(1) of daily log VIX ([`LogVixAr1`]: least-squares fit, conditional
//!   lognormal mean of VIX `h` days ahead) and the futures price it implies with the term
//!   premium [`term_premium`] — the one copy the demo market, the stress model and the hedge
//!   sizing share.
//! - [`inverse`]: crypto options on the Deribit convention (BTC/ETH calls, puts, put spreads;
//!   inverse — coin premium `c = B/F`, coin parity `c_C − c_P = 1 − K/F` — or linear USDC).
//! - [`implied`]: [`implied_vol_black76`] and [`implied_vol_black_scholes`], after Jäckel's
//!   "Let's Be Rational", with [`PricingError::PriceOutOfBounds`] (carrying the bounds) where no
//!   volatility exists.
//! - [`structures`]: [`structures::Structure`] (any legs; vertical spreads, iron condors),
//!   payoff, exact break-evens, max gain/loss ([`structures::Extremum::Unbounded`] when
//!   unbounded) and the carry-adjusted break-even.
//! - [`parity`]: conversion/reversal bounds net of costs, [`parity::scan_chain`] and
//!   [`parity::parse_chain_csv`].
//! - [`batch`]: structure-of-arrays entry points for speed, run at the best instruction-set
//!   level of the CPU ([`simd::SimdLevel`]: AVX-512, AVX2+FMA or the portable baseline, chosen
//!   at run time through `pulp`, no `unsafe` here), each within 1e-13 of the scalar functions;
//!   the implied-volatility batch solves options in SIMD lanes and agrees with
//!   [`implied_vol_black76`] to 1e-12 where the volatility is well determined (vega·σ/price
//!   ≥ 0.5), repricing its inputs to 1e-13 everywhere.
//! - [`normal`]: the normal distribution to near machine precision.
//! - [`testkit`]: the conformance harness every pricing model passes.
//!
//! The crate does no file I/O except parsing a reader handed to [`parity::parse_chain_csv`],
//! reads no clock and uses no randomness.
//!
//! # Example
//! ```
//! use crosshedge_pricing::{black76_greeks, implied_vol_black76, Black76Inputs, ImpliedVolInputs, OptionKind};
//! let inputs = Black76Inputs { kind: OptionKind::Call, forward: 20.0, strike: 22.0, vol: 0.9, t_years: 0.1, rate: 0.04 };
//! let g = black76_greeks(&inputs)?;
//! let vol = implied_vol_black76(&ImpliedVolInputs {
//!     kind: OptionKind::Call, price: g.price, forward: 20.0, strike: 22.0, t_years: 0.1, rate: 0.04,
//! })?;
//! assert!((vol - 0.9).abs() < 1e-12);
//! assert!((g.theta_per_day - g.theta / 365.0).abs() < 1e-15);
//! # Ok::<(), crosshedge_pricing::PricingError>(())
//! ```

pub mod batch;
pub mod black;
pub mod error;
mod fast;
pub mod implied;
mod implied_fast;
pub mod inverse;
pub mod normal;
pub mod parity;
pub mod simd;
pub mod structures;
pub mod testkit;
pub mod vix;
pub mod vix_ar1;

pub use batch::{
    black76_greeks_batch, black76_greeks_batch_at, black76_greeks_batch_into,
    black_scholes_greeks_batch, black_scholes_greeks_batch_at, implied_vol_black76_batch,
    implied_vol_black76_batch_at, Black76Batch, BlackScholesBatch, BlackScholesGreeksSoA,
    GreeksOut, GreeksSoA, ImpliedVolBatch,
};
pub use black::{
    black76_greeks, black76_price, black_scholes_greeks, black_scholes_price, normalised_black,
    normalised_vega, Black76Inputs, BlackScholesGreeks, BlackScholesInputs, Greeks, OptionKind,
    DAYS_PER_YEAR,
};
pub use error::PricingError;
pub use implied::{
    implied_vol_black76, implied_vol_black_scholes, normalised_implied_vol,
    BlackScholesImpliedVolInputs, ImpliedVolInputs,
};
pub use simd::SimdLevel;
pub use vix_ar1::{term_premium, LogVixAr1};
