//! The human table of `crosshedge price option`.

use crosshedge_app::price::option::OptionResponse;

use crate::output::{self, num, pct};

/// The price and greeks (or the implied vol); `vix` when the option is a VIX option.
pub fn render(out: &OptionResponse, vix: bool) -> String {
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
    let on = match (vix, out.expiry) {
        (true, Some(e)) => format!("VIX option on the {e} VIX future"),
        (true, None) => "VIX option on the same-expiry VIX future".to_string(),
        (false, _) if out.coin.is_some() => {
            format!("inverse (coin-settled) option on the USD {}", out.underlying)
        }
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
        let label = if out.coin.is_some() { "market price (coin)" } else { "market price" };
        t.add_row(vec![label.into(), num(p, 6)]);
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
    if let Some(c) = &out.coin {
        for (name, v) in [
            ("price (coin)", c.price_coin),
            ("delta (coin per USD)", c.delta_coin_per_usd),
            ("delta premium-adjusted (coin per coin)", c.delta_premium_adjusted),
            ("gamma (coin per USD²)", c.gamma_coin_per_usd2),
            ("vega (coin per 1.00 vol)", c.vega_coin),
            ("theta (coin per year)", c.theta_coin_per_year),
        ] {
            t.add_row(vec![name.into(), num(v, 8)]);
        }
    }
    let note = if at_lower_bound {
        "\nthe price is the discounted intrinsic value, the lower bound, reached at volatility 0: \
         the implied vol is 0 and the greeks are their zero-volatility limits"
    } else {
        ""
    };
    format!("{head}\n{t}{note}")
}
