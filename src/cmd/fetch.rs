//! `crosshedge fetch`: vendor data over HTTP (or from the raw cache) into the store.
//!
//! Ctrl-C: the first one asks the job to stop (before its next request or within 100 ms of
//! a wait); it exits with `error: cancelled`, code 130, and the store as it was (the job
//! writes only after every spec is fetched, in one transaction). A second Ctrl-C exits at
//! once, code 130 (still nothing written: the write has not begun, or SQLite rolls it back).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crosshedge_app::fetch::FetchRequest;
use crosshedge_app::Progress;
use crosshedge_fetch::source::Host;

use super::{now_utc, Ctx};
use crate::cli::FetchArgs;
use crate::exit::UsageError;
use crate::output;
use crate::progress::Bar;
use crate::render::fetch::render;

/// The base URLs: `--base-url SOURCE=URL` first, then `CROSSHEDGE_BASE_URL_<SOURCE>` for the
/// hosts not given on the command line (the vendor's default otherwise, in the job). `env`
/// reads one variable (the environment in the binary, a map in tests).
fn base_urls(
    flags: &[String],
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for f in flags {
        let (name, url) = f
            .split_once('=')
            .ok_or_else(|| UsageError(format!("--base-url '{f}' is not SOURCE=URL")))?;
        let host = Host::parse(name)?;
        out.insert(host.env_name().to_string(), url.trim().to_string());
    }
    for h in Host::ALL {
        if !out.contains_key(h.env_name()) {
            if let Some(url) = env(&format!("CROSSHEDGE_BASE_URL_{}", h.env_name())) {
                out.insert(h.env_name().to_string(), url);
            }
        }
    }
    Ok(out)
}

/// The app's request for `a`, stamped `fetched_at`.
fn request(a: &FetchArgs, fetched_at: String) -> anyhow::Result<FetchRequest> {
    Ok(FetchRequest {
        specs: a.specs.clone(),
        from: a.from,
        to: a.to,
        cache_dir: a.cache.clone(),
        offline: a.offline,
        base_urls: base_urls(&a.base_url, |k| std::env::var(k).ok().filter(|v| !v.is_empty()))?,
        manifest: a.manifest.clone(),
        fetched_at,
        ..FetchRequest::default()
    })
}

/// The bar, cancelled by Ctrl-C.
struct Interruptible {
    bar: Bar,
    stop: Arc<AtomicBool>,
}

impl Progress for Interruptible {
    fn start(&self, phase: &str, total: u64) {
        self.bar.start(phase, total);
    }
    fn inc(&self, n: u64) {
        self.bar.inc(n);
    }
    fn message(&self, text: &str) {
        self.bar.message(text);
    }
    fn is_cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Installs the Ctrl-C handler of the run (SIGINT on Unix): the first sets `stop`, a second
/// exits with 130. The handler is registered before this returns.
fn on_ctrl_c(stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build()?;
    #[cfg(unix)]
    let mut sig = {
        let _guard = rt.enter();
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?
    };
    std::thread::spawn(move || {
        rt.block_on(async move {
            loop {
                #[cfg(unix)]
                let got = sig.recv().await.is_some();
                #[cfg(not(unix))]
                let got = tokio::signal::ctrl_c().await.is_ok();
                if !got {
                    return;
                }
                if stop.swap(true, Ordering::SeqCst) {
                    eprintln!("interrupted again: exiting now, nothing written");
                    std::process::exit(130);
                }
                eprintln!("interrupted: stopping the fetch (Ctrl-C again to exit at once)");
            }
        });
    });
    Ok(())
}

pub fn run(ctx: &Ctx, a: FetchArgs) -> anyhow::Result<()> {
    let req = request(&a, now_utc())?;
    let mut ws = ctx.workspace();
    let stop = Arc::new(AtomicBool::new(false));
    on_ctrl_c(stop.clone())?;
    let progress = Interruptible { bar: Bar::new(2), stop };
    let res = crosshedge_app::fetch::run(&mut ws, &req, &progress)?;
    for s in &res.sources {
        for w in &s.warnings {
            eprintln!("warning: {w}");
        }
    }
    if ctx.json {
        return output::print_json(&res);
    }
    output::emit(&render(&res));
    println!("store: {}", ctx.store.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_wins_over_the_environment() {
        let env = |k: &str| match k {
            "CROSSHEDGE_BASE_URL_CBOE" => Some("http://127.0.0.1:2".to_string()),
            "CROSSHEDGE_BASE_URL_FRED" => Some("http://127.0.0.1:3".to_string()),
            _ => None,
        };
        let m = base_urls(&["cboe=http://127.0.0.1:1".to_string()], env).unwrap();
        assert_eq!(m["CBOE"], "http://127.0.0.1:1");
        assert_eq!(m["FRED"], "http://127.0.0.1:3");
        assert_eq!(m.len(), 2);
        assert!(base_urls(&["kraken=http://x".to_string()], |_| None).is_err());
        assert!(base_urls(&["cboe".to_string()], |_| None).is_err());
    }
}
