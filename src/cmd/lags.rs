//! `crosshedge lags`: the lead-lag ("time-shifted") relation of a target and a hedge.

use crosshedge_app::lags::LagsRequest;
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::LagsArgs;
use crate::output;
use crate::render::lags::render;

/// The app's request for `a`.
fn request(a: &LagsArgs) -> anyhow::Result<LagsRequest> {
    Ok(LagsRequest { pair: a.pair.request()?, max_lag: a.max_lag })
}

pub fn run(ctx: &Ctx, a: LagsArgs) -> anyhow::Result<()> {
    let out = crosshedge_app::lags::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
