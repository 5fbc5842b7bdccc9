//! The human renderings of the commands' responses: one module per command, each a
//! `render(&Response) -> String` (tables and lines, where percent may appear). The commands in
//! `crate::cmd` print them, or the response as JSON with `--json`.

pub mod backtest;
pub mod basis;
pub mod dcc;
pub mod demo;
pub mod episodes;
pub mod events;
pub mod export;
pub mod hedge;
pub mod import;
pub mod lags;
pub mod price;
pub mod regimes;
pub mod report;
pub mod rolling;
pub mod series;
pub mod shocks;
pub mod signals;
pub mod stress;
