//! One module per command; each turns validated arguments into library calls and prints.

use crate::cli::{Cli, Command};

pub(crate) mod backtest;
mod basis;
mod claims;
mod dcc;
mod demo;
mod episodes;
mod events;
mod export;
mod fetch;
pub(crate) mod hedge;
mod import;
mod lags;
pub(crate) mod price;
mod regimes;
pub(crate) mod report;
mod rolling;
mod series;
mod serve;
mod shocks;
mod signals;
pub(crate) mod stress;
mod tournament;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Ctx { store: cli.store, data_dir: cli.data_dir, json: cli.json };
    match cli.command {
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Import(a) => import::run(&ctx, a),
        Command::Fetch(a) => fetch::run(&ctx, a),
        Command::Series(a) => series::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Basis(a) => basis::run(&ctx, a),
        Command::Lags(a) => lags::run(&ctx, a),
        Command::Rolling(a) => rolling::run(&ctx, a),
        Command::Episodes(a) => episodes::run(&ctx, a),
        Command::Signals(a) => signals::run(&ctx, a),
        Command::Shocks(a) => shocks::run(&ctx, a),
        Command::Events(a) => events::run(&ctx, a),
        Command::Regimes(a) => regimes::run(&ctx, a),
        Command::Dcc(a) => dcc::run(&ctx, a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Backtest(a) => backtest::run(&ctx, a),
        Command::Price(a) => price::run(&ctx, a),
        Command::Hedge(a) => hedge::run(&ctx, a),
        Command::Stress(a) => stress::run(&ctx, a),
        Command::Claims(a) => claims::run(&ctx, a),
        Command::Tournament(a) => tournament::run(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
    }
}

/// What every command shares.
pub struct Ctx {
    /// The store path.
    pub store: std::path::PathBuf,
    /// The data directory.
    pub data_dir: std::path::PathBuf,
    /// JSON output requested.
    pub json: bool,
}

impl Ctx {
    /// The workspace the app's jobs run in (nothing is opened until a job needs the store).
    pub fn workspace(&self) -> crosshedge_app::Workspace {
        crosshedge_app::Workspace::new(crosshedge_app::WorkspaceConfig {
            store: self.store.clone(),
            data_dir: self.data_dir.clone(),
        })
    }
}

/// The current UTC time: the binary's single clock read (the jobs take the time of a run in
/// their requests).
#[allow(clippy::disallowed_methods)]
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// [`now`] as RFC 3339 to the second.
pub fn now_utc() -> String {
    now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
