//! `crosshedge claims`: the method's quantitative claims against the store, with verdicts.

use crosshedge_app::claims::ClaimsRequest;
use crosshedge_app::episodes::CatalogueSource;
use crosshedge_app::progress::{Progress, Silent};

use super::Ctx;
use crate::cli::ClaimsArgs;
use crate::output;
use crate::render::claims::render;

impl From<&ClaimsArgs> for ClaimsRequest {
    fn from(a: &ClaimsArgs) -> Self {
        Self {
            targets: a.targets.clone(),
            hedge: a.hedge.clone(),
            align: a.align,
            vix: a.vix.clone(),
            claims_file: a.claims.clone(),
            no_builtin_claims: a.no_builtin_claims,
            catalogue: CatalogueSource { file: a.catalogue.clone(), no_builtin: a.no_builtin },
            bootstrap: a.bootstrap,
            seed: a.seed,
            paths: a.paths,
        }
    }
}

pub fn run(ctx: &Ctx, a: ClaimsArgs) -> anyhow::Result<()> {
    // A bar over the claim rows (indicatif draws nothing when stderr is not a terminal); none
    // with --json.
    let bar;
    let progress: &dyn Progress = if ctx.json {
        &Silent
    } else {
        bar = crate::progress::Bar::new(1);
        &bar
    };
    let out = crosshedge_app::claims::run(&ctx.workspace(), &(&a).into(), progress)?;
    // The human table lists the warnings itself; with --json they go to stderr too.
    if ctx.json {
        for w in &out.warnings {
            eprintln!("warning: {w}");
        }
    }
    output::print(ctx.json, &out, render)
}
