//! Human tables and machine JSON: the display edge, where percent may appear.

use serde::Serialize;

pub use crosshedge_render::table::{date_or_dash, fixed, num, opt, pct, serde_name, table};

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
