//! `crosshedge price parity`.

use std::path::PathBuf;

use clap::Args;
use crosshedge_app::price::date_flag;
use crosshedge_app::price::parity::ParityRequest;
use crosshedge_pricing::parity::Underlying;

use super::num;
use crate::cmd::Ctx;
use crate::output::{self, pct, serde_name};

/// `crosshedge price parity`.
#[derive(Debug, Args)]
pub struct ParityArgs {
    /// Chain CSV with columns strike, expiry, call_bid, call_ask, put_bid, put_ask.
    #[arg(long)]
    pub chain: PathBuf,
    /// Spot price (both sides; see --spot-bid/--spot-ask).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "future")]
    pub spot: Option<f64>,
    /// Spot bid (with --spot-ask, instead of --spot).
    #[arg(long, allow_negative_numbers = true, requires = "spot_ask", conflicts_with_all = ["spot", "future"])]
    pub spot_bid: Option<f64>,
    /// Spot ask.
    #[arg(long, allow_negative_numbers = true, requires = "spot_bid")]
    pub spot_ask: Option<f64>,
    /// Futures price of the chain's expiry (options on a future, e.g. VIX), instead of spot.
    #[arg(long, allow_negative_numbers = true)]
    pub future: Option<f64>,
    /// Continuously compounded rate for both borrowing and lending, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub rate: f64,
    /// Borrowing rate of a conversion when it differs from --rate.
    #[arg(long, allow_negative_numbers = true)]
    pub borrow_rate: Option<f64>,
    /// Lending rate of a reversal when it differs from --rate.
    #[arg(long, allow_negative_numbers = true)]
    pub lend_rate: Option<f64>,
    /// Continuous dividend yield, decimal (spot underlyings).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub div_yield: f64,
    /// Valuation date YYYY-MM-DD.
    #[arg(long, conflicts_with = "expiry_days")]
    pub as_of: Option<String>,
    /// Days to expiry (a chain with a single expiry; sets the valuation date that many days
    /// before it).
    #[arg(long, allow_negative_numbers = true)]
    pub expiry_days: Option<i64>,
    /// Commission per leg per unit (three legs per trade).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub commission: f64,
}

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
