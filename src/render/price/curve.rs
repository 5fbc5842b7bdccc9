//! The human table of `crosshedge price vix-curve`.

use crosshedge_app::price::curve::CurveResponse;

use crate::output::{self, num, pct, serde_name};

/// The contracts, the 30-day constant maturity, the roll yield and the shape.
pub fn render(out: &CurveResponse) -> String {
    let file = &out.file;
    let s = &out.summary;
    let mut t = output::table(&["expiry", "days to expiry", "settle"]);
    for p in &s.points {
        t.add_row(vec![p.expiry.to_string(), p.days_to_expiry.to_string(), num(p.settle, 4)]);
    }
    let cm = &s.constant_maturity_30d;
    format!(
        "VIX futures curve on {} ({file})\n{t}\n30-day constant maturity: {}{}\n\
         front roll yield: {} a year; slope {} VIX points per day; {}",
        s.date,
        num(cm.price, 4),
        if cm.extrapolated { " (extrapolated)" } else { "" },
        pct(s.roll_yield_ann, 2),
        num(s.slope_per_day, 5),
        serde_name(&s.shape)
    )
}
