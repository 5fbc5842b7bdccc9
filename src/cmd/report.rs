//! `crosshedge report`: the whole pipeline rendered into one self-contained HTML file plus the
//! JSON behind it (the job: `crosshedge_app::report`).

use crosshedge_app::episodes::CatalogueSource;
use crosshedge_app::report::{ReportRequest, Written};

use super::{now, Ctx};
use crate::cli::ReportArgs;
use crate::output;
use crate::render::report::render;

impl ReportArgs {
    /// The app's request; the report's header carries `generated_at`.
    pub fn request(&self, generated_at: chrono::DateTime<chrono::Utc>) -> ReportRequest {
        ReportRequest {
            out: self.out.clone(),
            book: self.book.as_str().into(),
            targets: self.targets.clone(),
            hedge: self.hedge.clone(),
            catalogue: CatalogueSource {
                file: self.catalogue.clone(),
                no_builtin: self.no_builtin,
            },
            bootstrap: self.bootstrap,
            paths: self.paths,
            seed: self.seed,
            window: self.window,
            generated_at,
        }
    }
}

pub fn run(ctx: &Ctx, a: ReportArgs) -> anyhow::Result<()> {
    // A bar on stress runs of 200,000 paths or more; none with --json.
    let bar = crate::progress::Bar::new(if ctx.json { u64::MAX } else { 200_000 });
    let w: Written = crosshedge_app::report::run(&ctx.workspace(), &a.request(now()), &bar)?;
    for n in &w.notes {
        eprintln!("note: {n}");
    }
    if ctx.json {
        return output::print_json(&w);
    }
    output::emit(&render(&w));
    Ok(())
}
