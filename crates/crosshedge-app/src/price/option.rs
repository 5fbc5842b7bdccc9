//! `price option`: one option — price and greeks, or the implied volatility of a price;
//! a VIX option on the VIX future of its expiry; an inverse (coin-settled) crypto option on the
//! Deribit convention ([`crosshedge_pricing::inverse`]): the coin premium
//! `price_coin = price / (D·F)` (= `price / F` at rate 0) beside the USD value `price`.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use crosshedge_core::calendar;
use crosshedge_pricing::inverse::{coin_greeks, CoinGreeks, CryptoOptionInputs, Settlement};
use crosshedge_pricing::vix::{price_vix_option, VixCurve, VixOption, VixOptionInputs};
use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, implied_vol_black76, implied_vol_black_scholes,
    Black76Inputs, BlackScholesImpliedVolInputs, BlackScholesInputs, Greeks, ImpliedVolInputs,
    OptionKind, PricingError,
};
use serde::{Deserialize, Serialize};

use super::curve::{contracts_path, load_rows};
use super::{finite, non_negative, positive, pricing_err, ExpiryRequest, Underlying};
use crate::{AppError, Progress, Workspace};

/// The pricing model of an option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionModel {
    /// Black–Scholes on spot with a dividend yield.
    Bs,
    /// Black-76 on a forward/futures price.
    Black76,
}

impl OptionModel {
    /// `bs` or `black76`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bs => "bs",
            Self::Black76 => "black76",
        }
    }
}

/// One option to price (or whose implied volatility to solve for).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OptionRequest {
    /// The model; none: inferred from `spot` / `forward` (Black-76 when a forward is given).
    pub model: Option<OptionModel>,
    /// `call` or `put`.
    pub kind: OptionKind,
    /// Spot price (Black–Scholes).
    pub spot: Option<f64>,
    /// Forward or futures price of the option's expiry (Black-76; the VIX future with `vix`).
    pub forward: Option<f64>,
    /// Strike, in the underlying's units; > 0 (no meaningful default: 0 is refused).
    pub strike: f64,
    /// Time to expiry.
    pub expiry: ExpiryRequest,
    /// Annualised volatility, decimal (0.2 = 20 %); none with `price`.
    pub vol: Option<f64>,
    /// Option price: solve for the implied volatility instead of pricing.
    pub price: Option<f64>,
    /// Continuously compounded risk-free rate, decimal per year.
    pub rate: f64,
    /// Continuous dividend yield, decimal per year (Black–Scholes only).
    pub div_yield: Option<f64>,
    /// A VIX option: Black-76 on the VIX future of the same expiry (never on spot VIX).
    pub vix: bool,
    /// With `vix`, dates and no `forward`: the futures settlement file to read the future
    /// from (settle on `as_of`); none: the default file of the workspace's data directory.
    pub contracts: Option<PathBuf>,
    /// An inverse crypto option (Deribit's BTC/ETH convention: premium and settlement in the
    /// coin): Black-76 on the USD `forward` and the coin premium `price_coin = price / (D·F)`
    /// with its coin greeks; `price`, when given, is then the coin premium.
    pub inverse: bool,
}

