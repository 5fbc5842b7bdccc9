//! `crosshedge series`: list the store's series, show one, or list imports.

use crosshedge_data::store::Store;
use serde::Serialize;

use super::{parse_date_flag, Ctx};
use crate::cli::{SeriesAction, SeriesArgs};
use crate::output;

#[derive(Serialize)]
struct Shown<'a> {
    name: &'a str,
    calendar: String,
    unit: String,
    observations: Vec<(String, f64)>,
}

pub fn run(ctx: &Ctx, a: SeriesArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    match a.action {
        None => {
            let list = store.list()?;
            if ctx.json {
                return output::print_json(&list);
            }
            let mut t =
                output::table(&["name", "calendar", "unit", "first", "last", "rows", "source"]);
            for s in &list {
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
        Some(SeriesAction::Show { name, from, to }) => {
            let s =
                store.load(&name, parse_date_flag("from", &from)?, parse_date_flag("to", &to)?)?;
            if ctx.json {
                return output::print_json(&Shown {
                    name: &s.name,
                    calendar: s.calendar.to_string(),
                    unit: s.unit.to_string(),
                    observations: s
                        .dates()
                        .iter()
                        .map(|d| d.to_string())
                        .zip(s.values().iter().copied())
                        .collect(),
                });
            }
            println!("{} ({}, {}, {} observations)", s.name, s.calendar, s.unit, s.len());
            let mut t = output::table(&["date", "value"]);
            for (d, v) in s.dates().iter().zip(s.values()) {
                t.add_row(vec![d.to_string(), format!("{v}")]);
            }
            output::emit(&t.to_string());
        }
        Some(SeriesAction::Imports) => {
            let imports = store.imports()?;
            if ctx.json {
                return output::print_json(&imports);
            }
            let mut t =
                output::table(&["id", "file", "rows", "series", "imported_at (UTC)", "sha256"]);
            for i in &imports {
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
