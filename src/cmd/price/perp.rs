//! `crosshedge price perp`.

use crosshedge_app::price::perp::PerpRequest;
use crosshedge_defi::{ContractKind, Side};

use crate::cli::PerpArgs;
use crate::cmd::Ctx;
use crate::exit::usage;
use crate::output;
use crate::render::price::perp::render;

/// The request of `a`: `--side` and `--kind` parsed here, every value checked by the job.
fn request(a: &PerpArgs) -> anyhow::Result<PerpRequest> {
    let side = match a.side.as_str() {
        "long" => Side::Long,
        "short" => Side::Short,
        s => return Err(usage(format!("--side '{s}': expected long or short"))),
    };
    let kind = match a.kind.as_str() {
        "linear" => ContractKind::Linear,
        "inverse" => ContractKind::Inverse,
        s => return Err(usage(format!("--kind '{s}': expected linear or inverse"))),
    };
    Ok(PerpRequest {
        side,
        qty: a.qty,
        entry: a.entry,
        leverage: a.leverage,
        kind,
        mmr: a.mmr,
        maint_amount: a.maint_amount,
        close_fee: a.close_fee,
        funding: a.funding,
        interval_hours: a.interval_hours,
        mark: a.mark,
    })
}

pub fn run(ctx: &Ctx, a: PerpArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let out = crosshedge_app::price::perp::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