impl Default for OptionRequest {
    fn default() -> Self {
        Self {
            model: None,
            kind: OptionKind::Call,
            spot: None,
            forward: None,
            strike: 0.0,
            expiry: ExpiryRequest::default(),
            vol: None,
            price: None,
            rate: 0.0,
            div_yield: None,
            vix: false,
            contracts: None,
            inverse: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    BlackScholes,
    Black76,
}

/// One option priced (the `--json` of `price option`): prices in the underlying's units,
/// rates and volatilities decimal per year, greeks as true derivatives plus
/// `vega_per_vol_point` and `theta_per_day`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OptionResponse {
    /// `bs`, `black76` or `vix-black76`.
    pub model: &'static str,
    /// Call or put.
    pub kind: OptionKind,
    /// `spot`, `forward` or `vix-future`.
    pub underlying: &'static str,
    /// The spot or forward price priced on.
    pub underlying_price: f64,
    /// The forward of the expiry (the spot carried, or the forward given).
    pub forward: f64,
    /// Strike.
    pub strike: f64,
    /// Calendar days to expiry.
    pub expiry_days: f64,
    /// Actual/365 year fraction.
    pub t_years: f64,
    /// Expiry date, when given as dates.
    pub expiry: Option<chrono::NaiveDate>,
    /// Valuation date, when given as dates.
    pub as_of: Option<chrono::NaiveDate>,
    /// Volatility used, decimal per year.
    pub vol_ann: f64,
    /// `input` or `implied`.
    pub vol_source: &'static str,
    /// `"lower"` when the market price equals the discounted intrinsic value (implied vol 0).
    pub vol_at_bound: Option<&'static str>,
    /// The price the implied vol was solved from.
    pub market_price: Option<f64>,
    /// Risk-free rate, decimal per year.
    pub rate_ann: f64,
    /// Dividend yield, decimal per year (Black–Scholes).
    pub div_yield_ann: Option<f64>,
    /// Price and greeks (flattened).
    #[serde(flatten)]
    pub greeks: Greeks,
    /// Sensitivity to the dividend yield (Black–Scholes).
    pub dividend_rho: Option<f64>,
    /// `inverse` for a coin-settled option (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<&'static str>,
    /// The coin premium `price_coin` and coin greeks of an inverse option (flattened; absent
    /// otherwise): `delta_coin_per_usd`, `delta_premium_adjusted` (coins per coin),
    /// `gamma_coin_per_usd2`, `vega_coin` (per 1.0 vol), `theta_coin_per_year`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub coin: Option<CoinGreeks>,
}

const SPOT_VIX: &str = "VIX options are priced with Black-76 on the VIX future of the option's \
    expiry, never on spot VIX (spot VIX is not tradable and does not carry to expiry); pass \
    --future F (the settle of the future expiring with the option)";

fn model_of(a: &OptionRequest) -> Result<(Model, Underlying), AppError> {
    if a.inverse {
        if a.vix {
            return Err(AppError::input(
                "--inverse is a crypto option; it does not apply to --vix",
            ));
        }
        if a.model == Some(OptionModel::Bs) || a.spot.is_some() {
            return Err(AppError::input(
                "--inverse prices with --model black76 on the USD --forward F of the coin, not \
                 on --spot",
            ));
        }
    }
    if a.vix {
        if a.spot.is_some() {
            return Err(AppError::input(SPOT_VIX));
        }
        if let Some(m) = a.model.filter(|m| *m != OptionModel::Black76) {
            return Err(AppError::input(format!(
                "--vix prices with black76, not --model {}",
                m.as_str()
            )));
        }
        if a.div_yield.is_some() {
            return Err(AppError::input(
                "--div-yield does not apply to a VIX option (Black-76 on the future)",
            ));
        }
        return Ok((Model::Black76, Underlying::Forward(f64::NAN)));
    }
    let model = match a.model {
        Some(OptionModel::Bs) => Model::BlackScholes,
        Some(OptionModel::Black76) => Model::Black76,
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
            Err(AppError::input("--model bs takes --spot; use --model black76 for --forward"))
        }
        (Model::BlackScholes, None, None) => Err(AppError::input("--model bs needs --spot S")),
        (Model::Black76, None, Some(f)) => {
            if a.div_yield.is_some() {
                return Err(AppError::input(
                    "--div-yield applies to --model bs (Black-76 prices on the forward)",
                ));
            }
            Ok((model, Underlying::Forward(positive("forward", f)?)))
        }
        (Model::Black76, Some(_), _) => {
            Err(AppError::input("--model black76 takes --forward F (or --future F), not --spot"))
        }
        (Model::Black76, None, None) => Err(AppError::input("--model black76 needs --forward F")),
    }
}

