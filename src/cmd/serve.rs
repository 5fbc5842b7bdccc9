//! `crosshedge serve`: the local dashboard and its JSON API until Ctrl-C.

use crosshedge_server::{ServerConfig, ServerError};

use crate::cli::ServeArgs;
use crate::cmd::Ctx;
use crate::exit::UsageError;

pub fn run(ctx: &Ctx, a: ServeArgs) -> anyhow::Result<()> {
    let config = ServerConfig {
        bind: a.bind,
        token: a.token.clone(),
        ..ServerConfig::local(ctx.store.clone(), ctx.data_dir.clone(), a.port)
    };
    let store = ctx.store.display().to_string();
    let open = a.open;
    let served = crosshedge_server::serve_until_ctrl_c(config, |url| {
        println!("crosshedge serve: {url} (store {store})");
        if open {
            // Best effort: no browser, no error.
            let _ = std::process::Command::new("xdg-open")
                .arg(url)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
        }
    });
    match served {
        Ok(()) => Ok(()),
        Err(e @ ServerError::Config(_)) => Err(UsageError(e.to_string()).into()),
        Err(e) => Err(e.into()),
    }
}
