//! `crosshedge regimes`: which regime the market is in, from VIX bands or a Markov-switching
//! model (Hamilton filter, Kim smoother, in logs), with probabilities and a one-step forecast.

use chrono::NaiveDate;
use crosshedge_core::align::{align, AlignPolicy};
use crosshedge_core::regime::Labeling;
use crosshedge_core::returns::ReturnKind;
use crosshedge_data::store::Store;
use crosshedge_labels::bands::{vix_bands, BandConfig, BandStats};
use crosshedge_regimes::{fit_markov, fit_markov_bivariate, MarkovFit, MarkovOptions};
use serde::Serialize;

use super::{parse_date_flag, Ctx};
use crate::cli::RegimesArgs;
use crate::exit::UsageError;
use crate::output::{self, opt, pct};

/// A fitted Markov model with the dates of its rows.
#[derive(Serialize)]
pub struct MarkovOutput {
    /// `markov2`, `markov3` or `bivariate`.
    pub model: String,
    /// Series the model was fitted on.
    pub series: Vec<String>,
    /// The transformation of the data (log changes on NYSE days).
    pub data: String,
    /// First and last return end date.
    pub from: Option<NaiveDate>,
    /// Last return end date.
    pub to: Option<NaiveDate>,
    /// Smoothed probabilities of the last row, by state.
    pub current_probabilities: Vec<f64>,
    /// The most likely state of the last row.
    pub current_state: String,
    /// Row dates (return end dates).
    pub dates: Vec<NaiveDate>,
    /// Warnings about the fit: a spike state (expected duration under
    /// `SPIKE_MAX_DURATION` = 2 days) is not a regime.
    pub warnings: Vec<String>,
    /// The fit.
    #[serde(flatten)]
    pub fit: MarkovFit,
}

/// Fits a univariate Markov-switching model with `k` states on the log changes of `series`
/// over NYSE days.
pub fn fit_univariate(
    store: &Store,
    series: &str,
    k: usize,
    opts: MarkovOptions,
    span: (Option<NaiveDate>, Option<NaiveDate>),
    tvtp: bool,
) -> anyhow::Result<MarkovOutput> {
    let s = store.load(series, span.0, span.1)?;
    let panel = align(&[&s], AlignPolicy::UsClose)?;
    let r = panel.returns(ReturnKind::Log)?;
    let y = &r.columns[0];
    // x_t drives the t -> t+1 transition: the level at the end of row t.
    let tv = tvtp.then(|| panel.levels[0][1..].to_vec());
    let fit = fit_markov(y, &MarkovOptions { k_regimes: k, tvtp: tv, ..opts })?;
    Ok(finish(
        format!("markov{k}"),
        vec![series.to_string()],
        format!("{} returns, us-close", r.kinds[0]),
        r.dates,
        fit,
    ))
}

fn finish(
    model: String,
    series: Vec<String>,
    data: String,
    dates: Vec<NaiveDate>,
    fit: MarkovFit,
) -> MarkovOutput {
    let last = fit.smoothed.last().cloned().unwrap_or_default();
    let state = last
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or_else(String::new, |(i, _)| fit.state_names[i].clone());
    MarkovOutput {
        warnings: spike_warnings(&model, &fit),
        model,
        series,
        data,
        from: dates.first().copied(),
        to: dates.last().copied(),
        current_probabilities: last,
        current_state: state,
        dates,
        fit,
    }
}

/// One warning per spike state of `fit` ([`MarkovFit::spike_states`]): a state the chain
/// leaves after about a day marks isolated outlier days, so splitting statistics by it is not
/// a regime split.
pub fn spike_warnings(model: &str, fit: &MarkovFit) -> Vec<String> {
    fit.spike_states()
        .into_iter()
        .map(|i| {
            format!(
                "{model}: state '{}' is a spike state, not a regime: expected duration {:.2} days \
                 (p[{i}->{i}] = {:.3} < 0.5), i.e. isolated outlier days; statistics split by it \
                 describe those days, not a persistent market regime",
                fit.state_names[i], fit.expected_durations[i], fit.transition[i][i]
            )
        })
        .collect()
}

/// The `markov2`/`markov3` labeling of the VIX for `basis --regimes` (smoothed, i.e. ex post,
/// probabilities: the regime a date belonged to in hindsight).
/// A spike state ([`spike_warnings`]) is warned about on stderr.
pub fn markov_labeling(store: &Store, vix: &str, k: usize) -> anyhow::Result<Labeling> {
    let m = fit_univariate(store, vix, k, MarkovOptions::default(), (None, None), false)?;
    for w in &m.warnings {
        eprintln!("warning: {w}");
    }
    Ok(m.fit.to_labeling(&m.model, &m.dates)?)
}

#[derive(Serialize)]
struct BandsOutput {
    series: String,
    config: BandConfig,
    stats: Vec<BandStats>,
    current: Option<String>,
    last_date: Option<NaiveDate>,
    last_close: Option<f64>,
}

