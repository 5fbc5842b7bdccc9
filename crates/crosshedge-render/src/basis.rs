//! The human answer of `crosshedge basis`: the table by regime, the decorrelation factor and
//! the correlation-breakdown tests.

use crosshedge_app::basis::BasisResponse;
use crosshedge_app::basis::{BasisStats, DecorrelationFactor, RegimeStats, NOT_IDENTIFIED};

use crate::table::{self, pct};

/// The decorrelation factor's line: a scale only when `k` is identified and positive; a sign
/// flip (`k < 0`: the stress h* points the other way, no scaling of the calm hedge is
/// variance-optimal) is said as such; an unidentified `k` (the calm h*'s bootstrap interval
/// contains zero) gets no interval and no scale.
fn decorrelation_line(k: &DecorrelationFactor) -> String {
    let ratios = format!(
        "h* calm {:+.4} [{:+.4}, {:+.4}], stress {:+.4}",
        k.hedge_ratio_calm,
        k.hedge_ratio_calm_ci95[0],
        k.hedge_ratio_calm_ci95[1],
        k.hedge_ratio_stress
    );
    match k.ci95 {
        None => format!(
            "decorrelation factor k = h*_stress/h*_calm = {:.2}: {NOT_IDENTIFIED} ({ratios}); no interval, read the stress h* directly\n",
            k.value
        ),
        Some(ci) if k.value < 0.0 => format!(
            "decorrelation factor k = h*_stress/h*_calm = {:.2} [{:.2}, {:.2}]: the hedge ratio flips sign in stress ({ratios}), so no scaling of the calm hedge fits stress: a hedge sized in calm markets points the wrong way there\n",
            k.value, ci[0], ci[1]
        ),
        Some(ci) => format!(
            "decorrelation factor k = h*_stress/h*_calm = {:.2} [{:.2}, {:.2}]: a hedge sized in calm markets must be scaled {:.2}x to be variance-optimal in stress ({ratios})\n",
            k.value, ci[0], ci[1], k.value
        ),
    }
}

fn row(name: &str, s: &BasisStats) -> Vec<String> {
    vec![
        name.to_string(),
        s.n.to_string(),
        format!(
            "{:+.3} [{:+.2}, {:+.2}]",
            s.pearson, s.pearson_ci95_bootstrap[0], s.pearson_ci95_bootstrap[1]
        ),
        format!("{:+.3}", s.spearman),
        format!("{:+.3}", s.kendall),
        format!("{:+.4} ({:.4})", s.beta, s.beta_se_hac),
        format!("{:+.4}", s.hedge_ratio),
        format!("{:.3}", s.r2),
        format!("{:+.4}", s.dimson_beta),
        pct(s.target_vol_ann, 1),
        pct(s.hedge_vol_ann, 1),
    ]
}

/// The one-screen human answer.
pub fn render(o: &BasisResponse) -> String {
    let m = &o.meta;
    let r = &o.report;
    let mut s = format!(
        "basis: {} hedged with {} | {} returns ({} for the hedge) | alignment {} ({} periods/yr) | {} .. {} | seed {}\n",
        m.target,
        m.hedge,
        m.target_returns,
        m.hedge_returns,
        m.alignment,
        m.periods_per_year,
        table::date_or_dash(m.from),
        table::date_or_dash(m.to),
        r.seed
    );
    let mut t = table::table(&[
        "sample",
        "n",
        "pearson [95% boot]",
        "spearman",
        "kendall",
        "beta (HAC se)",
        "h*",
        "R2",
        "dimson",
        "vol T",
        "vol H",
    ]);
    t.add_row(row("all", &r.overall));
    for (name, st) in &r.regimes {
        match st {
            RegimeStats::Available(b) => {
                t.add_row(row(name, b));
            }
            RegimeStats::Unavailable { n, error } => {
                t.add_row(vec![name.clone(), n.to_string(), format!("n/a: {error}")]);
            }
        }
    }
    s.push_str(&t.to_string());
    s.push('\n');
    if let Some(k) = &r.decorrelation_factor {
        s.push_str(&decorrelation_line(k));
        if let (true, Some(RegimeStats::Available(c))) =
            (k.identified, r.regimes.get(&r.config.calm_state))
        {
            if c.beta_se_hac > 0.0 && (c.beta / c.beta_se_hac).abs() < 2.0 {
                s.push_str(&format!(
                    "  caution: the calm h* ({:+.4}, HAC t = {:.1}) is not distinguishable from 0, so k is weakly identified; read the stress h* directly\n",
                    c.beta,
                    c.beta / c.beta_se_hac
                ));
            }
        }
        s.push_str(&format!(
            "residual-risk multiple sqrt(1-rho_s^2)/sqrt(1-rho_c^2) = {:.3} [{:.3}, {:.3}] (rho calm {:+.3}, stress {:+.3})\n",
            k.residual_risk_multiple,
            k.residual_risk_multiple_ci95[0],
            k.residual_risk_multiple_ci95[1],
            k.rho_calm,
            k.rho_stress
        ));
    }
    if let Some(fr) = &r.forbes_rigobon {
        s.push_str(&format!(
            "Forbes-Rigobon: stress rho {:+.3} -> heteroskedasticity-adjusted {:+.3} vs calm {:+.3}, p = {:.3}{}\n",
            fr.rho_high,
            fr.rho_adjusted,
            fr.rho_low,
            fr.p_value,
            if fr.p_value < 0.05 { " (correlation really changes)" } else { " (no significant change once volatility is accounted for)" }
        ));
    }
    if let Some(z) = &r.fisher_z_test {
        s.push_str(&format!(
            "Fisher-z test calm vs stress (Bartlett effective n): p = {:.3}\n",
            z.p_value
        ));
    }
    if let Some(he) = &r.he_calm_hedge_in_stress {
        s.push_str(&format!(
            "hedge effectiveness of the calm h* applied in stress: {} (in-sample overall {})\n",
            pct(he.he_out_of_sample, 1),
            pct(r.overall.hedge_effectiveness, 1)
        ));
    }
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}
