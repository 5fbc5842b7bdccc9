//! `crosshedge signals`: MACD (12, 26, 9) and Wilder RSI (14) on the VIX, and how early each
//! signal warns of a move into the stress band. NYSE days only (holiday prints dropped).

use crosshedge_app::signals::{SignalsRequest, SignalsResponse};
use crosshedge_app::Silent;

use super::Ctx;
use crate::cli::SignalsArgs;
use crate::output;
use crate::render::signals::render;

impl From<&SignalsArgs> for SignalsRequest {
    fn from(a: &SignalsArgs) -> Self {
        Self {
            series: a.series.clone(),
            horizon: a.horizon,
            stress_above: a.stress_above,
            last: a.last,
        }
    }
}

pub fn run(ctx: &Ctx, a: SignalsArgs) -> anyhow::Result<()> {
    let out: SignalsResponse =
        crosshedge_app::signals::run(&ctx.workspace(), &SignalsRequest::from(&a), &Silent)?;
    output::print(ctx.json, &out, render)
}
