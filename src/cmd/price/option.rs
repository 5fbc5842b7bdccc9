//! `crosshedge price option`.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::Args;
use crosshedge_core::calendar;
use crosshedge_pricing::vix::{price_vix_option, VixCurve, VixOption, VixOptionInputs};
use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, implied_vol_black76, implied_vol_black_scholes,
    Black76Inputs, BlackScholesImpliedVolInputs, BlackScholesInputs, Greeks, ImpliedVolInputs,
    OptionKind, PricingError,
};
use serde::Serialize;

use super::curve::load_rows;
use super::{
    finite, non_negative, num, parse_kind, positive, pricing_err, usage, ExpiryArgs, Underlying,
};
use crate::cmd::Ctx;
use crate::output::{self, pct};

/// `crosshedge price option`.
#[derive(Debug, Args)]
pub struct OptionArgs {
    /// bs (Black–Scholes on spot with a dividend yield) or black76 (on a forward/futures price);
    /// inferred from --spot / --forward when absent.
    #[arg(long)]
    pub model: Option<String>,
    /// call or put.
    #[arg(long)]
    pub kind: String,
    /// Spot price (Black–Scholes).
    #[arg(long, allow_negative_numbers = true)]
    pub spot: Option<f64>,
    /// Forward or futures price of the option's expiry (Black-76); `--future` is the same flag.
    #[arg(long, allow_negative_numbers = true, alias = "future")]
    pub forward: Option<f64>,
    /// Strike.
    #[arg(long, allow_negative_numbers = true)]
    pub strike: f64,
    /// Time to expiry.
    #[command(flatten)]
    pub expiry: ExpiryArgs,
    /// Annualised volatility, decimal (0.2 = 20 %); omit with --price.
    #[arg(
        long,
        allow_negative_numbers = true,
        required_unless_present = "price",
        conflicts_with = "price"
    )]
    pub vol: Option<f64>,
    /// Option price: solve for the implied volatility instead of pricing.
    #[arg(long, allow_negative_numbers = true)]
    pub price: Option<f64>,
    /// Continuously compounded risk-free rate, decimal.
    #[arg(long, allow_negative_numbers = true)]
    pub rate: f64,
    /// Continuous dividend yield, decimal (Black–Scholes only).
    #[arg(long, allow_negative_numbers = true)]
    pub div_yield: Option<f64>,
    /// A VIX option: Black-76 on the VIX future of the same expiry (never on spot VIX).
    #[arg(long)]
    pub vix: bool,
    /// With --vix, --expiry and --as-of but no --future: the futures settlement file to take
    /// the future of the option's expiry from (settle on the --as-of date).
    #[arg(long, default_value = "../shared/data/vix_futures_contracts_daily.csv")]
    pub contracts: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    BlackScholes,
    Black76,
}

#[derive(Serialize)]
struct OptionOut {
    model: &'static str,
    kind: OptionKind,
    underlying: &'static str,
    underlying_price: f64,
    forward: f64,
    strike: f64,
    expiry_days: f64,
    t_years: f64,
    expiry: Option<chrono::NaiveDate>,
    as_of: Option<chrono::NaiveDate>,
    vol_ann: f64,
    vol_source: &'static str,
    /// `"lower"` when the market price equals the discounted intrinsic value (implied vol 0).
    vol_at_bound: Option<&'static str>,
    market_price: Option<f64>,
    rate_ann: f64,
    div_yield_ann: Option<f64>,
    #[serde(flatten)]
    greeks: Greeks,
    dividend_rho: Option<f64>,
}

const SPOT_VIX: &str = "VIX options are priced with Black-76 on the VIX future of the option's \
    expiry, never on spot VIX (spot VIX is not tradable and does not carry to expiry); pass \
    --future F (the settle of the future expiring with the option)";

