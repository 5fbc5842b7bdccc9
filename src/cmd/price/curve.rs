//! `crosshedge price vix-curve`.

use std::path::{Path, PathBuf};

use clap::Args;
use crosshedge_data::futures::parse_futures_csv;
use crosshedge_data::DataError;
use crosshedge_pricing::vix::{VixCurve, VixCurveSummary, VixFuturesRow};
use crosshedge_pricing::PricingError;
use serde::Serialize;

use super::{date_flag, num, pricing_err, usage};
use crate::cmd::Ctx;
use crate::output::{self, pct, serde_name};

/// `crosshedge price vix-curve`.
#[derive(Debug, Args)]
pub struct CurveArgs {
    /// The curve date YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// A CSV with at least date, expiry, settle columns (one row per contract and day).
    #[arg(long, default_value = "../shared/data/vix_futures_contracts_daily.csv")]
    pub contracts: PathBuf,
}

#[derive(Serialize)]
struct CurveOut<'a> {
    file: &'a str,
    #[serde(flatten)]
    summary: VixCurveSummary,
}

/// Reads a futures settlement file into pricing rows; returns the file name as displayed.
pub fn load_rows(path: &Path) -> anyhow::Result<(String, Vec<VixFuturesRow>)> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| DataError::File {
        file: file.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let rows = parse_futures_csv(std::io::BufReader::new(f), &file)?;
    let rows = rows
        .into_iter()
        .map(|r| VixFuturesRow { date: r.date, expiry: r.expiry, settle: r.settle })
        .collect();
    Ok((file, rows))
}

pub fn run(ctx: &Ctx, a: CurveArgs) -> anyhow::Result<()> {
    let date = date_flag("date", &a.date)?;
    let (file, rows) = load_rows(&a.contracts)?;
    let curve = VixCurve::on_date(&rows, date).map_err(|e| match e {
        PricingError::InsufficientData { what } => {
            let quoted = rows.iter().filter(|r| r.date == date && r.expiry > date).count();
            if quoted == 0 {
                let before = rows.iter().filter(|r| r.date < date).map(|r| r.date).max();
                let after = rows.iter().filter(|r| r.date > date).map(|r| r.date).min();
                let near = [before, after]
                    .iter()
                    .flatten()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(" and ");
                usage(format!(
                    "{file}: no vix futures quoted on {date} (not a trading day, or outside the file){}",
                    if near.is_empty() { String::new() } else { format!("; nearest dates: {near}") }
                ))
            } else {
                anyhow::anyhow!("{file}: {what}")
            }
        }
        other => pricing_err(other),
    })?;
    let out = CurveOut { file: &file, summary: curve.summary() };
    if ctx.json {
        return output::print_json(&out);
    }
    let s = &out.summary;
    let mut t = output::table(&["expiry", "days to expiry", "settle"]);
    for p in &s.points {
        t.add_row(vec![p.expiry.to_string(), p.days_to_expiry.to_string(), num(p.settle, 4)]);
    }
    let cm = &s.constant_maturity_30d;
    output::emit(&format!(
        "VIX futures curve on {} ({file})\n{t}\n30-day constant maturity: {}{}\n\
         front roll yield: {} a year; slope {} VIX points per day; {}",
        s.date,
        num(cm.price, 4),
        if cm.extrapolated { " (extrapolated)" } else { "" },
        pct(s.roll_yield_ann, 2),
        num(s.slope_per_day, 5),
        serde_name(&s.shape)
    ));
    Ok(())
}
