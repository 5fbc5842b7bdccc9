//! The error type of the fetch crate: every message is one line naming the source, and for
//! schema drift the field and a short excerpt of what came back.

use crosshedge_data::error::clip;

/// Longest excerpt of a response shown in an error, in characters.
pub const EXCERPT_CHARS: usize = 60;

/// Longest field (column) name shown in an error, in characters.
pub const FIELD_CHARS: usize = 40;

/// A short one-line excerpt of `bytes` (lossy UTF-8, control characters escaped).
pub fn excerpt(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(EXCERPT_CHARS * 4)];
    clip(String::from_utf8_lossy(head).trim(), EXCERPT_CHARS)
}

/// Errors from fetching and parsing vendor data.
///
/// [`FetchError::is_input`] tells what the user can fix (a bad spec, a vendor response that
/// does not match the vendor's documented format, a cache miss offline: exit code 2) from
/// failures of the network or the vendor (exit code 1).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The response does not have the vendor's documented format (schema drift): a renamed
    /// column, a missing field, HTML instead of CSV, a truncated body.
    #[error("{source_name}: field `{field}`: {message} (got '{excerpt}')")]
    Schema {
        /// The source, e.g. `binance:BTCUSDT` or a file name.
        source_name: String,
        /// The field, column or position that is wrong.
        field: String,
        /// What is wrong.
        message: String,
        /// A short excerpt of what came back.
        excerpt: String,
    },
    /// The vendor answered with an HTTP error after every retry, or refused us (418).
    #[error("{source_name}: HTTP {status} from {url}: {message}")]
    Http {
        /// The source.
        source_name: String,
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What it means, with a short excerpt of the body.
        message: String,
    },
    /// The request could not be completed (connection refused, timeout, truncated transfer)
    /// after every retry.
    #[error("{source_name}: {url}: {message}")]
    Transport {
        /// The source.
        source_name: String,
        /// The URL requested.
        url: String,
        /// What failed.
        message: String,
    },
    /// `--offline` and no cached response for this request.
    #[error(
        "{source_name}: offline and no cached response for {url} (fetch once without --offline)"
    )]
    NotCached {
        /// The source.
        source_name: String,
        /// The URL that would have been requested.
        url: String,
    },
    /// A bad request: an unknown source or preset, a malformed spec or base URL.
    #[error("{0}")]
    Request(String),
    /// The raw cache could not be read or written.
    #[error("cache {path}: {message}")]
    Cache {
        /// The cache path.
        path: String,
        /// What failed.
        message: String,
    },
    /// The cancellation hook of the client said stop ([`crate::http::Client::with_cancel`]).
    #[error("cancelled")]
    Cancelled,
    /// The normalised rows failed the importer's checks.
    #[error(transparent)]
    Data(#[from] crosshedge_data::DataError),
}

impl FetchError {
    /// True when the user can fix the problem (exit code 2 at the command line).
    pub fn is_input(&self) -> bool {
        match self {
            Self::Schema { .. } | Self::NotCached { .. } | Self::Request(_) => true,
            Self::Data(d) => d.is_input() || matches!(d, crosshedge_data::DataError::Core(_)),
            Self::Http { .. } | Self::Transport { .. } | Self::Cache { .. } | Self::Cancelled => {
                false
            }
        }
    }

    /// A schema-drift error of `source` at `field`, with an excerpt of `got`. The field is a
    /// vendor's column name as it came back, so it is clipped and its control characters
    /// escaped like the excerpt (a quoted header cell may hold a line break).
    pub fn schema(
        source: &str,
        field: impl Into<String>,
        message: impl Into<String>,
        got: &[u8],
    ) -> Self {
        Self::Schema {
            source_name: source.to_string(),
            field: clip(&field.into(), FIELD_CHARS),
            message: message.into(),
            excerpt: excerpt(got),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Found by the `vendor_formats` fuzz target: a quoted header cell holding a line break
    /// made a two-line error.
    #[test]
    fn a_field_name_with_a_line_break_stays_on_one_line() {
        let e = FetchError::schema(
            "raw",
            "44184.\0,Low\n2024-01-03,nu",
            "line 3: not a number",
            b"n\"\"",
        );
        let m = e.to_string();
        assert!(!m.contains('\n') && !m.contains('\0'), "{m}");
        assert!(m.starts_with("raw: field `44184.\\u{0},Low\\n2024-01-03,nu`: line 3"), "{m}");
        let long = FetchError::schema("raw", "x".repeat(500), "m", b"");
        assert!(long.to_string().chars().count() < 120, "{long}");
    }

    #[test]
    fn a_schema_error_is_one_short_line() {
        let body = format!("<!DOCTYPE html>\n<html>{}</html>", "x".repeat(10_000));
        let e = FetchError::schema("cboe:VIX", "DATE", "HTML instead of CSV", body.as_bytes());
        let m = e.to_string();
        assert!(
            m.starts_with(
                "cboe:VIX: field `DATE`: HTML instead of CSV (got '<!DOCTYPE html>\\n<html>"
            ),
            "{m}"
        );
        assert!(m.lines().count() == 1 && m.chars().count() < 160, "{m}");
        assert!(e.is_input());
        let t =
            FetchError::Transport { source_name: "s".into(), url: "u".into(), message: "m".into() };
        assert!(!t.is_input());
    }
}
