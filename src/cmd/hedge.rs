//! `crosshedge hedge`: size every layer of a hedge book from the hedge ratios measured in the
//! store, under the book's premium budget.

use crosshedge_app::hedge::HedgeRequest;
use crosshedge_app::measure::MeasureRequest;

use super::Ctx;
use crate::cli::{HedgeArgs, MeasureArgs};
use crate::output;
use crate::render::hedge::render;

impl From<&MeasureArgs> for MeasureRequest {
    fn from(a: &MeasureArgs) -> Self {
        Self {
            book: a.book.clone(),
            vix: a.vix.clone(),
            spx: a.spx.clone(),
            crypto: a.crypto.iter().map(|s| s.trim().to_string()).collect(),
            calm_below: a.calm_below,
            stress_above: a.stress_above,
            vol_of_vol: a.vol_of_vol,
            rate: a.rate,
            funding: a.funding,
            signals: a.signals.clone(),
            move_days: a.move_days,
            as_of: a.as_of,
            crypto_vol: a.crypto_vol.clone(),
            crypto_vol_settings: crosshedge_app::crypto_vol::CryptoVolSettings {
                skew: a.skew,
                iv_ratio: a.iv_ratio,
                ..Default::default()
            },
            ..Self::default()
        }
    }
}

impl From<&HedgeArgs> for HedgeRequest {
    fn from(a: &HedgeArgs) -> Self {
        Self { measure: (&a.measure).into() }
    }
}

pub fn run(ctx: &Ctx, a: HedgeArgs) -> anyhow::Result<()> {
    let out = crosshedge_app::hedge::run(&ctx.workspace(), &(&a).into(), &crosshedge_app::Silent)?;
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    output::print(ctx.json, &out, render)
}