fn model_of(a: &OptionArgs) -> anyhow::Result<(Model, Underlying)> {
    if a.vix {
        if a.spot.is_some() {
            return Err(usage(SPOT_VIX));
        }
        if a.model.as_deref().is_some_and(|m| m != "black76") {
            return Err(usage(format!(
                "--vix prices with black76, not --model {}",
                a.model.as_deref().unwrap_or("")
            )));
        }
        if a.div_yield.is_some() {
            return Err(usage(
                "--div-yield does not apply to a VIX option (Black-76 on the future)",
            ));
        }
        return Ok((Model::Black76, Underlying::Forward(f64::NAN)));
    }
    let model = match a.model.as_deref() {
        Some("bs") => Model::BlackScholes,
        Some("black76") => Model::Black76,
        Some(m) => return Err(usage(format!("--model '{m}': expected bs or black76"))),
        None if a.forward.is_some() => Model::Black76,
        None => Model::BlackScholes,
    };
    match (model, a.spot, a.forward) {
        (Model::BlackScholes, Some(s), None) => Ok((
            model,
            Underlying::Spot {
                spot: positive("spot", s)?,
                div_yield: finite("div-yield", a.div_yield.unwrap_or(0.0))?,
            },
        )),
        (Model::BlackScholes, _, Some(_)) => {
            Err(usage("--model bs takes --spot; use --model black76 for --forward"))
        }
        (Model::BlackScholes, None, None) => Err(usage("--model bs needs --spot S")),
        (Model::Black76, None, Some(f)) => {
            if a.div_yield.is_some() {
                return Err(usage(
                    "--div-yield applies to --model bs (Black-76 prices on the forward)",
                ));
            }
            Ok((model, Underlying::Forward(positive("forward", f)?)))
        }
        (Model::Black76, Some(_), _) => {
            Err(usage("--model black76 takes --forward F (or --future F), not --spot"))
        }
        (Model::Black76, None, None) => Err(usage("--model black76 needs --forward F")),
    }
}

