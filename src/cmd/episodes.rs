//! `crosshedge episodes`: what a calm-sized hedge did through each named shock episode.

use crosshedge_app::episodes::{CatalogueSource, EpisodesRequest};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::EpisodesArgs;
use crate::output;
use crate::render::episodes::render;

/// The app's request for `a`.
fn request(a: &EpisodesArgs) -> anyhow::Result<EpisodesRequest> {
    Ok(EpisodesRequest {
        pair: a.pair.request()?,
        catalogue: CatalogueSource { file: a.catalogue.clone(), no_builtin: a.no_builtin },
    })
}

pub fn run(ctx: &Ctx, a: EpisodesArgs) -> anyhow::Result<()> {
    let out = crosshedge_app::episodes::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    output::print(ctx.json, &out, render)
}
