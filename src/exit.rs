//! Error classification at the binary edge: which failures are the user's input (exit 2) and
//! which are failures of the analysis (exit 1).

use crosshedge_core::CoreError;
use crosshedge_data::DataError;

/// A usage error found by the command line itself (a bad flag combination, a bad value).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit code for `e`: 2 for bad usage or input, 1 otherwise.
pub fn code(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if let Some(a) = cause.downcast_ref::<crosshedge_app::AppError>() {
            return a.kind.exit_code();
        }
        if cause.downcast_ref::<UsageError>().is_some()
            || cause.downcast_ref::<CoreError>().is_some()
        {
            return 2;
        }
        if let Some(d) = cause.downcast_ref::<DataError>() {
            return if d.is_input() || matches!(d, DataError::Core(_)) { 2 } else { 1 };
        }
    }
    1
}

/// The error and its causes on one line.
pub fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace('\n', " ")
}

/// Clap's rendered usage error as one line: its first paragraph (up to the blank line before
/// the usage and the `--help` tip), lines joined by a space.
///
/// `"error: invalid value 'x' for '--align <ALIGN>': ...\n\nFor more information, try
/// '--help'.\n"` becomes its first line; a list of missing arguments is joined onto it.
pub fn clap_one_line(rendered: &str) -> String {
    rendered
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("Usage:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A usage error (exit 2) with `msg`.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}
