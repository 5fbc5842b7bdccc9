//! The human answers of `crosshedge regimes`: the VIX bands or a Markov-switching fit.

use crosshedge_app::regimes::{BandsResponse, MarkovResponse};

use crate::table::{self, opt, pct};

/// The human table of the VIX bands.
pub fn render_bands(out: &BandsResponse) -> String {
    let mut s = format!(
        "VIX bands of {} (calm < {}, stress > {}, on the previous close) | last {} close {} -> current band {}\n",
        out.series,
        out.config.calm_below,
        out.config.stress_above,
        table::date_or_dash(out.last_date),
        opt(out.last_close, 2),
        out.current.as_deref().unwrap_or("-")
    );
    let mut t =
        table::table(&["band", "share of days", "spells", "mean spell (days)", "longest spell"]);
    for st in &out.stats {
        t.add_row(vec![
            st.band.clone(),
            pct(st.share, 1),
            st.n_spells.to_string(),
            opt(st.mean_spell_days, 1),
            st.max_spell_days.to_string(),
        ]);
    }
    s.push_str(&t.to_string());
    s
}

/// The human summary of a Markov fit.
pub fn render(o: &MarkovResponse) -> String {
    let f = &o.fit;
    let mut s = format!(
        "{} on {} ({}) | {} .. {} | {} rows | log-likelihood {:.2}, AIC {:.2}, BIC {:.2}\n",
        o.model,
        o.series.join(" & "),
        o.data,
        table::date_or_dash(o.from),
        table::date_or_dash(o.to),
        f.n_obs,
        f.loglik,
        f.aic,
        f.bic
    );
    let mut t = table::table(&["parameter", "estimate", "std. error"]);
    for p in &f.params {
        t.add_row(vec![p.name.clone(), format!("{:+.6}", p.value), opt(p.std_error, 6)]);
    }
    s.push_str(&t.to_string());
    if let Some(note) = &f.std_error_note {
        s.push_str(&format!("\n{note}"));
    }
    let mut header = vec!["from \\ to".to_string()];
    header.extend(f.state_names.iter().cloned());
    header.push("expected duration (days)".into());
    header.push("long-run share".into());
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table::table(&hdr);
    for (i, row) in f.transition.iter().enumerate() {
        let mut r = vec![f.state_names[i].clone()];
        r.extend(row.iter().map(|p| format!("{p:.4}")));
        r.push(format!("{:.1}", f.expected_durations[i]));
        r.push(pct(f.ergodic[i], 1));
        t.add_row(r);
    }
    s.push('\n');
    s.push_str(&t.to_string());
    let probs: Vec<String> = f
        .state_names
        .iter()
        .zip(&o.current_probabilities)
        .map(|(n, p)| format!("{n} {}", pct(*p, 1)))
        .collect();
    let fc: Vec<String> =
        f.state_names.iter().zip(&f.forecast).map(|(n, p)| format!("{n} {}", pct(*p, 1))).collect();
    s.push_str(&format!(
        "\ncurrent regime ({}): {} (smoothed: {}); next day: {}\n",
        table::date_or_dash(o.to),
        o.current_state,
        probs.join(", "),
        fc.join(", ")
    ));
    for w in &o.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    s
}

/// Either rendering, as the response says: VIX bands ([`render_bands`]) or a Markov model
/// ([`render`]).
pub fn render_response(o: &crosshedge_app::regimes::RegimesResponse) -> String {
    match o {
        crosshedge_app::regimes::RegimesResponse::Bands(b) => render_bands(b),
        crosshedge_app::regimes::RegimesResponse::Markov(m) => render(m),
    }
}
