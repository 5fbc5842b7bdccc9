//! `crosshedge price parity`.

use crosshedge_app::price::date_flag;
use crosshedge_app::price::parity::ParityRequest;
use crosshedge_pricing::parity::Underlying;

use crate::cli::price::ParityArgs;
use crate::cmd::Ctx;
use crate::output::{self, num, pct, serde_name};

pub fn run(ctx: &Ctx, a: ParityArgs) -> anyhow::Result<()> {
    let req = ParityRequest {
        chain: Some(a.chain.clone()),
        spot: a.spot,
        spot_bid: a.spot_bid,
        spot_ask: a.spot_ask,
        future: a.future,
        rate: a.rate,
        borrow_rate: a.borrow_rate,
        lend_rate: a.lend_rate,
        div_yield: a.div_yield,
        as_of: a.as_of.as_deref().map(|d| date_flag("as-of", d)).transpose()?,
        expiry_days: a.expiry_days,
        commission: a.commission,
    };
    let out = crosshedge_app::price::parity::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    let (as_of, market) = (out.as_of, out.market);
    let (underlying, bid, ask) = (market.underlying, market.underlying_bid, market.underlying_ask);
    if ctx.json {
        return output::print_json(&out);
    }
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
    output::emit(&s);
    Ok(())
}
