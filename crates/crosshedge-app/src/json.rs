//! Requests given as JSON (the server's bodies, Python's dicts, hand-written files): an unknown
//! field or a bad value is an input error naming the field by its path.

use serde::de::DeserializeOwned;

use crate::AppError;

/// Parses a request of type `T` from JSON text. Every request type denies unknown fields and
/// defaults the ones left out, so `{}` is the request with every default.
///
/// ```
/// use crosshedge_app::{json::request_from_json, progress::Silent};
/// #[derive(serde::Deserialize, Debug, Default)]
/// #[serde(deny_unknown_fields, default)]
/// struct R { paths: u64 }
/// let r: R = request_from_json("{\"paths\": 5}").unwrap();
/// assert_eq!(r.paths, 5);
/// let e = request_from_json::<R>("{\"path\": 5}").unwrap_err();
/// assert!(e.message.contains("path"));
/// let _ = Silent;
/// ```
pub fn request_from_json<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path.is_empty() || path == "." {
            AppError::input(format!("request: {inner}"))
        } else {
            AppError::input(format!("request field `{path}`: {inner}"))
        }
    })
}

/// Parses a request of type `T` from a JSON value (as the server and Python hold it).
pub fn request_from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        AppError::input(format!("request field `{path}`: {}", e.into_inner()))
    })
}
