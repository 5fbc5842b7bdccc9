//! `crosshedge shocks`: DeFi liquidity-shock windows detected from data, compared with the
//! catalogue of named episodes.

use crosshedge_app::shocks::{ShockSources, ShocksRequest};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::{self, ShocksArgs};
use crate::output;
use crate::render::shocks::render;

impl From<&cli::ShockSources> for ShockSources {
    fn from(s: &cli::ShockSources) -> Self {
        Self {
            crypto: s.crypto.clone(),
            stablecoins: s.stablecoins.clone(),
            tvl: s.tvl.clone(),
            funding: s.funding.clone(),
        }
    }
}

/// The app's request for `a`; a bad date is a usage error.
fn request(a: &ShocksArgs) -> anyhow::Result<ShocksRequest> {
    Ok(ShocksRequest {
        sources: (&a.sources).into(),
        from: a.from,
        to: a.to,
        tolerance: a.tolerance,
    })
}

pub fn run(ctx: &Ctx, a: ShocksArgs) -> anyhow::Result<()> {
    let out = crosshedge_app::shocks::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
