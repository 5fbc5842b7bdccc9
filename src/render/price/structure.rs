//! The human tables of `crosshedge price spread` and `crosshedge price condor`.

use crosshedge_app::price::structure::StructureResponse;
use crosshedge_pricing::structures::Extremum;

use crate::output::{self, fixed, num, pct};

fn extremum(e: &Extremum) -> String {
    match e {
        Extremum::Finite { value, underlying } => {
            format!("{} (at {})", num(*value, 4), num(*underlying, 2))
        }
        Extremum::Unbounded => "unbounded".into(),
    }
}

fn levels(xs: &[f64]) -> String {
    if xs.is_empty() {
        "none".into()
    } else {
        xs.iter().map(|x| num(*x, 4)).collect::<Vec<_>>().join(", ")
    }
}

/// Legs, net premium and greeks, break-evens, the payoff table and the carry.
pub fn render(o: &StructureResponse) -> String {
    let mut s = format!(
        "{} ({} on {}{}), {} days, vol {}, rate {}\n",
        o.structure,
        o.model,
        num(o.underlying_price, 4),
        o.div_yield_ann.map_or(String::new(), |q| format!(", dividend yield {}", pct(q, 2))),
        num(o.expiry_days, 2),
        pct(o.vol_ann, 2),
        pct(o.rate_ann, 2)
    );
    let mut t =
        output::table(&["leg", "strike", "quantity", "price", "delta", "vega/pt", "theta/day"]);
    for l in &o.legs {
        t.add_row(vec![
            l.kind.as_str().to_string(),
            num(l.strike, 4),
            num(l.quantity, 4),
            num(l.greeks.price, 4),
            num(l.greeks.delta, 4),
            num(l.greeks.vega_per_vol_point, 4),
            num(l.greeks.theta_per_day, 4),
        ]);
    }
    s.push_str(&t.to_string());
    let dc = if o.net_premium >= 0.0 { "debit" } else { "credit" };
    s.push_str(&format!(
        "\nnet premium {} ({dc}); net delta {}, vega/pt {}, theta/day {}\n\
         break-evens at expiry: {}\nmax gain: {}\nmax loss: {}\n",
        num(o.net_premium.abs(), 4),
        num(o.net_greeks.delta, 4),
        num(o.net_greeks.vega_per_vol_point, 4),
        num(o.net_greeks.theta_per_day, 4),
        levels(&o.break_evens),
        extremum(&o.max_gain),
        extremum(&o.max_loss),
    ));
    let mut t = output::table(&["underlying at expiry", "payoff", "P&L"]);
    for p in &o.payoff_at_expiry {
        t.add_row(vec![fixed(p.underlying, 4), fixed(p.payoff, 4), fixed(p.pnl, 4)]);
    }
    s.push_str(&t.to_string());
    if let Some(c) = &o.carry {
        let units = if c.inventory_quantity != 0.0 {
            format!(
                " and {} units of the underlying at {}",
                num(c.inventory_quantity, 4),
                num(c.inventory_entry_price, 4)
            )
        } else {
            String::new()
        };
        let moves: Vec<String> = c.break_even_moves.iter().map(|m| pct(*m, 2)).collect();
        s.push_str(&format!(
            "\ncarry at {} for {} days: financing of the premium{units} {}\n\
             carry-adjusted break-evens (premium and its financing paid): {}{}\n\
             carry-adjusted max gain: {}; max loss: {}\n",
            pct(c.rate_ann, 2),
            num(c.holding_days, 2),
            num(c.financing_cost, 4),
            levels(&c.break_evens),
            if moves.is_empty() {
                String::new()
            } else {
                format!(" ({} from now)", moves.join(", "))
            },
            extremum(&c.max_gain),
            extremum(&c.max_loss),
        ));
        if c.inventory_value != 0.0 {
            s.push_str(&format!(
                "inventory financing (value {} at {}, not in the break-even: its P&L is not \
                 modelled): {}; total financing {}\n",
                num(c.inventory_value, 2),
                pct(c.rate_ann, 2),
                num(c.inventory_financing_cost, 4),
                num(c.total_financing_cost, 4),
            ));
        }
    }
    s.trim_end().to_string()
}
