//! `crosshedge price vix-curve`.

use crosshedge_app::price::curve::CurveRequest;

use crate::cli::CurveArgs;
use crate::cmd::Ctx;
use crate::output;
use crate::render::price::curve::render;

pub fn run(ctx: &Ctx, a: CurveArgs) -> anyhow::Result<()> {
    let req = CurveRequest {
        date: Some(crosshedge_app::price::date_flag("date", &a.date)?),
        contracts: a.contracts,
    };
    let out = crosshedge_app::price::curve::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
