//! `crosshedge import`: one CSV file or a whole manifest into the store.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::Context;
use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::import::{parse_csv, ImportSpec, ParsedImport};
use crosshedge_data::manifest::Manifest;
use crosshedge_data::store::{ImportSummary, OnConflict, Store};
use crosshedge_data::DataError;

use super::{now_utc, Ctx};
use crate::cli::ImportArgs;
use crate::exit::UsageError;
use crate::output;

/// Parses one file with `spec`, naming the file as the user gave it.
pub fn parse_file(path: &Path, spec: &ImportSpec) -> Result<ParsedImport, DataError> {
    let name = path.display().to_string();
    let f = File::open(path).map_err(|e| DataError::File {
        file: name.clone(),
        message: format!("cannot open: {e}"),
    })?;
    parse_csv(BufReader::with_capacity(1 << 16, f), &name, spec)
}

pub fn run(ctx: &Ctx, a: ImportArgs) -> anyhow::Result<()> {
    let on_conflict: OnConflict = a.on_conflict.parse()?;
    // Parse everything before opening the store, so bad input never touches it.
    let mut jobs: Vec<(String, ParsedImport)> = Vec::new();
    if let Some(m) = &a.manifest {
        let (manifest, dir) = Manifest::load(m)?;
        for f in &manifest.files {
            let path = dir.join(&f.path);
            let parsed = parse_file(&path, &f.spec()?)?;
            jobs.push((path.display().to_string(), parsed));
        }
    } else {
        let file = a.file.as_ref().ok_or_else(|| UsageError("give a FILE or --manifest".into()))?;
        let mut pairs = Vec::new();
        for s in &a.series {
            let (n, c) = s
                .split_once('=')
                .ok_or_else(|| UsageError(format!("--series '{s}' is not NAME=COLUMN")))?;
            if n.is_empty() || c.is_empty() {
                return Err(UsageError(format!("--series '{s}' is not NAME=COLUMN")).into());
            }
            pairs.push((n.trim().to_string(), c.trim().to_string()));
        }
        let calendar: Calendar = a.calendar.parse()?;
        let unit: SeriesUnit = a.unit.parse()?;
        let mut spec = ImportSpec::new(pairs, calendar, unit);
        spec.date_column = a.date_column.clone();
        spec.date_format = a.date_format.clone();
        let parsed = parse_file(file, &spec)?;
        jobs.push((file.display().to_string(), parsed));
    }
    let mut store = Store::open(&ctx.store)
        .with_context(|| format!("opening store {}", ctx.store.display()))?;
    let at = now_utc();
    let mut summaries: Vec<ImportSummary> = Vec::new();
    for (path, parsed) in &jobs {
        for w in &parsed.warnings {
            eprintln!("warning: {w}");
        }
        summaries.push(store.import(parsed, path, &at, on_conflict)?);
    }
    if ctx.json {
        return output::print_json(&summaries);
    }
    let mut t =
        output::table(&["file", "rows", "series", "new", "unchanged", "conflicts", "sha256"]);
    for s in &summaries {
        for c in &s.series {
            t.add_row(vec![
                s.file.clone(),
                s.rows.to_string(),
                c.name.clone(),
                c.new.to_string(),
                c.unchanged.to_string(),
                c.conflicts.to_string(),
                s.sha256[..16].to_string(),
            ]);
        }
    }
    output::emit(&t.to_string());
    let conflicts: u64 = summaries.iter().flat_map(|s| &s.series).map(|c| c.conflicts).sum();
    if conflicts > 0 {
        eprintln!(
            "note: {conflicts} values differed from the store; policy {on_conflict:?} ({})",
            match on_conflict {
                OnConflict::Keep => "stored values stay current; new ones kept as revisions",
                OnConflict::Replace => "new values are current; old ones kept as revisions",
                OnConflict::Fail => "refused",
            }
        );
    }
    println!("store: {}", ctx.store.display());
    Ok(())
}
