//! The human tables of `crosshedge series`: the list, one series, the imports, or the
//! revisions of one series.

use crosshedge_app::series::SeriesResponse;

use crate::output;

/// The human table (for `show`, a header line and the observations).
pub fn render(res: &SeriesResponse) -> String {
    match res {
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
            t.to_string()
        }
        SeriesResponse::Show(s) => {
            let mut t = output::table(&["date", "value"]);
            for (d, v) in &s.observations {
                t.add_row(vec![d.clone(), format!("{v}")]);
            }
            format!(
                "{} ({}, {}, {} observations)\n{t}",
                s.name,
                s.calendar,
                s.unit,
                s.observations.len()
            )
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
            t.to_string()
        }
        SeriesResponse::Revisions(r) => {
            let mut t = output::table(&[
                "date",
                "revision",
                "value",
                "current",
                "import",
                "file",
                "imported_at (UTC)",
                "sha256",
            ]);
            for x in &r.revisions {
                t.add_row(vec![
                    x.date.to_string(),
                    x.revision.to_string(),
                    format!("{}", x.value),
                    if x.current { "yes" } else { "no" }.to_string(),
                    x.import_id.to_string(),
                    x.file.clone(),
                    x.imported_at.clone(),
                    x.sha256.clone(),
                ]);
            }
            format!("{} ({} revisions)\n{t}", r.name, r.revisions.len())
        }
    }
}
