//! The human answer of `crosshedge dcc`: the fitted parameters and the dynamic correlation
//! and hedge ratio.

use crosshedge_app::dcc::DccResponse;

use crate::table::{self, opt, pct};

/// The human answer.
pub fn render(out: &DccResponse) -> String {
    let m = &out.meta;
    let mut s = format!(
        "DCC(1,1) of {} and {} | {} returns, GARCH(1,1) {} margins | alignment {} | {} rows\n",
        m.target, m.hedge, m.target_returns, out.innovation, m.alignment, m.rows
    );
    let mut t = table::table(&["parameter", "estimate", "std. error"]);
    let fit = &out.full_fit;
    let named = fit
        .params
        .iter()
        .map(|p| ("dcc", p))
        .chain(fit.target.params.iter().map(|p| (m.target.as_str(), p)))
        .chain(fit.hedge.params.iter().map(|p| (m.hedge.as_str(), p)));
    for (who, p) in named {
        t.add_row(vec![
            format!("{who} {}", p.name),
            format!("{:+.6}", p.value),
            opt(p.std_error, 6),
        ]);
    }
    s.push_str(&t.to_string());
    let q = |v: &[f64; 5]| {
        format!(
            "5% {:+.3} | 25% {:+.3} | median {:+.3} | 75% {:+.3} | 95% {:+.3}",
            v[0], v[1], v[2], v[3], v[4]
        )
    };
    s.push_str(&format!(
        "\ndynamic correlation: {}\ndynamic hedge ratio: {}\nlast ({}) correlation {} and hedge ratio {}; next day {:+.3} and {:+.4}; next-day vols {} / {} (ann.)\nunconditional correlation (Q-bar) {:+.3}; log-likelihood {:.2}\n",
        q(&out.correlation_quantiles),
        q(&out.hedge_ratio_quantiles),
        table::date_or_dash(out.last_date),
        opt(out.last_correlation, 3),
        opt(out.last_hedge_ratio, 4),
        out.next_correlation,
        out.next_hedge_ratio,
        pct(out.target_vol_next_ann, 1),
        pct(out.hedge_vol_next_ann, 1),
        out.qbar_correlation,
        out.loglik
    ));
    s
}
