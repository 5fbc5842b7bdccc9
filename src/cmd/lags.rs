//! `crosshedge lags`: the lead-lag ("time-shifted") relation of a target and a hedge.

use crosshedge_data::store::Store;
use crosshedge_stats::leadlag::{ccf, dimson_beta, Ccf, Dimson};
use serde::Serialize;

use super::pair::{load_pair, PairMeta};
use super::Ctx;
use crate::cli::LagsArgs;
use crate::output;

#[derive(Serialize)]
struct LagsOutput {
    #[serde(flatten)]
    meta: PairMeta,
    /// `ccf[k] = corr(T_t, H_{t-k})`: positive k means the hedge leads the target.
    ccf: Ccf,
    /// Sum of slopes on H_{t-K..t+K}.
    dimson: Dimson,
    /// The contemporaneous OLS beta (the Dimson regression with K = 0).
    beta_synchronous: f64,
}

pub fn run(ctx: &Ctx, a: LagsArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let pair = load_pair(&store, &a.pair)?;
    let c = ccf(&pair.target, &pair.hedge, a.max_lag)?;
    let d = dimson_beta(&pair.target, &pair.hedge, a.max_lag, None)?;
    let d0 = dimson_beta(&pair.target, &pair.hedge, 0, None)?;
    let out = LagsOutput { meta: pair.meta, ccf: c, dimson: d, beta_synchronous: d0.beta };
    if ctx.json {
        return output::print_json(&out);
    }
    let m = &out.meta;
    let mut s = format!(
        "lags: {} vs {} | {} returns | alignment {} | {} rows | ccf(k) = corr({}_t, {}_(t-k)): k > 0 means {} leads\n",
        m.target, m.hedge, m.target_returns, m.alignment, m.rows, m.target, m.hedge, m.hedge
    );
    let mut t = output::table(&["lag k", "ccf", "|ccf| > 95% band", "Dimson slope"]);
    for (i, k) in out.ccf.lags.iter().enumerate() {
        let slope = out
            .dimson
            .lags
            .iter()
            .position(|l| l == k)
            .map_or("-".to_string(), |j| format!("{:+.4}", out.dimson.slopes[j]));
        t.add_row(vec![
            k.to_string(),
            format!("{:+.3}", out.ccf.ccf[i]),
            if out.ccf.ccf[i].abs() > out.ccf.band95 { "yes".into() } else { "".into() },
            slope,
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str(&format!(
        "\n95% band +-{:.3}; peak at lag {}; synchronous beta {:+.4}; Dimson beta (K = {}) {:+.4}\n",
        out.ccf.band95, out.ccf.peak_lag, out.beta_synchronous, out.dimson.max_lag, out.dimson.beta
    ));
    output::emit(&s);
    Ok(())
}
