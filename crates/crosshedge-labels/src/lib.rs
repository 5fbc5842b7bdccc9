//! Regime labelings for crosshedge: VIX bands, named shock episodes, VIX signals, DeFi
//! liquidity-shock detection and macro-event windows.
//!
//! # Brief overview
//! Every labeling plugs into [`crosshedge_core::regime::Labeling`], so any statistic can be
//! computed per regime.
//! - [`bands`]: [`bands::vix_bands`] / [`bands::vix_bands_on`] label dates `calm`, `normal`,
//!   `stress` from the **previous** VIX close, with optional hysteresis ([`bands::BandConfig`]).
//! - [`episodes`]: the built-in [`episodes::Catalogue`] of named shock episodes with exact
//!   UTC windows and sources, a user TOML catalogue, and the `episodes` labeling.
//! - [`claims`]: the method's quantitative claims (`src/claims.toml`, user files extend it)
//!   and the verdict rule (supported / contradicted / not identified).
//! - [`signals`]: MACD (12, 26, 9), Wilder RSI (14), their events on the VIX
//!   ([`signals::vix_signals`]) and how early they warn of stress ([`signals::evaluate_signals`]).
//! - [`shocks`]: the DeFi liquidity-shock detector ([`shocks::detect_shocks`]) from crypto
//!   drawdowns, stablecoin depegs, TVL outflows and funding extremes, and its comparison with
//!   the catalogue ([`shocks::compare_with_catalogue`]).
//! - [`events`]: FOMC / CPI / PPI calendars (the FOMC schedule 2000–2026 is built in), CSV
//!   parsers, event-window statistics and the `events` labeling.
//!
//! Nothing here reads files, the clock or a random generator: parsers take a reader.
//!
//! # Example
//! ```
//! use crosshedge_core::{calendar::Calendar, series::Series, units::SeriesUnit};
//! use crosshedge_labels::{bands::{vix_bands, BandConfig}, episodes::Catalogue};
//! use chrono::NaiveDate;
//! let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! let vix = Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel,
//!     vec![d("2022-11-07"), d("2022-11-08"), d("2022-11-09")], vec![24.35, 25.54, 26.09]).unwrap();
//! let bands = vix_bands(&vix, &BandConfig::default()).unwrap();
//! // 2022-11-09 is labelled with the 2022-11-08 close (25.54 > 25): stress.
//! assert_eq!(bands.labeling.labels, vec![Some(1), Some(2)]);
//! let episodes = Catalogue::builtin().labeling(&bands.labeling.dates).unwrap();
//! assert_eq!(episodes.states[episodes.labels[0].unwrap()], "ftx-2022");
//! ```

pub mod bands;
pub mod claims;
pub mod episodes;
pub mod error;
pub mod events;
mod fomc_dates;
pub mod shocks;
pub mod signals;

pub use error::LabelsError;
