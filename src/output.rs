//! Human tables and machine JSON: the display edge, where percent may appear.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde::Serialize;

/// A compact table with a header row.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    t
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    emit(&serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints `value` as JSON when `json` is set, else its human rendering `render(value)`.
pub fn print<T: Serialize>(
    json: bool,
    value: &T,
    render: impl FnOnce(&T) -> String,
) -> anyhow::Result<()> {
    if json {
        return print_json(value);
    }
    emit(&render(value));
    Ok(())
}

/// Writes `text` and a newline to stdout; a closed pipe (`| head`) ends the program quietly.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(1);
    }
}

/// Formats an optional date.
pub fn date_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// A decimal as a percent string for tables (0.0123 → "1.23%").
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
pub fn num(x: f64, digits: usize) -> String {
    let a = x.abs();
    if x != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{x:.4e}")
    } else {
        format!("{x:.digits$}")
    }
}

/// A number with exactly `digits` decimals (no scientific notation, no "-0.00").
pub fn fixed(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}
