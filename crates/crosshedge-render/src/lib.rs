//! The human renderings of crosshedge's analysis jobs: one module per job, each a
//! `render(&Response) -> String` (terminal tables and lines; percent appears only here, the
//! responses and their JSON are decimals).
//!
//! Two front ends print these same strings: the CLI (`crosshedge basis` without `--json`)
//! and the Python package (`Result.summary()`), so a notebook shows the terminal's table.
//! The command-specific renderings of the binary (import, export, series, report, demo,
//! price) stay in its `render` module.
//!
//! ```
//! use crosshedge_render::table::{pct, table};
//! let mut t = table(&["regime", "share"]);
//! t.add_row(vec!["calm".to_string(), pct(0.25, 1)]);
//! assert!(t.to_string().contains("25.0%"));
//! ```

pub mod backtest;
pub mod basis;
pub mod claims;
pub mod dcc;
pub mod episodes;
pub mod events;
pub mod hedge;
pub mod lags;
pub mod regimes;
pub mod rolling;
pub mod shocks;
pub mod signals;
pub mod stress;
pub mod table;
pub mod tournament;
