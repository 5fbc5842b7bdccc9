//! `crosshedge price parity`.

use std::path::PathBuf;

use clap::Args;
use crosshedge_data::DataError;
use crosshedge_pricing::parity::{
    parse_chain_csv, scan_chain, ParityMarket, ParityViolation, Underlying,
};
use crosshedge_pricing::PricingError;
use serde::Serialize;

use super::{date_flag, finite, non_negative, num, positive, pricing_err, usage};
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

#[derive(Serialize)]
struct ParityOut {
    file: String,
    as_of: chrono::NaiveDate,
    market: ParityMarket,
    rows: usize,
    violations: Vec<ParityViolation>,
}

pub fn run(ctx: &Ctx, a: ParityArgs) -> anyhow::Result<()> {
    let file = a.chain.display().to_string();
    let f = std::fs::File::open(&a.chain).map_err(|e| DataError::File {
        file: file.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let rows = parse_chain_csv(std::io::BufReader::new(f)).map_err(|e| match e {
        PricingError::Csv { line, column, message } => {
            if column == 0 {
                anyhow::Error::new(DataError::File {
                    file: file.clone(),
                    message: format!("line {line}: {message}"),
                })
            } else {
                anyhow::Error::new(DataError::Input {
                    file: file.clone(),
                    line,
                    column,
                    column_name: None,
                    message,
                })
            }
        }
        other => pricing_err(other),
    })?;
    if rows.is_empty() {
        return Err(DataError::File { file, message: "no chain rows".into() }.into());
    }
    let (underlying, bid, ask) = match (a.spot, a.spot_bid, a.spot_ask, a.future) {
        (Some(s), None, None, None) => {
            let s = positive("spot", s)?;
            (Underlying::Spot { div_yield: finite("div-yield", a.div_yield)? }, s, s)
        }
        (None, Some(b), Some(k), None) => {
            let (b, k) = (positive("spot-bid", b)?, positive("spot-ask", k)?);
            if b > k {
                return Err(usage(format!("--spot-bid {b} is above --spot-ask {k}")));
            }
            (Underlying::Spot { div_yield: finite("div-yield", a.div_yield)? }, b, k)
        }
        (None, None, None, Some(f)) => {
            let f = positive("future", f)?;
            (Underlying::Future, f, f)
        }
        _ => return Err(usage("give --spot S, --spot-bid B --spot-ask A, or --future F")),
    };
    let rate = finite("rate", a.rate)?;
    let as_of = match (&a.as_of, a.expiry_days) {
        (Some(d), None) => date_flag("as-of", d)?,
        (None, Some(days)) => {
            if days < 0 {
                return Err(usage(format!("--expiry-days must be >= 0, got {days}")));
            }
            let first = rows[0].expiry;
            if let Some(r) = rows.iter().find(|r| r.expiry != first) {
                return Err(usage(format!(
                    "{file} has several expiries ({first}, {}): give --as-of DATE instead of --expiry-days",
                    r.expiry
                )));
            }
            first - chrono::Duration::days(days)
        }
        _ => return Err(usage("give the valuation date: --as-of DATE (or --expiry-days D)")),
    };
    let market = ParityMarket {
        underlying,
        underlying_bid: bid,
        underlying_ask: ask,
        as_of,
        borrow_rate: finite("borrow-rate", a.borrow_rate.unwrap_or(rate))?,
        lend_rate: finite("lend-rate", a.lend_rate.unwrap_or(rate))?,
        commission_per_leg: non_negative("commission", a.commission)?,
    };
    let violations = scan_chain(&rows, &market).map_err(pricing_err)?;
    let out = ParityOut { file, as_of, market, rows: rows.len(), violations };
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
