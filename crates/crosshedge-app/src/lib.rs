//! # crosshedge-app: the use cases, one job each
//!
//! Every front end of crosshedge — the command line, the local dashboard (`serve`), the
//! Python package and distributed workers — runs the same jobs and so prints the same
//! numbers. A job is a function
//!
//! ```text
//! fn run(ws: &Workspace, req: &Request, progress: &dyn Progress) -> Result<Response, AppError>
//! ```
//!
//! in the module named after it: a plain `serde` request (unknown fields denied, every default
//! in its `Default` impl, enums and dates instead of strings), a response that is exactly the
//! `--json` of the command (with `warnings` where the job warns), an [`AppError`] whose
//! [`ErrorKind`] the front end maps to its own signal, and a [`Progress`] through which long
//! jobs report and are cancelled between blocks.
//!
//! **Invariants.** No printing, no clock (a job that stamps a time takes it in its request), no
//! clap, no terminal: this crate computes and returns. Defaults live once, in `Default` impls.
//!
//! ```no_run
//! use crosshedge_app::{pair::PairRequest, Silent, Workspace};
//! let ws = Workspace::at("crosshedge.db");
//! let pair = crosshedge_app::pair::load_pair(&ws, &PairRequest::new("btc", "vix"))?;
//! println!("{} aligned rows", pair.meta.rows);
//! # let _ = Silent;
//! # Ok::<(), crosshedge_app::AppError>(())
//! ```

pub mod backtest;
pub mod basis;
pub mod claims;
pub mod crypto_market;
pub mod crypto_vol;
pub mod dcc;
pub mod demo;
pub mod episodes;
pub mod error;
pub mod events;
pub mod export;
pub mod fetch;
pub mod flat;
pub mod hedge;
pub mod import;
pub mod json;
pub mod labeling;
pub mod lags;
pub mod measure;
pub mod output_set;
pub mod pair;
pub mod price;
pub mod progress;
pub mod regimes;
pub mod report;
pub mod rolling;
pub mod series;
pub mod shocks;
pub mod signals;
pub mod stress;
pub mod stress_blocks;
pub mod tournament;
pub mod units;
pub mod workspace;

pub use error::{AppError, ErrorKind, ResultExt};
pub use progress::{checkpoint, Progress, Silent};
pub use workspace::{Workspace, WorkspaceConfig, DEFAULT_DATA_DIR};
