//! Table and number formatting for the human renderings (percent appears only here).

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde::Serialize;

/// A compact table with a header row.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    t
}

/// Formats an optional date (`-` when absent).
pub fn date_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// A decimal as a percent string for tables (0.0123 → "1.23%").
///
/// ```
/// assert_eq!(crosshedge_render::table::pct(0.0123, 2), "1.23%");
/// ```
pub fn pct(x: f64, digits: usize) -> String {
    format!("{:.*}%", digits, x * 100.0)
}

/// The serde name of a unit enum variant (`MacdCrossUp` → `macd-cross-up`).
pub fn serde_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

/// An optional number with `digits` decimals, or a dash.
pub fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
}

/// A number for tables: `digits` decimals, or scientific notation when tiny or huge.
///
/// ```
/// use crosshedge_render::table::num;
/// assert_eq!(num(0.5, 3), "0.500");
/// assert_eq!(num(1.5e-7, 3), "1.5000e-7");
/// ```
pub fn num(x: f64, digits: usize) -> String {
    let a = x.abs();
    if x != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{x:.4e}")
    } else {
        format!("{x:.digits$}")
    }
}

/// A number with exactly `digits` decimals (no scientific notation, no "-0.00").
///
/// ```
/// assert_eq!(crosshedge_render::table::fixed(-0.0001, 2), "0.00");
/// ```
pub fn fixed(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}
