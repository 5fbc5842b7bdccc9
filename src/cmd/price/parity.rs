//! `crosshedge price parity`.

use crosshedge_app::price::date_flag;
use crosshedge_app::price::parity::ParityRequest;

use crate::cli::ParityArgs;
use crate::cmd::Ctx;
use crate::output;
use crate::render::price::parity::render;

pub fn run(ctx: &Ctx, a: ParityArgs) -> anyhow::Result<()> {
    let req = ParityRequest {
        chain: Some(a.chain.clone()),
        spot: a.spot,
        spot_bid: a.spot_bid,
        spot_ask: a.spot_ask,
        future: a.future,
        rate: a.rate,
        borrow_rate: a.borrow_rate,
        lend_rate: a.lend_rate,
        div_yield: a.div_yield,
        as_of: a.as_of.as_deref().map(|d| date_flag("as-of", d)).transpose()?,
        expiry_days: a.expiry_days,
        commission: a.commission,
    };
    let out = crosshedge_app::price::parity::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
