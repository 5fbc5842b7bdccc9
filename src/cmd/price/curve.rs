//! `crosshedge price vix-curve`.

use crosshedge_app::price::curve::CurveRequest;

use crate::cli::price::CurveArgs;
use crate::cmd::Ctx;
use crate::output::{self, num, pct, serde_name};

pub fn run(ctx: &Ctx, a: CurveArgs) -> anyhow::Result<()> {
    let req = CurveRequest {
        date: Some(crosshedge_app::price::date_flag("date", &a.date)?),
        contracts: a.contracts,
    };
    let out = crosshedge_app::price::curve::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    let file = &out.file;
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
