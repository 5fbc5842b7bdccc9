//! The human answer of `crosshedge rolling`: every Nth window, the last one always shown.

use crosshedge_app::rolling::RollingResponse;

use crate::table;

/// The human answer, showing every `every`th window (and the last).
pub fn render(out: &RollingResponse, every: usize) -> String {
    let m = &out.meta;
    let level = out.level * 100.0;
    let mut s = format!(
        "rolling: {} vs {} | {} returns | alignment {} | {} rows | {}-row windows | {level:.0}% Fisher-z band\n",
        m.target, m.hedge, m.target_returns, m.alignment, m.rows, out.window
    );
    if out.points.is_empty() {
        s.push_str("no window has a defined correlation (a series is constant in every window)\n");
        return s;
    }
    let mut t = table::table(&["window end", "correlation", "band low", "band high", "beta"]);
    let n = out.points.len();
    for (i, p) in out.points.iter().enumerate() {
        if i % every.max(1) != 0 && i + 1 != n {
            continue;
        }
        t.add_row(vec![
            p.date.to_string(),
            format!("{:+.3}", p.correlation),
            format!("{:+.3}", p.low),
            format!("{:+.3}", p.high),
            format!("{:+.4}", p.beta),
        ]);
    }
    s.push_str(&t.to_string());
    let (lo, hi) = out.points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.correlation), b.max(p.correlation))
    });
    s.push_str(&format!(
        "\n{n} windows, {} to {}; correlation ranged {lo:+.3} to {hi:+.3}; every {every}th window shown (--every), all in --json\n",
        out.points[0].date,
        out.points[n - 1].date
    ));
    s
}
