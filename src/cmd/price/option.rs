//! `crosshedge price option`.

use crosshedge_app::price::option::{OptionModel, OptionRequest};
use crosshedge_app::price::parse_kind;

use crate::cli::OptionArgs;
use crate::cmd::Ctx;
use crate::exit::usage;
use crate::output;
use crate::render::price::option::render;

/// The request of `a`: `--kind`, `--model` and the dates parsed here, every value checked by
/// the job.
fn request(a: &OptionArgs) -> anyhow::Result<OptionRequest> {
    let kind = parse_kind(&a.kind)?;
    let model = match a.model.as_deref() {
        None => None,
        Some("bs") => Some(OptionModel::Bs),
        Some("black76") => Some(OptionModel::Black76),
        Some(m) if a.vix => {
            return Err(usage(format!("--vix prices with black76, not --model {m}")))
        }
        Some(m) => return Err(usage(format!("--model '{m}': expected bs or black76"))),
    };
    let expiry = a.expiry.request()?;
    Ok(OptionRequest {
        model,
        kind,
        spot: a.spot,
        forward: a.forward,
        strike: a.strike,
        expiry,
        vol: a.vol,
        price: a.price,
        rate: a.rate,
        div_yield: a.div_yield,
        vix: a.vix,
        contracts: a.contracts.clone(),
        inverse: a.inverse,
    })
}

pub fn run(ctx: &Ctx, a: OptionArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let out = crosshedge_app::price::option::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out, a.vix));
    Ok(())
}
