//! `crosshedge demo`: generate the calibrated demo market, import it through the ordinary
//! import path into a fresh store, and run every analysis that exists on it (the job:
//! `crosshedge_app::demo`).

use crosshedge_app::demo::DemoRequest;

use super::{now, Ctx};
use crate::cli::DemoArgs;
use crate::output;
use crate::render::demo::render;

impl DemoArgs {
    /// The app's request; the store's import records and the report carry `generated_at`.
    /// `store` is the global `--store` when it is not the default (`crosshedge.db`).
    pub fn request(
        &self,
        generated_at: chrono::DateTime<chrono::Utc>,
        store: &std::path::Path,
    ) -> DemoRequest {
        let given = store != std::path::Path::new("crosshedge.db");
        DemoRequest {
            out: self.out.clone(),
            seed: self.seed,
            bootstrap: self.bootstrap,
            stress_paths: self.stress_paths,
            generated_at,
            force: self.force,
            store: given.then(|| store.to_path_buf()),
        }
    }
}

pub fn run(ctx: &Ctx, a: DemoArgs) -> anyhow::Result<()> {
    // A bar on stress runs of 200,000 paths or more; none with --json.
    let bar = crate::progress::Bar::new(if ctx.json { u64::MAX } else { 200_000 });
    let out = crosshedge_app::demo::run(&ctx.data_dir, &a.request(now(), &ctx.store), &bar)?;
    output::print(ctx.json, &out, render)
}
