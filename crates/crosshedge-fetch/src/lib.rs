//! Data connectors of crosshedge: the vendors' raw formats, normalised and fed through the
//! importer of `crosshedge-data`, and the HTTP client that fetches them.
//!
//! # Brief overview
//! - [`vendor`]: one parser per vendor format (Cboe index and VX futures files, FRED, Yahoo,
//!   Binance klines and funding, Deribit DVOL, DefiLlama TVL and stablecoins) → a [`vendor::Table`];
//!   every schema drift is a one-line [`FetchError::Schema`] naming source, field and excerpt.
//!   `crosshedge import --format` uses them on downloaded files.
//! - [`normalise`]: a table → the importer's [`crosshedge_data::import::ParsedImport`] (same
//!   checks, raw payload's SHA-256), VX rows → [`crosshedge_data::futures::ParsedFutures`].
//! - [`http`]: the client (timeouts, retries with backoff and seeded jitter honouring
//!   `Retry-After`, per-host pacing, proxies from the environment, `crosshedge/<version>`).
//! - [`cache`]: the content-addressed raw cache (`--cache DIR`, `--offline`).
//! - [`replay`]: a loopback replay server for tests (scripted responses, counted requests).
//! - [`source`]: hosts and base URLs, specs `SOURCE:SYMBOL[=NAME]`, presets, pagination.
//!
//! This crate touches the network and its cache directory; the store is written only by
//! `crosshedge-data`, through the app's fetch job.

pub mod cache;
pub mod error;
pub mod http;
pub mod normalise;
pub mod replay;
pub mod source;
pub mod vendor;

pub use error::FetchError;
