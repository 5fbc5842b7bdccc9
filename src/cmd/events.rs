//! `crosshedge events`: VIX and crypto moves and correlation around FOMC, CPI and PPI dates.

use crosshedge_app::events::{EventSources, EventsRequest};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::{self, EventsArgs};
use crate::output;
use crate::render::events::render;

impl From<&cli::EventSources> for EventSources {
    fn from(s: &cli::EventSources) -> Self {
        Self { events_file: s.events_file.clone(), pre: s.pre, post: s.post }
    }
}

/// The app's request for `a`.
fn request(a: &EventsArgs) -> anyhow::Result<EventsRequest> {
    Ok(EventsRequest { pair: a.pair.request()?, sources: (&a.sources).into() })
}

pub fn run(ctx: &Ctx, a: EventsArgs) -> anyhow::Result<()> {
    // The events flags' `--data-dir` and the global one share clap's id `data_dir`, so clap
    // fills both with the same value (flag, `CROSSHEDGE_DATA_DIR` or the default, before or
    // after the subcommand): the workspace's data directory is the one the calendar always read.
    let out = crosshedge_app::events::run(&ctx.workspace(), &request(&a)?, &Silent)?;
    if ctx.json {
        return output::print_json(&out);
    }
    output::emit(&render(&out));
    Ok(())
}
