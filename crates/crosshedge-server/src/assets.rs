//! The dashboard's files, embedded in the binary (no build step, no CDN): the page at `/`,
//! its script and style and the vendored uPlot under `/assets/`, each with its content type,
//! an `ETag` (a hash of the bytes, so a new binary invalidates every cache) and
//! `Cache-Control`: the page `no-cache` (always revalidated, so a new server's page is seen at
//! once), the assets revalidated after five minutes; `If-None-Match` answers 304.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The path under `/assets/` (`""` for the page at `/`).
    pub path: &'static str,
    /// Its `Content-Type`.
    pub mime: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

/// The page at `/`.
pub const INDEX: Asset = Asset {
    path: "",
    mime: "text/html; charset=utf-8",
    bytes: include_bytes!("../assets/index.html"),
};

/// The files under `/assets/`.
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "style.css",
        mime: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/style.css"),
    },
    Asset {
        path: "app.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/app.js"),
    },
    Asset {
        path: "vendor/uPlot.iife.min.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/vendor/uPlot.iife.min.js"),
    },
    Asset {
        path: "vendor/uPlot.min.css",
        mime: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/vendor/uPlot.min.css"),
    },
    Asset {
        path: "vendor/uPlot.LICENSE",
        mime: "text/plain; charset=utf-8",
        bytes: include_bytes!("../assets/vendor/uPlot.LICENSE"),
    },
    Asset {
        path: "vendor/VENDORED.md",
        mime: "text/markdown; charset=utf-8",
        bytes: include_bytes!("../assets/vendor/VENDORED.md"),
    },
];

/// The embedded file at `path` under `/assets/`.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// 64-bit FNV-1a of `bytes`: the `ETag` of an embedded file (not a security measure: it only
/// has to change when the file does).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

impl Asset {
    /// The quoted `ETag` of the file.
    pub fn etag(&self) -> String {
        format!("\"{:016x}\"", fnv1a(self.bytes))
    }

    /// The response to a `GET` with `headers`: 304 when `If-None-Match` names the current
    /// version, else the file.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        let etag = self.etag();
        let cache = if self.path.is_empty() { "no-cache" } else { "public, max-age=300" };
        let fresh = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
        let mut r = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            ([(header::CONTENT_TYPE, self.mime)], self.bytes).into_response()
        };
        let h = r.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        if self.path.is_empty() {
            // The page loads only its own files and talks only to its own server.
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
                     script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
                ),
            );
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_distinct_path_and_a_known_type() {
        for (i, a) in ASSETS.iter().enumerate() {
            assert!(!a.bytes.is_empty(), "{}", a.path);
            assert!(a.mime.contains('/'), "{}", a.path);
            assert!(ASSETS[..i].iter().all(|b| b.path != a.path), "{} twice", a.path);
        }
        assert_ne!(ASSETS[0].etag(), ASSETS[1].etag());
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        // The published FNV-1a test vector of "a".
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
