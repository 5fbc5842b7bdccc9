//! `crosshedge export`: an aligned panel of returns or levels to CSV.

use crosshedge_app::export::ExportRequest;
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::ExportArgs;
use crate::render::export::render;

/// The request of `args`; the policy, return kind and dates are checked here.
pub fn request(a: &ExportArgs) -> anyhow::Result<ExportRequest> {
    Ok(ExportRequest {
        names: a.names.clone(),
        align: a.align,
        returns: a.returns,
        levels: a.levels,
        from: a.from,
        to: a.to,
        out: a.out.clone(),
        force: a.force,
    })
}

pub fn run(ctx: &Ctx, a: ExportArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let info = crosshedge_app::export::run(&ctx.workspace(), &req, &Silent)?;
    if ctx.json {
        return crate::output::print_json(&info);
    }
    println!("{}", render(&info));
    Ok(())
}
