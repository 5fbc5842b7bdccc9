//! The human table of `crosshedge price parity`.

use crosshedge_app::price::parity::ParityResponse;
use crosshedge_pricing::parity::Underlying;

use crate::output::{self, num, pct, serde_name};

/// The market and the parity violations net of costs.
pub fn render(out: &ParityResponse) -> String {
    let (as_of, market) = (out.as_of, out.market);
    let (underlying, bid, ask) = (market.underlying, market.underlying_bid, market.underlying_ask);
    let mut s = format!(
        "put-call parity on {} ({} rows) as of {}, {} {}, rates {}/{} (borrow/lend), commission {} per leg\n",
        out.file,
        out.rows,
        as_of,
        match underlying {
            Underlying::Spot { .. } => "spot",
            Underlying::Future => "future",
        },
        if bid == ask { num(bid, 4) } else { format!("{}/{}", num(bid, 4), num(ask, 4)) },
        pct(market.borrow_rate, 2),
        pct(market.lend_rate, 2),
        num(market.commission_per_leg, 4)
    );
    if out.violations.is_empty() {
        s.push_str("no violations net of costs");
    } else {
        let mut t = output::table(&[
            "strike",
            "expiry",
            "trade",
            "edge",
            "lower bound",
            "upper bound",
            "conv edge",
            "rev edge",
        ]);
        for v in &out.violations {
            let c = &v.check;
            t.add_row(vec![
                num(c.strike, 4),
                c.expiry.to_string(),
                serde_name(&v.trade),
                num(v.edge, 4),
                num(c.lower_bound, 4),
                num(c.upper_bound, 4),
                num(c.conversion_edge, 4),
                num(c.reversal_edge, 4),
            ]);
        }
        s.push_str(&format!(
            "{} violations (edge per unit today, net of costs):\n{t}",
            out.violations.len()
        ));
    }
    s
}
