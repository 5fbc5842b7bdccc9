//! `crosshedge price lp`.

use crosshedge_app::price::lp::{LpModel, LpRequest};

use crate::cli::LpArgs;
use crate::cmd::Ctx;
use crate::exit::usage;
use crate::output;
use crate::render::price::lp::render;

pub fn run(ctx: &Ctx, a: LpArgs) -> anyhow::Result<()> {
    let model = match a.model.as_str() {
        "v2" => LpModel::V2,
        "v3" => LpModel::V3,
        m => return Err(usage(format!("--model '{m}': expected v2 or v3"))),
    };
    let req = LpRequest {
        model,
        price: a.price,
        lower: a.lower,
        upper: a.upper,
        value: a.value,
        vol: a.vol,
        fee_apr: a.fee_apr,
        hedge_cost: a.hedge_cost,
        r#move: a.r#move,
        horizon_days: a.horizon_days,
    };
    let out = crosshedge_app::price::lp::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out, a.horizon_days));
    Ok(())
}
