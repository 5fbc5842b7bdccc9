//! `crosshedge dcc`: GARCH(1,1) margins and Engle's DCC(1,1) dynamic correlation, with the
//! dynamic hedge ratio h_t = rho_t sigma_T,t / sigma_H,t.

use crosshedge_app::dcc::{DccRequest, DccResponse};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::DccArgs;
use crate::output;
use crate::render::dcc::render;

/// The request of `a`: the pair and the flags, parsed with the CLI's messages.
fn request(a: &DccArgs) -> anyhow::Result<DccRequest> {
    Ok(DccRequest { pair: a.pair.request()?, dist: a.dist, paths: a.paths })
}

pub fn run(ctx: &Ctx, a: DccArgs) -> anyhow::Result<()> {
    let out: DccResponse = crosshedge_app::dcc::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    output::print(ctx.json, &out, render)
}
