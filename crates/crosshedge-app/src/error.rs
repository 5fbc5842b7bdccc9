//! The one error type of every job: a kind the front ends map to their own signal (an exit
//! code, an HTTP status, a Python exception) and a one-line message.

use std::fmt;

use serde::Serialize;

/// What went wrong, as a front end needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The request or one of its inputs is wrong (a bad value, a missing series, a malformed
    /// file): the user can fix it. The CLI exits 2.
    Input,
    /// The analysis could not be carried out on valid input (a fit failed, too few rows for a
    /// statistic, the store failed). The CLI exits 1.
    Analysis,
    /// The job was cancelled through its [`crate::Progress`]. The CLI exits 130.
    Cancelled,
}

impl ErrorKind {
    /// The process exit code the command line uses for this kind: 2, 1 or 130.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Input => 2,
            Self::Analysis => 1,
            Self::Cancelled => 130,
        }
    }
}

/// A job's failure: its kind and a message on one line (causes joined by `": "`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct AppError {
    /// Input, analysis or cancelled.
    pub kind: ErrorKind,
    /// One line, without a trailing period; names the file, row and column or the request
    /// field when the input is at fault.
    pub message: String,
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl AppError {
    /// An input error: the user can fix it.
    pub fn input(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Input, message: one_line(message.into()) }
    }

    /// An analysis failure on valid input.
    pub fn analysis(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Analysis, message: one_line(message.into()) }
    }

    /// The job was cancelled.
    pub fn cancelled() -> Self {
        Self { kind: ErrorKind::Cancelled, message: "cancelled".to_string() }
    }

    /// The same error with `context` in front (`"context: message"`), keeping its kind.
    #[must_use]
    pub fn context(self, context: impl fmt::Display) -> Self {
        Self { kind: self.kind, message: format!("{context}: {}", self.message) }
    }

    /// The error of `e` and all its sources on one line, as `anyhow`'s `{:#}` prints them,
    /// with the given kind.
    pub fn from_chain(kind: ErrorKind, e: &(dyn std::error::Error + 'static)) -> Self {
        let mut message = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            // A cause whose text the message already holds (an error that prints its source)
            // is not repeated.
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        Self { kind, message: one_line(message) }
    }
}

/// `message` with line breaks folded into spaces.
fn one_line(message: String) -> String {
    if message.contains('\n') {
        message.replace('\n', " ")
    } else {
        message
    }
}

/// `.context(..)` and `.with_context(|| ..)` on any result whose error converts into an
/// [`AppError`]: the kind is kept, the context is put in front of the message.
pub trait ResultExt<T> {
    /// Puts `context` in front of the error's message.
    fn context(self, context: impl fmt::Display) -> Result<T, AppError>;
    /// Puts `f()` in front of the error's message; `f` runs only on error.
    fn with_context<C: fmt::Display>(self, f: impl FnOnce() -> C) -> Result<T, AppError>;
}

impl<T, E: Into<AppError>> ResultExt<T> for Result<T, E> {
    fn context(self, context: impl fmt::Display) -> Result<T, AppError> {
        self.map_err(|e| e.into().context(context))
    }
    fn with_context<C: fmt::Display>(self, f: impl FnOnce() -> C) -> Result<T, AppError> {
        self.map_err(|e| e.into().context(f()))
    }
}

impl From<crosshedge_core::CoreError> for AppError {
    fn from(e: crosshedge_core::CoreError) -> Self {
        Self::from_chain(ErrorKind::Input, &e)
    }
}

impl From<crosshedge_data::DataError> for AppError {
    fn from(e: crosshedge_data::DataError) -> Self {
        let kind = if e.is_input() || matches!(e, crosshedge_data::DataError::Core(_)) {
            ErrorKind::Input
        } else {
            ErrorKind::Analysis
        };
        Self::from_chain(kind, &e)
    }
}

/// An implied-vol series or setting the user named is unusable (unknown, non-positive, in
/// decimals instead of vol points): always an input error (exit 2).
impl From<crate::crypto_vol::CryptoVolError> for AppError {
    fn from(e: crate::crypto_vol::CryptoVolError) -> Self {
        Self::from_chain(ErrorKind::Input, &e)
    }
}

/// The kind of a domain error as the command line has always classified it: the first cause
/// in the chain that is a core error or a data error about the input makes it an input error;
/// anything else is a failure of the analysis.
fn classify(e: &(dyn std::error::Error + 'static)) -> ErrorKind {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<crosshedge_core::CoreError>().is_some() {
            return ErrorKind::Input;
        }
        // A malformed events/FOMC/CPI/PPI file names its file, line and column: bad input.
        if let Some(crosshedge_labels::LabelsError::Csv { .. }) =
            c.downcast_ref::<crosshedge_labels::LabelsError>()
        {
            return ErrorKind::Input;
        }
        if let Some(d) = c.downcast_ref::<crosshedge_data::DataError>() {
            return if d.is_input() || matches!(d, crosshedge_data::DataError::Core(_)) {
                ErrorKind::Input
            } else {
                ErrorKind::Analysis
            };
        }
        cause = c.source();
    }
    ErrorKind::Analysis
}

/// Domain errors: "analysis" unless a core or input data error is among their causes (see
/// [`classify`]); a job maps a domain error that stems from a request value to
/// [`AppError::input`] where it calls.
macro_rules! domain_errors {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                Self::from_chain(classify(&e), &e)
            }
        }
    )*};
}

domain_errors!(
    crosshedge_stats::StatsError,
    crosshedge_regimes::RegimeError,
    crosshedge_labels::LabelsError,
    crosshedge_pricing::PricingError,
    crosshedge_defi::DefiError,
    crosshedge_hedging::HedgingError,
    crosshedge_simulation::SimulationError,
    crosshedge_backtest::BacktestError,
    crosshedge_report::ReportError,
    crosshedge_demo::DemoError,
    std::io::Error,
    serde_json::Error,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_the_documented_exit_codes() {
        assert_eq!(AppError::input("x").kind.exit_code(), 2);
        assert_eq!(AppError::analysis("x").kind.exit_code(), 1);
        assert_eq!(AppError::cancelled().kind.exit_code(), 130);
    }

    #[test]
    fn context_keeps_the_kind_and_the_message_stays_on_one_line() {
        let e = AppError::input("line 1\nline 2").context("reading f.csv");
        assert_eq!(e.kind, ErrorKind::Input);
        assert_eq!(e.message, "reading f.csv: line 1 line 2");
        let r: Result<(), AppError> = Err(AppError::analysis("no rows"));
        let e = r.with_context(|| "basis btc/vix").unwrap_err();
        assert_eq!(e.to_string(), "basis btc/vix: no rows");
    }

    #[test]
    fn core_errors_are_input_errors() {
        let e: AppError = "nope".parse::<crosshedge_core::align::AlignPolicy>().unwrap_err().into();
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(e.message.contains("nope"), "{}", e.message);
    }
}
