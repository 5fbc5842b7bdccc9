//! `crosshedge series`: list the store's series, show one, or list imports.

use crosshedge_app::series::{SeriesAction, SeriesRequest, SeriesResponse, ShowRequest};
use crosshedge_app::Silent;

use super::{parse_date_flag, Ctx};
use crate::cli::{SeriesAction as Action, SeriesArgs};
use crate::output;

/// The request of `args`; the dates are checked here (`--from 'x' is not a date ...`).
pub fn request(a: &SeriesArgs) -> anyhow::Result<SeriesRequest> {
    let action = match &a.action {
        None => SeriesAction::List,
        Some(Action::Show { name, from, to }) => SeriesAction::Show(ShowRequest {
            name: name.clone(),
            from: parse_date_flag("from", from)?,
            to: parse_date_flag("to", to)?,
        }),
        Some(Action::Imports) => SeriesAction::Imports,
    };
    Ok(SeriesRequest { action })
}

pub fn run(ctx: &Ctx, a: SeriesArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let res = crosshedge_app::series::run(&ctx.workspace(), &req, &Silent)?;
    if ctx.json {
        return output::print_json(&res);
    }
    match &res {
        SeriesResponse::List(list) => {
            let mut t =
                output::table(&["name", "calendar", "unit", "first", "last", "rows", "source"]);
            for s in list {
                t.add_row(vec![
                    s.name.clone(),
                    s.calendar.to_string(),
                    s.unit.to_string(),
                    output::date_or_dash(s.first),
                    output::date_or_dash(s.last),
                    s.rows.to_string(),
                    s.source.clone(),
                ]);
            }
            output::emit(&t.to_string());
        }
        SeriesResponse::Show(s) => {
            println!(
                "{} ({}, {}, {} observations)",
                s.name,
                s.calendar,
                s.unit,
                s.observations.len()
            );
            let mut t = output::table(&["date", "value"]);
            for (d, v) in &s.observations {
                t.add_row(vec![d.clone(), format!("{v}")]);
            }
            output::emit(&t.to_string());
        }
        SeriesResponse::Imports(imports) => {
            let mut t =
                output::table(&["id", "file", "rows", "series", "imported_at (UTC)", "sha256"]);
            for i in imports {
                t.add_row(vec![
                    i.id.to_string(),
                    i.file_name.clone(),
                    i.rows.to_string(),
                    i.series.clone(),
                    i.imported_at.clone(),
                    i.sha256.clone(),
                ]);
            }
            output::emit(&t.to_string());
        }
    }
    Ok(())
}
