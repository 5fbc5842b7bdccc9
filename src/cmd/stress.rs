//! `crosshedge stress`: the regime-switching Monte Carlo stress test of a sized hedge book,
//! an episode replay or a user shock.

use crosshedge_app::progress::{Progress, Silent};
use crosshedge_app::stress::StressRequest;

use super::Ctx;
use crate::cli::StressArgs;
use crate::output;
use crate::render::stress::render;

impl From<&StressArgs> for StressRequest {
    fn from(a: &StressArgs) -> Self {
        Self {
            measure: (&a.measure).into(),
            paths: a.paths,
            horizon: a.horizon,
            scenario: a.scenario.clone(),
            seed: a.seed,
            threads: a.threads,
            model: a.model,
            block_len: a.block_len,
            drift: a.drift,
        }
    }
}

pub fn run(ctx: &Ctx, a: StressArgs) -> anyhow::Result<()> {
    // A progress bar on runs of 200,000 paths or more (indicatif draws nothing when stderr is
    // not a terminal); none with --json.
    let bar;
    let progress: &dyn Progress = if ctx.json {
        &Silent
    } else {
        bar = crate::progress::Bar::new(200_000);
        &bar
    };
    let out = crosshedge_app::stress::run(&ctx.workspace(), &(&a).into(), progress)?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    output::print(ctx.json, &out, render)
}