/// The VIX future of the option's expiry: `--future`, or the settlement file on `--as-of`.
fn vix_future(
    ws: &Workspace,
    a: &OptionRequest,
    dates: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Result<f64, AppError> {
    if let Some(f) = a.forward {
        return positive("future", f);
    }
    let Some((as_of, expiry)) = dates else {
        return Err(AppError::input(
            "--vix needs --future F, or --expiry and --as-of to read the future from --contracts",
        ));
    };
    let (file, rows) = load_rows(&contracts_path(ws, a.contracts.as_deref()))?;
    let curve = VixCurve::on_date(&rows, as_of).map_err(|e| match e {
        PricingError::InsufficientData { .. } => {
            AppError::input(format!("{file}: no vix futures quoted on {as_of}; pass --future F"))
        }
        other => pricing_err(other),
    })?;
    curve.future(expiry).map(|q| q.price).ok_or_else(|| {
        let listed: Vec<String> = curve.points.iter().map(|p| p.expiry.to_string()).collect();
        AppError::input(format!(
            "{file}: no vix future expiring {expiry} on {as_of} (listed: {}); a VIX option must be priced on the future of its own expiry",
            listed.join(", ")
        ))
    })
}

/// `--expiry` of a VIX option must be a monthly VIX expiry (the CFE rule, holiday-aware, with
/// the documented historical exceptions: [`calendar::is_vix_expiry`]); otherwise a usage error
/// naming the VIX expiries on either side of it.
fn check_vix_expiry(expiry: NaiveDate) -> Result<(), AppError> {
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
    Err(AppError::input(format!(
        "--expiry {expiry} is not a VIX expiry date (monthly VIX options and futures settle on \
         the Wednesday 30 days before the next month's SPX expiry, moved for holidays); the \
         nearest are {}",
        near.join(" and ")
    )))
}

/// Runs `price option`.
///
/// # Errors
/// An input error naming the flag for a bad value or combination; an analysis error when no
/// volatility reproduces the price.
pub fn run(
    ws: &Workspace,
    a: &OptionRequest,
    _progress: &dyn Progress,
) -> Result<OptionResponse, AppError> {
    let kind = a.kind;
    let (model, mut und) = model_of(a)?;
    let strike = positive("strike", a.strike)?;
    let rate = finite("rate", a.rate)?;
    let exp = a.expiry.resolve()?;
    if a.vix {
        if let Some((_, expiry)) = exp.dates {
            check_vix_expiry(expiry)?;
        }
        und = Underlying::Forward(vix_future(ws, a, exp.dates)?);
    }
    let vol_in = a.vol.map(|v| positive("vol", v)).transpose()?;
    let market_price = a.price.map(|p| non_negative("price", p)).transpose()?;
    let t = exp.t_years;
    // An inverse option's market price is its coin premium: the USD value is `c·D·F`.
    let usd_market_price = match (a.inverse, market_price, und) {
        (true, Some(c), Underlying::Forward(f)) => Some(c * (-rate * t).exp() * f),
        _ => market_price,
    };
    let vol = match (vol_in, usd_market_price) {
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
            return Err(AppError::input("give --vol V, or --price P to solve for the implied vol"))
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
    let mut results = vec![
        ("forward", forward),
        ("price", greeks.price),
        ("delta", greeks.delta),
        ("gamma", greeks.gamma),
        ("vega", greeks.vega),
        ("theta", greeks.theta),
        ("rho", greeks.rho),
        ("vega per vol point", greeks.vega_per_vol_point),
        ("theta per day", greeks.theta_per_day),
    ];
    if let Some(r) = dividend_rho {
        results.push(("dividend rho", r));
    }
    let coin = if a.inverse {
        let i = CryptoOptionInputs {
            kind,
            settlement: Settlement::Inverse,
            forward,
            strike,
            vol,
            t_years: t,
            rate,
        };
        let c = coin_greeks(&i).map_err(pricing_err)?;
        results.extend([
            ("price_coin", c.price_coin),
            ("delta_coin_per_usd", c.delta_coin_per_usd),
            ("gamma_coin_per_usd2", c.gamma_coin_per_usd2),
            ("vega_coin", c.vega_coin),
            ("theta_coin_per_year", c.theta_coin_per_year),
        ]);
        Some(c)
    } else {
        None
    };
    super::finite_results("price option", &results)?;
    Ok(OptionResponse {
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
        settlement: a.inverse.then_some(Settlement::Inverse.as_str()),
        coin,
    })
}
