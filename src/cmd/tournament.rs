//! `crosshedge tournament`: every candidate hedge sized to the same cost, through history and
//! the Monte Carlo on common random numbers, ranked, with the frontier and the optimal mix.

use crosshedge_app::episodes::CatalogueSource;
use crosshedge_app::progress::{Progress, Silent};
use crosshedge_app::tournament::TournamentRequest;

use super::Ctx;
use crate::cli::TournamentArgs;
use crate::output;
use crate::render::tournament::render;

/// `all` (or nothing) as the empty list the job reads as every name.
fn list(v: &[String]) -> Vec<String> {
    let v: Vec<String> = v.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if v.iter().any(|s| s == "all") {
        Vec::new()
    } else {
        v
    }
}

impl From<&TournamentArgs> for TournamentRequest {
    fn from(a: &TournamentArgs) -> Self {
        Self {
            measure: (&a.measure).into(),
            target: a.target.clone(),
            targets: list(&a.targets),
            budget: a.budget,
            candidates: list(&a.candidates),
            episodes: list(&a.episodes),
            catalogue: CatalogueSource { file: a.catalogue.clone(), no_builtin: false },
            paths: a.paths,
            horizon: a.horizon,
            seed: a.seed,
            threads: a.threads,
            bootstrap_reps: a.bootstrap_reps,
            frontier_points: a.frontier_points,
            frontier_max_budget: a.frontier_max_budget,
            notional: a.notional,
            failed_venue: a.failed_venue.clone(),
        }
    }
}

pub fn run(ctx: &Ctx, a: TournamentArgs) -> anyhow::Result<()> {
    let bar;
    let progress: &dyn Progress = if ctx.json {
        &Silent
    } else {
        bar = crate::progress::Bar::new(1);
        &bar
    };
    let out = crosshedge_app::tournament::run(&ctx.workspace(), &(&a).into(), progress)?;
    if ctx.json {
        for w in &out.warnings {
            eprintln!("warning: {w}");
        }
    }
    output::print(ctx.json, &out, render)
}
