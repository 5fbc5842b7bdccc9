//! Core vocabulary of crosshedge: units, trading calendars, dated series, returns and the
//! alignment of 24/7 crypto series with US trading-day series.
//!
//! # Brief overview
//! - [`units`]: thin newtypes ([`units::Vol`], [`units::Rate`], [`units::YearFrac`], [`units::Bps`])
//!   and the [`units::SeriesUnit`] a series is measured in.
//! - [`calendar`]: the NYSE/CFE trading-day calendar ([`calendar::Calendar::Us`]) and the every-day
//!   crypto calendar ([`calendar::Calendar::Crypto`]).
//! - [`series`]: a [`series::Series`] is dated observations of one quantity.
//! - [`returns`]: log, simple and point returns ([`returns::ReturnKind`]).
//! - [`align`]: the policies `us-close`, `weekly` and `crypto-days` ([`align::AlignPolicy`]) that
//!   put several series on one calendar as a [`align::Panel`].
//!
//! Nothing here does I/O, reads the clock or draws random numbers.
//!
//! # Example
//! ```
//! use crosshedge_core::{align::{align, AlignPolicy}, calendar::Calendar, series::Series, units::SeriesUnit};
//! use crosshedge_core::returns::ReturnKind;
//! use chrono::NaiveDate;
//! let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! // BTC trades every day; VIX only on US trading days (2024-01-05 is a Friday).
//! let btc = Series::new("btc", Calendar::Crypto, SeriesUnit::Price,
//!     vec![d("2024-01-05"), d("2024-01-06"), d("2024-01-07"), d("2024-01-08")],
//!     vec![100.0, 90.0, 95.0, 110.0]).unwrap();
//! let vix = Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel,
//!     vec![d("2024-01-05"), d("2024-01-08")], vec![13.0, 14.0]).unwrap();
//! let panel = align(&[&btc, &vix], AlignPolicy::UsClose).unwrap();
//! let r = panel.returns(ReturnKind::Log).unwrap();
//! // The weekend is folded into Monday's return: ln(110 / 100).
//! assert!((r.column("btc").unwrap()[0] - (110.0f64 / 100.0).ln()).abs() < 1e-15);
//! ```

pub mod align;
pub mod calendar;
pub mod error;
pub mod regime;
pub mod returns;
pub mod series;
pub mod text;
pub mod tol;
pub mod units;

pub use chrono::NaiveDate as Date;
pub use error::CoreError;
