//! The human answer of `crosshedge lags`: the cross-correlation function and the Dimson beta.

use crosshedge_app::lags::LagsResponse;

use crate::table;

/// The human answer.
pub fn render(out: &LagsResponse) -> String {
    let m = &out.meta;
    let mut s = format!(
        "lags: {} vs {} | {} returns | alignment {} | {} rows | ccf(k) = corr({}_t, {}_(t-k)): k > 0 means {} leads\n",
        m.target, m.hedge, m.target_returns, m.alignment, m.rows, m.target, m.hedge, m.hedge
    );
    let mut t = table::table(&["lag k", "ccf", "|ccf| > 95% band", "Dimson slope"]);
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
    s
}
