//! `crosshedge import`: one CSV file or a whole manifest into the store.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::Context;
use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_data::derived::derived_import;
use crosshedge_data::futures::{
    parse_futures_csv_with, ExpiryRule, FutureRow, FuturesOptions, ParsedFutures,
};
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

/// Parses a futures settlement file of VX contracts with the strict checks, and its SHA-256.
pub fn parse_futures_file(path: &Path) -> Result<(Vec<FutureRow>, String), DataError> {
    let (parsed, sha) = parse_futures_file_with(path, &FuturesOptions::default())?;
    Ok((parsed.rows, sha))
}

/// Parses a futures settlement file with `opts`, and its SHA-256.
pub fn parse_futures_file_with(
    path: &Path,
    opts: &FuturesOptions,
) -> Result<(ParsedFutures, String), DataError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| DataError::File {
        file: name.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let parsed = parse_futures_csv_with(bytes.as_slice(), &name, opts)?;
    Ok((parsed, crosshedge_data::import::sha256_hex(&bytes)))
}

/// The parser options of `import` for contract root `root`: the root's expiry rule, and
/// `--allow-bad-expiry`.
fn futures_options(root: &str, allow_bad_expiry: bool) -> FuturesOptions {
    FuturesOptions {
        rule: ExpiryRule::for_root(root),
        allow_bad_expiry,
        allow_hint: Some("--allow-bad-expiry".into()),
    }
}

pub fn run(ctx: &Ctx, a: ImportArgs) -> anyhow::Result<()> {
    let on_conflict: OnConflict = a.on_conflict.parse()?;
    // Futures settlement files: parsed first, written in one transaction each.
    let mut futures_jobs: Vec<(String, String, ParsedFutures, String)> = Vec::new();
    if a.allow_bad_expiry && a.futures.is_none() && a.manifest.is_none() {
        return Err(UsageError(
            "--allow-bad-expiry applies to futures files: give --futures ROOT or --manifest".into(),
        )
        .into());
    }
    if let (Some(root), Some(file)) = (&a.futures, &a.file) {
        let (parsed, sha) =
            parse_futures_file_with(file, &futures_options(root, a.allow_bad_expiry))?;
        futures_jobs.push((root.clone(), file.display().to_string(), parsed, sha));
    }
    // Parse everything before opening the store, so bad input never touches it.
    let mut jobs: Vec<(String, ParsedImport)> = Vec::new();
    if let Some(m) = &a.manifest {
        let (manifest, dir) = Manifest::load(m)?;
        for f in &manifest.futures {
            let path = dir.join(&f.path);
            let (parsed, sha) =
                parse_futures_file_with(&path, &futures_options(&f.root, a.allow_bad_expiry))?;
            futures_jobs.push((f.root.clone(), path.display().to_string(), parsed, sha));
        }
        for f in &manifest.files {
            let path = dir.join(&f.path);
            let parsed = parse_file(&path, &f.spec()?)?;
            jobs.push((path.display().to_string(), parsed));
        }
        // Derived series, from the parsed inputs (still nothing written).
        for spec in &manifest.derived {
            let inputs: Vec<(&Series, &str)> = spec
                .inputs()
                .iter()
                .map(|name| {
                    jobs.iter()
                        .find_map(|(_, p)| {
                            p.series
                                .iter()
                                .find(|s| &s.series.name == name)
                                .map(|s| (&s.series, p.sha256.as_str()))
                        })
                        .ok_or_else(|| {
                            UsageError(format!(
                                "[[derived]] {}: input '{name}' is not a series of the manifest",
                                spec.name
                            ))
                        })
                })
                .collect::<Result<_, _>>()?;
            let parsed = derived_import(spec, &inputs)?;
            jobs.push((spec.formula(), parsed));
        }
    } else if a.futures.is_none() {
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
    let mut fut = Vec::new();
    for (root, path, parsed, sha) in &futures_jobs {
        for w in &parsed.warnings {
            eprintln!("warning: {w}");
        }
        fut.push(store.import_futures(root, &parsed.rows, path, path, sha, &at, on_conflict)?);
    }
    if ctx.json {
        if fut.is_empty() {
            return output::print_json(&summaries);
        }
        return output::print_json(&serde_json::json!({ "series": summaries, "futures": fut }));
    }
    for f in &fut {
        eprintln!(
            "futures {}: {} settlements from {} ({} new, {} unchanged, {} differing)",
            f.root, f.rows, f.file, f.new, f.unchanged, f.conflicts
        );
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