pub fn run(ctx: &Ctx, a: RegimesArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let span = (parse_date_flag("from", &a.from)?, parse_date_flag("to", &a.to)?);
    let opts = MarkovOptions { n_starts: a.starts, seed: a.seed, ..MarkovOptions::default() };
    let out = match a.model.as_str() {
        "bands" => {
            let s = store.load(&a.series, span.0, span.1)?;
            let b = vix_bands(&s, &BandConfig::default())?;
            let out = BandsOutput {
                series: a.series.clone(),
                config: b.config,
                stats: b.stats,
                current: b.current.map(|c| c.as_str().to_string()),
                last_date: s.dates().last().copied(),
                last_close: s.values().last().copied(),
            };
            if ctx.json {
                return output::print_json(&out);
            }
            let mut s = format!(
                "VIX bands of {} (calm < {}, stress > {}, on the previous close) | last {} close {} -> current band {}\n",
                out.series,
                out.config.calm_below,
                out.config.stress_above,
                output::date_or_dash(out.last_date),
                opt(out.last_close, 2),
                out.current.as_deref().unwrap_or("-")
            );
            let mut t = output::table(&[
                "band",
                "share of days",
                "spells",
                "mean spell (days)",
                "longest spell",
            ]);
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
            output::emit(&s);
            return Ok(());
        }
        "markov2" => fit_univariate(&store, &a.series, 2, opts, span, a.tvtp)?,
        "markov3" => fit_univariate(&store, &a.series, 3, opts, span, a.tvtp)?,
        "bivariate" => {
            let (Some(t), Some(h)) = (&a.target, &a.hedge) else {
                return Err(
                    UsageError("--model bivariate needs --target and --hedge".into()).into()
                );
            };
            let ts = store.load(t, span.0, span.1)?;
            let hs = store.load(h, span.0, span.1)?;
            let r = align(&[&ts, &hs], AlignPolicy::UsClose)?.returns(ReturnKind::Log)?;
            let fit = fit_markov_bivariate(&r.columns[0], &r.columns[1], &opts)?;
            finish(
                "bivariate".into(),
                vec![t.clone(), h.clone()],
                "log returns, us-close".into(),
                r.dates,
                fit,
            )
        }
        other => {
            return Err(UsageError(format!(
                "unknown --model '{other}' (expected bands, markov2, markov3, bivariate)"
            ))
            .into())
        }
    };
    output::print(ctx.json, &out, render)
}

/// The human summary of a Markov fit.
pub fn render(o: &MarkovOutput) -> String {
    let f = &o.fit;
    let mut s = format!(
        "{} on {} ({}) | {} .. {} | {} rows | log-likelihood {:.2}, AIC {:.2}, BIC {:.2}\n",
        o.model,
        o.series.join(" & "),
        o.data,
        output::date_or_dash(o.from),
        output::date_or_dash(o.to),
        f.n_obs,
        f.loglik,
        f.aic,
        f.bic
    );
    let mut t = output::table(&["parameter", "estimate", "std. error"]);
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
    let mut t = output::table(&hdr);
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
        output::date_or_dash(o.to),
        o.current_state,
        probs.join(", "),
        fc.join(", ")
    ));
    for w in &o.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Deterministic standard normals (a 64-bit LCG and Box–Muller): no RNG crate needed.
    fn normals(n: usize) -> Vec<f64> {
        let mut s: u64 = 0x2545_f491_4f6c_dd1d;
        let mut u = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let (a, b) = (u(), u());
                (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
            })
            .collect()
    }

    #[test]
    fn a_one_day_spike_state_is_warned_about() {
        // Calm and volatile stretches of 250 days, plus an isolated +30 % day every 37 days:
        // the third state is a one-day spike state.
        let z = normals(3000);
        let y: Vec<f64> = (0..3000)
            .map(|t| {
                let sd = if (t / 250) % 2 == 0 { 0.02 } else { 0.05 };
                if t % 37 == 5 {
                    0.3 + 0.05 * z[t]
                } else {
                    sd * z[t]
                }
            })
            .collect();
        let fit =
            fit_markov(&y, &MarkovOptions { k_regimes: 3, ..MarkovOptions::default() }).unwrap();
        let w = spike_warnings("markov3", &fit);
        assert_eq!(w.len(), 1, "{:?}", fit.expected_durations);
        assert!(
            w[0].starts_with("markov3: state 'stress' is a spike state, not a regime"),
            "{w:?}"
        );
        // Without the spikes, two persistent states: no warning.
        let calm_volatile: Vec<f64> =
            (0..2000).map(|t| if (t / 250) % 2 == 0 { 0.02 } else { 0.05 } * z[t]).collect();
        let fit2 = fit_markov(&calm_volatile, &MarkovOptions::default()).unwrap();
        assert!(spike_warnings("markov2", &fit2).is_empty(), "{:?}", fit2.expected_durations);
    }
}
