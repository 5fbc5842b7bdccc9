//! `crosshedge rolling`: the rolling correlation of a target and a hedge with its band.

use crosshedge_app::rolling::RollingRequest;
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::RollingArgs;
use crate::output;
use crate::render::rolling::render;

/// The app's request for `a`.
fn request(a: &RollingArgs) -> anyhow::Result<RollingRequest> {
    Ok(RollingRequest { pair: a.pair.request()?, window: a.window, level: a.level })
}

pub fn run(ctx: &Ctx, a: RollingArgs) -> anyhow::Result<()> {
    let out = crosshedge_app::rolling::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out, a.every as usize));
    Ok(())
}
