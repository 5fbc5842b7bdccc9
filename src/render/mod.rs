//! The human renderings of the commands' responses: one module per command, each a
//! `render(&Response) -> String` (tables and lines, where percent may appear). The commands in
//! `crate::cmd` print them, or the response as JSON with `--json`. The analysis jobs' renderings
//! live in `crosshedge-render` (the Python package's `Result.summary()` prints the same strings)
//! and are re-exported here under the same names.

pub use crosshedge_render::{
    backtest, basis, claims, dcc, episodes, events, hedge, lags, regimes, rolling, shocks, signals,
    stress, tournament,
};

pub mod demo;
pub mod export;
pub mod fetch;
pub mod import;
pub mod price;
pub mod report;
pub mod series;
