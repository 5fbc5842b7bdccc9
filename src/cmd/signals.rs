//! `crosshedge signals`: MACD (12, 26, 9) and Wilder RSI (14) on the VIX, and how early each
//! signal warns of a move into the stress band. NYSE days only (holiday prints dropped).

use crosshedge_data::store::Store;
use crosshedge_labels::signals::{
    evaluate_signals, vix_signals, EvalConfig, SignalConfig, SignalEvaluation, SignalEvent,
};
use serde::Serialize;

use super::Ctx;
use crate::cli::SignalsArgs;
use crate::output::{self, opt, pct, serde_name};

#[derive(Serialize)]
struct SignalsOutput {
    series: String,
    last_date: String,
    last_close: f64,
    macd: f64,
    macd_signal: f64,
    rsi: Option<f64>,
    config: SignalConfig,
    evaluation_horizon_days: usize,
    stress_above: f64,
    evaluation: Vec<SignalEvaluation>,
    recent_events: Vec<SignalEvent>,
    n_events: usize,
    /// VIX prints on non-NYSE days (CBOE holiday prints) left out, as `us-close` does.
    dropped_non_trading_days: Vec<chrono::NaiveDate>,
}

pub fn run(ctx: &Ctx, a: SignalsArgs) -> anyhow::Result<()> {
    let store = Store::open_existing(&ctx.store)?;
    let vix = store.load(&a.series, None, None)?;
    let cfg = SignalConfig::default();
    let sig = vix_signals(&vix, &cfg)?;
    let mut eval_cfg = EvalConfig { horizon_days: a.horizon, ..EvalConfig::default() };
    eval_cfg.entry.threshold = a.stress_above;
    let evaluation = evaluate_signals(&sig, &eval_cfg)?;
    let n = sig.dates.len();
    let recent: Vec<SignalEvent> = sig.events.iter().rev().take(a.last).rev().cloned().collect();
    let out = SignalsOutput {
        series: a.series.clone(),
        last_date: sig.dates[n - 1].to_string(),
        last_close: sig.closes[n - 1],
        macd: sig.macd.macd[n - 1],
        macd_signal: sig.macd.signal[n - 1],
        rsi: sig.rsi[n - 1],
        config: cfg,
        evaluation_horizon_days: a.horizon,
        stress_above: a.stress_above,
        evaluation,
        n_events: sig.events.len(),
        recent_events: recent,
        dropped_non_trading_days: sig.dropped_non_trading_days.clone(),
    };
    if ctx.json {
        return output::print_json(&out);
    }
    let mut s = format!(
        "signals on {} (MACD 12/26/9, RSI 14 Wilder) | last {} close {:.2} | MACD {:+.3} vs signal {:+.3} | RSI {}\n",
        out.series,
        out.last_date,
        out.last_close,
        out.macd,
        out.macd_signal,
        opt(out.rsi, 1)
    );
    if let (Some(first), n) =
        (out.dropped_non_trading_days.first(), out.dropped_non_trading_days.len())
    {
        s.push_str(&format!(
            "on NYSE days only: {n} print{} on non-trading days left out (first {first}), as the us-close alignment of regimes and basis does\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    s.push_str(&format!(
        "how early each signal warns of a VIX close above {} (hit = entry within {} trading days):\n",
        out.stress_above, out.evaluation_horizon_days
    ));
    let mut t = output::table(&[
        "signal",
        "signals",
        "hits",
        "false alarms",
        "hit rate",
        "base rate",
        "mean lead (d)",
        "median lead (d)",
        "entries anticipated",
    ]);
    for e in &out.evaluation {
        t.add_row(vec![
            serde_name(&e.kind),
            e.n_signals.to_string(),
            e.n_hits.to_string(),
            e.n_false_alarms.to_string(),
            e.hit_rate.map_or("-".into(), |x| pct(x, 1)),
            e.base_rate.map_or("-".into(), |x| pct(x, 1)),
            opt(e.mean_lead_days, 1),
            opt(e.median_lead_days, 1),
            format!("{}/{}", e.n_entries_anticipated, e.n_entries),
        ]);
    }
    s.push_str(&t.to_string());
    s.push_str(&format!("\nmost recent of {} signal events:\n", out.n_events));
    let mut t = output::table(&["date", "signal", "VIX close", "value"]);
    for e in &out.recent_events {
        t.add_row(vec![
            e.date.to_string(),
            serde_name(&e.kind),
            format!("{:.2}", e.vix_close),
            format!("{:+.3}", e.value),
        ]);
    }
    s.push_str(&t.to_string());
    output::emit(&s);
    Ok(())
}