/// The VIX future of the option's expiry: `--future`, or the settlement file on `--as-of`.
fn vix_future(
    a: &OptionArgs,
    dates: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> anyhow::Result<f64> {
    if let Some(f) = a.forward {
        return positive("future", f);
    }
    let Some((as_of, expiry)) = dates else {
        return Err(usage(
            "--vix needs --future F, or --expiry and --as-of to read the future from --contracts",
        ));
    };
    let (file, rows) = load_rows(&a.contracts)?;
    let curve = VixCurve::on_date(&rows, as_of).map_err(|e| match e {
        PricingError::InsufficientData { .. } => {
            usage(format!("{file}: no vix futures quoted on {as_of}; pass --future F"))
        }
        other => pricing_err(other),
    })?;
    curve.future(expiry).map(|q| q.price).ok_or_else(|| {
        let listed: Vec<String> = curve.points.iter().map(|p| p.expiry.to_string()).collect();
        usage(format!(
            "{file}: no vix future expiring {expiry} on {as_of} (listed: {}); a VIX option must be priced on the future of its own expiry",
            listed.join(", ")
        ))
    })
}

/// `--expiry` of a VIX option must be a monthly VIX expiry (the CFE rule, holiday-aware, with
/// the documented historical exceptions: [`calendar::is_vix_expiry`]); otherwise a usage error
/// naming the VIX expiries on either side of it.
fn check_vix_expiry(expiry: NaiveDate) -> anyhow::Result<()> {
    if calendar::is_vix_expiry(expiry) {
        return Ok(());
    }
    let (y, m) = (expiry.year(), expiry.month());
    let months = [
        if m == 1 { (y - 1, 12) } else { (y, m - 1) },
        (y, m),
        if m == 12 { (y + 1, 1) } else { (y, m + 1) },
    ];
    let dates = months.map(|(y, m)| calendar::vix_settlement_date(y, m));
    let before = dates.iter().filter(|d| **d < expiry).max();
    let after = dates.iter().filter(|d| **d > expiry).min();
    let near: Vec<String> = before.into_iter().chain(after).map(|d| d.to_string()).collect();
    Err(usage(format!(
        "--expiry {expiry} is not a VIX expiry date (monthly VIX options and futures settle on \
         the Wednesday 30 days before the next month's SPX expiry, moved for holidays); the \
         nearest are {}",
        near.join(" and ")
    )))
}

pub fn run(ctx: &Ctx, a: OptionArgs) -> anyhow::Result<()> {
    let kind = parse_kind(&a.kind)?;
    let (model, mut und) = model_of(&a)?;
    let strike = positive("strike", a.strike)?;
    let rate = finite("rate", a.rate)?;
    let exp = a.expiry.resolve()?;
    if a.vix {
        if let Some((_, expiry)) = exp.dates {
            check_vix_expiry(expiry)?;
        }
        und = Underlying::Forward(vix_future(&a, exp.dates)?);
    }
    let vol_in = a.vol.map(|v| positive("vol", v)).transpose()?;
    let market_price = a.price.map(|p| non_negative("price", p)).transpose()?;
    let t = exp.t_years;
    let vol = match (vol_in, market_price) {
        (Some(v), _) => v,
        (None, Some(p)) => match und {
            Underlying::Spot { spot, div_yield } => {
                implied_vol_black_scholes(&BlackScholesImpliedVolInputs {
                    kind,
                    price: p,
                    spot,
                    strike,
                    t_years: t,
                    rate,
                    div_yield,
                })
            }
            Underlying::Forward(forward) => implied_vol_black76(&ImpliedVolInputs {
                kind,
                price: p,
                forward,
                strike,
                t_years: t,
                rate,
            }),
        }
        .map_err(pricing_err)?,
        (None, None) => {
            return Err(usage("give --vol V, or --price P to solve for the implied vol"))
        }
    };
    // A price exactly at the discounted intrinsic value (the lower bound, attained) implies a
    // volatility of exactly 0; the greeks are then the zero-volatility limits (gamma and vega 0).
    let at_lower_bound = vol_in.is_none() && vol == 0.0;
    let (greeks, dividend_rho, forward, underlying_price, div_yield) = match und {
        Underlying::Spot { spot, div_yield } => {
            let i = BlackScholesInputs { kind, spot, strike, vol, t_years: t, rate, div_yield };
            let g = black_scholes_greeks(&i).map_err(pricing_err)?;
            (g.greeks, Some(g.dividend_rho), i.forward(), spot, Some(div_yield))
        }
        Underlying::Forward(forward) => {
            let g = match (a.vix, exp.dates) {
                (true, Some((as_of, expiry))) => price_vix_option(&VixOptionInputs {
                    option: VixOption { kind, strike, expiry },
                    future: crosshedge_pricing::vix::VixFutureQuote { expiry, price: forward },
                    as_of,
                    vol,
                    rate,
                }),
                _ => {
                    black76_greeks(&Black76Inputs { kind, forward, strike, vol, t_years: t, rate })
                }
            }
            .map_err(pricing_err)?;
            (g, None, forward, forward, None)
        }
    };
    let out = OptionOut {
        model: match (a.vix, model) {
            (true, _) => "vix-black76",
            (false, Model::BlackScholes) => "bs",
            (false, Model::Black76) => "black76",
        },
        kind,
        underlying: match (a.vix, und) {
            (true, _) => "vix-future",
            (false, Underlying::Spot { .. }) => "spot",
            (false, Underlying::Forward(_)) => "forward",
        },
        underlying_price,
        forward,
        strike,
        expiry_days: exp.days,
        t_years: t,
        expiry: exp.dates.map(|d| d.1),
        as_of: exp.dates.map(|d| d.0),
        vol_ann: vol,
        vol_source: if vol_in.is_some() { "input" } else { "implied" },
        vol_at_bound: at_lower_bound.then_some("lower"),
        market_price,
        rate_ann: rate,
        div_yield_ann: div_yield,
        greeks,
        dividend_rho,
    };
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
        num(exp.days, 2),
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
    if matches!(und, Underlying::Spot { .. }) {
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
