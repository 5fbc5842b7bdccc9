//! `crosshedge demo`: the calibrated demo market end to end.

use super::Ctx;
use crate::cli::DemoArgs;

pub fn run(_ctx: &Ctx, _a: DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("the demo market generator is not wired in yet")
}
