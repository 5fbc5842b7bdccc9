//! Data layer of crosshedge: CSV import with precise error locations, the embedded SQLite store
//! with revisions and import provenance, the real-data manifest and aligned-panel export.
//!
//! This is the only library crate that touches files.
//!
//! # Brief overview
//! - [`import`]: [`import::ImportSpec`] and [`import::parse_csv`], which streams any `Read`,
//!   hashes it (SHA-256) and checks every row (file, line and column on every error).
//! - [`store`]: [`store::Store`], the SQLite store: series, observations with revisions, imports.
//! - [`manifest`]: [`manifest::Manifest`], a TOML map from data files to series names.
//! - [`export`]: writes an aligned return or level panel to CSV atomically.
//!
//! # Example
//! ```
//! use crosshedge_data::import::{parse_csv, ImportSpec};
//! use crosshedge_core::{calendar::Calendar, units::SeriesUnit};
//! let csv = "date,close\n2024-01-02,13.2\n2024-01-03,14.0\n";
//! let spec = ImportSpec::new(vec![("vix".into(), "close".into())], Calendar::Us, SeriesUnit::IndexLevel);
//! let parsed = parse_csv(csv.as_bytes(), "vix.csv", &spec).unwrap();
//! assert_eq!(parsed.series[0].series.len(), 2);
//! assert_eq!(parsed.rows, 2);
//! ```

pub mod derived;
pub mod error;
pub mod export;
pub mod futures;
pub mod import;
pub mod manifest;
pub mod store;

pub use error::DataError;
