//! The error type of the data crate.

/// Longest file name shown in an input error, in characters.
const FILE_CHARS: usize = 80;
/// Longest column name shown in an input error, in characters.
const NAME_CHARS: usize = 32;
/// Longest message shown in an input error, in characters.
const MESSAGE_CHARS: usize = 160;

/// `s` as one short line: control characters (line breaks, tabs) shown as `\n`-style escapes
/// and at most `max` characters, the middle elided with `…` when longer. Every input error
/// is displayed through it, so an error never echoes a whole runaway cell.
pub fn clip(s: &str, max: usize) -> String {
    fn esc(c: char) -> std::char::EscapeDefault {
        // A printable character escapes to itself only through this filter (below).
        c.escape_default()
    }
    let one = |c: char| -> Vec<char> {
        if c.is_control() {
            esc(c).collect()
        } else {
            vec![c]
        }
    };
    let n: usize = s.chars().map(|c| if c.is_control() { esc(c).count() } else { 1 }).sum();
    if n <= max {
        return s.chars().flat_map(one).collect();
    }
    let head = max * 2 / 3;
    let tail = max.saturating_sub(head + 1);
    let mut out: String = s.chars().flat_map(one).take(head).collect();
    out.push('…');
    let mut end: Vec<char> =
        s.chars().rev().flat_map(|c| one(c).into_iter().rev()).take(tail).collect();
    end.reverse();
    out.extend(end);
    out
}

/// Errors from importing, storing and exporting data.
///
/// [`DataError::is_input`] tells bad input (exit code 2 at the command line) from other failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A problem at a precise place in an input file.
    #[error("{}: line {line}, column {column}{}: {}", clip(file, FILE_CHARS), column_name.as_ref().map(|c| format!(" ({})", clip(c, NAME_CHARS))).unwrap_or_default(), clip(message, MESSAGE_CHARS))]
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
    #[error("{}: {}", clip(file, FILE_CHARS), clip(message, MESSAGE_CHARS))]
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
    #[error("store {path}: {}", store_text(source))]
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

/// SQLite's message, with what to do when the store is busy: another process held its write
/// lock for longer than the store's 5 s busy timeout.
fn store_text(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            "database is locked: another process has been writing to it for more than 5 s (crosshedge waited); nothing was changed, retry when it has finished".to_string()
        }
        _ => e.to_string(),
    }
}
