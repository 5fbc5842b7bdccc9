//! `crosshedge price`: the dispatch of the subcommands (flags in `crate::cli::price`, the jobs
//! in `crosshedge_app::price`, one renderer per subcommand under `cmd/price/`).

use crate::cli::{PriceArgs, PriceCommand};
use crate::cmd::Ctx;

mod curve;
mod lp;
mod option;
mod parity;
mod perp;
mod structure;

/// Runs `crosshedge price`.
pub fn run(ctx: &Ctx, a: PriceArgs) -> anyhow::Result<()> {
    match a.what {
        PriceCommand::Option(a) => option::run(ctx, a),
        PriceCommand::Spread(a) => structure::run_spread(ctx, a),
        PriceCommand::Condor(a) => structure::run_condor(ctx, a),
        PriceCommand::VixCurve(a) => curve::run(ctx, a),
        PriceCommand::Perp(a) => perp::run(ctx, a),
        PriceCommand::Lp(a) => lp::run(ctx, a),
        PriceCommand::Parity(a) => parity::run(ctx, a),
    }
}
