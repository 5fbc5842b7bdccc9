//! `crosshedge import`: one CSV file or a whole manifest into the store.

use crosshedge_app::import::{ImportRequest, SeriesColumn};
use crosshedge_app::Silent;
use crosshedge_data::store::OnConflict;

use super::{now_utc, Ctx};
use crate::cli::ImportArgs;
use crate::exit::UsageError;
use crate::output;
use crate::render::import::{conflicts_note, render};

/// The request of `args`, stamped `imported_at`. The series, calendar and unit flags are read
/// only when they are used (one file, no futures, no manifest), as they always were.
pub fn request(a: &ImportArgs, imported_at: String) -> anyhow::Result<ImportRequest> {
    let on_conflict: OnConflict = a.on_conflict.parse()?;
    let mut req = ImportRequest {
        file: a.file.clone(),
        futures: a.futures.clone(),
        date_column: a.date_column.clone(),
        date_format: a.date_format.clone(),
        scale: a.scale,
        on_conflict,
        manifest: a.manifest.clone(),
        allow_bad_expiry: a.allow_bad_expiry,
        format: a.format,
        imported_at,
        ..ImportRequest::default()
    };
    // With --allow-bad-expiry on one series file the job refuses the request first.
    if a.manifest.is_none() && a.futures.is_none() && !a.allow_bad_expiry {
        for s in &a.series {
            let (n, c) = s
                .split_once('=')
                .ok_or_else(|| UsageError(format!("--series '{s}' is not NAME=COLUMN")))?;
            if n.is_empty() || c.is_empty() {
                return Err(UsageError(format!("--series '{s}' is not NAME=COLUMN")).into());
            }
            req.series
                .push(SeriesColumn { name: n.trim().to_string(), column: c.trim().to_string() });
        }
        req.calendar = a.calendar.parse()?;
        req.unit = a.unit.parse()?;
    }
    Ok(req)
}

pub fn run(ctx: &Ctx, a: ImportArgs) -> anyhow::Result<()> {
    let req = request(&a, now_utc())?;
    let mut ws = ctx.workspace();
    let res = crosshedge_app::import::run(&mut ws, &req, &Silent)?;
    for w in &res.warnings {
        eprintln!("warning: {w}");
    }
    if ctx.json {
        return output::print_json(&res);
    }
    for f in &res.futures {
        eprintln!(
            "futures {}: {} settlements from {} ({} new, {} unchanged, {} differing)",
            f.root, f.rows, f.file, f.new, f.unchanged, f.conflicts
        );
    }
    output::emit(&render(&res));
    if let Some(note) = conflicts_note(&res, req.on_conflict) {
        eprintln!("{note}");
    }
    println!("store: {}", ctx.store.display());
    Ok(())
}
