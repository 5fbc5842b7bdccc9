//! `crosshedge export`: an aligned panel of returns or levels to CSV.

use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::returns::ReturnKind;
use crosshedge_core::series::Series;
use crosshedge_data::export::{levels_csv, returns_csv, write_atomic};
use crosshedge_data::store::Store;
use serde::Serialize;

use super::{parse_date_flag, Ctx};
use crate::cli::ExportArgs;

#[derive(Serialize)]
struct Exported {
    out: String,
    policy: String,
    periods_per_year: f64,
    returns: Option<String>,
    rows: usize,
    columns: Vec<String>,
}

pub fn run(ctx: &Ctx, a: ExportArgs) -> anyhow::Result<()> {
    let policy: AlignPolicy = a.align.parse()?;
    let kind: ReturnKind = a.returns.parse()?;
    let (from, to) = (parse_date_flag("from", &a.from)?, parse_date_flag("to", &a.to)?);
    let store = Store::open_existing(&ctx.store)?;
    let series: Vec<Series> =
        a.names.iter().map(|n| store.load(n, from, to)).collect::<Result<_, _>>()?;
    let refs: Vec<&Series> = series.iter().collect();
    let panel = align(&refs, policy)?;
    let (text, rows, returns) = if a.levels {
        (levels_csv(&panel), panel.len(), None)
    } else {
        let r = panel.returns(kind)?;
        (returns_csv(&r), r.len(), Some(kind.to_string()))
    };
    write_atomic(&a.out, text.as_bytes())?;
    let info = Exported {
        out: a.out.display().to_string(),
        policy: policy.to_string(),
        periods_per_year: policy.periods_per_year(),
        returns,
        rows,
        columns: a.names.clone(),
    };
    if ctx.json {
        return crate::output::print_json(&info);
    }
    println!(
        "wrote {} rows of {} ({}, alignment {}, {} periods/year) to {}",
        info.rows,
        info.columns.join(", "),
        info.returns.as_deref().map_or("levels".to_string(), |k| format!("{k} returns")),
        info.policy,
        info.periods_per_year,
        info.out
    );
    Ok(())
}
