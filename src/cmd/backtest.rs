//! `crosshedge backtest`: the hedge book (the same TOML as `crosshedge hedge`) run daily through
//! the store's history, net of costs, with the accounting identity checked every day. The job
//! and what it models: [`crosshedge_app::backtest`]; this file builds its request from the
//! flags, runs it with a progress bar and renders the summary.

use crosshedge_app::backtest::{BacktestRequest, ExposurePolicyRequest};
use crosshedge_app::progress::{Progress, Silent};
use crosshedge_hedging::Rebalance;

use super::Ctx;
use crate::cli::BacktestArgs;
use crate::output;
use crate::render::backtest::render;

impl From<&BacktestArgs> for BacktestRequest {
    fn from(a: &BacktestArgs) -> Self {
        let x = &a.exposure;
        Self {
            measure: (&a.measure).into(),
            contracts: a.contracts.clone(),
            commission: a.commission,
            slippage_bps: a.slippage_bps,
            gas: a.gas,
            etp_commission_bps: a.etp_commission_bps,
            no_event_rolls: a.no_event_rolls,
            full: a.full,
            catalogue: crosshedge_app::episodes::CatalogueSource {
                file: a.catalogue.clone(),
                no_builtin: a.no_builtin,
            },
            exposure: ExposurePolicyRequest {
                rebalance: x.rebalance.as_deref().map(|r| {
                    if r == "buy-and-hold" {
                        Rebalance::BuyAndHold
                    } else {
                        Rebalance::ConstantMix
                    }
                }),
                rebalance_days: x.rebalance_days,
                cash_rate: x.cash_rate,
                lp_fee_apr: x.lp_fee_apr,
            },
        }
    }
}

pub fn run(ctx: &Ctx, a: BacktestArgs) -> anyhow::Result<()> {
    // A progress bar over the market days (indicatif draws nothing when stderr is not a
    // terminal); none with --json.
    let bar;
    let progress: &dyn Progress = if ctx.json {
        &Silent
    } else {
        bar = crate::progress::Bar::new(1);
        &bar
    };
    let out = crosshedge_app::backtest::run(&ctx.workspace(), &(&a).into(), progress)?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    output::print(ctx.json, &out, render)
}
