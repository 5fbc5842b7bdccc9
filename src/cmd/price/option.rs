//! `crosshedge price option`.

use crosshedge_app::price::option::{OptionModel, OptionRequest};
use crosshedge_app::price::parse_kind;

use crate::cli::price::OptionArgs;
use crate::cmd::Ctx;
use crate::exit::usage;
use crate::output::{self, num, pct};

/// The request of `a`: `--kind`, `--model` and the dates parsed here, every value checked by
/// the job.
fn request(a: &OptionArgs) -> anyhow::Result<OptionRequest> {
    let kind = parse_kind(&a.kind)?;
    let model = match a.model.as_deref() {
        None => None,
        Some("bs") => Some(OptionModel::Bs),
        Some("black76") => Some(OptionModel::Black76),
        Some(m) if a.vix => {
            return Err(usage(format!("--vix prices with black76, not --model {m}")))
        }
        Some(m) => return Err(usage(format!("--model '{m}': expected bs or black76"))),
    };
    let expiry = a.expiry.request()?;
    Ok(OptionRequest {
        model,
        kind,
        spot: a.spot,
        forward: a.forward,
        strike: a.strike,
        expiry,
        vol: a.vol,
        price: a.price,
        rate: a.rate,
        div_yield: a.div_yield,
        vix: a.vix,
        contracts: a.contracts.clone(),
    })
}

pub fn run(ctx: &Ctx, a: OptionArgs) -> anyhow::Result<()> {
    let req = request(&a)?;
    let out = crosshedge_app::price::option::run(&ctx.workspace(), &req, &crosshedge_app::Silent)?;
    let (kind, underlying_price, strike, rate, div_yield, market_price, vol, forward) = (
        out.kind,
        out.underlying_price,
        out.strike,
        out.rate_ann,
        out.div_yield_ann,
        out.market_price,
        out.vol_ann,
        out.forward,
    );
    let dividend_rho = out.dividend_rho;
    let at_lower_bound = out.vol_at_bound.is_some();
    let days = out.expiry_days;
    if ctx.json {
        return output::print_json(&out);
    }
    let on = match (a.vix, out.expiry) {
        (true, Some(e)) => format!("VIX option on the {e} VIX future"),
        (true, None) => "VIX option on the same-expiry VIX future".to_string(),
        (false, _) => format!("on {}", out.underlying),
    };
    let mut head = format!(
        "{} {} {} {} strike {}, {} days to expiry, rate {}",
        out.model,
        kind.as_str(),
        on,
        num(underlying_price, 4),
        num(strike, 4),
        num(days, 2),
        pct(rate, 2)
    );
    if let Some(q) = div_yield {
        head.push_str(&format!(", dividend yield {}", pct(q, 2)));
    }
    let mut t = output::table(&["", "value"]);
    if let Some(p) = market_price {
        t.add_row(vec!["market price".into(), num(p, 6)]);
        t.add_row(vec!["implied vol".into(), pct(vol, 4)]);
    } else {
        t.add_row(vec!["vol".into(), pct(vol, 2)]);
    }
    if out.underlying == "spot" {
        t.add_row(vec!["forward".into(), num(forward, 4)]);
    }
    let g = &out.greeks;
    for (name, v) in [
        ("price", g.price),
        ("delta", g.delta),
        ("gamma", g.gamma),
        ("vega (per 1.00 vol)", g.vega),
        ("vega per vol point", g.vega_per_vol_point),
        ("theta (per year)", g.theta),
        ("theta per day", g.theta_per_day),
        ("rho (per 1.00 rate)", g.rho),
    ] {
        t.add_row(vec![name.into(), num(v, 6)]);
    }
    if let Some(r) = dividend_rho {
        t.add_row(vec!["dividend rho".into(), num(r, 6)]);
    }
    let note = if at_lower_bound {
        "\nthe price is the discounted intrinsic value, the lower bound, reached at volatility 0: \
         the implied vol is 0 and the greeks are their zero-volatility limits"
    } else {
        ""
    };
    output::emit(&format!("{head}\n{t}{note}"));
    Ok(())
}
