//! `crosshedge dcc`: GARCH(1,1) margins and Engle's DCC(1,1) dynamic correlation, with the
//! dynamic hedge ratio h_t = rho_t sigma_T,t / sigma_H,t.

use chrono::NaiveDate;
use crosshedge_data::store::Store;
use crosshedge_regimes::{fit_dcc, DccFit, DccOptions, Innovation};
use serde::Serialize;

use super::pair::{load_pair, PairMeta};
use super::Ctx;
use crate::cli::DccArgs;
use crate::exit::UsageError;
use crate::output::{self, opt, pct};

#[derive(Serialize)]
struct DccOutput {
    #[serde(flatten)]
    meta: PairMeta,
    innovation: String,
    a: f64,
    b: f64,
    loglik: f64,
    qbar_correlation: f64,
    last_date: Option<NaiveDate>,
    last_correlation: Option<f64>,
    last_hedge_ratio: Option<f64>,
    next_correlation: f64,
    next_hedge_ratio: f64,
    correlation_quantiles: [f64; 5],
    hedge_ratio_quantiles: [f64; 5],
    target_vol_next_ann: f64,
    hedge_vol_next_ann: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    dates: Option<Vec<NaiveDate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit: Option<DccFit>,
}

/// The 5 %, 25 %, 50 %, 75 % and 95 % empirical quantiles (linear interpolation).
fn quantiles(x: &[f64]) -> [f64; 5] {
    let mut v: Vec<f64> = x.to_vec();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if v.is_empty() {
            return 0.0;
        }
        let h = p * (v.len() - 1) as f64;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    [q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)]
}

pub fn run(ctx: &Ctx, a: DccArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let pair = load_pair(&store, &a.pair)?;
    let innovation = match a.dist.as_str() {
        "normal" => Innovation::Normal,
        "t" | "student-t" => Innovation::StudentT,
        other => {
            return Err(UsageError(format!("unknown --dist '{other}' (expected normal, t)")).into())
        }
    };
    let fit = fit_dcc(
        &pair.target,
        &pair.hedge,
        &DccOptions {
            innovation,
            periods_per_year: pair.meta.periods_per_year,
            ..DccOptions::default()
        },
    )?;
    let out = DccOutput {
        innovation: a.dist.clone(),
        a: fit.a,
        b: fit.b,
        loglik: fit.loglik,
        qbar_correlation: fit.qbar_correlation,
        last_date: pair.dates.last().copied(),
        last_correlation: fit.correlation.last().copied(),
        last_hedge_ratio: fit.hedge_ratio.last().copied(),
        next_correlation: fit.next_correlation,
        next_hedge_ratio: fit.next_hedge_ratio,
        correlation_quantiles: quantiles(&fit.correlation),
        hedge_ratio_quantiles: quantiles(&fit.hedge_ratio),
        target_vol_next_ann: fit.target.next_vol_ann,
        hedge_vol_next_ann: fit.hedge.next_vol_ann,
        dates: a.paths.then(|| pair.dates.clone()),
        fit: a.paths.then_some(fit.clone()),
        meta: pair.meta,
    };
    if ctx.json {
        return output::print_json(&out);
    }
    let m = &out.meta;
    let mut s = format!(
        "DCC(1,1) of {} and {} | {} returns, GARCH(1,1) {} margins | alignment {} | {} rows\n",
        m.target, m.hedge, m.target_returns, out.innovation, m.alignment, m.rows
    );
    let mut t = output::table(&["parameter", "estimate", "std. error"]);
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
        output::date_or_dash(out.last_date),
        opt(out.last_correlation, 3),
        opt(out.last_hedge_ratio, 4),
        out.next_correlation,
        out.next_hedge_ratio,
        pct(out.target_vol_next_ann, 1),
        pct(out.hedge_vol_next_ann, 1),
        out.qbar_correlation,
        out.loglik
    ));
    output::emit(&s);
    Ok(())
}
