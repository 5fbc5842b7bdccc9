//! The error type of the data crate.

/// Errors from importing, storing and exporting data.
///
/// [`DataError::is_input`] tells bad input (exit code 2 at the command line) from other failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A problem at a precise place in an input file.
    #[error("{file}: line {line}, column {column}{}: {message}", column_name.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Input {
        /// The file as given by the user.
        file: String,
        /// 1-based line number (the header is line 1).
        line: u64,
        /// 1-based column number.
        column: usize,
        /// The column's header name, when known.
        column_name: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A problem with a whole input file (missing, empty, unreadable).
    #[error("{file}: {message}")]
    File {
        /// The file as given by the user.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A request that cannot be served (unknown series, conflicting metadata).
    #[error("{0}")]
    Request(String),
    /// The store failed.
    #[error("store {path}: {source}")]
    Store {
        /// The store's path.
        path: String,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// Writing an output failed.
    #[error("writing {path}: {source}")]
    Write {
        /// The output path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A core-level error (alignment, series invariants).
    #[error(transparent)]
    Core(#[from] crosshedge_core::CoreError),
}

impl DataError {
    /// True when the error is the user's input (bad file, bad request): exit code 2.
    pub fn is_input(&self) -> bool {
        matches!(self, Self::Input { .. } | Self::File { .. } | Self::Request(_))
    }
}
