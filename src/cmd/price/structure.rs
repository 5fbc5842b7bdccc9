//! `crosshedge price spread` and `crosshedge price condor`.

use crosshedge_app::price::parse_kind;
use crosshedge_app::price::structure::{
    CarryRequest, CondorRequest, LegMarketRequest, SpreadRequest, StructureRequest, StructureSpec,
};

use crate::cli::{CarryArgs, CondorArgs, LegMarketArgs, SpreadArgs};
use crate::cmd::Ctx;
use crate::output;
use crate::render::price::structure::render;

/// The market of the legs: the dates parsed here, every value checked by the job.
fn market(a: &LegMarketArgs) -> anyhow::Result<LegMarketRequest> {
    Ok(LegMarketRequest {
        spot: a.spot,
        forward: a.forward,
        div_yield: a.div_yield,
        vol: a.vol,
        rate: a.rate,
        expiry: a.expiry.request()?,
    })
}

/// The carry: present when `--carry-rate` is given.
fn carry(a: &CarryArgs) -> Option<CarryRequest> {
    a.carry_rate.map(|carry_rate| CarryRequest {
        carry_rate,
        inventory_value: a.inventory_value.unwrap_or(0.0),
        inventory_qty: a.inventory_qty.unwrap_or(0.0),
    })
}

pub fn run_spread(ctx: &Ctx, a: SpreadArgs) -> anyhow::Result<()> {
    let kind = parse_kind(&a.kind)?;
    let req = StructureRequest {
        structure: StructureSpec::Spread(SpreadRequest {
            kind,
            long: a.long,
            short: a.short,
            quantity: a.quantity,
        }),
        market: market(&a.market)?,
        carry: carry(&a.carry),
    };
    analyse(ctx, &req)
}

pub fn run_condor(ctx: &Ctx, a: CondorArgs) -> anyhow::Result<()> {
    let req = StructureRequest {
        structure: StructureSpec::Condor(CondorRequest {
            strikes: a.strikes.clone(),
            quantity: a.quantity,
        }),
        market: market(&a.market)?,
        carry: carry(&a.carry),
    };
    analyse(ctx, &req)
}

fn analyse(ctx: &Ctx, req: &StructureRequest) -> anyhow::Result<()> {
    let out =
        crosshedge_app::price::structure::run(&ctx.workspace(), req, &crosshedge_app::Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
