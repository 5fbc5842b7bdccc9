//! `crosshedge series`: list the store's series, show one, list imports, or list the
//! revisions of one.

use crosshedge_app::series::{RevisionsRequest, SeriesAction, SeriesRequest, ShowRequest};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::{SeriesAction as Action, SeriesArgs};
use crate::output;
use crate::render::series::render;

/// The request of `args`; the dates are checked here (`--from 'x' is not a date ...`).
pub fn request(a: &SeriesArgs) -> anyhow::Result<SeriesRequest> {
    let action = match &a.action {
        None => SeriesAction::List,
        Some(Action::Show { name, from, to }) => {
            SeriesAction::Show(ShowRequest { name: name.clone(), from: *from, to: *to })
        }
        Some(Action::Imports) => SeriesAction::Imports,
        Some(Action::Revisions { name, date }) => {
            SeriesAction::Revisions(RevisionsRequest { name: name.clone(), date: *date })
        }
    };
    Ok(SeriesRequest { action })
}

pub fn run(ctx: &Ctx, a: SeriesArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let res = crosshedge_app::series::run(&ctx.workspace(), &req, &Silent)?;
    output::print(ctx.json, &res, render)
}
