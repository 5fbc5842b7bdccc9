//! `crosshedge basis`: how much of the hedge is really there, overall and by regime.

use crosshedge_app::basis::BasisRequest;
use crosshedge_app::{Silent, Workspace, WorkspaceConfig};

use super::Ctx;
use crate::cli::BasisArgs;
use crate::output;
use crate::render::basis::render;

/// The app's request for `a`: the pair and the flags, parsed with the CLI's messages.
fn request(a: &BasisArgs) -> anyhow::Result<BasisRequest> {
    let s = &a.shock_sources;
    let e = &a.event_sources;
    Ok(BasisRequest {
        pair: a.pair.request()?,
        regimes: a.regimes,
        shock_sources: crosshedge_app::shocks::ShockSources {
            crypto: s.crypto.clone(),
            stablecoins: s.stablecoins.clone(),
            tvl: s.tvl.clone(),
            funding: s.funding.clone(),
        },
        event_sources: crosshedge_app::events::EventSources {
            events_file: e.events_file.clone(),
            pre: e.pre,
            post: e.post,
        },
        bootstrap: a.bootstrap,
        seed: a.seed,
        hac_lags: a.hac_lags,
        dimson_lags: a.dimson_lags,
        calm_below: a.calm_below,
        stress_above: a.stress_above,
    })
}

pub fn run(ctx: &Ctx, a: BasisArgs) -> anyhow::Result<()> {
    // The `events` labeling reads the directory of `basis`'s own `--data-dir` (events sources).
    let ws = Workspace::new(WorkspaceConfig {
        store: ctx.store.clone(),
        data_dir: a.event_sources.data_dir.clone(),
    });
    ws.store()?;
    let out = crosshedge_app::basis::run(&ws, &request(&a)?, &Silent)?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    output::print(ctx.json, &out, render)
}
