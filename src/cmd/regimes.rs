//! `crosshedge regimes`: which regime the market is in, from VIX bands or a Markov-switching
//! model (Hamilton filter, Kim smoother, in logs), with probabilities and a one-step forecast.

use crosshedge_app::regimes::{RegimesRequest, RegimesResponse};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::RegimesArgs;
use crate::output;
use crate::render::regimes::{render, render_bands};

/// The app's request for `a`; bad dates and an unknown model are usage errors with the
/// messages the command has always printed.
fn request(a: &RegimesArgs) -> anyhow::Result<RegimesRequest> {
    let (from, to) = (a.from, a.to);
    Ok(RegimesRequest {
        series: a.series.clone(),
        model: a.model,
        target: a.target.clone(),
        hedge: a.hedge.clone(),
        tvtp: a.tvtp,
        starts: a.starts,
        seed: a.seed,
        from,
        to,
        calm_below: a.calm_below,
        stress_above: a.stress_above,
    })
}

pub fn run(ctx: &Ctx, a: RegimesArgs) -> anyhow::Result<()> {
    let ws = ctx.workspace();
    ws.store()?;
    let out = crosshedge_app::regimes::run(&ws, &request(&a)?, &Silent)?;
    match &out {
        RegimesResponse::Bands(b) => {
            for w in &b.warnings {
                eprintln!("warning: {w}");
            }
            output::print(ctx.json, b, render_bands)
        }
        RegimesResponse::Markov(m) => output::print(ctx.json, m.as_ref(), render),
    }
}
